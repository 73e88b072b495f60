import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { compile, type Distribution } from '../../src/engine/distributions.js';
import { fitObservations, meanOf, medianOf, type Observation } from '../../src/model/fit.js';

function draw(d: Distribution, n: number, seed: string): number[] {
  const sample = compile(d);
  const rng = seedrandom.alea(seed);
  return Array.from({ length: n }, () => sample(rng));
}

/** Durations observed as intervals [floor(x/res) res, +res). */
function intervals(xs: number[], res: number): Observation[] {
  return xs.map((x) => {
    const lo = Math.floor(x / res) * res;
    return { kind: 'interval', lo, hi: lo + res };
  });
}

/** Durations observed as differences of two stamps floored to res, with a uniform start phase. */
function rounded(xs: number[], res: number, seed: string): Observation[] {
  const rng = seedrandom.alea(seed);
  return xs.map((d) => {
    const t = rng() * 1000 * res;
    return { kind: 'rounded', k: Math.floor((t + d) / res) - Math.floor(t / res), resolution: res };
  });
}

const relErr = (a: number, b: number): number => Math.abs(a / b - 1);

describe('interval-censored data (1 ms)', () => {
  for (const d of [
    { type: 'lognormal', mu: Math.log(0.2), sigma: 0.5 },
    { type: 'gamma', shape: 0.6, scale: 0.05 },
    { type: 'weibull', shape: 1.8, scale: 0.1 },
  ] as Distribution[]) {
    it(`${d.type}: median within 5%`, () => {
      const fit = fitObservations(intervals(draw(d, 2000, `int-${d.type}`), 0.001));
      expect(fit.family).toBe(d.type);
      expect(relErr(fit.median, medianOf(d))).toBeLessThan(0.05);
      expect(fit.ksMethod).toBe('interval-band');
      expect(fit.ks).toBeLessThan(0.04);
      expect(fit.counts.interval).toBe(2000);
    });
  }

  it('right-censored observations are used, not dropped', () => {
    const d: Distribution = { type: 'exponential', mean: 1 };
    // Values above 2 s are only known to exceed 2 s.
    const obs: Observation[] = draw(d, 3000, 'cens').map((x) =>
      x > 2 ? { kind: 'interval', lo: 2, hi: Infinity } : { kind: 'exact', value: x },
    );
    const fit = fitObservations(obs, { families: ['exponential'] });
    expect(relErr(fit.mean, 1)).toBeLessThan(0.05);
  });
});

