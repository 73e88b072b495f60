import { gunzipSync, constants as zlib } from 'node:zlib';
import { hasGzipMagic, readHead } from '../ingest/source.js';
import { headAsLines } from '../ingest/input-bytes.js';
import { LineReader } from '../ingest/lines.js';
import type { LogRecord } from '../ingest/record.js';
import { looksLikeOtlp } from '../ingest/otlp.js';
import { looksLikeModelFile } from '../model/model-schema.js';
import { InputError } from '../timeline/errors.js';

/**
 * What an input holds, decided from its first bytes (gunzipped when they are gzip), the same way
 * for files and standard input. The one place that knows how each kind of input begins, and how
 * to tell the user that an input is of a kind a verb does not take.
 */
export type InputKind =
  /** Propeller log lines in any supported format: the first lines decode as log records. */
  | 'logs'
  | 'otlp'
  /** `fold --json`, `export --format timeline`, `simulate --timeline`. */
  | 'timeline'
  /** `report --json`, `simulate --json`. */
  | 'report'
  /** `whatif --json`. */
  | 'whatif'
  /** `validate --json`. */
  | 'validation'
  /** A model file (`calibrate --out`, or written by hand). */
  | 'model'
  /** Chrome/Perfetto trace-event JSON (`export --format perfetto`): for viewing only. */
  | 'perfetto'
  /** A scenario or FlyteWorkflow CR: YAML, or a JSON document that is none of the above. */
  | 'plan'
  /** None of these (empty, binary, other text); log readers count its lines as unreadable. */
  | 'unknown';

const KIND_NAMES: Record<InputKind, string> = {
  logs: 'a propeller log',
  otlp: 'an OTLP trace',
  timeline: 'a Timeline',
  report: 'a report JSON',
  whatif: 'a what-if result, which already compares its baseline and variant',
  validation: 'a validation result (validate --json)',
  model: 'a model file',
  perfetto: 'a Perfetto trace (for ui.perfetto.dev)',
  plan: 'a scenario or FlyteWorkflow CR',
  unknown: 'not a recognised input',
};

/** What to do instead, when it does not depend on the verb. */
const KIND_HINTS: Partial<Record<InputKind, string>> = {
  report: 'use `propsim diff` for reports',
  model: 'a model goes to simulate or whatif with --model',
  perfetto: 'propsim writes these but does not read them back: export a Timeline or OTLP instead',
};

/**
 * The one-line error for an input of a kind the verb does not take: "is <kind><clause> (<hint>)".
 * `clause` says what the verb takes, with its leading punctuation; `hint` replaces the kind's own.
 */
export function wrongKind(path: string, kind: InputKind, clause: string, hint: string | undefined = KIND_HINTS[kind]): InputError {
  return new InputError(`is ${KIND_NAMES[kind]}${clause}${hint ? ` (${hint})` : ''}`, { file: path });
}

/** The error for `simulate` given something that is not a scenario or a CR. */
export function notAPlan(path: string, kind: InputKind): InputError {
  if (kind === 'model') return wrongKind(path, kind, ', not a scenario or a FlyteWorkflow CR; pass it with --model', '');
  const recording = kind === 'logs' || kind === 'otlp' || kind === 'timeline';
  const hint = recording ? 'to replay a recording under a changed model, use `propsim whatif`' : undefined;
  return wrongKind(path, kind, ', not a scenario or a FlyteWorkflow CR', hint);
}

/** Kinds the log reader takes: logs, and what may be logs it cannot recognise from the head. */
const READ_AS_LOGS: ReadonlySet<InputKind> = new Set<InputKind>(['logs', 'plan', 'unknown']);

/** True when the log reader takes an input of this kind. */
export function readAsLogs(kind: InputKind): boolean {
  return READ_AS_LOGS.has(kind);
}

/** Enough to see the first lines of a log or the first keys of a JSON document. */
const HEAD_BYTES = 65536;

/**
 * The first bytes of an input as text, and whether they are all of it; a missing file or a
 * directory is the user's mistake. Standard input's head is kept for the reader that follows.
 */
