/**
 * Text output of `sweep`: one row per value (the baseline first) with the makespan, its paired
 * change against the baseline and a few figures that say where the change came from; then the
 * value with the lowest makespan, and what to do about values that missed the precision target.
 */
import { columns, valueText } from '../metrics/text.js';
import { EXECUTION_FIGURES, RECORDING_FIGURES, type FigureDef } from './figures.js';
import { deltaText, estimateText, includesZero, relativeText } from './render.js';
import type { SweepJson, SweepPoint } from './sweep.js';

const figure = (key: string): FigureDef => [...EXECUTION_FIGURES, ...RECORDING_FIGURES].find((f) => f.key === key)!;

/** Columns after makespan and its change: the variant's mean of each. */
const DETAIL = ['flyteRatio', 'queueWaitP50Ns', 'handles', 'rounds'].map(figure);

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function renderSweep(s: SweepJson): string {
  const out: string[] = [];
  const values = s.points.map((p) => (s.kind === 'scale' ? `× ${p.value}` : p.value)).join(', ');
  const base = s.baselineLabel;
  out.push(`Sweep: ${s.path} ${s.kind === 'scale' ? 'scaled by' : 'set to'} ${values}${base !== null ? ` (baseline: ${base})` : ''}`);
  const n = s.baseline.executions.filter((e) => e.parent === undefined).length;
  const target = s.precision === 0 ? 'all replications asked for' : `until Δmakespan is within ± ${(s.precision * 100).toPrecision(2)} % of the baseline makespan`;
  out.push(`${plural(n, 'execution')}; each value paired with the baseline (seed ${s.seed}), ${target}.`);
  if (n > 1) out.push('Every figure is the mean over executions (a Δ: of each execution’s change).');
  out.push('');

  const mk = figure('makespanNs');
  const head = [s.path, 'reps', 'makespan', 'Δ makespan (95% CI)', 'relative', ...DETAIL.map((f) => f.label), ''];
  const rows: string[][] = [head];
  const bm = s.baseline.figures.makespanNs;
  rows.push([
    base !== null ? `baseline (${base})` : 'baseline',
    String(s.replications),
    bm ? estimateText(bm, mk.unit) : '—',
    '',
    '',
    ...DETAIL.map((f) => {
      const e = s.baseline.figures[f.key];
      return e && e.mean !== null ? valueText(e.mean, f.unit) : '—';
    }),
    '',
  ]);
  let limited = 0;
  for (const p of s.points) {
    const d = p.delta.makespanNs;
    const notes: string[] = [];
    if (p.effects.length === 0) notes.push('= baseline');
    else if (d && !d.unchanged && includesZero(d)) notes.push('CI includes 0');
    if (p.stoppedBecause === 'maxReps' && s.precision > 0 && d && !d.unchanged) {
      notes.push('imprecise');
      limited++;
    }
    rows.push([
      p.label,
      String(p.replications),
      d && d.variant !== null ? valueText(d.variant, mk.unit) : '—',
      d ? (d.unchanged ? 'unchanged' : deltaText(d, mk.unit)) : '—',
      d && !d.unchanged ? relativeText(d) : '',
      ...DETAIL.map((f) => {
        const e = p.variant.figures[f.key];
        return e && e.mean !== null ? valueText(e.mean, f.unit) : '—';
      }),
      notes.join('; '),
    ]);
  }
  out.push(...columns(rows, ['l', 'r', 'r', 'r', 'r', ...DETAIL.map(() => 'r' as const), 'l'], '  '));
  out.push('');

  const best = lowestMakespan(s);
  if (best === null) out.push('No value changed the makespan of any replication.');
  else {
    const d = best.delta.makespanNs!;
    const sure = includesZero(d) ? ', though its CI includes 0' : '';
    out.push(
      d.mean! < 0
        ? `Lowest makespan: ${s.path} ${s.kind === 'scale' ? '' : '= '}${best.label}, ${deltaText(d, mk.unit)} (${relativeText(d)}) against the baseline${sure}.`
        : `No value beats the baseline; the closest is ${s.path} ${s.kind === 'scale' ? '' : '= '}${best.label} (${deltaText(d, mk.unit)}).`,
    );
  }
  if (limited > 0) {
    out.push(
      `${plural(limited, 'value')} stopped at the replication limit (${s.maxReps}) before reaching the precision target: raise --reps or loosen --precision.`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** The value whose paired Δmakespan is lowest (null when no value changed anything). */
export function lowestMakespan(s: SweepJson): SweepPoint | null {
  let best: SweepPoint | null = null;
  for (const p of s.points) {
    const d = p.delta.makespanNs;
    if (!d || d.mean === null || d.unchanged) continue;
    if (best === null || d.mean < best.delta.makespanNs!.mean!) best = p;
  }
  return best;
}
