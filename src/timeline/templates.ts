/**
 * Propeller's log message templates (domain brief §6.2), as renderers. The log emitter writes
 * them and the log reader's recognizers are tested against them, so the two cannot drift apart.
 * Argument order follows the Go format strings.
 */
export const MSG = {
  enqueueWorkflow: (key: string) => `==> Enqueueing workflow [${key}]`,
  enqueueSubqueue: (key: string) => `added workflowID '${key}' to subqueue`,
  enqueueOwner: (ns: string, obj: string) => `Enqueueing owner for updated object [${ns}/${obj}]`,
  processing: () => 'Processing Workflow.',
  stale: (ns: string, name: string) => `Workflow namespace[${ns}]/name[${name}] Stale.`,
  terminated: (ns: string, name: string) => `Workflow namespace[${ns}]/name[${name}] has already been terminated.`,
  notFound: (ns: string, name: string) => `Workflow namespace[${ns}]/name[${name}] not found, may be deleted.`,
  handling: (name: string, idText: string, phase: string) => `Handling Workflow [${name}], id: [${idText}], p [${phase}]`,
  handlingDone: (name: string) => `Handling Workflow [${name}] Done`,
  setMetadataDir: (dir: string) => `Setting the MetadataDir for StartNode [${dir}]`,
  workflowTransition: (from: string, to: string) =>
    `Transitioning/Recording event for workflow state transition [${from}] -> [${to}]`,
  workflowCompleted: () => 'Workflow completed successfully',
  workflowEventExists: (phase: string, execId: string) => `Workflow event phase: ${phase}, executionId ${execId} already exist`,
  eventRecordingFailed: (err: string) => `Event recording failed. Error [${err}]`,
  handlingNode: (node: string) => `Handling Node [${node}]`,
  completedNode: (node: string) => `Completed node [${node}]`,
  nodeChangeNYS: (from: string, to: string) => `Change in node state detected from [${from}] -> [${to}]`,
  nodeChange: (from: string, to: string, handlerPhase: string) =>
    `Change in node state detected from [${from}] -> [${to}], (handler phase [${handlerPhase}])`,
  finalizeNotRequired: (phase = 'Succeeded') => `Finalize not required, moving node to ${phase}`,
  nodeQueued: (parallelism: number) => `Node was queued, parallelism is now [${parallelism}]`,
  nodeSucceeding: () => 'node succeeding',
  nodeFailing: () => 'node failing',
  nodeTimingOut: () => 'node timing out',
  /** `execute`: a node's active deadline passed (Info; the duration as Go prints it). */
  nodeTimedOut: (deadline: string) => `Node has timed out; timeout configured: ${deadline}`,
  /** `execute`: the current attempt's execution deadline passed (Info). */
  attemptTimedOut: (deadline: string) => `Current execution for the node timed out; timeout configured: ${deadline}`,
  /** Debug line at the start of a retry (`handleRetryableFailure`); the RetryableFailure transition itself is not logged. */
  nodeRetrying: (message: string) => `node failed with retryable failure, aborting and finalizing, message: ${message}`,
  recordingNodeEvent: (eventId: string, phase: string) => `Recording NodeEvent [${eventId}] phase[${phase}]`,
  nodeEventExists: (phase: string, nodeId: string) => `Node event phase: ${phase}, nodeId ${nodeId} already exist`,
  nodeEventFailed: (err: string) => `Failed to record nodeEvent, error [${err}]`,
  taskEventFailed: (err: string, state: string) =>
    `Failed to record taskEvent, error [${err}]. Trying to record state: ${state}. Ignoring this error!`,
  maxParallelism: (current: number, max: number) =>
    `Maximum Parallelism for task/launch-plan nodes achieved [${current}] >= Max [${max}], Round will be short-circuited.`,
  pluginTransition: (phase: string) => `Sending transition event for plugin phase [${phase}]`,
  /** A task event the admin rejected (`nodes/task/handler.go`); the round then fails. */
  arrayEventFailed: (err: string) => `ArrayNode event recording failed: [${err}]`,
  taskEventRecordingFailed: (plugin: string, phase: string, err: string) =>
    `Event recording failed for Plugin [${plugin}], eventPhase [${phase}], error :${err}`,
  parallelismSet: (p: number) => `Parallelism now set to [${p}].`,
  /** `HandleNode` around the handler of a node that has started (`executor.go:1148/1149`). */
  nodeExecuting: (phase: string) => `node executing, current phase [${phase}]`,
  nodeExecutionCompleted: () => 'node execution completed',
  /** `handleNotYetStartedNode` (`executor.go:994/995`). */
  preExecute: () => 'Node not yet started, running pre-execute',
  preExecuteCompleted: () => 'Node pre-execute completed',
  /** The task handler of a running task whose plugin phase has not changed (`nodes/task/handler.go:734`). */
  taskNoChange: () => 'No state change for Task, previously observed same transition. Short circuiting.',
  bufferedTaskEvents: () => 'Sending buffered Task events.',
  /** The k8s plugin creates the pod (`plugin_manager.go:285`, Info). */
  creatingObject: (ns: string, name: string) => `Creating Object: Type:[/v1, Kind=Pod], Object:[${ns}/${name}]`,
  /** The pod's requests, for the back-off handler that guards the create (`plugin_manager.go`, Info; Go's `\n` kept). */
  podResources: (ns: string, name: string) => `The resource requirement for creating Pod [${ns}/${name}] is [[{[cpu]: [500m]} {[memory]: [500Mi]}]]\n`,
  /** `handleRunningWorkflow` when a node failed (not timed out): the move Running → Failing follows (Info). */
  workflowFailed: (err: string) => `Workflow has failed. Error [${err}]`,
  /** The back-off handler around the pod create, once the create returned (`nodes/task/backoff/handler.go`, Info). */
  podCreated: () => 'The operation was attempted and finished without an error\n',
  /** A node, task or workflow event recorder's failed call (`events/*_event_recorder.go`, Info), AlreadyExists included. */
  recorderFailed: (what: 'node' | 'task' | 'workflow', proto: string, err: string) => `Failed to record ${what} event [${proto}] with err: ${err}`,
  /** The admin sink takes an event, before its RPC (`events/admin_eventsink.go`, Debug): the event's proto text. */
  eventSink: (proto: string) => `AdminEventSink received a new event ${proto}`,
  /** The sink's filter has the event: no RPC, AlreadyExists (Debug). */
  eventAlreadySent: (key: string) => `event '${key}' has already been sent`,
  finalizeInvoked: () => 'Finalize invoked.',
  /** The task handler's Abort (`nodes/task/handler.go`), then the k8s plugin's (`plugin_manager.go`). */
  abortInvoked: (pluginPhase: string) => `Abort invoked with phase [${pluginPhase}]`,
  killTask: (name: string) => `KillTask invoked. We will attempt to delete object [${name}].`,
  /** `nodeExecutor.Abort`, then the dynamic handler around a task's Abort and Finalize. */
  callingAbort: () => 'Calling aborting & finalize',
  abortingRegularNode: (attempt: number) => `Aborting regular node RetryAttempt [${attempt}]`,
  finalizingParentNode: (attempt: number) => `Finalizing Parent node RetryAttempt [${attempt}]`,
  /** The dynamic handler's Abort and Finalize of a node running its sub-DAG (`nodes/dynamic/handler.go`). */
  abortingDynamic: (attempt: number) => `Aborting dynamic workflow at RetryAttempt [${attempt}]`,
  finalizingDynamic: (attempt: number) => `Finalizing dynamic workflow RetryAttempt [${attempt}]`,
  /** `DecideBranch` (`nodes/branch/evaluator.go`): a case not taken, then the one taken. */
  branchSkip: (node: string) => `Branch Setting Node[${node}] status to Skipped!`,
  branchSelected: (node: string) => `Branch Node[${node}] selected!`,
  futuresExist: () => 'Futures file exists, this is a dynamic parent-Handler will not run onTaskSuccess',
  cacheMiss: () => 'Catalog CacheMiss: Artifact not found in Catalog. Executing Task.',
  cacheHit: (project: string, domain: string, name: string, version: string) =>
    `Catalog CacheHit: for task [${project}/${domain}/${name}/${version}]`,
  cacheRecording: (project: string, domain: string, name: string, version: string) =>
    `Catalog CacheEnabled. recording execution [${project}/${domain}/${name}/${version}]`,
  cacheRecorded: (task: string) => `Successfully cached results to catalog - Task [${task}]`,
  /** `id` is the child execution's name (`childID.Name`). */
  launchedLaunchPlan: (id: string, p: number) => `Launched launchplan with ID [${id}], Parallelism is now set to [${p}]`,
  /** The child execution had been created by an earlier (failed) round. */
  launchExists: (name: string) => `Execution already exists [${name}].`,
  noChange: () => "WF hasn't been updated in this round.",
  etcdUpdateStart: () => 'Observed FlyteWorkflow Update (maybe finalizer)',
  etcdUpdated: () => 'Updated workflow.',
  etcdUpdateFailed: (err: string) => `Failed to update workflow. Error [${err}]`,
  tooLarge: (reason: string) => `Failed storing workflow to the store, reason: ${reason}`,
  tooLargeRetry: (reason: string) => `Failed recording a large workflow as failed, reason: ${reason}. Retrying...`,
  noFastFollow: (terminated: boolean, versionMatched: boolean) =>
    `Will not fast follow, Reason: Wf terminated? ${terminated}, Version matched? ${versionMatched}`,
  fastFollow: (k: number) => `FastFollow Enabled. Detected State change, we will try another round. StreakLength [${k}]`,
  streakEnded: (n: number, max: number) => `Streak ended at [${n}]/Max: [${max}]`,
  reconcileError: (err: string, type: string) => `Error when trying to reconcile workflow. Error [${err}]. Error Type[${type}]`,
  completedProcessing: () => 'Completed processing workflow.',
  synced: (key: string) => `Successfully synced '${key}'`,
  /** klog message of `runtime.HandleError` when Handle returned an error (`workers.go`). */
  errorSyncing: (key: string, err: string) => `error syncing '${key}': ${err}`,
} as const;

