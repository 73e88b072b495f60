import type { LineStats } from '../../src/timeline/types.js';
import { LineReader, newLineStats, readLogRecords, totalSkipped, type ReadOptions } from '../../src/ingest/lines.js';
import type { LogRecord, SkipReason } from '../../src/ingest/record.js';

export const FIXTURES = new URL('../fixtures/lines/', import.meta.url).pathname;
/** Copies of the public log excerpts (each with its .source.txt). */
export const PUBLIC_LOGS = new URL('../fixtures/lines/public/', import.meta.url).pathname;

/** The LogRecord field each context key of a propeller log line fills. */
export const RECORD_FIELD: Record<string, keyof LogRecord> = {
  exec_id: 'execId',
  node: 'node',
  ns: 'ns',
  res_ver: 'resVer',
  routine: 'routine',
  tasktype: 'tasktype',
  wf: 'wf',
};

export interface Skip {
  reason: SkipReason;
  file: string;
  line: number;
  text: string;
}

export interface ReadResult {
  records: LogRecord[];
  stats: LineStats;
  skips: Skip[];
}

/** Reads files through the public iterator. */
export async function readFiles(paths: string[], opts: ReadOptions = {}): Promise<ReadResult> {
  const stats = newLineStats();
  const skips: Skip[] = [];
  const records: LogRecord[] = [];
  for await (const batch of readLogRecords(paths, {
    ...opts,
    stats,
    onSkip: (reason, file, line, text) => skips.push({ reason, file, line, text }),
  })) {
    records.push(...batch);
  }
  return { records, stats, skips };
}

/** Feeds bytes to a LineReader split at the given offsets (chunk boundaries). */
export function readBytes(bytes: Buffer, opts: ReadOptions = {}, cuts: number[] = []): ReadResult {
  const stats = newLineStats();
  const skips: Skip[] = [];
  const reader = new LineReader('mem', {
    ...opts,
    stats,
    onSkip: (reason, file, line, text) => skips.push({ reason, file, line, text }),
  });
  const records: LogRecord[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    if (c <= prev || c >= bytes.length) continue;
    reader.push(bytes.subarray(prev, c));
    records.push(...reader.take());
    prev = c;
  }
  reader.push(bytes.subarray(prev));
  records.push(...reader.take());
  reader.end();
  records.push(...reader.take());
  return { records, stats, skips };
}

/** Every physical line is a record, or counted (joined fragments count as skipped 'joined'). */
export function accounted(r: ReadResult): boolean {
  return r.stats.read === r.records.length + totalSkipped(r.stats);
}

/** The fields that do not depend on the input's format or time precision. */
export function content(rec: LogRecord): Record<string, unknown> {
  return {
    sec: rec.sec,
    level: rec.level,
    msg: rec.msg,
    execId: rec.execId,
    ns: rec.ns,
    routine: rec.routine,
    node: rec.node,
    wf: rec.wf,
    resVer: rec.resVer,
    tasktype: rec.tasktype,
    kind: rec.kind,
  };
}

/** Epoch seconds of a UTC civil time (test helper; Date only to build expected values). */
export function utc(iso: string): number {
  return Date.parse(iso) / 1000;
}
