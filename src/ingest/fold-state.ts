/**
 * The folder's working state: workers, open Handle calls and rounds, nodes and executions being
 * built. Internal to the ingest layer (`fold.ts` drives it).
 */
import type { Execution, HandleCall, NodeKind, NodeRecord, Ns, Op, Round, Stamp, StreakEnd, Enqueue } from '../timeline/types.js';
import { runOwner } from '../timeline/sub-dag-runs.js';

/**
 * Log instants are whole-second stamps (or CRI receive times): the fold states every bound of its
 * Handle calls, rounds and ops, even when exact, so its JSON keeps one shape.
 */
interface Bounds {
  startLo: Ns;
  startHi: Ns;
  endLo: Ns;
  endHi: Ns;
}
export type FoldOp = Op & Bounds;
export type FoldRound = Round & Bounds & { ops: FoldOp[] };
export type FoldHandle = HandleCall & Bounds & { rounds: FoldRound[] };

export interface Worker {
  routine: string;
  replica: string | undefined;
  /** Open Handle call on this worker. */
  open: HandleState | null;
  /** The Handle call this worker finished last (late lines of the same second attach to it). */
  last: HandleState | null;
  /**
   * Another execution's call this worker had open when a call of a different execution began
   * within the same second: the lines of one second may come out of order, so it stays open for
   * its own later lines until its end or this worker's next call in a later second.
   */
  suspended: HandleState | null;
  /** An op that ends at this worker's next line (admin events, catalog put). */
  pending: FoldOp | null;
  pendingEx: ExecState | null;
  /**
   * A `PhaseRetryableFailure` task event in flight: the node turns RetryableFailure (a transition
   * propeller does not log) when the event returns, i.e. at the worker's next line.
   */
  retry: { op: FoldOp; ex: ExecState; rs: RoundState; node: string } | null;
  /**
   * The node whose task handler is aborting on this worker (`Abort invoked`, until its Finalize or
   * its ABORTED node event): `Sending buffered Task events.` of that node precedes its task event
   * ABORTED (an ArrayNode subtask's goes to the array's buffer: array-events.ts).
   */
  aborting: string | null;
  /** The op the current line just ended, for outcome lines such as "already exist". */
  closed: FoldOp | null;
  /** True for the stand-in worker of an execution whose lines carry no `routine`. */
  pseudo: boolean;
  hasPrev: boolean;
  prevAt: number;
  prevLo: number;
  prevHi: number;
  /** Execution of this worker's latest attributed line (a cache for the lookup by id). */
  lastEx: ExecState | null;
}

export interface HandleState {
  h: FoldHandle;
  index: number;
  ex: ExecState;
  worker: Worker;
  /** Seen its `Processing Workflow.` line. */
  explicit: boolean;
  open: boolean;
  /** Latest round (open or closed). */
  cur: RoundState | null;
  lastAt: number;
  lastLo: number;
  lastHi: number;
  skip: StreakEnd | null;
  fastFollowEnd: StreakEnd | null;
  capHit: boolean;
  errored: boolean;
  /** Its streak is known to be over (streak end, no-fast-follow or skip line): no round follows. */
  streakOver: boolean;
}

export interface NodeState {
  rec: NodeRecord;
  plugin: string | undefined;
  hit: boolean;
  /** Latest owner-update enqueue of the node's pod, and a counter of them. */
  ownerSeq: number;
  ownerAt: number;
  ownerLo: number;
  ownerHi: number;
  /** Owner enqueue already used for a pod time. */
  usedSeq: number;
  /** FoldRound and time of the current attempt's first task event. */
  attemptRound: RoundState | null;
  /** The round whose first event of a new attempt counted a retry (undone if that round fails). */
  retriedIn: RoundState | null;
  attemptAt: number;
  attemptHi: number;
  /** The node launched a child execution (`Launched launchplan with ID [..]`). */
  launched: boolean;
  /** A line of the task handler named the node (its `tasktype` field): a task, even without task events (Info level). */
  taskHandled: boolean;
}

