/**
 * Message recognition for propeller's timing-relevant log templates (domain brief §6.2; the
 * renderers are in `timeline/templates.ts`). `classify` looks at the first character and then
 * at fixed prefixes, so the common case (a line we do not use) costs a switch and at most a few
 * `startsWith` calls; no regular expressions. The argument extractors below run only on lines
 * that were classified.
 */

/** Message kinds. Plain numbers so the folder's hot switch stays monomorphic. */
export const K = {
  none: 0,
  // enqueues
  enqueueWorkflow: 1,
  enqueueSubqueue: 2,
  enqueueOwner: 3,
  // Handle calls and their skips
  processing: 4,
  stale: 5,
  terminated: 6,
  notFound: 7,
  getFailed: 8,
  completedProcessing: 9,
  synced: 10,
  errorSyncing: 11,
  // rounds
  handling: 12,
  handlingDone: 13,
  noChange: 14,
  fastFollow: 15,
  noFastFollow: 16,
  streakEnded: 17,
  reconcileError: 18,
  executionNotFound: 19,
  // workflow
  workflowTransition: 20,
  workflowCompleted: 21,
  workflowEventExists: 22,
  workflowEventFailed: 23,
  workflowEventIgnored: 24,
  // nodes
  nodeChange: 25,
  finalizeNotRequired: 26,
  nodeSucceeding: 27,
  nodeFailing: 28,
  nodeTimingOut: 29,
  nodeRetry: 30,
  nodeEvent: 31,
  nodeEventExists: 32,
  nodeEventFailed: 33,
  // tasks
  taskEvent: 34,
  taskEventIgnored: 35,
  taskEventFailed: 36,
  // catalog
  cacheHit: 37,
  cacheMiss: 38,
  cacheGetFailed: 39,
  cacheRecording: 40,
  cacheRecorded: 41,
  cachePutFailed: 42,
  // other in-round work
  maxParallelism: 43,
  etcdStart: 44,
  etcdUpdated: 45,
  etcdFailed: 46,
  tooLarge: 47,
  tooLargeRetryFailed: 48,
  launchedLaunchPlan: 49,
  launchExists: 50,
  // branches
  branchSkip: 51,
  // aborts
  abortInvoked: 52,
  bufferedTaskEvents: 53,
  /** Lines that end a task abort's events (Finalize follows Abort; a final plugin phase sends none). */
  abortDone: 54,
  /** An ArrayNode's own task event failed (its successful ones have no line). */
  arrayEventFailed: 55,
  /** A node's deadline passed (`execute`): the configured duration. */
  nodeTimedOut: 56,
  attemptTimedOut: 57,
  /**
   * The admin sink took an event (`AdminEventSink received a new event`, Debug): logged just before
   * its RPC, inside the event call the line before opened, so it does not end that call.
   */
  eventSink: 58,
  /** The sink's filter had the event (`event '..' has already been sent`): no RPC, AlreadyExists. */
  eventAlreadySent: 59,
  /** A recorder's `Failed to record node|task|workflow event [..] with err: ..` (Info): the call's answer. */
  eventRecorderFailed: 60,
  /** `Creating Object: Type:[..], Object:[ns/name]` (Info): the pod create call starts. */
  podCreate: 61,
  /** `The resource requirement for creating Pod [..]` (Info): inside the create call, before its request. */
  podResources: 62,
  /** The back-off handler's `The operation was attempted and finished without an error` (Info): the create returned. */
  podCreated: 63,
  /** The back-off handler blocked the create, or the create failed on a resource quota: no pod. */
  podCreateRefused: 64,
  /** `Workflow has failed. Error [..]` (`handleRunningWorkflow`, Info): the move Running → Failing. */
  workflowFailed: 65,
} as const;

export type MsgKind = (typeof K)[keyof typeof K];

