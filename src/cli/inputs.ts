import { StringDecoder } from 'node:string_decoder';
import { readLogRecords, newLineStats } from '../ingest/lines.js';
import { byCreation, foldRecords, foldRecordsStreaming } from '../ingest/index.js';
import { readOtlpFile } from '../ingest/otlp.js';
import { openInput, STDIN } from '../ingest/source.js';
import { loadSimulationInput } from '../model/load.js';
import type { Scenario } from '../model/workflow.js';
import type { SkipReason } from '../ingest/record.js';
import { watchTimeJumps } from '../ingest/time-jumps.js';
import { InputError, jsonSyntaxError } from '../timeline/errors.js';
import { checkRecording } from '../timeline/check.js';
import { mergeRecordings } from '../timeline/rebase.js';
import type { Execution, LineStats, Recording, SourceKind } from '../timeline/types.js';
import { note } from './output.js';
import { allLogs, firstLogInstant, readAsLogs, sniff, wrongKind } from './sniff.js';

/** Skip reasons that mean a line could not be read at all (the others are lines of no interest). */
export const FAULT_REASONS: ReadonlySet<string> = new Set<SkipReason>(['notJson', 'truncated', 'noTimestamp', 'badTimestamp']);

/**
 * A scenario or CR input as `simulate` and `whatif` take it. Standard input is read through its
 * sniffed head (the loader would otherwise miss those bytes).
 */
export async function loadPlanInput(path: string): Promise<Scenario> {
  return loadSimulationInput(path, path === STDIN ? await readInputText(path) : undefined);
}

export interface ReadOptions {
  exec?: string;
  strict?: boolean;
  /**
   * The verb replays the executions (whatif, validate): one id in two inputs cannot be replayed as
   * two executions, and is an error; for the others it is said on stderr and both are kept.
   */
  replay?: boolean;
}

/**
 * Log files in the order of their first timestamps. The reader takes files one after another and
 * the folder expects log time to advance, so files given out of order (rotated logs are named
 * newest first: `propeller.log propeller.log.1`) would fold into wrong phases and durations.
 * Files without a timestamp keep their places; ties keep the given order. A reordering is
 * noted on stderr.
 */
export async function logsInTimeOrder(paths: readonly string[]): Promise<string[]> {
  if (paths.length < 2) return [...paths];
  const starts = await Promise.all(paths.map(firstLogInstant));
  const timed = paths.map((_, i) => i).filter((i) => starts[i] !== undefined);
  const byStart = [...timed].sort((a, b) => {
    const x = starts[a]!;
    const y = starts[b]!;
    return x.sec - y.sec || x.nsec - y.nsec || a - b;
  });
  const ordered = [...paths];
  timed.forEach((slot, k) => (ordered[slot] = paths[byStart[k]!]!));
  if (ordered.some((p, i) => p !== paths[i])) note(`reading the log files in time order: ${ordered.join(', ')}`);
  return ordered;
}

/** Log inputs as records, in time order of the files; overlapping files are noted on stderr. */
async function logRecords(paths: readonly string[], opts: ReadOptions, stats: LineStats) {
  const ordered = await logsInTimeOrder(paths);
  let overlapNoted = false;
  const records = readLogRecords(ordered, {
    exec: opts.exec,
    stats,
    onSkip: strictHook(opts.strict),
    onNewestFirst: (file) => note(`${file} lists the newest lines first (as \`gcloud logging read\` does unless given --order=asc): read from its end`),
    onOverlap: (file, previous) => {
      if (overlapNoted) return;
      overlapNoted = true;
      note(`${file} begins before ${previous} ends: log files are read one after another, not merged by time, so an execution logged in both may fold wrongly`);
    },
  });
  let jump: { file: string; line: number; back: number } | undefined;
  return {
    records: watchTimeJumps(records, (file, line, back) => (jump = { file, line, back })),
    /** Once the records are folded (`stats` final): says where log time went back, if it did. */
    noteJump: () => {
      if (jump !== undefined) note(jumpNote(jump, stats.skipped.late ?? 0));
    },
  };
}

/**
 * Where log time went back, and what it cost: lines of executions already folded (counted as
 * late). Parts of one replica's log concatenated out of order cost lines; the logs of several
 * propeller replicas (shards) one after another hold different executions and cost nothing.
 */
export function jumpNote(j: { file: string; line: number; back: number }, late: number): string {
  const where = `${j.file}:${j.line}: log time goes back ${j.back} s`;
  return late > 0
    ? `${where}: parts of the log seem concatenated out of order, and ${late.toLocaleString('en-US')} line${late === 1 ? '' : 's'} of executions already folded came after them (counted as late); give the parts as separate files, which are read in time order`
    : `${where} (parts of a log, or several propellers' logs, one after another); no line came too late for its execution`;
}

function strictHook(strict: boolean | undefined) {
  if (!strict) return undefined;
  return (reason: SkipReason, file: string, line: number) => {
    if (FAULT_REASONS.has(reason)) throw new InputError(`unreadable line (${reason}); expected a propeller log line (JSON, GCP, text or klog)`, { file, line });
  };
}

/** The whole input as text (gunzipped; `-` is standard input, its sniffed head included). */
export async function readInputText(path: string): Promise<string> {
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  for await (const chunk of openInput(path)) parts.push(decoder.write(chunk));
  parts.push(decoder.end());
  return parts.join('');
}

/** One JSON document from an input; any failure to parse it is the input's error. */
export async function readJsonInput(path: string): Promise<unknown> {
  const text = await readInputText(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    const j = jsonSyntaxError(text, e);
    throw new InputError(`not valid JSON: ${j.message}`, { file: path, line: j.line });
  }
}

