import type { Distribution } from '../engine/distributions.js';
import type { WorkflowNode } from '../model/workflow.js';
import * as abort from './abort.js';
import * as blobStore from './blob-store.js';
import type { ExecState } from './execution.js';
import * as latencies from './latencies.js';
import type { NsSampler } from './latencies.js';
import type { NodeState, Scope } from './node-state.js';
import * as phases from './phases.js';
import * as pods from './pods.js';
import type { RoundCtx } from './round-context.js';
import type { Activity } from './sim-context.js';
import { goDuration } from '../timeline/go-duration.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { F_DYNAMIC_COMPILED, F_ERROR, F_FUTURES, F_FUTURES_COMPILED, F_INPUTS, F_OUTPUTS } = blobStore;
const { nsSampler } = latencies;
const { abortArray, abortHandler, abortScope } = abort;
const { DYNAMIC_RUNNING, FAILED, FAILING, NEV_DYNAMIC_RUNNING, NEV_FAILED, NEV_QUEUED, NEV_RUNNING, NEV_SKIPPED, NEV_SUCCEEDED, NEV_TIMED_OUT, NYS, TIMING_OUT, isTerminalPlugin, PLUGIN_INITIALIZING, PLUGIN_NONE, PLUGIN_PHASE_NAMES, PLUGIN_QUEUED, PLUGIN_RETRYABLE_FAILURE, PLUGIN_RUNNING, PLUGIN_SUCCESS, QUEUED, RETRYABLE_FAILURE, RUNNING, SKIPPED, SUCCEEDED, SUCCEEDING, TIMED_OUT, WF_FAILED, isSuccessLike, isTerminalNode } = phases;
const { POD_FAILED, POD_INITIALIZING, POD_RUNNING, POD_SUCCEEDED } = pods;

/**
 * Node state machines, one per node type, as propeller's node executor and handlers run them inside
 * a round (domain notes §2.3-§2.4, §4, §5). Each handled node makes at most one phase transition per
 * round; a node whose upstream just succeeded starts in the next round (the frontier moves at commit).
 * Handlers are activities (see `Step`): they yield the duration of each timed step (blob, catalog,
 * kube, admin calls), so shared limiters and the outside world are consulted at the right instant.
 */
type Gen<T> = Activity<T>;

/** What a DAG traversal reports (`RecursiveNodeHandler` of the start node). */
export const SCOPE_RUNNING = 0;
export const SCOPE_PARTIAL = 1;
export const SCOPE_COMPLETE = 2;
export const SCOPE_FAILED = 3;

/** Inputs/outputs size when the workflow does not give one. */
const DEFAULT_LITERAL_BYTES = 256;
/** error.pb read after a failed attempt. */
const ERROR_DOC_BYTES = 512;

// Dynamic node sub-phases (`DynamicNodePhase`).
const DYN_PARENT_FINALIZING = 1;
const DYN_PARENT_FINALIZED = 2;
const DYN_EXECUTING = 3;
// ArrayNode sub-phases.
const MAP_EXECUTING = 1;
const MAP_SUCCEEDING = 2;
const { MAP_FAILING } = phases;
/** A nested DAG (subworkflow, dynamic) failed: the next round aborts what still runs in it, then fails its node. */
const INNER_FAILING = 4;
/**
 * A dynamic node's sub-DAG failed with no node in it failed for good (one timed out: `IsFailurePermanent`
 * false): the next round aborts it, and the node fails retryably (`DynamicNodeFailing`).
 */
const INNER_FAILING_RETRYABLE = 5;

const gateSamplers = new WeakMap<Distribution, NsSampler>();

function inBytes(n: NodeState): number {
  return n.def.inputBytes ?? DEFAULT_LITERAL_BYTES;
}
function outBytes(n: NodeState): number {
  if (n.kind === 'branch' && n.taken) return outBytes(n.taken);
  return n.def.outputBytes ?? DEFAULT_LITERAL_BYTES;
}
function subBytes(total: number | undefined, size: number): number {
  if (total === undefined) return DEFAULT_LITERAL_BYTES;
  return Math.max(16, Math.round(total / Math.max(1, size)));
}

/** Plugin phase the task plugin derives from the pod as the informer shows it. */
function pluginOf(podPhase: number): number {
  switch (podPhase) {
    case POD_INITIALIZING:
      return PLUGIN_INITIALIZING;
    case POD_RUNNING:
      return PLUGIN_RUNNING;
    case POD_SUCCEEDED:
      return PLUGIN_SUCCESS;
    case POD_FAILED:
      return PLUGIN_RETRYABLE_FAILURE;
    default:
      return PLUGIN_QUEUED;
  }
}

/** A node phase transition and the admin node event that reports it; returns the event's duration. */
function transitionAndSend(rc: RoundCtx, n: NodeState, phase: number, nev: number): number {
  rc.transition(n, phase);
  return rc.sim.sink.node(rc, n, nev);
}

/** A new task status (plugin phase and version) and the task event that reports it; returns the event's duration. */
function setPluginAndSend(rc: RoundCtx, n: NodeState, plugin: number, version: number): number {
  rc.setPlugin(n, plugin, version);
  return rc.sim.sink.task(rc, n, plugin, version);
}

/**
 * A dynamic node whose sub-DAG propsim can run again on a retry: one without launch plans (a child
 * execution is not launched twice here). Otherwise a failure that would be retried fails the node.
 */
function subDagRetries(n: NodeState): boolean {
  const noLaunch = (scope: Scope): boolean => scope.nodes.every((x) => x.kind !== 'launchplan' && x.def.launchplan === undefined && (x.inner === null || noLaunch(x.inner)));
  return n.inner === null || noLaunch(n.inner);
}

/** Makes a nested DAG traversable (its start node reached). */
function activate(exec: ExecState, scope: Scope): void {
  if (!scope.active) {
    scope.active = true;
    exec.activeScopes.push(scope);
  }
  scope.reach(scope.start);
}

/**
 * Visits a DAG's frontier in DFS order; returns SCOPE_*. Once max parallelism is reached the
 * remaining task-like nodes are short-circuited, so only the others are still visited.
 */
