import type { Distribution } from '../engine/distributions.js';
import { FAMILIES, type ParametricFamily } from './fit-families.js';
import { fitFamily, verdict, Z95, type CiMethod, type FamilyFit, type FitSummary, type ParamReport } from './fit-family.js';
import { prepare, type Observation, type Prepared } from './fit-likelihood.js';
import { cdfOf, sortedQuantile } from './dist-summary.js';
import { kolmogorovPValue, ksBand, type KsMethod } from './goodness.js';

/**
 * Fitting latency distributions (seconds) to mixed observations: exact values, intervals [lo, hi]
 * (hi may be Infinity) and rounded differences of stamps floored to a resolution r (likelihood
 * E_F[max(0, 1 - |k - D/r|)]; see fit-likelihood.ts). Pure functions, no I/O.
 *
 * - Maximum likelihood per family (lognormal, gamma, weibull, exponential; normal on request):
 *   closed form or Newton for exact data, Nelder-Mead in log-parameters otherwise.
 * - Choice by AIC; per family: logLik, AIC, KS (exact / interval band / expected k, see goodness.ts).
 * - 95% intervals for parameters, median and mean: Wald from the observed information, replaced by
 *   profile-likelihood endpoints where the likelihood is not quadratic (fit-intervals.ts).
 * - A verdict per parameter (tight <= 20% relative CI width, moderate <= 100%, else weak; weak also
 *   when an endpoint is unbounded or fewer than 20 observations carry shape information); a caller
 *   default for a weak shape (`shapes`), fitting only the scale, reported in `fixed` and `notes`.
 * - Empirical fallback (<= 1000 quantile points) for >= 200 point-like observations whose best
 *   parametric KS exceeds 0.1 with p < 0.01.
 * - Degenerate data (none, one value, all equal, only k = 0) give a weak constant/exponential, never a throw.
 */

export type { Observation } from './fit-likelihood.js';
export type { ParametricFamily } from './fit-families.js';
export type { FamilyFit, FitSummary, ParamReport, Constraint, CiMethod } from './fit-family.js';
export type { KsMethod } from './goodness.js';
export { quantileOf, medianOf, meanOf, cdfOf } from './dist-summary.js';
export { TIGHT_REL_WIDTH, MODERATE_REL_WIDTH, MIN_SHAPE_INFORMATION } from './fit-family.js';
export { fitLinear, type LinearFit, type SizedObservation } from './fit-linear.js';

export const DEFAULT_FAMILIES: readonly ParametricFamily[] = ['lognormal', 'gamma', 'weibull', 'exponential'];
/** Empirical fallback: at least this many point-like observations ... */
export const EMPIRICAL_MIN_N = 200;
/** ... and the best parametric KS above this with a p-value below EMPIRICAL_MAX_P. */
export const EMPIRICAL_MIN_KS = 0.1;
export const EMPIRICAL_MAX_P = 0.01;
export const EMPIRICAL_MAX_POINTS = 1000;

export type ShapeFamily = 'lognormal' | 'gamma' | 'weibull';

export interface FitOptions {
  /** Candidate families (default lognormal, gamma, weibull, exponential). */
  families?: readonly ParametricFamily[];
  /** Default shape per family (lognormal sigma, gamma/weibull shape) used when the data cannot tell. */
  shapes?: Partial<Record<ShapeFamily, number>>;
  /** 'if-weak' (default): use `shapes` only when the free fit's shape is weak; 'always': always fix it. */
  shapeMode?: 'if-weak' | 'always';
  /** Empirical fallback thresholds, or false to never fall back. */
  empirical?: false | { minN?: number; minKs?: number; maxPValue?: number; maxPoints?: number };
}

export type FitFamilyName = ParametricFamily | 'empirical' | 'constant';

export interface FitResult extends FitSummary {
  family: FitFamilyName;
  counts: { exact: number; interval: number; rounded: number };
  /** Present for parametric choices. */
  logLik?: number;
  aic?: number;
  /** Every parametric family fitted, best AIC first. */
  candidates: FamilyFit[];
  /** How the result was obtained. */
  method: 'parametric' | 'empirical' | 'degenerate';
}

