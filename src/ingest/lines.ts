/**
 * The log line reader: bytes of propeller logs in any supported format -> `LogRecord`s, in
 * batches, in file order.
 *
 * - Splits lines on the byte level (1 MiB chunks; no readline), handles CRLF, counts physical
 *   lines 1-based per input.
 * - Every physical line ends up either in a record or counted in `LineStats.skipped` under a
 *   reason (`read === records + sum(skipped)` for the reader's own reasons).
 * - CRI `P` fragments are joined with the following fragments of the same stream up to the `F`
 *   line; the record carries the first fragment's line number and sits at its place in the output.
 * - Whole-second records get spread sub-second estimates (`spread.ts`); a batch holds only
 *   records whose estimate is final, so records are never changed after they are yielded.
 * - With `exec`, lines whose bytes do not contain the id are counted as 'filtered' without being
 *   decoded (a byte search over the whole chunk finds the candidates).
 */
import { isAscii } from 'node:buffer';
import type { Readable } from 'node:stream';
import type { LineStats } from '../timeline/types.js';
import { decodeInto, decodePayload, stripAnsi, trimmedEnd } from './decode.js';
import { newRecord, resetRecord } from './fields.js';
import { decodeStdlibBytes } from './json-bytes.js';
import { parsePrefix, type PrefixInfo } from './prefix.js';
import type { LogRecord, SkipReason } from './record.js';
import { inputBytes } from './input-bytes.js';
import { SecondSpreader } from './spread.js';
import { wholeSecondAt } from './ts-tail.js';
import { newDecodeState, noteFullSecond, type DecodeState } from './timestamps.js';

/** Called for each line that yields no record, except 'filtered' and 'joined' lines (not faults). */
export type SkipHook = (reason: SkipReason, file: string, line: number, text: string) => void;

export interface ReadOptions {
  /**
   * Execution id: lines whose raw bytes do not contain it are counted as 'filtered' and not
   * decoded. Lines that contain it are decoded normally (the caller checks the exact `execId`).
   */
  exec?: string;
  /**
   * Hook for lines that yield no record (reason, input label, 1-based line, line text). It may
   * throw to abort reading (the error propagates out of the iterator), e.g. for `--strict`.
   */
  onSkip?: SkipHook;
  /** Accumulator shared with later stages; the reader adds `read` and its skip reasons. */
  stats?: LineStats;
  /**
   * Grouping of whole-second records for sub-second estimates: 'stream' (default) = input +
   * replica, as propeller writes one stream in time order; 'execution' = input + replica +
   * execution (the `exec_id`, else the name an enqueue message is about: `name` of `[ns/name]`
   * in `==> Enqueueing workflow` and of `'ns/name'` in `added workflowID`, the pod of
   * `Enqueueing owner for updated object`). 'execution' makes an execution's estimates
   * independent of other executions' lines, and the same with and without `exec`.
   */
  spreadBy?: 'stream' | 'execution';
  /** Stream used for the input `-` (default process.stdin). */
  stdin?: Readable;
  /**
   * Decode canonical flytestdlib JSON lines straight from their bytes (default true); false
   * decodes every line as text (same records: tests compare the two).
   */
  byteDecoding?: boolean;
  /** Year for klog stamps before any dated timestamp was seen (default: the current UTC year). */
  fallbackYear?: number;
  /** Longest line kept (default 64 MiB); a longer one is counted as 'truncated' without buffering it. */
  maxLineBytes?: number;
  /**
   * Called when an input's first record is older than the last record of the inputs before it:
   * the inputs overlap in time, and are still read one after another, not merged.
   */
  onOverlap?: (file: string, previous: string) => void;
  /**
   * Called when an input lists its records newest first (`gcloud logging read` without
   * `--order=asc`): it is read from its end.
   */
  onNewestFirst?: (file: string) => void;
}

export function newLineStats(): LineStats {
  return { read: 0, used: 0, skipped: {} };
}

/** Adds `n` lines skipped for `reason`. */
export function countSkip(stats: LineStats, reason: SkipReason | string, n = 1): void {
  stats.skipped[reason] = (stats.skipped[reason] ?? 0) + n;
}

/** Sum of all skip counts. */
export function totalSkipped(stats: LineStats): number {
  let s = 0;
  for (const v of Object.values(stats.skipped)) s += v;
  return s;
}

