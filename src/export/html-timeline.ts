/**
 * The Gantt-style timeline of one execution: one row per node from runnable to terminal, coloured
 * by overhead category, and below it a lane per propeller worker with the execution's Handle
 * calls and their rounds.
 *
 * Segment positions come from the recording's pod times when it is given (user = container
 * running, external = pod created → started and exit → observed, plus launch-plan children, both
 * including nested nodes, as the overhead split counts them; Flyte = the rest of the window).
 * Without it, each row shows the report's durations as proportional blocks in a fixed order
 * (wait, external, user, rest of Flyte). A hatched band from the node's lower to upper duration
 * bound marks where the node may really have ended when timestamps are coarse.
 *
 * Large executions are cut down: all nodes up to `maxNodes`, otherwise the critical path and the
 * `maxNodes` longest; Handle calls beyond `maxHandles` (or workers beyond `maxWorkers`) are drawn
 * as busy time per time slice instead of one by one.
 */
import { childrenByLaunchNode, executionSpan } from '../metrics/execution-span.js';
import { instant, type Interval } from '../metrics/intervals.js';
import { podIntervals, podsOf } from '../metrics/pod-times.js';
import type { ExecutionReport, NodeReport } from '../metrics/report-json.js';
import type { Execution, HandleCall, NodeRecord, Recording } from '../timeline/types.js';
import { CATEGORY_CLASS, clip, durText, esc, n1, naturalCompare, rect, svgOpen, timeAxis, title, type Category } from './html-svg.js';

export interface TimelineOptions {
  /** Node rows drawn before the execution is cut down to its critical path and longest nodes. */
  maxNodes: number;
  /** Handle calls drawn one by one. */
  maxHandles: number;
  /** Worker lanes drawn one by one. */
  maxWorkers: number;
}

export interface NodeSelection {
  nodes: NodeReport[];
  /** Set when some nodes were left out. */
  note?: string;
}

/** Runnable order, report order for ties. */
function byRunnable(nodes: readonly NodeReport[], index: Map<NodeReport, number>): NodeReport[] {
  return [...nodes].sort((a, b) => a.runnableAtNs - b.runnableAtNs || index.get(a)! - index.get(b)!);
}

const longestFirst = (a: NodeReport, b: NodeReport): number => b.timeNs - a.timeNs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The nodes to draw: all of them, or the critical path plus the `maxNodes` longest. */
export function selectNodes(e: ExecutionReport, maxNodes: number): NodeSelection {
  const index = new Map<NodeReport, number>();
  e.nodes.forEach((n, i) => index.set(n, i));
  if (e.nodes.length <= maxNodes) return { nodes: byRunnable(e.nodes, index) };
  const onPath = new Set(e.criticalPath.nodes);
  let path = e.nodes.filter((n) => onPath.has(n.id));
  const pathTotal = path.length;
  if (path.length > maxNodes) path = [...path].sort(longestFirst).slice(0, maxNodes);
  const longest = [...e.nodes].sort(longestFirst).slice(0, maxNodes);
  const chosen = new Set<NodeReport>([...path, ...longest]);
  const nodes = byRunnable([...chosen], index);
  const pathText = pathTotal > path.length ? `the ${path.length} longest of its ${pathTotal} critical-path nodes` : `the critical path (${pathTotal} nodes)`;
  return {
    nodes,
    note: `${nodes.length} of ${e.nodes.length} nodes drawn: ${pathText} and the ${maxNodes} longest nodes; every node is in the JSON report.`,
  };
}

interface Seg {
  cat: Category;
  s: number;
  e: number;
}

/** The report's durations as blocks in a fixed order (wait, external, user, rest of Flyte). */
function proportionalSegments(n: NodeReport): Seg[] {
  const parts: [Category, number][] = [
    ['flyte', Math.min(n.waitNs, n.flyteNs)],
    ['external', n.externalNs],
    ['user', n.userNs],
    ['flyte', n.flyteNs - Math.min(n.waitNs, n.flyteNs)],
  ];
  const out: Seg[] = [];
  let t = n.runnableAtNs;
  for (const [cat, d] of parts) {
    if (!(d > 0)) continue;
    out.push({ cat, s: t, e: t + d });
    t += d;
  }
  return out;
}

