import { NodeState, Scope, SubnodeWake } from './node-state.js';
import type { RandomStreams, Rng, StreamGroup } from '../engine/random.js';
import type { ExecutionPlan, WorkflowDef, WorkflowNode } from '../model/workflow.js';
import type { Model } from '../model/model.js';
import type { Execution, NodeKind, NodeRecord } from '../timeline/types.js';
import type { StateKind } from './node-state.js';
import * as phases from './phases.js';
import { runPrefix } from '../timeline/sub-dag-runs.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.

const { NYS, WF_READY, isTerminalNode } = phases;

/** Workflow-level status bytes (phase, timestamps, dataDir, definition version). */
const WF_STATUS_BYTES = 300;
/** Message + error written by a failed round (`RecordSystemError`). */
export const ERROR_MESSAGE_BYTES = 200;
/** Metadata left in the CR when the closure is offloaded (labels, annotations, execution id). */
const OFFLOADED_SPEC_BYTES = 1024;
/** ArrayNode packed subnode state (phase, task phase, attempts, failures, timestamps) per subnode. */
const MAP_SUBNODE_STATUS_BYTES = 8;

/**
 * One execution being simulated: its workflow compiled into node states, its workflow-level status,
 * what the workflow store and informer know of its CR, and its Timeline record.
 */
/**
 * The `wf` label propeller logs: `project:domain:name`. A CR's `spec.id` already is one (with
 * project and domain left empty when the workflow was compiled without them: the execution's fill in).
 */
function workflowLabel(plan: ExecutionPlan): string {
  const parts = plan.workflow.name.split(':');
  if (parts.length < 3) return `${plan.project}:${plan.domain}:${plan.workflow.name}`;
  const [project, domain, ...rest] = parts;
  return `${project || plan.project}:${domain || plan.domain}:${rest.join(':')}`;
}

export class ExecState {
  readonly top: Scope;
  /** Every node (nested ones right after their enclosing node), in record order. */
  readonly nodes: NodeState[] = [];
  /** The top-level workflow's failure node: it runs when the workflow fails (HandlingFailureNode). */
  failureNode: NodeState | null = null;
  /** Records of subworkflows' failure nodes: listed, not run. */
  private readonly failureRecords: NodeRecord[] = [];
  readonly record: Execution;

  // --- workflow status (undone on a failed round) ---
  wfPhase = WF_READY;
  failedAttempts = 0;
  /** Sum of node status bytes in the CR. */
  statusSum = 0;

  // --- CR in the API server and the informer ---
  /** CR exists (admin created it). */
  created = false;
  /** Current resourceVersion, and the newest one the informer has delivered. */
  rv = 0;
  informerRv = 0;
  /** ResourceVersionCache: input version of the last successful write. */
  lastInputRv = -1;
  /** The terminated-workflow filter has this execution. */
  terminatedFilter = false;
  /** The version that carries the CR's deletion timestamp (admin terminated it); 0: none. */
  deletionRv = 0;
  /** The informer holds the CR (not yet removed by the completed label). */
  informerHas = false;
  /** Watch deliveries in flight: version and whether it removes the CR from the informer. */
  readonly watchRv: number[] = [];
  readonly watchRemoves: boolean[] = [];
  watchHead = 0;
  lastWatchAt = 0;

  /** Nested scopes currently traversed (subworkflows running, dynamic executing). */
  readonly activeScopes: Scope[] = [];
  /** ArrayNodes currently executing. */
  readonly activeMaps: NodeState[] = [];
  /** Workflow event phases admin already has (bit per workflow phase). */
  sentWorkflowEvents = 0;
  /** Counted as finished by the simulator. */
  counted = false;
  /** The queue-wait window of the next Handle call (`timeline/queue-wait.ts`): the previous call's start, and the first enqueue after it. */
  prevHandleStart = -Infinity;
  enqueueCursor = 0;
  /** The text of the last round's input resourceVersion: a streak's last round and the next call's first share it. */
  private rvTextOf = -1;
  private rvText = '';
  /** Admin knows the execution is terminal (its terminal workflow event was recorded). */
  adminTerminalAt = Infinity;
  readonly specPart: number;
  readonly maxParallelism: number;
  /** `onFailurePolicy: FAIL_AFTER_EXECUTABLE_NODES_COMPLETE`: a failure waits for the nodes that can still run. */
  readonly failAfterAll: boolean;

