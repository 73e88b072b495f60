/**
 * Text output of `whatif` and of `simulate --reps`: per figure the baseline and variant means,
 * Δ ± the 95% CI half-width and the relative Δ, like a benchmark comparison. Figures that did not
 * change in any replication are named on one line; a Δ whose CI includes 0 is flagged; when the
 * run stopped before reaching the requested precision, the line says what to change.
 */
import { bytes, columns, percentDigits, signText, valueText } from '../metrics/text.js';
import { formatDuration } from '../timeline/time.js';
import { describeChanges, effectText } from './changes.js';
import { ALL_FIGURES, EXECUTION_FIGURES, type FigureDef, type FigureUnit } from './figures.js';
import type { DeltaEstimate, WhatifJson } from './paired.js';
import type { Estimate, ReplicationsJson } from './replications.js';

/** A magnitude (no sign) for a half-width or a change. */
export function magnitude(x: number, unit: FigureUnit): string {
  const a = Math.abs(x);
  switch (unit) {
    case 'ns':
      return formatDuration(Math.round(a));
    case 'ratio':
      return `${percentDigits(a)} pp`;
    case 'bytes':
      return bytes(Math.round(a));
    case 'count':
      return a === 0 ? '0' : a >= 100 ? a.toFixed(0) : a >= 1 ? a.toFixed(2) : a.toPrecision(2);
  }
}


/** `+1.20 s ± 88.0 ms`. */
export function deltaText(d: DeltaEstimate, unit: FigureUnit): string {
  if (d.mean === null) return '—';
  const h = d.halfWidth === null ? '' : ` ± ${magnitude(d.halfWidth, unit)}`;
  return `${signText(d.mean)}${magnitude(d.mean, unit)}${h}`;
}

/** `−8.76 % ± 0.640 %`. */
export function relativeText(d: DeltaEstimate): string {
  if (d.relative === null) return '';
  const h = d.relativeCi95 ? ` ± ${percentDigits((d.relativeCi95[1] - d.relativeCi95[0]) / 2)} %` : '';
  return `${signText(d.relative)}${percentDigits(d.relative)} %${h}`;
}

export const includesZero = (d: DeltaEstimate): boolean => d.ci95 !== null && d.ci95[0] <= 0 && d.ci95[1] >= 0;

