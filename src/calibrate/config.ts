import type { PropellerConfig } from '../model/model.js';
import type { Enqueue, Execution, Recording } from '../timeline/types.js';
import { BATCHING_PERIODS, fitLattice, REEVAL_PERIODS, snapSeconds, type LatticeFit, type LatticePoint } from './lattice.js';
import { isWholeSecond, SECOND_NS } from './observe.js';
import { byStart, byTime, enqueueAt, handleStart, MAIN_QUEUE_SOURCES, writesOf } from './views.js';
import { endLo, startHi, startLo } from '../timeline/bounds.js';

/**
 * Configuration inference: propeller settings that leave traces in what propeller did.
 *
 * - workers: the `routine` ids `worker-N` (max N + 1; the number of distinct ids is reported too).
 * - maxStreakLength: `Max: [m]` of `Streak ended at [n]/Max: [m]` when the source carries it, else
 *   the length of streaks that hit the cap.
 * - workflowReevalSeconds: the informer resync re-enqueues every active workflow on a global
 *   lattice of the period; its instants are `resync` enqueues, or main-queue (`workflow`) enqueues
 *   that no write of the execution explains (an own write's watch event follows it within
 *   WATCH_WINDOW_S).
 * - baseDelaySeconds: every main-queue add waits at least base-delay (the first one after a
 *   successful Handle waits exactly that), so the low end of "Handle start minus the earliest
 *   enqueue since the previous Handle started" estimates it.
 * - batchingIntervalSeconds: the sub-queue batch goroutine releases on a global lattice; a Handle
 *   that only sub-queue enqueues triggered (all after the previous Handle ended, no main-queue add)
 *   starts at release + base-delay when a worker is free.
 * Values are snapped to what Flyte configurations use; without evidence the profile's value stays
 * and is reported as `prior`.
 */

export type ConfigKey = 'workers' | 'maxStreakLength' | 'workflowReevalSeconds' | 'batchingIntervalSeconds' | 'baseDelaySeconds';
export const CONFIG_KEYS: readonly ConfigKey[] = ['workers', 'maxStreakLength', 'workflowReevalSeconds', 'batchingIntervalSeconds', 'baseDelaySeconds'];

export interface ConfigEstimate {
  value: number;
  prior: number;
  /** inferred: from the data; lower-bound: the data only say "at least"; prior: no evidence. */
  status: 'inferred' | 'lower-bound' | 'prior';
  confidence: 'high' | 'medium' | 'low' | 'none';
  /** Number of observations the estimate rests on. */
  n: number;
  evidence: string;
}

export interface InferredConfig {
  values: Record<ConfigKey, number>;
  detail: Record<ConfigKey, ConfigEstimate>;
  /** The resync lattice found (seconds), used to tell resync enqueues from watch events. */
  resync?: { period: number; phase: number };
}

/** A watch event follows its write within this (s); later `workflow` enqueues are resync candidates. */
export const WATCH_WINDOW_S = 2;
/** Slack on exact instants when matching a lattice (s). */
const LATTICE_TOLERANCE_S = 0.002;

const s = (ns: number): number => ns / SECOND_NS;

/** The most frequent value (ties: the larger value). */
function mode(counts: ReadonlyMap<number, number>): { value: number; count: number } {
  let best = { value: NaN, count: 0 };
  for (const [value, count] of counts) if (count > best.count || (count === best.count && value > best.value)) best = { value, count };
  return best;
}

function prior(value: number, why: string): ConfigEstimate {
  return { value, prior: value, status: 'prior', confidence: 'none', n: 0, evidence: why };
}

/** What the worker and streak estimates need of every Handle call, tallied as executions arrive. */
export class HandleTally {
  handles = 0;
  /** `replica \0 worker` of every Handle call. */
  readonly workerIds = new Set<string>();
  /** Count per `Max: [m]` stated at streak ends. */
  readonly stated = new Map<number, number>();
  /** Count per round count of the streaks that hit the cap. */
  readonly capped = new Map<number, number>();
  longest = 0;

  add(exec: Execution): void {
    for (const h of exec.handles) {
      this.handles++;
      this.workerIds.add(`${h.replica ?? ''}\u0000${h.worker}`);
      if (h.streakMax !== undefined && h.streakMax > 0) bump(this.stated, h.streakMax);
      if (h.endReason === 'cap' && h.rounds.length > 0) bump(this.capped, h.rounds.length);
      this.longest = Math.max(this.longest, h.rounds.length);
    }
  }
}

