import type { Distribution } from '../engine/distributions.js';
import { gammaFn } from '../engine/distributions.js';
import {
  digamma, incGamma, lnGamma, normCdf, normLogPdf, normPdf, normQuantile, normSf, trigamma,
} from './special-functions.js';

/**
 * Parametric families the fitter knows, with what the likelihoods need: density, CDF and survival,
 * partial expectations E[D; D <= t] and E[D; D > t] (for the rounded-difference kernel), exact-data
 * maximum likelihood, and the mapping to an unconstrained parametrization (log of positive parameters).
 * Parameters are arrays in the order of `paramNames`, which are the keys of the Distribution JSON.
 */
export type ParametricFamily = 'lognormal' | 'gamma' | 'weibull' | 'exponential' | 'normal';

/** Weighted sufficient statistics of exact observations (distinct values with counts). */
export interface ExactStats {
  x: Float64Array;
  w: Float64Array;
  n: number;
  mean: number;
  /** Weighted sum of squared deviations from `mean`. */
  m2: number;
  /** Only meaningful when every x > 0. */
  meanLog: number;
  m2Log: number;
  min: number;
  max: number;
}

export interface FamilySpec {
  readonly name: ParametricFamily;
  readonly paramNames: readonly string[];
  /** natural = exp(theta) for these; identity otherwise. */
  readonly logParam: readonly boolean[];
  /** Index of the shape parameter a caller may fix (lognormal sigma, gamma/weibull shape). */
  readonly shapeIndex: number | undefined;
  /** Support is (0, inf) (else the whole real line). */
  readonly positive: boolean;
  /** Bounds of the shape parameter (natural units) used by the optimizer. */
  readonly shapeBounds: readonly [number, number] | undefined;
  distribution(p: readonly number[]): Distribution;
  logPdf(p: readonly number[], x: number): number;
  cdf(p: readonly number[], t: number): number;
  sf(p: readonly number[], t: number): number;
  partialLow(p: readonly number[], t: number): number;
  partialUp(p: readonly number[], t: number): number;
  mean(p: readonly number[]): number;
  median(p: readonly number[]): number;
  /** Dimensionless spread (~ sd/mean near the mode): how far a relative step in x changes the density. */
  relSpread(p: readonly number[]): number;
  exactLogLik(p: readonly number[], s: ExactStats): number;
  /** Closed-form or Newton MLE for exact data; undefined when degenerate (e.g. all values equal). */
  fitExact(s: ExactStats): number[] | undefined;
  /** MLE of the scale/location with the shape held fixed (exact data). */
  fitExactFixedShape?(s: ExactStats, shape: number): number[];
  /** Parameters with a given mean and coefficient of variation (optimizer starts). */
  fromMoments(mean: number, cv: number): number[];
  /** Natural parameters with the shape replaced and the scale adjusted to keep the mean. */
  withShapeKeepingMean?(p: readonly number[], shape: number): number[];
  /**
   * Index of the parameter that stays free when the median or mean is held fixed (the shape; the sd
   * for the normal; none for the exponential), and the parameters with that median/mean and nuisance
   * value (used for profile-likelihood intervals of the median and mean).
   */
  readonly nuisanceIndex: number | undefined;
  fromSummary(kind: 'median' | 'mean', value: number, nuisance: number): number[];
}

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

