/**
 * A binary min-heap of pending events, ordered by (time, priority, sequence), stored as parallel
 * typed arrays so that pushing and popping allocate nothing (STACK.md §5: 1.5-3x faster than an
 * object heap). Each event carries two int32 payload words (kind, target) that the owner interprets.
 */
export class EventHeap {
  private time: Float64Array;
  private prio: Int32Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private target: Int32Array;
  private n = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.prio = new Int32Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.target = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.time[0]! : Infinity;
  }

  /** The last popped event's payload, read after `pop()`. */
  poppedTime = 0;
  poppedKind = 0;
  poppedTarget = 0;

  push(t: number, priority: number, kind: number, target: number): void {
    if (this.n === this.time.length) this.grow();
    let i = this.n++;
    const s = this.nextSeq++;
    const time = this.time, prio = this.prio, seq = this.seq, kd = this.kind, tg = this.target;
    // Sift up: move parents down until the new key is not smaller than its parent.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p]!;
      if (pt < t || (pt === t && (prio[p]! < priority || (prio[p] === priority && seq[p]! < s)))) break;
      time[i] = pt; prio[i] = prio[p]!; seq[i] = seq[p]!; kd[i] = kd[p]!; tg[i] = tg[p]!;
      i = p;
    }
    time[i] = t; prio[i] = priority; seq[i] = s; kd[i] = kind; tg[i] = target;
  }

  /** Removes the earliest event into `popped*`; returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const time = this.time, prio = this.prio, seq = this.seq, kd = this.kind, tg = this.target;
    this.poppedTime = time[0]!;
    this.poppedKind = kd[0]!;
    this.poppedTarget = tg[0]!;
    const last = --this.n;
    if (last === 0) return true;
    const t = time[last]!, pr = prio[last]!, s = seq[last]!, k = kd[last]!, g = tg[last]!;
    let i = 0;
    const half = last >> 1;
    // Sift down the former last element from the root.
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last) {
        const ct = time[c]!, rt = time[r]!;
        if (rt < ct || (rt === ct && (prio[r]! < prio[c]! || (prio[r] === prio[c] && seq[r]! < seq[c]!)))) c = r;
      }
      const ct = time[c]!;
      if (t < ct || (t === ct && (pr < prio[c]! || (pr === prio[c] && s < seq[c]!)))) break;
      time[i] = ct; prio[i] = prio[c]!; seq[i] = seq[c]!; kd[i] = kd[c]!; tg[i] = tg[c]!;
      i = c;
    }
    time[i] = t; prio[i] = pr; seq[i] = s; kd[i] = k; tg[i] = g;
    return true;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.time = grow(this.time, (n) => new Float64Array(n));
    this.prio = grow(this.prio, (n) => new Int32Array(n));
    this.seq = grow(this.seq, (n) => new Float64Array(n));
    this.kind = grow(this.kind, (n) => new Int32Array(n));
    this.target = grow(this.target, (n) => new Int32Array(n));
  }
}
