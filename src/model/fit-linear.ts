import type { Distribution } from '../engine/distributions.js';
import { FAMILIES } from './fit-families.js';
import { Z95 } from './fit-family.js';
import { prepare, type Observation } from './fit-likelihood.js';
import { DEFAULT_FAMILIES, fitPrepared, type FitOptions, type FitResult } from './fit.js';

/**
 * Size-dependent latency: duration = base + perUnit * x, with `base` a positive random variable
 * (etcd update vs CR bytes, blob operations vs object size).
 *
 * Method. perUnit and the intercept come from weighted least squares on point stand-ins: exact
 * values, interval midpoints (right-censored intervals at their lower end) and, for rounded
 * differences, k * r, which is an unbiased stand-in because E[k r | d] = d exactly under the
 * uniform-phase model. The base distribution is then fitted by maximum likelihood to the observations
 * shifted by perUnit * x (exact: value - b x; interval: [lo - b x, hi - b x]; rounded: the kernel
 * centred at k r - b x, with the shift rounded to r/64 so that observations group: the kernel moves by at
 * most r/128, i.e. its probability by at most 1/128, with errors of both signs). When a shifted
 * exact value or interval lies at or below 0 and no families were given, the base is fitted as a normal
 * (the engine clamps draws at 0).
 */

export type SizedObservation = Observation & { x: number };

/** Rounded-difference shifts are quantized to resolution / SHIFT_STEPS. */
const SHIFT_STEPS = 64;

export interface LinearFit {
  distribution: Distribution;
  intercept: number;
  interceptCI95: [number, number];
  perUnit: number;
  perUnitCI95: [number, number];
  /** Fit of the base (duration minus perUnit * x). */
  base: FitResult;
  n: number;
  /** Coefficient of determination of the least-squares fit on the stand-ins. */
  r2: number;
  notes: string[];
}

export function fitLinear(obs: readonly SizedObservation[], opts: FitOptions = {}): LinearFit {
  const notes: string[] = [];
  const xs: number[] = [], ys: number[] = [], ws: number[] = [];
  let rightCensored = 0;
  for (const o of obs) {
    const w = o.count ?? 1;
    if (!(w > 0) || !Number.isFinite(o.x)) continue;
    let y: number;
    if (o.kind === 'exact') y = o.value;
    else if (o.kind === 'interval') {
      if (Number.isFinite(o.hi)) y = (o.lo + o.hi) / 2;
      else { y = o.lo; rightCensored += w; }
    } else y = o.k * o.resolution;
    if (!Number.isFinite(y)) continue;
    xs.push(o.x); ys.push(y); ws.push(w);
  }
  if (rightCensored > 0) notes.push(`${rightCensored} right-censored observation(s) entered the regression at their lower bound`);

  let sw = 0, sx = 0, sy = 0;
  for (let i = 0; i < xs.length; i++) { sw += ws[i]!; sx += ws[i]! * xs[i]!; sy += ws[i]! * ys[i]!; }
  const mx = sw > 0 ? sx / sw : 0, my = sw > 0 ? sy / sw : 0;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx, dy = ys[i]! - my;
    sxx += ws[i]! * dx * dx; sxy += ws[i]! * dx * dy; syy += ws[i]! * dy * dy;
  }
  let b = 0;
  let bCI: [number, number] = [-Infinity, Infinity];
  let aCI: [number, number] = [-Infinity, Infinity];
  if (sxx > 0 && sw >= 2) {
    b = sxy / sxx;
  } else {
    notes.push('x does not vary: perUnit set to 0');
  }
  const a = my - b * mx;
  const sse = Math.max(0, syy - b * sxy);
  if (sxx > 0 && sw > 2) {
    const s2 = sse / (sw - 2);
    const seB = Math.sqrt(s2 / sxx);
    const seA = Math.sqrt(s2 * (1 / sw + (mx * mx) / sxx));
    bCI = [b - Z95 * seB, b + Z95 * seB];
    aCI = [a - Z95 * seA, a + Z95 * seA];
  }
  const r2 = syy > 0 ? 1 - sse / syy : 0;

  // Shifts; rounded ones quantized to r/SHIFT_STEPS so identical (k, shift) observations group.
  const shifts = obs.map((o) => {
    const s = b * (Number.isFinite(o.x) ? o.x : 0);
    return o.kind === 'rounded' ? Math.round((s * SHIFT_STEPS) / o.resolution) * (o.resolution / SHIFT_STEPS) : s;
  });
  let nonPositive = 0;
  obs.forEach((o, i) => {
    if (o.kind === 'exact' && o.value - shifts[i]! <= 0) nonPositive += o.count ?? 1;
    if (o.kind === 'interval' && Math.max(o.lo, o.hi) - shifts[i]! <= 0) nonPositive += o.count ?? 1;
  });
  let families = opts.families;
  if (!families) {
    families = nonPositive > 0 ? ['normal'] : DEFAULT_FAMILIES;
    if (nonPositive > 0) notes.push(`${nonPositive} observation(s) at or below perUnit * x: base fitted as a normal`);
  }
  const positive = families.some((f) => FAMILIES[f].positive);
  const base = fitPrepared(prepare(obs, positive, shifts), { ...opts, families }, () => prepare(obs, false, shifts));
  return {
    distribution: { type: 'linear', base: base.distribution, perUnit: b },
    intercept: a,
    interceptCI95: aCI,
    perUnit: b,
    perUnitCI95: bCI,
    base,
    n: sw,
    r2,
    notes,
  };
}