const MAX_LINE_BYTES = 64 << 20;
/** Exec mode notes a dated timestamp (for klog years) at least this often, in input bytes. */
const SNIFF_BYTES = 1 << 20;
/** Bytes of input decoded per yielded batch. */
const BATCH_BYTES = 64 << 10;
/** A stream's open second is closed once the input has moved this many seconds past it. */
const QUIET_SECONDS = 10;
/** Most records kept for reuse. */
const MAX_FREE = 1 << 14;
/** Above this many records held back, open groups are closed early to bound memory. */
const MAX_PENDING = 1 << 17;

interface Join {
  rec: LogRecord;
  seq: number;
  line: number;
  parts: string[];
  bytes: number;
  /** Some fragment's raw line contains the exec id (exec mode). */
  hasId: boolean;
}

const NEWLINE = 10;

/** Buffer's own per-encoding slicers: `toString` minus its argument handling, per line. */
interface Slicers {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Decodes buf[a, b): Latin-1 when the chunk is known to be ASCII (same result, cheaper), else UTF-8. */
function decodeText(buf: Buffer, a: number, b: number, ascii: boolean): string {
  const s = buf as unknown as Slicers;
  return ascii ? s.latin1Slice(a, b) : s.utf8Slice(a, b);
}

/**
 * Incremental reader for one input: `push` byte chunks, then `end`; `take` returns the records
 * that are final so far, in file order.
 */
export class LineReader {
  readonly stats: LineStats;
  private readonly st: DecodeState;
  private readonly onSkip: SkipHook | undefined;
  private readonly exec: string | undefined;
  private readonly idBuf: Buffer | undefined;
  private readonly byExecution: boolean;
  private readonly maxLine: number;
  private readonly byteDecoding: boolean;
  // bytes of the unfinished last line, kept as pieces until its newline arrives
  private carry: Buffer[] = [];
  private carryLen = 0;
  private discarding = false;
  private lineNo = 0;
  private pending: (LogRecord | undefined)[] = [];
  private base = 0;
  private readonly spreader = new SecondSpreader();
  private readonly joins = new Map<string, Join>();
  private readonly recent = new RecentLines(DUPLICATE_WINDOW);
  private readonly tsTail = new StdlibTsTail();
  private maxSec = -Infinity;
  private sinceSniff = SNIFF_BYTES;
  // records handed back by the consumer (see `recycle`), reused instead of allocated
  private readonly free: LogRecord[] = [];

  constructor(
    private current: string,
    opts: ReadOptions = {},
  ) {
    this.stats = opts.stats ?? newLineStats();
    this.st = newDecodeState(opts.fallbackYear);
    this.onSkip = opts.onSkip;
    this.exec = opts.exec === '' ? undefined : opts.exec;
    this.idBuf = this.exec === undefined ? undefined : Buffer.from(this.exec, 'utf8');
    this.byExecution = opts.spreadBy === 'execution';
    this.maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
    this.byteDecoding = opts.byteDecoding !== false;
  }

  /** Label of the input being read (records and skip reports carry it). */
  get file(): string {
    return this.current;
  }

  /** Physical lines seen so far in the current input. */
  get lines(): number {
    return this.lineNo;
  }

