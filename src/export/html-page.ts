/**
 * The page shell shared by the report and what-if pages: one self-contained document with inline
 * CSS, a hidden SVG holding the hatch pattern that every chart refers to, and the colour legend.
 *
 * Palette: Okabe–Ito (distinguishable with the common colour-vision deficiencies) with distinct
 * lightness, so user (dark blue), external (green) and Flyte (light orange) also separate in a
 * grey-scale print; `print-color-adjust: exact` keeps the fills when printing.
 *
 * Narrow windows: a table wider than the window scrolls sideways in its own box (it may use the
 * window's width beyond the text column first), and long unbroken words (workflow names) wrap, so
 * the page itself never scrolls sideways; charts shrink to fit.
 */
import { esc } from './html-svg.js';

const CSS = `
:root{--u:#0072b2;--f:#e69f00;--x:#009e73;--ink:#1a1a1a;--mute:#666;--rule:#ddd}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#fff;margin:0 auto;padding:16px 20px 40px;max-width:1040px;overflow-wrap:break-word;-webkit-print-color-adjust:exact;print-color-adjust:exact}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-top:2px solid var(--ink);padding-top:8px;word-break:break-all}h3{font-size:14px;margin:14px 0 4px}
p,ul{margin:4px 0}.meta{color:var(--mute)}.note{color:var(--mute);font-size:12.5px}.warn{background:#fff4d6;border-left:4px solid var(--f);padding:4px 8px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
table{border-collapse:collapse;margin:6px 0;font-size:12.5px;display:block;width:max-content;max-width:calc(100vw - 40px - max(0px,(100vw - 1040px)/2));overflow-x:auto}th,td{padding:2px 8px;text-align:right;border-bottom:1px solid var(--rule);vertical-align:middle;white-space:nowrap}
th{background:#f4f4f4;font-weight:600}td.l,th.l{text-align:left}td.id{text-align:left;word-break:break-all;max-width:320px;white-space:normal}
tr.grp td{border-top:1px solid #999}
a{color:#0a4f8a}
.legend{display:flex;flex-wrap:wrap;gap:14px;margin:8px 0;font-size:12.5px}.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:14px;height:11px;border:1px solid #0006}.sw.u{background:var(--u)}.sw.f{background:var(--f)}.sw.x{background:var(--x)}
.sw.h{background:repeating-linear-gradient(45deg,#0008 0 2px,#fff 2px 4px)}.sw.hc{background:#888}.sw.rc{background:#333}.sw.rn{background:#bbb}.sw.re{background:#d55e00}
.mb{display:inline-flex;width:120px;height:10px;border:1px solid #0004;vertical-align:middle}.mb span{display:block;height:100%}
.bu{background:var(--u)}.bf{background:var(--f)}.bx{background:var(--x)}
svg.chart{display:block;max-width:100%;height:auto;margin:4px 0}svg.bar{display:block}
svg text{font:10px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--ink)}
svg .tick{text-anchor:middle;fill:var(--mute)}svg .lab{text-anchor:end}svg .lab2{text-anchor:start}svg .sec{font-weight:600}
.u{fill:var(--u)}.f{fill:var(--f)}.x{fill:var(--x)}.h{fill:url(#hatch)}
.grid{stroke:#e6e6e6;stroke-width:1}.zero{stroke:#555;stroke-width:1}.end{stroke:#d55e00;stroke-width:1;stroke-dasharray:3 2}
.row{fill:#f7f7f7}.hc{fill:#888;fill-opacity:.35}.rc{fill:#333}.rn{fill:#bbb}.re{fill:#d55e00}.qw{stroke:#888;stroke-width:1;pointer-events:none}.agg{fill:#555}
.ci{stroke:var(--ink);stroke-width:1.5}.pt{fill:var(--ink);stroke:var(--ink)}.pt.open{fill:#fff}
details{margin:6px 0}summary{cursor:pointer;color:#0a4f8a}
@media print{body{max-width:none;padding:0}table{display:table;max-width:none}h2{break-before:auto;break-after:avoid}svg,table{break-inside:avoid}}
`;

/** A hidden SVG defining the hatch pattern (not display:none, which would disable the pattern). */
const DEFS =
  '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>' +
  '<pattern id="hatch" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)">' +
  '<rect width="2.2" height="5" fill="#000" fill-opacity=".5"/></pattern></defs></svg>';

export interface PageParts {
  title: string;
  body: string[];
}

/** The complete document. */
export function page(p: PageParts): string {
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${esc(p.title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n${DEFS}\n` +
    `${p.body.join('\n')}\n</body>\n</html>\n`
  );
}

/** Colour legend of the overhead categories (and, when asked, of the Handle-call lane). */
export function legend(opts: { hatch?: boolean; handles?: boolean } = {}): string {
  const items = [
    '<span><i class="sw u"></i>user (container running)</span>',
    '<span><i class="sw x"></i>external (pod start, exit → observed, child executions)</span>',
    '<span><i class="sw f"></i>Flyte (waiting for rounds, events, etcd, blobstore, catalog)</span>',
  ];
  if (opts.hatch) items.push('<span><i class="sw h"></i>uncertainty (coarse timestamps)</span>');
  if (opts.handles) {
    items.push('<span><i class="sw hc"></i>Handle call</span>');
    items.push('<span><i class="sw rc"></i>round that changed status</span>');
    items.push('<span><i class="sw rn"></i>no-op round</span>');
    items.push('<span><i class="sw re"></i>failed round</span>');
  }
  return `<div class="legend">${items.join('')}</div>`;
}
