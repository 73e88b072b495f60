import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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

/** Verbs whose `-o -` is standard output (their report); the others' outputs are files only. */
const STDOUT_VERBS: ReadonlySet<string> = new Set(['fold', 'report', 'simulate', 'whatif', 'sweep', 'diff', 'validate']);

/** The option's name as the user wrote it. */
function flag(key: (typeof OUTPUT_OPTIONS)[number]): string {
  return key === 'out' ? '--out' : `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Outputs are checked before any work, so that a run never computes for minutes and then fails
 * on a path: each names a file in an existing directory (not a directory itself), no two name the
 * same file, and `-` (standard output) only where the verb prints its report.
 */
export function checkOutputs(verb: string, opts: Record<string, unknown>): void {
  const seen = new Map<string, string>();
  for (const key of OUTPUT_OPTIONS) {
    const path = opts[key];
    if (typeof path !== 'string' || path === '') continue;
    if (path === '-') {
      if (key === 'out' && STDOUT_VERBS.has(verb)) continue;
      throw new InputError(`${flag(key)} -: standard output cannot take this output; give a file path`);
    }
    const id = fileIdentity(path) ?? resolve(path);
    const other = seen.get(id);
    if (other !== undefined) throw new InputError(`given for both ${other} and ${flag(key)}: each output needs its own file`, { file: path });
    seen.set(id, flag(key));
    const st = statSync(path, { throwIfNoEntry: false });
    if (st?.isDirectory()) throw new InputError('is a directory; expected a file path', { file: path });
    const dir = statSync(dirname(resolve(path)), { throwIfNoEntry: false });
    if (dir === undefined) throw new InputError('cannot write (no such file or directory)', { file: path });
    if (!dir.isDirectory()) throw new InputError('cannot write (a parent is not a directory)', { file: path });
  }
}

/** The checks for one verb's parsed arguments and options (commander's `processedArgs` and `opts()`). */
export function checkCommandPaths(verb: string, args: readonly unknown[], opts: Record<string, unknown>): void {
  const inputs = namedFiles(args);
  checkInputsDistinct(verb, inputs);
  const extraInputs = namedFiles(INPUT_OPTIONS.map((k) => opts[k]));
  checkOutputsAreNotInputs([...inputs, ...extraInputs], namedFiles(OUTPUT_OPTIONS.map((k) => opts[k])));
  checkOutputs(verb, opts);
}

/** At the end of a run, before its outputs replace anything: `path` must not be a file the run read (a CR a scenario named). */
export function checkNotRead(path: string, read: readonly string[]): void {
  const id = fileIdentity(path);
  if (id === undefined) return;
  if (read.some((r) => fileIdentity(r) === id)) throw new InputError('would overwrite a file this run read', { file: path });
}
