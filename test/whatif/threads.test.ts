/**
 * Replications on worker threads must change nothing but the wall time: reports come back in
 * replication order and every result equals the one-thread result, byte for byte.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/metrics/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { simulate } from '../../src/propeller/simulator.js';
import { applyChanges, parseChanges } from '../../src/whatif/changes.js';
import { pairedRemote, runWhatif, runWhatifParallel } from '../../src/whatif/paired.js';
import { replicateReports } from '../../src/whatif/replicate.js';
import { replicationsInOrder, type RemoteRunner } from '../../src/whatif/replication-order.js';
import { poolWorthIt, ReplicationPool } from '../../src/whatif/replication-pool.js';
import { canonical, saturatedLoad } from './fixtures.js';

/** A fake pool: `slots` tasks at once, each answered after the delay the schedule gives it, some failing. */
function fakeRemote(slots: number, delays: number[], failing: Set<number>, log: number[]): RemoteRunner<number> {
  let busy = 0;
  let listeners: (() => void)[] = [];
  const notify = () => {
    const ls = listeners;
    listeners = [];
    for (const l of ls) l();
  };
  return {
    free: () => slots - busy,
    changed: () => new Promise((resolve) => listeners.push(resolve)),
    run: (r) => {
      busy++;
      log.push(r);
      return new Promise((resolve, reject) =>
        setTimeout(() => {
          busy--;
          notify();
          if (failing.has(r)) reject(new Error(`task ${r} failed`));
          else resolve(r * 10);
        }, delays[r % delays.length]!),
      );
    },
  };
}

async function collect<T>(it: AsyncGenerator<T>, stopAfter = Infinity): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) {
    out.push(v);
    if (out.length >= stopAfter) break;
  }
  return out;
}

describe('replications in order', () => {
  it('yields every replication in order whoever computed it, a failed remote task computed here', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 3 }),
        async (slots, delays, to, fails) => {
          const locals: number[] = [];
          const remoteLog: number[] = [];
          const local = (r: number) => {
            locals.push(r);
            return r * 10;
          };
          const got = await collect(replicationsInOrder(0, to, local, fakeRemote(slots, delays, new Set(fails), remoteLog)));
          expect(got).toEqual(Array.from({ length: to }, (_, r) => r * 10));
          // Each replication ran once, except that a failed remote one ran here again.
          for (let r = 0; r < to; r++) {
            const remote = remoteLog.filter((x) => x === r).length;
            const here = locals.filter((x) => x === r).length;
            expect(remote).toBeLessThanOrEqual(1);
            expect(here).toBe(remote === 0 || fails.includes(r) ? 1 : 0);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('without a remote computes everything here; stopping early hands out no more work', async () => {
    const seen: number[] = [];
    expect(await collect(replicationsInOrder(3, 7, (r) => (seen.push(r), r)))).toEqual([3, 4, 5, 6]);
    expect(seen).toEqual([3, 4, 5, 6]);
    const log: number[] = [];
    const here: number[] = [];
    const got = await collect(replicationsInOrder(0, 100, (r) => (here.push(r), r * 10), fakeRemote(2, [1], new Set(), log)), 3);
    expect(got).toEqual([0, 10, 20]);
    // Beyond the three consumed (0-2): at most the two worker slots and two computed here ahead.
    expect(Math.max(...log, ...here)).toBeLessThanOrEqual(2 + 2 + 2);
  });
});

describe('worker threads', () => {
  it('start only when the replications left outweigh their start-up', () => {
    expect(poolWorthIt(1, 5000, 100)).toBe(false);
    expect(poolWorthIt(4, 10, 5)).toBe(false);
    expect(poolWorthIt(4, 400, 5)).toBe(true);
    expect(poolWorthIt(2, 400, 0)).toBe(false);
    expect(poolWorthIt(2, 1, 1, 0)).toBe(true);
  });

  it('a pool returns the reports this thread computes', async () => {
    const plans = saturatedLoad();
    const model = defaultModel();
    const pool = new ReplicationPool({ plans, models: [model], seed: 5 }, 2);
    try {
      const got = await Promise.all([0, 1, 2].map((r) => pool.run(0, r)));
      const want = [0, 1, 2].map((r) => computeReport(simulate(plans, model, { seed: 5, replication: r })));
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
    } finally {
      await pool.close();
    }
  });

  it('paired replications on threads are the baseline and variant reports of this thread', async () => {
    const plans = canonical();
    const base = defaultModel();
    const variant = applyChanges(base, parseChanges({ preset: ['halve-event-latency'] }));
    const pool = new ReplicationPool({ plans, models: [base, variant], seed: 4 }, 2);
    try {
      while (pool.free() < 2) await pool.changed();
      const here: number[] = [];
      const pair = (r: number) => (here.push(r), [base, variant].map((m) => computeReport(simulate(plans, m, { seed: 4, replication: r }))));
      const got = await collect(replicationsInOrder(0, 6, pair, pairedRemote(pool)));
      const want = [0, 1, 2, 3, 4, 5].map((r) => [base, variant].map((m) => computeReport(simulate(plans, m, { seed: 4, replication: r }))));
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      // Both threads did some: workers took the first two, this thread worked on while waiting.
      expect(here.length).toBeGreaterThan(0);
      expect(here.length).toBeLessThan(6);
      expect(here).not.toContain(0);
    } finally {
      await pool.close();
    }
  });

  it('whatif with threads allowed gives the one-thread result byte for byte', async () => {
    const changes = parseChanges({ preset: ['halve-event-latency'] });
    const opts = { seed: 3, minReps: 4, maxReps: 6, precision: 0 };
    const one = runWhatif(canonical(), defaultModel(), changes, opts);
    const threads = await runWhatifParallel(canonical(), defaultModel(), changes, { ...opts, jobs: 2, minWorkMs: 0 });
    expect(JSON.stringify(threads)).toBe(JSON.stringify(one));
    expect(threads.replications).toBe(6);
  });

  it('simulate --reps on threads gives the reports of one thread, in order', async () => {
    const plans = canonical();
    const model = defaultModel();
    const got = await collect(replicateReports(plans, model, 1, 5, { seed: 9, jobs: 2, minWorkMs: 0, msPerReplication: 1 }));
    const want = [1, 2, 3, 4].map((r) => computeReport(simulate(plans, model, { seed: 9, replication: r })));
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  });
});
