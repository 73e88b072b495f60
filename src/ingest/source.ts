/**
 * Opening inputs as streams of byte chunks: a file path or `-` for standard input, gunzipped when
 * the bytes start with the gzip magic (whatever the name says). Reads never hold more than one
 * chunk, so memory does not grow with input size.
 */
import { openSync, readSync, closeSync, createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { InputError } from '../timeline/errors.js';

/** Read size for files and gunzip output (large reads keep per-chunk overhead negligible). */
export const CHUNK_BYTES = 1 << 20;

/** Input label used for standard input. */
export const STDIN = '-';

export function hasGzipMagic(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** By content only: a plain log named `.gz` is plain, a gzip without the suffix is gzip. */
function fileIsGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return hasGzipMagic(head.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

/** zlib's own errors (`Z_DATA_ERROR`, `Z_BUF_ERROR`, ...) mean the data is damaged, not the program. */
function isZlibError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * The decompressed bytes of a gzip stream. Damaged data (a cut-off download, a plain file with a
 * gzip header) is the input's error: the bytes before the damage have been handed out already.
 */
async function* gunzipped(compressed: Readable, label: string): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: CHUNK_BYTES });
  // errors of either side reach the loop below through `z`
  pipeline(compressed, z, () => undefined);
  let bytes = 0;
  try {
    for await (const chunk of z) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    if (isZlibError(e)) throw new InputError(`truncated or corrupt gzip data after ${bytes} decompressed bytes`, { file: label });
    throw e;
  }
}

async function* chunksOf(stream: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
  }
}

/**
 * Standard input can be read only once, but it is sniffed before it is read: the bytes read for
 * sniffing are kept and handed out first when it is read, so none is lost or read twice. Only
 * the head is kept; the rest streams through.
 */
class ReplayableStdin {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private readonly source: AsyncIterator<Buffer>;
  private ended = false;
  private taken = false;

  constructor(stream: Readable) {
    this.source = chunksOf(stream);
  }

  /** Up to `bytes` first bytes (fewer at the end of the input). */
  async head(bytes: number): Promise<Buffer> {
    this.refuseSecondRead();
    while (!this.ended && this.keptBytes < bytes) {
      const r = await this.source.next();
      if (r.done) this.ended = true;
      else {
        this.kept.push(r.value);
        this.keptBytes += r.value.length;
      }
    }
    const all = Buffer.concat(this.kept);
    return all.length > bytes ? all.subarray(0, bytes) : all;
  }

  /** All bytes, the kept head first. */
  async *chunks(): AsyncGenerator<Buffer> {
    this.refuseSecondRead();
    this.taken = true;
    for (let c = this.kept.shift(); c !== undefined; c = this.kept.shift()) yield c;
    this.keptBytes = 0;
    if (this.ended) return;
    for (let r = await this.source.next(); !r.done; r = await this.source.next()) yield r.value;
  }

  private refuseSecondRead(): void {
    if (this.taken) throw new InputError('standard input can be read only once', { file: STDIN });
  }
}

const stdins = new WeakMap<Readable, ReplayableStdin>();

function replayable(stream: Readable): ReplayableStdin {
  let r = stdins.get(stream);
  if (r === undefined) {
    r = new ReplayableStdin(stream);
    stdins.set(stream, r);
  }
  return r;
}

/** Standard input, gunzipped when its first bytes are the gzip magic. */
async function* stdinChunks(stdin: Readable): AsyncGenerator<Buffer> {
  const input = replayable(stdin);
  const magic = await input.head(2);
  if (!hasGzipMagic(magic)) {
    yield* input.chunks();
    return;
  }
  yield* gunzipped(Readable.from(input.chunks(), { objectMode: false }), STDIN);
}

/**
 * The first `bytes` raw bytes of an input (fewer if it is shorter), for sniffing what it holds.
 * For standard input they are kept and read again by `openInput`.
 */
export async function readHead(path: string, bytes: number, opts: Pick<OpenOptions, 'stdin'> = {}): Promise<Buffer> {
  if (path === STDIN) return replayable(opts.stdin ?? process.stdin).head(bytes);
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * A plain file read in chunks of `CHUNK_BYTES`, optionally into two alternating buffers. The next
 * read is started before a chunk is handed out, so the disk (or page-cache copy) works while the
 * consumer decodes.
 */
async function* fileChunks(path: string, reuse: boolean): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  let next: Promise<{ bytesRead: number }> | undefined;
  try {
    const spare = reuse ? [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)] : [];
    let turn = 0;
    const bufferFor = (): Buffer => (reuse ? (spare[turn++ & 1] as Buffer) : Buffer.allocUnsafe(CHUNK_BYTES));
    let buf = bufferFor();
    next = fh.read(buf, 0, CHUNK_BYTES, null);
    for (;;) {
      const { bytesRead } = await next;
      next = undefined;
      if (bytesRead === 0) return;
      const chunk = buf.subarray(0, bytesRead);
      buf = bufferFor();
      next = fh.read(buf, 0, CHUNK_BYTES, null);
      yield chunk;
    }
  } finally {
    // a read still in flight must finish before the handle closes
    if (next !== undefined) await next.catch(() => undefined);
    await fh.close();
  }
}

export interface OpenOptions {
  /** Stream for the input `-` (default process.stdin). */
  stdin?: Readable;
  /**
   * Read plain files into one reused buffer: each chunk is valid only until the next one is
   * requested. Saves a 1 MiB allocation per read for a consumer that is done with a chunk by then.
   */
  reuseBuffer?: boolean;
}

/**
 * The bytes of one input, in chunks of up to `CHUNK_BYTES`. `path` is a file path or `-`
 * (standard input, or `opts.stdin` when given, for tests). Gzip is detected by its magic bytes.
 * Errors (missing file, corrupt gzip) surface as rejections of the iterator.
 */
export async function* openInput(path: string, opts: OpenOptions = {}): AsyncGenerator<Buffer> {
  if (path === STDIN) {
    yield* stdinChunks(opts.stdin ?? process.stdin);
    return;
  }
  if (!fileIsGzip(path)) {
    yield* fileChunks(path, opts.reuseBuffer === true);
    return;
  }
  yield* gunzipped(createReadStream(path, { highWaterMark: CHUNK_BYTES }), path);
}

/**
 * The text lines of an input (gunzipped as `openInput` does), without their line ends: for
 * readers that take lines, not bytes. UTF-8 characters split across chunks are decoded whole.
 */
export async function* inputLines(path: string, opts: Pick<OpenOptions, 'stdin'> = {}): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of openInput(path, opts)) {
    const parts = (carry + decoder.write(chunk)).split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) yield p.endsWith('\r') ? p.slice(0, -1) : p;
  }
  carry += decoder.end();
  if (carry !== '') yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}
