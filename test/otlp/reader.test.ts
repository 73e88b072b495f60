import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { looksLikeOtlp, readOtlpFile, readOtlpText } from '../../src/ingest/otlp.js';
import { otlpDocuments } from '../../src/export/otlp.js';
import { sampleRecording } from './fixtures.js';

// Times are multiples of 256 ns so that JSON numbers (doubles) hold them exactly.
const MS = 1_024_000n;
const T0 = 1_714_728_481_000_000_000n + 250n * MS; // not on a whole second

interface FakeSpan {
  id: number;
  parent?: number;
  trace: number;
  name: string;
  start: bigint;
  end: bigint;
  kind?: number;
  attrs?: Record<string, string | number>;
  status?: { code: number; message?: string };
}

const hexId = (n: number, bytes: number): string => n.toString(16).padStart(bytes * 2, '0');
const b64Id = (n: number, bytes: number): string => Buffer.from(hexId(n, bytes), 'hex').toString('base64');
const KIND_NAME = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT'];

/** Spans as a real propeller (no propsim attributes) would export them. */
function propellerSpans(): FakeSpan[] {
  const base = { exec_id: 'abc123', ns: 'flytesnacks-development', routine: 'worker-7' };
  const inRound = { ...base, wf: 'flytesnacks:development:my.wf', res_ver: '4242' };
  const s: FakeSpan[] = [
    { id: 1, trace: 1, name: 'pkg.controller.Propeller/Handle', start: T0, end: T0 + 200n * MS, attrs: base },
    { id: 2, parent: 1, trace: 1, name: 'WorkflowStore.Get', start: T0 + 1n * MS, end: T0 + 2n * MS, attrs: base },
    { id: 3, parent: 1, trace: 1, name: 'pkg.controller.Propeller/streak', start: T0 + 3n * MS, end: T0 + 150n * MS, attrs: base },
    { id: 4, parent: 3, trace: 1, name: 'pkg.controller.nodes.NodeExecutor/handleNode', start: T0 + 5n * MS, end: T0 + 90n * MS, attrs: { ...inRound, node: 'n0' } },
    { id: 5, parent: 4, trace: 1, name: 'pkg.controller.nodes.task.Handler/HandleTask', start: T0 + 6n * MS, end: T0 + 40n * MS, attrs: { ...inRound, node: 'n0' } },
    { id: 6, parent: 5, trace: 1, name: 'flyteidl.service.AdminService/CreateTaskEvent', kind: 3, start: T0 + 10n * MS, end: T0 + 30n * MS, attrs: { 'rpc.grpc.status_code': 0 } },
    { id: 7, parent: 4, trace: 1, name: 'flyteidl.service.AdminService/CreateNodeEvent', kind: 3, start: T0 + 50n * MS, end: T0 + 80n * MS, attrs: { 'rpc.grpc.status_code': 6 }, status: { code: 2, message: 'already exists' } },
    { id: 8, parent: 7, trace: 1, name: 'flyteidl.service.AdminService/CreateNodeEvent', kind: 2, start: T0 + 55n * MS, end: T0 + 75n * MS },
    { id: 9, parent: 4, trace: 1, name: 'flytestdlib.storage.DefaultProtobufStore/ReadProtobuf', start: T0 + 82n * MS, end: T0 + 85n * MS },
    { id: 10, parent: 9, trace: 1, name: 'flytestdlib.storage.cachedRawStore/ReadRaw', start: T0 + 83n * MS, end: T0 + 84n * MS },
    { id: 11, parent: 3, trace: 1, name: 'WorkflowStore.Update', start: T0 + 100n * MS, end: T0 + 140n * MS, attrs: base },
    { id: 12, parent: 3, trace: 1, name: 'some.other/Thing', start: T0 + 95n * MS, end: T0 + 96n * MS },
    { id: 13, parent: 1, trace: 1, name: 'pkg.controller.Propeller/streak', start: T0 + 151n * MS, end: T0 + 190n * MS, attrs: base },
    { id: 14, parent: 99, trace: 1, name: 'WorkflowStore.Update', start: T0 + 160n * MS, end: T0 + 170n * MS },
    // a second Handle call of the same execution on another worker, stale: no rounds
    { id: 20, trace: 2, name: 'pkg.controller.Propeller/Handle', start: T0 + 900n * MS, end: T0 + 901n * MS, attrs: { ...base, routine: 'worker-2' } },
    { id: 21, parent: 20, trace: 2, name: 'WorkflowStore.Get', start: T0 + 900n * MS, end: T0 + 901n * MS, attrs: base },
  ];
  return s;
}

