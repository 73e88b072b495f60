import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import {
  digamma, erfc, gaussLegendre, incGamma, lnGamma, logNormCdf, normCdf, normQuantile, trigamma,
} from '../../src/model/special-functions.js';

describe('special functions', () => {
  it('erfc matches reference values across the series/continued-fraction switch', () => {
    // Reference values from the defining integral (high-precision tables).
    const ref: [number, number][] = [
      [0, 1], [0.5, 0.4795001221869535], [1, 0.15729920705028513], [2, 0.004677734981047266],
      [3, 2.209049699858544e-5], [5, 1.5374597944280349e-12], [-1, 1.8427007929497148],
    ];
    for (const [x, v] of ref) expect(Math.abs(erfc(x) / v - 1)).toBeLessThan(1e-13);
    // Continuity at the switch point x = 2.
    expect(Math.abs(erfc(2 - 1e-12) / erfc(2 + 1e-12) - 1)).toBeLessThan(1e-10);
  });

  it('log Phi stays finite far in the tail', () => {
    expect(logNormCdf(-40)).toBeCloseTo(-804.608442013754, 6);
    expect(normCdf(-40)).toBe(0);
  });

  test.prop([fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true })])('normQuantile inverts normCdf', (p) => {
    const z = normQuantile(p);
    // Compare the smaller tail, relatively.
    const tail = p < 0.5 ? p : 1 - p;
    expect(Math.abs(normCdf(-Math.abs(z)) / tail - 1)).toBeLessThan(1e-11);
  });

  it('lnGamma, digamma and trigamma match known values', () => {
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(digamma(1)).toBeCloseTo(-0.5772156649015329, 12);
    expect(digamma(0.5)).toBeCloseTo(-0.5772156649015329 - 2 * Math.LN2, 12);
    expect(trigamma(1)).toBeCloseTo((Math.PI * Math.PI) / 6, 11);
  });

  test.prop([fc.double({ min: 0.01, max: 50, noNaN: true }), fc.double({ min: 1e-6, max: 200, noNaN: true })])(
    'incomplete gamma: P + Q = 1 and P(1, x) = 1 - exp(-x)',
    (a, x) => {
      const [p, q] = incGamma(a, x);
      expect(p + q).toBeCloseTo(1, 12);
      expect(p).toBeGreaterThanOrEqual(0);
      const [p1, q1] = incGamma(1, x);
      expect(Math.abs(p1 - -Math.expm1(-x))).toBeLessThan(1e-13);
      expect(Math.abs(q1 / Math.exp(-x) - 1)).toBeLessThan(1e-11);
    },
  );

  it('incomplete gamma matches the erf identity P(1/2, x) = erf(sqrt x)', () => {
    for (const x of [0.01, 0.3, 1, 2.5, 8]) expect(incGamma(0.5, x)[1]).toBeCloseTo(erfc(Math.sqrt(x)), 13);
  });

  it('Gauss-Legendre integrates polynomials of degree 2n-1 exactly', () => {
    const { nodes, weights } = gaussLegendre(5);
    let s = 0;
    for (let i = 0; i < 5; i++) s += weights[i]! * nodes[i]! ** 8;
    expect(s).toBeCloseTo(2 / 9, 14);
  });
});