// Prefixes, verbatim from the Go format strings.
const P_ENQ_WF = '==> Enqueueing workflow [';
const P_ENQ_SUB = "added workflowID '";
const P_ENQ_OWNER = 'Enqueueing owner for updated object [';
const P_RECONCILE = 'Error when trying to reconcile workflow.';
const P_WF_EVENT_FAILED = 'Event recording failed. Error [';
const P_TASK_EVENT_FAILED_PLUGIN = 'Event recording failed for Plugin [';
const P_PROCESSING = 'Processing Workflow.';
const P_WF_NS = 'Workflow namespace[';
const P_WF_EVENT_EXISTS = 'Workflow event phase: ';
const P_WF_COMPLETED = 'Workflow completed successfully';
const P_NO_CHANGE = "WF hasn't been updated in this round.";
const P_NO_FAST_FOLLOW = 'Will not fast follow';
export const P_HANDLING = 'Handling Workflow [';
const S_DONE = '] Done';
const P_WF_TRANSITION = 'Transitioning/Recording event for workflow state transition [';
const P_NODE_CHANGE = 'Change in node state detected from [';
/** `execute` when a deadline passed (the transition and its event follow): the duration configured. */
export const P_NODE_TIMED_OUT = 'Node has timed out; timeout configured: ';
export const P_ATTEMPT_TIMED_OUT = 'Current execution for the node timed out; timeout configured: ';
/** `DecideBranch` (`nodes/branch/evaluator.go`) skipping a case; the node named is the case. */
const P_BRANCH_SKIP = 'Branch Setting Node[';
const S_BRANCH_SKIP = '] status to Skipped!';
const P_CACHE_HIT = 'Catalog CacheHit';
const P_CACHE_MISS = 'Catalog CacheMiss';
const P_CACHE_RECORDING = 'Catalog CacheEnabled. recording execution';
const P_CACHE_GET_FAILED = 'Catalog Failure: memoization check failed';
const P_COMPLETED = 'Completed processing workflow';
const P_FINALIZE = 'Finalize not required, moving node to ';
const P_FAST_FOLLOW = 'FastFollow Enabled.';
const P_FAILED_NODE_EVENT = 'Failed to record nodeEvent';
const P_FAILED_TASK_EVENT = 'Failed to record taskEvent';
const P_FAILED_RECORD = 'Failed to record ';
const P_FAILED_UPDATE = 'Failed to update workflow';
const P_TOO_LARGE = 'Failed storing workflow to the store';
const P_TOO_LARGE_RETRY = 'Failed recording a large workflow';
const P_CACHE_PUT_FAILED = 'Failed to write results to catalog';
const P_GET_FAILED = 'Failed to GetWorkflow';
const P_EXEC_NOT_FOUND = 'Failed to process workflow, failing';
const P_NODE_RETRY = 'node failed with retryable failure';
const P_NODE_EVENT = 'Recording NodeEvent [';
const P_NODE_EVENT_EXISTS = 'Node event phase: ';
const P_TASK_EVENT = 'Sending transition event for plugin phase [';
const P_STREAK_ENDED = 'Streak ended at [';
const P_CACHE_RECORDED = 'Successfully cached results to catalog';
const P_SYNCED = "Successfully synced '";
const P_OBSERVED = 'Observed FlyteWorkflow ';
const P_UPDATED = 'Updated workflow';
const P_MAX_PARALLELISM = 'Maximum Parallelism for task/launch-plan nodes achieved';
const P_SEND_FAILED = 'failed to send event to Admin';
const P_ERROR_SYNCING = "error syncing '";
const P_LAUNCHED = 'Launched launchplan with ID [';
const P_LAUNCH_EXISTS = 'Execution already exists [';
/** The task handler's Abort (`nodes/task/handler.go`); its task event ABORTED follows `Sending buffered Task events.` */
/** `events/admin_eventsink.go` (Sink, Debug); before 2021 `AdminEventSink received a new Event %s, message %s`. */
const P_EVENT_SINK = 'AdminEventSink received a new ';
const P_ALREADY_SENT = "event '";
/** `events/{node,task,workflow}_event_recorder.go` (Info): every failed call, AlreadyExists included. */
export const P_RECORDER_FAILED_NODE = 'Failed to record node event [';
export const P_RECORDER_FAILED_TASK = 'Failed to record task event [';
export const P_RECORDER_FAILED_WORKFLOW = 'Failed to record workflow event [';
/** `nodes/task/k8s/plugin_manager.go` (Info): the pod create, and its requested resources (backoff handler). */
const P_CREATING_OBJECT = 'Creating Object: Type:[';
const P_POD_RESOURCES = 'The resource requirement for creating Pod [';
/** The back-off handler around the create (`nodes/task/backoff/handler.go`, Info; active by default). */
const P_POD_CREATED = 'The operation was attempted and finished without an error';
const P_POD_CREATE_BLOCKED = 'The operation was blocked due to back-off';
const P_POD_CREATE_FAILED = 'The operation was attempted because the back-off handler is not blocking, but failed';
const P_ABORT_INVOKED = 'Abort invoked with phase [';
const P_BUFFERED_TASK_EVENTS = 'Sending buffered Task events';

