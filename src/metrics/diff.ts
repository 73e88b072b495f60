/**
 * `diffReports(a, b)`: two report JSONs -> the same layout with deltas (b − a), absolute and
 * relative to a.
 *
 * Executions are matched by id when the reports share any id (the rest are listed as only in A
 * / only in B); otherwise, when both hold the same number of executions, by position (two runs
 * of the same workflows get different ids); otherwise none match. `matchedBy` says which. Nodes
 * of matched executions are matched by id; infrastructure by metric name. Every delta is
 * antisymmetric: diff(b, a).delta = −diff(a, b).delta, and diff(a, a) is all zeros.
 * Ratio deltas are differences of fractions (0.05 = 5 percentage points).
 */
import type { ExecutionReport, NodeReport, ReportJson } from './report-json.js';

export interface Delta {
  a: number | null;
  b: number | null;
  /** b − a; null when either side is missing. */
  delta: number | null;
  /** (b − a) / |a|; null when a is missing or 0. */
  rel: number | null;
}

export function delta(a: number | null | undefined, b: number | null | undefined): Delta {
  const x = typeof a === 'number' && Number.isFinite(a) ? a : null;
  const y = typeof b === 'number' && Number.isFinite(b) ? b : null;
  const d = x !== null && y !== null ? y - x : null;
  return { a: x, b: y, delta: d === 0 ? 0 : d, rel: d !== null && x !== null && x !== 0 ? d / Math.abs(x) : null };
}

const NODE_FIELDS = ['timeNs', 'userNs', 'flyteNs', 'externalNs', 'waitNs'] as const;
const OVERHEAD_FIELDS = ['userNs', 'flyteNs', 'externalNs', 'totalNs', 'flyteRatio', 'externalRatio'] as const;
const CP_FIELDS = ['userNs', 'flyteNs', 'externalNs', 'flyteRatio', 'externalRatio'] as const;
const COUNT_FIELDS = [
  'handles',
  'rounds',
  'changedRounds',
  'workflowEvents',
  'nodeEvents',
  'taskEvents',
  'etcdUpdates',
  'etcdBytes',
  'maxCrBytes',
] as const;
const INFRA_FIELDS = ['count', 'p50Ns', 'p90Ns', 'p95Ns', 'meanNs'] as const;

export type NodeDiff = { id: string; inA: boolean; inB: boolean; topLevel: boolean } & Record<(typeof NODE_FIELDS)[number], Delta>;

export interface ExecutionDiff {
  idA: string;
  idB: string;
  makespanNs: Delta;
  overhead: Record<(typeof OVERHEAD_FIELDS)[number], Delta>;
  criticalPath: Record<(typeof CP_FIELDS)[number], Delta>;
  counts: Record<(typeof COUNT_FIELDS)[number], Delta>;
  nodes: NodeDiff[];
}

export type InfraDiff = Record<(typeof INFRA_FIELDS)[number], Delta>;

const OVERALL_OVERHEAD_FIELDS = ['userNs', 'flyteNs', 'externalNs', 'totalNs', 'flyteRatio', 'externalRatio'] as const;
const SPREAD_FIELDS = ['p50', 'p90', 'p95', 'mean'] as const;

/** The overhead over all executions, A against B: what a before/after comparison of two logs asks. */
export interface OverallDiff {
  executions: Delta;
  complete: Delta;
  overhead: Record<(typeof OVERALL_OVERHEAD_FIELDS)[number], Delta>;
  makespan: Record<(typeof INFRA_FIELDS)[number], Delta>;
  flyteRatio: Record<(typeof SPREAD_FIELDS)[number], Delta>;
  externalRatio: Record<(typeof SPREAD_FIELDS)[number], Delta>;
}

export interface DiffJson {
  schema: 'propsim.diff/1';
  matchedBy: 'id' | 'position' | 'none';
  executions: ExecutionDiff[];
  /** Execution ids present in only one report. */
  onlyInA: string[];
  onlyInB: string[];
  infra: Record<string, InfraDiff>;
  /** Present when both reports have their `overall` section. */
  overall?: OverallDiff;
  /** Coarsest timestamp resolution of either input (0 = both exact). */
  resolutionNs: number;
}

function pick<K extends string>(keys: readonly K[], a: Partial<Record<K, unknown>> | undefined, b: Partial<Record<K, unknown>> | undefined): Record<K, Delta> {
  const out = {} as Record<K, Delta>;
  for (const k of keys) out[k] = delta(a?.[k] as number | undefined, b?.[k] as number | undefined);
  return out;
}

