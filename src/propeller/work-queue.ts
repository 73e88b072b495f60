import { TokenBucket } from './rate-limiter.js';

/** What the queue needs from the simulation: timers and a wake-up for idle workers. */
export interface WorkQueueHooks {
  /** Call `onReadyTimer(key, at)` at time `at` (a delayed add coming due). */
  scheduleReady(at: number, key: number): void;
  /** Call `flush(at)` at time `at` (the sub-queue batch goroutine). */
  scheduleFlush(at: number): void;
  /** A key was pushed to the ready FIFO. */
  notify(): void;
}

export interface WorkQueueConfig {
  /** Exponential per-item backoff base and cap (ns). */
  baseDelayNs: number;
  maxDelayNs: number;
  /** Deduping token bucket of the main queue. */
  rate: number;
  burst: number;
  /** Sub-queue release period (ns) and the phase of its ticker (ns, in [0, period)). */
  batchingIntervalNs: number;
  batchingPhaseNs: number;
}

/**
 * Propeller's composite work queue (`composite_workqueue.go`, type `batch`) with client-go
 * semantics, keyed by small integers (one per execution):
 *
 * - Main queue: `AddRateLimited` waits max(deduping token bucket, baseDelay·2^n) where n counts
 *   rate-limited adds since the last `Forget`; a delayed key keeps its earliest ready time.
 * - `Add` coalesces: a key already waiting (dirty) is not queued twice; a key being processed is
 *   marked dirty and re-queued by `Done`; so one key is never held by two workers. FIFO order.
 * - Sub-queue: plain `Add`s collect in a set that a ticker moves to the main queue with
 *   `AddRateLimited` every batching interval.
 */
export class WorkQueue {
  private readonly dirty: boolean[] = [];
  private readonly processing: boolean[] = [];
  private readonly waitingAt: number[] = [];
  private readonly failures: number[] = [];
  private readonly reservationAt: number[] = [];
  /** Time each key last entered the ready FIFO. */
  readonly readySince: number[] = [];
  private fifo: number[] = [];
  private head = 0;
  private sub: number[] = [];
  private readonly inSub: boolean[] = [];
  private flushAt = -1;
  private readonly bucket: TokenBucket;

  constructor(
    private readonly cfg: WorkQueueConfig,
    private readonly hooks: WorkQueueHooks,
  ) {
    this.bucket = new TokenBucket(cfg.rate, cfg.burst);
  }

  /** Makes room for keys up to `key`. */
  ensure(key: number): void {
    while (this.dirty.length <= key) {
      this.dirty.push(false);
      this.processing.push(false);
      this.waitingAt.push(Infinity);
      this.failures.push(0);
      this.reservationAt.push(-Infinity);
      this.readySince.push(0);
      this.inSub.push(false);
    }
  }

  /** Number of keys ready and not yet taken. */
  get length(): number {
    return this.fifo.length - this.head;
  }

  /** Rate-limited delay for one more add of `key` (maxof: bucket, exponential failures). */
  private when(key: number, now: number): number {
    // Deduping bucket: reuse an outstanding reservation of the same key.
    let bucketDelay: number;
    const res = this.reservationAt[key]!;
    if (res > now) bucketDelay = res - now;
    else {
      bucketDelay = this.bucket.reserve(now);
      this.reservationAt[key] = now + bucketDelay;
    }
    const n = this.failures[key]!;
    this.failures[key] = n + 1;
    let backoff = 0;
    if (this.cfg.baseDelayNs > 0) {
      backoff = this.cfg.baseDelayNs * Math.pow(2, n);
      if (!(backoff <= this.cfg.maxDelayNs)) backoff = this.cfg.maxDelayNs;
    }
    return bucketDelay > backoff ? bucketDelay : backoff;
  }

  addRateLimited(key: number, now: number): void {
    this.addAfter(key, this.when(key, now), now);
  }

  addAfter(key: number, delay: number, now: number): void {
    if (delay <= 0) {
      this.add(key, now);
      return;
    }
    const at = now + delay;
    if (at < this.waitingAt[key]!) {
      this.waitingAt[key] = at;
      this.hooks.scheduleReady(at, key);
    }
  }

  /** A delayed add came due (ignored when superseded by an earlier one). */
  onReadyTimer(key: number, at: number): void {
    if (this.waitingAt[key] !== at) return;
    this.waitingAt[key] = Infinity;
    this.add(key, at);
  }

  add(key: number, now: number): void {
    if (this.dirty[key]) return;
    this.dirty[key] = true;
    if (this.processing[key]) return;
    this.push(key, now);
  }

  private push(key: number, now: number): void {
    this.fifo.push(key);
    this.readySince[key] = now;
    this.hooks.notify();
  }

  /** Takes the oldest ready key, or -1. */
  get(): number {
    if (this.head >= this.fifo.length) return -1;
    const key = this.fifo[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    this.processing[key] = true;
    this.dirty[key] = false;
    return key;
  }

  done(key: number, now: number): void {
    this.processing[key] = false;
    if (this.dirty[key]) this.push(key, now);
  }

  forget(key: number): void {
    this.failures[key] = 0;
  }

  isProcessing(key: number): boolean {
    return this.processing[key]!;
  }

  /** Plain add to the sub-queue; returns true when the key was not already waiting there. */
  addToSubQueue(key: number, now: number): boolean {
    if (this.cfg.batchingIntervalNs <= 0) {
      this.addRateLimited(key, now);
      return true;
    }
    if (this.inSub[key]) return false;
    this.inSub[key] = true;
    this.sub.push(key);
    if (this.flushAt < now) {
      const p = this.cfg.batchingIntervalNs;
      const phase = this.cfg.batchingPhaseNs;
      // Next tick of the batch goroutine's ticker strictly after now.
      const k = Math.floor((now - phase) / p) + 1;
      this.flushAt = phase + k * p;
      this.hooks.scheduleFlush(this.flushAt);
    }
    return true;
  }

  /** The batch goroutine: moves every sub-queue item to the main queue with AddRateLimited. */
  flush(now: number): void {
    if (now !== this.flushAt) return;
    this.flushAt = -1;
    const items = this.sub;
    this.sub = [];
    for (const key of items) {
      this.inSub[key] = false;
      this.addRateLimited(key, now);
    }
  }
}
