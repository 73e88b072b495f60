import type { ExecutionPlan, WorkflowDef, WorkflowNode } from '../../src/model/workflow.js';

const seconds = (s: number) => ({ type: 'constant' as const, value: s });

/** start -> tasks (a chain when `chain`) -> end. */
export function workflow(name: string, tasks: { id: string; runtime: number }[], chain = false): WorkflowDef {
  const nodes: WorkflowNode[] = [{ id: 'start-node', kind: 'start', upstream: [] }];
  tasks.forEach((t, i) => {
    const up = chain && i > 0 ? [tasks[i - 1]!.id] : ['start-node'];
    nodes.push({ id: t.id, kind: 'task', upstream: up, runtime: seconds(t.runtime), inputBytes: 200, outputBytes: 200 });
  });
  const sinks = chain ? [tasks[tasks.length - 1]!.id] : tasks.map((t) => t.id);
  nodes.push({ id: 'end-node', kind: 'end', upstream: sinks });
  return { name, nodes, specBytes: 4096 };
}

export function plan(id: string, wf: WorkflowDef, arrival = 0, replay?: ExecutionPlan['replay']): ExecutionPlan {
  return {
    id,
    arrival,
    project: 'flytesnacks',
    domain: 'development',
    namespace: 'flytesnacks-development',
    workflow: wf,
    ...(replay ? { replay } : {}),
  };
}

/** The canonical one-task workflow (start -> n0 (10 s) -> end), one execution. */
export function canonical(): ExecutionPlan[] {
  return [plan('hello-0001', workflow('hello', [{ id: 'n0', runtime: 10 }]))];
}

/** Many executions at once on one worker: the queue is the bottleneck. */
export function saturatedLoad(): ExecutionPlan[] {
  const one = workflow('one', [{ id: 'n0', runtime: 5 }]);
  const chain = workflow('chain', [{ id: 'a', runtime: 3 }, { id: 'b', runtime: 3 }], true);
  return [
    ...Array.from({ length: 20 }, (_, i) => plan(`one-${String(i).padStart(4, '0')}`, one)),
    ...Array.from({ length: 5 }, (_, i) => plan(`chain-${String(i).padStart(4, '0')}`, chain)),
  ];
}