function otlpDoc(spans: FakeSpan[], variant: 'hex' | 'b64'): object {
  const attr = (k: string, v: string | number): object =>
    typeof v === 'number'
      ? { key: k, value: { intValue: variant === 'hex' ? v : String(v) } }
      : { key: k, value: { stringValue: v } };
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'flytepropeller')] },
        scopeSpans: [
          {
            scope: { name: 'default' },
            spans: spans.map((s) => ({
              traceId: variant === 'hex' ? hexId(s.trace, 16) : b64Id(s.trace, 16),
              spanId: variant === 'hex' ? hexId(s.id, 8) : b64Id(s.id, 8),
              ...(s.parent !== undefined ? { parentSpanId: variant === 'hex' ? hexId(s.parent, 8) : b64Id(s.parent, 8) } : { parentSpanId: '' }),
              name: s.name,
              kind: variant === 'hex' ? (s.kind ?? 1) : KIND_NAME[s.kind ?? 1],
              startTimeUnixNano: variant === 'hex' ? s.start.toString() : Number(s.start),
              endTimeUnixNano: variant === 'hex' ? s.end.toString() : Number(s.end),
              attributes: Object.entries(s.attrs ?? {}).map(([k, v]) => attr(k, v)),
              status: s.status ? (variant === 'hex' ? s.status : { ...s.status, code: 'STATUS_CODE_ERROR' }) : {},
            })),
          },
        ],
      },
    ],
  };
}

