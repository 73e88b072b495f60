/**
 * Engine and propeller-model throughput (not a test).
 *
 *   npx tsx bench/engine.ts [--reps N] [--only name,name]
 *
 * For each workload (10k-node synthetic workflows and the largest portfolio scenarios) it runs the
 * simulation once to warm up, then `reps` times, and reports medians (and the fastest run, `best`):
 *
 * - events: engine events processed (`Engine.processed`: every timer the simulation scheduled and
 *   the engine popped — worker steps, pod updates, watch deliveries, queue timers, resync and
 *   launcher ticks, arrivals). Identical in every repetition (same seed).
 * - sim ms: wall time of `runSimulation` (building the execution states, running the engine, and
 *   building the whole Recording); the inputs are built before the clock starts.
 * - sim ev/s = events / sim time.
 * - report ms: wall time of `computeReport` on that Recording (median): what `simulate` and every
 *   replication of `whatif`/`sweep` add to the simulation (not part of sim ms or of the goals).
 * - bare ev/s: a bare heap loop in the same process with the same number of events (the same Engine
 *   and heap, 256 pending events, a handler that only draws an exponential delay and reschedules);
 *   its median over `reps` runs. sim/bare is the ratio of the two rates: machine speed and load
 *   (this machine has 2 cores shared with other work; timings vary ±20%) mostly cancel in it.
 */
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import { Engine } from '../src/engine/engine.js';
import type { Model } from '../src/model/model.js';
import type { ExecutionPlan, WorkflowDef, WorkflowNode } from '../src/model/workflow.js';
import { computeReport } from '../src/metrics/index.js';
import { runSimulation } from '../src/propeller/simulator.js';
import { defaultModel } from '../src/model/defaults.js';
import { loadSimulationInput } from '../src/model/load.js';
import { median } from './stats.js';

/** The default model, with CR size limits raised so that the 10k-node workflows run to completion instead of failing as too large. */
function benchModel(): Model {
  const m = defaultModel();
  m.store.etcdLimitBytes = 64 * 1024 * 1024;
  m.store.apiserverLimitBytes = 64 * 1024 * 1024;
  return m;
}

const t = (id: string, upstream: string[]): WorkflowNode => ({ id, kind: 'task', upstream });
function wf(name: string, nodes: WorkflowNode[]): WorkflowDef {
  return { name, nodes, specBytes: 4096 + nodes.length * 120 };
}
function plan(id: string, workflow: WorkflowDef, arrival = 0): ExecutionPlan {
  return { id, arrival, project: 'bench', domain: 'development', namespace: 'bench-development', workflow };
}

