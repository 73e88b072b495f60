/**
 * A trace from propeller itself carries only propeller's span names and context attributes: no
 * node phases, no pod times (propsim adds those as spans and attributes of its own). The report
 * must say the time cannot be split rather than give it all to Flyte.
 */
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/export/html.js';
import { otlpDocuments } from '../../src/export/otlp.js';
import { readOtlpText } from '../../src/ingest/otlp.js';
import { computeReport, renderReport } from '../../src/metrics/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { simulate } from '../../src/propeller/simulator.js';
import { canonical } from '../whatif/fixtures.js';

interface Doc {
  resourceSpans: { scopeSpans: { spans: { name: string; attributes?: { key: string }[] }[] }[] }[];
}

/** The simulated 1-task execution as OTLP, with what only propsim writes taken out as asked. */
function trace(strip: { spans: boolean; attributes: boolean }): string {
  const rec = simulate(canonical(), defaultModel(), { seed: 1, replication: 0 });
  return [...otlpDocuments(rec)]
    .map((text) => {
      const doc = JSON.parse(text) as Doc;
      for (const rs of doc.resourceSpans) {
        for (const ss of rs.scopeSpans) {
          if (strip.spans) ss.spans = ss.spans.filter((s) => !s.name.startsWith('propsim'));
          if (strip.attributes) for (const s of ss.spans) s.attributes = (s.attributes ?? []).filter((a) => !a.key.startsWith('propsim'));
        }
      }
      return JSON.stringify(doc);
    })
    .join('\n');
}

describe('traces with only what propeller records', () => {
  it('no node phases: the split is unknown, nothing is given to Flyte', () => {
    const r = computeReport(readOtlpText(trace({ spans: true, attributes: true })).recording);
    const e = r.executions[0]!;
    expect(e.splitUnknown).toMatch(/no node phases/);
    const text = renderReport(r);
    expect(text).toMatch(/^ {2}split {6}unknown: the input records no node phases/m);
    expect(text).not.toContain('100.0 %');
    expect(text).not.toMatch(/^ {2}critical path/m);
    const html = renderReportHtml(r, { recording: readOtlpText(trace({ spans: true, attributes: true })).recording, source: 'trace' });
    expect(html).toContain('<b>Split unknown:</b> the input records no node phases');
    expect(html).not.toContain('100.0 %');
  });

  it('node phases but no pod times: the report names the task nodes whose running time falls to Flyte', () => {
    const e = computeReport(readOtlpText(trace({ spans: true, attributes: false })).recording).executions[0]!;
    expect(e.splitUnknown).toBe('the input has no pod or task-phase times for n0: its running time counts as Flyte, not as user and external');
  });

  it("propsim's own traces split as the simulation did", () => {
    const e = computeReport(readOtlpText(trace({ spans: false, attributes: false })).recording).executions[0]!;
    expect(e.splitUnknown).toBeUndefined();
    expect(e.overhead.userNs).toBeGreaterThan(0);
  });
});
