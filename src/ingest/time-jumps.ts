/**
 * Noticing log time that goes back within one input: parts of a log concatenated out of order
 * (`cat propeller.log propeller.log.1`, `kubectl logs -l ...` printing a newer pod's log first).
 * The folder expects time to advance, so it counts the lines of executions it already handed
 * over as `late`; this says where and why, once.
 */
import type { LogRecord } from './record.js';

/** Time going back less than this is lines slightly out of order, not misplaced parts. */
export const JUMP_SECONDS = 60;

/**
 * Passes the batches through and calls `onJump` (once) for the first record of an input whose
 * second is more than `thresholdSec` before the latest second of the same input so far.
 */
export async function* watchTimeJumps(
  batches: AsyncIterable<LogRecord[]>,
  onJump: (file: string, line: number, backSeconds: number) => void,
  thresholdSec = JUMP_SECONDS,
): AsyncGenerator<LogRecord[]> {
  let file = '';
  let latest = -Infinity;
  let noted = false;
  for await (const batch of batches) {
    if (!noted) {
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i] as LogRecord;
        if (r.file !== file) {
          file = r.file;
          latest = r.sec;
        } else if (r.sec < latest - thresholdSec) {
          noted = true;
          onJump(r.file, r.line, latest - r.sec);
          break;
        } else if (r.sec > latest) latest = r.sec;
      }
    }
    yield batch;
  }
}
