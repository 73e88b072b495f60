/** JSON arrays of log entries (`gcloud logging read --format=json`) rewritten to one entry per line. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { rewritten } from '../../src/ingest/input-bytes.js';
import { JsonArrayLines, startsAsJsonArray } from '../../src/ingest/json-array.js';

const b = (s: string) => Buffer.from(s, 'utf8');

/** A whole JSON array (or the head of one) as lines. */
function jsonArrayText(bytes: Uint8Array): Buffer {
  const t = new JsonArrayLines();
  return Buffer.concat([t.push(bytes), t.end()]);
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated, within range). */
function pieces(bytes: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

async function* stream(parts: Buffer[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield p;
}

async function rewrite(parts: Buffer[]): Promise<{ lines: string[]; starts: number[] }> {
  const starts: number[] = [];
  const out: Buffer[] = [];
  for await (const c of rewritten(stream(parts), new JsonArrayLines((l) => starts.push(l)))) out.push(c);
  const text = Buffer.concat(out).toString('utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return { lines: text === '' ? [] : text.slice(0, -1).split('\n'), starts };
}

describe('startsAsJsonArray', () => {
  it.each([
    ['[\n  {\n    "insertId": "a"', true],
    ['\uFEFF[{"a":1}]', true],
    ['  [ ]', true],
    ['[', true],
    ['[2024-05-17 22:55:03] info Processing Workflow.', false],
    ['[INFO] started', false],
    ['{"json":{},"level":"info"}', false],
    ['', false],
  ])('%j → %s', (head, expected) => {
    expect(startsAsJsonArray(b(head))).toBe(expected);
  });
});

describe('JsonArrayLines', () => {
  const entry = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 6 }),
    fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 8 }), { maxKeys: 3 })),
    { maxKeys: 5 },
  );

  test.prop([fc.array(entry, { maxLength: 8 }), fc.constantFrom(0, 2, 4), fc.array(fc.nat(), { maxLength: 6 })])(
    'each element becomes one line that parses to it, wherever the chunks are cut; the start lines are the elements\' lines',
    async (entries, indent, cuts) => {
      const text = JSON.stringify(entries, null, indent) + '\n';
      const { lines, starts } = await rewrite(pieces(b(text), cuts));
      expect(lines.map((l) => JSON.parse(l))).toEqual(entries);
      // pretty-printed, element k starts on line 2 + the lines of the elements before it
      let line = indent > 0 ? 2 : 1;
      const expected = entries.map((e) => {
        const at = line;
        if (indent > 0) line += JSON.stringify(e, null, indent).split('\n').length;
        return at;
      });
      expect(starts).toEqual(expected);
    },
  );

  it('keeps white space and brackets inside strings, drops it between tokens', () => {
    const text = '[\n  {\n    "msg": "a [b] {c}, \\"d\\" e",\n    "n": [1, 2]\n  },\n  {"x": "]"}\n]\n';
    expect(jsonArrayText(b(text)).toString()).toBe('{"msg":"a [b] {c}, \\"d\\" e","n":[1,2]}\n{"x":"]"}\n');
  });

  it('reads arrays one after another as one, and scalar elements as lines', () => {
    expect(jsonArrayText(b('[{"a":1}]\n[{"a":2}, "s", 3]')).toString()).toBe('{"a":1}\n{"a":2}\n"s"\n3\n');
  });

  it('keeps text outside the arrays as lines of its own (for the reader to count), and ends a cut-off element', () => {
    const starts: number[] = [];
    const t = new JsonArrayLines((l) => starts.push(l));
    const out = Buffer.concat([t.push(b('Listed 0 items.\n[\n {"a":1},\n {"b":')), t.end()]).toString();
    expect(out).toBe('Listed 0 items.\n{"a":1}\n{"b":\n');
    expect(starts).toEqual([1, 3, 4]);
  });

  it('skips a UTF-8 byte-order mark, also when it arrives split over chunks or after an empty one', async () => {
    expect(jsonArrayText(b('\uFEFF[{"a":1}]')).toString()).toBe('{"a":1}\n');
    const text = b('\uFEFF[{"a":1},\n{"b":2}]');
    for (const cut of [1, 2, 3]) {
      const { lines } = await rewrite([Buffer.alloc(0), text.subarray(0, cut), text.subarray(cut)]);
      expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    }
  });
});
