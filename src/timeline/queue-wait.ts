/**
 * Which enqueue a Handle call's queue wait starts at: one rule for every source of Timelines, so a
 * simulated queue wait and one read from logs measure the same thing (`handle.start − enqueuedAt`).
 *
 * Rule: a Handle call's `enqueuedAt` is the earliest enqueue of its execution strictly after the
 * previous Handle call's start (after nothing, for the first call) and at or before this call's
 * start. Enqueues that arrive while a call runs dirty the key and cause the next call, so they
 * belong to the next window; the earliest one is the first request the next call answers, and the
 * wait includes every queue delay after it (base delay, sub-queue batching, waiting for a worker).
 * No enqueue in the window: no `enqueuedAt`.
 */
import type { Enqueue, Execution, HandleCall } from './types.js';

/**
 * Sets `enqueuedAt`/`enqueuedAtLo`/`enqueuedAtHi` on every Handle call of `exec` by the rule above
 * (removing them where the window holds no enqueue). Handle calls are taken in their array order,
 * which is their time order (a key is never handled by two workers at once); enqueues may come in
 * any order. Windows compare best estimates (`at`); the bounds are the enqueue's, its upper bound
 * clipped to the call's latest start (the enqueue came first).
 */
export function assignEnqueuedAt(exec: Execution): void {
  const enq = sortedByTime(exec.enqueues);
  let prevStart = -Infinity;
  for (const h of exec.handles) {
    const e = firstAfter(enq, prevStart);
    if (e !== undefined && e.at <= h.start) setEnqueued(h, e);
    else clearEnqueued(h);
    prevStart = h.start;
  }
}

function sortedByTime(list: readonly Enqueue[]): readonly Enqueue[] {
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.at < list[i - 1]!.at) return [...list].sort((a, b) => a.at - b.at);
  }
  return list;
}

/** The first enqueue (in time order) with `at > t`. */
function firstAfter(enq: readonly Enqueue[], t: number): Enqueue | undefined {
  let lo = 0;
  let hi = enq.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (enq[mid]!.at > t) hi = mid;
    else lo = mid + 1;
  }
  return enq[lo];
}

function setEnqueued(h: HandleCall, e: Enqueue): void {
  const at = e.at;
  h.enqueuedAt = at;
  // A Handle call without bounds has exact times (simulation, traces): so has an exact enqueue.
  if (h.startHi === undefined && e.lo === at && e.hi === at) {
    // `delete` is a runtime call even for an absent key; a first assignment never has bounds to drop.
    if ('enqueuedAtLo' in h) delete h.enqueuedAtLo;
    if ('enqueuedAtHi' in h) delete h.enqueuedAtHi;
    return;
  }
  h.enqueuedAtLo = Math.min(e.lo, at);
  h.enqueuedAtHi = Math.max(at, Math.min(e.hi, h.startHi ?? h.start));
}

function clearEnqueued(h: HandleCall): void {
  delete h.enqueuedAt;
  delete h.enqueuedAtLo;
  delete h.enqueuedAtHi;
}
