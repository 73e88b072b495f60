/**
 * A node's window: from when it became runnable to its first terminal transition.
 *
 * End: the first transition into Succeeded/Failed/Skipped/TimedOut/Recovered. A node that never
 * got there but was aborted (a failing workflow aborts what still runs: an ABORTED node event,
 * while propeller leaves the node's phase as it was) ends at that event, flagged `aborted`. Any
 * other is flagged `complete: false` and ends at the execution's last instant seen (when given),
 * else at its own last transition.
 *
 * Runnable, by the first rule that applies:
 * - `start`: the top-level start-node becomes runnable when the execution was created.
 * - `upstream`: with known upstream ids, the latest end among the upstream nodes (the one that
 *   finished last is `from`). Ids are looked up as given, then relative to the node's parent.
 * - `sibling` (no upstream info, e.g. logs): the latest terminal transition of another node with
 *   the same parent that happened before this node's first transition; when both carry round
 *   indices, "before" means in an earlier round, or earlier in the same round (the traversal goes
 *   on downstream of a node that just succeeded), otherwise at or before in time. In a chain this is exactly the upstream; with
 *   parallel branches it may pick a node that finished later than the true upstream, so the
 *   window, and the Flyte wait in it, can only be under-estimated.
 * - `parallelism`: the `sibling` rule for a node first handled right after rounds that max
 *   parallelism short-circuited (a `parallelismLimit` op). Such a node may have been runnable, and
 *   skipped, since the first of those rounds: the best estimate is the latest terminal transition
 *   of a sibling before that round (in a fan-out held back by max parallelism, the true
 *   upstream), and the bounds reach up to the plain `sibling` instant (the node became runnable
 *   only when the slot-freeing sibling finished). Without this rule the Flyte wait of every node a
 *   parallelism limit held back would be lost.
 * - `parent`: a nested node with nothing before it becomes runnable at its parent's first
 *   transition (the parent is being handled). Map-task subnodes (kind `subnode`, or children of
 *   a `map` node) and a branch's cases never wait for each other, so they always use this rule.
 * - `created`: a top-level node with nothing before it, at the execution's creation.
 * Runnable is then capped at the node's first transition (a node cannot start before it is
 * runnable; a later upstream end only means inconsistent or coarse input), flagged `capped`.
 */
import { TERMINAL_NODE_PHASES, type Execution, type NodeRecord, type Ns, type Transition } from '../timeline/types.js';
import { startHi, startLo } from '../timeline/bounds.js';
import { instant, type Instant } from './intervals.js';

export type RunnableRule = 'start' | 'upstream' | 'sibling' | 'parallelism' | 'parent' | 'created';

export interface NodeWindow {
  node: NodeRecord;
  first: Transition;
  firstAt: Instant;
  /** First terminal transition, or the last transition seen. */
  endTransition: Transition;
  end: Instant;
  complete: boolean;
  runnable: Instant;
  rule: RunnableRule;
  /** Node whose end made this node runnable (`upstream`, `sibling` and `parallelism` rules). */
  from?: string;
  /** Runnable was later than the first transition and was capped to it. */
  capped: boolean;
  /** True for nodes without a recorded parent node (their windows are summed for the workflow). */
  topLevel: boolean;
  /** It ended aborted (its ABORTED event); `endTransition` then stands for that event. */
  aborted?: boolean;
}

function at(t: Transition): Instant {
  return instant(t.at, t.atLo, t.atHi);
}

/** Earliest transition (ties: earliest in the list), first terminal one, latest one. */
function scan(ts: readonly Transition[]): { first: Transition; terminal?: Transition; last: Transition } | undefined {
  let first: Transition | undefined;
  let terminal: Transition | undefined;
  let last: Transition | undefined;
  for (const t of ts) {
    if (!first || t.at < first.at) first = t;
    if (!last || t.at >= last.at) last = t;
    if (TERMINAL_NODE_PHASES.has(t.to) && (!terminal || t.at < terminal.at)) terminal = t;
  }
  return first && last ? { first, last, ...(terminal ? { terminal } : {}) } : undefined;
}

export function isStartNode(n: NodeRecord): boolean {
  return n.kind === 'start' || n.id === 'start-node';
}

export function isEndNode(n: NodeRecord): boolean {
  return n.kind === 'end' || n.id === 'end-node';
}

