import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { endHi, endLo, isExactTimed, startHi, startLo } from '../../src/timeline/bounds.js';
import { shiftExecution } from '../../src/timeline/rebase.js';
import type { Execution, Op } from '../../src/timeline/types.js';

const ns = fc.integer({ min: 0, max: 1e14 });

/** An op with exact times (no bounds) or with whole-second bounds around them. */
const arbOp = fc.tuple(ns, fc.integer({ min: 0, max: 5e9 }), fc.boolean()).map(([s, d, bounded]): Op => {
  const e = s + d;
  if (!bounded) return { kind: 'etcdUpdate', start: s, end: e };
  const sec = (t: number) => Math.floor(t / 1e9) * 1e9;
  return { kind: 'etcdUpdate', start: s, end: e, startLo: sec(s), startHi: sec(s) + 1e9 - 1, endLo: sec(e), endHi: sec(e) + 1e9 - 1 };
});

function execWith(op: Op): Execution {
  return {
    id: 'e',
    namespace: 'ns',
    phase: 'Running',
    handles: [{ worker: 'w', start: op.start, end: op.end, rounds: [{ start: op.start, end: op.end, phase: 'Running', changed: true, ops: [op] }], endReason: 'noChange' }],
    nodes: [],
    enqueues: [],
    workflowTransitions: [],
  };
}

describe('bounds of Handle calls, rounds and ops (absent = exact)', () => {
  test.prop([arbOp])('accessors fall back to the time itself and always bracket it', (op) => {
    expect(startLo(op)).toBeLessThanOrEqual(op.start);
    expect(startHi(op)).toBeGreaterThanOrEqual(op.start);
    expect(endLo(op)).toBeLessThanOrEqual(op.end);
    expect(endHi(op)).toBeGreaterThanOrEqual(op.end);
    expect(isExactTimed(op)).toBe(op.startLo === undefined || (op.startLo === op.start && op.endHi === op.end && op.startHi === op.start && op.endLo === op.end));
  });

  it('treats explicit bounds equal to the times as exact, and any wider bound as not', () => {
    expect(isExactTimed({ start: 5, end: 9 })).toBe(true);
    expect(isExactTimed({ start: 5, end: 9, startLo: 5, startHi: 5, endLo: 9, endHi: 9 })).toBe(true);
    expect(isExactTimed({ start: 5, end: 9, startLo: 4, startHi: 5, endLo: 9, endHi: 9 })).toBe(false);
    expect(isExactTimed({ start: 5, end: 9, startLo: 5, startHi: 5, endLo: 9, endHi: 10 })).toBe(false);
  });

  test.prop([arbOp, fc.integer({ min: -1e12, max: 1e12 })])('rebasing shifts every stated bound and adds none', (op, d) => {
    const before = structuredClone(op);
    const e = execWith(op);
    shiftExecution(e, d);
    for (const x of [e.handles[0]!, e.handles[0]!.rounds[0]!, e.handles[0]!.rounds[0]!.ops[0]!]) {
      expect(x.start).toBe(before.start + d);
      expect(x.end).toBe(before.end + d);
    }
    const after = e.handles[0]!.rounds[0]!.ops[0]!;
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    if (before.startLo !== undefined) {
      expect([after.startLo, after.startHi, after.endLo, after.endHi]).toEqual([before.startLo + d, before.startHi! + d, before.endLo! + d, before.endHi! + d]);
    }
  });
});
