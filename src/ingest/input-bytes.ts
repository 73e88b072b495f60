/**
 * An input's bytes as the line reader takes them: one log record per line, oldest first. Most
 * inputs are that already; a JSON array of entries (`json-array.ts`) and OpenTelemetry logs
 * requests (`otlp-logs.ts`) are rewritten to one record per line, and an input listed newest
 * first is read from its end (`newest-first.ts`).
 * Line numbers then count what the reader sees; `lineOf` maps them back to the file's lines.
 */
import { gunzipSync, constants as zlib } from 'node:zlib';
import { DockerPartialLines, startsAsDockerJson } from './docker-partials.js';
import { JsonArrayLines, startsAsJsonArray } from './json-array.js';
import { OtlpLogsLines, startsAsOtlpLogs } from './otlp-logs.js';
import { commonResolution, countLines, linesBackward, looksNewestFirst, park, startAndEndNewestFirst, timeSteps } from './newest-first.js';
import { hasGzipMagic, openInput, readHead, STDIN, type OpenOptions } from './source.js';
import { wholeSecondAt } from './ts-tail.js';
import { open } from 'node:fs/promises';

/** Enough of an input's start (and end) to see a few thousand records, a few seconds of a busy log. */
const SAMPLE_BYTES = 1024 * 1024;
/** Compressed bytes inflated for the sample (logs compress 10-40 times): not the whole head's worth. */
const GZIP_SAMPLE_BYTES = 64 * 1024;

/** Decodes the complete lines of `bytes` and returns their records' instants (ns from any fixed origin), in order. */
export type InstantsOf = (bytes: Buffer, label: string) => number[];

/**
 * For a newest-first sample: > 0 when the lines of one second are nevertheless in time order (an
 * export sorted by a whole-second time, newest first, ties as they came), < 0 when they run
 * backwards too (the whole log reversed), 0 when the sample cannot tell.
 */
export type TieOrderOf = (bytes: Buffer, label: string) => number;

export interface InputBytes {
  chunks: AsyncIterable<Buffer>;
  /** The input lists records newest first, and is read from its end. */
  newestFirst: boolean;
  /** The file line of the reader's line `n` (1-based), when the two differ. */
  lineOf?: (n: number) => number;
  /** Physical lines joined into others before the reader saw them (count them once the input is read). */
  absorbed?: () => number;
}

/** The head of an input, gunzipped when it is gzip (a cut-off stream: what decompresses). */
async function plainHead(path: string, opts: OpenOptions): Promise<{ head: Buffer; gzip: boolean }> {
  const raw = await readHead(path, SAMPLE_BYTES, opts);
  if (!hasGzipMagic(raw)) return { head: raw, gzip: false };
  try {
    const head = gunzipSync(raw.subarray(0, GZIP_SAMPLE_BYTES), { finishFlush: zlib.Z_SYNC_FLUSH });
    return { head: head.length > SAMPLE_BYTES ? head.subarray(0, SAMPLE_BYTES) : head, gzip: true };
  } catch {
    return { head: Buffer.alloc(0), gzip: true };
  }
}

/** The last `SAMPLE_BYTES` of a plain file. */
async function fileTail(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const n = Math.min(size, SAMPLE_BYTES);
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, size - n);
    // the first line is cut off, unless the sample is the whole file
    const nl = buf.indexOf(0x0a);
    return n < size && nl >= 0 ? buf.subarray(nl + 1) : buf;
  } finally {
    await fh.close();
  }
}

/** Whole lines of a sample: up to its last line end (the rest is cut off), all of a whole input. */
function wholeLines(sample: Buffer, whole: boolean): Buffer {
  if (whole) return sample;
  const nl = sample.lastIndexOf(0x0a);
  return nl >= 0 ? sample.subarray(0, nl + 1) : Buffer.alloc(0);
}

/** Rewrites an input to one record per line, chunk by chunk (JSON arrays, OTLP logs requests, Docker's split lines). */
export interface Rewriter {
  push(chunk: Buffer): Buffer;
  end(): Buffer;
  /** Physical lines joined into others (Docker's split lines), so far. */
  absorbed?: number;
}

/** The rewriter an input needs, from its head; undefined for an input that is lines already. */
function rewriterFor(head: Buffer): ((onLine?: (line: number) => void) => Rewriter) | undefined {
  if (startsAsJsonArray(head)) return (onLine) => new JsonArrayLines(onLine);
  if (startsAsOtlpLogs(head)) return (onLine) => new OtlpLogsLines(onLine);
  if (startsAsDockerJson(head)) return (onLine) => new DockerPartialLines(onLine);
  return undefined;
}

/** A sample rewritten to lines, its cut-off last record dropped. */
function rewrittenSample(head: Buffer, make: () => Rewriter): Buffer {
  return wholeLines(make().push(head), false);
}

/** The head of an input as record lines: rewritten when it needs it (for sniffing what it holds). */
export function headAsLines(head: Buffer): Buffer {
  const rewriter = rewriterFor(head);
  return rewriter ? rewrittenSample(head, () => rewriter()) : head;
}

/** A stream of chunks through a rewriter. */
export async function* rewritten(chunks: AsyncIterable<Buffer>, r: Rewriter): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    const out = r.push(chunk);
    if (out.length > 0) yield out;
  }
  const last = r.end();
  if (last.length > 0) yield last;
}

