import * as stamp from '../timeline/stamp.js';
import type { Op, OpKind, Round } from '../timeline/types.js';
import type { ExecState } from './execution.js';
import type { NodeState, Scope } from './node-state.js';
import * as phases from './phases.js';
import type { Sim } from './sim-context.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { FAILED, FAILING, NODE_PHASE_NAMES, QUEUED, RETRYABLE_FAILURE, RUNNING, SUCCEEDED: SUCCEEDED_PHASE, TIMED_OUT, WF_PHASE_NAMES, isTerminalNode } = phases;
const { exactTransition } = stamp;

/**
 * The state of one round (`Propeller.streak()`): the ops it performs, in order, and every status change
 * it makes. Changes are applied to the node states at once (the traversal reads them, as propeller
 * reads its deep copy) with an undo snapshot per node, so a failed round is rolled back exactly; the
 * Timeline only learns of transitions when the round's write succeeds.
 */
export class RoundCtx {
  sim!: Sim;
  exec!: ExecState;
  serial = 0;
  handleIdx = 0;
  roundIdx = 0;
  round!: Round;

  /** Max-parallelism accounting of this traversal. */
  par = 0;
  maxPar = 0;
  private parLimitOp: Op | null = null;
  private parLimited = 0;

  // The round's ops, in order; the round gets an exact-size copy when it ends (`takeOps`). Most
  // rounds hold 2–6 ops and a large run keeps hundreds of thousands of rounds: pushing to an array
  // per round would allocate a 17-slot backing store each time, only to copy it.
  private ops: Op[] = [];
  private opCount = 0;
  /** A round has begun and not yet taken its ops. */
  private open = false;

  /** Why the round failed, or null. */
  error: string | null = null;
  /** Failed steps in this round (a step that fails after the first still counts). */
  failures = 0;
  /** Something in the status changed (a write is due). */
  changed = false;
  /** A node just succeeded (partial completion): enqueue the workflow through the sub-queue. */
  partial = false;

  // The round's undo list and pending changes: parallel arrays, each group with a count. Clearing
  // resets the count, so the arrays keep their storage from round to round (`length = 0` would free
  // it and the next round allocate it again: a dozen arrays per round, ~14 rounds per node).
  private touchedNodes: NodeState[] = [];
  private touchedCount = 0;
  private tNode: NodeState[] = [];
  private tCount = 0;
  private tFrom: number[] = [];
  private tTo: number[] = [];
  private tAt: number[] = [];
  private tpNode: NodeState[] = [];
  private tpFrom: string[] = [];
  private tpTo: string[] = [];
  private tpAt: number[] = [];
  private tpCount = 0;
  private wfFrom: number[] = [];
  private wfTo: number[] = [];
  private wfAt: number[] = [];
  private wfCount = 0;
  private cacheNode: NodeState[] = [];
  private cacheHit: boolean[] = [];
  private cacheCount = 0;

  private sWfPhase = 0;
  private sFailedAttempts = 0;
  private sStatusSum = 0;

  begin(sim: Sim, exec: ExecState, serial: number, handleIdx: number, roundIdx: number, round: Round): void {
    this.sim = sim;
    this.exec = exec;
    this.serial = serial;
    this.handleIdx = handleIdx;
    this.roundIdx = roundIdx;
    this.round = round;
    this.opCount = 0;
    this.open = true;
    this.par = 0;
    this.maxPar = exec.maxParallelism;
    this.parLimitOp = null;
    this.parLimited = 0;
    this.error = null;
    this.failures = 0;
    this.changed = false;
    this.partial = false;
    this.touchedCount = 0;
    this.clearPending();
    this.sWfPhase = exec.wfPhase;
    this.sFailedAttempts = exec.failedAttempts;
    this.sStatusSum = exec.statusSum;
  }

  private clearPending(): void {
    this.tCount = 0;
    this.tpCount = 0;
    this.wfCount = 0;
    this.cacheCount = 0;
  }

  get now(): number {
    return this.sim.engine.now;
  }

  /** Records an op starting now (or at `at`) and lasting `dur` ns. */
  op(
    kind: OpKind,
    dur: number,
    node?: string,
    from?: string,
    to?: string,
    bytes?: number,
    outcome?: string,
    detail?: string,
    at = this.sim.engine.now,
  ): Op {
    const op = makeOp(kind, at, at + dur, node, from, to, bytes, outcome, detail);
    this.ops[this.opCount++] = op;
    return op;
  }

