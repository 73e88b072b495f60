import { getHeapStatistics } from 'node:v8';
import { z } from 'zod';
import type { Distribution } from '../engine/distributions.js';
import { RandomStreams } from '../engine/random.js';
import type { ExecutionPlan, Scenario, WorkflowDef, WorkflowNode, WorkflowNodeKind } from './workflow.js';
import { InputError } from '../timeline/errors.js';
import { topologicalOrder } from './dag.js';
import { bytesSchema, distributionSchema, durationSchema, positiveDurationSchema } from './quantities.js';
import { estimateSpec, estimateSubworkflow, TASK_TEMPLATE_BYTES } from './spec-size.js';
import { formatPath, inputErrorFromZod } from './zod-errors.js';

/**
 * The scenario file format (YAML or JSON) and its compilation into a Scenario.
 *
 * ```yaml
 * name: fan-in
 * description: what the scenario shows (printed in the report header)
 * seed: 7                       # optional: seeds Poisson arrivals (default: the name)
 * defaults:                     # optional, all fields optional
 *   runtime: 30s                # task runtime when a node gives none (else the Model's defaultRuntime)
 *   inputBytes: 1KiB
 *   outputBytes: 1KiB
 *   project: flytesnacks        # namespace = <project>-<domain>
 *   domain: development
 * workflows:
 *   main:
 *     nodes:
 *       - id: prep              # kind defaults to task
 *         runtime: {lognormal: {median: 20s, sigma: 0.3}}
 *       - id: train
 *         after: [prep]         # upstream node ids; none = runs after the start node
 *         cache: hit            # cacheable task: hit | miss (also on a map task: each subtask;
 *                               # on a dynamic task: a hit skips the parent and its sub-DAG)
 *       - id: shard
 *         repeat: 8             # eight nodes shard-0 .. shard-7 (`chain: true` links them in a line);
 *         after: [prep]         # `after: [shard]` means all of them (the last one when chained)
 *       - {id: fan, map: {size: 100, parallelism: 10, runtime: 5s}, after: [prep]}
 *       - {id: sweep, map: {size: 20, failing: 2, minSuccessRatio: 0.9}, retries: 1}  # 2 subtasks fail
 *                             # each attempt (retries/failedAttempts count per subtask; without
 *                             # retries a failing subtask has one attempt); 18 of 20 must succeed
 *       - {id: dyn, dynamic: {nodes: [{id: a}, {id: b, after: [a]}]}}
 *       - {id: sub, subworkflow: other}              # a workflow of this file, or inline {nodes: [...]}
 *       - {id: child, launchplan: other}             # a child execution of a workflow of this file
 *       - id: pick
 *         branch: {cases: [{id: big, runtime: 60s}, {id: small}], taken: small}   # default: the first
 *       - {id: approve, gate: 5m}
 *       - {id: flaky, failedAttempts: 2, retries: 1}  # out of attempts: it fails, and so does the run
 *       - {id: slow, runtime: 30m, timeout: 20m, retries: 1}  # flytekit's timeout: each attempt
 *                             # ends after 20m (a retry); 40m after its first Queued it times out
 *     onFailure: {id: cleanup, runtime: 10s}       # the failure node: runs when the workflow fails
 *     onFailurePolicy: afterExecutableNodesComplete # default: immediately
 *   other: {crd: crds/wf.json}  # a FlyteWorkflow CR file, relative to this file
 * executions:
 *   - workflow: main
 *     count: 10
 *     arrival: {every: 30s}     # or: 0s | {at: 5s} | {poisson: {rate: 0.1}, start: 0s}
 *     prefix: main              # ids main-0001 .. main-0010
 * ```
 *
 * Start and end nodes are implicit: writing them is an error (`start-node` and `end-node` are
 * reserved ids). Nodes without `after` follow the start node; nodes nothing depends on (branch
 * cases excepted) precede the end node. Unknown upstream ids, cycles, duplicate ids and unknown
 * workflow names are errors naming the field. `specBytes`, when absent, is estimated from the
 * node count, edges and task templates (spec-size.ts); a node's template is shared with every
 * node naming the same `task`, and `templateBytes` sets its size.
 */

// ---------------------------------------------------------------------------------------------
// File shapes

const KINDS = ['task', 'map', 'dynamic', 'subworkflow', 'launchplan', 'branch', 'gate'] as const;
type FileKind = (typeof KINDS)[number];

export interface WorkflowBodyFile {
  nodes: NodeFile[];
  specBytes?: number;
  closureBytes?: number;
  /** The execution's max parallelism, as a CR's `executionConfig.MaxParallelism` (0: no limit); unset: the model's. */
  maxParallelism?: number;
  onFailure?: NodeFile;
  onFailurePolicy?: 'immediately' | 'afterExecutableNodesComplete';
}

