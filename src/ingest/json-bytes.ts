/**
 * The canonical flytestdlib JSON line (`{"json":{..},"level":"..","msg":"..","ts":".."}`, as Go's
 * encoder writes it) decoded straight from the read buffer. Nearly every line of a propeller debug
 * log has this layout; reading it from bytes costs the record and its message string, not a
 * decoded copy of the whole line and a regular-expression match over it.
 *
 * Exact for what it accepts: the same lines, values and verdicts as the canonical-layout regular
 * expression in `json-envelope.ts` (sorted context keys at most once, string values without raw
 * control characters, no whitespace but after the closing brace). Anything else (another layout,
 * a rare escape, a line it would skip) is left to the text decoder: the function returns false
 * without having changed anything but the record it was given.
 */
import { ByteStrings, copyBytes, latin1, sameBytes, viewOf } from './byte-strings.js';
import { hexValue, normalizeLevel } from './fields.js';
import type { LogRecord } from './record.js';
import { applyRfc3339, type DecodeState } from './timestamps.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const LBRACE = 123;
const RBRACE = 125;

// Context keys in the sorted order Go writes them.
const C_EXEC_ID = 0;
const C_NODE = 1;
const C_NS = 2;
const C_RES_VER = 3;
const C_ROUTINE = 4;
const C_TASKTYPE = 5;
const C_WF = 6;

/** The bytes of an ASCII literal (compared byte to byte: cheaper than the string's characters). */
function ascii(word: string): Uint8Array {
  return Uint8Array.from(word, (ch) => ch.charCodeAt(0));
}

/** True when buf[s, s + word.length) holds `word`. */
function bytesAre(buf: Uint8Array, s: number, word: Uint8Array): boolean {
  for (let i = 0; i < word.length; i++) if (buf[s + i] !== word[i]) return false;
  return true;
}

// Longer comparisons (literals, timestamps, repeated values) read four bytes at a time through
// DataViews: a quarter of the loads and compares of a byte loop.

// The view of the buffer being decoded, made once per buffer.
let bufView: DataView = viewOf(new Uint8Array(0));
let bufViewOf: Uint8Array | undefined;

function viewFor(buf: Uint8Array): DataView {
  if (buf !== bufViewOf) {
    bufViewOf = buf;
    bufView = viewOf(buf);
  }
  return bufView;
}

/** An ASCII literal for `literalAt`. */
interface Literal {
  view: DataView;
  len: number;
}

function literal(word: string): Literal {
  return { view: viewOf(ascii(word)), len: word.length };
}

/** True when the literal lies at buf[s, ...) within the line (which ends at `e`). */
function literalAt(dv: DataView, s: number, e: number, word: Literal): boolean {
  return s + word.len <= e && sameBytes(dv, s, word.view, 0, word.len);
}

const W_NODE = ascii('node');
const W_EXEC_ID = ascii('exec_id');
const W_ROUTINE = ascii('routine');
const W_RES_VER = ascii('res_ver');
const W_TASKTYPE = ascii('tasktype');
const W_JSON = literal('"json":{');
const W_LEVEL = literal('"level":"');
const W_MSG = literal('","msg":"');
const W_TS = literal('","ts":"');
const W_INFO = ascii('info');
const W_DEBUG = ascii('debug');
const W_ERROR = ascii('error');
const W_WARNING = ascii('warning');

/** Index of the context key buf[s, s + len), -1 for any other key. */
function contextKey(buf: Uint8Array, s: number, len: number): number {
  switch (len) {
    case 2:
      if (buf[s] === 110 && buf[s + 1] === 115) return C_NS; // ns
      if (buf[s] === 119 && buf[s + 1] === 102) return C_WF; // wf
      return -1;
    case 4:
      return bytesAre(buf, s, W_NODE) ? C_NODE : -1;
    case 7:
      if (buf[s] === 101) return bytesAre(buf, s, W_EXEC_ID) ? C_EXEC_ID : -1;
      if (buf[s] === 114 && buf[s + 1] === 111) return bytesAre(buf, s, W_ROUTINE) ? C_ROUTINE : -1;
      return bytesAre(buf, s, W_RES_VER) ? C_RES_VER : -1;
    case 8:
      return bytesAre(buf, s, W_TASKTYPE) ? C_TASKTYPE : -1;
    default:
      return -1;
  }
}

// Scan results (module scratch: decoding is synchronous, one line at a time).
const ctxStart = new Int32Array(7);
const ctxEnd = new Int32Array(7);
/** Bit k set: context key k was found on this line. */
let ctxFound = 0;
let scanEnd = 0;

