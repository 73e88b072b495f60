/**
 * Timeline -> propeller debug logs, as propeller writes them: message text from
 * `timeline/templates.ts`, the context fields each call site carries (domain brief §6.2), the key
 * order Go's encoders produce, whole-second `ts`, and optionally a CRI receive-time prefix with the
 * exact ns instant. Lines of all executions and workers come out in one global time order with a
 * stable tie-break, produced lazily (one Handle call per execution in memory at a time), so large
 * recordings stream to disk without building the output in memory.
 *
 * What is logged follows propeller's code paths: `handler.go` (Handle, streak), the workflow and
 * node executors, the task handler, the catalog cache, the workflow store and the worker pool.
 * Work propeller does not log (blob I/O, pod creation, deep copies) produces no line.
 */
import type { Enqueue, Execution, HandleCall, NodeKind, Ns, Op, OpKind, Recording, Round, Transition } from '../timeline/types.js';
import { TERMINAL_WORKFLOW_PHASES } from '../timeline/types.js';
import { ETCD_ERRORS, MSG, PLUGIN_OF_TASK_EVENT, executionIdText } from '../timeline/templates.js';
import { childRun, runOwner } from '../timeline/sub-dag-runs.js';
import { ERROR_CLASSES, errorClass, isFailedOutcome } from '../timeline/error-class.js';
import { writeAtomically } from './atomic-write.js';
import {
  LEVEL,
  LogClock,
  encodeGcp,
  encodeJson,
  encodeText,
  jsonFields,
  klogLine,
  textFields,
  type Fields,
  type LevelName,
  type LogFormat,
} from './log-format.js';

export type { LogFormat } from './log-format.js';

export interface LogEmitOptions {
  /** flytestdlib `logger.formatter.type`. Default `json`. */
  format?: LogFormat;
  /** Prefix every line with an RFC3339Nano receive time and `stderr F ` (CRI log file / kubectl --timestamps). */
  cri?: boolean;
  /** flytestdlib `logger.show-source`: add `src` (`file.go:line`). Default true (the Helm `flyte` chart and sandbox setting). */
  showSource?: boolean;
  /** propeller `max-streak-length`, printed in `Streak ended at [n]/Max: [m]`. Default 8. */
  maxStreak?: number;
  /** flytestdlib `logger.level` (0 panic .. 5 debug); lines above it are not written. Default 5. */
  level?: number;
  /** HTML-escape `<`, `>`, `&` in the json format (flytestdlib before v1.10.7). Default false. */
  htmlEscape?: boolean;
  /** propeller `metadata-prefix`, for `Setting the MetadataDir for StartNode [..]`. */
  metadataPrefix?: string;
  /** `tasktype` field of task-handler lines. Default `python-task`. */
  taskType?: string;
  /** Workflow max parallelism printed by the parallelism short-circuit line. Default 25. */
  maxParallelism?: number;
}

export interface LogWriteStats {
  lines: number;
  bytes: number;
}

type Tmpl = keyof typeof MSG;

/** The status message of a node a deadline ended (`execute`): which deadline, and its duration. */
const TIMEOUT_MESSAGE = /^task (active|execution) timeout \[(.+)\] expired$/;

/** Level of each message (domain brief §6.2); unlisted ones are Info. */
const LEVELS: Partial<Record<Tmpl, LevelName>> = {
  enqueueSubqueue: 'debug',
  enqueueOwner: 'debug',
  stale: 'warning',
  terminated: 'warning',
  notFound: 'warning',
  workflowTransition: 'debug',
  eventRecordingFailed: 'warning',
  handlingNode: 'debug',
  completedNode: 'debug',
  nodeExecuting: 'debug',
  nodeExecutionCompleted: 'debug',
  preExecute: 'debug',
  preExecuteCompleted: 'debug',
  taskNoChange: 'debug',
  bufferedTaskEvents: 'debug',
  eventSink: 'debug',
  eventAlreadySent: 'debug',
  abortInvoked: 'debug',
  callingAbort: 'debug',
  finalizeInvoked: 'debug',
  nodeSucceeding: 'debug',
  nodeFailing: 'debug',
  nodeTimingOut: 'debug',
  nodeRetrying: 'debug',
  nodeEventFailed: 'warning',
  taskEventFailed: 'warning',
  taskEventRecordingFailed: 'error',
  arrayEventFailed: 'error',
  pluginTransition: 'debug',
  etcdUpdateStart: 'debug',
  etcdUpdated: 'debug',
  etcdUpdateFailed: 'error',
  tooLarge: 'error',
  tooLargeRetry: 'error',
  reconcileError: 'error',
  errorSyncing: 'error',
};

/**
 * `src` of each message (file:line as the domain brief gives them, which the public propeller log
 * shows too); a deferred call logs the line of its `defer` statement.
 */
const SRC: Partial<Record<Tmpl, string>> = {
  enqueueWorkflow: 'controller.go:157',
  enqueueSubqueue: 'controller.go:174',
  enqueueOwner: 'plugin_manager.go:639',
  processing: 'handler.go:186',
  notFound: 'handler.go:196',
  terminated: 'handler.go:201',
  stale: 'handler.go:206',
  handling: 'executor.go:403',
  handlingDone: 'executor.go:404',
  setMetadataDir: 'executor.go:139',
  workflowTransition: 'executor.go:306',
  workflowCompleted: 'executor.go:267',
  workflowFailed: 'executor.go:155',
  workflowEventExists: 'executor.go:297',
  eventRecordingFailed: 'executor.go:390',
  handlingNode: 'executor.go:1365',
  completedNode: 'executor.go:1366',
  nodeExecuting: 'executor.go:1148',
  nodeExecutionCompleted: 'executor.go:1149',
  preExecute: 'executor.go:994',
  preExecuteCompleted: 'executor.go:995',
  taskNoChange: 'handler.go:734',
  parallelismSet: 'handler.go:836',
  bufferedTaskEvents: 'handler.go:754',
  creatingObject: 'plugin_manager.go:285',
  podResources: 'plugin_manager.go:266',
  podCreated: 'handler.go:84',
  eventSink: 'admin_eventsink.go:50',
  eventAlreadySent: 'admin_eventsink.go:59',
  finalizeInvoked: 'handler.go:940',
  branchSkip: 'evaluator.go:131',
  branchSelected: 'evaluator.go:143',
  nodeChangeNYS: 'executor.go:1038',
  nodeChange: 'executor.go:1269',
  finalizeNotRequired: 'executor.go:1255',
  nodeQueued: 'executor.go:1379',
  nodeSucceeding: 'executor.go:1418',
  nodeFailing: 'executor.go:1385',
  nodeTimingOut: 'executor.go:1404',
  nodeRetrying: 'executor.go:1337',
  recordingNodeEvent: 'node_exec_context.go:64',
  nodeEventExists: 'node_exec_context.go:72',
  nodeEventFailed: 'executor.go:1323',
  taskEventFailed: 'node_exec_context.go:39',
  taskEventRecordingFailed: 'handler.go:773',
  arrayEventFailed: 'handler.go:423',
  maxParallelism: 'executor.go:161',
  pluginTransition: 'handler.go:781',
  cacheMiss: 'cache.go:93',
  cacheHit: 'cache.go:108',
  cacheRecording: 'cache.go:215',
  cacheRecorded: 'cache.go:238',
  launchedLaunchPlan: 'launchplan.go:117',
  launchExists: 'launchplan.go:108',
  noChange: 'handler.go:323',
  etcdUpdateStart: 'passthrough.go:60',
  etcdUpdated: 'passthrough.go:85',
  etcdUpdateFailed: 'passthrough.go:80',
  tooLarge: 'handler.go:382',
  tooLargeRetry: 'handler.go:406',
  noFastFollow: 'handler.go:419',
  fastFollow: 'handler.go:251',
  streakEnded: 'handler.go:253',
  reconcileError: 'handler.go:146',
  completedProcessing: 'handler.go:187',
  synced: 'workers.go:98',
  errorSyncing: 'workers.go:103',
  nodeTimedOut: 'executor.go:842',
  attemptTimedOut: 'executor.go:852',
  callingAbort: 'executor.go:877',
  abortInvoked: 'handler.go:817',
  killTask: 'plugin_manager.go:392',
  abortingDynamic: 'handler.go:244',
  abortingRegularNode: 'handler.go:259',
  finalizingParentNode: 'handler.go:266',
  finalizingDynamic: 'handler.go:280',
};

