import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

/** Runs the CLI in-process: its exit code and what it wrote to stderr (stdout is dropped). */
export async function runCli(args: string[]): Promise<{ code: number; err: string }> {
  const chunks: string[] = [];
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await main(args);
    return { code, err: chunks.join('') };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}
