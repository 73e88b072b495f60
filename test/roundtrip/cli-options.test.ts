/**
 * Option values that cannot mean what the user wants are refused up front, with exit code 2 and
 * one line naming the option, rather than silently adjusted or ignored.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const HELLO = new URL('../../scenarios/hello.yaml', import.meta.url).pathname;
const LOG = new URL('../../recordings/hello-world.jsonl', import.meta.url).pathname;

describe('option mistakes', () => {
  it.each([
    [['whatif', HELLO, '--preset', 'double-workers', '--min-reps', '50', '--reps', '10'], '--min-reps 50 is above --reps 10 (the maximum)'],
    [['simulate', HELLO, '--seed', ''], '--seed expects a non-empty value'],
    [['validate', LOG, '--target-error', '0'], '--target-error expects a number > 0, got "0"'],
    [['validate', LOG, '--target-error', '-1'], '--target-error expects a number > 0, got "-1"'],
    [['simulate', HELLO, '--cri'], '--cri applies to the logs --emit-logs writes; give --emit-logs FILE'],
    [['simulate', HELLO, '--log-level', 'info'], '--log-level applies to the logs --emit-logs writes; give --emit-logs FILE'],
    [['simulate', HELLO, '--log-format', 'gcp'], '--log-format applies to the logs --emit-logs writes; give --emit-logs FILE'],
  ])('%j', async (args, message) => {
    const { code, err } = await runCli(args);
    expect(code).toBe(2);
    expect(err).toBe(`propsim: ${message}\n`);
  });
});

describe('emitted logs at Info level', () => {
  it('have no Debug line and fold back to the same Handle calls and rounds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsim-info-'));
    try {
      const info = join(dir, 'info.jsonl');
      const debug = join(dir, 'debug.jsonl');
      expect((await runCli(['simulate', HELLO, '--emit-logs', info, '--log-level', 'info', '--json'])).code).toBe(0);
      expect((await runCli(['simulate', HELLO, '--emit-logs', debug, '--json'])).code).toBe(0);
      const lines = readFileSync(info, 'utf8').trim().split('\n');
      expect(lines.every((l) => !l.includes('"level":"debug"'))).toBe(true);
      expect(lines.length).toBeLessThan(readFileSync(debug, 'utf8').trim().split('\n').length);
      const a = JSON.parse((await runCli(['report', info, '--json'])).out).executions[0];
      const b = JSON.parse((await runCli(['report', debug, '--json'])).out).executions[0];
      expect(a.counts.handles).toBe(b.counts.handles);
      expect(a.counts.rounds).toBe(b.counts.rounds);
      expect(a.counts.etcdUpdates).toBe(b.counts.etcdUpdates);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a simulation that stops at its horizon', () => {
  it('says which executions had not finished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsim-horizon-'));
    try {
      const file = join(dir, 'far.yaml');
      writeFileSync(
        file,
        'name: far\ndescription: one execution arrives after the horizon\nworkflows:\n  w:\n    nodes:\n      - id: a\n        runtime: 1s\n' +
          'executions:\n  - workflow: w\n    count: 1\n  - workflow: w\n    prefix: late\n    arrival: {at: 720h}\n',
      );
      const { code, err } = await runCli(['simulate', file]);
      expect(code).toBe(0);
      expect(err).toMatch(/^propsim: 1 execution had not finished when the simulation stopped at its 7-day horizon .*: late-0001$/m);
      const ok = await runCli(['simulate', HELLO]);
      expect(ok.err).not.toContain('horizon');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scaling a parameter that is 0', () => {
  it('says that it changes nothing', async () => {
    const { code, err } = await runCli(['whatif', HELLO, '--scale', 'kube.podSchedule=2', '--reps', '2', '--min-reps', '2']);
    expect(code).toBe(0);
    expect(err).toContain('propsim: kube.podSchedule is 0 in this model, so scaling it changes nothing (--set it to model it)');
  });
});