/**
 * Propeller messages (domain notes §6.2, and lines seen in real debug logs) that carry no timing
 * propsim uses: counted as `untimed`, so that `unrecognized` is left for messages propsim does not
 * know at all (a newer propeller, another component's line with an execution id).
 */
const UNTIMED_PREFIXES: readonly string[] = [
  'Handling Node [',
  'Completed node [',
  'Setting the MetadataDir for StartNode [',
  'Node was queued, parallelism is now [',
  'Parallelism now set to [',
  'Futures file exists',
  'node executing, current phase [',
  'node execution completed',
  'node succeeding',
  'node failing',
  'node timing out',
  'Node pre-execute completed',
  'No state change for Task, previously observed same transition',
  // every Handle of a task node goes through the dynamic handler (nodes/dynamic/handler.go, Info)
  "Dynamic handler.Handle's called with phase ",
  'dynamic workflow node has succeeded, will call on success handler for parent node [',
  // nodeExecutor.execute (Debug)
  'Executing node',
  'Node execution round complete',
  // the abort of a failing workflow (`AbortHandler`, `nodeExecutor.Abort`, the task and dynamic handlers)
  'KillTask invoked. We will attempt to delete object [',
  'Aborting regular node RetryAttempt [',
  'Finalizing Parent node RetryAttempt [',
  'Aborting dynamic workflow at RetryAttempt [',
  'Finalizing dynamic workflow RetryAttempt [',
  'Calling aborting & finalize',
  'Trying to abort a node in state [',
  'Subworkflow finalize invoked. Nothing to be done',
  'Finalizers are already empty for Resource with name',
  'Branch Node[',
  // the task and dynamic handlers, the plugin manager, the node executor's traversal (Debug unless noted)
  'regular node detected, (no future file found)', // Info, every Handle of a task node
  'future file detected, assuming dynamic node', // Info
  'Plugin [', // `.. resolved for Handler type [..]`, `.. returned no outputReader, assuming file based outputs` (Info)
  'p+Version previously seen',
  'Task still running',
  'Transitioning to ',
  'Task success detected, calling on Task success',
  'Received no event to record.',
  'Handling node Status [',
  'Node has [',
  'Handling downstream Nodes',
  'All downstream nodes completed',
  'No downstream nodes found. Complete.',
  'downstream handler starting node id ',
  'recursive handler - node execution count [',
  'Parallelism control disabled',
  'Parallelism criteria not met, Current [',
  'NodeKind: ',
  'Node not yet started',
  'Node Data Directory [',
  'preExecute completed in phase [',
  'Starting workflow Node',
  'Workflow not found in cache.',
  'Workflow is terminated.',
  'LaunchPlan running, parallelism is now set to [', // Info
  'Subworkflow has no failure nodes, failing immediately.', // Info
  'No inputs for the workflow. Skipping storing inputs', // Info
  'Failed to cast contentMD5 [', // a blob Head of an object without an MD5
  'Offloaded literal at location [', // Info
  // failures whose round-ending line (reconcile error, failed write) propsim reads instead
  'Handling FailureNode [',
  'Error in handling running workflow [',
  'workflow state mismatch between propeller and control plane',
  "Workflow is marked as terminated but doesn't have the completed label",
  'failed Execute for node. Error: ',
  'failed preExecute for node. Error: ',
  'Runtime error from plugin [',
  'Failed to find the Resource with name: ',
  'Failed to launch job, ',
  'Falling back to sending ',
  'failed to fetch outputs by ref [',
  'Retrieved Launch Plan status is nil',
  'acquired cache reservation',
  // the datacatalog client inside a catalog call (the call is timed from the line before it)
  'Get Dataset ',
  'Get Artifact by tag ',
  'DataCatalog failed to get ',
  'Retrieved ',
  'Expired Cached Artifact ',
  'Cached exec tag: ',
  'Create Dataset for ID ',
  'DataCatalog read ',
  'execution config forced cache skip, not checking catalog',
  'No plugin found for Handler-type [',
  'Acquired leader lease',
  'Starting FlyteWorkflow controller',
  'Failed to clear finalizers for Resource',
  // a blobstore read that failed (stdlib's protobuf store, Error): the round fails, and its failure line is read
  'Failed to read from the raw store',
  'Failed to close reference [',
  // an ArrayNode's abort could not record its subtasks' ABORTED events (Warn, not fatal)
  'failed to record ArrayNode events: ',
];

