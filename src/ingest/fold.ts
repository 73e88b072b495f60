/**
 * The folder: decoded log records (in file order) -> Timeline executions.
 *
 * One pass over all executions at once, grouped by `exec_id` (or the execution named in the
 * message for enqueue, skip and sync lines). Handle calls are kept open per worker (replica +
 * `routine`); a workflow key is never processed by two workers at once, so each execution has at
 * most one open Handle call. Lines that arrive out of order within their second attach to the
 * Handle call / round they belong to instead of opening new ones (see `handleFor`, `roundFor`).
 *
 * Memory is bounded by the executions in flight: an execution is handed to `onExecution` once
 * it is terminal, no Handle call of it is open and none of its lines arrived for a grace period
 * of log time; `finish` hands over the rest. The grace period is short (10 s) unless an enqueue of
 * the execution still waits for its Handle call (then 60 s): after the terminal write propeller
 * requeues the workflow (the informer sees the update; pod deletions enqueue the owner) and runs
 * one more Handle call that only logs `has already been terminated`, after the queue wait and any
 * re-evaluation delay. Later such calls come from informer resyncs at any time until the CR is
 * deleted; no grace period could wait for them all, so they are counted as 'late'.
 */
import type {
  Enqueue,
  EnqueueSource,
  Execution,
  LineStats,
  NodeRecord,
  OpKind,
  PodTimes,
  StreakEnd,
  Transition,
} from '../timeline/types.js';
import { TERMINAL_WORKFLOW_PHASES } from '../timeline/types.js';
import { endHi, endLo, startHi, startLo } from '../timeline/bounds.js';
import { errorClass } from '../timeline/error-class.js';
import {
  RoundState,
  TERMINAL_PLUGIN_PHASES,
  type FoldHandle,
  type FoldOp,
  type FoldRound,
  newWorker,
  nodeKind,
  retriedParent,
  type ExecState,
  type HandleState,
  type NodeState,
  type Worker,
} from './fold-state.js';
import type { LogRecord } from './record.js';
import { pushEnd, tightenInside, type Interval } from './fold-bounds.js';
import { foldArrayEvents } from './array-events.js';
import { inferGate, nestBranchCases } from './implicit-nodes.js';
import { inferInfoLevel } from './info-level.js';
import { podNodeId } from './pod-name.js';
import { markUnseen } from '../timeline/pod-unseen.js';
import { assignEnqueuedAt } from '../timeline/queue-wait.js';
import {
  K,
  MessageKinds,
  enqueueOwnerObject,
  enqueueWorkflowKey,
  etcdFailureClass,
  eventFailureClass,
  failureText,
  bracketText,
  handlingArgs,
  handlingPhase,
  namespaceName,
  branchSkipNode,
  nodeChangePhases,
  nodeEventArgs,
  nodeEventPhase,
  noFastFollowReason,
  protoField,
  quotedKey,
  splitKey,
  streakEndedArgs,
  taskEventPhase,
  workflowTransitionPhases,
  P_ATTEMPT_TIMED_OUT,
  P_NODE_TIMED_OUT,
  P_RECORDER_FAILED_NODE,
  P_RECORDER_FAILED_TASK,
  type MsgKind,
} from './recognize.js';
import { parseGoDuration } from '../timeline/go-duration.js';
import { PLUGIN_OF_TASK_EVENT } from '../timeline/templates.js';

const NS_PER_S = 1_000_000_000;
/** The times a log line can have: 2000-01-01 up to 2100-01-01 (UTC, seconds). */
const FIRST_LOG_SEC = 946_684_800;
const LAST_LOG_SEC = 4_102_444_800;
const DEFAULT_GRACE_NS = 10 * NS_PER_S;
const DEFAULT_ENQUEUED_GRACE_NS = 60 * NS_PER_S;
/** How many emitted execution ids are remembered to recognize their late lines. */
const DEFAULT_REMEMBERED = 100_000;

export interface FolderOptions {
  /** Keep exactly this execution id (exact match); other executions' lines count as 'filtered'. */
  exec?: string;
  /** Log time an execution must stay quiet after it is done before it is emitted (default 10 s). */
  graceNs?: number;
  /**
   * The same while an enqueue of the done execution has not yet been followed by a Handle call
   * (default 60 s; never less than `graceNs`).
   */
  enqueuedGraceNs?: number;
  /** Receives each finished execution; without it executions are only handed over by `finish`. */
  onExecution?: (exec: Execution) => void;
  /** How many emitted ids to remember (their later lines are counted as 'late'). */
  remembered?: number;
}

/** Counts of this folder's own decisions about the records it was given. */
export interface FoldCounts {
  records: number;
  used: number;
  skipped: Record<string, number>;
}

export class LogFolder {
  private readonly exec: string | undefined;
  private readonly graceSec: number;
  private readonly enqueuedGraceSec: number;
  private readonly onExecution: ((exec: Execution) => void) | undefined;
  private readonly rememberLimit: number;

  private readonly execs = new Map<string, ExecState>();
  private readonly emittedIds = new Set<string>();
  /** Child executions launched by a node, by name, until the child is handed over. */
  private readonly launchedBy = new Map<string, { parent: string; node: string }>();
  /**
   * With an execution filter: other executions whose ids extend the kept one (`<id>-...`, such as
   * the executions its launch-plan nodes start), so their pods are not taken for the kept one's.
   */
  private readonly extendingIds = new Set<string>();
  private readonly candidates = new Set<ExecState>();
  private readonly workers = new Map<string, Worker>();
  private readonly replicaWorkers = new Map<string, Map<string, Worker>>();
  private readonly finished: Execution[] = [];
  private readonly kinds = new MessageKinds();

  private originSec: number | undefined;
  /** `originSec` as a float (see `at`): the time arithmetic below is float from the first line on. */
  private originF = -0;
  private nowSec = -Infinity;
  // The current record's instant (ns from the origin) and source line. Times start as -0 (equal
  // to 0 in every comparison and sum): a number the engine keeps as a float, like the times later
  // in a log (past 2^31 ns, about 2 s), so the objects holding them never change layout half-way
  // through a log, which would send the compiled folder back to be compiled again.
  private at = -0;
  private lo = -0;
  private hi = -0;
  private line = 0;

  private records = 0;
  private used = 0;
  private noExecution = 0;
  private untimed = 0;
  private unrecognized = 0;
  private filtered = 0;
  private late = 0;
  private badTimestamp = 0;
  private maxInFlight = 0;

  constructor(opts: FolderOptions = {}) {
    this.exec = opts.exec;
    this.graceSec = (opts.graceNs ?? DEFAULT_GRACE_NS) / NS_PER_S;
    this.enqueuedGraceSec = Math.max(this.graceSec, (opts.enqueuedGraceNs ?? DEFAULT_ENQUEUED_GRACE_NS) / NS_PER_S);
    this.onExecution = opts.onExecution;
    this.rememberLimit = opts.remembered ?? DEFAULT_REMEMBERED;
  }

  /** Absolute epoch of t=0 (the first record's whole second), decimal nanoseconds. */
  get originUnixNano(): string {
    return this.originSec === undefined ? '0' : (BigInt(this.originSec) * 1_000_000_000n).toString();
  }

  /** Executions held in memory right now. */
  get inFlight(): number {
    return this.execs.size;
  }

  /** The largest number of executions held at once so far. */
  get peakInFlight(): number {
    return this.maxInFlight;
  }

  pushAll(records: readonly LogRecord[]): void {
    for (let i = 0; i < records.length; i++) this.push(records[i] as LogRecord);
  }

  push(rec: LogRecord): void {
    this.records++;
    const sec = rec.sec;
    // a time no propeller log can have (year 0000 or 9999, a bare number of seconds) would add a
    // phantom Handle call far from the others: the line's stamp is bad, not the execution's time
    if (typeof sec !== 'number' || !Number.isSafeInteger(sec) || sec < FIRST_LOG_SEC || sec >= LAST_LOG_SEC) {
      this.badTimestamp++;
      return;
    }
    if (this.originSec === undefined) {
      this.originSec = sec;
      this.originF = sec;
    }
    const base = (sec - this.originF) * NS_PER_S;
    let nsec = rec.nsec;
    if (!(nsec >= 0 && nsec < NS_PER_S)) nsec = 0;
    let res = rec.resNs;
    if (!(res >= 1 && res <= NS_PER_S)) res = res > NS_PER_S ? NS_PER_S : 1;
    const lo = base + nsec;
    const hi = lo + res - 1;
    let at = base + rec.estNsec;
    if (!(at >= lo)) at = lo;
    else if (at > hi) at = hi;
    this.at = at;
    this.lo = lo;
    this.hi = hi;
    this.line = rec.line;

    if (sec > this.nowSec) {
      this.nowSec = sec;
      if (this.candidates.size > 0) this.emitQuiet();
    }

    const msg = typeof rec.msg === 'string' ? rec.msg : '';
    let kind = this.kinds.kind(msg);
    if (kind === K.none && rec.kind === 'klog' && msg.includes("error syncing '")) kind = K.errorSyncing;

    // Every line of a worker ends the op that waits for that worker's next line, whatever
    // execution it belongs to.
    let ws: Worker | null = null;
    if (typeof rec.routine === 'string') {
      ws = this.worker(rec.routine, rec.replica);
      ws.closed = null;
      if (ws.pending !== null && !insideCall(kind)) this.closePending(ws);
    }
    this.fold(rec, msg, kind, ws);
    if (ws !== null) {
      ws.hasPrev = true;
      ws.prevAt = at;
      ws.prevLo = lo;
      ws.prevHi = hi;
    }
  }

