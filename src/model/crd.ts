import type { Distribution } from '../engine/distributions.js';
import type { BranchDef, ExecutionPlan, WorkflowDef, WorkflowNode } from './workflow.js';
import { branchInputs, decideBranch } from './branch-decision.js';
import { InputError } from '../timeline/errors.js';
import { topologicalOrder } from './dag.js';
import { parseDuration } from './quantities.js';
import { estimateSpec, TASK_TEMPLATE_BYTES } from './spec-size.js';
import { formatPath } from './zod-errors.js';

/**
 * FlyteWorkflow custom resource (`kubectl get flyteworkflow NAME -o json`, JSON or YAML) →
 * WorkflowDef. What propeller sees is what drives the model: `spec.nodes` (kinds start, end,
 * task, branch, workflow, gate, array), the DAG (`spec.edges`, falling back to the older
 * `spec.connections` as propeller does), task templates from `tasks`, inline `subWorkflows`,
 * and the real serialized size of the object without its status.
 *
 * What a CR cannot tell is left to defaults or options: user runtimes (unset, so the Model's
 * defaultRuntime applies), whether a cacheable task hits (miss: a first run), which branch case
 * is taken when its conditions read other nodes' outputs (the one the CR's status records, else
 * the `if` case; conditions on the execution's inputs are evaluated; a subworkflow several nodes use
 * takes the cases its first node's status records), the size of a map task when neither the template nor the workflow
 * inputs give it, and the workflow behind a launch plan (a one-task placeholder). A dynamic task
 * looks like any python task in a CR; scenario files can turn one into a dynamic node.
 */

export interface CrdOptions {
  /** File name for error messages. */
  file?: string;
  /** Whether cacheable (`discoverable`) tasks hit the catalog. Default: as the CR's status records (`cached`), else false. */
  cacheHit?: boolean;
  /** Map task size when the template and the inputs do not give it. Default 10. */
  defaultMapSize?: number;
  /** Child workflows of launch plan nodes, by launch plan name (`launchPlanRefId.name`). */
  launchPlans?: Record<string, WorkflowDef>;
  /** Runtime for task-like nodes; unset leaves it to the Model's defaultRuntime. */
  defaultRuntime?: Distribution;
  /** Gate duration for approve/signal gates (sleep gates use their duration). Default 60 s. */
  gateSeconds?: number;
}

type Obj = Record<string, unknown>;
type Path = (string | number)[];

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const bytesOf = (v: unknown): number => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v), 'utf8'));

/** True when `data` looks like one FlyteWorkflow CR. */
export function isFlyteWorkflowCr(data: unknown): boolean {
  if (!isObj(data)) return false;
  if (typeof data.kind === 'string' && data.kind.toLowerCase() === 'flyteworkflow') return true;
  // Without `kind` (stripped by hand): the fields only a FlyteWorkflow has.
  if (typeof data.workflowClosureReference === 'string' && ('executionId' in data || 'spec' in data)) return true;
  return isObj(data.spec) && isObj(data.spec.nodes) && 'tasks' in data;
}

const NODE_KINDS = ['start', 'end', 'task', 'branch', 'workflow', 'gate', 'array'];

/**
 * What part of a FlyteWorkflow `data` is, when it is one but not a whole CR (a node spec, a
 * task template, a connections map or a workflow spec cut out of one, as Flyte's own test data
 * holds); undefined otherwise. Lets a loader say why such a file cannot be simulated.
 */
