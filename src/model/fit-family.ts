import type { Distribution } from '../engine/distributions.js';
import type { FamilySpec, ParametricFamily } from './fit-families.js';
import { logLikelihood, prepare, roundedProb, type Prepared } from './fit-likelihood.js';
import { kolmogorovPValue, ksBand, ksExpectedK, type KsMethod } from './goodness.js';
import { likelihoodInterval, Z95 } from './fit-intervals.js';
import { gradient, hessian, nelderMead, quadFormInverse, symmetricEigen } from './optimize.js';

/**
 * Maximum-likelihood fit of one parametric family to prepared observations. Confidence intervals
 * start from the observed Fisher information (a central-difference Hessian of the log-likelihood in
 * the unconstrained parametrization: log of positive parameters, identity for locations; the delta
 * method on log median and log mean) and are checked, and where needed replaced, by profile-likelihood
 * endpoints (fit-intervals.ts). Median and mean profiles re-parametrize the family by (median or mean,
 * shape).
 */

export { Z95 };
/**
 * Minimum number of observations carrying shape information (see shapeInformation) below which a
 * shape parameter is reported as weak.
 */
export const MIN_SHAPE_INFORMATION = 20;
/** Relative 95% CI width (hi - lo) / value at or below which a parameter counts as tightly constrained. */
export const TIGHT_REL_WIDTH = 0.2;
/** ... and at or below which it is moderately constrained; above: weak. */
export const MODERATE_REL_WIDTH = 1;
/** Half-width of the optimizer's box for scale/location parameters, in natural-log units. */
const SCALE_BOX = 30;

export type Constraint = 'tight' | 'moderate' | 'weak' | 'fixed';

export interface ParamReport {
  value: number;
  /** 95% confidence interval (natural units). [0, Infinity] or [-Infinity, Infinity] when unidentified. */
  ci95: [number, number];
  /** (hi - lo) / value; for lognormal mu the relative width of exp(mu)'s interval. */
  relWidth: number;
  constraint: Constraint;
  /** How ci95 was obtained. */
  ciMethod: CiMethod;
}

/**
 * wald: inverse observed information (log scale for positive quantities), confirmed by the profile
 * likelihood at its endpoints; profile: profile-likelihood endpoints; exact: from a closed form
 * (degenerate data, order statistics); fixed: not estimated.
 */
export type CiMethod = 'wald' | 'profile' | 'exact' | 'fixed';

/** What every fit reports, whichever way it was obtained (one family, or the chosen one). */
export interface FitSummary {
  distribution: Distribution;
  /** Natural parameters, keyed as in the Distribution JSON. */
  params: Record<string, number>;
  paramDetail: Record<string, ParamReport>;
  n: number;
  median: number;
  medianCI95: [number, number];
  mean: number;
  meanCI95: [number, number];
  ciMethod: { median: CiMethod; mean: CiMethod };
  ks: number;
  ksPValue: number;
  ksMethod: KsMethod;
  ksN: number;
  /** Parameters held at caller-provided values. */
  fixed: string[];
  /** Some parameter is weakly constrained by the data (or was fixed because it was). */
  weak: boolean;
  notes: string[];
}

export interface FamilyFit extends FitSummary {
  family: ParametricFamily;
  logLik: number;
  /** Number of free parameters. */
  df: number;
  aic: number;
  converged: boolean;
}

interface Box { lo: number[]; hi: number[] }