/** One log line before encoding. */
interface Ev {
  t: Ns;
  /**
   * Tie-breaks for lines of one instant across executions: the start and end of the line's Handle
   * call (its own time for enqueues). A worker that ends one call and starts the next at the same
   * instant logs the call that started earlier, or else ended earlier (took no time), first.
   */
  k: Ns;
  e: Ns;
  tmpl: Tmpl;
  msg: string;
  fields: FieldSet;
  /** Overrides the template's `src` (deferred calls, alternative call sites). */
  src?: string;
  /** A klog line (k8s `runtime.HandleError`), not a flytestdlib one. */
  klog?: boolean;
}

/**
 * The context fields of a group of lines (a Handle call, a round, a node), with their encoding
 * cached per `src`: most lines share their field set with their neighbours.
 */
class FieldSet {
  private parts: [string, string] | undefined;
  constructor(readonly values: Fields) {}

  with(extra: Fields): FieldSet {
    return new FieldSet({ ...this.values, ...extra });
  }

  /**
   * The encoded fields with `src` (when given) in its sorted place: the keys before and after
   * `src` are encoded once per field set, since every line of a group has its own `src`.
   */
  encoded(src: string | undefined, encode: (f: Fields) => string, pair: (k: string, v: string) => string, sep: string): string {
    if (!this.parts) {
      const before: Record<string, string> = {};
      const after: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.values)) (k < 'src' ? before : after)[k] = v;
      this.parts = [encode(before), encode(after)];
    }
    const [b, a] = this.parts;
    if (src === undefined) return b === '' ? a : a === '' ? b : `${b}${sep}${a}`;
    let out = pair('src', src);
    if (b !== '') out = `${b}${sep}${out}`;
    if (a !== '') out = `${out}${sep}${a}`;
    return out;
  }
}

const NODE_EVENT_PHASE: Record<string, string> = {
  Queued: 'QUEUED',
  Running: 'RUNNING',
  Succeeding: 'SUCCEEDED',
  Succeeded: 'SUCCEEDED',
  Failing: 'FAILED',
  Failed: 'FAILED',
  Skipped: 'SKIPPED',
  TimingOut: 'TIMED_OUT',
  TimedOut: 'TIMED_OUT',
  DynamicRunning: 'DYNAMIC_RUNNING',
  Recovered: 'RECOVERED',
  Aborted: 'ABORTED',
  RetryableFailure: 'RUNNING',
};

const WORKFLOW_EVENT_PHASE: Record<string, string> = {
  Running: 'RUNNING',
  Succeeding: 'SUCCEEDING',
  Succeeded: 'SUCCEEDED',
  Failing: 'FAILING',
  HandlingFailureNode: 'FAILING',
  Failed: 'FAILED',
  Aborted: 'ABORTED',
};

const PLUGIN_PHASE: Record<string, string> = {
  UNDEFINED: 'PhaseUndefined',
  ...PLUGIN_OF_TASK_EVENT,
  RETRYABLE_FAILED: 'PhaseRetryableFailure',
  Queued: 'PhaseQueued',
  Running: 'PhaseRunning',
  Success: 'PhaseSuccess',
  Succeeded: 'PhaseSuccess',
  Failed: 'PhasePermanentFailure',
};

const TASK_EVENT_PHASE: Record<string, string> = {
  PhaseUndefined: 'UNDEFINED',
  PhaseNotReady: 'UNDEFINED',
  PhaseWaitingForResources: 'WAITING_FOR_RESOURCES',
  PhaseQueued: 'QUEUED',
  PhaseInitializing: 'INITIALIZING',
  PhaseRunning: 'RUNNING',
  PhaseSuccess: 'SUCCEEDED',
  PhaseRetryableFailure: 'FAILED',
  PhasePermanentFailure: 'FAILED',
  PhaseWaitingForCache: 'UNDEFINED',
  PhaseAborted: 'ABORTED',
};

const HANDLER_PHASE: Record<string, string> = {
  NotYetStarted: 'NotReady',
  Queued: 'Queued',
  Running: 'Running',
  Succeeding: 'Success',
  Succeeded: 'Success',
  Failing: 'Failed',
  Failed: 'Failed',
  Skipped: 'Skip',
  TimingOut: 'Timedout',
  TimedOut: 'Timedout',
  DynamicRunning: 'DynamicRunning',
  Recovered: 'Recovered',
  RetryableFailure: 'RetryableFailure',
};

const nodeEventPhase = (p: string | undefined): string =>
  p === undefined ? 'UNDEFINED' : /^[A-Z_]+$/.test(p) ? p : (NODE_EVENT_PHASE[p] ?? 'UNDEFINED');
const workflowEventPhase = (p: string | undefined): string =>
  p === undefined ? 'UNDEFINED' : /^[A-Z_]+$/.test(p) ? p : (WORKFLOW_EVENT_PHASE[p] ?? 'UNDEFINED');
const pluginPhase = (p: string | undefined): string =>
  p === undefined ? 'PhaseUndefined' : p.startsWith('Phase') ? p : (PLUGIN_PHASE[p] ?? `Phase${p.charAt(0).toUpperCase()}${p.slice(1).toLowerCase()}`);

/** Op kinds that run inside `HandleNode` for one node. */
const NODE_LEVEL = new Set<OpKind>(['nodeTransition', 'nodeEvent', 'taskEvent', 'bufferedTaskEvent', 'catalogGet', 'catalogPut', 'launchExecution', 'podCreate', 'blobHead', 'blobRead', 'blobWrite', 'blobCopy']);
/** Op kinds that leave no line at all. */
const SILENT = new Set<OpKind>(['deepCopy', 'traversal', 'closureRead', 'blobHead', 'blobRead', 'blobWrite', 'blobCopy']);
/** Plugin phases of a task still under way (`Parallelism now set` follows their transition event). */
const RUNNING_PLUGIN_PHASES = new Set(['PhaseQueued', 'PhaseWaitingForResources', 'PhaseInitializing', 'PhaseRunning', 'PhaseNotReady']);

/** Plugin id of pod tasks, named by the task handler's event-failure line. */
const TASK_PLUGIN = 'container';

interface Resolved {
  format: LogFormat;
  cri: boolean;
  showSource: boolean;
  maxStreak: number;
  level: number;
  htmlEscape: boolean;
  metadataPrefix: string;
  taskType: string;
  maxParallelism: number;
}

function resolve(o: LogEmitOptions): Resolved {
  return {
    format: o.format ?? 'json',
    cri: o.cri ?? false,
    showSource: o.showSource ?? true,
    maxStreak: Math.max(1, o.maxStreak ?? 8),
    level: o.level ?? LEVEL.debug,
    htmlEscape: o.htmlEscape ?? false,
    metadataPrefix: o.metadataPrefix ?? 's3://my-s3-bucket/metadata/propeller',
    taskType: o.taskType ?? 'python-task',
    maxParallelism: o.maxParallelism ?? 25,
  };
}

/** What one execution's lines need besides the execution itself. */
class ExecContext {
  readonly key: string;
  readonly project: string;
  readonly domain: string;
  readonly idText: string;
  readonly nodeKind = new Map<string, NodeKind>();
  /** A node's enclosing node (a branch case's branch, a nested node's parent). */
  readonly parentOf = new Map<string, string>();
  /** Transitions/task phases recorded on node or execution records but missing from the round's ops. */
  readonly extras = new Map<string, Op[]>();
  /** Successful CR writes so far, to make up `res_ver` when the Timeline has none. */
  writes = 0;
  /** Node transitions by the round that made them, in round order (rounds are emitted in order). */
  private readonly steps: { hi: number; ri: number; node: string; to: string }[] = [];
  private stepAt = 0;
  /** Each node's phase as of the round being emitted. */
  readonly phaseNow = new Map<string, string>();
  /** Top-level task nodes Running as of the round being emitted, in the order they started. */
  readonly runningTasks = new Set<string>();
  /** Each task node's latest pod (created or deleted so far), for the KillTask of an abort with no DELETE op. */
  readonly podOf = new Map<string, string>();
  /** Dynamic nodes whose running sub-DAG failed retryably (its retry aborts and finalizes it, logged or not). */
  readonly subDagRetries = new Set<string>();
  private readonly baseByWorker = new Map<string, FieldSet>();
  /** Lines logged with `context.TODO()` (enqueues) carry no fields. */
  readonly none = new FieldSet({});