export interface NodeFile {
  id: string;
  kind?: FileKind;
  after?: string[];
  repeat?: number;
  chain?: boolean;
  task?: string;
  taskType?: string;
  templateBytes?: number;
  runtime?: Distribution;
  failedAttempts?: number;
  retries?: number;
  cache?: 'hit' | 'miss';
  inputBytes?: number;
  outputBytes?: number;
  map?: MapFile;
  dynamic?: string | WorkflowBodyFile;
  subworkflow?: string | WorkflowBodyFile;
  launchplan?: string;
  branch?: { cases: NodeFile[]; taken?: string };
  gate?: Distribution;
  timeout?: number;
}

export interface MapFile {
  size: number;
  parallelism?: number;
  runtime?: Distribution;
  failing?: number;
  minSuccesses?: number;
  minSuccessRatio?: number;
}

export interface CrdWorkflowFile {
  crd: string;
  cache?: 'hit' | 'miss';
  mapSize?: number;
  overrides?: Record<string, OverrideFile>;
}

export interface OverrideFile {
  runtime?: Distribution;
  failedAttempts?: number;
  retries?: number;
  cache?: 'hit' | 'miss';
  inputBytes?: number;
  outputBytes?: number;
  map?: { size?: number; parallelism?: number; runtime?: Distribution };
  taken?: string;
  launchplan?: string;
  dynamic?: string | WorkflowBodyFile;
  gate?: Distribution;
  timeout?: number;
}

/**
 * The most nodes (map subtasks included) a scenario may make, over all its executions: each is a
 * simulated node status with records of its own (up to ~8 KB), and a run beyond this does not fit
 * in the JavaScript heap (500,000 nodes in the default 4 GB; `NODE_OPTIONS=--max-old-space-size=N`
 * raises both).
 */
export const MAX_NODES = Math.max(100_000, Math.floor(getHeapStatistics().heap_size_limit / 8192));

const ID = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/;
const idSchema = z
  .string()
  .regex(ID, 'expected an id of letters, digits, "-", "_" or "." (like n0 or train-model)');
const cacheSchema = z.enum(['hit', 'miss']);
/**
 * A value of one of several shapes, told apart by `choose` before validating, so that errors
 * point into the chosen shape instead of reporting that no alternative matched.
 */
