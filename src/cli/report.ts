import { writeFileAtomic } from '../export/atomic-write.js';
import { renderReportHtml } from '../export/html.js';
import { Spool } from '../export/spool.js';
import { byCreation } from '../ingest/index.js';
import {
  computeReport,
  renderExecutionText,
  renderReport,
  renderReportHead,
  renderReportSummary,
  renderReportTail,
  ReportAccumulator,
  type ExecutionReport,
  type ReportJson,
} from '../metrics/index.js';
import type { Execution, LineStats } from '../timeline/types.js';
import { executionsRead, noExecutions, readExecutions, streamExecutions } from './inputs.js';
import { allLogs } from './sniff.js';
import { emit, note, openOutput } from './output.js';

export interface ReportOpts {
  exec?: string;
  json?: boolean;
  /** Text without the per-execution blocks (the JSON always lists every execution). */
  summary?: boolean;
  strict?: boolean;
  out?: string;
  html?: string;
}

/**
 * `propsim report`. Logs are folded and reported one execution at a time (memory bounded by the
 * executions in flight, as for `fold`); traces, Timeline JSON and `--html` (a page of every
 * execution) read the whole input first. Both ways print the same bytes.
 */
export async function runReport(inputs: string[], opts: ReportOpts): Promise<number> {
  if (opts.html === undefined && (await allLogs(inputs))) return runReportStreaming(inputs, opts);
  const rec = await readExecutions(inputs, { exec: opts.exec, strict: opts.strict });
  const report = computeReport(rec);
  const n = report.executions.length;
  const text = opts.summary ? renderReportSummary(report, n) : renderReport(report);
  await emit(opts.out, opts.json ? reportJsonText(report, rec.lines) : text);
  if (opts.html) writeFileAtomic(opts.html, renderReportHtml(report, { recording: rec, source: inputs.join(', ') }));
  note(executionsRead(rec.executions.length, rec.lines));
  return 0;
}

/** The report JSON as `report --json` prints it. */
function reportJsonText(report: ReportJson, lines: LineStats): string {
  return `${JSON.stringify({ ...report, lines }, null, 2)}\n`;
}

/** One execution's report as an element of the pretty-printed `executions` array. */
function executionJsonText(e: ExecutionReport): string {
  // Stringified in place (two levels deep), so JSON.stringify indents it; the frame is cut off.
  const t = JSON.stringify({ e: [e] }, null, 2);
  return t.slice(t.indexOf('[') + 2, t.lastIndexOf(']') - 3);
}

/** `reportJsonText` split around its `executions` elements (at least one), which go between the two parts. */
function reportJsonFrame(report: ReportJson, lines: LineStats): [string, string] {
  const marker = '\u0000executions\u0000';
  const text = reportJsonText({ ...report, executions: [marker as unknown as ExecutionReport] }, lines);
  const at = text.indexOf(JSON.stringify(marker));
  const lineStart = text.lastIndexOf('\n', at) + 1;
  return [text.slice(0, lineStart), text.slice(at + JSON.stringify(marker).length)];
}

/**
 * Launch-plan children handed over before their parents (a parent ends after its child), kept
 * until the parent's report: only what its launch-plan node's split reads (the child's span).
 */
class ChildrenInFlight {
  private readonly byParent = new Map<string, Execution[]>();

  /** Remembers `e` if it is a child; returns the children of `e` seen so far (and forgets them). */
  take(e: Execution): Execution[] {
    if (e.parent !== undefined) {
      const slim: Execution = e.created && e.ended ? { ...e, handles: [], nodes: [], enqueues: [], workflowTransitions: [] } : e;
      const list = this.byParent.get(e.parent);
      if (list) list.push(slim);
      else this.byParent.set(e.parent, [slim]);
    }
    const mine = this.byParent.get(e.id) ?? [];
    this.byParent.delete(e.id);
    return mine;
  }
}

/**
 * The report of log inputs, folded and reported one execution at a time: only the execution
 * reports are kept (in creation order), not the executions. Equal to `computeReport` of the
 * folded Recording.
 */
export async function reportOfLogs(inputs: string[], opts: { exec?: string; strict?: boolean } = {}): Promise<{ report: ReportJson; lines: LineStats }> {
  const acc = new ReportAccumulator();
  const children = new ChildrenInFlight();
  const kept: { key: Pick<Execution, 'id' | 'created'>; report: ExecutionReport }[] = [];
  const { lines, originUnixNano } = await streamExecutions(inputs, opts, (e) => {
    kept.push({ key: { id: e.id, created: e.created }, report: acc.add(e, children.take(e)) });
  });
  kept.sort((a, b) => byCreation(a.key, b.key));
  return { report: { ...acc.finish('logs', originUnixNano), executions: kept.map((k) => k.report) }, lines };
}

async function runReportStreaming(inputs: string[], opts: ReportOpts): Promise<number> {
  const acc = new ReportAccumulator();
  const children = new ChildrenInFlight();
  const spool = new Spool<Pick<Execution, 'id' | 'created'>>();
  try {
    const { lines, originUnixNano } = await streamExecutions(inputs, { exec: opts.exec, strict: opts.strict }, (e) => {
      const r = acc.add(e, children.take(e));
      if (opts.json) spool.add({ id: e.id, created: e.created }, executionJsonText(r));
      else if (!opts.summary) spool.add({ id: e.id, created: e.created }, renderExecutionText(r));
    });
    const n = acc.count;
    if (n === 0) throw noExecutions(inputs, lines, opts.exec);
    const report = acc.finish('logs', originUnixNano);
    const out = openOutput(opts.out);
    try {
      if (opts.json) {
        const [before, after] = reportJsonFrame(report, lines);
        await out.write(before);
        await spool.playBack(byCreation, (c) => out.write(c), ',\n');
        await out.write(after);
      } else {
        await out.write(renderReportHead(report, n));
        await spool.playBack(byCreation, (c) => out.write(c));
        await out.write(renderReportTail(report, n, { summary: opts.summary }));
      }
      await out.close();
    } catch (err) {
      out.abort();
      throw err;
    }
    note(executionsRead(n, lines));
    return 0;
  } finally {
    spool.close();
  }
}
