import { gunzipSync, constants as zlib } from 'node:zlib';
import { hasGzipMagic, readHead } from '../ingest/source.js';
import { looksLikeOtlp } from '../ingest/otlp.js';
import { InputError } from '../timeline/errors.js';

/**
 * What an input holds, decided from its first bytes (gunzipped when they are gzip), the same way
 * for files and standard input. The one place that knows how each kind of input begins.
 */
export type InputKind = 'logs' | 'otlp' | 'timeline' | 'report';

/** Enough to see the first lines of a log or the first keys of a JSON document. */
const HEAD_BYTES = 65536;

/**
 * The first bytes of an input as text; a missing file or a directory is the user's mistake.
 * Standard input's head is kept for the reader that follows.
 */
export async function headText(path: string, bytes = HEAD_BYTES): Promise<string> {
  let raw: Buffer;
  try {
    raw = await readHead(path, bytes);
  } catch (e) {
    // Opening a directory succeeds and reading it fails, with a code that names no path.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('no such file', { file: path });
    if (code === 'EISDIR') throw new InputError('is a directory; expected a file', { file: path });
    throw e;
  }
  if (!hasGzipMagic(raw)) return raw.toString('utf8');
  try {
    // a head is a cut-off stream: flush what decompresses instead of failing on the missing end
    return gunzipSync(raw, { finishFlush: zlib.Z_SYNC_FLUSH }).toString('utf8');
  } catch {
    // damaged from the start: the reader says so, naming the file
    return '';
  }
}

/** The kind of an input (see `InputKind`); anything not recognised as a document is read as logs. */
export async function sniff(path: string): Promise<InputKind> {
  const text = await headText(path);
  if (looksLikeOtlp(text)) return 'otlp';
  const s = text.trimStart();
  if (/^\{\s*"originUnixNano"\s*:/.test(s)) return 'timeline';
  if (/^\{\s*"executions"\s*:/.test(s) || /^\{\s*"kind"\s*:\s*"propsim-report"/.test(s)) return 'report';
  // `report --json`, `simulate --json` and `whatif --json` documents name their schema near the top.
  if (s.startsWith('{') && /"schema"\s*:\s*"propsim\.(report|whatif)\/1"/.test(s.slice(0, 4096))) return 'report';
  return 'logs';
}

/** True when every input is a log (the verbs stream those one execution at a time). */
export async function allLogs(paths: readonly string[]): Promise<boolean> {
  for (const p of paths) if ((await sniff(p)) !== 'logs') return false;
  return true;
}
