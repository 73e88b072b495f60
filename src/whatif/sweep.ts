/**
 * `sweep`: one model field over a list of values, each value a paired what-if against the same
 * baseline. Replication r simulates the baseline once and every value still short of its
 * precision target with the same seed and replication number (common random numbers), so each
 * value's Δ is paired with the baseline and the values are comparable with each other. Each value
 * stops on its own (`PairedLoop`'s rule); the run ends when all have stopped or at `maxReps`.
 * The result does not depend on threads: every value's figures come from replications 0, 1, ...
 * in order, whoever computed them.
 */
import { computeReport, type ReportJson } from '../metrics/index.js';
import type { Model } from '../model/model.js';
import type { ExecutionPlan } from '../model/workflow.js';
import { simulate } from '../propeller/simulator.js';
import { InputError } from '../timeline/errors.js';
import { getPaths } from '../model/paths.js';
import { applyChanges, changeEffects, describeChange, leafText, type Change, type Effect } from './changes.js';
import { PairedLoop, type DeltaFigures, type PairedOptions, type RunSummary, type ThreadOptions } from './paired.js';
import { replicationsInOrder, type RemoteRunner } from './replication-order.js';
import { ReplicationAggregator } from './replications.js';
import { defaultJobs, poolWorthIt, ReplicationPool } from './replication-pool.js';

export interface SweepSpec {
  /** `set`: each value replaces the field (`--vary`); `scale`: each value multiplies it (`--vary-scale`). */
  kind: 'set' | 'scale';
  path: string;
  values: readonly string[];
}

/** `replication 12/100  3 of 5 values settled`. */
export function sweepProgressLine(p: SweepProgress): string {
  return `replication ${p.rep}/${p.maxReps}  ${p.settled} of ${p.values} value${p.values === 1 ? '' : 's'} settled`;
}

/** Where a sweep stands after a replication (for a progress line). */
export interface SweepProgress {
  /** Replications done. */
  rep: number;
  maxReps: number;
  values: number;
  /** Values whose Δmakespan CI reached the target. */
  settled: number;
}

export interface SweepOptions extends Omit<PairedOptions, 'onProgress'>, ThreadOptions {
  onProgress?: (p: SweepProgress) => void;
}

export interface SweepPoint {
  value: string;
  /** The value as the model reads it (`2.00 s`, `median 10.0 s`, `× 0.5`): how rows name it. */
  label: string;
  change: Change & { text: string };
  /** Model leaves this value alters (none when it equals the baseline's). */
  effects: Effect[];
  replications: number;
  stoppedBecause: 'precision' | 'maxReps';
  targetHalfWidthNs: number;
  /** Report layout means and figures of this value's runs. */
  variant: RunSummary;
  /** Variant − baseline over top-level executions (mean of each execution's change), paired. */
  delta: DeltaFigures;
  executions: { id: string; delta: DeltaFigures }[];
}

export interface SweepJson {
  schema: 'propsim.sweep/1';
  seed: string | number;
  kind: 'set' | 'scale';
  path: string;
  minReps: number;
  maxReps: number;
  precision: number;
  /** The baseline's value of the swept field as the model reads it (`× 1` for a scale sweep); null when the path names several fields. */
  baselineLabel: string | null;
  /** Replications run (the most any value took). */
  replications: number;
  /** The baseline over those replications. */
  baseline: RunSummary;
  points: SweepPoint[];
}

/** A model's value at `path` as text, when the path names one field. */
function fieldText(model: Model, path: string): string | null {
  const leaves = getPaths(model, path);
  return leaves.length === 1 ? leafText(leaves[0]!.path, leaves[0]!.value) : null;
}

/** The change a sweep value makes. */
export function sweepChange(spec: SweepSpec, value: string): Change {
  return spec.kind === 'set' ? { kind: 'set', path: spec.path, value } : { kind: 'scale', path: spec.path, factor: Number(value) };
}

/**
 * Runs the sweep: `baseModel` is the baseline (fixed changes already applied), each value applied
 * to it is a variant. Every value's model is built (and checked) before anything is simulated.
 */