  /**
   * Goes on with the next input as a continuation of the same streams (the next part of a
   * rotated log): the previous input's last line ends and line numbers restart, but seconds
   * still being spread and CRI fragments still being joined carry over, so a log split into
   * files anywhere reads as the whole.
   */
  continueWith(file: string): void {
    this.endLine();
    this.current = file;
    this.lineNo = 0;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.carryLen > 0 || this.discarding) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        this.grow(chunk);
        return;
      }
      if (this.discarding || this.carryLen + nl > this.maxLine) {
        this.dropCarry();
        this.discarding = false;
        this.tooLong();
      } else {
        this.carry.push(chunk.subarray(0, nl));
        const line = Buffer.concat(this.carry);
        this.dropCarry();
        this.range(line, 0, line.length);
      }
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      this.range(chunk, start, last + 1);
      start = last + 1;
    }
    if (start < chunk.length) this.grow(chunk.subarray(start));
    this.bound();
  }

  /** Ends the input: the last line without a newline, open joins and open groups. */
  end(): void {
    this.endLine();
    for (const [key, j] of this.joins) {
      this.joins.delete(key);
      this.completeJoin(j);
    }
    this.spreader.closeAll();
  }

  /**
   * Hands back records returned by `take` that the consumer no longer uses: the reader reuses
   * them for later lines. Reuse spares the young-generation collections most of their work.
   */
  recycle(records: readonly LogRecord[]): void {
    const room = MAX_FREE - this.free.length;
    for (let i = 0; i < records.length && i < room; i++) this.free.push(records[i] as LogRecord);
  }

  private record(line: number): LogRecord {
    const r = this.free.pop();
    return r === undefined ? newRecord(this.file, line) : resetRecord(r, this.file, line);
  }

  /** Records that are final, in file order (each record is returned once). */
  take(): LogRecord[] {
    let cutoff = this.spreader.minOpenSeq();
    for (const j of this.joins.values()) if (j.seq < cutoff) cutoff = j.seq;
    const count = Math.min(cutoff - this.base, this.pending.length);
    if (count <= 0) return [];
    const out: LogRecord[] = [];
    for (let i = 0; i < count; i++) {
      const r = this.pending[i];
      if (r !== undefined) out.push(r);
    }
    this.pending = count === this.pending.length ? [] : this.pending.slice(count);
    this.base += count;
    return out;
  }

  /** The last line of an input, which has no newline. */
  private endLine(): void {
    if (this.discarding) {
      this.discarding = false;
      this.tooLong();
    } else if (this.carryLen > 0) {
      const line = Buffer.concat(this.carry);
      this.dropCarry();
      this.range(line, 0, line.length);
    }
  }

  private grow(bytes: Buffer): void {
    if (this.discarding) return;
    if (this.carryLen + bytes.length > this.maxLine) {
      this.dropCarry();
      this.discarding = true;
      return;
    }
    // copy, so the reader does not pin a whole chunk for a short tail
    this.carry.push(Buffer.from(bytes));
    this.carryLen += bytes.length;
  }

  private dropCarry(): void {
    this.carry = [];
    this.carryLen = 0;
  }

  private tooLong(): void {
    const ln = ++this.lineNo;
    this.stats.read++;
    this.skip('truncated', ln, '');
  }

  private bound(): void {
    if (this.pending.length > MAX_PENDING) this.spreader.closeAll();
  }

  /** Lines in buf[start, end); `end` is after a newline, or the end of the input's last line. */
  private range(buf: Buffer, start: number, end: number): void {
    if (this.idBuf !== undefined) {
      this.rangeExec(buf, start, end, this.idBuf);
      return;
    }
    const ascii = isAscii(buf.subarray(start, end));
    let p = start;
    while (p < end) {
      let nl = buf.indexOf(NEWLINE, p);
      if (nl < 0 || nl >= end) nl = end;
      if (!(this.byteDecoding && ascii && buf[p] === 123 && this.stdlibLine(buf, p, nl))) this.line(decodeText(buf, p, nl, ascii));
      p = nl + 1;
    }
  }

  /** A canonical flytestdlib JSON line decoded from its bytes; false when it needs the text decoder. */
  private stdlibLine(buf: Buffer, p: number, nl: number): boolean {
    const rec = this.record(this.lineNo + 1);
    if (!decodeStdlibBytes(buf, p, nl, rec, this.st)) {
      this.free.push(rec);
      return false;
    }
    this.lineNo++;
    this.stats.read++;
    this.accept(rec);
    return true;
  }

  /** Exec mode: decode only the lines that contain the id; count the others. */
  private rangeExec(buf: Buffer, start: number, end: number, id: Buffer): void {
    let p = start;
    while (p < end) {
      const hit = buf.indexOf(id, p);
      if (hit < 0 || hit >= end) {
        this.filtered(buf, p, end);
        break;
      }
      const prevNl = buf.lastIndexOf(NEWLINE, hit);
      const ls = prevNl < p ? p : prevNl + 1;
      if (ls > p) this.filtered(buf, p, ls);
      let le = buf.indexOf(NEWLINE, hit);
      if (le < 0 || le >= end) le = end;
      if (looksLikeKlogBytes(buf, ls)) this.sniffTime(buf, start, ls);
      this.line(buf.toString('utf8', ls, le));
      p = le + 1;
    }
    this.sniffEvery(buf, start, end);
  }

  /** Keeps the klog year reference current although most lines are not decoded. */
  private sniffEvery(buf: Buffer, start: number, end: number): void {
    this.sinceSniff += end - start;
    // stays due until a dated line is actually found
    if (this.sinceSniff >= SNIFF_BYTES && this.sniffTime(buf, start, end)) this.sinceSniff = 0;
  }

  /**
   * Notes the dated timestamp of the nearest line before `before` (looking back a few lines, not
   * before `floor`) without counting or returning it: klog lines take their year from it.
   * Returns whether one was found.
   */
  private sniffTime(buf: Buffer, floor: number, before: number): boolean {
    let e = before;
    if (e > floor && buf[e - 1] === NEWLINE) e--;
    for (let k = 0; k < 16 && e > floor; k++) {
      const nl = buf.lastIndexOf(NEWLINE, e - 1);
      const s = nl < floor ? floor : nl + 1;
      const rec = newRecord(this.file, 0);
      if (decodeInto(rec, buf.toString('utf8', s, e), this.st) === undefined && rec.kind !== 'klog') return true;
      e = s - 1;
    }
    return false;
  }

  /**
   * Counts the lines of buf[a, b) (whole lines) as filtered, except CRI partial-line fragments
   * (and, while a join is open, CRI lines that may end it): those are read so that joins stay
   * whole and a joined line holding the id is kept.
   */
  private filtered(buf: Buffer, a: number, b: number): void {
    let n = 0;
    let i = a;
    while (i < b) {
      let nl = buf.indexOf(NEWLINE, i);
      if (nl < 0 || nl >= b) nl = b;
      const c = buf[i] as number;
      if (c >= 48 && c <= 57 && (this.joins.size > 0 || isCriPartial(buf, i, nl))) {
        if (n > 0) this.countFiltered(n);
        n = 0;
        const text = buf.toString('utf8', i, nl);
        const pre = parsePrefix(text, trimmedEnd(text));
        if (pre.criStream !== undefined && (pre.partial || this.joins.has(joinKey(pre.replica, pre.criStream)))) {
          this.line(text);
        } else {
          this.noteStamp(text);
          this.countFiltered(1);
        }
      } else {
        n++;
        // a filtered propeller line still takes its place among its second's lines, so that the
        // kept lines' sub-second estimates are those a fold of the whole log gives them
        if (c === 123 && !this.byExecution) {
          const sec = this.tsTail.secondOf(buf, i, nl);
          if (sec !== undefined) this.spreadPlaceholder(sec);
        } else if (!this.byExecution && looksLikeKlogBytes(buf, i)) {
          // an exact klog stamp of another execution bounds the plain stream's estimates too
          this.klogAnchor(buf.toString('utf8', i, nl));
        }
        if (c !== 123) this.noteStamp(buf.toString('utf8', i, nl));
      }
      i = nl + 1;
    }
    if (n > 0) this.countFiltered(n);
  }

  /**
   * A line not kept goes by the duplicate check as it does reading the whole log (its stamp and
   * fingerprint), so that a resent line is told the same way with `--exec` as without.
   */
  private noteStamp(raw: string): void {
    const text = withoutLeadingNoise(raw);
    const end = trimmedEnd(text);
    if (end === 0 || text.charCodeAt(0) === 123) return;
    const pre = parsePrefix(text, end);
    if (pre.hasTime && pre.resNs <= 1000) this.recent.seen(end === text.length ? text : text.slice(0, end), pre.sec, pre.nsec);
  }

  /** A klog line not kept: if it names an execution, it anchors its stream as `accept` would. */
  private klogAnchor(text: string): void {
    const rec = resetRecord(KLOG_SCRATCH, '', 0);
    if (decodeInto(rec, text, this.st) !== undefined || rec.kind !== 'klog' || rec.execId === undefined) return;
    if (this.spreader.openGroups > 0) this.spreader.anchor(rec.replica ?? '', rec.sec, rec.nsec);
  }

  /** A line not kept, of the plain stream at whole second `sec`: it takes its rank in its second. */
  private spreadPlaceholder(sec: number): void {
    this.spreader.skip('', sec);
    this.noteSecond(sec);
  }

  /** A whole-second line at `sec` was spread: streams quiet since long enough ago close their seconds. */
  private noteSecond(sec: number): void {
    if (sec > this.maxSec) {
      this.maxSec = sec;
      if (this.spreader.openGroups > 1) this.spreader.closeBefore(sec - QUIET_SECONDS);
    }
  }

  private countFiltered(n: number): void {
    this.lineNo += n;
    this.stats.read += n;
    countSkip(this.stats, 'filtered', n);
  }

  private skip(reason: SkipReason, line: number, text: string): void {
    const s = this.stats.skipped;
    s[reason] = (s[reason] ?? 0) + 1;
    if (this.onSkip !== undefined && reason !== 'filtered' && reason !== 'joined') {
      this.onSkip(reason, this.file, line, text);
    }
  }

  /** One physical line (without its LF). */
  private line(text: string): void {
    const ln = ++this.lineNo;
    this.stats.read++;
    let end = trimmedEnd(text);
    if (end === 0) {
      this.skip('empty', ln, text);
      return;
    }
    if (text.charCodeAt(0) !== 123) {
      const clean = withoutLeadingNoise(text);
      if (clean !== text) {
        text = clean;
        end = trimmedEnd(text);
        if (end === 0) {
          this.skip('empty', ln, text);
          return;
        }
      }
    }
    const rec = this.record(ln);
    let start = 0;
    let haveTime = false;
    if (text.charCodeAt(0) !== 123) {
      const pre = parsePrefix(text, end);
      // A collector stamps each line it reads to the micro- or nanosecond: the same line with the
      // same stamp, met again after lines of other stamps, is the same line sent twice (a
      // shipper's retry, overlapping exports), not a new one. Among lines of one instant it is
      // kept: two calls logging the same text in one instant, as a simulation's emitted log can.
      if (pre.hasTime && pre.resNs <= 1000 && this.recent.seen(end === text.length ? text : text.slice(0, end), pre.sec, pre.nsec)) {
        this.free.push(rec);
        this.skip('duplicate', ln, text);
        return;
      }
      if (pre.criStream !== undefined && this.joinFragment(rec, text, ln, pre, pre.criStream)) return;
      start = pre.start;
      rec.replica = pre.replica;
      if (pre.hasTime) {
        haveTime = true;
        rec.sec = pre.sec;
        rec.nsec = pre.nsec;
        rec.resNs = pre.resNs;
        noteFullSecond(this.st, pre.sec);
      }
    }
    const r = decodePayload(rec, text, start, end, this.st, haveTime);
    if (r !== undefined) {
      this.free.push(rec);
      this.skip(r, ln, text);
      return;
    }
    this.accept(rec);
  }

  /**
   * CRI partial-line handling for a line whose prefix was just parsed. Returns true when the
   * line was consumed as a fragment of a join.
   */
  private joinFragment(rec: LogRecord, text: string, ln: number, pre: PrefixInfo, stream: string): boolean {
    const partial = pre.partial;
    const key = joinKey(pre.replica, stream);
    const open = this.joins.get(key);
    if (!partial && open === undefined) return false;
    let rawEnd = text.length;
    if (text.charCodeAt(rawEnd - 1) === 13) rawEnd--;
    const part = text.slice(Math.min(pre.start, rawEnd), rawEnd);
    const hasId = this.exec !== undefined && text.includes(this.exec);
    if (open === undefined) {
      rec.replica = pre.replica;
      rec.sec = pre.sec;
      rec.nsec = pre.nsec;
      rec.resNs = pre.resNs;
      noteFullSecond(this.st, pre.sec);
      const seq = this.base + this.pending.length;
      this.pending.push(rec);
      this.joins.set(key, { rec, seq, line: ln, parts: [part], bytes: part.length, hasId });
      return true;
    }
    open.parts.push(part);
    open.bytes += part.length;
    open.hasId ||= hasId;
    this.skip('joined', ln, text);
    if (!partial || open.bytes > this.maxLine) {
      this.joins.delete(key);
      this.completeJoin(open);
    }
    return true;
  }

  private completeJoin(j: Join): void {
    const payload = j.parts.join('');
    const idx = j.seq - this.base;
    // the id may straddle two fragments: then only the joined line holds it
    if (this.exec !== undefined && !j.hasId && !payload.includes(this.exec)) {
      this.pending[idx] = undefined;
      this.skip('filtered', j.line, payload);
      return;
    }
    const r = decodePayload(j.rec, payload, 0, trimmedEnd(payload), this.st, true);
    if (r !== undefined) {
      this.pending[idx] = undefined;
      this.skip(r, j.line, payload);
      return;
    }
    // a whole-second prefix (no fraction) is rare enough to take the middle of its second
    j.rec.estNsec = j.rec.resNs >= 1e9 ? 500_000_000 : j.rec.nsec;
  }

  private accept(rec: LogRecord): void {
    const seq = this.base + this.pending.length;
    this.pending.push(rec);
    const stream = rec.replica ?? '';
    if (rec.resNs < 1e9) {
      rec.estNsec = rec.nsec;
      // only a line naming an execution (klog `error syncing`) surely comes from propeller's own
      // process, whose lines are in time order; another component's exact stamps need not be
      if (rec.execId !== undefined && this.spreader.openGroups > 0) {
        this.spreader.anchor(this.byExecution ? `${stream}\u0000${rec.execId}` : stream, rec.sec, rec.nsec);
      }
      return;
    }
    this.spreader.add(this.byExecution ? `${stream}\u0000${rec.execId ?? messageKey(rec.msg)}` : stream, rec, seq);
    this.noteSecond(rec.sec);
  }
}

