import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ByteStrings, viewOf } from '../../src/ingest/byte-strings.js';
import { decodeLine, newDecodeState } from '../../src/ingest/decode.js';
import { newRecord } from '../../src/ingest/fields.js';
import { decodeStdlibBytes } from '../../src/ingest/json-bytes.js';
import type { LogRecord } from '../../src/ingest/record.js';

const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });

/** `text` in the middle of a buffer (offsets other than 0 exercise the table's ranges). */
function placed(text: string): { buf: Buffer; dv: DataView; s: number; e: number } {
  const buf = Buffer.from(`<<${text}>>`, 'latin1');
  return { buf, dv: viewOf(buf), s: 2, e: 2 + text.length };
}

describe('ByteStrings', () => {
  test.prop([fc.array(ascii, { minLength: 1, maxLength: 60 })])('intern gives the bytes as a string, kept or new', (texts) => {
    const table = new ByteStrings(8, 32);
    for (const t of [...texts, ...texts]) {
      const { buf, dv, s, e } = placed(t);
      expect(table.intern(buf, dv, s, e)).toBe(t);
      // what intern kept is found again (values wider than the table are not kept)
      expect(table.find(dv, s, e)).toBe(t.length <= 32 ? t : '');
    }
  });

  test.prop([fc.array(ascii, { minLength: 1, maxLength: 40 }), ascii])('find returns what was kept for exactly these bytes, else nothing', (kept, probe) => {
    const table = new ByteStrings(16, 48);
    const stored = new Map<string, string>();
    for (const t of kept) {
      const { dv, s, e } = placed(t);
      table.keep(dv, s, e, `value of ${t}`);
      if (t.length <= 48) stored.set(t, `value of ${t}`);
    }
    for (const t of [...kept, probe]) {
      const { dv, s, e } = placed(t);
      const found = table.find(dv, s, e);
      // a slot may have been taken by a later value: then nothing, never another value's string
      if (found !== '') expect(found).toBe(stored.get(t));
    }
  });

  it('keeps the latest value of a slot and leaves values wider than the table out', () => {
    const table = new ByteStrings(1, 8);
    const a = placed('abc');
    const b = placed('abd');
    table.keep(a.dv, a.s, a.e, 'A');
    expect(table.find(a.dv, a.s, a.e)).toBe('A');
    table.keep(b.dv, b.s, b.e, 'B');
    expect(table.find(a.dv, a.s, a.e)).toBe('');
    expect(table.find(b.dv, b.s, b.e)).toBe('B');
    const wide = placed('0123456789');
    table.keep(wide.dv, wide.s, wide.e, 'W');
    expect(table.find(wide.dv, wide.s, wide.e)).toBe('');
    expect(table.intern(wide.buf, wide.dv, wide.s, wide.e)).toBe('0123456789');
  });
});

/** Messages with escapes, as Go writes them (quotes, backslashes, HTML-escaped arrows). */
const escapedMessage = fc
  .array(fc.oneof(ascii, fc.constantFrom('"', '\\', '->', '==>', '\n', '\t', '<&>')), { maxLength: 12 })
  .map((parts) => parts.join(''));

const FIELDS = ['msg', 'level', 'sec', 'nsec', 'resNs', 'execId', 'node', 'ns', 'resVer', 'routine', 'tasktype', 'wf'] as const;

function fieldsOf(r: LogRecord): Record<string, unknown> {
  return Object.fromEntries(FIELDS.map((k) => [k, r[k]]));
}

describe('byte decoder with its tables warm', () => {
  test.prop([fc.array(fc.record({ msg: escapedMessage, rv: fc.constantFrom('', '1', '799434887', '12345678901234567890'), html: fc.boolean() }), { minLength: 1, maxLength: 20 })], {
    numRuns: 200,
  })('a repeated line (message and resource version from the tables) decodes as the text decoder decodes it', (entries) => {
    const st = newDecodeState(2024);
    const lines = entries.map(({ msg, rv, html }) => {
      const ctx = rv === '' ? { exec_id: 'e1', routine: 'worker-1' } : { exec_id: 'e1', res_ver: rv, routine: 'worker-1' };
      const body = JSON.stringify({ json: ctx, level: 'info', msg, ts: '2024-05-17T22:55:03Z' });
      return html ? body.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026') : body;
    });
    // twice over, interleaved: the second pass finds messages and versions in the tables
    for (const line of [...lines, ...lines]) {
      const buf = Buffer.from(line, 'latin1');
      const rec = newRecord('-', 1);
      const text = decodeLine(line, { state: newDecodeState(2024) });
      const decoded = decodeStdlibBytes(buf, 0, buf.length, rec, st);
      // The byte decoder may leave a line with characters beyond ASCII to the text decoder, never a plain one.
      if (/^[\x00-\x7f]*$/.test(line)) expect(decoded).toBe(true);
      if (!decoded) continue;
      expect(typeof text).toBe('object');
      expect(fieldsOf(rec)).toEqual(fieldsOf(text as LogRecord));
    }
  });

  it('finds an escaped message of a long line in its table', () => {
    const msg = 'Handling Workflow [abc], id: [project:"flytesnacks" domain:"development" name:"abc"], p [Running]';
    const line = JSON.stringify({ json: { exec_id: 'abc', res_ver: '42' }, level: 'info', msg, ts: '2024-05-17T22:55:03Z' });
    const st = newDecodeState(2024);
    const decode = (): LogRecord => {
      const rec = newRecord('-', 1);
      const buf = Buffer.from(line, 'latin1');
      expect(decodeStdlibBytes(buf, 0, buf.length, rec, st)).toBe(true);
      return rec;
    };
    const a = decode();
    const b = decode();
    expect(a.msg).toBe(msg);
    expect(b.msg).toBe(msg);
    expect(b.resVer).toBe('42');
  });
});
