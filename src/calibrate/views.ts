import type { Enqueue, EnqueueSource, Execution, HandleCall, Round } from '../timeline/types.js';
import { TERMINAL_WORKFLOW_PHASES } from '../timeline/types.js';
import { bounded, type Bounded } from './observe.js';

/**
 * Small read-only views of an Execution that several estimators share: Handle calls in time order,
 * enqueues in time order, and the CR writes that reached the API server.
 */

/** Enqueues that go straight to the main queue (`AddRateLimited`). */
export const MAIN_QUEUE_SOURCES: ReadonlySet<EnqueueSource> = new Set<EnqueueSource>(['workflow', 'resync']);

export function byStart(handles: readonly HandleCall[]): HandleCall[] {
  return handles.slice().sort((a, b) => a.start - b.start);
}

export function byTime(enqueues: readonly Enqueue[]): Enqueue[] {
  return enqueues.slice().sort((a, b) => a.at - b.at);
}

export function handleStart(h: HandleCall): Bounded {
  return bounded(h.start, h.startLo, h.startHi);
}

export function handleEnd(h: HandleCall): Bounded {
  return bounded(h.end, h.endLo, h.endHi);
}

export function enqueueAt(e: Enqueue): Bounded {
  return bounded(e.at, e.lo, e.hi);
}

export interface Write {
  end: Bounded;
  /** The write made the workflow terminal (the CR leaves the informer: no watch event follows). */
  terminal: boolean;
}

function roundIsTerminal(r: Round): boolean {
  return r.ops.some((o) => o.kind === 'workflowTransition' && o.to !== undefined && TERMINAL_WORKFLOW_PHASES.has(o.to));
}

/**
 * Successful CR writes of the execution in time order: the end of each `etcdUpdate` that did not
 * fail, or, for rounds that changed status without a timed write (Info-level logs), the round end.
 */
export function writesOf(exec: Execution): Write[] {
  const out: Write[] = [];
  for (const h of exec.handles) {
    h.rounds.forEach((r, i) => {
      if (r.error !== undefined) return;
      const terminal = roundIsTerminal(r) || (h.endReason === 'terminal' && i === h.rounds.length - 1);
      const ops = r.ops.filter((o) => o.kind === 'etcdUpdate');
      if (ops.length > 0) {
        const last = ops[ops.length - 1]!;
        if (last.outcome !== undefined && last.outcome !== 'ok') return;
        out.push({ end: bounded(last.end, last.endLo, last.endHi), terminal });
      } else if (r.changed) {
        out.push({ end: bounded(r.end, r.endLo, r.endHi), terminal });
      }
    });
  }
  return out.sort((a, b) => a.end.at - b.end.at);
}
