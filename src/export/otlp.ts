/**
 * Timeline -> OTLP/JSON traces, written through the OpenTelemetry SDK (`BasicTracerProvider`) and
 * serialized by `JsonTraceSerializer`, with propeller's span names (domain brief §7): one trace per
 * Handle call (`pkg.controller.Propeller/Handle` > `.../streak` > ops), plus one `propsim.Execution`
 * trace per execution holding what a Handle call does not (enqueues, node records, CR sizes).
 *
 * Everything is deterministic: span times are `HrTime` tuples anchored at the recording origin
 * (small numbers would be shifted to wall-clock time by the SDK) and span/trace ids are hashes of
 * the item's position (execution id, handle index, round index, op index), so the same Recording
 * always gives byte-identical output, and adding an execution does not change another's ids.
 * Large recordings are serialized in chunks (one JSON document per line, like the Collector's file
 * exporter) to keep every string far below V8's limit.
 */
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type HrTime, type Span } from '@opentelemetry/api';
import { BasicTracerProvider, type IdGenerator, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Execution, HandleCall, NodeRecord, Ns, PodTimes, Recording, Round, Stamp, Timed, Transition } from '../timeline/types.js';
import { endHi, endLo, startHi, startLo } from '../timeline/bounds.js';
import { isFailedOutcome } from '../timeline/error-class.js';
import { CTX, OP_SPAN, PA, POD_END_UNSEEN, POD_KEYS, POD_START_UNSEEN, SPAN, opPhaseKeys } from '../timeline/spans.js';
import { writeAtomically } from './atomic-write.js';
import { LogClock } from './log-format.js';

export interface OtlpWriteOptions {
  /** Maximum spans per serialized document (one JSONL line). Default 50 000. */
  chunkSpans?: number;
  /** `service.version` resource attribute. Default `propsim`. */
  serviceVersion?: string;
}

export interface OtlpWriteStats {
  spans: number;
  documents: number;
  bytes: number;
}

/** Ids are hashes of a key the writer sets before starting each span. */
class KeyedIds implements IdGenerator {
  key = '';
  generateTraceId(): string {
    return nonZero(createHash('sha256').update(`t\u0000${this.key}`).digest('hex').slice(0, 32));
  }
  generateSpanId(): string {
    return nonZero(createHash('sha256').update(`s\u0000${this.key}`).digest('hex').slice(0, 16));
  }
}

function nonZero(hex: string): string {
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/**
 * Collects finished spans synchronously. (SimpleSpanProcessor would do the same through a promise
 * per span, which costs more than creating the span when nothing awaits in between.)
 */
class CollectingProcessor implements SpanProcessor {
  spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** Relative ns -> HrTime anchored at the origin, with integer arithmetic only. */
function makeClock(originUnixNano: string): (t: Ns) => HrTime {
  const clock = new LogClock(originUnixNano);
  return (t: Ns): HrTime => clock.split(t);
}

/** gRPC status codes otelgrpc records, for event RPCs. */
function grpcCode(outcome: string | undefined): number {
  switch (outcome) {
    case undefined:
    case 'ok':
      return 0;
    case 'alreadyExists':
      return 6;
    case 'throttled':
    case 'tooLarge':
      return 8;
    case 'notFound':
      return 5;
    default:
      return 2;
  }
}

/**
 * Yields the OTLP/JSON documents for a Recording, each holding at most `chunkSpans` spans.
 * Concatenated with newlines they form a JSONL file the reader (and the Collector) accepts.
 */
export function* otlpDocuments(rec: Recording, opts: OtlpWriteOptions = {}): Generator<string> {
  const chunk = Math.max(1, opts.chunkSpans ?? 50_000);
  const ids = new KeyedIds();
  const sink = new CollectingProcessor();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'flytepropeller',
      'service.version': opts.serviceVersion ?? 'propsim',
      [PA.origin]: rec.originUnixNano,
    }),
    idGenerator: ids,
    spanProcessors: [sink],
    spanLimits: {
      attributeCountLimit: 1_000,
      eventCountLimit: Number.MAX_SAFE_INTEGER,
      attributePerEventCountLimit: 1_000,
    },
  });
  const tracer = provider.getTracer('default');
  const hr = makeClock(rec.originUnixNano);
  const decoder = new TextDecoder();

  const start = (key: string, name: string, t: Ns, attrs: Attributes, parent: Context, kind = SpanKind.INTERNAL): Span => {
    ids.key = key;
    return tracer.startSpan(name, { startTime: hr(t), kind, attributes: attrs }, parent);
  };
  function* flush(all: boolean): Generator<string> {
    while (sink.spans.length >= chunk || (all && sink.spans.length > 0)) {
      const part = sink.spans.splice(0, chunk);
      const bytes = JsonTraceSerializer.serializeRequest(part);
      if (bytes) yield decoder.decode(bytes);
    }
  }

  const seen = new Map<string, number>();
  for (let xi = 0; xi < rec.executions.length; xi++) {
    const ex = rec.executions[xi]!;
    // Keys use the execution id (stable across recordings); a repeated id gets a suffix.
    const n = seen.get(ex.id) ?? 0;
    seen.set(ex.id, n + 1);
    const xkey = n === 0 ? ex.id : `${ex.id}#${n}`;
    writeExecution(ex, xi, xkey, start, hr);
    yield* flush(false);
    for (let hi = 0; hi < ex.handles.length; hi++) {
      writeHandle(ex, ex.handles[hi]!, hi, `${xkey}\u0000h${hi}`, start, hr, rec.originUnixNano);
      yield* flush(false);
    }
  }
  yield* flush(true);
}

