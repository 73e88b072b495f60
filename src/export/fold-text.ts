/**
 * The fold-logs tree as text: for each execution a header, then its Handle calls
 * (`Processing`), their rounds (`StreakRound(phase)`) and what happened inside each round
 * (`UpdateNodePhase(n0,Queued,Running)`, `UpdateWorkflowPhase(Ready,Running)`, admin events, etcd
 * writes, blobstore and catalog calls), numbered hierarchically like flytepropeller's
 * `fold-logs.py`, plus the queue wait before each Handle call (enqueue → Processing) and how each
 * streak ended.
 *
 * Columns: timestamp (UTC time of day, with as many fractional digits as the instant's
 * resolution supports: `18:08:38.123` when exact, `18:08:38` when only the second is known), the
 * source line when known, the duration with bounds (`~500 ms [0 … 1.00 s]`; instants get no
 * duration rather than a fake `0.0s`), and the tree.
 *
 * Work and output are linear in handles + rounds + ops; executions are written one at a time
 * through `write`, so a large recording never becomes one string.
 */
import { bytes } from '../metrics/text.js';
import { between } from '../timeline/stamp.js';
import { endHi, endLo, startHi, startLo } from '../timeline/bounds.js';
import { formatBounded } from '../timeline/time.js';
import type { Enqueue, Execution, HandleCall, Op, Recording, Round, Transition } from '../timeline/types.js';

export interface FoldTextOptions {
  /** Only the execution with exactly this id. */
  exec?: string;
  /** Show the operations inside rounds (default true). */
  ops?: boolean;
  /** Number of the first execution written (default 1): its Handle calls are `N.1`, `N.2`, ... */
  firstNumber?: number;
}

const DAY_NS = 86_400_000_000_000n;
const INDENT = '    ';

interface Row {
  ts: string;
  line: string;
  dur: string;
  tree: string;
}

