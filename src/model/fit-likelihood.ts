import type { ExactStats, FamilySpec } from './fit-families.js';
import { gaussLegendre } from './special-functions.js';

/**
 * Observations of a latency (seconds) and their log-likelihood under a parametric family.
 *
 * - `exact`: the value itself (OTLP spans, nanosecond log prefixes, simulation).
 * - `interval`: the value lies in [lo, hi] (hi may be Infinity: right-censored).
 * - `rounded`: a difference of two stamps each floored to `resolution` r. With the phase of the
 *   first stamp uniform in its bucket and independent of the duration d, the observed
 *   k = floor((t + d)/r) - floor(t/r) has P(k | d) = max(0, 1 - |k - d/r|), so its likelihood
 *   under F is E_F[max(0, 1 - |k - D/r|)]. k = 0 is an observation like any other.
 * `count` (default 1) lets callers pass grouped observations.
 */
export type Observation =
  | { kind: 'exact'; value: number; count?: number }
  | { kind: 'interval'; lo: number; hi: number; count?: number }
  | { kind: 'rounded'; k: number; resolution: number; count?: number };

export interface IntervalGroups {
  lo: Float64Array;
  hi: Float64Array;
  w: Float64Array;
  n: number;
}

/** Rounded-difference groups; `shift` is subtracted from the duration (size-dependent fits). */
export interface RoundedGroups {
  k: Float64Array;
  r: Float64Array;
  shift: Float64Array;
  w: Float64Array;
  n: number;
}

/** Observations normalized for one support (positive or real line), grouped by identical value. */
export interface Prepared {
  positive: boolean;
  exact: ExactStats | undefined;
  intervals: IntervalGroups;
  rounded: RoundedGroups;
  n: number;
  counts: { exact: number; interval: number; rounded: number };
  /** Point stand-ins (exact values, interval midpoints) with weights, for starts, KS and empirical fits. */
  points: { x: Float64Array; w: Float64Array; widths: Float64Array };
  /** Unbiased-ish stand-in for the mean: exact, interval midpoints, k*r - shift (E[k r | d] = d exactly). */
  pseudoMean: number;
  pseudoCv: number;
  notes: string[];
}

/**
 * Intervals no wider than NARROW_REL of their lower end and NARROW_IQR of the data's interquartile
 * range are taken as exact values at their midpoint (Sheppard's setting): the log-likelihood then
 * differs by the parameter-free log(width) plus about (width/s)^2/24 per observation, s being the
 * scale on which the density varies (>= ~ spread * value, and comparable to the IQR), i.e. below
 * ~1e-4 per observation; the fit becomes a closed form or a cheap sum. Millisecond stamps of
 * sub-second latencies mostly qualify; whole-second stamps never do.
 */
export const NARROW_REL = 1e-2;
export const NARROW_IQR = 0.02;

/** Smallest duration any source resolves (1 ns); exact values <= 0 become (0, this]. */
export const MIN_RESOLUTION = 1e-9;

/**
 * Normalizes and groups observations. `shifts[i]` (optional) is subtracted from observation i's
 * duration: used by size-dependent fits, where the base is the duration minus perUnit*x.
 * On the positive support, exact values <= 0 are turned into the interval (0, 1 ns] and intervals
 * are clipped to [0, inf); nothing is dropped.
 */
