import type { Model } from '../model/model.js';
import * as templates from '../timeline/templates.js';
import type { ExecState } from './execution.js';
import type { Latencies } from './latencies.js';
import { TokenBucket } from './rate-limiter.js';
import type { RoundCtx } from './round-context.js';
import * as simContext from './sim-context.js';
import type { Sim } from './sim-context.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { ETCD_ERRORS } = templates;
const { EV_WATCH } = simContext;

/** Outcome of the last `update` call. */
export const WRITE_OK = 0;
export const WRITE_TOO_LARGE = 1;

/**
 * The FlyteWorkflow CR in the API server and propeller's informer of it (domain notes §1.1, §1.2, §3).
 *
 * - Every write is a full-object `Update` through the kube client (QPS/burst token bucket, blocking),
 *   costing `etcd.update` at the CR's size; a CR over etcd's request limit fails as too large.
 * - Each successful write gets a new resourceVersion (a cluster-wide etcd revision) and reaches the
 *   informer after `etcd.watch`, in write order: the informer then enqueues the workflow (main queue).
 *   A terminal write carries the completed label, which drops the CR from the informer instead.
 * - ResourceVersionCache: the input version of the last write is remembered; a Get that returns
 *   exactly that version is Stale; a terminal write puts the workflow in the terminated filter.
 */
export class WorkflowStore {
  private revision = 1000;
  private readonly bucket: TokenBucket;
  /** Outcome of the last `update`. */
  lastOutcome = WRITE_OK;
  sim!: Sim;

  constructor(
    private readonly model: Model,
    private readonly lat: Latencies,
  ) {
    this.bucket = new TokenBucket(model.propeller.kubeQps, model.propeller.kubeBurst);
  }

  /** Admin creates the CR at `now`; false when it is too large for etcd (the execution never starts). */
  create(exec: ExecState, now: number): boolean {
    const bytes = exec.crBytes();
    if (bytes > this.model.store.etcdLimitBytes) return false;
    exec.created = true;
    exec.rv = ++this.revision;
    exec.record.crBytes!.push({ at: now, bytes });
    this.deliver(exec, exec.rv, now, false);
    return true;
  }

  /**
   * Admin's TerminateExecution deletes the CR at `now`: its finalizer keeps it, with a deletion
   * timestamp (a new version) that propeller's next round sees (`HandleAbortedWorkflow`).
   */
  markDeleted(exec: ExecState, now: number): void {
    if (!exec.created || exec.deletionRv > 0 || exec.terminatedFilter) return;
    exec.rv = ++this.revision;
    exec.deletionRv = exec.rv;
    this.deliver(exec, exec.rv, now, false);
  }

  private deliver(exec: ExecState, rv: number, writtenAt: number, removes: boolean): void {
    let at = writtenAt + this.lat.etcdWatch(exec.rngWatch);
    if (at < exec.lastWatchAt) at = exec.lastWatchAt;
    exec.lastWatchAt = at;
    exec.watchRv.push(rv);
    exec.watchRemoves.push(removes);
    this.sim.at(at, EV_WATCH, exec.idx);
  }

  /** The informer receives the next watch event of `exec`. */
  onWatch(exec: ExecState): void {
    const i = exec.watchHead++;
    const rv = exec.watchRv[i]!;
    if (rv > exec.informerRv) exec.informerRv = rv;
    if (exec.watchRemoves[i]) {
      exec.informerHas = false;
      return;
    }
    exec.informerHas = true;
    this.sim.enqueueMain(exec, 'workflow');
  }

  /** The `Update` call of a round: records the op, returns its duration; see `lastOutcome`. */
  update(rc: RoundCtx, bytes: number): number {
    const now = rc.now;
    const wait = this.bucket.reserve(now);
    const dur = wait + this.lat.etcdUpdate(rc.exec.rngEtcd, bytes);
    const s = this.model.store;
    if (bytes > s.etcdLimitBytes) {
      this.lastOutcome = WRITE_TOO_LARGE;
      const err = bytes > s.apiserverLimitBytes ? ETCD_ERRORS.apiTooLarge : ETCD_ERRORS.etcdTooLarge;
      rc.op('etcdUpdate', dur, undefined, undefined, undefined, bytes, 'tooLarge', err);
    } else {
      this.lastOutcome = WRITE_OK;
      rc.op('etcdUpdate', dur, undefined, undefined, undefined, bytes, 'ok');
    }
    return dur;
  }

  /** An `Update` rejected because the round worked on an old informer copy (409 Conflict). */
  conflict(rc: RoundCtx, bytes: number): number {
    const wait = this.bucket.reserve(rc.now);
    const dur = wait + this.lat.etcdUpdate(rc.exec.rngEtcd, bytes);
    rc.op('etcdUpdate', dur, undefined, undefined, undefined, bytes, 'conflict', ETCD_ERRORS.conflict(rc.exec.id));
    return dur;
  }

  /** A write of `exec` (input version `inputRv`) succeeded at `now`. */
  written(exec: ExecState, inputRv: number, now: number, terminal: boolean, bytes: number): void {
    exec.rv = ++this.revision;
    exec.record.crBytes!.push({ at: now, bytes });
    if (terminal) {
      exec.lastInputRv = -1;
      exec.terminatedFilter = true;
    } else exec.lastInputRv = inputRv;
    this.deliver(exec, exec.rv, now, terminal);
  }
}
