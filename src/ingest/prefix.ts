/**
 * Line prefixes added around a log payload by the container runtime and by log tailers, in any
 * combination:
 * - CRI log file: `2024-05-17T22:55:03.134443862Z stderr F <payload>` (`P` marks a partial line);
 * - `kubectl logs --timestamps`: `2024-05-17T22:55:03.134443862Z <payload>`;
 * - Grafana's "Download logs" (.txt): `2024-05-17T23:55:03+01:00<TAB><payload>`;
 * - stern / kubetail: `<pod> <container> <payload>` (or `<namespace> <pod> <container>`; stern's
 *   `--timestamps=short` puts `MM-DD hh:mm:ss ` before the payload);
 * - `kubectl logs --prefix`: `[pod/<pod>/<container>] <payload>`;
 * - kubetail: `[<pod>] <payload>` or `[<pod> <container>] <payload>`.
 * The first (outermost) timestamp wins over any later one and over the payload's own; a pod
 * name becomes the record's replica.
 */
import { resolutionNs, rfc3339Parts } from '../timeline/time.js';
import { looksLikeKlog } from './klog.js';
import { looksLikeText } from './text-envelope.js';

/** What `parsePrefix` found (one shared object, overwritten by the next call: read it first). */
export interface PrefixInfo {
  /** Index where the payload starts. */
  start: number;
  /** True when a prefix carried a timestamp (then `sec`/`nsec`/`resNs` hold it). */
  hasTime: boolean;
  sec: number;
  nsec: number;
  /** 10^(9 - fraction digits): RFC3339Nano drops trailing zeros, so this errs on the wide side. */
  resNs: number;
  /** Pod name from a tailer prefix. */
  replica: string | undefined;
  /** CRI stream (`stdout`/`stderr`) when a CRI prefix was present. */
  criStream: string | undefined;
  /** CRI `P` tag: this physical line is a fragment continued by the next one of its stream. */
  partial: boolean;
}

const prefix: PrefixInfo = {
  start: 0,
  hasTime: false,
  sec: 0,
  nsec: 0,
  resNs: 1e9,
  replica: undefined,
  criStream: undefined,
  partial: false,
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || isDigit(c) || c === 45 || c === 46 || c === 95 || (c >= 65 && c <= 90);
}

function looksLikeTimestamp(text: string, p: number): boolean {
  const t = text.charCodeAt(p + 10);
  return isDigit(text.charCodeAt(p)) && text.charCodeAt(p + 4) === 45 && (t === 84 || t === 116);
}

/** A payload (or a further prefix) can start at `p`. */
function startsPayload(text: string, p: number): boolean {
  const c = text.charCodeAt(p);
  return (
    c === 123 || // {
    looksLikeTimestamp(text, p) ||
    text.startsWith('[pod/', p) ||
    looksLikeKlog(text, p) ||
    looksLikeText(text, p)
  );
}

/**
 * stern's `--timestamps=short` stamp at `p` (`01-02 15:04:05 `: local time, no year, no zone;
 * the payload's own time is used instead): the index after it when a payload follows, else -1.
 */
function shortStampEnd(text: string, p: number): number {
  const d = (i: number) => isDigit(text.charCodeAt(p + i));
  const ok =
    d(0) && d(1) && text.charCodeAt(p + 2) === 45 && d(3) && d(4) && text.charCodeAt(p + 5) === 32 &&
    d(6) && d(7) && text.charCodeAt(p + 8) === 58 && d(9) && d(10) && text.charCodeAt(p + 11) === 58 && d(12) && d(13) &&
    text.charCodeAt(p + 14) === 32;
  return ok && startsPayload(text, p + 15) ? p + 15 : -1;
}

/** End of a name token starting at `p` (index of the following space), or -1. */
function nameToken(text: string, p: number, end: number): number {
  let i = p;
  while (i < end && isNameChar(text.charCodeAt(i))) i++;
  return i > p && i < end && text.charCodeAt(i) === 32 ? i : -1;
}

/**
 * Index of the `]` closing one or two name tokens (separated by one space) that start at `p`,
 * followed by a space or the end; -1 otherwise.
 */
function bracketedNames(text: string, p: number, end: number): number {
  let i = p;
  let spaces = 0;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 93) break;
    if (c === 32) {
      if (++spaces > 1 || i === p || text.charCodeAt(i - 1) === 32) return -1;
    } else if (!isNameChar(c)) return -1;
  }
  if (i >= end || i === p || text.charCodeAt(i - 1) === 32) return -1;
  return i + 1 === end || text.charCodeAt(i + 1) === 32 ? i : -1;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/**
 * Index of the `}` closing a Loki label set that starts at `p` (`{name="value", ...}`, values
 * with Go-style escapes), followed by a space or the end; -1 when `text` has none there.
 */