/** Fits `spec` to `d`; `fixedShape` holds the shape parameter at that value (scale/location only). */
export function fitFamily(spec: FamilySpec, d: Prepared, fixedShape?: number): FamilyFit {
  const nP = spec.paramNames.length;
  const fixedIdx = fixedShape !== undefined && spec.shapeIndex !== undefined ? spec.shapeIndex : -1;
  const freeIdx = Array.from({ length: nP }, (_, i) => i).filter((i) => i !== fixedIdx);
  const notes: string[] = [];

  const toTheta = (p: readonly number[]): number[] => freeIdx.map((i) => (spec.logParam[i] ? Math.log(p[i]!) : p[i]!));
  const toNat = (theta: readonly number[]): number[] => {
    const p = new Array<number>(nP);
    if (fixedIdx >= 0) p[fixedIdx] = fixedShape!;
    freeIdx.forEach((i, j) => { p[i] = spec.logParam[i] ? Math.exp(theta[j]!) : theta[j]!; });
    return p;
  };

  // Starting point and box.
  const m0 = startMean(spec, d);
  const cv0 = Number.isFinite(d.pseudoCv) ? Math.min(5, Math.max(0.05, d.pseudoCv)) : 1;
  let start = spec.fromMoments(m0, cv0);
  if (fixedIdx >= 0) start = spec.withShapeKeepingMean ? spec.withShapeKeepingMean(start, fixedShape!) : start;
  const box = makeBox(spec, freeIdx, toTheta(start), m0, Math.abs(m0 * cv0));
  const inBox = (t: readonly number[]): boolean => t.every((v, j) => v >= box.lo[j]! && v <= box.hi[j]!);
  const negLL = (t: number[]): number => (inBox(t) ? -logLikelihood(spec, toNat(t), d) : Infinity);

  let theta: number[] | undefined;
  let converged = true;
  const exactOnly = d.intervals.n === 0 && d.rounded.n === 0 && d.exact !== undefined;
  if (exactOnly) {
    const p = fixedIdx >= 0 ? spec.fitExactFixedShape?.(d.exact!, fixedShape!) : spec.fitExact(d.exact!);
    if (p && p.every(Number.isFinite)) {
      const t = toTheta(p);
      if (inBox(t)) theta = t;
    }
  }
  if (!theta) {
    const starts: number[][] = [];
    // Censored point-like data: the exact-data MLE on interval midpoints is usually close.
    const mid = d.rounded.n === 0 ? midpointStart(spec, d, fixedShape) : undefined;
    if (mid) starts.push(mid);
    // More starts where a likelihood evaluation is cheap (few distinct groups) or no good start exists.
    const groups = d.intervals.w.length + d.rounded.w.length + (d.exact?.x.length ?? 0);
    if (!mid || groups <= 200) starts.push(start);
    if (freeIdx.length > 1 && groups <= 200) {
      for (const cv of [0.5, 1.5]) if (Math.abs(cv - cv0) > 0.2) starts.push(spec.fromMoments(m0, cv));
    }
    let best: { x: number[]; f: number; converged: boolean } | undefined;
    for (const s of starts) {
      const t0 = toTheta(s).map((v, j) => Math.min(box.hi[j]!, Math.max(box.lo[j]!, v)));
      const r = nelderMead(negLL, t0, { step: 0.3, maxEvaluations: 1200, fTol: 1e-11, xTol: 1e-7 });
      if (!best || r.f < best.f) best = r;
    }
    theta = best!.x;
    converged = best!.converged && Number.isFinite(best!.f);
    if (!converged) notes.push('optimizer did not fully converge');
  }

  const p = toNat(theta);
  const logLik = -negLL(theta);
  const negLLNat = (q: number[]): number => {
    const t = toTheta(q);
    if (!inBox(t) || (fixedIdx >= 0 && q[fixedIdx] !== fixedShape)) return Infinity;
    return -logLikelihood(spec, q, d);
  };

  // Wald standard errors from the observed information in the unconstrained parametrization.
  // Parameters that ended on the optimizer's box (MLE at a boundary) are left out of it.
  const edge = theta.map((v, j) => v - box.lo[j]! < 1e-3 || box.hi[j]! - v < 1e-3);
  const interior = freeIdx.map((_, j) => j).filter((j) => !edge[j]);
  const withInterior = (u: number[]): number[] => {
    const t = theta!.slice();
    interior.forEach((j, k) => { t[j] = u[k]!; });
    return t;
  };
  const u0 = interior.map((j) => theta![j]!);
  const H = interior.length > 0 ? hessian((u) => -logLikelihood(spec, toNat(withInterior(u)), d), u0) : [];
  const eig = symmetricEigen(H);
  const varOf = (g: number[]): number => (interior.length > 0 ? quadFormInverse(eig, g) : 0);
  if (interior.length < freeIdx.length) {
    const names = freeIdx.filter((_, j) => edge[j]).map((i) => spec.paramNames[i]!);
    notes.push(`${names.join(', ')} at the edge of the feasible range: not identified by the data`);
  }

  const ciMethods = new Set<string>();
  const params: Record<string, number> = {};
  const paramDetail: Record<string, ParamReport> = {};
  for (let i = 0; i < nP; i++) {
    const name = spec.paramNames[i]!;
    params[name] = p[i]!;
    if (i === fixedIdx) {
      paramDetail[name] = { value: p[i]!, ci95: [p[i]!, p[i]!], relWidth: 0, constraint: 'fixed', ciMethod: 'fixed' };
      continue;
    }
    const j = freeIdx.indexOf(i);
    const k = interior.indexOf(j);
    const other = freeIdx.find((o) => o !== i);
    const waldSe = k < 0 ? NaN : Math.sqrt(varOf(interior.map((_, kk) => (kk === k ? 1 : 0))));
    const res = likelihoodInterval(negLLNat, -logLik, {
      build: (q, nu) => {
        const r = p.slice();
        r[i] = q;
        if (other !== undefined) r[other] = nu;
        return r;
      },
      q: p[i]!,
      nuisance: other !== undefined ? p[other]! : NaN,
      logQ: spec.logParam[i]!,
      logNuisance: other !== undefined ? spec.logParam[other]! : false,
      waldSe,
      ...searchRange(spec, i, p[i]!),
    });
    ciMethods.add(res.method);
    const relWidth = relativeWidth(spec, i, p[i]!, res.ci);
    const unbounded = res.unbounded[0] || res.unbounded[1];
    paramDetail[name] = {
      value: p[i]!, ci95: res.ci, relWidth, constraint: unbounded ? 'weak' : verdict(relWidth), ciMethod: res.method,
    };
  }

  // Median and mean: Wald on their logarithms (identity for the normal), checked against the profile
  // likelihood with the family re-parametrized by (median or mean, nuisance).
  const useLog = spec.positive;
  const ni = spec.nuisanceIndex !== undefined && spec.nuisanceIndex !== fixedIdx ? spec.nuisanceIndex : undefined;
  const summaryMethod: { median: CiMethod; mean: CiMethod } = { median: 'wald', mean: 'wald' };
  const summaryCI = (kind: 'median' | 'mean', value: number): [number, number] => {
    const f = kind === 'median' ? spec.median : spec.mean;
    const h = (u: number[]): number => {
      const v = f(toNat(withInterior(u)));
      return useLog ? Math.log(v) : v;
    };
    const waldSe = interior.length > 0 ? Math.sqrt(varOf(gradient(h, u0))) : interior.length === freeIdx.length ? 0 : NaN;
    const res = likelihoodInterval(negLLNat, -logLik, {
      build: (q, nu) => spec.fromSummary(kind, q, ni !== undefined ? nu : fixedIdx >= 0 ? fixedShape! : NaN),
      q: value,
      nuisance: ni !== undefined ? p[ni]! : NaN,
      logQ: useLog,
      logNuisance: ni !== undefined ? spec.logParam[ni]! : false,
      waldSe,
      limit: useLog ? 25 : 1e3 * (Math.abs(value) + (p[1] ?? 1)),
      step: useLog ? 0.25 : 0.25 * (Math.abs(value) + (p[1] ?? 1)),
    });
    ciMethods.add(res.method);
    summaryMethod[kind] = res.method;
    return res.ci;
  };
  const median = spec.median(p);
  const mean = spec.mean(p);
  const medianCI95 = summaryCI('median', median);
  const meanCI95 = summaryCI('mean', mean);
  if (ciMethods.has('profile')) notes.push('some intervals from the profile likelihood (the Wald approximation did not hold)');

  // A shape seen only through a handful of censored observations is weak whatever its interval says
  // (for exact data the interval itself tells).
  const info = shapeInformation(d);
  const censored = d.intervals.n + d.rounded.n > 0;
  if (censored && spec.shapeIndex !== undefined && spec.shapeIndex !== fixedIdx && info < MIN_SHAPE_INFORMATION) {
    // Without the shape, neither it nor the scale/location is identified on its own: only the mean.
    for (const r of Object.values(paramDetail)) if (r.constraint !== 'fixed') r.constraint = 'weak';
    notes.push(
      `only ${info} observation(s) fall outside the two most frequent values: the data pin down the ` +
      `mean, while ${spec.paramNames[spec.shapeIndex]} rests on a handful of tail observations and the family's assumed shape`,
    );
  }

  const ks = ksFor(spec, p, d);
  const fixed = fixedIdx >= 0 ? [spec.paramNames[fixedIdx]!] : [];
  const weak = Object.values(paramDetail).some((r) => r.constraint === 'weak');

  // Rounded differences at a resolution far above the typical value identify mostly the mean.
  const shapeName = spec.shapeIndex !== undefined ? spec.paramNames[spec.shapeIndex]! : undefined;
  const shapeWeak = shapeName !== undefined && ['weak', 'fixed'].includes(paramDetail[shapeName]!.constraint);
  if (d.rounded.n > 0 && shapeWeak) {
    const rMax = Math.max(...d.rounded.r);
    if (rMax > 2 * median) {
      notes.push(
        `rounded-difference data at resolution ${rMax} s with a fitted median of ${round4(median)} s: ` +
        'the data identify essentially only the mean (P(k=1) ~ mean/r); shape parameters are weakly constrained',
      );
    }
  }

  return {
    family: spec.name,
    distribution: spec.distribution(p),
    params,
    paramDetail,
    logLik,
    df: freeIdx.length,
    aic: 2 * freeIdx.length - 2 * logLik,
    n: d.n,
    median, medianCI95, mean, meanCI95,
    ciMethod: summaryMethod,
    ks: ks.statistic, ksPValue: ks.pValue, ksMethod: ks.method, ksN: ks.n,
    fixed,
    weak,
    converged,
    notes,
  };
}

