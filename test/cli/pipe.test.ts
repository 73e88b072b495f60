import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/propsim.js', import.meta.url).pathname;

/** Runs propsim with its stdout closed by the reader at once (as `| head` does once it has enough). */
function closedEarly(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, err }));
  });
}

describe('a reader that closes the pipe early', () => {
  for (const args of [['whatif', '--help'], ['sweep', '--help'], ['simulate', 'scenarios/hello.yaml'], ['report', 'recordings/hello-world.jsonl']]) {
    it(`propsim ${args.join(' ')} stops quietly (exit 0, nothing on stderr)`, async () => {
      const r = await closedEarly(args);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }, 30_000);
  }

  it('the files a run finished still appear (they come before the report it prints)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsim-pipe-'));
    try {
      const timeline = join(dir, 't.json');
      const r = await closedEarly(['simulate', 'scenarios/hello.yaml', '--timeline', timeline]);
      expect(r.code).toBe(0);
      expect(existsSync(timeline)).toBe(true);
      expect(JSON.parse(readFileSync(timeline, 'utf8'))).toHaveProperty('executions');
      expect(readdirSync(dir)).toEqual(['t.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
