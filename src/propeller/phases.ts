/**
 * Node and workflow phases as small integers (the numbers a FlyteWorkflow CR stores in
 * `status.nodeStatus.*.phase`), their log names, and the event phase names propeller sends to admin.
 * Integers keep the hot path free of string compares.
 */

// Node phases (`iface.go`).
export const NYS = 0;
export const QUEUED = 1;
export const RUNNING = 2;
export const FAILING = 3;
export const SUCCEEDING = 4;
export const SUCCEEDED = 5;
export const FAILED = 6;
export const SKIPPED = 7;
export const RETRYABLE_FAILURE = 8;
export const TIMING_OUT = 9;
export const TIMED_OUT = 10;
export const DYNAMIC_RUNNING = 11;
export const RECOVERED = 12;

export const NODE_PHASE_NAMES: readonly string[] = [
  'NotYetStarted',
  'Queued',
  'Running',
  'Failing',
  'Succeeding',
  'Succeeded',
  'Failed',
  'Skipped',
  'RetryableFailure',
  'TimingOut',
  'TimedOut',
  'DynamicRunning',
  'Recovered',
];

/** Terminal node phases: the traversal descends into their children. */
export function isTerminalNode(p: number): boolean {
  return p === SUCCEEDED || p === FAILED || p === SKIPPED || p === TIMED_OUT || p === RECOVERED;
}

/** Phases whose downstream nodes may run (`CanExecute`). */
export function isSuccessLike(p: number): boolean {
  return p === SUCCEEDED || p === SKIPPED || p === RECOVERED;
}

// Workflow phases.
export const WF_READY = 0;
export const WF_RUNNING = 1;
export const WF_SUCCEEDING = 2;
export const WF_SUCCEEDED = 3;
export const WF_FAILING = 4;
export const WF_FAILED = 5;
/** The failure node runs (`handleFailureNode`), after Failing and before Failed. */
export const WF_HANDLING_FAILURE_NODE = 6;
/** The CR was deleted (admin's TerminateExecution): `HandleAbortedWorkflow`. */
export const WF_ABORTED = 7;

export const WF_PHASE_NAMES: readonly string[] = ['Ready', 'Running', 'Succeeding', 'Succeeded', 'Failing', 'Failed', 'HandlingFailureNode', 'Aborted'];

export function isTerminalWorkflow(p: number): boolean {
  return p === WF_SUCCEEDED || p === WF_FAILED || p === WF_ABORTED;
}

/**
 * Workflow event phase sent when entering each workflow phase (Ready sends none). Entering
 * HandlingFailureNode sends FAILING again (`TransitionToPhase` falls through to Failing), which
 * admin already has.
 */
export const WF_EVENT_PHASE: readonly string[] = ['', 'RUNNING', 'SUCCEEDING', 'SUCCEEDED', 'FAILING', 'FAILED', 'FAILING', 'ABORTED'];
/** The workflow phase whose event admin takes for each phase's (its dedup bit). */
export const WF_EVENT_OF: readonly number[] = [WF_READY, WF_RUNNING, WF_SUCCEEDING, WF_SUCCEEDED, WF_FAILING, WF_FAILED, WF_FAILING, WF_ABORTED];

// Plugin (task) phases as stored in the node's task status.
export const PLUGIN_NONE = 0;
export const PLUGIN_QUEUED = 1;
export const PLUGIN_INITIALIZING = 2;
export const PLUGIN_RUNNING = 3;
export const PLUGIN_SUCCESS = 4;
export const PLUGIN_RETRYABLE_FAILURE = 5;
export const PLUGIN_ABORTED = 6;
/** ArrayNode state Failing (its handler sub-phase, `aux`): set once too few subtasks can succeed. */
export const MAP_FAILING = 3;

/** A permanent failure: only an ArrayNode's own event uses it (the task handler's go out as RetryableFailure or through the node). */
export const PLUGIN_PERMANENT_FAILURE = 7;

/** A final plugin phase: the task handler's Abort returns at once (no plugin call, no task event). */
export function isTerminalPlugin(p: number): boolean {
  return p === PLUGIN_SUCCESS || p === PLUGIN_RETRYABLE_FAILURE || p === PLUGIN_ABORTED || p === PLUGIN_PERMANENT_FAILURE;
}

/**
 * Plugin phase names (`pluginmachinery/core/phase.go`), as propeller logs them with each task event
 * (`Sending transition event for plugin phase [PhaseX]`). The Timeline keeps these rather than the
 * admin event phase, which folds a retryable and a permanent failure into one FAILED.
 */
export const PLUGIN_PHASE_NAMES: readonly string[] = ['PhaseUndefined', 'PhaseQueued', 'PhaseInitializing', 'PhaseRunning', 'PhaseSuccess', 'PhaseRetryableFailure', 'PhaseAborted', 'PhasePermanentFailure'];

// Node event phases (`ToNodeExecutionEvent`), as bit positions for the sink's dedup filter.
export const NEV_QUEUED = 0;
export const NEV_RUNNING = 1;
export const NEV_SUCCEEDED = 2;
export const NEV_DYNAMIC_RUNNING = 3;
export const NEV_ABORTED = 4;
export const NEV_SKIPPED = 5;
export const NEV_FAILED = 6;
/** A node's deadline expired (`TimingOut`, or `TimedOut` for handlers without a finalize). */
export const NEV_TIMED_OUT = 7;

export const NODE_EVENT_PHASE: readonly string[] = [
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'DYNAMIC_RUNNING',
  'ABORTED',
  'SKIPPED',
  'FAILED',
  'TIMED_OUT',
];
