import seedrandom from 'seedrandom';
import { sortedQuantile } from '../model/dist-summary.js';
import { medianOf } from '../model/fit.js';
import { computeReport } from '../metrics/index.js';
import type { ExecutionReport } from '../metrics/report-json.js';
import { simulate } from '../propeller/simulator.js';
import { InputError } from '../timeline/errors.js';
import type { Execution, Recording } from '../timeline/types.js';
import { calibrate, type CalibrationReport } from './calibrate.js';
import { throughLogs } from './log-lens.js';
import { replayPlans } from './replay.js';

/**
 * Held-out validation: calibrate on part of the executions, replay the recording under that
 * model `reps` times, and compare the held-out executions' makespans and overhead sums with what
 * was recorded. Every top-level execution is replayed (at its recorded arrival), so the held-out
 * ones meet the same load they met when recorded; only the held-out ones are scored. Predictions
 * of a log recording are measured as logs would show them (log-lens.ts).
 *
 * Figures per quantity (makespan; user, Flyte and external overhead sums per execution):
 * relative error of the mean, of the median and of the 95th percentile over the held-out set
 * (predicted: the figure of each replication, averaged), and a two-sample KS statistic (recorded
 * values vs predictions pooled over replications); for makespan also the
 * coverage of 90% prediction intervals (5th-95th percentile of an execution's replications).
 */

export interface ValidateOptions {
  /** Fraction of executions held out (0 < f < 1). */
  holdout: number;
  splitBy: 'random' | 'time';
  /** Declared target for the makespan mean error. */
  targetError: number;
  seed: string | number;
  /** Replications per held-out execution. */
  reps: number;
  profile?: string;
}

export interface QuantityFigures {
  observed: { mean: number; p50: number; p95: number };
  predicted: { mean: number; p50: number; p95: number };
  /** |predicted - observed| / observed; null when the observed figure is 0. */
  meanError: number | null;
  p50Error: number | null;
  p95Error: number | null;
  ks: number;
}

export interface MakespanFigures extends QuantityFigures {
  piCoverage: number;
}

export interface ExecutionValidation {
  id: string;
  observedNs: number;
  predictedMeanNs: number;
  pi90Ns: [number, number];
  covered: boolean;
}

export interface ValidationResult {
  schema: 'propsim.validation/1';
  source: string;
  splitBy: 'random' | 'time';
  holdout: number;
  seed: string;
  reps: number;
  calibrated: string[];
  heldOut: string[];
  /** Top-level executions left out because the input holds no terminal phase for them (cut off). */
  incomplete: string[];
  makespan: MakespanFigures;
  categories: { user: QuantityFigures; flyte: QuantityFigures; external: QuantityFigures };
  executions: ExecutionValidation[];
  config: CalibrationReport['config'];
  targetError: number;
  passed: boolean;
}

/** Two-sample Kolmogorov-Smirnov statistic. */
export function ks2(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const x = a.slice().sort((p, q) => p - q);
  const y = b.slice().sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const t = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= t) i++;
    while (j < y.length && y[j]! <= t) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length);
const relError = (pred: number, obs: number): number | null => (obs === 0 ? (pred === 0 ? 0 : null) : Math.abs(pred - obs) / Math.abs(obs));

function figures(observed: readonly number[], perExec: readonly (readonly number[])[]): QuantityFigures {
  const obs = observed.slice().sort((a, b) => a - b);
  const pooled = perExec.flat().sort((a, b) => a - b);
  // Quantiles over the held-out set per replication, averaged: the same sample size and
  // definition as the observed quantiles.
  const reps = Math.min(...perExec.map((v) => v.length));
  const qs = (q: number) => {
    let sum = 0;
    for (let r = 0; r < reps; r++) sum += sortedQuantile(perExec.map((v) => v[r]!).sort((a, b) => a - b), q);
    return sum / reps;
  };
  const o = { mean: mean(obs), p50: sortedQuantile(obs, 0.5), p95: sortedQuantile(obs, 0.95) };
  const p = { mean: mean(perExec.map(mean)), p50: qs(0.5), p95: qs(0.95) };
  return {
    observed: o,
    predicted: p,
    meanError: relError(p.mean, o.mean),
    p50Error: relError(p.p50, o.p50),
    p95Error: relError(p.p95, o.p95),
    ks: ks2(obs, pooled),
  };
}

