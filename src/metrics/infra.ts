/**
 * Infrastructure statistics: what Flyte does, over all executions given (the RFC's
 * "infrastructure metrics").
 *
 * Durations (end − start of each sample, with bounds from the instants' Lo/Hi):
 * - one metric per timed op kind: workflowEvents, nodeEvents, taskEvents (admin event RPCs),
 *   etcdUpdates, blobReads/Writes/Heads/Copies, catalogGets/Puts, podCreates/Deletes, launchExecutions,
 *   closureReads, deepCopies, traversals;
 * - rounds (one `streak()` iteration), handles (one Handle call = one streak),
 *   queueWaits (Handle start − the time its key became ready, when known).
 * Counts: streakLength (rounds per Handle call), eventsPerRound, opsPerRound, crBytes (CR size
 * at each etcd write), and how streaks ended.
 */
import type { Execution, OpKind, Timed } from '../timeline/types.js';
import { endHi, endLo, startHi, startLo } from '../timeline/bounds.js';
import { summarize } from './quantile.js';
import {
  COUNT_METRICS,
  INFRA_METRICS,
  type CountMetric,
  type CountStat,
  type ExecutionCounts,
  type InfraMetric,
  type InfraReport,
  type InfraStat,
} from './report-json.js';

const OP_METRIC: Partial<Record<OpKind, InfraMetric>> = {
  workflowEvent: 'workflowEvents',
  nodeEvent: 'nodeEvents',
  taskEvent: 'taskEvents',
  etcdUpdate: 'etcdUpdates',
  blobRead: 'blobReads',
  blobWrite: 'blobWrites',
  blobHead: 'blobHeads',
  blobCopy: 'blobCopies',
  catalogGet: 'catalogGets',
  catalogPut: 'catalogPuts',
  podCreate: 'podCreates',
  podDelete: 'podDeletes',
  launchExecution: 'launchExecutions',
  closureRead: 'closureReads',
  deepCopy: 'deepCopies',
  traversal: 'traversals',
};

// Which activity count an op kind adds to (admin events also count towards events per round).
const COUNT_NONE = 0;
const COUNT_WORKFLOW_EVENT = 1;
const COUNT_NODE_EVENT = 2;
const COUNT_TASK_EVENT = 3;
const COUNT_ETCD = 4;
const COUNT_BLOB = 5;
const OP_COUNT: Partial<Record<OpKind, number>> = {
  workflowEvent: COUNT_WORKFLOW_EVENT,
  nodeEvent: COUNT_NODE_EVENT,
  taskEvent: COUNT_TASK_EVENT,
  etcdUpdate: COUNT_ETCD,
  blobRead: COUNT_BLOB,
  blobWrite: COUNT_BLOB,
  blobHead: COUNT_BLOB,
  blobCopy: COUNT_BLOB,
};
const OP_KINDS = Object.entries(OP_METRIC) as [OpKind, InfraMetric][];

/** Samples of one duration metric, as parallel arrays (estimate, lower, upper bound). */
class Samples {
  est: number[] = [];
  /**
   * Lower and upper bounds, kept only once a sample is uncertain: until then each equals its
   * estimate (a simulation's or a trace's samples are all exact, and a large one has millions).
   */
  lo: number[] | null = null;
  hi: number[] | null = null;
  res = 0;
  /** Ops counted whose duration no line shows (`Op.untimed`): in the count, not in the statistics. */
  untimed = 0;

  add(sAt: number, sLo: number, sHi: number, eAt: number, eLo: number, eHi: number): void {
    if (this.lo === null && sLo === sAt && sHi === sAt && eLo === eAt && eHi === eAt) {
      this.est.push(Math.max(0, eAt - sAt));
      return;
    }
    // `between` of the two instants, without its result object (a report adds a sample per op).
    const aLo = Math.min(sLo, sAt);
    const aHi = Math.max(sHi, sAt);
    const bLo = Math.min(eLo, eAt);
    const bHi = Math.max(eHi, eAt);
    const lo = Math.max(0, bLo - aHi);
    const hi = Math.max(lo, bHi - aLo);
    this.bounds();
    this.est.push(Math.min(Math.max(Math.max(0, eAt - sAt), lo), hi));
    this.lo!.push(lo);
    this.hi!.push(hi);
    this.res = Math.max(this.res, sHi - sLo, eHi - eLo);
  }

  /** Starts keeping bounds: those of the samples so far are their estimates. */
  private bounds(): void {
    if (this.lo === null) {
      this.lo = this.est.slice();
      this.hi = this.est.slice();
    }
  }

  stat(): InfraStat {
    const s = boundedStat(this.est, this.lo ?? this.est, this.hi ?? this.est, this.res);
    s.count += this.untimed;
    return s;
  }

