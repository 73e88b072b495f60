/**
 * The report page for a simulated execution (scenarios/hello.yaml) and a folded log
 * (test/fixtures/canonical/one-task.jsonl): well-formed, self-contained, complete, escaped,
 * deterministic, and honest about coarse timestamps.
 */
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/cli/inputs.js';
import { renderReportHtml } from '../../src/export/html.js';
import { computeReport, overallSpreadRows } from '../../src/metrics/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { Recording } from '../../src/timeline/types.js';
import { selfContainmentProblems, tagProblems, textOf } from './check.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const HELLO = `${ROOT}scenarios/hello.yaml`;
const ONE_TASK = `${ROOT}test/fixtures/canonical/one-task.jsonl`;
const COARSE_NOTE = '±1 s resolution, bars show estimates; hatched = uncertainty';

function helloRecording(seed = 1): Recording {
  return simulate(loadSimulationInput(HELLO).executions, defaultModel(), { seed, replication: 0 });
}

function page(rec: Recording, withRecording = true): string {
  return renderReportHtml(computeReport(rec), withRecording ? { recording: rec, source: 'test input' } : { source: 'test input' });
}

function expectWellFormed(html: string): void {
  expect(tagProblems(html)).toEqual([]);
  expect(selfContainmentProblems(html)).toEqual([]);
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
}

describe('report page of a simulated execution', () => {
  const rec = helloRecording();
  const html = page(rec);

  it('is well-formed and self-contained', () => {
    expectWellFormed(html);
    expect(html).toContain('<style>');
    expect(html).toContain('<svg');
  });

  it('names the execution, every node and every worker that handled it', () => {
    const text = textOf(html);
    const exec = rec.executions[0]!;
    expect(text).toContain(exec.id);
    for (const n of exec.nodes) expect(text).toContain(n.id);
    for (const h of exec.handles) expect(text).toContain(h.worker);
    expect(text).toContain('Handle calls by worker');
    expect(text).toContain('Infrastructure');
  });

  it('places the task\'s user segment where its container ran, inside the node\'s window', () => {
    const at = html.indexOf('<g><title>n0 (task)');
    expect(at).toBeGreaterThan(0);
    const row = html.slice(at, html.indexOf('</g>', at));
    for (const cls of ['u', 'x', 'f']) expect(row).toContain(`<rect class="${cls}"`);
    const geom = (cls: string): { x: number; w: number } => {
      const m = new RegExp(`<rect class="${cls}" x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"`).exec(row);
      expect(m, cls).not.toBeNull();
      return { x: Number(m![1]), w: Number(m![2]) };
    };
    const win = geom('f'); // the whole window [runnable, end] is drawn first, in Flyte colour
    const user = geom('u');
    const node = computeReport(rec).executions[0]!.nodes.find((n) => n.id === 'n0')!;
    const pod = rec.executions[0]!.nodes.find((n) => n.id === 'n0')!.pod!;
    const span = node.endAtNs - node.runnableAtNs;
    expect(user.w / win.w).toBeCloseTo(node.userNs / span, 2);
    expect((user.x - win.x) / win.w).toBeCloseTo((pod.started! - node.runnableAtNs) / span, 2);
  });

  it('says nothing about coarse resolution for exact (simulated) times', () => {
    expect(html).not.toContain(COARSE_NOTE);
    expect(html).not.toContain('class="h"');
  });

  it('is byte-identical for the same input, and differs for another seed', () => {
    expect(page(helloRecording())).toBe(html);
    expect(page(helloRecording(2))).not.toBe(html);
  });

  it('falls back to proportional blocks without the recording, and says so', () => {
    const bare = page(rec, false);
    expectWellFormed(bare);
    expect(bare).toContain('proportional blocks');
    expect(bare).not.toContain('Handle calls by worker');
    for (const n of rec.executions[0]!.nodes) expect(textOf(bare)).toContain(n.id);
  });

  it('escapes markup in node and execution ids', () => {
    const evil = '<script>alert("x")</script>&\'';
    const execId = '<b>exec</b>';
    const copy = structuredClone(rec);
    const exec = copy.executions[0]!;
    exec.id = execId;
    for (const n of exec.nodes) {
      if (n.id === 'n0') n.id = evil;
      n.upstream = n.upstream?.map((u) => (u === 'n0' ? evil : u));
    }
    for (const h of exec.handles) for (const r of h.rounds) for (const op of r.ops) if (op.node === 'n0') op.node = evil;
    const html2 = page(copy);
    expectWellFormed(html2);
    expect(html2).not.toContain('<script');
    expect(html2).not.toContain('<b>exec');
    expect(html2).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    expect(textOf(html2)).toContain(evil);
    expect(textOf(html2)).toContain(execId);
  });
});

describe('report page of a folded log (whole-second timestamps)', async () => {
  const rec = await readRecording([ONE_TASK]);
  const html = renderReportHtml(computeReport(rec), { recording: rec, source: 'one-task.jsonl' });

  it('is well-formed, self-contained and complete', () => {
    expectWellFormed(html);
    const text = textOf(html);
    const exec = rec.executions[0]!;
    expect(text).toContain(exec.id);
    for (const n of exec.nodes) expect(text).toContain(n.id);
  });

  it('notes the resolution and hatches the uncertain parts', () => {
    expect(html).toContain(COARSE_NOTE);
    expect(html).toContain('class="h"');
    expect(html).toContain('id="hatch"');
    expect(textOf(html)).toMatch(/~[\d.]+ s \[[\d.]+ s … [\d.]+ s\]/);
  });

  it('is byte-identical when the log is folded again', async () => {
    const again = await readRecording([ONE_TASK]);
    expect(renderReportHtml(computeReport(again), { recording: again, source: 'one-task.jsonl' })).toBe(html);
  });

  it('shows a generation time only when one is passed', () => {
    expect(html).not.toContain('generated');
    const stamped = renderReportHtml(computeReport(rec), { recording: rec, generatedAt: '2024-01-02T03:04:05Z' });
    expect(stamped).toContain('generated 2024-01-02T03:04:05Z');
  });
});

describe('report page over several executions', () => {
  it('opens with the overhead over all complete executions, in the report\'s numbers; one execution has no such section', () => {
    const rec = simulate(loadSimulationInput(`${ROOT}scenarios/mixed-load.yaml`).executions, defaultModel(), { seed: 1, replication: 0 });
    const r = computeReport(rec);
    const html = renderReportHtml(r, { recording: rec });
    expectWellFormed(html);
    const o = r.overall!;
    expect(o.executions).toBeGreaterThan(1);
    const text = textOf(html);
    expect(text).toContain(`Sums over ${o.complete} complete executions`);
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    for (const x of [o.overhead.userRatio, o.overhead.flyteRatio, o.overhead.externalRatio]) expect(text).toContain(`(${pct(x)})`);
    expect(text.indexOf('All executions')).toBeLessThan(text.indexOf('Executions', text.indexOf('All executions') + 5));
    // The spread table holds the text report's cells, row by row.
    for (const row of overallSpreadRows(o)) for (const cell of row) expect(text).toContain(cell);
    expect(textOf(page(helloRecording()))).not.toContain('All executions');
  });
});