export async function runSweep(plans: readonly ExecutionPlan[], baseModel: Model, spec: SweepSpec, opts: SweepOptions): Promise<SweepJson> {
  if (plans.length === 0) throw new InputError('nothing to simulate: no executions');
  if (spec.values.length === 0) throw new InputError('a sweep needs at least one value');
  const changes = spec.values.map((v) => sweepChange(spec, v));
  const models = changes.map((c) => applyChanges(baseModel, [c]));
  // A value that leaves the model as it is (the baseline's own value) is the baseline: its runs are
  // the baseline's, not simulated again, and it takes every replication, so its row repeats the
  // baseline's figures instead of a shorter sample of them.
  const effects = models.map((m) => changeEffects(baseModel, m));
  const same = effects.map((e) => e.length === 0);
  const { onProgress, ...paired } = opts;
  // Each value keeps the baseline's figures for its pairs; the baseline's mean report is kept once,
  // over every replication run (a value may stop earlier).
  const loops = models.map(() => new PairedLoop(paired, { baselineMeanReport: false }));
  const baseline = new ReplicationAggregator();
  const active = same.map((x) => !x);
  const maxReps = loops[0]!.maxReps;
  const list = [...plans];

  // Replication r: the baseline's report, then each value's (null for a value already stopped when
  // r was handed out; values only ever stop, so one still running when r arrives was computed).
  type Rep = (ReportJson | null)[];
  const local = (r: number): Rep => {
    const so = { ...paired.simulate, seed: opts.seed, replication: r };
    const b = computeReport(simulate(list, baseModel, so));
    return [b, ...models.map((m, k) => (same[k] ? b : active[k] ? computeReport(simulate(list, m, so)) : null))];
  };
  let reps = 0;
  const take = (r: number, rep: Rep): boolean => {
    const b = rep[0]!;
    baseline.add(b);
    for (let k = 0; k < loops.length; k++) {
      if (same[k]) loops[k]!.add(r, b, b);
      else if (active[k] && loops[k]!.add(r, b, rep[k + 1]!)) active[k] = false;
    }
    reps = r + 1;
    const settled = active.filter((a) => !a).length;
    onProgress?.({ rep: reps, maxReps, values: loops.length, settled });
    // Done when every value that changes the model has its precision (values that do not need none,
    // but a baseline-only sweep still runs the minimum).
    return settled === loops.length && reps >= loops[0]!.minReps;
  };

  const t0 = performance.now();
  if (!take(0, local(0))) {
    const jobs = opts.jobs ?? defaultJobs();
    const pool = poolWorthIt(jobs, performance.now() - t0, loops[0]!.minReps - 1, opts.minWorkMs)
      ? new ReplicationPool({ plans: list, models: [baseModel, ...models], seed: opts.seed, ...(paired.simulate ? { simulate: paired.simulate } : {}) }, jobs - 1)
      : undefined;
    try {
      const remote: RemoteRunner<Rep> | undefined = pool && {
        free: () => pool.free(),
        changed: () => pool.changed(),
        run: async (r) => {
          const [b, ...vs] = await Promise.all([pool.run(0, r), ...models.map((_, k) => (!same[k] && active[k] ? pool.run(k + 1, r) : Promise.resolve(null)))]);
          return [b!, ...vs.map((v, k) => (same[k] ? b! : v))];
        },
      };
      let r = 1;
      for await (const rep of replicationsInOrder(1, maxReps, local, remote)) if (take(r++, rep)) break;
    } finally {
      await pool?.close();
    }
  }

  return {
    schema: 'propsim.sweep/1',
    seed: opts.seed,
    kind: spec.kind,
    path: spec.path,
    minReps: loops[0]!.minReps,
    maxReps,
    precision: loops[0]!.precision,
    baselineLabel: spec.kind === 'scale' ? '× 1' : fieldText(baseModel, spec.path),
    replications: reps,
    baseline: { ...baseline.meanReport(), figures: baseline.figures() },
    points: loops.map((loop, k) => {
      const res = loop.variantResult();
      return {
        value: spec.values[k]!,
        label: spec.kind === 'scale' ? `× ${spec.values[k]!}` : (fieldText(models[k]!, spec.path) ?? spec.values[k]!),
        change: { ...changes[k]!, text: describeChange(changes[k]!) },
        effects: effects[k]!,
        replications: res.replications,
        stoppedBecause: res.stoppedBecause,
        targetHalfWidthNs: res.targetHalfWidthNs,
        variant: res.variant,
        delta: res.delta,
        executions: res.executions,
      };
    }),
  };
}