function bump(m: Map<number, number>, k: number): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function total(m: ReadonlyMap<number, number>): number {
  let n = 0;
  for (const c of m.values()) n += c;
  return n;
}

export function inferWorkers(tally: HandleTally, priorValue: number): ConfigEstimate {
  const ids = tally.workerIds;
  const handles = tally.handles;
  if (handles === 0) return prior(priorValue, 'no Handle calls');
  const replicas = new Set([...ids].map((k) => k.split('\u0000')[0]));
  let maxN = -1;
  let numbered = 0;
  const perReplica = new Map<string, number>();
  for (const k of ids) {
    const [replica, worker] = k.split('\u0000') as [string, string];
    const m = /worker-(\d+)$/.exec(worker);
    if (!m) continue;
    numbered++;
    const n = Number(m[1]);
    maxN = Math.max(maxN, n);
    perReplica.set(replica, Math.max(perReplica.get(replica) ?? -1, n));
  }
  const distinct = ids.size / Math.max(1, replicas.size);
  if (numbered === 0) {
    const v = Math.round(distinct);
    return { value: v, prior: priorValue, status: 'lower-bound', confidence: 'low', n: handles, evidence: `${ids.size} distinct worker ids (not worker-N), ${handles} Handle calls` };
  }
  const value = maxN + 1;
  const complete = numbered === ids.size && ids.size === value * replicas.size;
  const confidence = complete && handles >= 3 * value ? 'high' : complete ? 'medium' : 'low';
  return {
    value,
    prior: priorValue,
    status: 'inferred',
    confidence,
    n: handles,
    evidence: `worker ids up to worker-${maxN}, ${ids.size} distinct${replicas.size > 1 ? ` over ${replicas.size} replicas` : ''}, ${handles} Handle calls`,
  };
}

export function inferMaxStreak(tally: HandleTally, priorValue: number): ConfigEstimate {
  const { handles, longest } = tally;
  const stated = total(tally.stated);
  if (stated > 0) {
    const m = mode(tally.stated);
    return { value: m.value, prior: priorValue, status: 'inferred', confidence: 'high', n: stated, evidence: `"Max: [${m.value}]" stated by ${m.count} of ${stated} streak ends` };
  }
  const capped = total(tally.capped);
  if (capped > 0) {
    const m = mode(tally.capped);
    const agree = m.count / capped;
    return {
      value: m.value,
      prior: priorValue,
      status: 'inferred',
      confidence: capped >= 3 && agree >= 0.9 ? 'high' : agree >= 0.6 ? 'medium' : 'low',
      n: capped,
      evidence: `${m.count} of ${capped} streaks that hit the cap ran ${m.value} rounds`,
    };
  }
  if (handles > 0 && longest > priorValue) {
    return { value: longest, prior: priorValue, status: 'lower-bound', confidence: 'low', n: handles, evidence: `no streak hit the cap; the longest ran ${longest} rounds` };
  }
  return prior(priorValue, handles > 0 ? `no streak hit the cap (longest ${longest} rounds)` : 'no Handle calls');
}

/** Resync candidates: `resync` enqueues, and `workflow` enqueues no own write explains (seconds). */
export function resyncCandidates(exec: Execution): LatticePoint[] {
  const writes = writesOf(exec).filter((w) => !w.terminal);
  const enq = byTime(exec.enqueues);
  const out: LatticePoint[] = [];
  let firstWorkflow = true;
  let wi = 0;
  for (const e of enq) {
    if (e.source === 'resync') {
      out.push({ lo: s(e.lo), hi: s(e.hi) });
      continue;
    }
    if (e.source !== 'workflow') continue;
    if (firstWorkflow) {
      // The CR's creation.
      firstWorkflow = false;
      continue;
    }
    while (wi < writes.length && writes[wi]!.end.hi < e.lo - WATCH_WINDOW_S * SECOND_NS) wi++;
    let explained = false;
    for (let j = wi; j < writes.length && writes[j]!.end.lo <= e.hi; j++) {
      explained = true;
      break;
    }
    if (!explained) out.push({ lo: s(e.lo), hi: s(e.hi) });
  }
  return out;
}

