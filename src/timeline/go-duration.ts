/**
 * A duration as Go's `time.Duration.String()` prints it ("40m0s", "1h0m0s", "1.5s", "250ms"):
 * propeller writes deadlines this way in its messages and logs.
 */
export function goDuration(ns: number): string {
  let n = Math.round(Math.abs(ns));
  const sign = ns < 0 ? '-' : '';
  if (n === 0) return '0s';
  if (n < 1e3) return `${sign}${n}ns`;
  if (n < 1e6) return `${sign}${fraction(n, 1e3)}µs`;
  if (n < 1e9) return `${sign}${fraction(n, 1e6)}ms`;
  const h = Math.floor(n / 3.6e12);
  n -= h * 3.6e12;
  const m = Math.floor(n / 6e10);
  n -= m * 6e10;
  const s = fraction(n, 1e9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}

// Go's ParseDuration takes both micro signs: U+00B5 (what Go prints) and the Greek mu U+03BC.
const GO_UNIT_NS: Record<string, number> = { h: 3.6e12, m: 6e10, s: 1e9, ms: 1e6, us: 1e3, '\u00b5s': 1e3, '\u03bcs': 1e3, ns: 1 };
const GO_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|\u00b5s|\u03bcs|ns)/y;

/** Nanoseconds of a duration as Go prints it (`40m0s`, `1.5s`); undefined for anything else. */
export function parseGoDuration(text: string): number | undefined {
  let i = 0;
  let total = 0;
  while (i < text.length) {
    GO_PART.lastIndex = i;
    const m = GO_PART.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * GO_UNIT_NS[m[2]!]!;
    i = GO_PART.lastIndex;
  }
  return i > 0 ? Math.round(total) : undefined;
}

/** `n / unit` with the fractional digits Go prints (no trailing zeros). */
function fraction(n: number, unit: number): string {
  const whole = Math.floor(n / unit);
  const rest = n - whole * unit;
  if (rest === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(digits, '0').replace(/0+$/, '')}`;
}
