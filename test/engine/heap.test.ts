import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { EventHeap } from '../../src/engine/heap.js';
import { Engine } from '../../src/engine/engine.js';

describe('EventHeap', () => {
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: -2, max: 2 })), { maxLength: 300 })])(
    'pops in (time, priority, insertion) order',
    (items) => {
      const h = new EventHeap(4);
      items.forEach(([t, p], i) => h.push(t, p, i, i + 1000));
      const expected = items
        .map(([t, p], i) => ({ t, p, i }))
        .sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i)
        .map((e) => e.i);
      const got: number[] = [];
      while (h.pop()) {
        expect(h.poppedTarget).toBe(h.poppedKind + 1000);
        got.push(h.poppedKind);
      }
      expect(got).toEqual(expected);
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 200 })])(
    'an engine run never goes back in time and processes every event',
    (delays) => {
      const seen: number[] = [];
      const e = new Engine((kind, _t, now) => {
        seen.push(now);
        if (kind < delays.length) e.schedule(delays[kind]!, kind + 1, 0);
      });
      e.schedule(0, 0, 0);
      e.run();
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
      expect(e.processed).toBe(delays.length + 1);
    },
  );
});
