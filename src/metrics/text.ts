/**
 * Small text helpers shared by the report, diff and what-if renderers (text and HTML): aligned
 * columns, bounded durations, percentages, byte sizes, values by unit.
 */
import { formatBounded, formatDuration } from '../timeline/time.js';
import type { Bound } from './report-json.js';

export type Align = 'l' | 'r';

/**
 * Columns `s` takes in a terminal: a code point each, two for East Asian wide and fullwidth ones
 * (CJK node ids), none for combining marks.
 */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x1100) w += c >= 0x300 && c <= 0x36f ? 0 : 1;
    else if (
      c <= 0x115f ||
      (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1f64f) ||
      (c >= 0x20000 && c <= 0x3fffd)
    )
      w += 2;
    else w += 1;
  }
  return w;
}

/** Lays `rows` out in columns (widths from the widest cell, as a terminal shows it), trailing spaces trimmed. */
export function columns(rows: readonly (readonly string[])[], align: readonly Align[], indent = '', gap = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(c))));
  return rows.map((r) =>
    (
      indent +
      r
        .map((c, i) => {
          const pad = (widths[i] ?? 0) - displayWidth(c);
          return align[i] === 'r' ? ' '.repeat(pad) + c : c + ' '.repeat(pad);
        })
        .join(gap)
    ).trimEnd(),
  );
}

/** A duration with optional bounds: exact -> `1.23 s`; uncertain -> `~500 ms [0 … 1.00 s]`. */
export function dur(est: number, b?: Bound): string {
  return b ? formatBounded(est, b.lo, b.hi) : formatDuration(est);
}

export function pct(r: number): string {
  return `${(r * 100).toFixed(1)} %`;
}

/** A ratio with optional bounds: `33.3 %` or `~33.3 % [20.0 … 45.0 %]`. */
export function pctB(r: number, b?: Bound): string {
  if (!b || b.lo === b.hi) return pct(r);
  return `~${pct(r)} [${(b.lo * 100).toFixed(1)} … ${pct(b.hi)}]`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toPrecision(3)} KiB`;
  return `${(n / 1024 / 1024).toPrecision(3)} MiB`;
}

/** What a figure measures; it decides how a value prints. */
export type ValueUnit = 'ns' | 'ratio' | 'count' | 'bytes';

/** A value in its unit: `1.23 s`, `33.3 %`, `1.50 KiB`, `12` (a fractional count keeps one decimal). */
export function valueText(x: number, unit: ValueUnit): string {
  switch (unit) {
    case 'ns':
      return formatDuration(Math.round(x));
    case 'ratio':
      return pct(x);
    case 'bytes':
      return bytes(Math.round(x));
    case 'count':
      return Number.isInteger(x) ? String(x) : x.toFixed(1);
  }
}

/** The sign of a change: `−`, `+`, or `±` for none. */
export function signText(x: number): string {
  return x < 0 ? '−' : x > 0 ? '+' : '±';
}

/** A ratio's size as a percentage, without sign or `%`; the smaller, the more decimals: `12.3`, `1.23`, `0.123`, `<0.001`. */
export function percentDigits(r: number): string {
  const p = Math.abs(r) * 100;
  if (p === 0) return '0';
  return p >= 10 ? p.toFixed(1) : p >= 1 ? p.toFixed(2) : p >= 0.001 ? p.toFixed(3) : '<0.001';
}

/** `1 s` / `1 ms` style resolution phrase. */
export function resolutionPhrase(ns: number): string {
  return formatDuration(ns).replace(/^1\.00 /, '1 ');
}