type Starter = (key: string, name: string, t: Ns, attrs: Attributes, parent: Context, kind?: SpanKind) => Span;

function ctxAttrs(ex: Execution, h?: HandleCall): Attributes {
  const a: Attributes = { [CTX.execId]: ex.id, [CTX.ns]: ex.namespace };
  if (h) a[CTX.routine] = h.worker;
  return a;
}

function transitionAttrs(t: Transition): Attributes {
  const a: Attributes = { [PA.from]: t.from, [PA.to]: t.to };
  if (t.handle !== undefined) a[PA.handle] = t.handle;
  if (t.round !== undefined) a[PA.round] = t.round;
  addEventBounds(a, t.at, t.atLo, t.atHi);
  return a;
}

/**
 * Span times are exact; the bounds of coarse instants (whole-second log stamps) travel as
 * offsets from them, so a trace written from a log reads back with the log's uncertainty.
 */
function addSpanBounds(a: Attributes, t: Timed): void {
  const d = [startLo(t) - t.start, startHi(t) - t.start, endLo(t) - t.end, endHi(t) - t.end];
  if (d.some((x) => x !== 0)) a[PA.bounds] = d;
}

function addEventBounds(a: Attributes, at: Ns, lo: Ns | undefined, hi: Ns | undefined): void {
  const d = [(lo ?? at) - at, (hi ?? at) - at];
  if (d[0] !== 0 || d[1] !== 0) a[PA.bounds] = d;
}