  /** The op recorded last in this round. */
  lastOp(): Op | undefined {
    return this.opCount > 0 ? this.ops[this.opCount - 1] : undefined;
  }

  /** Gives the round its ops (an exact-size array): at its end, or when the run stops mid-round. */
  takeOps(): void {
    if (!this.open) return;
    this.open = false;
    this.round.ops = this.ops.slice(0, this.opCount);
  }

  /** Saves `n`'s status once per round so that a failed round can restore it. */
  touch(n: NodeState): void {
    if (n.touched === this.serial) return;
    n.touched = this.serial;
    n.sPhase = n.phase;
    n.sPlugin = n.plugin;
    n.sPluginVer = n.pluginVer;
    n.sAttempt = n.attempt;
    n.sAux = n.aux;
    n.sDeadline = n.deadline;
    n.sQueuedAt = n.queuedAt;
    n.sAttemptStartedAt = n.attemptStartedAt;
    n.sCrContrib = n.crContrib;
    n.sCollapsed = n.collapsed;
    this.touchedNodes[this.touchedCount++] = n;
  }

  /** One node phase transition (at most one per node per round). */
  transition(n: NodeState, to: number, at = this.sim.engine.now): void {
    if (n.transitioned === this.serial) {
      throw new Error(`internal: node ${n.id} transitioned twice in one round`);
    }
    this.touch(n);
    const from = n.phase;
    n.phase = to;
    n.transitioned = this.serial;
    this.changed = true;
    // The clocks of the node's deadlines (`NodeStatus.UpdatePhase`; a retry clears the attempt's).
    if (to === QUEUED && n.queuedAt < 0) n.queuedAt = at;
    else if (to === RUNNING && n.attemptStartedAt < 0) n.attemptStartedAt = at;
    else if (to === RETRYABLE_FAILURE) n.attemptStartedAt = -1;
    this.op('nodeTransition', 0, n.id, NODE_PHASE_NAMES[from], NODE_PHASE_NAMES[to], undefined, undefined, undefined, at);
    const i = this.tCount++;
    this.tNode[i] = n;
    this.tFrom[i] = from;
    this.tTo[i] = to;
    this.tAt[i] = at;
    const exec = this.exec;
    const c = exec.contribution(n);
    exec.statusSum += c - n.crContrib;
    n.crContrib = c;
    // A finished node's status collapses to phase + stoppedAt: nested statuses go with it.
    if (isTerminalNode(to) && n.inner) this.collapse(n.inner.nodes);
  }

  /** Clears nested node statuses (a finished node's, or a retried dynamic node's sub-DAG): they leave the CR. */
  collapse(nodes: NodeState[]): void {
    for (const d of nodes) {
      if (!d.collapsed) {
        this.touch(d);
        d.collapsed = true;
        this.exec.statusSum -= d.crContrib;
        d.crContrib = 0;
      }
      if (d.inner) this.collapse(d.inner.nodes);
    }
  }

  /** Task status change without a node transition (new plugin phase or version). */
  setPlugin(n: NodeState, plugin: number, version: number): void {
    this.touch(n);
    n.plugin = plugin;
    n.pluginVer = version;
    this.changed = true;
  }

  /** Handler sub-phase change (dynamic, map, branch, launch plan, gate state). */
  setAux(n: NodeState, aux: number): void {
    this.touch(n);
    n.aux = aux;
    this.changed = true;
  }

  setDeadline(n: NodeState, at: number): void {
    this.touch(n);
    n.deadline = at;
    this.changed = true;
  }

  setAttempt(n: NodeState, attempt: number): void {
    this.touch(n);
    n.attempt = attempt;
    this.changed = true;
  }

  /** A task event was sent: remembered for the node's `taskPhases` if the round persists. */
  /** This round already recorded task phase `phase` for `n` (a scan: for the rare repeated event). */
  hasTaskPhase(n: NodeState, phase: string): boolean {
    for (let i = 0; i < this.tpCount; i++) if (this.tpNode[i] === n && this.tpTo[i] === phase) return true;
    return false;
  }