export function flyteWorkflowPart(data: unknown): string | undefined {
  if (!isObj(data) || isFlyteWorkflowCr(data)) return undefined;
  if (typeof data.kind === 'string' && NODE_KINDS.includes(data.kind) && typeof data.id === 'string') {
    return `one node of a FlyteWorkflow (a ${data.kind} node, id ${JSON.stringify(data.id)})`;
  }
  if (isObj(data.id) && typeof data.type === 'string' && (isObj(data.interface) || isObj(data.container) || isObj(data.metadata))) {
    return 'one task template of a FlyteWorkflow';
  }
  if (isObj(data.nodes) && (isObj(data.connections) || isObj(data.edges))) return 'the workflow spec of a FlyteWorkflow, without the CR around it';
  // Node ids to downstream ids, some of them non-empty (an empty scenario's `executions: []` is not one).
  const values = Object.values(data);
  if (values.some((v) => Array.isArray(v) && v.length > 0) && values.every((v) => Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
    return "a FlyteWorkflow's connections (node id to downstream node ids)";
  }
  return undefined;
}

/** True when `data` is a list of FlyteWorkflow CRs (`kubectl get flyteworkflow -o json`). */
export function isFlyteWorkflowList(data: unknown): data is { items: unknown[] } {
  return isObj(data) && Array.isArray(data.items) && data.items.length > 0 && data.items.every(isFlyteWorkflowCr);
}

interface Ctx {
  opts: CrdOptions;
  tasks: Obj;
  subWorkflows: Obj;
  inputs: unknown;
  /**
   * `status.nodeStatus` of the workflow being compiled (a subworkflow's: its node's
   * `subNodeStatus`), from a CR of a run under way or done: it says which branch cases were taken.
   */
  status: Obj;
  /** executionConfig.OverwriteCache: no catalog reads. */
  overwriteCache: boolean;
  /** Subworkflow ids being compiled (cycle guard) and compiled ones (shared). */
  stack: string[];
  compiled: Map<string, WorkflowDef>;
}

function fail(ctx: Ctx, path: Path, message: string): never {
  throw new InputError(message, { file: ctx.opts.file, path: formatPath(path) || undefined });
}

/** The CR as a WorkflowDef. Throws InputError naming the file and the field. */
export function crdToWorkflow(cr: unknown, opts: CrdOptions = {}): WorkflowDef {
  const ctx: Ctx = { opts, tasks: {}, subWorkflows: {}, inputs: undefined, status: {}, overwriteCache: false, stack: [], compiled: new Map() };
  if (!isObj(cr)) fail(ctx, [], 'expected a FlyteWorkflow object (kubectl get flyteworkflow NAME -o json)');
  const noNodes = !isObj(cr.spec) || !isObj(cr.spec.nodes) || Object.keys(cr.spec.nodes).length === 0;
  if (noNodes && typeof cr.workflowClosureReference === 'string' && cr.workflowClosureReference !== '') {
    fail(
      ctx,
      ['workflowClosureReference'],
      `the workflow closure of this CR is offloaded to the blobstore (${cr.workflowClosureReference}), so it has no spec to simulate; ` +
        'use a CR from a deployment without useOffloadedWorkflowClosure, or splice the closure back in',
    );
  }
  if (!isObj(cr.spec) || !isObj(cr.spec.nodes)) fail(ctx, ['spec'], 'missing the workflow spec (is this a FlyteWorkflow CR?)');
  if (cr.tasks !== undefined && cr.tasks !== null && !isObj(cr.tasks)) fail(ctx, ['tasks'], 'expected a map of task templates');
  if (cr.subWorkflows !== undefined && cr.subWorkflows !== null && !isObj(cr.subWorkflows)) {
    fail(ctx, ['subWorkflows'], 'expected a map of workflow specs');
  }
  ctx.tasks = (cr.tasks as Obj | undefined) ?? {};
  ctx.subWorkflows = (cr.subWorkflows as Obj | undefined) ?? {};
  ctx.inputs = cr.inputs;
  if (isObj(cr.status) && isObj(cr.status.nodeStatus)) ctx.status = cr.status.nodeStatus;
  // OverwriteCache: the execution skips catalog reads, so no cacheable task hits.
  ctx.overwriteCache = isObj(cr.executionConfig) && cr.executionConfig.OverwriteCache === true;

  const wf = compileSpec(cr.spec, ['spec'], ctx);
  const { status: _status, ...withoutStatus } = cr;
  wf.specBytes = bytesOf(withoutStatus);
  wf.closureBytes = bytesOf(ctx.tasks) + bytesOf(ctx.subWorkflows) + bytesOf(cr.spec.nodes);
  const ec = cr.executionConfig;
  // What the CR says is what propeller applies: 0 disables the limit (IsMaxParallelismAchieved);
  // only a CR without the field gets the model's (admin's default).
  if (isObj(ec) && typeof ec.MaxParallelism === 'number' && ec.MaxParallelism >= 0) {
    wf.maxParallelism = Math.floor(ec.MaxParallelism);
  }
  return wf;
}

/** One execution of the CR, named and placed as its metadata says. */
export function crdExecution(cr: unknown, workflow: WorkflowDef, arrival = 0): ExecutionPlan {
  const root = isObj(cr) ? cr : {};
  const meta = isObj(root.metadata) ? root.metadata : {};
  const labels = isObj(meta.labels) ? meta.labels : {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const eid = isObj(root.executionId) ? root.executionId : {};
  const project = str(labels.project) ?? str(eid.project) ?? 'flytesnacks';
  const domain = str(labels.domain) ?? str(eid.domain) ?? 'development';
  return {
    id: str(labels['execution-id']) ?? str(meta.name) ?? str(eid.name) ?? 'cr-0001',
    arrival,
    project,
    domain,
    namespace: str(meta.namespace) ?? `${project}-${domain}`,
    workflow,
  };
}

/** Upstream ids per node, from `edges` (upstream, or downstream inverted) or `connections`. */
function upstreamMap(spec: Obj, path: Path, ctx: Ctx): { up: Map<string, string[]>; from: Path } {
  const up = new Map<string, string[]>();
  const nonEmpty = (v: unknown): v is Obj => isObj(v) && Object.keys(v).length > 0;
  const invert = (down: Obj, at: Path) => {
    for (const [from, tos] of Object.entries(down)) {
      if (!Array.isArray(tos)) fail(ctx, [...at, from], 'expected a list of node ids');
      for (const to of tos) {
        if (typeof to !== 'string') fail(ctx, [...at, from], 'expected a list of node ids');
        const list = up.get(to) ?? [];
        if (!list.includes(from)) list.push(from);
        up.set(to, list);
      }
    }
  };
  const edges = spec.edges;
  if (isObj(edges) && nonEmpty(edges.upstream)) {
    const at = [...path, 'edges', 'upstream'];
    for (const [to, froms] of Object.entries(edges.upstream)) {
      if (!Array.isArray(froms) || froms.some((f) => typeof f !== 'string')) fail(ctx, [...at, to], 'expected a list of node ids');
      up.set(to, [...new Set(froms as string[])]);
    }
    return { up, from: at };
  }
  if (isObj(edges) && nonEmpty(edges.downstream)) {
    invert(edges.downstream, [...path, 'edges', 'downstream']);
    return { up, from: [...path, 'edges', 'downstream'] };
  }
  if (isObj(spec.connections)) {
    invert(spec.connections, [...path, 'connections']);
    return { up, from: [...path, 'connections'] };
  }
  return { up, from: [...path, 'connections'] };
}

function compileSpec(specValue: unknown, path: Path, ctx: Ctx): WorkflowDef {
  if (!isObj(specValue)) fail(ctx, path, 'expected a workflow spec');
  const spec = specValue;
  if (!isObj(spec.nodes)) fail(ctx, [...path, 'nodes'], 'expected a map of nodes');
  const nodes = spec.nodes;
  const ids = Object.keys(nodes);
  if (!Object.hasOwn(nodes, 'start-node')) fail(ctx, [...path, 'nodes'], 'no "start-node"');

  // Branch cases: their status lives under the branch; they have no upstream of their own.
  const branchOf = new Map<string, string>();
  const branches = new Map<string, BranchDef>();
  for (const id of ids) {
    const n = nodes[id];
    // (the kind inferred as compileNode infers it, for a node written without one)
    if (!isObj(n) || (n.kind ?? inferredKind(id, n)) !== 'branch') continue;
    const at = [...path, 'nodes', id, 'branch'];
    const b = n.branch;
    if (!isObj(b)) fail(ctx, at, 'branch node without a branch spec');
    const cases: string[] = [];
    const addCase = (v: unknown, p: Path) => {
      if (typeof v !== 'string') fail(ctx, p, 'expected a node id');
      if (!Object.hasOwn(nodes, v)) fail(ctx, p, `unknown node "${v}"`);
      if (branchOf.has(v) && branchOf.get(v) !== id) fail(ctx, p, `node "${v}" is a case of two branches`);
      branchOf.set(v, id);
      if (!cases.includes(v)) cases.push(v);
    };
    if (!isObj(b.if)) fail(ctx, [...at, 'if'], 'branch without an if case');
    addCase(b.if.then, [...at, 'if', 'then']);
    if (b.elseIf !== undefined && b.elseIf !== null) {
      if (!Array.isArray(b.elseIf)) fail(ctx, [...at, 'elseIf'], 'expected a list of cases');
      b.elseIf.forEach((c, i) => addCase(isObj(c) ? c.then : undefined, [...at, 'elseIf', i, 'then']));
    }
    if (b.else !== undefined && b.else !== null && b.else !== '') addCase(b.else, [...at, 'else']);
    // The case the CR's status says was taken (`branchStatus.finalNodeId`); else the one its
    // conditions pick from the workflow's inputs (a subworkflow's: what its node binds from the
    // enclosing workflow's inputs and literals); else the `if` case.
    const st = ctx.status[id];
    const final = isObj(st) && isObj(st.branchStatus) ? st.branchStatus.finalNodeId : undefined;
    if (typeof final === 'string' && cases.includes(final)) {
      branches.set(id, { cases, taken: final, by: 'status' });
      continue;
    }
    const literals = isObj(ctx.inputs) && isObj(ctx.inputs.literals) ? ctx.inputs.literals : undefined;
    const decided = decideBranch(b, branchInputs(n.inputBindings, literals));
    if (decided !== undefined && 'fails' in decided) {
      branches.set(id, { cases, taken: cases[0]!, fails: decided.fails, by: 'inputs', ...(decided.malformed ? { malformed: true as const } : {}) });
    } else if (decided !== undefined && cases.includes(decided.taken)) {
      branches.set(id, { cases, taken: decided.taken, by: 'inputs' });
    } else {
      branches.set(id, { cases, taken: cases[0]! });
    }
  }

  const { up, from } = upstreamMap(spec, path, ctx);
  for (const [to, froms] of up) {
    if (!Object.hasOwn(nodes, to)) fail(ctx, [...from, to], `unknown node "${to}"`);
    for (const f of froms) if (!Object.hasOwn(nodes, f)) fail(ctx, [...from, to], `unknown node "${f}"`);
  }

  const out: WorkflowNode[] = ids.map((id) => compileNode(id, nodes[id], [...path, 'nodes', id], ctx, branches));
  for (const n of out) {
    const owner = branchOf.get(n.id);
    if (owner !== undefined) n.branchOf = owner;
    else if (n.kind !== 'start') n.upstream = (up.get(n.id) ?? []).filter((u) => !branchOf.has(u));
  }
  const ordered = topologicalOrder(out);
  if ('cycle' in ordered) fail(ctx, from, `cycle: ${ordered.cycle.join(' -> ')}`);

  const name = typeof spec.id === 'string' && spec.id !== '' ? spec.id : 'workflow';
  // Inline subworkflows: their share of the parent CR (the parent's size is measured whole).
  const wf: WorkflowDef = { name, nodes: ordered.order, specBytes: bytesOf(spec) };
  // The failure node runs only when the workflow fails; it is outside the DAG.
  if (isObj(spec.onFailure)) {
    const f = spec.onFailure;
    const fid = typeof f.id === 'string' && f.id !== '' ? f.id : 'failure-node';
    if (Object.hasOwn(nodes, fid)) fail(ctx, [...path, 'onFailure', 'id'], `failure node id "${fid}" is also in nodes`);
    wf.failureNode = compileNode(fid, f, [...path, 'onFailure'], ctx, branches);
  }
  // The CRD marshals the policy by name (propellers before 2022 by enumer's trimmed name); a raw
  // enum value of 1 means the same.
  const policy = spec.onFailurePolicy;
  if (policy === 'FAIL_AFTER_EXECUTABLE_NODES_COMPLETE' || policy === 'FailAfterExecutableNodesComplete' || policy === 1) {
    wf.onFailurePolicy = 'afterExecutableNodesComplete';
  }
  return wf;
}

/** A node's attempts from its `retry` strategy: `minAttempts` when it is a positive integer, else 1. */
function minAttempts(retry: unknown): number {
  const m = isObj(retry) ? retry.minAttempts : undefined;
  const v = typeof m === 'string' ? Number(m) : m;
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : 1;
}

function compileNode(
  id: string,
  value: unknown,
  path: Path,
  ctx: Ctx,
  branches: Map<string, BranchDef>,
): WorkflowNode {
  if (!isObj(value)) fail(ctx, path, 'expected a node spec');
  const n = value;
  const node: WorkflowNode = { id, kind: 'task', upstream: [] };
  const runtime = ctx.opts.defaultRuntime;
  // metav1.Duration strings ("40m0s"); nil or 0 leaves the node to the configured default.
  for (const key of ['activeDeadline', 'executionDeadline'] as const) {
    if (n[key] === undefined || n[key] === null) continue;
    const d = parseDuration(protoDuration(n[key]));
    if (typeof d === 'string') fail(ctx, [...path, key], d);
    if (d > 0) node[key] = d;
  }
  switch (n.kind ?? inferredKind(id, n)) {
    case 'start':
      node.kind = 'start';
      return node;
    case 'end':
      node.kind = 'end';
      return node;
    case 'task': {
      // Early CRs named the template in `task_ref`; the CRD's NodeSpec reads only `task`, so
      // propeller finds no task for such a node.
      if (n.task === undefined && n.task_ref !== undefined) {
        fail(ctx, [...path, 'task'], 'task node without a task reference; it has task_ref, a field of an older format that propeller does not read');
      }
      const t = template(n.task, [...path, 'task'], ctx);
      node.taskType = t.type;
      if (t.type === 'container_array') {
        node.kind = 'map';
        node.map = { size: t.size ?? mapSize(mapInputLengths(n, new Set(), ctx), ctx), parallelism: t.parallelism ?? 0 };
        if (runtime) node.map.runtime = runtime;
      }
      if (t.cacheable) node.cache = ctx.overwriteCache ? { hit: false, overwrite: true } : { hit: cacheHit(id, ctx) };
      if (runtime) node.runtime = runtime;
      // isEligibleForRetry: the retry strategy's minAttempts (the compiler's retries + 1), else
      // propeller's default of one attempt.
      if (node.kind === 'task') node.maxAttempts = minAttempts(n.retry);
      return node;
    }
    case 'array': {
      const a = n.array;
      if (!isObj(a)) fail(ctx, [...path, 'array'], 'array node without an array spec');
      const sub = a.subNodeSpec ?? a.SubNodeSpec;
      const subKey = 'subNodeSpec' in a ? 'subNodeSpec' : 'SubNodeSpec';
      if (!isObj(sub)) fail(ctx, [...path, 'array', subKey], 'expected the sub-node spec');
      // Subnodes are usually tasks. Each subnode of an array of launch plans launches a child
      // execution (the launch-plan handler); other kinds are modelled as tasks, the template type
      // being the sub-node's kind.
      const subKind = sub.kind ?? inferredKind(id, sub);
      const t =
        subKind === 'task' || sub.task !== undefined
          ? template(sub.task, [...path, 'array', subKey, 'task'], ctx)
          : { type: typeof subKind === 'string' ? subKind : 'task', cacheable: false };
      const par = a.parallelism ?? a.Parallelism;
      node.kind = 'map';
      node.taskType = t.type;
      const lengths = mapInputLengths(n, boundInputs(a), ctx);
      node.map = {
        size: recordedArraySize(id, ctx) ?? t.size ?? mapSize(lengths, ctx),
        parallelism: typeof par === 'number' && par > 0 ? par : 0,
      };
      // ArrayNodePhaseNone: lists of different lengths fail the node before any subnode runs
      const other = lengths.find((l) => l !== lengths[0]);
      if (other !== undefined) node.map.invalid = `input arrays have different lengths: expecting '${lengths[0]}' found '${other}'`;
      // `Parallelism` is a *uint32: nil (null or absent) means "the workflow's", 0 unlimited.
      if (typeof par !== 'number') node.map.workflowParallelism = true;
      // Success criteria: `minSuccesses` wins over `minSuccessRatio`; neither means every subtask.
      const minN = a.minSuccesses ?? a.MinSuccesses;
      const minR = a.minSuccessRatio ?? a.MinSuccessRatio;
      if (typeof minN === 'number' && minN >= 0) node.map.minSuccesses = Math.floor(minN);
      else if (typeof minR === 'number' && minR >= 0 && minR <= 1) node.map.minSuccessRatio = minR;
      // Each subtask's attempts: the sub-node's retry strategy (the ArrayNode itself never retries).
      node.maxAttempts = minAttempts(sub.retry);
      if (t.cacheable) node.cache = ctx.overwriteCache ? { hit: false, overwrite: true } : { hit: cacheHit(id, ctx) };
      if (runtime) {
        node.runtime = runtime;
        node.map.runtime = runtime;
      }
      const child = subKind === 'workflow' && isObj(sub.workflow) ? launchPlanOf(sub.workflow.launchPlanRefId, id, runtime, ctx) : undefined;
      if (child !== undefined) node.launchplan = child;
      return node;
    }
    case 'branch':
      node.kind = 'branch';
      node.branch = branches.get(id)!;
      return node;
    case 'gate': {
      node.kind = 'gate';
      const g = isObj(n.gate) ? n.gate : {};
      let seconds = ctx.opts.gateSeconds ?? 60;
      if (isObj(g.sleep) && g.sleep.duration !== undefined && g.sleep.duration !== null) {
        const d = parseDuration(protoDuration(g.sleep.duration));
        if (typeof d === 'string') fail(ctx, [...path, 'gate', 'sleep', 'duration'], d);
        if (d < 0) fail(ctx, [...path, 'gate', 'sleep', 'duration'], `expected a non-negative duration, got ${JSON.stringify(g.sleep.duration)}`);
        seconds = d;
      }
      node.gate = { type: 'constant', value: seconds };
      return node;
    }
    case 'workflow': {
      const w = n.workflow;
      if (!isObj(w)) fail(ctx, [...path, 'workflow'], 'workflow node without a workflow spec');
      if (typeof w.subWorkflowRef === 'string' && w.subWorkflowRef !== '') {
        node.kind = 'subworkflow';
        const outer = ctx.status;
        const st = outer[id];
        ctx.status = isObj(st) && isObj(st.subNodeStatus) ? st.subNodeStatus : {};
        const outerInputs = ctx.inputs;
        ctx.inputs = { literals: boundLiterals(n.inputBindings, scopeLiterals(ctx)) };
        node.subworkflow = subworkflow(w.subWorkflowRef, [...path, 'workflow', 'subWorkflowRef'], ctx);
        ctx.inputs = outerInputs;
        ctx.status = outer;
        return node;
      }
      const child = launchPlanOf(w.launchPlanRefId, id, runtime, ctx);
      if (child !== undefined) {
        node.kind = 'launchplan';
        node.launchplan = child;
        return node;
      }
      return fail(ctx, [...path, 'workflow'], 'workflow node with neither subWorkflowRef nor launchPlanRefId');
    }
    default:
      return fail(ctx, [...path, 'kind'], `unknown node kind ${JSON.stringify(n.kind)} (expected start, end, task, branch, workflow, gate or array)`);
  }
}

/**
 * The child workflow a `launchPlanRefId` names (an Identifier; as a string, in a hand-made CR,
 * the launch plan's name): the one given for that name, else a placeholder; undefined for no reference.
 */
function launchPlanOf(ref: unknown, id: string, runtime: Distribution | undefined, ctx: Ctx): WorkflowDef | undefined {
  if (!(isObj(ref) || (typeof ref === 'string' && ref !== ''))) return undefined;
  const name = typeof ref === 'string' ? ref : typeof ref.name === 'string' && ref.name !== '' ? ref.name : id;
  return ctx.opts.launchPlans?.[name] ?? placeholderLaunchPlan(name, runtime);
}

/** The node's status in the CR (a run under way or done), or an empty object. */
function statusOf(id: string, ctx: Ctx): Obj {
  const st = ctx.status[id];
  return isObj(st) ? st : {};
}

/** A cacheable node hits when asked to, or when the CR's status records a hit (`cached`); OverwriteCache never reads. */
function cacheHit(id: string, ctx: Ctx): boolean {
  if (ctx.overwriteCache) return false;
  return ctx.opts.cacheHit ?? statusOf(id, ctx).cached === true;
}

/** An ArrayNode's subnode count as its status records it (`arrayNodeStatus.subphase.count`). */
function recordedArraySize(id: string, ctx: Ctx): number | undefined {
  const a = statusOf(id, ctx).arrayNodeStatus;
  const phases = isObj(a) ? a.subphase : undefined;
  const count = isObj(phases) ? phases.count : undefined;
  return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : undefined;
}

/**
 * A protobuf Duration: jsonpb writes "300s"; other encoders write {seconds, nanos} (seconds an
 * int64, often a string). Anything else is left for parseDuration to reject.
 */
function protoDuration(v: unknown): unknown {
  if (!isObj(v) || (v.seconds === undefined && v.nanos === undefined)) return v;
  const s = Number(v.seconds ?? 0);
  const ns = Number(v.nanos ?? 0);
  return Number.isFinite(s) && Number.isFinite(ns) ? s + ns / 1e9 : v;
}

/** A node spec without `kind` (older or hand-made CRs): the kind its fields imply, as propeller's ids and specs do. */
function inferredKind(id: string, n: Obj): string | undefined {
  if (id === 'start-node') return 'start';
  if (id === 'end-node') return 'end';
  if (n.task !== undefined) return 'task';
  for (const k of ['branch', 'workflow', 'gate', 'array'] as const) if (isObj(n[k])) return k;
  return undefined;
}

interface Template {
  type: string;
  cacheable: boolean;
  size?: number;
  parallelism?: number;
}

function template(ref: unknown, path: Path, ctx: Ctx): Template {
  if (typeof ref !== 'string') fail(ctx, path, 'expected a task reference');
  const t = ctx.tasks[ref];
  if (!isObj(t)) fail(ctx, path, `unknown task ${JSON.stringify(ref)} (not in tasks)`);
  const meta = isObj(t.metadata) ? t.metadata : {};
  const custom = isObj(t.custom) ? t.custom : {};
  // Legacy array jobs carry size and parallelism in the template's custom ArrayJob.
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
  const size = num(custom.size);
  const parallelism = num(custom.parallelism);
  return {
    type: typeof t.type === 'string' ? t.type : 'python-task',
    cacheable: meta.discoverable === true,
    ...(size !== undefined && size > 0 ? { size } : {}),
    ...(parallelism !== undefined ? { parallelism } : {}),
  };
}

/** The inputs an ArrayNode passes whole to every subnode (`boundInputs`: not split, so not sized by). */
function boundInputs(a: Obj): Set<string> {
  const b = a.boundInputs ?? a.BoundInputs;
  return new Set(Array.isArray(b) ? b.filter((x): x is string => typeof x === 'string') : []);
}

/**
 * An ArrayNode's size from the lengths of the lists it splits (`mapInputLengths`). An empty list is
 * a size too: the array runs nothing and succeeds. No list known: the fallback.
 */
function mapSize(lengths: readonly number[], ctx: Ctx): number {
  return lengths.length > 0 ? Math.max(...lengths) : (ctx.opts.defaultMapSize ?? 10);
}

/**
 * The lengths of the collections an ArrayNode splits over its subnodes, as far as the CR tells
 * them (a literal list in the binding, or a list input of the workflow).
 */
function mapInputLengths(n: Obj, bound: Set<string>, ctx: Ctx): number[] {
  const literals = scopeLiterals(ctx);
  const lengths: number[] = [];
  for (const b of Array.isArray(n.inputBindings) ? n.inputBindings : []) {
    if (!isObj(b) || !isObj(b.binding) || (typeof b.var === 'string' && bound.has(b.var))) continue;
    const lit = bindingLiteral(b.binding, literals);
    const c = isObj(lit) ? lit.collection : undefined;
    if (!isObj(c)) continue;
    // (jsonpb writes an empty list as `{"collection": {}}`)
    if (Array.isArray(c.literals)) lengths.push(c.literals.length);
    else if (c.literals === undefined || c.literals === null) lengths.push(0);
  }
  return lengths;
}

/** The literals of the workflow being compiled (the execution's inputs, or a subworkflow's bound ones). */
function scopeLiterals(ctx: Ctx): Obj {
  return isObj(ctx.inputs) && isObj(ctx.inputs.literals) ? ctx.inputs.literals : {};
}

/**
 * What a subworkflow's start node gets from its node's input bindings (`[{var, binding}]`): the
 * literals written into them and the enclosing workflow's inputs they promise; what another node
 * produces is not known before it runs (left out). A list keeps its length, its unknown items
 * become empty literals.
 */
function boundLiterals(bindings: unknown, scope: Obj): Obj {
  const out: Obj = {};
  if (!Array.isArray(bindings)) return out;
  for (const b of bindings) {
    if (!isObj(b) || typeof b.var !== 'string' || !isObj(b.binding)) continue;
    const lit = bindingLiteral(b.binding, scope);
    if (lit !== undefined) out[b.var] = lit;
  }
  return out;
}

function bindingLiteral(bd: Obj, scope: Obj): unknown {
  if (isObj(bd.scalar)) return { scalar: bd.scalar };
  if (isObj(bd.promise)) return bd.promise.nodeId === 'start-node' && typeof bd.promise.var === 'string' ? scope[bd.promise.var] : undefined;
  if (isObj(bd.collection)) {
    const items = Array.isArray(bd.collection.bindings) ? bd.collection.bindings : [];
    return { collection: { literals: items.map((x) => (isObj(x) ? (bindingLiteral(x, scope) ?? {}) : {})) } };
  }
  return undefined;
}

function subworkflow(ref: string, path: Path, ctx: Ctx): WorkflowDef {
  // Shared by the nodes that use it with the same inputs and status (what it decides depends on
  // both: branch cases, array sizes, cache hits).
  const status = Object.keys(ctx.status).length > 0 ? JSON.stringify(ctx.status) : '';
  const key = `${ref}\u0000${JSON.stringify(scopeLiterals(ctx))}\u0000${status}`;
  const done = ctx.compiled.get(key);
  if (done) return done;
  if (ctx.stack.includes(ref)) fail(ctx, path, `subworkflow "${ref}" includes itself (${[...ctx.stack, ref].join(' -> ')})`);
  if (!Object.hasOwn(ctx.subWorkflows, ref)) fail(ctx, path, `unknown subworkflow "${ref}" (not in subWorkflows)`);
  ctx.stack.push(ref);
  const wf = compileSpec(ctx.subWorkflows[ref], ['subWorkflows', ref], ctx);
  ctx.stack.pop();
  ctx.compiled.set(key, wf);
  return wf;
}

/** A launch plan's child workflow when the scenario does not say: start → one task → end. */
export function placeholderLaunchPlan(name: string, runtime?: Distribution): WorkflowDef {
  const task: WorkflowNode = { id: 'n0', kind: 'task', upstream: ['start-node'], taskType: 'python-task' };
  if (runtime) task.runtime = runtime;
  const size = estimateSpec({ nodes: 3, edges: 2, templates: [TASK_TEMPLATE_BYTES] });
  return {
    name,
    nodes: [{ id: 'start-node', kind: 'start', upstream: [] }, task, { id: 'end-node', kind: 'end', upstream: ['n0'] }],
    specBytes: size.specBytes,
    closureBytes: size.closureBytes,
  };
}
