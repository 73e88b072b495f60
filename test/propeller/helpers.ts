import type { Distribution } from '../../src/engine/distributions.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan, WorkflowDef, WorkflowNode } from '../../src/model/workflow.js';
import type { Execution, Recording } from '../../src/timeline/types.js';

const lognormal = (median: number, sigma: number): Distribution => ({ type: 'lognormal', mu: Math.log(median), sigma });
const linear = (base: Distribution, perUnit: number): Distribution => ({ type: 'linear', base, perUnit });
const zero: Distribution = { type: 'constant', value: 0 };

/** A model with propeller's code defaults and plausible latencies (kept local so tests do not depend on loaders). */
export function testModel(over: { propeller?: Partial<Model['propeller']>; store?: Partial<Model['store']> } = {}): Model {
  const m: Model = {
    propeller: {
      workers: 20,
      maxStreakLength: 8,
      workflowReevalSeconds: 10,
      downstreamEvalSeconds: 30,
      batchingIntervalSeconds: 1,
      baseDelaySeconds: 0,
      maxDelaySeconds: 60,
      queueRate: 1000,
      queueBurst: 10000,
      eventRate: 500,
      eventBurst: 1000,
      eventMaxRetries: 5,
      kubeQps: 100,
      kubeBurst: 25,
      maxParallelism: 25,
      nodeExecutionWorkers: 8,
      adminLauncherResyncSeconds: 30,
      maxWorkflowRetries: 10,
    },
    store: {
      offloadClosure: false,
      blobCacheMB: 0,
      etcdLimitBytes: 1_572_864,
      apiserverLimitBytes: 3_145_728,
      finishedNodeStatusBytes: 50,
      activeNodeStatusBytes: 400,
    },
    events: {
      workflow: { latency: lognormal(0.03, 0.5), failureProbability: 0 },
      node: { latency: lognormal(0.025, 0.5), failureProbability: 0 },
      task: { latency: lognormal(0.025, 0.5), failureProbability: 0 },
    },
    etcd: { update: linear(lognormal(0.005, 0.4), 2e-8), watch: lognormal(0.075, 0.4) },
    blob: {
      head: linear(lognormal(0.01, 0.4), 0),
      read: linear(lognormal(0.015, 0.4), 1e-8),
      write: linear(lognormal(0.02, 0.4), 1e-8),
      copy: linear(lognormal(0.03, 0.4), 2e-8),
    },
    catalog: { get: lognormal(0.015, 0.4), put: lognormal(0.02, 0.4) },
    kube: { podCreate: lognormal(0.02, 0.5), podStart: lognormal(4, 0.5), podUpdate: lognormal(0.5, 0.5) },
    admin: { createExecution: lognormal(0.15, 0.5) },
    cpu: { round: lognormal(1e-4, 0.3), deepCopy: linear(zero, 2e-9), traversal: linear(zero, 3e-6) },
    dynamic: { compile: lognormal(0.05, 0.5) },
    defaultRuntime: lognormal(10, 0.3),
  };
  Object.assign(m.propeller, over.propeller ?? {});
  Object.assign(m.store, over.store ?? {});
  return m;
}

export function task(id: string, upstream: string[], extra: Partial<WorkflowNode> = {}): WorkflowNode {
  return { id, kind: 'task', upstream, ...extra };
}

/** A workflow with explicit start/end nodes around `nodes` (sinks feed the end node). */
export function workflow(name: string, nodes: WorkflowNode[], specBytes = 4096): WorkflowDef {
  const ids = new Set(nodes.map((n) => n.id));
  const cases = new Set(nodes.flatMap((n) => n.branch?.cases ?? []));
  const hasDown = new Set(nodes.flatMap((n) => n.upstream));
  const sinks = nodes.filter((n) => !hasDown.has(n.id) && !cases.has(n.id) && n.branchOf === undefined).map((n) => n.id);
  const all: WorkflowNode[] = [
    { id: 'start-node', kind: 'start', upstream: [] },
    ...nodes.map((n) => (n.upstream.length === 0 && !cases.has(n.id) && n.branchOf === undefined ? { ...n, upstream: ['start-node'] } : n)),
    { id: 'end-node', kind: 'end', upstream: sinks.length > 0 ? sinks : ['start-node'] },
  ];
  void ids;
  return { name, nodes: all, specBytes };
}

export function plan(id: string, wf: WorkflowDef, arrival = 0): ExecutionPlan {
  return { id, arrival, project: 'flytesnacks', domain: 'development', namespace: 'flytesnacks-development', workflow: wf };
}

export function exec(rec: Recording, id: string): Execution {
  const e = rec.executions.find((x) => x.id === id);
  if (!e) throw new Error(`no execution ${id}`);
  return e;
}

/** Rounds that changed the status and were persisted. */
export function stateChangingRounds(e: Execution): number {
  let n = 0;
  for (const h of e.handles) for (const r of h.rounds) if (r.changed && !r.error) n++;
  return n;
}

/** Admin events actually sent (RPCs that succeeded). */
export function sentEvents(e: Execution): { workflow: number; node: number; task: number } {
  const c = { workflow: 0, node: 0, task: 0 };
  for (const h of e.handles)
    for (const r of h.rounds)
      for (const op of r.ops) {
        if (op.outcome !== 'ok') continue;
        if (op.kind === 'workflowEvent') c.workflow++;
        else if (op.kind === 'nodeEvent') c.node++;
        else if (op.kind === 'taskEvent') c.task++;
      }
  return c;
}
