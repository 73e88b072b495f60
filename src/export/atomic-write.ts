import { chmodSync, createWriteStream, lstatSync, openSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, basename, join, resolve } from 'node:path';
import { InputError } from '../timeline/errors.js';

/**
 * Outputs are written to a temporary file beside the target and renamed into place, so a crash
 * or a full disk never leaves a half-written file under the real name.
 */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * A run's outputs as one unit: while staging, a finished output waits as its temporary file, and
 * all are renamed into place together at the end of a run that succeeded (`commitStaged`), or all
 * removed (`discardStaged`): a verb that writes several files and fails on the last leaves none
 * of them, and none of the targets it would have replaced is touched. `liveTemps` are the
 * temporary files not yet renamed (being written or staged), removed on an interrupt.
 */
let staged: { tmp: string; path: string; shown: string }[] | null = null;
const liveTemps = new Set<string>();

export function beginStaging(): void {
  staged = [];
}

/** Renames every staged output into place; `check` may refuse a target first (it then throws, nothing renamed). */
export function commitStaged(check?: (path: string) => void): void {
  const list = staged ?? [];
  staged = null;
  try {
    if (check) for (const s of list) check(s.shown);
  } catch (e) {
    for (const s of list) removeTemp(s.tmp);
    throw e;
  }
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    try {
      renameSync(s.tmp, s.path);
      liveTemps.delete(s.tmp);
    } catch (e) {
      for (const r of list.slice(i)) removeTemp(r.tmp);
      throw outputError(s.shown, e);
    }
  }
}

/** Outputs from now on are renamed into place at once (a run that reads back what it wrote: the demo). */
export function endStaging(): void {
  commitStaged();
}

/** Removes every staged and unfinished temporary file (a failed or interrupted run). */
export function discardStaged(): void {
  staged = null;
  for (const t of [...liveTemps]) removeTemp(t);
}

function removeTemp(tmp: string): void {
  rmSync(tmp, { force: true });
  liveTemps.delete(tmp);
}

/** A finished temporary file: staged when a run stages its outputs, else renamed now. */
function finish(tmp: string, path: string, shown: string): void {
  if (staged !== null) {
    staged.push({ tmp, path, shown });
    return;
  }
  try {
    renameSync(tmp, path);
    liveTemps.delete(tmp);
  } catch (e) {
    removeTemp(tmp);
    throw outputError(shown, e);
  }
}

/**
 * Where an output really goes: the file a symbolic link names (renaming over the link would replace
 * the link itself), and the mode an existing file has, kept for the file that replaces it.
 */
function realTarget(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    // A link to a file not there yet writes that file (as a shell's `>` does), not over the link.
    const link = lstatSync(path, { throwIfNoEntry: false });
    return link?.isSymbolicLink() ? resolve(dirname(path), readlinkSync(path)) : path;
  }
}

function keepMode(tmp: string, target: string): void {
  const st = statSync(target, { throwIfNoEntry: false });
  if (st?.isFile()) chmodSync(tmp, st.mode & 0o7777);
}

/** `-` names standard output only where a verb prints there (`-o -`); as a file name it is a mistake. */
function refuseDash(path: string): void {
  if (path === '-') throw new InputError('"-" (standard output) cannot take this output; give a file path');
}

/** Why a write failed, in words, by errno code (the code itself is used for others). */
const WRITE_FAILURES: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EXDEV: 'cannot rename across file systems',
};

/**
 * A failed write told about the path the user gave: the temporary file beside it is ours, and
 * its name in a message would only confuse. Errors that are not the file system's pass unchanged.
 */
function outputError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('E')) return e;
  if (code === 'EISDIR') return new InputError('is a directory; expected a file path', { file: path });
  return new InputError(`cannot write (${WRITE_FAILURES[code] ?? code})`, { file: path });
}

/** A directory cannot be replaced by a file: say so before anything is written. */
function refuseDirectory(path: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw outputError(path, Object.assign(new Error(), { code: 'EISDIR' }));
}

/**
 * A target that exists and is not a regular file (`/dev/null`, a FIFO, a terminal) is written in
 * place: renaming a temporary file over it would replace the device with a plain file.
 */
function isSpecialFile(path: string): boolean {
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && !st.isFile() && !st.isDirectory();
}

export function writeFileAtomic(shown: string, data: string | Uint8Array): void {
  refuseDash(shown);
  refuseDirectory(shown);
  const path = realTarget(shown);
  if (isSpecialFile(path)) {
    try {
      writeFileSync(path, data);
    } catch (e) {
      throw outputError(shown, e);
    }
    return;
  }
  const tmp = tempPathFor(path);
  liveTemps.add(tmp);
  try {
    writeFileSync(tmp, data);
    keepMode(tmp, path);
  } catch (e) {
    removeTemp(tmp);
    throw outputError(shown, e);
  }
  finish(tmp, path, shown);
}

/** A streaming writer with the same guarantee: nothing appears under `path` until `close()` succeeds. */
export class AtomicWriter {
  private readonly tmp: string;
  private readonly stream;
  private failed: unknown;
  /** Writes straight to a special file (see `isSpecialFile`); no rename. */
  private readonly direct: boolean;

  /** The file written: `path`, or the file it links to. */
  private readonly target: string;

  constructor(readonly path: string) {
    refuseDash(path);
    refuseDirectory(path);
    this.target = realTarget(path);
    this.direct = isSpecialFile(this.target);
    this.tmp = this.direct ? this.target : tempPathFor(this.target);
    // Opened now, not by the stream later: an `abort()` right away then finds the file to remove
    // instead of racing the stream's own open, which would leave an empty temporary file.
    let fd: number;
    try {
      fd = openSync(this.tmp, 'w');
    } catch (e) {
      throw outputError(path, e);
    }
    if (!this.direct) liveTemps.add(this.tmp);
    // A 1 MiB buffer: with the default 16 KiB every execution written waits for the disk.
    this.stream = createWriteStream(this.tmp, { fd, highWaterMark: 1 << 20 });
    this.stream.on('error', (e) => (this.failed = outputError(path, e)));
  }

  /** Writes a chunk, waiting for drain when the buffer is full. */
  async write(chunk: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(chunk)) await this.settled('drain');
    if (this.failed) throw this.failed;
  }

  async close(): Promise<void> {
    this.stream.end();
    await this.settled('close');
    if (this.failed) {
      if (!this.direct) removeTemp(this.tmp);
      throw this.failed;
    }
    if (this.direct) return;
    try {
      keepMode(this.tmp, this.target);
    } catch (e) {
      removeTemp(this.tmp);
      throw outputError(this.path, e);
    }
    finish(this.tmp, this.target, this.path);
  }

  /** Waits for `event`; an 'error' instead (which `once` rejects with) is kept as the failure. */
  private async settled(event: 'drain' | 'close'): Promise<void> {
    try {
      await once(this.stream, event);
    } catch (e) {
      this.failed ??= outputError(this.path, e);
    }
  }

  abort(): void {
    this.stream.destroy();
    if (!this.direct) removeTemp(this.tmp);
  }
}

/** Runs `body` with the `write` of an AtomicWriter on `path`, then closes it; on failure nothing is left behind. */
export async function writeAtomically<T>(path: string, body: (write: (chunk: string) => Promise<void>) => Promise<T>): Promise<T> {
  const out = new AtomicWriter(path);
  try {
    const result = await body((c) => out.write(c));
    await out.close();
    return result;
  } catch (e) {
    out.abort();
    throw e;
  }
}
