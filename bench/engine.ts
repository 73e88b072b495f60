/**
 * Engine and propeller-model throughput (not a test). For a few large synthetic workloads it runs the
 * simulation and, in the same process, a bare heap loop (the same Engine with a handler that only
 * reschedules) with the same number of events, and prints events/s for both and their ratio.
 *
 *   npx tsx bench/engine.ts [--reps N] [--only name,name]
 *
 * Times are medians over the repetitions (this machine's timings vary ±20% between runs).
 */
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import { Engine } from '../src/engine/engine.js';
import type { Distribution } from '../src/engine/distributions.js';
import type { Model } from '../src/model/model.js';
import type { ExecutionPlan, WorkflowDef, WorkflowNode } from '../src/model/workflow.js';
import { runSimulation } from '../src/propeller/simulator.js';
import { defaultModel } from '../src/model/defaults.js';
import { loadSimulationInput } from '../src/model/load.js';

const lognormal = (median: number, sigma: number): Distribution => ({ type: 'lognormal', mu: Math.log(median), sigma });
const linear = (base: Distribution, perUnit: number): Distribution => ({ type: 'linear', base, perUnit });

/** Propeller code defaults with plausible latencies (the same figures as the default model). */
function benchModel(): Model {
  return {
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
      // Raised so that the 10k-node workflows run to completion instead of failing as too large.
      etcdLimitBytes: 64 * 1024 * 1024,
      apiserverLimitBytes: 64 * 1024 * 1024,
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
    cpu: { round: lognormal(1e-4, 0.3), deepCopy: linear({ type: 'constant', value: 0 }, 2e-9), traversal: linear({ type: 'constant', value: 0 }, 3e-6) },
    dynamic: { compile: lognormal(0.05, 0.5) },
    defaultRuntime: lognormal(10, 0.3),
  };
}

const t = (id: string, upstream: string[]): WorkflowNode => ({ id, kind: 'task', upstream });
function wf(name: string, nodes: WorkflowNode[]): WorkflowDef {
  return { name, nodes, specBytes: 4096 + nodes.length * 120 };
}
function plan(id: string, workflow: WorkflowDef, arrival = 0): ExecutionPlan {
  return { id, arrival, project: 'bench', domain: 'development', namespace: 'bench-development', workflow };
}

interface Workload {
  name: string;
  nodes: number;
  plans: () => ExecutionPlan[];
  /** Model to use (default: benchModel). */
  model?: () => Model;
}

/** The largest scenarios of the RFC portfolio, as `propsim simulate` runs them (default model). */
const PORTFOLIO = ['large-workflow', 'map-fanout', 'mixed-load'].map(
  (name): Workload => ({
    name: `scenario:${name}`,
    nodes: 0,
    plans: () => loadSimulationInput(new URL(`../scenarios/${name}.yaml`, import.meta.url).pathname).executions,
    model: defaultModel,
  }),
);

const WORKLOADS: Workload[] = [
  {
    name: 'chain-10k',
    nodes: 10_000,
    plans: () => [plan('chain', wf('chain', Array.from({ length: 10_000 }, (_, i) => t(`n${i}`, i ? [`n${i - 1}`] : []))))],
  },
  {
    name: 'fanout-10k',
    nodes: 10_000,
    plans: () => [plan('fan', wf('fan', Array.from({ length: 10_000 }, (_, i) => t(`n${i}`, []))))],
  },
  {
    name: 'map-10k',
    nodes: 10_000,
    plans: () => [plan('map', wf('map', [{ id: 'n0', kind: 'map', upstream: [], map: { size: 10_000, parallelism: 0 } }]))],
  },
  {
    name: 'concurrent-1000x6',
    nodes: 6_000,
    plans: () =>
      Array.from({ length: 1000 }, (_, i) =>
        plan(`c${i}`, wf('mixed', [t('a', []), t('b', ['a']), t('c', ['a']), { id: 'd', kind: 'task', upstream: ['b', 'c'], cache: { hit: i % 2 === 0 } }]), (i * 0.6) % 600),
      ),
  },
];

/** The bare loop: the same Engine and heap, a handler that only draws a delay and reschedules. */
function bareLoop(events: number, pending: number): number {
  const rng = seedrandom.alea('bare');
  let left = events - pending;
  const engine = new Engine((kind, target) => {
    if (left-- > 0) engine.schedule(Math.floor(-Math.log(1 - rng()) * 1e8), kind, target);
  });
  for (let i = 0; i < pending; i++) engine.schedule(Math.floor(rng() * 1e8), 1, i);
  const t0 = performance.now();
  engine.run();
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

export interface BenchRow {
  name: string;
  events: number;
  simSeconds: number;
  simEventsPerSecond: number;
  bareEventsPerSecond: number;
  ratio: number;
  simulatedSeconds: number;
}

export function runEngineBench(reps = 3, only?: string[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const w of [...WORKLOADS, ...PORTFOLIO]) {
    if (only && !only.includes(w.name)) continue;
    const simTimes: number[] = [];
    const bareTimes: number[] = [];
    let events = 0;
    let simulated = 0;
    for (let r = 0; r < reps; r++) {
      const plans = w.plans();
      const t0 = performance.now();
      const res = runSimulation(plans, (w.model ?? benchModel)(), { seed: 'bench', replication: r });
      simTimes.push((performance.now() - t0) / 1000);
      events = res.events;
      simulated = res.endNs / 1e9;
      bareTimes.push(bareLoop(events, 256));
    }
    const sim = median(simTimes);
    const bare = median(bareTimes);
    rows.push({
      name: w.name,
      events,
      simSeconds: sim,
      simEventsPerSecond: events / sim,
      bareEventsPerSecond: events / bare,
      ratio: bare / sim,
      simulatedSeconds: simulated,
    });
  }
  return rows;
}

function main(): void {
  const args = process.argv.slice(2);
  const reps = Number(args[args.indexOf('--reps') + 1]) || 3;
  const onlyArg = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1] : undefined;
  const rows = runEngineBench(reps, onlyArg?.split(','));
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`engine bench (median of ${reps}; wall time includes building the Recording)`);
  console.log(
    `${pad('workload', 26)}${pad('events', 10)}${pad('sim wall', 11)}${pad('sim ev/s', 12)}${pad('bare ev/s', 12)}${pad('sim/bare', 10)}simulated`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.name, 26)}${pad(String(r.events), 10)}${pad(r.simSeconds.toFixed(3) + ' s', 11)}${pad((r.simEventsPerSecond / 1e6).toFixed(2) + ' M', 12)}${pad((r.bareEventsPerSecond / 1e6).toFixed(2) + ' M', 12)}${pad(r.ratio.toFixed(3), 10)}${(r.simulatedSeconds / 3600).toFixed(1)} h`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