export function* visitScope(rc: RoundCtx, scope: Scope): Gen<number> {
  const nodes = scope.current();
  const byOrder = scope.byOrder;
  // handleDownstream: a failed node ends the traversal at once, unless the workflow's failure
  // policy lets the nodes that can still run go on (the scope then fails once none is left).
  const failFast = !rc.exec.failAfterAll;
  let partial = false;
  let open = 0;
  // Nodes that failed in this round: a failed node counts as complete (FAIL_AFTER policy).
  let failedNow = 0;
  // Which nodes lie only below a failure (FAIL_AFTER only): answers of this traversal.
  const below = failFast ? null : new Map<NodeState, boolean>();
  let i = 0;
  for (; i < nodes.length; i++) {
    const n = byOrder[nodes[i]!]!;
    if (isTerminalNode(n.phase)) continue;
    if (waitedFor(n, below, scope.failures + failedNow)) open++;
    if (n.countsForParallelism && rc.maxPar > 0 && rc.par >= rc.maxPar) break;
    if (!needsWork(rc, n)) continue;
    const r = handleSync(rc, n);
    const done = r === SYNC_NEEDS_HANDLER ? ((yield handlerOf(rc, n)) as boolean) : r === SYNC_SUCCEEDED;
    if (rc.error !== null) return SCOPE_RUNNING;
    // a skip below a failure completes nothing anyone waits for: no re-enqueue
    if (done && waitedFor(n, below, scope.failures + failedNow)) partial = true;
    if (n.phase === FAILED || n.phase === TIMED_OUT) {
      if (failFast) return SCOPE_FAILED;
      failedNow++;
    }
  }
  if (i < nodes.length) {
    const others = scope.others;
    let k = 0;
    while (k < others.length && others[k]! < i) k++;
    rc.parallelismLimited(byOrder[nodes[i]!]!, scope.deferredFrom(i, k));
    // Under FAIL_AFTER, the tasks past the cut are still to run (Running for propeller): the scope
    // is not over while one of them is left (the nodes that do not count follow below).
    if (!failFast) {
      for (let j = i + 1; j < nodes.length; j++) {
        const m = byOrder[nodes[j]!]!;
        if (m.countsForParallelism && !isTerminalNode(m.phase) && waitedFor(m, below, scope.failures + failedNow)) open++;
      }
    }
    for (; k < others.length; k++) {
      const n = byOrder[nodes[others[k]!]!]!;
      if (isTerminalNode(n.phase)) continue;
      if (!failFast && waitedFor(n, below, scope.failures + failedNow)) open++;
      if (!needsWork(rc, n)) continue;
      const r = handleSync(rc, n);
      const done = r === SYNC_NEEDS_HANDLER ? ((yield handlerOf(rc, n)) as boolean) : r === SYNC_SUCCEEDED;
      if (rc.error !== null) return SCOPE_RUNNING;
      if (done) partial = true;
      if (n.phase === FAILED || n.phase === TIMED_OUT) {
        if (failFast) return SCOPE_FAILED;
        failedNow++;
      }
    }
  }
  if (partial) return SCOPE_PARTIAL;
  if (open > failedNow) return SCOPE_RUNNING;
  return scope.failures + failedNow > 0 ? SCOPE_FAILED : SCOPE_COMPLETE;
}

/**
 * Cheap check run for every visited node: false when handling it would change nothing this round
 * (not ready, no new pod phase, gate closed, child not done) or max parallelism short-circuits it.
 * Keeps big frontiers from paying for a handler call per node per round.
 */
function needsWork(rc: RoundCtx, n: NodeState): boolean {
  if (n.countsForParallelism && rc.maxPar > 0 && rc.par >= rc.maxPar) {
    rc.parallelismLimited(n);
    return false;
  }
  const phase = n.phase;
  if (phase === NYS) {
    if (n.kind === 'start' || n.isCase) return true;
    if (rc.exec.failAfterAll && upstreamSkips(rc, n)) return true;
    return upstreamsDone(rc, n);
  }
  if (phase === QUEUED || phase === SUCCEEDING || phase === RETRYABLE_FAILURE || phase === DYNAMIC_RUNNING || phase === FAILING || phase === TIMING_OUT) return true;
  if (phase !== RUNNING) return false;
  switch (n.kind) {
    case 'task':
    case 'dynamic': {
      if (n.plugin === PLUGIN_NONE) return true;
      const pod = n.pods[n.attempt];
      if (pod && pluginOf(rc.sim.pods.observed(pod)) !== n.plugin) return true;
      if (deadlinePassed(rc, n)) return true;
      rc.par++;
      return false;
    }
    case 'launchplan':
      if (n.childReported || deadlinePassed(rc, n)) return true;
      rc.par++;
      return false;
    case 'gate':
      return rc.now >= n.deadline || deadlinePassed(rc, n);
    default:
      return true;
  }
}

/** A deadline of `n` has passed: it needs handling this round. */
function deadlinePassed(rc: RoundCtx, n: NodeState): boolean {
  return n.hasDeadline && expiredDeadline(rc, n) !== NO_DEADLINE;
}

/** Which deadline of a node has passed (`execute`'s check: active first), if any. */
const NO_DEADLINE = 0;
const ACTIVE_DEADLINE = 1;
const EXECUTION_DEADLINE = 2;

/**
 * The deadline that has passed for `n` now, as `nodeExecutor.execute` checks them after the handler
 * of a Queued, Running or DynamicRunning node: the active deadline from its first Queued, then the
 * execution deadline from its attempt's start (strictly past: `start + d < now`). A handler that
 * finishes the node in this round wins (`!phase.IsTerminal()`): a pod that succeeded, a child
 * execution admin reported done, a gate whose wait is over. Propeller sets no timer: a deadline is
 * noticed by the first round after it, whatever brought that round (a resync, a pod update).
 */
function expiredDeadline(rc: RoundCtx, n: NodeState): number {
  const phase = n.phase;
  if (phase !== QUEUED && phase !== RUNNING && phase !== DYNAMIC_RUNNING) return NO_DEADLINE;
  const now = rc.now;
  const active = n.activeDeadlineNs > 0 && n.queuedAt >= 0 && n.queuedAt + n.activeDeadlineNs < now;
  const execution = !active && n.executionDeadlineNs > 0 && n.attemptStartedAt >= 0 && n.attemptStartedAt + n.executionDeadlineNs < now;
  if (!active && !execution) return NO_DEADLINE;
  if (phase !== DYNAMIC_RUNNING) {
    if (n.kind === 'task' || n.kind === 'dynamic') {
      const pod = n.pods[n.attempt];
      if (pod && rc.sim.pods.observed(pod) === POD_SUCCEEDED) return NO_DEADLINE;
    } else if (n.kind === 'launchplan') {
      if (n.childReported) return NO_DEADLINE;
    } else if (n.kind === 'gate' && now >= n.deadline) return NO_DEADLINE;
  }
  return active ? ACTIVE_DEADLINE : EXECUTION_DEADLINE;
}

/** Results of `handleSync`: done without a timed step (partial completion or not), or needs the handler. */
const SYNC_DONE = 0;
const SYNC_SUCCEEDED = 1;
const SYNC_NEEDS_HANDLER = 2;

/** Transitions that take no time (no I/O, no event) are done without a handler generator. */
function handleSync(rc: RoundCtx, n: NodeState): number {
  const phase = n.phase;
  if (phase === SUCCEEDING) {
    // `node succeeding`: plugin Finalize, then Succeeded; no event.
    rc.transition(n, SUCCEEDED);
    return SYNC_SUCCEEDED;
  }
  if (phase === FAILING) {
    // an ArrayNode's abort, and a dynamic node's whose sub-DAG failed, make calls again (their handler)
    if (n.subnodes !== null || (n.kind === 'dynamic' && n.inner !== null && n.inner.active)) return SYNC_NEEDS_HANDLER;
    // an attempt its execution deadline ended still has its pod: the abort deletes it
    if (attemptRuns(n)) return SYNC_NEEDS_HANDLER;
    // `node failing`: abort + finalize, then Failed; no event (FAILED was sent on entering Failing).
    rc.transition(n, FAILED);
    return SYNC_DONE;
  }
  if (phase === RETRYABLE_FAILURE) {
    // a dynamic node's retry clears its handler state (and aborts its sub-DAG): its handler's work
    if (attemptRuns(n) || n.kind === 'dynamic') return SYNC_NEEDS_HANDLER;
    // Abort + finalize the failed attempt, then a new attempt from a clean task status; no event.
    // The task handler does not run, so the node does not count towards this round's parallelism.
    rc.setAttempt(n, n.attempt + 1);
    rc.setPlugin(n, PLUGIN_NONE, 0);
    rc.transition(n, RUNNING);
    return SYNC_DONE;
  }
  if (phase === DYNAMIC_RUNNING && n.aux === DYN_PARENT_FINALIZING && !deadlinePassed(rc, n)) {
    rc.setAux(n, DYN_PARENT_FINALIZED);
    return SYNC_DONE;
  }
  return SYNC_NEEDS_HANDLER;
}

