import { once } from 'node:events';
import { AtomicWriter } from '../export/atomic-write.js';

/** Where a verb's main output goes: stdout, or a file written atomically (temp + rename). */
export interface Output {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
  abort(): void;
}

export function openOutput(path?: string): Output {
  if (path && path !== '-') {
    const w = new AtomicWriter(path);
    return { write: (c) => w.write(c), close: () => w.close(), abort: () => w.abort() };
  }
  return {
    async write(chunk: string) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    },
    async close() {},
    abort() {},
  };
}

/** Writes one complete text to the output and closes it; on failure nothing is left behind. */
export async function emit(path: string | undefined, text: string): Promise<void> {
  const out = openOutput(path);
  try {
    await out.write(text);
    await out.close();
  } catch (e) {
    out.abort();
    throw e;
  }
}

export function note(line: string): void {
  process.stderr.write(`propsim: ${line}\n`);
}