async function headText(path: string, bytes = HEAD_BYTES): Promise<{ text: string; whole: boolean }> {
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
  const whole = raw.length < bytes;
  if (!hasGzipMagic(raw)) return { text: raw.toString('utf8'), whole };
  try {
    // a head is a cut-off stream: flush what decompresses instead of failing on the missing end
    return { text: gunzipSync(raw, { finishFlush: zlib.Z_SYNC_FLUSH }).toString('utf8'), whole };
  } catch {
    // damaged from the start: the reader says so, naming the file
    return { text: '', whole: false };
  }
}

/** The kind of an input (see `InputKind`). */
export async function sniff(path: string): Promise<InputKind> {
  const { text, whole } = await headText(path);
  return kindOfHead(text, whole);
}

/** The kind of an input from its head text; `whole` when the head is the entire input. */
export function kindOfHead(text: string, whole: boolean): InputKind {
  if (looksLikeOtlp(text)) return 'otlp';
  const s = text.replace(/^\uFEFF/, '').trimStart();
  const documentKind = s.startsWith('{') ? propsimDocumentKind(s, whole) : undefined;
  if (documentKind !== undefined) return documentKind;
  if (firstLogRecord(text) !== undefined) return 'logs';
  if (looksLikeJsonDocument(s) || looksLikeYaml(s)) return 'plan';
  return 'unknown';
}

/** The JSON documents propsim writes, recognised by their first keys or their schema. */
function propsimDocumentKind(s: string, whole: boolean): InputKind | undefined {
  if (/^\{\s*"originUnixNano"\s*:/.test(s)) return 'timeline';
  if (/^\{\s*"traceEvents"\s*:/.test(s)) return 'perfetto';
  if (/^\{\s*"executions"\s*:/.test(s) || /^\{\s*"kind"\s*:\s*"propsim-report"/.test(s)) return 'report';
  // report, simulate, whatif and validate --json name their schema near the top
  const top = s.slice(0, 4096);
  const schema = /"schema"\s*:\s*"propsim\.(report|whatif|validation)\/1"/.exec(top)?.[1];
  if (schema === 'report' || schema === 'whatif' || schema === 'validation') return schema;
  if (/"meta"\s*:\s*\{\s*"calibration"\s*:/.test(top)) return 'model';
  if (whole) {
    try {
      if (looksLikeModelFile(JSON.parse(s))) return 'model';
    } catch {
      // not one JSON document: a JSON log or a broken file, decided below
    }
  }
  return undefined;
}

/** The first line of the head that reads as a propeller log record (in any supported format, JSON arrays and OTLP logs included). */
function firstLogRecord(text: string): LogRecord | undefined {
  const reader = new LineReader('head');
  reader.push(headAsLines(Buffer.from(text)));
  reader.end();
  return reader.take()[0];
}

/** A log line's time: whole seconds since the epoch and nanoseconds (epoch nanoseconds exceed a double's exact range). */
export interface LogInstant {
  sec: number;
  nsec: number;
}

/** The time of the first timed log line in an input's head; undefined when there is none. */
export async function firstLogInstant(path: string): Promise<LogInstant | undefined> {
  const r = firstLogRecord((await headText(path)).text);
  return r === undefined ? undefined : { sec: r.sec, nsec: r.nsec };
}

/**
 * One JSON document (a CR, a scenario), not JSON lines: JSON lines of some other program are
 * logs the reader cannot use, and should be counted as such rather than parsed as a scenario.
 */
function looksLikeJsonDocument(s: string): boolean {
  if (s.startsWith('[')) return true;
  if (!s.startsWith('{')) return false;
  const nl = s.indexOf('\n');
  if (nl < 0 || s.slice(nl).trim() === '') return true;
  try {
    JSON.parse(s.slice(0, nl));
    return false;
  } catch {
    return true;
  }
}

/** The first line that is not blank or a comment is a YAML key, a list item or a document start. */
function looksLikeYaml(s: string): boolean {
  const first = s.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  return first !== undefined && /^(---|- |[A-Za-z_][\w.-]*\s*:(\s|$))/.test(first);
}

/** True when the log reader takes every input (the verbs then stream them one execution at a time). */
export async function allLogs(paths: readonly string[]): Promise<boolean> {
  for (const p of paths) if (!readAsLogs(await sniff(p))) return false;
  return true;
}
