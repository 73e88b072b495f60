import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { RandomStreams } from '../../src/engine/random.js';

const draws = (r: () => number, n: number) => Array.from({ length: n }, () => r());

describe('RandomStreams', () => {
  it('gives the same sequence for the same key, whatever was drawn elsewhere first', () => {
    const a = new RandomStreams('s', 0);
    const b = new RandomStreams('s', 0);
    draws(b.stream('pods', 'e1', 'n1'), 50);
    draws(b.stream('events', 'e2'), 7);
    expect(draws(b.stream('events', 'e1', 'n0'), 20)).toEqual(draws(a.stream('events', 'e1', 'n0'), 20));
  });

  it('returns the same stream object for a key (draws continue)', () => {
    const s = new RandomStreams(1, 0);
    const first = s.stream('c', 'e', 'n', 'p')();
    const again = s.stream('c', 'e', 'n', 'p')();
    const fresh = new RandomStreams(1, 0).stream('c', 'e', 'n', 'p');
    expect([first, again]).toEqual([fresh(), fresh()]);
  });

  test.prop([fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 })])('different keys, seeds or replications give different sequences', (x, y) => {
    const s = new RandomStreams('seed', 0);
    const base = draws(s.stream('blob', x, y), 4);
    expect(draws(s.stream('kube', x, y), 4)).not.toEqual(base);
    expect(draws(new RandomStreams('seed', 1).stream('blob', x, y), 4)).not.toEqual(base);
    expect(draws(new RandomStreams('other', 0).stream('blob', x, y), 4)).not.toEqual(base);
  });

  it('draws uniformly in [0, 1)', () => {
    const r = new RandomStreams('u', 0).stream('x');
    const xs = draws(r, 20000);
    for (const v of xs) expect(v >= 0 && v < 1).toBe(true);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.01);
  });
});
