import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeLine, newDecodeState } from '../../src/ingest/decode.js';
import { newRecord } from '../../src/ingest/fields.js';
import { decodeStdlibBytes } from '../../src/ingest/json-bytes.js';
import { LineReader } from '../../src/ingest/lines.js';
import type { LogRecord } from '../../src/ingest/record.js';

const CTX_KEYS = ['exec_id', 'node', 'ns', 'res_ver', 'routine', 'tasktype', 'wf'] as const;
const FIELDS = ['msg', 'level', 'sec', 'nsec', 'resNs', 'execId', 'node', 'ns', 'resVer', 'routine', 'tasktype', 'wf', 'replica', 'kind'] as const;

/** The byte decoder on one line: the record, or undefined when it leaves the line to the text decoder. */
function viaBytes(line: string): LogRecord | undefined {
  const rec = newRecord('-', 1);
  const buf = Buffer.from(line, 'latin1');
  return decodeStdlibBytes(buf, 0, buf.length, rec, newDecodeState(2024)) ? rec : undefined;
}

function fieldsOf(r: LogRecord): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((k) => [k, r[k]]));
}

/** Printable ASCII plus the characters JSON must escape (the byte decoder reads ASCII chunks only). */
const asciiText = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', '\\', '<', '>', '&', '/', '\n', '\t', '\r', '\u0001', '\u007f', ' ', ':', ',', '{', '}'),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  ),
});

const entry = fc.record({
  // besides the context keys: other keys, and near misses of the keys matched as literals
  ctx: fc.dictionary(fc.oneof(fc.constantFrom(...CTX_KEYS), fc.constantFrom('src', 'lp', '', 'x y', 'exec_idx', 'nodes', 'n', 'nsx', 'res_verb', 'routin', 'sr', 'srcs', 'tasktyp', 'w', 'wfx')), asciiText),
  level: fc.constantFrom('debug', 'info', 'warning', 'error', 'fatal', 'panic', 'WARN', 'Info_2'),
  msg: asciiText,
  ts: fc.oneof(
    fc.integer({ min: 0, max: 4102444800 }).map((s) => new Date(s * 1000).toISOString().slice(0, 19) + 'Z'),
    fc.constantFrom('2024-05-17T22:55:03.5Z', '2024-05-17T22:55:03+02:00', 'yesterday', ''),
  ),
  json: fc.boolean(),
  html: fc.boolean(),
  sorted: fc.boolean(),
});

type Entry = { ctx: Record<string, string>; level: string; msg: string; ts: string; json: boolean; html: boolean; sorted: boolean };

/** Go's encoder layout (keys sorted unless told otherwise), optionally HTML-escaped. */
function encode(e: Entry): string {
  const pairs = Object.entries(e.ctx);
  if (e.sorted) pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const body = JSON.stringify({ ...(e.json ? { json: Object.fromEntries(pairs) } : {}), level: e.level, msg: e.msg, ts: e.ts });
  return e.html ? body.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026') : body;
}

