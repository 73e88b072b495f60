/**
 * The self-contained HTML page of `whatif --html`: the change and what it altered in the model,
 * a table of every figure (baseline, variant, Δ with its 95% CI, relative Δ), a forest plot of the
 * relative Δ with 95% CI per figure, baseline vs variant overhead bars (overall and per
 * execution), and forest plots per execution.
 *
 * The input is read structurally (the `whatif --json` contract), so this module does not depend on
 * the what-if layer; figure names and units can be passed in, else they are guessed from the key.
 */
import { percentDigits, signText, valueText } from '../metrics/text.js';
import { legend, page } from './html-page.js';
import { clip, durText, esc, n1, rect, svgOpen, ticks, title } from './html-svg.js';

/** One figure's change, as in `whatif --json` (`delta.<figure>`). */
export interface DeltaLike {
  n: number;
  baseline: number | null;
  variant: number | null;
  mean: number | null;
  ci95: [number, number] | null;
  halfWidth: number | null;
  relative: number | null;
  relativeCi95: [number, number] | null;
  unchanged: boolean;
}

/** The parts of `whatif --json` the page reads. */
export interface WhatifPageInput {
  replications: number;
  seed: string | number;
  stoppedBecause: string;
  maxReps?: number;
  precision: number;
  targetHalfWidthNs?: number;
  changes: { text: string }[];
  delta: Record<string, DeltaLike>;
  executions: { id: string; delta: Record<string, DeltaLike> }[];
}

export type FigureUnitLike = 'ns' | 'ratio' | 'count' | 'bytes';

export interface FigureLike {
  key: string;
  label: string;
  unit: FigureUnitLike;
}

export interface WhatifHtmlOptions {
  /** Figure names and units in display order (default: the keys of `delta`, units guessed). */
  figures?: readonly FigureLike[];
  /** Lines saying what the change altered in the model (e.g. `events.node.latency: 25 ms → 12.5 ms`). */
  effects?: readonly string[];
  /** What the plans came from (scenario or recording file). */
  source?: string;
  title?: string;
  generatedAt?: string;
  /** Executions drawn in the per-execution charts (default 50, longest baseline makespan first). */
  maxExecutions?: number;
}

function guessUnit(key: string): FigureUnitLike {
  if (/Ns$/.test(key)) return 'ns';
  if (/Ratio$/.test(key)) return 'ratio';
  if (/Bytes$/.test(key)) return 'bytes';
  return 'count';
}

function magnitude(x: number, unit: FigureUnitLike): string {
  const a = Math.abs(x);
  if (unit === 'ratio') return `${(a * 100).toPrecision(3)} pp`;
  if (unit === 'count') return a === 0 ? '0' : a >= 100 ? a.toFixed(0) : a >= 1 ? a.toFixed(2) : a.toPrecision(2);
  return valueText(a, unit);
}

function pctText(x: number): string {
  return `${signText(x)}${percentDigits(x)} %`;
}

export function deltaText(d: DeltaLike, unit: FigureUnitLike): string {
  if (d.mean === null) return '—';
  const ci = d.ci95 ? ` [${signText(d.ci95[0])}${magnitude(d.ci95[0], unit)} … ${signText(d.ci95[1])}${magnitude(d.ci95[1], unit)}]` : '';
  return `${signText(d.mean)}${magnitude(d.mean, unit)}${ci}`;
}

export function relativeText(d: DeltaLike): string {
  if (d.relative === null) return '—';
  const ci = d.relativeCi95 ? ` [${pctText(d.relativeCi95[0])} … ${pctText(d.relativeCi95[1])}]` : '';
  return `${pctText(d.relative)}${ci}`;
}

const includesZero = (ci: [number, number] | null): boolean => ci !== null && ci[0] <= 0 && ci[1] >= 0;

export interface ForestRow {
  label: string;
  /** Full label for the tooltip. */
  full: string;
  d: DeltaLike | undefined;
}

const F_LEFT = 200;
const F_PLOT = 470;
const F_WIDTH = 960;
const F_ROW = 18;

