import type { Rng } from '../engine/random.js';
import type { WorkflowNode } from '../model/workflow.js';
import type { NodeRecord, PodTimes } from '../timeline/types.js';
import type { ExecState } from './execution.js';
import * as phases from './phases.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { NYS, isTerminalNode } = phases;

export type StateKind =
  | 'start'
  | 'end'
  | 'task'
  | 'map'
  | 'dynamic'
  | 'subworkflow'
  | 'launchplan'
  | 'branch'
  | 'gate'
  | 'subnode';

/** One task attempt's pod as the node sees it (the pod itself lives in `Pods`). */
export interface PodRef {
  readonly idx: number;
  readonly times: PodTimes;
}

/**
 * One node of an execution: its place in the DAG, its status as stored in the CR (rolled back when a
 * round fails, as propeller discards the round's deep copy), and the outside world it touched (pods,
 * child executions, events already sent), which a failed round cannot take back.
 */
export class NodeState {
  /** Index in the execution's node list. */
  uid = 0;
  readonly upstream: NodeState[] = [];
  readonly downstream: NodeState[] = [];
  /** DFS preorder within its scope: the order the traversal visits it. */
  order = 0;
  reached = false;
  /** Upstreams before this index are known (persisted) to have succeeded. */
  readyCursor = 0;

  /** Nested DAG of a subworkflow or dynamic node. */
  inner: Scope | null = null;
  /** Branch: all case nodes and the one taken. */
  cases: NodeState[] | null = null;
  taken: NodeState | null = null;
  /** Map (ArrayNode): the subnodes, and how many are not yet terminal. */
  subnodes: NodeState[] | null = null;
  openSubnodes = 0;
  /** Map: subnodes Failed, and in Failing (as of the last commit). */
  failedSubnodes = 0;
  failingSubnodes = 0;
  /** Index among the map's subnodes. */
  subIndex = 0;
  /** Map: which subnodes may have work (see SubnodeWake). */
  wake: SubnodeWake | null = null;

  // --- CR status (undone on a failed round) ---
  phase = NYS;
  /** Plugin phase last recorded (task status). */
  plugin = 0;
  /** Task phase version (ArrayNode: bumped whenever a subnode phase changes). */
  pluginVer = 0;
  attempt = 0;
  /** Handler-specific sub-phase (dynamic, map, branch, launch plan). */
  aux = 0;
  /** Gate: when the signal/sleep completes (ns). */
  deadline = 0;
  /** `QueuedAt`: the node's first move to Queued (ns; -1 unset). Its active deadline runs from it; a retry does not reset it. */
  queuedAt = -1;
  /** `LastAttemptStartedAt`: the current attempt's move to Running (ns; -1 unset). Its execution deadline runs from it. */
  attemptStartedAt = -1;
  /** Bytes this node's status adds to the CR. */
  crContrib = 0;
  /** Status cleared because the enclosing node finished. */
  collapsed = false;

  // --- round bookkeeping ---
  /** Serial of the round that last saved an undo snapshot. */
  touched = -1;
  /** Serial of the round of the last phase transition (one per round). */
  transitioned = -1;
  sPhase = NYS;
  sPlugin = 0;
  sPluginVer = 0;
  sAttempt = 0;
  sAux = 0;
  sDeadline = 0;
  sQueuedAt = -1;
  sAttemptStartedAt = -1;
  sCrContrib = 0;
  sCollapsed = false;

  // --- outside world (never undone) ---
  /** Pods per attempt. */
  readonly pods: (PodRef | undefined)[] = [];
  /** Launch plan child execution. */
  child: ExecState | null = null;
  /** Admin launcher cache has seen the child terminal. */
  childReported = false;
  /** Node event phases admin already has (bit per NEV_*). */
  sentNodeEvents = 0;
  /** Task events admin already has: attempt·1e7 + phase·1e6 + version. */
  sentTaskEvents: number[] | null = null;
  /** Last task event phase recorded (for taskPhases `from`). */
  lastTaskEvent = 'PhaseUndefined';

  readonly record: NodeRecord;
  /** Task, ArrayNode and launch-plan nodes count against max parallelism. */
  readonly countsForParallelism: boolean;
  /**
   * Deadlines (ns; 0 = none): the spec's, else the model's default, for every node kind with a
   * handler of its own; start, end and map subnodes have none.
   */
  readonly activeDeadlineNs: number;
  readonly executionDeadlineNs: number;
  /** Has a deadline: the traversal checks it in each round that visits the node. */
  readonly hasDeadline: boolean;
  /** The message of the attempt a timeout ended, shown when the retry starts; null otherwise. */
  retryMessage: string | null = null;

