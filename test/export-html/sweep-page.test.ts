/**
 * The sweep page: one table row per value with its replications and paired Δmakespan, the
 * relative Δmakespan of each value with its 95% CI on one axis, overhead bars for the baseline and
 * each value, and the other figures' plots.
 */
import { describe, expect, it } from 'vitest';
import { renderSweepHtml } from '../../src/export/html-sweep.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import { ALL_FIGURES, runSweep, type SweepJson } from '../../src/whatif/index.js';
import { runCli } from '../support/run-cli.js';
import { selfContainmentProblems, tagProblems, textOf } from './check.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const plans = loadSimulationInput(`${ROOT}scenarios/mixed-load.yaml`).executions;

describe('sweep page', async () => {
  const s: SweepJson = await runSweep(plans, defaultModel(), { kind: 'set', path: 'propeller.workers', values: ['1', '4', '20'] }, { seed: 2, minReps: 3, maxReps: 3, precision: 0, jobs: 1 });
  const html = renderSweepHtml(s, { figures: ALL_FIGURES, source: 'mixed-load.yaml' });

  it('is well-formed and self-contained', () => {
    expect(tagProblems(html)).toEqual([]);
    expect(selfContainmentProblems(html)).toEqual([]);
  });

  it('has a table row per value, the baseline first, with replications and the paired Δ', () => {
    const table = html.slice(html.indexOf('<table>'), html.indexOf('</table>'));
    const rows = [...table.matchAll(/<tr[^>]*><td class="l">([^<]*)<\/td><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td>/g)].map((m) => m.slice(1));
    expect(rows.map((r) => r[0])).toEqual(['baseline', '1', '4', '20']);
    expect(rows.every((r) => r[1] === '3')).toBe(true);
    // One worker for 65 executions: slower, with a CI; 20 workers is the baseline itself.
    expect(rows[1]![3]).toMatch(/^\+.+ \[\+.+ … \+.+\]$/);
    expect(rows[3]![3]).toBe('unchanged');
    expect(textOf(html)).toContain('= baseline');
    expect(textOf(html)).toContain('baseline: 20');
  });

  it('plots each value that changed the makespan, with its whisker, on the zero line of the baseline', () => {
    const plot = html.slice(html.indexOf('aria-label="relative change of makespan per value"'));
    const svg = plot.slice(0, plot.indexOf('</svg>'));
    const changed = s.points.filter((p) => !p.delta.makespanNs!.unchanged);
    expect(changed.length).toBe(2);
    expect([...svg.matchAll(/<rect class="pt/g)].length).toBe(changed.length);
    expect([...svg.matchAll(/<line class="zero"/g)].length).toBe(1);
    expect(svg).toContain('unchanged');
  });

  it('draws the overhead of the baseline and of every value on one scale', () => {
    const bars = html.slice(html.indexOf('aria-label="overhead of the baseline and of each value"'));
    const svg = bars.slice(0, bars.indexOf('</svg>'));
    expect([...svg.matchAll(/<g><title>/g)].length).toBe(1 + s.points.length);
  });

  it('propsim sweep --html writes the page (atomically) beside the text output', async () => {
    const out = `${ROOT}.sweep-page-test.html`;
    const r = await runCli(['sweep', 'scenarios/hello.yaml', '--vary-scale', 'events.*.latency=0.5,2', '--reps', '3', '--min-reps', '2', '--jobs', '1', '--html', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Sweep: events\.\*\.latency scaled by × 0\.5, × 2/);
    const { readFileSync, rmSync } = await import('node:fs');
    const page = readFileSync(out, 'utf8');
    rmSync(out);
    expect(tagProblems(page)).toEqual([]);
    expect(textOf(page)).toContain('events.*.latency scaled by × 0.5, × 2');
    expect(textOf(page)).toContain('baseline: × 1');
  });
});
