import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Text chunks parked in a temporary file and played back in another order. A streaming report
 * learns its header (how many executions, the coarsest time resolution) only at the end and lists
 * executions by creation time, not in the order they finish: the chunks wait on disk instead of
 * in memory, and only their keys and offsets stay in memory.
 */
export class Spool<K> {
  /** The temporary directory holding the chunks (gone after `playBack` or `close`). */
  readonly dir = mkdtempSync(join(tmpdir(), 'propsim-spool-'));
  private readonly fd = openSync(join(this.dir, 'chunks'), 'w+');
  private readonly index: { key: K; seq: number; offset: number; bytes: number }[] = [];
  private size = 0;
  private closed = false;

  get count(): number {
    return this.index.length;
  }

  add(key: K, text: string): void {
    const buf = Buffer.from(text, 'utf8');
    writeSync(this.fd, buf, 0, buf.length, this.size);
    this.index.push({ key, seq: this.index.length, offset: this.size, bytes: buf.length });
    this.size += buf.length;
  }

  /** Writes every chunk, ordered by `compare` on the keys (ties keep the order of `add`), then removes the file. */
  async playBack(compare: (a: K, b: K) => number, write: (chunk: string) => Promise<void>, separator = ''): Promise<void> {
    const order = [...this.index].sort((a, b) => compare(a.key, b.key) || a.seq - b.seq);
    let first = true;
    for (const c of order) {
      const buf = Buffer.alloc(c.bytes);
      readSync(this.fd, buf, 0, c.bytes, c.offset);
      await write((first ? '' : separator) + buf.toString('utf8'));
      first = false;
    }
    this.close();
  }

  /** Removes the file (also after a failure); safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
