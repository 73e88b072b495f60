/**
 * OTLP/JSON traces -> Timeline. Accepts what propeller deployments and tools actually produce:
 * one `{"resourceSpans":[...]}` document (compact or pretty-printed), JSON lines of such documents
 * (the Collector's file exporter), and the Go SDK's `stdouttrace` output that propeller's own
 * `otel.type: file` writes (concatenated pretty-printed span objects). Ids may be hex or base64,
 * `*UnixNano` strings or numbers, `kind` an int or `SPAN_KIND_*`, `intValue` a string or number.
 *
 * Spans map by propeller's names (domain brief §7): one `Propeller/Handle` root per Handle call
 * (grouped into executions by `exec_id`), one `Propeller/streak` per round, and the operation
 * spans below them. Traces propsim wrote carry `propsim.*` attributes and read back into exactly
 * the Timeline they came from; real propeller traces yield what they can (Handle calls, rounds,
 * workers, etcd/event/blob/catalog operations) and leave the rest empty.
 *
 * Bad input never throws: malformed lines are counted with their line numbers, spans that do not
 * fit are counted by reason, and `stats.notOtlp` says when nothing in the input was a trace.
 */
import type {
  EnqueueSource,
  Execution,
  HandleCall,
  NodeKind,
  NodeRecord,
  PodTimes,
  Ns,
  Op,
  OpKind,
  Recording,
  Round,
  Stamp,
  StreakEnd,
  Timed,
  Transition,
} from '../timeline/types.js';
import { CTX, OP_SPAN, PA, POD_END_UNSEEN, POD_KEYS, POD_START_UNSEEN, SPAN, opPhaseKeys } from '../timeline/spans.js';
import { exactTransition } from '../timeline/stamp.js';
import { parseRfc3339 } from '../timeline/time.js';
import {
  bigNanos,
  isRecord,
  isTraceObject,
  isZeroId,
  normId,
  parseAttributes,
  parseGoAttributes,
  spanKind,
  splitObjects,
  statusCode,
  tryParse,
  type Attrs,
  type SpanEvent,
  type SpanRec,
} from './otlp-decode.js';
import { inputLines } from './source.js';

export interface OtlpSpanStats {
  read: number;
  /** Spans that became part of the Timeline. */
  used: number;
  /** Known propeller spans that carry nothing the Timeline models (WorkflowStore.Get, HandleTask, ...). */
  ignored: number;
  skipped: Record<string, number>;
}

export interface OtlpReadStats {
  /** Physical lines read. */
  lines: number;
  /** OTLP documents (and stdouttrace span objects) parsed. */
  documents: number;
  /** Line numbers of malformed lines (at most 1000 listed; `malformed` counts them all). */
  badLines: number[];
  malformed: number;
  /** True when the input held no trace data at all (the caller decides what to say). */
  notOtlp: boolean;
  spans: OtlpSpanStats;
}

export interface OtlpReadResult {
  recording: Recording;
  stats: OtlpReadStats;
}

export interface OtlpReadOptions {
  /** Keep only this execution id (exact match). */
  exec?: string;
}

const KEEP_ATTR = new Set<string>([...Object.values(CTX), 'rpc.grpc.status_code']);
const keepAttr = (k: string): boolean => KEEP_ATTR.has(k) || k.startsWith('propsim.');


const OP_KINDS = new Set<string>(Object.keys(OP_SPAN));
const POD_KEY_SET = new Set<string>(POD_KEYS);

/** Physical lines a text spans. */
function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * True when the first bytes of an input look like an OTLP/JSON trace document (or propeller's
 * stdouttrace file), so a caller can route the file to this reader instead of the log reader.
 */