function oneOf<T>(choose: (v: unknown) => z.ZodType<T> | string): z.ZodType<T> {
  return z.unknown().transform((v, ctx): T => {
    const schema = choose(v);
    if (typeof schema === 'string') {
      ctx.addIssue({ code: 'custom', message: schema });
      return z.NEVER;
    }
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }) as unknown as z.ZodType<T>;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const afterSchema = oneOf<string[]>((v) => (typeof v === 'string' ? idSchema.transform((s) => [s]) : z.array(idSchema)));

const bodySchema: z.ZodType<WorkflowBodyFile> = z.lazy(() =>
  z.strictObject({
    nodes: z.array(nodeSchema).min(1, 'a workflow needs at least one node'),
    specBytes: bytesSchema().optional(),
    closureBytes: bytesSchema().optional(),
    maxParallelism: z.number().int().min(0).optional(),
    onFailure: nodeSchema.optional(),
    onFailurePolicy: z.enum(['immediately', 'afterExecutableNodesComplete']).optional(),
  }),
);

const workflowRefSchema = oneOf<string | WorkflowBodyFile>((v) =>
  typeof v === 'string' ? idSchema : isObject(v) ? bodySchema : 'expected a workflow name or {nodes: [...]}',
);

const nodeSchema: z.ZodType<NodeFile> = z.lazy(() =>
  z.strictObject({
    id: idSchema,
    kind: z.enum(KINDS).optional(),
    after: afterSchema.optional(),
    repeat: z.number().int().min(1).max(MAX_NODES).optional(),
    chain: z.boolean().optional(),
    task: z.string().min(1).optional(),
    taskType: z.string().min(1).optional(),
    templateBytes: bytesSchema().optional(),
    runtime: distributionSchema().optional(),
    failedAttempts: z.number().int().min(0).optional(),
    retries: z.number().int().min(0).optional(),
    cache: cacheSchema.optional(),
    inputBytes: bytesSchema().optional(),
    outputBytes: bytesSchema().optional(),
    map: z
      .strictObject({
        size: z.number().int().min(1).max(MAX_NODES),
        parallelism: z.number().int().min(0).optional(),
        runtime: distributionSchema().optional(),
        failing: z.number().int().min(0).optional(),
        minSuccesses: z.number().int().min(0).optional(),
        minSuccessRatio: z.number().min(0).max(1).optional(),
      })
      .refine((m) => m.minSuccesses === undefined || m.minSuccessRatio === undefined, 'give minSuccesses or minSuccessRatio, not both')
      .optional(),
    dynamic: workflowRefSchema.optional(),
    subworkflow: workflowRefSchema.optional(),
    launchplan: idSchema.optional(),
    branch: z
      .strictObject({ cases: z.array(nodeSchema).min(1, 'a branch needs at least one case'), taken: idSchema.optional() })
      .optional(),
    gate: distributionSchema().optional(),
    timeout: durationSchema(0).optional(),
  }),
);

const overrideSchema: z.ZodType<OverrideFile> = z.strictObject({
  runtime: distributionSchema().optional(),
  failedAttempts: z.number().int().min(0).optional(),
  retries: z.number().int().min(0).optional(),
  cache: cacheSchema.optional(),
  inputBytes: bytesSchema().optional(),
  outputBytes: bytesSchema().optional(),
  map: z
    .strictObject({
      size: z.number().int().min(1).max(MAX_NODES).optional(),
      parallelism: z.number().int().min(0).optional(),
      runtime: distributionSchema().optional(),
    })
    .optional(),
  taken: idSchema.optional(),
  launchplan: idSchema.optional(),
  dynamic: workflowRefSchema.optional(),
  gate: distributionSchema().optional(),
  timeout: durationSchema(0).optional(),
});

const crdWorkflowSchema = z.strictObject({
  crd: z.string().min(1),
  cache: cacheSchema.optional(),
  mapSize: z.number().int().min(1).optional(),
  overrides: z.record(z.string(), overrideSchema).optional(),
});

const workflowFileSchema = oneOf<z.infer<typeof crdWorkflowSchema> | WorkflowBodyFile>((v) =>
  isObject(v) && 'crd' in v ? crdWorkflowSchema : isObject(v) ? bodySchema : 'expected {nodes: [...]} or {crd: FILE}',
);

type Arrival = number | { at: number } | { every: number; start?: number } | { poisson: { rate: number }; start?: number };

const arrivalSchema = oneOf<Arrival>((v) => {
  if (!isObject(v)) return durationSchema();
  if ('every' in v) return z.strictObject({ every: positiveDurationSchema(), start: durationSchema().optional() });
  if ('poisson' in v) {
    return z.strictObject({ poisson: z.strictObject({ rate: z.number().positive() }), start: durationSchema().optional() });
  }
  if ('at' in v) return z.strictObject({ at: durationSchema() });
  return 'expected a time (0s), {at: 5s}, {every: 30s, start?: 0s} or {poisson: {rate: 0.1}, start?: 0s}';
});

const executionSchema = z.strictObject({
  workflow: idSchema,
  count: z.number().int().min(1).max(MAX_NODES).optional(),
  arrival: arrivalSchema.optional(),
  prefix: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'expected lowercase letters, digits and "-" (a Kubernetes name)')
    .optional(),
  project: z.string().min(1).optional(),
  domain: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  maxParallelism: z.number().int().min(0).optional(),
});

/** The whole scenario file. */
export const scenarioFileSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().min(1),
  seed: z.union([z.string(), z.number()]).optional(),
  defaults: z
    .strictObject({
      runtime: distributionSchema().optional(),
      inputBytes: bytesSchema().optional(),
      outputBytes: bytesSchema().optional(),
      project: z.string().min(1).optional(),
      domain: z.string().min(1).optional(),
    })
    .optional(),
  workflows: z.record(idSchema, workflowFileSchema).refine((w) => Object.keys(w).length > 0, 'define at least one workflow'),
  executions: z.array(executionSchema).min(1).optional(),
});

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
type WorkflowFile = z.infer<typeof workflowFileSchema>;

// ---------------------------------------------------------------------------------------------
// Compilation

type Path = (string | number)[];

export interface CompileOptions {
  /** File name for error messages. */
  file?: string;
  /**
   * Reads a FlyteWorkflow CR named by a `crd:` entry (path relative to the scenario file) and
   * compiles it; errors it throws keep their own file. Required when the scenario uses `crd:`.
   */
  loadCrd?: (ref: string, opts: { cacheHit: boolean; mapSize?: number }) => WorkflowDef;
}

class Compiler {
  private readonly standalone = new Map<string, WorkflowDef>();
  private readonly inline = new Map<string, { def: WorkflowDef; parts: Parts }>();
  private readonly stack: string[] = [];

  constructor(
    private readonly file: ScenarioFile,
    private readonly opts: CompileOptions,
  ) {}

  fail(path: Path, message: string): never {
    throw new InputError(message, { file: this.opts.file, path: formatPath(path) || undefined });
  }

  /** A named workflow as a standalone CR (top level, launch plan child, dynamic job spec). */
  named(name: string, ref: Path): WorkflowDef {
    const done = this.standalone.get(name);
    if (done) return done;
    const wf = this.lookup(name, ref);
    this.enter(name, ref);
    let def: WorkflowDef;
    if ('crd' in wf) def = this.crd(name, wf);
    else {
      const parts = this.body(name, wf, ['workflows', name]);
      def = finishStandalone(name, parts, wf);
    }
    this.stack.pop();
    this.standalone.set(name, def);
    return def;
  }