/** Horizontal forest plot of relative Δ with 95% CI, one row per entry, a shared symmetric axis. */
export function forestPlot(rows: readonly ForestRow[], label: string): string {
  let m = 0;
  for (const r of rows) {
    const d = r.d;
    if (!d || d.relative === null) continue;
    m = Math.max(m, Math.abs(d.relative));
    if (d.relativeCi95) m = Math.max(m, Math.abs(d.relativeCi95[0]), Math.abs(d.relativeCi95[1]));
  }
  m = m > 0 ? m * 1.08 : 0.01;
  const x0 = F_LEFT;
  const x1 = F_LEFT + F_PLOT;
  const sx = (v: number): number => x0 + ((v + m) / (2 * m)) * (x1 - x0);
  const top = 18;
  const height = top + rows.length * F_ROW + 6;
  const out = [svgOpen(F_WIDTH, height, label)];
  for (const t of ticks(-m, m, 6)) {
    const x = sx(t);
    out.push(`<line class="${t === 0 ? 'zero' : 'grid'}" x1="${n1(x)}" y1="${top - 4}" x2="${n1(x)}" y2="${n1(height - 4)}"/>`);
    out.push(`<text class="tick" x="${n1(x)}" y="11">${esc(t === 0 ? '0' : pctText(t))}</text>`);
  }
  out.push(`<text class="lab2 sec" x="${n1(x1 + 10)}" y="11">relative Δ [95% CI]</text>`);
  rows.forEach((r, i) => {
    const y = top + i * F_ROW + F_ROW / 2;
    const d = r.d;
    const parts = [`<g>${title(`${r.full}: ${d ? relativeText(d) : '—'}`)}`];
    if (i % 2 === 1) parts.push(rect('row', 0, y - F_ROW / 2, F_WIDTH, F_ROW));
    parts.push(`<text class="lab2" x="4" y="${n1(y + 3.5)}">${esc(r.label)}</text>`);
    if (d && d.relative !== null) {
      const ci = d.relativeCi95;
      if (ci) {
        const a = sx(ci[0]);
        const b = sx(ci[1]);
        parts.push(`<line class="ci" x1="${n1(a)}" y1="${n1(y)}" x2="${n1(b)}" y2="${n1(y)}"/>`);
        parts.push(`<line class="ci" x1="${n1(a)}" y1="${n1(y - 4)}" x2="${n1(a)}" y2="${n1(y + 4)}"/>`);
        parts.push(`<line class="ci" x1="${n1(b)}" y1="${n1(y - 4)}" x2="${n1(b)}" y2="${n1(y + 4)}"/>`);
      }
      const open = ci === null || includesZero(ci) ? ' open' : '';
      parts.push(`<rect class="pt${open}" x="${n1(sx(d.relative) - 3.5)}" y="${n1(y - 3.5)}" width="7" height="7"/>`);
      parts.push(`<text class="lab2" x="${n1(x1 + 10)}" y="${n1(y + 3.5)}">${esc(relativeText(d))}</text>`);
    } else {
      parts.push(`<text class="lab2" x="${n1(x1 + 10)}" y="${n1(y + 3.5)}">${esc(d?.unchanged ? 'unchanged' : '—')}</text>`);
    }
    parts.push('</g>');
    out.push(parts.join(''));
  });
  out.push('</svg>');
  return out.join('\n');
}

export interface StackRow {
  label: string;
  user: number;
  flyte: number;
  external: number;
  note: string;
}

/**
 * Absolute stacked bars (user, Flyte, external) on one scale; rows come in groups of `group`
 * (baseline and variant: 2) with a small gap between groups.
 */