  readonly rngEtcd: Rng;
  readonly rngCpu: Rng;
  readonly rngWorkflowEvents: Rng;
  readonly rngFailures: Rng;
  readonly rngWatch: Rng;
  readonly rngBlob: Rng;
  /** Per-node stream groups: `(events|blob|kube|runtime, execution, node)`. */
  readonly nodeStreams: { readonly events: StreamGroup; readonly blob: StreamGroup; readonly kube: StreamGroup; readonly runtime: StreamGroup };

  /** `resVer` of a round whose input version is `rv`. */
  resVer(rv: number): string {
    if (rv !== this.rvTextOf) {
      this.rvTextOf = rv;
      this.rvText = String(rv);
    }
    return this.rvText;
  }

  constructor(
    readonly idx: number,
    readonly plan: ExecutionPlan,
    readonly streams: RandomStreams,
    readonly model: Model,
    readonly parent: ExecState | null,
    parentNode: NodeState | null,
  ) {
    const wf = plan.workflow;
    this.record = {
      id: plan.id,
      namespace: plan.namespace,
      workflow: workflowLabel(plan),
      phase: 'Ready',
      handles: [],
      nodes: [],
      enqueues: [],
      workflowTransitions: [],
      crBytes: [],
    };
    if (parent) this.record.parent = parent.id;
    if (parentNode) this.record.parentNode = parentNode.id;
    this.nodeStreams = {
      events: streams.group('events', plan.id),
      blob: streams.group('blob', plan.id),
      kube: streams.group('kube', plan.id),
      runtime: streams.group('runtime', plan.id),
    };
    this.top = this.buildScope(wf, null, '');
    for (const n of this.nodes) this.record.nodes.push(n.record);
    for (const r of this.failureRecords) this.record.nodes.push(r);
    const s = model.store;
    this.specPart = s.offloadClosure
      ? Math.max(OFFLOADED_SPEC_BYTES, wf.specBytes - (wf.closureBytes ?? wf.specBytes))
      : wf.specBytes;
    this.maxParallelism = wf.maxParallelism ?? model.propeller.maxParallelism;
    this.failAfterAll = wf.onFailurePolicy === 'afterExecutableNodesComplete';
    this.rngEtcd = streams.stream('etcd', plan.id);
    this.rngCpu = streams.stream('cpu', plan.id);
    this.rngWorkflowEvents = streams.stream('events', plan.id, '', 'workflow');
    this.rngFailures = streams.stream('events', plan.id, '', 'failures');
    this.rngWatch = streams.stream('informer', plan.id);
    this.rngBlob = streams.stream('blob', plan.id);
  }

  get id(): string {
    return this.plan.id;
  }

  /** `namespace/name`, the work-queue key. */
  get key(): string {
    return `${this.plan.namespace}/${this.plan.id}`;
  }

  /** Serialized CR size now (spec part + status). */
  crBytes(): number {
    return this.specPart + WF_STATUS_BYTES + this.statusSum + (this.failedAttempts > 0 ? ERROR_MESSAGE_BYTES : 0);
  }

  /** Status bytes `n` contributes in its current state. */
  contribution(n: NodeState): number {
    if (n.collapsed || n.kind === 'subnode' || n.phase === NYS) return 0;
    const s = this.model.store;
    if (isTerminalNode(n.phase)) return s.finishedNodeStatusBytes;
    let b = s.activeNodeStatusBytes;
    if (n.subnodes) b += n.subnodes.length * MAP_SUBNODE_STATUS_BYTES;
    return b;
  }

