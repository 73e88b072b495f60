import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { test as fcTest } from '@fast-check/vitest';
import { fitLattice, snapSeconds, REEVAL_PERIODS, BATCHING_PERIODS } from '../../src/calibrate/lattice.js';
import { durationObservation, SECOND_NS } from '../../src/calibrate/observe.js';
import { shapesFrom } from '../../src/calibrate/calibrate.js';
import { lnGamma } from '../../src/model/special-functions.js';

const wholeSecond = (t: number) => {
  const lo = Math.floor(t / SECOND_NS) * SECOND_NS;
  return { at: lo, lo, hi: lo + SECOND_NS - 1 };
};

describe('durations as observations', () => {
  fcTest.prop([fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 5e9 })])(
    'whole-second stamps give a rounded difference k in {floor(d), floor(d) + 1}, never dropped',
    (t0, d) => {
      const o = durationObservation(wholeSecond(t0), wholeSecond(t0 + d));
      expect(o?.kind).toBe('rounded');
      if (o?.kind !== 'rounded') return;
      expect(o.resolution).toBe(1);
      expect([Math.floor(d / SECOND_NS), Math.floor(d / SECOND_NS) + 1]).toContain(o.k);
    },
  );

  fcTest.prop([fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 5e9 })])('exact ends give the exact value; mixed ends an interval holding it', (t0, d) => {
    expect(durationObservation({ at: t0, lo: t0, hi: t0 }, { at: t0 + d, lo: t0 + d, hi: t0 + d })).toEqual({ kind: 'exact', value: d / SECOND_NS });
    const o = durationObservation({ at: t0, lo: t0, hi: t0 }, wholeSecond(t0 + d));
    expect(o?.kind).toBe('interval');
    if (o?.kind !== 'interval') return;
    expect(o.lo).toBeLessThanOrEqual(d / SECOND_NS + 1e-12);
    expect(o.hi).toBeGreaterThanOrEqual(d / SECOND_NS - 1e-12);
  });

  it('an end before the start is no observation', () => {
    expect(durationObservation({ at: 10, lo: 10, hi: 10 }, { at: 5, lo: 5, hi: 5 })).toBeUndefined();
  });
});

describe('ticker lattices', () => {
  const lattice = (period: number, phase: number, ks: number[], noise: number[], coarse: boolean) => {
    const pts = [...ks.map((k) => phase + k * period), ...noise];
    return pts.map((t) => (coarse ? { lo: Math.floor(t), hi: Math.floor(t) + 1 - 1e-9 } : { lo: t, hi: t }));
  };

  fcTest.prop([
    fc.constantFrom(5, 10, 15, 20, 30, 45, 60),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { minLength: 10, maxLength: 30 }),
    // Strays off the whole seconds, where every integer period's lattice could sit.
    fc.array(fc.tuple(fc.integer({ min: 0, max: 2399 }), fc.double({ min: 0.1, max: 0.9, noNaN: true })).map(([i, f]) => i + f), { maxLength: 2 }),
    fc.boolean(),
  ])('recovers a resync period from exact or whole-second instants, with stray points', (period, phaseFrac, ks, noise, coarse) => {
    fc.pre(Math.max(...ks) - Math.min(...ks) >= 6);
    // Instants that all fall on every m-th tick also sit on the lattice of m periods, which the
    // fit rightly prefers (e.g. ticks 0, 2, 4, ... of a 5 s lattice are a 10 s lattice): ambiguous.
    // So is most of them (the others may be stray points): at least 40 % must be off it.
    for (let m = 2; m <= 12; m++) {
      const counts = new Map<number, number>();
      for (const k of ks) counts.set(k % m, (counts.get(k % m) ?? 0) + 1);
      fc.pre(Math.max(...counts.values()) <= 0.6 * ks.length);
    }
    // A whole-second stray lands on the lattice of a divisor of the period by chance (one in
    // period/divisor): with coarse instants the strays are left out, else the data are ambiguous.
    const fit = fitLattice(lattice(period, phaseFrac * period, ks, coarse ? [] : noise, coarse), { periods: REEVAL_PERIODS, tolerance: 0.002, minPoints: 4 });
    expect(fit.best?.period).toBe(period);
  });

  fcTest.prop([
    fc.constantFrom(0.5, 1, 2, 5),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { minLength: 20, maxLength: 60 }),
  ])('recovers a batching interval from exact release instants', (period, phaseFrac, ks) => {
    fc.pre(Math.max(...ks) - Math.min(...ks) >= 20);
    for (let m = 2; m <= 10; m++) fc.pre(new Set(ks.map((k) => k % m)).size > 1);
    const fit = fitLattice(lattice(period, phaseFrac * period, ks, [], false), { periods: BATCHING_PERIODS, tolerance: 0.002, minPoints: 8, minCycles: 4 });
    expect(fit.best?.period).toBe(period);
  });

  it('random instants fit no lattice', () => {
    let x = 0.123;
    const pts = Array.from({ length: 60 }, () => {
      x = (x * 9301 + 0.49297) % 1;
      const t = x * 3000;
      return { lo: t, hi: t };
    });
    expect(fitLattice(pts, { periods: REEVAL_PERIODS, tolerance: 0.002 }).best).toBeUndefined();
  });

  it('snaps to the values Flyte configurations use', () => {
    expect([0.001, 0.049, 0.24, 0.97, 1.26, 4.93, 15.2, 29.6].map(snapSeconds)).toEqual([0, 0.05, 0.25, 1, 1.5, 5, 15, 30]);
  });
});

describe('shapes from the profile', () => {
  it('give every family the profile’s coefficient of variation', () => {
    const s = shapesFrom({ type: 'lognormal', mu: 0, sigma: 0.5 })!;
    const cv = Math.sqrt(Math.exp(0.25) - 1);
    expect(s.lognormal).toBe(0.5);
    expect(s.gamma).toBeCloseTo(1 / (cv * cv), 10);
    const k = s.weibull!;
    expect(Math.sqrt(Math.exp(lnGamma(1 + 2 / k) - 2 * lnGamma(1 + 1 / k)) - 1)).toBeCloseTo(cv, 6);
    expect(shapesFrom({ type: 'linear', base: { type: 'gamma', shape: 4, scale: 1 }, perUnit: 1 })?.gamma).toBe(4);
    expect(shapesFrom({ type: 'constant', value: 1 })).toBeUndefined();
  });
});
