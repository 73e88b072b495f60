import type { Distribution } from '../engine/distributions.js';

/**
 * A deployment's model: propeller configuration and latency distributions. Units: seconds
 * (distributions and *Seconds fields), bytes. `linear` distributions take the size-dependent
 * argument noted per field. Paths like `events.node.latency` or `propeller.workers` address fields
 * for what-if `--set`/`--scale` and for calibration reports.
 */
export interface PropellerConfig {
  workers: number;
  maxStreakLength: number;
  workflowReevalSeconds: number;
  downstreamEvalSeconds: number;
  batchingIntervalSeconds: number;
  /** Main queue: exponential per-item backoff base and cap, and the deduping token bucket. */
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  queueRate: number;
  queueBurst: number;
  /**
   * Sub-queue token bucket. Items enter the sub-queue with a plain Add, so propeller never
   * consults it; kept so that profiles and calibrated models can state the configured values.
   */
  subQueueRate?: number;
  subQueueBurst?: number;
  /** Admin event sink token bucket (non-blocking) and retries. */
  eventRate: number;
  eventBurst: number;
  eventMaxRetries: number;
  /** Kube client token bucket (blocking) for pod creates and CR updates. */
  kubeQps: number;
  kubeBurst: number;
  /** Default per-execution max parallelism (admin default 25; 0 = unlimited). */
  maxParallelism: number;
  /** ArrayNode subnode goroutines per worker. */
  nodeExecutionWorkers: number;
  /**
   * `array-node-config.default-parallelism-behavior`: how an ArrayNode without a parallelism of its
   * own (nil or 0) runs its subnodes. 'unlimited' (propeller's default): all at once; 'hybrid': nil
   * within the workflow's max parallelism, 0 unlimited; 'workflow': both within the workflow's.
   */
  arrayParallelismBehavior?: 'unlimited' | 'hybrid' | 'workflow';
  /** Admin launcher poll of child executions. */
  adminLauncherResyncSeconds: number;
  /** Admin launcher CreateExecution token bucket (default 100/s, burst 10). */
  adminLauncherTps?: number;
  adminLauncherBurst?: number;
  maxWorkflowRetries: number;
  /**
   * `node-config.default-deadlines.node-active-deadline` / `node-execution-deadline`: the deadlines
   * of a node whose spec sets none (seconds; 0, propeller's default, = none).
   */
  nodeActiveDeadlineSeconds?: number;
  nodeExecutionDeadlineSeconds?: number;
}

export interface StoreConfig {
  /** flyteadmin useOffloadedWorkflowClosure: the spec lives in the blobstore, not in the CR. */
  offloadClosure: boolean;
  /** storage.cache.max_size_mbs (0 = in-memory blob cache off). */
  blobCacheMB: number;
  /** etcd --max-request-bytes and the kube-apiserver body limit. */
  etcdLimitBytes: number;
  apiserverLimitBytes: number;
  /** Bytes per finished (collapsed) node status, and per active node status. */
  finishedNodeStatusBytes: number;
  activeNodeStatusBytes: number;
  /**
   * workflowStore.policy ResourceVersionCache (propeller's default; default true here): a Handle
   * whose informer copy is the input of the last write is skipped as Stale, and an older copy fails
   * its write with a conflict. false: the informer copy is always current.
   */
  resourceVersionCache?: boolean;
}

export interface EventModel {
  /** RPC latency of one event. */
  latency: Distribution;
  /** Probability that an RPC fails with a retryable error (round error, retried later). */
  failureProbability: number;
}

export interface Model {
  propeller: PropellerConfig;
  store: StoreConfig;
  events: { workflow: EventModel; node: EventModel; task: EventModel };
  etcd: {
    /** Update latency, linear in CR bytes. */
    update: Distribution;
    /** Own write → informer watch event → `Enqueueing workflow`. */
    watch: Distribution;
  };
  blob: {
    /** Linear in object bytes. */
    head: Distribution;
    read: Distribution;
    write: Distribution;
    copy: Distribution;
  };
  catalog: { get: Distribution; put: Distribution };
  kube: {
    /** Pod create API call. */
    podCreate: Distribution;
    /** Pod DELETE when a node is aborted (default: the create's latency). */
    podDelete?: Distribution;
    /** Pod created → container running (scheduling, image pull, start). */
    podStart: Distribution;
    /** Pod created → scheduled with containers being created (plugin phase Initializing). Default 0. */
    podSchedule?: Distribution;
    /** Pod status change → propeller's informer sees it (`Enqueueing owner`). */
    podUpdate: Distribution;
  };
  admin: {
    /** Launch plan CreateExecution RPC. */
    createExecution: Distribution;
  };
  cpu: {
    /** Fixed per-round cost (locking, status compare). */
    round: Distribution;
    /** Deep copy, linear in CR bytes. */
    deepCopy: Distribution;
    /** Traversal, linear in visited nodes. */
    traversal: Distribution;
  };
  dynamic: {
    /** Compiling the dynamic job spec (`build_dynamic_workflow_us`). */
    compile: Distribution;
  };
  /** Default user-code runtime for task nodes that do not give one. */
  defaultRuntime: Distribution;
}
