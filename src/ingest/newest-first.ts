/**
 * Logs listed newest first: `gcloud logging read` prints entries in descending time order unless
 * told `--order=asc`. The folder needs time to advance, so such an input is read from its end:
 * a plain file backwards in blocks, anything else (standard input, gzip, a JSON array) after
 * parking its lines in a temporary file. Memory stays bounded either way.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, fstatSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHUNK_BYTES } from './source.js';

const NEWLINE = 0x0a;

/**
 * Steps back and forward in time between consecutive records (ns). When whole-second stamps
 * (propeller's own `ts`) mix with finer ones (klog's microseconds), records are compared by their
 * second: a klog line inside a newest-first log steps forward from the whole second before it,
 * and a handful of such lines must not hide which way the log runs.
 */
export function timeSteps(instants: readonly number[], resolution = commonResolution(instants)): { back: number; forward: number } {
  let back = 0;
  let forward = 0;
  for (let i = 1; i < instants.length; i++) {
    const d = Math.floor(instants[i]! / resolution) - Math.floor(instants[i - 1]! / resolution);
    if (d < 0) back++;
    else if (d > 0) forward++;
  }
  return { back, forward };
}

/** 1 s when the instants mix whole seconds with finer stamps, else 1 ns. */
export function commonResolution(...samples: (readonly number[])[]): number {
  let whole = false;
  let finer = false;
  for (const s of samples)
    for (const t of s) {
      if (t % 1e9 === 0) whole = true;
      else finer = true;
    }
  return whole && finer ? 1e9 : 1;
}

/**
 * True when record instants, in input order, mostly go back: at least two steps back and more
 * than four times as many steps back as forward. Lines of one second shuffled in an oldest-first
 * log step back now and then, but forward as often.
 */
export function looksNewestFirst(instants: readonly number[], resolution?: number): boolean {
  const { back, forward } = timeSteps(instants, resolution);
  return back >= 2 && back > 4 * forward;
}

/**
 * For a busy log whose start shows too few distinct instants to tell: newest first when neither
 * its start nor its end ever steps forward, and its start is later than its end.
 */
export function startAndEndNewestFirst(head: readonly number[], tail: readonly number[]): boolean {
  if (head.length === 0 || tail.length === 0) return false;
  const res = commonResolution(head, tail);
  const h = timeSteps(head, res);
  const t = timeSteps(tail, res);
  return h.forward === 0 && t.forward === 0 && h.back + t.back >= 1 && Math.floor(head[0]! / res) > Math.floor(tail[tail.length - 1]! / res);
}

/** Lines in a file: line ends, plus a last line without one. */
export function countLines(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let lines = 0;
    let last = NEWLINE;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let p = buf.indexOf(NEWLINE, 0); p >= 0 && p < n; p = buf.indexOf(NEWLINE, p + 1)) lines++;
      last = buf[n - 1]!;
    }
    return last === NEWLINE ? lines : lines + 1;
  } finally {
    closeSync(fd);
  }
}

/**
 * Longest line kept whole when reading backwards: more than the line reader keeps (it counts a
 * longer line as truncated), so a longer line is handed over cut to this length, and the reader
 * counts it; memory stays bounded whatever the input.
 */
export const MAX_BACKWARD_LINE = 64 * 1024 * 1024 + 1;

/**
 * The lines of a file (a path, or an open descriptor that is then closed), last first, each
 * ending in a newline, in chunks of whole lines. Reads blocks from the end; a line longer than a
 * block is gathered block by block until its start is found.
 */
export async function* linesBackward(file: string | number, blockBytes = CHUNK_BYTES, maxLine = MAX_BACKWARD_LINE): AsyncGenerator<Buffer> {
  const fd = typeof file === 'number' ? file : openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let pos = size;
    if (size > 0) {
      // the file's final line end ends no extra line
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] === NEWLINE) pos--;
    }
    // the line being gathered: its part after `pos`, in file order (at most MAX_BACKWARD_LINE bytes)
    let tail: Buffer[] = [];
    let tailBytes = 0;
    while (pos > 0) {
      const n = Math.min(blockBytes, pos);
      pos -= n;
      const block = Buffer.allocUnsafe(n);
      readSync(fd, block, 0, n, pos);
      const first = block.indexOf(NEWLINE);
      if (first < 0) {
        if (tailBytes < maxLine) {
          tail.unshift(block);
          tailBytes += n;
        }
        continue;
      }
      // the gathered line begins after the block's last line end
      const lastNl = block.lastIndexOf(NEWLINE);
      const out: Buffer[] = [gathered(block.subarray(lastNl + 1), tail, maxLine), NEWLINE_BUF];
      // then the block's own lines, from the back
      let end = lastNl;
      for (let p = lastNl > 0 ? block.lastIndexOf(NEWLINE, lastNl - 1) : -1; p >= first; p = p > 0 ? block.lastIndexOf(NEWLINE, p - 1) : -1) {
        out.push(block.subarray(p + 1, end), NEWLINE_BUF);
        end = p;
        if (p === first) break;
      }
      tail = [block.subarray(0, first)];
      tailBytes = first;
      yield Buffer.concat(out);
    }
    // the file's first line (empty when the file starts with a line end)
    if (size > 0) yield Buffer.concat([gathered(Buffer.alloc(0), tail, maxLine), NEWLINE_BUF]);
  } finally {
    closeSync(fd);
  }
}

const NEWLINE_BUF = Buffer.from([NEWLINE]);

/** A line from its start and the blocks after it, cut to `maxLine` bytes. */
function gathered(start: Buffer, tail: readonly Buffer[], maxLine: number): Buffer {
  const line = tail.length === 0 ? start : Buffer.concat([start, ...tail]);
  return line.length > maxLine ? line.subarray(0, maxLine) : line;
}

/**
 * Bytes parked in a temporary file, counted in lines. The file is already unlinked: only the
 * open descriptor holds it, so its space returns to the system however the process ends.
 */
export interface ParkedInput {
  fd: number;
  lines: number;
}

/** Writes a stream of bytes to a temporary file (for reading it backwards). */
export async function park(chunks: AsyncIterable<Buffer>): Promise<ParkedInput> {
  const dir = mkdtempSync(join(tmpdir(), 'propsim-park-'));
  const path = join(dir, 'lines');
  let fd: number | undefined;
  try {
    fd = openSync(path, 'w+');
    rmSync(dir, { recursive: true, force: true });
    let lines = 0;
    let last = NEWLINE;
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue;
      writeSync(fd, chunk);
      for (let p = chunk.indexOf(NEWLINE); p >= 0; p = chunk.indexOf(NEWLINE, p + 1)) lines++;
      last = chunk[chunk.length - 1]!;
    }
    return { fd, lines: last === NEWLINE ? lines : lines + 1 };
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
