/**
 * The HTML pages in a real browser (headless Chromium through playwright-core): every kind of page
 * the command line writes (`report --html` of a folded log, `simulate --html`, `whatif --html`,
 * `sweep --html`), made by the CLI itself and opened from its file as a person would. Nothing fails
 * to load or is fetched; headings, tables and charts show with a size, and so do the figures the
 * text report printed; the page fits a laptop and a phone-wide window; SVG text stays inside its
 * chart; each chart mark shows its own tooltip; closed sections open on a click; a screenshot shows
 * the charts in the overhead colours.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import {
  CHARTS,
  HEADINGS_AND_TABLES,
  LAYOUT,
  SECTIONS,
  SVG_TEXT_OUTSIDE,
  TOOLTIPS,
  countColour,
  decodePng,
  hex,
  launchChromium,
  measure,
  type ChartBox,
  type LayoutReport,
  PageUnderTest,
  type SectionState,
  type Shown,
  type Viewport,
} from './browser.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LAPTOP: Viewport = { width: 1280, height: 800 };
const NARROW: Viewport = { width: 420, height: 800 };
/** The overhead categories' fills (html-page.ts): user, Flyte, external. */
const COLOURS = { user: '#0072b2', Flyte: '#e69f00', external: '#009e73' };

/** The cells of the first line of a text report that matches `row` (columns are 2+ spaces apart). */
function cells(text: string, row: RegExp): string[] {
  const line = text.split('\n').find((l) => row.test(l));
  if (line === undefined) throw new Error(`no line matching ${row} in the text report:\n${text}`);
  return line.split(/\s{2,}/);
}

interface PageSpec {
  name: string;
  args: (html: string) => string[];
  /** Text the page must show, some of it taken from what the command printed. */
  shows: (stdout: string) => string[];
  /** A chart that draws all three overhead categories. */
  colourChart: string;
  /** The summary table links to each execution's section. */
  links: boolean;
}

const SPECS: PageSpec[] = [
  {
    name: 'report of a folded log',
    args: (html) => ['report', `${ROOT}recordings/hello-world.jsonl`, '--html', html],
    shows: (out) => ['fd5d4ee88f9dc4436a76', 'start-node', 'n0', 'end-node', 'Handle calls by worker', `makespan ${cells(out, /^\s+makespan\s/)[2]}`],
    colourChart: 'svg[aria-label^="timeline of execution"]',
    links: true,
  },
  {
    name: 'simulate',
    args: (html) => ['simulate', `${ROOT}scenarios/hello.yaml`, '--html', html],
    shows: (out) => ['hello-0001', 'n0', 'Handle calls by worker', 'Seed 1.', `makespan ${cells(out, /^\s+makespan\s/)[2]}`],
    colourChart: 'svg[aria-label^="timeline of execution"]',
    links: true,
  },
  {
    name: 'whatif',
    args: (html) => ['whatif', `${ROOT}scenarios/chained-cache.yaml`, '--preset', 'halve-event-latency', '--reps', '3', '--min-reps', '3', '--jobs', '1', '--html', html],
    shows: (out) => {
      const [, , baseline, variant] = cells(out, /^\s+makespan\s/);
      return ['events.*.latency × 0.5', 'cold-0001', 'warm-0001', '3 paired replications', `makespan\t${baseline}\t${variant}`];
    },
    colourChart: 'svg[aria-label="overhead of baseline and variant"]',
    links: false,
  },
  {
    name: 'sweep',
    args: (html) => ['sweep', `${ROOT}scenarios/chained-cache.yaml`, '--vary', 'propeller.workers=1,4', '--reps', '2', '--min-reps', '2', '--jobs', '1', '--html', html],
    shows: (out) => ['propeller.workers set to 1, 4', 'baseline: 20', `1\t2\t${cells(out, /^\s+1\s{2,}\d/)[3]}`],
    colourChart: 'svg[aria-label="overhead of the baseline and of each value"]',
    links: false,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'propsim-browser-'));
const made = new Map<string, { file: string; stdout: string }>();
/** One tab per page, opened afresh by each test. */
const tabs = new Map<string, PageUnderTest>();
let browser: Browser | undefined;
let launchError: unknown;

beforeAll(async () => {
  for (const s of SPECS) {
    const file = join(dir, `${s.name.replace(/\W+/g, '-')}.html`);
    const r = await runCli(s.args(file));
    if (r.code !== 0) throw new Error(`propsim ${s.args(file).join(' ')} exited with ${r.code}: ${r.err}`);
    made.set(s.name, { file, stdout: r.out });
  }
  // Kept, not thrown: every test then fails with the one message saying how to get Chromium.
  try {
    browser = await launchChromium();
  } catch (e) {
    launchError = e;
  }
}, 120_000);