export interface Workload {
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

/** Every workload of the bench, synthetic first. */
export function benchWorkloads(): Workload[] {
  return [...WORKLOADS, ...PORTFOLIO];
}

/** The model a workload runs with. */
export function workloadModel(w: Workload): Model {
  return (w.model ?? benchModel)();
}

export interface BenchRow {
  name: string;
  /** Engine events processed by one simulation. */
  events: number;
  /** Median wall time of one simulation (s). */
  simSeconds: number;
  /** Fastest of the timed runs (s): less sensitive to other load on the machine. */
  bestSeconds: number;
  /** Median wall time of `computeReport` on the simulation's Recording (s). */
  reportSeconds: number;
  simEventsPerSecond: number;
  /** Median rate of the bare heap loop with the same number of events. */
  bareEventsPerSecond: number;
  /** sim ev/s ÷ bare ev/s. */
  ratio: number;
  /** Simulated time covered (s). */
  simulatedSeconds: number;
  /** Nodes in the workload's executions (Recording), ops recorded. */
  nodes: number;
  ops: number;
}

export function runEngineBench(reps = 5, only?: string[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const w of benchWorkloads()) {
    if (only && !only.includes(w.name)) continue;
    // Warm-up: compile the hot paths, size the heap.
    runSimulation(w.plans(), workloadModel(w), { seed: 'bench', replication: 0 });
    const simTimes: number[] = [];
    const reportTimes: number[] = [];
    const bareTimes: number[] = [];
    let events = 0;
    let simulated = 0;
    let nodes = 0;
    let ops = 0;
    for (let r = 0; r < reps; r++) {
      const plans = w.plans();
      const m = workloadModel(w);
      const t0 = performance.now();
      const res = runSimulation(plans, m, { seed: 'bench', replication: 0 });
      simTimes.push((performance.now() - t0) / 1000);
      const t1 = performance.now();
      computeReport(res.recording);
      reportTimes.push((performance.now() - t1) / 1000);
      events = res.events;
      simulated = res.endNs / 1e9;
      nodes = 0;
      ops = 0;
      for (const e of res.recording.executions) {
        nodes += e.nodes.length;
        for (const h of e.handles) for (const round of h.rounds) ops += round.ops.length;
      }
    }
    for (let r = 0; r < reps; r++) bareTimes.push(bareLoop(events, 256));
    const sim = median(simTimes);
    const bare = median(bareTimes);
    rows.push({
      name: w.name,
      events,
      simSeconds: sim,
      bestSeconds: Math.min(...simTimes),
      reportSeconds: median(reportTimes),
      simEventsPerSecond: events / sim,
      bareEventsPerSecond: events / bare,
      ratio: bare / sim,
      simulatedSeconds: simulated,
      nodes,
      ops,
    });
  }
  return rows;
}

export function formatEngineBench(rows: BenchRow[], reps: number): string {
  const col = (s: string, n: number) => s.padStart(n);
  const lines = [
    `engine bench: median of ${reps} runs after a warm-up; sim time includes building the Recording`,
    `${'workload'.padEnd(26)}${col('nodes', 7)}${col('ops', 9)}${col('events', 9)}${col('sim ms', 10)}${col('best ms', 10)}${col('report ms', 11)}${col('sim ev/s', 11)}${col('bare ev/s', 11)}${col('sim/bare', 10)}${col('simulated', 11)}`,
  ];
  for (const r of rows) {
    lines.push(
      `${r.name.padEnd(26)}${col(String(r.nodes), 7)}${col(String(r.ops), 9)}${col(String(r.events), 9)}${col((r.simSeconds * 1000).toFixed(1), 10)}${col((r.bestSeconds * 1000).toFixed(1), 10)}${col((r.reportSeconds * 1000).toFixed(1), 11)}${col((r.simEventsPerSecond / 1e6).toFixed(2) + ' M', 11)}${col((r.bareEventsPerSecond / 1e6).toFixed(2) + ' M', 11)}${col(r.ratio.toFixed(3), 10)}${col((r.simulatedSeconds / 3600).toFixed(2) + ' h', 11)}`,
    );
  }
  lines.push(engineGoals(rows));
  return lines.join('\n');
}

/** The issue's goals, each against this run's medians: met or not, and by which workloads. */
export function engineGoals(rows: BenchRow[]): string {
  const tenK = rows.filter((r) => r.nodes >= 10_000);
  const fast = tenK.filter((r) => r.simSeconds < 0.5).map((r) => r.name);
  const slow = tenK.filter((r) => r.simSeconds >= 0.5).map((r) => r.name);
  const rate = rows.length > 0 ? Math.min(...rows.map((r) => r.simEventsPerSecond)) : 0;
  const ratio = rows.length > 0 ? Math.min(...rows.map((r) => r.ratio)) : 0;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  return [
    `goals: >= 4 M events/s: ${met(rate >= 4e6)} (slowest ${(rate / 1e6).toFixed(2)} M)`,
    `>= 0.5x the bare loop: ${met(ratio >= 0.5)} (lowest ${ratio.toFixed(3)})`,
    `10k-node workflow < 0.5 s: ${fast.length > 0 ? `met by ${fast.join(', ')}` : 'NOT met'}${slow.length > 0 ? `; not by ${slow.join(', ')}` : ''}`,
  ].join('; ');
}

function main(): void {
  const args = process.argv.slice(2);
  const reps = Math.max(1, Number(args[args.indexOf('--reps') + 1]) || 5);
  const onlyArg = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1] : undefined;
  console.log(formatEngineBench(runEngineBench(reps, onlyArg?.split(',')), reps));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
