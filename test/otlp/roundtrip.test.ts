import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countSpans, otlpDocuments, writeOtlp } from '../../src/export/otlp.js';
import { looksLikeOtlp, readOtlpFile, readOtlpText } from '../../src/ingest/otlp.js';
import type { Recording } from '../../src/timeline/types.js';
import { randomRecording, sampleRecording } from './fixtures.js';
import { withoutExactBounds } from '../support/exact-bounds.js';

function roundTrip(rec: Recording, chunkSpans?: number): { back: Recording; text: string } {
  const text = [...otlpDocuments(rec, chunkSpans ? { chunkSpans } : {})].join('\n');
  return { back: readOtlpText(text).recording, text };
}

/** The Recording as it should read back: same content, source 'otlp', line stats of the read. */
/** Traces carry exact times: the read-back leaves exact bounds out where the fixture spells them. */
function comparable(rec: Recording): Omit<Recording, 'lines' | 'source'> {
  const { lines: _l, source: _s, ...rest } = rec;
  return withoutExactBounds(rest);
}

describe('OTLP round trip', () => {
  it('reads back the 1-task and conflict executions exactly', () => {
    const rec = sampleRecording();
    const { back } = roundTrip(rec);
    expect(back.source).toBe('otlp');
    expect(comparable(back)).toStrictEqual(comparable(rec));
    expect(back.lines.skipped).toStrictEqual({});
  });

  it('keeps handles, rounds, ops and transitions when chunked into many documents', () => {
    const rec = sampleRecording();
    const { back, text } = roundTrip(rec, 7);
    expect(text.split('\n').length).toBeGreaterThan(10);
    expect(comparable(back)).toStrictEqual(comparable(rec));
  });

  test.prop([fc.integer({ min: 0, max: 1_000_000 })], { numRuns: 25 })('random recordings read back exactly', (seed) => {
    const rec = randomRecording(seed);
    const { back } = roundTrip(rec, 1 + (seed % 40));
    expect(comparable(back)).toStrictEqual(comparable(rec));
  });

  it('is byte-identical for the same input', () => {
    const a = [...otlpDocuments(randomRecording(7))].join('\n');
    const b = [...otlpDocuments(randomRecording(7))].join('\n');
    expect(a).toBe(b);
    const c = [...otlpDocuments(randomRecording(8))].join('\n');
    expect(c).not.toBe(a);
  });

  it('derives ids from the execution and position, not from the other executions', () => {
    const rec = sampleRecording();
    const only = { ...rec, executions: [rec.executions[1]!] };
    const ids = (text: string): Set<string> => new Set([...text.matchAll(/"spanId":"([0-9a-f]{16})"/g)].map((m) => m[1]!));
    const all = ids([...otlpDocuments(rec)].join('\n'));
    const one = ids([...otlpDocuments(only)].join('\n'));
    for (const id of one) expect(all.has(id)).toBe(true);
  });

  it('writes a JSONL file through a temporary file and reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otlp-'));
    const path = join(dir, 'trace.jsonl');
    const rec = randomRecording(99, 4);
    const stats = await writeOtlp(rec, path, { chunkSpans: 10 });
    expect(readdirSync(dir)).toEqual(['trace.jsonl']);
    const text = readFileSync(path, 'utf8');
    expect(stats.documents).toBe(text.trimEnd().split('\n').length);
    expect(stats.documents).toBe(Math.ceil(countSpans(rec) / 10));
    expect(stats.spans).toBe(countSpans(rec));
    expect(looksLikeOtlp(text.slice(0, 100))).toBe(true);
    const back = await readOtlpFile(path);
    expect(comparable(back.recording)).toStrictEqual(comparable(rec));
    expect(back.stats.spans.read).toBe(countSpans(rec));
  });

  it('uses propeller span names and resource, one trace per Handle call', () => {
    const rec = sampleRecording();
    const doc = JSON.parse([...otlpDocuments(rec)][0]!) as {
      resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: { name: string; traceId: string; parentSpanId?: string; startTimeUnixNano: string }[] }[] }[];
    };
    const rs = doc.resourceSpans[0]!;
    expect(rs.resource.attributes.find((a) => a.key === 'service.name')!.value.stringValue).toBe('flytepropeller');
    const spans = rs.scopeSpans.flatMap((s) => s.spans);
    const handles = spans.filter((s) => s.name === 'pkg.controller.Propeller/Handle');
    expect(handles).toHaveLength(rec.executions.reduce((n, e) => n + e.handles.length, 0));
    expect(new Set(handles.map((h) => h.traceId)).size).toBe(handles.length);
    expect(handles.every((h) => h.parentSpanId === undefined)).toBe(true);
    const names = new Set(spans.map((s) => s.name));
    for (const n of [
      'pkg.controller.Propeller/streak',
      'WorkflowStore.Update',
      'pkg.controller.nodes.NodeExecutor/handleNode',
      'pkg.controller.nodes.NodeExecutor/CheckCatalogCache',
      'pkg.controller.nodes.NodeExecutor/WriteCatalogCache',
      'flytestdlib.storage.DefaultProtobufStore/ReadProtobuf',
      'flytestdlib.storage.DefaultProtobufStore/WriteProtobuf',
      'flyteidl.service.AdminService/CreateWorkflowEvent',
      'flyteidl.service.AdminService/CreateNodeEvent',
      'flyteidl.service.AdminService/CreateTaskEvent',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
    // anchored at the recording origin, never at wall-clock time
    const first = handles.map((h) => BigInt(h.startTimeUnixNano)).sort()[0]!;
    expect(first).toBe(1_714_728_481_000_000_000n + 255_000_000n);
  });
});

