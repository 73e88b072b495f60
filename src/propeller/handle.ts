import type { HandleCall } from '../timeline/types.js';
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
  // `enqueuedAt` is assigned from the recorded enqueues once the run is over (`assignEnqueuedAt`),
  // by the same rule a Timeline read from logs uses.
  const h: HandleCall = {
    worker: worker.name,
    start: t0,
    end: t0,
    rounds: [],
    endReason: 'unknown',
  };
  const handles = exec.record.handles;
  handles.push(h);
  const handleIdx = handles.length - 1;
  let failed = false;

  if (exec.terminatedFilter) h.endReason = 'terminated';
  else if (!exec.informerHas) h.endReason = 'notFound';
  else if (sim.rvCache && exec.informerRv < exec.rv && exec.informerRv === exec.lastInputRv) h.endReason = 'stale';
  else {
    let inputRv = sim.rvCache ? exec.informerRv : exec.rv;
    let conflict = sim.rvCache && inputRv < exec.rv;
    let readClosure = sim.model.store.offloadClosure;
    const max = Math.max(1, Math.floor(sim.model.propeller.maxStreakLength));
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
    // `Streak ended at [n]/Max: [m]`: every call that ran rounds states the cap.
    h.streakMax = max;
  }
  const t1 = sim.engine.now;
  h.end = t1;
  // Exact-size copy: see `finish` in round.ts.
  h.rounds = h.rounds.slice();
  return failed;
}