/** UNTIMED_PREFIXES by their first character: a message is compared with those only. */
const UNTIMED_BY_FIRST = new Map<number, string[]>();
for (const p of UNTIMED_PREFIXES) {
  const c = p.charCodeAt(0);
  const list = UNTIMED_BY_FIRST.get(c) ?? [];
  list.push(p);
  UNTIMED_BY_FIRST.set(c, list);
}

/** True when `msg` (of kind `K.none`) is a known propeller message without timing information. */
export function isUntimedTemplate(msg: string): boolean {
  const list = UNTIMED_BY_FIRST.get(msg.charCodeAt(0));
  if (list === undefined) return false;
  for (let i = 0; i < list.length; i++) if (msg.startsWith(list[i] as string)) return true;
  return false;
}

/**
 * One recognition rule: the message starts with `prefix` and, when given, ends with `suffix`,
 * contains `contains`, or is exactly the prefix.
 */
interface Rule {
  prefix: string;
  kind: MsgKind;
  suffix: string;
  contains: string;
  exact: boolean;
}

function rule(prefix: string, kind: MsgKind, more: { suffix?: string; contains?: string; exact?: boolean } = {}): Rule {
  return { prefix, kind, suffix: more.suffix ?? '', contains: more.contains ?? '', exact: more.exact ?? false };
}

/**
 * The rules in the order they are tried (the first that matches decides). Prefixes that share a
 * beginning come most specific first.
 */