export function stackedBars(rows: readonly StackRow[], label: string, group = 2): string {
  const left = 200;
  const plotW = 520;
  const rowH = 16;
  const top = 18;
  const max = Math.max(1, ...rows.map((r) => Math.max(0, r.user) + Math.max(0, r.flyte) + Math.max(0, r.external)));
  const sx = (v: number): number => (v / max) * plotW;
  // A small gap between groups (baseline and variant pairs) keeps them apart.
  const rowY = (i: number): number => top + i * rowH + Math.floor(i / group) * 5;
  const height = rowY(rows.length) + 6;
  const out = [svgOpen(F_WIDTH, height, label)];
  for (const t of ticks(0, max, 6)) {
    const x = left + sx(t);
    out.push(`<line class="grid" x1="${n1(x)}" y1="${top - 4}" x2="${n1(x)}" y2="${n1(height - 4)}"/>`);
    out.push(`<text class="tick" x="${n1(x)}" y="11">${esc(t === 0 ? '0' : durText(t))}</text>`);
  }
  rows.forEach((r, i) => {
    const y = rowY(i);
    const parts = [`<g>${title(`${r.label}: user ${durText(r.user)}, Flyte ${durText(r.flyte)}, external ${durText(r.external)}`)}`];
    parts.push(`<text class="lab2" x="4" y="${n1(y + rowH - 5)}">${esc(r.label)}</text>`);
    let at = left;
    for (const [cls, v] of [['u', r.user], ['f', r.flyte], ['x', r.external]] as const) {
      const w = sx(Math.max(0, v));
      if (w > 0) parts.push(rect(cls, at, y + 2, w, rowH - 5));
      at += w;
    }
    parts.push(`<text class="lab2" x="${n1(left + plotW + 10)}" y="${n1(y + rowH - 5)}">${esc(r.note)}</text></g>`);
    out.push(parts.join(''));
  });
  out.push('</svg>');
  return out.join('\n');
}

function figureTable(delta: Record<string, DeltaLike>, figures: readonly FigureLike[]): { html: string; unchanged: string[] } {
  const head =
    '<tr><th class="l">figure</th><th>baseline</th><th>variant</th><th>Δ [95% CI]</th><th>relative Δ [95% CI]</th><th>n</th><th class="l"></th></tr>';
  const rows: string[] = [];
  const unchanged: string[] = [];
  for (const f of figures) {
    const d = delta[f.key];
    if (!d) continue;
    if (d.unchanged) unchanged.push(f.label);
    const cells = [
      d.baseline === null ? '—' : valueText(d.baseline, f.unit),
      d.variant === null ? '—' : valueText(d.variant, f.unit),
      deltaText(d, f.unit),
      relativeText(d),
      String(d.n),
    ];
    const flag = d.unchanged ? 'unchanged' : includesZero(d.ci95) ? 'CI includes 0' : '';
    rows.push(`<tr><td class="l">${esc(f.label)}</td>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}<td class="l">${esc(flag)}</td></tr>`);
  }
  return { html: `<table>${head}${rows.join('')}</table>`, unchanged };
}

const get = (d: Record<string, DeltaLike> | undefined, key: string): DeltaLike | undefined => d?.[key];

function overheadRows(label: string, d: Record<string, DeltaLike>): StackRow[] {
  const part = (key: string, which: 'baseline' | 'variant'): number => get(d, key)?.[which] ?? 0;
  const mk = get(d, 'makespanNs');
  const row = (which: 'baseline' | 'variant'): StackRow => {
    const total = part('userNs', which) + part('flyteNs', which) + part('externalNs', which);
    const m = mk?.[which];
    return {
      label: `${label} · ${which}`,
      user: part('userNs', which),
      flyte: part('flyteNs', which),
      external: part('externalNs', which),
      note: `summed ${durText(total)}${m !== null && m !== undefined ? ` · makespan ${durText(m)}` : ''}`,
    };
  };
  return [row('baseline'), row('variant')];
}

