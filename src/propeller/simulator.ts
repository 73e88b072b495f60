import { Engine } from '../engine/engine.js';
import { RandomStreams } from '../engine/random.js';
import { BlobStore } from './blob-store.js';
import { Catalog } from './catalog.js';
import { EventSink } from './event-sink.js';
import { ExecState } from './execution.js';
import { Latencies } from './latencies.js';
import { AdminLauncher } from './launch-plans.js';
import { Pods } from './pods.js';
import { RoundCtx } from './round-context.js';
import { WorkQueue } from './work-queue.js';
import { WorkerPool } from './workers.js';
import { WorkflowStore } from './workflow-store.js';
import type { Model } from '../model/model.js';
import type { ExecutionPlan } from '../model/workflow.js';
import type { EnqueueSource, Recording } from '../timeline/types.js';
import * as handle from './handle.js';
import type { NodeState } from './node-state.js';
import * as phases from './phases.js';
import * as simContext from './sim-context.js';
import type { Sim } from './sim-context.js';
import type { Worker } from './workers.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.

const { handleCall } = handle;

const { WF_FAILED, isTerminalWorkflow } = phases;

const { EV_ARRIVAL, EV_LAUNCHER_POLL, EV_POD_UPDATE, EV_QUEUE_READY, EV_RESYNC, EV_SUBQUEUE_FLUSH, EV_WATCH, EV_WORKER_STEP } = simContext;

export interface SimulateOptions {
  seed: string | number;
  replication: number;
  /** Absolute epoch of t = 0 in decimal ns (default 2026-01-01T00:00:00Z). */
  originUnixNano?: string;
  /** Stop after this much simulated time (default 7 days): a guard against workflows that never end. */
  horizonSeconds?: number;
}

export interface SimulationResult {
  recording: Recording;
  /** Engine events processed. */
  events: number;
  /** Simulated time at the end (ns). */
  endNs: number;
}

const DEFAULT_ORIGIN = '1767225600000000000';
const DEFAULT_HORIZON_S = 7 * 24 * 3600;

/**
 * Simulates FlytePropeller running `plans` under `model` and returns the Timeline of what it did:
 * Handle calls, rounds and their ops, node and workflow transitions, enqueues, CR sizes.
 * Deterministic: the same inputs, seed and replication give an identical Recording.
 */
export function simulate(plans: ExecutionPlan[], model: Model, opts: SimulateOptions): Recording {
  return runSimulation(plans, model, opts).recording;
}

/** `simulate`, with engine statistics. */
export function runSimulation(plans: ExecutionPlan[], model: Model, opts: SimulateOptions): SimulationResult {
  const sim = new Simulator(plans, model, opts);
  return sim.run();
}

class Simulator implements Sim {
  readonly engine: Engine;
  readonly lat: Latencies;
  readonly streams: RandomStreams;
  readonly queue: WorkQueue;
  readonly store: WorkflowStore;
  readonly sink: EventSink;
  readonly blob: BlobStore;
  readonly catalog: Catalog;
  readonly pods: Pods;
  readonly launcher: AdminLauncher;
  readonly rvCache: boolean;

  private readonly execs: ExecState[] = [];
  private readonly recording: Recording;
  private readonly pool: WorkerPool;
  private readonly ctx: RoundCtx[];
  private pumping = false;
  private lastEventAt = 0;
  private pumpAgain = false;
  /** Depth of `advance` calls under way (a worker step can hand keys to other workers). */
  private depth = 0;
  /** Executions created or about to be, not yet terminal: keep the resync ticker alive. */
  private live = 0;
  private resyncAt = -1;
  private readonly resyncPeriod: number;
  private readonly resyncPhase: number;

