import { nelderMead } from './optimize.js';

/**
 * Confidence intervals that survive non-quadratic likelihoods. Each interval starts as a Wald interval
 * (inverse observed information); its endpoints are then checked against the profile log-likelihood.
 * When the drop there is not z^2/2 = 1.92 (within 0.5), the quadratic approximation is wrong (a
 * likelihood pinned by a handful of tail observations, a parameter near a boundary) and the endpoint
 * is replaced by the profile-likelihood endpoint: the value where the log-likelihood, maximized over
 * the nuisance parameter, has dropped by 1.92. Endpoints that are not reached within `limit` are
 * reported as unbounded.
 */

export const Z95 = 1.959963984540054;
const TARGET = (Z95 * Z95) / 2;
/** Accept a Wald endpoint when its profile drop is within this of TARGET. */
const WALD_TOLERANCE = 0.5;

export interface ProfileQuantity {
  /** Natural parameters for quantity value q (natural units) and nuisance value (natural units). */
  build(q: number, nuisance: number): number[];
  /** Estimate (natural units) and nuisance at the optimum (NaN when there is no nuisance). */
  q: number;
  nuisance: number;
  /** Search on log q (positive quantities) and optimize log nuisance. */
  logQ: boolean;
  logNuisance: boolean;
  /** Wald standard error of q in the search scale (log q or q); NaN or Infinity when unknown. */
  waldSe: number;
  /** Largest distance from the estimate searched, in the search scale, and the first step. */
  limit: number;
  step: number;
}

export interface IntervalResult {
  ci: [number, number];
  method: 'wald' | 'profile';
  unbounded: [boolean, boolean];
}

/** `negLL` takes natural parameters and returns +Infinity where infeasible; `minNegLL` is its minimum. */
export function likelihoodInterval(negLL: (p: number[]) => number, minNegLL: number, q: ProfileQuantity): IntervalResult {
  const toT = (v: number): number => (q.logQ ? Math.log(v) : v);
  const fromT = (t: number): number => (q.logQ ? Math.exp(t) : t);
  const hasNuisance = Number.isFinite(q.nuisance);
  const toU = (v: number): number => (q.logNuisance ? Math.log(v) : v);
  const fromU = (u: number): number => (q.logNuisance ? Math.exp(u) : u);
  const t0 = toT(q.q);
  let warm = hasNuisance ? toU(q.nuisance) : NaN;

  const prof = (t: number): number => {
    const v = fromT(t);
    if (!hasNuisance) return negLL(q.build(v, NaN)) - minNegLL;
    const f = (u: number): number => {
      const r = negLL(q.build(v, fromU(u)));
      return Number.isNaN(r) ? Infinity : r;
    };
    let r = newton1D(f, warm);
    if (!Number.isFinite(r.f)) {
      const nm = nelderMead((u) => f(u[0]!), [warm], { step: 0.2, maxEvaluations: 200, fTol: 1e-10, xTol: 1e-6 });
      r = { u: nm.x[0]!, f: nm.f };
    }
    if (Number.isFinite(r.f)) warm = r.u;
    // Never below zero: the estimate is the optimum (tiny negatives are optimizer noise).
    return Math.max(0, r.f - minNegLL);
  };

  const side = (dir: 1 | -1): { t: number; profile: boolean; unbounded: boolean } => {
    warm = hasNuisance ? toU(q.nuisance) : NaN;
    let inner = t0, dInner = 0;
    let outer = NaN, dOuter = NaN;
    const se = q.waldSe;
    if (Number.isFinite(se) && se > 0) {
      const tw = t0 + dir * Z95 * se;
      const dw = prof(tw);
      if (Math.abs(dw - TARGET) <= WALD_TOLERANCE) return { t: tw, profile: false, unbounded: false };
      if (dw > TARGET) { outer = tw; dOuter = dw; } else { inner = tw; dInner = dw; }
      if (Math.abs(tw - t0) > q.limit && dw < TARGET) return { t: NaN, profile: true, unbounded: true };
    }
    if (Number.isNaN(outer)) {
      let dist = Math.max(Math.abs(inner - t0), q.step / 2);
      for (;;) {
        dist *= 2;
        if (dist > q.limit) return { t: NaN, profile: true, unbounded: true };
        const t = t0 + dir * dist;
        const dt = prof(t);
        if (dt >= TARGET) { outer = t; dOuter = dt; break; }
        inner = t; dInner = dt;
      }
    }
    // Alternate regula falsi and bisection on drop(t) - TARGET between inner (below) and outer (above).
    for (let it = 0; it < 40; it++) {
      let t = (inner + outer) / 2;
      if (it % 2 === 0 && Number.isFinite(dOuter)) {
        const rf = inner + ((TARGET - dInner) * (outer - inner)) / (dOuter - dInner);
        if ((rf - inner) * (outer - rf) > 0) t = rf;
      }
      const dt = prof(t);
      if (Math.abs(dt - TARGET) < 1e-3) return { t, profile: true, unbounded: false };
      if (dt >= TARGET) { outer = t; dOuter = dt; } else { inner = t; dInner = dt; }
      if (Math.abs(outer - inner) <= 1e-7 * (1 + Math.abs(t))) break;
    }
    // A bracket that closed on an infeasible edge while the drop is still small: not bounded by the data.
    if (!Number.isFinite(dOuter) && dInner < TARGET - WALD_TOLERANCE) return { t: NaN, profile: true, unbounded: true };
    return { t: (inner + outer) / 2, profile: true, unbounded: false };
  };

  const lo = side(-1);
  const hi = side(1);
  return {
    ci: [lo.unbounded ? (q.logQ ? 0 : -Infinity) : fromT(lo.t), hi.unbounded ? Infinity : fromT(hi.t)],
    method: lo.profile || hi.profile ? 'profile' : 'wald',
    unbounded: [lo.unbounded, hi.unbounded],
  };
}

/**
 * 1-D minimization by Newton steps on central-difference derivatives, with backtracking; falls back
 * to fixed descent steps where the function is not convex. Typically 10-15 evaluations from a warm start.
 */
export function newton1D(f: (u: number) => number, u0: number, h = 1e-3): { u: number; f: number } {
  let u = u0;
  let fu = f(u);
  if (!Number.isFinite(fu)) return { u, f: fu };
  for (let it = 0; it < 12; it++) {
    const fp = f(u + h), fm = f(u - h);
    if (fp < fu && fp <= fm && !(Number.isFinite(fm))) { u += h; fu = fp; continue; }
    const g = (fp - fm) / (2 * h);
    const H = (fp - 2 * fu + fm) / (h * h);
    let step = H > 0 && Number.isFinite(H) ? -g / H : -Math.sign(g || 1) * 0.5;
    if (!Number.isFinite(step)) step = fp < fm ? 0.5 : -0.5;
    step = Math.max(-2, Math.min(2, step));
    let un = u + step, fn = f(un);
    while (!(fn < fu) && Math.abs(step) > 1e-9) {
      step /= 2;
      un = u + step;
      fn = f(un);
    }
    if (!(fn < fu)) {
      // No descent along the Newton direction: take the better probe if any, else stop.
      if (Math.min(fp, fm) < fu) { if (fp < fm) { u += h; fu = fp; } else { u -= h; fu = fm; } continue; }
      break;
    }
    const small = Math.abs(un - u) < 1e-7 && fu - fn < 1e-10;
    u = un;
    fu = fn;
    if (small) break;
  }
  return { u, f: fu };
}
