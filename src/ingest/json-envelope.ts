/**
 * JSON envelopes: flytestdlib (`{"json":{..},"level","msg","ts"}`), GCP
 * (`{"data":{..},"message","severity","timestamp"}`) and data-key-less variants with the
 * context fields at the top level.
 *
 * Three tiers, fastest first, each exact for what it accepts:
 * 1. the canonical layout Go's encoder writes, checked and captured by one regular expression;
 * 2. a scanner for other layouts of string values and one nested object of strings (any key
 *    order): keys found with `indexOf`, values sliced, JSON escapes decoded by hand;
 * 3. `JSON.parse` for everything else (numbers, arrays, whitespace, escaped keys), which also
 *    tells truncated lines from other junk.
 * Property tests check tiers 1 and 2 against `JSON.parse`.
 */
import { cloudLoggingEntry } from './cloud-logging.js';
import { clearContext, hexValue, normalizeLevel, setContextField } from './fields.js';
import type { LogRecord, SkipReason } from './record.js';
import { applyEpochSeconds, applyRfc3339, applyTimestampObject, type DecodeState } from './timestamps.js';

// Envelope values found by a decoder (module scratch: the reader is synchronous per line).
let foundMsg: string | undefined;
let foundLevel: string | undefined;
let foundTs: unknown;

// String scanner results.
let strValue = '';
let strEnd = 0;
// Position of the next backslash at or after the scan position (-1: none in the rest of the line).
let nextBackslash = -1;

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const LBRACE = 123;
const RBRACE = 125;

// Length of the escape sequence `escapeAt` decoded last.
let escLen = 2;

/** Decodes the JSON escape whose backslash is at `j`; undefined when malformed. */
function escapeAt(text: string, j: number): string | undefined {
  escLen = 2;
  switch (text.charCodeAt(j + 1)) {
    case QUOTE:
      return '"';
    case BACKSLASH:
      return '\\';
    case 47:
      return '/';
    case 98:
      return '\b';
    case 102:
      return '\f';
    case 110:
      return '\n';
    case 114:
      return '\r';
    case 116:
      return '\t';
    case 117: {
      // \uXXXX; surrogate pairs come as two escapes and join by concatenation
      const a = hexValue(text.charCodeAt(j + 2));
      const b = hexValue(text.charCodeAt(j + 3));
      const c = hexValue(text.charCodeAt(j + 4));
      const d = hexValue(text.charCodeAt(j + 5));
      if (a < 0 || b < 0 || c < 0 || d < 0) return undefined;
      escLen = 6;
      return String.fromCharCode((a << 12) | (b << 8) | (c << 4) | d);
    }
    default:
      return undefined;
  }
}

/**
 * Decodes the JSON string body starting at `i` (just after the opening quote) when it holds
 * escapes. Sets `strValue`/`strEnd` (index after the closing quote); false on a malformed escape
 * or a missing closing quote.
 */
function readEscapedString(text: string, i: number): boolean {
  let out = '';
  let from = i;
  let j = text.indexOf('\\', i);
  let q = text.indexOf('"', i);
  for (;;) {
    if (q < 0) return false;
    if (j < 0 || q < j) {
      strValue = out + text.slice(from, q);
      strEnd = q + 1;
      return true;
    }
    const e = escapeAt(text, j);
    if (e === undefined) return false;
    out += text.slice(from, j) + e;
    from = j + escLen;
    j = text.indexOf('\\', from);
    if (q < from) q = text.indexOf('"', from);
  }
}

/** Decodes a JSON string body known to hold no raw quotes; undefined on a malformed escape. */
function unescapeBody(body: string): string | undefined {
  let out = '';
  let from = 0;
  let j = body.indexOf('\\');
  while (j >= 0) {
    const e = escapeAt(body, j);
    if (e === undefined) return undefined;
    out += body.slice(from, j) + e;
    from = j + escLen;
    j = body.indexOf('\\', from);
  }
  return out + body.slice(from);
}

// Key ids. Context keys are recognized at the top level and inside `json`/`data`.
const K_OTHER = 0;
const K_CTX_OBJECT = 1;
const K_MSG = 2;
const K_LEVEL = 3;
const K_TS = 4;
const K_EXEC_ID = 5;
const K_NS = 6;
const K_ROUTINE = 7;
const K_NODE = 8;
const K_WF = 9;
const K_RES_VER = 10;
const K_TASKTYPE = 11;

