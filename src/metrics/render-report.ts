/**
 * Text rendering of a report: per execution the makespan, the overhead split (RFC sum over nodes
 * and critical path), activity counts and a node table; then the infrastructure table laid out
 * like the RFC's "Aggregate Benchmark Results" (events, etcd, blobstore, propeller).
 *
 * Honesty rules: sample counts next to every statistic; values known only within a timestamp's
 * resolution print as `~estimate [lower … upper]`, never as a bare `0.0s`; metrics the input does
 * not contain print `—` with a note saying why.
 */
import type { OverallReport } from './overall.js';
import type { CountStat, ExecutionReport, InfraMetric, InfraStat, NodeReport, ReportJson } from './report-json.js';
import { bytes, columns, dur, pct, pctB, resolutionPhrase } from './text.js';

export interface RenderReportOptions {
  /** Nested nodes shown per parent before the rest are summarised in one line (default 20). */
  maxNestedPerParent?: number;
}

const RUNNABLE_NOTE: Record<string, string> = {
  start: 'execution created',
  parent: 'parent started',
  created: 'execution created',
};

/**
 * Node table rows in tree order (each node followed by its nested nodes, indented);
 * `notes` maps a row index to a free-text line that replaces that row.
 */
function nodeRows(e: ExecutionReport, maxNested: number): { rows: string[][]; notes: Map<number, string> } {
  const rows: string[][] = [['node', 'kind', 'time', 'wait', 'user', 'Flyte', 'external', 'runnable after']];
  const notes = new Map<number, string>();
  const kids = new Map<string, NodeReport[]>();
  for (const n of e.nodes) {
    if (n.topLevel || n.parent === undefined) continue;
    let l = kids.get(n.parent);
    if (!l) kids.set(n.parent, (l = []));
    l.push(n);
  }
  const seen = new Set<string>();
  const visit = (n: NodeReport, depth: number): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    rows.push(nodeRow(n, depth));
    const children = kids.get(n.id) ?? [];
    children.slice(0, maxNested).forEach((k) => visit(k, depth + 1));
    if (children.length > maxNested) {
      notes.set(rows.length, `  ${'  '.repeat(depth + 1)}… ${children.length - maxNested} more nodes under ${n.id} (see --json)`);
      rows.push(['', '', '', '', '', '', '', '']);
    }
  };
  for (const n of e.nodes) if (n.topLevel || n.parent === undefined) visit(n, 0);
  return { rows, notes };
}

function nodeRow(n: NodeReport, depth: number): string[] {
  const b = n.bounds;
  const after =
    n.runnableFrom !== undefined
      ? `${n.runnableFrom}${n.runnableRule === 'sibling' ? ' (inferred)' : n.runnableRule === 'parallelism' ? ' (inferred; held by max parallelism)' : ''}`
      : (RUNNABLE_NOTE[n.runnableRule] ?? n.runnableRule);
  return [
    '  '.repeat(depth) + n.id + (n.complete ? '' : ' (incomplete)') + (n.skipped ? ' (skipped)' : '') + (n.aborted ? ' (aborted)' : '') + (n.failed ? ' (failed)' : ''),
    n.kind,
    dur(n.timeNs, b.timeNs),
    dur(n.waitNs, b.waitNs),
    dur(n.userNs, b.userNs),
    dur(n.flyteNs, b.flyteNs),
    dur(n.externalNs, b.externalNs),
    after + (n.runnableCapped ? ' (capped)' : ''),
  ];
}