describe('byte decoder of canonical flytestdlib JSON lines', () => {
  test.prop([entry], { numRuns: 500 })('agrees with the text decoder (and JSON.parse) on every line it accepts', (e) => {
    const line = encode(e);
    const b = viaBytes(line);
    const t = decodeLine(line, { state: newDecodeState(2024) });
    if (b === undefined) return;
    expect(typeof t).toBe('object');
    expect(fieldsOf(b)).toEqual(fieldsOf(t as LogRecord));
    const parsed = JSON.parse(line) as { msg: string; json?: Record<string, string> };
    expect(b.msg).toBe(parsed.msg);
    if (parsed.json?.exec_id) expect(b.execId).toBe(parsed.json.exec_id);
  });

  test.prop([entry], { numRuns: 300 })('accepts the canonical layout of plain values', (e) => {
    const plain = (s: string) => s.replace(/["\\<>&\u0000-\u001f]/g, '');
    const clean: Entry = {
      ...e,
      ctx: Object.fromEntries(Object.entries(e.ctx).map(([k, v]) => [k, plain(v)])),
      ts: '2024-05-17T22:55:03Z',
      sorted: true,
    };
    const b = viaBytes(encode(clean));
    expect(b).toBeDefined();
    expect(b?.sec).toBe(Date.UTC(2024, 4, 17, 22, 55, 3) / 1000);
  });

  test.prop([entry, fc.nat()], { numRuns: 300 })('a truncated line never throws and is left to the text decoder', (e, n) => {
    const line = encode(e);
    const cut = n % line.length;
    expect(viaBytes(line.slice(0, cut))).toBeUndefined();
  });

  test.prop([fc.string({ unit: fc.constantFrom('{', '}', '"', ':', ',', '\\', 'u', '0', 'json', 'msg', 'level', 'ts', 'exec_id', ' ', '\r') })], {
    numRuns: 500,
  })('JSON-ish garbage never throws; what it accepts is valid JSON', (s) => {
    const line = `{${s}`;
    const b = viaBytes(line);
    if (b !== undefined) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('decodes escapes into one flat message and shares repeated context values', () => {
    const line = '{"json":{"exec_id":"abc","ns":"n","routine":"worker-1","src":"x.go:1"},"level":"info","msg":"Handling Workflow [abc], id: [project:\\"p\\" name:\\"abc\\"], p [Ready] -\\u003e","ts":"2024-05-17T22:55:03Z"}';
    const a = viaBytes(line);
    const b = viaBytes(line);
    expect(a?.msg).toBe('Handling Workflow [abc], id: [project:"p" name:"abc"], p [Ready] ->');
    expect(a).toMatchObject({ execId: 'abc', ns: 'n', routine: 'worker-1', level: 'info' });
    expect(b?.routine).toBe(a?.routine);
  });

  it('leaves other layouts and skips to the text decoder', () => {
    for (const line of [
      '{"json":{"routine":"w","ns":"n"},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}', // unsorted context keys
      '{"json":{"exec_id":"a","exec_id":"b"},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}', // duplicate
      '{"json":{"exec_id":"e\\u0031"},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}', // escaped context value
      '{"level":"info","msg":"caf\\u00e9","ts":"2024-05-17T22:55:03Z"}', // escape beyond ASCII
      '{"level":"info","msg":"m","ts":""}', // no timestamp: a skip
      '{"level":"info","msg":"a\tb","ts":"2024-05-17T22:55:03Z"}', // raw control character
      '{"json":{},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"} x', // trailing text
      '{"message":"m","severity":"INFO","timestamp":"2024-05-17T22:55:03Z"}', // GCP
      '{"json":{"n":1},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}', // a number
    ]) {
      expect(viaBytes(line), line).toBeUndefined();
    }
    expect(viaBytes('{"json":{},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"} \t\r')).toBeDefined();
  });
});

describe('context values against the previous line', () => {
  // Values a line may share with the line before, or extend, shorten or change by one byte: the
  // decoder matches a repeat of the previous value without scanning it, and must never mistake
  // a neighbour for it.
  const value = fc.constantFrom('n0', 'n0-1', 'n', 'n1', 'end-node', 'worker-1', 'worker-12', 'worker-2', 'abcd', 'abce', 'abcdabcd', 'a"b', 'a\\b', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(64) + 'y');
  const row = fc.record({ exec_id: value, node: value, ns: value, routine: value, wf: value }, { requiredKeys: [] });

  test.prop([fc.array(row, { minLength: 1, maxLength: 30 })], { numRuns: 200 })('every line reads its own values, as the text decoder does', (rows) => {
    const state = newDecodeState(2024);
    for (const ctx of rows) {
      const line = JSON.stringify({ json: ctx, level: 'info', msg: 'm', ts: '2024-05-17T22:55:03Z' });
      const buf = Buffer.from(line, 'latin1');
      const rec = newRecord('-', 1);
      const ok = decodeStdlibBytes(buf, 0, buf.length, rec, state);
      const t = decodeLine(line, { state: newDecodeState(2024) });
      if (ok) expect(fieldsOf(rec)).toEqual(fieldsOf(t as LogRecord));
      else expect(Object.values(ctx).some((v) => v.includes('"') || v.includes('\\'))).toBe(true);
    }
  });
});

describe('messages against the ones met before', () => {
  // A message met before is matched by its bytes where the timestamp puts its end: neighbours
  // (one byte longer or shorter, the same tail, a quote or escape inside) must never pass for it.
  const msg = fc.constantFrom('Processing Workflow.', 'Processing Workflow!', 'Processing Workflow.x', 'rocessing Workflow.', 'Handling Node [n0]', 'Handling Node [n1]', 'Completed node [n0]', 'a"b', 'a\\b', 'tab\there', 'x'.repeat(128), 'x'.repeat(129), 'y' + 'x'.repeat(127), '', 'm');
  const ts = fc.constantFrom('2024-05-17T22:55:03Z', '2024-05-17T22:55:04Z', '2024-05-17T22:55:03.5Z', '2024-05-17T22:55:03+02:00');
  const tail = fc.constantFrom('', ' ', '\t', '  ');

  test.prop([fc.array(fc.tuple(msg, ts, tail), { minLength: 1, maxLength: 40 })], { numRuns: 200 })('every line reads its own message, as the text decoder does', (rows) => {
    const state = newDecodeState(2024);
    for (const [m, t, after] of rows) {
      const line = JSON.stringify({ json: { exec_id: 'e1' }, level: 'info', msg: m, ts: t }) + after;
      const buf = Buffer.from(line, 'latin1');
      const rec = newRecord('-', 1);
      const ok = decodeStdlibBytes(buf, 0, buf.length, rec, state);
      const d = decodeLine(line, { state: newDecodeState(2024) });
      expect(ok).toBe(typeof d === 'object');
      if (ok) expect(fieldsOf(rec)).toEqual(fieldsOf(d as LogRecord));
    }
  });
});

describe('line reader with and without the byte decoder', () => {
  const lineArb = fc.oneof(
    entry.map(encode),
    fc.constantFrom('', '   ', 'not json', '{"json":{', 'I0517 22:55:03.134443       1 controller.go:1] x', '2024-05-17T22:55:03.1Z stdout F {"level":"info","msg":"m","ts":"x"}'),
  );

  function readAll(lines: string[], byteDecoding: boolean, chunk: number) {
    const r = new LineReader('-', { byteDecoding, fallbackYear: 2024 });
    const bytes = Buffer.from(lines.join('\n'), 'utf8');
    const out: LogRecord[] = [];
    for (let off = 0; off < bytes.length; off += chunk) {
      r.push(bytes.subarray(off, off + chunk));
      out.push(...r.take());
    }
    r.end();
    out.push(...r.take());
    return { records: out.map((x) => ({ ...x })), stats: r.stats };
  }

  test.prop([fc.array(lineArb, { maxLength: 40 }), fc.integer({ min: 1, max: 200 })], { numRuns: 200 })(
    'same records, estimates and line counts',
    (lines, chunk) => {
      const a = readAll(lines, true, chunk);
      const b = readAll(lines, false, chunk);
      expect(a.records).toEqual(b.records);
      expect(a.stats).toEqual(b.stats);
    },
  );
});
