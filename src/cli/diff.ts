import { asReportJson, computeReport, diffReports, renderDiff, type ReportJson } from '../metrics/index.js';
import { InputError } from '../timeline/errors.js';
import { readJsonInput, readRecording } from './inputs.js';
import { readAsLogs, sniff, wrongKind } from './sniff.js';
import { reportOfLogs } from './report.js';
import { emit } from './output.js';

async function loadReport(path: string): Promise<ReportJson> {
  const kind = await sniff(path);
  if (kind === 'report') {
    const data = await readJsonInput(path);
    try {
      return asReportJson(data);
    } catch (e) {
      throw new InputError((e as Error).message, { file: path });
    }
  }
  if (kind === 'whatif' || kind === 'validation' || kind === 'model') {
    throw wrongKind(path, kind, '; diff takes two reports (report or simulate --json), logs, traces or Timelines', '');
  }
  // Logs: one execution at a time, keeping only its report (a large log never sits in memory whole).
  const report = readAsLogs(kind) ? (await reportOfLogs([path])).report : computeReport(await readRecording([path]));
  if (report.executions.length === 0) throw new InputError('no executions found (expected a log, trace, Timeline or report JSON)', { file: path });
  return report;
}

export async function runDiff(a: string, b: string, opts: { json?: boolean; out?: string }): Promise<number> {
  const [ra, rb] = [await loadReport(a), await loadReport(b)];
  const d = diffReports(ra, rb);
  await emit(opts.out, opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d));
  return 0;
}
