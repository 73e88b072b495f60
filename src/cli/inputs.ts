import { openSync, readSync, closeSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readLogRecords, newLineStats } from '../ingest/lines.js';
import { foldRecords, foldRecordsStreaming } from '../ingest/index.js';
import { looksLikeOtlp, readOtlpFile } from '../ingest/otlp.js';
import type { SkipReason } from '../ingest/record.js';
import { InputError } from '../timeline/errors.js';
import { mergeRecordings } from '../timeline/rebase.js';
import type { Execution, LineStats, Recording, SourceKind } from '../timeline/types.js';
import { note } from './output.js';

/** What an input file holds, decided from its first bytes. */
export type InputKind = 'logs' | 'otlp' | 'timeline' | 'report';

/** Skip reasons that mean a line could not be read at all (the others are lines of no interest). */
export const FAULT_REASONS: ReadonlySet<string> = new Set<SkipReason>(['notJson', 'truncated', 'noTimestamp', 'badTimestamp']);

function head(path: string, bytes = 65536): string {
  if (path === '-') return '';
  let fd: number | undefined;
  let b: Buffer;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    b = buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } catch (e) {
    // Opening a directory succeeds and reading it fails, with a code that names no path.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('no such file', { file: path });
    if (code === 'EISDIR') throw new InputError('is a directory; expected a file', { file: path });
    throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (b[0] === 0x1f && b[1] === 0x8b) {
    try {
      b = gunzipSync(b, { finishFlush: 2 /* Z_SYNC_FLUSH: a truncated stream is fine here */ });
    } catch {
      return '';
    }
  }
  return b.toString('utf8');
}

export function sniff(path: string): InputKind {
  const text = head(path);
  if (looksLikeOtlp(text)) return 'otlp';
  const s = text.trimStart();
  if (/^\{\s*"originUnixNano"\s*:/.test(s)) return 'timeline';
  if (/^\{\s*"executions"\s*:/.test(s) || /^\{\s*"kind"\s*:\s*"propsim-report"/.test(s)) return 'report';
  // `report --json`, `simulate --json` and `whatif --json` documents name their schema near the top.
  if (s.startsWith('{') && /"schema"\s*:\s*"propsim\.(report|whatif)\/1"/.test(s.slice(0, 4096))) return 'report';
  return 'logs';
}

/**
 * True for what `simulate`/`whatif` take as a plan: a YAML scenario, or one JSON document that is a
 * scenario or a FlyteWorkflow CR (not a Timeline or a trace). Log files (many lines) are not.
 */
export function isScenarioFile(path: string): boolean {
  if (/\.ya?ml$/i.test(path)) return true;
  if (path === '-') return false;
  const kind = sniff(path);
  if (kind !== 'logs') return false;
  const text = head(path, 1 << 20).trimStart();
  if (!text.startsWith('{') && !text.startsWith('[')) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface ReadOptions {
  exec?: string;
  strict?: boolean;
}

function strictHook(strict: boolean | undefined) {
  if (!strict) return undefined;
  return (reason: SkipReason, file: string, line: number) => {
    if (FAULT_REASONS.has(reason)) throw new InputError(`unreadable line (${reason}); expected a propeller log line (JSON, GCP, text or klog)`, { file, line });
  };
}

/** One JSON document from a file; any failure to read or parse it is the file's error. */
export function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file: path });
  }
}

function readTimeline(path: string, exec?: string): Recording {
  const r = readJsonFile(path) as Partial<Recording>;
  if (typeof r.originUnixNano !== 'string' || !Array.isArray(r.executions)) {
    throw new InputError('expected a Timeline JSON (as `propsim fold --json` writes) with originUnixNano and executions', { file: path });
  }
  const executions = exec ? r.executions.filter((e) => e.id === exec) : r.executions;
  return {
    originUnixNano: r.originUnixNano,
    source: r.source ?? 'logs',
    executions,
    lines: r.lines ?? { read: 0, used: 0, skipped: {} },
  };
}

