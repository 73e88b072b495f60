import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { defaultModel, profile } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan, WorkflowDef } from '../../src/model/workflow.js';
import { runSimulation } from '../../src/propeller/simulator.js';
import { plan, task, testModel, workflow } from './helpers.js';

export const SCENARIO_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** A model that drives the rarely taken paths: blob cache, offloaded closure, throttled and failing events, conflicts, backoff. */
export function stressModel(): Model {
  const m = defaultModel();
  m.store.blobCacheMB = 64;
  m.store.offloadClosure = true;
  m.store.resourceVersionCache = false;
  m.events.workflow.failureProbability = 0.03;
  m.events.node.failureProbability = 0.03;
  m.events.task.failureProbability = 0.03;
  m.propeller.eventRate = 20;
  m.propeller.eventBurst = 10;
  m.propeller.kubeQps = 5;
  m.propeller.kubeBurst = 2;
  m.propeller.workers = 3;
  m.propeller.maxStreakLength = 3;
  m.propeller.baseDelaySeconds = 0.5;
  return m;
}

export const MODELS: Record<string, () => Model> = {
  default: defaultModel,
  'flyte-core': () => profile('flyte-core'),
  stress: stressModel,
  test: () => testModel(),
};

/**
 * Synthetic inputs beside the scenario files: every node kind together (branch, gate, launch plan,
 * retries, replay, cache miss, nested dynamic/subworkflow, limited map) and small versions of the
 * bench workloads (chain, fan-out, map, many concurrent executions).
 */
export const SYNTHETIC: Record<string, () => ExecutionPlan[]> = {
  zoo: () => {
    const child: WorkflowDef = workflow('child', [task('c0', []), task('c1', ['c0'])], 2048);
    const sub: WorkflowDef = workflow('sub', [task('s0', []), task('s1', ['s0']), task('s2', ['s0'])]);
    const dyn: WorkflowDef = workflow('dyn', [task('d0', []), { id: 'd1', kind: 'subworkflow', upstream: ['d0'], subworkflow: sub }]);
    const wf = workflow('zoo', [
      task('a', [], { failedAttempts: 2, runtime: { type: 'lognormal', mu: Math.log(3), sigma: 0.3 } }),
      { id: 'br', kind: 'branch', upstream: ['a'], branch: { cases: ['br-x', 'br-y'], taken: 'br-y' } },
      task('br-x', [], { branchOf: 'br' }),
      task('br-y', [], { branchOf: 'br', cache: { hit: false } }),
      { id: 'g', kind: 'gate', upstream: ['a'], gate: { type: 'constant', value: 12 } },
      { id: 'lp', kind: 'launchplan', upstream: ['g'], launchplan: child },
      { id: 'dy', kind: 'dynamic', upstream: ['a'], dynamic: dyn },
      { id: 'sw', kind: 'subworkflow', upstream: ['a'], subworkflow: sub },
      { id: 'm', kind: 'map', upstream: ['a'], map: { size: 40, parallelism: 7 }, inputBytes: 4096, outputBytes: 8192 },
      task('hit', ['m'], { cache: { hit: true } }),
      task('z', ['br', 'lp', 'dy', 'sw', 'hit']),
    ]);
    const replayed = plan('zoo-replay', wf, 3);
    replayed.replay = { a: { runtime: 1.5, podStart: 2 }, z: { runtime: 0.25 } };
    return [plan('zoo', wf), replayed];
  },
  'chain-300': () => [plan('chain', workflow('chain', Array.from({ length: 300 }, (_, i) => task(`n${i}`, i ? [`n${i - 1}`] : []))))],
  'fanout-300': () => [plan('fan', workflow('fan', Array.from({ length: 300 }, (_, i) => task(`n${i}`, []))))],
  'map-1000': () => [plan('map', workflow('map', [{ id: 'n0', kind: 'map', upstream: [], map: { size: 1000, parallelism: 0 } }]))],
  'concurrent-60': () =>
    Array.from({ length: 60 }, (_, i) =>
      plan(`c${i}`, workflow('mixed', [task('a', []), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'], { cache: { hit: i % 2 === 0 } })]), (i * 0.6) % 30),
    ),
};

export interface HashCase {
  /** A scenario file name, or `synthetic:<name>`. */
  scenario: string;
  model: string;
  seed: string | number;
}

/** Every scenario with the default model and two seeds; the other models with one seed. */
export function hashCases(): HashCase[] {
  const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml')).sort();
  const cases: HashCase[] = [];
  for (const f of files) {
    for (const seed of [1, 'propsim']) cases.push({ scenario: f, model: 'default', seed });
    cases.push({ scenario: f, model: 'flyte-core', seed: 7 });
    cases.push({ scenario: f, model: 'stress', seed: 7 });
  }
  for (const name of Object.keys(SYNTHETIC)) {
    for (const seed of [1, 'propsim']) cases.push({ scenario: `synthetic:${name}`, model: 'test', seed });
    cases.push({ scenario: `synthetic:${name}`, model: 'stress', seed: 7 });
  }
  return cases;
}

/** `sha256(JSON) events endNs` of one simulation. */
export function fingerprint(c: HashCase): string {
  const plans = c.scenario.startsWith('synthetic:')
    ? SYNTHETIC[c.scenario.slice('synthetic:'.length)]!()
    : loadSimulationInput(SCENARIO_DIR + c.scenario).executions;
  const res = runSimulation(plans, MODELS[c.model]!(), { seed: c.seed, replication: 0 });
  const h = createHash('sha256').update(JSON.stringify(res.recording)).digest('hex');
  return `${h} ${res.events} ${res.endNs}`;
}

export const caseName = (c: HashCase) => `${c.scenario} ${c.model} seed=${c.seed}`;
