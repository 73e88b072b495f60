/**
 * Text rendering of a report diff: the report's layout with `A → B` and the delta (+/−, and
 * relative to A). Ratios change in percentage points (pp).
 */
import { formatDuration } from '../timeline/time.js';
import type { Delta, DiffJson, ExecutionDiff, OverallDiff } from './diff.js';
import { INFRA_METRICS } from './report-json.js';
import { bytes, columns, pct, resolutionPhrase } from './text.js';

type Kind = 'ns' | 'ratio' | 'count' | 'bytes';

function value(x: number | null, k: Kind): string {
  if (x === null) return '—';
  switch (k) {
    case 'ns':
      return formatDuration(x);
    case 'ratio':
      return pct(x);
    case 'bytes':
      return bytes(x);
    default:
      return Number.isInteger(x) ? String(x) : x.toFixed(1);
  }
}

function signed(d: number, k: Kind): string {
  if (d === 0) return '±0';
  const sign = d > 0 ? '+' : '−';
  const a = Math.abs(d);
  switch (k) {
    case 'ns':
      return sign + formatDuration(a);
    case 'ratio':
      return `${sign}${(a * 100).toFixed(1)} pp`;
    case 'bytes':
      return sign + bytes(a);
    default:
      return sign + (Number.isInteger(a) ? String(a) : a.toFixed(1));
  }
}

function rel(d: Delta): string {
  if (d.rel === null || d.delta === 0) return '';
  const r = d.rel * 100;
  return `(${r > 0 ? '+' : '−'}${Math.abs(r).toFixed(1)} %)`;
}

/** [A → B, Δ, relative] cells. */
function cells(d: Delta, k: Kind): string[] {
  return [
    `${value(d.a, k)} → ${value(d.b, k)}`,
    d.delta === null ? '' : signed(d.delta, k),
    k === 'ratio' ? '' : rel(d),
  ];
}

function renderExecution(e: ExecutionDiff, out: string[]): void {
  out.push(e.idA === e.idB ? `Execution ${e.idA}` : `Execution ${e.idA} → ${e.idB}`);
  const rows: string[][] = [['', 'A → B', 'Δ', 'Δ %']];
  rows.push(['makespan', ...cells(e.makespanNs, 'ns')]);
  const o = e.overhead;
  rows.push(['overhead, summed over nodes (RFC)', '', '', '']);
  rows.push(['  user', ...cells(o.userNs, 'ns')]);
  rows.push(['  Flyte', ...cells(o.flyteNs, 'ns')]);
  rows.push(['  external', ...cells(o.externalNs, 'ns')]);
  rows.push(['  Flyte share', ...cells(o.flyteRatio, 'ratio')]);
  rows.push(['  external share', ...cells(o.externalRatio, 'ratio')]);
  const c = e.criticalPath;
  rows.push(['critical path', '', '', '']);
  rows.push(['  user', ...cells(c.userNs, 'ns')]);
  rows.push(['  Flyte', ...cells(c.flyteNs, 'ns')]);
  rows.push(['  external', ...cells(c.externalNs, 'ns')]);
  rows.push(['  Flyte share of makespan', ...cells(c.flyteRatio, 'ratio')]);
  const n = e.counts;
  rows.push(['activity', '', '', '']);
  rows.push(['  Handle calls', ...cells(n.handles, 'count')]);
  rows.push(['  rounds', ...cells(n.rounds, 'count')]);
  rows.push(['  events workflow / node / task', `${value(n.workflowEvents.a, 'count')}/${value(n.nodeEvents.a, 'count')}/${value(n.taskEvents.a, 'count')} → ${value(n.workflowEvents.b, 'count')}/${value(n.nodeEvents.b, 'count')}/${value(n.taskEvents.b, 'count')}`, [n.workflowEvents, n.nodeEvents, n.taskEvents].map((d) => (d.delta === null ? '—' : signed(d.delta, 'count'))).join('/'), '']);
  rows.push(['  etcd writes', ...cells(n.etcdUpdates, 'count')]);
  if ((n.maxCrBytes.a ?? 0) > 0 || (n.maxCrBytes.b ?? 0) > 0) rows.push(['  largest CR', ...cells(n.maxCrBytes, 'bytes')]);
  out.push(...columns(rows, ['l', 'r', 'r', 'r'], '  '));
  out.push('');
  if (e.nodes.length > 0) {
    const nr: string[][] = [['node', 'time A → B', 'Δ time', 'Δ user', 'Δ Flyte', 'Δ external', '']];
    let nested = 0;
    for (const d of e.nodes) {
      if (!d.topLevel) {
        nested++;
        continue;
      }
      const sd = (x: Delta) => (x.delta === null ? '—' : signed(x.delta, 'ns'));
      nr.push([
        d.id,
        `${value(d.timeNs.a, 'ns')} → ${value(d.timeNs.b, 'ns')}`,
        sd(d.timeNs),
        sd(d.userNs),
        sd(d.flyteNs),
        sd(d.externalNs),
        d.inA && d.inB ? '' : d.inA ? 'only in A' : 'only in B',
      ]);
    }
    out.push(...columns(nr, ['l', 'r', 'r', 'r', 'r', 'r', 'l'], '  '));
    if (nested > 0) out.push(`  (${nested} nested nodes not shown: see --json)`);
    out.push('');
  }
}

