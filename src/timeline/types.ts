/**
 * The Timeline: one shape for observed (logs, traces) and predicted (simulation) executions.
 *
 * All times are integer nanoseconds relative to `Recording.originUnixNano`.
 * A time read from a whole-second log stamp is uncertain: every timed field `x` has companions
 * `xLo` and `xHi` bounding the true instant (`xLo <= x <= xHi`). On Handle calls, rounds and ops
 * (the bulk of a large Recording) the companions are optional and absent means exact (simulation,
 * OTLP spans): read them through `timeline/bounds.ts`. Elsewhere they equal `x` when exact.
 */

/** Integer nanoseconds relative to the recording origin. */
export type Ns = number;

/** Where a Timeline came from. */
export type SourceKind = 'logs' | 'otlp' | 'sim';

/** Workflow phases as propeller logs them (`iface.go`). */
export type WorkflowPhase =
  | 'Ready'
  | 'Running'
  | 'Succeeding'
  | 'Succeeded'
  | 'Failing'
  | 'Failed'
  | 'Aborted'
  | 'HandlingFailureNode'
  | 'Unknown';

/** Node phases as propeller logs them. */
export type NodePhase =
  | 'NotYetStarted'
  | 'Queued'
  | 'Running'
  | 'Failing'
  | 'Succeeding'
  | 'Succeeded'
  | 'Failed'
  | 'Skipped'
  | 'RetryableFailure'
  | 'TimingOut'
  | 'TimedOut'
  | 'DynamicRunning'
  | 'Recovered';

export const TERMINAL_NODE_PHASES: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'Skipped',
  'TimedOut',
  'Recovered',
]);

export const TERMINAL_WORKFLOW_PHASES: ReadonlySet<string> = new Set(['Succeeded', 'Failed', 'Aborted']);

/** An instant with its uncertainty. */
export interface Stamp {
  at: Ns;
  lo: Ns;
  hi: Ns;
}

/** A duration with bounds: `lo <= est <= hi`. */
export interface Span {
  est: Ns;
  lo: Ns;
  hi: Ns;
}

/** Why a Handle call's streak ended. */
export type StreakEnd =
  | 'noChange' // a round changed nothing ("WF hasn't been updated in this round.")
  | 'terminal' // the workflow reached a terminal phase
  | 'versionMatched' // the write returned the same resourceVersion
  | 'cap' // max-streak-length reached
  | 'stale' // informer copy rejected by the resource-version cache
  | 'terminated' // the workflow had already been terminated
  | 'notFound' // the CR was gone
  | 'error' // the round failed (event, etcd, too large...)
  | 'unknown'; // the log ended or did not say

/** Kinds of timed work inside a round. */
export type OpKind =
  | 'deepCopy'
  | 'traversal'
  | 'nodeTransition'
  | 'workflowTransition'
  | 'workflowEvent'
  | 'nodeEvent'
  | 'taskEvent'
  /** A task event an ArrayNode subtask recorded into its array's buffer (no admin call: the array sends one for all). */
  | 'bufferedTaskEvent'
  | 'etcdUpdate'
  | 'blobHead'
  | 'blobRead'
  | 'blobWrite'
  | 'blobCopy'
  | 'catalogGet'
  | 'catalogPut'
  | 'podCreate'
  | 'podDelete'
  | 'launchExecution'
  | 'terminateExecution'
  | 'closureRead'
  | 'parallelismLimit';

/**
 * Something timed from `start` to `end`: a Handle call, a round, an op. Its bounds are optional:
 * absent means exact (simulation, traces); logs with whole-second stamps state them. Read them
 * through `timeline/bounds.ts`.
 */
export interface Timed {
  start: Ns;
  end: Ns;
  startLo?: Ns;
  startHi?: Ns;
  endLo?: Ns;
  endHi?: Ns;
}

export interface Op extends Timed {
  kind: OpKind;
  /** Node id (nested ids use `/`, e.g. `n0/n42`). */
  node?: string;
  /** Phase before / after for transitions and events (event phase in `to`). */
  from?: string;
  to?: string;
  /** Payload bytes (etcd: the CR size; blob: the object size). */
  bytes?: number;
  /** Outcome: 'ok', or an error class ('alreadyExists', 'tooLarge', 'conflict', 'throttled', 'error', 'hit', 'miss'). */
  outcome?: string;
  /** Free-form detail (object name, error text), for humans only. */
  detail?: string;
  /** Source line (logs) where the op was seen, for the fold tree. */
  line?: number;
  /**
   * No line dates the call (an ArrayNode's own task event, which propeller does not log): the op
   * counts, its duration is unknown (its bounds say where it lies).
   */
  untimed?: boolean;
}

export interface Round extends Timed {
  /** End of the traversal (`Handling Workflow [..] Done`), when known; the etcd write follows it. */
  traversalEnd?: Ns;
  traversalEndLo?: Ns;
  traversalEndHi?: Ns;
  /** Workflow phase the round started in (`p [X]`). */
  phase: WorkflowPhase | string;
  resVer?: string;
  /** True when the round changed status and wrote the CR (or tried to). */
  changed: boolean;
  /**
   * Set when the round failed (event error, etcd conflict, too large...): an error class of the
   * `Op.outcome` vocabulary (`timeline/error-class.ts`); the full text is in the failing op's `detail`.
   */
  error?: string;
  ops: Op[];
  /** Source line of the round's first line (logs). */
  line?: number;
}

