import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nearestRank, summarize } from '../../src/metrics/quantile.js';

/** The definition, by a full sort: what `summarize` computes by selection. */
function bySort(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: nearestRank(s, 0.5), p90: nearestRank(s, 0.9), p95: nearestRank(s, 0.95), min: s[0], max: s[s.length - 1] };
}

describe('summarize', () => {
  test.prop([fc.array(fc.integer({ min: -1e12, max: 1e15 }), { minLength: 1, maxLength: 400 })])(
    'quantiles, min and max are the sorted values at their nearest ranks',
    (values) => {
      const s = summarize(values);
      expect({ p50: s.p50, p90: s.p90, p95: s.p95, min: s.min, max: s.max }).toEqual(bySort(values));
      expect(s.count).toBe(values.length);
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 })])('many equal values', (values) => {
    const s = summarize(values);
    expect({ p50: s.p50, p90: s.p90, p95: s.p95, min: s.min, max: s.max }).toEqual(bySort(values));
  });

  it('orders that defeat a median-of-three pivot still give exact ranks', () => {
    // ascending, descending, organ pipe, sawtooth and all-equal inputs of a size where a
    // quadratic selection would show
    const n = 20_001;
    // (nanosecond-sized values: small integers take the histogram path, tested below)
    const ns = (x: number) => 1e9 + x * 1_000_003;
    const inputs = [
      Array.from({ length: n }, (_, i) => ns(i)),
      Array.from({ length: n }, (_, i) => ns(n - i)),
      Array.from({ length: n }, (_, i) => ns(Math.min(i, n - i))),
      Array.from({ length: n }, (_, i) => ns(i % 97)),
      Array.from({ length: n }, () => ns(7)),
    ];
    for (const v of inputs) {
      const s = summarize(v);
      expect({ p50: s.p50, p90: s.p90, p95: s.p95, min: s.min, max: s.max }).toEqual(bySort(v));
    }
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 400 })])(
    'small counts (histogram path) and large ones agree with the sort',
    (values) => {
      const s = summarize(values);
      expect({ p50: s.p50, p90: s.p90, p95: s.p95, min: s.min, max: s.max }).toEqual(bySort(values));
    },
  );

  it('leaves its input as it was', () => {
    const v = [5, 3, 9, 1, 7];
    summarize(v);
    expect(v).toEqual([5, 3, 9, 1, 7]);
  });
});

describe('summarize: mean and standard deviation', () => {
  it('values around zero have a spread (mean 0 is not special)', () => {
    expect(summarize([-2, 2])).toMatchObject({ mean: 0, sd: Math.sqrt(8) });
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 2 ** 52 }), { minLength: 2, maxLength: 200 }), fc.nat()])(
    'do not depend on the order of the values',
    (values, seed) => {
      const shuffled = [...values];
      for (let i = shuffled.length - 1, r = seed; i > 0; i--, r = (r * 1103515245 + 12345) >>> 0) {
        const j = r % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
      }
      const a = summarize(values);
      const b = summarize(shuffled);
      expect(b.mean).toBe(a.mean);
      expect(b.sd).toBe(a.sd);
    },
  );

  test.prop([fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 2, maxLength: 200 })])('agree with the textbook formulas', (values) => {
    const n = values.length;
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
    const s = summarize(values);
    expect(s.mean).toBeCloseTo(mean, 6);
    expect(s.sd!).toBeCloseTo(sd, 3);
  });
});
