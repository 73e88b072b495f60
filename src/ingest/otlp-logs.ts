/**
 * OpenTelemetry log records: the Collector's file exporter writes one `ExportLogsServiceRequest`
 * per line (`{"resourceLogs":[{"resource":..,"scopeLogs":[{"logRecords":[..]}]}]}`), each holding
 * many container lines. Every record is rewritten, as it streams, into one line of the collector
 * form the decoder reads (`{"log":..,"time":..,"kubernetes":{"pod_name":..}}`, see `decode.ts`):
 * the record's body is the propeller line, its time the receive time, `k8s.pod.name` the replica.
 */

const NEWLINE = 0x0a;

/** True when the input begins as an OTLP logs request (`{"resourceLogs"` or `{"resource_logs"`). */
export function startsAsOtlpLogs(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, 64)).toString('latin1').replace(/^\u00ef\u00bb\u00bf/, '');
  return /^\s*\{\s*"resource_?[lL]ogs"/.test(text);
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** An OTLP AnyValue as plain JSON (strings, numbers, booleans, lists and maps). */
function plain(v: unknown): unknown {
  const o = obj(v);
  if (o === undefined) return undefined;
  if (typeof o.stringValue === 'string') return o.stringValue;
  if (o.boolValue !== undefined) return o.boolValue;
  if (o.intValue !== undefined) return Number(o.intValue);
  if (o.doubleValue !== undefined) return o.doubleValue;
  const arr = obj(o.arrayValue);
  if (arr) return list(arr.values).map(plain);
  const kv = obj(o.kvlistValue);
  if (kv) return attributes(kv.values);
  return undefined;
}

function attributes(kvs: unknown): Json {
  const out: Json = {};
  for (const kv of list(kvs)) {
    const o = obj(kv);
    if (o && typeof o.key === 'string') out[o.key] = plain(o.value);
  }
  return out;
}

/** Nanoseconds since the epoch (a decimal string or a number) as RFC3339 with nine digits. */
function rfc3339(ns: unknown): string | undefined {
  const digits = typeof ns === 'string' ? ns : typeof ns === 'number' && Number.isFinite(ns) ? BigInt(Math.round(ns)).toString() : undefined;
  if (digits === undefined || !/^\d{10,}$/.test(digits) || /^0+$/.test(digits)) return undefined;
  const sec = Number(digits.slice(0, -9));
  return `${new Date(sec * 1000).toISOString().slice(0, 19)}.${digits.slice(-9)}Z`;
}

/** The collector-form lines of one OTLP logs request; undefined when `line` is not one. */
export function otlpLogLines(line: string): string[] | undefined {
  let req: Json | undefined;
  try {
    req = obj(JSON.parse(line));
  } catch {
    return undefined;
  }
  if (req === undefined) return undefined;
  const resourceLogs = req.resourceLogs ?? req.resource_logs;
  if (!Array.isArray(resourceLogs)) return undefined;
  const out: string[] = [];
  for (const rl of resourceLogs) {
    const r = obj(rl);
    const resource = attributes(obj(r?.resource)?.attributes);
    for (const sl of list(r?.scopeLogs ?? r?.scope_logs)) {
      const s = obj(sl);
      for (const lr of list(s?.logRecords ?? s?.log_records)) {
        const rec = obj(lr);
        if (rec === undefined) continue;
        const attrs = attributes(rec.attributes);
        const body = plain(rec.body);
        const pod = attrs['k8s.pod.name'] ?? resource['k8s.pod.name'];
        const wrapped: Json = {
          // a body the Collector parsed into a map is the line's JSON object again
          log: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
          time: rfc3339(rec.timeUnixNano ?? rec.time_unix_nano) ?? rfc3339(rec.observedTimeUnixNano ?? rec.observed_time_unix_nano),
        };
        if (typeof pod === 'string') wrapped.kubernetes = { pod_name: pod };
        out.push(JSON.stringify(wrapped));
      }
    }
  }
  return out;
}

/** Longest pretty-printed document taken whole (bytes); a longer one is left to the reader to count. */
const MAX_DOCUMENT = 64 * 1024 * 1024;

/**
 * Rewrites OTLP logs requests into one line per log record, chunk by chunk. A request is one line
 * (the Collector's file exporter) or a pretty-printed document over many lines (a saved OTLP/HTTP
 * body run through `jq`): such a document is gathered until its braces close, then rewritten. A
 * line, or a document, that is not such a request is kept as it is, for the reader to count.
 * `onLine(line)` gets the source line of each output line, in order (a document's records: the
 * line it begins on).
 */
export class OtlpLogsLines {
  private carry: Buffer[] = [];
  private line = 0;
  private readonly doc = new DocumentLines();

  constructor(private readonly onLine?: (line: number) => void) {}

  push(chunk: Buffer): Buffer {
    const out: string[] = [];
    let p = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, p)) {
      const bytes = this.carry.length > 0 ? Buffer.concat([...this.carry, chunk.subarray(p, nl)]) : chunk.subarray(p, nl);
      this.carry = [];
      this.physical(bytes.toString('utf8'), out);
      p = nl + 1;
    }
    if (p < chunk.length) this.carry.push(Buffer.from(chunk.subarray(p)));
    return Buffer.from(out.join(''), 'utf8');
  }

  end(): Buffer {
    const out: string[] = [];
    if (this.carry.length > 0) this.physical(Buffer.concat(this.carry).toString('utf8'), out);
    this.carry = [];
    // A document that never closed: its lines as they were.
    this.passThrough(this.doc.drain(), out);
    return Buffer.from(out.join(''), 'utf8');
  }

  private physical(text: string, out: string[]): void {
    const line = ++this.line;
    if (this.doc.open) {
      // A whole request on its own line means the open "document" was a request cut short, not
      // a pretty-printed one: its lines are left to the reader to count, and this one is read.
      if (text.trimStart().startsWith('{')) {
        const lines = otlpLogLines(text);
        if (lines !== undefined) {
          this.passThrough(this.doc.drain(), out);
          this.records(lines, line, out);
          return;
        }
      }
      const whole = this.doc.add(text, line);
      if (whole !== undefined) this.document(whole, out);
      else if (this.doc.bytes > MAX_DOCUMENT) this.passThrough(this.doc.drain(), out);
      return;
    }
    if (text.trim() === '') return;
    const lines = otlpLogLines(text);
    if (lines !== undefined) {
      this.records(lines, line, out);
      return;
    }
    // Not a request on its own line: the start of a pretty-printed one?
    if (text.trimStart().startsWith('{')) {
      const whole = this.doc.add(text, line);
      if (whole !== undefined) this.document(whole, out);
      return;
    }
    this.onLine?.(line);
    out.push(text, '\n');
  }

  private document(d: { lines: { text: string; line: number }[] }, out: string[]): void {
    const lines = otlpLogLines(d.lines.map((l) => l.text).join('\n'));
    if (lines === undefined) {
      this.passThrough(d.lines, out);
      return;
    }
    this.records(lines, d.lines[0]!.line, out);
  }

  /** A request's records, from source line `line`. */
  private records(lines: string[], line: number, out: string[]): void {
    for (const l of lines) {
      this.onLine?.(line);
      out.push(l, '\n');
    }
  }

  private passThrough(lines: { text: string; line: number }[], out: string[]): void {
    for (const l of lines) {
      this.onLine?.(l.line);
      out.push(l.text, '\n');
    }
  }
}

/**
 * The lines of one JSON document spread over several, gathered until its top-level braces close
 * (strings and escapes taken into account, so braces inside values do not count).
 */
class DocumentLines {
  private lines: { text: string; line: number }[] = [];
  private depth = 0;
  private inString = false;
  private escaped = false;
  bytes = 0;

  get open(): boolean {
    return this.lines.length > 0;
  }

  /** Adds a line; returns the whole document once its braces close. */
  add(text: string, line: number): { lines: { text: string; line: number }[] } | undefined {
    this.lines.push({ text, line });
    this.bytes += text.length + 1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92) this.escaped = true;
        else if (c === 34) this.inString = false;
      } else if (c === 34) this.inString = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) {
        this.depth--;
        // A document ends where its braces close; anything after it on the line goes with it.
        if (this.depth === 0) return { lines: this.drain() };
      }
    }
    return undefined;
  }

  /** The lines gathered so far (and forgets them). */
  drain(): { text: string; line: number }[] {
    const lines = this.lines;
    this.lines = [];
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.bytes = 0;
    return lines;
  }
}
