import { describe, expect, it } from 'vitest';
import { defaultModel } from '../../src/model/defaults.js';
import { parseChanges } from '../../src/whatif/changes.js';
import { runWhatif, type WhatifProgress } from '../../src/whatif/paired.js';
import { createProgress, progressLine } from '../../src/whatif/progress.js';
import { renderWhatif } from '../../src/whatif/render.js';
import { canonical, plan, workflow } from './fixtures.js';

const progress: WhatifProgress = {
  rep: 12,
  minReps: 10,
  maxReps: 200,
  deltaMakespanNs: -88_400_000,
  halfWidthNs: 3_100_000,
  targetHalfWidthNs: 152_000_000,
  baselineMakespanNs: 15_200_000_000,
};

describe('what-if text', () => {
  it('shows the change, Δ ± CI with relative change, and what pairing bought', () => {
    const w = runWhatif(canonical(), defaultModel(), parseChanges({ preset: ['halve-event-latency'] }), { seed: 1, minReps: 6, maxReps: 6, precision: 0.5 });
    const text = renderWhatif(w);
    expect(text).toContain('What if: halve-event-latency (events.*.latency × 0.5)');
    expect(text).toContain('events.node.latency: median 25.0 ms → median 12.5 ms');
    expect(text).toContain('1 execution, 6 paired replications (seed 1).');
    expect(text).toMatch(/makespan\s+\S+ s\s+\S+ s\s+−\S+ ms ± \S+ ms\s+−\S+ % ± \S+ %/);
    expect(text).toMatch(/Pairing: Δmakespan ± .*× narrower than independent runs/);
    expect(text).toMatch(/Unchanged in every replication: user time/);
    expect(text).not.toContain('Per execution');
  });

  it('says what to do when the precision was not reached', () => {
    const w = runWhatif(canonical(), defaultModel(), parseChanges({ preset: ['halve-event-latency'] }), { seed: 1, minReps: 2, maxReps: 3, precision: 1e-9 });
    expect(renderWhatif(w)).toContain('Stopped at the replication limit (3)');
    expect(renderWhatif(w)).toContain('raise --reps or loosen --precision');
  });

  it('with --precision 0 says all replications ran, not that a zero-width target was missed', () => {
    const w = runWhatif(canonical(), defaultModel(), parseChanges({ preset: ['halve-event-latency'] }), { seed: 1, minReps: 2, maxReps: 3, precision: 0 });
    expect(renderWhatif(w)).toContain('Ran the 3 replications asked for (--precision 0: no early stop).');
    expect(renderWhatif(w)).not.toContain('wider than the target');
  });

  it('a change without effect says so; several executions get a per-execution table', () => {
    const noop = runWhatif(canonical(), defaultModel(), parseChanges({ set: ['propeller.workers=20'] }), { seed: 1, minReps: 2, maxReps: 2 });
    const t = renderWhatif(noop);
    expect(t).toContain('(the change leaves the model as it was)');
    expect(t).toContain('No figure changed in any replication');
    const wf = workflow('one', [{ id: 'n0', runtime: 3 }]);
    const two = runWhatif([plan('a', wf), plan('b', wf, 1)], defaultModel(), parseChanges({ preset: ['halve-event-latency'] }), { seed: 1, minReps: 3, maxReps: 3 });
    const t2 = renderWhatif(two);
    expect(t2).toContain('Mean over executions of each execution’s change:');
    expect(t2).toMatch(/Per execution:\n\s+execution\s+baseline\s+Δmakespan \(95% CI\)\s+relative\n\s+[ab]\s/);
  });
});

describe('progress line', () => {
  it('formats replication, Δ ± half-width and target', () => {
    expect(progressLine(progress)).toBe('replication 12/200  Δmakespan −88.4 ms ± 3.10 ms (target ± 152 ms)');
  });

  it('writes nothing when stderr is not a terminal', () => {
    const out: string[] = [];
    const p = createProgress({ isTTY: false, write: (s: string) => out.push(s) }, { delayMs: 0 });
    p.update(progress);
    p.done();
    expect(out).toEqual([]);
  });

  it('on a terminal: quiet for the first second, then one updating line, erased at the end', () => {
    const out: string[] = [];
    let now = 0;
    const p = createProgress({ isTTY: true, write: (s: string) => out.push(s) }, { now: () => now });
    now = 500;
    p.update(progress);
    expect(out).toEqual([]);
    now = 1200;
    p.update(progress);
    now = 1250;
    p.update({ ...progress, rep: 13 }); // throttled
    now = 1400;
    p.update({ ...progress, rep: 14 });
    p.done();
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(/^\rreplication 12\/200 .*\x1b\[K$/);
    expect(out[1]).toMatch(/^\rreplication 14\/200 /);
    expect(out[2]).toBe('\r\x1b[K');
  });
});