export function inferReeval(points: readonly LatticePoint[], priorValue: number): { estimate: ConfigEstimate; fit: LatticeFit } {
  const fit = fitLattice(points, { periods: REEVAL_PERIODS, tolerance: LATTICE_TOLERANCE_S, minPoints: 4 });
  if (!fit.best) {
    const why = fit.points < 4 ? `${fit.points} resync-like enqueue instants (too few)` : `no period fits the ${fit.points} resync-like enqueue instants`;
    return { estimate: prior(priorValue, why), fit };
  }
  const b = fit.best;
  const cycles = fit.span / b.period;
  return {
    estimate: {
      value: b.period,
      prior: priorValue,
      status: 'inferred',
      confidence: b.kappa >= 0.85 && cycles >= 4 ? 'high' : b.kappa >= 0.7 ? 'medium' : 'low',
      n: fit.points,
      evidence: `${fit.points} resync instants over ${cycles.toFixed(1)} periods; ${(100 * b.score).toFixed(0)}% on one lattice (chance ${(100 * b.chance).toFixed(0)}%)`,
    },
    fit,
  };
}

export interface QueueWait {
  ns: number;
  /** Whole seconds between the stamps, when both ends are whole-second stamps. */
  k?: number;
}

/** Handle start minus the earliest enqueue since the previous Handle started (ns, with whole-second k when coarse). */
export function queueWaits(exec: Execution, out: QueueWait[] = []): QueueWait[] {
  const hs = byStart(exec.handles);
  const enq = byTime(exec.enqueues);
  let ei = 0;
  let prevStart = -Infinity;
  for (const h of hs) {
    while (ei < enq.length && enq[ei]!.at <= prevStart) ei++;
    const first = enq[ei];
    if (first !== undefined && first.at <= h.start) {
      const st = handleStart(h);
      const at = enqueueAt(first);
      const coarse = isWholeSecond(st) && isWholeSecond(at);
      out.push(coarse ? { ns: h.start - first.at, k: Math.round((st.lo - at.lo) / SECOND_NS) } : { ns: h.start - first.at });
    }
    prevStart = h.start;
  }
  return out;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))));
  return sorted[i]!;
}

export function inferBaseDelay(waits: readonly QueueWait[], priorValue: number): ConfigEstimate {
  if (waits.length < 10) return prior(priorValue, `${waits.length} queue waits (too few)`);
  const coarse = waits.filter((w) => w.k !== undefined);
  let est: number;
  let how: string;
  if (coarse.length > waits.length / 2) {
    // E[k | d] = d: the low end of k is the low end of the waits (within the 1 s resolution).
    const ks = coarse.map((w) => w.k!).sort((a, b) => a - b);
    est = quantile(ks, 0.05);
    how = `5th percentile of ${ks.length} whole-second waits`;
  } else {
    const xs = waits.map((w) => w.ns / SECOND_NS).sort((a, b) => a - b);
    est = quantile(xs, 0.02);
    how = `2nd percentile of ${xs.length} waits`;
  }
  const value = snapSeconds(est);
  return {
    value,
    prior: priorValue,
    status: 'inferred',
    confidence: waits.length >= 50 ? 'high' : 'medium',
    n: waits.length,
    evidence: `${how}: ${Number(est.toPrecision(3))} s`,
  };
}

/**
 * A Handle start that a sub-queue release may have triggered: everything of its enqueue window
 * except base-delay, which is estimated from all executions first.
 */
export interface ReleaseCandidate {
  /** Bounds of the Handle start (ns). */
  startLo: number;
  startHi: number;
  /** Earliest lower bound of a main-queue add in the window (Infinity: none). */
  mainLo: number;
}

/** Handle starts whose enqueue window holds a sub-queue add and nothing from before the previous Handle ended. */
export function releaseCandidates(exec: Execution, out: ReleaseCandidate[] = []): ReleaseCandidate[] {
  const hs = byStart(exec.handles);
  const enq = byTime(exec.enqueues);
  let ei = 0;
  for (let j = 1; j < hs.length; j++) {
    const prev = hs[j - 1]!;
    const h = hs[j]!;
    while (ei < enq.length && enq[ei]!.at <= prev.start) ei++;
    if (prev.endReason === 'error') continue;
    let subQueue = false;
    let early = false;
    let mainLo = Infinity;
    for (let i = ei; i < enq.length && enq[i]!.at <= h.start; i++) {
      const e = enq[i]!;
      if (MAIN_QUEUE_SOURCES.has(e.source)) mainLo = Math.min(mainLo, e.lo);
      else subQueue = true;
      if (e.hi < endLo(prev)) early = true;
    }
    if (subQueue && !early) out.push({ startLo: startLo(h), startHi: startHi(h), mainLo });
  }
  return out;
}

