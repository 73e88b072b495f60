/**
 * Timestamp handling for the line reader: applying a payload timestamp (with a one-entry cache,
 * since consecutive lines usually repeat the same second) and the per-input time context that
 * klog's year-less stamps need.
 */
import { rfc3339Parts, resolutionNs } from '../timeline/time.js';
import type { LogRecord } from './record.js';

/** Per-input decoding context. */
export interface DecodeState {
  /** Latest epoch second of a full (dated) timestamp seen in this input; NaN before the first. */
  latestSec: number;
  /** Year used for klog stamps before any full timestamp was seen. */
  fallbackYear: number;
  // one-entry cache of the last payload timestamp text
  lastTs: string;
  lastSec: number;
  lastNsec: number;
  lastRes: number;
}

export function newDecodeState(fallbackYear = new Date().getUTCFullYear()): DecodeState {
  return { latestSec: NaN, fallbackYear, lastTs: '', lastSec: 0, lastNsec: 0, lastRes: 1e9 };
}

/** Notes a full timestamp's second so later klog lines can borrow its year. */
export function noteFullSecond(st: DecodeState, sec: number): void {
  if (!(sec <= st.latestSec)) st.latestSec = sec;
}

/** Sets the record's time from an RFC3339 text; false when the text is not a timestamp. */
export function applyRfc3339(rec: LogRecord, ts: string, st: DecodeState): boolean {
  if (ts === st.lastTs) {
    rec.sec = st.lastSec;
    rec.nsec = st.lastNsec;
    rec.resNs = st.lastRes;
    return true;
  }
  const p = rfc3339Parts(ts);
  if (!p) return false;
  const res = p.fracDigits === 0 ? 1e9 : resolutionNs(p.fracDigits);
  rec.sec = p.sec;
  rec.nsec = p.nsec;
  rec.resNs = res;
  st.lastTs = ts;
  st.lastSec = p.sec;
  st.lastNsec = p.nsec;
  st.lastRes = res;
  noteFullSecond(st, p.sec);
  return true;
}

/**
 * Sets the record's time from a numeric epoch-seconds stamp (zap-style `ts: 1715986503.134`);
 * float seconds carry about microsecond precision.
 */
export function applyEpochSeconds(rec: LogRecord, x: number, st: DecodeState): boolean {
  if (!Number.isFinite(x) || x < 0 || x > 1e11) return false;
  const sec = Math.floor(x);
  rec.sec = sec;
  rec.nsec = Math.min(999_999_999, Math.round((x - sec) * 1e6) * 1000);
  rec.resNs = Number.isInteger(x) ? 1e9 : 1000;
  noteFullSecond(st, sec);
  return true;
}

/**
 * Sets the record's time from a protobuf-style timestamp object (`{"seconds": s, "nanos": n}`,
 * numbers or decimal strings), which Google Cloud's structured logging accepts as `timestamp`.
 * Zero or absent nanos read as a whole-second stamp.
 */
export function applyTimestampObject(rec: LogRecord, o: object, st: DecodeState): boolean {
  const { seconds, nanos } = o as { seconds?: unknown; nanos?: unknown };
  const sec = typeof seconds === 'string' && /^-?\d+$/.test(seconds) ? Number(seconds) : seconds;
  const ns = nanos === undefined ? 0 : typeof nanos === 'string' && /^\d+$/.test(nanos) ? Number(nanos) : nanos;
  if (typeof sec !== 'number' || !Number.isSafeInteger(sec) || sec < 0) return false;
  if (typeof ns !== 'number' || !Number.isInteger(ns) || ns < 0 || ns > 999_999_999) return false;
  rec.sec = sec;
  rec.nsec = ns;
  rec.resNs = ns === 0 ? 1e9 : 1;
  noteFullSecond(st, sec);
  return true;
}
