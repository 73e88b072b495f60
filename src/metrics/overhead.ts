/**
 * Per-node overhead split and the workflow overhead as the RFC defines it.
 *
 * Node time = its window [runnable, end] (see node-window.ts), split into:
 * - user: the union of [started, finished) of the node's own pod attempts and of every
 *   descendant's (subworkflow, dynamic and map subnodes: nodes whose `parent` chain leads here);
 * - external: the union of [created, started) and [finished, observed) of those pods, plus the
 *   lifetime of launch-plan child executions started by the node and a gate's wait for its
 *   condition (sleep, approval, signal), minus the user set;
 * - Flyte: the rest of the window (waiting for rounds, events, etcd, blobstore, catalog).
 * Both sets are clipped to the window, so the three parts are non-negative integers that sum
 * exactly to the node time. `wait` is the part of Flyte before the node's first transition
 * (from runnable to the round that first touched it).
 *
 * Workflow overhead = each part summed over top-level nodes (nested nodes are already inside
 * their parent's window), as ratios of those sums: flyteRatio = flyte / (user + flyte +
 * external), externalRatio likewise, 0 when the sum is 0. Parallel nodes are each counted in
 * full, as the RFC prescribes.
 */
import type { Execution, NodeRecord, Span, Transition } from '../timeline/types.js';
import { childrenByLaunchNode, executionSpan, type ExecutionSpan } from './execution-span.js';
import { addSpan, instant, splitWindow, zeroSpan, type Instant, type Interval, type Split } from './intervals.js';
import { nodeWindows, type NodeWindow } from './node-window.js';
import { podIntervals, podsOf, typicalStartLag } from './pod-times.js';

export interface NodeOverhead {
  window: NodeWindow;
  split: Split;
  /** Flyte time between runnable and the node's first transition. */
  wait: Span;
  /** Own and descendant user / external intervals (unclipped), reused by the critical path. */
  userIntervals: Interval[];
  externalIntervals: Interval[];
  /** Own pod attempts. */
  pods: number;
  /** Launch-plan child executions attributed to this node. */
  childExecutions: string[];
}

export interface OverheadSums {
  time: Span;
  user: Span;
  external: Span;
  flyte: Span;
}

export interface ExecutionOverhead {
  span: ExecutionSpan;
  nodes: NodeOverhead[];
  /** Sums over top-level nodes. */
  sums: OverheadSums;
  /** Recorded nodes that never made a transition (no window). */
  notStarted: string[];
}

/** part / total, 0 when the total is 0. */
export function ratio(part: number, total: number): number {
  return total > 0 ? Math.min(1, Math.max(0, part / total)) : 0;
}

/** Bounds of part / (part + rest) from bounds of both (the ratio grows with part, shrinks with rest). */
export function ratioBounds(part: Span, rest: Span): { lo: number; hi: number } {
  return { lo: ratio(part.lo, part.lo + rest.hi), hi: ratio(part.hi, part.hi + rest.lo) };
}

const FAR: Instant = instant(Number.MAX_SAFE_INTEGER);

function childLifetimes(exec: Execution, children: readonly Execution[]): Map<string, { id: string; iv: Interval }[]> {
  const out = new Map<string, { id: string; iv: Interval }[]>();
  for (const [nodeId, kids] of childrenByLaunchNode(exec, children)) {
    out.set(
      nodeId,
      kids.map((c) => {
        const s = executionSpan(c);
        return { id: c.id, iv: { s: s.start, e: s.end } };
      }),
    );
  }
  return out;
}

/**
 * A gate's wait for its condition (a sleep, an approval, a signal): from the node's start (its
 * Running transition) until the condition was met. Not Flyte's doing: external.
 */
function gateWait(n: NodeRecord): Interval | undefined {
  if (n.gateOpened === undefined) return undefined;
  let from: Transition | undefined;
  for (const t of n.transitions) if (t.to === 'Running' && (from === undefined || t.at < from.at)) from = t;
  if (from === undefined || !(n.gateOpened > from.at)) return undefined;
  return { s: instant(from.at, from.atLo, from.atHi), e: instant(n.gateOpened, n.gateOpenedLo, n.gateOpenedHi) };
}

