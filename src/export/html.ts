/**
 * The self-contained HTML report of `report --html` and `simulate --html`: a header, a summary
 * table of every execution, then per execution (longest makespan first, capped) the overhead bars
 * (RFC sum over nodes and critical path), a timeline of its nodes coloured by overhead category
 * with the Handle calls per worker below it, and the node table; finally the infrastructure table.
 *
 * One file, inline CSS and SVG, no script, no external resource; the same input gives the same
 * bytes (nothing depends on the clock unless `generatedAt` is passed). Size stays bounded: at
 * most `maxExecutions` detailed sections, node rows and Handle calls share page-wide budgets.
 */
import type { OverallReport } from '../metrics/overall.js';
import type { Bound, CountStat, ExecutionReport, InfraMetric, InfraStat, NodeReport, ReportJson } from '../metrics/report-json.js';
import { bytes, dur, pct, pctB, resolutionPhrase } from '../metrics/text.js';
import { overallSpreadRows } from '../metrics/render-report.js';
import { formatRfc3339 } from '../timeline/time.js';
import type { Recording } from '../timeline/types.js';
import { legend, page } from './html-page.js';
import { clip, durText, esc, n1, rect, svgOpen, title } from './html-svg.js';
import { childExecutions, executionTimeline } from './html-timeline.js';