  private rngE: Rng | null = null;
  private rngB: Rng | null = null;
  private rngK: Rng | null = null;
  private rngR: Rng | null = null;

  constructor(
    readonly exec: ExecState,
    readonly id: string,
    readonly kind: StateKind,
    readonly def: WorkflowNode,
    readonly scope: Scope,
    readonly owner: NodeState | null,
    readonly isCase: boolean,
    record: NodeRecord,
  ) {
    this.record = record;
    this.countsForParallelism = kind === 'task' || kind === 'dynamic' || kind === 'map' || kind === 'launchplan';
    const p = exec.model.propeller;
    const timed = kind !== 'start' && kind !== 'end' && kind !== 'subnode';
    this.activeDeadlineNs = timed ? Math.round((def.activeDeadline || p.nodeActiveDeadlineSeconds || 0) * 1e9) : 0;
    this.executionDeadlineNs = timed ? Math.round((def.executionDeadline || p.nodeExecutionDeadlineSeconds || 0) * 1e9) : 0;
    this.hasDeadline = this.activeDeadlineNs > 0 || this.executionDeadlineNs > 0;
  }


  /** A subnode may have work again (its pod changed, its round was rolled back). */
  wakeSubnode(): void {
    this.owner?.wake?.wake(this.subIndex);
  }

  /** Streams keyed by (execution, node, purpose), created on first use. */
  rngEvents(): Rng {
    return this.rngE ?? (this.rngE = this.exec.nodeStreams.events.stream(this.id));
  }
  rngBlob(): Rng {
    return this.rngB ?? (this.rngB = this.exec.nodeStreams.blob.stream(this.id));
  }
  rngKube(): Rng {
    return this.rngK ?? (this.rngK = this.exec.nodeStreams.kube.stream(this.id));
  }
  rngRuntime(): Rng {
    return this.rngR ?? (this.rngR = this.exec.nodeStreams.runtime.stream(this.id));
  }
}

const EMPTY: readonly number[] = [];

/**
 * The subnodes of a map task that may have work, so that a round of a big map evaluates those and
 * not every running pod. A subnode that is running with nothing new to report (its pod shows the
 * phase it last recorded) is quiet: evaluating it takes no time and changes nothing. It stays quiet
 * until its pod's observed phase changes or a rolled-back round restores its status, and both wake
 * it. Indices are kept sorted: subnodes are evaluated in index order.
 */
export class SubnodeWake {
  /** Awake indices, ascending (as of the last evaluation). */
  private list: number[];
  /** Woken since the last evaluation, unsorted. */
  private woken: number[] = [];
  /** 1 when the index is in `list` or `woken`. */
  private readonly flag: Uint8Array;

  constructor(size: number) {
    this.list = Array.from({ length: size }, (_, i) => i);
    this.flag = new Uint8Array(size).fill(1);
  }

  wake(i: number): void {
    if (this.flag[i] === 0) {
      this.flag[i] = 1;
      this.woken.push(i);
    }
  }

  /** The awake indices in ascending order; the caller then `keep`s or `drop`s each, in order. */
  take(): number[] {
    let list = this.list;
    if (this.woken.length > 0) {
      const w = this.woken.sort((a, b) => a - b);
      const merged: number[] = [];
      let i = 0;
      let j = 0;
      while (i < list.length || j < w.length) {
        if (j >= w.length || (i < list.length && list[i]! < w[j]!)) merged.push(list[i++]!);
        else merged.push(w[j++]!);
      }
      list = merged;
      this.woken = [];
    }
    this.list = [];
    return list;
  }

  keep(i: number): void {
    this.list.push(i);
  }

  drop(i: number): void {
    this.flag[i] = 0;
  }
}

