/**
 * The figures that replications and what-ifs summarise, read off a report: per execution
 * (makespan, overhead sums and ratios, rounds, events, etcd traffic) and over the whole recording
 * (a few infrastructure medians). One place defines them so that `simulate --reps`, `whatif` and
 * their renderers agree on names, units and order.
 */
import type { ExecutionReport, ReportJson } from '../metrics/index.js';

export type FigureUnit = 'ns' | 'ratio' | 'count' | 'bytes';

export interface FigureDef {
  key: string;
  label: string;
  unit: FigureUnit;
}

export interface ExecutionFigure extends FigureDef {
  get(e: ExecutionReport): number | null;
}

export interface RecordingFigure extends FigureDef {
  get(r: ReportJson): number | null;
}

const finite = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Figures of one execution; the top-level value of each is the mean over top-level executions. */
export const EXECUTION_FIGURES: readonly ExecutionFigure[] = [
  { key: 'makespanNs', label: 'makespan', unit: 'ns', get: (e) => finite(e.makespanNs) },
  { key: 'userNs', label: 'user time', unit: 'ns', get: (e) => finite(e.overhead.userNs) },
  { key: 'flyteNs', label: 'Flyte overhead', unit: 'ns', get: (e) => finite(e.overhead.flyteNs) },
  { key: 'externalNs', label: 'external overhead', unit: 'ns', get: (e) => finite(e.overhead.externalNs) },
  { key: 'flyteRatio', label: 'Flyte share', unit: 'ratio', get: (e) => finite(e.overhead.flyteRatio) },
  { key: 'externalRatio', label: 'external share', unit: 'ratio', get: (e) => finite(e.overhead.externalRatio) },
  { key: 'handles', label: 'Handle calls', unit: 'count', get: (e) => finite(e.counts.handles) },
  { key: 'rounds', label: 'rounds', unit: 'count', get: (e) => finite(e.counts.rounds) },
  { key: 'changedRounds', label: 'changed rounds', unit: 'count', get: (e) => finite(e.counts.changedRounds) },
  {
    key: 'events',
    label: 'admin events',
    unit: 'count',
    get: (e) => finite(e.counts.workflowEvents + e.counts.nodeEvents + e.counts.taskEvents),
  },
  { key: 'etcdUpdates', label: 'etcd writes', unit: 'count', get: (e) => finite(e.counts.etcdUpdates) },
  { key: 'etcdBytes', label: 'etcd bytes written', unit: 'bytes', get: (e) => finite(e.counts.etcdBytes) },
  { key: 'maxCrBytes', label: 'largest CR', unit: 'bytes', get: (e) => finite(e.counts.maxCrBytes) },
];

/** Medians over every operation of the recording (children included); null when none happened. */
export const RECORDING_FIGURES: readonly RecordingFigure[] = [
  { key: 'queueWaitP50Ns', label: 'queue wait p50', unit: 'ns', get: (r) => finite(r.infra.queueWaits?.p50Ns) },
  { key: 'roundP50Ns', label: 'round p50', unit: 'ns', get: (r) => finite(r.infra.rounds?.p50Ns) },
  { key: 'nodeEventP50Ns', label: 'node event p50', unit: 'ns', get: (r) => finite(r.infra.nodeEvents?.p50Ns) },
  { key: 'etcdUpdateP50Ns', label: 'etcd write p50', unit: 'ns', get: (r) => finite(r.infra.etcdUpdates?.p50Ns) },
];

export const ALL_FIGURES: readonly FigureDef[] = [...EXECUTION_FIGURES, ...RECORDING_FIGURES];

export type FigureValues = Record<string, number | null>;

/** The figures of one replication. */
export interface FigureSample {
  /** Per top-level execution, in report order. */
  executions: Map<string, FigureValues>;
  /** Execution figures averaged over top-level executions, and the recording figures. */
  overall: FigureValues;
}

/** Executions started from a plan (launch-plan children are part of their parent's makespan). */
export function topLevelExecutions(r: ReportJson): ExecutionReport[] {
  return r.executions.filter((e) => e.parent === undefined);
}

export function executionFigures(e: ExecutionReport): FigureValues {
  const v: FigureValues = {};
  for (const f of EXECUTION_FIGURES) v[f.key] = f.get(e);
  return v;
}

/** Mean of the non-null values (null when there are none). */
export function meanOf(xs: readonly (number | null | undefined)[]): number | null {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (typeof x === 'number') {
      s += x;
      n++;
    }
  }
  return n > 0 ? s / n : null;
}

export function sampleFigures(r: ReportJson): FigureSample {
  const executions = new Map<string, FigureValues>();
  for (const e of topLevelExecutions(r)) executions.set(e.id, executionFigures(e));
  const overall: FigureValues = {};
  const rows = [...executions.values()];
  for (const f of EXECUTION_FIGURES) overall[f.key] = meanOf(rows.map((v) => v[f.key]));
  for (const f of RECORDING_FIGURES) overall[f.key] = f.get(r);
  return { executions, overall };
}