export function looksLikeOtlp(firstBytes: string): boolean {
  const s = firstBytes.replace(/^\uFEFF/, '').trimStart();
  if (!s.startsWith('{')) return false;
  const m = /^\{\s*"([A-Za-z_]+)"/.exec(s);
  if (!m) return false;
  if (m[1] === 'resourceSpans' || m[1] === 'resource_spans') return true;
  return m[1] === 'Name' && s.includes('"SpanContext"');
}

/** Incremental reader: feed physical lines, then call `finish()`. */
export class OtlpReader {
  private mode: 'undecided' | 'jsonl' | 'doc' = 'undecided';
  private docLines: string[] = [];
  private docFirstLine = 0;
  private lineNo = 0;
  private order = 0;
  private ref: bigint | undefined;
  private resourceOrigin: bigint | undefined;
  private readonly spans: SpanRec[] = [];
  // Line accounting (`read` = used + skipped): lines of documents that gave spans, of objects
  // that are not traces, of trace documents without spans, and blank lines between documents.
  private usedLines = 0;
  private notOtlpObjects = 0;
  private noSpanLines = 0;
  private emptyLines = 0;
  private readonly stats: OtlpReadStats = {
    lines: 0,
    documents: 0,
    badLines: [],
    malformed: 0,
    notOtlp: false,
    spans: { read: 0, used: 0, ignored: 0, skipped: {} },
  };

  constructor(private readonly opts: OtlpReadOptions = {}) {}

  /** Feeds one physical line (without its newline). */
  line(text: string): void {
    this.lineNo++;
    this.stats.lines++;
    if (this.mode === 'doc') {
      this.docLines.push(text);
      return;
    }
    const t = text.trim();
    if (t === '') {
      this.emptyLines++;
      return;
    }
    if (this.mode === 'undecided') {
      const obj = t.startsWith('{') && t.endsWith('}') ? tryParse(t) : undefined;
      if (obj === undefined) {
        this.mode = 'doc';
        this.docFirstLine = this.lineNo;
        this.docLines.push(text);
        return;
      }
      this.mode = 'jsonl';
      this.addObject(obj, this.lineNo);
      return;
    }
    const obj = tryParse(t);
    if (obj === undefined) this.bad(this.lineNo);
    else this.addObject(obj, this.lineNo);
  }

  /** Assembles the Timeline from everything fed so far. */
  finish(): OtlpReadResult {
    if (this.mode === 'doc') this.finishDocument();
    this.stats.notOtlp = this.stats.documents === 0;
    const recording = assemble(this.spans, this.ref, this.resourceOrigin, this.stats.spans, this.opts);
    const sp = this.stats.spans;
    recording.lines = {
      read: this.stats.lines,
      used: this.usedLines,
      skipped: {},
      spans: { read: sp.read, used: sp.used, ignored: sp.ignored, skipped: { ...sp.skipped } },
    };
    if (this.stats.malformed > 0) recording.lines.skipped.malformedJson = this.stats.malformed;
    if (this.notOtlpObjects > 0) recording.lines.skipped.notOtlp = this.notOtlpObjects;
    if (this.noSpanLines > 0) recording.lines.skipped.noSpans = this.noSpanLines;
    if (this.emptyLines > 0) recording.lines.skipped.empty = this.emptyLines;
    return { recording, stats: this.stats };
  }

  private bad(line: number): void {
    this.stats.malformed++;
    if (this.stats.badLines.length < 1000) this.stats.badLines.push(line);
  }

  /** A document spread over lines: whole, else line by line, else concatenated objects. */
  private finishDocument(): void {
    const lines = this.docLines;
    this.docLines = [];
    const whole = tryParse(lines.join('\n'));
    if (whole !== undefined) {
      this.addObject(whole, this.docFirstLine, lines.length);
      return;
    }
    const parsed = lines.map((l) => {
      const t = l.trim();
      return t.startsWith('{') ? tryParse(t) : undefined;
    });
    if (parsed.some((o) => o !== undefined && isTraceObject(o))) {
      parsed.forEach((o, i) => {
        const ln = this.docFirstLine + i;
        if (o !== undefined) this.addObject(o, ln);
        else if (lines[i]!.trim() !== '') this.bad(ln);
        else this.emptyLines++;
      });
      return;
    }
    const { objects, stray } = splitObjects(lines, this.docFirstLine);
    const bad = new Set(stray);
    for (const piece of objects) {
      const o = tryParse(piece.text);
      if (o === undefined) bad.add(piece.line);
      else this.addObject(o, piece.line, lineCount(piece.text));
    }
    for (const l of lines) if (l.trim() === '') this.emptyLines++;
    for (const ln of [...bad].sort((a, b) => a - b)) this.bad(ln);
  }

  /** One parsed JSON value that spans `lines` physical lines (an array's items share them). */
  private addObject(obj: unknown, line: number, lines = 1): void {
    if (Array.isArray(obj)) {
      const spans = this.spans.length;
      const docs = this.stats.documents;
      for (const o of obj) this.addObject(o, line, 0);
      if (this.spans.length > spans) this.usedLines += lines;
      else if (this.stats.documents > docs) this.noSpanLines += lines;
      else this.notOtlpObjects += lines;
      return;
    }
    if (!isRecord(obj)) {
      this.notOtlpObjects += lines;
      return;
    }
    const before = this.spans.length;
    const rs = obj.resourceSpans ?? obj.resource_spans;
    if (Array.isArray(rs)) {
      this.stats.documents++;
      for (const r of rs) if (isRecord(r)) this.addResourceSpans(r);
    } else if (isRecord(obj.SpanContext) && typeof obj.Name === 'string') {
      this.stats.documents++;
      this.addStdoutSpan(obj);
    } else {
      this.notOtlpObjects += lines;
      return;
    }
    if (this.spans.length > before) this.usedLines += lines;
    else this.noSpanLines += lines;
  }

  private addResourceSpans(r: Record<string, unknown>): void {
    const res = isRecord(r.resource) ? r.resource : undefined;
    const rattrs = parseAttributes(res?.attributes, () => true);
    const o = rattrs.get(PA.origin);
    if (typeof o === 'string' && /^\d+$/.test(o)) {
      const v = BigInt(o);
      if (this.resourceOrigin === undefined || v < this.resourceOrigin) this.resourceOrigin = v;
    }
    const scopes = r.scopeSpans ?? r.scope_spans ?? r.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) return;
    for (const sc of scopes) {
      if (!isRecord(sc) || !Array.isArray(sc.spans)) continue;
      for (const s of sc.spans) this.addOtlpSpan(s);
    }
  }

  private time(abs: bigint): number {
    if (this.ref === undefined) this.ref = (abs / 1_000_000_000n) * 1_000_000_000n;
    return Number(abs - this.ref);
  }

  private skip(reason: string): void {
    this.stats.spans.skipped[reason] = (this.stats.spans.skipped[reason] ?? 0) + 1;
  }

  private addOtlpSpan(s: unknown): void {
    this.stats.spans.read++;
    if (!isRecord(s)) return this.skip('badSpan');
    const trace = normId(s.traceId ?? s.trace_id, 16);
    const id = normId(s.spanId ?? s.span_id, 8);
    const parentRaw = s.parentSpanId ?? s.parent_span_id;
    const parent = parentRaw === undefined || parentRaw === '' ? '' : normId(parentRaw, 8);
    const start = bigNanos(s.startTimeUnixNano ?? s.start_time_unix_nano);
    const end = bigNanos(s.endTimeUnixNano ?? s.end_time_unix_nano);
    if (!trace || !id || parent === undefined || start === undefined || end === undefined || typeof s.name !== 'string') {
      return this.skip('badSpan');
    }
    const events: SpanEvent[] = [];
    if (Array.isArray(s.events)) {
      for (const e of s.events) {
        if (!isRecord(e)) continue;
        const t = bigNanos(e.timeUnixNano ?? e.time_unix_nano);
        if (t === undefined || typeof e.name !== 'string') continue;
        events.push({ name: e.name, t: this.time(t), attrs: parseAttributes(e.attributes, keepAttr) });
      }
    }
    const st = isRecord(s.status) ? s.status : {};
    this.spans.push({
      trace,
      id,
      parent: isZeroId(parent) ? '' : parent,
      name: s.name,
      kind: spanKind(s.kind),
      start: this.time(start),
      end: this.time(end),
      attrs: parseAttributes(s.attributes, keepAttr),
      events,
      status: statusCode(st.code),
      statusMsg: typeof st.message === 'string' ? st.message : '',
      order: this.order++,
    });
  }

  /** A span as the Go SDK's stdouttrace exporter prints it (propeller `otel.type: file`). */
  private addStdoutSpan(s: Record<string, unknown>): void {
    this.stats.spans.read++;
    const sc = s.SpanContext as Record<string, unknown>;
    const pc = isRecord(s.Parent) ? s.Parent : {};
    const trace = normId(sc.TraceID, 16);
    const id = normId(sc.SpanID, 8);
    const parent = typeof pc.SpanID === 'string' && pc.SpanID !== '' ? normId(pc.SpanID, 8) : '';
    const start = typeof s.StartTime === 'string' ? parseRfc3339(s.StartTime)?.ns : undefined;
    const end = typeof s.EndTime === 'string' ? parseRfc3339(s.EndTime)?.ns : undefined;
    if (!trace || !id || parent === undefined || start === undefined || end === undefined) return this.skip('badSpan');
    const events: SpanEvent[] = [];
    if (Array.isArray(s.Events)) {
      for (const e of s.Events) {
        if (!isRecord(e) || typeof e.Name !== 'string' || typeof e.Time !== 'string') continue;
        const t = parseRfc3339(e.Time)?.ns;
        if (t !== undefined) events.push({ name: e.Name, t: this.time(t), attrs: parseGoAttributes(e.Attributes, keepAttr) });
      }
    }
    const st = isRecord(s.Status) ? s.Status : {};
    const code = st.Code === 'Error' || st.Code === 2 ? 2 : st.Code === 'Ok' || st.Code === 1 ? 1 : 0;
    this.spans.push({
      trace,
      id,
      parent: isZeroId(parent) ? '' : parent,
      name: s.Name as string,
      kind: typeof s.SpanKind === 'number' ? s.SpanKind : 1,
      start: this.time(start),
      end: this.time(end),
      attrs: parseGoAttributes(s.Attributes, keepAttr),
      events,
      status: code,
      statusMsg: typeof st.Description === 'string' ? st.Description : '',
      order: this.order++,
    });
  }
}

