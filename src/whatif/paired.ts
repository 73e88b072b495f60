/**
 * The paired what-if runner. Replication r runs the baseline and the variant with the same seed and
 * replication number, so both draw the same keyed random streams (common random numbers) and the
 * per-replication difference carries only the effect of the change, not the run-to-run noise.
 * Replications continue until the 95% CI half-width of Δmakespan (mean over executions) is below
 * `precision` × |baseline mean makespan| after at least `minReps`, or `maxReps` is reached.
 */
import { computeReport, type ReportJson } from '../metrics/index.js';
import type { Model } from '../model/model.js';
import type { ExecutionPlan } from '../model/workflow.js';
import { simulate, type SimulateOptions } from '../propeller/simulator.js';
import { InputError } from '../timeline/errors.js';
import { applyChanges, changeEffects, describeChange, type Change, type Effect } from './changes.js';
import { EXECUTION_FIGURES, RECORDING_FIGURES, type FigureSample } from './figures.js';
import { Running, tQuantile } from './paired-stats.js';
import { replicationsInOrder, type RemoteRunner } from './replication-order.js';
import { defaultJobs, poolWorthIt, ReplicationPool } from './replication-pool.js';
import { ReplicationAggregator, type Estimate } from './replications.js';

export interface PairedOptions {
  seed: string | number;
  /** Default 10 (at least 2: a CI needs two replications). */
  minReps?: number;
  /** Default 200. */
  maxReps?: number;
  /** Target CI half-width of Δmakespan as a fraction of the baseline mean makespan. Default 0.01. */
  precision?: number;
  /** Called after every replication. */
  onProgress?: (p: WhatifProgress) => void;
  /** Passed to every simulation. */
  simulate?: Pick<SimulateOptions, 'originUnixNano' | 'horizonSeconds'>;
}

/** Worker threads for replications. */
export interface ThreadOptions {
  /** Threads in all (default: the machine's cores minus one, at most 8; 1: this thread only). */
  jobs?: number;
  /** Start threads only when the replications left would take this thread longer (ms; default about a thread's start-up). */
  minWorkMs?: number;
}

export interface WhatifProgress {
  /** Replications done. */
  rep: number;
  minReps: number;
  maxReps: number;
  deltaMakespanNs: number;
  /** Current 95% CI half-width of Δmakespan (Infinity below 2 replications). */
  halfWidthNs: number;
  targetHalfWidthNs: number;
  baselineMakespanNs: number;
}

/** A change of one figure: Δ = variant − baseline, per replication, then mean and 95% CI. */
export interface DeltaEstimate {
  /** Replications with a value in both runs. */
  n: number;
  /** Means of the two runs. */
  baseline: number | null;
  variant: number | null;
  mean: number | null;
  ci95: [number, number] | null;
  halfWidth: number | null;
  /** Δ relative to |baseline| (ratio of means; over executions the mean of the per-execution ratios). */
  relative: number | null;
  relativeCi95: [number, number] | null;
  /** The CI half-width the same replications would give unpaired (independent seeds): Welch's interval. */
  unpairedHalfWidth: number | null;
  /** Every replication gave exactly the same value in both runs. */
  unchanged: boolean;
}

export type DeltaFigures = Record<string, DeltaEstimate>;

export type RunSummary = ReportJson & { figures: Record<string, Estimate> };

export interface WhatifJson {
  schema: 'propsim.whatif/1';
  replications: number;
  seed: string | number;
  stoppedBecause: 'precision' | 'maxReps';
  minReps: number;
  maxReps: number;
  precision: number;
  /** The half-width Δmakespan had to fall below (ns). */
  targetHalfWidthNs: number;
  changes: (Change & { text: string })[];
  /** Model leaves the changes altered. */
  effects: Effect[];
  /** Report layout, every number the mean over replications, plus `figures` (mean and CI over executions). */
  baseline: RunSummary;
  variant: RunSummary;
  /** Over top-level executions: the mean of each execution's change. */
  delta: DeltaFigures;
  executions: { id: string; delta: DeltaFigures }[];
}

type Values = (number | null | undefined)[];

function running(xs: readonly number[]): Running {
  const r = new Running();
  for (const x of xs) r.add(x);
  return r;
}

/** Welch's 95% half-width for the difference of two independent means. */
export function unpairedHalfWidth(b: readonly number[], v: readonly number[]): number | null {
  if (b.length < 2 || v.length < 2) return null;
  const rb = running(b);
  const rv = running(v);
  const qb = rb.variance / rb.n;
  const qv = rv.variance / rv.n;
  const se2 = qb + qv;
  if (se2 === 0) return 0;
  const df = (se2 * se2) / ((qb * qb) / (rb.n - 1) + (qv * qv) / (rv.n - 1));
  return tQuantile(0.975, df) * Math.sqrt(se2);
}

