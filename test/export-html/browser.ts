/**
 * Headless Chromium for the page tests: Debian's chromium (or the binary PROPSIM_CHROMIUM names)
 * driven by playwright-core; each page opened from its file in a context of its own, with every
 * console error, page error and request recorded. Also the in-page measurements (plain JavaScript
 * strings: the project's type check knows no DOM) and a small PNG reader for screenshots.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { inflateSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PROPSIM_CHROMIUM || '/usr/bin/chromium';

const INSTALL = "install Debian's Chromium (apt-get install chromium) or set PROPSIM_CHROMIUM to a Chromium binary";

// With only the package registries reachable, Chromium's own background connections (updates,
// sync, QUIC probes) would fail at every start; playwright adds --headless and a fresh profile.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** An error reported as its message alone: the message says what to do, a stack would only hide it. */
function plainError(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw plainError(`browser tests: no Chromium at ${CHROMIUM}: ${INSTALL}`);
  try {
    return await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 60_000 });
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw plainError(`browser tests: Chromium at ${CHROMIUM} did not start (${first}); ${INSTALL}`);
  }
}

export interface Viewport {
  width: number;
  height: number;
}

/**
 * One page file in a tab of its own: `load` opens it afresh at a window size, and what it then
 * does is recorded (every request, console errors, page errors, failed requests).
 */
