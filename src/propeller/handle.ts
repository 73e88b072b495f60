import type { HandleCall, StreakEnd } from '../timeline/types.js';
import type { ExecState } from './execution.js';
import * as round from './round.js';
import type { RoundCtx } from './round-context.js';
import type { Activity, Sim } from './sim-context.js';
import type { Worker } from './workers.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { R_CHANGED, R_ERROR, R_NO_CHANGE, R_TERMINAL, R_TOO_LARGE, runRound } = round;

/**
 * One Handle call (`Propeller.Handle`): a worker dequeued the workflow's key. Get the CR from the
 * informer through the workflow store (terminated → skip; ResourceVersionCache: the input version of
 * the last write → Stale, skip), then run rounds back to back (a streak) while each round changed and
 * wrote the CR, up to max-streak-length. Returns true when the Handle failed (the queue then does
 * not `Forget` the key's backoff).
 */
export function* handleCall(sim: Sim, worker: Worker, exec: ExecState, rc: RoundCtx): Activity<boolean> {
  const t0 = sim.engine.now;
  const skip: StreakEnd | null = exec.terminatedFilter
    ? 'terminated'
    : !exec.informerHas
      ? 'notFound'
      : sim.rvCache && exec.informerRv < exec.rv && exec.informerRv === exec.lastInputRv
        ? 'stale'
        : null;
  // `Streak ended at [n]/Max: [m]`: every call that runs rounds states the cap.
  const max = Math.max(1, Math.floor(sim.model.propeller.maxStreakLength));
  const enqueuedAt = answeredEnqueue(exec, t0);
  // One literal with every key the call will have, in the Timeline's key order: keys added later
  // would move to an out-of-object property array, and a large run keeps ~100k Handle calls.
  const h: HandleCall =
    skip !== null
      ? enqueuedAt === undefined
        ? { worker: worker.name, start: t0, end: t0, rounds: [], endReason: skip }
        : { worker: worker.name, start: t0, end: t0, rounds: [], endReason: skip, enqueuedAt }
      : enqueuedAt === undefined
        ? { worker: worker.name, start: t0, end: t0, rounds: [], endReason: 'unknown', streakMax: max }
        : { worker: worker.name, start: t0, end: t0, rounds: [], endReason: 'unknown', streakMax: max, enqueuedAt };
  const handles = exec.record.handles;
  handles.push(h);
  worker.handle = h;
  const handleIdx = handles.length - 1;
  let failed = false;

  if (skip === null) {
    let inputRv = sim.rvCache ? exec.informerRv : exec.rv;
    let conflict = sim.rvCache && inputRv < exec.rv;
    let readClosure = sim.model.store.offloadClosure;
    let streak = 0;
    for (; streak < max; streak++) {
      const r = (yield runRound(sim, rc, h, handleIdx, exec, inputRv, conflict, readClosure)) as number;
      readClosure = false;
      conflict = false;
      if (r === R_ERROR) {
        h.endReason = 'error';
        failed = true;
        break;
      }
      if (r === R_TOO_LARGE) {
        h.endReason = 'error';
        break;
      }
      if (r === R_NO_CHANGE) {
        h.endReason = 'noChange';
        break;
      }
      if (r === R_TERMINAL) {
        h.endReason = 'terminal';
        break;
      }
      if (r === R_CHANGED) inputRv = exec.rv;
    }
    if (streak === max) h.endReason = 'cap';
  }
  const t1 = sim.engine.now;
  h.end = t1;
  // A pushed-to array keeps a backing store of 16+ slots, and most calls run one or two rounds: a
  // large run keeps ~100k calls, so each keeps an exact-size copy.
  h.rounds = h.rounds.slice();
  worker.handle = null;
  return failed;
}

/**
 * The enqueue a Handle call starting at `start` answers, by the rule of `timeline/queue-wait.ts`
 * (the earliest enqueue after the previous call's start, if at or before this one's), found as the
 * call begins: simulated enqueues are recorded in time order, and none can join the window later
 * (an enqueue recorded from now on is at or after `start`, and one at `start` exactly would follow
 * an earlier one of the same window: a key is only handled after an enqueue).
 */
function answeredEnqueue(exec: ExecState, start: number): number | undefined {
  const enq = exec.record.enqueues;
  let i = exec.enqueueCursor;
  while (i < enq.length && enq[i]!.at <= exec.prevHandleStart) i++;
  exec.enqueueCursor = i;
  exec.prevHandleStart = start;
  const e = enq[i];
  return e !== undefined && e.at <= start ? e.at : undefined;
}
