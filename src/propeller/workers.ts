import type { HandleCall } from '../timeline/types.js';
import type { Call } from './sim-context.js';

/**
 * Propeller's worker goroutines (`workers.go`): `worker-0..N-1`, each looping Get → Handle → Done.
 * An idle worker waits on the queue's condition variable; Go wakes waiters in FIFO order, so the
 * worker that has been idle longest takes the next key.
 */
export class Worker {
  /** Execution key being handled, or -1. */
  key = -1;
  /** Call stack of the running Handle call (innermost last), resumed after each timed step. */
  readonly stack: Call[] = [];
  /** The Handle call running, or null. */
  handle: HandleCall | null = null;
  constructor(
    readonly index: number,
    readonly name: string,
  ) {}
}

export class WorkerPool {
  readonly workers: Worker[];
  private idle: number[];
  private idleHead = 0;

  constructor(n: number) {
    const count = Math.max(1, Math.floor(n));
    this.workers = [];
    this.idle = [];
    for (let i = 0; i < count; i++) {
      this.workers.push(new Worker(i, `worker-${i}`));
      this.idle.push(i);
    }
  }

  get idleCount(): number {
    return this.idle.length - this.idleHead;
  }

  /** Takes the longest-idle worker, or undefined. */
  take(): Worker | undefined {
    if (this.idleHead >= this.idle.length) return undefined;
    const w = this.workers[this.idle[this.idleHead++]!]!;
    if (this.idleHead > 256 && this.idleHead * 2 > this.idle.length) {
      this.idle = this.idle.slice(this.idleHead);
      this.idleHead = 0;
    }
    return w;
  }

  release(w: Worker): void {
    w.key = -1;
    w.stack.length = 0;
    this.idle.push(w.index);
  }
}