async function readTraces(path: string, opts: ReadOptions): Promise<Recording> {
  const { recording, stats } = await readOtlpFile(path, { exec: opts.exec });
  if (stats.notOtlp) throw new InputError('holds no OTLP trace data', { file: path });
  if (opts.strict && stats.malformed > 0) {
    throw new InputError('malformed OTLP JSON line', { file: path, line: stats.badLines[0] });
  }
  return recording;
}

/**
 * Reads any mix of inputs into one Recording: all log files are folded together (several
 * replicas' files may interleave), trace files and Timeline JSON are read on their own, and
 * everything is merged onto the earliest origin.
 */
export async function readRecording(inputs: string[], opts: ReadOptions = {}): Promise<Recording> {
  const logs: string[] = [];
  const others: Recording[] = [];
  for (const path of inputs) {
    const kind = sniff(path);
    if (kind === 'logs') logs.push(path);
    else if (kind === 'otlp') others.push(await readTraces(path, opts));
    else if (kind === 'timeline') others.push(readTimeline(path, opts.exec));
    else throw new InputError('is a report JSON; expected logs, traces or a Timeline (use `propsim diff` for reports)', { file: path });
  }
  const recs: Recording[] = [];
  if (logs.length > 0) {
    const stats = newLineStats();
    const records = readLogRecords(logs, { exec: opts.exec, stats, onSkip: strictHook(opts.strict) });
    recs.push(await foldRecords(records, { exec: opts.exec, stats }));
  }
  recs.push(...others);
  if (recs.length === 0) throw new InputError('no input given');
  return mergeRecordings(recs);
}

/** `readRecording` for verbs that need executions: none found is a usage error (the line counts go to stderr first). */
export async function readExecutions(inputs: string[], opts: ReadOptions = {}): Promise<Recording> {
  const rec = await readRecording(inputs, opts);
  if (rec.executions.length === 0) {
    note(linesSummary(rec.lines));
    throw new InputError(opts.exec ? `no execution with id "${opts.exec}" in the input` : 'no executions found in the input');
  }
  return rec;
}

/**
 * Streams the executions of log inputs one by one (memory bounded by executions in flight).
 * Non-log inputs are read whole and handed over the same way.
 */
export async function streamExecutions(
  inputs: string[],
  opts: ReadOptions,
  onExecution: (e: Execution, originUnixNano: string, source: SourceKind) => unknown,
): Promise<{ lines: LineStats; originUnixNano: string; source: SourceKind }> {
  const kinds = inputs.map(sniff);
  if (kinds.every((k) => k === 'logs')) {
    const stats = newLineStats();
    const records = readLogRecords(inputs, { exec: opts.exec, stats, onSkip: strictHook(opts.strict) });
    const summary = await foldRecordsStreaming(records, (e, origin) => onExecution(e, origin, 'logs'), { exec: opts.exec, stats });
    return { lines: summary.lines, originUnixNano: summary.originUnixNano, source: 'logs' };
  }
  const rec = await readRecording(inputs, opts);
  for (const e of rec.executions) await onExecution(e, rec.originUnixNano, rec.source);
  return { lines: rec.lines, originUnixNano: rec.originUnixNano, source: rec.source };
}

/** One line for stderr: how many lines were read, used and skipped, by reason. */
export function linesSummary(lines: LineStats): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const reasons = Object.entries(lines.skipped)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${fmt(n)}`);
  const faults = Object.entries(lines.skipped)
    .filter(([k, n]) => FAULT_REASONS.has(k) && n > 0)
    .reduce((s, [, n]) => s + n, 0);
  return (
    `lines: ${fmt(lines.read)} read, ${fmt(lines.used)} used` +
    (reasons.length ? `, skipped: ${reasons.join(', ')}` : '') +
    (faults ? ` (${fmt(faults)} unreadable; --strict makes them an error)` : '')
  );
}
