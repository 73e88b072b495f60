import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatRfc3339, parseRfc3339, rfc3339Parts } from '../../src/timeline/time.js';

describe('rfc3339Parts / parseRfc3339', () => {
  const stamp = fc.record({
    ms: fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2199, 11, 31) }),
    frac: fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), maxLength: 12 }),
    zone: fc.oneof(fc.constant('Z'), fc.constant('z'), fc.constant(''), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.boolean())),
    sep: fc.constantFrom('T', 't', ' '),
  });

  test.prop([stamp], { numRuns: 500 })('matches an independent computation', ({ ms, frac, zone, sep }) => {
    const base = new Date(ms).toISOString().slice(0, 19).replace('T', sep);
    let zoneText = '';
    let offset = 0;
    if (typeof zone === 'string') zoneText = zone;
    else {
      const [sign, h, m, colon] = zone;
      zoneText = `${sign}${String(h).padStart(2, '0')}${colon ? ':' : ''}${String(m).padStart(2, '0')}`;
      offset = (sign === '-' ? -1 : 1) * (h * 3600 + m * 60);
    }
    const text = `${base}${frac ? `.${frac}` : ''}${zoneText}`;
    const p = rfc3339Parts(text);
    expect(p).toBeDefined();
    expect(p?.sec).toBe(Math.floor(ms / 1000) - offset);
    expect(p?.fracDigits).toBe(Math.min(9, frac.length));
    expect(p?.nsec).toBe(frac ? Number(frac.slice(0, 9).padEnd(9, '0')) : 0);
    const big = parseRfc3339(text);
    expect(big?.ns).toBe(BigInt(p?.sec ?? 0) * 1_000_000_000n + BigInt(p?.nsec ?? 0));
  });

  test.prop([fc.string({ unit: fc.constantFrom('2', '0', '1', '-', ':', 'T', 'Z', '.', '+', ' ', '9', 'x'), maxLength: 40 })], { numRuns: 500 })(
    'never throws; what it accepts formats back to the same instant',
    (s) => {
      const p = rfc3339Parts(s);
      if (p === undefined) return;
      expect(p.nsec).toBeGreaterThanOrEqual(0);
      expect(p.nsec).toBeLessThan(1e9);
      const again = rfc3339Parts(formatRfc3339(BigInt(p.sec) * 1_000_000_000n + BigInt(p.nsec), 9));
      expect(again).toMatchObject({ sec: p.sec, nsec: p.nsec });
    },
  );

  it('rejects malformed stamps', () => {
    for (const bad of ['2024-05-17', '2024-05-17T22:55', '2024-13-01T00:00:00Z', '2024-05-17T24:00:00Z', '2024-05-17T22:55:03.Z', '2024-05-17T22:55:03Zx', '2024-05-17T22:55:03+7', '2024-05-17T22:55:0312Z', 'x024-05-17T22:55:03Z']) {
      expect(rfc3339Parts(bad)).toBeUndefined();
    }
  });

  it('reads the offsets of the public logs', () => {
    expect(rfc3339Parts('2024-05-22T23:52:47-07:00')).toEqual({ sec: Date.UTC(2024, 4, 23, 6, 52, 47) / 1000, nsec: 0, fracDigits: 0 });
    expect(rfc3339Parts('2022-06-11T20:48:28+01:00')?.sec).toBe(Date.UTC(2022, 5, 11, 19, 48, 28) / 1000);
    expect(rfc3339Parts('2024-05-17T22:55:03.134443862Z')).toEqual({ sec: Date.UTC(2024, 4, 17, 22, 55, 3) / 1000, nsec: 134443862, fracDigits: 9 });
  });
});
