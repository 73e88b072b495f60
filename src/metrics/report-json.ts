/**
 * The `report --json` contract. Fields may be added; none may be renamed or removed (later
 * tools read `executions[].{id, makespanNs, nodes[].{id, userNs, flyteNs, externalNs},
 * overhead.{userNs, flyteNs, externalNs, flyteRatio, externalRatio}}` and
 * `infra.<metric>.{count, p50Ns, p90Ns, p95Ns}`).
 *
 * All durations are integer nanoseconds. `…Ns` values are best estimates; where the input time is
 * coarse (whole-second log stamps) `bounds` carries `{lo, hi}` intervals that contain the true
 * value, and `resolutionNs` the coarsest timestamp resolution involved (0 = exact input).
 */
import type { OverallReport } from './overall.js';
import type { SourceKind } from '../timeline/types.js';

export interface Bound {
  lo: number;
  hi: number;
}

export interface NodeReport {
  id: string;
  kind: string;
  parent?: string;
  /** Runnable and end instants (ns from the recording origin). */
  runnableAtNs: number;
  endAtNs: number;
  /** How the runnable time was found: start | upstream | sibling | parent | created. */
  runnableRule: string;
  /** Node whose end made this one runnable (upstream/sibling rules). */
  runnableFrom?: string;
  /** Runnable time was later than the node's first transition and was capped to it. */
  runnableCapped?: boolean;
  timeNs: number;
  userNs: number;
  flyteNs: number;
  externalNs: number;
  /** Part of flyteNs between runnable and the node's first transition. */
  waitNs: number;
  /** False when the node never reached a terminal phase (time runs to its last transition). */
  complete: boolean;
  /** The node ended Skipped (a branch case not taken): it never ran. */
  skipped?: boolean;
  /** The node was aborted (a failing workflow aborted it while it ran): it ends at its ABORTED event. */
  aborted?: boolean;
  /** The node ended Failed (or TimedOut). */
  failed?: boolean;
  /** True for nodes summed into the workflow overhead (no recorded parent). */
  topLevel: boolean;
  /** Pod attempts of the node itself. */
  pods: number;
  childExecutions?: string[];
  bounds: { timeNs: Bound; userNs: Bound; flyteNs: Bound; externalNs: Bound; waitNs: Bound };
}

export interface OverheadReport {
  userNs: number;
  flyteNs: number;
  externalNs: number;
  /** user + flyte + external: the summed node time. */
  totalNs: number;
  flyteRatio: number;
  externalRatio: number;
  userRatio: number;
  /** Number of top-level nodes summed. */
  nodeCount: number;
  bounds: {
    userNs: Bound;
    flyteNs: Bound;
    externalNs: Bound;
    totalNs: Bound;
    flyteRatio: Bound;
    externalRatio: Bound;
    userRatio: Bound;
  };
}

export interface CriticalPathReport {
  nodes: string[];
  userNs: number;
  flyteNs: number;
  externalNs: number;
  /** Flyte time before and between path nodes, and after the last one (workflow tail). */
  gapsNs: number;
  tailNs: number;
  makespanNs: number;
  flyteRatio: number;
  externalRatio: number;
  userRatio: number;
  bounds: { userNs: Bound; flyteNs: Bound; externalNs: Bound; gapsNs: Bound; tailNs: Bound };
}

export interface ExecutionCounts {
  handles: number;
  rounds: number;
  /** Rounds that changed status (and wrote the CR or tried to). */
  changedRounds: number;
  erroredRounds: number;
  enqueues: number;
  nodeTransitions: number;
  workflowTransitions: number;
  workflowEvents: number;
  nodeEvents: number;
  taskEvents: number;
  etcdUpdates: number;
  /** Sum of CR bytes over etcd writes, and the largest CR seen (0 when unknown). */
  etcdBytes: number;
  maxCrBytes: number;
  blobOps: number;
  /** Longest streak (rounds in one Handle call). */
  maxStreak: number;
  streakEnds: Record<string, number>;
}

/** Duration statistics of one infrastructure metric (nearest-rank quantiles, ns). */
export interface InfraStat {
  count: number;
  p50Ns: number | null;
  p90Ns: number | null;
  p95Ns: number | null;
  meanNs: number | null;
  /** Sample standard deviation of the estimates (null below 2 samples). */
  sdNs: number | null;
  minNs: number | null;
  maxNs: number | null;
  /** Coarsest timestamp resolution among the samples' instants (0 = exact). */
  resolutionNs: number;
  /** Present when resolutionNs > 0 and count > 0: bounds from the samples' lower / upper bounds. */
  bounds?: { p50Ns: Bound; p90Ns: Bound; p95Ns: Bound; meanNs: Bound; minNs: Bound; maxNs: Bound };
}

