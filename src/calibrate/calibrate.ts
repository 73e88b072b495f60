import type { Distribution } from '../engine/distributions.js';
import { profile } from '../model/defaults.js';
import { fitLinear, fitObservations, type Constraint, type FitOptions, type FitResult, type Observation, type ShapeFamily } from '../model/fit.js';
import type { Model } from '../model/model.js';
import { mergeModel, validateModel } from '../model/model-schema.js';
import { getPaths } from '../model/paths.js';
import { lnGamma } from '../model/special-functions.js';
import { summarize } from '../metrics/quantile.js';
import type { Execution, Recording } from '../timeline/types.js';
import { CONFIG_KEYS, ConfigEvidence, type ConfigEstimate, type ConfigKey, type ExecutionConfigEvidence, type InferredConfig } from './config.js';
import { kindCounts, pointOf, shifted } from './observe.js';
import { PARAM_PATHS, SampleEvidence, SIZED_PATHS, type ExecutionSamples, type ParamPath, type ParamSamples, type QueueWaitSample, type SampleSet } from './samples.js';

/**
 * Calibration: a Recording -> a Model (the profile with every parameter the data constrain
 * replaced by a fit, and the inferred configuration) plus a fit report.
 *
 * Fitting per parameter (model/fit.ts): maximum likelihood over lognormal, gamma, weibull and
 * exponential with AIC choice, interval and whole-second rounded-difference likelihoods for coarse
 * data. When most observations are coarse (whole-second logs), the data identify mainly the scale:
 * the family is the profile's and a weakly constrained shape is held at the profile's value (both
 * reported). Size-dependent parameters (etcd update vs CR bytes, blob ops vs object bytes) get a
 * linear fit when the sizes are known and vary enough to show a slope; otherwise the base is fitted
 * and the profile's per-unit cost kept (reported).
 */

/** Fewest observations that replace a profile value. */
export const MIN_OBSERVATIONS = 5;
/** Fewest events that estimate a failure probability. */
const MIN_EVENTS_FOR_FAILURES = 20;

export interface ParameterReport {
  /** `distribution` or `linear` (base + perUnit * x). */
  kind: 'distribution' | 'linear';
  family: string;
  params: Record<string, number>;
  n: number;
  counts: { exact: number; interval: number; rounded: number };
  median: number;
  mean: number;
  medianCI95: [number, number];
  meanCI95: [number, number];
  ks: number;
  ksPValue: number;
  /** How much the data constrain each parameter (tight / moderate / weak), with 95% CIs. */
  constraints: Record<string, { value: number; ci95: [number, number]; constraint: Constraint }>;
  fixed: string[];
  weak: boolean;
  method: string;
  perUnit?: number;
  perUnitCI95?: [number, number];
  /** Where perUnit came from: the data (`fitted`) or the profile (`prior`). */
  perUnitSource?: 'fitted' | 'prior';
  notes: string[];
}

export interface CalibrationReport {
  schema: 'propsim.calibration/1';
  source: string;
  profile: string;
  executions: number;
  handles: number;
  rounds: number;
  config: Record<ConfigKey, number>;
  configDetail: Record<ConfigKey, ConfigEstimate>;
  parameters: Partial<Record<ParamPath, ParameterReport>>;
  /** Parameters that kept the profile's value, with the reason. */
  priors: Partial<Record<ParamPath, string>>;
  info: {
    /**
     * Seconds, from the best estimates; with coarse timestamps also the same statistics of the
     * lower and of the upper bounds.
     */
    queueWait: { n: number; median: number; mean: number; p95: number; bounds?: { median: [number, number]; mean: [number, number]; p95: [number, number] } } | null;
    eventFailures: Record<'workflow' | 'node' | 'task', { sent: number; failed: number; probability: number | null }>;
  };
  notes: string[];
}

export interface CalibrationResult {
  model: Model;
  /** The model file (partial overrides on the profile), as `loadModel` reads it. */
  modelFile: Record<string, unknown>;
  report: CalibrationReport;
}

export interface CalibrateOptions {
  /** Profile whose values stand where the data say nothing (default `default`). */
  profile?: string;
}

// ---------------------------------------------------------------------------------------------
// Shapes of the profile's distributions, for coarse data

