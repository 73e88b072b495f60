/**
 * Info-level logs (`logger.level: 4`): no etcd lines, no `node succeeding`, no workflow
 * transitions and no task events. What propeller's logic fixes is inferred from the lines left.
 */
import type { Execution, Op, Round, Transition } from '../timeline/types.js';
import { endHi, endLo, startHi, startLo } from '../timeline/bounds.js';
import type { ExecState, FoldOp, LineAt } from './fold-state.js';

/**
 * What an Info-level log (one without a single Debug line of the execution) leaves out and
 * propeller's logic fixes:
 * - each changed round's write: the round ends at the fast-follow line that follows a successful
 *   Update, so the write lies between the traversal's end and the round's end (a round that failed
 *   on an event writes its error the same way);
 * - a node's move out of Succeeding (Failing, TimingOut), made in the next kept round that handles
 *   nodes (not one short-circuited by max parallelism);
 * - the workflow's moves, from the phase each round starts in (`p [X]`), and the events they send;
 * - its end: `Workflow completed successfully` in a kept round, or the terminal write.
 * And what it leaves unknown: how long a pod create took, unless the back-off handler logs its end.
 */
export function inferInfoLevel(ex: ExecState): void {
  const rec = ex.rec;
  // A pod create ends at the worker's next line: without the back-off handler's line after it, that
  // is at Info level a line after the task event that follows the create (its duration unknown).
  for (const h of rec.handles) {
    for (const r of h.rounds) for (const o of r.ops) if (o.kind === 'podCreate' && !ex.createsEnded.has(o as FoldOp)) o.untimed = true;
  }
  for (const h of rec.handles) {
    for (const r of h.rounds) {
      // a round that failed on an event still writes (RecordSystemError); a failed write is logged
      const writes = r.error === undefined ? r.changed : RECORDED_ERRORS.has(r.error);
      if (!writes || r.ops.some((o) => o.kind === 'etcdUpdate')) continue;
      const o: Op = {
        kind: 'etcdUpdate',
        start: r.traversalEnd ?? r.start,
        end: r.end,
        startLo: r.traversalEndLo ?? startLo(r),
        startHi: r.traversalEndHi ?? startHi(r),
        endLo: endLo(r),
        endHi: endHi(r),
        outcome: 'ok',
        detail: INFERRED,
      };
      r.ops.push(o);
    }
  }
  inferTimeoutRetries(ex);
  for (const n of rec.nodes) {
    const last = n.transitions[n.transitions.length - 1];
    const to = last !== undefined ? FINAL_OF[last.to] : undefined;
    if (last === undefined || to === undefined || last.handle === undefined || last.round === undefined) continue;
    let next = nextRound(rec, last.handle, last.round);
    while (next !== undefined && skipsNodes(rec.handles[next[0]]!.rounds[next[1]]!)) next = nextRound(rec, next[0], next[1]);
    if (next === undefined) continue;
    const r = rec.handles[next[0]]!.rounds[next[1]]!;
    // nodes are handled in Running rounds, the failure node in HandlingFailureNode ones
    if (r.phase !== 'Running' && r.phase !== 'HandlingFailureNode') continue;
    n.transitions.push({ from: last.to, to, at: r.start, atLo: startLo(r), atHi: traversalHi(r), handle: next[0], round: next[1] });
  }
  if (rec.ended !== undefined) return;
  if (rec.workflowTransitions.length === 0) inferWorkflowMoves(rec, ex.failedAt);
  // `Workflow completed successfully` of a round that kept its changes marks the move to
  // Succeeded; else the write of a terminal workflow (`Wf terminated? true`) ends the phase the
  // workflow was in (a workflow out of system retries fails straight from Running).
  let c: LineAt | undefined;
  for (const x of ex.completed) if (rec.handles[x.handle]?.rounds[x.round]?.error === undefined) c = x;
  const from = c !== undefined ? 'Succeeding' : rec.phase;
  const to = c !== undefined ? 'Succeeded' : (FINAL_WORKFLOW_OF[rec.phase] ?? 'Failed');
  const at = c ?? ex.terminated;
  if (at === null) return;
  rec.workflowTransitions.push({ from, to, at: at.at, atLo: at.lo, atHi: at.hi, handle: at.handle, round: at.round, line: at.line });
  rec.ended = { at: at.at, lo: at.lo, hi: at.hi };
  rec.phase = to;
  const r = rec.handles[at.handle]?.rounds[at.round];
  if (r !== undefined) addWorkflowEvent(r, from, to, at.at, at.lo, at.hi);
}

/**
 * Info level: an attempt its execution deadline ended (`Current execution for the node timed out`,
 * logged at Error) was retried unless the node moved (to Failing) in that round: propeller logs
 * neither the move to RetryableFailure nor the retry (Debug). The move is the line's; the retry is
 * made by the next kept round that handles nodes.
 */