/** True when text[p, p + word.length) equals `word` (several times cheaper than `startsWith(word, p)`). */
function eqAt(text: string, p: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(p + i) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Id of the key text[ks, ks+len), matched in place (no slicing). The frequent keys are compared
 * character by character inline: this runs for every key of every line.
 */
function keyId(t: string, ks: number, len: number): number {
  const c = t.charCodeAt(ks);
  switch (len) {
    case 2: {
      const c1 = t.charCodeAt(ks + 1);
      if (c === 110) return c1 === 115 ? K_NS : K_OTHER; // ns
      if (c === 119) return c1 === 102 ? K_WF : K_OTHER; // wf
      if (c === 116) return c1 === 115 ? K_TS : K_OTHER; // ts
      return K_OTHER;
    }
    case 3: // msg
      return c === 109 && t.charCodeAt(ks + 1) === 115 && t.charCodeAt(ks + 2) === 103 ? K_MSG : K_OTHER;
    case 4: {
      const c1 = t.charCodeAt(ks + 1);
      const c2 = t.charCodeAt(ks + 2);
      const c3 = t.charCodeAt(ks + 3);
      if (c === 106) return c1 === 115 && c2 === 111 && c3 === 110 ? K_CTX_OBJECT : K_OTHER; // json
      if (c === 110) return c1 === 111 && c2 === 100 && c3 === 101 ? K_NODE : K_OTHER; // node
      if (c === 100) return c1 === 97 && c2 === 116 && c3 === 97 ? K_CTX_OBJECT : K_OTHER; // data
      if (c === 116) return c1 === 105 && c2 === 109 && c3 === 101 ? K_TS : K_OTHER; // time
      return K_OTHER;
    }
    case 5: // level
      return c === 108 &&
        t.charCodeAt(ks + 1) === 101 &&
        t.charCodeAt(ks + 2) === 118 &&
        t.charCodeAt(ks + 3) === 101 &&
        t.charCodeAt(ks + 4) === 108
        ? K_LEVEL
        : K_OTHER;
    case 7: {
      if (c === 101) {
        // exec_id
        return t.charCodeAt(ks + 1) === 120 &&
          t.charCodeAt(ks + 2) === 101 &&
          t.charCodeAt(ks + 3) === 99 &&
          t.charCodeAt(ks + 4) === 95 &&
          t.charCodeAt(ks + 5) === 105 &&
          t.charCodeAt(ks + 6) === 100
          ? K_EXEC_ID
          : K_OTHER;
      }
      if (c === 114) {
        const c1 = t.charCodeAt(ks + 1);
        if (c1 === 111) {
          // routine
          return t.charCodeAt(ks + 2) === 117 &&
            t.charCodeAt(ks + 3) === 116 &&
            t.charCodeAt(ks + 4) === 105 &&
            t.charCodeAt(ks + 5) === 110 &&
            t.charCodeAt(ks + 6) === 101
            ? K_ROUTINE
            : K_OTHER;
        }
        // res_ver
        return c1 === 101 &&
          t.charCodeAt(ks + 2) === 115 &&
          t.charCodeAt(ks + 3) === 95 &&
          t.charCodeAt(ks + 4) === 118 &&
          t.charCodeAt(ks + 5) === 101 &&
          t.charCodeAt(ks + 6) === 114
          ? K_RES_VER
          : K_OTHER;
      }
      if (c === 109) return eqAt(t, ks, 'message') ? K_MSG : K_OTHER;
      return K_OTHER;
    }
    case 8:
      if (c === 116) {
        // tasktype
        return t.charCodeAt(ks + 1) === 97 &&
          t.charCodeAt(ks + 2) === 115 &&
          t.charCodeAt(ks + 3) === 107 &&
          t.charCodeAt(ks + 4) === 116 &&
          t.charCodeAt(ks + 5) === 121 &&
          t.charCodeAt(ks + 6) === 112 &&
          t.charCodeAt(ks + 7) === 101
          ? K_TASKTYPE
          : K_OTHER;
      }
      if (c === 115) return eqAt(t, ks, 'severity') ? K_LEVEL : K_OTHER;
      return K_OTHER;
    case 9:
      return c === 116 && eqAt(t, ks, 'timestamp') ? K_TS : K_OTHER;
    default:
      return K_OTHER;
  }
}

function setContext(rec: LogRecord, id: number, v: string): void {
  if (v === '') return;
  switch (id) {
    case K_EXEC_ID:
      rec.execId = v;
      break;
    case K_NS:
      rec.ns = v;
      break;
    case K_ROUTINE:
      rec.routine = v;
      break;
    case K_NODE:
      rec.node = v;
      break;
    case K_WF:
      rec.wf = v;
      break;
    case K_RES_VER:
      rec.resVer = v;
      break;
    case K_TASKTYPE:
      rec.tasktype = v;
      break;
    default:
      break;
  }
}

/** Level text[vs, ve) normalized, matched in place for the usual names. */
function levelAt(t: string, vs: number, ve: number): string {
  const c = t.charCodeAt(vs);
  switch (ve - vs) {
    case 4: // info
      if (c === 105 && t.charCodeAt(vs + 1) === 110 && t.charCodeAt(vs + 2) === 102 && t.charCodeAt(vs + 3) === 111) {
        return 'info';
      }
      break;
    case 5:
      if (c === 100 && eqAt(t, vs, 'debug')) return 'debug';
      if (c === 101 && eqAt(t, vs, 'error')) return 'error';
      break;
    case 7:
      if (c === 119 && eqAt(t, vs, 'warning')) return 'warning';
      break;
    default:
      break;
  }
  return normalizeLevel(t.slice(vs, ve));
}

/**
 * Handles the string value whose opening quote is at `q` for key `id`; returns the index after
 * its closing quote, or -1 when malformed.
 */
function stringValue(text: string, q: number, id: number, rec: LogRecord): number {
  const vs = q + 1;
  const close = text.indexOf('"', vs);
  if (close < 0) return -1;
  let v: string;
  let after: number;
  if (nextBackslash < 0 || nextBackslash > close) {
    if (id === K_OTHER) return close + 1;
    if (id === K_LEVEL) {
      foundLevel = levelAt(text, vs, close);
      return close + 1;
    }
    v = text.slice(vs, close);
    after = close + 1;
  } else {
    if (!readEscapedString(text, vs)) return -1;
    nextBackslash = text.indexOf('\\', strEnd);
    v = strValue;
    after = strEnd;
    if (id === K_LEVEL) {
      foundLevel = normalizeLevel(v);
      return after;
    }
  }
  switch (id) {
    case K_MSG:
      foundMsg = v;
      break;
    case K_TS:
      foundTs = v;
      break;
    default:
      setContext(rec, id, v);
  }
  return after;
}

/** Scans `{"k":"v",...}` of strings at `p` into the context fields; returns the end or -1. */
function scanContextObject(text: string, p: number, rec: LogRecord): number {
  if (text.charCodeAt(p) !== LBRACE) return -1;
  p++;
  if (text.charCodeAt(p) === RBRACE) return p + 1;
  for (;;) {
    if (text.charCodeAt(p) !== QUOTE) return -1;
    const ke = text.indexOf('"', p + 1);
    if (ke < 0 || (nextBackslash >= 0 && nextBackslash < ke)) return -1;
    if (text.charCodeAt(ke + 1) !== COLON || text.charCodeAt(ke + 2) !== QUOTE) return -1;
    let id = keyId(text, p + 1, ke - p - 1);
    if (id < K_EXEC_ID) id = K_OTHER;
    p = stringValue(text, ke + 2, id, rec);
    if (p < 0) return -1;
    const c = text.charCodeAt(p);
    if (c === COMMA) {
      p++;
      continue;
    }
    return c === RBRACE ? p + 1 : -1;
  }
}

/** Fast scan of the Go-encoder layout from `p` to `end`; false when the line needs JSON.parse. */
function scanEnvelope(text: string, p: number, end: number, rec: LogRecord): boolean {
  if (text.charCodeAt(p) !== LBRACE) return false;
  nextBackslash = text.indexOf('\\', p);
  p++;
  for (;;) {
    if (text.charCodeAt(p) !== QUOTE) return false;
    const ke = text.indexOf('"', p + 1);
    if (ke < 0 || (nextBackslash >= 0 && nextBackslash < ke) || text.charCodeAt(ke + 1) !== COLON) return false;
    const id = keyId(text, p + 1, ke - p - 1);
    const v = ke + 2;
    const c0 = text.charCodeAt(v);
    if (c0 === QUOTE) {
      if (id === K_CTX_OBJECT) return false; // json/data holding a string: unusual, let JSON.parse decide
      p = stringValue(text, v, id, rec);
    } else if (id === K_CTX_OBJECT && c0 === LBRACE) {
      p = scanContextObject(text, v, rec);
    } else {
      return false;
    }
    if (p < 0) return false;
    const c = text.charCodeAt(p);
    if (c === COMMA) {
      p++;
      continue;
    }
    return c === RBRACE && p + 1 === end;
  }
}

// JSON forbids raw control characters in strings (and Go never writes them); the scanner does not
// look at every character, so lines it accepted are checked once here.
const CONTROL = /[\x00-\x1f]/;

function hasControlChar(text: string, start: number, end: number): boolean {
  return CONTROL.test(start === 0 && end === text.length ? text : text.slice(start, end));
}

function stringOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function assignContext(rec: LogRecord, o: Record<string, unknown>): void {
  for (const key of ['exec_id', 'ns', 'routine', 'node', 'wf', 'res_ver', 'tasktype']) {
    const v = stringOf(o[key]);
    if (v !== undefined) setContextField(rec, key, v);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Why a `{...}` text failed to parse: 'truncated' when it ends inside a string or with
 * objects/arrays still open (cut short), 'notJson' otherwise.
 */
export function classifyBadJson(text: string, start: number): SkipReason {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === LBRACE || c === 91) depth++;
    else if (c === RBRACE || c === 93) depth--;
  }
  return inString || depth > 0 ? 'truncated' : 'notJson';
}

function parseGeneric(rec: LogRecord, payload: string): SkipReason | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return classifyBadJson(payload, 0);
  }
  if (!isObject(parsed)) return 'notJson';
  // a Cloud Logging entry: the line is its jsonPayload; its own timestamp is the finer one
  const entry = cloudLoggingEntry(parsed);
  const o = entry?.payload ?? parsed;
  if (entry !== undefined && rec.replica === undefined) rec.replica = entry.pod;
  const msg = o.msg ?? o.message;
  const level = o.level ?? o.severity;
  if (msg === undefined && level === undefined) return 'notJson';
  foundMsg = stringOf(msg);
  const lv = stringOf(level);
  foundLevel = lv === undefined ? undefined : normalizeLevel(lv);
  foundTs = entry?.timestamp ?? o.ts ?? o.timestamp ?? o.time ?? (o.timestampSeconds === undefined ? undefined : { seconds: o.timestampSeconds, nanos: o.timestampNanos });
  assignContext(rec, o);
  const ctx = isObject(o.json) ? o.json : isObject(o.data) ? o.data : undefined;
  if (ctx) assignContext(rec, ctx);
  return undefined;
}

