import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { RECORD_FIELD } from './util.js';

const CTX_KEYS = ['exec_id', 'node', 'ns', 'res_ver', 'routine', 'tasktype', 'wf'] as const;
const LEVELS: Record<string, string> = { debug: 'debug', info: 'info', warning: 'warning', error: 'error', fatal: 'fatal', panic: 'panic' };
const GCP: Record<string, string> = { debug: 'DEBUG', info: 'INFO', warning: 'WARNING', error: 'ERROR', fatal: 'CRITICAL', panic: 'ALERT' };

/** Go's encoder with HTML escaping on (GCP always, flytestdlib JSON before 2024). */
function htmlEscape(json: string): string {
  return json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const anyChar = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const text = fc.string({
  unit: fc.oneof(fc.constantFrom('"', '\\', '<', '>', '&', '/', '\n', '\t', '\u0001', 'é', '😀', '\u2028', ' ', ':', ','), anyChar, fc.constantFrom('a', 'b', '0')),
});

const entry = fc.record({
  ctx: fc.dictionary(fc.oneof(fc.constantFrom(...CTX_KEYS), fc.constantFrom('src', 'app_name', 'x-request-id', 'lp', 'phase')), text),
  level: fc.constantFrom(...Object.keys(LEVELS)),
  msg: text,
  sec: fc.integer({ min: 0, max: 4102444800 }),
  html: fc.boolean(),
  gcp: fc.boolean(),
});

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19) + 'Z';
}

type Entry = { ctx: Record<string, string>; level: string; msg: string; sec: number; html: boolean; gcp: boolean };

function encode(e: Entry): string {
  const ctx = Object.fromEntries(Object.entries(e.ctx).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const obj = e.gcp
    ? { ...(Object.keys(ctx).length ? { data: ctx } : {}), message: e.msg, severity: GCP[e.level], timestamp: iso(e.sec) }
    : { json: ctx, level: e.level, msg: e.msg, ts: iso(e.sec) };
  const json = JSON.stringify(obj);
  return e.gcp || e.html ? htmlEscape(json) : json;
}

describe('JSON fast paths agree with JSON.parse', () => {
  test.prop([entry], { numRuns: 400 })('any field values, either layout, with or without HTML escaping', (e) => {
    const line = encode(e);
    const rec = decodeLine(line);
    expect(typeof rec).toBe('object');
    const r = rec as LogRecord;
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(r.msg).toBe(e.msg);
    expect(r.msg).toBe((parsed.msg ?? parsed.message) as string);
    expect(r.level).toBe(LEVELS[e.level]);
    expect(r.sec).toBe(e.sec);
    expect(r.resNs).toBe(1e9);
    for (const k of CTX_KEYS) {
      const v = (e.ctx as Record<string, string>)[k];
      expect(r[RECORD_FIELD[k] as keyof LogRecord]).toBe(v === undefined || v === '' ? undefined : v);
    }
  });

  test.prop([entry, fc.nat()], { numRuns: 300 })('a truncated JSON line is counted as truncated', (e, n) => {
    const line = encode(e);
    const cut = 1 + (n % (line.length - 1));
    const r = decodeLine(line.slice(0, cut));
    expect(r).toBe('truncated');
  });

  test.prop([fc.string({ unit: fc.constantFrom('{', '}', '"', ':', ',', '\\', 'u', '0', 'a', 'json', 'msg', 'level', 'ts', '[', ']', ' ') })], {
    numRuns: 500,
  })('JSON-ish garbage never throws and agrees with JSON.parse on validity', (s) => {
    const r = decodeLine(`{${s}`);
    let valid = true;
    try {
      JSON.parse(`{${s}`);
    } catch {
      valid = false;
    }
    if (!valid) expect(['truncated', 'notJson']).toContain(r);
  });

  it('decodes the old HTML-escaped arrows to the same text', () => {
    const a = decodeLine('{"json":{"exec_id":"e"},"level":"info","msg":"from [A] -\\u003e [B], ==\\u003e x","ts":"2024-05-17T22:55:03Z"}');
    expect((a as LogRecord).msg).toBe('from [A] -> [B], ==> x');
  });

  it('keeps escaped context values (generic path)', () => {
    const a = decodeLine('{"json":{"exec_id":"e\\u0031","wf":"a\\"b"},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}');
    expect(a).toMatchObject({ execId: 'e1', wf: 'a"b' });
  });

  it('duplicate keys: the last one wins, as in JSON.parse', () => {
    const a = decodeLine('{"json":{"exec_id":"a","exec_id":"b"},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}');
    expect(a).toMatchObject({ execId: 'b' });
  });

  it('rejects raw control characters like JSON.parse', () => {
    expect(decodeLine('{"json":{},"level":"info","msg":"a\u0001b","ts":"2024-05-17T22:55:03Z"}')).toBe('notJson');
  });
});