  /** Nodes the traversal visits this round (distinct nodes; propeller revisits diamond joins). */
  visitedNodes(): number {
    let v = this.top.reached;
    for (const s of this.activeScopes) v += s.reached;
    for (const m of this.activeMaps) v += m.openSubnodes;
    return v;
  }

  /**
   * The sub-DAG attempt `attempt` (> 0) of dynamic node `owner` runs: new node executions, named as
   * propeller's unique ids name them (`<node>-<attempt>/<child>`: pods `<exec>-<node>-<attempt>-<child>-<n>`),
   * recorded after the execution's other nodes.
   */
  newRun(owner: NodeState, attempt: number): Scope {
    // a sub-DAG that never ran (the parent task retried first) leaves the record
    const unused = owner.inner;
    if (unused !== null && !unused.active && unused.start.phase === NYS) {
      const keep = this.record.nodes.filter((r) => !r.id.startsWith(unused.prefix));
      this.record.nodes.length = 0;
      this.record.nodes.push(...keep);
    }
    const nodes = this.nodes.length;
    const failures = this.failureRecords.length;
    const scope = this.buildScope(owner.def.dynamic!, owner, runPrefix(owner.id, attempt));
    scope.run = attempt;
    for (let i = nodes; i < this.nodes.length; i++) this.record.nodes.push(this.nodes[i]!.record);
    for (let i = failures; i < this.failureRecords.length; i++) this.record.nodes.push(this.failureRecords[i]!);
    return scope;
  }

