import { executionSpan } from '../metrics/execution-span.js';
import { nodeWindows, type NodeWindow } from '../metrics/node-window.js';
import { topologicalOrder } from '../model/dag.js';
import type { ExecutionPlan, WorkflowDef, WorkflowNode, WorkflowNodeKind } from '../model/workflow.js';
import { TERMINAL_NODE_PHASES, type Execution, type NodeRecord, type PodTimes, type Recording } from '../timeline/types.js';
import { childRun, runPrefix } from '../timeline/sub-dag-runs.js';

/**
 * Replay: recorded executions -> execution plans, so that a recording can be re-simulated.
 *
 * Kept from the recording: the DAG (recorded `upstream`; for logs, the node whose end made each
 * node runnable, by the rule metrics use for the runnable instant, with every sink feeding the end
 * node), node kinds (cache outcome, map size, nested subworkflow / dynamic scopes, launch-plan
 * children), user runtimes (pod finished - started) and pod start times (started - created) of
 * each node, arrival (execution created), ids and namespace. Everything else (rounds, events, etcd,
 * queueing, ...) is left to the model.
 */

export interface ReplayOptions {
  /**
   * Seconds to take off recorded pod start times. Logs time a pod's start by propeller's
   * observation of it, which includes the pod-update lag the simulator adds again.
   */
  podStartLagSeconds?: number;
  /**
   * Pod start time (s) to assume for a pod whose container start was not observed (only its
   * creation and exit): the rest of that time is the runtime. Default 0.
   */
  podStartSeconds?: number;
}

const DEFAULT_SPEC_BYTES = 4096;
/** Status part of a CR at creation (the simulator's workflow status size). */
const CREATION_STATUS_BYTES = 300;

const KIND: Record<string, WorkflowNodeKind> = {
  start: 'start',
  end: 'end',
  task: 'task',
  cachedTask: 'task',
  map: 'map',
  dynamic: 'dynamic',
  subworkflow: 'subworkflow',
  launchplan: 'launchplan',
  branch: 'gate',
  gate: 'gate',
  unknown: 'task',
};

/** A nested id without its parent's: `d/x`, and `d-1/x` of a retried dynamic node's second run, are `x`. */
function localId(id: string, parent: string | undefined): string {
  if (parent === undefined) return id;
  const run = childRun(id, parent);
  return run === undefined ? id : id.slice(runPrefix(parent, run).length);
}

/** Which run of its dynamic node's sub-DAG a child is in: 0 for `d/x`, k for `d-k/x`. */
function runOf(id: string, parent: string): number {
  return childRun(id, parent) ?? 0;
}

/**
 * A retried dynamic node ran its sub-DAG once per attempt (`d/…`, then `d-1/…`): the replay keeps
 * the first run that started (the node's retries replay the others).
 */
function oneRun(level: NodeRecord[], parent: string): NodeRecord[] {
  const runs = [...new Set(level.map((n) => runOf(n.id, parent)))].sort((a, b) => a - b);
  if (runs.length <= 1) return level;
  const started = runs.find((k) => level.some((n) => runOf(n.id, parent) === k && n.transitions.length > 0)) ?? runs[0];
  return level.filter((n) => runOf(n.id, parent) === started);
}

function podsOf(n: NodeRecord): PodTimes[] {
  return n.pods && n.pods.length > 0 ? n.pods : n.pod ? [n.pod] : [];
}

function firstAndTerminal(n: NodeRecord): { first?: number; terminal?: number } {
  let first: number | undefined;
  let terminal: number | undefined;
  for (const t of n.transitions) {
    if (first === undefined || t.at < first) first = t.at;
    if (TERMINAL_NODE_PHASES.has(t.to) && (terminal === undefined || t.at < terminal)) terminal = t.at;
  }
  return { first, terminal };
}

