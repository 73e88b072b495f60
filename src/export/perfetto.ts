/**
 * Timeline -> Chrome Trace Event JSON (opens in ui.perfetto.dev and chrome://tracing).
 * Process 1 shows propeller's workers: one track per worker, Handle calls with their rounds and
 * ops nested inside (a worker holds one workflow at a time, so occupancy reads straight off).
 * Process 2 shows each execution's enqueues and node transitions as instants on its own track.
 * Times are microseconds with three decimals, so the ns of the Timeline survive.
 */
import type { Ns, Op, Recording } from '../timeline/types.js';
import { writeAtomically } from './atomic-write.js';

const us = (t: Ns): number => Math.round(t) / 1000;

interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't';
  args?: Record<string, string | number | boolean>;
}

function opName(op: Op): string {
  const parts: string[] = [op.kind];
  if (op.node !== undefined) parts.push(op.node);
  if (op.from !== undefined || op.to !== undefined) parts.push(`${op.from ?? ''}→${op.to ?? ''}`);
  return parts.join(' ');
}

function opArgs(op: Op): Record<string, string | number> {
  const a: Record<string, string | number> = {};
  if (op.outcome !== undefined) a.outcome = op.outcome;
  if (op.bytes !== undefined) a.bytes = op.bytes;
  if (op.detail !== undefined) a.detail = op.detail;
  return a;
}

/** The trace events of a Recording, lazily, metadata first. */
export function* perfettoEvents(rec: Recording): Generator<TraceEvent> {
  const workers = new Map<string, number>();
  for (const ex of rec.executions) for (const h of ex.handles) if (!workers.has(h.worker)) workers.set(h.worker, workers.size + 1);
  yield { name: 'process_name', ph: 'M', pid: 1, tid: 0, args: { name: 'flytepropeller workers' } };
  yield { name: 'process_name', ph: 'M', pid: 2, tid: 0, args: { name: 'executions' } };
  for (const [w, tid] of [...workers].sort((a, b) => a[1] - b[1])) yield { name: 'thread_name', ph: 'M', pid: 1, tid, args: { name: w } };
  for (let xi = 0; xi < rec.executions.length; xi++) {
    yield { name: 'thread_name', ph: 'M', pid: 2, tid: xi + 1, args: { name: rec.executions[xi]!.id } };
  }
  for (let xi = 0; xi < rec.executions.length; xi++) {
    const ex = rec.executions[xi]!;
    for (const e of ex.enqueues) yield { name: `enqueue ${e.source}`, ph: 'i', s: 't', pid: 2, tid: xi + 1, ts: us(e.at), cat: 'queue' };
    for (const n of ex.nodes) {
      for (const t of n.transitions) yield { name: `${n.id} ${t.from}→${t.to}`, ph: 'i', s: 't', pid: 2, tid: xi + 1, ts: us(t.at), cat: 'node' };
    }
    for (const h of ex.handles) {
      const tid = workers.get(h.worker)!;
      yield { name: `Handle ${ex.id}`, ph: 'X', pid: 1, tid, ts: us(h.start), dur: us(h.end - h.start), cat: 'handle', args: { exec: ex.id, end: h.endReason } };
      for (const r of h.rounds) {
        yield {
          name: `Round p [${r.phase}]${r.changed ? '' : ' (no change)'}`,
          ph: 'X',
          pid: 1,
          tid,
          ts: us(r.start),
          dur: us(r.end - r.start),
          cat: 'round',
          args: r.error !== undefined ? { exec: ex.id, error: r.error } : { exec: ex.id },
        };
        for (const op of r.ops) {
          yield { name: opName(op), ph: 'X', pid: 1, tid, ts: us(op.start), dur: us(Math.max(0, op.end - op.start)), cat: op.kind, args: opArgs(op) };
        }
      }
    }
  }
}

/** Writes `{"traceEvents":[...],"displayTimeUnit":"ns"}` through a temporary file and a rename. */
export async function writePerfetto(rec: Recording, path: string): Promise<number> {
  return writeAtomically(path, async (write) => {
    let n = 0;
    let buf = '{"traceEvents":[\n';
    for (const ev of perfettoEvents(rec)) {
      buf += `${n === 0 ? '' : ',\n'}${JSON.stringify(ev)}`;
      n++;
      if (buf.length > 65_536) {
        await write(buf);
        buf = '';
      }
    }
    await write(`${buf}\n],"displayTimeUnit":"ns"}\n`);
    return n;
  });
}