/** Exact-data MLE on the point stand-ins (exact values and interval midpoints), if it exists. */
function midpointStart(spec: FamilySpec, d: Prepared, fixedShape: number | undefined): number[] | undefined {
  const pts = d.points;
  if (pts.x.length < 2 || pts.widths.some((w) => !Number.isFinite(w))) return undefined;
  if (spec.positive && pts.x.some((x) => !(x > 0))) return undefined;
  const sub = prepare(
    Array.from(pts.x, (value, i) => ({ kind: 'exact' as const, value, count: pts.w[i]! })),
    spec.positive,
  );
  if (!sub.exact) return undefined;
  const p = fixedShape !== undefined ? spec.fitExactFixedShape?.(sub.exact, fixedShape) : spec.fitExact(sub.exact);
  return p && p.every(Number.isFinite) ? p : undefined;
}

/**
 * Observations that can inform a shape: every exact value, plus censored observations outside the two
 * most frequent cells (interval cells; k values per resolution). With only two categories, counts fix a
 * single frequency, i.e. the mean; the shape then rests on the few observations beyond them.
 */
export function shapeInformation(d: Prepared): number {
  let info = d.exact?.n ?? 0;
  const beyondTop2 = (counts: Iterable<number>): number => {
    const c = [...counts].sort((a, b) => b - a);
    return c.slice(2).reduce((a, b) => a + b, 0);
  };
  info += beyondTop2(d.intervals.w);
  const byRes = new Map<number, Map<number, number>>();
  for (let i = 0; i < d.rounded.w.length; i++) {
    const r = d.rounded.r[i]!;
    let m = byRes.get(r);
    if (!m) byRes.set(r, (m = new Map()));
    m.set(d.rounded.k[i]!, (m.get(d.rounded.k[i]!) ?? 0) + d.rounded.w[i]!);
  }
  for (const m of byRes.values()) info += beyondTop2(m.values());
  return info;
}

