import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process: its exit code and what it wrote to stderr and stdout. */
export async function runCli(args: string[]): Promise<{ code: number; err: string; out: string }> {
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