function renderOverall(o: OverallDiff, out: string[]): void {
  const rows: string[][] = [['Overhead over all executions', 'A → B', 'Δ', 'Δ %']];
  rows.push(['  executions (complete)', `${value(o.executions.a, 'count')} (${value(o.complete.a, 'count')}) → ${value(o.executions.b, 'count')} (${value(o.complete.b, 'count')})`, '', '']);
  const v = o.overhead;
  rows.push(['  user, summed (RFC)', ...cells(v.userNs, 'ns')]);
  rows.push(['  Flyte, summed (RFC)', ...cells(v.flyteNs, 'ns')]);
  rows.push(['  external, summed (RFC)', ...cells(v.externalNs, 'ns')]);
  rows.push(['  Flyte share', ...cells(v.flyteRatio, 'ratio')]);
  rows.push(['  external share', ...cells(v.externalRatio, 'ratio')]);
  rows.push(['  makespan p50', ...cells(o.makespan.p50Ns, 'ns')]);
  rows.push(['  makespan p90', ...cells(o.makespan.p90Ns, 'ns')]);
  rows.push(['  Flyte share per execution p50', ...cells(o.flyteRatio.p50, 'ratio')]);
  rows.push(['  Flyte share per execution p90', ...cells(o.flyteRatio.p90, 'ratio')]);
  out.push(...columns(rows, ['l', 'r', 'r', 'r'], ''));
  out.push('');
}

const INFRA_LABEL: Record<string, string> = {
  workflowEvents: 'events workflow',
  nodeEvents: 'events node',
  taskEvents: 'events task',
  etcdUpdates: 'etcd updates',
  blobReads: 'blobstore reads',
  blobWrites: 'blobstore writes',
  blobHeads: 'blobstore heads',
  blobCopies: 'blobstore copies',
  catalogGets: 'catalog gets',
  catalogPuts: 'catalog puts',
  podCreates: 'kube pod creates',
  podDeletes: 'kube pod deletes',
  launchExecutions: 'admin launch plans',
  closureReads: 'propeller closure reads',
  deepCopies: 'propeller deep copies',
  traversals: 'propeller traversals',
  rounds: 'propeller rounds',
  handles: 'propeller streaks (Handle calls)',
  queueWaits: 'propeller queue waits',
};

export function renderDiff(d: DiffJson): string {
  const out: string[] = [];
  const how =
    d.matchedBy === 'id'
      ? 'executions matched by id'
      : d.matchedBy === 'position'
        ? 'executions matched by position (no id in common, same count)'
        : 'no executions matched (no id in common and different counts)';
  out.push(`propsim diff · Δ = B − A · ${how}`);
  if (d.resolutionNs > 0) {
    out.push(`Inputs have ${resolutionPhrase(d.resolutionNs)} timestamp resolution: smaller duration deltas are not significant.`);
  }
  if (d.onlyInA.length) out.push(`only in A: ${d.onlyInA.join(', ')}`);
  if (d.onlyInB.length) out.push(`only in B: ${d.onlyInB.join(', ')}`);
  out.push('');
  for (const e of d.executions) renderExecution(e, out);
  if (d.overall && ((d.overall.executions.a ?? 0) > 1 || (d.overall.executions.b ?? 0) > 1)) renderOverall(d.overall, out);
  const rows: string[][] = [['Infrastructure', 'count A → B', 'Δ', 'p50 A → B', 'Δ', 'Δ %', 'p90 Δ', 'p95 Δ']];
  const known = new Set<string>(INFRA_METRICS);
  const names = [...INFRA_METRICS.filter((m) => d.infra[m]), ...Object.keys(d.infra).filter((m) => !known.has(m))];
  for (const m of names) {
    const x = d.infra[m]!;
    if ((x.count.a ?? 0) === 0 && (x.count.b ?? 0) === 0 && !['workflowEvents', 'nodeEvents', 'taskEvents', 'etcdUpdates', 'rounds', 'handles', 'queueWaits'].includes(m)) {
      continue;
    }
    const [p50ab, p50d, p50r] = cells(x.p50Ns, 'ns');
    rows.push([
      INFRA_LABEL[m] ?? m,
      `${value(x.count.a, 'count')} → ${value(x.count.b, 'count')}`,
      x.count.delta === null ? '' : signed(x.count.delta, 'count'),
      p50ab!,
      p50d!,
      p50r!,
      x.p90Ns.delta === null ? '—' : signed(x.p90Ns.delta, 'ns'),
      x.p95Ns.delta === null ? '—' : signed(x.p95Ns.delta, 'ns'),
    ]);
  }
  out.push(...columns(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'], '  '));
  return out.join('\n') + '\n';
}