  taskPhase(n: NodeState, phase: string, at = this.sim.engine.now): void {
    const i = this.tpCount++;
    this.tpNode[i] = n;
    this.tpFrom[i] = n.lastTaskEvent;
    this.tpTo[i] = phase;
    this.tpAt[i] = at;
  }

  cacheResult(n: NodeState, hit: boolean): void {
    const i = this.cacheCount++;
    this.cacheNode[i] = n;
    this.cacheHit[i] = hit;
  }

  workflowTransition(to: number): void {
    const exec = this.exec;
    const from = exec.wfPhase;
    exec.wfPhase = to;
    this.changed = true;
    this.op('workflowTransition', 0, undefined, WF_PHASE_NAMES[from], WF_PHASE_NAMES[to]);
    const i = this.wfCount++;
    this.wfFrom[i] = from;
    this.wfTo[i] = to;
    this.wfAt[i] = this.sim.engine.now;
  }

  /** Counts nodes skipped because max parallelism is reached (one op per round says how many). */
  parallelismLimited(n: NodeState, count = 1): void {
    this.parLimited += count;
    if (!this.parLimitOp) {
      this.parLimitOp = this.op('parallelismLimit', 0, n.id, undefined, undefined, undefined, undefined, `${this.par} >= ${this.maxPar}`);
    }
    this.parLimitOp.detail = `${this.par} >= ${this.maxPar}; ${this.parLimited} node(s) short-circuited`;
  }

  fail(message: string): void {
    this.failures++;
    if (this.error === null) this.error = message;
  }

  /** Discards every status change of this round (propeller drops its deep copy). */
  rollback(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const n = this.touchedNodes[i]!;
      n.phase = n.sPhase;
      n.plugin = n.sPlugin;
      n.pluginVer = n.sPluginVer;
      n.attempt = n.sAttempt;
      n.aux = n.sAux;
      n.deadline = n.sDeadline;
      n.queuedAt = n.sQueuedAt;
      n.attemptStartedAt = n.sAttemptStartedAt;
      n.crContrib = n.sCrContrib;
      n.collapsed = n.sCollapsed;
      n.transitioned = -1;
      if (n.kind === 'subnode') n.wakeSubnode();
    }
    this.touchedCount = 0;
    const exec = this.exec;
    exec.wfPhase = this.sWfPhase;
    exec.failedAttempts = this.sFailedAttempts;
    exec.statusSum = this.sStatusSum;
    this.clearPending();
  }

  /** The round's write succeeded: the Timeline learns its transitions; the DAG frontier moves on. */
  commit(): void {
    const exec = this.exec;
    const h = this.handleIdx;
    const r = this.roundIdx;
    for (let i = 0; i < this.tCount; i++) {
      const n = this.tNode[i]!;
      const from = this.tFrom[i]!;
      const to = this.tTo[i]!;
      n.record.transitions.push(exactTransition(NODE_PHASE_NAMES[from]!, NODE_PHASE_NAMES[to]!, this.tAt[i]!, h, r));
      if (isTerminalNode(to) && !isTerminalNode(from)) {
        if (n.kind !== 'subnode') {
          n.scope.markStale(n);
          if (to === FAILED || to === TIMED_OUT) n.scope.failures++;
          // below a failed node too: the traversal goes on there, and skips what it finds
          if (!n.isCase) for (const d of n.downstream) n.scope.reach(d);
        }
        if (n.inner && n.inner.active) deactivate(exec, n.inner);
        if (n.subnodes) {
          const k = exec.activeMaps.indexOf(n);
          if (k >= 0) exec.activeMaps.splice(k, 1);
        }
        if (n.kind === 'subnode' && n.owner) n.owner.openSubnodes--;
      }
      if (n.kind === 'subnode' && n.owner) {
        if (to === FAILED) n.owner.failedSubnodes++;
        if (to === FAILING) n.owner.failingSubnodes++;
        if (from === FAILING) n.owner.failingSubnodes--;
      }
      if (from === RETRYABLE_FAILURE) {
        n.retryMessage = null;
        // a dynamic node's next attempt: the sub-DAG the last one ran is no longer traversed
        if (n.kind === 'dynamic' && n.inner !== null && n.inner.active) deactivate(exec, n.inner);
      }
      noteRetries(n);
      // A gate that opened: its deadline (sleep elapsed, approval or signal arrived) is final now.
      if (n.kind === 'gate' && to === SUCCEEDED_PHASE) n.record.gateOpened = n.deadline;
    }
    for (let i = 0; i < this.tpCount; i++) {
      const n = this.tpNode[i]!;
      (n.record.taskPhases ??= []).push(exactTransition(this.tpFrom[i]!, this.tpTo[i]!, this.tpAt[i]!, h, r));
      n.lastTaskEvent = this.tpTo[i]!;
      noteRetries(n);
    }
    for (let i = 0; i < this.wfCount; i++) {
      exec.record.workflowTransitions.push(exactTransition(WF_PHASE_NAMES[this.wfFrom[i]!]!, WF_PHASE_NAMES[this.wfTo[i]!]!, this.wfAt[i]!, h, r));
    }
    for (let i = 0; i < this.cacheCount; i++) this.cacheNode[i]!.record.cache = this.cacheHit[i] ? 'hit' : 'miss';
    for (let i = 0; i < this.touchedCount; i++) this.touchedNodes[i]!.transitioned = -1;
    this.touchedCount = 0;
    this.clearPending();
  }
}

