/**
 * A node's pod attempts as uncertain instants, and the user / external intervals they imply.
 *
 * Source, in order of preference: `pods` (every attempt), `pod` (one attempt), else derived from
 * the plugin phases sent as task events (`taskPhases`, see `podsFromTaskPhases`).
 */
import type { NodeRecord, PodTimes, Transition } from '../timeline/types.js';
import { instant, type Instant, type Interval } from './intervals.js';

export interface PodInstants {
  created?: Instant;
  started?: Instant;
  finished?: Instant;
  observed?: Instant;
  /** No start was observed, but the container may have run (pods seen only through task phases). */
  startUnseen?: boolean;
  /** No exit was observed: the container may have ended any time after it was seen. */
  endUnseen?: boolean;
}

function podInstants(p: PodTimes): PodInstants {
  const out: PodInstants = {};
  if (p.created !== undefined) out.created = instant(p.created, p.createdLo, p.createdHi);
  if (p.started !== undefined) out.started = instant(p.started, p.startedLo, p.startedHi);
  if (p.finished !== undefined) out.finished = instant(p.finished, p.finishedLo, p.finishedHi);
  if (p.observed !== undefined) out.observed = instant(p.observed, p.observedLo, p.observedHi);
  if (p.startUnseen) out.startUnseen = true;
  if (p.endUnseen) out.endUnseen = true;
  return out;
}

/** Plugin phase name without the `Phase` prefix, lower-cased (`PhaseRunning` -> `running`). */
function pluginPhase(name: string): string {
  const n = name.startsWith('Phase') ? name.slice(5) : name;
  return n.toLowerCase();
}

/** Phases before a pod exists (quota wait, not ready). */
const BEFORE_POD = new Set(['undefined', 'notready', 'waitingforresources', 'waitingforcache']);
/** Phases that end an attempt. */
const ATTEMPT_END = new Set(['success', 'retryablefailure', 'permanentfailure', 'aborted']);

function stampOf(t: Transition): Instant {
  return instant(t.at, t.atLo, t.atHi);
}

/**
 * Pod attempts derived from plugin phases: created = the first phase at which a pod exists
 * (Queued, Initializing, Running, ...), started = the first PhaseRunning, finished = the phase
 * that ended the attempt (Success, RetryableFailure, PermanentFailure, Aborted); the next phase
 * after an attempt's end starts a new attempt. A plugin phase is timed when propeller sent its
 * task event, i.e. when propeller observed it, so `finished` is already the observation: no
 * exit-to-observation lag is derived (it counts as user time).
 *
 * An attempt without a PhaseRunning sent may still have run its container (between two rounds,
 * or until an abort): it is marked `startUnseen`; one that no phase ended may have exited any
 * time after it was seen: `endUnseen`.
 */
export function podsFromTaskPhases(phases: readonly Transition[]): PodInstants[] {
  const pods: PodInstants[] = [];
  let cur: PodInstants | undefined;
  for (const t of phases) {
    const ph = pluginPhase(t.to);
    if (BEFORE_POD.has(ph)) continue;
    cur ??= {};
    cur.created ??= stampOf(t);
    if (ph === 'running') cur.started ??= stampOf(t);
    if (ATTEMPT_END.has(ph)) {
      cur.finished = stampOf(t);
      pods.push(cur);
      cur = undefined;
    }
  }
  if (cur) pods.push(cur);
  for (const p of pods) {
    if (!p.started) p.startUnseen = true;
    if (!p.finished) p.endUnseen = true;
  }
  return pods;
}

/** The node's pod attempts (possibly none). */
export function podsOf(node: NodeRecord): PodInstants[] {
  if (node.pods && node.pods.length > 0) return node.pods.map(podInstants);
  if (node.pod) return [podInstants(node.pod)];
  if (node.taskPhases && node.taskPhases.length > 0) return podsFromTaskPhases(node.taskPhases);
  return [];
}

/**
 * The typical wait from a pod's creation to its container start, among `pods` whose start was
 * seen: the median, or undefined when none was.
 */
export function typicalStartLag(pods: readonly PodInstants[]): number | undefined {
  const lags: number[] = [];
  for (const p of pods) if (p.created && p.started && p.started.at >= p.created.at) lags.push(p.started.at - p.created.at);
  if (lags.length === 0) return undefined;
  lags.sort((a, b) => a - b);
  return lags[(lags.length - 1) >> 1]!;
}

/**
 * User interval: [started, finished) (or to the observation, or to `openEnd` while running).
 * External intervals: [created, started) and [finished, observed). When a pod's start was not
 * seen (`startUnseen`) it lies anywhere from creation to the end, so the bounds allow any user /
 * external split; the estimate is creation plus `startLag` (the execution's typical wait for a
 * container start, `typicalStartLag`), else the middle of that span.
 */
export function podIntervals(p: PodInstants, openEnd: Instant, user: Interval[], external: Interval[], startLag?: number): void {
  if (!p.started && p.startUnseen && p.created) {
    const end = p.finished ?? p.observed ?? openEnd;
    const guess = p.created.at + (startLag ?? Math.max(0, end.at - p.created.at) / 2);
    const at = Math.round(Math.min(end.at, Math.max(p.created.at, guess)));
    const start: Instant = { at, lo: p.created.lo, hi: end.hi };
    user.push({ s: start, e: end });
    external.push({ s: p.created, e: start });
    return;
  }
  if (p.started) {
    let end = p.finished ?? p.observed ?? openEnd;
    // An exit nobody saw: estimate the end of the record, but it may have come right after the start.
    if (p.endUnseen && !p.finished && !p.observed) end = { at: end.at, lo: Math.min(p.started.hi, end.at), hi: end.hi };
    user.push({ s: p.started, e: end });
  }
  if (p.created) external.push({ s: p.created, e: p.started ?? p.finished ?? p.observed ?? openEnd });
  if (p.finished && p.observed) external.push({ s: p.finished, e: p.observed });
}
