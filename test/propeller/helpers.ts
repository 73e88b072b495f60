import { defaultModel } from '../../src/model/defaults.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan, WorkflowDef, WorkflowNode } from '../../src/model/workflow.js';
import type { Execution, NodeRecord, Op, Recording } from '../../src/timeline/types.js';

/**
 * The default model (propeller's code defaults and plausible latencies) with overrides. The
 * recording-hash table's `test` model is this with no overrides.
 */
export function testModel(over: { propeller?: Partial<Model['propeller']>; store?: Partial<Model['store']> } = {}): Model {
  const m = defaultModel();
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

/** The ops of an execution's persisted rounds (changed, not failed). */
export function committed(e: Execution): Op[] {
  return e.handles.flatMap((h) => h.rounds.filter((r) => r.changed && !r.error).flatMap((r) => r.ops));
}

export function node(e: Execution, id: string): NodeRecord {
  const n = e.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
}

/** A node's transitions as `from>to`. */
export function path(e: Execution, id: string): string[] {
  return node(e, id).transitions.map((t) => `${t.from}>${t.to}`);
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
