import { LEVEL } from '../export/log-format.js';
import { writeLogs } from '../export/logs.js';
import { writeOtlp } from '../export/otlp.js';
import { writeFileAtomic } from '../export/atomic-write.js';
import { renderReportHtml } from '../export/html.js';
import { computeReport, renderReport, renderReportSummary } from '../metrics/index.js';
import { loadModel, profileOf } from '../model/defaults.js';
import { simulate } from '../propeller/simulator.js';
import { InputError } from '../timeline/errors.js';
import { replicateReports, ReplicationAggregator, renderReplications } from '../whatif/index.js';
import { loadPlanInput } from './inputs.js';
import { notAPlan, sniff } from './sniff.js';
import { emit, note } from './output.js';

export interface SimulateOpts {
  model?: string;
  profile?: string;
  seed: string;
  reps: number;
  /** Threads for replications (default: the machine's cores minus one, at most 8). */
  jobs?: number;
  json?: boolean;
  /** Text without the per-execution blocks. */
  summary?: boolean;
  emitLogs?: string;
  logFormat?: 'json' | 'gcp' | 'text';
  /** Propeller logger level of the written logs. */
  logLevel?: 'debug' | 'info';
  /** `--log-format` was given (it has a default). */
  logFormatGiven?: boolean;
  cri?: boolean;
  emitOtlp?: string;
  timeline?: string;
  out?: string;
  html?: string;
}

/** `propsim simulate`: replications of a scenario (or CR) under a model; reports in the `report` layout. */
export async function runSimulate(file: string, opts: SimulateOpts): Promise<number> {
  const kind = await sniff(file);
  // anything unrecognised goes to the scenario loader, which says what is wrong with it
  if (kind !== 'plan' && kind !== 'unknown') throw notAPlan(file, kind);
  if (opts.cri && !opts.emitLogs) throw new InputError('--cri applies to the logs --emit-logs writes; give --emit-logs FILE');
  if (opts.logLevel === 'info' && !opts.emitLogs) throw new InputError('--log-level applies to the logs --emit-logs writes; give --emit-logs FILE');
  if (opts.logFormatGiven && !opts.emitLogs) throw new InputError('--log-format applies to the logs --emit-logs writes; give --emit-logs FILE');
  const scenario = await loadPlanInput(file);
  const model = loadModel(opts.model, opts.profile);
  const reps = Math.max(1, opts.reps);
  const agg = new ReplicationAggregator();
  const t0 = performance.now();
  const rec0 = simulate(scenario.executions, model, { seed: opts.seed, replication: 0 });
  agg.add(computeReport(rec0));
  const msPerReplication = performance.now() - t0;
  // A simulation only stops with executions unfinished at its horizon (7 days of simulated time).
  const unfinished = rec0.executions.filter((e) => e.ended === undefined).map((e) => e.id);
  if (unfinished.length > 0) {
    const shown = unfinished.slice(0, 5).join(', ') + (unfinished.length > 5 ? ', …' : '');
    note(`${unfinished.length} execution${unfinished.length === 1 ? '' : 's'} had not finished when the simulation stopped at its 7-day horizon (arrival after it, or a run longer than it): ${shown}`);
  }
  const more = replicateReports(scenario.executions, model, 1, reps, { seed: opts.seed, msPerReplication, ...(opts.jobs !== undefined ? { jobs: opts.jobs } : {}) });
  for await (const report of more) agg.add(report);
  if (opts.timeline) writeFileAtomic(opts.timeline, `${JSON.stringify(rec0)}\n`);
  if (opts.html) {
    const notes = reps > 1 ? [`Replication 0 of ${reps} (seed ${opts.seed}); the text and JSON outputs give means over replications.`] : [`Seed ${opts.seed}.`];
    writeFileAtomic(opts.html, renderReportHtml(computeReport(rec0), { recording: rec0, source: file, notes }));
  }
  if (opts.emitLogs) {
    const s = await writeLogs(rec0, opts.emitLogs, { format: opts.logFormat ?? 'json', cri: Boolean(opts.cri), maxStreak: model.propeller.maxStreakLength, level: LEVEL[opts.logLevel ?? 'debug'] });
    note(`wrote ${s.lines.toLocaleString('en-US')} log lines to ${opts.emitLogs}`);
  }
  if (opts.emitOtlp) {
    const s = await writeOtlp(rec0, opts.emitOtlp);
    note(`wrote ${s.spans.toLocaleString('en-US')} spans to ${opts.emitOtlp}`);
  }
  const mean = agg.meanReport();
  const profileText = profileOf(opts.model, opts.profile);
  const header = { scenario: scenario.name, description: scenario.description, seed: opts.seed, profile: profileText, model: opts.model ?? null };
  if (opts.json) {
    const body = reps > 1 ? { ...header, ...mean, replications: agg.replications() } : { ...header, ...mean };
    await emit(opts.out, `${JSON.stringify(body, null, 2)}\n`);
  } else {
    const title = `Scenario ${scenario.name}: ${scenario.description.trim()}`;
    const sub = `seed ${opts.seed}, ${reps} replication${reps === 1 ? '' : 's'}${reps > 1 ? ' (figures are means; see the table below for 95% CIs)' : ''}, profile ${profileText}${opts.model ? `, model ${opts.model}` : ''}`;
    const n = mean.executions.length;
    const report = opts.summary ? renderReportSummary(mean, n) : renderReport(mean);
    let text = `${title}\n${sub}\n\n${report}`;
    if (reps > 1) text += `\n${renderReplications(agg.replications())}`;
    await emit(opts.out, text);
  }
  return 0;
}