/**
 * Overhead of one execution. `children`: launch-plan child executions of this one (their
 * lifetime is external time of the launching node).
 */
export function executionOverhead(exec: Execution, children: readonly Execution[] = []): ExecutionOverhead {
  const span = executionSpan(exec);
  const windows = nodeWindows(exec, span.start, span.end);
  const windowById = new Map<string, NodeWindow>();
  for (const w of windows) windowById.set(w.node.id, w);
  const lifetimes = childLifetimes(exec, children);

  // Own intervals of every recorded node, then descendants folded in (memoised depth-first).
  const kids = new Map<string, NodeRecord[]>();
  for (const n of exec.nodes) {
    if (n.parent === undefined) continue;
    let l = kids.get(n.parent);
    if (!l) kids.set(n.parent, (l = []));
    l.push(n);
  }
  const own = new Map<string, { user: Interval[]; external: Interval[]; pods: number; lp: string[] }>();
  // A pod whose container start no line showed started, as far as the record tells, as the
  // execution's other pods typically did.
  // A map node runs no pod of its own: its task phases (and a pod a log fold built from them)
  // aggregate its subtasks' and would span the whole map. Its subnodes' pods say when code ran;
  // without subnodes only a pod the fold built (an info-level log shows no subtask) stands for
  // them: an array with no subtasks ran no code.
  const podsByNode = exec.nodes.map((n) => (n.kind === 'map' && (kids.has(n.id) || n.pod === undefined) ? [] : podsOf(n)));
  const startLag = typicalStartLag(podsByNode.flat());
  for (let i = 0; i < exec.nodes.length; i++) {
    const n = exec.nodes[i]!;
    const openEnd = windowById.get(n.id)?.end ?? FAR;
    const user: Interval[] = [];
    const external: Interval[] = [];
    const pods = podsByNode[i]!;
    for (const p of pods) podIntervals(p, openEnd, user, external, startLag);
    const lp = lifetimes.get(n.id) ?? [];
    for (const c of lp) external.push(c.iv);
    const gate = gateWait(n);
    if (gate) external.push(gate);
    own.set(n.id, { user, external, pods: pods.length, lp: lp.map((c) => c.id) });
  }
  const all = new Map<string, { user: Interval[]; external: Interval[] }>();
  const collect = (id: string, depth: number): { user: Interval[]; external: Interval[] } => {
    const memo = all.get(id);
    if (memo) return memo;
    const mine = own.get(id) ?? { user: [], external: [] };
    const user = [...mine.user];
    const external = [...mine.external];
    all.set(id, { user, external }); // guards against parent cycles in malformed input
    if (depth < 64) {
      for (const k of kids.get(id) ?? []) {
        if (k.id === id) continue;
        const sub = collect(k.id, depth + 1);
        for (const iv of sub.user) user.push(iv);
        for (const iv of sub.external) external.push(iv);
      }
    }
    return { user, external };
  };

  const nodes: NodeOverhead[] = windows.map((w) => {
    const ivs = collect(w.node.id, 0);
    const split = splitWindow({ s: w.runnable, e: w.end }, ivs.user, ivs.external);
    const wait = splitWindow({ s: w.runnable, e: w.firstAt }, ivs.user, ivs.external).flyte;
    const mine = own.get(w.node.id);
    return {
      window: w,
      split,
      wait,
      userIntervals: ivs.user,
      externalIntervals: ivs.external,
      pods: mine?.pods ?? 0,
      childExecutions: mine?.lp ?? [],
    };
  });

  let sums: OverheadSums = { time: zeroSpan(), user: zeroSpan(), external: zeroSpan(), flyte: zeroSpan() };
  for (const n of nodes) {
    if (!n.window.topLevel) continue;
    sums = {
      time: addSpan(sums.time, n.split.time),
      user: addSpan(sums.user, n.split.user),
      external: addSpan(sums.external, n.split.external),
      flyte: addSpan(sums.flyte, n.split.flyte),
    };
  }
  const notStarted = exec.nodes.filter((n) => !windowById.has(n.id)).map((n) => n.id);
  return { span, nodes, sums, notStarted };
}