/**
 * Window [ws, we] split by where the user and external intervals lie (user wins where both do,
 * as in the overhead split); adjacent pieces of one category are merged.
 */
export function sweepSegments(ws: number, we: number, user: readonly [number, number][], external: readonly [number, number][]): Seg[] {
  if (!(we > ws)) return [];
  const ev: [number, number, number][] = []; // time, +/-1, 0 = user / 1 = external
  const add = (ivs: readonly [number, number][], k: number): void => {
    for (const [s0, e0] of ivs) {
      const s = Math.max(s0, ws);
      const e = Math.min(e0, we);
      if (e > s) ev.push([s, 1, k], [e, -1, k]);
    }
  };
  add(user, 0);
  add(external, 1);
  ev.sort((a, b) => a[0] - b[0]);
  const out: Seg[] = [];
  const count = [0, 0];
  let t = ws;
  const push = (to: number): void => {
    if (!(to > t)) return;
    const cat: Category = count[0]! > 0 ? 'user' : count[1]! > 0 ? 'external' : 'flyte';
    const last = out[out.length - 1];
    if (last && last.cat === cat && last.e === t) last.e = to;
    else out.push({ cat, s: t, e: to });
    t = to;
  };
  for (const [at, d, k] of ev) {
    push(at);
    count[k]! += d;
  }
  push(we);
  return out;
}

/** Pod and child-execution intervals of every recorded node, own and nested, by node id. */
class RecordedIntervals {
  private readonly kids = new Map<string, NodeRecord[]>();
  private readonly byId = new Map<string, NodeRecord>();
  private readonly lp = new Map<string, [number, number][]>();

