import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { Running, normalQuantile, tCdf, tQuantile } from '../../src/whatif/paired-stats.js';

describe('paired statistics', () => {
  it('t quantiles match published tables', () => {
    // Two-sided 95% critical values.
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 2);
    expect(tQuantile(0.975, 2)).toBeCloseTo(4.303, 3);
    expect(tQuantile(0.975, 5)).toBeCloseTo(2.571, 3);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(tQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
    expect(tQuantile(0.975, 1000)).toBeCloseTo(1.962, 3);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
  });

  test.prop([fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 })])(
    't quantile inverts the t CDF',
    (p, df) => {
      expect(tCdf(tQuantile(p, df), df)).toBeCloseTo(p, 5);
    },
  );

  test.prop([fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 200 })])(
    'running mean and variance equal the two-pass values',
    (xs) => {
      const r = new Running();
      xs.forEach((x) => r.add(x));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
      expect(r.mean).toBeCloseTo(mean, 4);
      expect(Math.abs(r.variance - variance)).toBeLessThanOrEqual(1e-6 * Math.max(1, variance));
      const [lo, hi] = r.ci95();
      expect(lo).toBeLessThanOrEqual(r.mean);
      expect(hi).toBeGreaterThanOrEqual(r.mean);
    },
  );
});
