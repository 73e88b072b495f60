import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { makeOp } from '../../src/propeller/round-context.js';
import type { Op } from '../../src/timeline/types.js';

/** The reference: keys added one by one in the Timeline's order, absent ones left out. */
function reference(s: number, e: number, node?: string, from?: string, to?: string, bytes?: number, outcome?: string, detail?: string): Op {
  const op: Op = { kind: 'taskEvent', start: s, end: e };
  if (node !== undefined) op.node = node;
  if (from !== undefined) op.from = from;
  if (to !== undefined) op.to = to;
  if (bytes !== undefined) op.bytes = bytes;
  if (outcome !== undefined) op.outcome = outcome;
  if (detail !== undefined) op.detail = detail;
  return op;
}

describe('makeOp (one literal per field combination)', () => {
  test.prop([fc.nat(), fc.nat(), fc.string(), fc.string(), fc.string(), fc.nat(), fc.string(), fc.string()], { numRuns: 20 })(
    'for every combination of fields gives the keys, in order, of adding them one by one, and no undefined values',
    (s, d, n, f, t, b, o, x) => {
      for (let mask = 0; mask < 64; mask++) {
        const pick = <T>(bit: number, v: T): T | undefined => (mask & bit ? v : undefined);
        const args = [pick(1, n), pick(2, f), pick(4, t), pick(8, b), pick(16, o), pick(32, x)] as const;
        const op = makeOp('taskEvent', s, s + d, ...args);
        const ref = reference(s, s + d, ...args);
        expect(Object.keys(op)).toEqual(Object.keys(ref));
        expect(JSON.stringify(op)).toBe(JSON.stringify(ref));
        expect(Object.values(op).includes(undefined)).toBe(false);
      }
    },
  );
});