async function readTimeline(path: string, exec?: string): Promise<Recording> {
  const r = checkRecording(await readJsonInput(path), path);
  const source = r.source ?? 'logs';
  const executions = exec ? r.executions.filter((e) => e.id === exec) : r.executions.slice();
  // `fold --json` streams executions out as they finish: list them in creation order, as a
  // report of the log itself does.
  if (source === 'logs') executions.sort(byCreation);
  return {
    originUnixNano: r.originUnixNano,
    source,
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
  // --strict: a malformed span (no ids, no times) is as much a fault as an unreadable line; spans
  // that are merely not propeller's, or outside any Handle call, are not
  const bad = stats.spans.skipped.badSpan ?? 0;
  if (opts.strict && bad > 0) throw new InputError(`${bad} malformed span${bad === 1 ? '' : 's'} (badSpan: no valid ids or times)`, { file: path });
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
  const otherFiles: string[] = [];
  for (const path of inputs) {
    const kind = await sniff(path);
    if (readAsLogs(kind)) logs.push(path);
    else if (kind === 'otlp') others.push(await readTraces(path, opts));
    else if (kind === 'timeline') others.push(await readTimeline(path, opts.exec));
    else throw wrongKind(path, kind, '; expected logs, traces or a Timeline');
    if (!readAsLogs(kind)) otherFiles.push(path);
  }
  const recs: Recording[] = [];
  const files: string[] = [];
  if (logs.length > 0) {
    const stats = newLineStats();
    const { records, noteJump } = await logRecords(logs, opts, stats);
    recs.push(await foldRecords(records, { exec: opts.exec, stats }));
    files.push(logs.length === 1 ? logs[0]! : `the logs (${logs.join(', ')})`);
    noteJump();
  }
  recs.push(...others);
  files.push(...otherFiles);
  if (recs.length === 0) throw new InputError('no input given');
  onceEach(recs, files, opts.replay === true);
  return mergeRecordings(recs);
}

/**
 * An execution id in two inputs: a log and the Timeline folded from it (the same execution twice),
 * or two simulations' Timelines (ids repeat from run to run). A replay cannot run two executions
 * of one id: the user's mistake, said so. Other verbs keep both and say so once.
 */
function onceEach(recs: Recording[], files: string[], replay: boolean): void {
  const from = new Map<string, number>();
  let repeated = 0;
  let first: string | undefined;
  recs.forEach((r, i) => {
    for (const e of r.executions) {
      const j = from.get(e.id);
      if (j !== undefined && j !== i) {
        const why = `execution "${e.id}" is also in ${files[j]}`;
        if (replay) throw new InputError(`${why}: give each execution once to replay it (a log and the Timeline or trace made from it hold the same executions)`, { file: files[i] });
        repeated++;
        first ??= `${files[i]}: ${why}`;
      }
      from.set(e.id, i);
    }
  });
  if (repeated > 0) note(`${first}${repeated > 1 ? ` (and ${repeated - 1} more ids in two inputs)` : ''}; both are kept, as different executions of one id`);
}

/** `readRecording` for verbs that need executions: none found is a usage error (the line counts go to stderr first). */
export async function readExecutions(inputs: string[], opts: ReadOptions = {}): Promise<Recording> {
  const rec = await readRecording(inputs, opts);
  if (rec.executions.length === 0) throw noExecutions(inputs, rec.lines, opts.exec);
  return rec;
}

/** Inputs without (the) executions: one line naming the input, with what its lines were. */
export function noExecutions(inputs: readonly string[], lines: LineStats, exec?: string): InputError {
  const what = exec ? `no execution with id "${exec}"` : 'no executions found';
  return new InputError(`${what} (${linesSummary(lines)})`, inputs.length === 1 ? { file: inputs[0] } : {});
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
  if (await allLogs(inputs)) {
    const stats = newLineStats();
    const { records, noteJump } = await logRecords(inputs, opts, stats);
    const summary = await foldRecordsStreaming(records, (e, origin) => onExecution(e, origin, 'logs'), { exec: opts.exec, stats });
    noteJump();
    return { lines: summary.lines, originUnixNano: summary.originUnixNano, source: 'logs' };
  }
  const rec = await readRecording(inputs, opts);
  for (const e of rec.executions) await onExecution(e, rec.originUnixNano, rec.source);
  return { lines: rec.lines, originUnixNano: rec.originUnixNano, source: rec.source };
}

/** One line for stderr: how many executions came of the input (`what` they are for), and its line counts. */
export function executionsRead(n: number, lines: LineStats, what = ''): string {
  return `${n} execution${n === 1 ? '' : 's'}${what}; ${linesSummary(lines)}`;
}

/** One line for stderr: how many lines were read, used and skipped, by reason. */
export function linesSummary(lines: LineStats): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const reasons = byCount(lines.skipped).map(([k, n]) => `${k} ${fmt(n)}`);
  const faults = Object.entries(lines.skipped)
    .filter(([k, n]) => FAULT_REASONS.has(k) && n > 0)
    .reduce((s, [, n]) => s + n, 0);
  const sp = lines.spans;
  const spanReasons = sp ? byCount(sp.skipped).map(([k, n]) => `${k} ${fmt(n)}`) : [];
  return (
    `lines: ${fmt(lines.read)} read, ${fmt(lines.used)} used` +
    (reasons.length ? `, skipped: ${reasons.join(', ')}` : '') +
    (faults ? ` (${fmt(faults)} unreadable; --strict makes them an error)` : '') +
    (sp
      ? `; spans: ${fmt(sp.read)} read, ${fmt(sp.used)} used` +
        (sp.ignored ? `, ${fmt(sp.ignored)} not modelled` : '') +
        (spanReasons.length ? `, skipped: ${spanReasons.join(', ')}` : '')
      : '')
  );
}

function byCount(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
}
