import { TokenBucket } from './rate-limiter.js';
import type { Model } from '../model/model.js';
import type { Latencies } from './latencies.js';
import type { NodeState } from './node-state.js';
import type { RoundCtx } from './round-context.js';
import * as simContext from './sim-context.js';
import type { Sim } from './sim-context.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.

const { EV_LAUNCHER_POLL } = simContext;

/**
 * The admin launcher (`subworkflow/launchplan/admin.go`): a launch-plan node's `CreateExecution`
 * (token bucket tps 100 / burst 10, then the RPC) makes admin create a separate execution with its
 * own CR. Child status comes from an auto-refresh cache that polls every
 * `admin-launcher.cache-resync-duration` (30 s); when a poll sees a child terminal it enqueues the
 * parent on the sub-queue. So a child's completion is noticed up to one poll period late.
 */
export class AdminLauncher {
  private readonly bucket: TokenBucket;
  private tracked: NodeState[] = [];
  private pollAt = -1;
  private readonly periodNs: number;
  private phaseNs = 0;
  sim!: Sim;

  constructor(
    model: Model,
    private readonly lat: Latencies,
  ) {
    const p = model.propeller;
    this.bucket = new TokenBucket(p.adminLauncherTps ?? 100, p.adminLauncherBurst ?? 10);
    this.periodNs = Math.max(1, Math.round(p.adminLauncherResyncSeconds * 1e9));
  }

  /** Sets the poll ticker's phase (in [0, period)). */
  setPhase(u: number): void {
    this.phaseNs = Math.floor(u * this.periodNs);
  }

  /**
   * CreateExecution for node `n`, from `at` (an ArrayNode subnode: its goroutine's clock); returns
   * its duration. A child already created answers AlreadyExists.
   */
  launch(rc: RoundCtx, n: NodeState, at = rc.now): number {
    const now = at;
    const wait = this.bucket.reserve(now);
    const dur = wait + this.lat.createExecution(rc.exec.streams.stream('admin', rc.exec.id, n.id));
    if (n.child) {
      rc.op('launchExecution', dur, n.id, undefined, undefined, undefined, 'alreadyExists', n.child.id, now);
      return dur;
    }
    const child = this.sim.createChild(rc.exec, n, now + dur);
    n.child = child;
    rc.op('launchExecution', dur, n.id, undefined, undefined, undefined, 'ok', child.id, now);
    this.tracked.push(n);
    this.schedulePoll(now);
    return dur;
  }

  /**
   * The launch-plan handler's abort (`Kill`): TerminateExecution of `n`'s child (the parent is
   * aborting), after which admin deletes the child's CR. Returns the RPC's duration.
   */
  terminate(rc: RoundCtx, n: NodeState, at = rc.now): number {
    const child = n.child!;
    const now = at;
    // TerminateExecution goes straight to admin (no launcher rate limiter); its latency is a create's.
    const dur = this.lat.createExecution(rc.exec.streams.stream('admin', rc.exec.id, n.id));
    rc.op('terminateExecution', dur, n.id, undefined, undefined, undefined, 'ok', child.id, now);
    this.sim.store.markDeleted(child, now + dur);
    return dur;
  }

  private schedulePoll(now: number): void {
    if (this.pollAt >= now) return;
    const k = Math.floor((now - this.phaseNs) / this.periodNs) + 1;
    this.pollAt = this.phaseNs + k * this.periodNs;
    this.sim.at(this.pollAt, EV_LAUNCHER_POLL, 0);
  }

  /** One refresh of the cache: children admin knows to be terminal wake their parents. */
  poll(now: number): void {
    if (now !== this.pollAt) return;
    this.pollAt = -1;
    const still: NodeState[] = [];
    for (const n of this.tracked) {
      if (n.child && n.child.adminTerminalAt <= now) {
        n.childReported = true;
        // an ArrayNode's subnode is evaluated again only once something woke it
        if (n.kind === 'subnode') n.wakeSubnode();
        this.sim.enqueueSub(n.exec, 'launchplan');
      } else still.push(n);
    }
    this.tracked = still;
    if (still.length > 0) this.schedulePoll(now);
  }
}