/** Statistics of a count (not a duration): rounds per Handle call, events per round, CR bytes. */
export interface CountStat {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  mean: number | null;
  sd: number | null;
  min: number | null;
  max: number | null;
}

/** Infrastructure metric names (always present in `infra`, count 0 when not observed). */
export const INFRA_METRICS = [
  'workflowEvents',
  'nodeEvents',
  'taskEvents',
  'etcdUpdates',
  'blobReads',
  'blobWrites',
  'blobHeads',
  'blobCopies',
  'catalogGets',
  'catalogPuts',
  'podCreates',
  'podDeletes',
  'launchExecutions',
  'closureReads',
  'deepCopies',
  'traversals',
  'rounds',
  'handles',
  'queueWaits',
] as const;
export type InfraMetric = (typeof INFRA_METRICS)[number];

export const COUNT_METRICS = ['streakLength', 'eventsPerRound', 'opsPerRound', 'crBytes'] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

export interface InfraReport {
  infra: Record<InfraMetric, InfraStat>;
  infraCounts: Record<CountMetric, CountStat>;
  streakEnds: Record<string, number>;
}

export interface ExecutionReport {
  id: string;
  namespace: string;
  workflow?: string;
  phase: string;
  parent?: string;
  /** True when the workflow reached a terminal phase; otherwise the makespan runs to the last instant seen. */
  complete: boolean;
  createdAtNs: number;
  endAtNs: number;
  makespanNs: number;
  makespanLoNs: number;
  makespanHiNs: number;
  resolutionNs: number;
  nodes: NodeReport[];
  /** Recorded nodes without any transition. */
  notStarted: string[];
  /**
   * Set when the input cannot tell user and external time from Flyte time: why (e.g. a trace with
   * no node phases, or task nodes without pod times, whose running time then counts as Flyte).
   */
  splitUnknown?: string;
  overhead: OverheadReport;
  criticalPath: CriticalPathReport;
  counts: ExecutionCounts;
  infra: InfraReport['infra'];
  infraCounts: InfraReport['infraCounts'];
}

export interface ReportJson {
  schema: 'propsim.report/1';
  source: SourceKind | string;
  originUnixNano: string;
  /** Coarsest timestamp resolution in the whole recording (0 = exact). */
  resolutionNs: number;
  /** Quantile definition used in `infra`. */
  quantiles: 'nearest-rank';
  executions: ExecutionReport[];
  /** Overhead over all complete top-level executions (absent in reports written before it existed). */
  overall?: OverallReport;
  infra: InfraReport['infra'];
  infraCounts: InfraReport['infraCounts'];
  streakEnds: Record<string, number>;
}

/**
 * Checks that a parsed JSON value looks like a report (an `executions` array whose entries have
 * `id` and `makespanNs`, and an `infra` object) and returns it typed; throws an Error naming what
 * is missing otherwise. Used by `diff` on files written by `report --json`.
 */
export function asReportJson(value: unknown, label?: string): ReportJson {
  const at = label === undefined ? '' : `${label}: `;
  const v = value as Partial<ReportJson> | null;
  if (v === null || typeof v !== 'object' || !Array.isArray(v.executions)) {
    throw new Error(`${at}not a propsim report (expected an "executions" array)`);
  }
  if (typeof v.infra !== 'object' || v.infra === null) throw new Error(`${at}not a propsim report (expected an "infra" object)`);
  // What diff reads, with its type: a hand-edited report fails here, naming the field.
  const numbers = (o: unknown, path: string): void => {
    if (o === undefined || o === null) return;
    if (typeof o !== 'object' || Array.isArray(o)) throw new Error(`${at}${path}: expected an object`);
    // figures (…Ns, …Ratio, …Share) are numbers, or null where unknown
    for (const [k, x] of Object.entries(o)) {
      if (/(Ns|Ratio|Share)$/.test(k) && x !== null && typeof x !== 'number') throw new Error(`${at}${path}.${k}: expected a number`);
    }
  };
  v.executions.forEach((e, i) => {
    if (typeof e?.id !== 'string' || typeof e.makespanNs !== 'number') {
      throw new Error(`${at}executions[${i}] lacks "id" or "makespanNs"`);
    }
    for (const k of ['overhead', 'criticalPath', 'counts'] as const) numbers(e[k], `executions[${i}].${k}`);
    if (e.nodes === undefined) return;
    if (!Array.isArray(e.nodes)) throw new Error(`${at}executions[${i}].nodes: expected a list`);
    e.nodes.forEach((n, j) => {
      if (n === null || typeof n !== 'object' || typeof n.id !== 'string') throw new Error(`${at}executions[${i}].nodes[${j}]: expected a node with an "id"`);
      numbers(n, `executions[${i}].nodes[${j}]`);
    });
  });
  for (const [k, m] of Object.entries(v.infra)) numbers(m, `infra.${k}`);
  return v as ReportJson;
}
