import type { Timed } from './bounds.js';
import type { Execution, Recording, Transition } from './types.js';

/**
 * Moving executions between origins. Recordings read from different inputs (several log files,
 * a trace and a log) each have their own origin; to put them into one Recording every time is
 * shifted onto the earliest origin.
 */

/** Shifts a Handle call, round or op; absent bounds (exact times) stay absent. */
const shiftTimed = (o: Timed, d: number): void => {
  o.start += d;
  o.end += d;
  if (o.startLo !== undefined) o.startLo += d;
  if (o.startHi !== undefined) o.startHi += d;
  if (o.endLo !== undefined) o.endLo += d;
  if (o.endHi !== undefined) o.endHi += d;
};
const shiftTransition = (t: Transition, d: number): void => {
  t.at += d; t.atLo += d; t.atHi += d;
};

/** Shifts every time of an execution by `d` ns, in place. */
export function shiftExecution(e: Execution, d: number): void {
  if (d === 0) return;
  if (e.created) e.created = { at: e.created.at + d, lo: e.created.lo + d, hi: e.created.hi + d };
  if (e.ended) e.ended = { at: e.ended.at + d, lo: e.ended.lo + d, hi: e.ended.hi + d };
  for (const h of e.handles) {
    shiftTimed(h, d);
    if (h.enqueuedAt !== undefined) h.enqueuedAt += d;
    if (h.enqueuedAtLo !== undefined) h.enqueuedAtLo += d;
    if (h.enqueuedAtHi !== undefined) h.enqueuedAtHi += d;
    for (const r of h.rounds) {
      shiftTimed(r, d);
      if (r.traversalEnd !== undefined) r.traversalEnd += d;
      if (r.traversalEndLo !== undefined) r.traversalEndLo += d;
      if (r.traversalEndHi !== undefined) r.traversalEndHi += d;
      for (const o of r.ops) shiftTimed(o, d);
    }
  }
  for (const n of e.nodes) {
    for (const t of n.transitions) shiftTransition(t, d);
    for (const t of n.taskPhases ?? []) shiftTransition(t, d);
    if (n.pod) {
      const p = n.pod;
      if (p.created !== undefined) p.created += d;
      if (p.started !== undefined) p.started += d;
      if (p.finished !== undefined) p.finished += d;
      if (p.observed !== undefined) p.observed += d;
    }
  }
  for (const q of e.enqueues) {
    q.at += d; q.lo += d; q.hi += d;
  }
  for (const t of e.workflowTransitions) shiftTransition(t, d);
  for (const c of e.crBytes ?? []) c.at += d;
}

/** Merges recordings onto the earliest origin (executions in input order; line counts summed). */
export function mergeRecordings(recs: Recording[]): Recording {
  if (recs.length === 1) return recs[0]!;
  const nonEmpty = recs.filter((r) => r.executions.length > 0);
  const origin = (nonEmpty.length > 0 ? nonEmpty : recs).reduce(
    (m, r) => (BigInt(r.originUnixNano) < m ? BigInt(r.originUnixNano) : m),
    BigInt(recs[0]?.originUnixNano ?? '0'),
  );
  const out: Recording = {
    originUnixNano: origin.toString(),
    source: recs.every((r) => r.source === recs[0]?.source) ? recs[0]!.source : 'logs',
    executions: [],
    lines: { read: 0, used: 0, skipped: {} },
  };
  for (const r of recs) {
    const d = Number(BigInt(r.originUnixNano) - origin);
    for (const e of r.executions) {
      shiftExecution(e, d);
      out.executions.push(e);
    }
    out.lines.read += r.lines.read;
    out.lines.used += r.lines.used;
    for (const [k, v] of Object.entries(r.lines.skipped)) out.lines.skipped[k] = (out.lines.skipped[k] ?? 0) + v;
    if (r.lines.spans) {
      const to = (out.lines.spans ??= { read: 0, used: 0, ignored: 0, skipped: {} });
      to.read += r.lines.spans.read;
      to.used += r.lines.spans.used;
      to.ignored += r.lines.spans.ignored;
      for (const [k, v] of Object.entries(r.lines.spans.skipped)) to.skipped[k] = (to.skipped[k] ?? 0) + v;
    }
  }
  return out;
}
