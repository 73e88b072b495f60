import { computeReport, type ReportJson } from '../metrics/index.js';
import type { Model } from '../model/model.js';
import type { ExecutionPlan } from '../model/workflow.js';
import { simulate, type SimulateOptions } from '../propeller/simulator.js';
import type { ThreadOptions } from './paired.js';
import { replicationsInOrder } from './replication-order.js';
import { defaultJobs, poolWorthIt, ReplicationPool } from './replication-pool.js';

export interface ReplicateOptions extends ThreadOptions {
  seed: string | number;
  simulate?: Pick<SimulateOptions, 'originUnixNano' | 'horizonSeconds'>;
  /** Wall time one replication took on this thread (decides whether threads pay off). */
  msPerReplication: number;
}

/**
 * Reports of replications `from` .. `to`-1 of one model, in replication order (`simulate --reps`),
 * also on worker threads when that pays off; the same reports as simulating them one by one here.
 */
export async function* replicateReports(plans: ExecutionPlan[], model: Model, from: number, to: number, opts: ReplicateOptions): AsyncGenerator<ReportJson> {
  const local = (r: number) => computeReport(simulate(plans, model, { ...opts.simulate, seed: opts.seed, replication: r }));
  const jobs = opts.jobs ?? defaultJobs();
  const pool = poolWorthIt(jobs, opts.msPerReplication, to - from, opts.minWorkMs)
    ? new ReplicationPool({ plans, models: [model], seed: opts.seed, ...(opts.simulate ? { simulate: opts.simulate } : {}) }, jobs - 1)
    : undefined;
  try {
    const remote = pool && { free: () => pool.free(), changed: () => pool.changed(), run: (r: number) => pool.run(0, r) };
    yield* replicationsInOrder(from, to, local, remote);
  } finally {
    await pool?.close();
  }
}