function renderExecution(e: ExecutionReport, out: string[], maxNested: number): void {
  const head = [e.namespace, e.workflow ? `wf ${e.workflow}` : undefined, e.phase, e.parent ? `child of ${e.parent}` : undefined]
    .filter((x) => x)
    .join(' · ');
  out.push(`Execution ${e.id}  (${head})`);
  const mk = { lo: e.makespanLoNs, hi: e.makespanHiNs };
  out.push(
    `  makespan   ${dur(e.makespanNs, mk)}${e.complete ? '' : '  (incomplete: no terminal workflow phase seen; runs to the last instant seen)'}`,
  );
  const c = e.counts;
  // Counts are whole in one run and means (one decimal) in a report averaged over replications.
  const ends = Object.entries(c.streakEnds)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(', ');
  out.push(
    `  activity   ${num(c.handles)} Handle calls (streak ends: ${ends || 'none'}), ${num(c.rounds)} rounds (${num(c.changedRounds)} changed` +
      `${c.erroredRounds ? `, ${num(c.erroredRounds)} failed` : ''}), longest streak ${num(c.maxStreak)}`,
  );
  out.push(
    `             events ${num(c.workflowEvents)} workflow / ${num(c.nodeEvents)} node / ${num(c.taskEvents)} task, ` +
      `${num(c.etcdUpdates)} etcd writes${c.maxCrBytes ? ` (largest CR ${bytes(Math.round(c.maxCrBytes))}, ${bytes(Math.round(c.etcdBytes))} written)` : ''}` +
      `${c.blobOps ? `, ${num(c.blobOps)} blobstore ops` : ''}`,
  );
  out.push('');
  if (e.splitUnknown !== undefined) {
    out.push(`  split      unknown: ${e.splitUnknown}`);
    if (e.nodes.every((n) => n.timeNs === 0)) {
      if (e.notStarted.length > 0) out.push(`  nodes seen: ${e.notStarted.join(', ')}`);
      out.push('');
      return;
    }
  }
  const o = e.overhead;
  const cp = e.criticalPath;
  const ob = o.bounds;
  const cb = cp.bounds;
  const rows: string[][] = [
    ['overhead', 'user', 'Flyte', 'external'],
    [`sum over ${o.nodeCount} top-level nodes (RFC)`, dur(o.userNs, ob.userNs), dur(o.flyteNs, ob.flyteNs), dur(o.externalNs, ob.externalNs)],
    ['  share of summed node time', pctB(o.userRatio, ob.userRatio), pctB(o.flyteRatio, ob.flyteRatio), pctB(o.externalRatio, ob.externalRatio)],
    ['critical path', dur(cp.userNs, cb.userNs), dur(cp.flyteNs, cb.flyteNs), dur(cp.externalNs, cb.externalNs)],
    ['  share of makespan', pct(cp.userRatio), pct(cp.flyteRatio), pct(cp.externalRatio)],
  ];
  out.push(...columns(rows, ['l', 'r', 'r', 'r'], '  ', '   '));
  if (cp.nodes.length > 0) {
    const extra: string[] = [];
    if (cp.gapsNs > 0 || cb.gapsNs.hi > 0) extra.push(`${dur(cp.gapsNs, cb.gapsNs)} between nodes`);
    if (cp.tailNs > 0 || cb.tailNs.hi > 0) extra.push(`${dur(cp.tailNs, cb.tailNs)} workflow tail`);
    out.push(
      `  critical path: ${cp.nodes.join(' → ')}${extra.length ? `; Flyte also holds ${extra.join(' and ')}` : ''}`,
    );
  }
  out.push('');
  if (e.nodes.length > 0) {
    const { rows: nr, notes } = nodeRows(e, maxNested);
    const lines = columns(nr, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l'], '  ');
    out.push(...lines.map((l, i) => notes.get(i) ?? l));
    out.push('  wait = Flyte time from runnable to the first round that touched the node (part of Flyte)');
  }
  if (e.notStarted.length > 0) out.push(`  not started: ${notStartedList(e.notStarted)}`);
  out.push('');
}

/** Ids of nodes that never started; a skipped map's subnodes are many, so long lists are cut. */
function notStartedList(ids: readonly string[], max = 30): string {
  if (ids.length <= max) return ids.join(', ');
  return `${ids.slice(0, max).join(', ')}, … ${ids.length - max} more (see --json)`;
}

const INFRA_ROWS: { group: string; label: string; metric: InfraMetric; always: boolean }[] = [
  { group: 'events', label: 'workflow', metric: 'workflowEvents', always: true },
  { group: '', label: 'node', metric: 'nodeEvents', always: true },
  { group: '', label: 'task', metric: 'taskEvents', always: true },
  { group: 'etcd', label: 'updates', metric: 'etcdUpdates', always: true },
  { group: 'blobstore', label: 'reads', metric: 'blobReads', always: true },
  { group: '', label: 'writes', metric: 'blobWrites', always: true },
  { group: '', label: 'heads', metric: 'blobHeads', always: false },
  { group: '', label: 'copies', metric: 'blobCopies', always: false },
  { group: 'catalog', label: 'gets', metric: 'catalogGets', always: false },
  { group: '', label: 'puts', metric: 'catalogPuts', always: false },
  { group: 'kube', label: 'pod creates', metric: 'podCreates', always: false },
  { group: '', label: 'pod deletes', metric: 'podDeletes', always: false },
  { group: 'admin', label: 'launch plans', metric: 'launchExecutions', always: false },
  { group: 'propeller', label: 'rounds', metric: 'rounds', always: true },
  { group: '', label: 'streaks (Handle calls)', metric: 'handles', always: true },
  { group: '', label: 'queue waits', metric: 'queueWaits', always: true },
  { group: '', label: 'closure reads', metric: 'closureReads', always: false },
  { group: '', label: 'deep copies', metric: 'deepCopies', always: false },
  { group: '', label: 'traversals', metric: 'traversals', always: false },
];

function statCells(s: InfraStat): string[] {
  if (s.count === 0) return ['0', '—', '—', '—', '—', '—'];
  const b = s.bounds;
  const mean =
    b !== undefined ? dur(s.meanNs ?? 0, b.meanNs) : `${dur(s.meanNs ?? 0)}${s.sdNs !== null ? ` ± ${dur(s.sdNs)}` : ''}`;
  const range = b !== undefined ? `${dur(b.minNs.lo)} … ${dur(b.maxNs.hi)}` : `${dur(s.minNs ?? 0)} … ${dur(s.maxNs ?? 0)}`;
  return [num(s.count), dur(s.p50Ns ?? 0, b?.p50Ns), dur(s.p90Ns ?? 0, b?.p90Ns), dur(s.p95Ns ?? 0, b?.p95Ns), mean, range];
}

function num(x: number | null): string {
  if (x === null) return '—';
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

function kib(x: number): string {
  return bytes(Math.round(x));
}

function countCells(s: CountStat, fmt: (x: number) => string = num): string[] {
  if (s.count === 0) return ['0', '—', '—', '—', '—', '—'];
  const mean = `${fmt(s.mean!)}${s.sd !== null ? ` ± ${fmt(s.sd)}` : ''}`;
  return [num(s.count), fmt(s.p50!), fmt(s.p90!), fmt(s.p95!), mean, `${fmt(s.min!)} … ${fmt(s.max!)}`];
}

/** Sums over executions and the spread of makespan and shares across them. */
function renderOverall(o: OverallReport, out: string[]): void {
  const left = o.executions - o.complete;
  out.push(
    `Overhead · ${o.complete} of ${o.executions} execution${o.executions === 1 ? '' : 's'}` +
      (left > 0 ? ` (${left} without a terminal phase left out)` : ''),
  );
  const v = o.overhead;
  const b = v.bounds;
  const sums: string[][] = [
    ['', 'user', 'Flyte', 'external'],
    ['sum over executions (RFC)', dur(v.userNs, b.userNs), dur(v.flyteNs, b.flyteNs), dur(v.externalNs, b.externalNs)],
    ['  share of summed node time', pctB(v.userRatio, b.userRatio), pctB(v.flyteRatio, b.flyteRatio), pctB(v.externalRatio, b.externalRatio)],
  ];
  out.push(...columns(sums, ['l', 'r', 'r', 'r'], '  ', '   '));
  out.push(...columns(overallSpreadRows(o), ['l', 'r', 'r', 'r', 'r', 'r', 'r'], '  '));
  out.push('');
}

/** The spread over executions of makespan and of each execution's Flyte and external share: header row, then one row each (text and HTML share it). */
export function overallSpreadRows(o: OverallReport): string[][] {
  const pctCells = (s: CountStat): string[] => countCells(s, (x) => pct(x));
  return [
    ['per execution', 'n', 'p50', 'p90', 'p95', 'mean ± σ', 'min … max'],
    ['makespan', ...statCells(o.makespan)],
    ['Flyte share', ...pctCells(o.flyteRatio)],
    ['external share', ...pctCells(o.externalRatio)],
  ];
}

/** The infrastructure table (shared by the report and its per-execution variants). */
export function renderInfra(
  r: Pick<ReportJson, 'infra' | 'infraCounts' | 'streakEnds' | 'source'>,
  title: string,
  out: string[],
): void {
  const rows: string[][] = [['', '', 'n', 'p50', 'p90', 'p95', 'mean ± σ', 'min … max']];
  let missing = false;
  let coarse = 0;
  const ic = r.infraCounts;
  for (const row of INFRA_ROWS) {
    const s = r.infra[row.metric];
    if (!s || (!row.always && s.count === 0)) continue;
    if (s.count === 0) missing = true;
    coarse = Math.max(coarse, s.resolutionNs);
    rows.push([row.group, row.label, ...statCells(s)]);
    if (row.metric === 'etcdUpdates' && ic.crBytes.count > 0) rows.push(['', 'CR size per write', ...countCells(ic.crBytes, kib)]);
  }
  rows.push(['', 'streak length (rounds)', ...countCells(ic.streakLength)]);
  rows.push(['', 'events per round', ...countCells(ic.eventsPerRound)]);
  out.push(`${title} · nearest-rank quantiles`);
  out.push(...columns(rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'], '  '));
  const ends = Object.entries(r.streakEnds)
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(', ');
  if (ends) out.push(`  streaks ended by: ${ends}`);
  if (coarse > 0) {
    out.push(
      `  durations from timestamps with ${resolutionPhrase(coarse)} resolution: ~estimate [bound from every sample's lower … upper bound]`,
    );
  }
  if (missing) {
    out.push(
      r.source === 'logs'
        ? '  — not in this input: propeller logs do not record these calls (OTLP traces and simulations do)'
        : '  — not in this input',
    );
  }
}

/** `--summary`: the header, the overhead over all executions and the infrastructure table. */
export function renderReportSummary(r: ReportJson, n: number): string {
  return renderReportHead(r, n) + renderReportTail(r, n, { summary: true });
}

/** The whole report as text. */
export function renderReport(r: ReportJson, opts: RenderReportOptions = {}): string {
  const n = r.executions.length;
  return renderReportHead(r, n) + r.executions.map((e) => renderExecutionText(e, opts)).join('') + renderReportTail(r, n);
}

/** The report's first lines (`n` executions follow). The three parts concatenate to `renderReport`. */
export function renderReportHead(r: ReportJson, n: number): string {
  const out: string[] = [];
  out.push(`propsim report · ${n} execution${n === 1 ? '' : 's'} · source: ${r.source}`);
  if (r.resolutionNs > 0) {
    out.push(
      `Timestamps have ${resolutionPhrase(r.resolutionNs)} resolution: durations print as ~estimate [lower … upper bound].`,
    );
  }
  out.push('');
  return out.join('\n') + '\n';
}

/** One execution's block of the report. */
export function renderExecutionText(e: ExecutionReport, opts: RenderReportOptions = {}): string {
  const out: string[] = [];
  renderExecution(e, out, opts.maxNestedPerParent ?? 20);
  return out.join('\n') + '\n';
}

/**
 * The overhead over all executions and the infrastructure table, closing the report. The overhead
 * section is printed when there are several executions, or always with `summary` (it then stands
 * in for the execution blocks left out).
 */
export function renderReportTail(r: ReportJson, n: number, opts: { summary?: boolean } = {}): string {
  const out: string[] = [];
  if (r.overall && (r.overall.executions > 1 || (opts.summary && r.overall.executions > 0))) renderOverall(r.overall, out);
  renderInfra(r, `Infrastructure · all ${n} execution${n === 1 ? '' : 's'}`, out);
  return out.join('\n') + '\n';
}

