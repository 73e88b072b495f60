import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import seedrandom from 'seedrandom';
import { compile, type Distribution } from '../../src/engine/distributions.js';
import { fitLinear, type SizedObservation } from '../../src/model/fit-linear.js';
import { fitObservations, medianOf, type Observation } from '../../src/model/fit.js';

const relErr = (a: number, b: number): number => Math.abs(a / b - 1);

/** n draws of base + perUnit * x with x log-uniform in [1e3, 1e6]. */
function sized(base: Distribution, perUnit: number, n: number, seed: string): { x: number; d: number }[] {
  const sample = compile(base);
  const rng = seedrandom.alea(seed);
  return Array.from({ length: n }, () => {
    const x = Math.exp(Math.log(1e3) + rng() * Math.log(1e3));
    return { x, d: sample(rng) + perUnit * x };
  });
}

describe('fitLinear', () => {
  const base: Distribution = { type: 'lognormal', mu: Math.log(0.01), sigma: 0.4 };
  const a = Math.exp(Math.log(0.01) + 0.08); // mean of the base
  const b = 5e-8; // s per byte: 50 ms at 1 MB

  it('recovers intercept and slope within 10% from exact data', () => {
    const obs: SizedObservation[] = sized(base, b, 2000, 'lin').map(({ x, d }) => ({ kind: 'exact', value: d, x }));
    const fit = fitLinear(obs);
    expect(relErr(fit.perUnit, b)).toBeLessThan(0.1);
    expect(relErr(fit.intercept, a)).toBeLessThan(0.1);
    expect(fit.perUnitCI95[0]).toBeLessThanOrEqual(b);
    expect(fit.perUnitCI95[1]).toBeGreaterThanOrEqual(b);
    expect(fit.distribution.type).toBe('linear');
    expect(fit.base.family).toBe('lognormal');
    expect(relErr(fit.base.median, 0.01)).toBeLessThan(0.1);
    expect(relErr(medianOf(fit.distribution, 1e6), 0.01 + 0.05)).toBeLessThan(0.1);
  });

  it('recovers the slope from whole-second rounded differences', () => {
    // Seconds-scale durations: base median 0.5 s, 2 s per MB.
    const slow: Distribution = { type: 'lognormal', mu: Math.log(0.5), sigma: 0.4 };
    const rng = seedrandom.alea('lin-phase');
    const obs: SizedObservation[] = sized(slow, 2e-6, 3000, 'lin-r').map(({ x, d }) => {
      const t = rng() * 100;
      return { kind: 'rounded', k: Math.floor(t + d) - Math.floor(t), resolution: 1, x };
    });
    const fit = fitLinear(obs, { families: ['lognormal'] });
    expect(relErr(fit.perUnit, 2e-6)).toBeLessThan(0.1);
    expect(relErr(fit.intercept, Math.exp(Math.log(0.5) + 0.08))).toBeLessThan(0.15);
    expect(fit.base.ksMethod).toBe('expected-k');
    expect(relErr(fit.base.mean, Math.exp(Math.log(0.5) + 0.08))).toBeLessThan(0.15);
  });

  it('falls back to a normal base when residuals reach zero', () => {
    const obs: SizedObservation[] = [1, 2, 3, 4, 5, 6].map((x, i) => ({ kind: 'exact', value: 0.1 * x + (i % 2 ? 0.01 : -0.01), x }));
    const fit = fitLinear(obs);
    expect(fit.base.family).toBe('normal');
    expect(fit.perUnit).toBeCloseTo(0.1, 2);
    expect(fit.notes.join(' ')).toMatch(/normal/);
  });

  it('constant x gives perUnit 0 and a plain fit of the base', () => {
    const fit = fitLinear([{ kind: 'exact', value: 0.2, x: 5 }, { kind: 'exact', value: 0.3, x: 5 }]);
    expect(fit.perUnit).toBe(0);
    expect(fit.intercept).toBeCloseTo(0.25, 12);
  });
});

describe('robustness', () => {
  // Durations between 1 us and 100 s, plus exact zeros.
  const dur = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 100, noNaN: true }));
  const obsArb: fc.Arbitrary<Observation> = fc.oneof(
    fc.record({ kind: fc.constant('exact' as const), value: dur }),
    fc.record({ kind: fc.constant('interval' as const), lo: dur, hi: fc.oneof(dur, fc.constant(Infinity)) }),
    fc.record({ kind: fc.constant('rounded' as const), k: fc.integer({ min: 0, max: 4 }), resolution: fc.constantFrom(1, 0.001) }),
  );
  test.prop([fc.array(obsArb, { maxLength: 12 })], { numRuns: 25 })(
    'never throws and returns a usable distribution',
    (obs) => {
      const fit = fitObservations(obs);
      expect(fit.median).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(fit.mean)).toBe(false);
      const s = compile(fit.distribution)(seedrandom.alea('x'));
      expect(s).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(s)).toBe(true);
    },
  );
});
