import type { Observation } from '../model/fit.js';
import type { Execution, Op, OpKind, Recording, Round } from '../timeline/types.js';
import { isExactTimed } from '../timeline/bounds.js';
import { bounded, durationObservation, SECOND_NS, type Bounded } from './observe.js';
import { byTime, enqueueAt, writesOf } from './views.js';

/**
 * Recording -> observations per model parameter path (seconds). What each path measures:
 *
 * - events.{workflow,node,task}.latency: admin event RPCs (ops that reached admin: outcome ok or
 *   error; `alreadyExists` and `throttled` never sent an RPC);
 * - etcd.update: CR writes, with the CR size as x when known;
 * - etcd.watch: a write's end -> the `workflow` enqueue its watch event caused (writes and their
 *   watch events pair in order; a pairing whose enqueue sits on the resync lattice is ambiguous and
 *   skipped);
 * - blob.{head,read,write,copy}: blobstore ops with the object size as x;
 * - catalog.{get,put}, kube.podCreate, admin.createExecution: their ops;
 * - kube.podStart: pod created -> container started; kube.podUpdate: container exit -> observed by
 *   propeller (sources that time the exit itself; logs only see the observation);
 * - cpu.deepCopy (x = CR bytes) and cpu.round: from sources that time the round's CPU as ops of
 *   their own (deepCopy, then a pure-CPU traversal); logs do not.
 * Queue waits (Handle start - ready time) and event failure counts are collected for the report.
 */

export type ParamPath =
  | 'events.workflow.latency'
  | 'events.node.latency'
  | 'events.task.latency'
  | 'etcd.update'
  | 'etcd.watch'
  | 'blob.head'
  | 'blob.read'
  | 'blob.write'
  | 'blob.copy'
  | 'catalog.get'
  | 'catalog.put'
  | 'kube.podCreate'
  | 'kube.podStart'
  | 'kube.podUpdate'
  | 'admin.createExecution'
  | 'cpu.deepCopy'
  | 'cpu.round';

export const PARAM_PATHS: readonly ParamPath[] = [
  'events.workflow.latency',
  'events.node.latency',
  'events.task.latency',
  'etcd.update',
  'etcd.watch',
  'blob.head',
  'blob.read',
  'blob.write',
  'blob.copy',
  'catalog.get',
  'catalog.put',
  'kube.podCreate',
  'kube.podStart',
  'kube.podUpdate',
  'admin.createExecution',
  'cpu.deepCopy',
  'cpu.round',
];

/** Paths whose model distribution is `linear` in a size. */
export const SIZED_PATHS: ReadonlySet<ParamPath> = new Set<ParamPath>(['etcd.update', 'blob.head', 'blob.read', 'blob.write', 'blob.copy', 'cpu.deepCopy']);

export interface ParamSamples {
  path: ParamPath;
  obs: Observation[];
  /** Size argument per observation (bytes, nodes), when known; parallel to `obs`. */
  xs: (number | undefined)[];
  notes: string[];
}

export interface EventCounts {
  sent: number;
  failed: number;
}

export interface SampleSet {
  params: Map<ParamPath, ParamSamples>;
  /** Handle start - the enqueue it answers (s): worker occupancy, for information. */
  queueWaits: QueueWaitSample[];
  events: { workflow: EventCounts; node: EventCounts; task: EventCounts };
}

/** A queue wait (s): the best estimate (sub-second estimates of whole-second stamps) and its bounds. */
export interface QueueWaitSample {
  est: number;
  lo: number;
  hi: number;
}

export interface SampleOptions {
  /** The resync lattice (s), to keep resync enqueues out of the watch pairing. */
  resync?: { period: number; phase: number };
}

const EVENT_PATH: Partial<Record<OpKind, ParamPath>> = {
  workflowEvent: 'events.workflow.latency',
  nodeEvent: 'events.node.latency',
  taskEvent: 'events.task.latency',
};

const OP_PATH: Partial<Record<OpKind, ParamPath>> = {
  etcdUpdate: 'etcd.update',
  blobHead: 'blob.head',
  blobRead: 'blob.read',
  blobWrite: 'blob.write',
  blobCopy: 'blob.copy',
  catalogGet: 'catalog.get',
  catalogPut: 'catalog.put',
  podCreate: 'kube.podCreate',
  launchExecution: 'admin.createExecution',
};

