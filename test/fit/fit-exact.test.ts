import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { compile, type Distribution } from '../../src/engine/distributions.js';
import { fitSamples, meanOf, medianOf, quantileOf } from '../../src/model/fit.js';
import { kolmogorovPValue, ksExact } from '../../src/model/goodness.js';

function draw(d: Distribution, n: number, seed: string): number[] {
  const sample = compile(d);
  const rng = seedrandom.alea(seed);
  return Array.from({ length: n }, () => sample(rng));
}

const relErr = (a: number, b: number): number => Math.abs(a / b - 1);

describe('exact data: parameter recovery and family choice (n = 2000)', () => {
  const cases: { d: Distribution; shapeKey: string; shape: number }[] = [
    { d: { type: 'lognormal', mu: Math.log(0.2), sigma: 0.5 }, shapeKey: 'sigma', shape: 0.5 },
    { d: { type: 'gamma', shape: 0.6, scale: 0.5 }, shapeKey: 'shape', shape: 0.6 },
    { d: { type: 'gamma', shape: 3, scale: 0.1 }, shapeKey: 'shape', shape: 3 },
    { d: { type: 'weibull', shape: 2.5, scale: 0.5 }, shapeKey: 'shape', shape: 2.5 },
    { d: { type: 'exponential', mean: 0.3 }, shapeKey: 'mean', shape: 0.3 },
  ];
  for (const { d, shapeKey, shape } of cases) {
    it(`${JSON.stringify(d)}: median within 3% (or 2.5 SE), AIC picks ${d.type}, CIs cover the truth`, () => {
      const fit = fitSamples(draw(d, 2000, `recovery-${d.type}-${shape}`));
      expect(fit.family).toBe(d.type);
      expect(fit.method).toBe('parametric');
      // 3%, or 2.5 standard errors where sampling noise alone exceeds that (gamma shape 0.6: SE ~3.4%).
      const relSe = (fit.medianCI95[1] - fit.medianCI95[0]) / (2 * 1.96 * fit.median);
      expect(relErr(fit.median, medianOf(d))).toBeLessThan(Math.max(0.03, 2.5 * relSe));
      if (relSe < 0.012) expect(relErr(fit.median, medianOf(d))).toBeLessThan(0.03);
      expect(relErr(fit.mean, meanOf(d))).toBeLessThan(0.05);
      expect(relErr(fit.params[shapeKey]!, shape)).toBeLessThan(0.1);
      const ci = fit.paramDetail[shapeKey]!.ci95;
      expect(ci[0]).toBeLessThanOrEqual(shape);
      expect(ci[1]).toBeGreaterThanOrEqual(shape);
      expect(fit.medianCI95[0]).toBeLessThanOrEqual(medianOf(d));
      expect(fit.medianCI95[1]).toBeGreaterThanOrEqual(medianOf(d));
      expect(fit.paramDetail[shapeKey]!.constraint).toBe('tight');
      expect(fit.weak).toBe(false);
      expect(fit.ksMethod).toBe('exact');
      expect(fit.ks).toBeLessThan(0.04);
      // Candidates are sorted by AIC and each carries its own diagnostics.
      expect(fit.candidates.length).toBe(4);
      for (let i = 1; i < fit.candidates.length; i++) {
        expect(fit.candidates[i]!.aic).toBeGreaterThanOrEqual(fit.candidates[i - 1]!.aic);
      }
    });
  }

  it('AIC picks the generating family in most seeded repetitions', () => {
    const d: Distribution = { type: 'lognormal', mu: Math.log(0.2), sigma: 0.5 };
    let right = 0;
    for (let s = 0; s < 10; s++) if (fitSamples(draw(d, 2000, `aic-${s}`)).family === 'lognormal') right++;
    expect(right).toBeGreaterThanOrEqual(9);
  });
});

