import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseBytes, parseDistribution, parseDuration } from '../../src/model/quantities.js';
import { topologicalOrder } from '../../src/model/dag.js';
import type { WorkflowNode } from '../../src/model/workflow.js';

describe('durations and sizes', () => {
  it('parses Go-style durations and plain seconds', () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('250ms')).toBeCloseTo(0.25, 12);
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('1.5h')).toBe(5400);
    expect(parseDuration('20ns')).toBeCloseTo(2e-8, 20);
    expect(parseDuration('3us')).toBeCloseTo(3e-6, 18);
    expect(parseDuration(2.5)).toBe(2.5);
    expect(parseDuration('2.5')).toBe(2.5);
    expect(parseDuration('-1s')).toBe(-1);
    expect(parseDuration('fast')).toMatch(/expected a duration/);
    expect(parseDuration('30 s')).toMatch(/expected a duration/);
    expect(parseDuration({})).toMatch(/got a map/);
  });

  test.prop([fc.integer({ min: 0, max: 10_000_000 })])('milliseconds round-trip', (ms) => {
    expect(parseDuration(`${ms}ms`)).toBeCloseTo(ms / 1000, 9);
  });

  it('parses sizes', () => {
    expect(parseBytes('512B')).toBe(512);
    expect(parseBytes('4KiB')).toBe(4096);
    expect(parseBytes('1.5MiB')).toBe(1_572_864);
    expect(parseBytes('2MB')).toBe(2_000_000);
    expect(parseBytes(100)).toBe(100);
    expect(parseBytes('100')).toBe(100);
    expect(parseBytes(-1)).toMatch(/non-negative/);
    expect(parseBytes('1.5 parsecs')).toMatch(/expected a size/);
  });
});