export class PageUnderTest {
  readonly url: string;
  /** Requests since the last `load`, the file itself first. */
  readonly requests: string[] = [];
  /** Console errors, uncaught page errors and failed requests since the last `load`. */
  readonly problems: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
    file: string,
  ) {
    this.url = pathToFileURL(file).href;
    page.on('request', (r) => this.requests.push(r.url()));
    page.on('requestfailed', (r) => this.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? '?'})`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
  }

  static async create(browser: Browser, file: string): Promise<PageUnderTest> {
    const context = await browser.newContext({ deviceScaleFactor: 1 });
    return new PageUnderTest(await context.newPage(), context, file);
  }

  /** Opens the file afresh (sections closed, scrolled to the top) in a window of `viewport`'s size. */
  async load(viewport: Viewport): Promise<void> {
    this.requests.length = 0;
    this.problems.length = 0;
    await this.page.setViewportSize(viewport);
    await this.page.goto(this.url, { waitUntil: 'load' });
  }

  close(): Promise<void> {
    return this.context.close();
  }
}

/** Runs one of the in-page measurements below (each the source of a function of no arguments). */
export async function measure<T>(page: Page, fn: string): Promise<T> {
  return (await page.evaluate(`(${fn})()`)) as T;
}

export interface LayoutReport {
  scrollWidth: number;
  clientWidth: number;
  /** Text or replaced content (SVG) reaching past the window's right edge outside any scrolling box. */
  pastEdge: string[];
  tables: { clientWidth: number; scrollWidth: number; overflowX: string; right: number; lastCellShown: boolean }[];
}

/**
 * Horizontal layout: the document's widths, content past the window's right edge that is not
 * inside a box that scrolls sideways, and for each table whether it fits or scrolls in its own
 * box (and scrolling it to its end brings its last column into view).
 */
export const LAYOUT = `() => {
  const cw = document.documentElement.clientWidth;
  const inScroller = (node) => {
    for (let el = node.parentElement; el && el !== document.body; el = el.parentElement) {
      if (/^(auto|scroll)$/.test(getComputedStyle(el).overflowX)) return true;
    }
    return false;
  };
  const pastEdge = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.textContent.trim() || t.parentElement.closest('svg') || inScroller(t)) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    for (const r of range.getClientRects()) {
      if (r.width > 0 && r.right > cw + 1) { pastEdge.push('text "' + t.textContent.trim().slice(0, 60) + '" reaches ' + Math.round(r.right)); break; }
    }
  }
  for (const s of document.querySelectorAll('body svg[viewBox]')) {
    const r = s.getBoundingClientRect();
    if (r.width > 0 && r.right > cw + 1 && !inScroller(s)) pastEdge.push('svg "' + s.getAttribute('aria-label') + '" reaches ' + Math.round(r.right));
  }
  const tables = [...document.querySelectorAll('table')].filter((t) => t.getClientRects().length > 0).map((t) => {
    const before = t.scrollLeft;
    t.scrollLeft = t.scrollWidth;
    const row = t.rows[0];
    const last = row && row.cells[row.cells.length - 1];
    const lastCellShown = !last || last.getBoundingClientRect().right <= t.getBoundingClientRect().right + 1;
    t.scrollLeft = before;
    return { clientWidth: t.clientWidth, scrollWidth: t.scrollWidth, overflowX: getComputedStyle(t).overflowX, right: t.getBoundingClientRect().right, lastCellShown };
  });
  return { scrollWidth: document.documentElement.scrollWidth, clientWidth: cw, pastEdge, tables };
}`;

export interface Shown {
  tag: string;
  text: string;
  shown: boolean;
  height: number;
}

/** The headings, and the tables outside closed sections: whether each shows and how tall it is. */
export const HEADINGS_AND_TABLES = `() => [...document.querySelectorAll('h1, h2, table')]
  .filter((e) => e.tagName !== 'TABLE' || !e.closest('details'))
  .map((e) => ({ tag: e.tagName.toLowerCase(), text: e.innerText.slice(0, 60), shown: e.checkVisibility(), height: e.getBoundingClientRect().height }))`;

export interface ChartBox {
  label: string;
  cls: string;
  width: number;
  height: number;
  /** Inside a <details> that is closed (not rendered until opened). */
  hidden: boolean;
}

/** Every chart (svg.chart, svg.bar) with its rendered size. */
export const CHARTS = `() => [...document.querySelectorAll('svg.chart, svg.bar')].map((s) => {
  const r = s.getBoundingClientRect();
  const d = s.closest('details');
  return { label: s.getAttribute('aria-label') || '', cls: s.getAttribute('class') || '', width: r.width, height: r.height, hidden: d !== null && !d.open };
})`;

export interface SectionState {
  summary: string;
  open: boolean;
  /** Whether anything the section holds besides its summary is shown (CSS visibility, not only layout). */
  shown: boolean;
  /** Height of what the section holds besides its summary. */
  contentHeight: number;
}

/**
 * Each <details>: its summary, whether it is open, and whether and how tall its content shows
 * (Chromium lays out a closed section's content without showing it: checkVisibility tells).
 */
export const SECTIONS = `() => [...document.querySelectorAll('details')].map((d) => {
  let h = 0;
  let shown = false;
  for (const c of d.children) {
    if (c.tagName.toLowerCase() === 'summary') continue;
    h += c.getBoundingClientRect().height;
    shown = shown || c.checkVisibility();
  }
  return { summary: d.querySelector('summary').textContent, open: d.open, shown, contentHeight: h };
})`;

/** SVG text whose box leaves its SVG's viewBox (by more than 1 unit), with the amount. */
export const SVG_TEXT_OUTSIDE = `() => {
  const out = [];
  let checked = 0;
  for (const s of document.querySelectorAll('svg[viewBox]')) {
    const vb = s.viewBox.baseVal;
    for (const t of s.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.width === 0) continue;
      checked++;
      const over = Math.max(vb.x - b.x, vb.y - b.y, b.x + b.width - (vb.x + vb.width), b.y + b.height - (vb.y + vb.height));
      if (over > 1) out.push('"' + t.textContent + '" in "' + s.getAttribute('aria-label') + '" by ' + over.toFixed(1));
    }
  }
  return { checked, outside: out };
}`;

/**
 * Tooltips under the pointer: for every titled mark group of the charts (and every share bar), the
 * title the browser would show at the centre of its first drawn mark, which must be the group's own
 * (not hidden under another element, not missing).
 */
export const TOOLTIPS = `() => {
  const shown = (x, y) => {
    for (let el = document.elementFromPoint(x, y); el; el = el.parentElement) {
      const t = [...el.children].find((c) => c.tagName.toLowerCase() === 'title');
      if (t) return t.textContent;
      if (el.getAttribute('title')) return el.getAttribute('title');
    }
    return null;
  };
  const marks = [];
  for (const s of document.querySelectorAll('svg.chart')) {
    if (s.getBoundingClientRect().width === 0) continue;
    for (const g of s.querySelectorAll('g')) {
      const title = [...g.children].find((c) => c.tagName.toLowerCase() === 'title');
      const mark = [...g.children].find((c) => c.tagName.toLowerCase() === 'rect' && !/\\b(row|h)\\b/.test(c.getAttribute('class') || ''));
      if (title && mark) marks.push([title.textContent, mark]);
    }
  }
  for (const s of document.querySelectorAll('svg.bar')) {
    const title = [...s.children].find((c) => c.tagName.toLowerCase() === 'title');
    const mark = s.querySelector('rect');
    if (title && mark && s.getBoundingClientRect().width > 0) marks.push([title.textContent, mark]);
  }
  const wrong = [];
  for (const [want, mark] of marks) {
    let r = mark.getBoundingClientRect();
    if (r.top < 0 || r.bottom > innerHeight) {
      mark.scrollIntoView({ block: 'center' });
      r = mark.getBoundingClientRect();
    }
    const got = shown(r.left + r.width / 2, r.top + r.height / 2);
    if (got !== want) wrong.push('want "' + want.split('\\n')[0] + '", shown "' + (got || '(none)').split('\\n')[0] + '"');
  }
  window.scrollTo(0, 0);
  return { marks: marks.length, wrong };
}`;

export interface Png {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA). */
  channels: number;
  data: Uint8Array;
}

/** Decodes the 8-bit, non-interlaced RGB or RGBA PNGs that Chromium's screenshots are. */
export function decodePng(buf: Buffer): Png {
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at + 8 <= buf.length; ) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8];
      const colour = body[9];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || body[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${body[12]}`);
      channels = colour === 2 ? 3 : 4;
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i]!;
      const a = i >= channels ? data[row + i - channels]! : 0;
      const b = y > 0 ? data[row - stride + i]! : 0;
      const c = i >= channels && y > 0 ? data[row - stride + i - channels]! : 0;
      let v: number;
      switch (filter) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >> 1);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new Error(`bad PNG filter ${filter} on row ${y}`);
      }
      data[row + i] = v & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** Pixels within `tolerance` (per channel) of `rgb`. */
export function countColour(png: Png, rgb: readonly [number, number, number], tolerance = 8): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += png.channels) {
    if (Math.abs(png.data[i]! - rgb[0]) <= tolerance && Math.abs(png.data[i + 1]! - rgb[1]) <= tolerance && Math.abs(png.data[i + 2]! - rgb[2]) <= tolerance) n++;
  }
  return n;
}

/** `#rrggbb` as numbers. */
export function hex(c: string): [number, number, number] {
  const v = Number.parseInt(c.replace('#', ''), 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}
