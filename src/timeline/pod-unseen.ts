import type { PodTimes } from './types.js';

/**
 * Marks what a log cannot have shown of a pod: no container start without a PhaseRunning event
 * (`startUnseen`: it may still have run), no exit without a terminal task phase or a pod update
 * (`endUnseen`: it may have ended any time). Logs are folded, and simulations seen through logs,
 * by this one rule.
 */
export function markUnseen(p: PodTimes): void {
  if (p.created !== undefined && p.started === undefined) p.startUnseen = true;
  if ((p.created !== undefined || p.started !== undefined) && p.finished === undefined && p.observed === undefined) p.endUnseen = true;
}
