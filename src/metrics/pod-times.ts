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
}

function podInstants(p: PodTimes): PodInstants {
  const out: PodInstants = {};
  if (p.created !== undefined) out.created = instant(p.created, p.createdLo, p.createdHi);
  if (p.started !== undefined) out.started = instant(p.started, p.startedLo, p.startedHi);
  if (p.finished !== undefined) out.finished = instant(p.finished, p.finishedLo, p.finishedHi);
  if (p.observed !== undefined) out.observed = instant(p.observed, p.observedLo, p.observedHi);
  if (p.startUnseen) out.startUnseen = true;
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
 * or until an abort): it is marked `startUnseen`.
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
  for (const p of pods) if (!p.started) p.startUnseen = true;
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
 * User interval: [started, finished) (or to the observation, or to `openEnd` while running).
 * External intervals: [created, started) and [finished, observed). A pod seen created and
 * finished but never running is external throughout (no container run was observed); when its
 * start may just not have been seen (`startUnseen`), the estimate is the same but the start
 * lies anywhere from creation to the end, so the bounds allow any user / external split.
 */
export function podIntervals(p: PodInstants, openEnd: Instant, user: Interval[], external: Interval[]): void {
  if (!p.started && p.startUnseen && p.created) {
    const end = p.finished ?? p.observed ?? openEnd;
    const start: Instant = { at: end.at, lo: p.created.lo, hi: end.hi };
    user.push({ s: start, e: end });
    external.push({ s: p.created, e: start });
    return;
  }
  if (p.started) user.push({ s: p.started, e: p.finished ?? p.observed ?? openEnd });
  if (p.created) external.push({ s: p.created, e: p.started ?? p.finished ?? p.observed ?? openEnd });
  if (p.finished && p.observed) external.push({ s: p.finished, e: p.observed });
}