const RULES: readonly Rule[] = [
  rule(P_ENQ_WF, K.enqueueWorkflow),
  rule(P_ENQ_SUB, K.enqueueSubqueue),
  rule(P_ENQ_OWNER, K.enqueueOwner),
  rule(P_RECONCILE, K.reconcileError),
  rule(P_WF_EVENT_FAILED, K.workflowEventFailed),
  rule(P_TASK_EVENT_FAILED_PLUGIN, K.taskEventFailed),
  rule(P_LAUNCH_EXISTS, K.launchExists),
  rule(P_PROCESSING, K.processing),
  rule(P_WF_NS, K.stale, { suffix: ' Stale.' }),
  rule(P_WF_NS, K.terminated, { suffix: 'has already been terminated.' }),
  rule(P_WF_NS, K.notFound, { suffix: 'not found, may be deleted.' }),
  rule(P_WF_EVENT_EXISTS, K.workflowEventExists),
  rule(P_WF_COMPLETED, K.workflowCompleted),
  rule('Workflow has failed. Error [', K.workflowFailed),
  rule(P_NO_CHANGE, K.noChange),
  rule(P_NO_FAST_FOLLOW, K.noFastFollow),
  rule(P_HANDLING, K.handlingDone, { suffix: S_DONE }),
  rule(P_HANDLING, K.handling),
  rule(P_WF_TRANSITION, K.workflowTransition),
  rule(P_NODE_CHANGE, K.nodeChange),
  rule(P_BRANCH_SKIP, K.branchSkip, { suffix: S_BRANCH_SKIP }),
  rule(P_COMPLETED, K.completedProcessing),
  rule(P_CACHE_HIT, K.cacheHit),
  rule(P_CACHE_MISS, K.cacheMiss),
  rule(P_CACHE_RECORDING, K.cacheRecording),
  rule(P_CACHE_GET_FAILED, K.cacheGetFailed),
  rule(P_FINALIZE, K.finalizeNotRequired),
  rule(P_FAST_FOLLOW, K.fastFollow),
  rule(P_FAILED_NODE_EVENT, K.nodeEventFailed),
  // "Failed to record taskEvent in state: X, error: ..." is an error; the AlreadyExists variant
  // ends with "Ignoring this error!".
  rule(P_FAILED_TASK_EVENT, K.taskEventIgnored, { suffix: 'Ignoring this error!' }),
  rule(P_FAILED_TASK_EVENT, K.taskEventFailed),
  rule('ArrayNode event recording failed', K.arrayEventFailed),
  rule(P_RECORDER_FAILED_NODE, K.eventRecorderFailed),
  rule(P_RECORDER_FAILED_TASK, K.eventRecorderFailed),
  rule(P_RECORDER_FAILED_WORKFLOW, K.eventRecorderFailed),
  rule(P_FAILED_RECORD, K.workflowEventIgnored, { contains: 'workflowEvent' }),
  rule(P_EVENT_SINK, K.eventSink),
  rule(P_ALREADY_SENT, K.eventAlreadySent, { suffix: "' has already been sent" }),
  rule(P_ALREADY_SENT, K.eventAlreadySent, { suffix: "' is already queued for processing" }),
  rule(P_CREATING_OBJECT, K.podCreate, { contains: 'Kind=Pod' }),
  rule(P_POD_RESOURCES, K.podResources),
  rule(P_POD_CREATED, K.podCreated),
  rule(P_POD_CREATE_BLOCKED, K.podCreateRefused),
  rule(P_POD_CREATE_FAILED, K.podCreateRefused),
  rule(P_FAILED_UPDATE, K.etcdFailed),
  rule(P_TOO_LARGE, K.tooLarge),
  rule(P_TOO_LARGE_RETRY, K.tooLargeRetryFailed),
  // the critical write of a workflow admin no longer has, or that another cluster took over, failed
  rule('Failed to record an ExecutionNotFound workflow as failed', K.tooLargeRetryFailed),
  rule('Failed to record an EventIncompatibleClusterError workflow as failed', K.tooLargeRetryFailed),
  rule('No longer designated to process workflow, failing', K.executionNotFound),
  rule(P_CACHE_PUT_FAILED, K.cachePutFailed),
  rule(P_GET_FAILED, K.getFailed),
  rule(P_EXEC_NOT_FOUND, K.executionNotFound),
  rule('node succeeding', K.nodeSucceeding, { exact: true }),
  rule('node failing', K.nodeFailing, { exact: true }),
  rule('node timing out', K.nodeTimingOut, { exact: true }),
  rule(P_NODE_TIMED_OUT, K.nodeTimedOut),
  rule(P_ATTEMPT_TIMED_OUT, K.attemptTimedOut),
  rule(P_NODE_RETRY, K.nodeRetry),
  rule(P_NODE_EVENT, K.nodeEvent),
  rule(P_NODE_EVENT_EXISTS, K.nodeEventExists),
  rule(P_TASK_EVENT, K.taskEvent),
  rule(P_ABORT_INVOKED, K.abortInvoked),
  rule(P_BUFFERED_TASK_EVENTS, K.bufferedTaskEvents),
  rule('Finalize invoked', K.abortDone),
  rule('Returning immediately from Abort since task is already in terminal phase', K.abortDone),
  rule(P_STREAK_ENDED, K.streakEnded),
  rule(P_SYNCED, K.synced),
  rule(P_CACHE_RECORDED, K.cacheRecorded),
  rule(P_OBSERVED, K.etcdStart),
  rule(P_UPDATED, K.etcdUpdated),
  rule(P_MAX_PARALLELISM, K.maxParallelism),
  rule(P_SEND_FAILED, K.taskEventFailed),
  rule(P_LAUNCHED, K.launchedLaunchPlan),
  rule(P_ERROR_SYNCING, K.errorSyncing),
];

