import { calibrate, renderCalibration } from '../calibrate/index.js';
import { writeFileAtomic } from '../export/atomic-write.js';
import { linesSummary, readExecutions } from './inputs.js';
import { emit, note } from './output.js';

export interface CalibrateOpts {
  out?: string;
  json?: boolean;
  strict?: boolean;
  /** Profile whose values stand where the data say nothing (default `default`). */
  profile?: string;
}

/** `propsim calibrate`: fit report on stdout; with --out, the model file (loadable by --model). */
export async function runCalibrate(inputs: string[], opts: CalibrateOpts): Promise<number> {
  const rec = await readExecutions(inputs, { strict: opts.strict });
  const result = calibrate(rec, opts.profile !== undefined ? { profile: opts.profile } : {});
  if (opts.out) {
    writeFileAtomic(opts.out, `${JSON.stringify(result.modelFile, null, 2)}\n`);
    note(`wrote the model to ${opts.out}`);
  }
  await emit(undefined, opts.json ? `${JSON.stringify(result.report, null, 2)}\n` : renderCalibration(result.report));
  if (rec.source === 'logs') note(linesSummary(rec.lines));
  return 0;
}