/** A DAG the traversal walks: the workflow, or the nested DAG of a subworkflow/dynamic node. */
export class Scope {
  readonly nodes: NodeState[] = [];
  start!: NodeState;
  end!: NodeState;
  /** The nodes by visiting order (`NodeState.order`), once the scope is sealed. */
  byOrder: NodeState[] = [];
  /**
   * Reached, not-yet-terminal nodes as visiting orders, ascending (refreshed lazily). Orders rather
   * than nodes so that a refresh reads only the flag arrays below, not every node object.
   */
  private frontier: number[] = [];
  /** Positions in the frontier of nodes that do not count for max parallelism. */
  others: number[] = [];
  private pending: number[] = [];
  /** By order: 1 when the node does not count for max parallelism. */
  private notCounting = new Uint8Array(0);
  /** By order: 1 once the node's terminal phase is persisted (a committed round made it terminal). */
  private finished = new Uint8Array(0);
  /** Frontier entries that finished since the last compaction (skipped by the traversal). */
  private dead = 0;
  /** Their orders (at most 32 when the traversal reads the frontier, see `current`). */
  private deadOrders: number[] = [];
  /** Distinct nodes the traversal reaches (its cost). */
  reached = 0;
  /** Nodes of this scope whose failure (Failed, TimedOut) is persisted. */
  failures = 0;
  /** Listed in the execution's active nested scopes. */
  active = false;
  /** The attempt of its dynamic node this sub-DAG belongs to (each attempt runs a new one). */
  run = 0;

  constructor(
    readonly owner: NodeState | null,
    readonly prefix: string,
  ) {}

  /** Indexes the nodes by their visiting order (every node has one, all distinct, from 0). */
  seal(): void {
    const count = this.nodes.length;
    this.byOrder = new Array<NodeState>(count);
    this.notCounting = new Uint8Array(count);
    this.finished = new Uint8Array(count);
    for (const n of this.nodes) {
      this.byOrder[n.order] = n;
      if (!n.countsForParallelism) this.notCounting[n.order] = 1;
    }
  }

  /** Makes `n` visible to the traversal from the next frontier refresh on. */
  reach(n: NodeState): void {
    if (n.reached) return;
    n.reached = true;
    this.reached++;
    this.pending.push(n.order);
  }

  /** Node `n` of this scope became terminal (persisted): it leaves the frontier at the next compaction. */
  markStale(n: NodeState): void {
    this.dead++;
    this.finished[n.order] = 1;
    this.deadOrders.push(n.order);
  }

  /**
   * Nodes max parallelism defers when the traversal stops at frontier position `pos` (`k` = the
   * first entry of `others` at or after `pos`): the tail's nodes that count for parallelism, less
   * those already finished. Reads only the few finished entries, not the tail.
   */
  deferredFrom(pos: number, k: number): number {
    const f = this.frontier;
    let n = f.length - pos - (this.others.length - k);
    if (this.dead === 0) return n;
    const first = f[pos]!;
    const seen: number[] = [];
    for (const o of this.deadOrders) {
      if (o < first || this.notCounting[o] !== 0 || seen.includes(o) || !sortedHas(f, o, pos)) continue;
      seen.push(o);
      n--;
    }
    return n;
  }

  /**
   * The nodes to visit this round (orders, see `byOrder`), in DFS preorder. May still hold finished
   * nodes (callers skip them): compacting a large frontier after every finished node would cost
   * O(frontier) per round. Called at the start of the scope's traversal, when every phase is persisted.
   */
  current(): number[] {
    if (this.pending.length === 0 && (this.dead === 0 || (this.dead <= 32 && this.dead * 4 < this.frontier.length))) return this.frontier;
    // One pass: drop finished nodes, merge in the newly reached ones (by visiting order), and note
    // the positions of nodes that do not count for max parallelism.
    const finished = this.finished;
    const notCounting = this.notCounting;
    let add = EMPTY;
    if (this.pending.length > 0) {
      add = this.pending.filter((o) => finished[o] === 0).sort((a, b) => a - b);
      this.pending = [];
    }
    const old = this.frontier;
    const merged: number[] = [];
    const others: number[] = [];
    let j = 0;
    for (let i = 0; i < old.length; i++) {
      const o = old[i]!;
      if (finished[o] !== 0) continue;
      while (j < add.length && add[j]! < o) {
        const a = add[j++]!;
        if (notCounting[a] !== 0) others.push(merged.length);
        merged.push(a);
      }
      if (notCounting[o] !== 0) others.push(merged.length);
      merged.push(o);
    }
    while (j < add.length) {
      const a = add[j++]!;
      if (notCounting[a] !== 0) others.push(merged.length);
      merged.push(a);
    }
    this.frontier = merged;
    this.others = others;
    this.dead = 0;
    if (this.deadOrders.length > 0) this.deadOrders = [];
    return merged;
  }
}

/** `x` is in the ascending array `a` at a position >= `from`. */
function sortedHas(a: readonly number[], x: number, from: number): boolean {
  let lo = from;
  let hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = a[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
