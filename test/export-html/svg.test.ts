/** The page's building blocks: escaping, segment sweep, ticks, share bars, node selection, and the test's own checker. */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { shareBar } from '../../src/export/html.js';
import { esc, n1, naturalCompare, niceStep, ticks } from '../../src/export/html-svg.js';
import { selectNodes, sweepSegments } from '../../src/export/html-timeline.js';
import { computeReport } from '../../src/metrics/index.js';
import { tagProblems, textOf } from './check.js';
import { recordingOf, wideExecution } from './gen.js';

describe('escaping', () => {
  const markupish = fc
    .array(fc.oneof(fc.constantFrom('<', '>', '&', '"', "'", '\u0000', '\ud800', 'é', '</script>'), fc.string({ unit: 'binary', maxLength: 3 })))
    .map((parts) => parts.join(''));
  test.prop([markupish])('leaves no markup character and round-trips through the text', (s) => {
    const e = esc(s);
    expect(e).not.toMatch(/[<>"']/);
    expect(e.replace(/&(?!amp;|lt;|gt;|quot;|#39;)/g, '')).toBe(e);
    // Valid text comes back unchanged (invalid control characters become U+FFFD).
    const back = textOf(`<p>${e}</p>`).slice(1, -1);
    expect(back.length).toBe(s.length);
  });
});

describe('segment sweep', () => {
  const iv = fc.tuple(fc.integer({ min: -50, max: 150 }), fc.integer({ min: 0, max: 100 })).map(([s, d]): [number, number] => [s, s + d]);
  test.prop([fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 100 }), fc.array(iv, { maxLength: 6 }), fc.array(iv, { maxLength: 6 })])(
    'tiles the window exactly; user wins over external; same-category neighbours merged',
    (ws, len, user, external) => {
      const we = ws + len;
      const segs = sweepSegments(ws, we, user, external);
      expect(segs[0]!.s).toBe(ws);
      expect(segs[segs.length - 1]!.e).toBe(we);
      segs.forEach((g, i) => {
        expect(g.e).toBeGreaterThan(g.s);
        if (i > 0) {
          expect(g.s).toBe(segs[i - 1]!.e);
          expect(g.cat).not.toBe(segs[i - 1]!.cat);
        }
        const mid = (g.s + g.e) / 2;
        const inU = user.some(([a, b]) => a <= mid && mid < b);
        const inX = external.some(([a, b]) => a <= mid && mid < b);
        expect(g.cat).toBe(inU ? 'user' : inX ? 'external' : 'flyte');
      });
    },
  );
});

describe('axes and numbers', () => {
  test.prop([fc.double({ min: 1e-3, max: 1e15, noNaN: true }), fc.integer({ min: 1, max: 12 })])('nice steps are 1, 2 or 5 × 10^k and cut the span into at most ~target parts', (span, target) => {
    const step = niceStep(span, target);
    const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
    expect([1, 2, 5].some((m) => Math.abs(mant - m) < 1e-6)).toBe(true);
    expect(span / step).toBeLessThanOrEqual(target + 1e-6);
  });

  it('ticks include 0 on a symmetric axis and stay within it', () => {
    const t = ticks(-0.37, 0.37, 6);
    expect(t).toContain(0);
    for (const x of t) expect(Math.abs(x)).toBeLessThanOrEqual(0.37);
  });

  it('numbers are short and never -0', () => {
    expect(n1(-0.01)).toBe('0');
    expect(n1(12.345)).toBe('12.3');
    expect(n1(3)).toBe('3');
    expect(n1(Number.NaN)).toBe('0');
  });

  it('workers sort naturally', () => {
    expect(['worker-10', 'worker-2', 'worker-1', 'a/worker-3'].sort(naturalCompare)).toEqual(['a/worker-3', 'worker-1', 'worker-2', 'worker-10']);
  });
});

describe('share bar', () => {
  it('widths follow the shares; an uncertain boundary is hatched over its bounds', () => {
    const svg = shareBar({ user: 0.5, flyte: 0.25, external: 0.25, b1: { lo: 0.4, hi: 0.6 } }, 'x', 400);
    expect(svg).toContain('<rect class="u" x="0" y="0" width="200"');
    expect(svg).toContain('<rect class="f" x="200" y="0" width="100"');
    expect(svg).toContain('<rect class="x" x="300" y="0" width="100"');
    expect(svg).toContain('<rect class="h" x="160" y="0" width="80"');
    expect(tagProblems(svg)).toEqual([]);
  });
});

describe('node selection', () => {
  const report = computeReport(recordingOf([wideExecution('w', 300, { chain: 5 })])).executions[0]!;

  it('keeps every node up to the cap, in runnable order', () => {
    const all = selectNodes(report, 400);
    expect(all.nodes.length).toBe(report.nodes.length);
    expect(all.note).toBeUndefined();
    for (let i = 1; i < all.nodes.length; i++) expect(all.nodes[i]!.runnableAtNs).toBeGreaterThanOrEqual(all.nodes[i - 1]!.runnableAtNs);
  });

  it('beyond the cap: the critical path plus the longest nodes', () => {
    const sel = selectNodes(report, 20);
    const ids = new Set(sel.nodes.map((n) => n.id));
    for (const id of report.criticalPath.nodes) expect(ids.has(id)).toBe(true);
    const longest = [...report.nodes].sort((a, b) => b.timeNs - a.timeNs).slice(0, 20);
    const minShownLongest = Math.min(...longest.map((n) => n.timeNs));
    for (const n of report.nodes) if (n.timeNs > minShownLongest) expect(ids.has(n.id), n.id).toBe(true);
    expect(sel.nodes.length).toBeLessThanOrEqual(report.criticalPath.nodes.length + 20);
    expect(sel.note).toContain(`of ${report.nodes.length} nodes drawn`);
  });
});

describe('tag checker', () => {
  it('finds unclosed, misnested and stray markup', () => {
    expect(tagProblems('<div><p>x</div>').length).toBeGreaterThan(0);
    expect(tagProblems('<div>').length).toBe(1);
    expect(tagProblems('<p>a < b</p>').length).toBe(1);
    expect(tagProblems('<svg><rect x="1"/></svg><meta charset="utf-8"><style>a>b{}</style>')).toEqual([]);
  });
});