  /** A named workflow inlined as a subworkflow (its nodes go into the parent CR). */
  namedInline(name: string, ref: Path): { def: WorkflowDef; parts: Parts } {
    const done = this.inline.get(name);
    if (done) return done;
    const wf = this.lookup(name, ref);
    this.enter(name, ref);
    let result: { def: WorkflowDef; parts: Parts };
    if ('crd' in wf) {
      const def = this.crd(name, wf);
      // A CR's measured spec stands for its whole subWorkflows entry (templates included).
      result = { def, parts: { nodes: 0, edges: 0, templates: new Map(), subworkflows: new Map([[`${name}\u0000crd`, def.specBytes]]) } };
    } else {
      const parts = this.body(name, wf, ['workflows', name]);
      result = { def: finishInline(name, parts, wf), parts };
    }
    this.stack.pop();
    this.inline.set(name, result);
    return result;
  }

  private lookup(name: string, ref: Path): WorkflowFile {
    // own keys only: a workflow named like an Object method (`toString`) is no workflow
    const wf = Object.hasOwn(this.file.workflows, name) ? this.file.workflows[name] : undefined;
    if (!wf) {
      this.fail(ref, `unknown workflow "${name}" (defined: ${Object.keys(this.file.workflows).join(', ')})`);
    }
    return wf;
  }

  private enter(name: string, ref: Path): void {
    if (this.stack.includes(name)) {
      this.fail(ref, `workflow "${name}" includes itself (${[...this.stack, name].join(' -> ')})`);
    }
    this.stack.push(name);
  }

  private crd(name: string, wf: z.infer<typeof crdWorkflowSchema>): WorkflowDef {
    if (!this.opts.loadCrd) this.fail(['workflows', name, 'crd'], 'CR files can only be read from a scenario file');
    let def: WorkflowDef;
    try {
      def = this.opts.loadCrd(wf.crd, {
        cacheHit: wf.cache === 'hit',
        ...(wf.mapSize !== undefined ? { mapSize: wf.mapSize } : {}),
      });
    } catch (e) {
      // A CR that cannot be found is this file's mistake; errors inside the CR name the CR.
      if (e instanceof InputError && e.file === undefined) this.fail(['workflows', name, 'crd'], e.message);
      throw e;
    }
    return this.applyOverrides(name, def, wf.overrides ?? {});
  }

  private applyOverrides(
    name: string,
    def: WorkflowDef,
    overrides: Record<string, OverrideFile>,
  ): WorkflowDef {
    const byId = new Map(def.nodes.map((n) => [n.id, n]));
    for (const [id, o] of Object.entries(overrides)) {
      const at: Path = ['workflows', name, 'overrides', id];
      const node = byId.get(id);
      if (!node) this.fail(at, `unknown node "${id}" in the CR (nodes: ${[...byId.keys()].join(', ')})`);
      if (o.runtime) node.runtime = o.runtime;
      if (o.timeout !== undefined) applyTimeout(node, o.timeout);
      if (o.failedAttempts !== undefined) node.failedAttempts = o.failedAttempts;
      if (o.retries !== undefined) node.maxAttempts = o.retries + 1;
      if (o.cache) node.cache = { hit: o.cache === 'hit' };
      if (o.inputBytes !== undefined) node.inputBytes = o.inputBytes;
      if (o.outputBytes !== undefined) node.outputBytes = o.outputBytes;
      if (o.map) {
        if (node.kind !== 'map' || !node.map) this.fail([...at, 'map'], `node "${id}" is a ${node.kind} node, not a map task`);
        if (o.map.size !== undefined) node.map.size = o.map.size;
        if (o.map.parallelism !== undefined) node.map.parallelism = o.map.parallelism;
        if (o.map.runtime) node.map.runtime = o.map.runtime;
      }
      if (o.taken !== undefined) {
        if (!node.branch) this.fail([...at, 'taken'], `node "${id}" is a ${node.kind} node, not a branch`);
        if (!node.branch.cases.includes(o.taken)) {
          this.fail([...at, 'taken'], `"${o.taken}" is not a case of "${id}" (cases: ${node.branch.cases.join(', ')})`);
        }
        node.branch = { cases: node.branch.cases, taken: o.taken };
      }
      if (o.launchplan !== undefined) {
        // a launch-plan node, or an array of launch plans (each subnode's child)
        const launches = node.kind === 'launchplan' || (node.kind === 'map' && node.launchplan !== undefined);
        if (!launches) this.fail([...at, 'launchplan'], `node "${id}" is a ${node.kind} node, not a launch plan or an array of launch plans`);
        node.launchplan = this.named(o.launchplan, [...at, 'launchplan']);
      }
      if (o.dynamic !== undefined) {
        if (node.kind !== 'task') this.fail([...at, 'dynamic'], `only a task node can be dynamic; "${id}" is a ${node.kind} node`);
        node.kind = 'dynamic';
        node.dynamic = this.dynamicRef(o.dynamic, [...at, 'dynamic'], `${name}.${id}`);
      }
      if (o.gate) {
        if (node.kind !== 'gate') this.fail([...at, 'gate'], `node "${id}" is a ${node.kind} node, not a gate`);
        node.gate = o.gate;
      }
    }
    return def;
  }