function namespaceParts(exec: Execution): { project: string; domain: string } {
  const wf = exec.workflow?.split(':');
  if (wf && wf.length >= 3) return { project: wf[0]!, domain: wf[1]! };
  const i = exec.namespace.lastIndexOf('-');
  return i > 0 ? { project: exec.namespace.slice(0, i), domain: exec.namespace.slice(i + 1) } : { project: exec.namespace, domain: 'development' };
}

/** Recorded blob sizes per node: largest read (inputs) and write (outputs). */
function blobSizes(exec: Execution): Map<string, { input?: number; output?: number }> {
  const out = new Map<string, { input?: number; output?: number }>();
  for (const h of exec.handles) for (const r of h.rounds) for (const o of r.ops) {
    if (o.node === undefined || o.bytes === undefined) continue;
    const s = out.get(o.node) ?? {};
    if (o.kind === 'blobRead' && /input/i.test(o.detail ?? 'inputs')) s.input = Math.max(s.input ?? 0, o.bytes);
    if (o.kind === 'blobWrite' && /output/i.test(o.detail ?? 'outputs')) s.output = Math.max(s.output ?? 0, o.bytes);
    out.set(o.node, s);
  }
  return out;
}

function specBytesOf(exec: Execution): number {
  let first = exec.crBytes?.[0]?.bytes;
  if (first === undefined) {
    for (const h of exec.handles) for (const r of h.rounds) for (const o of r.ops) {
      if ((o.kind === 'deepCopy' || o.kind === 'etcdUpdate') && o.bytes !== undefined && first === undefined) first = o.bytes;
    }
  }
  return first !== undefined ? Math.max(1024, first - CREATION_STATUS_BYTES) : DEFAULT_SPEC_BYTES;
}

/**
 * The most subtasks whose pods existed at once: the map's parallelism when below its size, else
 * 0 (unlimited, as far as the recording shows).
 */
function observedParallelism(subs: readonly NodeRecord[]): number {
  const ev: [number, number][] = [];
  for (const s of subs) {
    // The pod's life where the input has it, else the subnode's own phases (logs see subtask
    // pods only through pod updates).
    const pods = podsOf(s);
    const { first, terminal } = firstAndTerminal(s);
    const a = pods[0]?.created ?? pods[0]?.started ?? first;
    const b = pods.at(-1)?.finished ?? pods.at(-1)?.observed ?? terminal;
    if (a === undefined || b === undefined || b < a) return 0;
    ev.push([a, 1], [b, -1]);
  }
  // Ends before starts at the same instant: a subtask that starts as another ends does not overlap it.
  ev.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of ev) max = Math.max(max, (cur += d));
  return max > 0 && max < subs.length ? max : 0;
}

/**
 * The execution's max parallelism where the recording states it: propeller logs the limit each
 * time a round is short-circuited (`... achieved [n] >= Max [m] ...`; the simulator's op says
 * `n >= m; ...`). Max parallelism belongs to the execution (launch plan or execution spec), so the
 * replay keeps it; unstated, the model's default applies.
 */