/** Outcomes of ops that did not do the remote call (no latency to learn from). */
const NO_CALL = new Set(['alreadyExists', 'throttled']);

function opStart(o: Op): Bounded {
  return bounded(o.start, o.startLo, o.startHi);
}

function opEnd(o: Op): Bounded {
  return bounded(o.end, o.endLo, o.endHi);
}

/** One execution's observations in the order they were found (path, observation, size). */
class Collector {
  readonly paths: ParamPath[] = [];
  readonly obs: Observation[] = [];
  readonly xs: (number | undefined)[] = [];

  add(path: ParamPath, o: Observation | undefined, x?: number): void {
    if (!o) return;
    this.paths.push(path);
    this.obs.push(o);
    this.xs.push(x);
  }
}

/** Nodes of the execution already under way when the round started (a traversal-size proxy). */
function activeNodes(exec: Execution, firstAt: number[], r: Round): number {
  let n = 0;
  for (const t of firstAt) if (t < r.start) n++;
  return n + 1;
}

function collectOps(exec: Execution, c: Collector, events: SampleSet['events']): void {
  const firstAt = exec.nodes.map((n) => n.transitions.reduce((m, t) => Math.min(m, t.at), Infinity));
  for (const h of exec.handles) {
    for (const r of h.rounds) {
      let deepCopy = false;
      for (const o of r.ops) {
        const ev = EVENT_PATH[o.kind];
        if (ev) {
          if (o.outcome !== undefined && NO_CALL.has(o.outcome)) continue;
          const key = o.kind === 'workflowEvent' ? 'workflow' : o.kind === 'nodeEvent' ? 'node' : 'task';
          events[key].sent++;
          if (o.outcome === 'error') events[key].failed++;
          // an event no line dates (an ArrayNode's own) tells nothing of the latency
          if (o.untimed !== true) c.add(ev, durationObservation(opStart(o), opEnd(o)));
          continue;
        }
        if (o.kind === 'deepCopy') {
          deepCopy = true;
          if (isExactTimed(o)) c.add('cpu.deepCopy', durationObservation(opStart(o), opEnd(o)), o.bytes);
          continue;
        }
        if (o.kind === 'traversal') {
          // Pure CPU only when the source timed the deep copy apart (otherwise the traversal span
          // holds the whole round's work).
          if (deepCopy && isExactTimed(o)) c.add('cpu.round', durationObservation(opStart(o), opEnd(o)), activeNodes(exec, firstAt, r));
          continue;
        }
        const path = OP_PATH[o.kind];
        if (!path || o.untimed === true) continue;
        if (o.outcome !== undefined && o.outcome === 'throttled') continue;
        if (o.kind === 'etcdUpdate' && o.outcome === 'tooLarge') continue;
        c.add(path, durationObservation(opStart(o), opEnd(o)), o.bytes);
      }
    }
  }
}

function collectPods(exec: Execution, c: Collector, source: string): void {
  for (const n of exec.nodes) {
    const pods = n.pods && n.pods.length > 0 ? n.pods : n.pod ? [n.pod] : [];
    for (const p of pods) {
      if (p.created !== undefined && p.started !== undefined) {
        c.add('kube.podStart', durationObservation(bounded(p.created, p.createdLo, p.createdHi), bounded(p.started, p.startedLo, p.startedHi)));
      }
      // Logs time the exit by propeller's own observation of it; only other sources see the lag.
      if (source !== 'logs' && p.finished !== undefined && p.observed !== undefined) {
        c.add('kube.podUpdate', durationObservation(bounded(p.finished, p.finishedLo, p.finishedHi), bounded(p.observed, p.observedLo, p.observedHi)));
      }
    }
  }
}

const WATCH_MAX_NS = 2 * SECOND_NS;

function onLattice(b: Bounded, lattice: { period: number; phase: number } | undefined): boolean {
  if (!lattice) return false;
  const p = lattice.period * SECOND_NS;
  const ph = lattice.phase * SECOND_NS;
  const tol = 2e6;
  const k = Math.ceil((b.lo - tol - ph) / p);
  return ph + k * p <= b.hi + tol;
}

/** A write and the `workflow` enqueue its watch event may have caused. */
interface WatchPair {
  write: Bounded;
  enqueue: Bounded;
}

