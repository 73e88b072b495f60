/**
 * Absolute time parsing and duration formatting. Absolute instants are BigInt nanoseconds since
 * the Unix epoch; Timeline times are numbers relative to an origin (exact for ~104 days).
 */

const NS_PER_S = 1_000_000_000n;

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
export function daysFromCivil(y: number, m: number, d: number): number {
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

/** An RFC3339 instant split into plain numbers (no BigInt), for hot paths. */
export interface Rfc3339Parts {
  /** Whole seconds since the Unix epoch (UTC). */
  sec: number;
  /** Nanoseconds within the second, 0 <= nsec < 1e9. */
  nsec: number;
  /** Number of fractional-second digits present (0 for whole seconds; at most 9 are kept). */
  fracDigits: number;
}

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigits(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * Parses `YYYY-MM-DD(T|t| )HH:MM:SS[(.|,)frac](Z|z|±HH:MM|±HHMM)?` (no zone means UTC) into
 * numbers. Fraction digits beyond the ninth are accepted and dropped. Returns undefined when the
 * text is not such a timestamp or a field is out of range. Scans characters (no regex, no
 * allocation) because log readers call it once per line.
 */
export function rfc3339Parts(text: string): Rfc3339Parts | undefined {
  const n = text.length;
  if (n < 19) return undefined;
  const y1 = twoDigits(text, 0);
  const y2 = twoDigits(text, 2);
  const mo = twoDigits(text, 5);
  const d = twoDigits(text, 8);
  const h = twoDigits(text, 11);
  const mi = twoDigits(text, 14);
  const s = twoDigits(text, 17);
  if (y1 < 0 || y2 < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return undefined;
  const t = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    (t !== 84 && t !== 116 && t !== 32) || // T t space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  let i = 19;
  let nsec = 0;
  let fracDigits = 0;
  const sep = text.charCodeAt(i);
  if (sep === 46 || sep === 44) {
    // . or ,
    i++;
    let scale = 100_000_000;
    while (i < n) {
      const c = digit(text, i);
      if (c < 0) break;
      if (fracDigits < 9) {
        nsec += c * scale;
        scale /= 10;
        fracDigits++;
      }
      i++;
    }
    if (fracDigits === 0) return undefined;
  }
  let offset = 0;
  if (i < n) {
    const z = text.charCodeAt(i);
    if (z === 90 || z === 122) {
      i++;
    } else if (z === 43 || z === 45) {
      const oh = twoDigits(text, i + 1);
      let j = i + 3;
      if (text.charCodeAt(j) === 58) j++;
      const om = twoDigits(text, j);
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return undefined;
      offset = (z === 45 ? -1 : 1) * (oh * 3600 + om * 60);
      i = j + 2;
    } else {
      return undefined;
    }
    if (i !== n) return undefined;
  }
  const sec = daysFromCivil(y1 * 100 + y2, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
  return { sec, nsec, fracDigits };
}

/**
 * Parses an RFC3339 / RFC3339Nano timestamp (Z or an offset; no zone means UTC).
 * Returns undefined when the text is not a timestamp.
 */
export function parseRfc3339(text: string): ParsedInstant | undefined {
  const p = rfc3339Parts(text);
  if (!p) return undefined;
  return { ns: BigInt(p.sec) * NS_PER_S + BigInt(p.nsec), fracDigits: p.fracDigits };
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

/** Three significant digits of `v` in `unit`, or undefined when rounding would reach 1000 (next unit). */
function sig3(v: number, unit: string): string | undefined {
  const t = v.toPrecision(3);
  return Number(t) >= 1000 ? undefined : `${t} ${unit}`;
}

/**
 * Human duration: `850 ms`, `12.3 s`, `4 min 05 s`; exact zero is `0 s`. Never rounds a positive
 * value to zero, and never prints an exponent (999.97 ms becomes `1.00 s`).
 */
export function formatDuration(ns: number): string {
  const a = Math.abs(ns);
  const sign = ns < 0 ? '-' : '';
  if (a === 0) return '0 s';
  if (a < 1_000) return `${sign}${Math.round(a) || '<1'} ns`;
  const small =
    (a < 1_000_000 ? sig3(a / 1_000, 'µs') : undefined) ??
    (a < 1_000_000_000 ? sig3(a / 1_000_000, 'ms') : undefined) ??
    (a < 59_950_000_000 ? sig3(a / 1e9, 's') : undefined);
  if (small !== undefined) return sign + small;
  const totalS = Math.round(a / 1e9);
  if (totalS < 3600) return `${sign}${Math.floor(totalS / 60)} min ${String(totalS % 60).padStart(2, '0')} s`;
  const totalMin = Math.round(a / 60e9);
  return `${sign}${Math.floor(totalMin / 60)} h ${String(totalMin % 60).padStart(2, '0')} min`;
}

/**
 * A duration with its bounds. Exact when `lo === hi`: `12.3 ms`; otherwise the best estimate and
 * the interval: `~500 ms [0 … 1.00 s]` (a zero bound prints as a bare `0`). An estimate of zero
 * with a positive upper bound says nothing beyond the interval, so only the interval is printed:
 * `[0 … 1.00 s]`, never a bare zero. Bounds too close to differ in three digits print as the
 * estimate alone, marked approximate: `~30.8 s`, not `~30.8 s [30.8 s … 30.8 s]`.
 */
export function formatBounded(est: number, lo: number, hi: number): string {
  if (lo === hi) return formatDuration(est);
  // A lower bound of a few ns under an upper bound of milliseconds or more is the 1 ns gap
  // between whole-second stamps, not a measurement: it prints as 0.
  const b = (x: number): string => (x === 0 || (x === lo && x < 1000 && hi >= 1e6) ? '0' : formatDuration(x));
  if (est === 0 && b(lo) === '0') return `[0 … ${b(hi)}]`;
  if (b(lo) === b(hi)) return `~${formatDuration(est)}`;
  return `~${formatDuration(est)} [${b(lo)} … ${b(hi)}]`;
}
