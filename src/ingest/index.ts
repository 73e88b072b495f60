/**
 * Public entry of the log ingest: decoded log records -> the Timeline (`Recording`).
 *
 * `foldRecords` collects every execution; `foldRecordsStreaming` hands each execution over as
 * soon as it is finished, so memory stays bounded by the executions in flight. Both take the
 * record batches the line reader yields (`readLogRecords`), in file order.
 */
import type { Execution, LineStats, Recording } from '../timeline/types.js';
import { LogFolder } from './fold.js';
import { releaseBatch } from './lines.js';
import type { LogRecord } from './record.js';

export { LogFolder, type FolderOptions, type FoldCounts } from './fold.js';
export type { LogRecord, SkipReason } from './record.js';

export interface FoldOptions {
  /** Keep exactly this execution id (exact match, never a substring). */
  exec?: string;
  /**
   * The reader's line counts to add into (it has already counted every physical line in `read`
   * and its own skip reasons). Without it, `read` counts the records folded.
   */
  stats?: LineStats;
  /** Log time an execution must stay quiet after it is done before it is handed over (default 10 s). */
  graceNs?: number;
  /** The same while an enqueue of it still waits for its Handle call (default 60 s). */
  enqueuedGraceNs?: number;
}

export interface FoldSummary {
  /** Absolute epoch of t=0 (the first record's whole second), decimal nanoseconds. */
  originUnixNano: string;
  lines: LineStats;
  /** Executions handed over. */
  executions: number;
  /** Most executions held in memory at once. */
  peakInFlight: number;
}

type Batches = AsyncIterable<LogRecord[]> | Iterable<LogRecord[]>;

/**
 * Folds the records and calls `onExecution` with each finished execution (times relative to
 * `originUnixNano`, which is fixed by the first record and passed along). When `onExecution`
 * returns a promise (a write that waits for the output to drain), folding pauses after the
 * current batch until it settles, so a slow consumer never lets finished executions pile up.
 */
export async function foldRecordsStreaming(
  records: Batches,
  onExecution: (exec: Execution, originUnixNano: string) => unknown,
  opts: FoldOptions = {},
): Promise<FoldSummary> {
  let count = 0;
  // the latest pending hand-over: the consumer handles executions in order, so it covers the earlier ones
  let wait: Promise<void> | undefined;
  const folder: LogFolder = new LogFolder({
    exec: opts.exec,
    graceNs: opts.graceNs,
    enqueuedGraceNs: opts.enqueuedGraceNs,
    onExecution: (e) => {
      count++;
      const r = onExecution(e, folder.originUnixNano);
      if (r instanceof Promise) {
        wait?.catch(() => undefined);
        wait = r as Promise<void>;
      }
    },
  });
  for await (const batch of records) {
    folder.pushAll(batch);
    // the folder keeps no record: the reader may reuse them
    releaseBatch(batch);
    if (wait !== undefined) {
      const w = wait;
      wait = undefined;
      await w;
    }
  }
  folder.finish();
  if (wait !== undefined) await wait;
  const lines = folder.addStatsTo(opts.stats ?? { read: 0, used: 0, skipped: {} }, opts.stats === undefined);
  return { originUnixNano: folder.originUnixNano, lines, executions: count, peakInFlight: folder.peakInFlight };
}

/** Folds the records into a Recording; executions are ordered by when they were first seen. */
export async function foldRecords(records: Batches, opts: FoldOptions = {}): Promise<Recording> {
  const executions: Execution[] = [];
  const summary = await foldRecordsStreaming(
    records,
    (e) => {
      executions.push(e);
    },
    opts,
  );
  executions.sort(byCreation);
  return { originUnixNano: summary.originUnixNano, source: 'logs', executions, lines: summary.lines };
}

/** Synchronous fold of records already in memory (tests, small inputs). */
export function foldRecordList(records: readonly LogRecord[], opts: FoldOptions = {}): Recording {
  const folder = new LogFolder({ exec: opts.exec, graceNs: opts.graceNs, enqueuedGraceNs: opts.enqueuedGraceNs });
  folder.pushAll(records);
  const executions = folder.finish().slice().sort(byCreation);
  const lines = folder.addStatsTo(opts.stats ?? { read: 0, used: 0, skipped: {} }, opts.stats === undefined);
  return { originUnixNano: folder.originUnixNano, source: 'logs', executions, lines };
}

/** Creation order (executions without a creation time last), then id: the order `foldRecords` lists executions in. */
export function byCreation(a: Pick<Execution, 'id' | 'created'>, b: Pick<Execution, 'id' | 'created'>): number {
  const ta = a.created?.at ?? Infinity;
  const tb = b.created?.at ?? Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
