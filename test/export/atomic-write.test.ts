/** Outputs appear whole under their name or not at all; an aborted write leaves nothing behind. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicWriter, writeAtomically } from '../../src/export/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'propsim-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('AtomicWriter', () => {
  it('an abort straight after opening leaves no file, temporary or real', async () => {
    const w = new AtomicWriter(join(dir, 'a.json'));
    w.abort();
    await settle();
    expect(readdirSync(dir).filter((f) => f.includes('a.json'))).toEqual([]);
  });

  it('an abort after some writes leaves no file either', async () => {
    const w = new AtomicWriter(join(dir, 'b.json'));
    await w.write('{"partial": ');
    w.abort();
    await settle();
    expect(readdirSync(dir).filter((f) => f.includes('b.json'))).toEqual([]);
  });

  it('a failing body leaves the previous file as it was; a succeeding one replaces it whole', async () => {
    const path = join(dir, 'c.json');
    await writeAtomically(path, async (write) => write('old'));
    await expect(
      writeAtomically(path, async (write) => {
        await write('new, half');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await settle();
    expect(readFileSync(path, 'utf8')).toBe('old');
    await writeAtomically(path, async (write) => write('new'));
    expect(readFileSync(path, 'utf8')).toBe('new');
    expect(readdirSync(dir).filter((f) => f.includes('c.json'))).toEqual(['c.json']);
  });

  it('an output in a missing directory is a one-line error naming it', () => {
    expect(() => new AtomicWriter(join(dir, 'missing', 'd.json'))).toThrow(/cannot write \(no such file or directory\)/);
  });
});