/** The handler of `n` in its phase; the generator returns true when `n` just reached Succeeded/Skipped. */
function handlerOf(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const phase = n.phase;
  if (phase === NYS) return handleNotYetStarted(rc, n);
  if (n.hasDeadline) {
    const expired = expiredDeadline(rc, n);
    if (expired !== NO_DEADLINE) {
      if (hasInnerWork(n)) return handleThenTimeOut(rc, n, expired);
      return podNews(rc, n) !== PLUGIN_NONE ? reportPodThenTimeOut(rc, n, expired) : timeOut(rc, n, expired);
    }
    if (phase === TIMING_OUT) return abortThen(rc, n, TIMED_OUT);
  }
  if (phase === RETRYABLE_FAILURE) return retryAfterAbort(rc, n);
  if (phase === FAILING && attemptRuns(n)) return abortThen(rc, n, FAILED);
  return kindHandler(rc, n);
}

/**
 * A node whose handler runs nested work (a subworkflow's or dynamic node's DAG, a branch's case, a
 * map task's subtasks): that work is done first in the round its deadline is noticed, as
 * propeller's `execute` runs the handler before it checks (a task's pod, a launch plan's child and
 * a gate's wait are looked at up front, in `expiredDeadline`).
 */
function hasInnerWork(n: NodeState): boolean {
  return n.kind === 'subworkflow' || n.kind === 'branch' || n.kind === 'map' || (n.kind === 'dynamic' && n.phase === DYNAMIC_RUNNING);
}

/**
 * The handler, then the timeout if the node is still under way and made no move of its own this
 * round (one move per node per round: a handler's move stands, and the deadline is taken up by the
 * next round, which finds it still passed).
 */
function* handleThenTimeOut(rc: RoundCtx, n: NodeState, which: number): Gen<boolean> {
  const done = (yield kindHandler(rc, n)) as boolean;
  if (rc.error !== null || done || n.transitioned === rc.serial) return done;
  const p = n.phase;
  if (p !== QUEUED && p !== RUNNING && p !== DYNAMIC_RUNNING) return done;
  return (yield timeOut(rc, n, which)) as boolean;
}

/**
 * The plugin phase a task's pod has newly reached (not success: that wins over the deadline, in
 * `expiredDeadline`), PLUGIN_NONE when there is nothing new to report.
 */
function podNews(rc: RoundCtx, n: NodeState): number {
  if ((n.kind !== 'task' && n.kind !== 'dynamic') || n.plugin === PLUGIN_NONE) return PLUGIN_NONE;
  const pod = n.pods[n.attempt];
  if (!pod) return PLUGIN_NONE;
  const plugin = pluginOf(rc.sim.pods.observed(pod));
  return plugin === n.plugin || plugin === PLUGIN_SUCCESS ? PLUGIN_NONE : plugin;
}

/**
 * The task handler's report of its pod's new phase (a failure's error document read, the task
 * event), then the timeout: propeller's task handler runs before `execute` checks the deadline, and
 * the timeout only replaces the phase it returns. A failed pod is gone: the attempt is not aborted.
 */
function* reportPodThenTimeOut(rc: RoundCtx, n: NodeState, which: number): Gen<boolean> {
  yield* reportPluginPhase(rc, n, podNews(rc, n));
  if (rc.error !== null) return false;
  return (yield timeOut(rc, n, which)) as boolean;
}

/** A new plugin phase and its task event; a failed pod's error document is read first. */
function* reportPluginPhase(rc: RoundCtx, n: NodeState, plugin: number): Gen<void> {
  let d: number;
  if (plugin === PLUGIN_RETRYABLE_FAILURE) {
    d = rc.sim.blob.read(rc, n, F_ERROR, ERROR_DOC_BYTES);
    if (d > 0) yield d;
  }
  d = setPluginAndSend(rc, n, plugin, 0);
  if (d > 0) yield d;
}

/** The handler of `n`'s kind in its phase. */
function kindHandler(rc: RoundCtx, n: NodeState): Gen<boolean> {
  switch (n.kind) {
    case 'dynamic':
      return n.phase === DYNAMIC_RUNNING ? handleDynamic(rc, n) : n.phase === FAILING ? failDynamic(rc, n) : handleTask(rc, n);
    case 'map':
      return handleMap(rc, n);
    case 'subworkflow':
      return handleSubworkflow(rc, n);
    case 'launchplan':
      return handleLaunchPlan(rc, n);
    case 'branch':
      return handleBranch(rc, n);
    case 'gate':
      return handleGate(rc, n);
    case 'end':
      return handleEnd(rc, n);
    default:
      return handleTask(rc, n);
  }
}

/**
 * CanExecute: every upstream succeeded (or was skipped), and none changed in this round (its
 * status is dirty: NotReady until it is persisted). Upstreams whose success is persisted are
 * passed once and for all (a cursor), so a wide fan-in costs O(1) per round.
 */
function upstreamsDone(rc: RoundCtx, n: NodeState): boolean {
  const ups = n.upstream;
  for (let k = n.readyCursor; k < ups.length; k++) {
    const u = ups[k]!;
    if (!isSuccessLike(u.phase) || u.touched === rc.serial) return false;
    n.readyCursor = k + 1;
  }
  return true;
}

/**
 * Whether the scope waits for `n`. Under the FAIL_AFTER policy (`memo` given), what lies only below
 * a failure is visited (and skipped) but nothing waits for it: its result is dropped with the
 * failed node's (handleDownstream).
 */
function waitedFor(n: NodeState, memo: Map<NodeState, boolean> | null, failures: number): boolean {
  return memo === null || failures === 0 || !belowFailure(n, memo);
}

/**
 * True when every way to `n` goes through a failed (or timed-out) node: it can only be skipped.
 * `memo` holds the answers of this traversal.
 */
function belowFailure(n: NodeState, memo: Map<NodeState, boolean>): boolean {
  const known = memo.get(n);
  if (known !== undefined) return known;
  let below = n.upstream.length > 0;
  for (const u of n.upstream) {
    if (u.phase === FAILED || u.phase === TIMED_OUT) continue;
    if (!belowFailure(u, memo)) {
      below = false;
      break;
    }
  }
  memo.set(n, below);
  return below;
}

/**
 * CanExecute's skip: every upstream's phase is final (and not just changed in this round) and one
 * of them failed, timed out or was skipped. Only the FAIL_AFTER_EXECUTABLE_NODES_COMPLETE policy
 * gets here: otherwise the workflow fails before such a node is visited.
 */
function upstreamSkips(rc: RoundCtx, n: NodeState): boolean {
  let skip = false;
  for (const u of n.upstream) {
    if (u.touched === rc.serial) return false;
    const p = u.phase;
    if (p === FAILED || p === SKIPPED || p === TIMED_OUT) skip = true;
    else if (!isSuccessLike(p)) return false;
  }
  return skip;
}

/**
 * `handleFailureNode`: the workflow's failure node handled alone. Returns true when the workflow
 * now fails: the node failed, or it is done (its success persisted), or its handling answered
 * Pending (a retry set up, a cache hit straight from NotYetStarted), which handleFailureNode
 * takes as the end too. Queued, Running or just succeeded: false (the workflow is re-enqueued).
 */
export function* failureNodeEnds(rc: RoundCtx, n: NodeState): Gen<boolean> {
  if (isTerminalNode(n.phase)) return true;
  const before = n.phase;
  if (!needsWork(rc, n)) return false;
  yield handleNode(rc, n);
  if (rc.error !== null) return false;
  return before === RETRYABLE_FAILURE || n.phase === FAILED || n.phase === TIMED_OUT || (before === NYS && n.phase === SUCCEEDED);
}