/** True when transition a happened strictly before b (by round order when both know it). */
function before(a: Transition, b: Transition): boolean {
  if (a.handle !== undefined && a.round !== undefined && b.handle !== undefined && b.round !== undefined) {
    if (a.handle !== b.handle || a.round !== b.round) return a.handle < b.handle || (a.handle === b.handle && a.round < b.round);
    // The same round: the traversal goes on downstream of a node that just succeeded, so its
    // child can start in that round, after it (in log order where the lines say it).
    return a.line !== undefined && b.line !== undefined ? a.line < b.line : a.at < b.at;
  }
  return a.at <= b.at;
}

/** Map-task subnodes do not wait for each other: all are runnable once the map node runs. */
function independentSibling(p: Partial, byId: Map<string, Partial>): boolean {
  if (p.topLevel) return false;
  // map subnodes run side by side; a branch's cases are alternatives: none waits for another, so
  // each is runnable from its branch's start (the parent rule)
  const parentKind = byId.get(p.node.parent!)?.node.kind;
  return p.node.kind === 'subnode' || parentKind === 'map' || parentKind === 'branch';
}

interface Partial {
  node: NodeRecord;
  first: Transition;
  endTransition: Transition;
  complete: boolean;
  topLevel: boolean;
  aborted?: boolean;
}

/**
 * The first ABORTED node event of each node, as the transition it stands for (from the node's
 * phase then to `Aborted`), in the round that sent it.
 */
function abortsOf(exec: Execution): Map<string, Transition> {
  const out = new Map<string, Transition>();
  exec.handles.forEach((h, hi) =>
    h.rounds.forEach((r, ri) => {
      if (r.error !== undefined) return;
      for (const o of r.ops) {
        if (o.kind !== 'nodeEvent' || o.to !== 'ABORTED' || o.node === undefined || out.has(o.node)) continue;
        if (o.outcome !== undefined && o.outcome !== 'ok' && o.outcome !== 'alreadyExists') continue;
        out.set(o.node, { from: '', to: 'Aborted', at: o.start, atLo: startLo(o), atHi: startHi(o), handle: hi, round: ri });
      }
    }),
  );
  return out;
}

function cmpTerminal(x: Partial, y: Partial): number {
  const a = x.endTransition;
  const b = y.endTransition;
  return (
    a.at - b.at ||
    (a.handle ?? -1) - (b.handle ?? -1) ||
    (a.round ?? -1) - (b.round ?? -1) ||
    (x.node.id < y.node.id ? -1 : x.node.id > y.node.id ? 1 : 0)
  );
}

/** A round, by its place in the execution: handle index, round index, start. */
interface RoundAt {
  handle: number;
  round: number;
  at: Ns;
}

/**
 * For every round that directly follows a run of rounds short-circuited by max parallelism, the
 * first round of that run, keyed `handle:round`.
 */
function saturatedSince(exec: Execution): Map<string, RoundAt> {
  const out = new Map<string, RoundAt>();
  let runStart: RoundAt | undefined;
  exec.handles.forEach((h, hi) =>
    h.rounds.forEach((r, ri) => {
      if (runStart) out.set(`${hi}:${ri}`, runStart);
      if (r.ops.some((o) => o.kind === 'parallelismLimit')) runStart ??= { handle: hi, round: ri, at: r.start };
      else runStart = undefined;
    }),
  );
  return out;
}

/** True when transition `t` happened in a round before `r` (by time when `t` has no round). */
function beforeRound(t: Transition, r: RoundAt): boolean {
  if (t.handle !== undefined && t.round !== undefined) return t.handle < r.handle || (t.handle === r.handle && t.round < r.round);
  return t.at < r.at;
}