const lognormal: FamilySpec = {
  name: 'lognormal',
  paramNames: ['mu', 'sigma'],
  logParam: [false, true],
  shapeIndex: 1,
  positive: true,
  shapeBounds: [1e-3, 20],
  distribution: ([mu, sigma]) => ({ type: 'lognormal', mu: mu!, sigma: sigma! }),
  logPdf([mu, s], x) {
    if (!(x > 0)) return -Infinity;
    const lx = Math.log(x);
    return normLogPdf((lx - mu!) / s!) - lx - Math.log(s!);
  },
  cdf: ([mu, s], t) => (t > 0 ? normCdf((Math.log(t) - mu!) / s!) : 0),
  sf: ([mu, s], t) => (t > 0 ? normSf((Math.log(t) - mu!) / s!) : 1),
  partialLow([mu, s], t) {
    if (!(t > 0)) return 0;
    return Math.exp(mu! + (s! * s!) / 2) * normCdf((Math.log(t) - mu! - s! * s!) / s!);
  },
  partialUp([mu, s], t) {
    const m = Math.exp(mu! + (s! * s!) / 2);
    if (!(t > 0)) return m;
    return m * normSf((Math.log(t) - mu! - s! * s!) / s!);
  },
  mean: ([mu, s]) => Math.exp(mu! + (s! * s!) / 2),
  median: ([mu]) => Math.exp(mu!),
  relSpread: ([, s]) => s!,
  exactLogLik([mu, s], st) {
    const d = st.meanLog - mu!;
    return (
      -st.n * (st.meanLog + Math.log(s!) + LN_SQRT_2PI) - (st.m2Log + st.n * d * d) / (2 * s! * s!)
    );
  },
  fitExact(st) {
    const sigma = Math.sqrt(st.m2Log / st.n);
    if (!(sigma > 1e-12)) return undefined;
    return [st.meanLog, sigma];
  },
  fitExactFixedShape: (st, sigma) => [st.meanLog, sigma],
  fromMoments(m, cv) {
    const s2 = Math.log(1 + cv * cv);
    return [Math.log(m) - s2 / 2, Math.sqrt(s2)];
  },
  withShapeKeepingMean: ([mu, s], sigma) => [mu! + (s! * s!) / 2 - (sigma * sigma) / 2, sigma],
  nuisanceIndex: 1,
  fromSummary: (kind, v, s) => [kind === 'median' ? Math.log(v) : Math.log(v) - (s * s) / 2, s],
};

