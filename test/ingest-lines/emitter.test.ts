import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { encodeGcp, encodeJson, encodeText, jsonFields, textFields, type LevelName } from '../../src/export/log-format.js';
import { RECORD_FIELD } from './util.js';

// The reader must read back whatever the project's own log emitter writes, in every layout.
const anyChar = fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
const text = fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '<', '>', '&', ' ', '=', '\n', '\t', '\u0001', '\u007f', 'é', '\u2028'), anyChar, fc.constantFrom('a', 'Z', '-', '/')) });

describe('records from the project log emitter', () => {
  test.prop(
    [
      fc.dictionary(fc.constantFrom('exec_id', 'node', 'ns', 'res_ver', 'routine', 'tasktype', 'wf', 'src'), text),
      text,
      fc.constantFrom<LevelName>('debug', 'info', 'warning', 'error', 'fatal', 'panic'),
      fc.integer({ min: 0, max: 4102444800 }),
      fc.constantFrom('json', 'json-html', 'gcp', 'text'),
    ],
    { numRuns: 400 },
  )('json, gcp and text lines decode to the fields and message written', (fields, msg, level, sec, layout) => {
    const ts = new Date(sec * 1000).toISOString().slice(0, 19) + 'Z';
    const line =
      layout === 'text'
        ? encodeText(level, msg, textFields(fields), ts)
        : layout === 'gcp'
          ? encodeGcp(level, msg, jsonFields(fields, true), ts)
          : encodeJson(level, msg, jsonFields(fields, layout === 'json-html'), ts, layout === 'json-html');
    const rec = decodeLine(line);
    expect(typeof rec).toBe('object');
    const r = rec as LogRecord;
    expect(r.msg).toBe(msg);
    expect(r.level).toBe(level);
    expect(r.sec).toBe(sec);
    for (const [k, f] of Object.entries(RECORD_FIELD)) {
      const v = fields[k];
      expect(r[f]).toBe(v === undefined || v === '' ? undefined : v);
    }
  });
});
