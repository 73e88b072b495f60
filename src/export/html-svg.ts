/**
 * Building blocks of the HTML pages: escaping, compact deterministic numbers for SVG coordinates,
 * time axes, and the overhead palette. SVG is written as plain strings (inline in the page, so no
 * `xmlns` is needed and the page names no external resource).
 */
import { formatDuration } from '../timeline/time.js';

/** Overhead categories in drawing order, with their CSS class (colours live in the page CSS). */
export const CATEGORIES = [
  { key: 'user', label: 'user', cls: 'u' },
  { key: 'flyte', label: 'Flyte', cls: 'f' },
  { key: 'external', label: 'external', cls: 'x' },
] as const;
export type Category = (typeof CATEGORIES)[number]['key'];
export const CATEGORY_CLASS: Record<Category, string> = { user: 'u', flyte: 'f', external: 'x' };

// C0 controls (other than tab and newline) and lone surrogates are not valid in HTML text.
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes text for HTML content and attribute values (both quote kinds). */
export function esc(text: string): string {
  return text
    .replace(INVALID, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Shortens text to `max` characters (the full text belongs in a tooltip). */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** A coordinate with one decimal, no trailing `.0`, never `-0`: short and identical across runs. */
export function n1(x: number): string {
  if (!Number.isFinite(x)) return '0';
  const r = Math.round(x * 10) / 10;
  return r === 0 ? '0' : String(r);
}

/** `<rect>` with a class; widths below 0 are clamped. */
export function rect(cls: string, x: number, y: number, w: number, h: number, extra = ''): string {
  return `<rect class="${cls}" x="${n1(x)}" y="${n1(y)}" width="${n1(Math.max(0, w))}" height="${n1(h)}"${extra}/>`;
}

/** An SVG element title (native tooltip, shown without scripts). */
export function title(text: string): string {
  return `<title>${esc(text)}</title>`;
}

/** Opening tag of an inline SVG drawn at its natural size and shrunk to fit narrow pages. */
export function svgOpen(width: number, height: number, label: string, cls = 'chart'): string {
  return `<svg class="${cls}" viewBox="0 0 ${n1(width)} ${n1(height)}" width="${n1(width)}" height="${n1(height)}" role="img" aria-label="${esc(label)}">`;
}

/** A step of 1, 2 or 5 × 10^k that cuts `span` into at most about `target` parts. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Nice tick positions in [lo, hi] (offsets from `lo` for time axes are done by the caller). */
export function ticks(lo: number, hi: number, target: number): number[] {
  const step = niceStep(hi - lo, target);
  const out: number[] = [];
  const first = Math.ceil(lo / step) * step;
  for (let k = 0; k < 1000; k++) {
    const t = first + k * step;
    if (t > hi + step * 1e-9) break;
    out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return out;
}

/** Duration for people (`1.23 s`), rounding to whole nanoseconds first. */
export function durText(ns: number): string {
  return formatDuration(Math.round(ns));
}

/**
 * A time axis with grid lines: ticks at nice offsets from `origin` (labelled as durations since
 * it), drawn over [x0, x1] mapping [t0, t1].
 */
export function timeAxis(
  origin: number,
  t0: number,
  t1: number,
  x0: number,
  x1: number,
  yLabel: number,
  yGrid0: number,
  yGrid1: number,
): string {
  const span = t1 - t0;
  if (!(span > 0)) return '';
  const sx = (t: number): number => x0 + ((t - t0) / span) * (x1 - x0);
  const out: string[] = [];
  for (const off of ticks(t0 - origin, t1 - origin, 8)) {
    const x = sx(origin + off);
    out.push(`<line class="grid" x1="${n1(x)}" y1="${n1(yGrid0)}" x2="${n1(x)}" y2="${n1(yGrid1)}"/>`);
    out.push(`<text class="tick" x="${n1(x)}" y="${n1(yLabel)}">${esc(off === 0 ? '0' : durText(off))}</text>`);
  }
  return out.join('');
}

/** Natural order for worker names (`worker-2` before `worker-10`), deterministic without locales. */
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) ?? [];
  const pb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny) && nx !== ny) return nx - ny;
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