describe('distributions', () => {
  const ok = (v: unknown) => {
    const r = parseDistribution(v);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  const bad = (v: unknown) => {
    const r = parseDistribution(v);
    if (r.ok) throw new Error('expected a failure');
    return r;
  };

  it('accepts the shorthand and the stored forms', () => {
    expect(ok('30s')).toEqual({ type: 'constant', value: 30 });
    expect(ok(0.5)).toEqual({ type: 'constant', value: 0.5 });
    expect(ok({ constant: '1m' })).toEqual({ type: 'constant', value: 60 });
    expect(ok({ uniform: { min: '10s', max: '20s' } })).toEqual({ type: 'uniform', min: 10, max: 20 });
    expect(ok({ exponential: { mean: '5s' } })).toEqual({ type: 'exponential', mean: 5 });
    expect(ok({ normal: { mean: '30s', sd: '5s' } })).toEqual({ type: 'normal', mean: 30, sd: 5 });
    expect(ok({ lognormal: { median: '20s', sigma: 0.3 } })).toEqual({ type: 'lognormal', mu: Math.log(20), sigma: 0.3 });
    expect(ok({ lognormal: { mu: -3, sigma: 0.3 } })).toEqual({ type: 'lognormal', mu: -3, sigma: 0.3 });
    expect(ok({ gamma: { shape: 2, scale: '5s' } })).toEqual({ type: 'gamma', shape: 2, scale: 5 });
    expect(ok({ weibull: { shape: 1.5, scale: 10 } })).toEqual({ type: 'weibull', shape: 1.5, scale: 10 });
    expect(ok({ empirical: ['1s', 2, '2500ms'] })).toEqual({ type: 'empirical', samples: [1, 2, 2.5] });
    expect(ok({ linear: { base: '5ms', perUnit: '20ns' } })).toEqual({
      type: 'linear',
      base: { type: 'constant', value: 0.005 },
      perUnit: 2e-8,
    });
    const stored = { type: 'linear', base: { type: 'lognormal', mu: -5, sigma: 0.4 }, perUnit: 1e-8 };
    expect(ok(stored)).toEqual(stored);
  });

  it('reports the sub-path of a bad field', () => {
    expect(bad({ lognormal: { median: '20s' } })).toMatchObject({ path: ['lognormal'], message: 'missing field "sigma"' });
    expect(bad({ lognormal: { median: 0, sigma: 1 } }).path).toEqual(['lognormal', 'median']);
    expect(bad({ uniform: { min: 3, max: 1 } }).path).toEqual(['uniform', 'max']);
    expect(bad({ gamma: { shape: -1, scale: 1 } }).path).toEqual(['gamma', 'shape']);
    expect(bad({ empirical: [] }).path).toEqual(['empirical']);
    expect(bad({ type: 'lognormal', mu: 1 }).message).toBe('missing field "sigma"');
    expect(bad({ type: 'cauchy' }).path).toEqual(['type']);
    expect(bad({ lognormal: { median: 1, sigma: 1, extra: 1 } }).path).toEqual(['lognormal', 'extra']);
    expect(bad({ a: 1, b: 2 }).message).toMatch(/^expected a duration like/);
    expect(bad({ linear: { base: { normal: { mean: 1 } }, perUnit: 0 } }).path).toEqual(['linear', 'base', 'normal']);
    expect(bad('-2s').message).toMatch(/>= 0/);
  });
});

describe('topological order', () => {
  /** A random DAG: node i may depend on any earlier node; ids shuffled in the input order. */
  const dag = fc
    .integer({ min: 1, max: 40 })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.array(fc.integer({ min: 0, max: n }), { maxLength: 4 }), { minLength: n, maxLength: n }),
        fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i),
          { minLength: n, maxLength: n },
        ),
      ),
    )
    .map(([deps, perm]) => {
      const nodes: WorkflowNode[] = deps.map((d, i) => ({
        id: `n${i}`,
        kind: 'task',
        upstream: [...new Set(d.filter((j) => j < i).map((j) => `n${j}`))],
      }));
      return perm.map((i) => nodes[i]!);
    });

  test.prop([dag])('puts every node after its upstreams and keeps all nodes', (nodes) => {
    const r = topologicalOrder(nodes);
    expect('order' in r).toBe(true);
    if (!('order' in r)) return;
    expect(r.order).toHaveLength(nodes.length);
    const pos = new Map(r.order.map((n, i) => [n.id, i]));
    for (const n of nodes) for (const u of n.upstream) expect(pos.get(u)!).toBeLessThan(pos.get(n.id)!);
  });

  test.prop([dag, fc.nat(), fc.nat()])('finds a cycle when one edge points back', (nodes, a, b) => {
    if (nodes.length < 2) return;
    // Add an edge from a node to one of its (transitive) upstreams: a path upstream of x, back to x.
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const withUp = nodes.filter((n) => n.upstream.length > 0);
    if (withUp.length === 0) return;
    const x = withUp[a % withUp.length]!;
    const u = byId.get(x.upstream[b % x.upstream.length]!)!;
    const copy = nodes.map((n) => (n === u ? { ...n, upstream: [...n.upstream, x.id] } : n));
    const r = topologicalOrder(copy);
    expect('cycle' in r).toBe(true);
    if (!('cycle' in r)) return;
    expect(r.cycle[0]).toBe(r.cycle.at(-1));
    const byIdCopy = new Map(copy.map((n) => [n.id, n]));
    // Each step of the reported cycle is a real edge: the next id lists the previous as upstream.
    for (let i = 0; i + 1 < r.cycle.length; i++) expect(byIdCopy.get(r.cycle[i + 1]!)!.upstream).toContain(r.cycle[i]);
  });

  it('places branch cases right after their branch', () => {
    const r = topologicalOrder([
      { id: 'c1', kind: 'task', upstream: [], branchOf: 'b' },
      { id: 'start-node', kind: 'start', upstream: [] },
      { id: 'end-node', kind: 'end', upstream: ['b'] },
      { id: 'b', kind: 'branch', upstream: ['start-node'], branch: { cases: ['c1', 'c2'], taken: 'c1' } },
      { id: 'c2', kind: 'task', upstream: [], branchOf: 'b' },
    ]);
    expect('order' in r && r.order.map((n) => n.id)).toEqual(['start-node', 'b', 'c1', 'c2', 'end-node']);
  });
});
