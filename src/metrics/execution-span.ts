/**
 * An execution's start and end instants, and its makespan.
 *
 * Start = `created`, else the earliest instant seen (enqueue, Handle call, transition).
 * End = `ended` (terminal workflow phase), else the latest instant seen, flagged incomplete.
 */
import type { Execution } from '../timeline/types.js';
import { instant, type Instant } from './intervals.js';

function consider(best: Instant | undefined, x: Instant, later: boolean): Instant {
  if (!best) return x;
  return later ? (x.at > best.at ? x : best) : x.at < best.at ? x : best;
}

/** Earliest (later=false) or latest (later=true) instant recorded for the execution. */
export function extremeSeen(exec: Execution, later: boolean): Instant | undefined {
  let best: Instant | undefined;
  for (const e of exec.enqueues) best = consider(best, instant(e.at, e.lo, e.hi), later);
  for (const h of exec.handles) {
    best = consider(best, later ? instant(h.end, h.endLo, h.endHi) : instant(h.start, h.startLo, h.startHi), later);
  }
  for (const t of exec.workflowTransitions) best = consider(best, instant(t.at, t.atLo, t.atHi), later);
  for (const n of exec.nodes) {
    for (const t of n.transitions) best = consider(best, instant(t.at, t.atLo, t.atHi), later);
  }
  return best;
}

/**
 * Launch-plan child executions by the node that launched them: the child's `parentNode`, else the
 * parent's only launch-plan node; a child that names no node of a parent with several is left out.
 */
export function childrenByLaunchNode(exec: Execution, children: readonly Execution[]): Map<string, Execution[]> {
  const out = new Map<string, Execution[]>();
  if (children.length === 0) return out;
  const lpNodes = exec.nodes.filter((n) => n.kind === 'launchplan');
  const only = lpNodes.length === 1 ? lpNodes[0]!.id : undefined;
  for (const c of children) {
    const nodeId = c.parentNode ?? only;
    if (nodeId === undefined) continue;
    let list = out.get(nodeId);
    if (!list) out.set(nodeId, (list = []));
    list.push(c);
  }
  return out;
}

export interface ExecutionSpan {
  start: Instant;
  end: Instant;
  /** True when the workflow reached a terminal phase (`ended` known). */
  complete: boolean;
}

export function executionSpan(exec: Execution): ExecutionSpan {
  const start = exec.created ? instant(exec.created.at, exec.created.lo, exec.created.hi) : extremeSeen(exec, false);
  const endSeen = exec.ended ? instant(exec.ended.at, exec.ended.lo, exec.ended.hi) : extremeSeen(exec, true);
  const s = start ?? instant(0);
  let e = endSeen ?? s;
  if (e.at < s.at) e = s;
  return { start: s, end: e, complete: exec.ended !== undefined };
}
