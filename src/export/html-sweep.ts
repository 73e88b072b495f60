/**
 * The self-contained HTML page of `sweep --html`: what was swept, a table with one row per value
 * (replications, makespan, Δ with 95% CI, relative Δ, a few figures), the relative Δmakespan of
 * every value with its 95% CI on one axis (the baseline is the zero line), the overhead split of
 * the baseline and of each value on one scale, and the same plot for the other figures.
 *
 * The input is read structurally (the `sweep --json` contract), as the what-if page reads its own.
 */
import { percentDigits, signText, valueText } from '../metrics/text.js';
import { legend, page } from './html-page.js';
import { clip, durText, esc } from './html-svg.js';
import { deltaText, forestPlot, stackedBars, type DeltaLike, type FigureLike, type StackRow } from './html-whatif.js';

interface EstimateLike {
  mean: number | null;
  halfWidth: number | null;
}

/** The parts of `sweep --json` the page reads. */
export interface SweepPageInput {
  seed: string | number;
  kind: 'set' | 'scale';
  path: string;
  precision: number;
  maxReps: number;
  replications: number;
  /** The baseline's value of the swept field, when the path names one field. */
  baselineLabel?: string | null;
  baseline: { figures: Record<string, EstimateLike>; executions: { parent?: string }[] };
  points: {
    value: string;
    /** How the value's row is named (default: the value as given, `× F` for a factor). */
    label?: string;
    effects: unknown[];
    replications: number;
    stoppedBecause: string;
    variant: { figures: Record<string, EstimateLike> };
    delta: Record<string, DeltaLike>;
  }[];
}

export interface SweepHtmlOptions {
  /** Figure names and units, in display order (the page shows those the input has). */
  figures: readonly FigureLike[];
  /** What the plans came from. */
  source?: string;
  generatedAt?: string;
}

/** Figures of the table, after makespan and its change. */
const TABLE_KEYS = ['flyteRatio', 'queueWaitP50Ns', 'handles'];

export function renderSweepHtml(s: SweepPageInput, opts: SweepHtmlOptions): string {
  const figures = opts.figures.filter((f) => s.points.some((p) => p.delta[f.key] !== undefined));
  const byKey = new Map(figures.map((f) => [f.key, f]));
  const given = (v: string): string => (s.kind === 'scale' ? `× ${v}` : v);
  const named = new Map(s.points.map((p) => [p.value, p.label ?? given(p.value)]));
  const label = (v: string): string => named.get(v) ?? given(v);
  const what = `${s.path} ${s.kind === 'scale' ? 'scaled by' : 'set to'} ${s.points.map((p) => given(p.value)).join(', ')}`;
  const body: string[] = [];
  body.push(`<header><h1>propsim sweep: ${esc(what)}</h1>`);
  const n = s.baseline.executions.filter((e) => e.parent === undefined).length;
  const meta = [
    opts.source ? `input: ${opts.source}` : undefined,
    `${n.toLocaleString('en-US')} execution${n === 1 ? '' : 's'}`,
    `baseline: ${s.baselineLabel ?? 'the model as given'}`,
    `up to ${s.replications} replication${s.replications === 1 ? '' : 's'} per value (seed ${s.seed})`,
    s.precision > 0 ? `each value until its Δmakespan is within ± ${(s.precision * 100).toPrecision(2)} % of the baseline makespan` : 'every replication asked for',
    opts.generatedAt ? `generated ${opts.generatedAt}` : undefined,
  ].filter((x): x is string => x !== undefined);
  body.push(`<p class="meta">${meta.map(esc).join(' · ')}</p>`);
  body.push(
    '<p class="note">Each value runs with the baseline’s seeds (common random numbers): its Δ is paired with the baseline, replication by replication, ' +
      'so values compare with each other too. With several executions each figure is the mean over executions of each execution’s change.</p>',
  );
  body.push(legend());
  body.push('</header>');

  body.push('<h2>Every value</h2>');
  body.push(valueTable(s, label, TABLE_KEYS.map((k) => byKey.get(k)).filter((f): f is FigureLike => f !== undefined)));

  const makespan = byKey.get('makespanNs');
  if (makespan) {
    body.push('<h2>Makespan: relative change with 95% CI</h2>');
    body.push('<p class="note">Zero is the baseline. Filled square: the CI excludes 0; open square: it includes 0.</p>');
    body.push(forestPlot(s.points.map((p) => ({ label: clip(label(p.value), 34), full: `${s.path} ${label(p.value)}`, d: plotted(p.delta.makespanNs) })), 'relative change of makespan per value'));
  }

  body.push('<h2>Overhead per value</h2>');
  body.push('<p class="note">Summed node time split into user, Flyte and external (the RFC’s workflow overhead), mean over executions; one scale for all bars.</p>');
  body.push(stackedBars(overheadRows(s, label), 'overhead of the baseline and of each value', 1));

  const others = figures.filter((f) => f.key !== 'makespanNs' && s.points.some((p) => p.delta[f.key] && !p.delta[f.key]!.unchanged));
  if (others.length > 0) {
    body.push('<h2>Other figures</h2>');
    for (const f of others) {
      const plot = forestPlot(s.points.map((p) => ({ label: clip(label(p.value), 34), full: `${f.label} · ${label(p.value)}`, d: plotted(p.delta[f.key]) })), `relative change of ${f.label} per value`);
      body.push(`<details><summary>${esc(f.label)}</summary>${plot}</details>`);
    }
  }
  body.push(`<footer><p class="note">propsim sweep · ${esc(clip(s.path, 80))}</p></footer>`);
  return page({ title: `propsim sweep: ${clip(what, 120)}`, body });
}