  private dynamicRef(ref: string | WorkflowBodyFile, at: Path, anonName: string): WorkflowDef {
    if (typeof ref === 'string') return this.named(ref, at);
    return finishStandalone(anonName, this.body(anonName, ref, at), ref);
  }

  /** Compiles a node list (with implicit start and end) and gathers its size parts. */
  body(name: string, wf: WorkflowBodyFile, at: Path): Parts {
    const parts: Parts = { nodes: 2, edges: 0, templates: new Map(), subworkflows: new Map() };
    const nodes: WorkflowNode[] = [];
    const where = new Map<string, Path>();
    /** Group id → member ids (and whether chained). */
    const groups = new Map<string, { members: string[]; chain: boolean }>();
    const cases = new Set<string>();
    /** Upstream references to resolve once every id is known (`fixed`: already node ids). */
    const pending: { node: WorkflowNode; after: string[]; at: Path; fixed?: boolean }[] = [];

    const claim = (id: string, p: Path) => {
      if (id === 'start-node' || id === 'end-node') {
        this.fail(p, `"${id}" is reserved: start and end nodes are added implicitly`);
      }
      if (where.has(id) || groups.has(id)) this.fail(p, `duplicate node id "${id}" (first at ${formatPath(where.get(id) ?? [])})`);
      where.set(id, p);
    };

    const emit = (f: NodeFile, id: string, p: Path, branchOf?: string): WorkflowNode => {
      const node = this.node(name, f, id, p, parts);
      if (branchOf !== undefined) node.branchOf = branchOf;
      nodes.push(node);
      if (f.branch) {
        const caseIds: string[] = [];
        f.branch.cases.forEach((c, i) => {
          const cp = [...p, 'branch', 'cases', i];
          if (c.after !== undefined) this.fail([...cp, 'after'], 'a branch case has no upstream of its own (it runs when the branch picks it)');
          if (c.repeat !== undefined) this.fail([...cp, 'repeat'], 'a branch case cannot be repeated');
          claim(c.id, [...cp, 'id']);
          cases.add(c.id);
          caseIds.push(c.id);
          emit(c, c.id, cp, id);
        });
        const taken = f.branch.taken ?? caseIds[0]!;
        if (!caseIds.includes(taken)) {
          this.fail([...p, 'branch', 'taken'], `"${taken}" is not a case of "${id}" (cases: ${caseIds.join(', ')})`);
        }
        node.branch = { cases: caseIds, taken };
      }
      return node;
    };

    wf.nodes.forEach((f, i) => {
      const p: Path = [...at, 'nodes', i];
      if (f.chain !== undefined && f.repeat === undefined) this.fail([...p, 'chain'], '`chain` needs `repeat`');
      if (f.repeat === undefined) {
        claim(f.id, [...p, 'id']);
        const node = emit(f, f.id, p);
        pending.push({ node, after: f.after ?? [], at: [...p, 'after'] });
        return;
      }
      if (f.branch) this.fail([...p, 'repeat'], 'a branch node cannot be repeated');
      claim(f.id, [...p, 'id']);
      where.delete(f.id);
      const members: string[] = [];
      for (let k = 0; k < f.repeat; k++) {
        const id = `${f.id}-${k}`;
        claim(id, [...p, 'id']);
        members.push(id);
        const node = emit(f, id, p);
        // Chained members after the first depend on their predecessor only.
        if (f.chain && k > 0) pending.push({ node, after: [members[k - 1]!], at: [...p, 'after'], fixed: true });
        else pending.push({ node, after: f.after ?? [], at: [...p, 'after'] });
      }
      groups.set(f.id, { members, chain: f.chain ?? false });
    });

    // Resolve upstream references.
    for (const item of pending) {
      if (item.fixed) {
        item.node.upstream = item.after;
        continue;
      }
      const up = new Set<string>();
      for (const ref of item.after) {
        const group = groups.get(ref);
        let ids: string[];
        if (group) ids = group.chain ? [group.members[group.members.length - 1]!] : group.members;
        else if (cases.has(ref)) {
          this.fail(item.at, `"${ref}" is a branch case; depend on its branch node instead`);
        } else if (where.has(ref)) ids = [ref];
        else if (ref === 'start-node') ids = [];
        else this.fail(item.at, `unknown node "${ref}"`);
        for (const id of ids) up.add(id);
      }
      if (up.has(item.node.id)) this.fail(item.at, `node "${item.node.id}" depends on itself`);
      item.node.upstream = [...up];
    }

    // The failure node: outside the DAG (no upstream, nothing depends on it).
    if (wf.onFailure !== undefined) {
      const f = wf.onFailure;
      const p: Path = [...at, 'onFailure'];
      for (const k of ['after', 'repeat', 'branch'] as const) {
        if (f[k] !== undefined) this.fail([...p, k], `a failure node has no ${k}: it runs alone, when the workflow fails`);
      }
      claim(f.id, [...p, 'id']);
      parts.failureNode = this.node(name, f, f.id, p, parts);
    }

    // Implicit start and end.
    const hasDownstream = new Set<string>();
    for (const n of nodes) for (const u of n.upstream) hasDownstream.add(u);
    for (const n of nodes) if (n.branchOf === undefined && n.upstream.length === 0) n.upstream = ['start-node'];
    const sinks = nodes.filter((n) => n.branchOf === undefined && !hasDownstream.has(n.id)).map((n) => n.id);
    const all: WorkflowNode[] = [
      { id: 'start-node', kind: 'start', upstream: [] },
      ...nodes,
      { id: 'end-node', kind: 'end', upstream: sinks },
    ];
    const ordered = topologicalOrder(all);
    if ('cycle' in ordered) {
      const first = ordered.cycle[0]!;
      const idPath = where.get(first);
      this.fail(idPath ? [...idPath.slice(0, -1), 'after'] : at, `cycle: ${ordered.cycle.join(' -> ')}`);
    }
    for (const n of all) parts.edges += n.upstream.length;
    parts.nodes = all.length;
    parts.ordered = ordered.order;
    return parts;
  }