/** Every instant an execution's records mention, to size the execution span. */
function executionBounds(ex: Execution): [Ns, Ns] {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (t: Ns | undefined): void => {
    if (t === undefined) return;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  };
  see(ex.created?.at);
  see(ex.ended?.at);
  for (const e of ex.enqueues) see(e.at);
  for (const h of ex.handles) {
    see(h.start);
    see(h.end);
  }
  for (const t of ex.workflowTransitions) see(t.at);
  for (const c of ex.crBytes ?? []) see(c.at);
  for (const nd of ex.nodes) {
    const [a, b] = nodeBounds(nd);
    if (a <= b) {
      see(a);
      see(b);
    }
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

function nodeBounds(nd: NodeRecord): [Ns, Ns] {
  let lo = Infinity;
  let hi = -Infinity;
  const see = (t: Ns | undefined): void => {
    if (t === undefined) return;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  };
  for (const t of nd.transitions) see(t.at);
  for (const t of nd.taskPhases ?? []) see(t.at);
  for (const p of [...(nd.pod ? [nd.pod] : []), ...(nd.pods ?? [])]) for (const k of POD_KEYS) see(p[k]);
  return [lo, hi];
}

function writeExecution(ex: Execution, xi: number, xkey: string, start: Starter, hr: (t: Ns) => HrTime): void {
  const [t0, t1] = executionBounds(ex);
  const attrs: Attributes = { ...ctxAttrs(ex), [PA.index]: xi, [PA.wfPhase]: ex.phase };
  if (ex.workflow !== undefined) attrs[CTX.wf] = ex.workflow;
  if (ex.parent !== undefined) attrs[PA.parent] = ex.parent;
  if (ex.parentNode !== undefined) attrs[PA.parentNode] = ex.parentNode;
  if (ex.crBytes !== undefined) attrs[PA.has] = ['crBytes'];
  const span = start(`${xkey}\u0000x`, SPAN.execution, t0, attrs, ROOT_CONTEXT);
  const stamp = (st: Stamp): Attributes => {
    const a: Attributes = {};
    addEventBounds(a, st.at, st.lo, st.hi);
    return a;
  };
  if (ex.created) span.addEvent(PA.created, stamp(ex.created), hr(ex.created.at));
  if (ex.ended) span.addEvent(PA.ended, stamp(ex.ended), hr(ex.ended.at));
  for (const e of ex.enqueues) {
    const a: Attributes = { [PA.enqueueSource]: e.source, ...stamp(e) };
    if (e.object !== undefined) a[PA.enqueueObject] = e.object;
    span.addEvent(PA.enqueue, a, hr(e.at));
  }
  for (const t of ex.workflowTransitions) span.addEvent(PA.wfTransition, transitionAttrs(t), hr(t.at));
  for (const c of ex.crBytes ?? []) span.addEvent(PA.crBytes, { [PA.bytes]: c.bytes }, hr(c.at));

  const parent = trace.setSpan(ROOT_CONTEXT, span);
  for (let ni = 0; ni < ex.nodes.length; ni++) {
    const nd = ex.nodes[ni]!;
    let [a, b] = nodeBounds(nd);
    if (a > b) [a, b] = [t0, t0];
    const na: Attributes = { ...ctxAttrs(ex), [CTX.node]: nd.id, [PA.index]: ni, [PA.nodeKind]: nd.kind };
    if (nd.parent !== undefined) na[PA.nodeParent] = nd.parent;
    if (nd.upstream !== undefined) na[PA.nodeUpstream] = nd.upstream;
    if (nd.retries !== undefined) na[PA.nodeRetries] = nd.retries;
    if (nd.cache !== undefined) na[PA.nodeCache] = nd.cache;
    const has: string[] = [];
    if (nd.taskPhases !== undefined) has.push('taskPhases');
    if (nd.pod !== undefined) has.push('pod');
    if (nd.pods !== undefined) has.push('pods');
    if (has.length > 0) na[PA.has] = has;
    const ns = start(`${xkey}\u0000n${ni}`, SPAN.node, a, na, parent);
    for (const t of nd.transitions) ns.addEvent(PA.transition, transitionAttrs(t), hr(t.at));
    for (const t of nd.taskPhases ?? []) ns.addEvent(PA.taskPhase, transitionAttrs(t), hr(t.at));
    if (nd.gateOpened !== undefined) {
      ns.addEvent(PA.gateOpened, stamp({ at: nd.gateOpened, lo: nd.gateOpenedLo ?? nd.gateOpened, hi: nd.gateOpenedHi ?? nd.gateOpened }), hr(nd.gateOpened));
    }
    if (nd.pod) podEvents(ns, nd.pod, {}, hr);
    (nd.pods ?? []).forEach((p, i) => podEvents(ns, p, { [PA.attempt]: i }, hr));
    ns.end(hr(b));
  }
  span.end(hr(t1));
}

function podEvents(span: Span, pod: PodTimes, attrs: Attributes, hr: (t: Ns) => HrTime): void {
  for (const k of POD_KEYS) {
    const v = pod[k];
    if (v !== undefined) span.addEvent(`${PA.podPrefix}${k}`, attrs, hr(v));
  }
  // A flag, not an instant: the event sits at the pod's creation.
  if (pod.startUnseen) span.addEvent(`${PA.podPrefix}${POD_START_UNSEEN}`, attrs, hr(pod.created ?? 0));
  if (pod.endUnseen) span.addEvent(`${PA.podPrefix}${POD_END_UNSEEN}`, attrs, hr(pod.started ?? pod.created ?? 0));
}

function writeHandle(
  ex: Execution,
  h: HandleCall,
  hi: number,
  hkey: string,
  start: Starter,
  hr: (t: Ns) => HrTime,
  originUnixNano: string,
): void {
  const base = ctxAttrs(ex, h);
  const ha: Attributes = { ...base, [PA.index]: hi, [PA.streakEnd]: h.endReason };
  const abs = (t: Ns): string => (BigInt(originUnixNano) + BigInt(Math.round(t))).toString();
  if (h.enqueuedAt !== undefined) ha[PA.enqueuedAt] = abs(h.enqueuedAt);
  if (h.enqueuedAtLo !== undefined) ha[PA.enqueuedAtLo] = abs(h.enqueuedAtLo);
  if (h.enqueuedAtHi !== undefined) ha[PA.enqueuedAtHi] = abs(h.enqueuedAtHi);
  if (h.replica !== undefined) ha[PA.replica] = h.replica;
  if (h.streakMax !== undefined) ha[PA.streakMax] = h.streakMax;
  addSpanBounds(ha, h);
  const hspan = start(`${hkey}\u0000H`, SPAN.handle, h.start, ha, ROOT_CONTEXT);
  const hctx = trace.setSpan(ROOT_CONTEXT, hspan);
  for (let ri = 0; ri < h.rounds.length; ri++) {
    writeRound(ex, h, h.rounds[ri]!, ri, `${hkey}\u0000r${ri}`, start, hr, base, hctx);
  }
  hspan.end(hr(h.end));
}

function writeRound(
  ex: Execution,
  h: HandleCall,
  r: Round,
  ri: number,
  rkey: string,
  start: Starter,
  hr: (t: Ns) => HrTime,
  base: Attributes,
  hctx: Context,
): void {
  const ra: Attributes = { ...base, [PA.index]: ri, [PA.wfPhase]: r.phase, [PA.changed]: r.changed };
  if (ex.workflow !== undefined) ra[CTX.wf] = ex.workflow;
  if (r.resVer !== undefined) ra[CTX.resVer] = r.resVer;
  if (r.error !== undefined) ra[PA.error] = r.error;
  addSpanBounds(ra, r);
  const rspan = start(`${rkey}\u0000R`, SPAN.streak, r.start, ra, hctx);
  if (r.traversalEnd !== undefined) rspan.addEvent(PA.traversalEnd, {}, hr(r.traversalEnd));
  if (r.traversalEndLo !== undefined) rspan.addEvent(PA.traversalEndLo, {}, hr(r.traversalEndLo));
  if (r.traversalEndHi !== undefined) rspan.addEvent(PA.traversalEndHi, {}, hr(r.traversalEndHi));
  const rctx = trace.setSpan(hctx, rspan);
  // Ops of a node that follow its transition in the round nest under that handleNode span.
  const nodeCtx = new Map<string, Context>();
  for (let oi = 0; oi < r.ops.length; oi++) {
    const op = r.ops[oi]!;
    // Only the execution id and node of propeller's context fields: the rest is on the round span.
    const oa: Attributes = { [CTX.execId]: ex.id, [PA.opKind]: op.kind, [PA.index]: oi };
    if (op.node !== undefined) oa[CTX.node] = op.node;
    const keys = opPhaseKeys(op.kind);
    if (op.from !== undefined) oa[keys.from] = op.from;
    if (op.to !== undefined) oa[keys.to] = op.to;
    if (op.bytes !== undefined) oa[PA.bytes] = op.bytes;
    if (op.outcome !== undefined) oa[PA.outcome] = op.outcome;
    if (op.detail !== undefined) oa[PA.detail] = op.detail;
    if (op.untimed === true) oa[PA.untimed] = true;
    addSpanBounds(oa, op);
    let parent = rctx;
    let kind = SpanKind.INTERNAL;
    if (op.kind === 'closureRead') {
      // propeller reads the offloaded closure once per Handle call, outside the streak loop.
      parent = hctx;
      oa[PA.round] = ri;
    } else if (op.node !== undefined && nodeCtx.has(op.node)) {
      parent = nodeCtx.get(op.node)!;
    }
    if (op.kind === 'workflowEvent' || op.kind === 'nodeEvent' || op.kind === 'taskEvent') {
      kind = SpanKind.CLIENT;
      const method = OP_SPAN[op.kind];
      oa['rpc.system'] = 'grpc';
      oa['rpc.service'] = 'flyteidl.service.AdminService';
      oa['rpc.method'] = method.slice(method.lastIndexOf('/') + 1);
      oa['rpc.grpc.status_code'] = grpcCode(op.outcome);
    }
    const span = start(`${rkey}\u0000o${oi}`, OP_SPAN[op.kind], op.start, oa, parent, kind);
    if (isFailedOutcome(op.outcome)) span.setStatus({ code: SpanStatusCode.ERROR, message: op.detail ?? op.outcome });
    if (op.kind === 'nodeTransition' && op.node !== undefined) nodeCtx.set(op.node, trace.setSpan(rctx, span));
    span.end(hr(op.end));
  }
  rspan.end(hr(r.end));
}

/** Writes the Recording to a stream, one document per line; resolves when all is written. */
export async function writeOtlpTo(
  rec: Recording,
  write: (chunk: string) => Promise<void> | void,
  opts: OtlpWriteOptions = {},
): Promise<OtlpWriteStats> {
  const stats: OtlpWriteStats = { spans: 0, documents: 0, bytes: 0 };
  for (const doc of otlpDocuments(rec, opts)) {
    stats.documents++;
    stats.bytes += Buffer.byteLength(doc) + 1;
    await write(`${doc}\n`);
  }
  stats.spans = countSpans(rec);
  return stats;
}

/** Writes the Recording to `path` through a temporary file and a rename. */
export async function writeOtlp(rec: Recording, path: string, opts: OtlpWriteOptions = {}): Promise<OtlpWriteStats> {
  return writeAtomically(path, (write) => writeOtlpTo(rec, write, opts));
}

/** Number of spans `otlpDocuments` writes for a Recording. */
export function countSpans(rec: Recording): number {
  let n = 0;
  for (const ex of rec.executions) {
    n += 1 + ex.nodes.length;
    for (const h of ex.handles) {
      n += 1;
      for (const r of h.rounds) n += 1 + r.ops.length;
    }
  }
  return n;
}
