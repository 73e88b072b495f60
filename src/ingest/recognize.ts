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
  'Node not yet started, running pre-execute',
  'Node pre-execute completed',
  'No state change for Task, previously observed same transition',
  'Sending buffered Task events',
  'Creating Object: Type:[',
  'Finalize invoked',
  'Acquired leader lease',
  'Starting FlyteWorkflow controller',
  'Failed to clear finalizers for Resource',
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
 * The message kind of a log message (`K.none` when it is not one we use). The first character
 * and one more discriminating character pick the candidate before any prefix comparison.
 */
export function classify(msg: string): MsgKind {
  switch (msg.charCodeAt(0)) {
    case 61: // '='
      return msg.startsWith(P_ENQ_WF) ? K.enqueueWorkflow : K.none;
    case 97: // 'a'
      return msg.startsWith(P_ENQ_SUB) ? K.enqueueSubqueue : K.none;
    case 69: // 'E'
      switch (msg.charCodeAt(1)) {
        case 110: // 'n'
          return msg.startsWith(P_ENQ_OWNER) ? K.enqueueOwner : K.none;
        case 114: // 'r'
          return msg.startsWith(P_RECONCILE) ? K.reconcileError : K.none;
        case 118: // 'v'
          if (msg.startsWith(P_WF_EVENT_FAILED)) return K.workflowEventFailed;
          return msg.startsWith(P_TASK_EVENT_FAILED_PLUGIN) ? K.taskEventFailed : K.none;
        case 120: // 'x'
          return msg.startsWith(P_LAUNCH_EXISTS) ? K.launchExists : K.none;
        default:
          return K.none;
      }
    case 80: // 'P'
      return msg.charCodeAt(1) === 114 && msg.startsWith(P_PROCESSING) ? K.processing : K.none;
    case 87: // 'W'
      switch (msg.charCodeAt(1)) {
        case 111: // 'o'
          if (msg.startsWith(P_WF_NS)) {
            if (msg.endsWith(' Stale.')) return K.stale;
            if (msg.endsWith('has already been terminated.')) return K.terminated;
            if (msg.endsWith('not found, may be deleted.')) return K.notFound;
            return K.none;
          }
          if (msg.startsWith(P_WF_EVENT_EXISTS)) return K.workflowEventExists;
          return msg.startsWith(P_WF_COMPLETED) ? K.workflowCompleted : K.none;
        case 70: // 'F'
          return msg.startsWith(P_NO_CHANGE) ? K.noChange : K.none;
        case 105: // 'i'
          return msg.startsWith(P_NO_FAST_FOLLOW) ? K.noFastFollow : K.none;
        default:
          return K.none;
      }
    case 72: // 'H'
      // "Handling Workflow [" vs the far more common "Handling Node [".
      if (msg.charCodeAt(9) !== 87 || !msg.startsWith(P_HANDLING)) return K.none;
      return msg.endsWith(S_DONE) ? K.handlingDone : K.handling;
    case 84: // 'T'
      return msg.startsWith(P_WF_TRANSITION) ? K.workflowTransition : K.none;
    case 67: // 'C'
      switch (msg.charCodeAt(1)) {
        case 104: // 'h'
          return msg.startsWith(P_NODE_CHANGE) ? K.nodeChange : K.none;
        case 111: // 'o' ("Completed processing workflow." vs "Completed node [..]")
          return msg.charCodeAt(10) === 112 && msg.startsWith(P_COMPLETED) ? K.completedProcessing : K.none;
        case 97: // 'a'
          if (!msg.startsWith('Catalog ')) return K.none;
          if (msg.startsWith(P_CACHE_HIT)) return K.cacheHit;
          if (msg.startsWith(P_CACHE_MISS)) return K.cacheMiss;
          if (msg.startsWith(P_CACHE_RECORDING)) return K.cacheRecording;
          return msg.startsWith(P_CACHE_GET_FAILED) ? K.cacheGetFailed : K.none;
        default:
          return K.none;
      }
    case 70: // 'F'
      switch (msg.charCodeAt(2)) {
        case 110: // "Finalize not required, ..."
          return msg.startsWith(P_FINALIZE) ? K.finalizeNotRequired : K.none;
        case 115: // "FastFollow Enabled."
          return msg.startsWith(P_FAST_FOLLOW) ? K.fastFollow : K.none;
        case 105: // "Failed ..."
          if (msg.startsWith(P_FAILED_RECORD)) {
            if (msg.startsWith(P_FAILED_NODE_EVENT)) return K.nodeEventFailed;
            if (msg.startsWith(P_FAILED_TASK_EVENT)) {
              // "Failed to record taskEvent in state: X, error: ..." is an error; the AlreadyExists
              // variant ends with "Ignoring this error!".
              return msg.endsWith('Ignoring this error!') ? K.taskEventIgnored : K.taskEventFailed;
            }
            return msg.includes('workflowEvent') ? K.workflowEventIgnored : K.none;
          }
          if (msg.startsWith(P_FAILED_UPDATE)) return K.etcdFailed;
          if (msg.startsWith(P_TOO_LARGE)) return K.tooLarge;
          if (msg.startsWith(P_TOO_LARGE_RETRY)) return K.tooLargeRetryFailed;
          if (msg.startsWith(P_CACHE_PUT_FAILED)) return K.cachePutFailed;
          if (msg.startsWith(P_GET_FAILED)) return K.getFailed;
          return msg.startsWith(P_EXEC_NOT_FOUND) ? K.executionNotFound : K.none;
        default:
          return K.none;
      }
    case 110: // 'n'
      if (msg.charCodeAt(5) === 115) return msg === 'node succeeding' ? K.nodeSucceeding : K.none;
      if (msg === 'node failing') return K.nodeFailing;
      if (msg === 'node timing out') return K.nodeTimingOut;
      return msg.startsWith(P_NODE_RETRY) ? K.nodeRetry : K.none;
    case 82: // 'R'
      return msg.startsWith(P_NODE_EVENT) ? K.nodeEvent : K.none;
    case 78: // 'N' ("Node event phase: .." vs "Node was queued ..", "Node not yet started ..")
      return msg.charCodeAt(5) === 101 && msg.startsWith(P_NODE_EVENT_EXISTS) ? K.nodeEventExists : K.none;
    case 83: // 'S'
      switch (msg.charCodeAt(1)) {
        case 101: // 'e'
          return msg.startsWith(P_TASK_EVENT) ? K.taskEvent : K.none;
        case 116: // 't'
          return msg.startsWith(P_STREAK_ENDED) ? K.streakEnded : K.none;
        case 117: // 'u'
          if (msg.startsWith(P_SYNCED)) return K.synced;
          return msg.startsWith(P_CACHE_RECORDED) ? K.cacheRecorded : K.none;
        default:
          return K.none;
      }
    case 79: // 'O'
      return msg.startsWith(P_OBSERVED) ? K.etcdStart : K.none;
    case 85: // 'U'
      return msg.startsWith(P_UPDATED) ? K.etcdUpdated : K.none;
    case 77: // 'M'
      return msg.startsWith(P_MAX_PARALLELISM) ? K.maxParallelism : K.none;
    case 102: // 'f'
      return msg.startsWith(P_SEND_FAILED) ? K.taskEventFailed : K.none;
    case 76: // 'L'
      return msg.startsWith(P_LAUNCHED) ? K.launchedLaunchPlan : K.none;
    case 101: // 'e'
      return msg.startsWith(P_ERROR_SYNCING) ? K.errorSyncing : K.none;
    default:
      return K.none;
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
  if (msg.includes('ResourceExhausted') || msg.includes('throttl') || msg.includes('Too Many Requests')) return 'throttled';
  if (msg.includes('larger than max')) return 'tooLarge';
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