  private node(wfName: string, f: NodeFile, id: string, p: Path, parts: Parts): WorkflowNode {
    const kind = this.kindOf(f, p);
    const node: WorkflowNode = { id, kind: kind as WorkflowNodeKind, upstream: [] };
    const defaults = this.file.defaults ?? {};
    const taskLike = kind === 'task' || kind === 'map' || kind === 'dynamic';
    if (f.cache !== undefined && !taskLike) this.fail([...p, 'cache'], `a ${kind} node cannot be cached (only task, map and dynamic nodes)`);
    if (f.runtime !== undefined && !taskLike) this.fail([...p, 'runtime'], `a ${kind} node has no runtime of its own`);
    for (const k of ['task', 'taskType', 'templateBytes', 'failedAttempts', 'retries'] as const) {
      if (f[k] !== undefined && !taskLike) this.fail([...p, k], `a ${kind} node has no ${k}`);
    }
    if (taskLike) {
      node.taskType = f.taskType ?? 'python-task';
      const runtime = f.runtime ?? defaults.runtime;
      if (runtime) node.runtime = runtime;
      if (f.failedAttempts) node.failedAttempts = f.failedAttempts;
      if (f.retries !== undefined) node.maxAttempts = f.retries + 1;
      if (f.cache) node.cache = { hit: f.cache === 'hit' };
      const template = f.task ?? id;
      const bytes = f.templateBytes ?? TASK_TEMPLATE_BYTES;
      parts.templates.set(template, Math.max(parts.templates.get(template) ?? 0, bytes));
    }
    if (f.timeout !== undefined) applyTimeout(node, f.timeout);
    const inputBytes = f.inputBytes ?? defaults.inputBytes;
    const outputBytes = f.outputBytes ?? defaults.outputBytes;
    if (inputBytes !== undefined) node.inputBytes = inputBytes;
    if (outputBytes !== undefined) node.outputBytes = outputBytes;

    switch (kind) {
      case 'map': {
        const m = f.map!;
        node.map = { size: m.size, parallelism: m.parallelism ?? 0 };
        if (m.failing !== undefined && m.failing > m.size) this.fail([...p, 'map', 'failing'], `${m.failing} failing subtasks, but the map has ${m.size}`);
        if (m.failing) {
          node.map.failing = m.failing;
          // a subtask that always fails gets propeller's default of one attempt without retries
          node.maxAttempts ??= 1;
        }
        if (m.minSuccesses !== undefined && m.minSuccesses > m.size) this.fail([...p, 'map', 'minSuccesses'], `${m.minSuccesses} successes needed, but the map has ${m.size} subtasks`);
        if (m.minSuccesses !== undefined) node.map.minSuccesses = m.minSuccesses;
        if (m.minSuccessRatio !== undefined) node.map.minSuccessRatio = m.minSuccessRatio;
        const runtime = m.runtime ?? node.runtime;
        if (runtime) {
          node.map.runtime = runtime;
          node.runtime = runtime;
        }
        break;
      }
      case 'dynamic':
        node.dynamic = this.dynamicRef(f.dynamic!, [...p, 'dynamic'], `${wfName}.${id}`);
        break;
      case 'subworkflow': {
        const ref = f.subworkflow!;
        if (typeof ref === 'string') {
          const sub = this.namedInline(ref, [...p, 'subworkflow']);
          node.subworkflow = sub.def;
          mergeInlineParts(parts, ref, sub.parts);
        } else {
          const subName = `${wfName}.${id}`;
          const subParts = this.body(subName, ref, [...p, 'subworkflow']);
          node.subworkflow = finishInline(subName, subParts, ref);
          mergeInlineParts(parts, `\u0000${subName}`, subParts);
        }
        break;
      }
      case 'launchplan':
        node.launchplan = this.named(f.launchplan!, [...p, 'launchplan']);
        break;
      case 'gate':
        node.gate = f.gate!;
        break;
      case 'branch':
        // Filled in by the caller once the cases are compiled.
        node.branch = { cases: [], taken: '' };
        break;
    }
    return node;
  }

