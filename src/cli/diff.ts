import { asReportJson, computeReport, diffReports, renderDiff, type ReportJson } from '../metrics/index.js';
import { InputError } from '../timeline/errors.js';
import type { LineStats } from '../timeline/types.js';
import { executionsRead, linesSummary, readJsonInput, readRecording } from './inputs.js';
import { readAsLogs, sniff, wrongKind } from './sniff.js';
import { reportOfLogs } from './report.js';
import { emit, note } from './output.js';

/** A side of the diff, and what was read of it (said once both sides loaded: an error stays one line). */
async function loadReport(path: string): Promise<{ report: ReportJson; read?: string }> {
  const kind = await sniff(path);
  if (kind === 'report') {
    const data = await readJsonInput(path);
    try {
      return { report: asReportJson(data) };
    } catch (e) {
      throw new InputError((e as Error).message, { file: path });
    }
  }
  if (kind === 'whatif' || kind === 'validation' || kind === 'model') {
    throw wrongKind(path, kind, '; diff takes two reports (report or simulate --json), logs, traces or Timelines', '');
  }
  // Logs: one execution at a time, keeping only its report (a large log never sits in memory whole).
  let lines: LineStats;
  let report: ReportJson;
  if (readAsLogs(kind)) ({ report, lines } = await reportOfLogs([path]));
  else {
    const rec = await readRecording([path]);
    report = computeReport(rec);
    lines = rec.lines;
  }
  if (report.executions.length === 0) throw new InputError(`no executions found (expected a log, trace, Timeline or report JSON; ${linesSummary(lines)})`, { file: path });
  return { report, read: `${path}: ${executionsRead(report.executions.length, lines)}` };
}

export async function runDiff(a: string, b: string, opts: { json?: boolean; out?: string }): Promise<number> {
  const [ra, rb] = [await loadReport(a), await loadReport(b)];
  for (const r of [ra, rb]) if (r.read !== undefined) note(r.read);
  const d = diffReports(ra.report, rb.report);
  await emit(opts.out, opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d));
  return 0;
}
