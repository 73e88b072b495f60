/** Longest excerpt of the user's input an error message quotes (a binary file must not flood the terminal). */
export const MAX_EXCERPT = 80;

/** `text` cut to `max` characters, with an ellipsis when cut. */
export function clipExcerpt(text: string, max = MAX_EXCERPT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A mistake in the user's input (file, line or field). The CLI prints it as one line and exits
 * with code 2; it never shows a stack trace for these.
 */
export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly path?: string;

  constructor(message: string, where: { file?: string; line?: number; path?: string } = {}) {
    super(message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.path = where.path;
  }

  /** `file:line: path: message`, with the parts that are known (standard input, `-`, says `stdin`). */
  oneLine(): string {
    const file = this.file === '-' ? 'stdin' : this.file;
    const loc = [file, this.line !== undefined ? String(this.line) : undefined].filter(Boolean).join(':');
    const parts = [loc, this.path, this.message].filter((p) => p !== undefined && p !== '');
    return parts.join(': ');
  }
}

/**
 * A `JSON.parse` failure as a user reads it: the message without its character offset, and the
 * line that offset falls on (Node names a position, a reader looks for a line).
 */
export function jsonSyntaxError(text: string, e: unknown): { message: string; line?: number } {
  const raw = (e as Error).message;
  const m = / in JSON at position (\d+)/.exec(raw);
  const message = clipExcerpt(raw.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'the JSON ends early (cut off?)'), 2 * MAX_EXCERPT);
  if (!m) return { message };
  const at = Math.min(Number(m[1]), text.length);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return { message, line };
}