  constructor(
    plans: ExecutionPlan[],
    readonly model: Model,
    private readonly opts: SimulateOptions,
  ) {
    this.engine = new Engine((kind, target, now) => this.dispatch(kind, target, now));
    this.lat = new Latencies(model);
    this.streams = new RandomStreams(opts.seed, opts.replication);
    const p = model.propeller;
    const batching = Math.max(0, Math.round(p.batchingIntervalSeconds * 1e9));
    this.queue = new WorkQueue(
      {
        baseDelayNs: Math.max(0, Math.round(p.baseDelaySeconds * 1e9)),
        maxDelayNs: Math.max(0, Math.round(p.maxDelaySeconds * 1e9)),
        rate: p.queueRate,
        burst: p.queueBurst,
        batchingIntervalNs: batching,
        batchingPhaseNs: Math.floor(this.streams.stream('queue', '', '', 'phase')() * batching),
      },
      {
        scheduleReady: (at, key) => this.at(at, EV_QUEUE_READY, key),
        scheduleFlush: (at) => this.at(at, EV_SUBQUEUE_FLUSH, 0),
        notify: () => this.pump(),
      },
    );
    this.store = new WorkflowStore(model, this.lat);
    this.store.sim = this;
    this.sink = new EventSink(model, this.lat);
    this.blob = new BlobStore(model, this.lat);
    this.catalog = new Catalog(this.lat);
    this.pods = new Pods(model, this.lat);
    this.pods.sim = this;
    this.launcher = new AdminLauncher(model, this.lat);
    this.launcher.sim = this;
    this.launcher.setPhase(this.streams.stream('launcher', '', '', 'phase')());
    this.rvCache = model.store.resourceVersionCache ?? true;
    this.pool = new WorkerPool(p.workers);
    this.ctx = this.pool.workers.map(() => new RoundCtx());
    this.resyncPeriod = Math.max(1, Math.round(p.workflowReevalSeconds * 1e9));
    this.resyncPhase = Math.floor(this.streams.stream('informer', '', '', 'resync')() * this.resyncPeriod);
    this.recording = {
      originUnixNano: opts.originUnixNano ?? DEFAULT_ORIGIN,
      source: 'sim',
      executions: [],
      lines: { read: 0, used: 0, skipped: {} },
    };
    const ids = new Set<string>();
    for (const plan of plans) {
      if (ids.has(plan.id)) throw new Error(`duplicate execution id "${plan.id}"`);
      ids.add(plan.id);
      const exec = this.addExecution(plan, null, null);
      this.engine.scheduleAt(Math.max(0, Math.round(plan.arrival * 1e9)), EV_ARRIVAL, exec.idx);
    }
  }

  private addExecution(plan: ExecutionPlan, parent: ExecState | null, parentNode: NodeState | null): ExecState {
    const exec = new ExecState(this.execs.length, plan, this.streams, this.model, parent, parentNode);
    this.execs.push(exec);
    this.queue.ensure(exec.idx);
    this.recording.executions.push(exec.record);
    this.live++;
    return exec;
  }

  run(): SimulationResult {
    const horizon = Math.round((this.opts.horizonSeconds ?? DEFAULT_HORIZON_S) * 1e9);
    this.engine.run(horizon);
    // Rounds cut off by the horizon keep the ops they recorded.
    for (const rc of this.ctx) rc.takeOps();
    // A Handle call cut off by the horizon never logged `Streak ended at [n]/Max: [m]`.
    for (const w of this.pool.workers) if (w.handle !== null && w.handle.streakMax !== undefined) delete w.handle.streakMax;
    return { recording: this.recording, events: this.engine.processed, endNs: this.lastEventAt };
  }

  at(at: number, kind: number, target: number): void {
    this.engine.scheduleAt(at, kind, target);
  }

  private dispatch(kind: number, target: number, now: number): void {
    this.lastEventAt = now;
    switch (kind) {
      case EV_WORKER_STEP:
        this.advance(this.pool.workers[target]!, true);
        break;
      case EV_POD_UPDATE:
        this.pods.onUpdate(target, now);
        break;
      case EV_QUEUE_READY:
        this.queue.onReadyTimer(target, now);
        break;
      case EV_SUBQUEUE_FLUSH:
        this.queue.flush(now);
        break;
      case EV_WATCH:
        this.store.onWatch(this.execs[target]!);
        break;
      case EV_ARRIVAL:
        this.arrive(this.execs[target]!, now);
        break;
      case EV_RESYNC:
        this.resync(now);
        break;
      case EV_LAUNCHER_POLL:
        this.launcher.poll(now);
        break;
    }
  }

  private arrive(exec: ExecState, now: number): void {
    exec.record.created = { at: now, lo: now, hi: now };
    if (!this.store.create(exec, now)) {
      // Admin cannot create a CR over etcd's limit: the execution fails before propeller sees it.
      exec.wfPhase = WF_FAILED;
      exec.record.phase = 'Failed';
      exec.record.ended = { at: now, lo: now, hi: now };
      exec.adminTerminalAt = now;
      exec.counted = true;
      this.live--;
      return;
    }
    this.scheduleResync(now);
  }