/** Fits the candidate families to the observations and returns the best (see module comment). */
export function fitObservations(obs: readonly Observation[], opts: FitOptions = {}): FitResult {
  const families = opts.families ?? DEFAULT_FAMILIES;
  const positive = families.some((f) => FAMILIES[f].positive);
  return fitPrepared(prepare(obs, positive), opts, positive ? undefined : () => prepare(obs, false));
}

/** Shorthand for exact values. */
export function fitSamples(values: readonly number[], opts: FitOptions = {}): FitResult {
  return fitObservations(values.map((value) => ({ kind: 'exact' as const, value })), opts);
}

/**
 * Fits prepared observations. Families on the real line (normal) get their own preparation
 * (`prepareReal`) when the main one is for the positive support.
 */
export function fitPrepared(d: Prepared, opts: FitOptions = {}, prepareReal?: () => Prepared): FitResult {
  const families = opts.families ?? DEFAULT_FAMILIES;
  const degenerate = degenerateFit(d);
  if (degenerate) return degenerate;

  const notes = [...d.notes];
  const candidates: FamilyFit[] = [];
  let real: Prepared | undefined = d.positive ? undefined : d;
  for (const name of families) {
    const spec = FAMILIES[name];
    let data = d;
    if (!spec.positive && d.positive) {
      real ??= prepareReal?.();
      if (!real) continue;
      data = real;
    }
    try {
      const shape = spec.shapeIndex !== undefined ? opts.shapes?.[name as ShapeFamily] : undefined;
      let fit: FamilyFit;
      if (shape !== undefined && opts.shapeMode === 'always') {
        fit = fitFamily(spec, data, shape);
        fit.notes.push(`${fit.fixed.join(', ')} fixed at the given ${fmt(shape)}`);
      } else {
        fit = fitFamily(spec, data);
        const shapeName = spec.shapeIndex !== undefined ? spec.paramNames[spec.shapeIndex]! : undefined;
        if (shape !== undefined && shapeName && fit.paramDetail[shapeName]?.constraint === 'weak') {
          const free = fit.paramDetail[shapeName]!;
          fit = fitFamily(spec, data, shape);
          fit.weak = true;
          fit.notes.push(
            `${shapeName} weakly constrained by the data (free fit ${fmt(free.value)}, 95% CI ` +
            `[${fmt(free.ci95[0])}, ${fmt(free.ci95[1])}]); held at the given ${fmt(shape)}, scale fitted alone`,
          );
        }
      }
      if (Number.isFinite(fit.logLik)) candidates.push(fit);
      else notes.push(`${name}: no finite likelihood`);
    } catch (e) {
      notes.push(`${name}: fit failed (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  candidates.sort((a, b) => a.aic - b.aic);
  const best = candidates[0];

  const emp = opts.empirical === false ? undefined : empiricalIfPoor(d, best, opts.empirical ?? {});
  if (emp) return { ...emp, candidates, notes: [...notes, ...emp.notes] };
  if (!best) {
    const fallback = constantFit(d, d.pseudoMean > 0 ? d.pseudoMean : 0, [0, Infinity], 'no family could be fitted');
    return { ...fallback, notes: [...notes, ...fallback.notes] };
  }
  return {
    family: best.family,
    distribution: best.distribution,
    params: best.params,
    paramDetail: best.paramDetail,
    n: d.n,
    counts: d.counts,
    median: best.median,
    medianCI95: best.medianCI95,
    mean: best.mean,
    meanCI95: best.meanCI95,
    ciMethod: best.ciMethod,
    ks: best.ks,
    ksPValue: best.ksPValue,
    ksMethod: best.ksMethod,
    ksN: best.ksN,
    logLik: best.logLik,
    aic: best.aic,
    fixed: best.fixed,
    weak: best.weak,
    candidates,
    method: 'parametric',
    notes: [...notes, ...best.notes],
  };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/**
 * Data that cannot support a spread estimate:
 * - nothing: constant 0;
 * - point-like data whose values all agree (n = 1, all equal, or overlapping intervals only): a
 *   constant at the common value;
 * - only rounded differences with one and the same k: for k = 0 an exponential whose mean makes
 *   "all k = 0" a coin flip (median-unbiased, m = r(1 - 0.5^(1/n)), 95% upper bound r(1 - 0.025^(1/n)));
 *   for k >= 1 a constant k r.
 */
function degenerateFit(d: Prepared): FitResult | undefined {
  if (d.n === 0) return constantFit(d, 0, [0, Infinity], 'no observations');
  if (d.rounded.n === 0) {
    let maxLo = -Infinity, minHi = Infinity;
    const pts = d.points;
    for (let i = 0; i < pts.x.length; i++) {
      const half = pts.widths[i]! / 2;
      const lo = Number.isFinite(pts.widths[i]!) ? pts.x[i]! - half : pts.x[i]!;
      const hi = Number.isFinite(pts.widths[i]!) ? pts.x[i]! + half : Infinity;
      maxLo = Math.max(maxLo, lo);
      minHi = Math.min(minHi, hi);
    }
    if (maxLo <= minHi) {
      const v = Number.isFinite(minHi) ? (maxLo + minHi) / 2 : maxLo;
      const why = d.n === 1 ? 'a single observation' : 'all observations agree on one value';
      return constantFit(d, v, [maxLo, minHi], `${why}: no spread can be estimated`);
    }
    return undefined;
  }
  if (d.points.x.length > 0) return undefined;
  const rd = d.rounded;
  const centre = (i: number): number => rd.k[i]! * rd.r[i]! - rd.shift[i]!;
  const c0 = centre(0), r0 = rd.r[0]!;
  for (let i = 1; i < rd.w.length; i++) if (centre(i) !== c0 || rd.r[i] !== r0) return undefined;
  const n = rd.n;
  if (c0 <= 0) {
    const m = r0 * (1 - Math.pow(0.5, 1 / n)) - c0;
    const upper = r0 * (1 - Math.pow(0.025, 1 / n)) - c0;
    const res = constantFit(d, m, [0, upper], '');
    const dist: Distribution = { type: 'exponential', mean: m };
    return {
      ...res,
      family: 'exponential',
      distribution: dist,
      params: { mean: m },
      paramDetail: { mean: { value: m, ci95: [0, upper], relWidth: upper / m, constraint: 'weak', ciMethod: 'exact' } },
      median: m * Math.LN2,
      medianCI95: [0, upper * Math.LN2],
      meanCI95: [0, upper],
      notes: [
        `all ${n} rounded differences are k = 0 at resolution ${r0} s: durations are well below the resolution; ` +
        'exponential with the median-unbiased mean r(1 - 0.5^(1/n)); only an upper bound is identified',
      ],
    };
  }
  return constantFit(d, c0, [c0 - r0, c0 + r0], `all rounded differences equal (${c0} s): no spread can be estimated`);
}

function constantFit(d: Prepared, value: number, ci: [number, number], note: string): FitResult {
  const v = Math.max(d.positive ? 0 : -Infinity, value);
  return {
    family: 'constant',
    distribution: { type: 'constant', value: v },
    params: { value: v },
    paramDetail: {
      value: { value: v, ci95: ci, relWidth: v !== 0 ? (ci[1] - ci[0]) / Math.abs(v) : Infinity, constraint: 'weak', ciMethod: 'exact' },
    },
    n: d.n,
    counts: d.counts,
    median: v,
    medianCI95: ci,
    mean: v,
    meanCI95: ci,
    ciMethod: { median: 'exact', mean: 'exact' },
    ks: 0,
    ksPValue: 1,
    ksMethod: d.rounded.n > d.points.x.length ? 'expected-k' : d.intervals.n > 0 ? 'interval-band' : 'exact',
    ksN: d.n,
    fixed: [],
    weak: true,
    candidates: [],
    method: 'degenerate',
    notes: note ? [note] : [],
  };
}

/** Weighted inverse ECDF with type-7 interpolation over the count-expanded sample. */
function weightedQuantile(xs: Float64Array, cum: Float64Array, q: number): number {
  const total = cum[cum.length - 1]!;
  const h = (total - 1) * Math.min(1, Math.max(0, q));
  const j = Math.floor(h);
  const at = (k: number): number => {
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > k) hi = mid; else lo = mid + 1;
    }
    return xs[lo]!;
  };
  const a = at(j);
  const b = at(Math.min(total - 1, j + 1));
  return a + (h - j) * (b - a);
}

/**
 * Empirical fallback: with at least `minN` point-like observations (exact values, or intervals narrow
 * against the spread, taken at their midpoints), no rounded differences, and a poor best parametric
 * fit (KS > minKs with p < maxPValue), the distribution becomes the data's quantiles (at most
 * `maxPoints` of them, at probabilities (i + 1/2)/m). Median CI from order statistics, mean CI normal.
 */
function empiricalIfPoor(
  d: Prepared, best: FamilyFit | undefined,
  o: { minN?: number; minKs?: number; maxPValue?: number; maxPoints?: number },
): Omit<FitResult, 'candidates'> | undefined {
  const minN = o.minN ?? EMPIRICAL_MIN_N;
  const minKs = o.minKs ?? EMPIRICAL_MIN_KS;
  const maxP = o.maxPValue ?? EMPIRICAL_MAX_P;
  const maxPoints = o.maxPoints ?? EMPIRICAL_MAX_POINTS;
  const pts = d.points;
  const n = pts.w.reduce((a, b) => a + b, 0);
  if (d.rounded.n > 0 || n < minN || pts.widths.some((w) => !Number.isFinite(w))) return undefined;
  if (best && !(best.ks > minKs && best.ksPValue < maxP)) return undefined;
  const order = Array.from({ length: pts.x.length }, (_, i) => i).sort((a, b) => pts.x[a]! - pts.x[b]!);
  const xs = Float64Array.from(order, (i) => pts.x[i]!);
  const ws = Float64Array.from(order, (i) => pts.w[i]!);
  const widths = Float64Array.from(order, (i) => pts.widths[i]!);
  const cum = new Float64Array(ws.length);
  ws.reduce((acc, w, i) => (cum[i] = acc + w), 0);
  const iqr = weightedQuantile(xs, cum, 0.75) - weightedQuantile(xs, cum, 0.25);
  const sortedWidths = Array.from(widths).sort((a, b) => a - b);
  if (!(sortedQuantile(sortedWidths, 0.5) <= 0.1 * iqr)) return undefined;

  const m = Math.min(maxPoints, Math.round(n));
  const samples: number[] = [];
  const integral = ws.every((w) => w === 1);
  if (integral && xs.length <= maxPoints) samples.push(...xs);
  else for (let i = 0; i < m; i++) samples.push(weightedQuantile(xs, cum, (i + 0.5) / m));
  const dist: Distribution = { type: 'empirical', samples };

  let s1 = 0, s2 = 0;
  for (let i = 0; i < xs.length; i++) { s1 += ws[i]! * xs[i]!; s2 += ws[i]! * xs[i]! * xs[i]!; }
  const mean = s1 / n;
  const sd = Math.sqrt(Math.max(0, (s2 - n * mean * mean) / Math.max(1, n - 1)));
  const meanCI95: [number, number] = [mean - (Z95 * sd) / Math.sqrt(n), mean + (Z95 * sd) / Math.sqrt(n)];
  const median = weightedQuantile(xs, cum, 0.5);
  const dq = Z95 / (2 * Math.sqrt(n));
  const medianCI95: [number, number] = [weightedQuantile(xs, cum, 0.5 - dq), weightedQuantile(xs, cum, 0.5 + dq)];
  const lo = Float64Array.from(order, (i) => pts.x[i]! - pts.widths[i]! / 2);
  const hi = Float64Array.from(order, (i) => pts.x[i]! + pts.widths[i]! / 2);
  const ks = ksBand(lo, hi, (t) => cdfOf(dist, t), ws);
  const relWidth = (medianCI95[1] - medianCI95[0]) / Math.abs(median);
  return {
    family: 'empirical',
    distribution: dist,
    params: {},
    paramDetail: { median: { value: median, ci95: medianCI95, relWidth, constraint: verdict(relWidth), ciMethod: 'exact' } },
    n: d.n,
    counts: d.counts,
    median, medianCI95, mean, meanCI95,
    ciMethod: { median: 'exact', mean: 'wald' },
    ks,
    ksPValue: kolmogorovPValue(ks, n),
    ksMethod: d.intervals.n > 0 ? 'interval-band' : 'exact',
    ksN: n,
    fixed: [],
    weak: false,
    method: 'empirical',
    notes: [
      best
        ? `best parametric fit (${best.family}) is poor: KS ${fmt(best.ks)}, p ${fmt(best.ksPValue)}; using the empirical distribution (${samples.length} quantile points)`
        : `no parametric fit; using the empirical distribution (${samples.length} quantile points)`,
    ],
  };
}