const BRACKETED = ['==> Enqueueing workflow [', 'Enqueueing owner for updated object ['];
const SUBQUEUE = "added workflowID '";

/**
 * The name an enqueue message is about: the workflow name (= exec_id) of `ns/name`, or the pod
 * name of an owner update; '' for other messages.
 */
export function messageKey(msg: string): string {
  let start = -1;
  let close = -1;
  for (const head of BRACKETED) {
    if (msg.startsWith(head)) {
      start = head.length;
      close = msg.indexOf(']', start);
      break;
    }
  }
  if (start < 0 && msg.startsWith(SUBQUEUE)) {
    start = SUBQUEUE.length;
    close = msg.indexOf("'", start);
  }
  if (close < 0) return '';
  const key = msg.slice(start, close);
  return key.slice(key.indexOf('/') + 1);
}

/** A klog header at `p`: severity letter and four digits (mmdd), then a space. */
function looksLikeKlogBytes(buf: Buffer, p: number): boolean {
  const c = buf[p];
  if (c !== 73 && c !== 87 && c !== 69 && c !== 70) return false; // I W E F
  for (let i = 1; i <= 4; i++) {
    const d = buf[p + i];
    if (d === undefined || d < 48 || d > 57) return false;
  }
  return buf[p + 5] === 32;
}