  constructor(
    readonly ex: Execution,
    readonly xi: number,
    readonly opts: Resolved,
  ) {
    this.key = `${ex.namespace}/${ex.id}`;
    const wf = ex.workflow?.split(':');
    if (wf && wf.length >= 3) {
      this.project = wf[0]!;
      this.domain = wf[1]!;
    } else {
      const dash = ex.namespace.lastIndexOf('-');
      this.project = dash > 0 ? ex.namespace.slice(0, dash) : ex.namespace;
      this.domain = dash > 0 ? ex.namespace.slice(dash + 1) : 'development';
    }
    this.idText = executionIdText(this.project, this.domain, ex.id);
    for (const n of ex.nodes) {
      this.nodeKind.set(n.id, n.kind);
      if (n.parent !== undefined) this.parentOf.set(n.id, n.parent);
    }
    this.collectExtras();
    this.collectSteps();
  }

  private collectSteps(): void {
    for (const n of this.ex.nodes) {
      for (const t of n.transitions) {
        const at = t.handle !== undefined && t.round !== undefined ? [t.handle, t.round] : locate(this.ex.handles, t.at);
        if (at) this.steps.push({ hi: at[0]!, ri: at[1]!, node: n.id, to: t.to });
      }
    }
    this.steps.sort((a, b) => a.hi - b.hi || a.ri - b.ri);
  }

  /** Applies the node transitions of every round before round `ri` of Handle call `hi`. */
  advanceTo(hi: number, ri: number): void {
    const st = this.steps;
    for (; this.stepAt < st.length; this.stepAt++) {
      const s = st[this.stepAt]!;
      if (s.hi > hi || (s.hi === hi && s.ri >= ri)) break;
      this.phaseNow.set(s.node, s.to);
      if (this.nodeKind.get(s.node) !== 'task' || s.node.includes('/')) continue;
      if (s.to === 'Running') this.runningTasks.add(s.node);
      else this.runningTasks.delete(s.node);
    }
  }

  base(worker: string): FieldSet {
    let f = this.baseByWorker.get(worker);
    if (!f) {
      f = new FieldSet({ exec_id: this.ex.id, ns: this.ex.namespace, routine: worker });
      this.baseByWorker.set(worker, f);
    }
    return f;
  }

  /** Places transitions that no op of their round carries as synthetic ops of that round. */
  private collectExtras(): void {
    const ex = this.ex;
    const place = (t: Transition, make: (t: Transition) => Op, has: (o: Op) => boolean): void => {
      let hi = t.handle;
      let ri = t.round;
      if (hi === undefined || ri === undefined) {
        const found = locate(ex.handles, t.at);
        if (!found) return;
        [hi, ri] = found;
      }
      const r = ex.handles[hi]?.rounds[ri];
      if (!r || r.ops.some(has)) return;
      const k = `${hi}:${ri}`;
      const list = this.extras.get(k) ?? [];
      if (list.some(has)) return;
      list.push(make(t));
      this.extras.set(k, list);
    };
    const synth = (kind: OpKind, t: Transition, node?: string): Op => {
      const o: Op = { kind, start: t.at, end: t.at, startLo: t.atLo, startHi: t.atHi, endLo: t.atLo, endHi: t.atHi, from: t.from, to: t.to };
      if (node !== undefined) o.node = node;
      return o;
    };
    for (const n of ex.nodes) {
      for (const t of n.transitions) {
        place(t, (x) => synth('nodeTransition', x, n.id), (o) => o.kind === 'nodeTransition' && o.node === n.id && o.from === t.from && o.to === t.to);
      }
      for (const t of n.taskPhases ?? []) {
        place(t, (x) => synth('taskEvent', x, n.id), (o) => (o.kind === 'taskEvent' || o.kind === 'bufferedTaskEvent') && o.node === n.id && o.to === t.to);
      }
    }
    for (const t of ex.workflowTransitions) {
      place(t, (x) => synth('workflowTransition', x), (o) => o.kind === 'workflowTransition' && o.from === t.from && o.to === t.to);
    }
  }
}

