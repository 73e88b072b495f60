/** Outputs appear whole under their name or not at all; an aborted write leaves nothing behind. */
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicWriter, beginStaging, commitStaged, discardStaged, writeAtomically, writeFileAtomic } from '../../src/export/atomic-write.js';

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

describe('staged outputs (one run)', () => {
  it('appear together at the commit, and not before', async () => {
    beginStaging();
    writeFileAtomic(join(dir, 's1.txt'), 'one');
    const w = new AtomicWriter(join(dir, 's2.txt'));
    await w.write('two');
    await w.close();
    expect(existsSync(join(dir, 's1.txt')) || existsSync(join(dir, 's2.txt'))).toBe(false);
    commitStaged();
    expect([readFileSync(join(dir, 's1.txt'), 'utf8'), readFileSync(join(dir, 's2.txt'), 'utf8')]).toEqual(['one', 'two']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a refused target at the commit renames none of them', () => {
    beginStaging();
    writeFileAtomic(join(dir, 's3.txt'), 'three');
    writeFileAtomic(join(dir, 's4.txt'), 'four');
    expect(() =>
      commitStaged((p) => {
        if (p.endsWith('s4.txt')) throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(existsSync(join(dir, 's3.txt')) || existsSync(join(dir, 's4.txt'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an interrupt (discard) removes staged outputs and those still being written', async () => {
    beginStaging();
    writeFileAtomic(join(dir, 's5.txt'), 'five');
    const open = new AtomicWriter(join(dir, 's6.txt'));
    await open.write('half');
    discardStaged();
    await settle();
    expect(readdirSync(dir).filter((f) => f.includes('s5') || f.includes('s6'))).toEqual([]);
  });

  it('"-" is no file name for an output', () => {
    expect(() => writeFileAtomic('-', 'x')).toThrow(/"-" \(standard output\) cannot take this output/);
  });
});

describe('an existing target', () => {
  it('a symbolic link: the file it names is replaced, the link stays', () => {
    const target = join(dir, 'real.txt');
    writeFileAtomic(target, 'old');
    const link = join(dir, 'link.txt');
    symlinkSync(target, link);
    writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('a symbolic link to a file not there yet: that file is written (relative links too), the link stays', () => {
    const link = join(dir, 'ahead.txt');
    symlinkSync('later.txt', link);
    writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'later.txt'), 'utf8')).toBe('new');
  });

  it('a symbolic link into a directory that is not there: an error, the link untouched', () => {
    const link = join(dir, 'nowhere.txt');
    symlinkSync(join(dir, 'missing', 'x.txt'), link);
    expect(() => writeFileAtomic(link, 'new')).toThrow(/no such file or directory/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps its permissions', async () => {
    const path = join(dir, 'mode.txt');
    writeFileAtomic(path, 'old');
    chmodSync(path, 0o600);
    await writeAtomically(path, async (write) => write('new'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('new');
  });
});
