/**
 * Docker's json-file log driver writes each container line as `{"log":"<line>\n","stream":..,
 * "time":..}`, but splits a line longer than 16 KiB over several such entries: every entry but the
 * last has no `\n` at the end of its `log`. This rewriter joins those pieces back into one entry
 * (the first piece's time and fields, the whole line), so the reader sees the propeller line whole.
 *
 * Entries that are whole lines (all but a few) pass through byte for byte: a line is only parsed
 * when it lacks the `\n","stream":` that ends a whole entry's `log`, or while a join of its
 * stream is open.
 */

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
/** What follows the `log` value of an entry that holds a whole line. */
const WHOLE = Buffer.from('\\n","stream":"');
const STREAM = Buffer.from('"stream":"');
/** A joined line longer than this is given up: what was gathered goes to the reader as it is. */
const MAX_JOIN = 8 * 1024 * 1024;

/**
 * True when the entry's `log` ends with a newline: its value ends `\n` before `","stream":"`. A
 * line that ends with a backslash and an `n` ends `\\n` there instead: the escape counts only
 * after an even run of backslashes.
 */
function endsWhole(bytes: Buffer): boolean {
  const i = bytes.indexOf(WHOLE);
  if (i < 0) return false;
  let k = i - 1;
  while (k >= 0 && bytes[k] === BACKSLASH) k--;
  return (i - 1 - k) % 2 === 0;
}

/** True when the input begins as a Docker json-file log (`{"log":"`). */
export function startsAsDockerJson(head: Uint8Array): boolean {
  const text = Buffer.from(head.subarray(0, 32)).toString('latin1').replace(/^\u00ef\u00bb\u00bf/, '');
  return /^\s*\{"log":"/.test(text);
}

interface Join {
  entry: Record<string, unknown>;
  parts: string[];
  bytes: number;
  line: number;
}

export class DockerPartialLines {
  private carry: Buffer[] = [];
  private line = 0;
  /** Open joins by stream (stdout, stderr). */
  private readonly joins = new Map<string, Join>();
  /** Entries joined into an earlier one (pieces after a line's first): lines the reader never sees. */
  absorbed = 0;

  constructor(private readonly onLine?: (line: number) => void) {}

  push(chunk: Buffer): Buffer {
    const out: Buffer[] = [];
    let p = 0;
    // A run of whole entries goes out as one slice of the chunk, not line by line.
    let run = -1;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, p)) {
      if (this.carry.length > 0) {
        const bytes = Buffer.concat([...this.carry, chunk.subarray(p, nl)]);
        this.carry = [];
        this.entry(bytes, out);
      } else {
        const bytes = chunk.subarray(p, nl);
        if (this.passesAsIs(bytes)) {
          this.onLine?.(++this.line);
          if (run < 0) run = p;
        } else {
          if (run >= 0) out.push(chunk.subarray(run, p));
          run = -1;
          this.entry(bytes, out);
        }
      }
      p = nl + 1;
    }
    if (run >= 0) out.push(chunk.subarray(run, p));
    if (p < chunk.length) this.carry.push(Buffer.from(chunk.subarray(p)));
    return Buffer.concat(out);
  }

  /** A whole line's entry, of a stream with no open join. */
  private passesAsIs(bytes: Buffer): boolean {
    return endsWhole(bytes) && (this.joins.size === 0 || !this.joins.has(streamOf(bytes)));
  }

  end(): Buffer {
    const out: Buffer[] = [];
    if (this.carry.length > 0) this.entry(Buffer.concat(this.carry), out);
    this.carry = [];
    // Lines whose last piece never came: what was gathered, for the reader to take or count.
    for (const j of [...this.joins.values()].sort((a, b) => a.line - b.line)) this.emitJoin(j, out);
    this.joins.clear();
    return Buffer.concat(out);
  }

  private entry(bytes: Buffer, out: Buffer[]): void {
    const line = ++this.line;
    if (this.passesAsIs(bytes)) {
      this.pass(bytes, line, out);
      return;
    }
    let e: Record<string, unknown> | undefined;
    try {
      const v: unknown = JSON.parse(bytes.toString('utf8'));
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { log?: unknown }).log === 'string') e = v as Record<string, unknown>;
    } catch {
      // not an entry: the reader counts it
    }
    if (e === undefined) {
      this.pass(bytes, line, out);
      return;
    }
    const log = e.log as string;
    const stream = typeof e.stream === 'string' ? e.stream : '';
    const open = this.joins.get(stream);
    if (open === undefined) {
      if (log.endsWith('\n')) this.pass(bytes, line, out);
      else this.joins.set(stream, { entry: e, parts: [log], bytes: log.length, line });
      return;
    }
    open.parts.push(log);
    open.bytes += log.length;
    this.absorbed++;
    if (log.endsWith('\n') || open.bytes > MAX_JOIN) {
      this.joins.delete(stream);
      this.emitJoin(open, out);
    }
  }

  private pass(bytes: Buffer, line: number, out: Buffer[]): void {
    this.onLine?.(line);
    out.push(Buffer.from(bytes), Buffer.from([NEWLINE]));
  }

  private emitJoin(j: Join, out: Buffer[]): void {
    this.onLine?.(j.line);
    out.push(Buffer.from(`${JSON.stringify({ ...j.entry, log: j.parts.join('') })}\n`, 'utf8'));
  }
}

/** The `stream` of an entry, read without parsing it ('' when it has none). */
function streamOf(bytes: Buffer): string {
  const at = bytes.indexOf(STREAM);
  if (at < 0) return '';
  const s = at + STREAM.length;
  const e = bytes.indexOf(0x22, s);
  return e < 0 ? '' : bytes.toString('latin1', s, e);
}
