/**
 * Decoding of OTLP/JSON variants into compact span records: ids (hex or base64), `*UnixNano`
 * (string or number), span kinds (int or `SPAN_KIND_*`), attribute values, and the Go SDK's
 * `stdouttrace` attribute layout. Also splits concatenated JSON objects. No Timeline knowledge.
 */
export type Scalar = string | number | boolean;
export type AttrVal = Scalar | Scalar[];
export type Attrs = Map<string, AttrVal>;

const KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

export interface SpanEvent {
  name: string;
  /** ns relative to the reader's reference second. */
  t: number;
  attrs: Attrs;
}

export interface SpanRec {
  trace: string;
  id: string;
  /** '' for a root span. */
  parent: string;
  name: string;
  /** OTLP numbering: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  start: number;
  end: number;
  attrs: Attrs;
  events: SpanEvent[];
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: number;
  statusMsg: string;
  order: number;
  /** The parent span once resolved (null: root or missing). */
  up?: SpanRec | null;
}

// `*UnixNano` written as JSON numbers: epoch nanoseconds exceed 2^53, so JSON.parse would round
// them (by up to a few hundred ns); they are read as the decimal strings they are written as.
const NUMERIC_NANOS = /("[A-Za-z]*UnixNano"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g;
const HAS_NUMERIC_NANOS = /UnixNano"\s*:\s*\d/;

export function tryParse(text: string): unknown {
  try {
    if (HAS_NUMERIC_NANOS.test(text)) text = text.replace(NUMERIC_NANOS, '$1"$2"');
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isTraceObject(o: unknown): boolean {
  return isRecord(o) && (Array.isArray(o.resourceSpans) || Array.isArray(o.resource_spans) || isRecord(o.SpanContext));
}

/**
 * Splits concatenated JSON objects (pretty-printed or not) by brace depth, outside strings.
 * `stray` lists lines with text outside any object.
 */
export function splitObjects(lines: string[], firstLine: number): { objects: { text: string; line: number }[]; stray: number[] } {
  const objects: { text: string; line: number }[] = [];
  const stray: number[] = [];
  let depth = 0;
  let inStr = false;
  let esc = false;
  let cur: string[] = [];
  let startLine = firstLine;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    let segStart = 0;
    let outside = false;
    for (let j = 0; j < l.length; j++) {
      const c = l.charCodeAt(j);
      if (inStr) {
        if (esc) esc = false;
        else if (c === 92) esc = true;
        else if (c === 34) inStr = false;
        continue;
      }
      if (depth === 0 && c !== 123 && c !== 32 && c !== 9 && c !== 13) {
        outside = true;
        continue;
      }
      if (c === 34) inStr = true;
      else if (c === 123) {
        if (depth === 0) {
          segStart = j;
          startLine = firstLine + i;
          cur = [];
        }
        depth++;
      } else if (c === 125) {
        depth--;
        if (depth === 0) {
          cur.push(l.slice(segStart, j + 1));
          objects.push({ text: cur.join('\n'), line: startLine });
          cur = [];
          segStart = j + 1;
        }
      }
    }
    if (outside) stray.push(firstLine + i);
    if (depth > 0) cur.push(l.slice(segStart));
  }
  if (depth > 0 && cur.length > 0) objects.push({ text: cur.join('\n'), line: startLine });
  return { objects, stray };
}

/** Hex or base64 id -> lowercase hex of `bytes` bytes; undefined when it is neither. */
export function normId(v: unknown, bytes: number): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  if (v.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(v)) return v.toLowerCase();
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === bytes) return b.toString('hex');
  }
  return undefined;
}

export function isZeroId(hex: string): boolean {
  return /^0*$/.test(hex);
}

export function bigNanos(v: unknown): bigint | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return BigInt(Math.trunc(v));
  return undefined;
}

export function spanKind(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return KIND_NAMES[v] ?? 0;
  return 0;
}

export function statusCode(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v === 'STATUS_CODE_OK') return 1;
  if (v === 'STATUS_CODE_ERROR') return 2;
  return 0;
}

export function anyValue(v: unknown): AttrVal | undefined {
  if (!isRecord(v)) return undefined;
  if ('stringValue' in v) return String(v.stringValue);
  if ('intValue' in v) {
    const n = Number(v.intValue);
    return Number.isFinite(n) ? n : undefined;
  }
  if ('boolValue' in v) return v.boolValue === true || v.boolValue === 'true';
  if ('doubleValue' in v) {
    const n = Number(v.doubleValue);
    return Number.isFinite(n) ? n : undefined;
  }
  if ('arrayValue' in v) {
    const vals = isRecord(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    const out: Scalar[] = [];
    for (const x of vals) {
      const y = anyValue(x);
      if (y !== undefined && !Array.isArray(y)) out.push(y);
    }
    return out;
  }
  if ('bytesValue' in v) return String(v.bytesValue);
  return undefined;
}

export function parseAttributes(list: unknown, keep: (k: string) => boolean): Attrs {
  const m: Attrs = new Map();
  if (!Array.isArray(list)) return m;
  for (const kv of list) {
    if (!isRecord(kv) || typeof kv.key !== 'string' || !keep(kv.key)) continue;
    const v = anyValue(kv.value);
    if (v !== undefined) m.set(kv.key, v);
  }
  return m;
}

/** Go `attribute.KeyValue` JSON: `{"Key":"k","Value":{"Type":"STRING","Value":"v"}}`. */
export function parseGoAttributes(list: unknown, keep: (k: string) => boolean): Attrs {
  const m: Attrs = new Map();
  if (!Array.isArray(list)) return m;
  for (const kv of list) {
    if (!isRecord(kv) || typeof kv.Key !== 'string' || !isRecord(kv.Value) || !keep(kv.Key)) continue;
    const v = kv.Value.Value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') m.set(kv.Key, v);
    else if (Array.isArray(v)) m.set(kv.Key, v.filter((x): x is Scalar => ['string', 'number', 'boolean'].includes(typeof x)));
  }
  return m;
}
