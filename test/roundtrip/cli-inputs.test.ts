/**
 * How the CLI takes its inputs: gzip by content, damaged inputs, wrong kinds of file, the same
 * file twice, outputs over inputs. Every user mistake is one line naming the file, exit code 2.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { tempDir } from './shape.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const HELLO_LOG = join(ROOT, 'recordings/hello-world.jsonl');
const dir = tempDir('cli-inputs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; err: string; out: string }> {
  const errs: string[] = [];
  const outs: string[] = [];
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    errs.push(String(c));
    return true;
  });
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    outs.push(String(c));
    return true;
  });
  try {
    const code = await main(args);
    return { code, err: errs.join(''), out: outs.join('') };
  } finally {
    e.mockRestore();
    o.mockRestore();
  }
}

/** Exit code 2 and exactly one line on stderr, starting with the file's name. */
function expectOneLineError(r: { code: number; err: string }, file: string, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.err.split('\n')).toHaveLength(2);
  expect(r.err.startsWith(`propsim: ${file}: `)).toBe(true);
  expect(r.err).toMatch(pattern);
}

describe('gzip inputs', () => {
  it('a cut-off .gz is an input error naming the file for every verb that reads logs', async () => {
    const whole = gzipSync(readFileSync(HELLO_LOG));
    const cut = join(dir, 'trunc.log.gz');
    writeFileSync(cut, whole.subarray(0, 1000));
    for (const args of [['report', cut], ['fold', cut], ['calibrate', cut], ['whatif', cut, '--preset', 'double-workers']]) {
      expectOneLineError(await run(args), cut, /truncated or corrupt gzip data after \d+ decompressed bytes/);
    }
  });

  it('a plain log named .gz and a gzip without .gz are read by their content', async () => {
    const fake = join(dir, 'fake.gz');
    copyFileSync(HELLO_LOG, fake);
    const packed = join(dir, 'packed.log');
    writeFileSync(packed, gzipSync(readFileSync(HELLO_LOG)));
    const plain = await run(['report', HELLO_LOG, '--json']);
    expect(plain.code).toBe(0);
    for (const f of [fake, packed]) {
      const r = await run(['report', f, '--json']);
      expect(r.code).toBe(0);
      expect(r.out).toBe(plain.out);
    }
  });
});
