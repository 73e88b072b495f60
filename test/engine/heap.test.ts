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

  test.prop([
    fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
    fc.integer({ min: 0, max: 200 }),
  ])('steps taken inline (runInline) are the events scheduling them would give, in the same order, up to the run horizon', (chains, until) => {
    // Each chain is an actor taking steps of the given delays, as a worker does; an actor may take
    // its next step inline when the engine allows it.
    const trace = (inline: boolean) => {
      const seen: string[] = [];
      const next = chains.map(() => 0);
      const e = new Engine((actor, _t, now) => {
        for (;;) {
          seen.push(`${actor}@${now}`);
          const d = chains[actor]![next[actor]!++];
          if (d === undefined) return;
          if (inline && e.runInline(d)) {
            now = e.now;
            continue;
          }
          e.schedule(d, actor, 0);
          return;
        }
      });
      chains.forEach((_, a) => e.schedule(a % 3, a, 0));
      e.run(until);
      return { seen, processed: e.processed, now: e.now };
    };
    const a = trace(false);
    const b = trace(true);
    expect(b).toEqual(a);
  });
});