/** Reads OTLP from an iterable of lines. */
export async function readOtlpLines(lines: AsyncIterable<string> | Iterable<string>, opts: OtlpReadOptions = {}): Promise<OtlpReadResult> {
  const r = new OtlpReader(opts);
  for await (const l of lines) r.line(l);
  return r.finish();
}

/** Reads OTLP from a text held in memory. */
export function readOtlpText(text: string, opts: OtlpReadOptions = {}): OtlpReadResult {
  const r = new OtlpReader(opts);
  for (const l of text.split(/\r?\n/)) r.line(l);
  return r.finish();
}

/** Reads an OTLP file (gzip transparently; `-` for stdin), line by line. */
export async function readOtlpFile(path: string, opts: OtlpReadOptions = {}): Promise<OtlpReadResult> {
  return readOtlpLines(inputLines(path), opts);
}

// ---------------------------------------------------------------------------------------------
// Assembly

const str = (a: Attrs, k: string): string | undefined => {
  const v = a.get(k);
  return typeof v === 'string' ? v : undefined;
};
const num = (a: Attrs, k: string): number | undefined => {
  const v = a.get(k);
  return typeof v === 'number' ? v : undefined;
};
const bool = (a: Attrs, k: string): boolean | undefined => {
  const v = a.get(k);
  return typeof v === 'boolean' ? v : undefined;
};
const strs = (a: Attrs, k: string): string[] | undefined => {
  const v = a.get(k);
  return Array.isArray(v) ? v.map(String) : undefined;
};

