import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { assignEnqueuedAt } from '../../src/timeline/queue-wait.js';
import type { Enqueue, EnqueueSource, Execution, HandleCall } from '../../src/timeline/types.js';

function handle(start: number, lo = start, hi = start): HandleCall {
  return { worker: 'worker-0', start, end: start + 1, startLo: lo, startHi: hi, endLo: start + 1, endHi: start + 1, rounds: [], endReason: 'noChange' };
}
function enq(at: number, source: EnqueueSource = 'workflow', lo = at, hi = at): Enqueue {
  return { at, lo, hi, source };
}
function execution(handles: HandleCall[], enqueues: Enqueue[]): Execution {
  return { id: 'e', namespace: 'ns', phase: 'Running', handles, nodes: [], enqueues, workflowTransitions: [] };
}
const waits = (e: Execution) => e.handles.map((h) => (h.enqueuedAt === undefined ? null : [h.enqueuedAt, h.enqueuedAtLo, h.enqueuedAtHi]));

describe('assignEnqueuedAt', () => {
  it('gives each call the earliest enqueue after the previous call started and not after its own start', () => {
    // Enqueues at 1 and 2 precede the first call (10); 12 and 15 arrive while it runs or waits.
    const e = execution([handle(10), handle(20), handle(30)], [enq(1), enq(2, 'resync'), enq(12, 'owner'), enq(15), enq(30)]);
    assignEnqueuedAt(e);
    expect(waits(e)).toEqual([
      [1, 1, 1],
      [12, 12, 12],
      [30, 30, 30],
    ]);
  });

  it('excludes an enqueue at the previous start, includes one at its own start', () => {
    const e = execution([handle(10), handle(20)], [enq(10), enq(20)]);
    assignEnqueuedAt(e);
    expect(waits(e)).toEqual([
      [10, 10, 10],
      [20, 20, 20],
    ]);
  });

  it('leaves a call without an enqueue in its window without enqueuedAt (and removes a stale one)', () => {
    const h = handle(20);
    h.enqueuedAt = 19;
    h.enqueuedAtLo = 19;
    h.enqueuedAtHi = 19;
    const e = execution([handle(10), h, handle(30)], [enq(5), enq(25)]);
    assignEnqueuedAt(e);
    expect(waits(e)).toEqual([[5, 5, 5], null, [25, 25, 25]]);
    expect(Object.keys(h)).not.toContain('enqueuedAt');
    expect(Object.keys(h)).not.toContain('enqueuedAtLo');
    expect(Object.keys(h)).not.toContain('enqueuedAtHi');
  });

  it('no enqueues at all: no call has one; no calls: nothing to do', () => {
    const e = execution([handle(10)], []);
    assignEnqueuedAt(e);
    expect(waits(e)).toEqual([null]);
    const empty = execution([], [enq(3)]);
    assignEnqueuedAt(empty);
    expect(empty.handles).toEqual([]);
  });

  it('takes enqueues in any order and does not reorder the list', () => {
    const list = [enq(15), enq(3), enq(12), enq(1)];
    const e = execution([handle(10), handle(20)], list);
    assignEnqueuedAt(e);
    expect(waits(e)).toEqual([
      [1, 1, 1],
      [12, 12, 12],
    ]);
    expect(e.enqueues.map((q) => q.at)).toEqual([15, 3, 12, 1]);
  });

  it('keeps coarse bounds, the upper one clipped to the latest start (the enqueue came first)', () => {
    // Whole-second stamps: the enqueue's second is [4, 5) s, the call's start is known to be <= 4.6 s.
    const S = 1e9;
    const e = execution([handle(4.5 * S, 4 * S, 4.6 * S)], [enq(4.2 * S, 'workflow', 4 * S, 5 * S)]);
    assignEnqueuedAt(e);
    expect(waits(e)).toEqual([[4.2 * S, 4 * S, 4.6 * S]]);
  });

  test.prop([
    fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { maxLength: 12 }),
    fc.array(fc.record({ at: fc.integer({ min: -50, max: 1100 }), source: fc.constantFrom<EnqueueSource>('workflow', 'owner', 'subqueue', 'resync') }), { maxLength: 30 }),
  ])('agrees with a direct reading of the rule', (starts, enqs) => {
    const sorted = [...starts].sort((a, b) => a - b);
    const e = execution(
      sorted.map((s) => handle(s)),
      enqs.map((q) => enq(q.at, q.source)),
    );
    assignEnqueuedAt(e);
    sorted.forEach((s, i) => {
      const prev = i === 0 ? -Infinity : sorted[i - 1]!;
      const inWindow = enqs.map((q) => q.at).filter((t) => t > prev && t <= s);
      const h = e.handles[i]!;
      if (inWindow.length === 0) expect(h.enqueuedAt).toBeUndefined();
      else {
        expect(h.enqueuedAt).toBe(Math.min(...inWindow));
        expect(h.enqueuedAtLo! <= h.enqueuedAt! && h.enqueuedAt! <= h.enqueuedAtHi!).toBe(true);
        expect(s - h.enqueuedAt!).toBeGreaterThanOrEqual(0);
      }
    });
    // Idempotent.
    const once = JSON.stringify(e.handles);
    assignEnqueuedAt(e);
    expect(JSON.stringify(e.handles)).toBe(once);
  });
});