  private kindOf(f: NodeFile, p: Path): FileKind {
    const present = (['map', 'dynamic', 'subworkflow', 'launchplan', 'branch', 'gate'] as const).filter(
      (k) => f[k] !== undefined,
    );
    if (present.length > 1) this.fail([...p, present[1]!], `a node has one kind; found both ${present.join(' and ')}`);
    const implied = present[0];
    if (f.kind === undefined) return implied ?? 'task';
    if (f.kind === 'task' && implied) this.fail([...p, implied], `a task node cannot have ${implied}; use kind: ${implied}`);
    if (f.kind !== 'task' && implied !== f.kind) {
      this.fail(p, `kind ${f.kind} needs a \`${f.kind}\` field${implied ? ` (found ${implied})` : ''}`);
    }
    return f.kind;
  }
}

/** Size ingredients of a workflow body. */
interface Parts {
  nodes: number;
  edges: number;
  /** Task template name → bytes (shared templates counted once). */
  templates: Map<string, number>;
  /** Distinct inline subworkflows → their bytes (nested ones included). */
  subworkflows: Map<string, number>;
  ordered?: WorkflowNode[];
  failureNode?: WorkflowNode;
}

function mergeInlineParts(parent: Parts, key: string, sub: Parts): void {
  // The subworkflow's templates live in the parent CR's `tasks`; the subworkflow itself is one
  // entry of `subWorkflows`, however many nodes use it.
  for (const [t, b] of sub.templates) parent.templates.set(t, Math.max(parent.templates.get(t) ?? 0, b));
  for (const [s, b] of sub.subworkflows) parent.subworkflows.set(s, b);
  if (sub.nodes > 0) parent.subworkflows.set(key, estimateSubworkflow(sub.nodes, sub.edges));
}

function finishStandalone(name: string, parts: Parts, wf: WorkflowBodyFile): WorkflowDef {
  const est = estimateSpec({
    nodes: parts.nodes,
    edges: parts.edges,
    templates: [...parts.templates.values()],
    subworkflows: [...parts.subworkflows.values()],
  });
  const def: WorkflowDef = { name, nodes: parts.ordered!, specBytes: wf.specBytes ?? est.specBytes };
  // An explicit spec size keeps the estimated closure share.
  def.closureBytes =
    wf.closureBytes ?? (wf.specBytes !== undefined ? Math.round((wf.specBytes * est.closureBytes) / est.specBytes) : est.closureBytes);
  if (def.closureBytes > def.specBytes) def.closureBytes = def.specBytes;
  if (wf.maxParallelism !== undefined) def.maxParallelism = wf.maxParallelism;
  return withFailureHandling(def, parts, wf);
}

function finishInline(name: string, parts: Parts, wf: WorkflowBodyFile): WorkflowDef {
  const def: WorkflowDef = { name, nodes: parts.ordered!, specBytes: wf.specBytes ?? estimateSubworkflow(parts.nodes, parts.edges) };
  if (wf.maxParallelism !== undefined) def.maxParallelism = wf.maxParallelism;
  return withFailureHandling(def, parts, wf);
}

function withFailureHandling(def: WorkflowDef, parts: Parts, wf: WorkflowBodyFile): WorkflowDef {
  if (parts.failureNode !== undefined) def.failureNode = parts.failureNode;
  if (wf.onFailurePolicy !== undefined && wf.onFailurePolicy !== 'immediately') def.onFailurePolicy = wf.onFailurePolicy;
  return def;
}

/** Validates parsed file data against the schema; throws InputError naming the field. */
export function parseScenarioFile(data: unknown, file?: string): ScenarioFile {
  // A key `__proto__` would not survive the validation (it names an object's prototype): say so.
  const wfs = typeof data === 'object' && data !== null ? (data as { workflows?: unknown }).workflows : undefined;
  if (typeof wfs === 'object' && wfs !== null && Object.hasOwn(wfs, '__proto__')) {
    throw new InputError('the name "__proto__" is reserved: give the workflow another name', { file, path: 'workflows.__proto__' });
  }
  const r = scenarioFileSchema.safeParse(data);
  if (!r.success) throw inputErrorFromZod(r.error, file);
  return r.data;
}