/** The `propsim.bounds` offsets of a span (4) or an event (2), when present and well formed. */
const boundsOf = (a: Attrs, n: 2 | 4): number[] | undefined => {
  const v = a.get(PA.bounds);
  return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
};

/** Sets the bounds a writer left on a span (absent: exact, as the span's times are). */
function applySpanBounds(t: Timed, a: Attrs): void {
  const d = boundsOf(a, 4);
  if (!d) return;
  t.startLo = t.start + d[0]!;
  t.startHi = t.start + d[1]!;
  t.endLo = t.end + d[2]!;
  t.endHi = t.end + d[3]!;
}

/** An event's instant with the bounds a writer left on it. */
function eventStamp(e: SpanEvent): Stamp {
  const d = boundsOf(e.attrs, 2);
  return { at: e.t, lo: e.t + (d?.[0] ?? 0), hi: e.t + (d?.[1] ?? 0) };
}

const STREAK_ENDS = new Set<string>(['noChange', 'terminal', 'versionMatched', 'cap', 'stale', 'terminated', 'notFound', 'error', 'unknown']);
const ENQUEUE_SOURCES = new Set<string>(['workflow', 'owner', 'subqueue', 'resync', 'partial', 'launchplan']);
const NODE_KINDS = new Set<string>(['start', 'end', 'task', 'cachedTask', 'map', 'dynamic', 'subworkflow', 'launchplan', 'branch', 'gate', 'subnode', 'unknown']);
const NODE_LEVEL = new Set<OpKind>(['nodeTransition', 'nodeEvent', 'taskEvent', 'bufferedTaskEvent', 'catalogGet', 'catalogPut', 'blobHead', 'blobRead', 'blobWrite', 'blobCopy', 'podCreate', 'launchExecution']);

/** Spans propeller emits that carry nothing the Timeline models. */
function isIgnorable(s: SpanRec): boolean {
  const n = s.name;
  return (
    n === SPAN.storeGet ||
    n === SPAN.handleTask ||
    n === SPAN.handleNode ||
    n.startsWith('datacatalog.') ||
    n.startsWith('flyteidl.') ||
    n.startsWith('controller-runtime.') ||
    n.startsWith('flytestdlib.') ||
    n.startsWith('k8s.')
  );
}

const NAME_KIND = new Map<string, OpKind>([
  [SPAN.storeUpdate, 'etcdUpdate'],
  [SPAN.closure, 'closureRead'],
  [SPAN.catalogCheck, 'catalogGet'],
  [SPAN.catalogWrite, 'catalogPut'],
  [SPAN.readProtobuf, 'blobRead'],
  [SPAN.writeProtobuf, 'blobWrite'],
  [SPAN.rawHead, 'blobHead'],
  [SPAN.rawRead, 'blobRead'],
  [SPAN.rawWrite, 'blobWrite'],
  [SPAN.workflowEvent, 'workflowEvent'],
  [SPAN.nodeEvent, 'nodeEvent'],
  [SPAN.taskEvent, 'taskEvent'],
]);
for (const [kind, name] of Object.entries(OP_SPAN)) if (name.startsWith('propsim.')) NAME_KIND.set(name, kind as OpKind);

interface Index {
  byKey: Map<string, SpanRec>;
  parentOf(s: SpanRec): SpanRec | undefined;
}