const gamma: FamilySpec = {
  name: 'gamma',
  paramNames: ['shape', 'scale'],
  logParam: [true, true],
  shapeIndex: 0,
  positive: true,
  shapeBounds: [1e-2, 1e4],
  distribution: ([shape, scale]) => ({ type: 'gamma', shape: shape!, scale: scale! }),
  logPdf([k, th], x) {
    if (!(x > 0)) return -Infinity;
    return (k! - 1) * Math.log(x) - x / th! - k! * Math.log(th!) - lnGamma(k!);
  },
  cdf: ([k, th], t) => (t > 0 ? incGamma(k!, t / th!)[0] : 0),
  sf: ([k, th], t) => (t > 0 ? incGamma(k!, t / th!)[1] : 1),
  partialLow: ([k, th], t) => (t > 0 ? k! * th! * incGamma(k! + 1, t / th!)[0] : 0),
  partialUp: ([k, th], t) => k! * th! * (t > 0 ? incGamma(k! + 1, t / th!)[1] : 1),
  mean: ([k, th]) => k! * th!,
  median: (p) => quantileByNewton(gamma, p, 0.5),
  relSpread: ([k]) => 1 / Math.sqrt(k!),
  exactLogLik([k, th], st) {
    return (
      (k! - 1) * st.n * st.meanLog - (st.n * st.mean) / th! - st.n * (k! * Math.log(th!) + lnGamma(k!))
    );
  },
  fitExact(st) {
    // Solve log k - psi(k) = s, s = log(mean) - mean(log x) (Newton from Minka's start).
    const s = Math.log(st.mean) - st.meanLog;
    if (!(s > 1e-12)) return undefined;
    let k = (3 - s + Math.sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
    for (let i = 0; i < 100; i++) {
      const g = Math.log(k) - digamma(k) - s;
      const dg = 1 / k - trigamma(k);
      let next = k - g / dg;
      if (!(next > 0)) next = k / 2;
      const done = Math.abs(next - k) < 1e-12 * k;
      k = next;
      if (done) break;
    }
    return [k, st.mean / k];
  },
  fitExactFixedShape: (st, k) => [k, st.mean / k],
  fromMoments: (m, cv) => [1 / (cv * cv), m * cv * cv],
  withShapeKeepingMean: ([k, th], shape) => [shape, (k! * th!) / shape],
  nuisanceIndex: 0,
  fromSummary: (kind, v, k) => [k, kind === 'mean' ? v / k : v / quantileByNewton(gamma, [k, 1], 0.5)],
};

const weibull: FamilySpec = {
  name: 'weibull',
  paramNames: ['shape', 'scale'],
  logParam: [true, true],
  shapeIndex: 0,
  positive: true,
  shapeBounds: [0.05, 100],
  distribution: ([shape, scale]) => ({ type: 'weibull', shape: shape!, scale: scale! }),
  logPdf([k, l], x) {
    if (!(x > 0)) return -Infinity;
    const z = x / l!;
    return Math.log(k! / l!) + (k! - 1) * Math.log(z) - Math.pow(z, k!);
  },
  cdf: ([k, l], t) => (t > 0 ? -Math.expm1(-Math.pow(t / l!, k!)) : 0),
  sf: ([k, l], t) => (t > 0 ? Math.exp(-Math.pow(t / l!, k!)) : 1),
  partialLow: ([k, l], t) =>
    t > 0 ? l! * gammaFn(1 + 1 / k!) * incGamma(1 + 1 / k!, Math.pow(t / l!, k!))[0] : 0,
  partialUp: ([k, l], t) =>
    l! * gammaFn(1 + 1 / k!) * (t > 0 ? incGamma(1 + 1 / k!, Math.pow(t / l!, k!))[1] : 1),
  mean: ([k, l]) => l! * gammaFn(1 + 1 / k!),
  median: ([k, l]) => l! * Math.pow(Math.LN2, 1 / k!),
  relSpread: ([k]) => 1 / k!,
  exactLogLik([k, l], st) {
    let sumPow = 0;
    for (let i = 0; i < st.x.length; i++) sumPow += st.w[i]! * Math.pow(st.x[i]! / l!, k!);
    return st.n * (Math.log(k! / l!) + (k! - 1) * (st.meanLog - Math.log(l!))) - sumPow;
  },
  fitExact(st) {
    if (!(st.m2Log > 1e-24 * st.n)) return undefined;
    // Newton on the profile equation in the shape; values are scaled by exp(meanLog) against overflow.
    const g0 = Math.exp(st.meanLog);
    const ly = new Float64Array(st.x.length);
    for (let i = 0; i < ly.length; i++) ly[i] = Math.log(st.x[i]! / g0);
    const score = (k: number): [number, number] => {
      let a = 0, b = 0, c = 0;
      for (let i = 0; i < ly.length; i++) {
        const w = st.w[i]!, l = ly[i]!, e = w * Math.exp(k * l);
        a += e; b += e * l; c += e * l * l;
      }
      // mean(log y) = 0 after scaling.
      const f = b / a - 1 / k;
      const df = (c * a - b * b) / (a * a) + 1 / (k * k);
      return [f, df];
    };
    let k = 1.2 / Math.sqrt(st.m2Log / st.n);
    let lo = 1e-3, hi = 1e4;
    for (let i = 0; i < 200; i++) {
      const [f, df] = score(k);
      if (f > 0) hi = Math.min(hi, k); else lo = Math.max(lo, k);
      let next = k - f / df;
      if (!(next > lo && next < hi)) next = Math.sqrt(lo * hi);
      const done = Math.abs(next - k) < 1e-12 * k;
      k = next;
      if (done) break;
    }
    let s = 0;
    for (let i = 0; i < ly.length; i++) s += st.w[i]! * Math.exp(k * ly[i]!);
    return [k, g0 * Math.pow(s / st.n, 1 / k)];
  },
  fitExactFixedShape(st, k) {
    const g0 = Math.exp(st.meanLog);
    let s = 0;
    for (let i = 0; i < st.x.length; i++) s += st.w[i]! * Math.pow(st.x[i]! / g0, k);
    return [k, g0 * Math.pow(s / st.n, 1 / k)];
  },
  fromMoments(m, cv) {
    const k = Math.min(100, Math.max(0.05, Math.pow(cv, -1.086)));
    return [k, m / gammaFn(1 + 1 / k)];
  },
  withShapeKeepingMean: ([k, l], shape) => [shape, (l! * gammaFn(1 + 1 / k!)) / gammaFn(1 + 1 / shape)],
  nuisanceIndex: 0,
  fromSummary: (kind, v, k) => [k, kind === 'mean' ? v / gammaFn(1 + 1 / k) : v / Math.pow(Math.LN2, 1 / k)],
};

const exponential: FamilySpec = {
  name: 'exponential',
  paramNames: ['mean'],
  logParam: [true],
  shapeIndex: undefined,
  positive: true,
  shapeBounds: undefined,
  distribution: ([m]) => ({ type: 'exponential', mean: m! }),
  logPdf: ([m], x) => (x >= 0 ? -Math.log(m!) - x / m! : -Infinity),
  cdf: ([m], t) => (t > 0 ? -Math.expm1(-t / m!) : 0),
  sf: ([m], t) => (t > 0 ? Math.exp(-t / m!) : 1),
  partialLow: ([m], t) => (t > 0 ? m! * -Math.expm1(-t / m!) - t * Math.exp(-t / m!) : 0),
  partialUp: ([m], t) => (t > 0 ? (t + m!) * Math.exp(-t / m!) : m!),
  mean: ([m]) => m!,
  median: ([m]) => m! * Math.LN2,
  relSpread: () => 1,
  exactLogLik: ([m], st) => -st.n * Math.log(m!) - (st.n * st.mean) / m!,
  fitExact: (st) => (st.mean > 0 ? [st.mean] : undefined),
  fromMoments: (m) => [m],
  nuisanceIndex: undefined,
  fromSummary: (kind, v) => [kind === 'mean' ? v : v / Math.LN2],
};

const normal: FamilySpec = {
  name: 'normal',
  paramNames: ['mean', 'sd'],
  logParam: [false, true],
  shapeIndex: undefined,
  positive: false,
  shapeBounds: undefined,
  distribution: ([mean, sd]) => ({ type: 'normal', mean: mean!, sd: sd! }),
  logPdf: ([m, s], x) => normLogPdf((x - m!) / s!) - Math.log(s!),
  cdf: ([m, s], t) => normCdf((t - m!) / s!),
  sf: ([m, s], t) => normSf((t - m!) / s!),
  partialLow: ([m, s], t) => m! * normCdf((t - m!) / s!) - s! * normPdf((t - m!) / s!),
  partialUp: ([m, s], t) => m! * normSf((t - m!) / s!) + s! * normPdf((t - m!) / s!),
  mean: ([m]) => m!,
  median: ([m]) => m!,
  relSpread: () => 1,
  exactLogLik([m, s], st) {
    const d = st.mean - m!;
    return -st.n * (Math.log(s!) + LN_SQRT_2PI) - (st.m2 + st.n * d * d) / (2 * s! * s!);
  },
  fitExact(st) {
    const sd = Math.sqrt(st.m2 / st.n);
    return sd > 0 ? [st.mean, sd] : undefined;
  },
  fromMoments: (m, cv) => [m, Math.abs(m * cv) || 1],
  nuisanceIndex: 1,
  fromSummary: (_kind, v, sd) => [v, sd],
};

export const FAMILIES: Readonly<Record<ParametricFamily, FamilySpec>> = {
  lognormal, gamma, weibull, exponential, normal,
};

/**
 * Quantile by safeguarded Newton on the CDF (families without a closed form). Positive families
 * iterate on u = log x, so tiny quantiles (gamma shape << 1) converge as fast as ordinary ones.
 */
export function quantileByNewton(spec: FamilySpec, p: readonly number[], q: number): number {
  if (q <= 0) return spec.positive ? 0 : -Infinity;
  if (q >= 1) return Infinity;
  const toX = spec.positive ? Math.exp : (u: number) => u;
  const m = spec.mean(p);
  let u = spec.positive ? Math.log(m) : m;
  const step = spec.positive ? 1 : Math.max(1, Math.abs(m));
  let lo = -Infinity;
  let hi = Infinity;
  for (let i = 0; i < 300; i++) {
    const x = toX(u);
    const f = spec.cdf(p, x) - q;
    if (f === 0) return x;
    if (f > 0) hi = u; else lo = u;
    const dens = Math.exp(spec.logPdf(p, x)) * (spec.positive ? x : 1);
    let next = u - f / dens;
    if (!(next > lo && next < hi)) {
      if (Number.isFinite(lo) && Number.isFinite(hi)) next = (lo + hi) / 2;
      else if (Number.isFinite(hi)) next = hi - step * 2 ** Math.min(i, 10);
      else next = lo + step * 2 ** Math.min(i, 10);
    }
    if (Math.abs(next - u) <= 1e-13 * Math.max(1, Math.abs(u))) return toX(next);
    u = next;
  }
  return toX(u);
}

/** Quantile of a family at natural parameters. */
export function familyQuantile(spec: FamilySpec, p: readonly number[], q: number): number {
  switch (spec.name) {
    case 'lognormal': return Math.exp(p[0]! + p[1]! * normQuantile(q));
    case 'normal': return p[0]! + p[1]! * normQuantile(q);
    case 'exponential': return -p[0]! * Math.log1p(-q);
    case 'weibull': return p[1]! * Math.pow(-Math.log1p(-q), 1 / p[0]!);
    case 'gamma': return quantileByNewton(spec, p, q);
  }
}
