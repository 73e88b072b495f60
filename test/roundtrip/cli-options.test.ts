/**
 * Option values that cannot mean what the user wants are refused up front, with exit code 2 and
 * one line naming the option, rather than silently adjusted or ignored.
 */
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
  ])('%j', async (args, message) => {
    const { code, err } = await runCli(args);
    expect(code).toBe(2);
    expect(err).toBe(`propsim: ${message}\n`);
  });
});