  /** Ends the input: hands over every execution still held. Returns all executions collected without `onExecution`. */
  finish(): Execution[] {
    for (const ex of [...this.execs.values()]) this.emit(ex);
    return this.finished;
  }

  /** This folder's counts. */
  counts(): FoldCounts {
    const skipped: Record<string, number> = {};
    if (this.noExecution) skipped.noExecution = this.noExecution;
    if (this.untimed) skipped.untimed = this.untimed;
    if (this.unrecognized) skipped.unrecognized = this.unrecognized;
    if (this.filtered) skipped.filtered = this.filtered;
    if (this.late) skipped.late = this.late;
    if (this.badTimestamp) skipped.badTimestamp = this.badTimestamp;
    return { records: this.records, used: this.used, skipped };
  }

  /**
   * Adds this folder's counts into `stats` (the reader's accumulator: it already counted every
   * physical line in `read`). With `countRead`, the records are also counted as read.
   */
  addStatsTo(stats: LineStats, countRead: boolean): LineStats {
    const c = this.counts();
    if (countRead) stats.read += c.records;
    stats.used += c.used;
    for (const [k, v] of Object.entries(c.skipped)) stats.skipped[k] = (stats.skipped[k] ?? 0) + v;
    return stats;
  }

  /** An execution's line the fold does not use: a known propeller message without timing, or an unknown one. */
  private unused(msg: string): void {
    if (this.kinds.isUntimed(msg)) this.untimed++;
    else this.unrecognized++;
  }

  /** A recognized line that turned out to add nothing (no call of its kind open): untimed after all. */
  private notUsed(): void {
    this.used--;
    this.untimed++;
  }

  // -------------------------------------------------------------------------------------------
  // Attribution and dispatch

  private fold(rec: LogRecord, msg: string, kind: MsgKind, ws: Worker | null): void {
    let id = rec.execId;
    if (kind === K.none && ws !== null) {
      // Fast path for the many worker lines we do not use: count them, look nothing up.
      if (id === undefined || id === '') this.noExecution++;
      else if (this.exec !== undefined && id !== this.exec) this.filterOut(id);
      else if (ws.lastEx !== null && ws.lastEx.rec.id === id && !ws.lastEx.emitted) {
        if (rec.level === 'debug') ws.lastEx.debug = true;
        if (rec.tasktype !== undefined) this.taskHandled(ws.lastEx, rec.node);
        this.unused(msg);
      }
      else if (this.emittedIds.has(id) && !this.execs.has(id)) this.late++;
      else this.unused(msg);
      return;
    }
    let ns = rec.ns;
    let ownerObject: string | undefined;
    let ownerRest: string | undefined;
    if (kind === K.enqueueOwner) {
      const obj = enqueueOwnerObject(msg);
      if (obj === undefined) {
        this.noExecution++;
        return;
      }
      const k = splitKey(obj);
      ownerObject = k.name;
      if (k.ns !== undefined) ns = k.ns;
      const owner = this.ownerOf(ownerObject, id);
      if (owner === null) {
        this.filtered++;
        return;
      }
      if (owner === undefined) {
        this.noExecution++;
        return;
      }
      id = owner.id;
      ownerRest = owner.rest;
    } else if (id === undefined || id === '') {
      const named = this.execFromMessage(kind, msg);
      if (named === undefined) {
        this.noExecution++;
        return;
      }
      id = named.name;
      if (named.ns !== undefined && ns === undefined) ns = named.ns;
    }
    if (id === undefined || id === '') {
      this.noExecution++;
      return;
    }
    if (this.exec !== undefined && id !== this.exec) {
      this.filterOut(id);
      return;
    }
    // A worker's lines mostly belong to the execution of its previous line: check that first.
    const recent = ws !== null ? ws.lastEx : null;
    let ex = recent !== null && recent.rec.id === id && !recent.emitted ? recent : this.execs.get(id);
    if (ex === undefined) {
      if (this.emittedIds.has(id)) {
        this.late++;
        return;
      }
      if (kind === K.none) {
        this.unused(msg);
        return;
      }
      ex = this.newExec(id);
    }
    if (ws !== null) ws.lastEx = ex;
    if (rec.level === 'debug') ex.debug = true;
    if (rec.sec > ex.lastSec) ex.lastSec = rec.sec;
    if (ns !== undefined && ex.rec.namespace === '') ex.rec.namespace = ns;
    if (rec.wf !== undefined && ex.rec.workflow === undefined) ex.rec.workflow = rec.wf;

    // Lines without `routine` act as lines of their execution's stand-in worker.
    if (ws === null && ex.open !== null && ex.open.worker.pseudo && kind >= K.processing) {
      ws = ex.open.worker;
      ws.closed = null;
      if (ws.pending !== null && !insideCall(kind)) this.closePending(ws);
    }

    if (kind === K.none) {
      if (rec.tasktype !== undefined) this.taskHandled(ex, rec.node);
      this.unused(msg);
      return;
    }
    this.used++;
    this.dispatch(ex, rec, msg, kind, ws, ownerObject, ownerRest);
  }

  private execFromMessage(kind: MsgKind, msg: string): { ns: string | undefined; name: string } | undefined {
    let key: string | undefined;
    switch (kind) {
      case K.enqueueWorkflow:
        key = enqueueWorkflowKey(msg);
        return key === undefined ? undefined : splitKey(key);
      case K.enqueueSubqueue:
      case K.synced:
      case K.errorSyncing:
        key = quotedKey(msg);
        return key === undefined ? undefined : splitKey(key);
      case K.stale:
      case K.terminated:
      case K.notFound:
        return namespaceName(msg);
      case K.handling:
      case K.handlingDone: {
        const a = handlingArgs(msg);
        return a === undefined ? undefined : { ns: undefined, name: a.name };
      }
      case K.nodeEvent:
      case K.workflowEventExists: {
        const name = protoField(msg, 'name:');
        return name === undefined ? undefined : { ns: undefined, name };
      }
      default:
        return undefined;
    }
  }

  /**
   * The execution owning a pod: the longest known execution id that prefixes `<id>-`. Returns
   * null when `--exec` excludes it, undefined when no execution is known for it.
   */
  /** A line of another execution than the kept one. */
  private filterOut(id: string): void {
    this.filtered++;
    const e = this.exec as string;
    if (id.length > e.length + 1 && id.charCodeAt(e.length) === 45 && id.startsWith(e)) this.extendingIds.add(id);
  }

  private ownerOf(obj: string, fieldId: string | undefined): { id: string; rest: string } | null | undefined {
    if (this.exec !== undefined) {
      const e = this.exec;
      if (obj.length > e.length + 1 && obj.startsWith(e) && obj.charCodeAt(e.length) === 45) {
        for (const other of this.extendingIds) {
          if (obj.length > other.length + 1 && obj.startsWith(other) && obj.charCodeAt(other.length) === 45) return null;
        }
        return { id: e, rest: obj.slice(e.length + 1) };
      }
      return fieldId === e ? { id: e, rest: '' } : null;
    }
    for (let i = obj.lastIndexOf('-'); i > 0; i = obj.lastIndexOf('-', i - 1)) {
      const cand = obj.slice(0, i);
      if (this.execs.has(cand) || this.emittedIds.has(cand)) return { id: cand, rest: obj.slice(i + 1) };
    }
    if (fieldId !== undefined && fieldId !== '') return { id: fieldId, rest: '' };
    return undefined;
  }

