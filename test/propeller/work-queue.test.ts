import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { WorkQueue, type WorkQueueConfig } from '../../src/propeller/work-queue.js';
import { TokenBucket } from '../../src/propeller/rate-limiter.js';

const S = 1e9;

/** A queue with recorded timers (the caller fires them by hand). */
function makeQueue(over: Partial<WorkQueueConfig> = {}) {
  const timers: { at: number; key: number }[] = [];
  const flushes: number[] = [];
  let notified = 0;
  const q = new WorkQueue(
    { baseDelayNs: 0, maxDelayNs: 60 * S, rate: 1e9, burst: 1e9, batchingIntervalNs: 1 * S, batchingPhaseNs: 0, ...over },
    { scheduleReady: (at, key) => timers.push({ at, key }), scheduleFlush: (at) => flushes.push(at), notify: () => notified++ },
  );
  q.ensure(9);
  return { q, timers, flushes, notified: () => notified };
}

describe('WorkQueue (client-go semantics)', () => {
  it('coalesces adds of a waiting key and keeps FIFO order', () => {
    const { q } = makeQueue();
    q.add(1, 0);
    q.add(2, 0);
    q.add(1, 0);
    q.add(3, 0);
    expect(q.length).toBe(3);
    expect([q.get(), q.get(), q.get(), q.get()]).toEqual([1, 2, 3, -1]);
  });

  it('never hands a key being processed to a second worker; re-queues it at Done when dirtied', () => {
    const { q } = makeQueue();
    q.add(4, 0);
    expect(q.get()).toBe(4);
    q.add(4, 1);
    q.add(4, 2);
    expect(q.length).toBe(0);
    expect(q.get()).toBe(-1);
    q.done(4, 5);
    expect(q.length).toBe(1);
    expect(q.readySince[4]).toBe(5);
    expect(q.get()).toBe(4);
    q.done(4, 6);
    expect(q.length).toBe(0);
  });

  it('base delay: the first rate-limited add after Forget waits baseDelay, then doubles until Forget', () => {
    const { q, timers } = makeQueue({ baseDelayNs: 5 * S, maxDelayNs: 120 * S });
    q.addRateLimited(1, 0);
    expect(timers).toEqual([{ at: 5 * S, key: 1 }]);
    q.onReadyTimer(1, 5 * S);
    expect(q.get()).toBe(1);
    q.done(1, 6 * S);
    // No Forget (the Handle failed): the next add waits 10 s.
    q.addRateLimited(1, 6 * S);
    expect(timers.at(-1)).toEqual({ at: 16 * S, key: 1 });
    q.onReadyTimer(1, 16 * S);
    q.get();
    q.forget(1);
    q.done(1, 17 * S);
    q.addRateLimited(1, 17 * S);
    expect(timers.at(-1)).toEqual({ at: 22 * S, key: 1 });
  });

  it('caps the backoff at max delay', () => {
    const { q, timers } = makeQueue({ baseDelayNs: 5 * S, maxDelayNs: 120 * S });
    for (let i = 0; i < 10; i++) {
      q.addRateLimited(2, 0);
    }
    // Only the earliest ready time is kept: one timer, at 5 s.
    expect(timers.length).toBe(1);
    q.onReadyTimer(2, 5 * S);
    q.get();
    q.done(2, 5 * S);
    q.addRateLimited(2, 5 * S);
    expect(timers.at(-1)!.at - 5 * S).toBe(120 * S);
  });

  it('keeps the earliest ready time of a delayed key and ignores superseded timers', () => {
    const { q, timers } = makeQueue();
    q.addAfter(3, 10, 0);
    q.addAfter(3, 4, 0);
    q.addAfter(3, 7, 0);
    expect(timers.map((t) => t.at)).toEqual([10, 4]);
    q.onReadyTimer(3, 4);
    expect(q.length).toBe(1);
    q.onReadyTimer(3, 10);
    expect(q.length).toBe(1);
  });

  it('sub-queue: dedupes and releases everything at the next batching tick with AddRateLimited', () => {
    const { q, flushes } = makeQueue({ batchingIntervalNs: 2 * S, batchingPhaseNs: 0.5 * S });
    expect(q.addToSubQueue(5, 0.7 * S)).toBe(true);
    expect(q.addToSubQueue(5, 1.0 * S)).toBe(false);
    expect(q.addToSubQueue(6, 1.1 * S)).toBe(true);
    expect(flushes).toEqual([2.5 * S]);
    expect(q.length).toBe(0);
    q.flush(2.5 * S);
    expect([q.get(), q.get()]).toEqual([5, 6]);
    // After a flush, the next add waits for the following tick.
    q.addToSubQueue(7, 2.5 * S);
    expect(flushes.at(-1)).toBe(4.5 * S);
  });

  test.prop([fc.array(fc.tuple(fc.constantFrom('add', 'get', 'done'), fc.integer({ min: 0, max: 4 })), { maxLength: 200 })])(
    'a key is never handed out while it is being processed, and every add is eventually served',
    (ops) => {
      const { q } = makeQueue();
      const processing = new Set<number>();
      const wanted = new Set<number>();
      let t = 0;
      for (const [op, k] of ops) {
        t++;
        if (op === 'add') {
          q.add(k, t);
          wanted.add(k);
        } else if (op === 'get') {
          const key = q.get();
          if (key >= 0) {
            expect(processing.has(key)).toBe(false);
            processing.add(key);
            wanted.delete(key);
          }
        } else if (processing.has(k)) {
          processing.delete(k);
          q.done(k, t);
        }
      }
      for (const k of [...processing]) q.done(k, ++t);
      const served = new Set<number>();
      for (let key = q.get(); key >= 0; key = q.get()) {
        served.add(key);
        q.done(key, ++t);
      }
      for (const k of wanted) expect(served.has(k)).toBe(true);
    },
  );
});

describe('TokenBucket', () => {
  test.prop([fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 500 })])(
    'reservations are spaced at the rate once the burst is spent',
    (rate, burst, n) => {
      const b = new TokenBucket(rate, burst);
      let last = 0;
      for (let i = 0; i < n; i++) {
        const wait = b.reserve(0);
        if (i < burst) expect(wait).toBe(0);
        else {
          expect(wait).toBeGreaterThanOrEqual(last);
          expect(Math.abs(wait - ((i - burst + 1) * 1e9) / rate)).toBeLessThanOrEqual(1);
        }
        last = wait;
      }
    },
  );

  it('allow() is non-blocking and refills over time', () => {
    const b = new TokenBucket(10, 2);
    expect(b.allow(0)).toBe(true);
    expect(b.allow(0)).toBe(true);
    expect(b.allow(0)).toBe(false);
    expect(b.allow(0.05 * S)).toBe(false);
    expect(b.allow(0.1 * S)).toBe(true);
    expect(new TokenBucket(0, 0).reserve(0)).toBe(0);
  });
});
