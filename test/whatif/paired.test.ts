import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { defaultModel } from '../../src/model/defaults.js';
import { setPath } from '../../src/model/paths.js';
import { parseChanges } from '../../src/whatif/changes.js';
import { runWhatif, unpairedHalfWidth, type WhatifProgress } from '../../src/whatif/paired.js';
import { canonical, plan, saturatedLoad, workflow } from './fixtures.js';

const halve = () => parseChanges({ preset: ['halve-event-latency'] });

describe('paired what-if', () => {
  it('halve-event-latency: negative Δmakespan, CI excludes 0 and is narrower than unpaired', () => {
    const w = runWhatif(canonical(), defaultModel(), halve(), { seed: 1, minReps: 30, maxReps: 30 });
    expect(w.replications).toBe(30);
    const d = w.delta.makespanNs!;
    expect(d.n).toBe(30);
    expect(d.mean!).toBeLessThan(0);
    expect(d.ci95![1]).toBeLessThan(0);
    expect(d.halfWidth!).toBeLessThan(d.unpairedHalfWidth!);
    expect(d.relative!).toBeLessThan(0);
    expect(d.relativeCi95![1]).toBeLessThan(0);
    expect(d.mean!).toBeCloseTo(d.variant! - d.baseline!, 0);
    // One execution: the overall change is that execution's change.
    expect(w.executions.map((e) => e.id)).toEqual(['hello-0001']);
    expect(w.executions[0]!.delta.makespanNs!.mean).toBeCloseTo(d.mean!, 3);
    // User time is measured by the same streams in both runs; admin event medians halve.
    expect(w.delta.userNs!.unchanged).toBe(true);
    expect(w.delta.nodeEventP50Ns!.relative!).toBeCloseTo(-0.5, 2);
    expect(w.baseline.executions[0]!.makespanNs).toBe(Math.round(d.baseline!));
    expect(w.variant.figures.makespanNs!.mean).toBeCloseTo(d.variant!, 3);
    expect(w.changes).toEqual([{ kind: 'scale', path: 'events.*.latency', factor: 0.5, preset: 'halve-event-latency', text: 'events.*.latency × 0.5' }]);
    expect(w.effects.map((e) => e.path)).toEqual(['events.workflow.latency', 'events.node.latency', 'events.task.latency']);
  });

  test.prop([fc.integer({ min: 1, max: 1_000_000 })], { numRuns: 4 })(
    'for the same replications, the paired CI is narrower than the unpaired one',
    (seed) => {
      const w = runWhatif(canonical(), defaultModel(), halve(), { seed, minReps: 8, maxReps: 8 });
      const d = w.delta.makespanNs!;
      expect(d.n).toBe(8);
      expect(d.halfWidth!).toBeLessThan(d.unpairedHalfWidth!);
    },
  );

  it('a no-op change gives Δ exactly 0 with CI [0, 0] and stops at minReps', () => {
    const w = runWhatif(canonical(), defaultModel(), parseChanges({ scale: ['events.*.latency=1'], set: ['propeller.workers=20'] }), {
      seed: 5,
      minReps: 3,
      maxReps: 50,
    });
    expect(w.replications).toBe(3);
    expect(w.stoppedBecause).toBe('precision');
    expect(w.effects).toEqual([]);
    for (const [k, d] of [...Object.entries(w.delta), ...Object.entries(w.executions[0]!.delta)]) {
      if (d.n === 0) continue;
      expect(d.mean, k).toBe(0);
      expect(d.ci95, k).toEqual([0, 0]);
      expect(d.unchanged, k).toBe(true);
    }
  });

  it('more workers on a saturated load reduce the mean makespan', () => {
    const base = setPath(defaultModel(), 'propeller.workers', 1);
    const w = runWhatif(saturatedLoad(), base, parseChanges({ set: ['propeller.workers=40'] }), { seed: 2, minReps: 3, maxReps: 3 });
    const d = w.delta.makespanNs!;
    expect(w.executions).toHaveLength(25);
    expect(d.mean!).toBeLessThan(0);
    expect(d.ci95![1]).toBeLessThan(0);
    expect(d.relative!).toBeLessThan(-0.05);
    // The top-level change is the mean of the executions' changes.
    const perExec = w.executions.map((e) => e.delta.makespanNs!.mean!);
    expect(d.mean!).toBeCloseTo(perExec.reduce((a, b) => a + b, 0) / perExec.length, 0);
    const rel = w.executions.map((e) => e.delta.makespanNs!.relative!);
    expect(d.relative!).toBeCloseTo(rel.reduce((a, b) => a + b, 0) / rel.length, 12);
    expect(w.delta.queueWaitP50Ns!.variant!).toBeLessThanOrEqual(w.delta.queueWaitP50Ns!.baseline!);
  });

  it('stops at minReps when the precision is loose and at maxReps when it is strict', () => {
    const seen: WhatifProgress[] = [];
    const loose = runWhatif(canonical(), defaultModel(), halve(), { seed: 3, minReps: 3, maxReps: 20, precision: 1, onProgress: (p) => seen.push(p) });
    expect(loose.replications).toBe(3);
    expect(loose.stoppedBecause).toBe('precision');
    expect(seen.map((p) => p.rep)).toEqual([1, 2, 3]);
    expect(seen[0]!.halfWidthNs).toBe(Infinity);
    expect(seen[2]!.halfWidthNs).toBeLessThan(seen[2]!.targetHalfWidthNs);
    const strict = runWhatif(canonical(), defaultModel(), halve(), { seed: 3, minReps: 3, maxReps: 5, precision: 0 });
    expect(strict.replications).toBe(5);
    expect(strict.stoppedBecause).toBe('maxReps');
    // The same seed gives the same first replications.
    expect(strict.delta.makespanNs!.n).toBe(5);
  });

  it('is deterministic and works on replay plans', () => {
    const replay = [plan('r-1', workflow('one', [{ id: 'n0', runtime: 10 }]), 0, { n0: { runtime: 7, podStart: 2 } })];
    const a = runWhatif(replay, defaultModel(), halve(), { seed: 'x', minReps: 3, maxReps: 3 });
    const b = runWhatif(replay, defaultModel(), halve(), { seed: 'x', minReps: 3, maxReps: 3 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.delta.userNs!.unchanged).toBe(true);
    expect(a.baseline.executions[0]!.nodes.find((n) => n.id === 'n0')!.userNs).toBeGreaterThanOrEqual(7e9);
    expect(a.delta.makespanNs!.mean!).toBeLessThan(0);
  });

  it('unpaired half-width: Welch interval, zero for constant samples', () => {
    expect(unpairedHalfWidth([1, 1, 1], [2, 2, 2])).toBe(0);
    expect(unpairedHalfWidth([1], [2, 3])).toBeNull();
    // Equal variances and sizes: df = 2(n − 1), se = sqrt(2 s² / n).
    const h = unpairedHalfWidth([0, 2], [10, 12])!;
    expect(h).toBeCloseTo(4.303 * Math.sqrt(2 * 2 / 2), 2);
  });
});
