import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perfettoEvents, writePerfetto } from '../../src/export/perfetto.js';
import { sampleRecording } from './fixtures.js';

describe('Perfetto / Chrome trace export', () => {
  it('writes valid trace JSON with handles, rounds and ops nested on worker tracks', async () => {
    const rec = sampleRecording();
    const dir = mkdtempSync(join(tmpdir(), 'perfetto-'));
    const path = join(dir, 'trace.json');
    const n = await writePerfetto(rec, path);
    expect(readdirSync(dir)).toEqual(['trace.json']);
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: { name: string; ph: string; tid: number; pid: number; ts?: number; dur?: number; cat?: string }[]; displayTimeUnit: string };
    expect(doc.traceEvents).toHaveLength(n);
    expect(doc.displayTimeUnit).toBe('ns');
    const handles = doc.traceEvents.filter((e) => e.cat === 'handle');
    expect(handles).toHaveLength(rec.executions.reduce((k, e) => k + e.handles.length, 0));
    const ops = doc.traceEvents.filter((e) => e.ph === 'X' && e.cat !== 'handle' && e.cat !== 'round');
    expect(ops).toHaveLength(rec.executions.flatMap((e) => e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops))).length);
    for (const op of ops) {
      const h = handles.find((x) => x.tid === op.tid && x.ts! <= op.ts! && op.ts! + op.dur! <= x.ts! + x.dur!);
      expect(h, op.name).toBeDefined();
    }
    // sub-microsecond precision survives as fractional microseconds
    const first = rec.executions[0]!.handles[0]!;
    expect(handles[0]!.ts).toBe(first.start / 1000);
    const names = [...perfettoEvents(rec)].filter((e) => e.ph === 'M').map((e) => e.args!.name);
    expect(names).toContain('worker-3');
    expect(names).toContain('f016a3be7fa304db5a77');
  });
});
