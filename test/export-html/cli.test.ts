/** `--html` end to end through the command line: the page is written next to the usual output. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { selfContainmentProblems, tagProblems, textOf } from './check.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/propsim.js');
const dir = mkdtempSync(join(tmpdir(), 'propsim-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function propsim(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 60_000, maxBuffer: 64 << 20 });
}

describe('--html', () => {
  it('report LOG --html FILE writes the page and still prints the text report', async () => {
    const out = join(dir, 'one-task.html');
    const { stdout } = await propsim(['report', 'test/fixtures/canonical/one-task.jsonl', '--html', out]);
    expect(stdout).toContain('fd5d4ee88f9dc4436a76');
    const html = readFileSync(out, 'utf8');
    expect(tagProblems(html)).toEqual([]);
    expect(selfContainmentProblems(html)).toEqual([]);
    const text = textOf(html);
    expect(text).toContain('fd5d4ee88f9dc4436a76');
    for (const id of ['start-node', 'n0', 'end-node']) expect(text).toContain(id);
    expect(text).toContain('input: test/fixtures/canonical/one-task.jsonl');
    // Written atomically: no temporary file left beside it.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('simulate and whatif write their pages too', async () => {
    const sim = join(dir, 'hello.html');
    const wi = join(dir, 'whatif.html');
    await Promise.all([
      propsim(['simulate', 'scenarios/hello.yaml', '--html', sim]),
      propsim(['whatif', 'scenarios/hello.yaml', '--preset', 'halve-event-latency', '--reps', '3', '--min-reps', '3', '--html', wi]),
    ]);
    const a = readFileSync(sim, 'utf8');
    expect(tagProblems(a)).toEqual([]);
    expect(textOf(a)).toContain('hello-0001');
    expect(textOf(a)).toContain('Handle calls by worker');
    const b = readFileSync(wi, 'utf8');
    expect(tagProblems(b)).toEqual([]);
    expect(textOf(b)).toContain('relative Δ [95% CI]');
    expect(textOf(b)).toContain('makespan');
  });
});