  /** Informer resync: every non-completed workflow in the cache is enqueued again. */
  private scheduleResync(now: number): void {
    if (this.resyncAt >= now) return;
    const p = this.resyncPeriod;
    const k = Math.floor((now - this.resyncPhase) / p) + 1;
    this.resyncAt = this.resyncPhase + k * p;
    this.at(this.resyncAt, EV_RESYNC, 0);
  }

  private resync(now: number): void {
    if (now !== this.resyncAt) return;
    this.resyncAt = -1;
    for (const exec of this.execs) {
      if (exec.informerHas && !isTerminalWorkflow(exec.wfPhase)) this.enqueueMain(exec, 'resync');
    }
    if (this.live > 0) this.scheduleResync(now);
  }

  enqueueMain(exec: ExecState, source: EnqueueSource): void {
    const now = this.engine.now;
    exec.record.enqueues.push({ at: now, lo: now, hi: now, source });
    this.queue.addRateLimited(exec.idx, now);
  }

  enqueueSub(exec: ExecState, source: EnqueueSource, object?: string): void {
    const now = this.engine.now;
    // `object` only when there is one (pod updates): no undefined-valued keys in the Recording.
    exec.record.enqueues.push(object === undefined ? { at: now, lo: now, hi: now, source } : { at: now, lo: now, hi: now, source, object });
    this.queue.addToSubQueue(exec.idx, now);
  }

  createChild(parent: ExecState, node: NodeState, at: number): ExecState {
    const lp = node.def.launchplan ?? { name: `${node.def.id}-lp`, nodes: [], specBytes: 2048 };
    const plan: ExecutionPlan = {
      id: `${parent.id}-${node.id.replaceAll('/', '-')}`,
      arrival: at / 1e9,
      project: parent.plan.project,
      domain: parent.plan.domain,
      namespace: parent.plan.namespace,
      workflow: lp,
    };
    if (node.def.launchplanReplay !== undefined) plan.replay = node.def.launchplanReplay;
    const exec = this.addExecution(plan, parent, node);
    this.at(at, EV_ARRIVAL, exec.idx);
    return exec;
  }

  /** Hands ready keys to idle workers (FIFO on both sides). */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    do {
      this.pumpAgain = false;
      while (this.queue.length > 0 && this.pool.idleCount > 0) {
        const key = this.queue.get();
        const w = this.pool.take()!;
        w.key = key;
        const exec = this.execs[key]!;
        w.stack.push(handleCall(this, w, exec, this.ctx[w.index]!));
        this.advance(w);
      }
    } while (this.pumpAgain);
    this.pumping = false;
  }

  /**
   * Runs the worker's Handle call until its next timed step, or to its end. `fromEvent`: called for
   * the worker's own step event, not from within other work at this instant (handing out keys,
   * another worker's step): only then may its next step be taken at once (`Engine.runInline`),
   * since nothing else is left to do before it.
   */
  private advance(w: Worker, fromEvent = false): void {
    this.depth++;
    this.advanceSteps(w, fromEvent && this.depth === 1);
    this.depth--;
  }

  private advanceSteps(w: Worker, inline: boolean): void {
    const stack = w.stack;
    let value: unknown = undefined;
    for (;;) {
      const r = stack[stack.length - 1]!.next(value);
      value = undefined;
      if (r.done) {
        stack.pop();
        if (stack.length === 0) {
          this.finishHandle(w, r.value as boolean);
          return;
        }
        value = r.value;
        continue;
      }
      const step = r.value;
      if (typeof step === 'number') {
        if (step > 0) {
          // The worker's next step is the next event anyway: take it now, without the heap.
          if (inline && this.engine.runInline(step)) {
            this.lastEventAt = this.engine.now;
            continue;
          }
          this.engine.schedule(step, EV_WORKER_STEP, w.index);
          return;
        }
      } else stack.push(step);
    }
  }

  private finishHandle(w: Worker, failed: boolean): void {
    const key = w.key;
    const exec = this.execs[key]!;
    const now = this.engine.now;
    if (!failed) this.queue.forget(key);
    this.pool.release(w);
    if (isTerminalWorkflow(exec.wfPhase) && !exec.record.ended) {
      exec.record.ended = { at: now, lo: now, hi: now };
    }
    if (isTerminalWorkflow(exec.wfPhase) && !exec.counted) {
      exec.counted = true;
      this.live--;
    }
    this.queue.done(key, now);
    this.pump();
  }
}
