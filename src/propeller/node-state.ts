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
  /** Index among the map's subnodes. */
  subIndex = 0;

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
  lastTaskEvent = 'UNDEFINED';

  readonly record: NodeRecord;
  /** Task, ArrayNode and launch-plan nodes count against max parallelism. */
  readonly countsForParallelism: boolean;

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
  }


  /** Streams keyed by (execution, node, purpose), created on first use. */
  rngEvents(): Rng {
    return this.rngE ?? (this.rngE = this.exec.streams.stream('events', this.exec.id, this.id));
  }
  rngBlob(): Rng {
    return this.rngB ?? (this.rngB = this.exec.streams.stream('blob', this.exec.id, this.id));
  }
  rngKube(): Rng {
    return this.rngK ?? (this.rngK = this.exec.streams.stream('kube', this.exec.id, this.id));
  }
  rngRuntime(): Rng {
    return this.rngR ?? (this.rngR = this.exec.streams.stream('runtime', this.exec.id, this.id));
  }
}

/** A DAG the traversal walks: the workflow, or the nested DAG of a subworkflow/dynamic node. */
export class Scope {
  readonly nodes: NodeState[] = [];
  start!: NodeState;
  end!: NodeState;
  /** Reached, not-yet-terminal nodes in visiting order (refreshed lazily). */
  private frontier: NodeState[] = [];
  /** Positions in the frontier of nodes that do not count for max parallelism. */
  others: number[] = [];
  private pending: NodeState[] = [];
  /** Frontier entries that finished since the last compaction (skipped by the traversal). */
  private dead = 0;
  /** Distinct nodes the traversal reaches (its cost). */
  reached = 0;
  /** Listed in the execution's active nested scopes. */
  active = false;

  constructor(
    readonly owner: NodeState | null,
    readonly prefix: string,
  ) {}

  /** Makes `n` visible to the traversal from the next frontier refresh on. */
  reach(n: NodeState): void {
    if (n.reached) return;
    n.reached = true;
    this.reached++;
    this.pending.push(n);
  }

  /** A node of this scope became terminal: it leaves the frontier at the next compaction. */
  markStale(): void {
    this.dead++;
  }

  /**
   * The nodes to visit this round, in DFS preorder. May still hold finished nodes (callers skip them):
   * compacting a large frontier after every finished node would cost O(frontier) per round.
   */
  current(): NodeState[] {
    if (this.pending.length === 0 && (this.dead === 0 || (this.dead <= 32 && this.dead * 4 < this.frontier.length))) return this.frontier;
    const kept: NodeState[] = [];
    for (const n of this.frontier) if (!isTerminalNode(n.phase)) kept.push(n);
    if (this.pending.length > 0) {
      const add = this.pending.filter((n) => !isTerminalNode(n.phase)).sort((a, b) => a.order - b.order);
      this.pending = [];
      const merged: NodeState[] = [];
      let i = 0;
      let j = 0;
      while (i < kept.length || j < add.length) {
        if (j >= add.length || (i < kept.length && kept[i]!.order < add[j]!.order)) merged.push(kept[i++]!);
        else merged.push(add[j++]!);
      }
      this.frontier = merged;
    } else this.frontier = kept;
    this.dead = 0;
    const others: number[] = [];
    for (let i = 0; i < this.frontier.length; i++) if (!this.frontier[i]!.countsForParallelism) others.push(i);
    this.others = others;
    return this.frontier;
  }
}