// ---------------------------------------------------------------- canonical-layout fast path

/**
 * Go's encoder writes the flytestdlib and GCP envelopes in one fixed layout: keys sorted, no
 * whitespace, string values, context fields flat inside `json`/`data`. One regular expression
 * checks that layout and captures the fields we need (irregexp scans in native code, about three
 * times faster than JSON.parse here). Only strict JSON matches: values without control
 * characters, pairs separated by single commas, no trailing comma, known context keys at most
 * once and in sorted order (a layout that breaks any of this falls to the scanner below).
 * Context values with escapes do not match; message escapes are decoded after the match.
 */
const CONTEXT_KEYS = ['exec_id', 'node', 'ns', 'res_ver', 'routine', 'tasktype', 'wf'] as const;
const PLAIN = '[^"\\\\\\x00-\\x1f]*';
const ESCAPED = '(?:[^"\\\\\\x00-\\x1f]|\\\\.)*';
const SEP = '(?:,|(?=\\}))';
const OTHER_PAIRS = `(?:"(?!(?:${CONTEXT_KEYS.join('|')})")${PLAIN}":"${PLAIN}"${SEP})*`;
const BODY =
  OTHER_PAIRS + CONTEXT_KEYS.map((k) => `(?:"${k}":"(${PLAIN})"${SEP})?${OTHER_PAIRS}`).join('') + '(?<!,)';
