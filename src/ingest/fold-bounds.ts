/**
 * Bounds of folded items kept consistent: an item's end moved later, an op kept inside its round
 * and a round inside its Handle call. Whole-second stamps leave wide bounds; a finer stamp on an
 * enclosing item (a klog or CRI time) then narrows what it encloses.
 */
import type { FoldHandle, FoldOp, FoldRound } from './fold-state.js';

/** What Handle calls, rounds and ops share: a start and an end, each with bounds. */
export type Interval = Pick<FoldOp, 'start' | 'startLo' | 'startHi' | 'end' | 'endLo' | 'endHi'>;

/** Moves `x`'s end (and its bounds) later to reach the given instant. */
export function pushEnd(x: Interval, at: number, lo: number, hi: number): void {
  if (at > x.end) x.end = at;
  if (lo > x.endLo) x.endLo = lo;
  if (hi > x.endHi) x.endHi = hi;
}

/**
 * Keeps `inner` inside `outer` (an op inside its round, a round inside its Handle call): a finer
 * stamp on the enclosing item (a klog or CRI time) then bounds what whole-second stamps left wide.
 */
function clampInto(inner: FoldOp | FoldRound, outer: FoldRound | FoldHandle): void {
  const lo = outer.startLo;
  const hi = outer.endHi;
  const startLo0 = inner.startLo;
  const startHi0 = inner.startHi;
  const endLo0 = inner.endLo;
  const endHi0 = inner.endHi;
  const start0 = inner.start;
  const end0 = inner.end;
  const startLo = Math.min(Math.max(startLo0, lo), hi);
  const startHi = Math.min(Math.max(startHi0, startLo), hi);
  const endHi = Math.max(Math.min(endHi0, hi), startLo);
  const endLo = Math.min(Math.max(endLo0, startLo), endHi);
  const start = Math.min(Math.max(start0, startLo), startHi);
  const end = Math.min(Math.max(end0, endLo, start), endHi);
  // store only what changed (mostly nothing): a store of a large number allocates a heap number
  if (startLo !== startLo0) inner.startLo = startLo;
  if (startHi !== startHi0) inner.startHi = startHi;
  if (endHi !== endHi0) inner.endHi = endHi;
  if (endLo !== endLo0) inner.endLo = endLo;
  if (start !== start0) inner.start = start;
  if (end !== end0) inner.end = end;
}

export function tightenInside(h: FoldHandle): void {
  // A call cannot end before it starts: a finer stamp at its end (a klog `error syncing` line)
  // caps the start that whole-second stamps left open.
  const startHi = Math.max(h.startLo, Math.min(h.startHi, h.endHi));
  if (startHi !== h.startHi) h.startHi = startHi;
  const endLo = Math.min(h.endHi, Math.max(h.endLo, h.startLo));
  if (endLo !== h.endLo) h.endLo = endLo;
  const start = Math.min(Math.max(h.start, h.startLo), h.startHi);
  if (start !== h.start) h.start = start;
  if (h.end < h.start) {
    if (h.start <= h.endHi && h.start >= h.endLo) h.end = h.start;
    else h.start = Math.max(h.startLo, Math.min(h.start, h.end));
  }
  const rounds = h.rounds;
  for (let i = 0; i < rounds.length; i++) {
    const r = rounds[i] as FoldRound;
    clampInto(r, h);
    const ops = r.ops;
    for (let k = 0; k < ops.length; k++) clampInto(ops[k] as FoldOp, r);
  }
}