function joinKey(replica: string | undefined, stream: string): string {
  return replica === undefined ? stream : `${replica}\u0000${stream}`;
}

/** buf[s, e) starts `<timestamp> stdout P ` or `<timestamp> stderr P ` (a CRI partial fragment). */
function isCriPartial(buf: Buffer, s: number, e: number): boolean {
  let sp = s;
  const lim = Math.min(e, s + 40);
  while (sp < lim && buf[sp] !== 32) sp++;
  if (sp + 9 > e || buf[sp + 7] !== 32 || buf[sp + 8] !== 80) return false; // ' ' 'P'
  if (sp + 9 < e && buf[sp + 9] !== 32) return false;
  const s1 = buf[sp + 1];
  const s4 = buf[sp + 4];
  return buf[sp + 2] === 116 && ((s1 === 115 && s4 === 111) || (s1 === 115 && s4 === 101)); // stdout / stderr
}

/**
 * Reads the inputs one after the other (paths, `-` for stdin, gzip by its magic) and yields
 * the records in batches (about one per 64 KiB of input), in file order: the inputs are
 * concatenated as parts of one log (see `LineReader.continueWith`), not merged by time, so they
 * should be given in time order (see `onOverlap`).
 * Options: see `ReadOptions`. Input errors (missing file, corrupt gzip) reject the iteration.
 */
