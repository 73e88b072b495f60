import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { instant, splitWindow, unionMeasure, type Interval, type Placement } from '../../src/metrics/intervals.js';

/** The union's measure by definition: count the unit cells some clipped interval covers. */
function byCells(ivs: Interval[], win: Interval, p: Placement): number {
  const pick = (x: { at: number; lo: number; hi: number }, early: boolean) => (p === 'est' ? x.at : (p === 'min') === early ? x.hi : x.lo);
  const ws = pick(win.s, true);
  const we = pick(win.e, false);
  let n = 0;
  for (let t = ws; t < we; t++) if (ivs.some((iv) => pick(iv.s, true) <= t && t < pick(iv.e, false))) n++;
  return n;
}

const inst = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }))
  .map(([at, dl, dh]) => instant(at, at - dl, at + dh));
const interval = fc.tuple(inst, fc.integer({ min: 0, max: 30 })).map(([s, len]): Interval => ({ s, e: instant(s.at + len, s.lo + len, s.hi + len) }));

describe('union measure', () => {
  test.prop([fc.array(interval, { maxLength: 25 }), interval, fc.constantFrom<Placement>('est', 'min', 'max')])(
    'equals the cells covered, for every placement, with nested, touching and outside intervals',
    (ivs, win, p) => {
      expect(unionMeasure(ivs, win, p)).toBe(byCells(ivs, win, p));
    },
  );

  it('touching intervals join; one outside the window adds nothing', () => {
    const iv = (a: number, b: number): Interval => ({ s: instant(a), e: instant(b) });
    expect(unionMeasure([iv(0, 5), iv(5, 8), iv(20, 30)], iv(0, 10), 'est')).toBe(8);
    expect(unionMeasure([iv(2, 4), iv(0, 10), iv(3, 12)], iv(1, 11), 'est')).toBe(10);
  });

  test.prop([fc.array(interval, { maxLength: 12 }), fc.array(interval, { maxLength: 12 }), interval])(
    'the split of a window sums to its time, exact instants or not',
    (user, external, win) => {
      const s = splitWindow(win, user, external);
      expect(s.user.est + s.external.est + s.flyte.est).toBe(s.time.est);
      for (const part of [s.user, s.external, s.flyte]) expect(part.lo <= part.est && part.est <= part.hi).toBe(true);
    },
  );
});
