import { statSync } from 'node:fs';
import { STDIN } from '../ingest/source.js';
import { InputError } from '../timeline/errors.js';

/**
 * Checks on the files a command line names, made before any verb reads or writes: an input given
 * twice would be counted twice, and an output that is one of the inputs would replace it.
 */

/** Options (commander attribute names) that name files a verb writes. */
const OUTPUT_OPTIONS = ['out', 'html', 'emitLogs', 'emitOtlp', 'timeline'] as const;
/** Options that name files a verb reads besides its arguments. */
const INPUT_OPTIONS = ['model'] as const;
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

/** Throws an InputError when an output option names one of the inputs. */
export function checkOutputsAreNotInputs(inputs: readonly string[], outputs: readonly string[]): void {
  const inputIds = new Set(inputs.filter((p) => p !== STDIN).map(fileIdentity));
  for (const out of outputs) {
    if (out === STDIN) continue;
    const id = fileIdentity(out);
    if (id !== undefined && inputIds.has(id)) throw new InputError('would overwrite the input', { file: out });
  }
}

/** Both checks for one verb's parsed arguments and options (commander's `processedArgs` and `opts()`). */
export function checkCommandPaths(verb: string, args: readonly unknown[], opts: Record<string, unknown>): void {
  const inputs = namedFiles(args);
  checkInputsDistinct(verb, inputs);
  const extraInputs = namedFiles(INPUT_OPTIONS.map((k) => opts[k]));
  checkOutputsAreNotInputs([...inputs, ...extraInputs], namedFiles(OUTPUT_OPTIONS.map((k) => opts[k])));
}