/** A nested DAG no longer traversed: its node finished, or a dynamic node's next attempt runs a new one. */
function deactivate(exec: ExecState, scope: Scope): void {
  scope.active = false;
  const k = exec.activeScopes.indexOf(scope);
  if (k >= 0) exec.activeScopes.splice(k, 1);
}

/**
 * A retry counts once its attempt runs (its pod exists): one set up as the workflow failed never
 * ran. A map subtask's counts when its next attempt starts (RetryableFailure → Running), the last
 * of its steps a log shows.
 */
function noteRetries(n: NodeState): void {
  if (n.attempt > 0 && (n.kind === 'subnode' || n.pods[n.attempt] !== undefined)) n.record.retries = n.attempt;
}

/**
 * One op as a single object literal with exactly the keys it has, in the Timeline's key order.
 * Simulated times are exact, so the bounds are left out (`timeline/bounds.ts`). Absent fields are left out, not set to undefined (a Recording deep-equals its JSON read-back);
 * building the object in one literal instead of adding keys one by one gives each combination one
 * shape and one allocation (no out-of-object property store): a large run records millions of ops.
 */
export function makeOp(
  kind: OpKind,
  s: number,
  e: number,
  node: string | undefined,
  from: string | undefined,
  to: string | undefined,
  bytes: number | undefined,
  outcome: string | undefined,
  detail: string | undefined,
): Op {
  const mask =
    (node !== undefined ? 1 : 0) |
    (from !== undefined ? 2 : 0) |
    (to !== undefined ? 4 : 0) |
    (bytes !== undefined ? 8 : 0) |
    (outcome !== undefined ? 16 : 0) |
    (detail !== undefined ? 32 : 0);
  // The combinations the propeller model records; any other falls through to the general case.
  switch (mask) {
    case 0: // traversal
      return { kind, start: s, end: e };
    case 8: // deepCopy
      return { kind, start: s, end: e, bytes };
    case 7: // nodeTransition
      return { kind, start: s, end: e, node, from, to };
    case 6: // workflowTransition
      return { kind, start: s, end: e, from, to };
    case 21: // node and task events
      return { kind, start: s, end: e, node, to, outcome };
    case 53: // failed node and task events
      return { kind, start: s, end: e, node, to, outcome, detail };
    case 20: // workflow events
      return { kind, start: s, end: e, to, outcome };
    case 24: // etcd updates
      return { kind, start: s, end: e, bytes, outcome };
    case 57: // blob operations
      return { kind, start: s, end: e, node, bytes, outcome, detail };
    case 49: // pod creates, launches
      return { kind, start: s, end: e, node, outcome, detail };
    case 17: // catalog
      return { kind, start: s, end: e, node, outcome };
  }
  const op: Op = { kind, start: s, end: e };
  if (node !== undefined) op.node = node;
  if (from !== undefined) op.from = from;
  if (to !== undefined) op.to = to;
  if (bytes !== undefined) op.bytes = bytes;
  if (outcome !== undefined) op.outcome = outcome;
  if (detail !== undefined) op.detail = detail;
  return op;
}