/** Handles one node; returns true when it just reached Succeeded/Skipped (partial completion). */
function* handleNode(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const r = handleSync(rc, n);
  if (r !== SYNC_NEEDS_HANDLER) return r === SYNC_SUCCEEDED;
  return ((yield handlerOf(rc, n)) as boolean);
}

/** A task attempt whose pod still runs (its plugin phase is not final): a timeout ended it. */
function attemptRuns(n: NodeState): boolean {
  return (n.kind === 'task' || n.kind === 'dynamic') && n.plugin !== PLUGIN_NONE && !isTerminalPlugin(n.plugin) && n.pods[n.attempt] !== undefined;
}

/**
 * A deadline passed (`execute`): the timeout replaces what the handler would report.
 * - Active: TimingOut (the next round aborts the handler's work, then TimedOut), or TimedOut at
 *   once for handlers without a finalize (subworkflow, launch plan, branch, gate); a node event
 *   TIMED_OUT either way; no retry.
 * - Execution: a retryable user error (`TimeoutExpired`): RetryableFailure without an event while
 *   attempts are left (the next round aborts the attempt and starts the next one), else Failing
 *   with a FAILED event (a gate, which has no finalize and no retries: Failed).
 * The transition's `detail` is the message propeller stores with the status (and logs).
 */
function* timeOut(rc: RoundCtx, n: NodeState, which: number): Gen<boolean> {
  let d: number;
  const finalize = n.kind === 'task' || n.kind === 'dynamic' || n.kind === 'map';
  if (which === ACTIVE_DEADLINE) {
    // the Timeline keeps a deadline that passed, as a log shows it (a replay applies it again)
    n.record.activeDeadline = n.activeDeadlineNs;
    rc.transition(n, finalize ? TIMING_OUT : TIMED_OUT);
    rc.lastOp()!.detail = `task active timeout [${goDuration(n.activeDeadlineNs)}] expired`;
    d = rc.sim.sink.node(rc, n, NEV_TIMED_OUT);
    if (d > 0) yield d;
    return false;
  }
  const message = `task execution timeout [${goDuration(n.executionDeadlineNs)}] expired`;
  n.record.executionDeadline = n.executionDeadlineNs;
  // isEligibleForRetry: the retry strategy's attempts, else propeller's default of one. A retry
  // re-runs a task attempt; other nodes (and a dynamic node past its parent task) are not retried
  // here: they fail (a scenario node without `retries` has one attempt here too).
  const max = n.def.maxAttempts ?? 1;
  const retryable = n.kind === 'task' || (n.kind === 'dynamic' && (n.phase !== DYNAMIC_RUNNING || subDagRetries(n)));
  if (!retryable || n.attempt + 1 >= max) {
    rc.transition(n, finalize ? FAILING : FAILED);
    rc.lastOp()!.detail = message;
    d = rc.sim.sink.node(rc, n, NEV_FAILED);
    if (d > 0) yield d;
    return false;
  }
  rc.transition(n, RETRYABLE_FAILURE);
  rc.lastOp()!.detail = message;
  n.retryMessage = message;
  return false;
}

/**
 * The handler's abort and finalize (the pod deleted, a task event ABORTED), then `phase`, with no
 * event: `node timing out` (TimedOut), and `node failing` of a task whose last attempt a timeout
 * ended (Failed).
 */
function* abortThen(rc: RoundCtx, n: NodeState, phase: number): Gen<boolean> {
  yield abortHandler(rc, n);
  if (rc.error !== null) return false;
  rc.transition(n, phase);
  return false;
}

/**
 * `handleRetryableFailure`: abort the failed attempt (an attempt its execution deadline ended: pod
 * deleted, task ABORTED; a dynamic node's sub-DAG: aborted again), then the next attempt, from a
 * clean status (a dynamic node's parent task runs again, its sub-DAG's statuses leave the CR).
 */
function* retryAfterAbort(rc: RoundCtx, n: NodeState): Gen<boolean> {
  yield abortHandler(rc, n);
  if (rc.error !== null) return false;
  if (n.kind === 'dynamic') {
    if (n.aux !== 0) rc.setAux(n, 0);
    // `ClearSubNodeStatus`: the sub-DAG's statuses leave the CR (it stops being traversed at commit)
    if (n.inner !== null && n.inner.active) rc.collapse(n.inner.nodes);
  }
  rc.setAttempt(n, n.attempt + 1);
  rc.setPlugin(n, PLUGIN_NONE, 0);
  rc.transition(n, RUNNING);
  if (n.retryMessage !== null) rc.lastOp()!.detail = n.retryMessage;
  return false;
}

/** NotYetStarted: `preExecute` (resolve inputs, write inputs.pb), cache lookup, → Queued. */
function* handleNotYetStarted(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  let d: number;
  if (n.kind === 'start') {
    // The start node skips preExecute; its outputs.pb was written when the DAG started.
    d = transitionAndSend(rc, n, SUCCEEDED, NEV_SUCCEEDED);
    if (d > 0) yield d;
    return true;
  }
  if (rc.exec.failAfterAll && upstreamSkips(rc, n)) {
    // `Node Skipped as parent node was skipped`: before any input is read.
    d = transitionAndSend(rc, n, SKIPPED, NEV_SKIPPED);
    if (d > 0) yield d;
    return true;
  }
  for (const u of n.upstream) {
    d = sim.blob.read(rc, u, F_OUTPUTS, outBytes(u));
    if (d > 0) yield d;
  }
  d = sim.blob.write(rc, n, F_INPUTS, inBytes(n));
  if (d > 0) yield d;
  const cache = n.def.cache;
  // a dynamic node's task handler is cacheable too: a hit skips the parent task and its sub-DAG
  // OverwriteCache: `execution config forced cache skip, not checking catalog` (no lookup)
  if (cache && !cache.overwrite && (n.kind === 'task' || n.kind === 'dynamic')) {
    d = sim.blob.read(rc, n, F_INPUTS, inBytes(n));
    if (d > 0) yield d;
    d = sim.catalog.get(rc, n, cache.hit);
    if (d > 0) yield d;
    rc.cacheResult(n, cache.hit);
    if (cache.hit) {
      d = sim.blob.write(rc, n, F_OUTPUTS, outBytes(n));
      if (d > 0) yield d;
      // Fast cache: NotYetStarted → Succeeded in one round, one SUCCEEDED event.
      d = transitionAndSend(rc, n, SUCCEEDED, NEV_SUCCEEDED);
      if (d > 0) yield d;
      return true;
    }
  }
  d = transitionAndSend(rc, n, QUEUED, NEV_QUEUED);
  if (d > 0) yield d;
  if (n.countsForParallelism) rc.par++;
  return false;
}

