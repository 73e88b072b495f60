/**
 * Opening log inputs as streams of byte chunks: a file path, `-` for standard input, gzip
 * either by `.gz` name or by its magic bytes. Reads never hold more than one chunk, so memory
 * does not grow with input size.
 */
import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Read size for files and gunzip output (large reads keep per-chunk overhead negligible). */
export const CHUNK_BYTES = 1 << 20;

/** Input label used for standard input. */
export const STDIN = '-';

function hasGzipMagic(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function fileIsGzip(path: string): boolean {
  if (path.endsWith('.gz')) return true;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const n = readSync(fd, head, 0, 2, 0);
    return hasGzipMagic(head.subarray(0, n));
  } finally {
    closeSync(fd);
  }
}

function gunzip(): ReturnType<typeof createGunzip> {
  return createGunzip({ chunkSize: CHUNK_BYTES });
}

async function* chunksOf(stream: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
  }
}

/** Standard input, gunzipped when its first bytes are the gzip magic. */
async function* stdinChunks(stdin: Readable): AsyncGenerator<Buffer> {
  const it = chunksOf(stdin);
  const first = await it.next();
  if (first.done) return;
  if (!hasGzipMagic(first.value)) {
    yield first.value;
    yield* it;
    return;
  }
  const z = gunzip();
  // Feed the rest of stdin into gunzip while we read its output.
  const feed = (async () => {
    try {
      if (!z.write(first.value)) await new Promise((r) => z.once('drain', r));
      for await (const c of it) {
        if (!z.write(c)) await new Promise((r) => z.once('drain', r));
      }
      z.end();
    } catch (e) {
      z.destroy(e as Error);
    }
  })();
  yield* chunksOf(z);
  await feed;
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
 * (standard input, or `opts.stdin` when given, for tests). Gzip is detected by a `.gz` suffix
 * or the magic bytes. Errors (missing file, corrupt gzip) surface as rejections of the iterator.
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
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const z = gunzip();
  file.on('error', (e) => z.destroy(e));
  file.pipe(z);
  yield* chunksOf(z);
}
