import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { LogClock, encodeText, goJsonString, goQuote, jsonFields, klogLine, textFields } from '../../src/export/log-format.js';

describe('Go encodings', () => {
  test.prop([fc.string({ unit: 'binary' }), fc.boolean()])('goJsonString is valid JSON of the (well-formed) string', (s, html) => {
    const out = goJsonString(s, html);
    expect(JSON.parse(out)).toBe(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
    expect(out).not.toMatch(/[\u2028\u2029\u0000-\u001f]/);
    if (html) expect(out).not.toMatch(/[<>&]/);
  });

  it('escapes like encoding/json', () => {
    expect(goJsonString('==> a&b <c>', true)).toBe('"==\\u003e a\\u0026b \\u003cc\\u003e"');
    expect(goJsonString('==> a&b <c>', false)).toBe('"==> a&b <c>"');
    expect(goJsonString('tab\there\u2028"q"\\', false)).toBe('"tab\\there\\u2028\\"q\\"\\\\"');
    expect(goJsonString('\u0001', false)).toBe('"\\u0001"');
  });

  it('quotes like Go %q', () => {
    expect(goQuote('plain')).toBe('"plain"');
    expect(goQuote('a "b" \\ c')).toBe('"a \\"b\\" \\\\ c"');
    expect(goQuote('x\ny\u0001\u007f')).toBe('"x\\ny\\x01\\x7f"');
    expect(goQuote('héllo → ✓')).toBe('"héllo → ✓"');
  });

  it('quotes text values only when logrus would', () => {
    expect(textFields({ b: 'worker-1', a: 'p:d:wf', c: '' })).toBe(' a="p:d:wf" b=worker-1 c=');
    expect(encodeText('info', 'Processing Workflow.', ' exec_id=x', '2024-01-01T00:00:00Z')).toBe(
      'ts="2024-01-01T00:00:00Z" level=info msg="Processing Workflow." exec_id=x',
    );
    expect(jsonFields({ wf: 'w', exec_id: 'e', node: 'n0/n1' }, false)).toBe('"exec_id":"e","node":"n0/n1","wf":"w"');
  });
});

describe('LogClock', () => {
  const clock = new LogClock('1714728481123456789');

  it('formats whole seconds, nanoseconds and klog microseconds with integer arithmetic', () => {
    expect(clock.seconds(0)).toBe('2024-05-03T09:28:01Z');
    expect(clock.nanos(0)).toBe('2024-05-03T09:28:01.123456789Z');
    expect(clock.nanos(876_543_211)).toBe('2024-05-03T09:28:02.000000000Z');
    expect(clock.seconds(876_543_210)).toBe('2024-05-03T09:28:01Z');
    expect(clock.nanos(-123_456_790)).toBe('2024-05-03T09:28:00.999999999Z');
    expect(clock.klog(0)).toBe('0503 09:28:01.123456');
    expect(klogLine('E', clock.klog(0), 1, 'workers.go:103', "error syncing 'a/b': x")).toBe(
      "E0503 09:28:01.123456       1 workers.go:103] error syncing 'a/b': x",
    );
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 53 - 2e9 })])('agrees with BigInt arithmetic for any instant', (t) => {
    const abs = 1714728481123456789n + BigInt(t);
    const sec = abs / 1_000_000_000n;
    const ns = abs % 1_000_000_000n;
    const iso = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
    expect(clock.nanos(t)).toBe(`${iso}.${ns.toString().padStart(9, '0')}Z`);
    expect(clock.seconds(t)).toBe(`${iso}Z`);
  });
});
