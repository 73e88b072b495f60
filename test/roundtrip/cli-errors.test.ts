/**
 * A user's mistake gets exit code 2 and one line on stderr naming the file and what was expected,
 * never a stack trace.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { tempDir } from './shape.js';

const dir = tempDir('cli-errors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe('input mistakes', () => {
  it('a directory where a file is expected', async () => {
    const d = join(dir, 'logs');
    mkdirSync(d, { recursive: true });
    for (const verb of ['report', 'fold']) {
      const { code, err } = await run([verb, d]);
      expect(code).toBe(2);
      expect(err).toBe(`propsim: ${d}: is a directory; expected a file\n`);
    }
  });

  it('a file that does not exist', async () => {
    const f = join(dir, 'missing.log');
    const { code, err } = await run(['report', f]);
    expect(code).toBe(2);
    expect(err).toBe(`propsim: ${f}: no such file\n`);
  });

  it('a Timeline or a trace given to simulate, which takes a scenario or a CR', async () => {
    const timeline = join(dir, 't.json');
    writeFileSync(timeline, JSON.stringify({ originUnixNano: '0', source: 'sim', executions: [], lines: { read: 0, used: 0, skipped: {} } }));
    const { code, err } = await run(['simulate', timeline]);
    expect(code).toBe(2);
    expect(err).toMatch(new RegExp(`^propsim: ${timeline}: is a Timeline, not a scenario or a FlyteWorkflow CR .*whatif.*\\n$`));
    expect(err.split('\n')).toHaveLength(2);
  });

  it('a thread count beyond what helps', async () => {
    for (const jobs of ['0', '33', '1e6']) {
      const { code, err } = await run(['simulate', 'scenarios/hello.yaml', '--reps', '2', '--jobs', jobs]);
      expect(code).toBe(2);
      expect(err).toBe(`propsim: --jobs expects a whole number from 1 to 32, got "${jobs}"\n`);
    }
  });

  it('a replication count below one, not whole, or beyond any use', async () => {
    for (const reps of ['0', '2.5', 'x', '1e9']) {
      const { code, err } = await run(['simulate', 'scenarios/hello.yaml', '--reps', reps]);
      expect(code).toBe(2);
      expect(err).toBe(`propsim: --reps expects a whole number from 1 to 100,000, got "${reps}"\n`);
    }
  });
});