describe('confidence intervals', () => {
  it('cover the truth in >= 80% of 20 seeded runs (lognormal, n = 200)', () => {
    const d: Distribution = { type: 'lognormal', mu: Math.log(0.2), sigma: 0.5 };
    let median = 0, sigma = 0, mean = 0;
    for (let s = 0; s < 20; s++) {
      const fit = fitSamples(draw(d, 200, `coverage-${s}`), { families: ['lognormal'] });
      if (fit.medianCI95[0] <= 0.2 && 0.2 <= fit.medianCI95[1]) median++;
      const sc = fit.paramDetail.sigma!.ci95;
      if (sc[0] <= 0.5 && 0.5 <= sc[1]) sigma++;
      if (fit.meanCI95[0] <= meanOf(d) && meanOf(d) <= fit.meanCI95[1]) mean++;
    }
    expect(median).toBeGreaterThanOrEqual(16);
    expect(sigma).toBeGreaterThanOrEqual(16);
    expect(mean).toBeGreaterThanOrEqual(16);
  });

  it('cover the truth for a gamma with shape < 1 (n = 300)', () => {
    const d: Distribution = { type: 'gamma', shape: 0.6, scale: 0.5 };
    let shape = 0;
    for (let s = 0; s < 20; s++) {
      const ci = fitSamples(draw(d, 300, `gcov-${s}`), { families: ['gamma'] }).paramDetail.shape!.ci95;
      if (ci[0] <= 0.6 && 0.6 <= ci[1]) shape++;
    }
    expect(shape).toBeGreaterThanOrEqual(16);
  });
});

describe('profile-likelihood intervals', () => {
  it('replace a poor Wald interval: exponential mean from 3 values', () => {
    const xs = [0.2, 0.5, 1.1];
    const m = (0.2 + 0.5 + 1.1) / 3;
    const fit = fitSamples(xs, { families: ['exponential'] });
    // Likelihood-ratio bounds solve n (x - 1 - ln x) = 1.92 with x = m_hat / m.
    const drop = (x: number): number => 3 * (x - 1 - Math.log(x)) - 1.959963984540054 ** 2 / 2;
    const root = (a: number, b: number): number => {
      for (let i = 0; i < 200; i++) { const c = (a + b) / 2; if (drop(a) * drop(c) <= 0) b = c; else a = c; }
      return (a + b) / 2;
    };
    const lo = m / root(1, 10), hi = m / root(0.01, 1);
    const ci = fit.paramDetail.mean!.ci95;
    expect(fit.paramDetail.mean!.ciMethod).toBe('profile');
    expect(ci[0] / lo).toBeCloseTo(1, 2);
    expect(ci[1] / hi).toBeCloseTo(1, 2);
    expect(fit.meanCI95[0] / lo).toBeCloseTo(1, 2);
    expect(fit.meanCI95[1] / hi).toBeCloseTo(1, 2);
    expect(fit.medianCI95[1] / (hi * Math.LN2)).toBeCloseTo(1, 2);
  });

  it('keep Wald intervals where the likelihood is quadratic', () => {
    const fit = fitSamples(draw({ type: 'lognormal', mu: 0, sigma: 1 }, 2000, 'quad'), { families: ['lognormal'] });
    expect(fit.paramDetail.mu!.ciMethod).toBe('wald');
    expect(fit.paramDetail.sigma!.ciMethod).toBe('wald');
    expect(fit.ciMethod.median).toBe('wald');
    // Exact lognormal: sigma CI ~ sigma (1 +- 1.96/sqrt(2n)).
    const ci = fit.paramDetail.sigma!.ci95;
    expect((ci[1] - ci[0]) / fit.params.sigma!).toBeCloseTo((2 * 1.96) / Math.sqrt(4000), 2);
  });
});

describe('KS statistic', () => {
  it('matches a hand computation for a tiny sample', () => {
    // Sample {0.5, 1, 2} against Exp(1): F = 0.3935, 0.6321, 0.8647. D- = F(0.5) - 0 = 1 - e^-0.5 is the largest gap.
    const cdf = (t: number): number => 1 - Math.exp(-t);
    expect(ksExact([2, 0.5, 1], cdf)).toBeCloseTo(1 - Math.exp(-0.5), 14);
    // Sample {1, 1, 3} against U(0, 4): F = 0.25, 0.25, 0.75. Jump at 1 to 2/3: D+ = 2/3 - 1/4.
    expect(ksExact([1, 1, 3], (t) => Math.min(1, Math.max(0, t / 4)))).toBeCloseTo(2 / 3 - 1 / 4, 14);
  });

  it('p-values follow the Kolmogorov distribution', () => {
    // P(sqrt(n) D > 1.358) ~ 0.05 for large n.
    expect(kolmogorovPValue(1.358 / Math.sqrt(10000), 10000)).toBeCloseTo(0.05, 2);
    expect(kolmogorovPValue(0.001, 100)).toBe(1);
  });
});

