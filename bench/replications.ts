/**
 * Replications on worker threads: `whatif` with a fixed number of paired replications, on one
 * thread (`--jobs 1`) against all cores (`--jobs N`), in fresh processes, interleaved, median of
 * `runs`. Prints wall time and the speed-up, and checks that both outputs are byte-identical.
 * Not a test.
 *
 *   npx tsx bench/replications.ts [--runs N] [--reps R] [--scenario FILE]
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const BIN = fileURLToPath(new URL('../bin/propsim.js', import.meta.url));
const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/mixed-load.yaml', import.meta.url));

export interface ReplicationBenchResult {
  scenario: string;
  reps: number;
  jobs: number;
  /** Median wall seconds with one thread and with `jobs` threads. */
  oneThread: number;
  threads: number;
  speedup: number;
  identical: boolean;
}

function runOnce(scenario: string, reps: number, jobs: number): { seconds: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, 'whatif', scenario, '--preset', 'halve-event-latency', '--reps', String(reps), '--min-reps', String(reps), '--jobs', String(jobs), '--json'], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`whatif --jobs ${jobs} failed: ${r.stderr}`);
  return { seconds, out: r.stdout };
}

export function runReplicationBench(opts: { runs?: number; reps?: number; scenario?: string } = {}): ReplicationBenchResult {
  const runs = opts.runs ?? 3;
  const reps = opts.reps ?? 20;
  const scenario = opts.scenario ?? DEFAULT_SCENARIO;
  const jobs = Math.max(2, Math.min(8, availableParallelism()));
  const one: number[] = [];
  const many: number[] = [];
  let identical = true;
  for (let i = 0; i < runs; i++) {
    const a = runOnce(scenario, reps, 1);
    const b = runOnce(scenario, reps, jobs);
    one.push(a.seconds);
    many.push(b.seconds);
    identical &&= a.out === b.out;
  }
  const oneThread = median(one);
  const threads = median(many);
  return { scenario, reps, jobs, oneThread, threads, speedup: oneThread / threads, identical };
}

export function formatReplicationBench(r: ReplicationBenchResult, runs: number): string {
  return [
    `whatif ${r.scenario.split('/').pop()} --reps ${r.reps} (paired: ${2 * r.reps} simulations), median of ${runs} fresh processes`,
    `  --jobs 1   ${r.oneThread.toFixed(2)} s`,
    `  --jobs ${r.jobs}   ${r.threads.toFixed(2)} s   speed-up ×${r.speedup.toFixed(2)}; output ${r.identical ? 'byte-identical' : 'DIFFERS'}`,
  ].join('\n');
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(arg('--runs') ?? 3);
  const res = runReplicationBench({ runs, reps: Number(arg('--reps') ?? 20), ...(arg('--scenario') ? { scenario: arg('--scenario')! } : {}) });
  console.log(formatReplicationBench(res, runs));
}