const RELEASE = Symbol('release');

/**
 * The whole second a flytestdlib or GCP line ends with (`ts-tail.ts`), without decoding the line.
 * Lines of one second repeat the same bytes, so the last one's second is kept.
 */
class StdlibTsTail {
  private last = Buffer.alloc(19);
  private lastSec: number | undefined;
  secondOf(buf: Buffer, s: number, e: number): number | undefined {
    const d = wholeSecondAt(buf, s, e);
    if (d < 0) return undefined;
    if (this.lastSec !== undefined) {
      // seconds change fastest: compare from the end
      const last = this.last;
      let k = 18;
      while (k >= 0 && buf[d + k] === last[k]) k--;
      if (k < 0) return this.lastSec;
    }
    const t = Date.parse(buf.toString('latin1', d, d + 20));
    if (!Number.isFinite(t)) return undefined;
    buf.copy(this.last, 0, d, d + 19);
    this.lastSec = t / 1000;
    return this.lastSec;
  }
}

/** Decodes the klog lines `--exec` does not keep (for their stamps only). */
const KLOG_SCRATCH: LogRecord = newRecord('', 0);

/** Lines remembered to tell a resent line (a shipper retries a batch; exports overlap). */
const DUPLICATE_WINDOW = 16384;

/**
 * Recently seen stamped lines, in a direct-mapped table indexed by the stamp and a fingerprint of
 * the line. A slot keeps the stamp and the fingerprint (of the length and some characters; no
 * text: nothing of the input is retained) of the latest line mapped to it, so a repeat is found
 * unless enough lines came in between for another to take its slot (with `size` slots, rare within a resent batch's distance). Two different
 * lines with one micro- or nanosecond stamp and the same length and fingerprint are not met in
 * practice: a collector stamps each read apart.
 */