function inferTimeoutRetries(ex: ExecState): void {
  const rec = ex.rec;
  const byId = new Map(rec.nodes.map((n) => [n.id, n]));
  for (const x of ex.attemptTimeouts) {
    const n = byId.get(x.node);
    if (n === undefined || n.transitions.some((t) => t.handle === x.handle && t.round === x.round)) continue;
    const before = n.transitions.filter((t) => t.at <= x.at).at(-1);
    if (before === undefined || before.to !== 'Running') continue;
    const r = rec.handles[x.handle]?.rounds[x.round];
    if (r === undefined) continue;
    insertTransition(n.transitions, { from: 'Running', to: 'RetryableFailure', at: x.at, atLo: x.lo, atHi: x.hi, handle: x.handle, round: x.round, line: x.line });
    r.ops.push({ kind: 'nodeTransition', start: x.at, end: x.at, startLo: x.lo, startHi: x.hi, endLo: x.lo, endHi: x.hi, node: n.id, from: 'Running', to: 'RetryableFailure' });
    n.retries = (n.retries ?? 0) + 1;
    let next = nextRound(rec, x.handle, x.round);
    while (next !== undefined && skipsNodes(rec.handles[next[0]]!.rounds[next[1]]!)) next = nextRound(rec, next[0], next[1]);
    if (next === undefined) continue;
    const nr = rec.handles[next[0]]!.rounds[next[1]]!;
    insertTransition(n.transitions, { from: 'RetryableFailure', to: 'Running', at: nr.start, atLo: startLo(nr), atHi: traversalHi(nr), handle: next[0], round: next[1] });
  }
}

/** Puts `t` among `list` in time order (after those at the same instant). */
function insertTransition(list: Transition[], t: Transition): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.at > t.at) i--;
  list.splice(i, 0, t);
}

/**
 * Info level: the workflow's phase (`p [X]` of each round) changed between two kept rounds, so
 * the earlier one made the move (a move is written); its transition and the workflow event it
 * sends lie within that round's traversal.
 */
function inferWorkflowMoves(rec: Execution, failedAt: readonly LineAt[]): void {
  let prev: { r: Round; handle: number; round: number } | undefined;
  for (let hi = 0; hi < rec.handles.length; hi++) {
    const rounds = rec.handles[hi]!.rounds;
    for (let ri = 0; ri < rounds.length; ri++) {
      const r = rounds[ri]!;
      // a failed round keeps nothing, but a too-large one writes a small Failing copy
      if ((r.error !== undefined && r.error !== 'tooLarge') || r.phase === 'Unknown') continue;
      const p = prev?.r;
      if (p !== undefined && p.phase !== r.phase && p.changed) {
        const from = String(p.phase);
        const to = String(r.phase);
        // `Workflow has failed` dates the move to Failing; others lie within the round's traversal
        const line = to === 'Failing' ? failedAt.find((x) => x.handle === prev!.handle && x.round === prev!.round) : undefined;
        const at = line?.at ?? p.start;
        const lo = line?.lo ?? startLo(p);
        const atHi = line?.hi ?? traversalHi(p);
        rec.workflowTransitions.push({ from, to, at, atLo: lo, atHi, handle: prev!.handle, round: prev!.round, ...(line ? { line: line.line } : {}) });
        // the copy written after a too-large write goes out without an event
        if (to !== 'Ready' && p.error === undefined) addWorkflowEvent(p, from, to, at, lo, atHi);
        rec.phase = to;
      }
      prev = { r, handle: hi, round: ri };
    }
  }
}

/** The latest instant round `r`'s traversal can have ended at: a move made in it happened by then. */
function traversalHi(r: Round): number {
  return Math.max(startHi(r), r.traversalEndHi ?? r.traversalEnd ?? r.start);
}

/** A workflow event sent from instant `at` (bounds lo..hi) until the round's traversal ends. */
function addWorkflowEvent(r: Round, from: string, to: string, at: number, lo: number, hi: number): void {
  const end = Math.max(at, r.traversalEnd ?? at);
  const endHi = Math.max(hi, r.traversalEndHi ?? end);
  const o: Op = { kind: 'workflowEvent', start: at, end, startLo: lo, startHi: hi, endLo: Math.max(lo, r.traversalEndLo ?? end), endHi, from, to, outcome: 'ok', detail: INFERRED };
  r.ops.push(o);
}

/** The `detail` of an op no line of the log states (an Info-level log leaves it out). */
const INFERRED = 'inferred: no Debug line';

/** Error classes of a round that failed before its write, which then records the error (an event failure). */
const RECORDED_ERRORS: ReadonlySet<string> = new Set(['throttled', 'alreadyExists', 'error']);

/** A round that leaves nodes as they were: it failed (its changes dropped) or max parallelism cut its traversal. */
function skipsNodes(r: Round): boolean {
  return r.error !== undefined || r.ops.some((o) => o.kind === 'parallelismLimit');
}

const FINAL_WORKFLOW_OF: Readonly<Record<string, string>> = { Succeeding: 'Succeeded', Failing: 'Failed', Aborting: 'Aborted' };

const FINAL_OF: Readonly<Record<string, string>> = { Succeeding: 'Succeeded', Failing: 'Failed', TimingOut: 'TimedOut' };

/** Handle and round index of the round after round `ri` of Handle call `hi`, if the log has one. */
function nextRound(rec: Execution, hi: number, ri: number): [number, number] | undefined {
  const h = rec.handles[hi];
  if (h !== undefined && ri + 1 < h.rounds.length) return [hi, ri + 1];
  for (let k = hi + 1; k < rec.handles.length; k++) if (rec.handles[k]!.rounds.length > 0) return [k, 0];
  return undefined;
}
