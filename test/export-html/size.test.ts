/**
 * Page size stays bounded: a thousand executions, and executions with ten thousand nodes and
 * thousands of Handle calls, are cut down (with a note saying how) instead of drawn in full.
 */
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/export/html.js';
import { computeReport } from '../../src/metrics/index.js';
import { selfContainmentProblems, tagProblems, textOf } from './check.js';
import { recordingOf, wideExecution } from './gen.js';

const MB = 1024 * 1024;
const small = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => wideExecution(`${prefix}${String(i).padStart(4, '0')}`, 3, { t0: i * 1e9, handles: 20 }));

describe('page size', () => {
  it('1000 executions: under 5 MB, 50 detailed sections, the others listed', () => {
    const rec = recordingOf(small(1000, 's'));
    const html = renderReportHtml(computeReport(rec), { recording: rec });
    expect(html.length).toBeLessThan(5 * MB);
    expect(tagProblems(html)).toEqual([]);
    expect(selfContainmentProblems(html)).toEqual([]);
    expect(html.match(/<section id="e\d+">/g)?.length).toBe(50);
    const text = textOf(html);
    expect(text).toContain('950 shorter executions without a section');
    for (const e of rec.executions) expect(text).toContain(e.id);
  });

  it('10,000 nodes and 3,000 Handle calls: the critical path plus the 200 longest, calls as busy time', () => {
    const rec = recordingOf([wideExecution('big', 10_000, { chain: 30, handles: 3000, workers: 40 })]);
    const report = computeReport(rec);
    const html = renderReportHtml(report, { recording: rec });
    expect(html.length).toBeLessThan(1 * MB);
    expect(tagProblems(html)).toEqual([]);
    const text = textOf(html);
    expect(text).toContain('of 10032 nodes drawn: the critical path (33 nodes) and the 200 longest nodes');
    expect(text).toContain('3000 Handle calls on 40 workers: drawn as busy time per time slice');
    // Every critical-path node has a row; the node rows stay within path + 200.
    const rows = html.match(/<g><title>[^<]*\((?:task|start|end)\)/g) ?? [];
    expect(rows.length).toBeLessThanOrEqual(report.executions[0]!.criticalPath.nodes.length + 200);
    for (const id of report.executions[0]!.criticalPath.nodes) expect(html).toContain(`<g><title>${id} (`);
  });

  it('fifty wide executions among a thousand: page-wide budgets keep it under 5 MB', () => {
    const wide = Array.from({ length: 50 }, (_, i) => wideExecution(`w${i}`, 1000, { handles: 50, workers: 40, chain: 100 }));
    const rec = recordingOf([...wide, ...small(950, 's')]);
    const html = renderReportHtml(computeReport(rec), { recording: rec });
    expect(html.length).toBeLessThan(5 * MB);
    expect(tagProblems(html)).toEqual([]);
    // The per-timeline cap fell to the page budget (2000 rows / 50 sections).
    expect(textOf(html)).toContain('the 40 longest nodes');
  });
});