const TAIL = '[ \\t\\r]*$';
// groups 1-7: context fields, 8: level, 9: msg, 10: ts
const STDLIB_RX = new RegExp(
  `\\{(?:"json":\\{${BODY}\\},)?"level":"(\\w+)","msg":"(${ESCAPED})","ts":"(${PLAIN})"\\}${TAIL}`,
  'y',
);
// groups 1-7: context fields, 8: message, 9: severity, 10: timestamp
const GCP_RX = new RegExp(
  `\\{(?:"data":\\{${BODY}\\},)?"message":"(${ESCAPED})","severity":"(\\w+)","timestamp":"(${PLAIN})"\\}${TAIL}`,
  'y',
);

// Context values that repeat across lines (namespace, worker, node, task type, workflow) are
// shared: a record then holds one string object less per field, and records waiting for their
// second's estimate keep less alive. Bounded: cleared when it grows past INTERN_MAX values.
const INTERN_MAX = 4096;
const interned = new Map<string, string>();

// In front of the map, a small direct-mapped cache by length and last character: a hit costs one
// string comparison, where the map would hash the fresh string first.
const RECENT_SLOTS = 64;
const recent: string[] = new Array<string>(RECENT_SLOTS).fill('');

function intern(v: string): string {
  const slot = (v.length * 7 + v.charCodeAt(v.length - 1)) & (RECENT_SLOTS - 1);
  const r = recent[slot] as string;
  if (r === v) return r;
  let c = interned.get(v);
  if (c === undefined) {
    if (interned.size >= INTERN_MAX) interned.clear();
    interned.set(v, v);
    c = v;
  }
  recent[slot] = c;
  return c;
}