  private buildScope(def: WorkflowDef, owner: NodeState | null, prefix: string): Scope {
    const scope = new Scope(owner, prefix);
    const byId = new Map<string, NodeState>();
    let start: NodeState | undefined;
    let end: NodeState | undefined;
    const hasStart = def.nodes.some((n) => n.kind === 'start');
    const hasEnd = def.nodes.some((n) => n.kind === 'end');
    const caseIds = new Set<string>();
    for (const n of def.nodes) if (n.branch) for (const c of n.branch.cases) caseIds.add(c);

    const add = (wn: WorkflowNode): NodeState => {
      const isCase = wn.branchOf !== undefined || caseIds.has(wn.id);
      const kind = wn.kind as StateKind;
      const id = prefix + wn.id;
      const rec: NodeRecord = { id, kind: recordKind(wn), transitions: [] };
      if (owner) rec.parent = owner.id;
      const ns = new NodeState(this, id, kind, wn, scope, owner, isCase, rec);
      if (byId.has(wn.id)) throw new Error(`workflow ${def.name}: duplicate node id "${wn.id}"`);
      byId.set(wn.id, ns);
      scope.nodes.push(ns);
      ns.uid = this.nodes.length;
      this.nodes.push(ns);
      if (kind === 'start') start = ns;
      if (kind === 'end') end = ns;
      // Nested nodes follow their enclosing node in the record order.
      if (wn.subworkflow && kind === 'subworkflow') ns.inner = this.buildScope(wn.subworkflow, ns, id + '/');
      // a cache hit never runs the parent task, so its sub-DAG never exists
      if (wn.dynamic && kind === 'dynamic' && !wn.cache?.hit) ns.inner = this.buildScope(wn.dynamic, ns, runPrefix(id, 0));
      if (kind === 'map') {
        const size = Math.max(0, Math.floor(wn.map?.size ?? 0));
        ns.subnodes = [];
        for (let i = 0; i < size; i++) {
          const sid = `${id}/n${i}`;
          // a launch-plan subnode shows as what it is (a log shows it launching its child)
          const srec: NodeRecord = { id: sid, kind: wn.launchplan !== undefined ? 'launchplan' : 'subnode', parent: id, transitions: [] };
          const sub = new NodeState(this, sid, 'subnode', wn, scope, ns, false, srec);
          sub.subIndex = i;
          sub.uid = this.nodes.length;
          ns.subnodes.push(sub);
          this.nodes.push(sub);
        }
        ns.openSubnodes = size;
        ns.wake = new SubnodeWake(size);
      }
      return ns;
    };

    if (!hasStart) {
      start = add({ id: 'start-node', kind: 'start', upstream: [] });
    }
    for (const wn of def.nodes) add(wn);
    if (!hasEnd) {
      end = add({ id: 'end-node', kind: 'end', upstream: [] });
    }
    if (!start || !end) throw new Error(`workflow ${def.name}: no start or end node`);
    scope.start = start;
    scope.end = end;

    // Edges. Branch cases hang off their branch, not off the DAG.
    for (const ns of scope.nodes) {
      if (ns.isCase || ns === start) continue;
      let ups = ns.def.upstream;
      if (ns === end && !hasEnd) ups = [];
      for (const u of ups) {
        const un = byId.get(u);
        if (!un) throw new Error(`workflow ${def.name}: node "${ns.def.id}" names unknown upstream "${u}"`);
        ns.upstream.push(un);
        un.downstream.push(ns);
      }
    }
    for (const ns of scope.nodes) {
      if (ns.isCase || ns === start || (ns === end && !hasEnd)) continue;
      if (ns.upstream.length === 0) {
        ns.upstream.push(start);
        start.downstream.push(ns);
      }
    }
    if (!hasEnd) {
      for (const ns of scope.nodes) {
        if (ns.isCase || ns === end) continue;
        if (ns.downstream.length === 0 && (ns !== start || scope.nodes.length <= 2)) {
          end.upstream.push(ns);
          ns.downstream.push(end);
        }
      }
    }
    for (const ns of scope.nodes) {
      if (ns.upstream.length > 0) ns.record.upstream = ns.upstream.map((u) => u.id);
      // A branch case has no upstream: it is runnable once its branch decides (the `parent` rule).
      else if (ns.isCase) ns.record.upstream = [];
      if (ns.def.branch) {
        ns.cases = ns.def.branch.cases.map((c) => {
          const cn = byId.get(c);
          if (!cn) throw new Error(`workflow ${def.name}: branch "${ns.def.id}" names unknown case "${c}"`);
          cn.record.parent = ns.id;
          return cn;
        });
        if (ns.def.branch.fails === undefined) {
          const taken = byId.get(ns.def.branch.taken);
          if (!taken) throw new Error(`workflow ${def.name}: branch "${ns.def.id}" takes unknown case "${ns.def.branch.taken}"`);
          ns.taken = taken;
        }
      }
    }

    // The top-level failure node is outside the DAG: no edges, never reached by the traversal.
    if (def.failureNode && !owner) {
      this.failureNode = add(def.failureNode);
      // FailureNodeLookup: its one upstream is the start node (its inputs come from there); the
      // start node does not lead to it.
      this.failureNode.upstream.push(start);
    }

    // DFS preorder from the start node in connection order: the traversal's visiting order.
    let order = 0;
    const seen = new Set<NodeState>();
    const stack: NodeState[] = [start];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      n.order = order++;
      for (let i = n.downstream.length - 1; i >= 0; i--) {
        const d = n.downstream[i]!;
        if (!seen.has(d)) stack.push(d);
      }
    }
    for (const n of scope.nodes) if (!seen.has(n)) n.order = order++;
    if (def.failureNode && owner) {
      this.failureRecords.push({ id: prefix + def.failureNode.id, kind: recordKind(def.failureNode), transitions: [], parent: owner.id });
    }
    scope.seal();
    return scope;
  }
}

function recordKind(n: WorkflowNode): NodeKind {
  if (n.kind === 'task' && n.cache) return 'cachedTask';
  // a dynamic node that hits the cache is, to everyone watching, a cached task that hit
  if (n.kind === 'dynamic' && n.cache?.hit) return 'cachedTask';
  return n.kind;
}