function assemble(
  spans: SpanRec[],
  ref: bigint | undefined,
  resourceOrigin: bigint | undefined,
  stats: OtlpSpanStats,
  opts: OtlpReadOptions,
): Recording {
  const skip = (reason: string, n = 1): void => {
    stats.skipped[reason] = (stats.skipped[reason] ?? 0) + n;
  };
  // Origin: the one the writer recorded, else the earliest instant floored to the second.
  let earliest = Infinity;
  for (const s of spans) {
    if (s.start < earliest) earliest = s.start;
    for (const e of s.events) if (e.t < earliest) earliest = e.t;
  }
  const base = ref ?? 0n;
  let origin = earliest === Infinity ? base : base + BigInt(Math.floor(earliest / 1e9)) * 1_000_000_000n;
  if (resourceOrigin !== undefined && (earliest === Infinity || resourceOrigin <= base + BigInt(earliest))) origin = resourceOrigin;
  const shift = Number(base - origin);
  for (const s of spans) {
    s.start += shift;
    s.end += shift;
    for (const e of s.events) e.t += shift;
  }

  const byKey = new Map<string, SpanRec>();
  for (const s of spans) {
    const k = `${s.trace}:${s.id}`;
    if (byKey.has(k)) skip('duplicateSpan');
    else byKey.set(k, s);
  }
  for (const s of byKey.values()) s.up = s.parent === '' ? null : (byKey.get(`${s.trace}:${s.parent}`) ?? null);
  const idx: Index = {
    byKey,
    parentOf: (s) => s.up ?? undefined,
  };
  const rootCache = new Map<SpanRec, SpanRec | null>();
  const rootOf = (s: SpanRec): SpanRec | null => {
    const path: SpanRec[] = [];
    let cur: SpanRec | undefined = s;
    let found: SpanRec | null = null;
    while (cur) {
      const c = rootCache.get(cur);
      if (c !== undefined) {
        found = c;
        break;
      }
      path.push(cur);
      if (cur.parent === '') {
        found = cur;
        break;
      }
      const p = idx.parentOf(cur);
      if (!p || path.length > 10_000) {
        found = null;
        break;
      }
      cur = p;
    }
    for (const p of path) rootCache.set(p, found);
    return found;
  };

  // Group spans under their roots.
  const handleSpans = new Map<SpanRec, SpanRec[]>();
  const execSpans = new Map<SpanRec, SpanRec[]>();
  for (const s of byKey.values()) {
    const root = rootOf(s);
    if (!root) {
      skip('orphanSpan');
      continue;
    }
    if (root.name === SPAN.handle) {
      if (s !== root) pushTo(handleSpans, root, s);
      else if (!handleSpans.has(root)) handleSpans.set(root, []);
    } else if (root.name === SPAN.execution) {
      if (s !== root) pushTo(execSpans, root, s);
      else if (!execSpans.has(root)) execSpans.set(root, []);
    } else {
      skip('unknownSpan');
    }
  }

  const builds = new Map<string, ExecBuild>();
  const buildFor = (id: string): ExecBuild => {
    let b = builds.get(id);
    if (!b) {
      b = { id, handles: [], meta: undefined, metaChildren: [] };
      builds.set(id, b);
    }
    return b;
  };
  // A span group without an execution id, or of an execution `--exec` leaves out, is skipped whole.
  const wanted = (id: string | undefined, spans: number): id is string => {
    if (id === undefined) skip('noExecution', spans);
    else if (opts.exec !== undefined && id !== opts.exec) skip('filtered', spans);
    else return true;
    return false;
  };
  for (const [root, kids] of execSpans) {
    const id = str(root.attrs, CTX.execId);
    if (!wanted(id, 1 + kids.length)) continue;
    const b = buildFor(id);
    if (b.meta) {
      skip('duplicateSpan', 1 + kids.length);
      continue;
    }
    b.meta = root;
    b.metaChildren = kids;
    stats.used += 1 + kids.length;
  }
  for (const [root, kids] of handleSpans) {
    const id = str(root.attrs, CTX.execId) ?? firstAttr(kids, CTX.execId);
    if (!wanted(id, 1 + kids.length)) continue;
    buildFor(id).handles.push({ root, kids });
  }

  const executions: { ex: Execution; index: number; first: number; order: number }[] = [];
  for (const b of builds.values()) {
    const ex = buildExecution(b, idx, origin, stats, skip);
    const index = b.meta ? (num(b.meta.attrs, PA.index) ?? Infinity) : Infinity;
    const first = ex.handles[0]?.start ?? ex.created?.at ?? 0;
    const order = b.meta?.order ?? b.handles[0]?.root.order ?? 0;
    executions.push({ ex, index, first, order });
  }
  executions.sort((a, b) => a.index - b.index || a.first - b.first || a.order - b.order);

  return {
    originUnixNano: origin.toString(),
    source: 'otlp',
    executions: executions.map((e) => e.ex),
    lines: { read: 0, used: 0, skipped: {} },
  };
}