/** The what-if page. */
export function renderWhatifHtml(w: WhatifPageInput, opts: WhatifHtmlOptions = {}): string {
  const figures: FigureLike[] = opts.figures
    ? opts.figures.filter((f) => w.delta[f.key] !== undefined)
    : Object.keys(w.delta).map((key) => ({ key, label: key, unit: guessUnit(key) }));
  const pageTitle = opts.title ?? 'propsim what-if';
  const body: string[] = [];
  const changes = w.changes.map((c) => c.text).join('; ') || '(no change)';
  body.push(`<header><h1>${esc(pageTitle)}: ${esc(changes)}</h1>`);
  const nExec = w.executions.length;
  const meta = [
    opts.source ? `input: ${opts.source}` : undefined,
    `${nExec.toLocaleString('en-US')} execution${nExec === 1 ? '' : 's'}`,
    `${w.replications} paired replication${w.replications === 1 ? '' : 's'} (seed ${w.seed})`,
    w.stoppedBecause === 'precision'
      ? `stopped at the requested precision (${(w.precision * 100).toPrecision(2)} % of the baseline makespan)`
      : `stopped at the replication limit${w.maxReps !== undefined ? ` (${w.maxReps})` : ''}`,
    opts.generatedAt ? `generated ${opts.generatedAt}` : undefined,
  ].filter((x): x is string => x !== undefined);
  body.push(`<p class="meta">${meta.map(esc).join(' · ')}</p>`);
  if (opts.effects && opts.effects.length > 0) {
    body.push(`<ul class="mono">${opts.effects.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`);
  } else if (opts.effects) body.push('<p class="note">The change leaves the model as it was.</p>');
  body.push(
    '<p class="note">Baseline and variant run with the same seeds (common random numbers); Δ = variant − baseline per replication, ' +
      'then mean and 95% CI over replications. With several executions each figure is the mean over executions of each execution’s change.</p>',
  );
  body.push(legend());
  body.push('</header>');

  body.push('<h2>Every figure</h2>');
  const table = figureTable(w.delta, figures);
  body.push(table.html);
  body.push('<h2>Relative change with 95% CI</h2>');
  body.push('<p class="note">Filled square: the CI excludes 0; open square: the CI includes 0 (no detectable change).</p>');
  const changed = figures.filter((f) => !w.delta[f.key]?.unchanged);
  if (changed.length === 0) body.push('<p>No figure changed in any replication: the change has no effect on these executions.</p>');
  else body.push(forestPlot(changed.map((f) => ({ label: clip(f.label, 34), full: f.label, d: w.delta[f.key] })), 'relative change per figure'));
  if (table.unchanged.length > 0 && changed.length > 0) body.push(`<p class="note">Unchanged in every replication: ${esc(table.unchanged.join(', '))}.</p>`);

  body.push('<h2>Overhead: baseline vs variant</h2>');
  body.push('<p class="note">Summed node time split into user, Flyte and external (the RFC’s workflow overhead), mean over executions; one scale for all bars.</p>');
  const maxExec = Math.max(1, opts.maxExecutions ?? 50);
  const execs = w.executions
    .map((e, i) => ({ e, i, mk: e.delta.makespanNs?.baseline ?? 0 }))
    .sort((a, b) => b.mk - a.mk || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0) || a.i - b.i)
    .map((x) => x.e);
  const shownExecs = execs.slice(0, maxExec);
  const barRows = overheadRows('all executions', w.delta);
  if (nExec > 1) for (const e of shownExecs) barRows.push(...overheadRows(clip(e.id, 22), e.delta));
  body.push(stackedBars(barRows, 'overhead of baseline and variant'));

  if (nExec > 1) {
    body.push('<h2>Per execution</h2>');
    if (execs.length > shownExecs.length) {
      body.push(`<p class="note">The ${shownExecs.length} executions with the longest baseline makespan of ${nExec}; every execution is in the JSON output.</p>`);
    }
    let first = true;
    for (const f of changed) {
      const rows = shownExecs.map((e) => ({ label: clip(e.id, 34), full: `${e.id} · ${f.label}`, d: e.delta[f.key] }));
      const plot = forestPlot(rows, `relative change of ${f.label} per execution`);
      if (first) body.push(`<h3>${esc(f.label)}</h3>${plot}`);
      else body.push(`<details><summary>${esc(f.label)}</summary>${plot}</details>`);
      first = false;
    }
  }
  body.push(`<footer><p class="note">propsim · ${esc(clip(pageTitle, 80))}</p></footer>`);
  return page({ title: `${pageTitle}: ${clip(changes, 120)}`, body });
}