/**
 * End of the plain string body starting at `i` (the index of its closing quote), or -1 when it
 * holds a backslash or a control character or runs past `e`.
 */
function plainString(buf: Uint8Array, i: number, e: number): number {
  for (; i < e; i++) {
    const c = buf[i] as number;
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

// The keys Go writes into a propeller line's context, each with its quotes and the `:"` after it:
// matched as one literal, they need neither a scan for the key's end nor a lookup of its name.
const L_EXEC_ID = literal('"exec_id":"');
const L_NODE = literal('"node":"');
const L_NS = literal('"ns":"');
const L_RES_VER = literal('"res_ver":"');
const L_ROUTINE = literal('"routine":"');
const L_SRC = literal('"src":"');
const L_TASKTYPE = literal('"tasktype":"');
const L_WF = literal('"wf":"');
/** `knownKey` results besides the context key ids. */
const SRC_KEY = -1;
const UNKNOWN_KEY = -2;
/** Where the value after the key `knownKey` matched starts. */
let keyEnd = 0;

/**
 * The key at buf[i] (a quote) when it is one of the usual ones followed by `:"`: its context id
 * (SRC_KEY for `src`), with `keyEnd` set; UNKNOWN_KEY for anything else (the scan decides).
 */
function knownKey(buf: Uint8Array, dv: DataView, i: number, e: number): number {
  let word: Literal;
  let id: number;
  switch (buf[i + 1]) {
    case 101: // e
      word = L_EXEC_ID;
      id = C_EXEC_ID;
      break;
    case 110: // n
      if (buf[i + 2] === 111) {
        word = L_NODE;
        id = C_NODE;
      } else {
        word = L_NS;
        id = C_NS;
      }
      break;
    case 114: // r
      if (buf[i + 2] === 101) {
        word = L_RES_VER;
        id = C_RES_VER;
      } else {
        word = L_ROUTINE;
        id = C_ROUTINE;
      }
      break;
    case 115: // s
      word = L_SRC;
      id = SRC_KEY;
      break;
    case 116: // t
      word = L_TASKTYPE;
      id = C_TASKTYPE;
      break;
    case 119: // w
      word = L_WF;
      id = C_WF;
      break;
    default:
      return UNKNOWN_KEY;
  }
  if (!literalAt(dv, i, e, word)) return UNKNOWN_KEY;
  keyEnd = i + word.len;
  return id;
}

/** Scans `"json":{...},` at `i` into ctxStart/ctxEnd; sets `scanEnd` after the comma; false when not canonical. */
function scanContext(buf: Uint8Array, dv: DataView, i: number, e: number): boolean {
  let last = -1;
  if (buf[i] === RBRACE) {
    i++;
  } else {
    for (;;) {
      if (buf[i] !== QUOTE) return false;
      let id = knownKey(buf, dv, i, e);
      let vs: number;
      if (id !== UNKNOWN_KEY) {
        vs = keyEnd;
        if (id === SRC_KEY) id = -1;
      } else {
        const ks = i + 1;
        const ke = plainString(buf, ks, e);
        if (ke < 0 || buf[ke + 1] !== COLON || buf[ke + 2] !== QUOTE) return false;
        vs = ke + 3;
        id = contextKey(buf, ks, ke - ks);
      }
      let ve = id >= 0 ? repeatEnd(buf, dv, vs, e, id) : -1;
      if (ve >= 0) {
        ctxValue[id] = lastValue[id] as string;
      } else {
        ve = plainString(buf, vs, e);
        if (ve < 0) return false;
        if (id >= 0) ctxValue[id] = '';
      }
      if (id >= 0) {
        // each known key at most once, in sorted order (else the text decoder decides)
        if (id <= last) return false;
        last = id;
        ctxFound |= 1 << id;
        ctxStart[id] = vs;
        ctxEnd[id] = ve;
      }
      i = ve + 1;
      const c = buf[i];
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c !== RBRACE) return false;
      i++;
      break;
    }
  }
  if (buf[i] !== COMMA) return false;
  scanEnd = i + 1;
  return true;
}

// The latest value of each context key and its bytes: a line that repeats it (the namespace, the
// workflow, the worker or execution of the line before) is matched by one comparison, without
// first scanning the value for its end. Only values that passed `plainString` are kept.
const LAST_BYTES = 64;
const lastValue: string[] = new Array<string>(7).fill('');
const lastLen = new Int32Array(7);
const lastView = viewOf(new Uint8Array(7 * LAST_BYTES));
/** This line's value of each context key when it repeated the latest one, else ''. */
const ctxValue: string[] = new Array<string>(7).fill('');

/** End (closing quote) of the value at `vs` when it repeats the latest value of key `id`, else -1. */
function repeatEnd(buf: Uint8Array, dv: DataView, vs: number, e: number, id: number): number {
  const len = lastLen[id] as number;
  if (len === 0 || vs + len >= e || buf[vs + len] !== QUOTE) return -1;
  return sameBytes(dv, vs, lastView, id * LAST_BYTES, len) ? vs + len : -1;
}

/** The shared string of context value `id` (buf[s, e)), remembered as the key's latest value. */
function contextValue(buf: Uint8Array, dv: DataView, id: number): string {
  const known = ctxValue[id] as string;
  if (known !== '') return known;
  const s = ctxStart[id] as number;
  const e = ctxEnd[id] as number;
  const v = contextStrings.intern(buf, dv, s, e);
  const len = e - s;
  if (len <= LAST_BYTES) {
    lastValue[id] = v;
    lastLen[id] = len;
    copyBytes(dv, s, lastView, id * LAST_BYTES, len);
  }
  return v;
}

// Repeated context values (execution ids, workers, namespaces, nodes) are shared strings.
const contextStrings = new ByteStrings(4096, 64);
// Resource versions: one per round, repeated by the round's lines (interleaved with other rounds').
const resourceVersions = new ByteStrings(1024, 32);

// Unescaped message bytes are written here, then read as one flat string.
let scratch = Buffer.allocUnsafe(1 << 16);

/**
 * The message body buf[s, e) (ASCII, holding escapes) decoded; undefined for an escape this
 * decoder leaves to the text decoder (malformed, or a `\u` escape beyond ASCII).
 */
function unescapeBytes(buf: Uint8Array, s: number, e: number): string | undefined {
  if (scratch.length < e - s) scratch = Buffer.allocUnsafe(Math.max(e - s, scratch.length * 2));
  const out = scratch;
  let n = 0;
  for (let i = s; i < e; i++) {
    let c = buf[i] as number;
    if (c === BACKSLASH) {
      i++;
      switch (buf[i]) {
        case QUOTE:
          c = QUOTE;
          break;
        case BACKSLASH:
          c = BACKSLASH;
          break;
        case 47:
          c = 47;
          break;
        case 98:
          c = 8;
          break;
        case 102:
          c = 12;
          break;
        case 110:
          c = 10;
          break;
        case 114:
          c = 13;
          break;
        case 116:
          c = 9;
          break;
        case 117: {
          const a = hexValue(buf[i + 1]);
          const b = hexValue(buf[i + 2]);
          const d = hexValue(buf[i + 3]);
          const f = hexValue(buf[i + 4]);
          if (a !== 0 || b !== 0 || d < 0 || d > 7 || f < 0) return undefined;
          c = (d << 4) | f;
          i += 4;
          break;
        }
        default:
          return undefined;
      }
    }
    out[n++] = c;
  }
  return latin1(out, 0, n);
}

/** Normalized level of buf[s, e) (a `\w+` word). */
function levelOf(buf: Uint8Array, s: number, e: number): string {
  switch (e - s) {
    case 4:
      if (bytesAre(buf, s, W_INFO)) return 'info';
      break;
    case 5:
      if (bytesAre(buf, s, W_DEBUG)) return 'debug';
      if (bytesAre(buf, s, W_ERROR)) return 'error';
      break;
    case 7:
      if (bytesAre(buf, s, W_WARNING)) return 'warning';
      break;
    default:
      break;
  }
  return normalizeLevel(latin1(buf, s, e));
}

function isWordByte(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

// Messages met before, by their raw bytes: most lines of a debug log carry one of a few fixed
// texts, which then cost no scan, no unescaping and no new string. Only a raw text that decoded
// (a whole string body: every quote in it escaped) is kept, so raw bytes equal to a kept text end
// where that text ended.
const messages = new ByteStrings(1024, 256);

// Bytes of the decoding state's cached timestamp text (`DecodeState.lastTs`), to compare without a string.
let tsText = '';
let tsView = viewOf(new Uint8Array(64));
let tsLen = -1;

/** True when buf[s, e) holds the timestamp text `lastTs`. */
function sameTimestamp(dv: DataView, s: number, e: number, lastTs: string): boolean {
  if (lastTs !== tsText) {
    // the state's cache moved on (another decoder, another input): copy its text once
    tsText = lastTs;
    tsLen = lastTs.length;
    if (tsView.byteLength < tsLen) tsView = viewOf(new Uint8Array(tsLen));
    for (let k = 0; k < tsLen; k++) tsView.setUint8(k, lastTs.charCodeAt(k) & 0xff);
    // a non-Latin-1 text never equals ASCII bytes
    for (let k = 0; k < tsLen; k++) if (lastTs.charCodeAt(k) > 0x7f) tsLen = -1;
  }
  if (tsLen !== e - s) return false;
  return sameBytes(dv, s, tsView, 0, tsLen);
}

/**
 * Decodes the line buf[p, e) (pure ASCII, no line end) into the fresh record `rec` when it is a
 * canonical flytestdlib JSON line with a usable timestamp; returns false, having changed nothing
 * else, when the text decoder must decide.
 */
export function decodeStdlibBytes(buf: Uint8Array, p: number, e: number, rec: LogRecord, st: DecodeState): boolean {
  if (buf[p] !== LBRACE || buf[p + 1] !== QUOTE) return false;
  let i = p + 1;
  ctxFound = 0;
  const dv = viewFor(buf);
  if (literalAt(dv, i, e, W_JSON)) {
    if (!scanContext(buf, dv, i + 8, e)) return false;
    i = scanEnd;
  }
  // "level":"<word>","msg":"
  if (!literalAt(dv, i, e, W_LEVEL)) return false;
  i += 9;
  const ls = i;
  while (i < e && isWordByte(buf[i] as number)) i++;
  const le = i;
  if (le === ls || !literalAt(dv, i, e, W_MSG)) return false;
  i += 9;
  const ms = i;
  let escaped = false;
  // A message met before is found by its bytes where a timestamp as long as the last one puts
  // its end, without scanning it: its bytes are then a whole string body (no unescaped quote, no
  // control character), and the quote after them (checked with the `","ts":"` that follows) is
  // the one the scan finds.
  const guess = e - 10 - tsLen;
  let msg = tsLen > 0 && guess > ms && literalAt(dv, guess, e, W_TS) ? messages.find(dv, ms, guess) : '';
  if (msg !== '') {
    i = guess;
  } else {
    for (;;) {
      if (i >= e) return false;
      const c = buf[i] as number;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        const n = buf[i + 1];
        if (i + 1 >= e || n === 10 || n === 13) return false;
        i += 2;
        continue;
      }
      if (c < 0x20) return false;
      i++;
    }
  }
  const me = i;
  if (!literalAt(dv, i, e, W_TS)) return false;
  i += 8;
  const ts = i;
  const te = plainString(buf, ts, e);
  if (te <= ts || buf[te + 1] !== RBRACE) return false;
  for (i = te + 2; i < e; i++) {
    const c = buf[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  if (escaped) {
    const m = unescapeBytes(buf, ms, me);
    if (m === undefined) return false;
    msg = m;
    messages.keep(dv, ms, me, msg);
  } else if (msg === '' && me > ms) {
    msg = latin1(buf, ms, me);
    messages.keep(dv, ms, me, msg);
  }
  // the time last: it is the only step that changes the decoding state
  if (sameTimestamp(dv, ts, te, st.lastTs)) {
    rec.sec = st.lastSec;
    rec.nsec = st.lastNsec;
    rec.resNs = st.lastRes;
  } else if (!applyRfc3339(rec, latin1(buf, ts, te), st)) {
    return false;
  }
  rec.msg = msg;
  rec.level = levelOf(buf, ls, le);
  if (hasContext(C_EXEC_ID)) rec.execId = contextValue(buf, dv, C_EXEC_ID);
  if (hasContext(C_NODE)) rec.node = contextValue(buf, dv, C_NODE);
  if (hasContext(C_NS)) rec.ns = contextValue(buf, dv, C_NS);
  if (hasContext(C_RES_VER)) rec.resVer = resourceVersions.intern(buf, dv, ctxStart[C_RES_VER]!, ctxEnd[C_RES_VER]!);
  if (hasContext(C_ROUTINE)) rec.routine = contextValue(buf, dv, C_ROUTINE);
  if (hasContext(C_TASKTYPE)) rec.tasktype = contextValue(buf, dv, C_TASKTYPE);
  if (hasContext(C_WF)) rec.wf = contextValue(buf, dv, C_WF);
  return true;
}

/** True when the line gave context field `i` a non-empty value. */
function hasContext(i: number): boolean {
  return (ctxFound & (1 << i)) !== 0 && ctxEnd[i]! > ctxStart[i]!;
}
