/**
 * Absolute time parsing and duration formatting. Absolute instants are BigInt nanoseconds since
 * the Unix epoch; Timeline times are numbers relative to an origin (exact for ~104 days).
 */

const NS_PER_S = 1_000_000_000n;

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface ParsedInstant {
  /** Nanoseconds since the Unix epoch. */
  ns: bigint;
  /** Number of fractional-second digits present (0 for whole seconds). */
  fracDigits: number;
}

// YYYY-MM-DD[T ]HH:MM:SS[.frac](Z|±HH:MM|±HHMM)?
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\d*(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an RFC3339 / RFC3339Nano timestamp (Z or an offset; no zone means UTC).
 * Returns undefined when the text is not a timestamp.
 */
export function parseRfc3339(text: string): ParsedInstant | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, ys, mos, ds, hs, mis, ss, frac, zone] = m;
  const y = Number(ys), mo = Number(mos), d = Number(ds), h = Number(hs), mi = Number(mis), s = Number(ss);
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let secs = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const off = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60;
    secs -= sign * off;
  }
  let ns = BigInt(secs) * NS_PER_S;
  let fracDigits = 0;
  if (frac) {
    fracDigits = frac.length;
    ns += BigInt(frac.padEnd(9, '0'));
  }
  return { ns, fracDigits };
}

/** Formats epoch nanoseconds as RFC3339 with the given number of fractional digits (0 = whole seconds). */
export function formatRfc3339(ns: bigint, fracDigits = 0): string {
  let secs = ns / NS_PER_S;
  let rem = ns % NS_PER_S;
  if (rem < 0n) {
    rem += NS_PER_S;
    secs -= 1n;
  }
  const iso = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  if (fracDigits <= 0) return `${iso}Z`;
  return `${iso}.${rem.toString().padStart(9, '0').slice(0, fracDigits)}Z`;
}

/** Resolution (width of the uncertainty interval) implied by a timestamp's fractional digits. */
export function resolutionNs(fracDigits: number): number {
  return fracDigits >= 9 ? 1 : 10 ** (9 - fracDigits);
}

/** Human duration: `850 ms`, `12.3 s`, `4 min 05 s`; never rounds a positive value to zero. */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  const sign = ns < 0 ? '-' : '';
  if (a === 0) return '0 ms';
  if (a < 1_000) return `${sign}${a} ns`;
  if (a < 1_000_000) return `${sign}${(a / 1_000).toPrecision(3)} µs`;
  if (a < 1_000_000_000) return `${sign}${(a / 1_000_000).toPrecision(3)} ms`;
  if (a < 60_000_000_000) return `${sign}${(a / 1e9).toPrecision(3)} s`;
  const totalS = Math.round(a / 1e9);
  const min = Math.floor(totalS / 60);
  const s = totalS % 60;
  if (min < 60) return `${sign}${min} min ${String(s).padStart(2, '0')} s`;
  return `${sign}${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/**
 * A duration with its bounds. Exact when `lo === hi`: `12.3 ms`; otherwise the best estimate and
 * the interval: `~500 ms [0 … 1.00 s]`.
 */
export function formatBounded(est: number, lo: number, hi: number): string {
  if (lo === hi) return formatDuration(est);
  return `~${formatDuration(est)} [${formatDuration(lo)} … ${formatDuration(hi)}]`;
}