/** Search range for a parameter's profile interval (in its search scale: log for positive parameters). */
function searchRange(spec: FamilySpec, i: number, v: number): { limit: number; step: number } {
  if (spec.logParam[i]) return { limit: 25, step: 0.25 };
  if (spec.positive) return { limit: 25, step: 0.25 }; // lognormal mu is a log-scale location
  return { limit: 1e3 * (Math.abs(v) + 1), step: 0.25 * (Math.abs(v) + 1) };
}

function round4(x: number): number {
  return Number(x.toPrecision(4));
}

/** A positive mean to start from (pseudo mean, or a fraction of the resolution when it is ~0). */
function startMean(spec: FamilySpec, d: Prepared): number {
  let m = d.pseudoMean;
  if (!spec.positive) return Number.isFinite(m) ? m : 0;
  if (!(m > 0)) {
    const r = d.rounded.n > 0 ? Math.max(...d.rounded.r) : 1;
    m = (0.5 * r) / Math.max(1, d.n);
  }
  return m;
}

function makeBox(spec: FamilySpec, freeIdx: number[], t0: number[], m0: number, spread: number): Box {
  const lo: number[] = [], hi: number[] = [];
  freeIdx.forEach((i, j) => {
    if (i === spec.shapeIndex && spec.shapeBounds) {
      lo.push(Math.log(spec.shapeBounds[0]));
      hi.push(Math.log(spec.shapeBounds[1]));
    } else if (!spec.positive && !spec.logParam[i]) {
      // Normal mean: anywhere within a wide window around the pseudo mean.
      const w = 1e3 * (Math.abs(m0) + spread + 1e-9);
      lo.push(m0 - w); hi.push(m0 + w);
    } else {
      lo.push(t0[j]! - SCALE_BOX); hi.push(t0[j]! + SCALE_BOX);
    }
  });
  return { lo, hi };
}

