/**
 * Interval arithmetic with uncertain endpoints: the measure of a union of intervals clipped to a
 * window, and the user / external / Flyte split of a window.
 *
 * Bounds without enumeration: the measure of a union of intervals clipped to a window never
 * decreases when an interval (or the window) starts earlier or ends later. So its minimum over
 * every admissible placement of the endpoints is reached with every start at its upper bound and
 * every end at its lower bound, and its maximum with the opposite choice; two extra sweeps give
 * exact bounds for a union. Differences of such measures (external = |E ∪ U| − |U|, Flyte =
 * |W| − |E ∪ U|) take the conservative combination (min of one minus max of the other). An
 * instant used twice (the end of one interval and the start of the next) is treated as two
 * independent instants, which can only widen the bounds. Exact inputs give lo = est = hi.
 */
import type { Ns, Span } from '../timeline/types.js';

/** An instant with its uncertainty, `lo <= at <= hi`. */
export interface Instant {
  at: Ns;
  lo: Ns;
  hi: Ns;
}

/** A half-open interval [s, e) with uncertain endpoints. */
export interface Interval {
  s: Instant;
  e: Instant;
}

/** Which placement of the endpoints to measure: best estimate, smallest or largest measure. */
export type Placement = 'est' | 'min' | 'max';

export function instant(at: Ns, lo?: Ns, hi?: Ns): Instant {
  const l = lo ?? at;
  const h = hi ?? at;
  return { at, lo: Math.min(l, at), hi: Math.max(h, at) };
}

function startOf(x: Instant, p: Placement): number {
  return p === 'est' ? x.at : p === 'min' ? x.hi : x.lo;
}

function endOf(x: Instant, p: Placement): number {
  return p === 'est' ? x.at : p === 'min' ? x.lo : x.hi;
}

/**
 * Measure of the union of `ivs` clipped to `win`, for one placement of the endpoints. A sweep over
 * the starts and the ends sorted apart (the union is where more intervals have started than
 * ended): two native sorts of numbers instead of sorting pairs with a comparator, which mattered
 * for map nodes with thousands of pods.
 */
export function unionMeasure(ivs: readonly Interval[], win: Interval, p: Placement): number {
  const ws = startOf(win.s, p);
  const we = endOf(win.e, p);
  if (!(we > ws) || ivs.length === 0) return 0;
  const starts = new Float64Array(ivs.length);
  const ends = new Float64Array(ivs.length);
  let k = 0;
  for (const iv of ivs) {
    const a = Math.max(startOf(iv.s, p), ws);
    const b = Math.min(endOf(iv.e, p), we);
    if (b > a) {
      starts[k] = a;
      ends[k] = b;
      k++;
    }
  }
  if (k === 0) return 0;
  const s = starts.subarray(0, k).sort();
  const e = ends.subarray(0, k).sort();
  let total = 0;
  let depth = 0;
  let from = 0;
  let j = 0;
  for (let i = 0; i < k; ) {
    // a start at an end's instant first: touching intervals join
    if (s[i]! <= e[j]!) {
      if (depth++ === 0) from = s[i]!;
      i++;
    } else {
      if (--depth === 0) total += e[j]! - from;
      j++;
    }
  }
  // every start is in: the union's last piece closes at the last end
  return total + (e[k - 1]! - from);
}

/** True when every endpoint of `ivs` and of `win` is exact (its placements all measure the same). */
function allExact(ivs: readonly Interval[], win: Interval): boolean {
  const exact = (x: Instant) => x.lo === x.at && x.hi === x.at;
  if (!exact(win.s) || !exact(win.e)) return false;
  for (const iv of ivs) if (!exact(iv.s) || !exact(iv.e)) return false;
  return true;
}

/** Length of a window with bounds (the window's lower bound uses the late start and early end). */
export function windowSpan(win: Interval): Span {
  const est = Math.max(0, win.e.at - win.s.at);
  const lo = Math.max(0, win.e.lo - win.s.hi);
  const hi = Math.max(lo, win.e.hi - win.s.lo);
  return { est, lo: Math.min(lo, est), hi: Math.max(hi, est) };
}

/** A window's time split three ways. The estimates sum exactly to `time.est`. */
export interface Split {
  time: Span;
  user: Span;
  external: Span;
  flyte: Span;
}

function span(est: number, lo: number, hi: number): Span {
  return { est, lo: Math.max(0, Math.min(lo, est)), hi: Math.max(hi, est) };
}

/**
 * Splits `win` into user (the union of `user` intervals), external (the union of `external`
 * intervals minus the user set) and Flyte (the rest), each clipped to the window.
 */
export function splitWindow(win: Interval, user: readonly Interval[], external: readonly Interval[]): Split {
  const time = windowSpan(win);
  if (user.length === 0 && external.length === 0) {
    return { time, user: zeroSpan(), external: zeroSpan(), flyte: { ...time } };
  }
  const all = external.length === 0 ? user : user.length === 0 ? external : [...user, ...external];
  const uEst = unionMeasure(user, win, 'est');
  const aEst = unionMeasure(all, win, 'est');
  // Exact instants (simulations, traces, nanosecond logs): every placement is the estimate.
  const exact = allExact(all, win);
  const uMin = exact ? uEst : unionMeasure(user, win, 'min');
  const uMax = exact ? uEst : unionMeasure(user, win, 'max');
  const aMin = exact ? aEst : unionMeasure(all, win, 'min');
  const aMax = exact ? aEst : unionMeasure(all, win, 'max');
  const [user_, external_, flyte_] = tightenParts(
    [span(uEst, uMin, uMax), span(aEst - uEst, aMin - uMax, aMax - uMin), span(time.est - aEst, time.lo - aMax, time.hi - aMin)],
    time,
  );
  return { time, user: user_, external: external_, flyte: flyte_ };
}

/**
 * Tightens the bounds of parts known to sum exactly to `total` (for every placement of the
 * instants): each part lies within total − (the others), so lo >= total.lo − Σ others' hi and
 * hi <= total.hi − Σ others' lo. Estimates are untouched (they already sum to total.est).
 */
export function tightenParts<T extends Span[]>(parts: T, total: Span): T {
  const sumLo = parts.reduce((s, p) => s + p.lo, 0);
  const sumHi = parts.reduce((s, p) => s + p.hi, 0);
  return parts.map((p) => {
    const lo = Math.max(p.lo, total.lo - (sumHi - p.hi));
    const hi = Math.min(p.hi, total.hi - (sumLo - p.lo));
    return { est: p.est, lo: Math.max(0, Math.min(lo, p.est)), hi: Math.max(hi, p.est) };
  }) as T;
}

export function zeroSpan(): Span {
  return { est: 0, lo: 0, hi: 0 };
}

export function addSpan(a: Span, b: Span): Span {
  return { est: a.est + b.est, lo: a.lo + b.lo, hi: a.hi + b.hi };
}