export function statedMaxParallelism(exec: Execution): number | undefined {
  for (const h of exec.handles) for (const r of h.rounds) for (const o of r.ops) {
    if (o.kind !== 'parallelismLimit' || o.detail === undefined) continue;
    const m = /(?:Max \[|>= )(\d+)/.exec(o.detail);
    if (m && Number(m[1]) > 0) return Number(m[1]);
  }
  return undefined;
}

/** The workflow of an execution's top level, with its stated max parallelism. */
function topLevelDef(b: PlanBuilder, exec: Execution, name: string): WorkflowDef {
  const wf = b.def(name, undefined);
  const max = statedMaxParallelism(exec);
  if (max !== undefined) wf.maxParallelism = max;
  if (failedAfterAll(exec)) wf.onFailurePolicy = 'afterExecutableNodesComplete';
  return wf;
}

/**
 * The run followed FAIL_AFTER_EXECUTABLE_NODES_COMPLETE: its move to Failing came in a later
 * round than the first node's failure (by default the workflow fails in that very round), or a
 * top-level node was skipped below a failure (outside a branch nothing else skips).
 */
function failedAfterAll(exec: Execution): boolean {
  const failing = exec.workflowTransitions.find((t) => t.to === 'Failing');
  if (failing === undefined) return false;
  const order = (t: { handle?: number; round?: number }) => (t.handle ?? -1) * 1e6 + (t.round ?? -1);
  let first: number | undefined;
  for (const n of exec.nodes) {
    if (n.parent !== undefined) continue;
    for (const t of n.transitions) if (t.to === 'Failed' && t.handle !== undefined && (first === undefined || order(t) < first)) first = order(t);
  }
  if (first === undefined) return false;
  if (failing.handle !== undefined && order(failing) > first) return true;
  // A skip after the first failure (a branch's untaken case is skipped when the branch decides,
  // and a log may not say that it is one).
  for (const n of exec.nodes) {
    if (n.parent !== undefined || (n.upstream !== undefined && n.upstream.length === 0)) continue;
    for (const t of n.transitions) if (t.to === 'Skipped' && t.handle !== undefined && order(t) > first) return true;
  }
  return false;
}

class PlanBuilder {
  readonly replay: NonNullable<ExecutionPlan['replay']> = {};
  private readonly windows = new Map<string, NodeWindow>();
  private readonly blobs: Map<string, { input?: number; output?: number }>;
  private readonly recorded: Set<string>;
  /** The input records task events (debug-level logs, traces, simulations). */
  private readonly taskEvents: boolean;

  constructor(
    private readonly exec: Execution,
    private readonly children: ReadonlyMap<string, Execution[]>,
    private readonly opts: ReplayOptions,
  ) {
    for (const w of nodeWindows(exec, executionSpan(exec).start)) this.windows.set(w.node.id, w);
    this.blobs = blobSizes(exec);
    this.recorded = new Set(exec.nodes.map((n) => n.id));
    this.taskEvents = exec.nodes.some((n) => (n.taskPhases?.length ?? 0) > 0);
  }

  private recordTimes(n: NodeRecord): void {
    const pods = podsOf(n);
    let last = pods[pods.length - 1];
    if (!last) return;
    if (last.finished === undefined && last.observed === undefined) {
      // Logs see a map subtask's pod created but not its exit: the subnode's first terminal-bound
      // phase (Succeeding, or its terminal phase) is when propeller saw it end.
      const end = n.transitions.find((t) => t.to === 'Succeeding' || TERMINAL_NODE_PHASES.has(t.to))?.at;
      if (end !== undefined) last = { ...last, finished: end };
      else {
        // An aborted pod ran at least until the abort.
        const w = this.windows.get(n.id);
        if (w?.aborted) last = { ...last, finished: w.end.at };
      }
    }
    const r: { runtime?: number; podStart?: number } = {};
    const lag = this.opts.podStartLagSeconds ?? 0;
    if (last.started !== undefined && last.finished !== undefined && last.finished >= last.started) r.runtime = (last.finished - last.started) / 1e9;
    if (last.created !== undefined && last.started !== undefined && last.started >= last.created) {
      r.podStart = Math.max(0, (last.started - last.created) / 1e9 - lag);
    } else if (last.started === undefined && last.created !== undefined && last.finished !== undefined && last.finished >= last.created) {
      // Running was never observed (the pod ran between two rounds): keep the whole time from
      // create to exit, split as the model's typical pod start and the rest.
      const total = Math.max(0, (last.finished - last.created) / 1e9 - lag);
      r.podStart = Math.min(total, this.opts.podStartSeconds ?? 0);
      r.runtime = total - r.podStart;
    }
    if (r.runtime !== undefined || r.podStart !== undefined) this.replay[n.id] = r;
  }

  /**
   * Map subtasks that failed attempts: each fails as many as its recording saw fail. A subtask that
   * ended Failed ran out of attempts, which sets every subtask's budget (one retry strategy for all);
   * an array that succeeded with some failed needed no more successes than it got.
   */
  private subtaskFailures(n: NodeRecord, subs: NodeRecord[], wn: WorkflowNode): void {
    let budget = 0;
    let succeeded = 0;
    let failedCount = 0;
    for (const s of subs) {
      const attempts = Math.max(podsOf(s).length, (s.retries ?? 0) + 1);
      // out of attempts: Failed, or still Failing when the array decided in that round
      const failed = s.transitions.some((t) => t.to === 'Failed' || t.to === 'Failing');
      if (s.transitions.at(-1)?.to === 'Succeeded') succeeded++;
      const failedAttempts = failed ? attempts : attempts - 1;
      if (failed) budget = Math.max(budget, attempts);
      // the array's verdict counts only those already Failed
      if (s.transitions.some((t) => t.to === 'Failed')) failedCount++;
      if (failedAttempts > 0) (this.replay[s.id] ??= {}).failedAttempts = failedAttempts;
    }
    if (budget === 0) return;
    wn.maxAttempts = budget;
    // the criteria the recording met, or failed at its last failure
    if (n.transitions.at(-1)?.to === 'Succeeded') wn.map!.minSuccesses = succeeded;
    else wn.map!.minSuccesses = Math.max(1, subs.length - failedCount + 1);
  }

  /**
   * When a gate (or a node replayed as one) opened, from the round that saw it open at
   * `terminal`: a gate opens between two rounds and only the next one notices, so the recorded
   * time holds that wait too, which the simulation adds again. The midpoint between the last
   * round before and `terminal` takes it out on average.
   */
  private openedAt(terminal: number): number {
    let prev = -Infinity;
    for (const h of this.exec.handles) for (const r of h.rounds) if (r.end < terminal && r.end > prev) prev = r.end;
    return prev === -Infinity ? terminal : Math.round((prev + terminal) / 2);
  }

  /** The workflow of one scope: nodes whose parent is `parent` (top level: none, or not recorded). */
  def(name: string, parent: string | undefined): WorkflowDef {
    let level = this.exec.nodes.filter((n) =>
      parent === undefined ? n.parent === undefined || !this.recorded.has(n.parent) : n.parent === parent,
    );
    if (parent !== undefined) level = oneRun(level, parent);
    const nodes: WorkflowNode[] = [];
    const ids = new Set<string>();
    let failureNode: WorkflowNode | undefined;
    for (const n of level) {
      if (n.kind === 'subnode') continue;
      if (parent === undefined && failureNode === undefined && this.ranAsFailureNode(n)) {
        failureNode = { ...this.node(n, parent), upstream: [] };
        continue;
      }
      const wn = this.node(n, parent);
      if (ids.has(wn.id)) continue;
      ids.add(wn.id);
      nodes.push(wn);
    }
    const start = nodes.find((n) => n.kind === 'start');
    // Upstreams must exist in the scope; nodes with none hang off the start node.
    for (const n of nodes) {
      if (n.kind === 'start') {
        n.upstream = [];
        continue;
      }
      n.upstream = n.upstream.filter((u) => ids.has(u) && u !== n.id);
      if (n.upstream.length === 0 && start && n.kind !== 'end') n.upstream = [start.id];
    }
    // Every sink feeds the end node (logs name only the one that finished last).
    const end = nodes.find((n) => n.kind === 'end');
    if (end) {
      const hasDown = new Set(nodes.flatMap((n) => n.upstream));
      const sinks = nodes.filter((n) => n !== end && !hasDown.has(n.id)).map((n) => n.id);
      end.upstream = [...new Set([...end.upstream, ...sinks])];
      if (end.upstream.length === 0 && start) end.upstream = [start.id];
    }
    if ('cycle' in topologicalOrder(nodes)) {
      // Inconsistent input: fall back to the recorded order as a chain.
      const order = nodes
        .map((n, i) => ({ n, at: firstAndTerminal(level.find((r) => localId(r.id, parent) === n.id)!).first ?? Infinity, i }))
        .sort((a, b) => a.at - b.at || a.i - b.i);
      order.forEach((o, i) => (o.n.upstream = i === 0 ? [] : [order[i - 1]!.n.id]));
    }
    const def: WorkflowDef = { name, nodes, specBytes: parent === undefined ? specBytesOf(this.exec) : DEFAULT_SPEC_BYTES };
    if (failureNode !== undefined) def.failureNode = failureNode;
    return def;
  }

  /** The workflow's failure node: the one node first handled while the workflow was in HandlingFailureNode. */
  private ranAsFailureNode(n: NodeRecord): boolean {
    const t = n.transitions[0];
    if (t === undefined || t.handle === undefined || t.round === undefined) return false;
    return this.exec.handles[t.handle]?.rounds[t.round]?.phase === 'HandlingFailureNode';
  }

  private node(n: NodeRecord, parent: string | undefined): WorkflowNode {
    const id = localId(n.id, parent);
    let kind = KIND[n.kind] ?? 'task';
    // A node whose kind the input does not say (logs that do record task events), that ran no
    // pod, sent no task event and holds no nodes of its own, only waited: a gate, or a launch plan whose child a log does not
    // link. Replaying it as a task would invent a pod; a gate of the recorded time keeps its time.
    // (A node that was only skipped never ran: it stays a task.)
    const onlySkipped = n.transitions.length > 0 && n.transitions.every((t) => t.to === 'Skipped');
    if (n.kind === 'unknown' && this.taskEvents && !onlySkipped && podsOf(n).length === 0 && (n.taskPhases?.length ?? 0) === 0 && !this.exec.nodes.some((c) => c.parent === n.id)) {
      kind = 'gate';
    }
    let upstream: string[];
    if (n.upstream !== undefined) upstream = n.upstream.map((u) => localId(u, parent));
    else {
      const from = this.windows.get(n.id)?.from;
      upstream = from !== undefined ? [localId(from, parent)] : [];
      // A node that was only skipped lay below a failure: the nodes of its scope that had failed
      // by then become its upstreams, so that a replay skips it again instead of running it.
      if (onlySkipped) {
        const at = n.transitions[0]!.at;
        for (const m of this.exec.nodes) {
          if (m === n || m.parent !== n.parent || !m.transitions.some((t) => t.to === 'Failed' && t.at <= at)) continue;
          const u = localId(m.id, parent);
          if (!upstream.includes(u)) upstream.push(u);
        }
      }
    }
    const wn: WorkflowNode = { id, kind, upstream };
    const blob = this.blobs.get(n.id);
    if (blob?.input !== undefined) wn.inputBytes = blob.input;
    if (blob?.output !== undefined) wn.outputBytes = blob.output;
    const pods = podsOf(n);
    const retries = n.retries ?? Math.max(0, pods.length - 1);
    if (kind === 'task' && pods.length > 0 && n.transitions.some((t) => t.to === 'Failed')) {
      // It ran out of attempts: every one failed, and there were no more.
      wn.failedAttempts = pods.length;
      wn.maxAttempts = pods.length;
    } else if (retries > 0 && kind === 'task') wn.failedAttempts = retries;
    // a dynamic node retried (its sub-DAG's run failed): the same failure replays, within as many attempts
    if (kind === 'dynamic' && retries > 0) wn.maxAttempts = retries + 1;
    if (n.cache !== undefined) wn.cache = { hit: n.cache === 'hit' };
    else if (n.kind === 'cachedTask') wn.cache = { hit: pods.length === 0 };
    // deadlines the recording saw pass apply again (others it cannot know)
    if (n.activeDeadline !== undefined) wn.activeDeadline = n.activeDeadline / 1e9;
    if (n.executionDeadline !== undefined) {
      wn.executionDeadline = n.executionDeadline / 1e9;
      // its attempts ended by the deadline, not by a failing pod (a log cannot tell which did
      // which): the recorded runtime runs into the deadline again, within the attempts made
      if (kind === 'task') {
        delete wn.failedAttempts;
        wn.maxAttempts = Math.max(1, pods.length, retries + 1);
      }
    }
    switch (kind) {
      case 'task':
      case 'dynamic':
        this.recordTimes(n);
        break;
      case 'map': {
        // Subnodes: every child of the map (logs cannot tell their kind).
        const subs = this.exec.nodes.filter((c) => c.parent === n.id && c.kind !== 'start' && c.kind !== 'end');
        for (const s of subs) this.recordTimes(s);
        wn.map = { size: Math.max(1, subs.length), parallelism: observedParallelism(subs) };
        this.subtaskFailures(n, subs, wn);
        // an array of launch plans: its subnodes launched child executions (one replayed for all)
        const kid = (this.children.get(this.exec.id) ?? []).find((c) => c.parentNode !== undefined && c.parentNode.startsWith(n.id + '/'));
        if (kid !== undefined) this.launchedBy(wn, kid);
        break;
      }
      case 'gate': {
        // Recorded exactly when the input has it: from the Running transition to the opening.
        const running = n.transitions.find((t) => t.to === 'Running')?.at;
        if (n.gateOpened !== undefined && running !== undefined) {
          wn.gate = { type: 'constant', value: Math.max(0, (n.gateOpened - running) / 1e9) };
          break;
        }
        const { first, terminal } = firstAndTerminal(n);
        wn.gate = { type: 'constant', value: first !== undefined && terminal !== undefined ? Math.max(0, (this.openedAt(terminal) - first) / 1e9) : 0 };
        break;
      }
      default:
        break;
    }
    if (kind === 'dynamic') wn.dynamic = this.def(`${id}-dynamic`, n.id);
    if (kind === 'subworkflow') wn.subworkflow = this.def(`${id}-subworkflow`, n.id);
    if (kind === 'launchplan') {
      const child = (this.children.get(this.exec.id) ?? []).find((c) => c.parentNode === n.id);
      if (child) this.launchedBy(wn, child);
      else wn.launchplan = { name: `${id}-lp`, nodes: [], specBytes: 2048 };
    }
    return wn;
  }

  /** `wn` launches `child`'s workflow again, with the child's recorded quantities. */
  private launchedBy(wn: WorkflowNode, child: Execution): void {
    const b = new PlanBuilder(child, this.children, this.opts);
    wn.launchplan = topLevelDef(b, child, child.workflow ?? `${wn.id}-lp`);
    if (Object.keys(b.replay).length > 0) wn.launchplanReplay = b.replay;
  }
}

/** The plan that re-simulates one recorded execution (arrival in seconds from the recording origin). */
export function replayPlan(exec: Execution, children: ReadonlyMap<string, Execution[]> = new Map(), opts: ReplayOptions = {}): ExecutionPlan {
  const b = new PlanBuilder(exec, children, opts);
  const workflow = topLevelDef(b, exec, exec.workflow ?? exec.id);
  const { project, domain } = namespaceParts(exec);
  const plan: ExecutionPlan = {
    id: exec.id,
    arrival: executionSpan(exec).start.at / 1e9,
    project,
    domain,
    namespace: exec.namespace,
    workflow,
  };
  if (Object.keys(b.replay).length > 0) plan.replay = b.replay;
  return plan;
}

/**
 * Plans for every top-level execution of the recording (launch-plan children run inside their
 * parents' plans). Arrivals keep their recorded spacing, shifted so that none is negative.
 */
export function replayPlans(rec: Recording, opts: ReplayOptions = {}): ExecutionPlan[] {
  const ids = new Set(rec.executions.map((e) => e.id));
  const children = new Map<string, Execution[]>();
  for (const e of rec.executions) {
    if (e.parent === undefined || !ids.has(e.parent)) continue;
    const l = children.get(e.parent) ?? [];
    l.push(e);
    children.set(e.parent, l);
  }
  const plans = rec.executions.filter((e) => e.parent === undefined || !ids.has(e.parent)).map((e) => replayPlan(e, children, opts));
  const min = Math.min(0, ...plans.map((p) => p.arrival));
  if (min < 0) for (const p of plans) p.arrival -= min;
  return plans;
}
