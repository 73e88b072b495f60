import type { Engine } from '../engine/engine.js';
import type { RandomStreams } from '../engine/random.js';
import type { Model } from '../model/model.js';
import type { EnqueueSource } from '../timeline/types.js';
import type { AdminLauncher } from './launch-plans.js';
import type { BlobStore } from './blob-store.js';
import type { Catalog } from './catalog.js';
import type { EventSink } from './event-sink.js';
import type { ExecState } from './execution.js';
import type { Latencies } from './latencies.js';
import type { NodeState } from './node-state.js';
import type { Pods } from './pods.js';
import type { WorkQueue } from './work-queue.js';
import type { WorkflowStore } from './workflow-store.js';

/** Engine event kinds (the `kind` payload). */
export const EV_ARRIVAL = 1;
export const EV_WATCH = 2;
export const EV_QUEUE_READY = 3;
export const EV_SUBQUEUE_FLUSH = 4;
export const EV_RESYNC = 5;
export const EV_WORKER_STEP = 6;
export const EV_POD_UPDATE = 7;
export const EV_LAUNCHER_POLL = 8;

/**
 * What a simulated activity (a Handle call and everything it calls) yields: a delay in ns to wait,
 * or a sub-activity to run to completion first (its return value is sent back). The worker keeps
 * the call stack itself, so each timed step resumes only the innermost generator.
 */
export type Step = number | Call;
export interface Call extends Generator<Step, unknown, unknown> {}
/** An activity returning `T`. */
export type Activity<T> = Generator<Step, T, unknown>;

/** What the propeller pieces share: the clock, the model, the queue and the outside services. */
export interface Sim {
  readonly engine: Engine;
  readonly model: Model;
  readonly lat: Latencies;
  readonly streams: RandomStreams;
  readonly queue: WorkQueue;
  readonly store: WorkflowStore;
  readonly sink: EventSink;
  readonly blob: BlobStore;
  readonly catalog: Catalog;
  readonly pods: Pods;
  readonly launcher: AdminLauncher;
  /** workflowStore.policy ResourceVersionCache is modelled. */
  readonly rvCache: boolean;
  /** Schedules an engine event at absolute time `at`. */
  at(at: number, kind: number, target: number): void;
  /** `AddRateLimited` on the main queue, recorded as an enqueue of `source`. */
  enqueueMain(exec: ExecState, source: EnqueueSource): void;
  /** Plain add to the sub-queue (pod updates, partial completion, launch-plan children). */
  enqueueSub(exec: ExecState, source: EnqueueSource, object?: string): void;
  /** Admin creates a launch plan's child execution (its CR appears at `at`). */
  createChild(parent: ExecState, node: NodeState, at: number): ExecState;
}
