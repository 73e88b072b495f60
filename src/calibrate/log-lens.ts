import { markUnseen } from '../timeline/pod-unseen.js';
import { taskPodName } from '../timeline/templates.js';
import { TERMINAL_WORKFLOW_PHASES, type Execution, type PodTimes, type Recording } from '../timeline/types.js';

/**
 * A simulated Recording as propeller's logs would show it, so that predictions compare with a
 * log recording like with like. Logs cannot see a pod's container start or exit, only propeller's
 * informer noticing them (`Enqueueing owner for updated object`) and the round that then sends
 * the task event; nor the CR's creation, only its first enqueue; nor the end of the terminal
 * Handle call, only the terminal workflow transition. The log folder times those instants that
 * way, and so does this lens:
 *
 * - created: the first enqueue or Handle start;
 * - ended: the terminal workflow transition;
 * - pod started / finished: the first owner update of that pod at or after the instant (no start
 *   when no round saw the container running);
 * - pod observed: the same owner update as `finished` (the informer noticing the exit), else the
 *   first task phase sent at or after the exit.
 */

function firstAtOrAfter(times: readonly number[] | undefined, t: number): number | undefined {
  if (!times) return undefined;
  for (const x of times) if (x >= t) return x;
  return undefined;
}

function lensPod(p: PodTimes, owner: readonly number[] | undefined, phases: readonly number[], running: readonly number[]): PodTimes {
  const out: PodTimes = { ...p };
  if (p.started !== undefined) {
    const s = firstAtOrAfter(owner, p.started);
    // Logs know a container ran only from a Running task phase; a pod that ran between two
    // rounds shows none.
    const seen = firstAtOrAfter(running, p.started) !== undefined && (p.finished === undefined || firstAtOrAfter(running, p.started)! <= firstAtOrAfter(phases, p.finished)!);
    if (!seen) {
      delete out.started;
      delete out.startedLo;
      delete out.startedHi;
    } else if (s !== undefined) out.started = out.startedLo = out.startedHi = s;
  }

  if (p.finished !== undefined) {
    const f = firstAtOrAfter(owner, p.finished);
    if (f !== undefined) out.finished = out.finishedLo = out.finishedHi = f;
    const o = f ?? firstAtOrAfter(phases, p.finished);
    if (o !== undefined) out.observed = out.observedLo = out.observedHi = o;
  }
  // As the log folder marks them: a start or an exit that no line showed.
  markUnseen(out);
  return out;
}

function lensExecution(exec: Execution): Execution {
  const e = structuredClone(exec);
  let first = Infinity;
  for (const q of e.enqueues) first = Math.min(first, q.at);
  for (const h of e.handles) first = Math.min(first, h.start);
  if (Number.isFinite(first)) e.created = { at: first, lo: first, hi: first };
  const terminal = e.workflowTransitions.filter((t) => TERMINAL_WORKFLOW_PHASES.has(t.to)).sort((a, b) => a.at - b.at)[0];
  if (terminal && e.ended) e.ended = { at: terminal.at, lo: terminal.at, hi: terminal.at };
  const owner = new Map<string, number[]>();
  for (const q of e.enqueues) {
    if (q.source !== 'owner' || q.object === undefined) continue;
    const l = owner.get(q.object) ?? [];
    l.push(q.at);
    owner.set(q.object, l);
  }
  for (const l of owner.values()) l.sort((a, b) => a - b);
  for (const n of e.nodes) {
    const phases = (n.taskPhases ?? []).map((t) => t.at).sort((a, b) => a - b);
    const running = (n.taskPhases ?? []).filter((t) => /running/i.test(t.to)).map((t) => t.at).sort((a, b) => a - b);
    if (n.pods && n.pods.length > 0) {
      n.pods = n.pods.map((p, i) => lensPod(p, owner.get(taskPodName(e.id, n.id, i)), phases, running));
      n.pod = n.pods[n.pods.length - 1];
    } else if (n.pod) {
      n.pod = lensPod(n.pod, owner.get(taskPodName(e.id, n.id, 0)), phases, running);
    }
  }
  return e;
}

export function throughLogs(rec: Recording): Recording {
  return { ...rec, executions: rec.executions.map(lensExecution) };
}