function meanCi(xs: readonly number[]): { mean: number | null; halfWidth: number | null } {
  if (xs.length === 0) return { mean: null, halfWidth: null };
  const allSame = xs.every((x) => x === xs[0]);
  if (allSame) return { mean: xs[0]!, halfWidth: xs.length >= 2 ? 0 : null };
  const r = running(xs);
  return { mean: r.mean, halfWidth: xs.length >= 2 ? r.halfWidth95() : null };
}

const ci = (m: number | null, h: number | null): [number, number] | null =>
  m === null || h === null ? null : h === 0 ? [m, m] : [m - h, m + h];

interface Pairs {
  /** Replication index, baseline and variant value, for replications where both are numbers. */
  rep: number[];
  b: number[];
  v: number[];
  /** Replication index -> position in the arrays. */
  at: Map<number, number>;
}

function pairs(b: Values, v: Values): Pairs {
  const out: Pairs = { rep: [], b: [], v: [], at: new Map() };
  for (let r = 0; r < Math.min(b.length, v.length); r++) {
    const x = b[r];
    const y = v[r];
    if (typeof x === 'number' && typeof y === 'number') {
      out.at.set(r, out.rep.length);
      out.rep.push(r);
      out.b.push(x);
      out.v.push(y);
    }
  }
  return out;
}

/** One series (an execution's figure, or a recording figure). `z` is the linearised relative change per replication. */
function seriesDelta(p: Pairs): { est: DeltaEstimate; ratio: number | null; bMean: number | null; z: Map<number, number> } {
  const d = p.v.map((y, i) => y - p.b[i]!);
  const { mean, halfWidth } = meanCi(d);
  const bMean = p.b.length > 0 ? running(p.b).mean : null;
  const vMean = p.v.length > 0 ? running(p.v).mean : null;
  const ratio = mean !== null && bMean !== null && bMean !== 0 ? mean / Math.abs(bMean) : null;
  // Delta method for a ratio of means: the CI of D̄/|B̄| from (d − R·b)/|B̄| per replication.
  const z = new Map<number, number>();
  if (ratio !== null) p.rep.forEach((r, i) => z.set(r, (d[i]! - ratio * p.b[i]!) / Math.abs(bMean!)));
  const zh = ratio !== null ? meanCi([...z.values()]).halfWidth : null;
  return {
    est: {
      n: d.length,
      baseline: bMean,
      variant: vMean,
      mean,
      ci95: ci(mean, halfWidth),
      halfWidth,
      relative: ratio,
      relativeCi95: ci(ratio, zh),
      unpairedHalfWidth: unpairedHalfWidth(p.b, p.v),
      unchanged: d.every((x) => x === 0),
    },
    ratio,
    bMean,
    z,
  };
}

/** Over executions: per replication the mean over executions of Δ (and of each run), then mean and CI. */
function overExecutions(perExec: Pairs[], series: ReturnType<typeof seriesDelta>[], reps: number): DeltaEstimate {
  const dBar: number[] = [];
  const bBar: number[] = [];
  const vBar: number[] = [];
  const zBar: number[] = [];
  const ratios = series.map((s) => s.ratio).filter((x): x is number => x !== null);
  for (let r = 0; r < reps; r++) {
    let n = 0, sd = 0, sb = 0, sv = 0, nz = 0, sz = 0;
    perExec.forEach((p, e) => {
      const i = p.at.get(r);
      if (i === undefined) return;
      n++;
      sb += p.b[i]!;
      sv += p.v[i]!;
      sd += p.v[i]! - p.b[i]!;
      const z = series[e]!.z.get(r);
      if (z !== undefined) {
        nz++;
        sz += z;
      }
    });
    if (n === 0) continue;
    dBar.push(sd / n);
    bBar.push(sb / n);
    vBar.push(sv / n);
    if (nz > 0) zBar.push(sz / nz);
  }
  const { mean, halfWidth } = meanCi(dBar);
  const relative = ratios.length > 0 ? ratios.reduce((a, b) => a + b, 0) / ratios.length : null;
  const zh = relative !== null ? meanCi(zBar).halfWidth : null;
  return {
    n: dBar.length,
    baseline: bBar.length > 0 ? running(bBar).mean : null,
    variant: vBar.length > 0 ? running(vBar).mean : null,
    mean,
    ci95: ci(mean, halfWidth),
    halfWidth,
    relative,
    relativeCi95: ci(relative, zh),
    unpairedHalfWidth: unpairedHalfWidth(bBar, vBar),
    unchanged: series.every((s) => s.est.unchanged),
  };
}

