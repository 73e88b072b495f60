/**
 * The whole-second time a flytestdlib line ends with (`..."ts":"2024-05-17T22:00:00Z"}`), or a GCP
 * formatter's line (`..."timestamp":"2024-05-17T22:00:00Z"}`), found from the line's end without
 * decoding it: for the readers that only need a line's second (`--exec`'s filtered lines, a
 * newest-first export read second by second).
 */

const TS_KEY = Buffer.from('"ts');
const TIMESTAMP_KEY = Buffer.from('"timestamp');

/**
 * Index in `buf` of the `YYYY-MM-DDTHH:MM:SSZ` the line `buf[s, e)` ends with (before `"}`, a
 * trailing CR or LF allowed), or -1 when it ends otherwise.
 */
export function wholeSecondAt(buf: Uint8Array, s: number, e: number): number {
  while (e > s && (buf[e - 1] === 0x0a || buf[e - 1] === 0x0d)) e--;
  const d = e - 22;
  // Z"} after the time, ":" before it
  if (d < s + 6 || buf[e - 1] !== 0x7d || buf[e - 2] !== 0x22 || buf[e - 3] !== 0x5a || buf[d - 1] !== 0x22 || buf[d - 2] !== 0x3a || buf[d - 3] !== 0x22) return -1;
  return endsWithAt(buf, s, d - 3, TS_KEY) || endsWithAt(buf, s, d - 3, TIMESTAMP_KEY) ? d : -1;
}

/** True when `buf` holds `key` just before index `end` (and not before `s`). */
function endsWithAt(buf: Uint8Array, s: number, end: number, key: Uint8Array): boolean {
  const from = end - key.length;
  if (from < s) return false;
  for (let i = 0; i < key.length; i++) if (buf[from + i] !== key[i]) return false;
  return true;
}