describe('OTLP reader on propeller-like traces', () => {
  const hexText = JSON.stringify(otlpDoc(propellerSpans(), 'hex'));

  it('yields Handle calls, rounds and ops with worker and exec id', () => {
    const { recording, stats } = readOtlpText(hexText);
    expect(stats.notOtlp).toBe(false);
    expect(recording.executions).toHaveLength(1);
    const ex = recording.executions[0]!;
    expect(ex.id).toBe('abc123');
    expect(ex.namespace).toBe('flytesnacks-development');
    expect(ex.workflow).toBe('flytesnacks:development:my.wf');
    expect(ex.handles.map((h) => h.worker)).toEqual(['worker-7', 'worker-2']);
    const [h0, h1] = ex.handles;
    expect(h0!.rounds).toHaveLength(2);
    expect(h1!.rounds).toHaveLength(0);
    const r0 = h0!.rounds[0]!;
    expect(r0.changed).toBe(true);
    expect(r0.resVer).toBe('4242');
    expect(r0.ops.map((o) => o.kind)).toEqual(['taskEvent', 'nodeEvent', 'blobRead', 'etcdUpdate']);
    expect(r0.ops.map((o) => o.node)).toEqual(['n0', 'n0', 'n0', undefined]);
    expect(r0.ops[1]!.outcome).toBe('alreadyExists');
    expect(r0.ops[0]!.outcome).toBe('ok');
    expect(h0!.rounds[1]!.changed).toBe(false);
    expect(h0!.endReason).toBe('noChange');
    expect(ex.nodes.map((n) => n.id)).toEqual(['n0']);
    // origin: earliest start floored to the second; times exact ns
    expect(recording.originUnixNano).toBe('1714728481000000000');
    expect(h0!.start).toBe(256_000_000);
    expect(r0.ops[0]!.start).toBe(266_240_000);
    expect(r0.ops[0]!.end).toBe(286_720_000);
    // span times are exact: no bounds (absent = exact)
    expect('startLo' in r0.ops[0]! || 'endHi' in r0.ops[0]! || 'startLo' in h0! || 'endHi' in r0).toBe(false);
    // unknown and orphan spans are counted, never fatal; known plumbing spans are not "skipped"
    expect(recording.lines.skipped).toEqual({});
    expect(recording.lines.spans?.skipped).toEqual({ unknownSpan: 1, orphanSpan: 1 });
    expect(stats.spans.ignored).toBe(6);
    // Line counts add up on their own; span counts are apart from them.
    expect(recording.lines.used + Object.values(recording.lines.skipped).reduce((a, b) => a + b, 0)).toBe(recording.lines.read);
    const sp = recording.lines.spans!;
    expect(sp.used + sp.ignored + Object.values(sp.skipped).reduce((a, b) => a + b, 0)).toBe(sp.read);
  });

  it('accepts base64 ids, numeric nanos, string kinds and string intValues alike', () => {
    const a = readOtlpText(hexText).recording;
    const b = readOtlpText(JSON.stringify(otlpDoc(propellerSpans(), 'b64'))).recording;
    expect(b).toStrictEqual(a);
  });

  it('reads JSONL split in several documents, a pretty-printed document, and gzip files the same', async () => {
    const spans = propellerSpans();
    const single = readOtlpText(hexText).recording;
    const jsonl = [spans.slice(0, 5), spans.slice(5, 11), spans.slice(11)].map((p) => JSON.stringify(otlpDoc(p, 'hex'))).join('\n');
    expect(readOtlpText(jsonl).recording.executions).toStrictEqual(single.executions);
    const pretty = JSON.stringify(otlpDoc(spans, 'b64'), null, 2);
    expect(readOtlpText(pretty).recording.executions).toStrictEqual(single.executions);
    const dir = mkdtempSync(join(tmpdir(), 'otlp-'));
    writeFileSync(join(dir, 't.jsonl.gz'), gzipSync(jsonl));
    const fromFile = await readOtlpFile(join(dir, 't.jsonl.gz'));
    expect(fromFile.recording.executions).toStrictEqual(single.executions);
    expect(fromFile.stats.documents).toBe(3);
  });

  it('counts malformed lines with their line numbers and keeps the rest', () => {
    const spans = propellerSpans();
    const lines = [JSON.stringify(otlpDoc(spans.slice(0, 8), 'hex')), '{"resourceSpans":[{"truncat', '', 'not json at all', JSON.stringify(otlpDoc(spans.slice(8), 'hex'))];
    const { recording, stats } = readOtlpText(lines.join('\n'));
    expect(stats.malformed).toBe(2);
    expect(stats.badLines).toEqual([2, 4]);
    expect(recording.lines.skipped.malformedJson).toBe(2);
    expect(recording.lines.read).toBe(5);
    expect(recording.lines.used).toBe(2);
    expect(recording.executions[0]!.handles[0]!.rounds[0]!.ops).toHaveLength(4);
  });

  it('reads a file whose first line is truncated', () => {
    const spans = propellerSpans();
    const text = ['{"resourceSpans":[{"resource":{', JSON.stringify(otlpDoc(spans, 'hex'))].join('\n');
    const { recording, stats } = readOtlpText(text);
    expect(stats.badLines).toEqual([1]);
    expect(recording.executions[0]!.handles).toHaveLength(2);
  });

  it('says clearly when the input is not OTLP at all', () => {
    const logs = '{"json":{"exec_id":"x"},"level":"info","msg":"Processing Workflow.","ts":"2024-01-01T00:00:00Z"}\n';
    const r = readOtlpText(logs.repeat(3));
    expect(r.stats.notOtlp).toBe(true);
    expect(r.recording.executions).toEqual([]);
    expect(r.recording.lines.skipped.notOtlp).toBe(3);
    const garbage = readOtlpText('hello\nworld\n');
    expect(garbage.stats.notOtlp).toBe(true);
    expect(garbage.stats.malformed).toBeGreaterThan(0);
  });

  it('filters one execution exactly', () => {
    const rec = sampleRecording();
    const text = [...otlpDocuments(rec)].join('\n');
    const only = readOtlpText(text, { exec: 'a4f8dxddvnfrfs6jr9nx' }).recording;
    expect(only.executions.map((e) => e.id)).toEqual(['a4f8dxddvnfrfs6jr9nx']);
    expect(only.lines.spans?.skipped.filtered).toBeGreaterThan(0);
    expect(readOtlpText(text, { exec: 'a4f8dx' }).recording.executions).toEqual([]);
  });
});

