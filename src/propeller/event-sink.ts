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
const { NODE_EVENT_PHASE, PLUGIN_ABORTED, PLUGIN_PERMANENT_FAILURE, PLUGIN_PHASE_NAMES, WF_EVENT_OF, WF_EVENT_PHASE, isTerminalWorkflow } = phases;

const THROTTLED = 'ResourceExhausted: Admin EventSink throttling admin traffic';
const RPC_FAILED = 'Unavailable: failed to send event to Admin';
/** `v1alpha1.EndNodeID`: propeller drops every event error of the workflow's own end node. */
const END_NODE_ID = 'end-node';

/**
 * The admin event sink (`events/admin_eventsink.go`): every event is a synchronous RPC on the worker.
 * - A filter of events admin already has short-circuits re-sends (no RPC, `AlreadyExists`).
 * - A token bucket shared by the whole propeller is non-blocking: no token fails the event at
 *   once (`ResourceExhausted`), which fails the round; the transition is retried in a later round.
 * - An RPC can fail (model `failureProbability`, after its latency), which also fails the round.
 * - An error of the top-level end node's event is swallowed (`RecordNodeEvent` returns nil for
 *   `end-node`; nested end nodes carry a generated id and are not exempt): the op records it, the
 *   round goes on.
 * Each method records the event op (a failed one with its error text in `detail`) and returns its
 * duration in ns (the caller waits for it).
 */
export class EventSink {
  private readonly bucket: TokenBucket;
  /** The last `send` reached admin and succeeded. */
  private ok = false;

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
    swallow: boolean,
  ): number {
    const now = rc.now;
    this.ok = false;
    if (!this.bucket.allow(now)) {
      rc.op(kind, 0, node, undefined, phase, undefined, 'throttled', THROTTLED);
      if (!swallow) rc.fail(THROTTLED);
      return 0;
    }
    const dur = latency(rng);
    const failed = failureProbability > 0 && rc.exec.rngFailures() < failureProbability;
    if (failed) {
      rc.op(kind, dur, node, undefined, phase, undefined, 'error', RPC_FAILED);
      if (!swallow) rc.fail(RPC_FAILED);
    } else {
      rc.op(kind, dur, node, undefined, phase, undefined, 'ok');
      this.ok = true;
    }
    return dur;
  }

  /** Workflow event for entering workflow phase `wfPhase`. */
  workflow(rc: RoundCtx, wfPhase: number): number {
    const exec = rc.exec;
    const phase = WF_EVENT_PHASE[wfPhase]!;
    const bit = 1 << WF_EVENT_OF[wfPhase]!;
    if (exec.sentWorkflowEvents & bit) {
      rc.op('workflowEvent', 0, undefined, undefined, phase, undefined, 'alreadyExists');
      return 0;
    }
    const d = this.send(rc, 'workflowEvent', undefined, phase, this.lat.workflowEvent, exec.rngWorkflowEvents, this.model.events.workflow.failureProbability, false);
    if (this.ok) {
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
    const d = this.send(rc, 'nodeEvent', n.id, phase, this.lat.nodeEvent, n.rngEvents(), this.model.events.node.failureProbability, n.id === END_NODE_ID);
    if (this.ok) n.sentNodeEvents |= bit;
    return d;
  }

  /** Task event for plugin phase `plugin` (PLUGIN_*) with a phase version. */
  task(rc: RoundCtx, n: NodeState, plugin: number, version: number): number {
    const phase = PLUGIN_PHASE_NAMES[plugin]!;
    const key = n.attempt * 1e7 + plugin * 1e6 + version;
    const sent0 = n.sentTaskEvents;
    if (sent0 && sent0.includes(key)) {
      rc.op('taskEvent', 0, n.id, undefined, phase, undefined, 'alreadyExists');
      // Sent by a round that was rolled back: this round persists the phase. An abort's event sent
      // again (a node reached twice, an ArrayNode's second abort) is recorded already.
      const abort = plugin === PLUGIN_ABORTED || plugin === PLUGIN_PERMANENT_FAILURE;
      if (!abort || (n.lastTaskEvent !== phase && !rc.hasTaskPhase(n, phase))) rc.taskPhase(n, phase);
      return 0;
    }
    const d = this.send(rc, 'taskEvent', n.id, phase, this.lat.taskEvent, n.rngEvents(), this.model.events.task.failureProbability, false);
    if (this.ok) {
      (n.sentTaskEvents ??= []).push(key);
      rc.taskPhase(n, phase);
    }
    return d;
  }
}
