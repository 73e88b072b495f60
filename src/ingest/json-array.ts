/**
 * Log entries given as one JSON array instead of one JSON object per line: `gcloud logging read
 * --format=json` and the Cloud Console's log download print them so, pretty-printed over many
 * lines. The array is rewritten, as it streams, into one line per entry, so that the line reader
 * and the folder see the same records as in a JSON-lines log; memory holds one entry at most.
 */

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

function isSpace(b: number): boolean {
  return b === 0x20 || b === NEWLINE || b === 0x0d || b === 0x09;
}

/** Index after a UTF-8 byte-order mark and white space. */
function firstToken(head: Uint8Array, from = 0): number {
  let i = from;
  if (i === 0 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) i = 3;
  while (i < head.length && isSpace(head[i]!)) i++;
  return i;
}

/**
 * True when the input begins as a JSON array of objects (`[` then `{` or `]`), which no log line
 * does: a text line that starts with `[` goes on with a date or a level, not a brace.
 */
export function startsAsJsonArray(head: Uint8Array): boolean {
  const i = firstToken(head);
  if (head[i] !== OPEN_BRACKET) return false;
  const j = firstToken(head, i + 1);
  return j >= head.length || head[j] === OPEN_BRACE || head[j] === CLOSE_BRACKET;
}

/**
 * Rewrites a JSON array to one element per line, chunk by chunk. White space between an
 * element's tokens is dropped (JSON strings cannot hold a raw line break), which leaves the
 * compact line that the reader's fast decoder takes. Several arrays one after another (pages of
 * output appended to one file) read as one. Text outside any array is kept as lines of its own,
 * for the reader to count as unreadable.
 *
 * `onLine(line)` is called with the source line (1-based) each output line starts on, in order,
 * so that the reader's line numbers can be mapped back to the file's lines.
 */
export class JsonArrayLines {
  private inArray = false;
  private inElement = false;
  /** The element is a string, number or literal: a comma or `]` ends it. */
  private scalar = false;
  /** Braces and brackets open inside the element. */
  private nest = 0;
  private inString = false;
  private escaped = false;
  /** A line of text outside any array is being copied. */
  private stray = false;
  private line = 1;
  /** Bytes of a UTF-8 byte-order mark matched so far at the input's start (-1: past the start). */
  private bom = 0;

  constructor(private readonly onLine?: (line: number) => void) {}

  /** The output lines (and line parts) of the next chunk. */
  push(chunk: Uint8Array): Buffer {
    // each input byte gives at most two output bytes (a closing brace and its newline)
    const out = Buffer.allocUnsafe(chunk.length * 2);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.bom >= 0) {
        // a byte-order mark may arrive split over chunks
        if (b === BOM[this.bom]) {
          if (++this.bom === BOM.length) this.bom = -1;
          continue;
        }
        this.bom = -1;
      }
      if (b === NEWLINE) this.line++;
      if (this.inString) {
        out[n++] = b;
        if (this.escaped) this.escaped = false;
        else if (b === BACKSLASH) this.escaped = true;
        else if (b === QUOTE) this.inString = false;
        continue;
      }
      if (this.stray) {
        out[n++] = b;
        if (b === NEWLINE) this.stray = false;
        continue;
      }
      if (!this.inElement) {
        if (isSpace(b)) continue;
        if (!this.inArray) {
          if (b === OPEN_BRACKET) this.inArray = true;
          else {
            this.onLine?.(this.line);
            this.stray = true;
            out[n++] = b;
          }
          continue;
        }
        if (b === CLOSE_BRACKET) this.inArray = false;
        else if (b !== COMMA) {
          this.onLine?.(this.line);
          this.inElement = true;
          this.scalar = b !== OPEN_BRACE && b !== OPEN_BRACKET;
          this.nest = this.scalar ? 0 : 1;
          this.inString = b === QUOTE;
          out[n++] = b;
        }
        continue;
      }
      if (this.scalar && (b === COMMA || b === CLOSE_BRACKET)) {
        out[n++] = NEWLINE;
        this.inElement = false;
        if (b === CLOSE_BRACKET) this.inArray = false;
        continue;
      }
      if (isSpace(b)) continue;
      out[n++] = b;
      if (b === QUOTE) this.inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.nest++;
      else if ((b === CLOSE_BRACE || b === CLOSE_BRACKET) && --this.nest === 0 && !this.scalar) {
        out[n++] = NEWLINE;
        this.inElement = false;
      }
    }
    return out.subarray(0, n);
  }

  /** The end of the input: a cut-off element or stray text still ends its line, for the reader to count. */
  end(): Buffer {
    const open = this.inElement || this.stray;
    this.inElement = false;
    this.stray = false;
    return open ? Buffer.from([NEWLINE]) : Buffer.alloc(0);
  }
}