/** Splits top-level execution ids into calibrated and held-out ones. */
export function splitExecutions(tops: readonly Execution[], opts: Pick<ValidateOptions, 'holdout' | 'splitBy' | 'seed'>): { calibrated: string[]; heldOut: string[] } {
  const n = tops.length;
  const k = Math.min(n - 1, Math.max(1, Math.round(opts.holdout * n)));
  let order: Execution[];
  if (opts.splitBy === 'time') {
    const at = (e: Execution) => e.created?.at ?? e.handles[0]?.start ?? 0;
    order = tops.slice().sort((a, b) => at(a) - at(b) || (a.id < b.id ? -1 : 1));
  } else {
    // Seeded Fisher-Yates over the ids in sorted order: the split depends on the seed only.
    const rng = seedrandom.alea(`validate:${String(opts.seed)}`);
    order = tops.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  const held = new Set(order.slice(n - k).map((e) => e.id));
  return {
    calibrated: tops.filter((e) => !held.has(e.id)).map((e) => e.id),
    heldOut: tops.filter((e) => held.has(e.id)).map((e) => e.id),
  };
}

/** The executions of `ids` and their launch-plan descendants. */
function withDescendants(rec: Recording, ids: ReadonlySet<string>): Execution[] {
  const keep = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of rec.executions) {
      if (!keep.has(e.id) && e.parent !== undefined && keep.has(e.parent)) {
        keep.add(e.id);
        grew = true;
      }
    }
  }
  return rec.executions.filter((e) => keep.has(e.id));
}

export function validate(rec: Recording, opts: ValidateOptions): ValidationResult {
  if (!(opts.holdout > 0 && opts.holdout < 1)) throw new InputError(`--holdout must be between 0 and 1, got ${opts.holdout}`);
  if (!(opts.reps >= 2)) throw new InputError(`--reps must be at least 2, got ${opts.reps}`);
  const ids = new Set(rec.executions.map((e) => e.id));
  const allTops = rec.executions.filter((e) => e.parent === undefined || !ids.has(e.parent));
  // An execution the input cut off (no terminal phase) has no makespan to score or learn from.
  const tops = allTops.filter((e) => e.ended !== undefined);
  const incomplete = allTops.filter((e) => e.ended === undefined).map((e) => e.id);
  if (tops.length < 2) {
    throw new InputError(
      `validation needs at least 2 complete executions, the input has ${tops.length}${incomplete.length > 0 ? ` (and ${incomplete.length} without a terminal phase)` : ''}`,
    );
  }
  const { calibrated, heldOut } = splitExecutions(tops, opts);

  const cal = calibrate({ ...rec, executions: withDescendants(rec, new Set(calibrated)) }, opts.profile !== undefined ? { profile: opts.profile } : {});
  const model = cal.model;
  const plans = replayPlans(rec, {
    podStartLagSeconds: rec.source === 'logs' ? medianOf(model.kube.podUpdate) : 0,
    podStartSeconds: medianOf(model.kube.podStart),
  });

  const observed = new Map<string, ExecutionReport>(computeReport(rec).executions.map((e) => [e.id, e]));
  const predicted = new Map<string, ExecutionReport[]>(heldOut.map((id) => [id, []]));
  for (let r = 0; r < opts.reps; r++) {
    const sim = simulate(plans, model, { seed: String(opts.seed), replication: r, originUnixNano: rec.originUnixNano });
    // Predictions are measured the way the recording was.
    for (const e of computeReport(rec.source === 'logs' ? throughLogs(sim) : sim).executions) predicted.get(e.id)?.push(e);
  }

  const pick = (f: (e: ExecutionReport) => number) => ({
    obs: heldOut.map((id) => f(observed.get(id)!)),
    pred: heldOut.map((id) => predicted.get(id)!.map(f)),
  });
  const mk = pick((e) => e.makespanNs / 1e9);
  const executions: ExecutionValidation[] = heldOut.map((id, i) => {
    const reps = mk.pred[i]!.slice().sort((a, b) => a - b);
    const pi: [number, number] = [sortedQuantile(reps, 0.05), sortedQuantile(reps, 0.95)];
    const o = mk.obs[i]!;
    return {
      id,
      observedNs: Math.round(o * 1e9),
      predictedMeanNs: Math.round(mean(reps) * 1e9),
      pi90Ns: [Math.round(pi[0] * 1e9), Math.round(pi[1] * 1e9)],
      covered: o >= pi[0] && o <= pi[1],
    };
  });
  const makespan: MakespanFigures = {
    ...figures(mk.obs, mk.pred),
    piCoverage: executions.filter((e) => e.covered).length / Math.max(1, executions.length),
  };
  const cat = (f: (e: ExecutionReport) => number) => {
    const v = pick(f);
    return figures(v.obs, v.pred);
  };
  const categories = {
    user: cat((e) => e.overhead.userNs / 1e9),
    flyte: cat((e) => e.overhead.flyteNs / 1e9),
    external: cat((e) => e.overhead.externalNs / 1e9),
  };
  const passed = makespan.meanError !== null && makespan.meanError <= opts.targetError;
  return {
    schema: 'propsim.validation/1',
    source: rec.source,
    splitBy: opts.splitBy,
    holdout: opts.holdout,
    seed: String(opts.seed),
    reps: opts.reps,
    calibrated,
    heldOut,
    incomplete,
    makespan,
    categories,
    executions,
    config: cal.report.config,
    targetError: opts.targetError,
    passed,
  };
}
