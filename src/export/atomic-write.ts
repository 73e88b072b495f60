import { createWriteStream, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, basename, join } from 'node:path';

/**
 * Outputs are written to a temporary file beside the target and renamed into place, so a crash
 * or a full disk never leaves a half-written file under the real name.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
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

  constructor(readonly path: string) {
    this.tmp = tempPathFor(path);
    this.stream = createWriteStream(this.tmp);
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
      rmSync(this.tmp, { force: true });
      throw this.failed;
    }
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    this.stream.destroy();
    rmSync(this.tmp, { force: true });
  }
}