/** Handle and round indices of the round that contains instant `at`. */
function locate(handles: HandleCall[], at: Ns): [number, number] | undefined {
  let lo = 0;
  let hi = handles.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (handles[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  const h = handles[lo];
  if (!h || at < h.start || at > h.end) return undefined;
  const ri = h.rounds.findIndex((r) => r.start <= at && at <= r.end);
  return ri >= 0 ? [lo, ri] : undefined;
}

/** The ops of a round plus its synthetic ones, in time order (stable). */
function roundOps(ctx: ExecContext, hi: number, ri: number, r: Round): Op[] {
  const extra = ctx.extras.get(`${hi}:${ri}`);
  if (!extra) return r.ops;
  const all = [...r.ops];
  for (const e of extra) {
    // A task event goes right before its node's move of the same instant (the handler sends it, then
    // the executor moves the node); ops of ArrayNode subtasks overlap in time, so it is not found by time.
    let i = e.kind === 'taskEvent' ? all.findIndex((o) => o.kind === 'nodeTransition' && o.node === e.node && o.start === e.start) : -1;
    if (i < 0) {
      i = all.length;
      while (i > 0 && all[i - 1]!.start > e.start) i--;
    }
    all.splice(i, 0, e);
  }
  return all;
}

function enqueueEvents(ctx: ExecContext): Ev[] {
  const ex = ctx.ex;
  const list: Enqueue[] = [...ex.enqueues];
  // A Timeline without enqueue records (e.g. from traces) still knows when each Handle call's key
  // became ready: log those. When enqueues are recorded they are the whole story (a key's ready
  // time can lag its enqueue by the queue's delay, or come from a sub-queue flush).
  if (list.length === 0) {
    for (const h of ex.handles) {
      if (h.enqueuedAt !== undefined) list.push({ at: h.enqueuedAt, lo: h.enqueuedAtLo ?? h.enqueuedAt, hi: h.enqueuedAtHi ?? h.enqueuedAt, source: 'workflow' });
    }
  }
  list.sort((a, b) => a.at - b.at);
  const subqueueAt = new Set(list.filter((e) => e.source === 'subqueue').map((e) => e.at));
  const out: Ev[] = [];
  // An enqueue made while one of the execution's Handle calls runs (its round re-enqueues the
  // workflow) ties with that call's lines: at the call's last instant it still precedes the lines
  // of a call that starts then on the same worker.
  const handles = ex.handles;
  let hj = 0;
  for (const e of list) {
    while (hj < handles.length && handles[hj]!.end < e.at) hj++;
    const h = handles[hj];
    const inCall = h !== undefined && h.start <= e.at;
    const k = inCall ? h.start : e.at;
    const end = inCall ? h.end : e.at;
    if (e.source === 'workflow' || e.source === 'resync') {
      out.push({ t: e.at, k, e: end, tmpl: 'enqueueWorkflow', msg: MSG.enqueueWorkflow(ctx.key), fields: ctx.none });
    } else if (e.source === 'owner') {
      out.push({ t: e.at, k, e: end, tmpl: 'enqueueOwner', msg: MSG.enqueueOwner(ex.namespace, e.object ?? ex.id), fields: ctx.none });
      // The owner update adds the key to the sub-queue in the same call; unless the Timeline
      // records that as its own enqueue, log it here.
      if (!subqueueAt.has(e.at)) out.push({ t: e.at, k, e: end, tmpl: 'enqueueSubqueue', msg: MSG.enqueueSubqueue(ctx.key), fields: ctx.none });
    } else {
      out.push({ t: e.at, k, e: end, tmpl: 'enqueueSubqueue', msg: MSG.enqueueSubqueue(ctx.key), fields: ctx.none });
    }
  }
  return out;
}

/**
 * The error text of a failed op: its `detail`, or the round's `error` when that holds a text
 * (older Timelines), whichever names the op's failure class (a `detail` may be something else,
 * such as a task event's version).
 */
function failText(op: Op, r: Round): string {
  const roundText = r.error !== undefined && !ERROR_CLASSES.has(r.error) ? r.error : undefined;
  for (const t of [op.detail, roundText]) if (t !== undefined && errorClass(t) === op.outcome) return t;
  return op.detail ?? roundText ?? op.outcome ?? 'error';
}

/**
 * The error text of a failed round: `error` is a class, the text is the failing op's `detail`
 * (older Timelines keep the text in `error` itself).
 */
function roundErrorText(r: Round): string | undefined {
  if (r.error === undefined || !ERROR_CLASSES.has(r.error)) return r.error;
  for (const o of r.ops) if (isFailedOutcome(o.outcome) && o.outcome !== 'alreadyExists' && o.detail !== undefined) return o.detail;
  return r.error;
}

function tooLargeRecovered(r: Round | undefined): boolean {
  if (!r) return false;
  const writes = r.ops.filter((o) => o.kind === 'etcdUpdate');
  return writes.some((o) => o.outcome === 'tooLarge') && writes[writes.length - 1]?.outcome === 'ok';
}

/** All lines of one Handle call, in emission order with non-decreasing times. */
function handleEvents(ctx: ExecContext, hi: number): Ev[] {
  const { ex, opts } = ctx;
  const h = ex.handles[hi]!;
  const base = ctx.base(h.worker);
  const out: Ev[] = [];
  const emit = (t: Ns, tmpl: Tmpl, msg: string, fields: FieldSet, src?: string): void => {
    const ev: Ev = { t, k: h.start, e: h.end, tmpl, msg, fields };
    if (src !== undefined) ev.src = src;
    out.push(ev);
  };
  emit(h.start, 'processing', MSG.processing(), base);

  const skipped = h.endReason === 'stale' || h.endReason === 'terminated' || h.endReason === 'notFound';
  const last = h.rounds[h.rounds.length - 1];
  const failed = skipped
    ? false
    : h.endReason === 'error'
      ? !tooLargeRecovered(last)
      : h.endReason === 'unknown' && last?.error !== undefined && !tooLargeRecovered(last);

  if (skipped) {
    const warn = h.endReason === 'stale' ? 'stale' : h.endReason === 'terminated' ? 'terminated' : 'notFound';
    emit(h.start, warn, MSG[warn](ex.namespace, ex.id), base);
  } else {
    let continued = false;
    for (let ri = 0; ri < h.rounds.length; ri++) {
      const isLast = ri === h.rounds.length - 1;
      const first = out.length;
      continued = roundEvents(ctx, hi, ri, base, emit, isLast, failed);
      // Work inside a round can overlap (ArrayNode subnodes are evaluated by several goroutines):
      // each line goes out at its own instant, lines of one instant in emission order.
      if (first + 2 < out.length) {
        const rest = out.slice(first + 1).sort((a, b) => a.t - b.t);
        for (let i = 0; i < rest.length; i++) out[first + 1 + i] = rest[i]!;
      }
    }
    if (!failed && h.rounds.length > 0) {
      const n = continued ? h.rounds.length : h.rounds.length - 1;
      emit(last!.end, 'streakEnded', MSG.streakEnded(n, h.streakMax ?? opts.maxStreak), base);
    }
  }
  emit(h.end, 'completedProcessing', MSG.completedProcessing(), base);
  if (failed) {
    // Handle returns the update error itself when the write failed, else the round's error.
    const write = last?.ops.filter((o) => o.kind === 'etcdUpdate' && isFailedOutcome(o.outcome)).pop();
    const text = last ? roundErrorText(last) : undefined;
    const err = write ? (write.detail ?? (write.outcome === 'conflict' ? ETCD_ERRORS.conflict(ex.id) : (text ?? 'error'))) : (text ?? 'unknown error');
    out.push({ t: h.end, k: h.start, e: h.end, tmpl: 'errorSyncing', msg: MSG.errorSyncing(ctx.key, err), fields: ctx.none, klog: true });
  } else {
    emit(h.end, 'synced', MSG.synced(ctx.key), base);
  }
  // Keep emission order and make times non-decreasing (a line timed before its round's start).
  for (let i = 1; i < out.length; i++) if (out[i]!.t < out[i - 1]!.t) out[i]!.t = out[i - 1]!.t;
  return out;
}

type Emit = (t: Ns, tmpl: Tmpl, msg: string, fields: FieldSet, src?: string) => void;

/** Where a dynamic node's abort begins (`start`) and ends (`end`, its own move or event) among a round's ops. */
interface DynamicAbort {
  node: string;
  start: boolean;
  end: boolean;
  /** The node executor's Abort, which finalizes too (a workflow's abort, `node failing`); not the handler's own in phase Failing. */
  finalize: boolean;
}

/**
 * The dynamic nodes whose handler aborts their sub-DAG in this round: as the workflow aborts them
 * (their ABORTED event), as they leave Failing (`node failing`), or as they enter it (the handler
 * in phase Failing). Keyed by the op before whose lines the handler's own lines go: the first
 * abort op of the sub-DAG, and the node's closing op.
 */
function dynamicAborts(ctx: ExecContext, ops: readonly Op[]): Map<Op, DynamicAbort[]> {
  const out = new Map<Op, DynamicAbort[]>();
  const put = (o: Op, a: DynamicAbort): void => {
    const l = out.get(o);
    // an outer node's abort goes before a nested one's that starts at the same op
    if (l === undefined) out.set(o, [a]);
    else if (a.start && !a.end) l.unshift(a);
    else l.push(a);
  };
  // where each node's previous abort ended (a node aborts twice: entering and leaving Failing)
  const after = new Map<string, number>();
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    const d = o.node;
    if (d === undefined || ctx.nodeKind.get(d) !== 'dynamic') continue;
    const aborted = o.kind === 'nodeEvent' && o.to === 'ABORTED';
    // a retry (`handleRetryableFailure`) aborts and finalizes the attempt as leaving Failing does
    const retrying = o.kind === 'nodeTransition' && o.from === 'RetryableFailure' && o.to === 'Running';
    const leaving = retrying || (o.kind === 'nodeTransition' && o.from === 'Failing' && o.to === 'Failed');
    const entering = o.kind === 'nodeTransition' && (o.to === 'Failing' || o.to === 'RetryableFailure');
    if (!aborted && !leaving && !entering) continue;
    let first = i;
    for (let k = after.get(d) ?? 0; k < i; k++) {
      const x = ops[k]!;
      const abortOp =
        x.kind === 'podDelete' ||
        x.kind === 'terminateExecution' ||
        (x.kind === 'nodeEvent' && x.to === 'ABORTED') ||
        ((x.kind === 'taskEvent' || x.kind === 'bufferedTaskEvent') && x.to === 'PhaseAborted');
      if (abortOp && x.node !== undefined && inRunOf(ctx, d, x.node)) {
        first = k;
        break;
      }
    }
    if (entering && o.from === 'DynamicRunning' && o.to === 'RetryableFailure') ctx.subDagRetries.add(d);
    // an entering move (or a retry of the parent task) with no sub-DAG abort before it aborted nothing that logs
    if (retrying && !ctx.subDagRetries.delete(d) && first === i) continue;
    if (entering && first === i) continue;
    const finalize = !entering;
    if (first === i) put(o, { node: d, start: true, end: true, finalize });
    else {
      put(ops[first]!, { node: d, start: true, end: false, finalize });
      put(o, { node: d, start: false, end: true, finalize });
    }
    after.set(d, i + 1);
  }
  return out;
}

/**
 * Lines of one round; returns true when the streak fast-followed after it (the `Streak ended`
 * count is then the number of rounds).
 */
function roundEvents(ctx: ExecContext, hi: number, ri: number, base: FieldSet, emit: Emit, isLast: boolean, handleFailed: boolean): boolean {
  const { ex, opts } = ctx;
  const h = ex.handles[hi]!;
  const r = h.rounds[ri]!;
  const resVer = r.resVer ?? String(1_000_000 + ctx.writes);
  const rf = base.with(ex.workflow !== undefined ? { res_ver: resVer, wf: ex.workflow } : { res_ver: resVer });
  emit(r.start, 'handling', MSG.handling(ex.id, ctx.idText, String(r.phase)), rf);
  if (r.phase === 'Ready') {
    const dir = `${opts.metadataPrefix}/${ctx.project}-${ctx.domain}-${ex.id}/start-node/data`;
    emit(r.start, 'setMetadataDir', MSG.setMetadataDir(dir), rf);
  }

  const ops = roundOps(ctx, hi, ri, r);
  ctx.advanceTo(hi, ri);
  // Each node's phase as the round found it: the `from` of its first transition here, else the
  // phase earlier rounds left it in.
  const phaseIn = new Map<string, string>();
  for (const o of ops) if (o.kind === 'nodeTransition' && o.node !== undefined && !phaseIn.has(o.node)) phaseIn.set(o.node, o.from ?? 'NotYetStarted');
  const phaseOf = (node: string): string => phaseIn.get(node) ?? ctx.phaseNow.get(node) ?? 'NotYetStarted';
  // A task event phase FAILED (event vocabulary) is a retryable failure when its node turns
  // RetryableFailure in the same round, else a permanent one.
  const retrying = new Set<string>();
  for (const o of ops) if (o.kind === 'nodeTransition' && o.to === 'RetryableFailure' && o.node !== undefined) retrying.add(o.node);
  const writes: Op[] = [];
  let open: string | undefined;
  let openFields = rf;
  let queuedPending = false;
  let parallelism = 0;
  let failure: { text: string; kind: OpKind } | undefined;
  // The node whose abort is under way on this worker (from its `Abort invoked` line to its ABORTED node event).
  let aborting: string | undefined;
  // Every event goes through the admin sink, which logs it before its RPC; one its filter holds
  // gets no RPC (AlreadyExists).
  // (the filter's key is the sink's IDFromMessage: the execution, then the node's, the task's and
  // the phase's numbers)
  // A failed call (AlreadyExists included) is logged by its recorder before anything else answers it.
  const sink = (op: Op, what: 'node' | 'task' | 'workflow', proto: string, key: string, fields: FieldSet): void => {
    emit(op.start, 'eventSink', MSG.eventSink(proto), fields);
    if (op.outcome === 'alreadyExists') emit(op.start, 'eventAlreadySent', MSG.eventAlreadySent(`${ctx.project}:${ctx.domain}:${ex.id}:${key}`), fields);
    if (isFailedOutcome(op.outcome)) {
      const err = op.outcome === 'alreadyExists' ? ALREADY_SENT_ERROR : failText(op, r);
      emit(op.end, 'recorderFailed', MSG.recorderFailed(what, proto, err), fields, RECORDER_SRC[what]);
    }
  };
  let abortAttempt = 0;
  /** A task node's abort up to its plugin's KillTask; returns the attempt (from the pod name). */
  const killTask = (t: Ns, tf: FieldSet, from: string | undefined, pod: string): number => {
    const attempt = Number(pod.slice(pod.lastIndexOf('-') + 1)) || 0;
    emit(t, 'callingAbort', MSG.callingAbort(), tf);
    emit(t, 'abortingRegularNode', MSG.abortingRegularNode(attempt), tf);
    emit(t, 'abortInvoked', MSG.abortInvoked(from ?? 'PhaseRunning'), tf);
    emit(t, 'killTask', MSG.killTask(pod), tf);
    return attempt;
  };
  const lastTo = new Map<string, string>();

  // How HandleNode treats the open node: not yet started (pre-execute), started (its handler runs
  // between `node executing` and `node execution completed`), or finishing (succeeding, failing).
  let openPath: 'nys' | 'executing' | 'finishing' = 'executing';
  const closeNode = (t: Ns): void => {
    if (open === undefined) return;
    if (queuedPending) emit(t, 'nodeQueued', MSG.nodeQueued(++parallelism), openFields);
    if (openPath === 'executing') emit(t, 'nodeExecutionCompleted', MSG.nodeExecutionCompleted(), openFields);
    emit(t, 'completedNode', MSG.completedNode(open), openFields);
    open = undefined;
    queuedPending = false;
  };
  // A branch whose decision lines went out has its Handling Node block open already.
  let branchHeader: string | undefined;
  const openNode = (node: string, t: Ns): FieldSet => {
    if (open !== node) {
      closeNode(t);
      if (node === branchHeader) {
        branchHeader = undefined;
        open = node;
        openFields = rf.with({ node });
        openPath = 'executing';
        return openFields;
      }
      const phase = phaseOf(node);
      const branch = branchOf(node);
      // the case a branch picks is handled right after its decision
      if (branch !== undefined && phase === 'NotYetStarted') emit(t, 'branchSelected', MSG.branchSelected(node), rf.with({ node: branch }));
      open = node;
      openFields = rf.with({ node });
      emit(t, 'handlingNode', MSG.handlingNode(node), openFields);
      if (phase === 'NotYetStarted' && node !== 'start-node' && ctx.nodeKind.get(node) !== 'start') {
        openPath = 'nys';
        emit(t, 'preExecute', MSG.preExecute(), openFields);
        emit(t, 'preExecuteCompleted', MSG.preExecuteCompleted(), openFields);
      } else if (phase === 'Succeeding' || phase === 'Failing' || phase === 'TimingOut') {
        openPath = 'finishing';
      } else {
        openPath = 'executing';
        emit(t, 'nodeExecuting', MSG.nodeExecuting(phase), openFields);
      }
    }
    return openFields;
  };
  const taskFields = (nf: FieldSet): FieldSet => nf.with({ tasktype: opts.taskType });
  const branchOf = (node: string): string | undefined => {
    const p = ctx.parentOf.get(node);
    return p !== undefined && ctx.nodeKind.get(p) === 'branch' ? p : undefined;
  };
  const isTask = (node: string | undefined): boolean => node !== undefined && ctx.nodeKind.get(node) === 'task';
  /** The first lines of a branch's HandleNode, in whose block its decision and its case are logged; returns its fields. */
  const branchHead = (branch: string, t: Ns): FieldSet => {
    const bf = rf.with({ node: branch });
    emit(t, 'handlingNode', MSG.handlingNode(branch), bf);
    emit(t, 'nodeExecuting', MSG.nodeExecuting(phaseOf(branch)), bf);
    return bf;
  };

  // Running tasks this round changes nothing for are still handled: their plugin shows the phase
  // it showed before (while the workflow runs; a failing one only aborts).
  if (r.phase === 'Running') {
    const touched = new Set<string>();
    for (const o of ops) if (o.node !== undefined && NODE_LEVEL.has(o.kind)) touched.add(o.node);
    for (const node of ctx.runningTasks) {
      if (touched.has(node)) continue;
      // a branch's case is handled inside its branch's HandleNode
      const branch = branchOf(node);
      const bf = branch !== undefined ? branchHead(branch, r.start) : undefined;
      const tf = taskFields(openNode(node, r.start));
      emit(r.start, 'taskNoChange', MSG.taskNoChange(), tf);
      emit(r.start, 'parallelismSet', MSG.parallelismSet(++parallelism), tf);
      closeNode(r.start);
      if (bf !== undefined) {
        emit(r.start, 'nodeExecutionCompleted', MSG.nodeExecutionCompleted(), bf);
        emit(r.start, 'completedNode', MSG.completedNode(branch!), bf);
      }
    }
  }

  const dynAborts = dynamicAborts(ctx, ops);
  for (const op of ops) {
    if (op.kind === 'etcdUpdate') {
      writes.push(op);
      continue;
    }
    for (const dyn of dynAborts.get(op) ?? []) {
      // a dynamic node's Abort around its sub-DAG's (and its Finalize before its last move or event)
      const df = rf.with({ node: dyn.node });
      const attempt = podAttempt(ctx, dyn.node);
      if (dyn.start) {
        // (`node failing`, which propeller logs before this Abort, goes out with the move it dates)
        if (dyn.finalize) emit(op.start, 'callingAbort', MSG.callingAbort(), df);
        emit(op.start, 'abortingDynamic', MSG.abortingDynamic(attempt), df);
      }
      if (dyn.end && dyn.finalize) {
        emit(op.start, 'finalizingDynamic', MSG.finalizingDynamic(attempt), df);
        emit(op.start, 'finalizingParentNode', MSG.finalizingParentNode(attempt), taskFields(df));
        emit(op.start, 'finalizeInvoked', MSG.finalizeInvoked(), taskFields(df));
      }
    }
    // The too-large path sets Failing/Failed on a copy of the round's input without logging a
    // transition: its `Failed storing workflow` line stands for it.
    if (op.kind === 'workflowTransition' && writes.some((w) => w.outcome === 'tooLarge')) continue;
    if (SILENT.has(op.kind)) continue;
    const node = op.node;
    // A case the branch does not take is skipped by the branch's decision, in the branch's context.
    if (op.kind === 'nodeTransition' && op.to === 'Skipped' && (op.from ?? 'NotYetStarted') === 'NotYetStarted' && node !== undefined) {
      const branch = branchOf(node);
      if (branch !== undefined) {
        if (branchHeader !== branch) {
          // the decision is made inside the branch's HandleNode
          closeNode(op.start);
          branchHead(branch, op.start);
          branchHeader = branch;
        }
        emit(op.start, 'branchSkip', MSG.branchSkip(node), rf.with({ node: branch }));
        lastTo.set(node, 'Skipped');
        continue;
      }
    }
    let nf = rf;
    // An abort (`AbortHandler`) handles no node: its lines carry the node's fields only.
    const abortOp =
      (op.kind === 'nodeEvent' && op.to === 'ABORTED') || ((op.kind === 'taskEvent' || op.kind === 'bufferedTaskEvent') && op.to === 'PhaseAborted') || op.kind === 'podDelete';
    if (NODE_LEVEL.has(op.kind) && node !== undefined && !abortOp) nf = openNode(node, op.start);
    else {
      closeNode(op.start);
      if (abortOp && node !== undefined) nf = rf.with({ node });
    }

    switch (op.kind) {
      case 'nodeTransition': {
        const id = node ?? '';
        const from = op.from ?? 'NotYetStarted';
        const to = op.to ?? 'Undefined';
        lastTo.set(id, to);
        // `execute` logs a passed deadline before the node's status moves (its detail is the status message)
        const timeout = (from === 'Queued' || from === 'Running' || from === 'DynamicRunning') && op.detail !== undefined ? TIMEOUT_MESSAGE.exec(op.detail) : null;
        if (timeout) emit(op.start, timeout[1] === 'active' ? 'nodeTimedOut' : 'attemptTimedOut', (timeout[1] === 'active' ? MSG.nodeTimedOut : MSG.attemptTimedOut)(timeout[2]!), nf);
        if (from === 'Succeeding' && to === 'Succeeded') {
          emit(op.start, 'nodeSucceeding', MSG.nodeSucceeding(), nf);
          if (isTask(id)) emit(op.start, 'finalizeInvoked', MSG.finalizeInvoked(), taskFields(nf));
        } else if (from === 'Failing' && to === 'Failed') emit(op.start, 'nodeFailing', MSG.nodeFailing(), nf);
        else if (from === 'TimingOut' && to === 'TimedOut') emit(op.start, 'nodeTimingOut', MSG.nodeTimingOut(), nf);
        else if (from === 'RetryableFailure') emit(op.start, 'nodeRetrying', MSG.nodeRetrying(op.detail ?? 'retrying'), nf);
        else if (to === 'RetryableFailure') {
          // propeller sends no event and logs no state change for a retryable failure.
        } else {
          const shortcut =
            (to === 'Succeeded' && from !== 'Succeeding') || (to === 'Failed' && from !== 'Failing') || (to === 'TimedOut' && from !== 'TimingOut') || to === 'Recovered';
          const nys = from === 'NotYetStarted' && ctx.nodeKind.get(id) !== 'start' && id !== 'start-node';
          // the public log shows executor.go:1032 for every move to Succeeded
          if (shortcut) emit(op.start, 'finalizeNotRequired', MSG.finalizeNotRequired(to), nf, to === 'Succeeded' ? 'executor.go:1032' : undefined);
          if (nys) {
            emit(op.start, 'nodeChangeNYS', MSG.nodeChangeNYS(from, to), nf);
            if (to === 'Queued') queuedPending = true;
          } else {
            emit(op.start, 'nodeChange', MSG.nodeChange(from, to, HANDLER_PHASE[to] ?? to), nf);
          }
        }
        break;
      }
      case 'nodeEvent': {
        aborting = undefined;
        const id = node ?? '';
        const phase = nodeEventPhase(op.to ?? lastTo.get(id));
        const eventId = `node_id:"${id}" execution_id:{${ctx.idText}}`;
        emit(op.start, 'recordingNodeEvent', MSG.recordingNodeEvent(eventId, phase), nf);
        const retryGroup = nodeRetryGroup(ctx, id);
        sink(op, 'node', `id:{${eventId}} producer_id:"propeller" phase:${phase}`, `${id}:${retryGroup}:${NODE_PHASE_NUMBER[phase] ?? 0}`, nf);
        if (op.outcome === 'alreadyExists') emit(op.end, 'nodeEventExists', MSG.nodeEventExists(phase, id), nf);
        else if (isFailedOutcome(op.outcome) && id !== 'end-node') {
          const err = failText(op, r);
          emit(op.end, 'nodeEventFailed', MSG.nodeEventFailed(err), nf);
          failure ??= { text: err, kind: op.kind };
          // handleNotYetStartedNode returns the error before logging the queued node.
          queuedPending = false;
        }
        break;
      }
      case 'podDelete': {
        const tf = taskFields(nf);
        const pod = op.detail ?? `${ex.id}-${node ?? 'n0'}-0`;
        if (node !== undefined) ctx.podOf.set(node, pod);
        abortAttempt = killTask(op.start, tf, op.from, pod);
        aborting = node;
        break;
      }
      case 'podCreate': {
        const pod = op.detail ?? `${ex.id}-${node ?? 'n0'}-0`;
        if (node !== undefined) ctx.podOf.set(node, pod);
        const tf = taskFields(nf);
        emit(op.start, 'creatingObject', MSG.creatingObject(ex.namespace, pod), tf);
        emit(op.start, 'podResources', MSG.podResources(ex.namespace, pod), tf);
        // (an AlreadyExists answer is an error to the back-off handler: it logs nothing)
        if (op.outcome === undefined || op.outcome === 'ok') emit(op.end, 'podCreated', MSG.podCreated(), tf);
        break;
      }
      case 'bufferedTaskEvent': {
        // An ArrayNode subtask's task handler: its event goes to the array's buffer (no call, no answer).
        const tf = taskFields(nf);
        if (op.to === 'PhaseAborted') {
          emit(op.start, 'bufferedTaskEvents', MSG.bufferedTaskEvents(), tf);
          emit(op.start, 'finalizingParentNode', MSG.finalizingParentNode(abortAttempt), tf);
          emit(op.start, 'finalizeInvoked', MSG.finalizeInvoked(), tf);
        } else {
          emit(op.start, 'bufferedTaskEvents', MSG.bufferedTaskEvents(), tf);
          emit(op.start, 'pluginTransition', MSG.pluginTransition(op.to ?? 'PhaseUndefined'), tf);
        }
        break;
      }
      case 'taskEvent': {
        if (ctx.nodeKind.get(node ?? '') === 'map') {
          // An ArrayNode's own event (its subtasks' events as external resources) has no line of
          // its own but the sink's: only an AlreadyExists answer or a failure is logged, under the array.
          const phase = TASK_EVENT_PHASE[pluginPhase(op.to)] ?? 'UNDEFINED';
          sink(op, 'task', taskEventProto(ctx, node ?? '', phase), taskEventKey(ctx, op, node ?? '', phase), nf);
          if (op.outcome === 'alreadyExists') {
            emit(op.end, 'taskEventFailed', MSG.taskEventFailed(op.detail ?? 'AlreadyExists', TASK_EVENT_PHASE[pluginPhase(op.to)] ?? 'UNDEFINED'), nf);
          } else if (isFailedOutcome(op.outcome)) {
            const err = failText(op, r);
            emit(op.end, 'arrayEventFailed', MSG.arrayEventFailed(err), nf);
            failure ??= { text: err, kind: op.kind };
          }
          break;
        }
        const tf = taskFields(nf);
        const aborted = op.to === 'PhaseAborted';
        const phase = op.to === 'FAILED' && node !== undefined && retrying.has(node) ? 'PhaseRetryableFailure' : pluginPhase(op.to);
        if (aborted) {
          const id = node ?? '';
          // An abort whose DELETE the Timeline does not hold (one folded from a log: fold keeps no
          // DELETE op) still goes through the plugin's abort.
          if (aborting !== id) abortAttempt = killTask(op.start, tf, op.from, ctx.podOf.get(id) ?? `${ex.id}-${id}-0`);
          aborting = id;
        }
        emit(op.start, 'bufferedTaskEvents', MSG.bufferedTaskEvents(), tf);
        if (!aborted) emit(op.start, 'pluginTransition', MSG.pluginTransition(phase), tf);
        const eventPhase = TASK_EVENT_PHASE[phase] ?? 'UNDEFINED';
        sink(op, 'task', taskEventProto(ctx, node ?? '', eventPhase), taskEventKey(ctx, op, node ?? '', eventPhase), tf);
        if (!aborted) {
          // A task still under way counts towards the round's parallelism (after its event is sent).
          if (RUNNING_PLUGIN_PHASES.has(phase) && op.outcome !== 'alreadyExists' && !isFailedOutcome(op.outcome)) {
            emit(op.end, 'parallelismSet', MSG.parallelismSet(++parallelism), tf);
          }
        }
        if (op.outcome === 'alreadyExists') {
          emit(op.end, 'taskEventFailed', MSG.taskEventFailed(op.detail ?? 'AlreadyExists', TASK_EVENT_PHASE[phase] ?? 'UNDEFINED'), tf);
        } else if (isFailedOutcome(op.outcome)) {
          const err = failText(op, r);
          emit(op.end, 'taskEventRecordingFailed', MSG.taskEventRecordingFailed(TASK_PLUGIN, TASK_EVENT_PHASE[phase] ?? 'UNDEFINED', err), tf);
          failure ??= { text: err, kind: op.kind };
          break;
        }
        // Finalize follows an abort (the parent task's, through the dynamic handler)
        if (aborted) {
          emit(op.end, 'finalizingParentNode', MSG.finalizingParentNode(abortAttempt), tf);
          emit(op.end, 'finalizeInvoked', MSG.finalizeInvoked(), tf);
        }
        break;
      }
      case 'catalogGet': {
        const [p, d, n, v] = taskId(ctx, op);
        if (op.outcome === 'hit') emit(op.end, 'cacheHit', MSG.cacheHit(p, d, n, v), nf);
        else if (op.outcome === 'miss') emit(op.end, 'cacheMiss', MSG.cacheMiss(), nf);
        break;
      }
      case 'catalogPut': {
        const [p, d, n, v] = taskId(ctx, op);
        emit(op.start, 'cacheRecording', MSG.cacheRecording(p, d, n, v), nf);
        if (!isFailedOutcome(op.outcome)) {
          const text = `resource_type:TASK project:"${p}" domain:"${d}" name:"${n}" version:"${v}"`;
          emit(op.end, 'cacheRecorded', MSG.cacheRecorded(text), nf);
        }
        break;
      }
      case 'launchExecution': {
        const child = op.detail ?? `${ex.id}-${node ?? 'n0'}-0`;
        if (op.outcome === 'alreadyExists') emit(op.end, 'launchExists', MSG.launchExists(child), nf);
        else emit(op.end, 'launchedLaunchPlan', MSG.launchedLaunchPlan(child, ++parallelism), nf);
        break;
      }
      case 'workflowTransition': {
        const from = op.from ?? String(r.phase);
        const to = op.to ?? 'Unknown';
        if (from === 'Succeeding' && to === 'Succeeded') emit(op.start, 'workflowCompleted', MSG.workflowCompleted(), rf);
        // a node that failed (one that timed out fails the workflow without this line)
        if (from === 'Running' && to === 'Failing' && !ops.some((o) => o.kind === 'nodeTransition' && o.to === 'TimedOut')) {
          const cause = ops.find((o) => o.kind === 'nodeTransition' && (o.to === 'Failing' || o.to === 'Failed') && o.detail !== undefined)?.detail;
          emit(op.start, 'workflowFailed', MSG.workflowFailed(`kind:USER message:${JSON.stringify(cause ?? 'node failed')}`), rf);
        }
        if (from !== to) emit(op.start, 'workflowTransition', MSG.workflowTransition(from, to), rf);
        lastTo.set('', to);
        break;
      }
      case 'workflowEvent': {
        const phase = workflowEventPhase(op.to ?? lastTo.get(''));
        sink(op, 'workflow', `execution_id:{${ctx.idText}} producer_id:"propeller" phase:${phase}`, String(WORKFLOW_PHASE_NUMBER[phase] ?? 0), rf);
        if (op.outcome === 'alreadyExists') emit(op.end, 'workflowEventExists', MSG.workflowEventExists(phase, ctx.idText), rf);
        else if (isFailedOutcome(op.outcome)) {
          const err = failText(op, r);
          emit(op.end, 'eventRecordingFailed', MSG.eventRecordingFailed(err), rf);
          failure ??= { text: err, kind: op.kind };
        }
        break;
      }
      case 'parallelismLimit': {
        const m = /(\d+)\D+(\d+)/.exec(op.detail ?? '');
        const cur = m ? Number(m[1]) : opts.maxParallelism;
        const max = m ? Number(m[2]) : opts.maxParallelism;
        emit(op.start, 'maxParallelism', MSG.maxParallelism(cur, max), rf);
        break;
      }
      default:
        break;
    }
  }

  const tDone = r.traversalEnd ?? writes[0]?.start ?? r.end;
  closeNode(tDone);
  emit(tDone, 'handlingDone', MSG.handlingDone(ex.id), rf);
  const etcdFailed = writes.some((w) => isFailedOutcome(w.outcome));
  if (r.error !== undefined && !etcdFailed) {
    const type = failure?.kind === 'workflowEvent' ? '*errors.WorkflowErrorWithCause' : '*errors.NodeErrorWithCause';
    // `error` is a class; the text Handle returned is the failing op's (older Timelines keep it in `error`).
    const text = ERROR_CLASSES.has(r.error) ? (failure?.text ?? roundErrorText(r)!) : r.error;
    emit(tDone, 'reconcileError', MSG.reconcileError(text, type), rf);
  }

  // The write: one Update per changed round (a too-large write is followed by a small one).
  if (writes.length === 0 && r.changed) {
    const w: Op = { kind: 'etcdUpdate', start: tDone, end: r.end, startLo: tDone, startHi: tDone, endLo: r.end, endHi: r.end, outcome: r.error === undefined ? 'ok' : 'error' };
    if (r.error !== undefined) w.detail = roundErrorText(r)!;
    writes.push(w);
  }
  let tooLarge = false;
  for (const w of writes) {
    emit(w.start, 'etcdUpdateStart', MSG.etcdUpdateStart(), base);
    if (!isFailedOutcome(w.outcome)) {
      emit(w.end, 'etcdUpdated', MSG.etcdUpdated(), base);
      ctx.writes++;
    } else if (tooLarge) {
      emit(w.end, 'tooLargeRetry', MSG.tooLargeRetry(w.detail ?? roundErrorText(r) ?? 'error'), base);
    } else if (w.outcome === 'tooLarge') {
      tooLarge = true;
      emit(w.end, 'tooLarge', MSG.tooLarge(ETCD_ERRORS.tooLargeReason), base);
    } else {
      const err = w.detail ?? (w.outcome === 'conflict' ? ETCD_ERRORS.conflict(ex.id) : (roundErrorText(r) ?? w.outcome ?? 'error'));
      emit(w.end, 'etcdUpdateFailed', MSG.etcdUpdateFailed(err), base);
    }
  }
  if (!r.changed && r.error === undefined && writes.length === 0) emit(r.end, 'noChange', MSG.noChange(), base);

  // How the streak goes on after this round.
  if (isLast && handleFailed) return false;
  if (r.error !== undefined && !tooLargeRecovered(r) && isLast) return false;
  if (!isLast) {
    emit(r.end, 'fastFollow', MSG.fastFollow(ri), base);
    return true;
  }
  if (tooLargeRecovered(r) || !r.changed) return false;
  let reason = h.endReason;
  if (reason === 'unknown') {
    const terminal = ops.some((o) => o.kind === 'workflowTransition' && o.to !== undefined && TERMINAL_WORKFLOW_PHASES.has(o.to));
    reason = terminal ? 'terminal' : h.rounds.length >= (h.streakMax ?? opts.maxStreak) ? 'cap' : 'unknown';
  }
  if (reason === 'terminal') emit(r.end, 'noFastFollow', MSG.noFastFollow(true, false), base);
  else if (reason === 'versionMatched') emit(r.end, 'noFastFollow', MSG.noFastFollow(false, true), base);
  else if (reason === 'cap') {
    emit(r.end, 'fastFollow', MSG.fastFollow(ri), base);
    return true;
  }
  return false;
}

/** The sink filter's answer (an `EventError` AlreadyExists) as a recorder prints it. */
const ALREADY_SENT_ERROR = 'AlreadyExists: Event Already Exists, caused by [event has already been sent]';
const RECORDER_SRC = { node: 'node_event_recorder.go:69', task: 'task_event_recorder.go:69', workflow: 'workflow_event_recorder.go:69' } as const;

/** flyteidl's event phase enums (core.NodeExecution, core.WorkflowExecution, core.TaskExecution). */
const NODE_PHASE_NUMBER: Record<string, number> = {
  UNDEFINED: 0, QUEUED: 1, RUNNING: 2, SUCCEEDED: 3, FAILING: 4, FAILED: 5, ABORTED: 6, SKIPPED: 7, TIMED_OUT: 8, DYNAMIC_RUNNING: 9, RECOVERED: 10,
};
const WORKFLOW_PHASE_NUMBER: Record<string, number> = {
  UNDEFINED: 0, QUEUED: 1, RUNNING: 2, SUCCEEDING: 3, SUCCEEDED: 4, FAILING: 5, FAILED: 6, ABORTED: 7, TIMED_OUT: 8, ABORTING: 9,
};
const TASK_PHASE_NUMBER: Record<string, number> = {
  UNDEFINED: 0, QUEUED: 1, RUNNING: 2, SUCCEEDED: 3, ABORTED: 4, FAILED: 5, INITIALIZING: 6, WAITING_FOR_RESOURCES: 7,
};

/** A task event's filter key after the execution's: node, task name and version, retry, phase and its version. */
function taskEventKey(ctx: ExecContext, op: Op, node: string, phase: string): string {
  const [, , name, version] = taskId(ctx, op);
  return `${node}:${name}:${version}:${podAttempt(ctx, node)}:${TASK_PHASE_NUMBER[phase] ?? 0}:0`;
}

/**
 * A node event's RetryGroup: the enclosing node's attempt, set only on a nested node's events (a
 * dynamic node's retry runs its sub-DAG as `<node>-<attempt>/<child>`; other nested nodes run in attempt 0).
 */
function nodeRetryGroup(ctx: ExecContext, id: string): string {
  const slash = id.lastIndexOf('/');
  if (slash < 0) return '';
  const parent = id.slice(0, slash);
  return String(ctx.nodeKind.has(parent) ? 0 : (runOwner(parent)?.attempt ?? 0));
}

/** `id` lies in a sub-DAG run of dynamic node `d` (`d/…`, or a retry's `d-<attempt>/…` unless that names another node). */
function inRunOf(ctx: ExecContext, d: string, id: string): boolean {
  const run = childRun(id, d);
  return run === 0 || (run !== undefined && !ctx.nodeKind.has(`${d}-${run}`));
}

/** The attempt of a node's latest pod: its name's suffix (`<exec>-<node>-<attempt>`); 0 without a pod (an ArrayNode's own events). */
function podAttempt(ctx: ExecContext, node: string): number {
  return Number(/-(\d+)$/.exec(ctx.podOf.get(node) ?? '')?.[1] ?? 0);
}

/** The proto text of a task event as the sink logs it (`TaskExecutionEvent.String()`, abridged). */
function taskEventProto(ctx: ExecContext, node: string, phase: string): string {
  return `task_id:{resource_type:TASK project:"${ctx.project}" domain:"${ctx.domain}"} parent_node_execution_id:{node_id:"${node}" execution_id:{${ctx.idText}}} phase:${phase} producer_id:"propeller"`;
}

/** project/domain/name/version of the task a catalog op is for (`detail` when it names one). */
function taskId(ctx: ExecContext, op: Op): [string, string, string, string] {
  const parts = op.detail?.split('/');
  if (parts && parts.length === 4 && parts.every((p) => p !== '')) return parts as [string, string, string, string];
  const wfName = ctx.ex.workflow?.split(':')[2] ?? 'workflow';
  return [ctx.project, ctx.domain, `${wfName}.${op.node ?? 'task'}`, 'v1'];
}

/** Lines of one execution in time order: its enqueues merged with its Handle calls. */
class ExecCursor {
  private readonly enq: Ev[];
  private ei = 0;
  private batch: Ev[] = [];
  private bi = 0;
  private hi = 0;
  seq = 0;

  constructor(readonly ctx: ExecContext) {
    this.enq = enqueueEvents(ctx);
  }

  peek(): Ev | undefined {
    while (this.bi >= this.batch.length && this.hi < this.ctx.ex.handles.length) {
      this.batch = handleEvents(this.ctx, this.hi++);
      this.bi = 0;
    }
    const a = this.enq[this.ei];
    const b = this.batch[this.bi];
    if (!a) return b;
    if (!b) return a;
    return a.t <= b.t ? a : b;
  }

  take(): Ev | undefined {
    const ev = this.peek();
    if (ev === undefined) return undefined;
    if (ev === this.enq[this.ei]) this.ei++;
    else this.bi++;
    this.seq++;
    return ev;
  }
}

/** Whether line `a` of execution `ai` goes out before line `b` of execution `bi`. */
function before(a: Pick<Ev, 't' | 'k' | 'e'>, ai: number, b: Pick<Ev, 't' | 'k' | 'e'>, bi: number): boolean {
  if (a.t !== b.t) return a.t < b.t;
  if (a.k !== b.k) return a.k < b.k;
  if (a.e !== b.e) return a.e < b.e;
  return ai < bi;
}

/** Min-heap of execution cursors by (next line's time, its tie-break, execution index). */
class CursorHeap {
  private readonly a: { c: ExecCursor; t: Ns; k: Ns; e: Ns }[] = [];

  push(c: ExecCursor): void {
    const ev = c.peek();
    if (!ev) return;
    this.a.push({ c, t: ev.t, k: ev.k, e: ev.e });
    let i = this.a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Time, tie-break and execution index of the next cursor, without removing it. */
  top(): Pick<Ev, 't' | 'k' | 'e'> & { xi: number } | undefined {
    const x = this.a[0];
    return x ? { t: x.t, k: x.k, e: x.e, xi: x.c.ctx.xi } : undefined;
  }

  pop(): ExecCursor | undefined {
    const top = this.a[0];
    if (!top) return undefined;
    const end = this.a.pop()!;
    if (this.a.length > 0) {
      this.a[0] = end;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.a.length && this.less(l, m)) m = l;
        if (r < this.a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.c;
  }

  private less(i: number, j: number): boolean {
    const x = this.a[i]!;
    const y = this.a[j]!;
    return before(x, x.c.ctx.xi, y, y.c.ctx.xi);
  }

  private swap(i: number, j: number): void {
    const t = this.a[i]!;
    this.a[i] = this.a[j]!;
    this.a[j] = t;
  }
}

/** Encodes one line in the configured layout (with the CRI prefix when asked). */
function encoder(rec: Recording, o: Resolved): (ev: Ev) => string | undefined {
  const clock = new LogClock(rec.originUnixNano);
  const html = o.format === 'gcp' || o.htmlEscape;
  const text = o.format === 'text';
  // jsonFields joins pairs with ',', textFields prefixes each pair with ' '.
  const encodeSet = (f: Fields): string => (text ? textFields(f).slice(1) : jsonFields(f, html));
  const pair = (k: string, v: string): string => (text ? textFields({ [k]: v }).slice(1) : jsonFields({ [k]: v }, html));
  const sep = text ? ' ' : ',';
  return (ev: Ev): string | undefined => {
    const level = LEVELS[ev.tmpl] ?? 'info';
    if (LEVEL[level] > o.level) return undefined;
    const src = ev.src ?? SRC[ev.tmpl] ?? 'handler.go:1';
    let line: string;
    if (ev.klog) {
      line = klogLine('E', clock.klog(ev.t), 1, src, ev.msg);
    } else {
      let fields = ev.fields.encoded(o.showSource ? src : undefined, encodeSet, pair, sep);
      if (text && fields !== '') fields = ` ${fields}`;
      const ts = clock.seconds(ev.t);
      line =
        o.format === 'json'
          ? encodeJson(level, ev.msg, fields, ts, o.htmlEscape)
          : o.format === 'gcp'
            ? encodeGcp(level, ev.msg, fields, ts)
            : encodeText(level, ev.msg, fields, ts);
    }
    return o.cri ? `${clock.nanos(ev.t)} stderr F ${line}` : line;
  };
}

/**
 * The propeller log lines of a Recording (without newlines), lazily, in global time order;
 * ties keep each execution's emission order, put the lines of an earlier-started (else
 * earlier-ended) Handle call first, and then follow the execution order of the Recording.
 */
export function* logLines(rec: Recording, opts: LogEmitOptions = {}): Generator<string> {
  const o = resolve(opts);
  const encode = encoder(rec, o);
  const heap = new CursorHeap();
  rec.executions.forEach((ex, xi) => heap.push(new ExecCursor(new ExecContext(ex, xi, o))));
  for (;;) {
    const c = heap.pop();
    if (!c) return;
    // Drain this execution while it stays ahead of every other one (saves a heap step per line).
    const limit = heap.top();
    for (;;) {
      const line = encode(c.take()!);
      if (line !== undefined) yield line;
      const next = c.peek();
      if (!next) break;
      if (limit && !before(next, c.ctx.xi, limit, limit.xi)) {
        heap.push(c);
        break;
      }
    }
  }
}

/** Streams the log lines through `write` in chunks of about 64 KiB. */
export async function writeLogsTo(
  rec: Recording,
  write: (chunk: string) => Promise<void> | void,
  opts: LogEmitOptions = {},
): Promise<LogWriteStats> {
  const stats: LogWriteStats = { lines: 0, bytes: 0 };
  let buf: string[] = [];
  let size = 0;
  for (const line of logLines(rec, opts)) {
    buf.push(line);
    size += line.length + 1;
    stats.lines++;
    if (size >= 65_536) {
      const chunk = `${buf.join('\n')}\n`;
      stats.bytes += Buffer.byteLength(chunk);
      await write(chunk);
      buf = [];
      size = 0;
    }
  }
  if (buf.length > 0) {
    const chunk = `${buf.join('\n')}\n`;
    stats.bytes += Buffer.byteLength(chunk);
    await write(chunk);
  }
  return stats;
}

/** Writes the logs to `path` through a temporary file and a rename. */
export async function writeLogs(rec: Recording, path: string, opts: LogEmitOptions = {}): Promise<LogWriteStats> {
  return writeAtomically(path, (write) => writeLogsTo(rec, write, opts));
}