/** Container task (k8s pod plugin): create the pod, follow its phases, validate outputs. */
function* handleTask(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  let d: number;
  if (n.plugin === PLUGIN_NONE) {
    d = sim.pods.create(rc, n);
    if (d > 0) yield d;
    d = setPluginAndSend(rc, n, PLUGIN_QUEUED, 0);
    if (d > 0) yield d;
    if (rc.error !== null) return false;
    if (n.phase === QUEUED) {
      d = transitionAndSend(rc, n, RUNNING, NEV_RUNNING);
      if (d > 0) yield d;
    }
    rc.par++;
    return false;
  }
  const pod = n.pods[n.attempt];
  const plugin = pod ? pluginOf(sim.pods.observed(pod)) : n.plugin;
  if (plugin === n.plugin) {
    rc.par++;
    return false;
  }
  if (plugin === PLUGIN_INITIALIZING || plugin === PLUGIN_RUNNING || plugin === PLUGIN_QUEUED) {
    d = setPluginAndSend(rc, n, plugin, 0);
    if (d > 0) yield d;
    rc.par++;
    return false;
  }
  if (plugin === PLUGIN_RETRYABLE_FAILURE) {
    yield* reportPluginPhase(rc, n, plugin);
    if (rc.error !== null) return false;
    const max = n.def.maxAttempts;
    // A terminal plugin phase: the task no longer counts towards the round's parallelism.
    if (max !== undefined && n.attempt + 1 >= max) {
      // isEligibleForRetry: attempts exhausted, `RetriesExhausted`: Failing, with a FAILED event.
      d = transitionAndSend(rc, n, FAILING, NEV_FAILED);
      if (d > 0) yield d;
      return false;
    }
    // No node event for RetryableFailure (the node is still running from admin's view).
    rc.transition(n, RETRYABLE_FAILURE);
    return false;
  }
  // PhaseSuccess: dynamic check (futures.pb), then ValidateOutput.
  d = sim.blob.head(rc, n, F_FUTURES, 0);
  if (d > 0) yield d;
  if (n.kind === 'dynamic') {
    // `Futures file exists, this is a dynamic parent-Handler will not run onTaskSuccess`.
    d = setPluginAndSend(rc, n, PLUGIN_SUCCESS, 0);
    if (d > 0) yield d;
    if (rc.error !== null) return false;
    rc.setAux(n, DYN_PARENT_FINALIZING);
    d = transitionAndSend(rc, n, DYNAMIC_RUNNING, NEV_DYNAMIC_RUNNING);
    if (d > 0) yield d;
    return false;
  }
  d = sim.blob.head(rc, n, F_ERROR, 0);
  if (d > 0) yield d;
  d = sim.blob.head(rc, n, F_OUTPUTS, outBytes(n));
  if (d > 0) yield d;
  d = setPluginAndSend(rc, n, PLUGIN_SUCCESS, 0);
  if (d > 0) yield d;
  if (rc.error !== null) return false;
  if (n.def.cache && !n.def.cache.hit) yield* writeCatalogSteps(rc, n);
  d = transitionAndSend(rc, n, SUCCEEDING, NEV_SUCCEEDED);
  if (d > 0) yield d;
  return false;
}

/** Dynamic node after its parent task succeeded: finalize parent, compile, then run the sub-DAG. */
function* handleDynamic(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  let inner = n.inner;
  const futures = n.def.dynamic?.specBytes ?? DEFAULT_LITERAL_BYTES;
  let d: number;
  if (n.aux === INNER_FAILING || n.aux === INNER_FAILING_RETRYABLE) return (yield failAfterInner(rc, n)) as boolean;
  if (n.aux === DYN_PARENT_FINALIZING) {
    // finalize the parent task (a round whose deadline passed gets here: the timeout follows)
    rc.setAux(n, DYN_PARENT_FINALIZED);
    return false;
  }
  if (n.aux === DYN_PARENT_FINALIZED) {
    d = sim.blob.read(rc, n, F_FUTURES, futures);
    if (d > 0) yield d;
    // build_dynamic_workflow: compile the DynamicJobSpec.
    d = sim.lat.dynamicCompile(rc.exec.rngCpu);
    if (d > 0) yield d;
    d = sim.blob.write(rc, n, F_FUTURES_COMPILED, futures);
    if (d > 0) yield d;
    d = sim.blob.write(rc, n, F_DYNAMIC_COMPILED, futures);
    if (d > 0) yield d;
    rc.setAux(n, DYN_EXECUTING);
    if (inner) {
      // a retry runs a new sub-DAG (new node executions, pods of their own)
      if (inner.run !== n.attempt) n.inner = inner = rc.exec.newRun(n, n.attempt);
      activate(rc.exec, inner);
    }
    return false;
  }
  // Executing: every round reloads the compiled sub-workflow from the blobstore, then traverses it.
  d = sim.blob.head(rc, n, F_FUTURES_COMPILED, futures);
  if (d > 0) yield d;
  d = sim.blob.head(rc, n, F_DYNAMIC_COMPILED, futures);
  if (d > 0) yield d;
  const d1 = sim.blob.read(rc, n, F_FUTURES_COMPILED, futures);
  const d2 = sim.blob.read(rc, n, F_DYNAMIC_COMPILED, futures);
  d = d1 > d2 ? d1 : d2;
  if (d > 0) yield d;
  d = sim.blob.read(rc, n, F_FUTURES, futures);
  if (d > 0) yield d;
  if (!inner) return false;
  return (yield afterInner(rc, n, inner, SUCCEEDING)) as boolean;
}

/** Inline subworkflow: start/end capstones, a nested DAG in the same CR. */
function* handleSubworkflow(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  const inner = n.inner;
  let d: number;
  if (!inner) return false;
  if (n.phase === QUEUED) {
    d = sim.blob.read(rc, n, F_INPUTS, inBytes(n));
    if (d > 0) yield d;
    d = sim.blob.write(rc, inner.start, F_OUTPUTS, inBytes(n));
    if (d > 0) yield d;
    activate(rc.exec, inner);
    const r = (yield visitScope(rc, inner)) as number;
    if (rc.error !== null) return false;
    d = transitionAndSend(rc, n, RUNNING, NEV_RUNNING);
    if (d > 0) yield d;
    if (r === SCOPE_PARTIAL) sim.enqueueSub(rc.exec, 'partial');
    return false;
  }
  if (n.aux === INNER_FAILING) return (yield failAfterInner(rc, n)) as boolean;
  // FinalizeRequired is false: straight to Succeeded.
  return (yield afterInner(rc, n, inner, SUCCEEDED)) as boolean;
}

/**
 * `HandleFailingSubWorkflow`: the round after its DAG failed, abort what still runs in it (ABORTED
 * events, pods deleted), then the node fails: a subworkflow at once (no finalize), a dynamic node
 * through Failing (its task needs finalizing: Failed the next round).
 */
function* failAfterInner(rc: RoundCtx, n: NodeState): Gen<boolean> {
  yield abortScope(rc, n.inner!);
  if (rc.error !== null) return false;
  if (n.aux === INNER_FAILING_RETRYABLE) {
    // a retryable failure is not final: `execute` checks the deadlines before the retry budget, and
    // one that passed replaces it (an active deadline times the node out, on its last attempt too)
    const expired = n.hasDeadline ? expiredDeadline(rc, n) : NO_DEADLINE;
    if (expired !== NO_DEADLINE) return (yield timeOut(rc, n, expired)) as boolean;
    if (n.attempt + 1 < (n.def.maxAttempts ?? 1) && subDagRetries(n)) {
      // isEligibleForRetry: RetryableFailure, no event; the next round aborts again and starts the next attempt
      rc.transition(n, RETRYABLE_FAILURE);
      rc.lastOp()!.detail = n.retryMessage = 'Dynamic workflow failed';
      return false;
    }
  }
  const d = transitionAndSend(rc, n, n.kind === 'dynamic' ? FAILING : FAILED, NEV_FAILED);
  if (d > 0) yield d;
  return false;
}

/**
 * `node failing` of a dynamic node whose sub-DAG failed: its handler's Abort runs over the sub-DAG
 * again (the dynamic state still says Failing), and the nodes the first abort reached still show
 * running (an abort leaves their phase): their pods are gone already, their events answer
 * AlreadyExists. Then Failed, with no event (FAILED went out on entering Failing).
 */
