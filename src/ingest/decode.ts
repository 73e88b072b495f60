/**
 * Decoding one log line: prefixes off, then the payload by envelope (JSON flytestdlib/GCP,
 * klog, logrus text). `decodeLine` is the stand-alone form (tests, single lines); the stream
 * reader in `lines.ts` uses the same pieces plus partial-line joining and sub-second spreading.
 */
import { clearContext, newRecord } from './fields.js';
import { decodeJsonEnvelope } from './json-envelope.js';
import { decodeKlog, looksLikeKlog } from './klog.js';
import { parsePrefix } from './prefix.js';
import type { LogRecord, SkipReason } from './record.js';
import { applyEpochSeconds, applyRfc3339, newDecodeState, noteFullSecond, type DecodeState } from './timestamps.js';
import { decodeTextEnvelope, looksLikeText } from './text-envelope.js';

export { newDecodeState, type DecodeState } from './timestamps.js';

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Removes terminal colour codes (stern and colourised tailers add them around names). */
export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') < 0 ? text : text.replace(ANSI, '');
}

/** Index after the last non-whitespace character (space, tab, CR, LF, BOM-free). */
export function trimmedEnd(text: string): number {
  let e = text.length;
  for (;;) {
    const c = text.charCodeAt(e - 1);
    // (NUL too: a file cut by a crash is padded with NUL bytes)
    if (c === 32 || c === 9 || c === 13 || c === 10 || c === 0) e--;
    else return e;
  }
}

/**
 * Decodes the payload `text[start, end)` into `rec`: level, msg, context fields, kind and,
 * unless `haveTime` (the record already holds a prefix time), the time.
 */
export function decodePayload(
  rec: LogRecord,
  text: string,
  start: number,
  end: number,
  st: DecodeState,
  haveTime: boolean,
): SkipReason | undefined {
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  if (start >= end) return 'empty';
  if (text.charCodeAt(start) === 123) {
    const r = decodeJsonEnvelope(rec, text, start, end, st, haveTime);
    // a line a collector wrapped has no message or level of its own (or only the collector's)
    if (r === 'notJson' || r === 'noTimestamp' || (r === undefined && rec.execId === undefined && (rec.msg === '' || rec.level === ''))) {
      const w = decodeWrappedLine(rec, text, start, end, st, haveTime);
      if (w !== null) return w;
    }
    return r;
  }
  if (looksLikeKlog(text, start)) return decodeKlog(rec, text, start, end, st, haveTime);
  if (looksLikeText(text, start)) return decodeTextEnvelope(rec, text, start, end, st, haveTime);
  return TAILER_STATUS.test(start === 0 ? text : text.slice(start, end)) ? 'otherComponent' : 'notJson';
}

/** stern's own lines announcing a container it starts or stops following: `+ pod › container`. */
const TAILER_STATUS = /^[+-] [\w.-]+ \u203a [\w.-]+\s*$/;

type Json = Record<string, unknown>;

function field(o: unknown, key: string): unknown {
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Json)[key] : undefined;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The log line inside a collector's record, with the record's time and pod:
 * - Cloud Logging `textPayload` (klog and logrus text lines), `timestamp`, `resource.labels.pod_name`;
 * - Docker's json-file driver, Fluent Bit and Fluentd: `log`, `time` (or Fluent Bit's `date`, epoch
 *   seconds), `kubernetes.pod_name`;
 * - Loki's `logcli query --output=jsonl`: `line`, `timestamp`, `labels.pod`;
 * - Filebeat and Elastic Common Schema documents: `message` (with no level or severity beside it),
 *   `@timestamp`, `kubernetes.pod.name`;
 * - stern's `-o json` (`message`, `podName`) and `-o extjson` (`message` the line's own JSON
 *   object, `pod`).
 * The collector's time is when the runtime received the line, finer than propeller's whole
 * seconds: it wins, as a CRI prefix does. Null when `text` is no such record.
 */
