/**
 * Critical-path view of an execution's overhead: only the time on the chain of nodes that
 * determined the makespan.
 *
 * The path is found by walking back from the end-node (or, when there is none, the top-level
 * node that ended last) through the node that made each node runnable (its latest-finishing
 * upstream; for logs the inferred one, see node-window.ts). The makespan [created, end] is
 * then tiled left to right: each path node contributes its window from the later of its runnable
 * time and the previous node's end (windows can only overlap when a runnable time was capped),
 * split as in overhead.ts; any gap before or between path nodes and the workflow tail (end-node
 * terminal -> workflow terminal) are charged to Flyte. The three parts sum exactly to the
 * makespan.
 */
import type { Span } from '../timeline/types.js';
import { addSpan, splitWindow, tightenParts, windowSpan, zeroSpan, type Instant } from './intervals.js';
import { isEndNode } from './node-window.js';
import type { ExecutionOverhead, NodeOverhead } from './overhead.js';

export interface CriticalPath {
  /** Node ids from the first to the last node of the path. */
  nodes: string[];
  user: Span;
  external: Span;
  flyte: Span;
  /** Flyte time before the first path node's window and between path nodes. */
  gaps: Span;
  /** Flyte time after the last path node ended, up to the workflow's end. */
  tail: Span;
  makespan: Span;
}

const later = (a: Instant, b: Instant): Instant => (b.at > a.at ? b : a);
const earlier = (a: Instant, b: Instant): Instant => (b.at < a.at ? b : a);

function cmpEnd(a: NodeOverhead, b: NodeOverhead): number {
  return a.window.end.at - b.window.end.at || (a.window.node.id < b.window.node.id ? -1 : 1);
}

export function criticalPath(ov: ExecutionOverhead): CriticalPath {
  const top = new Map<string, NodeOverhead>();
  for (const n of ov.nodes) if (n.window.topLevel) top.set(n.window.node.id, n);
  let last: NodeOverhead | undefined;
  for (const n of top.values()) {
    if (isEndNode(n.window.node)) {
      last = n;
      break;
    }
  }
  if (!last) for (const n of top.values()) if (!last || cmpEnd(n, last) > 0) last = n;

  const path: NodeOverhead[] = [];
  const seen = new Set<string>();
  for (let cur = last; cur && !seen.has(cur.window.node.id); ) {
    seen.add(cur.window.node.id);
    path.push(cur);
    cur = cur.window.from !== undefined ? top.get(cur.window.from) : undefined;
  }
  path.reverse();

  const { start, end } = ov.span;
  let user = zeroSpan();
  let external = zeroSpan();
  let flyteIn = zeroSpan();
  let gaps = zeroSpan();
  let cursor = start;
  for (const n of path) {
    const segStart = earlier(later(n.window.runnable, cursor), end);
    const segEnd = later(segStart, earlier(n.window.end, end));
    gaps = addSpan(gaps, windowSpan({ s: cursor, e: segStart }));
    const s = splitWindow({ s: segStart, e: segEnd }, n.userIntervals, n.externalIntervals);
    user = addSpan(user, s.user);
    external = addSpan(external, s.external);
    flyteIn = addSpan(flyteIn, s.flyte);
    cursor = segEnd;
  }
  const tail = windowSpan({ s: cursor, e: end });
  const makespan = windowSpan({ s: start, e: end });
  const [u, x, f] = tightenParts([user, external, addSpan(addSpan(flyteIn, gaps), tail)], makespan);
  const cap = (s: Span): Span => ({ est: s.est, lo: s.lo, hi: Math.max(s.est, Math.min(s.hi, makespan.hi)) });
  return {
    nodes: path.map((n) => n.window.node.id),
    user: u,
    external: x,
    flyte: f,
    gaps: cap(gaps),
    tail: cap(tail),
    makespan,
  };
}