  append(other: Samples): void {
    if (other.lo !== null) this.bounds();
    if (this.lo !== null) {
      appendAll(this.lo, other.lo ?? other.est);
      appendAll(this.hi!, other.hi ?? other.est);
    }
    appendAll(this.est, other.est);
    this.res = Math.max(this.res, other.res);
    this.untimed += other.untimed;
  }
}

/**
 * Statistics of estimates whose samples each lie in [lo, hi]: the quantiles, mean, min and max of
 * the estimates, bounded by the same statistics of the lower and of the upper bounds.
 */
export function boundedStat(est: readonly number[], lo: readonly number[], hi: readonly number[], resolutionNs: number): InfraStat {
  const e = summarize(est);
  const r = (x: number | null): number | null => (x === null ? null : Math.round(x));
  const out: InfraStat = {
    count: e.count,
    p50Ns: e.p50,
    p90Ns: e.p90,
    p95Ns: e.p95,
    meanNs: r(e.mean),
    sdNs: r(e.sd),
    minNs: e.min,
    maxNs: e.max,
    resolutionNs,
  };
  if (resolutionNs > 0 && e.count > 0) {
    const l = summarize(lo);
    const h = summarize(hi);
    const b = (x: number | null, y: number | null) => ({ lo: Math.round(x ?? 0), hi: Math.round(y ?? 0) });
    out.bounds = {
      p50Ns: b(l.p50, h.p50),
      p90Ns: b(l.p90, h.p90),
      p95Ns: b(l.p95, h.p95),
      meanNs: b(l.mean, h.mean),
      minNs: b(l.min, h.min),
      maxNs: b(l.max, h.max),
    };
  }
  return out;
}

/** `to.push(...from)` without spreading a large array onto the stack. */
function appendAll(to: number[], from: readonly number[]): void {
  for (let i = 0; i < from.length; i++) to.push(from[i]!);
}

function countStat(values: readonly number[]): CountStat {
  return summarize(values);
}

/**
 * The bounds of an execution's enqueues by time, for Handle calls that name their enqueue without
 * its bounds. Built on first use, and not at all when every enqueue is exact (a simulation, a
 * trace): then the bounds are the time itself.
 */
class EnqueueBounds {
  private byAt: Map<number, { lo: number; hi: number }> | null = null;
  private readonly exact: boolean;

  constructor(private readonly exec: Execution) {
    this.exact = exec.enqueues.every((e) => e.lo === e.at && e.hi === e.at);
  }

  lo(at: number): number {
    return this.exact ? at : (this.map().get(at)?.lo ?? at);
  }

  hi(at: number): number {
    return this.exact ? at : (this.map().get(at)?.hi ?? at);
  }

  private map(): Map<number, { lo: number; hi: number }> {
    if (this.byAt === null) {
      this.byAt = new Map();
      for (const e of this.exec.enqueues) this.byAt.set(e.at, { lo: e.lo, hi: e.hi });
    }
    return this.byAt;
  }
}

/** Adds the duration of `t` to `samples`; returns the wider uncertainty of its start and end. */
function addTimed(samples: Samples, t: Timed): number {
  const sLo = startLo(t);
  const sHi = startHi(t);
  const eLo = endLo(t);
  const eHi = endHi(t);
  samples.add(t.start, sLo, sHi, t.end, eLo, eHi);
  return Math.max(sHi - sLo, eHi - eLo);
}

/** What `InfraAccumulator.add` finds out about an execution besides its samples. */
export interface ExecutionWalk {
  counts: ExecutionCounts;
  /** Widest [lo, hi] of its Handle calls' and rounds' start and end instants (0 when all exact). */
  resolutionNs: number;
}

/** Infrastructure statistics over `execs`. Independent of their order. */
export function infraStats(execs: readonly Execution[]): InfraReport {
  const acc = new InfraAccumulator();
  for (const exec of execs) acc.add(exec);
  return acc.result();
}

/**
 * `infraStats` one execution at a time, so a streaming report can drop each execution once it is
 * added: only the samples (numbers) stay.
 */
export class InfraAccumulator {
  // Built with plain loops: a streaming report makes one accumulator per execution.
  private readonly samples = {} as Record<InfraMetric, Samples>;
  private readonly counts = {} as Record<CountMetric, number[]>;
  /** Handle calls by how their streak ended (a Map: counting into an object by computed key was a tenth of a large report). */
  private readonly streakEnds = new Map<string, number>();
  /** `result()` until the next `add` or `merge`. */
  private cached: InfraReport | null = null;
  /** An op kind's samples, and whether it is an admin event: one lookup per op. */
  private readonly byKind = new Map<string, { samples: Samples; count: number }>();

  constructor() {
    for (const m of INFRA_METRICS) this.samples[m] = new Samples();
    for (const m of COUNT_METRICS) this.counts[m] = [];
    for (const [kind, m] of OP_KINDS) this.byKind.set(kind, { samples: this.samples[m], count: OP_COUNT[kind] ?? COUNT_NONE });
  }

