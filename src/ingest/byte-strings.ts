/**
 * Byte-level helpers of the byte decoder (`json-bytes.ts`): comparing and copying byte ranges
 * four bytes at a time, Latin-1 slicing, and `ByteStrings`, a table of strings found by their
 * bytes. A value a log repeats (a message, an execution id, a resource version) is then one
 * shared string: a repeat costs a hash and a comparison, neither a scan nor an allocation.
 */

/** Buffer's own Latin-1 slicer (`toString` minus its argument handling). */
interface Latin1 {
  latin1Slice(start: number, end: number): string;
}

/** The Latin-1 string of buf[s, e) (`buf` is a Buffer). */
export function latin1(buf: Uint8Array, s: number, e: number): string {
  return (buf as unknown as Latin1).latin1Slice(s, e);
}

/** A DataView over the whole of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True when a[as, as + len) equals b[bs, bs + len) (both ranges inside their views). */
export function sameBytes(a: DataView, as: number, b: DataView, bs: number, len: number): boolean {
  let k = 0;
  for (; k + 4 <= len; k += 4) if (a.getInt32(as + k, true) !== b.getInt32(bs + k, true)) return false;
  for (; k < len; k++) if (a.getUint8(as + k) !== b.getUint8(bs + k)) return false;
  return true;
}

/** Copies a[as, as + len) to b[bs, ...). */
export function copyBytes(a: DataView, as: number, b: DataView, bs: number, len: number): void {
  let k = 0;
  for (; k + 4 <= len; k += 4) b.setInt32(bs + k, a.getInt32(as + k, true), true);
  for (; k < len; k++) b.setUint8(bs + k, a.getUint8(as + k));
}

/**
 * Hash of the bytes dv[s, e): their length, their last eight bytes (ids, workers and nodes differ
 * at their ends) and, for longer values, two words from their first half (an id inside a long
 * message, whose end is a fixed phrase). Comparisons check every byte, so the hash only spreads.
 */
function hashBytes(dv: DataView, s: number, e: number): number {
  const len = e - s;
  let h = Math.imul(len, 0x9e3779b1);
  if (len >= 8) {
    h ^= Math.imul(dv.getInt32(e - 8, true), 0x85ebca6b) ^ dv.getInt32(e - 4, true);
    if (len >= 24) h = Math.imul(h ^ dv.getInt32(s + (len >> 2), true), 0xcc9e2d51) ^ dv.getInt32(s + (len >> 1), true);
  } else {
    for (let i = s; i < e; i++) h = Math.imul(h ^ dv.getUint8(i), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

/**
 * A direct-mapped table of strings by their bytes: `slots` entries (a power of two) of values up
 * to `width` bytes; a new value takes its slot from the one there before. Each slot keeps a copy
 * of its value's bytes.
 */
export class ByteStrings {
  private readonly strings: string[];
  private readonly lens: Int32Array;
  private readonly keys: DataView;
  private readonly mask: number;

  constructor(
    slots: number,
    private readonly width: number,
  ) {
    this.strings = new Array<string>(slots).fill('');
    this.lens = new Int32Array(slots).fill(-1);
    this.keys = viewOf(new Uint8Array(slots * width));
    this.mask = slots - 1;
  }

  /** The string kept for the bytes dv[s, e), else ''. */
  find(dv: DataView, s: number, e: number): string {
    const len = e - s;
    if (len > this.width) return '';
    const slot = hashBytes(dv, s, e) & this.mask;
    return this.lens[slot] === len && sameBytes(dv, s, this.keys, slot * this.width, len) ? (this.strings[slot] as string) : '';
  }

  /** Keeps `value` as the string of the bytes dv[s, e) (values longer than the width are not kept). */
  keep(dv: DataView, s: number, e: number, value: string): void {
    const len = e - s;
    if (len > this.width) return;
    const slot = hashBytes(dv, s, e) & this.mask;
    this.strings[slot] = value;
    this.lens[slot] = len;
    copyBytes(dv, s, this.keys, slot * this.width, len);
  }

  /** The Latin-1 string of buf[s, e) (`dv` views `buf`): the kept one, else a new one, then kept. */
  intern(buf: Uint8Array, dv: DataView, s: number, e: number): string {
    const len = e - s;
    if (len > this.width) return latin1(buf, s, e);
    const slot = hashBytes(dv, s, e) & this.mask;
    const at = slot * this.width;
    if (this.lens[slot] === len && sameBytes(dv, s, this.keys, at, len)) return this.strings[slot] as string;
    const v = latin1(buf, s, e);
    this.strings[slot] = v;
    this.lens[slot] = len;
    copyBytes(dv, s, this.keys, at, len);
    return v;
  }
}