afterAll(async () => {
  for (const p of tabs.values()) await p.close();
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Opens the page afresh, runs `use`, and then checks what every test checks: after all it did
 * (opening sections, clicking, scrolling, a screenshot) no console error, no page error, and no
 * request but the file itself (the page is self-contained).
 */
async function withPage(spec: PageSpec, viewport: Viewport, use: (p: PageUnderTest, stdout: string) => Promise<void>): Promise<void> {
  if (!browser) throw launchError;
  const m = made.get(spec.name)!;
  let p = tabs.get(spec.name);
  if (!p) tabs.set(spec.name, (p = await PageUnderTest.create(browser, m.file)));
  await p.load(viewport);
  await use(p, m.stdout);
  expect(p.problems).toEqual([]);
  expect(p.requests).toEqual([p.url]);
}

/** Opens every <details> (by script: clicking each is the test of its own). */
async function openAll(p: PageUnderTest): Promise<void> {
  await p.page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");
}

describe.each(SPECS)('$name page in Chromium', (spec) => {
  it('loads with no error or request but its file; shows its headings, tables and charts with a size, and the figures the text report printed', async () => {
    await withPage(spec, LAPTOP, async (p, stdout) => {
      const blocks = await measure<Shown[]>(p.page, HEADINGS_AND_TABLES);
      const count = (tag: string): number => blocks.filter((b) => b.tag === tag).length;
      expect([count('h1'), count('h2') >= 3, count('table') >= 1]).toEqual([1, true, true]);
      expect(blocks.filter((b) => !b.shown || b.height < 10)).toEqual([]);
      expect(blocks[0]!.text.length).toBeGreaterThan(10);
      const charts = await measure<ChartBox[]>(p.page, CHARTS);
      const shown = charts.filter((c) => !c.hidden);
      expect(shown.length).toBeGreaterThanOrEqual(1);
      expect(shown.filter((c) => !(c.width > 0 && c.height > 0))).toEqual([]);
      // innerText is the rendered text: table cells come tab-separated, SVG text is included.
      const text = await p.page.locator('body').innerText();
      for (const s of spec.shows(stdout)) expect(text).toContain(s);
    });
  });

  it.each([LAPTOP, NARROW])('fits a $width px wide window: nothing past its right edge, wide tables scroll in their own box', async (viewport) => {
    await withPage(spec, viewport, async (p) => {
      await openAll(p);
      const l = await measure<LayoutReport>(p.page, LAYOUT);
      expect(l.clientWidth).toBe(viewport.width);
      expect(l.pastEdge).toEqual([]);
      expect(l.scrollWidth).toBeLessThanOrEqual(l.clientWidth);
      expect(l.tables.length).toBeGreaterThanOrEqual(1);
      for (const t of l.tables) {
        expect(t.right).toBeLessThanOrEqual(l.clientWidth);
        if (t.scrollWidth > t.clientWidth + 1) {
          expect(['auto', 'scroll']).toContain(t.overflowX);
          expect(t.lastCellShown).toBe(true);
        }
      }
      const charts = await measure<ChartBox[]>(p.page, CHARTS);
      for (const c of charts) expect(c.width, c.label).toBeLessThanOrEqual(viewport.width - 20);
    });
  });

  it('keeps SVG text inside its chart, and each chart mark shows its own tooltip under the pointer', async () => {
    await withPage(spec, LAPTOP, async (p) => {
      await openAll(p);
      // The whole page in the window: every mark can be hit without scrolling.
      const height = Number(await p.page.evaluate('document.documentElement.scrollHeight'));
      await p.page.setViewportSize({ width: LAPTOP.width, height });
      const text = await measure<{ checked: number; outside: string[] }>(p.page, SVG_TEXT_OUTSIDE);
      expect(text.checked).toBeGreaterThan(5);
      expect(text.outside).toEqual([]);
      const tips = await measure<{ marks: number; wrong: string[] }>(p.page, TOOLTIPS);
      expect(tips.marks).toBeGreaterThanOrEqual(3);
      expect(tips.wrong).toEqual([]);
    });
  });

  it('opens each closed section on a click and shows what it holds', async () => {
    await withPage(spec, LAPTOP, async (p) => {
      const before = await measure<SectionState[]>(p.page, SECTIONS);
      expect(before.length).toBeGreaterThanOrEqual(1);
      // Closed, with nothing of their content drawn.
      expect(before.filter((d) => d.open || d.shown)).toEqual([]);
      for (const summary of await p.page.locator('details > summary').all()) await summary.click();
      const after = await measure<SectionState[]>(p.page, SECTIONS);
      expect(after.filter((d) => !d.open || !d.shown || d.contentHeight <= 10)).toEqual([]);
      const charts = await measure<ChartBox[]>(p.page, CHARTS);
      expect(charts.filter((c) => c.hidden || !(c.width > 0 && c.height > 0))).toEqual([]);
      if (spec.links) {
        const link = p.page.locator('table a[href^="#"]').first();
        const href = (await link.getAttribute('href'))!;
        await link.click();
        expect(await p.page.evaluate('location.hash')).toBe(href);
        const box = await p.page.locator(`${href} > h2`).boundingBox();
        expect(box).not.toBeNull();
        expect(box!.y).toBeGreaterThanOrEqual(-1);
        expect(box!.y + box!.height).toBeLessThanOrEqual(LAPTOP.height);
      }
    });
  });

  it('renders a screenshot that is not blank, with the three overhead colours in its chart', async () => {
    await withPage(spec, LAPTOP, async (p) => {
      const shot = decodePng(await p.page.screenshot());
      expect([shot.width, shot.height]).toEqual([LAPTOP.width, LAPTOP.height]);
      const pixels = shot.width * shot.height;
      const white = countColour(shot, [255, 255, 255], 2);
      expect((pixels - white) / pixels).toBeGreaterThan(0.03);
      const chart = decodePng(await p.page.locator(spec.colourChart).first().screenshot());
      for (const [name, colour] of Object.entries(COLOURS)) expect(countColour(chart, hex(colour)), name).toBeGreaterThan(20);
    });
  });
});
