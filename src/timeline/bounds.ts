/**
 * Bounds of a Handle call, round or op (`Timed`): absent means exact. Simulated and traced
 * Recordings leave them out (four fewer numbers on each of millions of ops); logs with
 * whole-second stamps set them.
 */
import type { Ns, Timed } from './types.js';

export type { Timed } from './types.js';

export function startLo(t: Timed): Ns {
  return t.startLo ?? t.start;
}

export function startHi(t: Timed): Ns {
  return t.startHi ?? t.start;
}

export function endLo(t: Timed): Ns {
  return t.endLo ?? t.end;
}

export function endHi(t: Timed): Ns {
  return t.endHi ?? t.end;
}

/** True when the start and the end are known exactly. */
export function isExactTimed(t: Timed): boolean {
  return startLo(t) === t.start && startHi(t) === t.start && endLo(t) === t.end && endHi(t) === t.end;
}