describe('rounded differences of whole-second stamps (r = 1 s)', () => {
  const d: Distribution = { type: 'lognormal', mu: Math.log(0.2), sigma: 0.5 };
  const obs = rounded(draw(d, 5000, 'whole-second'), 1, 'phase');

  it('recovers the mean within 10% and flags sigma as weakly constrained', () => {
    const fit = fitObservations(obs);
    expect(relErr(fit.mean, meanOf(d))).toBeLessThan(0.1);
    expect(fit.meanCI95[0]).toBeLessThanOrEqual(meanOf(d));
    expect(fit.meanCI95[1]).toBeGreaterThanOrEqual(meanOf(d));
    expect(fit.ksMethod).toBe('expected-k');
    expect(fit.weak).toBe(true);
    const ln = fit.candidates.find((c) => c.family === 'lognormal')!;
    expect(ln.paramDetail.sigma!.constraint).toBe('weak');
    expect(relErr(ln.mean, meanOf(d))).toBeLessThan(0.1);
    expect(ln.notes.join(' ')).toMatch(/only the mean/);
    // Zeros are observations: most k are 0 here, and they pull the mean down where they belong.
    expect(obs.filter((o) => o.kind === 'rounded' && o.k === 0).length).toBeGreaterThan(3000);
  });

  it('a shape resting on a handful of tail counts is still reported weak', () => {
    // Grouped whole-second counts: a few k = 2 give sigma a narrow-looking likelihood interval.
    const grouped: Observation[] = [
      { kind: 'rounded', k: 0, resolution: 1, count: 3850 },
      { kind: 'rounded', k: 1, resolution: 1, count: 1147 },
      { kind: 'rounded', k: 2, resolution: 1, count: 3 },
    ];
    const fit = fitObservations(grouped, { families: ['lognormal'] });
    expect(fit.paramDetail.sigma!.constraint).toBe('weak');
    expect(fit.notes.join(' ')).toMatch(/handful/);
    expect(fit.paramDetail.mu!.constraint).toBe('weak');
    expect(fit.meanCI95[1] / fit.meanCI95[0]).toBeLessThan(1.15);
  });

  it('with sigma fixed to the truth recovers the median within 10%', () => {
    const fit = fitObservations(obs, { families: ['lognormal'], shapes: { lognormal: 0.5 }, shapeMode: 'always' });
    expect(fit.fixed).toEqual(['sigma']);
    expect(fit.params.sigma).toBe(0.5);
    expect(relErr(fit.median, 0.2)).toBeLessThan(0.1);
    expect(fit.paramDetail.mu!.constraint).toBe('tight');
    expect(fit.paramDetail.sigma!.constraint).toBe('fixed');
  });

  it("'if-weak' uses the default shape only because the data cannot tell, and says so", () => {
    const fit = fitObservations(obs, { families: ['lognormal'], shapes: { lognormal: 0.5 } });
    expect(fit.fixed).toEqual(['sigma']);
    expect(fit.weak).toBe(true);
    expect(fit.notes.join(' ')).toMatch(/sigma weakly constrained/);
    expect(relErr(fit.median, 0.2)).toBeLessThan(0.1);
    // With informative data the default is ignored.
    const exact = fitObservations(
      draw(d, 500, 'informative').map((value) => ({ kind: 'exact', value })),
      { families: ['lognormal'], shapes: { lognormal: 2 } },
    );
    expect(exact.fixed).toEqual([]);
    expect(Math.abs(exact.params.sigma! - 0.5)).toBeLessThan(0.05);
  });

  it('a resolution well below the durations identifies the shape too', () => {
    const slow: Distribution = { type: 'lognormal', mu: Math.log(8), sigma: 0.5 };
    const fit = fitObservations(rounded(draw(slow, 3000, 'slow'), 1, 'phase-2'), { families: ['lognormal'] });
    expect(relErr(fit.median, 8)).toBeLessThan(0.05);
    expect(Math.abs(fit.params.sigma! - 0.5)).toBeLessThan(0.05);
    expect(fit.paramDetail.sigma!.constraint).toBe('tight');
  });

  it('mixes exact, interval and rounded observations in one likelihood', () => {
    const g: Distribution = { type: 'gamma', shape: 2, scale: 0.5 };
    const xs = draw(g, 3000, 'mixed');
    const obs: Observation[] = [
      ...xs.slice(0, 1000).map((value): Observation => ({ kind: 'exact', value })),
      ...intervals(xs.slice(1000, 2000), 0.01),
      ...rounded(xs.slice(2000), 1, 'phase-3'),
    ];
    const fit = fitObservations(obs, { families: ['gamma'] });
    expect(fit.counts).toEqual({ exact: 1000, interval: 1000, rounded: 1000 });
    expect(relErr(fit.median, medianOf(g))).toBeLessThan(0.05);
    expect(Math.abs(fit.params.shape! - 2)).toBeLessThan(0.3);
  });

  it('only k = 0 gives a weak exponential below the resolution, without throwing', () => {
    const zeros: Observation[] = Array.from({ length: 40 }, () => ({ kind: 'rounded', k: 0, resolution: 1 }));
    const fit = fitObservations(zeros);
    expect(fit.weak).toBe(true);
    expect(fit.family).toBe('exponential');
    expect(fit.mean).toBeGreaterThan(0);
    expect(fit.mean).toBeLessThan(0.05);
    expect(fit.meanCI95[1]).toBeLessThan(0.1);
    const grouped = fitObservations([{ kind: 'rounded', k: 0, resolution: 1, count: 40 }]);
    expect(grouped.mean).toBeCloseTo(fit.mean, 12);
    expect(fitObservations([{ kind: 'rounded', k: 0, resolution: 1 }]).weak).toBe(true);
    expect(fitObservations([{ kind: 'rounded', k: 2, resolution: 1 }]).median).toBe(2);
  });
});
