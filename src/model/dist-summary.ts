import type { Distribution } from '../engine/distributions.js';
import { mean as engineMean } from '../engine/distributions.js';
import { FAMILIES, familyQuantile } from './fit-families.js';

/**
 * Summaries of a Distribution as the engine samples it (seconds): quantiles, median, mean, CDF.
 * The engine clamps `normal` and `uniform` draws at 0 and `linear` draws at 0 after adding perUnit*x;
 * quantiles and the CDF follow that clamping. `empirical` is the discrete uniform distribution over its
 * samples; its quantiles interpolate between order statistics (type 7). `x` feeds `linear` forms.
 */
export function quantileOf(d: Distribution, q: number, x = 0): number {
  switch (d.type) {
    case 'constant': return Math.max(0, d.value);
    case 'uniform': return Math.max(0, d.min + (d.max - d.min) * q);
    case 'exponential': return familyQuantile(FAMILIES.exponential, [d.mean], q);
    case 'normal': return Math.max(0, familyQuantile(FAMILIES.normal, [d.mean, d.sd], q));
    case 'lognormal': return familyQuantile(FAMILIES.lognormal, [d.mu, d.sigma], q);
    case 'gamma': return familyQuantile(FAMILIES.gamma, [d.shape, d.scale], q);
    case 'weibull': return familyQuantile(FAMILIES.weibull, [d.shape, d.scale], q);
    case 'empirical': return Math.max(0, sortedQuantile(d.samples.slice().sort((a, b) => a - b), q));
    case 'linear': return Math.max(0, quantileOf(d.base, q, x) + d.perUnit * x);
  }
}

export function medianOf(d: Distribution, x = 0): number {
  return quantileOf(d, 0.5, x);
}

/**
 * Mean as the engine samples it. Analytic for the parametric forms; `normal` with a noticeable mass
 * below 0 uses the mean of max(0, N) (the engine clamps).
 */
export function meanOf(d: Distribution, x = 0): number {
  if (d.type === 'normal') {
    const spec = FAMILIES.normal;
    return spec.partialUp([d.mean, d.sd], 0);
  }
  if (d.type === 'empirical') return d.samples.reduce((a, b) => a + Math.max(0, b), 0) / d.samples.length;
  if (d.type === 'linear' && d.base.type !== 'linear') {
    // Clamping of base + perUnit*x only matters when it can go negative.
    if (d.perUnit * x >= 0 && quantileOf(d.base, 0, x) >= 0) return meanOf(d.base, x) + d.perUnit * x;
  }
  return engineMean(d, x);
}

/** CDF P(D <= t) of the sampled distribution (clamped forms have an atom at 0). */
export function cdfOf(d: Distribution, t: number, x = 0): number {
  if (t < 0) return 0;
  switch (d.type) {
    case 'constant': return t >= Math.max(0, d.value) ? 1 : 0;
    case 'uniform': {
      if (d.max <= d.min) return t >= Math.max(0, d.min) ? 1 : 0;
      return Math.min(1, Math.max(0, (t - d.min) / (d.max - d.min)));
    }
    case 'exponential': return FAMILIES.exponential.cdf([d.mean], t);
    case 'normal': return FAMILIES.normal.cdf([d.mean, d.sd], t);
    case 'lognormal': return FAMILIES.lognormal.cdf([d.mu, d.sigma], t);
    case 'gamma': return FAMILIES.gamma.cdf([d.shape, d.scale], t);
    case 'weibull': return FAMILIES.weibull.cdf([d.shape, d.scale], t);
    case 'empirical': {
      let c = 0;
      for (const s of d.samples) if (Math.max(0, s) <= t) c++;
      return c / d.samples.length;
    }
    case 'linear': return cdfOf(d.base, t - d.perUnit * x, x);
  }
}

/** Type-7 quantile (linear interpolation between order statistics) of an ascending array. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const i = Math.floor(h);
  const lo = sorted[i]!;
  const hi = sorted[Math.min(n - 1, i + 1)]!;
  return lo + (h - i) * (hi - lo);
}
