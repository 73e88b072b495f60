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
  return sorted[rankIndex(sorted.length, q)]!;
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
  const a = new Float64Array(values as number[]);
  let min = a[0]!;
  let max = min;
  let smallInts = true;
  for (let i = 0; i < n; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
    if ((v & 0xffff) !== v) smallInts = false;
  }
  const mean = exactSum(a, false, 0) / n;
  const sd = n > 1 ? Math.sqrt(exactSum(a, true, mean) / (n - 1)) : null;
  const k95 = rankIndex(n, 0.95);
  const k90 = rankIndex(n, 0.9);
  const k50 = rankIndex(n, 0.5);
  if (smallInts && max < 4 * n) {
    // Counts (rounds per streak, events per round): a histogram gives the ranks in one pass.
    const hist = new Uint32Array(max + 1);
    for (let i = 0; i < n; i++) hist[a[i]!]!++;
    return { count: n, p50: valueAt(hist, k50), p90: valueAt(hist, k90), p95: valueAt(hist, k95), mean, sd, min, max };
  }
  // Three order statistics by selection, not a full sort (a report summarizes samples of every
  // round and op): each selection leaves the smaller values to its left, so the next one searches
  // only there.
  select(a, k95, 0, n - 1);
  select(a, k90, 0, k95);
  select(a, k50, 0, k90);
  return { count: n, p50: a[k50]!, p90: a[k90]!, p95: a[k95]!, mean, sd, min, max };
}

/** The value at 0-based rank k of the values counted in `hist` (hist[v] = how many equal v). */
function valueAt(hist: Uint32Array, k: number): number {
  let seen = 0;
  for (let v = 0; v < hist.length; v++) {
    seen += hist[v]!;
    if (seen > k) return v;
  }
  return hist.length - 1;
}

/**
 * Σ a[i], or Σ (a[i] − center)² when `squares`, summed with the rounding error of every
 * addition carried along (two-sum), then rounded once. The result then does not depend on the
 * order of the values (a report over shuffled executions is the same report), for integer-ns
 * samples exactly, without sorting them.
 */
function exactSum(a: Float64Array, squares: boolean, center: number): number {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - center;
    const v = squares ? d * d : a[i]!;
    const s = hi + v;
    const b = s - hi;
    lo += hi - (s - b) + (v - b);
    hi = s;
  }
  return hi + lo;
}

/** 0-based index of the nearest-rank q-quantile among n values (see `nearestRank`). */
function rankIndex(n: number, q: number): number {
  // The epsilon keeps 0.9 * 10 (= 9.000000000000002) at rank 9.
  return Math.min(n, Math.max(1, Math.ceil(q * n - 1e-9))) - 1;
}

/**
 * Moves the k-th smallest of a[lo..hi] to a[k], smaller or equal values before it and larger or
 * equal after it (quickselect, median-of-three pivot). A range that does not shrink fast enough
 * (adversarial order) is sorted instead, so the worst case stays O(n log n).
 */
function select(a: Float64Array, k: number, lo: number, hi: number): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi > lo) {
    if (budget-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const x = a[lo]!;
    const y = a[(lo + hi) >> 1]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}
