/** OTLP inputs account for every physical line: read = used + skipped, whatever the layout. */
import { describe, expect, it } from 'vitest';
import { readOtlpText } from '../../src/ingest/otlp.js';
import type { LineStats } from '../../src/timeline/types.js';

const span = (id: string, parent: string, name: string, s: number, e: number): object => ({
  traceId: '0000000000000000000000000000000a',
  spanId: id,
  parentSpanId: parent,
  name,
  startTimeUnixNano: String(1_714_728_481_000_000_000n + BigInt(s)),
  endTimeUnixNano: String(1_714_728_481_000_000_000n + BigInt(e)),
  attributes: [
    { key: 'exec_id', value: { stringValue: 'abc123' } },
    { key: 'routine', value: { stringValue: 'worker-7' } },
  ],
});
const doc = (spans: object[]): object => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'x' }, spans }] }] });
const handle = span('0000000000000001', '', 'pkg.controller.Propeller/Handle', 0, 200_000_000);
const streak = span('0000000000000002', '0000000000000001', 'pkg.controller.Propeller/streak', 1_000_000, 150_000_000);

function adds(l: LineStats): boolean {
  return l.used + Object.values(l.skipped).reduce((a, b) => a + b, 0) === l.read;
}

describe('OTLP line accounting', () => {
  it('a pretty-printed document: all its lines are used', () => {
    const text = JSON.stringify(doc([handle, streak]), null, 2);
    const l = readOtlpText(text).recording.lines;
    expect(l.read).toBe(text.split('\n').length);
    expect(l.used).toBe(l.read);
    expect(adds(l)).toBe(true);
  });

  it('JSONL with blank lines, malformed lines, a document without spans and a non-trace object', () => {
    const lines = [JSON.stringify(doc([handle])), '', '{"resourceSpans":[{"trunc', JSON.stringify(doc([])), '{"hello":1}', '   ', JSON.stringify(doc([streak]))];
    const l = readOtlpText(lines.join('\n')).recording.lines;
    expect(l.read).toBe(7);
    expect(l.used).toBe(2);
    expect(l.skipped).toEqual({ empty: 2, malformedJson: 1, noSpans: 1, notOtlp: 1 });
    expect(adds(l)).toBe(true);
  });

  it('concatenated pretty-printed objects with blank lines between them', () => {
    const text = [JSON.stringify(doc([handle]), null, 2), '', JSON.stringify(doc([streak]), null, 2), ''].join('\n');
    const l = readOtlpText(text).recording.lines;
    expect(adds(l)).toBe(true);
    expect(l.skipped).toEqual({ empty: 2 });
  });
});