/**
 * Writes pair with `workflow` enqueues in order (the informer delivers an object's events in
 * order). Which pairs count waits for the resync lattice (`watchObservations`).
 */
function watchPairs(exec: Execution): WatchPair[] {
  const writes = writesOf(exec).filter((w) => !w.terminal);
  const enq = byTime(exec.enqueues).filter((e) => e.source === 'workflow').slice(1).map(enqueueAt);
  const out: WatchPair[] = [];
  let j = 0;
  for (const w of writes) {
    while (j < enq.length && enq[j]!.hi < w.end.lo) j++;
    const e = enq[j];
    if (!e || e.lo - w.end.hi > WATCH_MAX_NS) continue;
    j++;
    out.push({ write: w.end, enqueue: e });
  }
  return out;
}

/** Watch-lag observations of one execution's pairs. An enqueue equal to the previous one was held back behind it: only an upper bound. */
function watchObservations(pairs: readonly WatchPair[], lattice: { period: number; phase: number } | undefined, c: Collector): void {
  let prevAt = -Infinity;
  for (const { write: w, enqueue: e } of pairs) {
    // A resync may stand in for the watch event here: not an observation.
    if (onLattice(e, lattice)) continue;
    if (e.lo === e.hi && w.lo === w.hi && e.at === prevAt) {
      c.add('etcd.watch', { kind: 'interval', lo: 0, hi: (e.at - w.at) / SECOND_NS });
    } else {
      c.add('etcd.watch', durationObservation(w, e));
    }
    prevAt = e.at;
  }
}

/** What sampling keeps of one execution: its observations in order, and its watch pairs (judged once the resync lattice is known). */
export interface ExecutionSamples {
  paths: ParamPath[];
  obs: Observation[];
  xs: (number | undefined)[];
  watch: WatchPair[];
}

/**
 * Samples gathered one execution at a time (the executions need not be kept): order-free tallies
 * here, the rest returned by `add` for `finish` to take in execution order.
 */
export class SampleEvidence {
  readonly queueWaits: QueueWaitSample[] = [];
  readonly events = { workflow: { sent: 0, failed: 0 }, node: { sent: 0, failed: 0 }, task: { sent: 0, failed: 0 } };

  /** `source`: the Recording's source kind (logs time pod exits only by propeller's observation). */
  constructor(private readonly source: string) {}

  add(exec: Execution): ExecutionSamples {
    const c = new Collector();
    collectOps(exec, c, this.events);
    collectPods(exec, c, this.source);
    for (const h of exec.handles) {
      if (h.enqueuedAt === undefined) continue;
      const from = bounded(h.enqueuedAt, h.enqueuedAtLo, h.enqueuedAtHi);
      const to = bounded(h.start, h.startLo, h.startHi);
      if (to.hi < from.lo) continue;
      this.queueWaits.push({
        est: Math.max(0, to.at - from.at) / SECOND_NS,
        lo: Math.max(0, to.lo - from.hi) / SECOND_NS,
        hi: (to.hi - from.lo) / SECOND_NS,
      });
    }
    return { paths: c.paths, obs: c.obs, xs: c.xs, watch: watchPairs(exec) };
  }

  finish(perExecution: readonly ExecutionSamples[], opts: SampleOptions = {}): SampleSet {
    const params = new Map<ParamPath, ParamSamples>();
    for (const p of PARAM_PATHS) params.set(p, { path: p, obs: [], xs: [], notes: [] });
    const put = (path: ParamPath, o: Observation, x: number | undefined) => {
      const ps = params.get(path)!;
      ps.obs.push(o);
      ps.xs.push(x);
    };
    for (const e of perExecution) {
      for (let i = 0; i < e.paths.length; i++) put(e.paths[i]!, e.obs[i]!, e.xs[i]);
      const watch = new Collector();
      watchObservations(e.watch, opts.resync, watch);
      for (let i = 0; i < watch.paths.length; i++) put(watch.paths[i]!, watch.obs[i]!, watch.xs[i]);
    }
    return { params, queueWaits: this.queueWaits, events: this.events };
  }
}

export function collectSamples(rec: Recording, opts: SampleOptions = {}): SampleSet {
  const evidence = new SampleEvidence(rec.source);
  const perExecution = rec.executions.map((e) => evidence.add(e));
  return evidence.finish(perExecution, opts);
}