function figureRows(delta: Record<string, DeltaEstimate>, figures: readonly FigureDef[]): { rows: string[][]; unchanged: string[] } {
  const rows: string[][] = [['', 'baseline', 'variant', 'Δ (95% CI)', 'relative', '']];
  const unchanged: string[] = [];
  for (const f of figures) {
    const d = delta[f.key];
    if (!d || d.n === 0 || d.baseline === null || d.variant === null) continue;
    if (d.unchanged) {
      unchanged.push(f.label);
      continue;
    }
    rows.push([
      f.label,
      valueText(d.baseline, f.unit),
      valueText(d.variant, f.unit),
      deltaText(d, f.unit),
      relativeText(d),
      includesZero(d) ? 'CI includes 0' : '',
    ]);
  }
  return { rows, unchanged };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The what-if result for people. */
export function renderWhatif(w: WhatifJson, opts: { maxExecutions?: number } = {}): string {
  const out: string[] = [];
  out.push(`What if: ${describeChanges(w.changes)}`);
  for (const e of w.effects) out.push(`  ${effectText(e)}`);
  if (w.effects.length === 0) out.push('  (the change leaves the model as it was)');
  const n = w.executions.length;
  out.push('');
  out.push(`${plural(n, 'execution')}, ${plural(w.replications, 'paired replication')} (seed ${w.seed}).`);
  const dm = w.delta.makespanNs;
  const target = formatDuration(Math.round(w.targetHalfWidthNs));
  const reached = dm !== undefined && dm.halfWidth !== null && dm.halfWidth < w.targetHalfWidthNs;
  if (w.precision === 0) {
    out.push(`Ran the ${plural(w.replications, 'replication')} asked for (--precision 0: no early stop).`);
  } else if (!reached && dm && dm.halfWidth !== null) {
    out.push(
      `Stopped at the replication limit (${w.maxReps}) with Δmakespan ± ${formatDuration(Math.round(dm.halfWidth))}, ` +
        `wider than the target ± ${target}: raise --reps or loosen --precision.`,
    );
  } else if (reached) {
    out.push(`Stopped when the Δmakespan CI was within ± ${target} (${(w.precision * 100).toPrecision(2)} % of the baseline makespan).`);
  }
  out.push('');
  const { rows, unchanged } = figureRows(w.delta, ALL_FIGURES);
  if (rows.length === 1) {
    out.push('No figure changed in any replication: the change has no effect on these executions.');
    return `${out.join('\n')}\n`;
  }
  if (n > 1) out.push('Mean over executions of each execution’s change:');
  out.push(...columns(rows, ['l', 'r', 'r', 'r', 'r', 'l'], '  '));
  if (unchanged.length > 0) out.push(`  Unchanged in every replication: ${unchanged.join(', ')}.`);

  if (dm && dm.halfWidth !== null && dm.unpairedHalfWidth !== null && !dm.unchanged) {
    const ratio = dm.halfWidth > 0 ? dm.unpairedHalfWidth / dm.halfWidth : Infinity;
    const gain = Number.isFinite(ratio) ? `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}× narrower than` : 'exact, against';
    out.push('');
    out.push(
      `Pairing: Δmakespan ± ${formatDuration(Math.round(dm.halfWidth))}, ${gain} independent runs ` +
        `(± ${formatDuration(Math.round(dm.unpairedHalfWidth))} from the same replications).`,
    );
  }

  if (n > 1) {
    const max = opts.maxExecutions ?? 10;
    const changed = w.executions.filter((e) => e.delta.makespanNs && !e.delta.makespanNs.unchanged);
    const sorted = changed.sort(
      (a, b) => Math.abs(b.delta.makespanNs?.mean ?? 0) - Math.abs(a.delta.makespanNs?.mean ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const mk = EXECUTION_FIGURES[0]!;
    const er: string[][] = [['execution', 'baseline', 'Δmakespan (95% CI)', 'relative']];
    for (const e of sorted.slice(0, max)) {
      const d = e.delta.makespanNs;
      if (!d || d.baseline === null) continue;
      er.push([e.id, valueText(d.baseline, mk.unit), deltaText(d, mk.unit), relativeText(d)]);
    }
    out.push('');
    if (changed.length === 0) out.push('No execution’s makespan changed.');
    else {
      const same = n - changed.length;
      const rest = same > 0 ? `; ${plural(same, 'execution')} unchanged` : '';
      out.push(changed.length > max ? `Largest makespan changes (${max} of ${changed.length}${rest}; all in --json):` : `Per execution${rest}:`);
      out.push(...columns(er, ['l', 'r', 'r', 'r'], '  '));
    }
  }
  return `${out.join('\n')}\n`;
}

/** `13.7 s ± 120 ms` (mean ± 95% CI half-width). */
export function estimateText(e: Estimate, unit: FigureUnit): string {
  if (e.mean === null) return '—';
  const h = e.halfWidth === null ? '' : e.halfWidth === 0 ? '' : ` ± ${magnitude(e.halfWidth, unit)}`;
  return `${valueText(e.mean, unit)}${h}`;
}

/** `simulate --reps N`: mean ± 95% CI half-width per figure (over executions). */
export function renderReplications(r: ReplicationsJson): string {
  const rows: string[][] = [];
  for (const f of ALL_FIGURES) {
    const e = r.figures[f.key];
    if (!e || e.n === 0) continue;
    rows.push([f.label, estimateText(e, f.unit)]);
  }
  const head =
    r.executions.length > 1
      ? `${plural(r.n, 'replication')}: mean ± 95% CI, per figure the mean over ${r.executions.length} executions`
      : `${plural(r.n, 'replication')}: mean ± 95% CI`;
  return `${[head, ...columns(rows, ['l', 'r'], '  ')].join('\n')}\n`;
}
