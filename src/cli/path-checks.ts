import { statSync } from 'node:fs';
import { STDIN } from '../ingest/source.js';
import { InputError } from '../timeline/errors.js';

/**
 * Checks on the files a command line names, made before any verb reads or writes: an input given
 * twice would be counted twice.
 */

/** Verbs whose inputs are two sides to compare, not one body of data: the same file twice is a valid (if dull) diff. */
const COMPARING_VERBS: ReadonlySet<string> = new Set(['diff']);

/**
 * What makes two names the same file: device and inode of a regular file (so a hard link or a
 * `./` prefix is caught too); undefined for a missing file or a device, FIFO or directory, which
 * the verb itself reports or may legitimately read and write.
 */
function fileIdentity(path: string): string | undefined {
  if (path === STDIN) return STDIN;
  const st = statSync(path, { throwIfNoEntry: false });
  return st?.isFile() ? `${st.dev}:${st.ino}` : undefined;
}

function namedFiles(values: readonly unknown[]): string[] {
  return values.flat().filter((v): v is string => typeof v === 'string' && v !== '');
}

/** Throws an InputError when an input is given twice (standard input can be read only once anyway). */
export function checkInputsDistinct(verb: string, inputs: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const path of inputs) {
    const id = fileIdentity(path);
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, path);
      continue;
    }
    if (id === STDIN) throw new InputError('standard input given twice; it can be read only once', { file: STDIN });
    if (COMPARING_VERBS.has(verb)) continue;
    throw new InputError(first === path ? 'given twice' : `given twice (also as ${first})`, { file: path });
  }
}

/** The checks for one verb's parsed arguments (commander's `processedArgs`). */
export function checkCommandPaths(verb: string, args: readonly unknown[]): void {
  checkInputsDistinct(verb, namedFiles(args));
}