class RecentLines {
  private readonly secs: Float64Array;
  private readonly nsecs: Int32Array;
  private readonly runs: Float64Array;
  private readonly prints: Int32Array;
  private readonly mask: number;
  private run = 0;
  private sec = NaN;
  private nsec = NaN;
  /** `size` a power of two. */
  constructor(size: number) {
    this.secs = new Float64Array(size).fill(NaN);
    this.nsecs = new Int32Array(size);
    this.runs = new Float64Array(size);
    this.prints = new Int32Array(size);
    this.mask = size - 1;
  }
  /**
   * True when `line` (stamped `sec`.`nsec`) was seen with lines of another stamp in between;
   * remembers it otherwise.
   */
  seen(line: string, sec: number, nsec: number): boolean {
    if (sec !== this.sec || nsec !== this.nsec) {
      this.sec = sec;
      this.nsec = nsec;
      this.run++;
    }
    const print = fingerprint(line);
    // the fingerprint takes part: lines sharing a stamp (a simulation's log) keep slots apart
    const k = (Math.imul(sec | 0, 0x9e3779b1) ^ Math.imul(nsec, 0x85ebca6b) ^ print) & this.mask;
    if (this.secs[k] === sec && this.nsecs[k] === nsec && this.prints[k] === print) return this.runs[k] !== this.run;
    this.secs[k] = sec;
    this.nsecs[k] = nsec;
    this.runs[k] = this.run;
    this.prints[k] = print;
    return false;
  }

}

/** A line (as it came, without its LF) without leading blanks, byte-order mark, NULs or ANSI colours; the same string when it has none. */
function withoutLeadingNoise(text: string): string {
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || c0 === 9 || c0 === 0xfeff || c0 === 0 || text.indexOf('\x1b') >= 0) return stripAnsi(text).replace(/^[\s\uFEFF\0]+/, '');
  return text;
}

