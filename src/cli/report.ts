import { writeFileAtomic } from '../export/atomic-write.js';
import { renderReportHtml } from '../export/html.js';
import { computeReport, renderReport } from '../metrics/index.js';
import { linesSummary, readExecutions } from './inputs.js';
import { emit, note } from './output.js';

export interface ReportOpts {
  exec?: string;
  json?: boolean;
  strict?: boolean;
  out?: string;
  html?: string;
}

export async function runReport(inputs: string[], opts: ReportOpts): Promise<number> {
  const rec = await readExecutions(inputs, { exec: opts.exec, strict: opts.strict });
  const report = computeReport(rec);
  const withLines = { ...report, lines: rec.lines };
  await emit(opts.out, opts.json ? `${JSON.stringify(withLines, null, 2)}\n` : renderReport(report));
  if (opts.html) writeFileAtomic(opts.html, renderReportHtml(report, { recording: rec, source: inputs.join(', ') }));
  note(`${rec.executions.length} execution${rec.executions.length === 1 ? '' : 's'}; ${linesSummary(rec.lines)}`);
  return 0;
}