function labelSetEnd(text: string, p: number, end: number): number {
  let i = p + 1;
  for (;;) {
    const nameStart = i;
    while (i < end && (isNameStart(text.charCodeAt(i)) || (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57))) i++;
    if (i === nameStart || text.charCodeAt(i) !== 61 || text.charCodeAt(i + 1) !== 34) return -1; // name="
    i += 2;
    while (i < end && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 ? 2 : 1;
    if (i >= end) return -1;
    i++;
    if (text.charCodeAt(i) === 125) return i + 1 === end || text.charCodeAt(i + 1) === 32 ? i : -1;
    if (text.charCodeAt(i) !== 44) return -1;
    i++;
    if (text.charCodeAt(i) === 32) i++;
  }
}

const LABEL_RX: Record<string, RegExp> = {
  pod: /[{ ,]pod="((?:[^"\\]|\\.)*)"/,
  pod_name: /[{ ,]pod_name="((?:[^"\\]|\\.)*)"/,
};

/** The value of label `name` in the label set `text[p, close]`, unescaped; undefined when absent. */
function labelValue(text: string, p: number, close: number, name: 'pod' | 'pod_name'): string | undefined {
  const m = LABEL_RX[name]!.exec(text.slice(p, close + 1));
  return m === null ? undefined : m[1]!.replace(/\\(.)/g, '$1');
}

/** Parses the prefixes of `text[0, end)` into the shared `prefix` scratch. */
export function parsePrefix(text: string, end: number): PrefixInfo {
  const out = prefix;
  out.start = 0;
  out.hasTime = false;
  out.replica = undefined;
  out.criStream = undefined;
  out.partial = false;
  let p = 0;
  let triedTailer = false;
  for (let iter = 0; iter < 5 && p < end; iter++) {
    const c = text.charCodeAt(p);
    if (c === 123) {
      // Loki's `logcli query` prints a stream's labels before its line: `{app="x", pod="y"} line`
      const close = isNameStart(text.charCodeAt(p + 1)) ? labelSetEnd(text, p, end) : -1;
      if (close < 0) break;
      const pod = labelValue(text, p, close, 'pod') ?? labelValue(text, p, close, 'pod_name');
      if (pod !== undefined && out.replica === undefined) out.replica = pod;
      p = close + 1;
      if (text.charCodeAt(p) === 32) p++;
      continue;
    }
    if (looksLikeTimestamp(text, p)) {
      // a space ends it, or a tab: Grafana's "Download logs" writes `time<TAB>line`
      let sp = p + 11;
      while (sp < end && text.charCodeAt(sp) !== 32 && text.charCodeAt(sp) !== 9) sp++;
      if (sp >= end) break;
      const parts = rfc3339Parts(text.slice(p, sp));
      if (!parts) break;
      if (!out.hasTime) {
        out.hasTime = true;
        out.sec = parts.sec;
        out.nsec = parts.nsec;
        out.resNs = resolutionNs(parts.fracDigits);
      }
      p = sp + 1;
      if (
        out.criStream === undefined &&
        (text.startsWith('stdout ', p) || text.startsWith('stderr ', p)) &&
        (text.charCodeAt(p + 7) === 80 || text.charCodeAt(p + 7) === 70) && // P F
        (p + 8 === end || text.charCodeAt(p + 8) === 32)
      ) {
        out.criStream = text.slice(p, p + 6);
        out.partial = text.charCodeAt(p + 7) === 80;
        // past the tag's separator even when the content is only whitespace (`end` is trimmed):
        // a fragment of spaces is part of the joined line
        p = Math.min(text.length, p + 9);
        // what follows is the container's own output (for a fragment, any piece of it): no
        // further prefix can start there
        break;
      }
      continue;
    }
    if (text.startsWith('[pod/', p)) {
      const close = text.indexOf(']', p);
      if (close < 0 || close >= end) break;
      const inner = text.slice(p + 5, close);
      const slash = inner.indexOf('/');
      out.replica = slash >= 0 ? inner.slice(0, slash) : inner;
      p = close + 1;
      if (text.charCodeAt(p) === 32) p++;
      continue;
    }
    if (c === 91 && !triedTailer) {
      // kubetail: `[<pod>] payload` or `[<pod> <container>] payload`
      const close = bracketedNames(text, p + 1, end);
      if (close < 0) break;
      triedTailer = true;
      const sp = text.indexOf(' ', p + 1);
      out.replica = text.slice(p + 1, sp > p && sp < close ? sp : close);
      p = close + 1;
      if (text.charCodeAt(p) === 32) p++;
      continue;
    }
    if (triedTailer || !isNameChar(c) || looksLikeKlog(text, p) || looksLikeText(text, p)) break;
    triedTailer = true;
    // `<pod> <container> payload`, or `<namespace> <pod> <container> payload`
    const t1 = nameToken(text, p, end);
    if (t1 < 0) break;
    const t2 = nameToken(text, t1 + 1, end);
    if (t2 < 0) break;
    if (startsPayload(text, t2 + 1)) {
      out.replica = text.slice(p, t1);
      p = t2 + 1;
      continue;
    }
    const short = shortStampEnd(text, t2 + 1);
    if (short > 0) {
      out.replica = text.slice(p, t1);
      p = short;
      continue;
    }
    const t3 = nameToken(text, t2 + 1, end);
    if (t3 >= 0 && (startsPayload(text, t3 + 1) || shortStampEnd(text, t3 + 1) > 0)) {
      out.replica = text.slice(t1 + 1, t2);
      p = Math.max(t3 + 1, shortStampEnd(text, t3 + 1));
      continue;
    }
    break;
  }
  out.start = p;
  return out;
}