function weibullShapeForCv(cv: number): number {
  // cv(k) decreases in k; bisection on log k.
  const cvOf = (k: number) => Math.sqrt(Math.max(0, Math.exp(lnGamma(1 + 2 / k) - 2 * lnGamma(1 + 1 / k)) - 1));
  let lo = 0.05;
  let hi = 50;
  for (let i = 0; i < 80; i++) {
    const mid = Math.sqrt(lo * hi);
    if (cvOf(mid) > cv) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

/** Shapes equivalent to the prior's spread (same coefficient of variation) for every family. */
export function shapesFrom(d: Distribution): Partial<Record<ShapeFamily, number>> | undefined {
  const base = d.type === 'linear' ? d.base : d;
  let cv: number | undefined;
  const out: Partial<Record<ShapeFamily, number>> = {};
  if (base.type === 'lognormal') {
    out.lognormal = base.sigma;
    cv = Math.sqrt(Math.exp(base.sigma * base.sigma) - 1);
  } else if (base.type === 'gamma') {
    out.gamma = base.shape;
    cv = 1 / Math.sqrt(base.shape);
  } else if (base.type === 'weibull') {
    out.weibull = base.shape;
    cv = Math.sqrt(Math.exp(lnGamma(1 + 2 / base.shape) - 2 * lnGamma(1 + 1 / base.shape)) - 1);
  } else if (base.type === 'exponential') {
    cv = 1;
  }
  if (cv === undefined || !(cv > 0)) return undefined;
  out.lognormal ??= Math.sqrt(Math.log(1 + cv * cv));
  out.gamma ??= 1 / (cv * cv);
  out.weibull ??= weibullShapeForCv(cv);
  return out;
}

function fitOptions(prior: Distribution, obs: readonly Observation[]): { opts: FitOptions; note?: string } {
  const c = kindCounts(obs);
  const n = c.exact + c.interval + c.rounded;
  const shapes = shapesFrom(prior);
  const opts: FitOptions = shapes ? { shapes } : {};
  const base = prior.type === 'linear' ? prior.base : prior;
  if (n > 0 && c.exact / n < 0.5 && (base.type === 'lognormal' || base.type === 'gamma' || base.type === 'weibull')) {
    opts.families = [base.type];
    return { opts, note: `mostly coarse observations (${c.rounded} whole-second, ${c.interval} interval): family held at the profile's ${base.type}` };
  }
  return { opts };
}

// ---------------------------------------------------------------------------------------------
// One parameter

interface ParamFit {
  distribution: Distribution;
  report: ParameterReport;
}

function reportOf(fit: FitResult, kind: 'distribution' | 'linear', notes: string[]): ParameterReport {
  const constraints: ParameterReport['constraints'] = {};
  for (const [k, v] of Object.entries(fit.paramDetail)) constraints[k] = { value: v.value, ci95: v.ci95, constraint: v.constraint };
  return {
    kind,
    family: fit.family,
    params: fit.params,
    n: fit.n,
    counts: fit.counts,
    median: fit.median,
    mean: fit.mean,
    medianCI95: fit.medianCI95,
    meanCI95: fit.meanCI95,
    ks: fit.ks,
    ksPValue: fit.ksPValue,
    constraints,
    fixed: fit.fixed,
    weak: fit.weak,
    method: fit.method,
    notes: [...notes, ...fit.notes],
  };
}

function fitPlain(obs: readonly Observation[], prior: Distribution, notes: string[]): FitResult {
  const { opts, note } = fitOptions(prior, obs);
  const fit = fitObservations(obs, opts);
  // Data too coarse for any spread end in a special family of their own: the hold did not apply.
  if (note && opts.families?.includes(fit.family as ShapeFamily)) notes.push(note);
  return fit;
}

/** A size-dependent parameter: linear fit when sizes are known and spread; else base + the profile's perUnit. */
function fitSized(ps: ParamSamples, prior: Distribution): ParamFit {
  const priorPerUnit = prior.type === 'linear' ? prior.perUnit : 0;
  const notes: string[] = [];
  const known = ps.obs.map((o, i) => ({ o, x: ps.xs[i] })).filter((p): p is { o: Observation; x: number } => p.x !== undefined && Number.isFinite(p.x));
  const xs = known.map((k) => k.x);
  const distinct = new Set(xs).size;
  const meanX = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const spread = xs.length > 0 ? (Math.max(...xs) - Math.min(...xs)) / Math.max(1, meanX) : 0;
  if (known.length >= 0.9 * ps.obs.length && distinct >= 3 && spread >= 0.5) {
    const { opts, note } = fitOptions(prior, ps.obs);
    if (note) notes.push(note);
    const lin = fitLinear(known.map(({ o, x }) => ({ ...o, x })), opts);
    if (lin.perUnit >= 0 && lin.perUnitCI95[0] > 0) {
      const report = reportOf(lin.base, 'linear', [...notes, ...lin.notes]);
      report.perUnit = lin.perUnit;
      report.perUnitCI95 = lin.perUnitCI95;
      report.perUnitSource = 'fitted';
      return { distribution: { type: 'linear', base: lin.base.distribution, perUnit: lin.perUnit }, report };
    }
    notes.push(`no significant size dependence (slope ${lin.perUnit.toPrecision(3)} s/unit, 95% CI [${lin.perUnitCI95[0].toPrecision(3)}, ${lin.perUnitCI95[1].toPrecision(3)}]): profile per-unit cost kept`);
  } else if (priorPerUnit > 0) {
    notes.push(
      known.length < 0.9 * ps.obs.length
        ? `sizes unknown for ${ps.obs.length - known.length} of ${ps.obs.length} observations: profile per-unit cost kept`
        : 'sizes do not vary enough to show a slope: profile per-unit cost kept',
    );
  }
  // Base = duration - perUnit * x, where x is known (coarse observations are left as they are).
  const obs = ps.obs.map((o, i) => (ps.xs[i] !== undefined ? shifted(o, priorPerUnit * ps.xs[i]!) : o));
  const fit = fitPlain(obs, prior, notes);
  const report = reportOf(fit, 'linear', notes);
  report.perUnit = priorPerUnit;
  report.perUnitSource = 'prior';
  return { distribution: { type: 'linear', base: fit.distribution, perUnit: priorPerUnit }, report };
}

/** Deep copy: CPU per CR byte (the model's form is `linear(0, perUnit)`). */
function fitDeepCopy(ps: ParamSamples, prior: Distribution): ParamFit | undefined {
  const ratios: number[] = [];
  ps.obs.forEach((o, i) => {
    const x = ps.xs[i];
    if (x !== undefined && x > 0) ratios.push(pointOf(o) / x);
  });
  if (ratios.length < MIN_OBSERVATIONS) return undefined;
  ratios.sort((a, b) => a - b);
  const perUnit = ratios[Math.floor(ratios.length / 2)]!;
  const lo = ratios[Math.floor(0.025 * (ratios.length - 1))]!;
  const hi = ratios[Math.ceil(0.975 * (ratios.length - 1))]!;
  const base = prior.type === 'linear' ? prior.base : ({ type: 'constant', value: 0 } as Distribution);
  return {
    distribution: { type: 'linear', base, perUnit },
    report: {
      kind: 'linear',
      family: 'linear',
      params: { perUnit },
      n: ratios.length,
      counts: kindCounts(ps.obs),
      median: perUnit,
      mean: ratios.reduce((a, b) => a + b, 0) / ratios.length,
      medianCI95: [lo, hi],
      meanCI95: [lo, hi],
      ks: 0,
      ksPValue: 1,
      constraints: { perUnit: { value: perUnit, ci95: [lo, hi], constraint: (hi - lo) / perUnit <= 0.2 ? 'tight' : (hi - lo) / perUnit <= 1 ? 'moderate' : 'weak' } },
      fixed: [],
      weak: false,
      method: 'ratio',
      perUnit,
      perUnitCI95: [lo, hi],
      perUnitSource: 'fitted',
      notes: ['seconds per CR byte: median of duration / bytes (interval: 2.5th-97.5th percentile of the ratios)'],
    },
  };
}

function fitParam(ps: ParamSamples, base: Model, source: string): ParamFit | undefined {
  const prior = getPaths(base, ps.path)[0]!.value as Distribution;
  if (ps.path === 'cpu.deepCopy') return fitDeepCopy(ps, prior);
  if (ps.path === 'cpu.round') {
    // The traversal op holds the fixed round cost plus the per-visited-node cost: take the latter
    // out with the profile's per-node figure.
    const t = base.cpu.traversal;
    const perNode = t.type === 'linear' ? t.perUnit : 0;
    const obs = ps.obs.map((o, i) => shifted(o, perNode * (ps.xs[i] ?? 0)));
    const notes = perNode > 0 ? [`per-visited-node traversal cost (${perNode} s, profile) taken out of the traversal spans`] : [];
    const fit = fitPlain(obs, prior, notes);
    return { distribution: fit.distribution, report: reportOf(fit, 'distribution', notes) };
  }
  if (SIZED_PATHS.has(ps.path)) return fitSized(ps, prior);
  const notes: string[] = [];
  if (ps.path === 'kube.podStart' && source === 'logs') notes.push('logs time the container start by propeller\'s observation of it: includes the pod-update lag');
  const fit = fitPlain(ps.obs, prior, notes);
  return { distribution: fit.distribution, report: reportOf(fit, 'distribution', notes) };
}

// ---------------------------------------------------------------------------------------------
// Everything

function setLeaf(target: Record<string, unknown>, path: string, value: unknown): void {
  const segs = path.split('.');
  let o = target;
  for (const s of segs.slice(0, -1)) {
    if (typeof o[s] !== 'object' || o[s] === null) o[s] = {};
    o = o[s] as Record<string, unknown>;
  }
  o[segs[segs.length - 1]!] = value;
}

function summarizeWaits(waits: readonly QueueWaitSample[]): CalibrationReport['info']['queueWait'] {
  if (waits.length === 0) return null;
  // The report's definitions (nearest rank), so both verbs print the same figures.
  const stats = (xs: number[]) => {
    const s = summarize(xs);
    return { median: s.p50!, mean: s.mean!, p95: s.p95! };
  };
  const est = stats(waits.map((w) => w.est));
  if (waits.every((w) => w.lo === w.hi)) return { n: waits.length, ...est };
  const lo = stats(waits.map((w) => w.lo));
  const hi = stats(waits.map((w) => w.hi));
  return { n: waits.length, ...est, bounds: { median: [lo.median, hi.median], mean: [lo.mean, hi.mean], p95: [lo.p95, hi.p95] } };
}

/** The fits of a sample set on top of `base` (exported for tests and validation). */
export function fitSamples(samples: SampleSet, base: Model, source = 'sim'): { fits: Map<ParamPath, ParamFit>; priors: Partial<Record<ParamPath, string>> } {
  const fits = new Map<ParamPath, ParamFit>();
  const priors: Partial<Record<ParamPath, string>> = {};
  for (const path of PARAM_PATHS) {
    const ps = samples.params.get(path)!;
    if (ps.obs.length < MIN_OBSERVATIONS) {
      priors[path] = ps.obs.length === 0 ? 'no observations' : `only ${ps.obs.length} observation${ps.obs.length === 1 ? '' : 's'}`;
      continue;
    }
    const f = fitParam(ps, base, source);
    if (!f) {
      priors[path] = 'no usable observations';
      continue;
    }
    fits.set(path, f);
  }
  return { fits, priors };
}

/** What calibration keeps of one execution (see `CalibrationAccumulator`). */
interface ExecutionEvidence {
  key: Pick<Execution, 'id' | 'created'>;
  config: ExecutionConfigEvidence;
  samples: ExecutionSamples;
}

/**
 * Calibration one execution at a time, so that a log of any size can be calibrated without
 * holding its executions: `add` keeps only the evidence each estimate needs (observations, lattice
 * instants, tallies), `finish` fits. Equal to `calibrate` of a Recording whose executions come in
 * the order `finish` is given.
 */
export class CalibrationAccumulator {
  private readonly config = new ConfigEvidence();
  private readonly samples: SampleEvidence;
  private readonly kept: ExecutionEvidence[] = [];
  private handles = 0;
  private rounds = 0;

  constructor(
    private readonly source: string,
    private readonly opts: CalibrateOptions = {},
  ) {
    this.samples = new SampleEvidence(source);
  }

  get count(): number {
    return this.kept.length;
  }

  add(exec: Execution): void {
    this.handles += exec.handles.length;
    for (const h of exec.handles) this.rounds += h.rounds.length;
    this.kept.push({ key: { id: exec.id, created: exec.created }, config: this.config.add(exec), samples: this.samples.add(exec) });
  }

  /** The calibration; `order` sorts the executions first (default: the order they were added in). */
  finish(order?: (a: Pick<Execution, 'id' | 'created'>, b: Pick<Execution, 'id' | 'created'>) => number): CalibrationResult {
    const kept = order ? this.kept.slice().sort((a, b) => order(a.key, b.key)) : this.kept;
    const profileName = this.opts.profile ?? 'default';
    const base = profile(profileName);
    const config = this.config.infer(
      kept.map((k) => k.config),
      base.propeller,
    );
    const samples = this.samples.finish(
      kept.map((k) => k.samples),
      config.resync ? { resync: config.resync } : {},
    );
    return fitCalibration(this.source, profileName, base, config, samples, { executions: kept.length, handles: this.handles, rounds: this.rounds });
  }
}

export function calibrate(rec: Recording, opts: CalibrateOptions = {}): CalibrationResult {
  const acc = new CalibrationAccumulator(rec.source, opts);
  for (const e of rec.executions) acc.add(e);
  return acc.finish();
}

function fitCalibration(
  source: string,
  profileName: string,
  base: Model,
  config: InferredConfig,
  samples: SampleSet,
  counts: { executions: number; handles: number; rounds: number },
): CalibrationResult {
  const { fits, priors } = fitSamples(samples, base, source);

  const overrides: Record<string, unknown> = {};
  const propeller: Record<string, number> = {};
  for (const k of CONFIG_KEYS) if (config.detail[k].status !== 'prior') propeller[k] = config.values[k];
  // A calibrated base delay above the profile's cap would be invalid; the cap follows.
  if (propeller.baseDelaySeconds !== undefined && propeller.baseDelaySeconds > base.propeller.maxDelaySeconds) {
    propeller.maxDelaySeconds = Math.max(propeller.baseDelaySeconds, profile('flyte-core').propeller.maxDelaySeconds);
  }
  if (Object.keys(propeller).length > 0) overrides.propeller = propeller;

  const parameters: Partial<Record<ParamPath, ParameterReport>> = {};
  for (const [path, f] of fits) {
    setLeaf(overrides, path, f.distribution);
    parameters[path] = f.report;
  }
  const eventFailures = {} as CalibrationReport['info']['eventFailures'];
  for (const k of ['workflow', 'node', 'task'] as const) {
    const c = samples.events[k];
    const probability = c.sent >= MIN_EVENTS_FOR_FAILURES ? c.failed / c.sent : null;
    eventFailures[k] = { ...c, probability };
    if (probability !== null) setLeaf(overrides, `events.${k}.failureProbability`, probability);
  }

  const { executions, handles, rounds } = counts;
  const notes: string[] = [];
  if (source === 'logs') {
    // a pod create is timed by debug-level logs that show `Creating Object` (Info in newer propellers)
    const timesPods = overrides.kube !== undefined && 'podCreate' in (overrides.kube as object);
    notes.push(`logs do not time blob${timesPods ? '' : ', pod-create'} or CPU work: those parameters keep the profile values`);
  }
  const report: CalibrationReport = {
    schema: 'propsim.calibration/1',
    source,
    profile: profileName,
    executions,
    handles,
    rounds,
    config: config.values,
    configDetail: config.detail,
    parameters,
    priors,
    info: { queueWait: summarizeWaits(samples.queueWaits), eventFailures },
    notes,
  };
  const modelFile: Record<string, unknown> = {
    profile: profileName,
    name: 'calibrated',
    description: `calibrated from ${executions} execution${executions === 1 ? '' : 's'} (${source})`,
    meta: {
      calibration: {
        source,
        executions,
        config: Object.fromEntries(CONFIG_KEYS.map((k) => [k, { value: config.values[k], status: config.detail[k].status, confidence: config.detail[k].confidence }])),
        fitted: [...fits.keys()],
        priors,
      },
    },
    ...overrides,
  };
  const model = validateModel(mergeModel(base, overrides));
  return { model, modelFile, report };
}
