/**
 * The what-if page: every figure with its baseline, variant and Δ with 95% CI; a forest plot whose
 * whiskers are the relative CIs; baseline vs variant overhead bars; per-execution plots with
 * several executions.
 */
import { describe, expect, it } from 'vitest';
import { renderWhatifHtml } from '../../src/export/html-whatif.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import { ALL_FIGURES, effectText, parseChanges, runWhatif, type WhatifJson } from '../../src/whatif/index.js';
import { selfContainmentProblems, tagProblems, textOf } from './check.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const plan = loadSimulationInput(`${ROOT}scenarios/hello.yaml`).executions[0]!;

function whatif(executions: number): WhatifJson {
  const plans = Array.from({ length: executions }, (_, i) => ({ ...plan, id: `hello-${i + 1}`, arrival: i * 3 }));
  const changes = parseChanges({ preset: ['halve-event-latency'] });
  return runWhatif(plans, defaultModel(), changes, { seed: 3, minReps: 4, maxReps: 4 });
}

const render = (w: WhatifJson): string => renderWhatifHtml(w, { figures: ALL_FIGURES, effects: w.effects.map(effectText), source: 'hello.yaml' });

/** The cells of the figure table's row for `label`. */
function tableRow(html: string, label: string): string[] {
  const at = html.indexOf(`<tr><td class="l">${label}</td>`);
  expect(at, label).toBeGreaterThan(0);
  const row = html.slice(at, html.indexOf('</tr>', at));
  return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!);
}

describe('what-if page', () => {
  const w = whatif(1);
  const html = render(w);

  it('is well-formed and self-contained', () => {
    expect(tagProblems(html)).toEqual([]);
    expect(selfContainmentProblems(html)).toEqual([]);
  });

  it('lists every figure with baseline, variant and Δ with its 95% CI', () => {
    let withCi = 0;
    for (const f of ALL_FIGURES) {
      const d = w.delta[f.key];
      if (!d) continue;
      const cells = tableRow(html, f.label);
      expect(cells[0]).toBe(f.label);
      if (d.ci95 && d.mean !== null) {
        // Δ cell: "<sign><value> [<lo> … <hi>]"
        expect(cells[3], f.label).toMatch(/^[−+±].+ \[[−+±].* … [−+±].*\]$/);
        withCi++;
      }
      if (d.relativeCi95 && d.relative !== null) expect(cells[4], f.label).toMatch(/%.*\[.*% … .*%\]$/);
    }
    expect(withCi).toBeGreaterThan(5);
    expect(textOf(html)).toContain('events.node.latency');
  });

  it('draws each changed figure in the forest plot with its whisker around the point', () => {
    const forest = html.slice(html.indexOf('aria-label="relative change per figure"'));
    const plot = forest.slice(0, forest.indexOf('</svg>'));
    const changed = ALL_FIGURES.filter((f) => w.delta[f.key] && !w.delta[f.key]!.unchanged);
    expect(changed.length).toBeGreaterThan(3);
    for (const f of changed) {
      const d = w.delta[f.key]!;
      const at = plot.indexOf(`<g><title>${f.label}:`);
      expect(at, f.label).toBeGreaterThanOrEqual(0);
      const g = plot.slice(at, plot.indexOf('</g>', at));
      if (d.relative === null || !d.relativeCi95) continue;
      const ci = /<line class="ci" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"/.exec(g);
      const pt = /<rect class="pt(?: open)?" x="([\d.]+)"/.exec(g);
      expect(ci && pt, f.label).toBeTruthy();
      const [lo, hi, x] = [Number(ci![1]), Number(ci![2]), Number(pt![1]) + 3.5];
      expect(lo).toBeLessThanOrEqual(x + 0.11);
      expect(x).toBeLessThanOrEqual(hi + 0.11);
      // Open square exactly when the CI includes 0.
      const includesZero = d.relativeCi95[0] <= 0 && d.relativeCi95[1] >= 0;
      expect(g.includes('class="pt open"'), f.label).toBe(includesZero);
    }
  });

  it('shows baseline and variant overhead bars on one scale', () => {
    const text = textOf(html);
    expect(text).toContain('all executions · baseline');
    expect(text).toContain('all executions · variant');
    expect(html.match(/<rect class="u"/g)?.length).toBeGreaterThanOrEqual(2);
  });

  it('is byte-identical for the same result', () => {
    expect(render(whatif(1))).toBe(html);
  });

  it('with several executions, adds a forest plot per execution', () => {
    const w2 = whatif(2);
    const h2 = render(w2);
    expect(tagProblems(h2)).toEqual([]);
    expect(h2).toContain('aria-label="relative change of makespan per execution"');
    for (const e of w2.executions) {
      expect(h2).toContain(`<g><title>${e.id} · makespan:`);
      expect(textOf(h2)).toContain(`${e.id} · baseline`);
    }
  });
});