export function prepare(obs: readonly Observation[], positive: boolean, shifts?: ArrayLike<number>): Prepared {
  const notes: string[] = [];
  const exactMap = new Map<number, number>();
  const intMap = new Map<string, [number, number, number]>();
  const rndMap = new Map<string, [number, number, number, number]>();
  let nonPositiveExact = 0;
  let invalid = 0;
  let narrow = 0;
  const pending: [number, number, number][] = [];
  const counts = { exact: 0, interval: 0, rounded: 0 };
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i]!;
    const w = o.count ?? 1;
    if (!(w > 0)) continue;
    const s = shifts ? shifts[i]! : 0;
    if (o.kind === 'exact') {
      const v = o.value - s;
      if (!Number.isFinite(v)) { invalid += w; continue; }
      counts.exact += w;
      if (positive && !(v > 0)) {
        nonPositiveExact += w;
        addInterval(intMap, 0, MIN_RESOLUTION, w);
      } else {
        exactMap.set(v, (exactMap.get(v) ?? 0) + w);
      }
    } else if (o.kind === 'interval') {
      let lo = Math.min(o.lo, o.hi) - s;
      let hi = Math.max(o.lo, o.hi) - s;
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo === Infinity) { invalid += w; continue; }
      counts.interval += w;
      if (positive) {
        lo = Math.max(0, lo);
        hi = Math.max(hi, lo + MIN_RESOLUTION);
      }
      pending.push([lo, hi, w]);
    } else {
      if (!(o.resolution > 0) || !Number.isFinite(o.k) || o.k < 0) { invalid += w; continue; }
      counts.rounded += w;
      const key = `${o.k}|${o.resolution}|${s}`;
      const g = rndMap.get(key);
      if (g) g[3] += w; else rndMap.set(key, [o.k, o.resolution, s, w]);
    }
  }
  // Intervals narrow against both their value and the data's spread are point-like (see NARROW_*).
  const iqr = pointIqr(exactMap, pending);
  for (const [lo, hi, w] of pending) {
    if (hi - lo <= NARROW_REL * lo && hi - lo <= NARROW_IQR * iqr) {
      const mid = (lo + hi) / 2;
      exactMap.set(mid, (exactMap.get(mid) ?? 0) + w);
      if (hi > lo) narrow += w;
    } else if (hi === lo) {
      exactMap.set(lo, (exactMap.get(lo) ?? 0) + w);
    } else {
      addInterval(intMap, lo, hi, w);
    }
  }
  if (nonPositiveExact > 0) notes.push(`${nonPositiveExact} exact value(s) <= 0 treated as interval (0, 1 ns]`);
  if (narrow > 0) notes.push(`${narrow} narrow interval(s) taken at their midpoints (likelihood error < 1e-4 each)`);
  if (invalid > 0) notes.push(`${invalid} invalid observation(s) ignored (non-finite or negative k)`);

  const exact = exactStats(exactMap, positive);
  const ints = [...intMap.values()];
  const intervals: IntervalGroups = {
    lo: Float64Array.from(ints, (g) => g[0]),
    hi: Float64Array.from(ints, (g) => g[1]),
    w: Float64Array.from(ints, (g) => g[2]),
    n: ints.reduce((a, g) => a + g[2], 0),
  };
  const rnds = [...rndMap.values()];
  const rounded: RoundedGroups = {
    k: Float64Array.from(rnds, (g) => g[0]),
    r: Float64Array.from(rnds, (g) => g[1]),
    shift: Float64Array.from(rnds, (g) => g[2]),
    w: Float64Array.from(rnds, (g) => g[3]),
    n: rnds.reduce((a, g) => a + g[3], 0),
  };

  // Point stand-ins and pseudo moments.
  const px: number[] = [], pw: number[] = [], pwid: number[] = [];
  if (exact) for (let i = 0; i < exact.x.length; i++) { px.push(exact.x[i]!); pw.push(exact.w[i]!); pwid.push(0); }
  for (let i = 0; i < ints.length; i++) {
    const lo = intervals.lo[i]!, hi = intervals.hi[i]!;
    px.push(Number.isFinite(hi) ? (lo + hi) / 2 : lo);
    pw.push(intervals.w[i]!);
    pwid.push(hi - lo);
  }
  let sw = 0, s1 = 0, s2 = 0;
  const acc = (x: number, w: number): void => { sw += w; s1 += w * x; s2 += w * x * x; };
  for (let i = 0; i < px.length; i++) acc(px[i]!, pw[i]!);
  for (let i = 0; i < rnds.length; i++) acc(rounded.k[i]! * rounded.r[i]! - rounded.shift[i]!, rounded.w[i]!);
  const pm = sw > 0 ? s1 / sw : NaN;
  const pvar = sw > 0 ? Math.max(0, s2 / sw - pm * pm) : NaN;
  return {
    positive,
    exact,
    intervals,
    rounded,
    n: (exact?.n ?? 0) + intervals.n + rounded.n,
    counts,
    points: { x: Float64Array.from(px), w: Float64Array.from(pw), widths: Float64Array.from(pwid) },
    pseudoMean: pm,
    pseudoCv: pm !== 0 ? Math.sqrt(pvar) / Math.abs(pm) : NaN,
    notes,
  };
}

