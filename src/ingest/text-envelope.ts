/**
 * The logrus text formatter as flytestdlib configures it (`formatter.type: text`):
 * `ts="2024-05-17T22:55:03Z" level=info msg="Processing Workflow." exec_id=abc ns=dev routine=worker-3`.
 * Keys are `ts` (or logrus' default `time`), `level`, `msg`, then the fields in sorted order.
 * A value is bare when it holds only `[A-Za-z0-9-._/@^+]`, otherwise Go-quoted (`%q`).
 */
import { normalizeLevel, setContextField } from './fields.js';
import type { LogRecord, SkipReason } from './record.js';
import { applyRfc3339, type DecodeState } from './timestamps.js';

let goValue = '';
let goEnd = 0;

function hexAt(text: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(i + k);
    let h: number;
    if (c >= 48 && c <= 57) h = c - 48;
    else if (c >= 97 && c <= 102) h = c - 87;
    else if (c >= 65 && c <= 70) h = c - 55;
    else return -1;
    v = v * 16 + h;
  }
  return v;
}

/**
 * Reads a Go double-quoted string literal whose opening quote is at `q` (strconv.Quote escapes:
 * `\a \b \f \n \r \t \v \\ \" \xHH \uHHHH \UHHHHHHHH` and octal `\ooo`). `\xHH` is a control
 * character below 0x80 and a byte of invalid UTF-8 (U+FFFD) above. Sets `goValue`/`goEnd`;
 * false if malformed.
 */
function readGoQuoted(text: string, q: number): boolean {
  const n = text.length;
  let out = '';
  let from = q + 1;
  let j = from;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 34) {
      goValue = out + text.slice(from, j);
      goEnd = j + 1;
      return true;
    }
    if (c !== 92) {
      j++;
      continue;
    }
    out += text.slice(from, j);
    const e = text[j + 1];
    let adv = 2;
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case "'":
        out += "'";
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x': {
        // a control character (< 0x80), or a byte of invalid UTF-8
        const b = hexAt(text, j + 2, 2);
        if (b < 0) return false;
        out += b < 0x80 ? String.fromCharCode(b) : '\uFFFD';
        adv = 4;
        break;
      }
      case 'u':
      case 'U': {
        const len = e === 'u' ? 4 : 8;
        const cp = hexAt(text, j + 2, len);
        if (cp < 0 || cp > 0x10ffff) return false;
        out += String.fromCodePoint(cp);
        adv = 2 + len;
        break;
      }
      default: {
        const o = e === undefined ? -1 : e.charCodeAt(0) - 48;
        if (o < 0 || o > 3) return false;
        let v = 0;
        for (let k = 1; k <= 3; k++) {
          const d = text.charCodeAt(j + k) - 48;
          if (!(d >= 0 && d <= 7)) return false;
          v = v * 8 + d;
        }
        out += v < 0x80 ? String.fromCharCode(v) : '\uFFFD';
        adv = 4;
      }
    }
    j += adv;
    from = j;
  }
  return false;
}

function isKeyChar(c: number): boolean {
  // anything but space, '=', '"' and control characters
  return c > 32 && c !== 61 && c !== 34 && c !== 127;
}

/** True when `text` at `p` starts like a logrus text line (`ts=`, `time=` or `level=`). */
export function looksLikeText(text: string, p: number): boolean {
  return text.startsWith('ts=', p) || text.startsWith('time=', p) || text.startsWith('level=', p);
}

/** Decodes a logrus text line `text[start, end)` into `rec`. */
export function decodeTextEnvelope(
  rec: LogRecord,
  text: string,
  start: number,
  end: number,
  st: DecodeState,
  haveTime: boolean,
): SkipReason | undefined {
  let p = start;
  let msg: string | undefined;
  let level: string | undefined;
  let ts: string | undefined;
  while (p < end) {
    while (p < end && text.charCodeAt(p) === 32) p++;
    if (p >= end) break;
    const ks = p;
    while (p < end && isKeyChar(text.charCodeAt(p))) p++;
    if (p === ks || text.charCodeAt(p) !== 61) return 'notJson';
    const key = text.slice(ks, p);
    p++;
    let value: string;
    if (text.charCodeAt(p) === 34) {
      if (!readGoQuoted(text, p) || goEnd > end) return 'truncated';
      value = goValue;
      p = goEnd;
    } else {
      const vs = p;
      while (p < end && text.charCodeAt(p) !== 32) p++;
      value = text.slice(vs, p);
    }
    if (p < end && text.charCodeAt(p) !== 32) return 'notJson';
    switch (key) {
      case 'msg':
        msg = value;
        break;
      case 'level':
        level = value;
        break;
      case 'ts':
      case 'time':
        ts = value;
        break;
      default:
        setContextField(rec, key, value);
    }
  }
  if (msg === undefined && level === undefined) return 'notJson';
  rec.msg = msg ?? '';
  rec.level = level === undefined ? '' : normalizeLevel(level);
  if (haveTime) return undefined;
  if (ts === undefined || ts === '') return 'noTimestamp';
  return applyRfc3339(rec, ts, st) ? undefined : 'badTimestamp';
}
