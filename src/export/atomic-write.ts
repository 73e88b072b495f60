import { createWriteStream, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, basename, join } from 'node:path';

/**
 * Outputs are written to a temporary file beside the target and renamed into place, so a crash
 * or a full disk never leaves a half-written file under the real name.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * A target that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is written in
 * place: renaming a temporary file over it would replace the device with a plain file.
 */
function isSpecialFile(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && !st.isFile() && !st.isDirectory();
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  if (isSpecialFile(path)) {
    writeFileSync(path, data);
    return;
  }
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A streaming writer with the same guarantee: nothing appears under `path` until `close()` succeeds. */
export class AtomicWriter {
  private readonly tmp: string;
  private readonly stream;
  private failed: unknown;
  /** Writes straight to a special file (see `isSpecialFile`); no rename. */
  private readonly direct: boolean;

  constructor(readonly path: string) {
    this.direct = isSpecialFile(path);
    this.tmp = this.direct ? path : tempPathFor(path);
    // A 1 MiB buffer: with the default 16 KiB every execution written waits for the disk.
    this.stream = createWriteStream(this.tmp, { highWaterMark: 1 << 20 });
    this.stream.on('error', (e) => (this.failed = e));
  }

  /** Writes a chunk, waiting for drain when the buffer is full. */
  async write(chunk: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'close');
    if (this.failed) {
      if (!this.direct) rmSync(this.tmp, { force: true });
      throw this.failed;
    }
    if (!this.direct) renameSync(this.tmp, this.path);
  }

  abort(): void {
    this.stream.destroy();
    if (!this.direct) rmSync(this.tmp, { force: true });
  }
}

/** Runs `body` with the `write` of an AtomicWriter on `path`, then closes it; on failure nothing is left behind. */
export async function writeAtomically<T>(path: string, body: (write: (chunk: string) => Promise<void>) => Promise<T>): Promise<T> {
  const out = new AtomicWriter(path);
  try {
    const result = await body((c) => out.write(c));
    await out.close();
    return result;
  } catch (e) {
    out.abort();
    throw e;
  }
}
