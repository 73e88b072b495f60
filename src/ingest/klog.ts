/**
 * klog lines, as k8s' `runtime.HandleError` writes them from propeller's workers:
 * `E0913 02:32:16.811406       1 workers.go:103] error syncing 'ns/name': etcdserver: ...`
 * (severity letter, month/day, time with microseconds, thread id, file:line). The year is not
 * printed: it is taken from the latest dated timestamp of the same input (moved by one year when
 * that puts the line more than half a year away, i.e. across New Year), else the fallback year.
 */
import type { LogRecord, SkipReason } from './record.js';
import { daysFromCivil } from '../timeline/time.js';
import type { DecodeState } from './timestamps.js';

const SEVERITY: Readonly<Record<string, string>> = { I: 'info', W: 'warning', E: 'error', F: 'fatal' };

function d2(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** True when `text` at `p` starts with a klog header `Lmmdd hh:mm:ss.`. */
export function looksLikeKlog(text: string, p: number): boolean {
  const c = text[p];
  return (
    (c === 'I' || c === 'W' || c === 'E' || c === 'F') &&
    d2(text, p + 1) >= 0 &&
    d2(text, p + 3) >= 0 &&
    text.charCodeAt(p + 5) === 32 &&
    text.charCodeAt(p + 8) === 58 &&
    text.charCodeAt(p + 11) === 58 &&
    text.charCodeAt(p + 14) === 46
  );
}

function yearOf(sec: number): number {
  return new Date(sec * 1000).getUTCFullYear();
}

const HALF_YEAR = 183 * 86400;
const ERROR_SYNCING = "error syncing '";

/**
 * Decodes a klog line `text[start, end)` into `rec` (kind 'klog', exact to the microsecond
 * unless `haveTime`, where a prefix time already set is kept).
 */
export function decodeKlog(
  rec: LogRecord,
  text: string,
  start: number,
  end: number,
  st: DecodeState,
  haveTime: boolean,
): SkipReason | undefined {
  const p = start;
  const mo = d2(text, p + 1);
  const d = d2(text, p + 3);
  const h = d2(text, p + 6);
  const mi = d2(text, p + 9);
  const s = d2(text, p + 12);
  let us = 0;
  let q = p + 15;
  for (let k = 0; k < 6; k++, q++) {
    const c = text.charCodeAt(q) - 48;
    if (!(c >= 0 && c <= 9)) return 'badTimestamp';
    us = us * 10 + c;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60) {
    return 'badTimestamp';
  }
  const close = text.indexOf('] ', q);
  if (close < 0 || close >= end) return 'notJson';
  rec.kind = 'klog';
  rec.level = SEVERITY[text[p] ?? ''] ?? 'info';
  rec.msg = text.slice(close + 2, end);
  if (!haveTime) {
    const ref = st.latestSec;
    let y = Number.isNaN(ref) ? st.fallbackYear : yearOf(ref);
    const within = h * 3600 + mi * 60 + s;
    let sec = daysFromCivil(y, mo, d) * 86400 + within;
    if (!Number.isNaN(ref)) {
      if (sec - ref > HALF_YEAR) y--;
      else if (ref - sec > HALF_YEAR) y++;
      sec = daysFromCivil(y, mo, d) * 86400 + within;
    }
    rec.sec = sec;
    rec.nsec = us * 1000;
    rec.resNs = 1000;
  }
  if (rec.msg.startsWith(ERROR_SYNCING)) {
    const keyEnd = rec.msg.indexOf("'", ERROR_SYNCING.length);
    if (keyEnd > 0) {
      const key = rec.msg.slice(ERROR_SYNCING.length, keyEnd);
      const slash = key.indexOf('/');
      if (slash >= 0) {
        if (slash > 0) rec.ns = key.slice(0, slash);
        if (slash + 1 < key.length) rec.execId = key.slice(slash + 1);
      } else if (key !== '') {
        rec.execId = key;
      }
    }
  }
  return undefined;
}