  constructor(exec: Execution, children: readonly Execution[]) {
    for (const n of exec.nodes) {
      this.byId.set(n.id, n);
      if (n.parent === undefined) continue;
      let l = this.kids.get(n.parent);
      if (!l) this.kids.set(n.parent, (l = []));
      l.push(n);
    }
    for (const [id, kids] of childrenByLaunchNode(exec, children)) {
      this.lp.set(
        id,
        kids.map((c): [number, number] => {
          const s = executionSpan(c);
          return [s.start.at, s.end.at];
        }),
      );
    }
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** User and external intervals (estimates) of a node and its descendants; open pods run to `openEnd`. */
  of(id: string, openEnd: number): { user: [number, number][]; external: [number, number][] } {
    const user: [number, number][] = [];
    const external: [number, number][] = [];
    const seen = new Set<string>();
    const visit = (nid: string, depth: number): void => {
      if (seen.has(nid) || depth > 64) return;
      seen.add(nid);
      const n = this.byId.get(nid);
      if (n) {
        const u: Interval[] = [];
        const x: Interval[] = [];
        for (const p of podsOf(n)) podIntervals(p, instant(openEnd), u, x);
        for (const iv of u) user.push([iv.s.at, iv.e.at]);
        for (const iv of x) external.push([iv.s.at, iv.e.at]);
      }
      for (const iv of this.lp.get(nid) ?? []) external.push(iv);
      for (const k of this.kids.get(nid) ?? []) visit(k.id, depth + 1);
    };
    visit(id, 0);
    return { user, external };
  }
}

const LEFT = 190;
const RIGHT = 10;
const WIDTH = 960;
const ROW = 13;
const BAR = 9;
const LANE = 11;
const AXIS = 16;

function depthOf(n: NodeReport, parents: Map<string, string | undefined>): number {
  let d = 0;
  let p = n.parent;
  while (p !== undefined && d < 8) {
    d++;
    p = parents.get(p);
  }
  return d;
}

function workerName(h: HandleCall): string {
  return h.replica ? `${h.replica}/${h.worker}` : h.worker;
}

function nodeTitle(n: NodeReport, origin: number, recorded: boolean, onPath: boolean): string {
  const b = n.bounds;
  const bounded = (est: number, lo: number, hi: number): string => (lo === hi ? durText(est) : `~${durText(est)} [${durText(lo)} … ${durText(hi)}]`);
  return (
    `${n.id} (${n.kind})${onPath ? ' · critical path' : ''}${n.complete ? '' : ' · incomplete'}: ` +
    `${durText(n.runnableAtNs - origin)} → ${durText(n.endAtNs - origin)}\n` +
    `time ${bounded(n.timeNs, b.timeNs.lo, b.timeNs.hi)}: user ${bounded(n.userNs, b.userNs.lo, b.userNs.hi)}, ` +
    `Flyte ${bounded(n.flyteNs, b.flyteNs.lo, b.flyteNs.hi)} (wait ${durText(n.waitNs)}), external ${bounded(n.externalNs, b.externalNs.lo, b.externalNs.hi)}` +
    (recorded ? '' : '\n(proportional blocks: positions not recorded)')
  );
}

function handleTitle(h: HandleCall, origin: number): string {
  const changed = h.rounds.filter((r) => r.changed).length;
  const failed = h.rounds.filter((r) => r.error !== undefined).length;
  const queued = h.enqueuedAt !== undefined && h.enqueuedAt < h.start ? ` · queued ${durText(h.start - h.enqueuedAt)}` : '';
  return (
    `${workerName(h)}: Handle ${durText(h.start - origin)} → ${durText(h.end - origin)} (${durText(h.end - h.start)})${queued}\n` +
    `${h.rounds.length} round${h.rounds.length === 1 ? '' : 's'}, ${changed} changed${failed ? `, ${failed} failed` : ''} · streak ended: ${h.endReason}`
  );
}

export interface TimelineResult {
  svg: string;
  notes: string[];
  /** Nodes drawn, in drawing order. */
  nodes: NodeReport[];
}

/** The timeline SVG of one execution; `exec` (and its launch-plan `children`) from the recording when given. */
export function executionTimeline(
  e: ExecutionReport,
  exec: Execution | undefined,
  children: readonly Execution[],
  opts: TimelineOptions,
): TimelineResult {
  const notes: string[] = [];
  const sel = selectNodes(e, opts.maxNodes);
  if (sel.note) notes.push(sel.note);
  const recorded = exec ? new RecordedIntervals(exec, children) : undefined;
  const handles = exec ? [...exec.handles].sort((a, b) => a.start - b.start || a.end - b.end) : [];

  let t0 = e.createdAtNs;
  let t1 = Math.max(e.endAtNs, e.createdAtNs);
  for (const n of sel.nodes) {
    t0 = Math.min(t0, n.runnableAtNs);
    t1 = Math.max(t1, n.endAtNs, n.runnableAtNs + n.bounds.timeNs.hi);
  }
  for (const h of handles) {
    t0 = Math.min(t0, h.enqueuedAt ?? h.start, h.start);
    t1 = Math.max(t1, h.end);
  }
  if (!(t1 > t0)) t1 = t0 + 1;
  const pw = WIDTH - LEFT - RIGHT;
  const sx = (t: number): number => LEFT + ((t - t0) / (t1 - t0)) * pw;

  const workers = [...new Set(handles.map(workerName))].sort(naturalCompare);
  const oneByOne = handles.length <= opts.maxHandles && workers.length <= opts.maxWorkers;
  const handleRows = handles.length === 0 ? 0 : oneByOne ? workers.length : 2;
  const nodesTop = AXIS;
  const nodesBottom = nodesTop + sel.nodes.length * ROW;
  const handlesTop = nodesBottom + (handles.length > 0 ? 16 : 0);
  const height = handlesTop + handleRows * LANE + (handleRows > 0 && !oneByOne ? 14 : 0) + 4;

  const out: string[] = [svgOpen(WIDTH, height, `timeline of execution ${e.id}`)];
  out.push(timeAxis(e.createdAtNs, t0, t1, LEFT, LEFT + pw, 10, nodesTop - 2, height - 2));

  const parents = new Map<string, string | undefined>();
  for (const n of e.nodes) parents.set(n.id, n.parent);
  const onPath = new Set(e.criticalPath.nodes);
  sel.nodes.forEach((n, i) => {
    const y = nodesTop + i * ROW;
    const by = y + (ROW - BAR) / 2;
    const isRecorded = recorded !== undefined && recorded.has(n.id);
    let segs: Seg[];
    if (isRecorded) {
      const iv = recorded!.of(n.id, n.endAtNs);
      segs = sweepSegments(n.runnableAtNs, n.endAtNs, iv.user, iv.external);
    } else {
      segs = proportionalSegments(n);
    }
    const parts: string[] = [`<g>${title(nodeTitle(n, e.createdAtNs, isRecorded, onPath.has(n.id)))}`];
    if (i % 2 === 1) parts.push(rect('row', LEFT, y, pw, ROW));
    // Flyte is the rest of the window: one rectangle under the user and external pieces.
    const wx = sx(n.runnableAtNs);
    parts.push(rect('f', wx, by, Math.max(0.8, sx(n.endAtNs) - wx), BAR));
    for (const s of segs) {
      if (s.cat === 'flyte') continue;
      const x = sx(s.s);
      const w = sx(s.e) - x;
      if (w < 0.05) continue;
      parts.push(rect(CATEGORY_CLASS[s.cat], x, by, w, BAR));
    }
    const tb = n.bounds.timeNs;
    if (tb.hi > tb.lo) {
      const x = sx(n.runnableAtNs + tb.lo);
      parts.push(rect('h', x, by - 1, sx(n.runnableAtNs + tb.hi) - x, BAR + 2));
    }
    const indent = Math.min(depthOf(n, parents), 6) * 8;
    const label = clip(n.id, 32 - Math.round(indent / 5));
    parts.push(`<text class="lab2${onPath.has(n.id) ? ' sec' : ''}" x="${n1(4 + indent)}" y="${n1(y + ROW - 3)}">${esc(label)}</text></g>`);
    out.push(parts.join(''));
  });
  if (sel.nodes.some((n) => onPath.has(n.id))) notes.push('Bold node names are on the critical path.');
  if (sel.nodes.some((n) => !(recorded?.has(n.id) ?? false)) && sel.nodes.some((n) => n.timeNs > 0)) {
    notes.push(
      recorded
        ? 'Nodes missing from the recording are drawn as proportional blocks (wait, external, user, rest of Flyte), not at their real positions.'
        : 'Without the recording, each node shows its shares as proportional blocks (wait, external, user, rest of Flyte), not at their real positions.',
    );
  }

  if (handles.length > 0) {
    out.push(`<text class="lab2 sec" x="4" y="${n1(handlesTop - 4)}">Handle calls${oneByOne ? ' by worker' : ''}</text>`);
    if (oneByOne) drawHandles(out, handles, workers, handlesTop, sx, e.createdAtNs, opts.maxHandles * 4, notes);
    else {
      drawBusy(out, handles, handlesTop, t0, t1, sx, pw);
      notes.push(
        `${handles.length} Handle calls on ${workers.length} workers: drawn as busy time per time slice (more than ${opts.maxHandles} calls or ${opts.maxWorkers} workers).`,
      );
    }
  }
  if (e.complete) {
    const x = sx(e.endAtNs);
    out.push(`<line class="end" x1="${n1(x)}" y1="${n1(nodesTop - 2)}" x2="${n1(x)}" y2="${n1(height - 2)}">${title(`workflow ended at ${durText(e.endAtNs - e.createdAtNs)}`)}</line>`);
  }
  out.push('</svg>');
  return { svg: out.join('\n'), notes, nodes: sel.nodes };
}

function drawHandles(
  out: string[],
  handles: readonly HandleCall[],
  workers: readonly string[],
  top: number,
  sx: (t: number) => number,
  origin: number,
  maxRounds: number,
  notes: string[],
): void {
  const row = new Map<string, number>();
  workers.forEach((w, i) => {
    row.set(w, i);
    const y = top + i * LANE;
    out.push(`<text class="lab2" x="12" y="${n1(y + LANE - 2)}">${esc(clip(w, 32))}</text>`);
  });
  const rounds = handles.reduce((s, h) => s + h.rounds.length, 0);
  const drawRounds = rounds <= maxRounds;
  if (!drawRounds) notes.push(`${rounds} rounds: too many to draw inside the Handle calls (hover a call for its counts).`);
  for (const h of handles) {
    const y = top + row.get(workerName(h))! * LANE + 1;
    const hh = LANE - 2;
    const parts = [`<g>${title(handleTitle(h, origin))}`];
    if (h.enqueuedAt !== undefined && h.enqueuedAt < h.start) {
      // The queue wait of a call re-enqueued while the previous one ran crosses that call: the line
      // takes no pointer (CSS .qw), so hovering the earlier call still shows the earlier call's title.
      parts.push(`<line class="qw" x1="${n1(sx(h.enqueuedAt))}" y1="${n1(y + hh / 2)}" x2="${n1(sx(h.start))}" y2="${n1(y + hh / 2)}"/>`);
    }
    const x = sx(h.start);
    parts.push(rect('hc', x, y, Math.max(2, sx(h.end) - x), hh));
    if (drawRounds) {
      for (const r of h.rounds) {
        const rx = sx(r.start);
        parts.push(rect(r.error !== undefined ? 're' : r.changed ? 'rc' : 'rn', rx, y + 2, Math.max(0.7, sx(r.end) - rx), hh - 4));
      }
    }
    parts.push('</g>');
    out.push(parts.join(''));
  }
}

/** All Handle calls as busy time per slice (height ∝ summed call time in the slice). */
function drawBusy(out: string[], handles: readonly HandleCall[], top: number, t0: number, t1: number, sx: (t: number) => number, pw: number): void {
  const bins = 240;
  const width = (t1 - t0) / bins;
  const busy = new Array<number>(bins).fill(0);
  for (const h of handles) {
    const a = Math.max(h.start, t0);
    const b = Math.min(Math.max(h.end, h.start + 1), t1);
    for (let k = Math.max(0, Math.floor((a - t0) / width)); k < bins && t0 + k * width < b; k++) {
      const s = t0 + k * width;
      busy[k]! += Math.max(0, Math.min(b, s + width) - Math.max(a, s));
    }
  }
  const max = Math.max(...busy);
  const h = 2 * LANE;
  out.push(`<g>${title(`Handle calls: summed call time per slice of ${durText(width)} (peak ${(max / width).toFixed(1)} workers busy)`)}`);
  out.push(rect('row', LEFT, top, pw, h));
  if (max > 0) {
    // One step-shaped area instead of a rectangle per slice: a fraction of the bytes.
    const base = top + h;
    const d = [`M${n1(sx(t0))} ${n1(base)}`];
    busy.forEach((v, k) => {
      const y = base - (v / max) * h;
      d.push(`V${n1(y)}H${n1(sx(t0 + (k + 1) * width))}`);
    });
    d.push(`V${n1(base)}Z`);
    out.push(`<path class="agg" d="${d.join('')}"/>`);
  }
  out.push('</g>');
}

/** Launch-plan children of `exec` in the recording. */
export function childExecutions(rec: Recording | undefined, id: string): Execution[] {
  return rec ? rec.executions.filter((c) => c.parent === id) : [];
}
