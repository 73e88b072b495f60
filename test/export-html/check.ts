/**
 * Checks on the emitted HTML: every element of the subset the pages use is closed in order (void
 * elements and `/>` self-closing SVG elements excepted), and the page names no external resource.
 */
const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', 'col', 'wbr']);
/** Elements whose content is raw text (no tags inside). */
const RAW = new Set(['style', 'script']);

export interface TagProblem {
  at: number;
  problem: string;
}

/** Tag-balance problems (empty when the page is well-formed for the subset it uses). */
export function tagProblems(html: string): TagProblem[] {
  const problems: TagProblem[] = [];
  const stack: { name: string; at: number }[] = [];
  const re = /<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<(\/?)([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>|<|>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) !== null) {
    const whole = m[0];
    if (whole.startsWith('<!')) continue;
    if (whole === '<' || whole === '>') {
      problems.push({ at: m.index, problem: `stray "${whole}" (unescaped text or a malformed tag)` });
      continue;
    }
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    const selfClosing = m[4] === '/';
    if (closing) {
      const top = stack.pop();
      if (!top) problems.push({ at: m.index, problem: `</${name}> closes nothing` });
      else if (top.name !== name) problems.push({ at: m.index, problem: `</${name}> closes <${top.name}> opened at ${top.at}` });
      continue;
    }
    if (selfClosing || VOID.has(name)) continue;
    stack.push({ name, at: m.index });
    if (RAW.has(name)) {
      const end = html.indexOf(`</${name}>`, re.lastIndex);
      if (end < 0) problems.push({ at: m.index, problem: `<${name}> never closed` });
      else re.lastIndex = end;
    }
  }
  for (const open of stack) problems.push({ at: open.at, problem: `<${open.name}> never closed` });
  return problems;
}

/** References to anything outside the file, and scripts (the pages need none). */
export function selfContainmentProblems(html: string): string[] {
  const found: string[] = [];
  for (const re of [/https?:\/\//gi, /\bsrc\s*=/gi, /<link\b/gi, /@import/gi, /url\((?!#)/gi, /<script\b/gi, /<iframe\b/gi]) {
    for (const m of html.matchAll(re)) found.push(`${m[0]} at ${m.index}`);
  }
  return found;
}

/** The page's text with tags removed and the five entities undone (for content checks). */
export function textOf(html: string): string {
  return html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