export interface ReportHtmlOptions {
  /** The recording the report was computed from: real segment positions and the Handle-call lanes. */
  recording?: Recording;
  /** What the report was made from (file names), shown in the header. */
  source?: string;
  /** Page title (default `propsim report`). */
  title?: string;
  /** Shown as the generation time when given; the page has no clock of its own. */
  generatedAt?: string;
  /** Extra header lines. */
  notes?: string[];
  /** Executions with a detailed section (default 50, longest makespan first). */
  maxExecutions?: number;
  /** Rows of the summary table (default 1000). */
  maxSummaryRows?: number;
  /** Node rows per timeline before it is cut to the critical path and longest nodes (default 200). */
  maxNodes?: number;
  /** Node rows over the whole page (default 2000): lowers the per-timeline cap when many are shown. */
  maxNodeRows?: number;
  /** Handle calls drawn one by one per timeline (default 600), and over the page (default 2500). */
  maxHandles?: number;
  maxHandleRows?: number;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** Longest makespan first; ties by id, then input order. */
export function executionsByMakespan(r: ReportJson): ExecutionReport[] {
  return r.executions
    .map((e, i) => ({ e, i }))
    .sort((a, b) => b.e.makespanNs - a.e.makespanNs || (a.e.id < b.e.id ? -1 : a.e.id > b.e.id ? 1 : 0) || a.i - b.i)
    .map((x) => x.e);
}

interface Shares {
  user: number;
  flyte: number;
  external: number;
  /** Where the user|Flyte and Flyte|external boundaries may lie (fractions of the bar). */
  b1?: Bound;
  b2?: Bound;
}

const clamp01 = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/** A stacked share bar (user, Flyte, external) with hatched bands where a boundary is uncertain. */
export function shareBar(s: Shares, label: string, width = 320, height = 14): string {
  const out = [svgOpen(width, height, label, 'bar')];
  const u = clamp01(s.user);
  const f = clamp01(s.flyte);
  const x = clamp01(s.external);
  const total = u + f + x;
  if (total <= 0) {
    out.push(rect('row', 0, 0, width, height));
  } else {
    let at = 0;
    for (const [cls, v] of [['u', u], ['f', f], ['x', x]] as const) {
      const w = (v / total) * width;
      if (w > 0) out.push(rect(cls, at, 0, w, height));
      at += w;
    }
  }
  for (const b of [s.b1, s.b2]) {
    if (!b || !(b.hi > b.lo)) continue;
    const lo = clamp01(b.lo) * width;
    out.push(rect('h', lo, 0, Math.max(1, clamp01(b.hi) * width - lo), height));
  }
  out.push(`${title(label)}</svg>`);
  return out.join('');
}

const bound = (lo: number, hi: number): Bound => ({ lo: Math.min(lo, hi), hi: Math.max(lo, hi) });

function overheadTable(e: ExecutionReport): string {
  const o = e.overhead;
  const ob = o.bounds;
  const cp = e.criticalPath;
  const cb = cp.bounds;
  const mk = cp.makespanNs > 0 ? cp.makespanNs : 1;
  const rfcBar = shareBar(
    {
      user: o.userRatio,
      flyte: o.flyteRatio,
      external: o.externalRatio,
      b1: ob.userRatio,
      b2: bound(1 - ob.externalRatio.hi, 1 - ob.externalRatio.lo),
    },
    `sum over nodes: user ${pct(o.userRatio)}, Flyte ${pct(o.flyteRatio)}, external ${pct(o.externalRatio)}`,
  );
  const cpBar = shareBar(
    {
      user: cp.userRatio,
      flyte: cp.flyteRatio,
      external: cp.externalRatio,
      b1: bound(cb.userNs.lo / mk, cb.userNs.hi / mk),
      b2: bound(1 - cb.externalNs.hi / mk, 1 - cb.externalNs.lo / mk),
    },
    `critical path: user ${pct(cp.userRatio)}, Flyte ${pct(cp.flyteRatio)}, external ${pct(cp.externalRatio)}`,
  );
  const rows = [
    '<tr><th class="l">overhead</th><th class="l">share</th><th>user</th><th>Flyte</th><th>external</th></tr>',
    `<tr><td class="l" rowspan="2">sum over ${plural(o.nodeCount, 'top-level node')} (RFC)</td><td class="l" rowspan="2">${rfcBar}</td>` +
      `<td>${esc(dur(o.userNs, ob.userNs))}</td><td>${esc(dur(o.flyteNs, ob.flyteNs))}</td><td>${esc(dur(o.externalNs, ob.externalNs))}</td></tr>`,
    `<tr><td>${esc(pctB(o.userRatio, ob.userRatio))}</td><td>${esc(pctB(o.flyteRatio, ob.flyteRatio))}</td><td>${esc(pctB(o.externalRatio, ob.externalRatio))}</td></tr>`,
    `<tr class="grp"><td class="l" rowspan="2">critical path (share of makespan)</td><td class="l" rowspan="2">${cpBar}</td>` +
      `<td>${esc(dur(cp.userNs, cb.userNs))}</td><td>${esc(dur(cp.flyteNs, cb.flyteNs))}</td><td>${esc(dur(cp.externalNs, cb.externalNs))}</td></tr>`,
    `<tr><td>${esc(pct(cp.userRatio))}</td><td>${esc(pct(cp.flyteRatio))}</td><td>${esc(pct(cp.externalRatio))}</td></tr>`,
  ];
  return `<table class="oh">${rows.join('')}</table>`;
}

function criticalPathText(e: ExecutionReport): string {
  const cp = e.criticalPath;
  if (cp.nodes.length === 0) return '';
  const shown = cp.nodes.length > 40 ? [...cp.nodes.slice(0, 20), `… ${cp.nodes.length - 30} more …`, ...cp.nodes.slice(-10)] : cp.nodes;
  const extra: string[] = [];
  if (cp.gapsNs > 0 || cp.bounds.gapsNs.hi > 0) extra.push(`${dur(cp.gapsNs, cp.bounds.gapsNs)} between nodes`);
  if (cp.tailNs > 0 || cp.bounds.tailNs.hi > 0) extra.push(`${dur(cp.tailNs, cp.bounds.tailNs)} workflow tail`);
  return (
    `<p class="note">Critical path: <span class="mono">${shown.map(esc).join(' → ')}</span>` +
    `${extra.length ? `; Flyte also holds ${esc(extra.join(' and '))}` : ''}.</p>`
  );
}

function activityText(e: ExecutionReport): string {
  const c = e.counts;
  const ends = Object.entries(c.streakEnds)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return (
    `<p class="note">${plural(c.handles, 'Handle call')} (streak ends: ${esc(ends || 'none')}), ${plural(c.rounds, 'round')} ` +
    `(${c.changedRounds} changed${c.erroredRounds ? `, ${c.erroredRounds} failed` : ''}), longest streak ${c.maxStreak}; ` +
    `events ${c.workflowEvents} workflow / ${c.nodeEvents} node / ${c.taskEvents} task; ${plural(c.etcdUpdates, 'etcd write')}` +
    `${c.maxCrBytes ? ` (largest CR ${esc(bytes(c.maxCrBytes))}, ${esc(bytes(c.etcdBytes))} written)` : ''}` +
    `${c.blobOps ? `; ${plural(c.blobOps, 'blobstore op')}` : ''}.</p>`
  );
}

function nodeTable(e: ExecutionReport, nodes: readonly NodeReport[]): string {
  const head =
    '<tr><th class="l">node</th><th class="l">kind</th><th>runnable at</th><th>time</th><th>wait</th><th>user</th><th>Flyte</th><th>external</th><th class="l">runnable after</th></tr>';
  const rows = nodes.map((n) => {
    const b = n.bounds;
    const after = n.runnableFrom !== undefined ? `${n.runnableFrom}${n.runnableRule === 'sibling' ? ' (inferred)' : n.runnableRule === 'parallelism' ? ' (inferred; held by max parallelism)' : ''}` : n.runnableRule;
    return (
      `<tr><td class="id">${esc(n.id)}${n.complete ? '' : ' (incomplete)'}${n.skipped ? ' (skipped)' : ''}</td><td class="l">${esc(n.kind)}</td>` +
      `<td>${esc(durText(n.runnableAtNs - e.createdAtNs))}</td><td>${esc(dur(n.timeNs, b.timeNs))}</td><td>${esc(dur(n.waitNs, b.waitNs))}</td>` +
      `<td>${esc(dur(n.userNs, b.userNs))}</td><td>${esc(dur(n.flyteNs, b.flyteNs))}</td><td>${esc(dur(n.externalNs, b.externalNs))}</td>` +
      `<td class="id">${esc(after)}${n.runnableCapped ? ' (capped)' : ''}</td></tr>`
    );
  });
  return `<table>${head}${rows.join('')}</table>`;
}

interface Budgets {
  maxNodes: number;
  maxHandles: number;
}

function executionSection(e: ExecutionReport, anchor: string, rec: Recording | undefined, b: Budgets): string {
  const out: string[] = [];
  const head = [e.namespace, e.workflow ? `workflow ${e.workflow}` : undefined, `phase ${e.phase}`, e.parent ? `child of ${e.parent}` : undefined]
    .filter((x): x is string => x !== undefined)
    .map(esc)
    .join(' · ');
  out.push(`<section id="${anchor}">`);
  out.push(`<h2>Execution <span class="mono">${esc(e.id)}</span></h2>`);
  out.push(`<p class="meta">${head}</p>`);
  const mk = dur(e.makespanNs, { lo: e.makespanLoNs, hi: e.makespanHiNs });
  out.push(
    `<p><b>makespan ${esc(mk)}</b> · ${plural(e.nodes.length, 'node')}` +
      `${e.complete ? '' : ' · <b>incomplete</b>: no terminal workflow phase seen; the makespan runs to the last instant seen'}</p>`,
  );
  if (e.splitUnknown !== undefined) out.push(`<p class="note"><b>Split unknown:</b> ${esc(e.splitUnknown)}.</p>`);
  // With no node time at all there is nothing to split: no overhead table that would show it as Flyte.
  if (e.splitUnknown === undefined || e.nodes.some((n) => n.timeNs > 0)) {
    out.push(overheadTable(e));
    out.push(criticalPathText(e));
  }
  out.push(activityText(e));
  const exec = rec?.executions.find((x) => x.id === e.id);
  if (e.nodes.length > 0 || (exec?.handles.length ?? 0) > 0) {
    const tl = executionTimeline(e, exec, childExecutions(rec, e.id), { maxNodes: b.maxNodes, maxHandles: b.maxHandles, maxWorkers: 48 });
    out.push('<h3>Timeline</h3>');
    out.push(tl.svg);
    for (const n of tl.notes) out.push(`<p class="note">${esc(n)}</p>`);
    if (tl.nodes.length > 0) {
      out.push(`<details><summary>Node table (${plural(tl.nodes.length, 'node')}${tl.nodes.length < e.nodes.length ? ` of ${e.nodes.length}` : ''})</summary>`);
      out.push(nodeTable(e, tl.nodes));
      out.push('<p class="note">wait = Flyte time from runnable to the first round that touched the node (part of Flyte).</p></details>');
    }
  }
  if (e.notStarted.length > 0) {
    const list = e.notStarted.length > 50 ? [...e.notStarted.slice(0, 50), `… ${e.notStarted.length - 50} more`] : e.notStarted;
    out.push(`<p class="note">Not started: <span class="mono">${list.map(esc).join(', ')}</span></p>`);
  }
  out.push('</section>');
  return out.join('\n');
}

function miniBar(o: Pick<ExecutionReport['overhead'], 'userRatio' | 'flyteRatio' | 'externalRatio'>): string {
  const w = (r: number): string => `${n1(clamp01(r) * 100)}%`;
  return (
    `<span class="mb" title="${esc(`user ${pct(o.userRatio)}, Flyte ${pct(o.flyteRatio)}, external ${pct(o.externalRatio)}`)}">` +
    `<span class="bu" style="width:${w(o.userRatio)}"></span><span class="bf" style="width:${w(o.flyteRatio)}"></span>` +
    `<span class="bx" style="width:${w(o.externalRatio)}"></span></span>`
  );
}

/** The spread over executions, the same rows as the text report's. */
function spreadTable(o: OverallReport): string {
  const [head, ...rows] = overallSpreadRows(o);
  const th = head!.map((h, i) => `<th${i === 0 ? ' class="l"' : ''}>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="l"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><tr>${th}</tr>${tr}</table>`;
}

/** The overhead over all complete executions: one bar and the spread of each execution's share. */
function overallSection(o: OverallReport): string {
  const v = o.overhead;
  const left = o.executions - o.complete;
  return (
    `<h2>All executions</h2><p class="note">Sums over ${plural(o.complete, 'complete execution')}` +
    `${left > 0 ? ` (${plural(left, 'execution')} without a terminal phase left out)` : ''}, as shares of the summed node time.</p>` +
    `<table><tr><th class="l">sum over executions</th><th>user</th><th>Flyte</th><th>external</th></tr>` +
    `<tr><td class="l">${miniBar(v)}</td>` +
    `<td>${esc(dur(v.userNs, v.bounds.userNs))} (${esc(pct(v.userRatio))})</td><td>${esc(dur(v.flyteNs, v.bounds.flyteNs))} (${esc(pct(v.flyteRatio))})</td>` +
    `<td>${esc(dur(v.externalNs, v.bounds.externalNs))} (${esc(pct(v.externalRatio))})</td></tr></table>` +
    spreadTable(o)
  );
}

function summaryTable(sorted: readonly ExecutionReport[], anchors: Map<ExecutionReport, string>, maxRows: number): string {
  const head =
    '<tr><th>#</th><th class="l">execution</th><th class="l">phase</th><th>makespan</th><th>nodes</th><th class="l">sum over nodes</th>' +
    '<th>user</th><th>Flyte</th><th>external</th><th>Flyte on critical path</th></tr>';
  const rows = sorted.slice(0, maxRows).map((e, i) => {
    const a = anchors.get(e);
    const id = a ? `<a href="#${a}">${esc(e.id)}</a>` : esc(e.id);
    const o = e.overhead;
    return (
      `<tr><td>${i + 1}</td><td class="id">${id}</td><td class="l">${esc(e.phase)}${e.complete ? '' : ' (incomplete)'}</td>` +
      `<td>${esc(dur(e.makespanNs, { lo: e.makespanLoNs, hi: e.makespanHiNs }))}</td><td>${e.nodes.length}</td><td class="l">${miniBar(o)}</td>` +
      (e.splitUnknown !== undefined
        ? `<td colspan="4" class="l">split unknown</td></tr>`
        : `<td>${esc(pct(o.userRatio))}</td><td>${esc(pct(o.flyteRatio))}</td><td>${esc(pct(o.externalRatio))}</td><td>${esc(pct(e.criticalPath.flyteRatio))}</td></tr>`)
    );
  });
  const more = sorted.length > maxRows ? `<p class="note">${plural(sorted.length - maxRows, 'more execution')} not listed (see the JSON report).</p>` : '';
  return `<table>${head}${rows.join('')}</table>${more}`;
}

/** Group, label, metric, and whether the row shows when nothing was observed (as in the text report). */
const INFRA_ROWS: [string, string, InfraMetric, boolean][] = [
  ['events', 'workflow', 'workflowEvents', true],
  ['', 'node', 'nodeEvents', true],
  ['', 'task', 'taskEvents', true],
  ['etcd', 'updates', 'etcdUpdates', true],
  ['blobstore', 'reads', 'blobReads', true],
  ['', 'writes', 'blobWrites', true],
  ['', 'heads', 'blobHeads', false],
  ['', 'copies', 'blobCopies', false],
  ['catalog', 'gets', 'catalogGets', false],
  ['', 'puts', 'catalogPuts', false],
  ['kube', 'pod creates', 'podCreates', false],
  ['', 'pod deletes', 'podDeletes', false],
  ['admin', 'launch plans', 'launchExecutions', false],
  ['propeller', 'rounds', 'rounds', true],
  ['', 'streaks (Handle calls)', 'handles', true],
  ['', 'queue waits', 'queueWaits', true],
  ['', 'closure reads', 'closureReads', false],
  ['', 'deep copies', 'deepCopies', false],
  ['', 'traversals', 'traversals', false],
];

function statCells(s: InfraStat): string[] {
  if (s.count === 0) return ['0', '—', '—', '—', '—', '—'];
  const b = s.bounds;
  const mean = b ? dur(s.meanNs ?? 0, b.meanNs) : `${durText(s.meanNs ?? 0)}${s.sdNs !== null ? ` ± ${durText(s.sdNs)}` : ''}`;
  const range = b ? `${durText(b.minNs.lo)} … ${durText(b.maxNs.hi)}` : `${durText(s.minNs ?? 0)} … ${durText(s.maxNs ?? 0)}`;
  return [String(s.count), dur(s.p50Ns ?? 0, b?.p50Ns), dur(s.p90Ns ?? 0, b?.p90Ns), dur(s.p95Ns ?? 0, b?.p95Ns), mean, range];
}

function countCells(s: CountStat | undefined, fmt: (x: number) => string): string[] {
  if (!s || s.count === 0) return ['0', '—', '—', '—', '—', '—'];
  const mean = `${fmt(s.mean ?? 0)}${s.sd !== null ? ` ± ${fmt(s.sd)}` : ''}`;
  return [String(s.count), fmt(s.p50 ?? 0), fmt(s.p90 ?? 0), fmt(s.p95 ?? 0), mean, `${fmt(s.min ?? 0)} … ${fmt(s.max ?? 0)}`];
}

const countText = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** The infrastructure table (nearest-rank quantiles), as in the text report. */
export function infraTable(r: Pick<ReportJson, 'infra' | 'infraCounts' | 'streakEnds' | 'source'>): string {
  const head = '<tr><th class="l"></th><th class="l"></th><th>n</th><th>p50</th><th>p90</th><th>p95</th><th>mean ± σ</th><th>min … max</th></tr>';
  const rows: string[] = [];
  let coarse = 0;
  let missing = false;
  let lastGroup = '';
  const row = (group: string, label: string, cells: string[]): void => {
    const first = group !== lastGroup;
    lastGroup = group;
    rows.push(
      `<tr${first ? ' class="grp"' : ''}><td class="l"><b>${first ? esc(group) : ''}</b></td><td class="l">${esc(label)}</td>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`,
    );
  };
  let group = '';
  for (const [g, label, metric, always] of INFRA_ROWS) {
    group = g || group;
    const s = r.infra[metric];
    if (!s || (!always && s.count === 0)) continue;
    if (s.count === 0) missing = true;
    coarse = Math.max(coarse, s.resolutionNs);
    row(group, label, statCells(s));
    if (metric === 'etcdUpdates' && (r.infraCounts?.crBytes?.count ?? 0) > 0) row(group, 'CR size per write', countCells(r.infraCounts.crBytes, (x) => bytes(Math.round(x))));
  }
  row('propeller', 'streak length (rounds)', countCells(r.infraCounts?.streakLength, countText));
  row('propeller', 'events per round', countCells(r.infraCounts?.eventsPerRound, countText));
  const notes: string[] = [];
  const ends = Object.entries(r.streakEnds ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  if (ends) notes.push(`Streaks ended by: ${ends}.`);
  if (coarse > 0) notes.push(`Durations from timestamps with ${resolutionPhrase(coarse)} resolution: ~estimate [bound from every sample's lower … upper bound].`);
  if (missing) {
    notes.push(
      r.source === 'logs'
        ? '— not in this input: propeller logs do not record these calls (OTLP traces and simulations do).'
        : '— not in this input.',
    );
  }
  return `<table>${head}${rows.join('')}</table>${notes.map((n) => `<p class="note">${esc(n)}</p>`).join('')}`;
}

function originText(origin: string): string {
  try {
    const ns = BigInt(origin);
    return formatRfc3339(ns, ns % 1_000_000_000n === 0n ? 0 : 3);
  } catch {
    return origin;
  }
}

/** The report page. */
export function renderReportHtml(r: ReportJson, opts: ReportHtmlOptions = {}): string {
  const maxExecutions = Math.max(1, opts.maxExecutions ?? 50);
  const sorted = executionsByMakespan(r);
  const detailed = sorted.slice(0, maxExecutions);
  const shown = Math.max(1, detailed.length);
  const budgets: Budgets = {
    maxNodes: Math.max(20, Math.min(opts.maxNodes ?? 200, Math.floor((opts.maxNodeRows ?? 2000) / shown))),
    maxHandles: Math.max(40, Math.min(opts.maxHandles ?? 600, Math.floor((opts.maxHandleRows ?? 2500) / shown))),
  };
  const anchors = new Map<ExecutionReport, string>();
  detailed.forEach((e, i) => anchors.set(e, `e${i + 1}`));
  const pageTitle = opts.title ?? 'propsim report';
  const body: string[] = [];
  body.push(`<header><h1>${esc(pageTitle)}</h1>`);
  const meta = [
    `source: ${r.source}`,
    opts.source ? `input: ${opts.source}` : undefined,
    plural(r.executions.length, 'execution'),
    `origin ${originText(r.originUnixNano)}`,
    opts.generatedAt ? `generated ${opts.generatedAt}` : undefined,
  ].filter((x): x is string => x !== undefined);
  body.push(`<p class="meta">${meta.map(esc).join(' · ')}</p>`);
  if (r.resolutionNs > 0) {
    body.push(
      `<p class="warn">±${esc(resolutionPhrase(r.resolutionNs))} resolution, bars show estimates; hatched = uncertainty. ` +
        'Durations print as ~estimate [lower … upper bound].</p>',
    );
  }
  for (const n of opts.notes ?? []) body.push(`<p class="note">${esc(n)}</p>`);
  body.push(legend({ hatch: r.resolutionNs > 0, handles: opts.recording !== undefined }));
  body.push('</header>');

  if (r.overall && r.overall.executions > 1) body.push(overallSection(r.overall));
  body.push('<h2>Executions</h2>');
  if (r.executions.length === 0) body.push('<p>No executions in this input.</p>');
  else {
    body.push(
      `<p class="note">Longest makespan first. Shares are of the summed node time (the RFC's workflow overhead); ` +
        `the last column is Flyte's share of the makespan along the critical path.${sorted.length > detailed.length ? ` The ${detailed.length} longest have a section below.` : ''}</p>`,
    );
    body.push(summaryTable(sorted, anchors, Math.max(1, opts.maxSummaryRows ?? 1000)));
  }
  detailed.forEach((e) => body.push(executionSection(e, anchors.get(e)!, opts.recording, budgets)));
  if (sorted.length > detailed.length) {
    body.push(`<p class="note">${plural(sorted.length - detailed.length, 'shorter execution')} without a section (listed in the table above).</p>`);
  }
  body.push(`<h2>Infrastructure · all ${plural(r.executions.length, 'execution')}</h2>`);
  body.push('<p class="note">Nearest-rank quantiles over every operation of the recording (children included).</p>');
  body.push(infraTable(r));
  body.push(`<footer><p class="note">propsim · ${esc(clip(pageTitle, 80))}</p></footer>`);
  return page({ title: pageTitle, body });
}
