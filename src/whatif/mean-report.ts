/**
 * The mean of several reports of the same plans, in the report layout: every numeric field is the
 * mean over the replications that have it, so `report`-style consumers (text renderer, diff,
 * later checks reading `executions[].makespanNs`) read replicated runs like a single one.
 *
 * Executions and nodes are matched by id (ids are deterministic for the same plans); strings,
 * booleans and lists of names are taken from the first replication that has them. A count map
 * such as `streakEnds` lacks a key when the count is zero, so its missing keys count as 0. Fields
 * in nanoseconds are rounded to integers (the report contract); ratios and counts are not.
 */
import type { ReportJson } from '../metrics/index.js';

type Acc =
  | { t: 'num'; sum: number; n: number; first: number; same: boolean }
  | { t: 'obj'; keys: Map<string, Acc>; seen: number }
  | { t: 'ids'; items: Map<string, Acc> }
  | { t: 'first'; value: unknown };

/** Objects whose keys are counts present only when non-zero. */
const ZERO_FILLED = new Set(['streakEnds', 'skipped']);

function isIdList(v: unknown[]): boolean {
  return v.length > 0 && v.every((x) => x !== null && typeof x === 'object' && typeof (x as { id?: unknown }).id === 'string');
}

function create(v: unknown): Acc {
  if (v === null || typeof v === 'number') return { t: 'num', sum: 0, n: 0, first: 0, same: true };
  if (Array.isArray(v)) return isIdList(v) ? { t: 'ids', items: new Map() } : { t: 'first', value: structuredClone(v) };
  if (typeof v === 'object') return { t: 'obj', keys: new Map(), seen: 0 };
  return { t: 'first', value: v };
}

function add(acc: Acc, v: unknown): void {
  switch (acc.t) {
    case 'num':
      if (typeof v === 'number' && Number.isFinite(v)) {
        if (acc.n === 0) acc.first = v;
        else if (v !== acc.first) acc.same = false;
        acc.sum += v;
        acc.n++;
      }
      return;
    case 'obj': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
      acc.seen++;
      // `for...in` rather than Object.entries: no pair array per key (a replication adds whole reports).
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const x = o[k];
        let c = acc.keys.get(k);
        if (!c) {
          c = create(x);
          acc.keys.set(k, c);
        }
        add(c, x);
      }
      return;
    }
    case 'ids': {
      if (!Array.isArray(v)) return;
      for (const x of v) {
        const id = (x as { id?: unknown } | null)?.id;
        if (typeof id !== 'string') continue;
        let c = acc.items.get(id);
        if (!c) {
          c = create(x);
          acc.items.set(id, c);
        }
        add(c, x);
      }
      return;
    }
    case 'first':
      if (acc.value === null || acc.value === undefined) acc.value = v;
      return;
  }
}

function isNsKey(key: string, parentKey: string): boolean {
  return key.endsWith('Ns') || ((key === 'lo' || key === 'hi') && parentKey.endsWith('Ns'));
}

function output(acc: Acc, key: string, parentKey: string, zeroFillOver: number | null): unknown {
  switch (acc.t) {
    case 'num': {
      const n = zeroFillOver ?? acc.n;
      if (acc.n === 0 || n === 0) return zeroFillOver !== null ? 0 : null;
      // Equal values average to themselves exactly (a float sum divided back need not).
      if (acc.same && acc.n === n) return acc.first;
      const m = acc.sum / n;
      return isNsKey(key, parentKey) ? Math.round(m) : m;
    }
    case 'obj': {
      const o: Record<string, unknown> = {};
      const fill = ZERO_FILLED.has(key) ? acc.seen : null;
      for (const [k, c] of acc.keys) o[k] = output(c, k, key, fill);
      return o;
    }
    case 'ids':
      return [...acc.items.values()].map((c) => output(c, key, parentKey, null));
    case 'first':
      return acc.value;
  }
}

/** Accumulates reports one at a time (no report is kept). */
export class MeanReport {
  private root: Acc | null = null;
  n = 0;

  add(report: ReportJson): void {
    this.root ??= create(report);
    add(this.root, report);
    this.n++;
  }

  /** The mean report; throws when no report was added. */
  result(): ReportJson {
    if (!this.root) throw new Error('no replications to average');
    return output(this.root, '', '', null) as ReportJson;
  }
}

export function meanReport(reports: Iterable<ReportJson>): ReportJson {
  const m = new MeanReport();
  for (const r of reports) m.add(r);
  return m.result();
}
