import type { Observation } from '../model/fit.js';

/**
 * Durations between two recorded instants as fitting observations (seconds).
 *
 * - both ends exact (OTLP, CRI prefixes, simulation): an exact value;
 * - both ends whole-second log stamps: the rounded difference k = (endLo - startLo) / 1 s at
 *   resolution 1 s, whose likelihood accounts for where inside the second each stamp fell (a k = 0
 *   is a real observation, never a zero duration and never dropped);
 * - anything else (mixed or tightened bounds): the interval of all durations the bounds allow.
 */

export const SECOND_NS = 1e9;

/** An instant with its bounds (ns). */
export interface Bounded {
  at: number;
  lo: number;
  hi: number;
}

export function bounded(at: number, lo?: number, hi?: number): Bounded {
  return { at, lo: lo ?? at, hi: hi ?? at };
}

/** True for the bounds of a whole-second stamp: [s, s + 1 s - 1 ns]. */
export function isWholeSecond(b: Bounded): boolean {
  return b.hi - b.lo === SECOND_NS - 1;
}

export function isExact(b: Bounded): boolean {
  return b.lo === b.hi;
}

/** The duration from `start` to `end`, or undefined when the bounds say the end came first. */
export function durationObservation(start: Bounded, end: Bounded): Observation | undefined {
  if (isExact(start) && isExact(end)) {
    const d = end.at - start.at;
    return d < 0 ? undefined : { kind: 'exact', value: d / SECOND_NS };
  }
  if (isWholeSecond(start) && isWholeSecond(end)) {
    const k = Math.round((end.lo - start.lo) / SECOND_NS);
    return k < 0 ? undefined : { kind: 'rounded', k, resolution: 1 };
  }
  const hi = end.hi - start.lo;
  if (hi < 0) return undefined;
  const lo = Math.max(0, end.lo - start.hi);
  return { kind: 'interval', lo: lo / SECOND_NS, hi: hi / SECOND_NS };
}

/** A point stand-in for an observation (exact value, interval midpoint, k * r), seconds. */
export function pointOf(o: Observation): number {
  if (o.kind === 'exact') return o.value;
  if (o.kind === 'interval') return Number.isFinite(o.hi) ? (o.lo + o.hi) / 2 : o.lo;
  return o.k * o.resolution;
}

/** An observation moved by `-shift` seconds (exact and interval; rounded ones are returned as they are). */
export function shifted(o: Observation, shift: number): Observation {
  if (shift === 0) return o;
  if (o.kind === 'exact') return { ...o, value: o.value - shift };
  if (o.kind === 'interval') return { ...o, lo: Math.max(0, o.lo - shift), hi: Math.max(0, o.hi - shift) };
  return o;
}

/** Counts of observation kinds. */
export function kindCounts(obs: readonly Observation[]): { exact: number; interval: number; rounded: number } {
  const c = { exact: 0, interval: 0, rounded: 0 };
  for (const o of obs) c[o.kind] += o.count ?? 1;
  return c;
}