function* failDynamic(rc: RoundCtx, n: NodeState): Gen<boolean> {
  yield abortScope(rc, n.inner!);
  if (rc.error !== null) return false;
  rc.transition(n, FAILED);
  return false;
}

/**
 * A round of a running nested DAG (dynamic sub-workflow, inline subworkflow): traverse it; when
 * it completed, copy its outputs up and move `n` to `done` (Succeeding, or Succeeded when no
 * finalize is required); when it failed, fail `n`; after a partial completion, re-enqueue.
 * Returns true when `n` just reached Succeeded.
 */
function* afterInner(rc: RoundCtx, n: NodeState, inner: Scope, done: number): Gen<boolean> {
  const sim = rc.sim;
  let d: number;
  const r = (yield visitScope(rc, inner)) as number;
  if (rc.error !== null) return false;
  if (r === SCOPE_COMPLETE) {
    d = sim.blob.head(rc, inner.end, F_OUTPUTS, outBytes(n));
    if (d > 0) yield d;
    d = sim.blob.copy(rc, n, F_OUTPUTS, outBytes(n));
    if (d > 0) yield d;
    if (n.kind === 'dynamic' && n.def.cache && !n.def.cache.hit) {
      // the node executor writes a cacheable node's outputs to the catalog when its handler succeeds
      yield* writeCatalogSteps(rc, n);
    }
    d = transitionAndSend(rc, n, done, NEV_SUCCEEDED);
    if (d > 0) yield d;
    return done === SUCCEEDED;
  }
  if (r === SCOPE_FAILED) {
    // The node stays running this round (its workflow-node state says Failing). A dynamic node's
    // failure is permanent when a node of its sub-DAG failed, retryable when one only timed out.
    rc.setAux(n, n.kind === 'dynamic' && !failedForGood(inner) ? INNER_FAILING_RETRYABLE : INNER_FAILING);
    return false;
  }
  if (r === SCOPE_PARTIAL) sim.enqueueSub(rc.exec, 'partial');
  return false;
}

/**
 * `IsFailurePermanent` of a failed sub-DAG (`state.HasFailed()`): the traversal's state is that of the
 * last failed or timed-out node it met (in visiting order); a node that failed is for good, one that
 * timed out is not.
 */
function failedForGood(scope: Scope): boolean {
  let last: NodeState | null = null;
  for (const x of scope.nodes) if ((x.phase === FAILED || x.phase === TIMED_OUT) && (last === null || x.order > last.order)) last = x;
  return last === null || last.phase === FAILED;
}

/** Launch plan: CreateExecution of a separate execution, then wait for the admin launcher's poll. */
function* handleLaunchPlan(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  let d: number;
  if (n.phase === QUEUED) {
    d = sim.blob.read(rc, n, F_INPUTS, inBytes(n));
    if (d > 0) yield d;
    d = sim.launcher.launch(rc, n);
    if (d > 0) yield d;
    d = transitionAndSend(rc, n, RUNNING, NEV_RUNNING);
    if (d > 0) yield d;
    rc.par++;
    return false;
  }
  const child = n.child;
  if (!n.childReported || !child) {
    rc.par++;
    return false;
  }
  if (child.wfPhase === WF_FAILED) {
    d = transitionAndSend(rc, n, FAILED, NEV_FAILED);
    if (d > 0) yield d;
    return false;
  }
  // Outputs: GetExecutionData / read of the child's outputs, then this node's outputs.pb.
  d = sim.blob.read(rc, n, F_OUTPUTS, outBytes(n));
  if (d > 0) yield d;
  d = sim.blob.write(rc, n, F_OUTPUTS, outBytes(n));
  if (d > 0) yield d;
  d = transitionAndSend(rc, n, SUCCEEDED, NEV_SUCCEEDED);
  if (d > 0) yield d;
  return true;
}

/**
 * Branch: decide in the Queued round (other cases Skipped), then drive the taken case node. A
 * branch whose conditions match no case skips them all and fails (`elseFail`).
 */
function* handleBranch(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  const taken = n.taken;
  let d: number;
  if (!taken) {
    if (n.def.branch?.fails === undefined || n.phase !== QUEUED) return false;
    d = sim.blob.read(rc, n, F_INPUTS, inBytes(n));
    if (d > 0) yield d;
    // DecideBranch skips the cases once every condition is evaluated; a comparison it refuses fails first.
    if (!n.def.branch.malformed) for (const c of n.cases ?? []) if (c.phase === NYS) rc.transition(c, SKIPPED);
    d = transitionAndSend(rc, n, FAILED, NEV_FAILED);
    if (d > 0) yield d;
    return false;
  }
  if (n.phase === QUEUED) {
    d = sim.blob.read(rc, n, F_INPUTS, inBytes(n));
    if (d > 0) yield d;
    for (const c of n.cases ?? []) if (c !== taken && c.phase === NYS) rc.transition(c, SKIPPED);
    rc.setAux(n, 1);
    if (needsWork(rc, taken)) yield handleNode(rc, taken);
    if (rc.error !== null) return false;
    d = transitionAndSend(rc, n, RUNNING, NEV_RUNNING);
    if (d > 0) yield d;
    return false;
  }
  if (isSuccessLike(taken.phase)) {
    d = transitionAndSend(rc, n, SUCCEEDED, NEV_SUCCEEDED);
    if (d > 0) yield d;
    return true;
  }
  if (taken.phase === FAILED) {
    d = transitionAndSend(rc, n, FAILED, NEV_FAILED);
    if (d > 0) yield d;
    return false;
  }
  if (needsWork(rc, taken)) yield handleNode(rc, taken);
  return false;
}

/** Gate (sleep or signal): opens after its duration; only a round can notice it (resync). */
function* handleGate(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  let d: number;
  if (n.phase === QUEUED) {
    let wait = 0;
    const g = n.def.gate;
    if (g) {
      let s = gateSamplers.get(g);
      if (!s) {
        s = nsSampler(g);
        gateSamplers.set(g, s);
      }
      wait = s(n.rngRuntime());
    }
    rc.setDeadline(n, rc.now + wait);
    d = transitionAndSend(rc, n, RUNNING, NEV_RUNNING);
    if (d > 0) yield d;
    return false;
  }
  if (rc.now < n.deadline) return false;
  d = transitionAndSend(rc, n, SUCCEEDED, NEV_SUCCEEDED);
  if (d > 0) yield d;
  return true;
}

/** End node: read its inputs, write the workflow outputs (the sink drops the end node's event errors). */
function* handleEnd(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  let d = sim.blob.read(rc, n, F_INPUTS, inBytes(n));
  if (d > 0) yield d;
  d = sim.blob.write(rc, n, F_OUTPUTS, outBytes(n));
  if (d > 0) yield d;
  d = transitionAndSend(rc, n, SUCCEEDED, NEV_SUCCEEDED);
  if (d > 0) yield d;
  return true;
}

/**
 * ArrayNode (map task). Queued → Running reads the input collection; each Executing round evaluates
 * up to `parallelism` non-terminal subnodes on `node-execution-worker-count` goroutines (each subnode a
 * small task state machine with its own pod), then sends one aggregated task event if any subtask
 * recorded one (its plugin phase changed). A subtask out of attempts goes Failing, then Failed a round later. Once the
 * subtasks left cannot reach the success criteria (`min_successes`, `min_success_ratio`; all by
 * default) the array goes Failing: the next round aborts the subtasks still running and the node
 * fails (Failing, FAILED event; Failed after a second abort). Once enough succeeded and none runs:
 * gather the outputs of those that succeeded, write one collection, Succeeding → Succeeded.
 */