function diffNodes(a: readonly NodeReport[], b: readonly NodeReport[]): NodeDiff[] {
  const inB = new Map(b.map((n) => [n.id, n]));
  const inA = new Map(a.map((n) => [n.id, n]));
  const out: NodeDiff[] = [];
  for (const n of a) {
    const m = inB.get(n.id);
    out.push({ id: n.id, inA: true, inB: m !== undefined, topLevel: n.topLevel !== false, ...pick(NODE_FIELDS, n, m) });
  }
  for (const m of b) {
    if (!inA.has(m.id)) out.push({ id: m.id, inA: false, inB: true, topLevel: m.topLevel !== false, ...pick(NODE_FIELDS, undefined, m) });
  }
  return out;
}

/** Counts with CR sizes left out when 0: the input did not record them (logs), it did not write nothing. */
function knownCounts(c: ExecutionReport['counts'] | undefined): Partial<ExecutionReport['counts']> | undefined {
  if (!c || c.maxCrBytes > 0) return c;
  const { etcdBytes: _bytes, maxCrBytes: _max, ...rest } = c;
  return rest;
}

function diffExecution(a: ExecutionReport, b: ExecutionReport): ExecutionDiff {
  return {
    idA: a.id,
    idB: b.id,
    makespanNs: delta(a.makespanNs, b.makespanNs),
    overhead: pick(OVERHEAD_FIELDS, a.overhead, b.overhead),
    criticalPath: pick(CP_FIELDS, a.criticalPath, b.criticalPath),
    counts: pick(COUNT_FIELDS, knownCounts(a.counts), knownCounts(b.counts)),
    nodes: diffNodes(a.nodes ?? [], b.nodes ?? []),
  };
}

export function diffReports(a: ReportJson, b: ReportJson): DiffJson {
  const ea = a.executions ?? [];
  const eb = b.executions ?? [];
  const idsB = new Map(eb.map((e) => [e.id, e]));
  const idsA = new Set(ea.map((e) => e.id));
  const shared = ea.some((e) => idsB.has(e.id));
  let matchedBy: DiffJson['matchedBy'];
  const executions: ExecutionDiff[] = [];
  const onlyInA: string[] = [];
  const onlyInB: string[] = [];
  if (shared) {
    matchedBy = 'id';
    for (const e of ea) {
      const m = idsB.get(e.id);
      if (m) executions.push(diffExecution(e, m));
      else onlyInA.push(e.id);
    }
    for (const e of eb) if (!idsA.has(e.id)) onlyInB.push(e.id);
  } else if (ea.length === eb.length && ea.length > 0) {
    matchedBy = 'position';
    ea.forEach((e, i) => executions.push(diffExecution(e, eb[i]!)));
  } else {
    matchedBy = ea.length === 0 && eb.length === 0 ? 'id' : 'none';
    onlyInA.push(...ea.map((e) => e.id));
    onlyInB.push(...eb.map((e) => e.id));
  }
  const metrics = [...new Set([...Object.keys(a.infra ?? {}), ...Object.keys(b.infra ?? {})])];
  const infra: Record<string, InfraDiff> = {};
  for (const m of metrics) {
    infra[m] = pick(INFRA_FIELDS, (a.infra as Record<string, never> | undefined)?.[m], (b.infra as Record<string, never> | undefined)?.[m]);
  }
  const oa = a.overall;
  const ob = b.overall;
  const overall: OverallDiff | undefined =
    oa && ob
      ? {
          executions: delta(oa.executions, ob.executions),
          complete: delta(oa.complete, ob.complete),
          overhead: pick(OVERALL_OVERHEAD_FIELDS, oa.overhead, ob.overhead),
          makespan: pick(INFRA_FIELDS, oa.makespan, ob.makespan),
          flyteRatio: pick(SPREAD_FIELDS, oa.flyteRatio, ob.flyteRatio),
          externalRatio: pick(SPREAD_FIELDS, oa.externalRatio, ob.externalRatio),
        }
      : undefined;
  return {
    schema: 'propsim.diff/1',
    matchedBy,
    executions,
    onlyInA,
    onlyInB,
    infra,
    ...(overall ? { overall } : {}),
    resolutionNs: Math.max(a.resolutionNs ?? 0, b.resolutionNs ?? 0),
  };
}