/** Error texts propeller and the API server produce on the etcd path. */
export const ETCD_ERRORS = {
  etcdTooLarge: 'etcdserver: request is too large',
  apiTooLarge: 'Request entity too large: limit is 3145728',
  tooLargeReason: 'workflow too large',
  conflict: (name: string) =>
    `Operation cannot be fulfilled on flyteworkflows.flyte.lyft.com "${name}": the object has been modified; please apply your changes to the latest version and try again`,
} as const;

/** A task event's phase (flyteidl's TaskExecution, as logs print it) as the plugin phase a Timeline keeps. */
export const PLUGIN_OF_TASK_EVENT: Readonly<Record<string, string>> = {
  QUEUED: 'PhaseQueued',
  WAITING_FOR_RESOURCES: 'PhaseWaitingForResources',
  INITIALIZING: 'PhaseInitializing',
  RUNNING: 'PhaseRunning',
  SUCCEEDED: 'PhaseSuccess',
  FAILED: 'PhasePermanentFailure',
  ABORTED: 'PhaseAborted',
};

/**
 * The pod of attempt `attempt` of task node `nodeId` as propeller names it (`<exec>-<node>-<attempt>`,
 * nested ids with `-` for `/`), which `Enqueueing owner` lines name.
 */
export function taskPodName(execId: string, nodeId: string, attempt: number): string {
  return `${execId}-${nodeId.replaceAll('/', '-')}-${attempt}`;
}

/** The execution id as propeller prints it inside `Handling Workflow [..], id: [..]` (proto text). */
export function executionIdText(project: string, domain: string, name: string): string {
  return `project:"${project}" domain:"${domain}" name:"${name}"`;
}
