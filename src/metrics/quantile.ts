/**
 * Summary statistics. Quantiles use the nearest-rank definition: the q-quantile of n sorted values
 * is the value at 1-based rank ⌈q·n⌉, so it is always an observed value (no interpolation between
 * two integer-ns samples). Standard deviation is the sample one (n − 1), undefined below two
 * samples.
 *
 * For uncertain samples (each known to lie in [lo, hi]) every order statistic is monotone in the
 * samples, so the quantile of the lower bounds and the quantile of the upper bounds bound the
 * true quantile; likewise for mean, min and max.
 */

/** Nearest-rank quantile of ascending `sorted` (non-empty), 0 < q <= 1. */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  // The epsilon keeps 0.9 * 10 (= 9.000000000000002) at rank 9.
  const rank = Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9)));
  return sorted[rank - 1]!;
}

export interface Summary {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { count: 0, p50: null, p90: null, p95: null, mean: null, sd: null, min: null, max: null };
  const s = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of s) sum += v;
  const mean = sum / n;
  let sd: number | null = null;
  if (n > 1) {
    let ss = 0;
    for (const v of s) ss += (v - mean) * (v - mean);
    sd = Math.sqrt(ss / (n - 1));
  }
  return {
    count: n,
    p50: nearestRank(s, 0.5),
    p90: nearestRank(s, 0.9),
    p95: nearestRank(s, 0.95),
    mean,
    sd,
    min: s[0]!,
    max: s[n - 1]!,
  };
}
