/**
 * How the CLI takes its inputs: gzip by content, damaged inputs, wrong kinds of file, the same
 * file twice, outputs over inputs. Every user mistake is one line naming the file, exit code 2.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
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

describe('standard input is sniffed like a file', () => {
  /** Runs the CLI with `data` on standard input. */
  async function runWithStdin(args: string[], data: string | Buffer): Promise<{ code: number; err: string; out: string }> {
    const stdin = Readable.from([Buffer.from(data)], { objectMode: false });
    const spy = vi.spyOn(process, 'stdin', 'get').mockReturnValue(stdin as typeof process.stdin);
    try {
      return await run(args);
    } finally {
      spy.mockRestore();
    }
  }

  it('a Timeline, OTLP traces and logs (plain or gzip) on stdin report as the file does', async () => {
    const want = await run(['report', HELLO_LOG, '--json']);
    const timeline = join(dir, 'h.tl.json');
    const otlp = join(dir, 'h.otlp.json');
    expect((await run(['fold', HELLO_LOG, '--json', '-o', timeline])).code).toBe(0);
    expect((await run(['export', HELLO_LOG, '--format', 'otlp', '-o', otlp])).code).toBe(0);
    const log = readFileSync(HELLO_LOG);
    for (const data of [log, gzipSync(log), readFileSync(timeline)]) {
      const r = await runWithStdin(['report', '-', '--json'], data);
      expect(r.code).toBe(0);
      expect(r.out).toBe(want.out);
    }
    const fromTraces = await runWithStdin(['report', '-', '--json'], readFileSync(otlp));
    expect(fromTraces.code).toBe(0);
    expect(JSON.parse(fromTraces.out)).toMatchObject({ source: 'otlp', executions: [{ id: 'fd5d4ee88f9dc4436a76' }] });
  });

  it('export and diff read stdin by its kind; diff - - is an error', async () => {
    const timeline = join(dir, 'exported.json');
    const r = await runWithStdin(['export', '-', '--format', 'timeline', '-o', timeline], readFileSync(HELLO_LOG));
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(timeline, 'utf8'))).toMatchObject({ executions: [{ id: 'fd5d4ee88f9dc4436a76' }] });
    const report = join(dir, 'h.report.json');
    expect((await run(['report', HELLO_LOG, '--json', '-o', report])).code).toBe(0);
    const d = await runWithStdin(['diff', '-', report, '--json'], readFileSync(report));
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toMatchObject({ matchedBy: 'id' });
    const twice = await runWithStdin(['diff', '-', '-'], readFileSync(report));
    expectOneLineError(twice, '-', /standard input/);
  });

  it('a scenario on stdin simulates as the file does', async () => {
    const scenario = join(ROOT, 'scenarios/hello.yaml');
    const want = await run(['simulate', scenario, '--json']);
    const r = await runWithStdin(['simulate', '-', '--json'], readFileSync(scenario));
    expect(r.code).toBe(0);
    expect(r.out).toBe(want.out);
  });
});