function* handleMap(rc: RoundCtx, n: NodeState): Gen<boolean> {
  const sim = rc.sim;
  const subs = n.subnodes ?? [];
  let d: number;
  if (n.phase === QUEUED) {
    d = sim.blob.read(rc, n, F_INPUTS, inBytes(n));
    if (d > 0) yield d;
    const invalid = n.def.map?.invalid;
    if (invalid !== undefined) {
      // ArrayNodePhaseNone validates the input lists first: a user error, Failing with a FAILED event
      rc.transition(n, FAILING);
      rc.lastOp()!.detail = invalid;
      d = sim.sink.node(rc, n, NEV_FAILED);
      if (d > 0) yield d;
      return false;
    }
    rc.setAux(n, MAP_EXECUTING);
    if (!rc.exec.activeMaps.includes(n)) rc.exec.activeMaps.push(n);
    d = setPluginAndSend(rc, n, PLUGIN_QUEUED, 0);
    if (d > 0) yield d;
    if (rc.error !== null) return false;
    d = transitionAndSend(rc, n, RUNNING, NEV_RUNNING);
    if (d > 0) yield d;
    rc.par++;
    return false;
  }
  if (n.phase === FAILING) {
    // `node failing`: the array's Abort again (the subtasks' status still shows them running; its
    // event finds itself sent), then Failed. (An array that never started has no subtask to abort;
    // its Abort still reports the array's own task event.)
    yield abortArray(rc, n);
    if (rc.error !== null) return false;
    rc.transition(n, FAILED);
    return false;
  }
  if (n.aux === MAP_FAILING) {
    // ArrayNodePhaseFailing: abort the subtasks still running, then fail the node (its error is the
    // subtasks' failures): Failing, with the FAILED event.
    yield abortArray(rc, n);
    if (rc.error !== null) return false;
    d = transitionAndSend(rc, n, FAILING, NEV_FAILED);
    if (d > 0) yield d;
    return false;
  }
  const lanes = lanesFor(rc);
  const start = rc.now;
  if (n.aux === MAP_SUCCEEDING) {
    // Gather the outputs.pb of every subnode that succeeded in parallel (the others' are nil),
    // write one collection.
    lanes.fill(start);
    const each = subBytes(n.def.outputBytes, subs.length);
    for (const s of subs) {
      if (s.phase !== SUCCEEDED) continue;
      const k = minLane(lanes);
      lanes[k] = lanes[k]! + sim.blob.read(rc, s, F_OUTPUTS, each, lanes[k]!);
    }
    d = maxLane(lanes) - start;
    if (d > 0) yield d;
    d = sim.blob.write(rc, n, F_OUTPUTS, outBytes(n));
    if (d > 0) yield d;
    d = setPluginAndSend(rc, n, PLUGIN_SUCCESS, n.pluginVer + 1);
    if (d > 0) yield d;
    if (rc.error !== null) return false;
    d = transitionAndSend(rc, n, SUCCEEDING, NEV_SUCCEEDED);
    if (d > 0) yield d;
    return false;
  }
  const m = n.def.map;
  // the setting governs ArrayNodes; a legacy map task (k8s-array plugin) takes its own parallelism, 0 unlimited
  const behavior = n.def.taskType === 'container_array' ? 'unlimited' : (rc.sim.model.propeller.arrayParallelismBehavior ?? 'unlimited');
  const par = arrayParallelism(m, behavior, rc.exec.maxParallelism);
  lanes.fill(start);
  let changed = false;
  const pods = sim.pods;
  // Subnode phase changes of this round (the counters on `n` are as of the last commit).
  let ended = 0;
  let failedNow = 0;
  let failingNow = 0;
  // A subnode needs evaluating unless it is quiet: running, with its pod showing the phase it last
  // recorded. A quiet subnode's evaluation takes no time and changes nothing (see evalSubnode).
  const launches = n.def.launchplan !== undefined;
  const quiet = (s: NodeState): boolean => {
    // a launch-plan subnode waits for the admin launcher to report its child
    if (launches && s.phase === RUNNING) return !s.childReported;
    if (s.phase !== RUNNING || s.plugin === PLUGIN_NONE) return false;
    const pod = s.pods[s.attempt];
    return !pod || pluginOf(pods.observed(pod)) === s.plugin;
  };
  const evaluate = (s: NodeState): void => {
    const k = minLane(lanes);
    const from = s.phase;
    const plugin = s.plugin;
    const dur = evalSubnode(rc, s, lanes[k]!);
    lanes[k] = lanes[k]! + dur;
    // the array reports only what its subtasks' task handlers recorded (a new plugin phase), not
    // their node-phase moves (event_recorder.go: externalResources come from task events)
    if (s.plugin !== plugin && s.plugin !== PLUGIN_NONE) changed = true;
    const to = s.phase;
    if (to === from) return;
    // a cache hit sends no task event: the array reports the subtask SUCCEEDED (CACHE_HIT) itself
    // (event_recorder.go, "fastcache will not emit task events for cache hits")
    if (from === NYS && to === SUCCEEDED) changed = true;
    if (isTerminalNode(to)) ended++;
    if (to === FAILED) failedNow++;
    if (to === FAILING) failingNow++;
    if (from === FAILING) failingNow--;
  };
  const wake = n.wake;
  if (par === Infinity && wake) {
    // Every subnode is evaluated: only the awake ones can have work (SubnodeWake).
    for (const i of wake.take()) {
      const s = subs[i]!;
      if (isTerminalNode(s.phase) || quiet(s)) {
        wake.drop(i);
        continue;
      }
      evaluate(s);
      if (isTerminalNode(s.phase) || quiet(s)) wake.drop(i);
      else wake.keep(i);
    }
  } else {
    // Every unfinished subnode takes a slot (RetryableFailure and Failing ones too).
    let evaluated = 0;
    for (let i = 0; i < subs.length && evaluated < par; i++) {
      const s = subs[i]!;
      if (isTerminalNode(s.phase)) continue;
      evaluated++;
      if (!quiet(s)) evaluate(s);
    }
  }
  d = maxLane(lanes) - start;
  if (d > 0) yield d;
  if (changed) {
    d = setPluginAndSend(rc, n, PLUGIN_RUNNING, n.pluginVer + 1);
    if (d > 0) yield d;
    if (rc.error !== null) return false;
  }
  // The array's verdict over all its subnodes (openSubnodes and the others: as of the last commit).
  const size = subs.length;
  const failed = n.failedSubnodes + failedNow;
  const open = n.openSubnodes - ended;
  const running = open - (n.failingSubnodes + failingNow);
  const need = minSuccesses(n.def.map, size);
  if (size - failed < need) rc.setAux(n, MAP_FAILING);
  else if (size - open - failed >= need && running === 0) rc.setAux(n, MAP_SUCCEEDING);
  // only an array still executing holds a slot for the rest of the round
  else rc.par++;
  return false;
}

/** WriteCatalogCache for a cacheable node that ran, on the worker: each call waited for in turn. */
function* writeCatalogSteps(rc: RoundCtx, n: NodeState): Gen<void> {
  let d = rc.sim.blob.read(rc, n, F_INPUTS, inBytes(n));
  if (d > 0) yield d;
  d = rc.sim.blob.read(rc, n, F_OUTPUTS, outBytes(n));
  if (d > 0) yield d;
  d = rc.sim.catalog.put(rc, n);
  if (d > 0) yield d;
}

