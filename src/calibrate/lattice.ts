/**
 * Periodic tickers seen through noisy instants: propeller's informer resync and the sub-queue
 * batch goroutine fire on a global lattice phase + k * period. Given instants that should sit on
 * such a lattice (each known within [lo, hi] seconds), find the period among the values Flyte
 * configurations use.
 *
 * For a candidate period P, every instant covers an arc of the circle [0, P); the best phase is the
 * point covered by the most arcs, and `score` is that fraction. An arc as wide as P covers
 * everything, so the score is compared with what random instants would reach (`chance`, the mean
 * arc width over P): kappa = (score - chance) / (1 - chance). Divisors of the true period score as
 * well as the period itself and multiples score about 1/m, so the choice is the period the instants
 * support most strongly (the score's divergence from chance, times the number of instants), or a
 * larger one whose kappa is close to it.
 */

export interface LatticePoint {
  lo: number;
  hi: number;
}

export interface LatticeCandidate {
  period: number;
  /** Best phase in [0, period). */
  phase: number;
  score: number;
  chance: number;
  kappa: number;
}

export interface LatticeFit {
  best?: LatticeCandidate;
  /** Distinct instants used. */
  points: number;
  /** Time spanned by the instants (s). */
  span: number;
  candidates: LatticeCandidate[];
}

export interface LatticeOptions {
  /** Periods to try (seconds). */
  periods: readonly number[];
  /** Slack added on both sides of every instant (s). */
  tolerance: number;
  /** Smallest kappa accepted (default 0.6). */
  minKappa?: number;
  /** A larger period is preferred while its kappa is within this of the best (default 0.1). */
  slack?: number;
  /** Fewest distinct instants to decide anything (default 6). */
  minPoints?: number;
  /** Periods above span / minCycles are not tried (default 2). */
  minCycles?: number;
}

const mod = (x: number, p: number): number => ((x % p) + p) % p;

/** Score of one period: best phase, fraction of arcs covering it, chance level. */
export function scorePeriod(points: readonly LatticePoint[], period: number, tolerance: number): LatticeCandidate {
  const ev: [number, number][] = [];
  let always = 0;
  let chanceSum = 0;
  for (const p of points) {
    const width = p.hi - p.lo + 2 * tolerance;
    chanceSum += Math.min(1, width / period);
    if (width >= period) {
      always++;
      continue;
    }
    const s = mod(p.lo - tolerance, period);
    const e = s + width;
    ev.push([s, 1], [e, -1]);
    if (e > period) ev.push([s - period, 1], [e - period, -1]);
  }
  // Opening before closing at equal positions: touching arcs count as overlapping.
  ev.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let cur = 0;
  let bestCount = 0;
  let bestAt = 0;
  for (const [x, d] of ev) {
    cur += d;
    if (cur > bestCount && x >= 0 && x < period) {
      bestCount = cur;
      bestAt = x;
    }
  }
  const n = points.length;
  const score = n > 0 ? (bestCount + always) / n : 0;
  const chance = n > 0 ? chanceSum / n : 1;
  const kappa = chance < 1 ? (score - chance) / (1 - chance) : 0;
  return { period, phase: bestAt, score, chance, kappa };
}

/** Distinct instants (equal bounds merged: one tick seen by many executions counts once). */
export function distinctPoints(points: readonly LatticePoint[]): LatticePoint[] {
  const seen = new Set<string>();
  const out: LatticePoint[] = [];
  for (const p of points) {
    const k = `${p.lo}:${p.hi}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(p);
  }
  return out;
}

export function fitLattice(raw: readonly LatticePoint[], opts: LatticeOptions): LatticeFit {
  const points = distinctPoints(raw);
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    min = Math.min(min, p.lo);
    max = Math.max(max, p.hi);
  }
  const span = points.length > 0 ? max - min : 0;
  const minPoints = opts.minPoints ?? 6;
  const out: LatticeFit = { points: points.length, span, candidates: [] };
  if (points.length < minPoints) return out;
  const maxPeriod = span / (opts.minCycles ?? 2);
  for (const period of opts.periods) {
    if (period > maxPeriod) continue;
    const c = scorePeriod(points, period, opts.tolerance);
    if (c.chance < 0.95) out.candidates.push(c);
  }
  if (out.candidates.length === 0) return out;
  const top = Math.max(...out.candidates.map((c) => c.kappa));
  const minKappa = opts.minKappa ?? 0.6;
  if (top < minKappa) return out;
  const slack = opts.slack ?? 0.1;
  // The anchor is the candidate the instants support most strongly: a short period whose arcs
  // cover half the circle reaches a top kappa by luck on a few points more easily than the true
  // period does with one stray point. Larger periods within the slack of its kappa are preferred.
  let anchor: LatticeCandidate | undefined;
  let anchorEvidence = -1;
  for (const c of out.candidates) {
    if (c.kappa < minKappa) continue;
    const e = evidence(c, points.length);
    if (e > anchorEvidence || (e === anchorEvidence && anchor !== undefined && c.period > anchor.period)) {
      anchor = c;
      anchorEvidence = e;
    }
  }
  if (anchor === undefined) return out;
  let best = anchor;
  for (const c of out.candidates) {
    if (c.period > best.period && c.kappa >= minKappa && c.kappa >= anchor.kappa - slack && evidence(c, points.length) >= anchorEvidence / 2) best = c;
  }
  out.best = best;
  return out;
}

/**
 * How strongly `n` instants support a candidate: n times the Kullback-Leibler divergence of its
 * score from its chance level (minus the log of the chance that random instants score as well).
 */
function evidence(c: LatticeCandidate, n: number): number {
  const q = c.score;
  const p = c.chance;
  if (!(q > p) || p <= 0 || p >= 1) return 0;
  const term = (a: number, b: number): number => (a > 0 ? a * Math.log(a / b) : 0);
  return n * (term(q, p) + term(1 - q, 1 - p));
}

/** Periods a resync (workflow-reeval-duration) is configured with: whole seconds, then round minutes. */
export const REEVAL_PERIODS: readonly number[] = [
  ...Array.from({ length: 300 }, (_, i) => i + 1),
  360, 420, 480, 540, 600, 720, 900, 1200, 1800, 2700, 3600,
];

/** Periods a sub-queue batching interval is configured with. */
export const BATCHING_PERIODS: readonly number[] = [0.05, 0.1, 0.2, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20, 30, 60];

/**
 * Snaps a duration to the values Flyte configurations use: 0 below 5 ms, simple fractions below
 * 1 s, halves up to 3 s, whole seconds above.
 */
export function snapSeconds(x: number): number {
  if (!(x > 0.005)) return 0;
  if (x < 0.95) {
    const grid = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9];
    let best = grid[0]!;
    for (const g of grid) if (Math.abs(Math.log(x / g)) < Math.abs(Math.log(x / best))) best = g;
    return best;
  }
  if (x < 3) return Math.round(x * 2) / 2;
  return Math.round(x);
}
