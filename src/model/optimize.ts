/**
 * Small numerical tools for likelihood fitting: Nelder-Mead minimization, central-difference
 * gradient and Hessian, and a Jacobi eigen-decomposition for the (tiny) symmetric Hessians.
 * Objective functions may return +Infinity (or NaN) for infeasible points: those vertices are
 * simply never accepted.
 */

export interface MinimizeResult {
  x: number[];
  f: number;
  evaluations: number;
  converged: boolean;
}

export interface NelderMeadOptions {
  /** Initial simplex step per coordinate (default 0.5). */
  step?: number | readonly number[];
  maxEvaluations?: number;
  /** Stop when the simplex's function values agree within fTol and its extent is below xTol. */
  fTol?: number;
  xTol?: number;
}

const bad = (v: number): number => (Number.isNaN(v) ? Infinity : v);

/** Nelder-Mead with standard coefficients (reflect 1, expand 2, contract 1/2, shrink 1/2) and one restart. */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], opts: NelderMeadOptions = {}): MinimizeResult {
  const maxEval = opts.maxEvaluations ?? 2000;
  let evaluations = 0;
  const ev = (x: number[]): number => {
    evaluations++;
    return bad(f(x));
  };
  let best = runSimplex(ev, x0.slice(), opts, () => evaluations >= maxEval);
  // A restart from the optimum rebuilds a fresh simplex and catches premature collapse.
  if (evaluations < maxEval) {
    const again = runSimplex(ev, best.x, { ...opts, step: scaleStep(opts.step, 0.1) }, () => evaluations >= maxEval);
    if (again.f <= best.f) best = again;
  }
  return { x: best.x, f: best.f, evaluations, converged: best.converged };
}

function scaleStep(step: NelderMeadOptions['step'], k: number): number | number[] {
  if (step === undefined) return 0.5 * k;
  if (typeof step === 'number') return step * k;
  return step.map((s) => s * k);
}

function runSimplex(
  f: (x: number[]) => number,
  x0: number[],
  opts: NelderMeadOptions,
  exhausted: () => boolean,
): { x: number[]; f: number; converged: boolean } {
  const n = x0.length;
  const fTol = opts.fTol ?? 1e-10;
  const xTol = opts.xTol ?? 1e-8;
  const stepOf = (i: number): number =>
    typeof opts.step === 'number' ? opts.step : (opts.step?.[i] ?? 0.5);
  const pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const p = x0.slice();
    p[i] = p[i]! + stepOf(i);
    pts.push(p);
  }
  const vals = pts.map(f);
  const order = (): void => {
    const idx = pts.map((_, i) => i).sort((a, b) => vals[a]! - vals[b]!);
    const p2 = idx.map((i) => pts[i]!);
    const v2 = idx.map((i) => vals[i]!);
    for (let i = 0; i <= n; i++) { pts[i] = p2[i]!; vals[i] = v2[i]!; }
  };
  const combine = (a: number[], b: number[], t: number): number[] => a.map((ai, i) => ai + t * (b[i]! - ai));
  let converged = false;
  while (!exhausted()) {
    order();
    const fb = vals[0]!, fw = vals[n]!;
    let extent = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) extent = Math.max(extent, Math.abs(pts[i]![j]! - pts[0]![j]!));
    const spread = Math.abs(fw - fb);
    // A flat ridge (values equal to ~1e-13) counts as converged even if the simplex is still wide.
    if (Number.isFinite(fw) && spread <= fTol * (1 + Math.abs(fb)) && (extent <= xTol || spread <= 1e-13 * (1 + Math.abs(fb)))) {
      converged = true;
      break;
    }
    if (extent <= 1e-14) { converged = Number.isFinite(fb); break; }
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += pts[i]![j]! / n;
    const worst = pts[n]!;
    const xr = combine(centroid, worst, -1);
    const fr = f(xr);
    if (fr < fb) {
      const xe = combine(centroid, worst, -2);
      const fe = f(xe);
      if (fe < fr) { pts[n] = xe; vals[n] = fe; } else { pts[n] = xr; vals[n] = fr; }
    } else if (fr < vals[n - 1]!) {
      pts[n] = xr; vals[n] = fr;
    } else {
      const outside = fr < fw;
      const xc = outside ? combine(centroid, xr, 0.5) : combine(centroid, worst, 0.5);
      const fc = f(xc);
      if (fc < (outside ? fr : fw)) {
        pts[n] = xc; vals[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          pts[i] = combine(pts[0]!, pts[i]!, 0.5);
          vals[i] = f(pts[i]!);
        }
      }
    }
  }
  order();
  return { x: pts[0]!, f: vals[0]!, converged };
}