function applyContextGroups(rec: LogRecord, m: RegExpExecArray): void {
  const e = m[1];
  if (e) rec.execId = e;
  const node = m[2];
  if (node) rec.node = intern(node);
  const ns = m[3];
  if (ns) rec.ns = intern(ns);
  const rv = m[4];
  if (rv) rec.resVer = rv;
  const rt = m[5];
  if (rt) rec.routine = intern(rt);
  const tt = m[6];
  if (tt) rec.tasktype = intern(tt);
  const wf = m[7];
  if (wf) rec.wf = intern(wf);
}

/**
 * Canonical layout via the regular expressions: fills `rec` (time too, unless `haveTime`) and
 * returns its verdict, or null when the line does not match.
 */
function matchCanonical(
  rec: LogRecord,
  text: string,
  start: number,
  st: DecodeState,
  haveTime: boolean,
): SkipReason | undefined | null {
  const c = text.charCodeAt(start + 2);
  const gcp = c === 100 || c === 109; // "data" / "message"
  const rx = gcp ? GCP_RX : STDLIB_RX;
  rx.lastIndex = start;
  const m = rx.exec(text);
  if (m === null) return null;
  const rawMsg = m[gcp ? 8 : 9] as string;
  let msg: string | undefined = rawMsg;
  if (rawMsg.indexOf('\\') >= 0) {
    msg = unescapeBody(rawMsg);
    if (msg === undefined) return null;
  }
  applyContextGroups(rec, m);
  rec.msg = msg;
  rec.level = normalizeLevel(m[gcp ? 9 : 8] as string);
  if (haveTime) return undefined;
  const ts = m[10] as string;
  if (ts === '') return 'noTimestamp';
  return applyRfc3339(rec, ts, st) ? undefined : 'badTimestamp';
}

/**
 * Decodes the JSON envelope `text[start, end)` into `rec` (level, msg, context fields and,
 * unless `haveTime`, the time). Returns a skip reason for lines that cannot be used.
 */
export function decodeJsonEnvelope(
  rec: LogRecord,
  text: string,
  start: number,
  end: number,
  st: DecodeState,
  haveTime: boolean,
): SkipReason | undefined {
  const canonical = matchCanonical(rec, text, start, st, haveTime);
  if (canonical !== null) return canonical;
  foundMsg = undefined;
  foundLevel = undefined;
  foundTs = undefined;
  if (!(scanEnvelope(text, start, end, rec) && !hasControlChar(text, start, end))) {
    clearContext(rec);
    foundMsg = undefined;
    foundLevel = undefined;
    foundTs = undefined;
    const bad = parseGeneric(rec, start === 0 && end === text.length ? text : text.slice(start, end));
    if (bad !== undefined) return bad;
  } else if (foundMsg === undefined && foundLevel === undefined) {
    return 'notJson';
  }
  rec.msg = foundMsg ?? '';
  rec.level = foundLevel ?? '';
  if (haveTime) return undefined;
  const ts = foundTs;
  if (ts === undefined || ts === null || ts === '') return 'noTimestamp';
  if (typeof ts === 'string') return applyRfc3339(rec, ts, st) ? undefined : 'badTimestamp';
  if (typeof ts === 'number') return applyEpochSeconds(rec, ts, st) ? undefined : 'badTimestamp';
  if (typeof ts === 'object') return applyTimestampObject(rec, ts, st) ? undefined : 'badTimestamp';
  return 'badTimestamp';
}