/** Interquartile range of exact values and finite interval midpoints (0 when fewer than 4). */
function pointIqr(exact: Map<number, number>, ints: [number, number, number][]): number {
  const pts: [number, number][] = [...exact];
  for (const [lo, hi, w] of ints) if (Number.isFinite(hi)) pts.push([(lo + hi) / 2, w]);
  const total = pts.reduce((a, p) => a + p[1], 0);
  if (total < 4) return 0;
  pts.sort((a, b) => a[0] - b[0]);
  const at = (q: number): number => {
    let c = 0;
    for (const [x, w] of pts) { c += w; if (c >= q * total) return x; }
    return pts[pts.length - 1]![0];
  };
  return at(0.75) - at(0.25);
}

function addInterval(m: Map<string, [number, number, number]>, lo: number, hi: number, w: number): void {
  const key = `${lo}|${hi}`;
  const g = m.get(key);
  if (g) g[2] += w; else m.set(key, [lo, hi, w]);
}

function exactStats(m: Map<number, number>, positive: boolean): ExactStats | undefined {
  if (m.size === 0) return undefined;
  const x = Float64Array.from(m.keys());
  const w = Float64Array.from(m.values());
  let n = 0, s = 0, sl = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    n += w[i]!; s += w[i]! * x[i]!;
    if (positive) sl += w[i]! * Math.log(x[i]!);
    min = Math.min(min, x[i]!); max = Math.max(max, x[i]!);
  }
  const mean = s / n;
  const meanLog = positive ? sl / n : NaN;
  let m2 = 0, m2Log = 0;
  for (let i = 0; i < x.length; i++) {
    m2 += w[i]! * (x[i]! - mean) ** 2;
    if (positive) m2Log += w[i]! * (Math.log(x[i]!) - meanLog) ** 2;
  }
  return { x, w, n, mean, m2, meanLog, m2Log, min, max };
}

const GL3 = gaussLegendre(3);
const GL24 = gaussLegendre(24);
const TINY_P = 1e-300;

/** Integral of the density over [a, b] by Gauss-Legendre, with an optional weight function. */
function quad(
  spec: FamilySpec, p: readonly number[], a: number, b: number,
  rule: { nodes: Float64Array; weights: Float64Array },
  weight: (x: number) => number = () => 1,
): number {
  const half = (b - a) / 2, mid = (a + b) / 2;
  let s = 0;
  for (let i = 0; i < rule.nodes.length; i++) {
    const x = mid + half * rule.nodes[i]!;
    s += rule.weights[i]! * weight(x) * Math.exp(spec.logPdf(p, x));
  }
  return s * half;
}

/**
 * P(lo <= D <= hi). Narrow intervals away from 0 (width <= 5% of lo times the family's relative
 * spread) use 3-point Gauss-Legendre on the density (relative error ~ (width/(lo*spread))^6/2e4, i.e.
 * < 1e-12 there); others the CDF difference, taken on the side of the smaller tail.
 */
export function intervalProb(spec: FamilySpec, p: readonly number[], lo: number, hi: number): number {
  if (hi === Infinity) return spec.sf(p, lo);
  if (spec.positive && lo > 0 && hi - lo <= 0.05 * lo * Math.min(1, spec.relSpread(p))) {
    return quad(spec, p, lo, hi, GL3);
  }
  const fl = spec.cdf(p, lo);
  const v = fl < 0.5 ? spec.cdf(p, hi) - fl : spec.sf(p, lo) - spec.sf(p, hi);
  return v > 0 ? v : quad(spec, p, lo, hi, GL24);
}

