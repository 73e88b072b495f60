import type { Rng } from './random.js';

/**
 * Latency distributions, in seconds. Plain JSON objects so that models can be written and read
 * as files. `linear` is the size-dependent form `base + perUnit * x` (x = bytes, nodes, ...).
 */
export type Distribution =
  | { type: 'constant'; value: number }
  | { type: 'uniform'; min: number; max: number }
  | { type: 'exponential'; mean: number }
  | { type: 'normal'; mean: number; sd: number }
  | { type: 'lognormal'; mu: number; sigma: number }
  | { type: 'gamma'; shape: number; scale: number }
  | { type: 'weibull'; shape: number; scale: number }
  | { type: 'empirical'; samples: number[] }
  | { type: 'linear'; base: Distribution; perUnit: number };

/** A compiled sampler: seconds, never negative. `x` feeds `linear` forms (ignored otherwise). */
export type Sampler = (rng: Rng, x?: number) => number;

function normal01(rng: Rng): number {
  // Box-Muller; 1 - u keeps the log argument in (0, 1].
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function gamma(rng: Rng, shape: number): number {
  // Marsaglia-Tsang; boost shape < 1 with the u^(1/shape) trick.
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do {
      x = normal01(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Compiles a distribution into a fast sampler. Throws on invalid parameters. */
export function compile(d: Distribution): Sampler {
  switch (d.type) {
    case 'constant': {
      const v = Math.max(0, d.value);
      return () => v;
    }
    case 'uniform': {
      const { min, max } = d;
      return (rng) => Math.max(0, min + (max - min) * rng());
    }
    case 'exponential': {
      const m = d.mean;
      return (rng) => -m * Math.log(1 - rng());
    }
    case 'normal': {
      const { mean, sd } = d;
      return (rng) => Math.max(0, mean + sd * normal01(rng));
    }
    case 'lognormal': {
      const { mu, sigma } = d;
      return (rng) => Math.exp(mu + sigma * normal01(rng));
    }
    case 'gamma': {
      const { shape, scale } = d;
      return (rng) => gamma(rng, shape) * scale;
    }
    case 'weibull': {
      const { shape, scale } = d;
      return (rng) => scale * Math.pow(-Math.log(1 - rng()), 1 / shape);
    }
    case 'empirical': {
      const s = d.samples.slice().sort((a, b) => a - b);
      if (s.length === 0) throw new RangeError('empirical distribution needs at least one sample');
      return (rng) => Math.max(0, s[Math.floor(rng() * s.length)]!);
    }
    case 'linear': {
      const base = compile(d.base);
      const k = d.perUnit;
      return (rng, x = 0) => Math.max(0, base(rng, x) + k * x);
    }
  }
}

/** Analytic mean in seconds (empirical: sample mean; linear: at x). */
export function mean(d: Distribution, x = 0): number {
  switch (d.type) {
    case 'constant': return d.value;
    case 'uniform': return (d.min + d.max) / 2;
    case 'exponential': return d.mean;
    case 'normal': return d.mean;
    case 'lognormal': return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
    case 'gamma': return d.shape * d.scale;
    case 'weibull': return d.scale * gammaFn(1 + 1 / d.shape);
    case 'empirical': return d.samples.reduce((a, b) => a + b, 0) / d.samples.length;
    case 'linear': return mean(d.base, x) + d.perUnit * x;
  }
}

/** Lanczos approximation of the gamma function (for Weibull moments). */
export function gammaFn(z: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gammaFn(1 - z));
  z -= 1;
  let x = c[0]!;
  for (let i = 1; i < g + 2; i++) x += c[i]! / (z + i);
  const t = z + g + 0.5;
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * x;
}

/** Multiplies a distribution's scale by `f` (used by what-if `--scale`); by 0 it is the constant 0. */
export function scaled(d: Distribution, f: number): Distribution {
  // A lognormal has no zero scale (log 0): every family at f = 0 is the point mass at 0.
  if (f === 0) return d.type === 'linear' ? { type: 'linear', base: { type: 'constant', value: 0 }, perUnit: 0 } : { type: 'constant', value: 0 };
  switch (d.type) {
    case 'constant': return { type: 'constant', value: d.value * f };
    case 'uniform': return { type: 'uniform', min: d.min * f, max: d.max * f };
    case 'exponential': return { type: 'exponential', mean: d.mean * f };
    case 'normal': return { type: 'normal', mean: d.mean * f, sd: d.sd * f };
    case 'lognormal': return { type: 'lognormal', mu: d.mu + Math.log(f), sigma: d.sigma };
    case 'gamma': return { type: 'gamma', shape: d.shape, scale: d.scale * f };
    case 'weibull': return { type: 'weibull', shape: d.shape, scale: d.scale * f };
    case 'empirical': return { type: 'empirical', samples: d.samples.map((s) => s * f) };
    case 'linear': return { type: 'linear', base: scaled(d.base, f), perUnit: d.perUnit * f };
  }
}