/** RULES by the first two characters of their prefix (ASCII), so a message is tried against a few at most. */
const NO_RULES: readonly Rule[] = [];
const RULES_BY_HEAD: (readonly Rule[])[] = new Array<readonly Rule[]>(128 * 128).fill(NO_RULES);
for (const r of RULES) {
  const head = r.prefix.charCodeAt(0) * 128 + r.prefix.charCodeAt(1);
  RULES_BY_HEAD[head] = [...(RULES_BY_HEAD[head] as Rule[]), r];
}

/** `s.startsWith(prefix)` by character codes: one small loop for every prefix (the built-in is expanded per constant prefix). */
function startsWith(s: string, prefix: string): boolean {
  const n = prefix.length;
  if (s.length < n) return false;
  for (let i = 2; i < n; i++) if (s.charCodeAt(i) !== prefix.charCodeAt(i)) return false;
  return true;
}

function matches(msg: string, r: Rule): boolean {
  if (!startsWith(msg, r.prefix)) return false;
  if (r.exact) return msg.length === r.prefix.length;
  if (r.suffix !== '' && !msg.endsWith(r.suffix)) return false;
  return r.contains === '' || msg.includes(r.contains);
}

/**
 * The message kind of a log message (`K.none` when it is not one we use). The first two
 * characters pick the few rules whose prefix begins with them; the first that matches decides.
 * Table-driven on purpose: one small loop serves every template, so the function compiles fast
 * and a template first seen late in a log does not send it back to the compiler.
 */
export function classify(msg: string): MsgKind {
  const c0 = msg.charCodeAt(0);
  const c1 = msg.charCodeAt(1);
  if (!(c0 < 128 && c1 < 128)) return K.none;
  const rules = RULES_BY_HEAD[c0 * 128 + c1] as readonly Rule[];
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as Rule;
    if (matches(msg, r)) return r.kind;
  }
  return K.none;
}

/**
 * `classify` and `isUntimedTemplate` remembered for the messages seen last, by length and last
 * character. Most lines of a log carry one of a few fixed messages, which the line reader hands
 * over as one shared string each: a repeat then costs one comparison of string identities.
 */
export class MessageKinds {
  private static readonly SLOTS = 512;
  private readonly msgs: string[] = new Array<string>(MessageKinds.SLOTS).fill('');
  private readonly kinds = new Int8Array(MessageKinds.SLOTS);
  /** 1 untimed, 0 not, -1 not yet asked. */
  private readonly untimed = new Int8Array(MessageKinds.SLOTS).fill(-1);

  private slot(msg: string): number {
    const n = msg.length;
    const at = n === 0 ? 0 : (Math.imul(n, 31) + msg.charCodeAt(n - 1)) & (MessageKinds.SLOTS - 1);
    if (this.msgs[at] !== msg) {
      this.msgs[at] = msg;
      this.kinds[at] = classify(msg);
      this.untimed[at] = -1;
    }
    return at;
  }

  kind(msg: string): MsgKind {
    return this.kinds[this.slot(msg)] as MsgKind;
  }