/** A Δ as the forest plot draws it: no point for a value that changed nothing (the plot says 'unchanged'). */
function plotted(d: DeltaLike | undefined): DeltaLike | undefined {
  return d && d.unchanged ? { ...d, relative: null, relativeCi95: null } : d;
}

function estimateText(e: EstimateLike | undefined, unit: FigureLike['unit']): string {
  if (!e || e.mean === null) return '—';
  return e.halfWidth ? `${valueText(e.mean, unit)} ± ${valueText(e.halfWidth, unit)}` : valueText(e.mean, unit);
}

function valueTable(s: SweepPageInput, label: (v: string) => string, detail: readonly FigureLike[]): string {
  const head = `<tr><th class="l">${esc(s.path)}</th><th>reps</th><th>makespan</th><th>Δ makespan [95% CI]</th><th>relative Δ</th>${detail
    .map((f) => `<th>${esc(f.label)}</th>`)
    .join('')}<th class="l"></th></tr>`;
  const mean = (e: EstimateLike | undefined, f: FigureLike) => (e && e.mean !== null ? valueText(e.mean, f.unit) : '—');
  const rows = [
    `<tr class="grp"><td class="l">baseline${s.kind === 'scale' ? ' (× 1)' : ''}</td><td>${s.replications}</td><td>${esc(
      estimateText(s.baseline.figures.makespanNs, 'ns'),
    )}</td><td></td><td></td>${detail.map((f) => `<td>${esc(mean(s.baseline.figures[f.key], f))}</td>`).join('')}<td class="l"></td></tr>`,
  ];
  for (const p of s.points) {
    const d = p.delta.makespanNs;
    const notes: string[] = [];
    if (p.effects.length === 0) notes.push('= baseline');
    else if (d && !d.unchanged && d.ci95 && d.ci95[0] <= 0 && d.ci95[1] >= 0) notes.push('CI includes 0');
    if (p.stoppedBecause === 'maxReps' && s.precision > 0 && d && !d.unchanged) notes.push('imprecise: stopped at the replication limit');
    const cells = [
      String(p.replications),
      d && d.variant !== null ? durText(d.variant) : '—',
      d ? (d.unchanged ? 'unchanged' : deltaText(d, 'ns')) : '—',
      d && !d.unchanged && d.relative !== null ? `${signText(d.relative)}${percentDigits(d.relative)} %` : '',
      ...detail.map((f) => mean(p.variant.figures[f.key], f)),
    ];
    rows.push(`<tr><td class="l">${esc(label(p.value))}</td>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}<td class="id">${esc(notes.join('; '))}</td></tr>`);
  }
  return `<table>${head}${rows.join('')}</table>`;
}

function overheadRows(s: SweepPageInput, label: (v: string) => string): StackRow[] {
  const row = (name: string, f: Record<string, EstimateLike>): StackRow => {
    const v = (k: string) => f[k]?.mean ?? 0;
    const total = v('userNs') + v('flyteNs') + v('externalNs');
    return {
      label: name,
      user: v('userNs'),
      flyte: v('flyteNs'),
      external: v('externalNs'),
      note: `summed ${durText(total)}${f.makespanNs?.mean != null ? ` · makespan ${durText(f.makespanNs.mean)}` : ''}`,
    };
  };
  return [row('baseline', s.baseline.figures), ...s.points.map((p) => row(clip(label(p.value), 26), p.variant.figures))];
}
