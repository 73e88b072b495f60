import type { NodeState, Scope } from './node-state.js';
import * as phases from './phases.js';
import type { RoundCtx } from './round-context.js';
import type { Activity } from './sim-context.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { FAILING, MAP_FAILING, NEV_ABORTED, NYS, PLUGIN_ABORTED, PLUGIN_PERMANENT_FAILURE, PLUGIN_PHASE_NAMES, SKIPPED, SUCCEEDED, isTerminalNode, isTerminalPlugin } = phases;

/**
 * How propeller aborts what still runs when a workflow fails (`cleanupRunningNodes`) or a nested DAG
 * fails (`HandleFailingSubWorkflow`): `AbortHandler` walks the DAG depth-first from the start node,
 * through the nodes that succeeded or were skipped, and aborts each started, unfinished node it
 * reaches without walking on below it. Unstarted and failed nodes stop the walk. An aborted node's
 * status is left as it was; admin gets a NodeExecutionEvent ABORTED after the handler's Abort and
 * Finalize (`nodeExecutor.Abort`):
 * - a task (or a dynamic node whose parent task still runs): unless its plugin phase is final, the
 *   k8s plugin deletes the pod (a kube call under the client's QPS/burst), then the task handler
 *   sends a TaskExecutionEvent ABORTED;
 * - an ArrayNode: each started, unfinished subtask's pod is deleted, in index order, then one task
 *   event goes out for the array (FAILED when its own state is Failing, else ABORTED);
 * - a subworkflow, or a dynamic node running its sub-DAG: the nested DAG is aborted first;
 * - a branch: the case it took is aborted first;
 * - a launch plan: admin's TerminateExecution of its child (admin deletes the child's CR, whose
 *   next round aborts it in turn);
 * - a gate: the event only.
 * Finalize makes no API call (no pod finalizer: propeller's `inject-finalizer` default).
 *
 * Propeller keeps no visited set: a running node reached from several finished upstreams is aborted
 * once for each (the repeated events answer AlreadyExists; the repeated DELETE is a call again).
 * The walk here passes through each finished node once, which keeps that, while propeller's walk
 * repeats whole finished sub-DAGs once per path.
 */
export function* abortScope(rc: RoundCtx, scope: Scope): Activity<void> {
  // A node whose abort fails gets no event, and the walk goes on with the others (`AbortHandler`
  // collects the errors; the round then fails).
  for (const n of abortOrder(rc, scope)) yield abortNode(rc, n);
}

/** The started, unfinished nodes the walk reaches, in the order it reaches them (repeats included). */
function abortOrder(rc: RoundCtx, scope: Scope): NodeState[] {
  const out: NodeState[] = [];
  const through = new Set<NodeState>();
  const stack: NodeState[] = [scope.start];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.phase === NYS || n.collapsed || n === rc.exec.failureNode) continue;
    if (n.phase === SUCCEEDED || n.phase === SKIPPED) {
      if (through.has(n)) continue;
      through.add(n);
      for (let i = n.downstream.length - 1; i >= 0; i--) stack.push(n.downstream[i]!);
    } else if (!isTerminalNode(n.phase)) out.push(n);
  }
  return out;
}

/**
 * An ArrayNode's Abort: each started, unfinished subtask in index order (its task handler's Abort:
 * a pod DELETE unless its plugin phase is final), then one task event for the array, its subtasks as
 * external resources (sent even with none under way).
 */
const ABORTED = PLUGIN_PHASE_NAMES[PLUGIN_ABORTED]!;

export function* abortArray(rc: RoundCtx, n: NodeState): Activity<void> {
  const sim = rc.sim;
  let d: number;
  for (const s of n.subnodes!) {
    if (s.phase === NYS || isTerminalNode(s.phase)) continue;
    if (n.def.launchplan !== undefined) {
      // a launch-plan subnode's abort terminates its child execution (no pod, no task event)
      if (s.child !== null) {
        d = sim.launcher.terminate(rc, s);
        if (d > 0) yield d;
      }
      continue;
    }
    if (isTerminalPlugin(s.plugin)) continue;
    d = sim.pods.delete(rc, s, PLUGIN_PHASE_NAMES[s.plugin]!);
    if (d > 0) yield d;
    // the subtask's task handler records its ABORTED event into the array's buffer
    rc.op('bufferedTaskEvent', 0, s.id, undefined, ABORTED);
    if (s.lastTaskEvent !== ABORTED && !rc.hasTaskPhase(s, ABORTED)) rc.taskPhase(s, ABORTED);
  }
  // An array whose own state is Failing reports the failure (FAILED, with the subtasks' errors), one
  // aborted from outside while executing reports ABORTED (nodes/array/handler.go Abort).
  d = sim.sink.task(rc, n, n.phase === FAILING || n.aux === MAP_FAILING ? PLUGIN_PERMANENT_FAILURE : PLUGIN_ABORTED, 0);
  if (d > 0) yield d;
}

/** One node's abort: what its handler aborts, then its ABORTED event. */
function* abortNode(rc: RoundCtx, n: NodeState): Activity<void> {
  if (!((yield abortHandler(rc, n)) as boolean)) return;
  const d = rc.sim.sink.node(rc, n, NEV_ABORTED);
  if (d > 0) yield d;
}

/**
 * What `nodeExecutor.Abort` asks of the node's handler (its Abort and Finalize), without the node
 * event: also the abort of a node timing out, or of an attempt its execution deadline ended, which
 * send none (`finalTransition` false). False when a call of the handler's own abort failed (then no
 * event follows).
 */
export function* abortHandler(rc: RoundCtx, n: NodeState): Activity<boolean> {
  const sim = rc.sim;
  const f0 = rc.failures;
  let d: number;
  if (n.subnodes !== null) {
    yield abortArray(rc, n);
  } else if (n.inner !== null && n.inner.active) {
    yield abortScope(rc, n.inner);
  } else if (n.kind === 'branch') {
    const taken = n.taken;
    if (taken !== null && taken.phase !== NYS && !isTerminalNode(taken.phase)) yield abortNode(rc, taken);
  } else if (n.kind === 'launchplan' && n.child !== null) {
    d = sim.launcher.terminate(rc, n);
    if (d > 0) yield d;
    return true;
  } else if ((n.kind === 'task' || n.kind === 'dynamic') && !isTerminalPlugin(n.plugin)) {
    d = sim.pods.delete(rc, n, PLUGIN_PHASE_NAMES[n.plugin]!);
    if (d > 0) yield d;
    d = sim.sink.task(rc, n, PLUGIN_ABORTED, 0);
    if (d > 0) yield d;
  }
  return rc.failures === f0;
}