function relativeWidth(spec: FamilySpec, i: number, v: number, ci: [number, number]): number {
  if (spec.name === 'lognormal' && i === 0) return Math.exp(ci[1] - v) - Math.exp(ci[0] - v);
  const w = ci[1] - ci[0];
  return Number.isFinite(w) ? w / Math.abs(v) : Infinity;
}

export function verdict(relWidth: number): Constraint {
  if (!Number.isFinite(relWidth)) return 'weak';
  if (relWidth <= TIGHT_REL_WIDTH) return 'tight';
  if (relWidth <= MODERATE_REL_WIDTH) return 'moderate';
  return 'weak';
}

/**
 * KS on the larger homogeneous part of the data: point-like observations (exact and intervals:
 * exact or interval-band statistic) or rounded differences of the most common resolution (expected k).
 */
export function ksFor(spec: FamilySpec, p: readonly number[], d: Prepared): { statistic: number; pValue: number; method: KsMethod; n: number } {
  const pointsN = (d.exact?.n ?? 0) + d.intervals.n;
  const rd = d.rounded;
  if (pointsN >= rd.n && pointsN > 0) {
    const lo: number[] = [], hi: number[] = [], w: number[] = [];
    if (d.exact) for (let i = 0; i < d.exact.x.length; i++) { lo.push(d.exact.x[i]!); hi.push(d.exact.x[i]!); w.push(d.exact.w[i]!); }
    for (let i = 0; i < d.intervals.w.length; i++) { lo.push(d.intervals.lo[i]!); hi.push(d.intervals.hi[i]!); w.push(d.intervals.w[i]!); }
    const stat = ksBand(lo, hi, (t) => spec.cdf(p, t), w);
    return { statistic: stat, pValue: kolmogorovPValue(stat, pointsN), method: d.intervals.n > 0 ? 'interval-band' : 'exact', n: pointsN };
  }
  // Most common resolution among rounded groups.
  const byR = new Map<number, number>();
  for (let i = 0; i < rd.w.length; i++) byR.set(rd.r[i]!, (byR.get(rd.r[i]!) ?? 0) + rd.w[i]!);
  let r = 0, nr = -1;
  for (const [res, n] of byR) if (n > nr) { r = res; nr = n; }
  const idx = Array.from({ length: rd.w.length }, (_, i) => i).filter((i) => rd.r[i] === r);
  // Groups by shift so expected(k) costs one kernel evaluation per distinct shift.
  const shifts = new Map<number, number>();
  for (const i of idx) shifts.set(rd.shift[i]!, (shifts.get(rd.shift[i]!) ?? 0) + rd.w[i]!);
  const expected = (k: number): number => {
    let s = 0;
    for (const [sh, w] of shifts) s += w * roundedProb(spec, p, k * r - sh, r);
    return s / nr;
  };
  const stat = ksExpectedK(idx.map((i) => rd.k[i]!), idx.map((i) => rd.w[i]!), expected);
  return { statistic: stat, pValue: kolmogorovPValue(stat, nr), method: 'expected-k', n: nr };
}