export interface ExecState {
  rec: Execution;
  nodes: Map<string, NodeState>;
  open: HandleState | null;
  last: HandleState | null;
  lastSec: number;
  terminal: boolean;
  /** Latest enqueue since the previous Handle call started. */
  pendingEnq: Enqueue | null;
  pseudo: Worker | null;
  /** Handed over: no longer in the folder's map (late lines are counted, never folded). */
  emitted: boolean;
  /**
   * `Workflow completed successfully` lines (Info), logged as the workflow turns Succeeded: the end
   * of an execution whose Debug-level `Transitioning ... [Succeeding] -> [Succeeded]` line is
   * missing, once its round kept its changes.
   */
  completed: LineAt[];
  /** `Workflow has failed` lines: at Info level they date the move Running → Failing. */
  failedAt: LineAt[];
  /** Nodes with a task event that only the admin sink's line started (an ArrayNode's own). */
  sinkTaskNodes: Set<string>;
  /** `Current execution for the node timed out` lines, by node: at Info level the only sign of a retry. */
  attemptTimeouts: (LineAt & { node: string })[];
  /** `Will not fast follow, Reason: Wf terminated? true` (Info): the round that wrote a terminal workflow. */
  terminated: LineAt | null;
  /** A Debug-level line of the execution was seen: the log has what the Info-level inferences make up. */
  debug: boolean;
  /**
   * Child executions it launched that are not handed over yet, and whether one ended since: the
   * admin launcher's poll enqueues the parent when it sees a child end (up to a poll period
   * later), even a parent that has ended.
   */
  liveChildren: number;
  childEnded: boolean;
  /** Ids of nodes that lines show nested nodes of (`m` for `m/n0`). */
  nested: Set<string>;
  /** Pod creates whose end a line shows (the back-off handler's `.. finished without an error`). */
  createsEnded: Set<FoldOp>;
}

/** Where a line was: its instant and the round it belongs to. */
export interface LineAt {
  at: number;
  lo: number;
  hi: number;
  handle: number;
  round: number;
  line: number;
}

/** Plugin phases that end a pod attempt (the container has exited). */
export const TERMINAL_PLUGIN_PHASES: ReadonlySet<string> = new Set(['PhaseSuccess', 'PhaseRetryableFailure', 'PhasePermanentFailure']);

export function newWorker(routine: string, replica: string | undefined, pseudo: boolean): Worker {
  return {
    routine,
    replica,
    open: null,
    last: null,
    suspended: null,
    pending: null,
    pendingEx: null,
    retry: null,
    aborting: null,
    closed: null,
    pseudo,
    hasPrev: false,
    // -0: kept as a float from the start (see LogFolder.at)
    prevAt: -0,
    prevLo: -0,
    prevHi: -0,
    lastEx: null,
  };
}

/** A round being folded, with the bookkeeping its lines need. */
export class RoundState {
  closed = false;
  noChange = false;
  traversal: FoldOp | null = null;
  etcd: FoldOp | null = null;
  etcdOpen = false;
  etcdNoStart = false;
  /**
   * The round failed and its status changes were dropped (propeller writes the input copy, or
   * nothing): its transitions stay as ops but leave the node and workflow histories.
   */
  discarded = false;
  /** Nodes whose history this round added to (to take a discarded round's entries back out). */
  touched: NodeState[] | null = null;
  /** Instant of the too-large line: a following successful write persisted Failing/Failed then. */
  tooLargeAt: Stamp | null = null;
  /** The execution's end and terminal flag before this round, restored when it is discarded. */
  endedBefore: Stamp | undefined = undefined;
  terminalBefore = false;
  constructor(
    public r: FoldRound,
    public index: number,
    public hs: HandleState,
    /** Seen its `Handling Workflow .. p [X]` line (implicit rounds come from other in-round lines). */
    public explicit: boolean,
    public lastAt: number,
    public lastLo: number,
    public lastHi: number,
  ) {}
}

/**
 * The enclosing node of a nested id's `parent` part: itself, or, for `<node>-<attempt>` that names
 * no node while `<node>` does, that node (a dynamic node's retry runs its sub-DAG as new node
 * executions, `<node>-<attempt>/<child>`).
 */
export function retriedParent(ex: ExecState, parent: string): string {
  if (ex.nodes.has(parent)) return parent;
  const run = runOwner(parent);
  return run !== undefined && ex.nodes.has(run.node) ? run.node : parent;
}

export function nodeKind(id: string, ns: NodeState): NodeKind {
  const slash = id.lastIndexOf('/');
  const leaf = slash >= 0 ? id.slice(slash + 1) : id;
  if (leaf === 'start-node') return 'start';
  if (leaf === 'end-node') return 'end';
  // a catalog lookup (hit or miss) marks a cacheable task
  if (ns.hit || ns.rec.cache !== undefined) return 'cachedTask';
  if ((ns.rec.taskPhases !== undefined && ns.rec.taskPhases.length > 0) || ns.taskHandled) return 'task';
  if (ns.launched) return 'launchplan';
  return 'unknown';
}
