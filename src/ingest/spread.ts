/**
 * Sub-second estimates for whole-second stamps. Propeller stamps whole seconds, but one stream
 * writes its lines in time order, so the k-th of n lines stamped with the same second is
 * estimated at (k+1)/(n+1) of that second. A second's group closes when its stream shows a
 * different second; a second that reappears later (lines slightly out of order) forms a group
 * of its own. Exact stamps (klog lines) of the stream bound the estimates of the lines around them.
 */
import type { LogRecord } from './record.js';

/** Estimate for the k-th (0-based) of n records in one second: floor(1e9 (k+1)/(n+1)), in [0, 1e9). */
export function spreadNsec(k: number, n: number): number {
  return Math.floor((1e9 * (k + 1)) / (n + 1));
}

/**
 * A second's lines of one stream: the records waiting for their estimate, each with its rank among
 * all the second's lines (lines not kept, such as other executions' lines under --exec, count too).
 */
interface Group {
  sec: number;
  members: LogRecord[];
  /** Each member's rank; null while no line was skipped (then a member's rank is its index). */
  ranks: number[] | null;
  /** Lines of the second so far, kept or not. */
  count: number;
  /** Output sequence number of the first member (records before it are final); Infinity without one. */
  firstSeq: number;
  /** The lines lie after this nanosecond of their second (an exact stamp before them). */
  from: number;
}

/** Gives the members of a closed group estimates spread over [from, to) of their second, by rank. */
function assignBetween(g: Group, to: number): void {
  const n = g.count;
  const { members, ranks, from } = g;
  if (from === 0 && to === 1e9) {
    for (let k = 0; k < members.length; k++) (members[k] as LogRecord).estNsec = spreadNsec(ranks === null ? k : ranks[k]!, n);
    return;
  }
  for (let k = 0; k < members.length; k++) {
    (members[k] as LogRecord).estNsec = from + Math.floor(((to - from) * ((ranks === null ? k : ranks[k]!) + 1)) / (n + 1));
  }
}

function newGroup(sec: number, from: number): Group {
  return { sec, members: [], ranks: null, count: 0, firstSeq: Infinity, from };
}

/**
 * Open groups of one input, one per stream key. `add` closes a stream's group when its second
 * changes; `closeBefore` and `closeAll` close groups whose stream went quiet.
 */
export class SecondSpreader {
  private readonly open = new Map<string, Group>();
  /** The group `groupFor` returned last, while it is still open (any closing forgets it). */
  private last: Group | undefined;
  private lastKey = '';

  /** Adds a whole-second record of stream `key` with output sequence number `seq`. */
  add(key: string, rec: LogRecord, seq: number): void {
    const g = this.groupFor(key, rec.sec);
    if (g.members.length === 0) g.firstSeq = seq;
    if (g.ranks === null && g.count !== g.members.length) g.ranks = g.members.map((_, k) => k);
    g.members.push(rec);
    if (g.ranks !== null) g.ranks.push(g.count);
    g.count++;
  }

  /** A line of stream `key` at whole second `sec` that is not kept: it only takes its rank. */
  skip(key: string, sec: number): void {
    // (--exec calls this for nearly every line: the last group first)
    const g = this.last;
    if (g !== undefined && g.sec === sec && this.lastKey === key) g.count++;
    else this.groupFor(key, sec).count++;
  }

  /** The open group of `key` for second `sec` (a new one, closing the old, when the second changed). */
  private groupFor(key: string, sec: number): Group {
    let g = this.open.get(key);
    if (g === undefined || g.sec !== sec) {
      if (g !== undefined) assignBetween(g, 1e9);
      g = newGroup(sec, 0);
      this.open.set(key, g);
    }
    this.last = g;
    this.lastKey = key;
    return g;
  }

  /**
   * An exactly stamped record of stream `key` (a klog line, say) at `nsec` of second `sec`: the
   * stream's whole-second records of that second before it lie before that instant, and the
   * ones after it after it. Without this, their even spread over the whole second could put
   * them after the exact line that follows them.
   */
  anchor(key: string, sec: number, nsec: number): void {
    const g = this.open.get(key);
    if (g === undefined || sec < g.sec) return;
    if (sec === g.sec && nsec < g.from) return;
    assignBetween(g, sec === g.sec ? Math.max(nsec, g.from + 1) : 1e9);
    this.open.set(key, newGroup(sec, nsec));
    this.last = undefined;
  }

  /** Smallest sequence number still waiting for its estimate (Infinity when none). */
  minOpenSeq(): number {
    let m = Infinity;
    for (const g of this.open.values()) if (g.firstSeq < m) m = g.firstSeq;
    return m;
  }

  /** Closes the groups of streams whose open second is before `sec` (streams that went quiet). */
  closeBefore(sec: number): void {
    for (const [key, g] of this.open) {
      if (g.sec < sec) {
        assignBetween(g, 1e9);
        this.open.delete(key);
        if (g === this.last) this.last = undefined;
      }
    }
  }

  closeAll(): void {
    for (const g of this.open.values()) assignBetween(g, 1e9);
    this.open.clear();
    this.last = undefined;
  }

  get openGroups(): number {
    return this.open.size;
  }
}
