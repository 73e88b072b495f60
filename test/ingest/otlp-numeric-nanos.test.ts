/** OTLP/JSON with `*UnixNano` written as JSON numbers: epoch nanoseconds beyond 2^53 are read exactly. */
import { describe, expect, it } from 'vitest';
import { readOtlpText } from '../../src/ingest/otlp.js';

const T0 = 1_714_728_481_250_000_001n; // odd: no double holds it

function doc(nanos: (t: bigint) => string): string {
  const attrs = [
    { key: 'exec_id', value: { stringValue: 'abc123' } },
    { key: 'ns', value: { stringValue: 'flytesnacks-development' } },
    { key: 'routine', value: { stringValue: 'worker-7' } },
  ];
  const span = (id: string, parent: string, name: string, s: bigint, e: bigint): string =>
    `{"traceId":"0000000000000000000000000000000a","spanId":"${id}","parentSpanId":"${parent}","name":"${name}",` +
    `"kind":1,"startTimeUnixNano":${nanos(s)},"endTimeUnixNano":${nanos(e)},"attributes":${JSON.stringify(attrs)}}`;
  const spans = [
    span('0000000000000001', '', 'pkg.controller.Propeller/Handle', T0, T0 + 200_000_003n),
    span('0000000000000002', '0000000000000001', 'pkg.controller.Propeller/streak', T0 + 1_000_005n, T0 + 150_000_007n),
  ];
  return `{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"scope":{"name":"x"},"spans":[${spans.join(',')}]}]}]}`;
}

describe('numeric *UnixNano', () => {
  it('reads the same instants as decimal strings do', () => {
    const asStrings = readOtlpText(doc((t) => `"${t}"`)).recording;
    const asNumbers = readOtlpText(doc((t) => `${t}`)).recording;
    const asSpacedNumbers = readOtlpText(doc((t) => ` ${t} `)).recording;
    const h = asStrings.executions[0]!.handles[0]!;
    expect(h.end - h.start).toBe(200_000_003);
    expect(h.rounds[0]!.start - h.start).toBe(1_000_005);
    for (const r of [asNumbers, asSpacedNumbers]) {
      expect(r.originUnixNano).toBe(asStrings.originUnixNano);
      expect(r.executions).toEqual(asStrings.executions);
    }
  });
});
