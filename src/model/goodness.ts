/**
 * Kolmogorov-Smirnov statistics for exact, interval-censored and rounded-difference data.
 *
 * - exact: the usual one-sample statistic sup |F_n - F| (both one-sided limits at every jump).
 * - interval band: each interval [lo, hi] bounds its value, so the empirical CDF at t lies in the
 *   band [#{hi <= t}, #{lo <= t}] / n; the statistic is the largest distance from F to that band. It
 *   is a lower bound on the KS statistic of every exact sample consistent with the intervals and
 *   equals the usual statistic when all intervals are points.
 * - expected k: rounded-difference counts are compared with the k frequencies the fitted F predicts
 *   (a discrete KS over k = 0, 1, 2, ...).
 * P-values use the asymptotic Kolmogorov distribution with Stephens' small-n correction. With
 * parameters estimated from the same data they are conservative (too large), and for discrete
 * (expected-k) data also conservative.
 */

export type KsMethod = 'exact' | 'interval-band' | 'expected-k';

/** One-sample KS of exact values (weights optional) against a continuous CDF. */
export function ksExact(values: ArrayLike<number>, cdf: (t: number) => number, weights?: ArrayLike<number>): number {
  const lo = Float64Array.from(values as ArrayLike<number>);
  return ksBand(lo, lo, cdf, weights);
}

/** Distance from F to the empirical band of interval data (see module comment). */
export function ksBand(
  lo: ArrayLike<number>, hi: ArrayLike<number>, cdf: (t: number) => number, weights?: ArrayLike<number>,
): number {
  const n = lo.length;
  if (n === 0) return 0;
  const w = (i: number): number => (weights ? weights[i]! : 1);
  let total = 0;
  for (let i = 0; i < n; i++) total += w(i);
  const byLo = Array.from({ length: n }, (_, i) => i).sort((a, b) => lo[a]! - lo[b]!);
  const byHi = Array.from({ length: n }, (_, i) => i).sort((a, b) => hi[a]! - hi[b]!);
  const ts = new Set<number>();
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(lo[i]!)) ts.add(lo[i]!);
    if (Number.isFinite(hi[i]!)) ts.add(hi[i]!);
  }
  const points = [...ts].sort((a, b) => a - b);
  // Sweep: at each t, counts of hi < t, hi <= t, lo < t, lo <= t.
  let iHi = 0, iLo = 0, cHiLt = 0, cLoLt = 0;
  let d = 0;
  for (const t of points) {
    while (iHi < n && hi[byHi[iHi]!]! < t) cHiLt += w(byHi[iHi++]!);
    while (iLo < n && lo[byLo[iLo]!]! < t) cLoLt += w(byLo[iLo++]!);
    let cHiLe = cHiLt, cLoLe = cLoLt;
    for (let j = iHi; j < n && hi[byHi[j]!]! === t; j++) cHiLe += w(byHi[j]!);
    for (let j = iLo; j < n && lo[byLo[j]!]! === t; j++) cLoLe += w(byLo[j]!);
    const f = cdf(t);
    // Left limit band [hi < t, lo < t] and right value band [hi <= t, lo <= t].
    d = Math.max(d, bandDistance(f, cHiLt / total, cLoLt / total), bandDistance(f, cHiLe / total, cLoLe / total));
  }
  return d;
}

function bandDistance(f: number, lower: number, upper: number): number {
  if (f < lower) return lower - f;
  if (f > upper) return f - upper;
  return 0;
}

/**
 * Discrete KS over k: observed counts per k against expected probabilities. `expected(k)` is the
 * predicted probability of k (averaged over the observations when they differ in shift).
 */
export function ksExpectedK(ks: ArrayLike<number>, weights: ArrayLike<number>, expected: (k: number) => number): number {
  const byK = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < ks.length; i++) {
    byK.set(ks[i]!, (byK.get(ks[i]!) ?? 0) + weights[i]!);
    total += weights[i]!;
  }
  if (total === 0) return 0;
  const maxK = Math.max(...byK.keys());
  let cumObs = 0, cumExp = 0, d = 0;
  for (let k = 0; k <= maxK + 1; k++) {
    cumObs += (byK.get(k) ?? 0) / total;
    cumExp += expected(k);
    d = Math.max(d, Math.abs(cumObs - cumExp));
  }
  return d;
}

/** Asymptotic Kolmogorov p-value P(D_n >= d) with Stephens' correction. */
export function kolmogorovPValue(d: number, n: number): number {
  if (!(n > 0) || !(d > 0)) return 1;
  const sn = Math.sqrt(n);
  const lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda < 0.3) return 1;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(-2 * j * j * lambda * lambda);
    sum += (j % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-16) break;
  }
  return Math.max(0, Math.min(1, 2 * sum));
}