function decodeWrappedLine(
  rec: LogRecord,
  text: string,
  start: number,
  end: number,
  st: DecodeState,
  haveTime: boolean,
): SkipReason | undefined | null {
  let o: Json;
  try {
    const parsed: unknown = JSON.parse(text.slice(start, end));
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    o = parsed as Json;
  } catch {
    return null;
  }
  const bare = o.level === undefined && o.severity === undefined && o.msg === undefined;
  // stern's `-o extjson` embeds the line's JSON object itself as `message`
  const embedded = bare && o.message !== null && typeof o.message === 'object' && !Array.isArray(o.message) ? JSON.stringify(o.message) : undefined;
  const inner =
    nonEmpty(o.textPayload) ??
    nonEmpty(o.log) ??
    nonEmpty(o.line) ??
    (bare && o.jsonPayload === undefined ? (nonEmpty(o.message) ?? embedded) : undefined);
  if (inner === undefined) return null;
  const innerEnd = trimmedEnd(inner);
  if (innerEnd === 0) return 'empty';
  clearContext(rec);
  rec.msg = '';
  rec.level = '';
  const pre = parsePrefix(inner, innerEnd);
  let timed = haveTime;
  const ts = o.timestamp ?? o.time ?? o['@timestamp'];
  if (!timed && typeof ts === 'string') timed = applyRfc3339(rec, ts, st);
  if (!timed && typeof o.date === 'number') timed = applyEpochSeconds(rec, o.date, st);
  if (!timed && pre.hasTime) {
    rec.sec = pre.sec;
    rec.nsec = pre.nsec;
    rec.resNs = pre.resNs;
    noteFullSecond(st, pre.sec);
    timed = true;
  }
  const k8s = o.kubernetes;
  const pod =
    nonEmpty(field(field(o.resource, 'labels'), 'pod_name')) ??
    nonEmpty(field(k8s, 'pod_name')) ??
    nonEmpty(field(field(k8s, 'pod'), 'name')) ??
    nonEmpty(field(o.labels, 'pod')) ??
    nonEmpty(field(o.labels, 'pod_name')) ??
    nonEmpty(o.podName) ??
    nonEmpty(o.pod) ??
    pre.replica;
  if (rec.replica === undefined && pod !== undefined) rec.replica = pod;
  return decodePayload(rec, inner, pre.start, innerEnd, st, timed);
}

/**
 * Decodes `text` (one physical line; a trailing CR/LF is ignored) after its prefixes into `rec`.
 * Returns a skip reason, or undefined when `rec` is complete except `estNsec`.
 */
export function decodeInto(rec: LogRecord, text: string, st: DecodeState): SkipReason | undefined {
  let end = trimmedEnd(text);
  if (end === 0) return 'empty';
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || c0 === 9 || c0 === 0xfeff || c0 === 27 || text.indexOf('\x1b') >= 0) {
    text = stripAnsi(text).replace(/^[\s\uFEFF]+/, '');
    end = trimmedEnd(text);
    if (end === 0) return 'empty';
  }
  const pre = parsePrefix(text, end);
  const haveTime = pre.hasTime;
  if (haveTime) {
    rec.sec = pre.sec;
    rec.nsec = pre.nsec;
    rec.resNs = pre.resNs;
    noteFullSecond(st, pre.sec);
  }
  rec.replica = pre.replica;
  return decodePayload(rec, text, pre.start, end, st, haveTime);
}

/** The estimate for a record decoded alone: the middle of a whole second, else its lower bound. */
function soloEstimate(rec: LogRecord): number {
  return rec.resNs >= 1e9 ? 500_000_000 : rec.nsec;
}

/**
 * Decodes one line on its own. `state` carries the input's context (klog year, timestamp
 * cache); pass the same object for consecutive lines of one input. A whole-second record gets
 * `estNsec` = 0.5 s (a group of one); the stream reader spreads same-second groups instead.
 * CRI `P` fragments are decoded as they are (joining needs the stream reader).
 */
export function decodeLine(
  text: string,
  opts: { file?: string; line?: number; state?: DecodeState } = {},
): LogRecord | SkipReason {
  const rec = newRecord(opts.file ?? '-', opts.line ?? 1);
  const r = decodeInto(rec, text, opts.state ?? newDecodeState());
  if (r !== undefined) return r;
  rec.estNsec = soloEstimate(rec);
  return rec;
}
