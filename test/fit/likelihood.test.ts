import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { FAMILIES, type FamilySpec } from '../../src/model/fit-families.js';
import { intervalProb, prepare, roundedProb } from '../../src/model/fit-likelihood.js';

/** Brute-force E[max(0, 1 - |c - D|/r)] by composite Simpson on the density (many panels). */
function bruteKernel(spec: FamilySpec, p: number[], c: number, r: number): number {
  const lo = spec.positive ? Math.max(1e-12, c - r) : c - r;
  const hi = c + r;
  if (hi <= lo) return 0;
  const m = 20000;
  const h = (hi - lo) / m;
  let s = 0;
  for (let i = 0; i <= m; i++) {
    const x = lo + i * h;
    const w = i === 0 || i === m ? 1 : i % 2 ? 4 : 2;
    s += w * Math.max(0, 1 - Math.abs(c - x) / r) * Math.exp(spec.logPdf(p, x));
  }
  return (s * h) / 3;
}

const cases: [FamilySpec, number[]][] = [
  [FAMILIES.lognormal, [Math.log(0.2), 0.5]],
  [FAMILIES.lognormal, [Math.log(3), 1.2]],
  [FAMILIES.gamma, [2.5, 0.4]],
  [FAMILIES.gamma, [1.5, 2]],
  [FAMILIES.weibull, [2.2, 1.3]],
  [FAMILIES.exponential, [0.7]],
  [FAMILIES.normal, [1.2, 0.5]],
];

describe('rounded-difference kernel', () => {
  it('matches brute-force integration of the density', () => {
    for (const [spec, p] of cases) {
      for (const r of [0.1, 1]) {
        for (const k of [1, 2, 3, 5, 8]) {
          const exact = roundedProb(spec, p, k * r, r);
          const brute = bruteKernel(spec, p, k * r, r);
          expect(Math.abs(exact - brute)).toBeLessThan(1e-7 + 1e-6 * brute);
        }
      }
    }
  });

  it('k = 0 gives E[max(0, 1 - D/r)]', () => {
    // Exponential(mean m): E[(1 - D/r)+] = 1 - m/r (1 - exp(-r/m)).
    const m = 0.3, r = 1;
    expect(roundedProb(FAMILIES.exponential, [m], 0, r)).toBeCloseTo(1 - (m / r) * (1 - Math.exp(-r / m)), 14);
  });

  it('probabilities over k sum to 1 and E[k] r equals the mean (no bias from rounding)', () => {
    for (const [spec, p] of cases.filter(([s]) => s.positive)) {
      for (const r of [0.05, 1, 5]) {
        let total = 0, ek = 0, k = 0;
        for (; k < 20000 && spec.sf(p, (k - 1) * r) > 1e-14; k++) {
          const pk = roundedProb(spec, p, k * r, r);
          total += pk;
          ek += k * pk;
        }
        if (k === 20000) continue; // tail too long to sum at this resolution
        expect(total).toBeCloseTo(1, 9);
        expect(ek * r).toBeCloseTo(spec.mean(p), 7);
      }
    }
  });

  test.prop([fc.double({ min: -3, max: 2, noNaN: true }), fc.double({ min: 0.2, max: 2, noNaN: true }), fc.integer({ min: 0, max: 30 })])(
    'lognormal kernel is a probability, far into the tails',
    (mu, sigma, k) => {
      const v = roundedProb(FAMILIES.lognormal, [mu, sigma], k, 1);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    },
  );
});

describe('interval probabilities', () => {
  it('narrow-interval quadrature agrees with the CDF difference', () => {
    for (const [spec, p] of cases) {
      for (const lo of [0.5, 1, 2]) {
        const hi = lo * 1.001;
        const viaCdf = spec.cdf(p, hi) - spec.cdf(p, lo);
        expect(Math.abs(intervalProb(spec, p, lo, hi) / viaCdf - 1)).toBeLessThan(1e-7);
      }
    }
  });

  it('right-censored intervals use the survival function', () => {
    expect(intervalProb(FAMILIES.exponential, [2], 1, Infinity)).toBeCloseTo(Math.exp(-0.5), 14);
  });
});

describe('prepare', () => {
  it('groups identical observations and never drops zeros', () => {
    const d = prepare(
      [
        { kind: 'exact', value: 0 },
        { kind: 'exact', value: 0.5 },
        { kind: 'exact', value: 0.5 },
        { kind: 'rounded', k: 0, resolution: 1 },
        { kind: 'rounded', k: 0, resolution: 1, count: 3 },
        { kind: 'interval', lo: 0.1, hi: 0.2 },
      ],
      true,
    );
    expect(d.n).toBe(8);
    expect(d.exact?.x.length).toBe(1);
    expect(d.rounded.w.length).toBe(1);
    expect(d.rounded.n).toBe(4);
    // The zero became an interval (0, 1 ns].
    expect(d.intervals.n).toBe(2);
    expect(d.notes.join(' ')).toMatch(/<= 0/);
  });
});
