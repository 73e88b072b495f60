import { loadModel } from '../model/defaults.js';
import { getPaths } from '../model/paths.js';
import type { Model } from '../model/model.js';
import type { ExecutionPlan } from '../model/workflow.js';
import { writeFileAtomic } from '../export/atomic-write.js';
import { renderWhatifHtml } from '../export/html-whatif.js';
import { ALL_FIGURES, createProgress, effectText, parseChanges, renderWhatif, runWhatifParallel } from '../whatif/index.js';
import { InputError } from '../timeline/errors.js';
import { loadPlanInput } from './inputs.js';
import { readAsLogs, sniff, wrongKind } from './sniff.js';
import { emit, note } from './output.js';

export interface WhatifOpts {
  model?: string;
  profile?: string;
  set: string[];
  scale: string[];
  preset: string[];
  reps: number;
  minReps: number;
  /** Threads for replications (default: the machine's cores minus one, at most 8). */
  jobs?: number;
  precision: number;
  seed: string;
  json?: boolean;
  out?: string;
  html?: string;
}

/** Plans from a scenario or CR, or replay plans from a recording (logs, traces, Timeline JSON). */
export async function plansFor(input: string): Promise<ExecutionPlan[]> {
  const kind = await sniff(input);
  if (kind === 'plan') return (await loadPlanInput(input)).executions;
  if (kind === 'model') throw wrongKind(input, kind, '; pass it with --model', '');
  if (!readAsLogs(kind) && kind !== 'otlp' && kind !== 'timeline') {
    throw wrongKind(input, kind, '; expected a scenario, a FlyteWorkflow CR, or a recording (logs, traces, Timeline)');
  }
  const { executionsRead, readExecutions } = await import('./inputs.js');
  const { replayPlans } = await import('../calibrate/replay.js');
  const rec = await readExecutions([input], { replay: true });
  // what was read of a recording, as every verb that reads one says (unreadable lines counted)
  note(executionsRead(rec.executions.length, rec.lines, ' to replay'));
  return replayPlans(rec);
}

/** Model fields a replay overrides for every pod it saw start: the pod's recorded start stands instead. */
const REPLAYED_FIELDS = new Set(['kube.podStart', 'kube.podSchedule']);

/**
 * Says when a change touches a field the replay of a recording takes from the recording (each
 * pod's start), so that "no effect" is not read as a finding.
 */
export function replayNotes(plans: readonly ExecutionPlan[], base: Model, paths: readonly string[]): void {
  const replayed = plans.some((p) => p.replay !== undefined && Object.values(p.replay).some((r) => r.podStart !== undefined));
  if (!replayed) return;
  const hit = new Set<string>();
  for (const path of paths) for (const l of getPaths(base, path)) if (REPLAYED_FIELDS.has(l.path)) hit.add(l.path);
  if (hit.size === 0) return;
  const fields = [...hit].join(' and ');
  note(`${fields}: the replayed recording keeps each pod's recorded start (scheduling, image pull, container start), so changing ${hit.size === 1 ? 'it' : 'them'} affects only pods the recording did not see start`);
}

export async function runWhatif(input: string, opts: WhatifOpts): Promise<number> {
  if (opts.minReps > opts.reps) throw new InputError(`--min-reps ${opts.minReps} is above --reps ${opts.reps} (the maximum)`);
  const changes = parseChanges({ set: opts.set, scale: opts.scale, preset: opts.preset });
  const plans = await plansFor(input);
  const base = loadModel(opts.model, opts.profile);
  for (const c of changes) {
    if (c.kind !== 'scale') continue;
    const zero = getPaths(base, c.path).filter(({ value }) => value === 0 || (typeof value === 'object' && value !== null && 'type' in value && value.type === 'constant' && value.value === 0));
    // Scaling zero gives zero: say so rather than let "no effect" look like a finding.
    for (const z of zero) note(`${z.path} is 0 in this model, so scaling it changes nothing (--set it to model it)`);
  }
  replayNotes(plans, base, changes.map((c) => c.path));
  const progress = createProgress();
  const result = await runWhatifParallel(plans, base, changes, {
    seed: opts.seed,
    ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}),
    minReps: opts.minReps,
    maxReps: opts.reps,
    precision: opts.precision,
    onProgress: (p) => progress.update(p),
  });
  progress.done();
  await emit(opts.out, opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderWhatif(result));
  if (opts.html) writeFileAtomic(opts.html, renderWhatifHtml(result, { figures: ALL_FIGURES, effects: result.effects.map(effectText), source: input }));
  return 0;
}