  /**
   * Adds the execution's samples; returns its activity counts and the widest uncertainty of its
   * Handle calls' and rounds' instants, found in the same pass (a large execution has millions of
   * ops: one walk, not three).
   */
  add(exec: Execution): ExecutionWalk {
    this.cached = null;
    const { samples, counts, streakEnds, byKind } = this;
    const enqueueBounds = new EnqueueBounds(exec);
    const c = emptyCounts(exec);
    const ends = new Map<string, number>();
    let res = 0;
    let sawOpBytes = false;
    for (const h of exec.handles) {
      res = Math.max(res, addTimed(samples.handles, h));
      if (h.enqueuedAt !== undefined) {
        const lo = h.enqueuedAtLo ?? enqueueBounds.lo(h.enqueuedAt);
        const hi = h.enqueuedAtHi ?? enqueueBounds.hi(h.enqueuedAt);
        samples.queueWaits.add(h.enqueuedAt, lo, hi, h.start, startLo(h), startHi(h));
      }
      const nRounds = h.rounds.length;
      counts.streakLength.push(nRounds);
      c.rounds += nRounds;
      if (nRounds > c.maxStreak) c.maxStreak = nRounds;
      streakEnds.set(h.endReason, (streakEnds.get(h.endReason) ?? 0) + 1);
      ends.set(h.endReason, (ends.get(h.endReason) ?? 0) + 1);
      for (const r of h.rounds) {
        res = Math.max(res, addTimed(samples.rounds, r));
        if (r.changed) c.changedRounds++;
        if (r.error !== undefined) c.erroredRounds++;
        let events = 0;
        for (const op of r.ops) {
          const k = byKind.get(op.kind);
          if (k === undefined) continue;
          if (op.untimed === true) k.samples.untimed++;
          else k.samples.add(op.start, startLo(op), startHi(op), op.end, endLo(op), endHi(op));
          switch (k.count) {
            case COUNT_WORKFLOW_EVENT:
              c.workflowEvents++;
              events++;
              break;
            case COUNT_NODE_EVENT:
              c.nodeEvents++;
              events++;
              break;
            case COUNT_TASK_EVENT:
              c.taskEvents++;
              events++;
              break;
            case COUNT_ETCD:
              c.etcdUpdates++;
              if (op.bytes !== undefined) {
                counts.crBytes.push(op.bytes);
                sawOpBytes = true;
                c.etcdBytes += op.bytes;
                c.maxCrBytes = Math.max(c.maxCrBytes, op.bytes);
              }
              break;
            case COUNT_BLOB:
              c.blobOps++;
              break;
            default:
              break;
          }
        }
        counts.eventsPerRound.push(events);
        counts.opsPerRound.push(r.ops.length);
      }
    }
    if (!sawOpBytes) {
      for (const s of exec.crBytes ?? []) {
        counts.crBytes.push(s.bytes);
        c.etcdBytes += s.bytes;
        c.maxCrBytes = Math.max(c.maxCrBytes, s.bytes);
      }
    }
    c.streakEnds = sortKeys(Object.fromEntries(ends));
    return { counts: c, resolutionNs: res };
  }

  result(): InfraReport {
    if (this.cached !== null) return this.cached;
    const infra = Object.fromEntries(INFRA_METRICS.map((m) => [m, this.samples[m].stat()])) as Record<InfraMetric, InfraStat>;
    const infraCounts = Object.fromEntries(COUNT_METRICS.map((m) => [m, countStat(this.counts[m])])) as Record<
      CountMetric,
      CountStat
    >;
    this.cached = { infra, infraCounts, streakEnds: sortKeys(Object.fromEntries(this.streakEnds)) };
    return this.cached;
  }

  /** Adds everything `other` holds (as if its executions had been added here). */
  merge(other: InfraAccumulator): void {
    this.cached = null;
    for (const m of INFRA_METRICS) this.samples[m].append(other.samples[m]);
    for (const m of COUNT_METRICS) appendAll(this.counts[m], other.counts[m]);
    for (const [k, v] of other.streakEnds) this.streakEnds.set(k, (this.streakEnds.get(k) ?? 0) + v);
  }
}

function sortKeys(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Activity counts of one execution. */
export function executionCounts(exec: Execution): ExecutionCounts {
  return new InfraAccumulator().add(exec).counts;
}

function emptyCounts(exec: Execution): ExecutionCounts {
  let nodeTransitions = 0;
  for (const n of exec.nodes) nodeTransitions += n.transitions.length;
  return {
    handles: exec.handles.length,
    rounds: 0,
    changedRounds: 0,
    erroredRounds: 0,
    enqueues: exec.enqueues.length,
    nodeTransitions,
    workflowTransitions: exec.workflowTransitions.length,
    workflowEvents: 0,
    nodeEvents: 0,
    taskEvents: 0,
    etcdUpdates: 0,
    etcdBytes: 0,
    maxCrBytes: 0,
    blobOps: 0,
    maxStreak: 0,
    streakEnds: {},
  };
}