/** Handle starts that only a sub-queue release can have triggered, minus base-delay (seconds). */
export function releaseInstants(candidates: readonly ReleaseCandidate[], baseDelaySeconds: number): LatticePoint[] {
  const out: LatticePoint[] = [];
  for (const c of candidates) {
    // Every add came after the previous Handle's Forget, so the first rate-limited add waits exactly
    // base-delay; a main-queue add too late to have triggered the start leaves a release as the
    // trigger, and the first release then had no earlier add of this key: start = release + base.
    const latest = c.startHi - baseDelaySeconds * SECOND_NS;
    if (c.mainLo <= latest) continue;
    out.push({ lo: s(c.startLo) - baseDelaySeconds, hi: s(c.startHi) - baseDelaySeconds });
  }
  return out;
}

export function inferBatching(candidates: readonly ReleaseCandidate[], priorValue: number, baseDelaySeconds: number): ConfigEstimate {
  const points = releaseInstants(candidates, baseDelaySeconds);
  const fit = fitLattice(points, { periods: BATCHING_PERIODS, tolerance: LATTICE_TOLERANCE_S, minPoints: 8, minCycles: 4 });
  if (!fit.best) {
    const why =
      fit.points < 8
        ? `${fit.points} Handle calls triggered by sub-queue releases (too few)`
        : fit.candidates.length === 0
          ? `${fit.points} sub-queue-triggered Handle starts, too coarse to resolve the period`
          : `no period fits the ${fit.points} sub-queue-triggered Handle starts`;
    return prior(priorValue, why);
  }
  const b = fit.best;
  return {
    value: b.period,
    prior: priorValue,
    status: 'inferred',
    confidence: b.kappa >= 0.8 && fit.points >= 20 ? 'high' : b.kappa >= 0.65 ? 'medium' : 'low',
    n: fit.points,
    evidence: `${fit.points} sub-queue-triggered Handle starts; ${(100 * b.score).toFixed(0)}% on one lattice (chance ${(100 * b.chance).toFixed(0)}%)`,
  };
}

/** What configuration inference keeps of one execution where order matters or another estimate is needed first. */
export interface ExecutionConfigEvidence {
  resync: LatticePoint[];
  releases: ReleaseCandidate[];
}

/**
 * Configuration evidence gathered one execution at a time (the executions need not be kept):
 * order-free tallies here, the rest returned by `add` for `infer` to take in execution order.
 */
export class ConfigEvidence {
  readonly handles = new HandleTally();
  readonly waits: QueueWait[] = [];

  add(exec: Execution): ExecutionConfigEvidence {
    this.handles.add(exec);
    queueWaits(exec, this.waits);
    return { resync: resyncCandidates(exec), releases: releaseCandidates(exec) };
  }

  infer(perExecution: readonly ExecutionConfigEvidence[], base: PropellerConfig): InferredConfig {
    const workers = inferWorkers(this.handles, base.workers);
    const maxStreakLength = inferMaxStreak(this.handles, base.maxStreakLength);
    const reeval = inferReeval(perExecution.flatMap((e) => e.resync), base.workflowReevalSeconds);
    const baseDelay = inferBaseDelay(this.waits, base.baseDelaySeconds);
    const batching = inferBatching(perExecution.flatMap((e) => e.releases), base.batchingIntervalSeconds, baseDelay.value);
    const detail: Record<ConfigKey, ConfigEstimate> = {
      workers,
      maxStreakLength,
      workflowReevalSeconds: reeval.estimate,
      batchingIntervalSeconds: batching,
      baseDelaySeconds: baseDelay,
    };
    const values = Object.fromEntries(CONFIG_KEYS.map((k) => [k, detail[k].value])) as Record<ConfigKey, number>;
    const out: InferredConfig = { values, detail };
    if (reeval.fit.best) out.resync = { period: reeval.fit.best.period, phase: reeval.fit.best.phase };
    return out;
  }
}

export function inferConfig(rec: Recording, base: PropellerConfig): InferredConfig {
  const evidence = new ConfigEvidence();
  const perExecution = rec.executions.map((e) => evidence.add(e));
  return evidence.infer(perExecution, base);
}