  /** `isUntimedTemplate(msg)`. */
  isUntimed(msg: string): boolean {
    const at = this.slot(msg);
    let u = this.untimed[at] as number;
    if (u < 0) {
      u = isUntimedTemplate(msg) ? 1 : 0;
      this.untimed[at] = u;
    }
    return u === 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Argument extractors. Each returns undefined when the message does not have the expected shape.

/** Text between the first `[` at or after `from` and the next `]`. */
function bracketAt(msg: string, from: number): string | undefined {
  const s = msg.indexOf('[', from);
  if (s < 0) return undefined;
  const e = msg.indexOf(']', s + 1);
  return e < 0 ? undefined : msg.slice(s + 1, e);
}

/** `[A] -> [B]` after `from` (node and workflow transitions). */
export function arrowPhases(msg: string, from: number): { from: string; to: string } | undefined {
  const s1 = msg.indexOf('[', from);
  if (s1 < 0) return undefined;
  const e1 = msg.indexOf(']', s1 + 1);
  if (e1 < 0) return undefined;
  const s2 = msg.indexOf('[', e1 + 1);
  if (s2 < 0) return undefined;
  const e2 = msg.indexOf(']', s2 + 1);
  if (e2 < 0) return undefined;
  return { from: msg.slice(s1 + 1, e1), to: msg.slice(s2 + 1, e2) };
}

/** The case a `Branch Setting Node[X] status to Skipped!` line skips. */
export function branchSkipNode(msg: string): string {
  return msg.slice(P_BRANCH_SKIP.length, msg.length - S_BRANCH_SKIP.length);
}

export function nodeChangePhases(msg: string): { from: string; to: string } | undefined {
  return arrowPhases(msg, P_NODE_CHANGE.length - 1);
}

export function workflowTransitionPhases(msg: string): { from: string; to: string } | undefined {
  return arrowPhases(msg, P_WF_TRANSITION.length - 1);
}

/** The `ns/name` key of `==> Enqueueing workflow [ns/name]`. */
export function enqueueWorkflowKey(msg: string): string | undefined {
  const e = msg.lastIndexOf(']');
  return e < P_ENQ_WF.length ? undefined : msg.slice(P_ENQ_WF.length, e);
}

/** The `ns/obj` of `Enqueueing owner for updated object [ns/obj]`. */
export function enqueueOwnerObject(msg: string): string | undefined {
  const e = msg.lastIndexOf(']');
  return e < P_ENQ_OWNER.length ? undefined : msg.slice(P_ENQ_OWNER.length, e);
}

/** The quoted key of `added workflowID 'ns/name' to subqueue`, `Successfully synced 'ns/name'`, klog `error syncing 'ns/name': ...`. */
export function quotedKey(msg: string): string | undefined {
  const s = msg.indexOf("'");
  if (s < 0) return undefined;
  const e = msg.indexOf("'", s + 1);
  return e < 0 ? undefined : msg.slice(s + 1, e);
}

/** Splits a `ns/name` key. A key without `/` is a bare name. */
export function splitKey(key: string): { ns: string | undefined; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { ns: undefined, name: key };
  return { ns: slash > 0 ? key.slice(0, slash) : undefined, name: key.slice(slash + 1) };
}

/** `Workflow namespace[ns]/name[name] ...` -> ns and name. */
export function namespaceName(msg: string): { ns: string; name: string } | undefined {
  const mid = msg.indexOf(']/name[', P_WF_NS.length);
  if (mid < 0) return undefined;
  const e = msg.indexOf(']', mid + 7);
  if (e < 0) return undefined;
  return { ns: msg.slice(P_WF_NS.length, mid), name: msg.slice(mid + 7, e) };
}

/** `Handling Workflow [name], id: [..], p [X]` -> name and phase; `Handling Workflow [name] Done` -> name. */
export function handlingArgs(msg: string): { name: string; phase: string | undefined } | undefined {
  const e = msg.indexOf(']', P_HANDLING.length);
  if (e < 0) return undefined;
  const name = msg.slice(P_HANDLING.length, e);
  // The id is proto text whose spacing is not stable, so the phase is found from the end.
  const p = msg.lastIndexOf('p [');
  const pe = msg.lastIndexOf(']');
  const phase = p > e && pe > p + 3 ? msg.slice(p + 3, pe) : undefined;
  return { name, phase };
}

/** The phase of `Handling Workflow [name], id: [..], p [X]` (found from the end: the id's spacing varies). */
export function handlingPhase(msg: string): string | undefined {
  const p = msg.lastIndexOf('p [');
  const pe = msg.length - 1;
  return p > P_HANDLING.length && msg.charCodeAt(pe) === 93 && pe > p + 3 ? msg.slice(p + 3, pe) : undefined;
}

/** The phase of `Recording NodeEvent [..] phase[X]`. */
export function nodeEventPhase(msg: string): string | undefined {
  const p = msg.lastIndexOf('phase[');
  const pe = msg.lastIndexOf(']');
  return p >= 0 && pe > p ? msg.slice(p + 6, pe) : undefined;
}

/** `Will not fast follow, Reason: Wf terminated? X, Version matched? Y`. */
export function noFastFollowReason(msg: string): { terminated: boolean; versionMatched: boolean } {
  return {
    terminated: msg.includes('terminated? true'),
    versionMatched: msg.includes('matched? true'),
  };
}

/** `Streak ended at [n]/Max: [m]`. */
export function streakEndedArgs(msg: string): { n: number; max: number } | undefined {
  const n = bracketAt(msg, P_STREAK_ENDED.length - 1);
  const m = bracketAt(msg, msg.indexOf('Max:'));
  if (n === undefined || m === undefined) return undefined;
  const nv = Number(n);
  const mv = Number(m);
  return Number.isFinite(nv) && Number.isFinite(mv) ? { n: nv, max: mv } : undefined;
}

/** The phase of `Sending transition event for plugin phase [X]`. */
export function taskEventPhase(msg: string): string | undefined {
  return bracketAt(msg, P_TASK_EVENT.length - 1);
}

/** `Recording NodeEvent [<proto id>] phase[X]` -> phase, and node id / execution name from the proto text. */
export function nodeEventArgs(msg: string): { phase: string | undefined; node: string | undefined; name: string | undefined } {
  const p = msg.lastIndexOf('phase[');
  const pe = msg.lastIndexOf(']');
  return {
    phase: p >= 0 && pe > p ? msg.slice(p + 6, pe) : undefined,
    node: protoField(msg, 'node_id:'),
    name: protoField(msg, 'name:'),
  };
}

/** A quoted string field of proto text, e.g. `name:"abc"` (the spacing around `:` varies). */
export function protoField(msg: string, key: string): string | undefined {
  const k = msg.indexOf(key);
  if (k < 0) return undefined;
  const q = msg.indexOf('"', k + key.length);
  if (q < 0 || q > k + key.length + 2) return undefined;
  const e = msg.indexOf('"', q + 1);
  return e < 0 ? undefined : msg.slice(q + 1, e);
}

/** `Node event phase: X, nodeId Y already exist` / `Workflow event phase: X, executionId ...` -> X. */
export function eventExistsPhase(msg: string, prefixLen: number): string | undefined {
  const c = msg.indexOf(',', prefixLen);
  return c < 0 ? undefined : msg.slice(prefixLen, c);
}

export const NODE_EVENT_EXISTS_PREFIX_LEN = P_NODE_EVENT_EXISTS.length;
export const WORKFLOW_EVENT_EXISTS_PREFIX_LEN = P_WF_EVENT_EXISTS.length;

/** Error class of an etcd update failure text. */
export function etcdFailureClass(msg: string): 'tooLarge' | 'conflict' | 'error' {
  if (msg.includes('too large') || msg.includes('Request entity too large')) return 'tooLarge';
  if (msg.includes('the object has been modified') || msg.includes('Operation cannot be fulfilled')) return 'conflict';
  return 'error';
}

/** Error class of an admin event failure text. */
export function eventFailureClass(msg: string): string {
  if (msg.includes('AlreadyExists') || msg.includes('already exist')) return 'alreadyExists';
  // before ResourceExhausted: gRPC answers a message over its size limit with that code
  if (msg.startsWith('TooLarge') || msg.includes('larger than max')) return 'tooLarge';
  if (msg.includes('ResourceExhausted') || msg.includes('throttl') || msg.includes('Too Many Requests')) return 'throttled';
  return 'error';
}

/**
 * The error text inside a failure message (what the failing call returned), for an op's `detail`:
 * `... Error [X]` / `... error [X]` (a reconcile error stops before `. Error Type[`),
 * `... reason: X` (too large; the retry line drops its `. Retrying...`), `... error :X` /
 * `... error: X` (task events); else the whole message.
 */
export function failureText(msg: string): string {
  const type = msg.lastIndexOf('. Error Type[');
  for (const key of ['Error [', 'error [']) {
    const k = msg.indexOf(key);
    if (k < 0) continue;
    const end = type > k ? type : msg.length;
    const close = msg.lastIndexOf(']', end);
    if (close > k) return msg.slice(k + key.length, close);
  }
  const reason = msg.indexOf('reason: ');
  if (reason >= 0) {
    const text = msg.slice(reason + 8);
    return text.endsWith('. Retrying...') ? text.slice(0, -13) : text;
  }
  for (const key of ['error :', 'error: ']) {
    const k = msg.indexOf(key);
    if (k >= 0) return msg.slice(k + key.length);
  }
  return msg;
}

/** The first `[..]` of a message (the child execution name of the launch-plan lines). */
export function bracketText(msg: string): string | undefined {
  return bracketAt(msg, 0);
}
