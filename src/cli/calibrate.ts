import { CalibrationAccumulator, calibrate, renderCalibration, type CalibrationResult } from '../calibrate/index.js';
import { writeFileAtomic } from '../export/atomic-write.js';
import { byCreation } from '../ingest/index.js';
import type { LineStats } from '../timeline/types.js';
import { linesSummary, noExecutions, readExecutions, streamExecutions } from './inputs.js';
import { allLogs } from './sniff.js';
import { emit, note } from './output.js';

export interface CalibrateOpts {
  out?: string;
  json?: boolean;
  strict?: boolean;
  /** Profile whose values stand where the data say nothing (default `default`). */
  profile?: string;
}

/**
 * Log inputs are folded and taken in one execution at a time (memory bounded by the executions
 * in flight plus the observations kept), in creation order as a whole-input read lists them.
 */
async function calibrateLogs(inputs: string[], opts: CalibrateOpts): Promise<{ result: CalibrationResult; lines: LineStats }> {
  const acc = new CalibrationAccumulator('logs', opts.profile !== undefined ? { profile: opts.profile } : {});
  const { lines } = await streamExecutions(inputs, { strict: opts.strict }, (e) => acc.add(e));
  if (acc.count === 0) throw noExecutions(inputs, lines);
  return { result: acc.finish(byCreation), lines };
}

/** `propsim calibrate`: fit report on stdout; with --out, the model file (loadable by --model). */
export async function runCalibrate(inputs: string[], opts: CalibrateOpts): Promise<number> {
  let result: CalibrationResult;
  let lines: LineStats | undefined;
  if (inputs.length > 0 && (await allLogs(inputs))) {
    ({ result, lines } = await calibrateLogs(inputs, opts));
  } else {
    const rec = await readExecutions(inputs, { strict: opts.strict });
    result = calibrate(rec, opts.profile !== undefined ? { profile: opts.profile } : {});
    // what was read: log lines, or a trace's lines and spans (the summary counts both)
    lines = rec.lines;
  }
  if (opts.out) {
    writeFileAtomic(opts.out, `${JSON.stringify(result.modelFile, null, 2)}\n`);
    note(`wrote the model to ${opts.out}`);
  }
  await emit(undefined, opts.json ? `${JSON.stringify(result.report, null, 2)}\n` : renderCalibration(result.report));
  if (lines) note(linesSummary(lines));
  return 0;
}
