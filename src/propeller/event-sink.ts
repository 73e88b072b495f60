import { TokenBucket } from './rate-limiter.js';
import type { Rng } from '../engine/random.js';
import type { Model } from '../model/model.js';
import type { OpKind } from '../timeline/types.js';
import type { NsSampler } from './latencies.js';
import type { Latencies } from './latencies.js';
import type { NodeState } from './node-state.js';
import * as phases from './phases.js';
import type { RoundCtx } from './round-context.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { NODE_EVENT_PHASE, TASK_EVENT_PHASE, WF_EVENT_PHASE, isTerminalWorkflow } = phases;

const THROTTLED = 'ResourceExhausted: Admin EventSink throttling admin traffic';
const RPC_FAILED = 'Unavailable: failed to send event to Admin';

/**
 * The admin event sink (`events/admin_eventsink.go`): every event is a synchronous RPC on the worker.
 * - A filter of events admin already has short-circuits re-sends (no RPC, `AlreadyExists`).
 * - A token bucket shared by the whole propeller is non-blocking: no token fails the event at
 *   once (`ResourceExhausted`), which fails the round; the transition is retried in a later round.
 * - An RPC can fail (model `failureProbability`, after its latency), which also fails the round.
 * Each method records the event op and returns its duration in ns (the caller waits for it).
 */
export class EventSink {
  private readonly bucket: TokenBucket;

  constructor(
    private readonly model: Model,
    private readonly lat: Latencies,
  ) {
    this.bucket = new TokenBucket(model.propeller.eventRate, model.propeller.eventBurst);
  }

  private send(
    rc: RoundCtx,
    kind: OpKind,
    node: string | undefined,
    phase: string,
    latency: NsSampler,
    rng: Rng,
    failureProbability: number,
    detail?: string,
  ): number {
    const now = rc.now;
    if (!this.bucket.allow(now)) {
      rc.op(kind, 0, node, undefined, phase, undefined, 'throttled', THROTTLED);
      rc.fail(THROTTLED);
      return 0;
    }
    const dur = latency(rng);
    const failed = failureProbability > 0 && rc.exec.rngFailures() < failureProbability;
    rc.op(kind, dur, node, undefined, phase, undefined, failed ? 'error' : 'ok', detail);
    if (failed) rc.fail(RPC_FAILED);
    return dur;
  }

  /** Workflow event for entering workflow phase `wfPhase`. */
  workflow(rc: RoundCtx, wfPhase: number): number {
    const exec = rc.exec;
    const phase = WF_EVENT_PHASE[wfPhase]!;
    const bit = 1 << wfPhase;
    if (exec.sentWorkflowEvents & bit) {
      rc.op('workflowEvent', 0, undefined, undefined, phase, undefined, 'alreadyExists');
      return 0;
    }
    const d = this.send(rc, 'workflowEvent', undefined, phase, this.lat.workflowEvent, exec.rngWorkflowEvents, this.model.events.workflow.failureProbability);
    if (rc.error === null) {
      exec.sentWorkflowEvents |= bit;
      // Admin now reports the execution terminal (what the launch-plan poller of a parent sees).
      if (isTerminalWorkflow(wfPhase) && exec.adminTerminalAt > rc.now + d) exec.adminTerminalAt = rc.now + d;
    }
    return d;
  }

  /** Node event with phase `nev` (NEV_*). Admin then knows the node's phase. */
  node(rc: RoundCtx, n: NodeState, nev: number): number {
    const phase = NODE_EVENT_PHASE[nev]!;
    const bit = 1 << nev;
    if (n.sentNodeEvents & bit) {
      rc.op('nodeEvent', 0, n.id, undefined, phase, undefined, 'alreadyExists');
      return 0;
    }
    const d = this.send(rc, 'nodeEvent', n.id, phase, this.lat.nodeEvent, n.rngEvents(), this.model.events.node.failureProbability);
    if (rc.error === null) n.sentNodeEvents |= bit;
    return d;
  }

  /** Task event for plugin phase `plugin` (PLUGIN_*) with a phase version. */
  task(rc: RoundCtx, n: NodeState, plugin: number, version: number): number {
    const phase = TASK_EVENT_PHASE[plugin]!;
    const key = n.attempt * 1e7 + plugin * 1e6 + version;
    const sent = n.sentTaskEvents;
    if (sent && sent.includes(key)) {
      rc.op('taskEvent', 0, n.id, undefined, phase, undefined, 'alreadyExists');
      // Sent by a round that was rolled back: this round persists the phase.
      rc.taskPhase(n, phase);
      return 0;
    }
    const detail = version > 0 || n.attempt > 0 ? `attempt ${n.attempt} version ${version}` : undefined;
    const d = this.send(rc, 'taskEvent', n.id, phase, this.lat.taskEvent, n.rngEvents(), this.model.events.task.failureProbability, detail);
    if (rc.error === null) {
      (n.sentTaskEvents ??= []).push(key);
      rc.taskPhase(n, phase);
    }
    return d;
  }
}
