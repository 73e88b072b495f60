import type { Ns, Span, Stamp, Transition } from './types.js';

/** An exactly known instant. */
export function exact(at: Ns): Stamp {
  return { at, lo: at, hi: at };
}

/** A transition at an exactly known instant, made in round `round` of Handle call `handle`. */
export function exactTransition(from: string, to: string, at: Ns, handle: number, round: number): Transition {
  return { from, to, at, atLo: at, atHi: at, handle, round };
}

/**
 * Duration from a to b with bounds. The lower bound is clamped at zero because a is known to
 * precede b (log order) even when their uncertainty intervals overlap.
 */
export function between(aAt: Ns, aLo: Ns, aHi: Ns, bAt: Ns, bLo: Ns, bHi: Ns): Span {
  const est = Math.max(0, bAt - aAt);
  const lo = Math.max(0, bLo - aHi);
  const hi = Math.max(lo, bHi - aLo);
  return { est: Math.min(Math.max(est, lo), hi), lo, hi };
}

/** True when every bound equals its estimate. */
export function isExact(s: { at: Ns; lo: Ns; hi: Ns }): boolean {
  return s.lo === s.at && s.hi === s.at;
}