/** Per-execution and overall deltas from the per-replication figures of both runs. */
export function pairedDeltas(base: readonly FigureSample[], variant: readonly FigureSample[]): {
  delta: DeltaFigures;
  executions: { id: string; delta: DeltaFigures }[];
} {
  const reps = Math.min(base.length, variant.length);
  const ids: string[] = [];
  const seen = new Set<string>();
  for (const s of base) {
    for (const id of s.executions.keys()) {
      if (seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
    }
  }
  const executions = ids.map((id) => ({ id, delta: {} as DeltaFigures }));
  const delta: DeltaFigures = {};
  for (const f of EXECUTION_FIGURES) {
    const perExec = ids.map((id) =>
      pairs(
        base.slice(0, reps).map((s) => s.executions.get(id)?.[f.key]),
        variant.slice(0, reps).map((s) => s.executions.get(id)?.[f.key]),
      ),
    );
    const series = perExec.map(seriesDelta);
    series.forEach((s, e) => (executions[e]!.delta[f.key] = s.est));
    delta[f.key] = overExecutions(perExec, series, reps);
  }
  for (const f of RECORDING_FIGURES) {
    delta[f.key] = seriesDelta(
      pairs(
        base.slice(0, reps).map((s) => s.overall[f.key]),
        variant.slice(0, reps).map((s) => s.overall[f.key]),
      ),
    ).est;
  }
  return { delta, executions };
}

/** Mean over top-level executions of a figure in one replication (both runs must have it). */
function pairedMean(b: FigureSample, v: FigureSample, key: string): { d: number; b: number } | null {
  let n = 0, sd = 0, sb = 0;
  for (const [id, bv] of b.executions) {
    const x = bv[key];
    const y = v.executions.get(id)?.[key];
    if (typeof x !== 'number' || typeof y !== 'number') continue;
    n++;
    sd += y - x;
    sb += x;
  }
  return n > 0 ? { d: sd / n, b: sb / n } : null;
}

export interface PairedRun {
  replications: number;
  stoppedBecause: 'precision' | 'maxReps';
  minReps: number;
  maxReps: number;
  precision: number;
  targetHalfWidthNs: number;
  baseline: RunSummary;
  variant: RunSummary;
  delta: DeltaFigures;
  executions: { id: string; delta: DeltaFigures }[];
}

/** The stopping rule and the aggregates of paired replications, fed one replication at a time in order. */
export class PairedLoop {
  readonly maxReps: number;
  readonly minReps: number;
  readonly precision: number;
  private readonly base: ReplicationAggregator;
  private readonly vari = new ReplicationAggregator();
  private readonly dMake = new Running();
  private readonly bMake = new Running();
  private stoppedBecause: 'precision' | 'maxReps' = 'maxReps';
  private target = Infinity;

  /**
   * `baselineMeanReport: false` keeps only the baseline's figures, not its mean report (a sweep
   * keeps one baseline report for all its values): `result()` is then not available, `variantResult()` is.
   */
  constructor(
    private readonly opts: PairedOptions,
    { baselineMeanReport = true }: { baselineMeanReport?: boolean } = {},
  ) {
    this.base = new ReplicationAggregator({ meanReport: baselineMeanReport });
    this.maxReps = Math.max(1, Math.floor(opts.maxReps ?? 200));
    this.minReps = Math.min(this.maxReps, Math.max(2, Math.floor(opts.minReps ?? 10)));
    this.precision = opts.precision ?? 0.01;
    if (!Number.isFinite(this.precision) || this.precision < 0) {
      throw new InputError(`precision must be a number >= 0, got ${this.precision}`, { path: '--precision' });
    }
  }

  /** Takes replication r (0, 1, ... in order); true when the precision target is reached. */
  add(r: number, baseReport: ReportJson, variantReport: ReportJson): boolean {
    const bs = this.base.add(baseReport);
    const vs = this.vari.add(variantReport);
    const m = pairedMean(bs, vs, 'makespanNs');
    if (m) {
      this.dMake.add(m.d);
      this.bMake.add(m.b);
    }
    this.target = this.precision * Math.abs(this.bMake.mean);
    const hw = this.dMake.halfWidth95();
    this.opts.onProgress?.({
      rep: r + 1,
      minReps: this.minReps,
      maxReps: this.maxReps,
      deltaMakespanNs: this.dMake.mean,
      halfWidthNs: hw,
      targetHalfWidthNs: this.target,
      baselineMakespanNs: this.bMake.mean,
    });
    if (r + 1 >= this.minReps && hw < this.target) {
      this.stoppedBecause = 'precision';
      return true;
    }
    return false;
  }

  result(): PairedRun {
    return { ...this.variantResult(), baseline: { ...this.base.meanReport(), figures: this.base.figures() } };
  }

  /** `result()` without the baseline's summary. */
  variantResult(): Omit<PairedRun, 'baseline'> {
    const { delta, executions } = pairedDeltas(this.base.samples, this.vari.samples);
    return {
      replications: this.base.n,
      stoppedBecause: this.stoppedBecause,
      minReps: this.minReps,
      maxReps: this.maxReps,
      precision: this.precision,
      targetHalfWidthNs: this.target,
      variant: { ...this.vari.meanReport(), figures: this.vari.figures() },
      delta,
      executions,
    };
  }
}

/** Replication r of both models on this thread: the baseline's and the variant's report. */
function pairOnThisThread(plans: readonly ExecutionPlan[], baseModel: Model, variantModel: Model, opts: PairedOptions): (r: number) => [ReportJson, ReportJson] {
  const list = [...plans];
  return (r) => {
    const so = { ...opts.simulate, seed: opts.seed, replication: r };
    return [computeReport(simulate(list, baseModel, so)), computeReport(simulate(list, variantModel, so))];
  };
}

/** Paired replications of two models on the same plans. */
export function runPaired(plans: readonly ExecutionPlan[], baseModel: Model, variantModel: Model, opts: PairedOptions): PairedRun {
  if (plans.length === 0) throw new InputError('nothing to simulate: no executions');
  const loop = new PairedLoop(opts);
  const pair = pairOnThisThread(plans, baseModel, variantModel, opts);
  for (let r = 0; r < loop.maxReps; r++) if (loop.add(r, ...pair(r))) break;
  return loop.result();
}

/** Replication r on a pool started with the models [baseline, variant]: both runs' reports. */
export function pairedRemote(pool: ReplicationPool): RemoteRunner<[ReportJson, ReportJson]> {
  return {
    free: () => pool.free(),
    changed: () => pool.changed(),
    run: (r: number) => Promise.all([pool.run(0, r), pool.run(1, r)]),
  };
}

/**
 * `runPaired` with replications also on up to `jobs` worker threads: the same result, byte for
 * byte. Replication 0 runs here first (a bad input fails as it would without threads, and its
 * time tells whether starting threads is worth it).
 */
export async function runPairedParallel(plans: readonly ExecutionPlan[], baseModel: Model, variantModel: Model, opts: PairedOptions & ThreadOptions): Promise<PairedRun> {
  if (plans.length === 0) throw new InputError('nothing to simulate: no executions');
  const loop = new PairedLoop(opts);
  const list = [...plans];
  const pair = pairOnThisThread(list, baseModel, variantModel, opts);
  const t0 = performance.now();
  if (loop.add(0, ...pair(0))) return loop.result();
  const jobs = opts.jobs ?? defaultJobs();
  const pool = poolWorthIt(jobs, performance.now() - t0, loop.minReps - 1, opts.minWorkMs)
    ? new ReplicationPool({ plans: list, models: [baseModel, variantModel], seed: opts.seed, ...(opts.simulate ? { simulate: opts.simulate } : {}) }, jobs - 1)
    : undefined;
  try {
    const remote = pool && pairedRemote(pool);
    let r = 1;
    for await (const [b, v] of replicationsInOrder(1, loop.maxReps, pair, remote)) {
      if (loop.add(r++, b, v)) break;
    }
  } finally {
    await pool?.close();
  }
  return loop.result();
}

/** `whatif`: the changes applied to `baseModel`, then paired replications of both. */
export function runWhatif(plans: readonly ExecutionPlan[], baseModel: Model, changes: readonly Change[], opts: PairedOptions): WhatifJson {
  const variantModel = applyChanges(baseModel, changes);
  return whatifJson(baseModel, variantModel, changes, opts, runPaired(plans, baseModel, variantModel, opts));
}

/** `runWhatif` with replications also on worker threads (`runPairedParallel`): the same result. */
export async function runWhatifParallel(plans: readonly ExecutionPlan[], baseModel: Model, changes: readonly Change[], opts: PairedOptions & ThreadOptions): Promise<WhatifJson> {
  const variantModel = applyChanges(baseModel, changes);
  return whatifJson(baseModel, variantModel, changes, opts, await runPairedParallel(plans, baseModel, variantModel, opts));
}

function whatifJson(baseModel: Model, variantModel: Model, changes: readonly Change[], opts: PairedOptions, run: PairedRun): WhatifJson {
  return {
    schema: 'propsim.whatif/1',
    replications: run.replications,
    seed: opts.seed,
    stoppedBecause: run.stoppedBecause,
    minReps: run.minReps,
    maxReps: run.maxReps,
    precision: run.precision,
    targetHalfWidthNs: run.targetHalfWidthNs,
    changes: changes.map((c) => ({ ...c, text: describeChange(c) })),
    effects: changeEffects(baseModel, variantModel),
    baseline: run.baseline,
    variant: run.variant,
    delta: run.delta,
    executions: run.executions,
  };
}