/** Formats a relative instant as UTC time of day with the digits its resolution supports. */
export function clockText(originMod: number, at: number, lo: number, hi: number): string {
  const width = Math.max(0, hi - lo);
  const digits = width === 0 || width <= 1e6 ? 3 : width <= 1e7 ? 2 : width <= 1e8 ? 1 : 0;
  // For a coarse instant print the start of its interval (the second the log line carries).
  const t = originMod + (digits === 0 ? lo : at);
  const dayMs = 86_400_000;
  const ms = ((Math.floor(t / 1e6) % dayMs) + dayMs) % dayMs;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const base = `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  if (digits === 0) return base;
  return `${base}.${String(ms % 1000).padStart(3, '0').slice(0, digits)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function durText(sAt: number, sLo: number, sHi: number, eAt: number, eLo: number, eHi: number): string {
  const d = between(sAt, sLo, sHi, eAt, eLo, eHi);
  return formatBounded(d.est, d.lo, d.hi);
}

/** Kinds that mark a moment (a phase change, a buffered event), not a call: they get no duration. */
const INSTANT_KINDS: ReadonlySet<string> = new Set(['nodeTransition', 'workflowTransition', 'parallelismLimit', 'bufferedTaskEvent']);

function isInstant(op: Op): boolean {
  return INSTANT_KINDS.has(op.kind) && op.start === op.end;
}

const OP_NAME: Record<string, string> = {
  deepCopy: 'DeepCopy',
  traversal: 'Traversal',
  workflowEvent: 'WorkflowEvent',
  nodeEvent: 'NodeEvent',
  taskEvent: 'TaskEvent',
  bufferedTaskEvent: 'BufferedTaskEvent',
  etcdUpdate: 'EtcdUpdate',
  blobHead: 'BlobHead',
  blobRead: 'BlobRead',
  blobWrite: 'BlobWrite',
  blobCopy: 'BlobCopy',
  catalogGet: 'CatalogGet',
  catalogPut: 'CatalogPut',
  podCreate: 'PodCreate',
  podDelete: 'PodDelete',
  launchExecution: 'LaunchExecution',
  terminateExecution: 'TerminateExecution',
  closureRead: 'ClosureRead',
  parallelismLimit: 'ParallelismLimit',
};

/** The tree label of one op, e.g. `UpdateNodePhase(n0,Queued,Running)` or `NodeEvent(n0,RUNNING)`. */
export function opLabel(op: Op): string {
  let label: string;
  switch (op.kind) {
    case 'nodeTransition':
      label = `UpdateNodePhase(${op.node ?? '?'},${op.from ?? '?'},${op.to ?? '?'})`;
      break;
    case 'workflowTransition':
      label = `UpdateWorkflowPhase(${op.from ?? '?'},${op.to ?? '?'})`;
      break;
    case 'etcdUpdate':
      label = op.bytes !== undefined ? `EtcdUpdate(${bytes(op.bytes)})` : 'EtcdUpdate';
      break;
    default: {
      const args = [op.node, op.kind.endsWith('Event') ? op.to : undefined, op.detail].filter((x) => x !== undefined && x !== '');
      const name = OP_NAME[op.kind] ?? op.kind;
      label = args.length > 0 ? `${name}(${args.join(',')})` : name;
    }
  }
  if (op.outcome !== undefined && op.outcome !== 'ok') label += ` → ${op.outcome}`;
  return label;
}

interface Placed {
  at: number;
  lo: number;
  hi: number;
  label: string;
  line?: number;
}

/** Transitions that carry a (handle, round) position, indexed by it; the others are counted. */
function indexTransitions(exec: Execution): { byRound: Map<string, Placed[]>; unplaced: number } {
  const byRound = new Map<string, Placed[]>();
  let unplaced = 0;
  const put = (t: Transition, label: string) => {
    if (t.handle === undefined || t.round === undefined) {
      unplaced++;
      return;
    }
    const k = `${t.handle}:${t.round}`;
    let l = byRound.get(k);
    if (!l) byRound.set(k, (l = []));
    l.push({ at: t.at, lo: t.atLo, hi: t.atHi, label, ...(t.line !== undefined ? { line: t.line } : {}) });
  };
  for (const t of exec.workflowTransitions) put(t, `UpdateWorkflowPhase(${t.from},${t.to})`);
  for (const n of exec.nodes) for (const t of n.transitions) put(t, `UpdateNodePhase(${n.id},${t.from},${t.to})`);
  return { byRound, unplaced };
}

function roundLabel(r: Round): string {
  let s = `StreakRound(${r.phase})`;
  if (!r.changed) s += ' · no change';
  if (r.error !== undefined) s += ` · failed: ${r.error}`;
  return s;
}

function handleLabel(h: HandleCall): string {
  const who = h.replica ? `${h.worker}@${h.replica}` : h.worker;
  const n = h.rounds.length;
  return `Processing (${who}) · ${n} round${n === 1 ? '' : 's'} · streak end: ${h.endReason}`;
}

function execRows(exec: Execution, num: number, originMod: number, showOps: boolean): { rows: Row[]; footer: string[] } {
  const rows: Row[] = [];
  const clock = (at: number, lo: number, hi: number) => clockText(originMod, at, lo, hi);
  const lineOf = (l: number | undefined) => (l === undefined ? '' : String(l));

  // Workflow line: created -> ended (or the last Handle call's end).
  const created = exec.created ?? (exec.handles[0] ? { at: exec.handles[0].start, lo: startLo(exec.handles[0]), hi: startHi(exec.handles[0]) } : undefined);
  const lastH = exec.handles[exec.handles.length - 1];
  const ended = exec.ended ?? (lastH ? { at: lastH.end, lo: endLo(lastH), hi: endHi(lastH) } : undefined);
  let firstLine: number | undefined;
  for (const e of exec.enqueues) if (e.line !== undefined && (firstLine === undefined || e.line < firstLine)) firstLine = e.line;
  for (const h of exec.handles) if (h.line !== undefined && (firstLine === undefined || h.line < firstLine)) firstLine = h.line;
  rows.push({
    ts: created ? clock(created.at, created.lo, created.hi) : '',
    line: lineOf(firstLine),
    dur: created && ended ? durText(created.at, created.lo, created.hi, ended.at, ended.lo, ended.hi) : '',
    tree: `${num} Workflow ${exec.phase}${exec.ended ? '' : ' (no terminal phase seen)'}`,
  });

  const enqByAt = new Map<number, Enqueue>();
  for (const e of exec.enqueues) enqByAt.set(e.at, e);
  const { byRound, unplaced } = indexTransitions(exec);
  let waits = 0;
  let waitEst = 0;
  let waitLo = 0;
  let waitHi = 0;
  let rounds = 0;

  exec.handles.forEach((h, hi) => {
    const hNum = `${num}.${hi + 1}`;
    if (h.enqueuedAt !== undefined) {
      const e = enqByAt.get(h.enqueuedAt);
      const lo = h.enqueuedAtLo ?? e?.lo ?? h.enqueuedAt;
      const hiB = h.enqueuedAtHi ?? e?.hi ?? h.enqueuedAt;
      const d = between(h.enqueuedAt, lo, hiB, h.start, startLo(h), startHi(h));
      waits++;
      waitEst += d.est;
      waitLo += d.lo;
      waitHi += d.hi;
      rows.push({
        ts: clock(h.enqueuedAt, lo, hiB),
        line: lineOf(e?.line),
        dur: formatBounded(d.est, d.lo, d.hi),
        tree: `${INDENT}· queue wait (${e ? `${e.source}${e.object ? ` ${e.object}` : ''} ` : ''}enqueue → Processing)`,
      });
    }
    rows.push({
      ts: clock(h.start, startLo(h), startHi(h)),
      line: lineOf(h.line),
      dur: durText(h.start, startLo(h), startHi(h), h.end, endLo(h), endHi(h)),
      tree: `${INDENT}${hNum} ${handleLabel(h)}`,
    });
    h.rounds.forEach((r, ri) => {
      rounds++;
      const rNum = `${hNum}.${ri + 1}`;
      rows.push({
        ts: clock(r.start, startLo(r), startHi(r)),
        line: lineOf(r.line),
        dur: durText(r.start, startLo(r), startHi(r), r.end, endLo(r), endHi(r)),
        tree: `${INDENT}${INDENT}${rNum} ${roundLabel(r)}`,
      });
      if (!showOps) return;
      const items: (Placed & { dur: string })[] = [];
      let hasTransitionOps = false;
      for (const op of r.ops) {
        if (op.kind === 'nodeTransition' || op.kind === 'workflowTransition') hasTransitionOps = true;
        items.push({
          at: op.start,
          lo: startLo(op),
          hi: startHi(op),
          label: opLabel(op),
          ...(op.line !== undefined ? { line: op.line } : {}),
          dur: isInstant(op) ? '' : durText(op.start, startLo(op), startHi(op), op.end, endLo(op), endHi(op)),
        });
      }
      const placed = byRound.get(`${hi}:${ri}`);
      if (!hasTransitionOps && placed) {
        // Stable sort by time (then source line): a transition goes before the ops at the same
        // instant (the phase change is what the events report), ops otherwise keep their order.
        items.unshift(...placed.map((p) => ({ ...p, dur: '' })));
        items.sort((a, b) => a.at - b.at || (a.line ?? 0) - (b.line ?? 0));
      }
      items.forEach((it, oi) => {
        rows.push({
          ts: clock(it.at, it.lo, it.hi),
          line: lineOf(it.line),
          dur: it.dur,
          tree: `${INDENT}${INDENT}${INDENT}${rNum}.${oi + 1} ${it.label}`,
        });
      });
    });
  });

  const footer: string[] = [];
  const n = exec.handles.length;
  let summary = `${n} Handle call${n === 1 ? '' : 's'}, ${rounds} round${rounds === 1 ? '' : 's'}`;
  if (waits > 0) summary += `, ${waits} queue wait${waits === 1 ? '' : 's'} totalling ${formatBounded(waitEst, waitLo, waitHi)}`;
  footer.push(summary);
  if (unplaced > 0) footer.push(`${unplaced} transition${unplaced === 1 ? '' : 's'} not attributed to a round (not shown)`);
  return { rows, footer };
}

/** Writes the fold tree of every (or the selected) execution through `write`, one execution at a time. */
export function writeFoldText(rec: Recording, write: (chunk: string) => void, opts: FoldTextOptions = {}): void {
  let originMod = 0;
  try {
    originMod = Number(((BigInt(rec.originUnixNano) % DAY_NS) + DAY_NS) % DAY_NS);
  } catch {
    originMod = 0;
  }
  const showOps = opts.ops ?? true;
  let num = (opts.firstNumber ?? 1) - 1;
  let any = false;
  for (const exec of rec.executions) {
    if (opts.exec !== undefined && exec.id !== opts.exec) continue;
    num++;
    any = true;
    const { rows, footer } = execRows(exec, num, originMod, showOps);
    const w = { ts: 'Timestamp'.length, line: 'Line'.length, dur: 'Duration'.length };
    for (const r of rows) {
      if (r.ts.length > w.ts) w.ts = r.ts.length;
      if (r.line.length > w.line) w.line = r.line.length;
      if ([...r.dur].length > w.dur) w.dur = [...r.dur].length;
    }
    const fmt = (a: string, b: string, c: string, d: string) =>
      `${a.padEnd(w.ts)}  ${b.padStart(w.line)}  ${c + ' '.repeat(Math.max(0, w.dur - [...c].length))}  ${d}`.trimEnd();
    const head = [exec.namespace, exec.workflow ? `wf ${exec.workflow}` : undefined, exec.parent ? `child of ${exec.parent}` : undefined]
      .filter((x) => x)
      .join(' · ');
    const out: string[] = [`Execution ${exec.id}${head ? ` (${head})` : ''}`];
    const header = fmt('Timestamp', 'Line', 'Duration', 'Hierarchical Log Layout');
    out.push(header, '-'.repeat(Math.max(header.length, 60)));
    for (const r of rows) out.push(fmt(r.ts, r.line, r.dur, r.tree));
    for (const f of footer) out.push(f);
    write(`${out.join('\n')}\n\n`);
  }
  if (!any) write(opts.exec !== undefined ? `no execution with id ${opts.exec}\n` : 'no executions\n');
}

/** The fold tree as one string (use `writeFoldText` for large recordings). */
export function renderFoldText(rec: Recording, opts: FoldTextOptions = {}): string {
  const parts: string[] = [];
  writeFoldText(rec, (c) => parts.push(c), opts);
  return parts.join('');
}