interface ExecBuild {
  id: string;
  handles: { root: SpanRec; kids: SpanRec[] }[];
  meta: SpanRec | undefined;
  metaChildren: SpanRec[];
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

function firstAttr(spans: SpanRec[], key: string): string | undefined {
  let best: SpanRec | undefined;
  for (const s of spans) {
    if (typeof s.attrs.get(key) === 'string' && (!best || s.order < best.order)) best = s;
  }
  return best ? str(best.attrs, key) : undefined;
}

const bySeq = (a: SpanRec, b: SpanRec): number =>
  (num(a.attrs, PA.index) ?? Infinity) - (num(b.attrs, PA.index) ?? Infinity) || a.start - b.start || a.order - b.order;

function buildExecution(
  b: ExecBuild,
  idx: Index,
  origin: bigint,
  stats: OtlpSpanStats,
  skip: (reason: string, n?: number) => void,
): Execution {
  const meta = b.meta;
  const handles: HandleCall[] = [];
  const handleRoots = b.handles.map((h) => h).sort((x, y) => bySeq(x.root, y.root));
  // Node ids seen in the traces, for executions without propsim node records.
  const seenNodes = new Map<string, number>();
  let namespace = meta ? str(meta.attrs, CTX.ns) : undefined;
  let workflow = meta ? str(meta.attrs, CTX.wf) : undefined;
  for (let hi = 0; hi < handleRoots.length; hi++) {
    const { root, kids } = handleRoots[hi]!;
    namespace ??= str(root.attrs, CTX.ns);
    workflow ??= firstAttr(kids, CTX.wf);
    handles.push(buildHandle(root, kids, idx, origin, stats, skip, seenNodes));
  }

  const ex: Execution = {
    id: b.id,
    namespace: namespace ?? '',
    phase: 'Unknown',
    handles,
    nodes: [],
    enqueues: [],
    workflowTransitions: [],
  };
  if (workflow !== undefined) ex.workflow = workflow;
  if (meta) {
    ex.phase = str(meta.attrs, PA.wfPhase) ?? 'Unknown';
    const parent = str(meta.attrs, PA.parent);
    if (parent !== undefined) ex.parent = parent;
    const parentNode = str(meta.attrs, PA.parentNode);
    if (parentNode !== undefined) ex.parentNode = parentNode;
    const has = new Set(strs(meta.attrs, PA.has) ?? []);
    if (has.has('crBytes')) ex.crBytes = [];
    for (const e of meta.events) {
      if (e.name === PA.created) ex.created = eventStamp(e);
      else if (e.name === PA.ended) ex.ended = eventStamp(e);
      else if (e.name === PA.enqueue) {
        const src = str(e.attrs, PA.enqueueSource) ?? 'workflow';
        const q = { ...eventStamp(e), source: (ENQUEUE_SOURCES.has(src) ? src : 'workflow') as EnqueueSource };
        const obj = str(e.attrs, PA.enqueueObject);
        ex.enqueues.push(obj !== undefined ? { ...q, object: obj } : q);
      } else if (e.name === PA.wfTransition) ex.workflowTransitions.push(eventTransition(e));
      else if (e.name === PA.crBytes) (ex.crBytes ??= []).push({ at: e.t, bytes: num(e.attrs, PA.bytes) ?? 0 });
    }
    const nodeSpans = b.metaChildren.filter((s) => s.name === SPAN.node).sort(bySeq);
    for (const ns of nodeSpans) ex.nodes.push(nodeFromSpan(ns));
  } else {
    const first = handles[0];
    if (first) ex.created = { at: first.start, lo: first.start, hi: first.start };
    ex.nodes = deriveNodes(handles, seenNodes);
    for (let hi = 0; hi < handles.length; hi++) {
      const rounds = handles[hi]!.rounds;
      for (let ri = 0; ri < rounds.length; ri++) {
        for (const op of rounds[ri]!.ops) {
          if (op.kind === 'workflowTransition' && op.from !== undefined && op.to !== undefined) {
            ex.workflowTransitions.push(exactTransition(op.from, op.to, op.start, hi, ri));
          }
        }
      }
    }
    const last = ex.workflowTransitions[ex.workflowTransitions.length - 1];
    if (last) ex.phase = last.to;
  }
  return ex;
}

function eventTransition(e: SpanEvent): Transition {
  const st = eventStamp(e);
  const t: Transition = { from: str(e.attrs, PA.from) ?? '', to: str(e.attrs, PA.to) ?? '', at: st.at, atLo: st.lo, atHi: st.hi };
  const h = num(e.attrs, PA.handle);
  const r = num(e.attrs, PA.round);
  if (h !== undefined) t.handle = h;
  if (r !== undefined) t.round = r;
  return t;
}

function nodeFromSpan(s: SpanRec): NodeRecord {
  const kind = str(s.attrs, PA.nodeKind) ?? 'unknown';
  const nd: NodeRecord = {
    id: str(s.attrs, CTX.node) ?? '',
    kind: (NODE_KINDS.has(kind) ? kind : 'unknown') as NodeKind,
    transitions: [],
  };
  const parent = str(s.attrs, PA.nodeParent);
  if (parent !== undefined) nd.parent = parent;
  const up = strs(s.attrs, PA.nodeUpstream);
  if (up !== undefined) nd.upstream = up;
  const retries = num(s.attrs, PA.nodeRetries);
  if (retries !== undefined) nd.retries = retries;
  const cache = str(s.attrs, PA.nodeCache);
  if (cache === 'hit' || cache === 'miss') nd.cache = cache;
  const has = new Set(strs(s.attrs, PA.has) ?? []);
  if (has.has('taskPhases')) nd.taskPhases = [];
  if (has.has('pod')) nd.pod = {};
  if (has.has('pods')) nd.pods = [];
  for (const e of s.events) {
    if (e.name === PA.transition) nd.transitions.push(eventTransition(e));
    else if (e.name === PA.taskPhase) (nd.taskPhases ??= []).push(eventTransition(e));
    else if (e.name === PA.gateOpened) {
      const st = eventStamp(e);
      nd.gateOpened = st.at;
      if (st.lo !== st.at) nd.gateOpenedLo = st.lo;
      if (st.hi !== st.at) nd.gateOpenedHi = st.hi;
    }
    else if (e.name.startsWith(PA.podPrefix)) {
      const name = e.name.slice(PA.podPrefix.length);
      if (name === POD_START_UNSEEN) podOf(nd, num(e.attrs, PA.attempt)).startUnseen = true;
      if (name === POD_END_UNSEEN) podOf(nd, num(e.attrs, PA.attempt)).endUnseen = true;
      else if (POD_KEY_SET.has(name)) podOf(nd, num(e.attrs, PA.attempt))[name as (typeof POD_KEYS)[number]] = e.t;
    }
  }
  return nd;
}

/** The node's pod (no attempt number) or the pod of that attempt, created as needed. */
function podOf(nd: NodeRecord, attempt: number | undefined): PodTimes {
  if (attempt === undefined) return (nd.pod ??= {});
  const pods = (nd.pods ??= []);
  while (pods.length <= attempt) pods.push({});
  return pods[attempt]!;
}

/** Node records from what real propeller spans show: node ids, and transitions when present. */
function deriveNodes(handles: HandleCall[], seen: Map<string, number>): NodeRecord[] {
  const nodes = new Map<string, NodeRecord>();
  const ids = [...seen.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
  for (const id of ids) {
    const nd: NodeRecord = { id, kind: 'unknown', transitions: [] };
    const slash = id.lastIndexOf('/');
    if (slash > 0) nd.parent = id.slice(0, slash);
    nodes.set(id, nd);
  }
  for (let hi = 0; hi < handles.length; hi++) {
    const rounds = handles[hi]!.rounds;
    for (let ri = 0; ri < rounds.length; ri++) {
      for (const op of rounds[ri]!.ops) {
        if (op.kind !== 'nodeTransition' || op.node === undefined) continue;
        nodes.get(op.node)?.transitions.push(exactTransition(op.from ?? '', op.to ?? '', op.start, hi, ri));
      }
    }
  }
  return [...nodes.values()];
}

function buildHandle(
  root: SpanRec,
  kids: SpanRec[],
  idx: Index,
  origin: bigint,
  stats: OtlpSpanStats,
  skip: (reason: string, n?: number) => void,
  seenNodes: Map<string, number>,
): HandleCall {
  stats.used++;
  const streaks = kids.filter((s) => s.name === SPAN.streak).sort(bySeq);
  const rounds: Round[] = [];
  const roundOf = new Map<SpanRec, number>();
  for (const s of streaks) {
    roundOf.set(s, rounds.length);
    rounds.push(roundFromSpan(s));
    stats.used++;
  }
  const ownOps: { span: SpanRec; op: Op }[][] = rounds.map(() => []);
  // Every span under each round, for the context fields real traces put only on nested spans.
  const under: SpanRec[][] = rounds.map(() => []);
  const nearest = (s: SpanRec, pred: (p: SpanRec) => boolean): SpanRec | undefined => {
    let p = idx.parentOf(s);
    for (let depth = 0; p && depth < 10_000; depth++) {
      if (pred(p)) return p;
      p = idx.parentOf(p);
    }
    return undefined;
  };
  for (const s of kids) {
    if (s.name === SPAN.streak) continue;
    const node = str(s.attrs, CTX.node);
    if (node !== undefined && !seenNodes.has(node)) seenNodes.set(node, s.start);
    const streak = nearest(s, (p) => p.name === SPAN.streak);
    const inRound = streak ? roundOf.get(streak) : undefined;
    if (inRound !== undefined) under[inRound]!.push(s);
    const kind = classify(s, nearest);
    if (kind === 'ignore') {
      stats.ignored++;
      continue;
    }
    if (kind === undefined) {
      skip('unknownSpan');
      continue;
    }
    const ours = s.attrs.has(PA.opKind);
    let ri = inRound;
    if (ri === undefined) {
      const r = num(s.attrs, PA.round);
      ri = r !== undefined && r >= 0 && r < rounds.length ? r : rounds.length > 0 ? 0 : undefined;
    }
    if (ri === undefined) {
      skip('noRound');
      continue;
    }
    const op = opFromSpan(s, kind, ours, nearest);
    ownOps[ri]!.push({ span: s, op });
    stats.used++;
  }
  for (let ri = 0; ri < rounds.length; ri++) {
    const list = ownOps[ri]!.sort((a, b) => bySeq(a.span, b.span));
    const r = rounds[ri]!;
    r.ops = list.map((x) => x.op);
    const streak = streaks[ri]!;
    if (!streak.attrs.has(PA.changed)) {
      // A real propeller trace: the round wrote the CR exactly when it has an Update span.
      const writes = r.ops.filter((o) => o.kind === 'etcdUpdate');
      r.changed = writes.length > 0;
      const failed = writes.find((o) => o.outcome !== undefined && o.outcome !== 'ok');
      if (failed && r.error === undefined) r.error = failed.detail ?? failed.outcome ?? 'error';
      if (r.resVer === undefined) {
        const rv = firstAttr(under[ri]!, CTX.resVer);
        if (rv !== undefined) r.resVer = rv;
      }
    }
  }
  const h: HandleCall = {
    worker: str(root.attrs, CTX.routine) ?? 'unknown',
    start: root.start,
    end: root.end,
    rounds,
    endReason: 'unknown',
  };
  const reason = str(root.attrs, PA.streakEnd);
  if (reason !== undefined) h.endReason = (STREAK_ENDS.has(reason) ? reason : 'unknown') as StreakEnd;
  else h.endReason = inferStreakEnd(rounds);
  const rel = (key: string): Ns | undefined => {
    const v = str(root.attrs, key);
    return v !== undefined && /^\d+$/.test(v) ? Number(BigInt(v) - origin) : undefined;
  };
  const enq = rel(PA.enqueuedAt);
  if (enq !== undefined) h.enqueuedAt = enq;
  const enqLo = rel(PA.enqueuedAtLo);
  if (enqLo !== undefined) h.enqueuedAtLo = enqLo;
  const enqHi = rel(PA.enqueuedAtHi);
  if (enqHi !== undefined) h.enqueuedAtHi = enqHi;
  const replica = str(root.attrs, PA.replica);
  if (replica !== undefined) h.replica = replica;
  const streakMax = num(root.attrs, PA.streakMax);
  if (streakMax !== undefined) h.streakMax = streakMax;
  applySpanBounds(h, root.attrs);
  return h;
}

/** What a real trace tells about how a streak ended. */
function inferStreakEnd(rounds: Round[]): StreakEnd {
  const last = rounds[rounds.length - 1];
  if (!last) return 'unknown';
  if (last.error !== undefined) return 'error';
  if (!last.changed) return 'noChange';
  return 'unknown';
}

function roundFromSpan(s: SpanRec): Round {
  const r: Round = {
    start: s.start,
    end: s.end,
    phase: str(s.attrs, PA.wfPhase) ?? 'Unknown',
    changed: bool(s.attrs, PA.changed) ?? false,
    ops: [],
  };
  for (const e of s.events) {
    if (e.name === PA.traversalEnd) r.traversalEnd = e.t;
    else if (e.name === PA.traversalEndLo) r.traversalEndLo = e.t;
    else if (e.name === PA.traversalEndHi) r.traversalEndHi = e.t;
  }
  const rv = str(s.attrs, CTX.resVer);
  if (rv !== undefined) r.resVer = rv;
  const err = str(s.attrs, PA.error);
  if (err !== undefined) r.error = err;
  applySpanBounds(r, s.attrs);
  return r;
}

/** The op kind a span stands for; 'ignore' for known spans with nothing to model. */
function classify(s: SpanRec, nearest: (s: SpanRec, pred: (p: SpanRec) => boolean) => SpanRec | undefined): OpKind | 'ignore' | undefined {
  const k = s.attrs.get(PA.opKind);
  if (typeof k === 'string' && OP_KINDS.has(k)) return k as OpKind;
  if (s.name === SPAN.handleNode) {
    return s.attrs.has(PA.nodeFrom) || s.attrs.has(PA.nodeTo) ? 'nodeTransition' : 'ignore';
  }
  if (s.name === SPAN.rawRead && nearest(s, (p) => p.name === SPAN.readProtobuf)) return 'ignore';
  if (s.name === SPAN.rawWrite && nearest(s, (p) => p.name === SPAN.writeProtobuf)) return 'ignore';
  const kind = NAME_KIND.get(s.name);
  if (kind !== undefined) {
    // The admin's own server-side spans of the same RPC join the trace through propagation.
    if ((kind === 'workflowEvent' || kind === 'nodeEvent' || kind === 'taskEvent') && s.kind === 2) return 'ignore';
    return kind;
  }
  return isIgnorable(s) ? 'ignore' : undefined;
}

function opFromSpan(
  s: SpanRec,
  kind: OpKind,
  ours: boolean,
  nearest: (s: SpanRec, pred: (p: SpanRec) => boolean) => SpanRec | undefined,
): Op {
  const op: Op = { kind, start: s.start, end: s.end };
  let node = str(s.attrs, CTX.node);
  if (node === undefined && !ours && NODE_LEVEL.has(kind)) {
    const p = nearest(s, (x) => typeof x.attrs.get(CTX.node) === 'string');
    if (p) node = str(p.attrs, CTX.node);
  }
  if (node !== undefined) op.node = node;
  const keys = opPhaseKeys(kind);
  const from = str(s.attrs, keys.from);
  const to = str(s.attrs, keys.to);
  if (from !== undefined) op.from = from;
  if (to !== undefined) op.to = to;
  const bytes = num(s.attrs, PA.bytes);
  if (bytes !== undefined) op.bytes = bytes;
  const outcome = str(s.attrs, PA.outcome);
  if (outcome !== undefined) op.outcome = outcome;
  else if (!ours) {
    const o = inferOutcome(s, kind);
    if (o !== undefined) op.outcome = o;
  }
  const detail = str(s.attrs, PA.detail);
  if (detail !== undefined) op.detail = detail;
  else if (!ours && s.status === 2 && s.statusMsg !== '') op.detail = s.statusMsg;
  if (bool(s.attrs, PA.untimed) === true) op.untimed = true;
  applySpanBounds(op, s.attrs);
  return op;
}

/** Outcome of a real propeller span from its status (and the gRPC code otelgrpc records). */
function inferOutcome(s: SpanRec, kind: OpKind): string | undefined {
  const rpc = kind === 'workflowEvent' || kind === 'nodeEvent' || kind === 'taskEvent';
  if (!rpc && kind !== 'etcdUpdate') return undefined;
  const code = num(s.attrs, 'rpc.grpc.status_code');
  if (s.status !== 2 && (code === undefined || code === 0)) return 'ok';
  if (code === 6) return 'alreadyExists';
  if (code === 8) return 'throttled';
  if (kind === 'etcdUpdate' && /modified|conflict/i.test(s.statusMsg)) return 'conflict';
  if (kind === 'etcdUpdate' && /too large/i.test(s.statusMsg)) return 'tooLarge';
  return 'error';
}