/** Default finite-difference step for coordinate value v. */
function stepFor(v: number, rel: number): number {
  return rel * Math.max(1, Math.abs(v));
}

/** Central-difference gradient. */
export function gradient(f: (x: number[]) => number, x: readonly number[], rel = 1e-5): number[] {
  return x.map((xi, i) => {
    const h = stepFor(xi, rel);
    const a = x.slice(); a[i] = xi + h;
    const b = x.slice(); b[i] = xi - h;
    return (f(a) - f(b)) / (2 * h);
  });
}

/** Central-difference Hessian (4-point formula off the diagonal). */
export function hessian(f: (x: number[]) => number, x: readonly number[], rel = 1e-4): number[][] {
  const n = x.length;
  const f0 = f(x.slice());
  const h = x.map((xi) => stepFor(xi, rel));
  const at = (di: number, si: number, dj: number, sj: number): number => {
    const p = x.slice();
    p[di] = p[di]! + si * h[di]!;
    p[dj] = p[dj]! + sj * h[dj]!;
    return f(p);
  };
  const H: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const p = x.slice(); p[i] = x[i]! + h[i]!;
    const m = x.slice(); m[i] = x[i]! - h[i]!;
    H[i]![i] = (f(p) - 2 * f0 + f(m)) / (h[i]! * h[i]!);
    for (let j = 0; j < i; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h[i]! * h[j]!);
      H[i]![j] = v;
      H[j]![i] = v;
    }
  }
  return H;
}

/** Eigen-decomposition of a small symmetric matrix (cyclic Jacobi). vectors[k] is the k-th eigenvector. */
export function symmetricEigen(a: readonly (readonly number[])[]): { values: number[]; vectors: number[][] } {
  const n = a.length;
  const m = a.map((r) => r.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! * m[p]![q]!;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!, mkq = m[k]![q]!;
          m[k]![p] = c * mkp - s * mkq;
          m[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!, mqk = m[q]![k]!;
          m[p]![k] = c * mpk - s * mqk;
          m[q]![k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!, vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return {
    values: m.map((r, i) => r[i]!),
    vectors: Array.from({ length: n }, (_, k) => v.map((row) => row[k]!)),
  };
}

/**
 * Variance of the linear form g'theta under the covariance inverse(H), from H's eigen-decomposition.
 * Eigenvalues are floored at 1e-10 of the largest: a flat (or non-concave) direction then makes the
 * variance enormous unless g is orthogonal to it, which is what a ridge of equal likelihood means
 * (e.g. shape and scale unidentified separately while the mean is pinned down).
 */
export function quadFormInverse(eig: { values: number[]; vectors: number[][] }, g: readonly number[]): number {
  const maxVal = Math.max(0, ...eig.values);
  if (!(maxVal > 0)) return g.some((x) => x !== 0) ? Infinity : 0;
  const floor = 1e-10 * maxVal;
  let v = 0;
  for (let k = 0; k < eig.values.length; k++) {
    const vec = eig.vectors[k]!;
    let dot = 0;
    for (let i = 0; i < g.length; i++) dot += vec[i]! * g[i]!;
    v += (dot * dot) / Math.max(floor, eig.values[k]!);
  }
  return v;
}
