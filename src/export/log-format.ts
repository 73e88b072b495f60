/**
 * Byte-exact encoders for the three flytestdlib log layouts (logrus JSONFormatter with
 * `DataKey: "json"`, the GCP formatter, logrus TextFormatter without colours), the klog header of
 * k8s `runtime.HandleError` lines, and the CRI receive-time prefix. Times come from the Timeline
 * (integer ns relative to an origin) and are formatted with integer arithmetic only.
 */
import type { Ns } from '../timeline/types.js';

export type LogFormat = 'json' | 'gcp' | 'text';

/** logrus level numbers (flytestdlib `logger.level`). */
export const LEVEL = { panic: 0, fatal: 1, error: 2, warning: 3, info: 4, debug: 5 } as const;
export type LevelName = keyof typeof LEVEL;

const GCP_SEVERITY: Record<LevelName, string> = {
  panic: 'ALERT',
  fatal: 'CRITICAL',
  error: 'ERROR',
  warning: 'WARNING',
  info: 'INFO',
  debug: 'DEBUG',
};

/** Context fields of one line (string values, as flytestdlib's context fields are). */
export type Fields = Readonly<Record<string, string>>;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const PLAIN_JSON = /^[\x20-\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;

/**
 * A JSON string literal as Go's `encoding/json` writes it: like JSON.stringify, plus `\u2028`,
 * `\u2029` escaped, invalid UTF-16 replaced by U+FFFD, and (when `htmlEscape`) `<`, `>`, `&`
 * written as `\u003c`, `\u003e`, `\u0026`.
 */
export function goJsonString(s: string, htmlEscape: boolean): string {
  if (PLAIN_JSON.test(s)) return `"${s}"`;
  let out = JSON.stringify(s.replace(LONE_SURROGATE, '\ufffd')).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (htmlEscape) out = out.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return out;
}

/** Go's `%q` (strconv.Quote) for the printable-ASCII-and-Unicode strings log lines hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s.replace(LONE_SURROGATE, '\ufffd')) {
    const c = ch.codePointAt(0)!;
    switch (c) {
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x0b:
        out += '\\v';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      default:
        if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
        else if ((c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${c.toString(16).padStart(4, '0')}`;
        else out += ch;
    }
  }
  return `${out}"`;
}

/** logrus TextFormatter quotes a value unless every character is in [A-Za-z0-9-._/@^+]. */
function textValue(v: string): string {
  return /^[A-Za-z0-9\-._/@^+]*$/.test(v) ? v : goQuote(v);
}

/** The inside of the `json` object: `"k":"v",...` with keys sorted, as Go encodes a map. */
export function jsonFields(f: Fields, htmlEscape: boolean): string {
  let out = '';
  for (const k of Object.keys(f).sort()) out += `${out === '' ? '' : ','}${goJsonString(k, htmlEscape)}:${goJsonString(f[k]!, htmlEscape)}`;
  return out;
}

/** The ` k=v` pairs of a text line, keys sorted. */
export function textFields(f: Fields): string {
  let out = '';
  for (const k of Object.keys(f).sort()) out += ` ${k}=${textValue(f[k]!)}`;
  return out;
}

/** `{"json":{...},"level":"info","msg":"...","ts":"..."}` (keys sorted, as Go encodes maps). */
export function encodeJson(level: LevelName, msg: string, fields: string, ts: string, htmlEscape: boolean): string {
  return `{"json":{${fields}},"level":"${level}","msg":${goJsonString(msg, htmlEscape)},"ts":"${ts}"}`;
}

/** `{"data":{...},"message":"...","severity":"INFO","timestamp":"..."}`; `data` omitted when empty. */
export function encodeGcp(level: LevelName, msg: string, fields: string, ts: string): string {
  const head = fields !== '' ? `"data":{${fields}},` : '';
  return `{${head}"message":${goJsonString(msg, true)},"severity":"${GCP_SEVERITY[level]}","timestamp":"${ts}"}`;
}

/** `ts="..." level=info msg="..." k=v ...` (fixed keys first, then the fields sorted). */
export function encodeText(level: LevelName, msg: string, fields: string, ts: string): string {
  return `ts=${textValue(ts)} level=${level} msg=${textValue(msg)}${fields}`;
}

const NS_PER_S = 1_000_000_000;

/** Formats Timeline instants as absolute times (UTC), caching the per-second part. */
export class LogClock {
  private readonly originSec: number;
  private readonly originRem: number;
  private cachedSec = NaN;
  private cachedIso = '';

  constructor(originUnixNano: string) {
    const o = BigInt(originUnixNano);
    this.originSec = Number(o / 1_000_000_000n);
    this.originRem = Number(o % 1_000_000_000n);
  }

  /** Absolute epoch second and nanosecond of a Timeline instant. */
  split(t: Ns): [number, number] {
    const x = this.originRem + Math.round(t);
    let s = Math.floor(x / NS_PER_S);
    let ns = x - s * NS_PER_S;
    if (ns < 0) {
      s -= 1;
      ns += NS_PER_S;
    } else if (ns >= NS_PER_S) {
      s += 1;
      ns -= NS_PER_S;
    }
    return [this.originSec + s, ns];
  }

  private iso(sec: number): string {
    if (sec !== this.cachedSec) {
      this.cachedSec = sec;
      this.cachedIso = new Date(sec * 1000).toISOString().slice(0, 19);
    }
    return this.cachedIso;
  }

  /** RFC3339 whole seconds (Go `time.RFC3339` of a UTC time truncates the fraction). */
  seconds(t: Ns): string {
    return `${this.iso(this.split(t)[0])}Z`;
  }

  /** RFC3339 with exactly nine fractional digits (`kubectl logs --timestamps` / CRI style). */
  nanos(t: Ns): string {
    const [s, ns] = this.split(t);
    return `${this.iso(s)}.${String(ns).padStart(9, '0')}Z`;
  }

  /** klog header time `MMDD hh:mm:ss.uuuuuu` (microseconds, truncated). */
  klog(t: Ns): string {
    const [s, ns] = this.split(t);
    const iso = this.iso(s);
    return `${iso.slice(5, 7)}${iso.slice(8, 10)} ${iso.slice(11, 19)}.${String(Math.floor(ns / 1000)).padStart(6, '0')}`;
  }
}

/** A klog line as `runtime.HandleError` prints it: `E0913 02:32:16.811406       1 workers.go:103] msg`. */
export function klogLine(severity: 'E' | 'W' | 'I', stamp: string, pid: number, src: string, msg: string): string {
  return `${severity}${stamp} ${String(pid).padStart(7, ' ')} ${src}] ${msg}`;
}