  private dispatch(
    ex: ExecState,
    rec: LogRecord,
    msg: string,
    kind: MsgKind,
    ws: Worker | null,
    ownerObject: string | undefined,
    ownerRest: string | undefined,
  ): void {
    switch (kind) {
      // ---- enqueues
      case K.enqueueWorkflow:
        this.enqueue(ex, 'workflow', undefined);
        return;
      case K.enqueueSubqueue:
        this.enqueue(ex, 'subqueue', undefined);
        return;
      case K.enqueueOwner:
        this.onOwnerEnqueue(ex, ownerObject ?? '', ownerRest ?? '');
        return;

      // ---- Handle calls
      case K.processing:
        this.onProcessing(ex, ws);
        return;
      case K.stale:
      case K.terminated:
      case K.notFound: {
        const hs = this.handleFor(ex, ws);
        hs.skip = kind === K.stale ? 'stale' : kind === K.terminated ? 'terminated' : 'notFound';
        hs.streakOver = true;
        if (kind === K.terminated) this.markTerminal(ex);
        this.touchHandle(hs);
        return;
      }
      case K.getFailed: {
        const hs = this.handleFor(ex, ws);
        hs.errored = true;
        this.touchHandle(hs);
        return;
      }
      case K.completedProcessing:
        this.onCompleted(ex, ws);
        return;
      case K.synced:
        return;
      case K.errorSyncing:
        this.onErrorSyncing(ex);
        return;

      // ---- rounds and streaks
      case K.handling:
        // an abort that failed (its round errored) ends with its round
        if (ws !== null) ws.aborting = null;
        this.onHandling(ex, ws, msg, rec.resVer);
        return;
      case K.handlingDone: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        const r = rs.r;
        if (r.traversalEnd === undefined || this.at > r.traversalEnd) {
          r.traversalEnd = this.at;
          r.traversalEndLo = this.lo;
          r.traversalEndHi = this.hi;
        }
        if (rs.traversal !== null) this.endOp(rs.traversal);
        return;
      }
      case K.noChange: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        rs.noChange = true;
        rs.r.changed = false;
        this.closeRound(rs, this.at, this.lo, this.hi);
        this.refreshReason(rs);
        return;
      }
      case K.fastFollow:
      case K.noFastFollow:
      case K.streakEnded: {
        const hs = this.handleFor(ex, ws);
        if (kind !== K.fastFollow) hs.streakOver = true;
        if (kind === K.noFastFollow) {
          const why = noFastFollowReason(msg);
          hs.fastFollowEnd = why.terminated ? 'terminal' : why.versionMatched ? 'versionMatched' : null;
          if (why.terminated) {
            this.markTerminal(ex);
            const cur = hs.cur;
            if (cur !== null) ex.terminated ??= { at: this.at, lo: this.lo, hi: this.hi, handle: hs.index, round: cur.index, line: this.line };
          }
        } else if (kind === K.streakEnded) {
          const a = streakEndedArgs(msg);
          if (a !== undefined) {
            hs.h.streakMax = a.max;
            // The loop ran out of rounds (the last one changed the workflow): the cap ended it.
            if (a.n >= a.max) hs.capHit = true;
          }
        }
        // The round ended (its write returned) before this line; close it here when its end
        // line is missing (Info-level logs have no etcd lines).
        const cur = hs.cur;
        if (cur !== null && !cur.closed) {
          if (!cur.noChange) cur.r.changed = true;
          this.closeRound(cur, this.at, this.lo, this.hi);
        }
        this.touchHandle(hs);
        return;
      }
      case K.reconcileError:
      case K.executionNotFound: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        this.failRound(rs, failureText(msg), null);
        rs.hs.errored = true;
        return;
      }

      // ---- workflow
      case K.workflowTransition:
        this.onWorkflowTransition(ex, ws, msg, rec.resVer);
        return;
      case K.workflowCompleted:
      case K.workflowFailed: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        (kind === K.workflowCompleted ? ex.completed : ex.failedAt).push({ at: this.at, lo: this.lo, hi: this.hi, handle: rs.hs.index, round: rs.index, line: this.line });
        return;
      }
      case K.workflowEventExists:
      case K.workflowEventIgnored: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        this.setOutcome(ws, rs, 'workflowEvent', kind === K.workflowEventExists ? 'alreadyExists' : eventFailureClass(msg));
        return;
      }
      case K.workflowEventFailed:
        this.eventFailed(ex, this.roundFor(ex, ws, rec.resVer), ws, 'workflowEvent', msg);
        return;

      // ---- nodes
      case K.nodeChange: {
        const ph = nodeChangePhases(msg);
        const rs = this.roundFor(ex, ws, rec.resVer);
        if (ph === undefined) return;
        if (ph.to === 'Failing' && rec.node !== undefined) this.dropInferredRetry(ex, rs, rec.node);
        this.nodeTransition(ex, rs, rec.node, ph.from, ph.to);
        return;
      }
      case K.branchSkip:
        // The branch's decision skips its other cases without handling them (no node line of their own).
        this.nodeTransition(ex, this.roundFor(ex, ws, rec.resVer), branchSkipNode(msg), 'NotYetStarted', 'Skipped');
        return;
      case K.finalizeNotRequired:
        // Always followed by the "Change in node state" line that records the transition.
        this.roundFor(ex, ws, rec.resVer);
        return;
      case K.nodeSucceeding:
        this.nodeTransition(ex, this.roundFor(ex, ws, rec.resVer), rec.node, 'Succeeding', 'Succeeded');
        return;
      case K.nodeFailing:
        this.nodeTransition(ex, this.roundFor(ex, ws, rec.resVer), rec.node, 'Failing', 'Failed');
        return;
      case K.nodeTimedOut:
      case K.attemptTimedOut: {
        // the deadline's configured duration, kept for a replay (the transition follows)
        const ns = rec.node !== undefined ? parseGoDuration(msg.slice(kind === K.nodeTimedOut ? P_NODE_TIMED_OUT.length : P_ATTEMPT_TIMED_OUT.length).trim()) : undefined;
        if (ns !== undefined) this.nodeState(ex, rec.node!).rec[kind === K.nodeTimedOut ? 'activeDeadline' : 'executionDeadline'] = ns;
        if (kind === K.attemptTimedOut && rec.node !== undefined) {
          const rs = this.roundFor(ex, ws, rec.resVer);
          if (!rs.discarded) ex.attemptTimeouts.push({ node: rec.node, at: this.at, lo: this.lo, hi: this.hi, handle: rs.hs.index, round: rs.index, line: this.line });
        }
        return;
      }
      case K.nodeTimingOut:
        this.nodeTransition(ex, this.roundFor(ex, ws, rec.resVer), rec.node, 'TimingOut', 'TimedOut');
        return;
      case K.nodeRetry: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        if (rec.node !== undefined) this.inferRetryableFailure(ex, rs, rec.node);
        this.nodeTransition(ex, rs, rec.node, 'RetryableFailure', 'Running');
        return;
      }
      case K.nodeEvent: {
        if (ws !== null) ws.aborting = null;
        const rs = this.roundFor(ex, ws, rec.resVer);
        const node = rec.node ?? nodeEventArgs(msg).node;
        const phase = nodeEventPhase(msg);
        const o = this.addOp(rs, 'nodeEvent');
        if (node !== undefined) {
          o.node = node;
          this.nodeState(ex, node);
        }
        if (phase !== undefined) o.to = phase;
        o.outcome = 'ok';
        this.setPending(ws ?? rs.hs.worker, o, ex);
        return;
      }
      case K.nodeEventExists: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        this.setOutcome(ws, rs, 'nodeEvent', 'alreadyExists');
        return;
      }
      case K.nodeEventFailed:
        this.eventFailed(ex, this.roundFor(ex, ws, rec.resVer), ws, 'nodeEvent', msg);
        return;

      // ---- tasks
      case K.taskEvent:
        if (ws !== null) ws.aborting = null;
        this.onTaskEvent(ex, ws, msg, rec);
        return;
      case K.eventSink: {
        // inside the call the worker's previous line opened (which it leaves open); with none open,
        // a task event no line of its own announced (an ArrayNode's): its call starts here
        if (ws !== null && ws.pending !== null) return;
        const phase = rec.node !== undefined && msg.includes('task_id:') ? SINK_PHASE.exec(msg) : null;
        const plugin = phase !== null ? PLUGIN_OF_TASK_EVENT[phase[1]!] : undefined;
        if (plugin === undefined) {
          this.notUsed();
          return;
        }
        const rs = this.roundFor(ex, ws, rec.resVer);
        const o = this.addOp(rs, 'taskEvent');
        o.node = rec.node;
        o.to = plugin;
        o.outcome = 'ok';
        this.setPending(ws ?? rs.hs.worker, o, ex);
        this.nodeState(ex, rec.node!);
        ex.sinkTaskNodes.add(rec.node!);
        return;
      }
      case K.podResources:
        if (ws === null || ws.pending === null) this.notUsed();
        return;
      case K.eventAlreadySent: {
        // the event call the sink line kept open, which this line just ended
        const o = ws !== null ? (ws.closed ?? ws.pending) : null;
        if (o !== null && EVENT_KINDS.has(o.kind)) o.outcome = 'alreadyExists';
        else this.notUsed();
        return;
      }
      case K.eventRecorderFailed: {
        // The recorder's answer to its call; the line that follows (already exists, or the
        // failure that ends the round) decides what the round makes of it.
        const kind = msg.startsWith(P_RECORDER_FAILED_NODE) ? 'nodeEvent' : msg.startsWith(P_RECORDER_FAILED_TASK) ? 'taskEvent' : 'workflowEvent';
        const err = msg.lastIndexOf(' with err: ');
        const o = this.setOutcome(ws, this.roundFor(ex, ws, rec.resVer), kind, errorClass(err >= 0 ? msg.slice(err + 11) : msg), rec.node);
        if (o === null) this.notUsed();
        return;
      }
      case K.podCreated: {
        // the create this line ended returned (the back-off handler logs it after the request)
        const o = ws !== null ? ws.closed : null;
        if (o !== null && o.kind === 'podCreate') ex.createsEnded.add(o);
        else this.notUsed();
        return;
      }
      case K.podCreateRefused: {
        // blocked by the back-off (no request), or refused on a resource quota
        const o = ws !== null ? (ws.closed ?? ws.pending) : null;
        if (o !== null && o.kind === 'podCreate') o.outcome = msg.includes('blocked') ? 'throttled' : 'error';
        else this.notUsed();
        return;
      }
      case K.podCreate: {
        // The create call to the API server: it spans to the worker's next line, as an event does
        // (the back-off handler's `.. finished without an error`, when it is active, as by default).
        const rs = this.roundFor(ex, ws, rec.resVer);
        const o = this.addOp(rs, 'podCreate');
        if (rec.node !== undefined) o.node = rec.node;
        const name = podObjectName(msg);
        if (name !== undefined) o.detail = name;
        o.outcome = 'ok';
        this.setPending(ws ?? rs.hs.worker, o, ex);
        return;
      }
      case K.abortInvoked:
        if (ws !== null) ws.aborting = rec.node ?? null;
        return;
      case K.abortDone:
        if (ws !== null) ws.aborting = null;
        return;
      case K.bufferedTaskEvents: {
        // In a Handle the plugin's transition line follows; in an abort, the task event ABORTED.
        const a = ws?.aborting ?? null;
        if (ws !== null && a !== null && a === rec.node) this.onAbortTaskEvent(ex, ws, rec);
        return;
      }
      case K.taskEventIgnored: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        const last = this.lastOp(ws, rs, 'taskEvent');
        if (rec.node !== undefined && (last === null || last.node !== rec.node) && ex.nested.has(rec.node)) {
          // The answer to an event no line showed (an ArrayNode's own, after its subtasks' lines):
          // an op without a phase, which the array's events take over (array-events.ts).
          const o = this.addOp(rs, 'taskEvent');
          o.node = rec.node;
          o.outcome = 'alreadyExists';
          return;
        }
        this.setOutcome(ws, rs, 'taskEvent', 'alreadyExists');
        return;
      }
      case K.taskEventFailed:
        this.eventFailed(ex, this.roundFor(ex, ws, rec.resVer), ws, 'taskEvent', msg);
        return;
      case K.arrayEventFailed: {
        // `ArrayNode event recording failed: [err]`: the array's own event (no line of its own
        // otherwise), an op without a phase that the array's events take over (array-events.ts)
        const rs = this.roundFor(ex, ws, rec.resVer);
        // (the call the sink's line opened, if the log has it)
        const o = (rec.node !== undefined ? this.lastOp(ws, rs, 'taskEvent', rec.node) : null) ?? this.addOp(rs, 'taskEvent');
        if (rec.node !== undefined) o.node = rec.node;
        o.outcome = eventFailureClass(msg);
        const open = msg.indexOf('[');
        const close = msg.lastIndexOf(']');
        this.failRound(rs, open >= 0 && close > open ? msg.slice(open + 1, close) : msg, o);
        return;
      }

      // ---- catalog
      case K.cacheHit:
      case K.cacheMiss:
      case K.cacheGetFailed: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        const o = this.addOp(rs, 'catalogGet');
        // The Get ran between the worker's previous line and this one.
        if (ws !== null && ws.hasPrev && ws.prevLo >= rs.r.startLo && ws.prevAt <= this.at && ws.prevLo <= this.lo) {
          o.start = ws.prevAt;
          o.startLo = ws.prevLo;
          o.startHi = ws.prevHi;
        }
        o.outcome = kind === K.cacheHit ? 'hit' : kind === K.cacheMiss ? 'miss' : 'error';
        if (rec.node !== undefined) {
          o.node = rec.node;
          const ns = this.nodeState(ex, rec.node);
          if (kind === K.cacheHit) {
            ns.hit = true;
            ns.rec.cache = 'hit';
          } else if (kind === K.cacheMiss) {
            ns.rec.cache = 'miss';
          }
        }
        return;
      }
      case K.cacheRecording: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        const o = this.addOp(rs, 'catalogPut');
        if (rec.node !== undefined) o.node = rec.node;
        this.setPending(ws ?? rs.hs.worker, o, ex);
        return;
      }
      case K.cacheRecorded:
      case K.cachePutFailed: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        this.setOutcome(ws, rs, 'catalogPut', kind === K.cacheRecorded ? 'ok' : 'error', rec.node);
        return;
      }

      // ---- other in-round work
      case K.launchedLaunchPlan:
      case K.launchExists: {
        // Admin's CreateExecution for the child returned (created, or already there).
        const rs = this.roundFor(ex, ws, rec.resVer);
        const o = this.addOp(rs, 'launchExecution');
        if (rec.node !== undefined) o.node = rec.node;
        const child = bracketText(msg);
        if (child !== undefined) o.detail = child;
        // The child execution's name is its exec_id: link it to this node when it is handed over.
        if (rec.node !== undefined) {
          this.nodeState(ex, rec.node).launched = true;
          if (child !== undefined && !this.launchedBy.has(child)) {
            this.launchedBy.set(child, { parent: ex.rec.id, node: rec.node });
            ex.liveChildren++;
          }
        }
        o.outcome = kind === K.launchExists ? 'alreadyExists' : 'ok';
        return;
      }
      case K.maxParallelism: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        const o = this.addOp(rs, 'parallelismLimit');
        o.detail = msg;
        return;
      }
      case K.etcdStart: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        rs.r.changed = true;
        if (rs.etcd !== null && rs.etcdNoStart) {
          // The end line came first (out of order): this is its start.
          this.pullStart(rs.etcd);
          rs.etcdNoStart = false;
          return;
        }
        if (rs.etcdOpen && rs.etcd !== null) this.endOp(rs.etcd);
        rs.etcd = this.addOp(rs, 'etcdUpdate');
        rs.etcdOpen = true;
        return;
      }
      case K.etcdUpdated:
      case K.etcdFailed:
      case K.tooLargeRetryFailed: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        rs.r.changed = true;
        const outcome = kind === K.etcdUpdated ? 'ok' : kind === K.etcdFailed ? etcdFailureClass(msg) : 'error';
        const o = this.endEtcd(rs, outcome);
        if (kind !== K.etcdUpdated) {
          this.failRound(rs, failureText(msg), o);
          rs.hs.errored = true;
        } else if (rs.tooLargeAt !== null) {
          this.tooLargePersisted(ex, rs, rs.tooLargeAt);
          rs.tooLargeAt = null;
        }
        this.closeRound(rs, this.at, this.lo, this.hi);
        this.refreshReason(rs);
        return;
      }
      case K.tooLarge: {
        const rs = this.roundFor(ex, ws, rec.resVer);
        rs.r.changed = true;
        let o: FoldOp | null = rs.etcd;
        if (rs.etcdOpen || o === null) o = this.endEtcd(rs, 'tooLarge');
        else o.outcome = 'tooLarge';
        this.failRound(rs, failureText(msg), o);
        // The smaller Failing/Failed copy is written next, in this same round.
        rs.tooLargeAt = { at: this.at, lo: this.lo, hi: this.hi };
        rs.closed = false;
        return;
      }
      default:
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Executions, workers, nodes

  private newExec(id: string): ExecState {
    const rec: Execution = {
      id,
      namespace: '',
      phase: 'Unknown',
      handles: [],
      nodes: [],
      enqueues: [],
      workflowTransitions: [],
    };
    const ex: ExecState = {
      rec,
      nodes: new Map(),
      open: null,
      last: null,
      lastSec: -Infinity,
      terminal: false,
      pendingEnq: null,
      pseudo: null,
      emitted: false,
      completed: [],
      failedAt: [],
      sinkTaskNodes: new Set(),
      attemptTimeouts: [],
      terminated: null,
      debug: false,
      liveChildren: 0,
      childEnded: false,
      nested: new Set(),
      createsEnded: new Set(),
    };
    this.execs.set(id, ex);
    if (this.execs.size > this.maxInFlight) this.maxInFlight = this.execs.size;
    return ex;
  }

  private worker(routine: string, replica: string | undefined): Worker {
    let m = this.workers;
    if (replica !== undefined) {
      let rm = this.replicaWorkers.get(replica);
      if (rm === undefined) {
        rm = new Map();
        this.replicaWorkers.set(replica, rm);
      }
      m = rm;
    }
    let w = m.get(routine);
    if (w === undefined) {
      w = newWorker(routine, replica, false);
      m.set(routine, w);
    }
    return w;
  }

  private pseudoWorker(ex: ExecState): Worker {
    if (ex.pseudo === null) ex.pseudo = newWorker('', undefined, true);
    return ex.pseudo;
  }

  private nodeState(ex: ExecState, id: string): NodeState {
    let ns = ex.nodes.get(id);
    if (ns === undefined) {
      ns = {
        rec: { id, kind: 'unknown', transitions: [] },
        plugin: undefined,
        hit: false,
        ownerSeq: 0,
        ownerAt: -0,
        ownerLo: -0,
        ownerHi: -0,
        usedSeq: 0,
        attemptRound: null,
        retriedIn: null,
        attemptAt: -0,
        attemptHi: -0,
        launched: false,
        taskHandled: false,
      };
      ex.nodes.set(id, ns);
      // its ancestors have nested nodes (an ArrayNode's subtasks, a sub-DAG's nodes)
      for (let k = id.lastIndexOf('/'); k > 0; k = id.lastIndexOf('/', k - 1)) ex.nested.add(id.slice(0, k));
    }
    return ns;
  }

  /** A task-handler line (it has `tasktype`) about a node already seen marks that node a task. */
  private taskHandled(ex: ExecState, node: string | undefined): void {
    if (node === undefined) return;
    const ns = ex.nodes.get(node);
    if (ns !== undefined) ns.taskHandled = true;
  }

  private markTerminal(ex: ExecState): void {
    ex.terminal = true;
    if (ex.open === null) this.candidates.add(ex);
  }

  // -------------------------------------------------------------------------------------------
  // Enqueues

  private enqueue(ex: ExecState, source: EnqueueSource, object: string | undefined): Enqueue {
    const e: Enqueue = { at: this.at, lo: this.lo, hi: this.hi, source, line: this.line };
    if (object !== undefined) e.object = object;
    ex.rec.enqueues.push(e);
    ex.pendingEnq = e;
    return e;
  }

  private onOwnerEnqueue(ex: ExecState, object: string, rest: string): void {
    this.enqueue(ex, 'owner', object);
    const nodeId = rest === '' ? undefined : podNodeId(rest, (id) => ex.nodes.has(id));
    if (nodeId === undefined) return;
    const ns = this.nodeState(ex, nodeId);
    ns.ownerSeq++;
    ns.ownerAt = this.at;
    ns.ownerLo = this.lo;
    ns.ownerHi = this.hi;
  }

  // -------------------------------------------------------------------------------------------
  // Handle calls

  /**
   * The Handle call a line of `ex` on worker `ws` belongs to: the execution's open call on that
   * worker; else the call this worker finished within the line's second (a line that arrived
   * late); else a new implicit call (its `Processing Workflow.` line is missing).
   */
  private handleFor(ex: ExecState, ws: Worker | null, startsRound = false): HandleState {
    const open = ex.open;
    if (open !== null && (ws === null || open.worker === ws)) return open;
    // This worker's own call of the execution, still open, while a later call started on another
    // worker: that call's first lines came out of order (a second's lines may be in any order, so
    // within a second of this worker's latest line, the call goes on).
    const own = ws !== null ? ws.open : null;
    if (own !== null && own.ex === ex && this.lo <= Math.max(own.lastHi, (ws as Worker).prevHi) + NS_PER_S) return own;
    const lh = ws !== null ? ws.last : open === null ? ex.last : null;
    // A new round cannot belong to a call whose streak is over: it starts the next call.
    if (lh !== null && lh.ex === ex && !lh.open && this.lo <= lh.h.endHi && !(startsRound && lh.streakOver)) return lh;
    // A key is never processed by two workers at once: the other call is over.
    if (open !== null) this.closeHandle(open, open.lastAt, open.lastLo, open.lastHi);
    return this.openHandle(ex, ws ?? this.pseudoWorker(ex), false);
  }

  private openHandle(ex: ExecState, w: Worker, explicit: boolean): HandleState {
    const held = w.suspended;
    if (held !== null && (held.ex === ex || this.lo > held.lastHi || w.open !== null)) {
      w.suspended = null;
      if (held.open) this.closeHandle(held, held.lastAt, held.lastLo, held.lastHi);
    }
    if (w.open !== null) {
      const prev = w.open;
      // (the worker's previous line counts too: lines without timing do not move `lastHi`)
      if (prev.ex !== ex && this.lo <= Math.max(prev.lastHi, w.prevHi) && !w.pseudo) {
        // Same second: lines of one second may be out of order, so the other execution's call
        // may still have lines to come (a worker cannot run two calls at once, but a collector
        // can order a second's lines arbitrarily).
        w.suspended = prev;
        w.open = null;
      } else {
        this.closeHandle(prev, prev.lastAt, prev.lastLo, prev.lastHi);
      }
    }
    const h: FoldHandle = {
      worker: w.routine,
      start: this.at,
      end: this.at,
      startLo: this.lo,
      startHi: this.hi,
      endLo: this.lo,
      endHi: this.hi,
      rounds: [],
      endReason: 'unknown',
      line: this.line,
    };
    if (w.replica !== undefined) h.replica = w.replica;
    // enqueuedAt is assigned when the execution is finalized, by the rule every source shares.
    ex.pendingEnq = null;
    ex.rec.handles.push(h);
    const hs: HandleState = {
      h,
      index: ex.rec.handles.length - 1,
      ex,
      worker: w,
      explicit,
      open: true,
      cur: null,
      lastAt: this.at,
      lastLo: this.lo,
      lastHi: this.hi,
      skip: null,
      fastFollowEnd: null,
      capHit: false,
      errored: false,
      streakOver: false,
    };
    ex.open = hs;
    ex.last = hs;
    w.open = hs;
    this.candidates.delete(ex);
    return hs;
  }

  private onProcessing(ex: ExecState, ws: Worker | null): void {
    const w = ws ?? this.pseudoWorker(ex);
    const open = ex.open;
    if (open !== null && open.worker === w && !open.explicit && open.h.startHi >= this.lo) {
      // Lines of this call came before its first line (same second): adopt them.
      const h = open.h;
      open.explicit = true;
      this.pullStart(h);
      h.line = this.line;
      return;
    }
    this.openHandle(ex, w, true);
  }

  private onCompleted(ex: ExecState, ws: Worker | null): void {
    const open = ex.open;
    if (open !== null && (ws === null || open.worker === ws)) {
      this.closeHandle(open, this.at, this.lo, this.hi);
      return;
    }
    const lh = ws !== null ? ws.last : ex.last;
    if (lh !== null && lh.ex === ex && !lh.open && this.lo <= lh.h.endHi) {
      this.extendHandle(lh);
      return;
    }
    // A call whose start we did not see (the log began inside it, or its lines are missing).
    const hs = this.handleFor(ex, ws);
    this.closeHandle(hs, this.at, this.lo, this.hi);
  }

  private onErrorSyncing(ex: ExecState): void {
    const hs = ex.open ?? ex.last;
    if (hs === null) return;
    hs.errored = true;
    if (hs.open) return;
    const h = hs.h;
    h.endReason = this.reason(hs);
    // klog stamps are fine-grained and the line follows the call's end: it bounds the end.
    if (this.hi >= h.endLo && this.hi < h.endHi) {
      h.endHi = this.hi;
      if (h.end > this.hi) h.end = Math.max(h.endLo, Math.min(this.at, this.hi));
      const cur = hs.cur;
      if (cur !== null && cur.r.endHi > this.hi && this.hi >= cur.r.endLo) {
        cur.r.endHi = this.hi;
        if (cur.r.end > this.hi) cur.r.end = Math.max(cur.r.endLo, h.end);
      }
    }
  }

  private closeHandle(hs: HandleState, at: number, lo: number, hi: number): void {
    const h = hs.h;
    const cur = hs.cur;
    if (cur !== null && !cur.closed) this.closeRound(cur, cur.lastAt, cur.lastLo, cur.lastHi);
    h.end = Math.max(h.start, at);
    h.endLo = Math.max(h.startLo, lo);
    h.endHi = Math.max(h.startHi, hi);
    hs.open = false;
    const ex = hs.ex;
    if (ex.open === hs) ex.open = null;
    if (hs.worker.open === hs) hs.worker.open = null;
    if (hs.worker.suspended === hs) hs.worker.suspended = null;
    hs.worker.last = hs;
    h.endReason = this.reason(hs);
    if (ex.terminal && ex.open === null) this.candidates.add(ex);
  }

  /** A line of a finished call arrived late: stretch the call's end over it. */
  private extendHandle(hs: HandleState): void {
    const h = hs.h;
    pushEnd(h, this.at, this.lo, this.hi);
    h.endReason = this.reason(hs);
  }

  private touchHandle(hs: HandleState): void {
    if (this.at >= hs.lastAt) {
      hs.lastAt = this.at;
      hs.lastLo = this.lo;
      hs.lastHi = this.hi;
    }
    if (!hs.open) this.extendHandle(hs);
  }

  private reason(hs: HandleState): StreakEnd {
    if (hs.skip !== null) return hs.skip;
    const last = hs.cur;
    if (last !== null && last.r.error !== undefined) return 'error';
    if (hs.fastFollowEnd !== null) return hs.fastFollowEnd;
    if (last !== null && last.noChange) return 'noChange';
    if (hs.capHit) return 'cap';
    if (hs.errored) return 'error';
    return 'unknown';
  }

  private refreshReason(rs: RoundState): void {
    const hs = rs.hs;
    if (!hs.open) hs.h.endReason = this.reason(hs);
  }

  // -------------------------------------------------------------------------------------------
  // Rounds

  /**
   * The round an in-round line belongs to: the open round of its Handle call; else the round
   * that closed within this line's second (the line arrived late); else a new implicit round
   * (abort paths log no `Handling Workflow` line).
   */
  private roundFor(ex: ExecState, ws: Worker | null, resVer: string | undefined): RoundState {
    const hs = this.handleFor(ex, ws);
    this.touchHandle(hs);
    let rs = hs.cur;
    if (rs === null || (rs.closed && this.lo > rs.r.endHi)) rs = this.openRound(hs, false, ex.rec.phase);
    this.touchRound(rs);
    if (resVer !== undefined && rs.r.resVer === undefined) rs.r.resVer = resVer;
    return rs;
  }

  private openRound(hs: HandleState, explicit: boolean, phase: string): RoundState {
    const cur = hs.cur;
    if (cur !== null && !cur.closed) this.closeRound(cur, cur.lastAt, cur.lastLo, cur.lastHi);
    const r: FoldRound = {
      start: this.at,
      end: this.at,
      startLo: this.lo,
      startHi: this.hi,
      endLo: this.lo,
      endHi: this.hi,
      phase,
      changed: false,
      ops: [],
      line: this.line,
    };
    hs.h.rounds.push(r);
    const rs = new RoundState(r, hs.h.rounds.length - 1, hs, explicit, this.at, this.lo, this.hi);
    rs.endedBefore = hs.ex.rec.ended;
    rs.terminalBefore = hs.ex.terminal;
    if (explicit) rs.traversal = this.addOp(rs, 'traversal');
    hs.cur = rs;
    return rs;
  }

  private onHandling(ex: ExecState, ws: Worker | null, msg: string, resVer: string | undefined): void {
    const phase = handlingPhase(msg) ?? 'Unknown';
    const hs = this.handleFor(ex, ws, true);
    this.touchHandle(hs);
    const cur = hs.cur;
    let rs: RoundState;
    if (cur !== null && !cur.explicit && cur.r.startHi >= this.lo) {
      // Lines of this round came before its first line (same second): adopt them.
      rs = cur;
      const r = rs.r;
      rs.explicit = true;
      r.phase = phase;
      this.pullStart(r);
      r.line = this.line;
      // The traversal began with the round (whose start may lie before this line).
      const t = this.newOp('traversal');
      t.start = r.start;
      t.startLo = r.startLo;
      t.startHi = r.startHi;
      this.stretchOp(t, r.traversalEnd ?? r.start, r.traversalEndLo ?? r.startLo, r.traversalEndHi ?? r.startHi);
      r.ops.unshift(t);
      rs.traversal = t;
    } else {
      rs = this.openRound(hs, true, phase);
    }
    this.touchRound(rs);
    if (resVer !== undefined) rs.r.resVer = resVer;
    if (ex.rec.ended === undefined && phase !== 'Unknown') ex.rec.phase = phase;
  }

  private touchRound(rs: RoundState): void {
    if (this.at >= rs.lastAt) {
      rs.lastAt = this.at;
      rs.lastLo = this.lo;
      rs.lastHi = this.hi;
    }
  }

  private closeRound(rs: RoundState, at: number, lo: number, hi: number): void {
    const r = rs.r;
    if (!rs.closed) {
      rs.closed = true;
      r.end = Math.max(r.start, at);
      r.endLo = Math.max(r.startLo, lo);
      r.endHi = Math.max(r.startHi, hi);
    } else {
      pushEnd(r, at, lo, hi);
    }
    // A write still in flight ended by the time its round did.
    if (rs.etcdOpen && rs.etcd !== null) {
      this.stretchOp(rs.etcd, r.end, r.endLo, r.endHi);
      rs.etcdOpen = false;
    }
    const t = rs.traversal;
    if (t !== null && r.traversalEnd === undefined) {
      // No `Done` line: the traversal lasted at most until the write started (or the round ended).
      const e = rs.etcd;
      if (e !== null) this.stretchOp(t, e.start, e.startLo, e.startHi);
      else this.stretchOp(t, r.end, r.endLo, r.endHi);
    }
  }

  private endEtcd(rs: RoundState, outcome: string): FoldOp {
    let o = rs.etcd;
    if (o === null || !rs.etcdOpen) {
      if (o !== null && o.outcome === 'tooLarge' && outcome !== 'ok' && !rs.etcdOpen) {
        // The old code logs the failed update and then the too-large line: one op.
        return o;
      }
      // The write's start line is missing (or arrives later): an op that starts here.
      o = this.addOp(rs, 'etcdUpdate');
      rs.etcd = o;
      rs.etcdNoStart = true;
    } else {
      this.endOp(o);
    }
    rs.etcdOpen = false;
    o.outcome = outcome;
    return o;
  }

  /**
   * The round failed with error text `text` (from the failing op `o`, when known): the round keeps
   * the first failure's class, the op its text, and the round's status changes are dropped.
   */
  private failRound(rs: RoundState, text: string, o: FoldOp | null): void {
    if (o !== null && o.detail === undefined) o.detail = text;
    if (rs.r.error === undefined) rs.r.error = errorClass(text);
    if (!rs.discarded) this.discardRound(rs);
    this.refreshReason(rs);
  }

  /**
   * Propeller drops a failed round's mutated copy (it writes the input copy with one more failed
   * attempt, or nothing): the transitions and task phases the round logged never persisted, so
   * they leave the node and workflow histories (the round's ops keep them).
   */
  private discardRound(rs: RoundState): void {
    rs.discarded = true;
    const ex = rs.hs.ex;
    const hi = rs.hs.index;
    const ri = rs.index;
    const other = (t: Transition): boolean => t.handle !== hi || t.round !== ri;
    const wts = ex.rec.workflowTransitions;
    if (wts.length > 0 && !other(wts[wts.length - 1] as Transition)) {
      ex.rec.workflowTransitions = wts.filter(other);
      ex.rec.phase = rs.r.phase;
      if (rs.endedBefore === undefined) delete ex.rec.ended;
      else ex.rec.ended = rs.endedBefore;
      if (!rs.terminalBefore && ex.terminal) {
        ex.terminal = false;
        this.candidates.delete(ex);
      }
    }
    for (const ns of rs.touched ?? []) {
      const n = ns.rec;
      if (ns.retriedIn === rs) {
        // the retry this round began did not persist: its attempt starts again later
        ns.retriedIn = null;
        n.retries = (n.retries ?? 1) - 1;
        if (n.retries === 0) delete n.retries;
        n.pods?.pop();
        n.pod = n.pods?.[n.pods.length - 1];
        if (n.pods?.length === 0) delete n.pods;
      }
      n.transitions = n.transitions.filter(other);
      if (n.taskPhases !== undefined) {
        n.taskPhases = n.taskPhases.filter(other);
        ns.plugin = n.taskPhases.length > 0 ? (n.taskPhases[n.taskPhases.length - 1] as Transition).to : undefined;
      }
    }
    rs.touched = null;
  }

  /**
   * After `Failed storing workflow to the store`, a successful write stores a small copy of the
   * round's input with the workflow Failing (Failed when the round had made it terminal), as of
   * the too-large line.
   */
  private tooLargePersisted(ex: ExecState, rs: RoundState, at: { at: number; lo: number; hi: number }): void {
    let terminal = false;
    for (const o of rs.r.ops) if (o.kind === 'workflowTransition' && o.to !== undefined && TERMINAL_WORKFLOW_PHASES.has(o.to)) terminal = true;
    const from = String(rs.r.phase);
    const to = terminal ? 'Failed' : 'Failing';
    const o = this.newOp('workflowTransition');
    o.start = o.end = at.at;
    o.startLo = o.endLo = at.lo;
    o.startHi = o.endHi = at.hi;
    o.from = from;
    o.to = to;
    rs.r.ops.push(o);
    ex.rec.workflowTransitions.push({ from, to, at: at.at, atLo: at.lo, atHi: at.hi, handle: rs.hs.index, round: rs.index, line: this.line });
    ex.rec.phase = to;
    if (terminal) {
      ex.rec.ended = { at: at.at, lo: at.lo, hi: at.hi };
      this.markTerminal(ex);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Ops

  private newOp(kind: OpKind): FoldOp {
    return {
      kind,
      start: this.at,
      end: this.at,
      startLo: this.lo,
      startHi: this.hi,
      endLo: this.lo,
      endHi: this.hi,
      line: this.line,
    };
  }

  private addOp(rs: RoundState, kind: OpKind): FoldOp {
    const o = this.newOp(kind);
    rs.r.ops.push(o);
    return o;
  }

  /** A line that starts `x` (a Handle call, round or op) arrived out of order: move `x`'s start back to it where it is earlier. */
  private pullStart(x: Interval): void {
    if (this.at < x.start) x.start = this.at;
    if (this.lo < x.startLo) x.startLo = this.lo;
    if (this.hi < x.startHi) x.startHi = this.hi;
  }

  /** Ends an op at the current line. */
  private endOp(o: FoldOp): void {
    this.stretchOp(o, this.at, this.lo, this.hi);
  }

  private stretchOp(o: FoldOp, at: number, lo: number, hi: number): void {
    o.end = Math.max(o.start, at);
    o.endLo = Math.max(o.startLo, lo);
    o.endHi = Math.max(o.startHi, hi);
  }

  /**
   * An admin event (or catalog put) op is logged just before its blocking call; nothing is
   * logged when the call returns, so the op spans from its line to the next line of the same
   * worker, the first moment the worker is known to be doing something else.
   */
  private setPending(w: Worker, o: FoldOp, ex: ExecState): void {
    if (w.pending !== null) this.closePending(w);
    w.pending = o;
    w.pendingEx = ex;
  }

  private dropPending(w: Worker, ex: ExecState): void {
    if (w.pendingEx === ex) {
      w.pending = null;
      w.pendingEx = null;
      w.retry = null;
    }
    if (w.last !== null && w.last.ex === ex) w.last = null;
  }

  private closePending(w: Worker): void {
    const o = w.pending;
    if (o === null) return;
    this.endOp(o);
    w.closed = o;
    w.pending = null;
    w.pendingEx = null;
    const retry = w.retry;
    if (retry !== null) {
      w.retry = null;
      if (retry.op === o && o.outcome === 'ok') {
        const last = this.nodeState(retry.ex, retry.node).rec.transitions.at(-1);
        this.nodeTransition(retry.ex, retry.rs, retry.node, last?.to ?? 'Running', 'RetryableFailure');
      }
    }
  }

  /** Sets the outcome of the latest op of `kind`: the one this line ended, else the round's latest. */
  private setOutcome(ws: Worker | null, rs: RoundState, kind: OpKind, outcome: string, node?: string): FoldOp | null {
    const o = this.lastOp(ws, rs, kind, node) ?? (node !== undefined ? this.lastOp(ws, rs, kind) : null);
    if (o !== null) o.outcome = outcome;
    return o;
  }

  /**
   * The op of `kind` a line about its outcome refers to: the worker's last, else the round's last;
   * with `node`, that node's (an ArrayNode's subtasks run side by side, their lines interleave).
   */
  private lastOp(ws: Worker | null, rs: RoundState, kind: OpKind, node?: string): FoldOp | null {
    const fits = (c: FoldOp | null): c is FoldOp => c !== null && c.kind === kind && (node === undefined || c.node === node);
    if (ws !== null && fits(ws.closed)) return ws.closed;
    if (ws !== null && fits(ws.pending)) return ws.pending;
    const ops = rs.r.ops;
    for (let i = ops.length - 1; i >= 0; i--) {
      const c = ops[i] as FoldOp;
      if (fits(c)) return c;
    }
    return null;
  }

  /** An admin event of `kind` failed with `msg`: so did the latest such op, and its round with it. */
  private eventFailed(ex: ExecState, rs: RoundState, ws: Worker | null, kind: OpKind, msg: string): void {
    const outcome = eventFailureClass(msg);
    let o = this.setOutcome(ws, rs, kind, outcome);
    if (o === null && !ex.debug) {
      // Info level: the event's Debug line is missing; it was sent during the round, before this line
      o = this.addOp(rs, kind);
      o.start = rs.r.start;
      o.startLo = startLo(rs.r);
      o.outcome = outcome;
    }
    // A PhaseRetryableFailure event that failed moved nothing: the round's changes are dropped.
    if (o !== null && o.kind === 'taskEvent' && o.to === 'PhaseRetryableFailure' && o.node !== undefined) this.dropInferredRetry(ex, rs, o.node);
    this.failRound(rs, failureText(msg), o);
  }

  // -------------------------------------------------------------------------------------------
  // Workflow and node transitions, task events

  private onWorkflowTransition(ex: ExecState, ws: Worker | null, msg: string, resVer: string | undefined): void {
    const ph = workflowTransitionPhases(msg);
    const rs = this.roundFor(ex, ws, resVer);
    if (ph === undefined) return;
    if (rs.discarded) {
      // Work of a failed round: an op, not part of the persisted history.
      const o = this.addOp(rs, 'workflowTransition');
      o.from = ph.from;
      o.to = ph.to;
      return;
    }
    ex.rec.workflowTransitions.push(this.transitionHere(rs, ph.from, ph.to));
    const o = this.addOp(rs, 'workflowTransition');
    o.from = ph.from;
    o.to = ph.to;
    if (!rs.explicit && rs.r.phase === 'Unknown') rs.r.phase = ph.from;
    // Every transition but to Ready sends a workflow event, synchronously, right after this line.
    if (ph.to !== 'Ready') {
      const ev = this.addOp(rs, 'workflowEvent');
      ev.from = ph.from;
      ev.to = ph.to;
      ev.outcome = 'ok';
      this.setPending(ws ?? rs.hs.worker, ev, ex);
    }
    // A terminal phase is final: a move logged after it in the input but made before it (lines of
    // one second in another order, as a collector may store them) does not undo it.
    if (TERMINAL_WORKFLOW_PHASES.has(ph.to)) {
      ex.rec.phase = ph.to;
      ex.rec.ended = { at: this.at, lo: this.lo, hi: this.hi };
      this.markTerminal(ex);
    } else if (ex.rec.ended === undefined) {
      ex.rec.phase = ph.to;
    }
  }

  /** A transition logged by the current line, in round `rs`. */
  private transitionHere(rs: RoundState, from: string, to: string): Transition {
    return { from, to, at: this.at, atLo: this.lo, atHi: this.hi, handle: rs.hs.index, round: rs.index, line: this.line };
  }

  /**
   * A node out of attempts: its failed pod's `PhaseRetryableFailure` event is followed by a move
   * straight to Failing (`RetriesExhausted`), so the RetryableFailure that event implied in this
   * round did not happen.
   */
  private dropInferredRetry(ex: ExecState, rs: RoundState, node: string): void {
    const ts = this.nodeState(ex, node).rec.transitions;
    const t = ts.at(-1);
    if (t === undefined || t.to !== 'RetryableFailure' || t.handle !== rs.hs.index || t.round !== rs.index) return;
    ts.pop();
    const ops = rs.r.ops;
    for (let i = ops.length - 1; i >= 0; i--) {
      const o = ops[i]!;
      if (o.kind === 'nodeTransition' && o.node === node && o.to === 'RetryableFailure') {
        ops.splice(i, 1);
        break;
      }
    }
  }

  private nodeTransition(ex: ExecState, rs: RoundState, node: string | undefined, from: string, to: string): void {
    const o = this.addOp(rs, 'nodeTransition');
    o.from = from;
    o.to = to;
    if (node === undefined) return;
    o.node = node;
    const ns = this.nodeState(ex, node);
    if (rs.discarded) return;
    (rs.touched ??= []).push(ns);
    pushInChain(ns.rec.transitions, this.transitionHere(rs, from, to));
    if (from === 'Queued' && to === 'Running') {
      // The pod is created in this round, before its first task event (PhaseQueued).
      const pod = (ns.rec.pod ??= {});
      let at = this.at;
      let hi = this.hi;
      if (ns.attemptRound === rs) {
        at = ns.attemptAt;
        hi = ns.attemptHi;
      }
      pod.created = at;
      pod.createdLo = Math.min(rs.r.startLo, at);
      pod.createdHi = hi;
    }
  }

  /**
   * A retry line for a node whose move into RetryableFailure no line showed: an ArrayNode's subtask,
   * whose failed attempt goes out inside the array's one task event. It happened in the latest
   * earlier round of the execution that kept its changes (the retry follows at the next evaluation),
   * somewhere within that round.
   */
  private inferRetryableFailure(ex: ExecState, rs: RoundState, node: string): void {
    const ns = this.nodeState(ex, node);
    const last = ns.rec.transitions.at(-1);
    if (last === undefined || last.to === 'RetryableFailure' || rs.discarded) return;
    const handles = ex.rec.handles as FoldHandle[];
    for (let h = rs.hs.index; h >= 0; h--) {
      const rounds = handles[h]?.rounds ?? [];
      for (let r = (h === rs.hs.index ? rs.index : rounds.length) - 1; r >= 0; r--) {
        const round = rounds[r]!;
        if (!round.changed || round.error !== undefined) continue;
        if (round.start < last.at) return;
        const o: FoldOp = {
          kind: 'nodeTransition',
          start: round.start,
          end: round.start,
          startLo: round.startLo,
          startHi: round.endHi,
          endLo: round.startLo,
          endHi: round.endHi,
          node,
          from: last.to,
          to: 'RetryableFailure',
        };
        round.ops.push(o);
        ns.rec.transitions.push({ from: last.to, to: 'RetryableFailure', at: round.start, atLo: round.startLo, atHi: round.endHi, handle: h, round: r });
        ns.rec.retries = (ns.rec.retries ?? 0) + 1;
        return;
      }
    }
  }

  /** The task event ABORTED of a node being aborted (its status keeps the plugin phase it had). */
  private onAbortTaskEvent(ex: ExecState, ws: Worker, rec: LogRecord): void {
    const rs = this.roundFor(ex, ws, rec.resVer);
    const o = this.addOp(rs, 'taskEvent');
    o.to = 'PhaseAborted';
    o.outcome = 'ok';
    this.setPending(ws, o, ex);
    const node = rec.node;
    if (node === undefined) return;
    o.node = node;
    const ns = this.nodeState(ex, node);
    const prev = ns.plugin ?? 'PhaseUndefined';
    o.from = prev;
    // a node aborted again in the same abort (reached from two finished upstreams) records it once
    if (rs.discarded || prev === 'PhaseAborted') return;
    (rs.touched ??= []).push(ns);
    (ns.rec.taskPhases ??= []).push(this.transitionHere(rs, prev, 'PhaseAborted'));
    ns.plugin = 'PhaseAborted';
  }

  private onTaskEvent(ex: ExecState, ws: Worker | null, msg: string, rec: LogRecord): void {
    const phase = taskEventPhase(msg) ?? 'Unknown';
    const rs = this.roundFor(ex, ws, rec.resVer);
    const o = this.addOp(rs, 'taskEvent');
    o.to = phase;
    o.outcome = 'ok';
    this.setPending(ws ?? rs.hs.worker, o, ex);
    const node = rec.node;
    if (node === undefined) return;
    o.node = node;
    const ns = this.nodeState(ex, node);
    const prev = ns.plugin;
    o.from = prev ?? 'PhaseUndefined';
    if (rs.discarded) return;
    (rs.touched ??= []).push(ns);
    (ns.rec.taskPhases ??= []).push(this.transitionHere(rs, prev ?? 'PhaseUndefined', phase));
    ns.plugin = phase;
    if (phase === 'PhaseRetryableFailure') (ws ?? rs.hs.worker).retry = { op: o, ex, rs, node };
    let pod = ns.rec.pod;
    const newAttempt = prev === undefined || prev === 'PhaseRetryableFailure';
    if (newAttempt) {
      ns.attemptRound = rs;
      ns.attemptAt = this.at;
      ns.attemptHi = this.hi;
      if (prev === 'PhaseRetryableFailure') {
        // A retry: the next attempt creates a new pod in this round. `pods` keeps every
        // attempt, `pod` the latest.
        ns.rec.retries = (ns.rec.retries ?? 0) + 1;
        ns.retriedIn = rs;
        const pods = (ns.rec.pods ??= pod !== undefined ? [pod] : []);
        pod = { created: this.at, createdLo: Math.min(rs.r.startLo, this.at), createdHi: this.hi };
        ns.rec.pod = pod;
        pods.push(pod);
      }
    }
    if (pod === undefined) {
      pod = {};
      ns.rec.pod = pod;
    }
    if (phase === 'PhaseRunning' && pod.started === undefined) {
      this.podTimeFromOwner(ns, pod, 'started');
    } else if (TERMINAL_PLUGIN_PHASES.has(phase) && pod.finished === undefined) {
      this.podTimeFromOwner(ns, pod, 'finished');
      // Propeller's informer saw the exit when it enqueued the owner (that is the `finished` time
      // read from logs); the wait from there to this round is queueing, Flyte's share, not
      // Kubernetes'. The simulator uses the same meaning.
      pod.observed = pod.finished;
      pod.observedLo = pod.finishedLo;
      pod.observedHi = pod.finishedHi;
    }
  }

  /**
   * A pod instant from the owner-update enqueue of its pod that preceded this task event (the
   * pod update propeller then observed), else from the event itself.
   */
  private podTimeFromOwner(ns: NodeState, pod: PodTimes, field: 'started' | 'finished'): void {
    let at = this.at;
    let lo = this.lo;
    let hi = this.hi;
    const floor = pod.createdLo ?? -Infinity;
    if (ns.ownerSeq > ns.usedSeq && ns.ownerLo >= floor && ns.ownerAt <= this.at) {
      at = ns.ownerAt;
      lo = ns.ownerLo;
      hi = ns.ownerHi;
      ns.usedSeq = ns.ownerSeq;
    }
    if (field === 'started') {
      pod.started = at;
      pod.startedLo = lo;
      pod.startedHi = hi;
    } else {
      pod.finished = at;
      pod.finishedLo = lo;
      pod.finishedHi = hi;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Emission

  private emitQuiet(): void {
    const now = this.nowSec;
    for (const ex of this.candidates) {
      if (ex.open !== null || ex.liveChildren > 0) continue;
      if (ex.lastSec + (ex.pendingEnq === null && !ex.childEnded ? this.graceSec : this.enqueuedGraceSec) < now) this.emit(ex);
    }
  }

  private emit(ex: ExecState): void {
    ex.emitted = true;
    const link = this.launchedBy.get(ex.rec.id);
    const parent = link !== undefined ? this.execs.get(link.parent) : undefined;
    if (parent !== undefined && parent.liveChildren > 0) {
      parent.liveChildren--;
      parent.childEnded = true;
      if (parent.lastSec < this.nowSec) parent.lastSec = this.nowSec;
    }
    const rec = this.finalize(ex);
    this.execs.delete(rec.id);
    this.candidates.delete(ex);
    this.emittedIds.add(rec.id);
    if (this.emittedIds.size > this.rememberLimit) {
      const oldest = this.emittedIds.values().next().value;
      if (oldest !== undefined) this.emittedIds.delete(oldest);
    }
    if (this.onExecution !== undefined) this.onExecution(rec);
    else this.finished.push(rec);
  }

  private finalize(ex: ExecState): Execution {
    const open = ex.open;
    if (open !== null) this.closeHandle(open, open.lastAt, open.lastLo, open.lastHi);
    // Ops still waiting for their worker's next line end where they began (an emitted
    // execution is never changed afterwards).
    if (ex.pseudo !== null) this.dropPending(ex.pseudo, ex);
    for (const w of this.workers.values()) this.dropPending(w, ex);
    for (const m of this.replicaWorkers.values()) for (const w of m.values()) this.dropPending(w, ex);
    const rec = ex.rec;
    // Nested ids name their parent. A parent whose children include their own start/end nodes
    // runs a sub-DAG (a dynamic task when it ran as a task first, else a subworkflow); other
    // nested children are ArrayNode subnodes of a map node.
    let parents: Map<string, boolean> | undefined;
    for (const ns of ex.nodes.values()) {
      const n = ns.rec;
      n.kind = nodeKind(n.id, ns);
      const slash = n.id.lastIndexOf('/');
      if (slash > 0) {
        n.parent = retriedParent(ex, n.id.slice(0, slash));
        parents ??= new Map();
        parents.set(n.parent, (parents.get(n.parent) ?? false) || n.kind === 'start' || n.kind === 'end');
      }
    }
    nestBranchCases(ex);
    if (parents !== undefined) {
      for (const [id, subDag] of parents) {
        const p = this.nodeState(ex, id);
        if (p.rec.parent === undefined && id.lastIndexOf('/') > 0) p.rec.parent = retriedParent(ex, id.slice(0, id.lastIndexOf('/')));
        if (p.rec.kind === 'start' || p.rec.kind === 'end' || p.rec.kind === 'branch') continue;
        // a task (cacheable or not) with its own start and end nodes ran a dynamic workflow
        p.rec.kind = subDag ? (p.rec.kind === 'task' || p.rec.kind === 'cachedTask' ? 'dynamic' : 'subworkflow') : 'map';
      }
      // an ArrayNode's children are its subnodes (their pods are the map's subtasks)
      for (const ns of ex.nodes.values()) {
        const n = ns.rec;
        if ((n.kind === 'unknown' || n.kind === 'task' || n.kind === 'cachedTask') && n.parent !== undefined && ex.nodes.get(n.parent)?.rec.kind === 'map') n.kind = 'subnode';
      }
      // An ArrayNode creates its subtasks' pods from parallel goroutines: no line shows where one
      // of those creates ends (the worker's next line may be another subtask's).
      for (const h of rec.handles) {
        for (const r of h.rounds) {
          for (const o of r.ops) if (o.kind === 'podCreate' && o.node !== undefined && ex.nodes.get(o.node)?.rec.kind === 'subnode') o.untimed = true;
        }
      }
    }
    // A node whose task events only the admin sink's lines started (a task's own transition line
    // announces each of its events) and that shows no subtask: an ArrayNode without subtasks (over
    // an empty list, or failed before its first).
    const bare: string[] = [];
    for (const id of ex.sinkTaskNodes) {
      const n = ex.nodes.get(id)?.rec;
      if (n !== undefined && n.kind === 'unknown' && !parents?.has(id)) {
        n.kind = 'map';
        bare.push(id);
      }
    }
    if (parents !== undefined || bare.length > 0) foldArrayEvents(rec.handles, (id) => ex.nodes.get(id)?.rec, bare);
    const nodes: NodeRecord[] = [];
    // A pod is assumed when a node starts running; in a log that has task events, a top-level node
    // that sent none ran no pod (a gate, branch, subworkflow or launch-plan node).
    let taskEvents = false;
    for (const ns of ex.nodes.values()) if ((ns.rec.taskPhases?.length ?? 0) > 0) taskEvents = true;
    for (const ns of ex.nodes.values()) {
      const n = ns.rec;
      if (taskEvents && n.parent === undefined && (n.taskPhases?.length ?? 0) === 0 && n.pods === undefined && n.pod?.started === undefined && n.pod?.finished === undefined) {
        delete n.pod;
      }
      // A launch-plan node runs a child execution, not a pod; an ArrayNode's subtasks run its pods.
      if (n.kind === 'launchplan' && (n.taskPhases?.length ?? 0) === 0) delete n.pod;
      if (n.kind === 'map') {
        delete n.pod;
        delete n.pods;
      }
      if (taskEvents) inferGate(n, n.parent !== undefined ? ex.nodes.get(n.parent)?.rec.kind : undefined, rec.handles);
      for (const p of n.pods ?? (n.pod ? [n.pod] : [])) markUnseen(p);
      nodes.push(n);
    }
    rec.nodes = nodes;
    if (!ex.debug) inferInfoLevel(ex);
    for (const h of rec.handles as FoldHandle[]) tightenInside(h);
    assignEnqueuedAt(rec);
    let first: { at: number; lo: number; hi: number } | undefined;
    for (const e of rec.enqueues) if (first === undefined || e.at < first.at) first = e;
    const h0 = rec.handles[0];
    if (h0 !== undefined && (first === undefined || h0.start < first.at)) first = { at: h0.start, lo: startLo(h0), hi: startHi(h0) };
    if (first !== undefined) rec.created = { at: first.at, lo: first.lo, hi: first.hi };
    const link = this.launchedBy.get(rec.id);
    if (link !== undefined && link.parent !== rec.id) {
      this.launchedBy.delete(rec.id);
      rec.parent = link.parent;
      rec.parentNode = link.node;
    }
    return rec;
  }
}

/**
 * Appends a node's transition; when it is the one that leads into the last one (`from` → `to`
 * where the last left `to`) and both fit in one instant range, the two lines were logged out of
 * order within their second (by two workers): it goes before it, and they swap estimates.
 */
function pushInChain(list: Transition[], t: Transition): void {
  const prev = list[list.length - 1];
  if (
    prev === undefined ||
    prev.from !== t.to ||
    prev.to === t.from ||
    (list.length >= 2 && list[list.length - 2]!.to === prev.from) ||
    t.atLo === undefined ||
    prev.atLo === undefined ||
    t.atLo !== prev.atLo ||
    t.atHi !== prev.atHi
  ) {
    list.push(t);
    return;
  }
  if (t.at > prev.at) {
    const at = t.at;
    t.at = prev.at;
    prev.at = at;
  }
  list.splice(list.length - 1, 0, t);
}

/** Lines logged inside a call the worker's previous line opened: they do not end it. */
function insideCall(kind: MsgKind): boolean {
  return kind === K.eventSink || kind === K.podResources;
}

const EVENT_KINDS: ReadonlySet<OpKind> = new Set<OpKind>(['nodeEvent', 'taskEvent', 'workflowEvent']);

/** The phase in a sink line's event proto text (` phase:RUNNING`). */
const SINK_PHASE = / phase:([A-Z_]+)/;

/** The `name` of `Creating Object: Type:[..], Object:[ns/name]`. */
function podObjectName(msg: string): string | undefined {
  const i = msg.lastIndexOf('Object:[');
  if (i < 0) return undefined;
  const end = msg.indexOf(']', i + 8);
  const key = msg.slice(i + 8, end < 0 ? msg.length : end);
  const slash = key.indexOf('/');
  return slash >= 0 ? key.slice(slash + 1) : key;
}