/** Windows of every node that has at least one transition, in input order. */
export function nodeWindows(exec: Execution, created: Instant, seenUntil?: Instant): NodeWindow[] {
  const parts: Partial[] = [];
  const byId = new Map<string, Partial>();
  const recorded = new Set(exec.nodes.map((n) => n.id));
  let aborts: Map<string, Transition> | undefined;
  for (const node of exec.nodes) {
    const s = scan(node.transitions);
    if (!s) continue;
    const p: Partial = {
      node,
      first: s.first,
      endTransition: s.terminal ?? s.last,
      complete: s.terminal !== undefined,
      topLevel: node.parent === undefined || !recorded.has(node.parent),
    };
    if (!p.complete) {
      const a = (aborts ??= abortsOf(exec)).get(node.id);
      if (a !== undefined && a.at >= s.last.at) {
        p.endTransition = { ...a, from: s.last.to };
        p.complete = true;
        p.aborted = true;
      } else if (node.kind === 'subnode') {
        // an ArrayNode's abort sends no node event for its subtasks: their task phase says it
        const tp = node.taskPhases?.at(-1);
        if (tp !== undefined && tp.to === 'PhaseAborted' && tp.at >= s.last.at) {
          p.endTransition = { ...tp, from: s.last.to, to: 'Aborted' };
          p.complete = true;
          p.aborted = true;
        }
      }
    }
    parts.push(p);
    byId.set(node.id, p);
  }

  // Terminal transitions of each sibling group, sorted, for the `sibling` rule.
  const groups = new Map<string, Partial[]>();
  for (const p of parts) {
    if (!p.complete) continue;
    const key = p.topLevel ? '' : p.node.parent!;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  for (const g of groups.values()) g.sort(cmpTerminal);

  let saturated: Map<string, RoundAt> | undefined;
  const resolve = (id: string, parent: string | undefined): Partial | undefined =>
    byId.get(id) ?? (parent !== undefined ? byId.get(`${parent}/${id}`) : undefined);

  return parts.map((p): NodeWindow => {
    const { node } = p;
    let runnable: Instant | undefined;
    let rule: RunnableRule | undefined;
    let from: string | undefined;
    if (p.topLevel && isStartNode(node)) {
      runnable = created;
      rule = 'start';
    } else if (node.upstream !== undefined) {
      let best: Partial | undefined;
      for (const u of node.upstream) {
        const q = resolve(u, node.parent);
        if (!q || q === p) continue;
        if (!best || cmpTerminal(q, best) > 0) best = q;
      }
      if (best) {
        runnable = at(best.endTransition);
        rule = 'upstream';
        from = best.node.id;
      }
    } else if (!independentSibling(p, byId)) {
      const g = groups.get(p.topLevel ? '' : node.parent!) ?? [];
      // Last index whose terminal time is <= this node's first transition, then walk back.
      let lo = 0;
      let hi = g.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (g[mid]!.endTransition.at <= p.first.at) lo = mid + 1;
        else hi = mid;
      }
      let i = lo - 1;
      for (; i >= 0; i--) {
        const q = g[i]!;
        if (q !== p && before(q.endTransition, p.first)) {
          runnable = at(q.endTransition);
          rule = 'sibling';
          from = q.node.id;
          break;
        }
      }
      const run = p.first.handle !== undefined && p.first.round !== undefined ? (saturated ??= saturatedSince(exec)).get(`${p.first.handle}:${p.first.round}`) : undefined;
      if (run && runnable) {
        for (i--; i >= 0; i--) {
          const q = g[i]!;
          if (q !== p && beforeRound(q.endTransition, run)) {
            const early = at(q.endTransition);
            runnable = { at: early.at, lo: early.lo, hi: Math.max(early.hi, runnable.hi) };
            rule = 'parallelism';
            from = q.node.id;
            break;
          }
        }
      }
    }
    if (!runnable) {
      const parent = p.topLevel ? undefined : byId.get(node.parent!);
      if (parent) {
        runnable = at(parent.first);
        rule = 'parent';
      } else {
        runnable = created;
        rule = 'created';
      }
    }
    const firstAt = at(p.first);
    let capped = false;
    if (runnable.at > firstAt.at) {
      runnable = firstAt;
      capped = true;
    }
    return {
      node,
      first: p.first,
      firstAt,
      endTransition: p.endTransition,
      // A node with no terminal phase was still going when the record stops: it runs to the last
      // instant seen of its execution, as the execution's makespan does.
      end: !p.complete && seenUntil !== undefined && seenUntil.at > p.endTransition.at ? seenUntil : at(p.endTransition),
      complete: p.complete,
      runnable,
      rule: rule!,
      ...(from !== undefined ? { from } : {}),
      capped,
      topLevel: p.topLevel,
      ...(p.aborted ? { aborted: true } : {}),
    };
  });
}