describe('empirical fallback', () => {
  it('triggers for a bimodal sample and keeps at most 1000 quantile points', () => {
    const xs = [
      ...draw({ type: 'lognormal', mu: Math.log(0.1), sigma: 0.1 }, 1500, 'bi-1'),
      ...draw({ type: 'lognormal', mu: Math.log(1), sigma: 0.05 }, 1500, 'bi-2'),
    ];
    const fit = fitSamples(xs);
    expect(fit.family).toBe('empirical');
    expect(fit.method).toBe('empirical');
    expect(fit.distribution.type === 'empirical' && fit.distribution.samples.length).toBe(1000);
    expect(fit.candidates[0]!.ks).toBeGreaterThan(0.1);
    expect(fit.ks).toBeLessThan(0.01);
    expect(fit.notes.join(' ')).toMatch(/empirical/);
    // The quantile points reproduce both modes.
    expect(quantileOf(fit.distribution, 0.25)).toBeCloseTo(0.1, 1);
    expect(quantileOf(fit.distribution, 0.75)).toBeCloseTo(1, 1);
  });

  it('does not trigger for small or well-fitting samples', () => {
    const few = [...draw({ type: 'constant', value: 0.1 }, 50, 'x'), ...draw({ type: 'constant', value: 1 }, 50, 'y')];
    expect(fitSamples(few).method).toBe('parametric');
    expect(fitSamples(draw({ type: 'gamma', shape: 2, scale: 1 }, 3000, 'ok')).method).toBe('parametric');
    const xs = [...draw({ type: 'constant', value: 0.1 }, 300, 'x'), ...draw({ type: 'constant', value: 1 }, 300, 'y')];
    expect(fitSamples(xs, { empirical: false }).method).toBe('parametric');
  });
});

describe('degenerate samples', () => {
  it('n = 1, all equal and empty give a weak constant fit without throwing', () => {
    const one = fitSamples([0.3]);
    expect(one.family).toBe('constant');
    expect(one.distribution).toEqual({ type: 'constant', value: 0.3 });
    expect(one.weak).toBe(true);
    const same = fitSamples([0.25, 0.25, 0.25, 0.25]);
    expect(same.median).toBe(0.25);
    expect(same.weak).toBe(true);
    expect(same.method).toBe('degenerate');
    const none = fitSamples([]);
    expect(none.n).toBe(0);
    expect(none.weak).toBe(true);
  });

  it('two distinct values still fit, zeros are kept', () => {
    const two = fitSamples([0.1, 0.3]);
    expect(two.method).toBe('parametric');
    expect(Number.isFinite(two.median)).toBe(true);
    const withZero = fitSamples([0, 0.1, 0.2, 0.3, 0.15]);
    expect(withZero.n).toBe(5);
    expect(withZero.notes.join(' ')).toMatch(/<= 0/);
  });
});

describe('summary helpers', () => {
  it('median, mean and quantiles match closed forms and samples', () => {
    const ln: Distribution = { type: 'lognormal', mu: Math.log(0.2), sigma: 0.5 };
    expect(medianOf(ln)).toBeCloseTo(0.2, 14);
    expect(meanOf(ln)).toBeCloseTo(0.2 * Math.exp(0.125), 14);
    const wb: Distribution = { type: 'weibull', shape: 2, scale: 1 };
    expect(medianOf(wb)).toBeCloseTo(Math.sqrt(Math.LN2), 14);
    expect(quantileOf({ type: 'exponential', mean: 2 }, 0.5)).toBeCloseTo(2 * Math.LN2, 14);
    // Gamma quantiles against a large seeded sample.
    const g: Distribution = { type: 'gamma', shape: 0.4, scale: 1 };
    const xs = draw(g, 200000, 'gq').sort((a, b) => a - b);
    for (const q of [0.1, 0.5, 0.9]) expect(relErr(quantileOf(g, q), xs[Math.floor(q * xs.length)]!)).toBeLessThan(0.03);
    const lin: Distribution = { type: 'linear', base: ln, perUnit: 1e-3 };
    expect(medianOf(lin, 100)).toBeCloseTo(0.3, 12);
    expect(meanOf(lin, 100)).toBeCloseTo(0.2 * Math.exp(0.125) + 0.1, 12);
    expect(medianOf({ type: 'empirical', samples: [3, 1, 2] })).toBe(2);
  });
});
