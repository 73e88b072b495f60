/**
 * Special functions for likelihood fitting: erfc and the normal CDF/quantile, log-gamma,
 * the regularized incomplete gamma functions, digamma/trigamma, and Gauss-Legendre nodes.
 * Accuracy targets are near double precision (relative error ~1e-14) in the ranges the fitter uses.
 */

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * erfc(x). For |x| < 2: 1 - erf(x) with erf from the all-positive-term series
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (1*3*...*(2n+1)) (no cancellation; erfc(2) = 4.7e-3 so
 * the subtraction loses at most ~2.5 digits). For x >= 2: the Laplace continued fraction, evaluated with
 * the modified Lentz method, which converges quickly there.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27) return 0;
  return Math.exp(-x * x - logErfcCfTail(x));
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-x2)) * sum;
}

/**
 * -log of the continued-fraction factor: erfc(x) = exp(-x^2) / sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
 * Returns -log(cf / sqrt(pi)) so that erfc = exp(-x^2 - result). Valid for x >= ~1.5.
 */
function logErfcCfTail(x: number): number {
  const tiny = 1e-300;
  // f = x + a1/(x + a2/(x + ...)), a_n = n/2.
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = x + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.log(f * SQRT_PI);
}

/** log(erfc(x)), accurate also far into the tail where erfc underflows. */
export function logErfc(x: number): number {
  if (x < 2) return Math.log(erfc(x));
  return -x * x - logErfcCfTail(x);
}

/** Standard normal CDF. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** Standard normal survival function 1 - Phi(z), without cancellation for large z. */
export function normSf(z: number): number {
  return 0.5 * erfc(z / SQRT2);
}

/** log Phi(z), finite far into the lower tail. */
export function logNormCdf(z: number): number {
  return Math.log(0.5) + logErfc(-z / SQRT2);
}

/** Standard normal log density. */
export function normLogPdf(z: number): number {
  return -0.5 * z * z - LN_SQRT_2PI;
}

export function normPdf(z: number): number {
  return Math.exp(normLogPdf(z));
}

/**
 * Standard normal quantile: a rational starting value (Abramowitz-Stegun 26.2.23, |error| < 4.5e-4)
 * polished by Halley steps on the precise CDF.
 */
export function normQuantile(p: number): number {
  if (!(p > 0)) return p === 0 ? -Infinity : NaN;
  if (!(p < 1)) return p === 1 ? Infinity : NaN;
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  z = p < 0.5 ? -z : z;
  for (let i = 0; i < 3; i++) {
    // Residual on the side of the smaller tail to keep relative precision.
    const e = p < 0.5 ? normCdf(z) - p : q - normSf(z);
    const u = e / normPdf(z);
    z -= u / (1 + (z * u) / 2);
  }
  return z;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Gamma(z) for z > 0 (Lanczos, g = 7). */
export function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lnGamma(1 - z);
  const zz = z - 1;
  let x = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) x += LANCZOS[i]! / (zz + i);
  const t = zz + 7.5;
  return LN_SQRT_2PI + (zz + 0.5) * Math.log(t) - t + Math.log(x);
}

/** Digamma psi(x), x > 0: upward recurrence to x >= 12, then the asymptotic series. */
export function digamma(x: number): number {
  let acc = 0;
  while (x < 12) {
    acc -= 1 / x;
    x += 1;
  }
  const x2 = 1 / (x * x);
  return (
    acc + Math.log(x) - 0.5 / x -
    x2 * (1 / 12 - x2 * (1 / 120 - x2 * (1 / 252 - x2 * (1 / 240 - x2 * (1 / 132)))))
  );
}

/** Trigamma psi'(x), x > 0. */
export function trigamma(x: number): number {
  let acc = 0;
  while (x < 12) {
    acc += 1 / (x * x);
    x += 1;
  }
  const x2 = 1 / (x * x);
  return acc + 1 / x + x2 / 2 + (x2 / x) * (1 / 6 - x2 * (1 / 30 - x2 * (1 / 42 - x2 * (1 / 30))));
}

/**
 * Regularized incomplete gamma functions [P(a, x), Q(a, x)] for a > 0, x >= 0. Series for x < a + 1,
 * Legendre continued fraction (modified Lentz) otherwise; the smaller of P and Q is computed directly,
 * so both keep relative precision in their tails.
 */
export function incGamma(a: number, x: number): [number, number] {
  if (!(x > 0)) return [0, 1];
  if (x === Infinity) return [1, 0];
  const logPrefix = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let ap = a;
    let term = 1 / a;
    let sum = term;
    for (let n = 0; n < 10000; n++) {
      ap += 1;
      term *= x / ap;
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const p = Math.min(1, Math.exp(logPrefix) * sum);
    return [p, 1 - p];
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const q = Math.min(1, Math.exp(logPrefix) * h);
  return [1 - q, q];
}

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre recurrence). */
export function gaussLegendre(n: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let j = 2; j <= n; j++) {
        const p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      // p1 = P_n(z), p0 = P_{n-1}(z)
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    const w = 2 / ((1 - z * z) * dp * dp);
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}
