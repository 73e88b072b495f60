import { createWriteStream, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, basename, join } from 'node:path';
import { InputError } from '../timeline/errors.js';

/**
 * Outputs are written to a temporary file beside the target and renamed into place, so a crash
 * or a full disk never leaves a half-written file under the real name.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** Why a write failed, in words, by errno code (the code itself is used for others). */
const WRITE_FAILURES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EXDEV: 'cannot rename across file systems',
};

/**
 * A failed write told about the path the user gave: the temporary file beside it is ours, and
 * its name in a message would only confuse. Errors that are not the file system's pass unchanged.
 */
function outputError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('E')) return e;
  if (code === 'EISDIR') return new InputError('is a directory; expected a file path', { file: path });
  return new InputError(`cannot write (${WRITE_FAILURES[code] ?? code})`, { file: path });
}

/** A directory cannot be replaced by a file: say so before anything is written. */
function refuseDirectory(path: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw outputError(path, Object.assign(new Error(), { code: 'EISDIR' }));
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
  refuseDirectory(path);
  if (isSpecialFile(path)) {
    try {
      writeFileSync(path, data);
    } catch (e) {
      throw outputError(path, e);
    }
    return;
  }
  const tmp = tempPathFor(path);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw outputError(path, e);
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
    refuseDirectory(path);
    this.direct = isSpecialFile(path);
    this.tmp = this.direct ? path : tempPathFor(path);
    // Opened now, not by the stream later: an `abort()` right away then finds the file to remove
    // instead of racing the stream's own open, which would leave an empty temporary file.
    let fd: number;
    try {
      fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw outputError(path, e);
    }
    // A 1 MiB buffer: with the default 16 KiB every execution written waits for the disk.
    this.stream = createWriteStream(this.tmp, { fd, highWaterMark: 1 << 20 });
    this.stream.on('error', (e) => (this.failed = outputError(path, e)));
  }

  /** Writes a chunk, waiting for drain when the buffer is full. */
  async write(chunk: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(chunk)) await this.settled('drain');
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    this.stream.end();
    await this.settled('close');
    if (this.failed) {
      if (!this.direct) rmSync(this.tmp, { force: true });
      throw this.failed;
    }
    if (this.direct) return;
    try {
      renameSync(this.tmp, this.path);
    } catch (e) {
      rmSync(this.tmp, { force: true });
      throw outputError(this.path, e);
    }
  }

  /** Waits for `event`; an 'error' instead (which `once` rejects with) is kept as the failure. */
  private async settled(event: 'drain' | 'close'): Promise<void> {
    try {
      await once(this.stream, event);
    } catch (e) {
      this.failed ??= outputError(this.path, e);
    }
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
