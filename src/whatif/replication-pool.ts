/**
 * Replications on worker threads. Every replication is a pure function of (plans, model, seed,
 * replication number), so they can run anywhere in any order: the pool runs them on `jobs`
 * threads and the caller consumes the reports in replication order, which keeps every output
 * byte-identical to running them one after the other.
 *
 * Workers load the TypeScript sources through tsx, as the CLI does; each gets the plans and the
 * models once, at start.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReportJson } from '../metrics/index.js';
import type { Model } from '../model/model.js';
import type { ExecutionPlan } from '../model/workflow.js';
import type { SimulateOptions } from '../propeller/simulator.js';

export interface PoolData {
  plans: ExecutionPlan[];
  /** The models a task can name by index (whatif: baseline, variant). */
  models: Model[];
  seed: string | number;
  simulate?: Pick<SimulateOptions, 'originUnixNano' | 'horizonSeconds'>;
}

export interface PoolTask {
  id: number;
  /** Index into `PoolData.models`. */
  run: number;
  replication: number;
}

export type PoolReply = { id: number; report: ReportJson } | { id: number; error: string } | { ready: true };

/**
 * Tasks posted to a worker before it answered (it takes them one after the other): enough that it
 * never waits for this thread, which may be busy with a replication of its own when a reply comes.
 */
const TASKS_PER_WORKER = 3;

/** Most worker threads a pool starts by default (replications are independent; more threads only add memory). */
const MAX_DEFAULT_JOBS = 8;

/**
 * Threads to use when the user did not say: one core is left to the garbage collector's helper
 * threads and the rest of the machine (on 2 cores that means no worker threads: measured there,
 * two threads ran 20 paired replications slower than one), at most 8.
 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(MAX_DEFAULT_JOBS, availableParallelism() - 1));
}

/** Starting a worker thread costs about this much wall time (loading the sources through tsx). */
export const WORKER_START_MS = 1000;

/**
 * Whether worker threads pay off: more than one thread allowed (this thread counts as one: a pool
 * for `jobs` threads has `jobs - 1` workers), and the replications left would take this thread
 * longer than `minWorkMs` (default: about what starting the workers costs).
 */
export function poolWorthIt(jobs: number, msPerReplication: number, replicationsLeft: number, minWorkMs = WORKER_START_MS): boolean {
  return jobs > 1 && replicationsLeft > 0 && msPerReplication * replicationsLeft > minWorkMs;
}

// A worker is started from this script: it registers tsx in the new thread (as bin/propsim.js does
// in the main one), then loads the worker module.
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });
`;

/** File URL of tsx's ESM API (its CommonJS build cannot register hooks from a worker). */
function tsxApiUrl(): string {
  const req = createRequire(import.meta.url);
  const pkgPath = req.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(pkgPath), pkg.exports['./esm/api']!.import.default)).href;
}

interface Waiting {
  resolve: (r: ReportJson) => void;
  reject: (e: Error) => void;
}

export class ReplicationPool {
  private readonly workers: Worker[] = [];
  /** Workers that have loaded their module, with the number of tasks posted to each and not answered. */
  private readonly ready = new Map<Worker, number>();
  private readonly queue: PoolTask[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private listeners: (() => void)[] = [];
  private failure: Error | undefined;

  constructor(data: PoolData, jobs: number) {
    const entry = new URL('./replication-worker.ts', import.meta.url).href;
    const tsx = tsxApiUrl();
    for (let i = 0; i < Math.max(1, jobs); i++) {
      const w = new Worker(BOOT, { eval: true, workerData: { data, entry, tsx } });
      w.on('message', (m: PoolReply) => this.onReply(w, m));
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`replication worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  /** Tasks the pool would take right now: free places in the workers' queues minus tasks waiting for one. */
  free(): number {
    let places = 0;
    for (const n of this.ready.values()) places += TASKS_PER_WORKER - n;
    return places - this.queue.length;
  }

  /** Resolves at the next reply or worker start-up (when `free` may have changed). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  /** The report of one simulation: model `run`, replication `replication`. */
  run(run: number, replication: number): Promise<ReportJson> {
    if (this.failure) return Promise.reject(this.failure);
    const task: PoolTask = { id: this.nextId++, run, replication };
    const p = new Promise<ReportJson>((resolve, reject) => this.waiting.set(task.id, { resolve, reject }));
    this.queue.push(task);
    this.dispatch();
    return p;
  }

  /** Stops every worker; tasks still running are dropped. */
  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    this.ready.clear();
    this.queue.length = 0;
    this.waiting.clear();
    await Promise.all(ws.map((w) => w.terminate()));
  }

  /** Posts waiting tasks to the least loaded workers, up to TASKS_PER_WORKER each. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      let best: Worker | undefined;
      let load = TASKS_PER_WORKER;
      for (const [w, n] of this.ready) if (n < load) [best, load] = [w, n];
      if (best === undefined) return;
      this.ready.set(best, load + 1);
      best.postMessage(this.queue.shift()!);
    }
  }

  private onReply(w: Worker, m: PoolReply): void {
    this.notify();
    if ('ready' in m) {
      this.ready.set(w, 0);
      this.dispatch();
      return;
    }
    const wait = this.waiting.get(m.id);
    this.waiting.delete(m.id);
    const n = this.ready.get(w);
    if (n !== undefined) this.ready.set(w, n - 1);
    this.dispatch();
    if (!wait) return;
    if ('error' in m) wait.reject(new Error(`replication failed in a worker thread: ${m.error}`));
    else wait.resolve(m.report);
  }

  private notify(): void {
    const ls = this.listeners;
    this.listeners = [];
    for (const l of ls) l();
  }

  private fail(e: Error): void {
    if (this.workers.length === 0) return; // closed: terminating workers is not a failure
    this.failure ??= e;
    // No more tasks go to workers: the caller runs what is left itself.
    this.ready.clear();
    this.notify();
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
