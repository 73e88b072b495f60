import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, openInput } from '../../src/ingest/source.js';

const dir = mkdtempSync(join(tmpdir(), 'propsim-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `n` bytes whose content depends on the position (so a reused buffer would show). */
function patterned(name: string, n: number): { path: string; data: Buffer } {
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, data };
}

describe('file chunks (read ahead)', () => {
  for (const reuseBuffer of [false, true]) {
    it(`yields the file's bytes in order, in chunks of at most CHUNK_BYTES (reuseBuffer ${reuseBuffer})`, async () => {
      const { path, data } = patterned(`f-${reuseBuffer}`, 3 * CHUNK_BYTES + 12345);
      const parts: Buffer[] = [];
      for await (const c of openInput(path, { reuseBuffer })) {
        expect(c.length).toBeGreaterThan(0);
        expect(c.length).toBeLessThanOrEqual(CHUNK_BYTES);
        // a reused buffer is valid until the next chunk is requested: copy it now
        parts.push(Buffer.from(c));
      }
      expect(Buffer.concat(parts).equals(data)).toBe(true);
    });
  }

  it('an empty file yields nothing; stopping early closes the file', async () => {
    const empty = patterned('empty', 0);
    const got: Buffer[] = [];
    for await (const c of openInput(empty.path, { reuseBuffer: true })) got.push(c);
    expect(got).toEqual([]);
    const { path, data } = patterned('early', 2 * CHUNK_BYTES + 1);
    for await (const c of openInput(path, { reuseBuffer: true })) {
      expect(c.equals(data.subarray(0, c.length))).toBe(true);
      break; // a read of the next chunk is in flight: it must settle before the handle closes
    }
    rmSync(path);
  });
});
