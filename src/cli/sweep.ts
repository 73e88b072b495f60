import { loadModel } from '../model/defaults.js';
import { parseAssignment } from '../model/paths.js';
import { InputError } from '../timeline/errors.js';
import { writeFileAtomic } from '../export/atomic-write.js';
import { renderSweepHtml } from '../export/html-sweep.js';
import {
  ALL_FIGURES,
  applyChanges,
  createProgress,
  parseChanges,
  parseSweepValues,
  renderSweep,
  runSweep,
  sweepProgressLine,
  type SweepProgress,
  type SweepSpec,
} from '../whatif/index.js';
import { emit } from './output.js';
import { plansFor, replayNotes, type WhatifOpts } from './whatif.js';

/** `whatif`'s options (the model, fixed changes, replications, output) plus the field to sweep. */
export interface SweepOpts extends WhatifOpts {
  vary?: string;
  varyScale?: string;
}

/** `--vary PATH=VALUES` or `--vary-scale PATH=FACTORS` (exactly one). */
export function sweepSpec(opts: Pick<SweepOpts, 'vary' | 'varyScale'>): SweepSpec {
  if ((opts.vary === undefined) === (opts.varyScale === undefined)) {
    throw new InputError('give exactly one of --vary PATH=V1,V2,... and --vary-scale PATH=F1,F2,...');
  }
  const flag = opts.vary !== undefined ? '--vary' : '--vary-scale';
  const { path, value } = parseAssignment((opts.vary ?? opts.varyScale)!, flag);
  return { kind: opts.vary !== undefined ? 'set' : 'scale', path, values: parseSweepValues(value, flag, opts.varyScale !== undefined) };
}

export async function runSweepCommand(input: string, opts: SweepOpts): Promise<number> {
  if (opts.minReps > opts.reps) throw new InputError(`--min-reps ${opts.minReps} is above --reps ${opts.reps} (the maximum)`);
  const spec = sweepSpec(opts);
  // Fixed changes apply to the baseline and every value (presets, then --scale, then --set, as in whatif).
  const base = applyChanges(loadModel(opts.model, opts.profile), parseChanges(opts, false));
  const plans = await plansFor(input);
  replayNotes(plans, base, [spec.path]);
  const progress = createProgress<SweepProgress>(process.stderr, { line: sweepProgressLine });
  const result = await runSweep(plans, base, spec, {
    onProgress: (p) => progress.update(p),
    seed: opts.seed,
    ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
    minReps: opts.minReps,
    maxReps: opts.reps,
    precision: opts.precision,
  });
  progress.done();
  await emit(opts.out, opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderSweep(result));
  if (opts.html) {
    writeFileAtomic(opts.html, renderSweepHtml(result, { figures: ALL_FIGURES, source: input }));
  }
  return 0;
}