describe('propeller otel file exporter (Go stdouttrace)', () => {
  it('reads concatenated pretty-printed span objects', () => {
    const span = (name: string, id: string, parent: string, start: string, end: string, attrs: [string, string][]): string =>
      JSON.stringify(
        {
          Name: name,
          SpanContext: { TraceID: '0af7651916cd43dd8448eb211c80319c', SpanID: id, TraceFlags: '01', TraceState: '', Remote: false },
          Parent: { TraceID: parent === '' ? '00000000000000000000000000000000' : '0af7651916cd43dd8448eb211c80319c', SpanID: parent || '0000000000000000', TraceFlags: '00', TraceState: '', Remote: false },
          SpanKind: 1,
          StartTime: start,
          EndTime: end,
          Attributes: attrs.map(([k, v]) => ({ Key: k, Value: { Type: 'STRING', Value: v } })),
          Events: null,
          Links: null,
          Status: { Code: 'Unset', Description: '' },
          Resource: [{ Key: 'service.name', Value: { Type: 'STRING', Value: 'flytepropeller' } }],
        },
        null,
        '\t',
      );
    const base: [string, string][] = [['exec_id', 'e1'], ['ns', 'p-d'], ['routine', 'worker-0']];
    const text = [
      span('pkg.controller.Propeller/streak', 'b7ad6b7169203331', '00f067aa0ba902b7', '2024-05-17T22:55:03.134443862Z', '2024-05-17T22:55:03.2Z', base),
      span('WorkflowStore.Update', 'c7ad6b7169203331', 'b7ad6b7169203331', '2024-05-17T22:55:03.15Z', '2024-05-17T22:55:03.19Z', base),
      span('pkg.controller.Propeller/Handle', '00f067aa0ba902b7', '', '2024-05-17T22:55:03.1Z', '2024-05-17T22:55:03.3Z', base),
    ].join('\n');
    expect(looksLikeOtlp(text.slice(0, 200))).toBe(true);
    const { recording, stats } = readOtlpText(text);
    expect(stats.documents).toBe(3);
    const h = recording.executions[0]!.handles[0]!;
    expect(h.worker).toBe('worker-0');
    expect(h.rounds[0]!.start).toBe(134_443_862);
    expect(h.rounds[0]!.ops.map((o) => [o.kind, o.outcome])).toEqual([['etcdUpdate', 'ok']]);
    expect(h.rounds[0]!.changed).toBe(true);
  });
});

describe('looksLikeOtlp', () => {
  it('routes OTLP documents and not logs', () => {
    expect(looksLikeOtlp('{"resourceSpans":[{"resource":')).toBe(true);
    expect(looksLikeOtlp('\uFEFF  {\n  "resourceSpans": [')).toBe(true);
    expect(looksLikeOtlp('{"resource_spans":[]}')).toBe(true);
    expect(looksLikeOtlp('{"json":{"src":"x"},"level":"info","msg":"resourceSpans","ts":"2024-01-01T00:00:00Z"}')).toBe(false);
    expect(looksLikeOtlp('{"data":[{"traceID":"abc"}]}')).toBe(false);
    expect(looksLikeOtlp('2024-05-17T22:55:03.134443862Z stderr F {"resourceSpans":[]}')).toBe(false);
    expect(looksLikeOtlp('')).toBe(false);
  });
});