/**
 * WriteCatalogCache for an ArrayNode subtask that ran, from `at` on its goroutine's clock: read its
 * outputs (its inputs are in memory), then the catalog write (CreateDataset, CreateArtifact,
 * AddTag). Returns the time it takes.
 */
function writeCatalog(rc: RoundCtx, n: NodeState, outputBytes: number, at: number): number {
  let t = at;
  t += rc.sim.blob.read(rc, n, F_OUTPUTS, outputBytes, t);
  t += rc.sim.catalog.put(rc, n, t);
  return t - at;
}

/**
 * How many subnodes an Executing round evaluates (`inferParallelism`): the ArrayNode's own
 * parallelism when positive, else by the configured behaviour either all of them or the workflow's
 * max parallelism (its whole budget: an approximation of propeller's "remaining" parallelism, which
 * also counts the other running nodes; a workflow without a limit has none to share).
 */
function arrayParallelism(m: WorkflowNode['map'], behavior: 'unlimited' | 'hybrid' | 'workflow', workflowMax: number): number {
  if (m && m.parallelism > 0) return m.parallelism;
  const shareWorkflow = behavior === 'workflow' || (behavior === 'hybrid' && m?.workflowParallelism === true);
  return shareWorkflow && workflowMax > 0 ? workflowMax : Infinity;
}

/**
 * Subtasks that must succeed: `min_successes` (more than N fails the array at once, as in
 * propeller), else ⌈min_success_ratio·N⌉ with the ratio a float32 as the CR stores it (0.8 of 10
 * is 9), else all N.
 */
function minSuccesses(m: WorkflowNode['map'], size: number): number {
  if (m?.minSuccesses !== undefined) return m.minSuccesses;
  if (m?.minSuccessRatio !== undefined) return Math.ceil(Math.fround(m.minSuccessRatio) * size);
  return size;
}

/** One subnode of an ArrayNode, on a node-executor goroutine starting at `at`; returns its busy time. */
function evalSubnode(rc: RoundCtx, s: NodeState, at: number): number {
  const sim = rc.sim;
  const owner = s.owner!;
  let t = at;
  switch (s.phase) {
    case NYS: {
      const inBytes = subBytes(owner.def.inputBytes, owner.subnodes!.length);
      t += sim.blob.write(rc, s, F_INPUTS, inBytes, t);
      // A cacheable map task's subtasks each look themselves up, as a task node does (the
      // subtask is a task node on the node executor). A hit writes its outputs and succeeds at once.
      // (a subnode's inputs are handed to it in memory, array/node_execution_context.go: no read;
      // a launch-plan subnode is not cacheable)
      const cache = owner.def.launchplan === undefined ? owner.def.cache : undefined;
      if (cache && !cache.overwrite) {
        t += sim.catalog.get(rc, s, cache.hit, t);
        rc.cacheResult(s, cache.hit);
        if (cache.hit) {
          t += sim.blob.write(rc, s, F_OUTPUTS, subBytes(owner.def.outputBytes, owner.subnodes!.length), t);
          rc.transition(s, SUCCEEDED, t);
          return t - at;
        }
      }
      rc.transition(s, QUEUED, t);
      return t - at;
    }
    case QUEUED:
      if (owner.def.launchplan !== undefined) {
        // the launch-plan handler: CreateExecution of the subnode's child execution
        t += sim.launcher.launch(rc, s, t);
        rc.transition(s, RUNNING, t);
        return t - at;
      }
      t += sim.pods.create(rc, s, t);
      subtaskPlugin(rc, s, PLUGIN_QUEUED, t);
      rc.transition(s, RUNNING, t);
      return t - at;
    case SUCCEEDING:
      rc.transition(s, SUCCEEDED, t);
      return 0;
    case FAILING:
      // `node failing`: its plugin phase is final, so the abort makes no call
      rc.transition(s, FAILED, t);
      return 0;
    case RETRYABLE_FAILURE:
      rc.setAttempt(s, s.attempt + 1);
      rc.setPlugin(s, PLUGIN_NONE, 0);
      rc.transition(s, RUNNING, t);
      return 0;
    case RUNNING: {
      if (owner.def.launchplan !== undefined) {
        const child = s.child;
        if (!s.childReported || child === null) return 0;
        if (child.wfPhase === WF_FAILED) {
          rc.transition(s, FAILING, t);
          return 0;
        }
        // the child's outputs, then the subnode's own
        const outBytes = subBytes(owner.def.outputBytes, owner.subnodes!.length);
        t += sim.blob.read(rc, s, F_OUTPUTS, outBytes, t);
        t += sim.blob.write(rc, s, F_OUTPUTS, outBytes, t);
        rc.transition(s, SUCCEEDED, t);
        return t - at;
      }
      if (s.plugin === PLUGIN_NONE) {
        t += sim.pods.create(rc, s, t);
        subtaskPlugin(rc, s, PLUGIN_QUEUED, t);
        return t - at;
      }
      const pod = s.pods[s.attempt];
      const plugin = pod ? pluginOf(sim.pods.observed(pod)) : s.plugin;
      if (plugin === s.plugin) return 0;
      if (plugin === PLUGIN_SUCCESS) {
        const outBytes = subBytes(owner.def.outputBytes, owner.subnodes!.length);
        t += sim.blob.head(rc, s, F_FUTURES, 0, t);
        t += sim.blob.head(rc, s, F_ERROR, 0, t);
        t += sim.blob.head(rc, s, F_OUTPUTS, outBytes, t);
        subtaskPlugin(rc, s, plugin, t);
        if (owner.def.cache && !owner.def.cache.hit) t += writeCatalog(rc, s, outBytes, t);
        rc.transition(s, SUCCEEDING, t);
        return t - at;
      }
      if (plugin === PLUGIN_RETRYABLE_FAILURE) {
        t += sim.blob.read(rc, s, F_ERROR, ERROR_DOC_BYTES, t);
        subtaskPlugin(rc, s, plugin, t);
        // isEligibleForRetry on the subtask's own budget: out of attempts, it fails
        const max = owner.def.maxAttempts;
        rc.transition(s, max !== undefined && s.attempt + 1 >= max ? FAILING : RETRYABLE_FAILURE, t);
        return t - at;
      }
      subtaskPlugin(rc, s, plugin, t);
      return 0;
    }
    default:
      return 0;
  }
}

/**
 * A subtask's new plugin phase: its task handler records the event (`Sending transition event for
 * plugin phase`), into the array's buffer; the subtask's Timeline keeps it as its task phase.
 */
function subtaskPlugin(rc: RoundCtx, s: NodeState, plugin: number, at: number): void {
  const phase = PLUGIN_PHASE_NAMES[plugin]!;
  rc.op('bufferedTaskEvent', 0, s.id, undefined, phase, undefined, undefined, undefined, at);
  rc.setPlugin(s, plugin, 0);
  rc.taskPhase(s, phase, at);
}

let laneBuf: number[] = [];
function lanesFor(rc: RoundCtx): number[] {
  const n = Math.max(1, Math.floor(rc.sim.model.propeller.nodeExecutionWorkers));
  if (laneBuf.length !== n) laneBuf = new Array<number>(n).fill(0);
  return laneBuf;
}
function minLane(l: number[]): number {
  let k = 0;
  for (let i = 1; i < l.length; i++) if (l[i]! < l[k]!) k = i;
  return k;
}
function maxLane(l: number[]): number {
  let m = l[0]!;
  for (let i = 1; i < l.length; i++) if (l[i]! > m) m = l[i]!;
  return m;
}

