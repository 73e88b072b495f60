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

/**
 * Rewrites OTLP logs requests, one per line, into one line per log record, chunk by chunk. A line
 * that is not such a request is kept as it is, for the reader to count. `onLine(line)` gets the
 * source line of each output line, in order.
 */
export class OtlpLogsLines {
  private carry: Buffer[] = [];
  private line = 0;

  constructor(private readonly onLine?: (line: number) => void) {}

  push(chunk: Buffer): Buffer {
    const out: string[] = [];
    let p = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, p)) {
      const bytes = this.carry.length > 0 ? Buffer.concat([...this.carry, chunk.subarray(p, nl)]) : chunk.subarray(p, nl);
      this.carry = [];
      this.request(bytes.toString('utf8'), out);
      p = nl + 1;
    }
    if (p < chunk.length) this.carry.push(Buffer.from(chunk.subarray(p)));
    return Buffer.from(out.join(''), 'utf8');
  }

  end(): Buffer {
    if (this.carry.length === 0) return Buffer.alloc(0);
    const out: string[] = [];
    this.request(Buffer.concat(this.carry).toString('utf8'), out);
    this.carry = [];
    return Buffer.from(out.join(''), 'utf8');
  }

  private request(text: string, out: string[]): void {
    this.line++;
    const lines = text.trim() === '' ? [] : otlpLogLines(text);
    if (lines === undefined) {
      this.onLine?.(this.line);
      out.push(text, '\n');
      return;
    }
    for (const l of lines) {
      this.onLine?.(this.line);
      out.push(l, '\n');
    }
  }
}