/** Parsed, valid file data → Scenario. Semantic errors (DAG, references) name the field. */
export function compileScenario(data: ScenarioFile, opts: CompileOptions = {}): Scenario {
  const c = new Compiler(data, opts);
  const names = Object.keys(data.workflows);
  // Every workflow compiles, even one no execution runs: a broken definition is an error.
  for (const name of names) c.named(name, ['workflows', name]);

  const groups =
    data.executions ??
    (names.length === 1
      ? [{ workflow: names[0]! }]
      : c.fail(['executions'], `missing; say which of the workflows (${names.join(', ')}) to run`));

  const executions: ExecutionPlan[] = [];
  const ids = new Map<string, number>();
  let planned = 0;
  const seed = data.seed ?? data.name;
  groups.forEach((g, gi) => {
    const at: Path = ['executions', gi];
    let wf = c.named(g.workflow, [...at, 'workflow']);
    if (g.maxParallelism !== undefined) wf = { ...wf, maxParallelism: g.maxParallelism };
    const count = g.count ?? 1;
    planned += count * plannedNodes(wf);
    if (planned > MAX_NODES) {
      c.fail([...at, 'count'], `the executions so far make ${planned.toLocaleString('en-US')} nodes (map subtasks included); propsim simulates at most ${MAX_NODES.toLocaleString('en-US')} in one run with this heap (NODE_OPTIONS=--max-old-space-size=MB raises it)`);
    }
    const project = g.project ?? data.defaults?.project ?? 'flytesnacks';
    const domain = g.domain ?? data.defaults?.domain ?? 'development';
    const namespace = g.namespace ?? `${project}-${domain}`;
    const prefix = g.prefix ?? kubeName(g.workflow);
    const digits = Math.max(4, String(count).length);
    const times = arrivals(g.arrival, count, new RandomStreams(seed, 0).stream('scenario', 'arrivals', prefix));
    for (let k = 0; k < count; k++) {
      const id = `${prefix}-${String(k + 1).padStart(digits, '0')}`;
      const first = ids.get(id);
      if (first !== undefined) {
        c.fail([...at, 'prefix'], `execution id "${id}" is also made by executions[${first}]; give this group its own prefix`);
      }
      ids.set(id, gi);
      executions.push({ id, arrival: times[k]!, project, domain, namespace, workflow: wf });
    }
  });
  // Arrival order (stable: file order among equal times).
  executions.sort((a, b) => a.arrival - b.arrival);
  return { name: data.name, description: data.description, executions };
}

function arrivals(a: Arrival | undefined, count: number, rng: () => number): number[] {
  const round = (t: number) => Math.round(t * 1e9) / 1e9;
  // Poisson: the first arrival at `start`, then exponential gaps.
  if (a === undefined) return new Array<number>(count).fill(0);
  if (typeof a === 'number') return new Array<number>(count).fill(a);
  if ('at' in a) return new Array<number>(count).fill(a.at);
  const start = a.start ?? 0;
  if ('every' in a) return Array.from({ length: count }, (_, k) => round(start + k * a.every));
  const out: number[] = [];
  let t = start;
  for (let k = 0; k < count; k++) {
    out.push(round(t));
    t += -Math.log(1 - rng()) / a.poisson.rate;
  }
  return out;
}

/** A workflow name as a Kubernetes-safe id prefix. */
function kubeName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s === '' ? 'exec' : s;
}

/**
 * flytekit's `timeout` (a task's, or `with_overrides`), as Flyte's compiler turns it into node
 * deadlines: execution = timeout, active = 2 x timeout (`computeDeadline`); 0 clears both.
 */
function applyTimeout(node: WorkflowNode, seconds: number): void {
  if (seconds > 0) {
    node.executionDeadline = seconds;
    node.activeDeadline = 2 * seconds;
  } else {
    delete node.executionDeadline;
    delete node.activeDeadline;
  }
}

/**
 * Nodes a workflow's execution makes: its nodes, map subtasks, nested DAGs and launched children.
 * Counted once per workflow definition (a shared subworkflow nested in shared subworkflows would
 * otherwise be walked once per path, exponentially many).
 */
function plannedNodes(wf: WorkflowDef, memo = new Map<WorkflowDef, number>()): number {
  const known = memo.get(wf);
  if (known !== undefined) return known;
  memo.set(wf, 0); // a cycle (rejected elsewhere) counts nothing more
  let n = 0;
  for (const node of wf.nodes) {
    n += 1 + (node.map ? node.map.size : 0);
    for (const inner of [node.dynamic, node.subworkflow, node.launchplan]) if (inner) n += (node.map ? node.map.size : 1) * plannedNodes(inner, memo);
  }
  memo.set(wf, n);
  return n;
}