export interface HandleCall extends Timed {
  worker: string;
  /**
   * The enqueue this call answers, when known: the earliest enqueue after the previous call's start
   * and at or before this one's (`timeline/queue-wait.ts`); `start − enqueuedAt` is the queue wait.
   */
  enqueuedAt?: Ns;
  enqueuedAtLo?: Ns;
  enqueuedAtHi?: Ns;
  rounds: Round[];
  endReason: StreakEnd;
  /** The configured max-streak-length, when the source states it (`Streak ended at [n]/Max: [m]`). */
  streakMax?: number;
  /** Propeller replica (pod name) when logs come from several. */
  replica?: string;
  /** Source line of `Processing Workflow.` (logs). */
  line?: number;
}

/** How a key reached the work queue. */
export type EnqueueSource =
  | 'workflow' // `==> Enqueueing workflow` (watch event of a CR create/update, or resync)
  | 'owner' // `Enqueueing owner for updated object` (pod/plugin object update)
  | 'subqueue' // `added workflowID .. to subqueue`
  | 'resync'
  | 'partial' // partial-completion self-enqueue
  | 'launchplan'; // admin launcher child terminal

export interface Enqueue {
  at: Ns;
  lo: Ns;
  hi: Ns;
  source: EnqueueSource;
  /** For owner updates: the object name (pod). */
  object?: string;
  line?: number;
}

export interface Transition {
  from: string;
  to: string;
  at: Ns;
  atLo: Ns;
  atHi: Ns;
  /** Handle index and round index inside it, when the transition was seen inside a round. */
  handle?: number;
  round?: number;
  line?: number;
}

/** Pod lifecycle of one task attempt (sim: exact; logs: from owner updates and plugin phases). */
export interface PodTimes {
  /** Create request sent (kube API). */
  created?: Ns;
  /** Container started running (user code begins). */
  started?: Ns;
  /** Container exited (user code ends). */
  finished?: Ns;
  /** Propeller's informer observed the exit. */
  observed?: Ns;
  /** Bounds of the instants above, when they come from coarse log stamps. */
  createdLo?: Ns;
  createdHi?: Ns;
  startedLo?: Ns;
  startedHi?: Ns;
  finishedLo?: Ns;
  finishedHi?: Ns;
  observedLo?: Ns;
  observedHi?: Ns;
  /**
   * No container start was observed, yet the container may have run (a log sees a pod only
   * through task phases and pod updates, and a task can finish or be aborted between two rounds):
   * reports then bound the user time by [0, the pod's time] instead of taking it as 0.
   */
  startUnseen?: boolean;
  /**
   * The container's exit was not observed (no terminal task phase and no pod update seen): it ran
   * at most until the end of the record, and may have exited any time after it was seen. Reports
   * take the end of the record as the estimate and bound the user time from 0.
   */
  endUnseen?: boolean;
}

export type NodeKind =
  | 'start'
  | 'end'
  | 'task'
  | 'cachedTask'
  | 'map'
  | 'dynamic'
  | 'subworkflow'
  | 'launchplan'
  | 'branch'
  | 'gate'
  | 'subnode'
  | 'unknown';

export interface NodeRecord {
  id: string;
  kind: NodeKind;
  /** Enclosing node for nested ids (`parent/child`). */
  parent?: string;
  /** Upstream node ids, when the DAG is known (sim, CR). */
  upstream?: string[];
  transitions: Transition[];
  /** Plugin (task) phases observed, in order, with the time they were sent as task events. */
  taskPhases?: Transition[];
  pod?: PodTimes;
  /** Every attempt's pod, in order, when the node retried (then `pod`, if set, repeats the last). */
  pods?: PodTimes[];
  /** Retry attempts beyond the first. */
  retries?: number;
  /** Cache outcome for cacheable tasks. */
  cache?: 'hit' | 'miss';
  /**
   * Gate node: when its condition was met (the sleep elapsed, the approval or signal arrived).
   * From its start until then the node waits on something outside Flyte: external time.
   */
  /**
   * A deadline the node met: the duration configured (ns), as propeller logs it when the deadline
   * passes (`Node has timed out; timeout configured: …` for the active one, `Current execution for
   * the node timed out; …` for the execution one). A replay applies them again.
   */
  activeDeadline?: Ns;
  executionDeadline?: Ns;
  gateOpened?: Ns;
  gateOpenedLo?: Ns;
  gateOpenedHi?: Ns;
}

export interface Execution {
  /** The log's `exec_id`. */
  id: string;
  namespace: string;
  /** Workflow name (`wf` field: project:domain:name). */
  workflow?: string;
  phase: WorkflowPhase | string;
  /** First sign of the execution (earliest enqueue or Handle). */
  created?: Stamp;
  /** Terminal workflow phase reached. */
  ended?: Stamp;
  handles: HandleCall[];
  nodes: NodeRecord[];
  enqueues: Enqueue[];
  workflowTransitions: Transition[];
  /** CR size at each etcd write (bytes), when known. */
  crBytes?: { at: Ns; bytes: number }[];
  /** Parent execution for launch-plan children. */
  parent?: string;
  /** Launch-plan node id in the parent execution that started this one. */
  parentNode?: string;
}

export interface LineStats {
  read: number;
  used: number;
  skipped: Record<string, number>;
  /**
   * Trace inputs: the spans in those lines (a line holds many): read, used in the Timeline,
   * ignored (known propeller spans that carry nothing the Timeline models), skipped by reason.
   */
  spans?: { read: number; used: number; ignored: number; skipped: Record<string, number> };
}

export interface Recording {
  /** Absolute epoch of t=0, decimal nanoseconds. */
  originUnixNano: string;
  source: SourceKind;
  executions: Execution[];
  lines: LineStats;
}