/** A 32-bit FNV-1a hash of `s`'s length and every 16th character from its end (lines of one stamp differ all over). */
function fingerprint(s: string): number {
  let h = (0x811c9dc5 ^ s.length) | 0;
  for (let i = s.length - 1; i >= 0; i -= 16) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/** A batch of `readLogRecords`; a consumer done with its records may hand them back (`releaseBatch`). */
type Batch = LogRecord[] & { [RELEASE]?: () => void };

/**
 * Tells the reader that yielded `batch` that its records are no longer used anywhere: it reuses
 * them for later lines. Only for consumers that keep no reference to a record (the folder).
 */
export function releaseBatch(batch: readonly LogRecord[]): void {
  (batch as Batch)[RELEASE]?.();
}

function releasable(batch: LogRecord[], reader: LineReader): LogRecord[] {
  (batch as Batch)[RELEASE] = () => reader.recycle(batch);
  return batch;
}

export async function* readLogRecords(inputs: readonly string[], opts: ReadOptions = {}): AsyncGenerator<LogRecord[]> {
  const stats = opts.stats ?? newLineStats();
  const shared: ReadOptions = { ...opts, stats };
  const step = opts.exec ? Infinity : BATCH_BYTES;
  const overlap = new OverlapCheck(opts.onOverlap);
  // inputs whose reader lines are not the file's lines (JSON arrays, inputs read from the end)
  const lineMaps = new Map<string, (n: number) => number>();
  if (opts.onSkip !== undefined) {
    const onSkip = opts.onSkip;
    shared.onSkip = (reason, file, line, text) => onSkip(reason, file, lineMaps.get(file)?.(line) ?? line, text);
  }
  const mapLines = (batch: LogRecord[]): LogRecord[] => {
    if (lineMaps.size > 0) {
      for (const r of batch) {
        const map = lineMaps.get(r.file);
        if (map !== undefined) r.line = map(r.line);
      }
    }
    return batch;
  };
  let reader: LineReader | undefined;
  for (const file of inputs) {
    overlap.startFile(file);
    if (reader === undefined) reader = new LineReader(file, shared);
    else reader.continueWith(file);
    // the reader copies what it keeps of a chunk, so one read buffer serves the whole input
    const input = await inputBytes(file, { stdin: opts.stdin, reuseBuffer: true }, sampleInstants, sampleTieOrder);
    if (input.lineOf !== undefined) lineMaps.set(file, input.lineOf);
    if (input.newestFirst) opts.onNewestFirst?.(file);
    for await (const chunk of input.chunks) {
      // hand records over in small batches: fewer of them are alive at any moment, so they die
      // young (a whole 1 MiB read of records outlives young-generation collections); with an
      // exec filter records are few and whole reads are cheaper
      for (let off = 0; off < chunk.length; off += step) {
        reader.push(off === 0 && chunk.length <= step ? chunk : chunk.subarray(off, off + step));
        const batch = reader.take();
        if (batch.length > 0) {
          overlap.see(batch);
          yield releasable(mapLines(batch), reader);
        }
      }
    }
    // pieces of Docker's split lines, joined before the reader saw them: read, and counted as joined
    const absorbed = input.absorbed?.() ?? 0;
    if (absorbed > 0) {
      stats.read += absorbed;
      countSkip(stats, 'joined', absorbed);
    }
  }
  if (reader === undefined) return;
  reader.end();
  const batch = reader.take();
  if (batch.length > 0) {
    overlap.see(batch);
    yield mapLines(batch);
  }
}

/**
 * Instants of the records in some bytes, in order (a throwaway reader, for samples): ns since
 * 2020, precise to tens of ns, which is enough to order them.
 */
function sampleInstants(bytes: Buffer, label: string): number[] {
  const r = new LineReader(label, { stats: newLineStats() });
  r.push(bytes);
  r.end();
  return r.take().map((rec) => (rec.sec - SAMPLE_EPOCH_SEC) * 1e9 + rec.nsec);
}
const SAMPLE_EPOCH_SEC = 1_577_836_800;

/**
 * Which way a newest-first sample runs within a second (see `TieOrderOf`): a Handle call's lines
 * of one second, on one worker, in file order. `Processing Workflow.` before `Completed processing
 * workflow.`, and a round's `Handling Workflow [..], id:` before its `Done`, vote for time order;
 * the reverse votes against.
 */
function sampleTieOrder(bytes: Buffer, label: string): number {
  const r = new LineReader(label, { stats: newLineStats() });
  r.push(bytes);
  r.end();
  // per (second, execution, worker): the file index of the first Processing, Completed, round start, round Done
  const firsts = new Map<string, number[]>();
  r.take().forEach((rec, i) => {
    if (rec.resNs < 1e9 || rec.execId === undefined) return;
    const m = rec.msg;
    const slot = m === 'Processing Workflow.' ? 0 : m.startsWith('Completed processing workflow') ? 1 : m.startsWith('Handling Workflow [') ? (m.endsWith('] Done') ? 3 : 2) : -1;
    if (slot < 0) return;
    const key = `${rec.sec}\u0000${rec.execId}\u0000${rec.routine ?? ''}`;
    let f = firsts.get(key);
    if (f === undefined) firsts.set(key, (f = [-1, -1, -1, -1]));
    if (f[slot] === -1) f[slot] = i;
  });
  let votes = 0;
  for (const f of firsts.values()) {
    for (const a of [0, 2]) if (f[a]! >= 0 && f[a + 1]! >= 0) votes += f[a]! < f[a + 1]! ? 1 : -1;
  }
  return votes;
}

/**
 * Notices an input that begins before the inputs read so far end. Records carry their input's
 * label; a batch may still hold records of the previous input (held back for their sub-second
 * estimates) ahead of the current one's. Looks at the first and last record of each batch
 * (records of one input are in time order but for sub-second shuffles), and at each input's
 * first record, so it costs nothing per record.
 */
class OverlapCheck {
  private file = '';
  private previous = '';
  private seenFirst = false;
  /** Latest time of the inputs before the current one, and of the current one. */
  private endBefore = -Infinity;
  private endHere = -Infinity;

  constructor(private readonly onOverlap: ((file: string, previous: string) => void) | undefined) {}

  startFile(file: string): void {
    if (this.endHere > this.endBefore) {
      this.endBefore = this.endHere;
      this.previous = this.file;
    }
    this.file = file;
    this.seenFirst = false;
    this.endHere = -Infinity;
  }

  see(batch: readonly LogRecord[]): void {
    if (this.onOverlap === undefined) return;
    if (!this.seenFirst) this.checkFirst(batch);
    const last = batch[batch.length - 1] as LogRecord;
    if (last.file === this.file) this.endHere = Math.max(this.endHere, timeOf(last));
    else this.endPrevious(last);
  }

  private endPrevious(r: LogRecord): void {
    if (timeOf(r) <= this.endBefore) return;
    this.endBefore = timeOf(r);
    this.previous = r.file;
  }

  private checkFirst(batch: readonly LogRecord[]): void {
    const i = batch.findIndex((r) => r.file === this.file);
    if (i < 0) return;
    this.seenFirst = true;
    // the record before it is the latest of the previous inputs
    const before = batch[i - 1];
    if (before !== undefined) this.endPrevious(before);
    // a second of slack: lines within a second may be logged out of order
    if (timeOf(batch[i] as LogRecord) < this.endBefore - 1) this.onOverlap?.(this.file, this.previous);
  }
}

/** A record's time in seconds, precise enough to compare records of different inputs. */
function timeOf(r: LogRecord): number {
  return r.sec + r.nsec / 1e9;
}
