import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import seedrandom from 'seedrandom';
import { RandomStreams, aleaFromState, keyedStream } from '../../src/engine/random.js';

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

describe('keyed Alea streams', () => {
  test.prop([fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), fc.nat(1000), fc.string({ maxLength: 8, unit: 'binary' }), fc.string({ maxLength: 8, unit: 'binary' }), fc.string({ maxLength: 4 })])(
    'a stream is keyedStream of (seed, replication, component, execution, node, purpose)',
    (seed, rep, execution, node, purpose) => {
      const s = new RandomStreams(seed, rep);
      const expected = keyedStream([String(seed), String(rep), 'kube', execution, node, purpose]);
      expect(draws(s.stream('kube', execution, node, purpose), 30)).toEqual(draws(expected, 30));
    },
  );

  it('gives one stream object per key, through a group or directly', () => {
    const s = new RandomStreams('g', 2);
    const viaGroup = s.group('blob', 'e1', 'p').stream('n7');
    expect(s.stream('blob', 'e1', 'n7', 'p')).toBe(viaGroup);
    expect(s.group('blob', 'e1', 'p')).toBe(s.group('blob', 'e1', 'p'));
    expect(s.stream('blob', 'e1', 'n7')).not.toBe(viaGroup);
  });

  test.prop([fc.nat(0xffffffff), fc.nat(0xffffffff), fc.nat(0xffffffff)])(
    "draws exactly what seedrandom's alea draws from the same state",
    (a, b, c) => {
      const [s0, s1, s2] = [a, b, c].map((x) => x * 2 ** -32) as [number, number, number];
      const reference = seedrandom.alea('', { state: { c: 1, s0, s1, s2 } });
      expect(draws(aleaFromState(s0, s1, s2), 200)).toEqual(draws(reference, 200));
    },
  );

  it('separates the key parts (as a NUL-joined key would)', () => {
    expect(draws(keyedStream(['ab', 'c']), 5)).not.toEqual(draws(keyedStream(['a', 'bc']), 5));
    expect(draws(keyedStream(['a', '']), 5)).not.toEqual(draws(keyedStream(['a']), 5));
  });

  it('gives streams of neighbouring keys uniform, uncorrelated first draws', () => {
    const s = new RandomStreams('u', 0);
    const first = Array.from({ length: 4000 }, (_, i) => s.stream('events', 'wf', `n${i}`)());
    // Uniform: every tenth of [0, 1) holds about a tenth of the draws.
    const bins = new Array<number>(10).fill(0);
    for (const v of first) bins[Math.floor(v * 10)]!++;
    for (const b of bins) expect(Math.abs(b - 400)).toBeLessThan(80);
    // Neighbouring nodes' streams are not correlated.
    let sxy = 0;
    for (let i = 1; i < first.length; i++) sxy += (first[i]! - 0.5) * (first[i - 1]! - 0.5);
    expect(Math.abs(sxy / (first.length - 1) / (1 / 12))).toBeLessThan(0.08);
  });
});
