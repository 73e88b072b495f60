import type { Distribution } from '../../src/engine/distributions.js';
import { profile } from '../../src/model/defaults.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan, WorkflowDef, WorkflowNode } from '../../src/model/workflow.js';
import { RandomStreams } from '../../src/engine/random.js';

/**
 * A known deployment and workload for calibration tests: the flyte-core profile with settings that
 * differ from every profile default (so recovering them is evidence, not a prior), admin event
 * latency lognormal with a known median, and a mix of small workflows arriving over a few minutes
 * so that workers are contended, streaks hit the cap (cache-hit chains) and resyncs fire.
 */

export const TRUE = {
  workers: 5,
  maxStreakLength: 6,
  workflowReevalSeconds: 15,
  batchingIntervalSeconds: 2,
  baseDelaySeconds: 5,
  eventMedian: 0.2,
  eventSigma: 0.5,
} as const;

const lognormal = (median: number, sigma: number): Distribution => ({ type: 'lognormal', mu: Math.log(median), sigma });

export function trueModel(): Model {
  const m = profile('flyte-core');
  Object.assign(m.propeller, {
    workers: TRUE.workers,
    maxStreakLength: TRUE.maxStreakLength,
    workflowReevalSeconds: TRUE.workflowReevalSeconds,
    batchingIntervalSeconds: TRUE.batchingIntervalSeconds,
    baseDelaySeconds: TRUE.baseDelaySeconds,
  });
  for (const k of ['workflow', 'node', 'task'] as const) m.events[k].latency = lognormal(TRUE.eventMedian, TRUE.eventSigma);
  return m;
}

function wf(name: string, nodes: WorkflowNode[]): WorkflowDef {
  const hasDown = new Set(nodes.flatMap((n) => n.upstream));
  const sinks = nodes.filter((n) => !hasDown.has(n.id)).map((n) => n.id);
  return {
    name,
    specBytes: 6000,
    nodes: [
      { id: 'start-node', kind: 'start', upstream: [] },
      ...nodes.map((n) => (n.upstream.length === 0 ? { ...n, upstream: ['start-node'] } : n)),
      { id: 'end-node', kind: 'end', upstream: sinks },
    ],
  };
}

const t = (id: string, upstream: string[], median: number, extra: Partial<WorkflowNode> = {}): WorkflowNode => ({
  id,
  kind: 'task',
  upstream,
  runtime: lognormal(median, 0.3),
  ...extra,
});

export const WORKFLOWS: WorkflowDef[] = [
  wf('chain', [t('n0', [], 6), t('n1', ['n0'], 4), t('n2', ['n1'], 8)]),
  wf('fan', [t('prep', [], 3), t('a', ['prep'], 10), t('b', ['prep'], 12), t('c', ['prep'], 8), t('join', ['a', 'b', 'c'], 3)]),
  wf('cached', [
    t('load', [], 20, { cache: { hit: true } }),
    t('feat', ['load'], 20, { cache: { hit: true } }),
    t('clean', ['feat'], 20, { cache: { hit: true } }),
    t('score', ['clean'], 5, { cache: { hit: false } }),
  ]),
];

/** `count` executions cycling through the workflows, with exponential inter-arrival times. */
export function workload(count: number, meanGapSeconds = 4, seed = 'calibrate-workload'): ExecutionPlan[] {
  const rng = new RandomStreams(seed, 0).stream('arrivals');
  let at = 0;
  return Array.from({ length: count }, (_, i) => {
    const plan: ExecutionPlan = {
      id: `exec-${String(i).padStart(3, '0')}`,
      arrival: Number(at.toFixed(3)),
      project: 'flytesnacks',
      domain: 'development',
      namespace: 'flytesnacks-development',
      workflow: WORKFLOWS[i % WORKFLOWS.length]!,
    };
    at += -meanGapSeconds * Math.log(1 - rng());
    return plan;
  });
}
