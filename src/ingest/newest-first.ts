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

/** Steps back and forward in time between consecutive records. */
export function timeSteps(instants: readonly number[]): { back: number; forward: number } {
  let back = 0;
  let forward = 0;
  for (let i = 1; i < instants.length; i++) {
    const d = instants[i]! - instants[i - 1]!;
    if (d < 0) back++;
    else if (d > 0) forward++;
  }
  return { back, forward };
}

/**
 * True when record instants, in input order, mostly go back: at least two steps back and more
 * than four times as many steps back as forward. Lines of one second shuffled in an oldest-first
 * log step back now and then, but forward as often.
 */
export function looksNewestFirst(instants: readonly number[]): boolean {
  const { back, forward } = timeSteps(instants);
  return back >= 2 && back > 4 * forward;
}

/**
 * For a busy log whose start shows too few distinct instants to tell: newest first when neither
 * its start nor its end ever steps forward, and its start is later than its end.
 */
export function startAndEndNewestFirst(head: readonly number[], tail: readonly number[]): boolean {
  if (head.length === 0 || tail.length === 0) return false;
  const h = timeSteps(head);
  const t = timeSteps(tail);
  return h.forward === 0 && t.forward === 0 && h.back + t.back >= 1 && head[0]! > tail[tail.length - 1]!;
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
 * The lines of a file, last first, each ending in a newline, in chunks of whole lines. Reads
 * blocks from the end; a line longer than a block is carried until its start is found.
 */
export async function* linesBackward(path: string, blockBytes = CHUNK_BYTES): AsyncGenerator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    let pos = fstatSync(fd).size;
    // bytes after the last line end of the file are its last line
    let carry: Buffer = Buffer.alloc(0);
    let atEnd = true;
    while (pos > 0) {
      const size = Math.min(blockBytes, pos);
      pos -= size;
      const block = Buffer.allocUnsafe(size);
      readSync(fd, block, 0, size, pos);
      const data = carry.length > 0 ? Buffer.concat([block, carry]) : block;
      const first = data.indexOf(NEWLINE);
      if (first < 0) {
        carry = data;
        continue;
      }
      // data = [partial line][\n line \n line \n ... line (\n)?]
      const out: Buffer[] = [];
      let end = data.length;
      if (atEnd && data[end - 1] === NEWLINE) end--; // the file's final line end ends no extra line
      atEnd = false;
      // (lastIndexOf counts a negative offset from the end: never pass one)
      for (let p = end > 0 ? data.lastIndexOf(NEWLINE, end - 1) : -1; p >= first; p = p > 0 ? data.lastIndexOf(NEWLINE, p - 1) : -1) {
        out.push(data.subarray(p + 1, end), NEWLINE_BUF);
        end = p;
        if (p === first) break;
      }
      carry = Buffer.from(data.subarray(0, first));
      if (out.length > 0) yield Buffer.concat(out);
    }
    if (carry.length > 0 || !atEnd) yield Buffer.concat([carry, NEWLINE_BUF]);
  } finally {
    closeSync(fd);
  }
}

const NEWLINE_BUF = Buffer.from([NEWLINE]);

/** Bytes parked in a temporary file, counted in lines; `remove` deletes it. */
export interface ParkedInput {
  path: string;
  lines: number;
  remove(): void;
}

/** Writes a stream of bytes to a temporary file (for reading it backwards). */
export async function park(chunks: AsyncIterable<Buffer>): Promise<ParkedInput> {
  const dir = mkdtempSync(join(tmpdir(), 'propsim-newest-first-'));
  const path = join(dir, 'lines');
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const fd = openSync(path, 'w');
    let lines = 0;
    let last = NEWLINE;
    try {
      for await (const chunk of chunks) {
        if (chunk.length === 0) continue;
        writeSync(fd, chunk);
        for (let p = chunk.indexOf(NEWLINE); p >= 0; p = chunk.indexOf(NEWLINE, p + 1)) lines++;
        last = chunk[chunk.length - 1]!;
      }
    } finally {
      closeSync(fd);
    }
    return { path, lines: last === NEWLINE ? lines : lines + 1, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