/**
 * Lines read last first, regrouped so that each run of lines stamped with one whole second (a
 * flytestdlib or GCP line's last field; lines without one among them) goes out in file order;
 * `table` gets each line's file line. A run holds one second's lines: memory stays bounded.
 */
async function* secondsForward(chunks: AsyncIterable<Buffer>, total: number, table: LineTable): AsyncGenerator<Buffer> {
  let k = 0;
  let run: Buffer[] = [];
  let runLines: number[] = [];
  let runKey: string | undefined;
  const flush = (out: Buffer[]): void => {
    for (let i = run.length - 1; i >= 0; i--) {
      out.push(run[i]!);
      table.add(runLines[i]!);
    }
    run = [];
    runLines = [];
  };
  for await (const chunk of chunks) {
    const out: Buffer[] = [];
    let p = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, p)) {
      const line = chunk.subarray(p, nl + 1);
      p = nl + 1;
      // a line without such a time (a klog line) stays where it is among its second's lines
      const key = wholeSecondKey(line);
      if (key !== undefined ? key !== runKey : runKey === undefined) flush(out);
      if (key !== undefined) runKey = key;
      run.push(Buffer.from(line));
      runLines.push(total - k++);
    }
    // (the last run may go on in the next chunk: it stays open)
    if (out.length > 0) yield Buffer.concat(out);
  }
  const out: Buffer[] = [];
  flush(out);
  if (out.length > 0) yield Buffer.concat(out);
}

/** The whole-second time at the end of a flytestdlib or GCP line, as text (`ts-tail.ts`). */
function wholeSecondKey(line: Buffer): string | undefined {
  const d = wholeSecondAt(line, 0, line.length);
  return d < 0 ? undefined : line.toString('latin1', d, d + 19);
}

/** Entry start lines, growing as a JSON array streams (4 bytes per entry). */
class LineTable {
  private lines = new Int32Array(1024);
  count = 0;
  add(line: number): void {
    if (this.count === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.count++] = line;
  }
  at(k: number): number {
    return this.lines[k] ?? k + 1;
  }
}

/**
 * The bytes of input `path` (see the module comment). `instantsOf` decodes samples of its start
 * and end to tell an input listed newest first.
 */
export async function inputBytes(path: string, opts: OpenOptions, instantsOf: InstantsOf, tieOrderOf?: TieOrderOf): Promise<InputBytes> {
  const { head, gzip } = await plainHead(path, opts);
  const whole = head.length < SAMPLE_BYTES && !gzip;
  const rewriter = rewriterFor(head);
  const headLines = rewriter ? rewrittenSample(head, () => rewriter()) : wholeLines(head, whole);
  const headInstants = instantsOf(headLines, path);
  let newestFirst = looksNewestFirst(headInstants);
  const seekable = path !== STDIN && !gzip;
  const { forward } = timeSteps(headInstants);
  if (seekable && !rewriter && !whole && (newestFirst || forward === 0)) {
    // a busy log's start may span a second or two: its end confirms or decides (a start that
    // already goes forward decides alone, and costs no second sample)
    const tailInstants = instantsOf(await fileTail(path), path);
    newestFirst = (newestFirst && looksNewestFirst(tailInstants, commonResolution(headInstants, tailInstants))) || startAndEndNewestFirst(headInstants, tailInstants);
  }

  if (!newestFirst) {
    if (!rewriter) return { chunks: openInput(path, opts), newestFirst };
    const table = new LineTable();
    const r = rewriter((line) => table.add(line));
    const chunks = rewritten(openInput(path, { ...opts, reuseBuffer: false }), r);
    return { chunks, newestFirst, lineOf: (n) => table.at(n - 1), absorbed: () => r.absorbed ?? 0 };
  }
  if (seekable && !rewriter) {
    const total = countLines(path);
    if (tieOrderOf !== undefined && tieOrderOf(headLines, path) > 0) {
      // newest second first, but each second's lines in time order: read the seconds backwards
      // and each second's lines forwards
      const table = new LineTable();
      return { chunks: secondsForward(linesBackward(path), total, table), newestFirst, lineOf: (n) => table.at(n - 1) };
    }
    return { chunks: linesBackward(path), newestFirst, lineOf: (n) => total - n + 1 };
  }
  // standard input, gzip or rewritten records: park the lines, then read them backwards
  const table = rewriter ? new LineTable() : undefined;
  const source = openInput(path, { ...opts, reuseBuffer: false });
  const r = rewriter && table ? rewriter((line) => table.add(line)) : undefined;
  const parked = await park(r ? rewritten(source, r) : source);
  const total = parked.lines;
  if (!r && tieOrderOf !== undefined && tieOrderOf(headLines, path) > 0) {
    const order = new LineTable();
    return { chunks: secondsForward(linesBackward(parked.fd), total, order), newestFirst, lineOf: (n) => order.at(n - 1) };
  }
  return {
    chunks: linesBackward(parked.fd),
    newestFirst,
    lineOf: table ? (n) => table.at(total - n) : (n) => total - n + 1,
    absorbed: () => r?.absorbed ?? 0,
  };
}