/**
 * E_F[max(0, 1 - |c - D|/r)], the probability of a rounded-difference observation with centre
 * c = k r - shift. Method: the kernel is the second difference of the integrated CDF,
 *   E[tri] = (G(c - r) - 2 G(c) + G(c + r)) / r,  G(t) = E[(t - D)+] = t F(t) - E[D; D <= t],
 * or equivalently with H(t) = E[(D - t)+] = E[D; D > t] - t S(t) (G - H is linear in t, so its second
 * difference vanishes). G is used left of the median and H right of it, so the terms are small where the
 * probability is small. Rounding error is ~1e-16 * |G| / (r p); when the kernel is narrow compared with
 * the density's variation (r <= 1e-3 c spread) or the result is below 1e-7, the integral is evaluated
 * by Gauss-Legendre quadrature of the density times the kernel instead (3 or 24 points per half).
 */
export function roundedProb(spec: FamilySpec, p: readonly number[], c: number, r: number): number {
  const a = c - r, b = c + r;
  if (spec.positive && b <= 0) return 0;
  if (spec.positive && a > 0 && r <= 1e-3 * c * Math.min(1, spec.relSpread(p))) {
    return kernelQuad(spec, p, a, c, b, r, GL3);
  }
  let xa: number, xc: number, xb: number;
  if (spec.cdf(p, c) < 0.5) {
    xa = lowerG(spec, p, a); xc = lowerG(spec, p, c); xb = lowerG(spec, p, b);
  } else {
    const mean = spec.mean(p);
    xa = upperH(spec, p, a, mean); xc = upperH(spec, p, c, mean); xb = upperH(spec, p, b, mean);
  }
  const v = (xa - 2 * xc + xb) / r;
  // Relative rounding error ~ 1e-16 * max|X| / (r v): accept when below ~1e-7.
  const scale = Math.max(Math.abs(xa), Math.abs(xc), Math.abs(xb));
  if (v > 0 && v * r > 1e-9 * scale) return Math.min(1, v);
  return Math.max(0, Math.min(1, kernelQuad(spec, p, a, c, b, r, GL24)));
}

/** G(t) = E[(t - D)+] = t F(t) - E[D; D <= t]. */
function lowerG(spec: FamilySpec, p: readonly number[], t: number): number {
  return spec.positive && t <= 0 ? 0 : t * spec.cdf(p, t) - spec.partialLow(p, t);
}

/** H(t) = E[(D - t)+] = E[D; D > t] - t S(t). */
function upperH(spec: FamilySpec, p: readonly number[], t: number, mean: number): number {
  return spec.positive && t <= 0 ? mean - t : spec.partialUp(p, t) - t * spec.sf(p, t);
}

/** Quadrature of density x triangular kernel over [a, c] and [c, b] (clipped at 0 on the positive support). */
function kernelQuad(
  spec: FamilySpec, p: readonly number[], a: number, c: number, b: number, r: number,
  rule: { nodes: Float64Array; weights: Float64Array },
): number {
  const tri = (x: number): number => Math.max(0, 1 - Math.abs(c - x) / r);
  const lo = spec.positive ? Math.max(0, a) : a;
  return (lo < c ? quad(spec, p, lo, c, rule, tri) : 0) + quad(spec, p, Math.max(lo, c), b, rule, tri);
}

/** Total log-likelihood (densities for exact values, probabilities for censored ones). */
export function logLikelihood(spec: FamilySpec, p: readonly number[], d: Prepared): number {
  let ll = d.exact ? spec.exactLogLik(p, d.exact) : 0;
  const it = d.intervals;
  for (let i = 0; i < it.w.length; i++) ll += it.w[i]! * Math.log(Math.max(TINY_P, intervalProb(spec, p, it.lo[i]!, it.hi[i]!)));
  const rd = d.rounded;
  for (let i = 0; i < rd.w.length; i++) {
    const r = rd.r[i]!;
    ll += rd.w[i]! * Math.log(Math.max(TINY_P, roundedProb(spec, p, rd.k[i]! * r - rd.shift[i]!, r)));
  }
  return Number.isNaN(ll) ? -Infinity : ll;
}
