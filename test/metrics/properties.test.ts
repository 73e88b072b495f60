import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/metrics/diff.js';
import { computeReport } from '../../src/metrics/report.js';
import type { Bound, ExecutionReport, ReportJson } from '../../src/metrics/report-json.js';
import { TERMINAL_NODE_PHASES, type Recording } from '../../src/timeline/types.js';
import { coarsen, recordingArb, shuffled } from './gen.js';

const RUNS = { numRuns: 60 };

function within(v: number, b: Bound): boolean {
  return b.lo <= v && v <= b.hi;
}

function eachNode(r: ReportJson, f: (e: ExecutionReport, n: ExecutionReport['nodes'][number]) => void): void {
  for (const e of r.executions) for (const n of e.nodes) f(e, n);
}

describe('overhead split properties', () => {
  it('parts are non-negative integers that sum exactly to the node time; lo <= est <= hi (exact and coarse input)', () => {
    fc.assert(
      fc.property(recordingArb(), fc.constantFrom('exact', 'keep', 'midpoint'), (rec, mode) => {
        const input = mode === 'exact' ? rec : coarsen(rec, mode);
        eachNode(computeReport(input), (_e, n) => {
          for (const v of [n.userNs, n.flyteNs, n.externalNs, n.waitNs, n.timeNs]) {
            expect(Number.isInteger(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
          }
          expect(n.userNs + n.flyteNs + n.externalNs).toBe(n.timeNs);
          expect(n.waitNs).toBeLessThanOrEqual(n.flyteNs);
          expect(within(n.timeNs, n.bounds.timeNs)).toBe(true);
          expect(within(n.userNs, n.bounds.userNs)).toBe(true);
          expect(within(n.flyteNs, n.bounds.flyteNs)).toBe(true);
          expect(within(n.externalNs, n.bounds.externalNs)).toBe(true);
          expect(within(n.waitNs, n.bounds.waitNs)).toBe(true);
        });
      }),
      RUNS,
    );
  });

  it('workflow ratios lie in [0, 1], sum to 1 when there is time, and sit inside their bounds', () => {
    fc.assert(
      fc.property(recordingArb(), fc.boolean(), (rec, coarse) => {
        const r = computeReport(coarse ? coarsen(rec, 'midpoint') : rec);
        for (const e of r.executions) {
          const o = e.overhead;
          for (const [k, x] of [['flyteRatio', o.flyteRatio], ['externalRatio', o.externalRatio], ['userRatio', o.userRatio]] as const) {
            expect(x).toBeGreaterThanOrEqual(0);
            expect(x).toBeLessThanOrEqual(1);
            const b = o.bounds[k];
            expect(b.lo).toBeLessThanOrEqual(x + 1e-12);
            expect(b.hi).toBeGreaterThanOrEqual(x - 1e-12);
          }
          expect(o.userNs + o.flyteNs + o.externalNs).toBe(o.totalNs);
          if (o.totalNs > 0) expect(o.flyteRatio + o.externalRatio + o.userRatio).toBeCloseTo(1, 9);
          const top = e.nodes.filter((n) => n.topLevel);
          expect(o.flyteNs).toBe(top.reduce((s, n) => s + n.flyteNs, 0));
          expect(o.userNs).toBe(top.reduce((s, n) => s + n.userNs, 0));
        }
      }),
      RUNS,
    );
  });

  it('critical-path parts sum exactly to the makespan', () => {
    fc.assert(
      fc.property(recordingArb(), fc.constantFrom('exact', 'keep', 'midpoint'), (rec, mode) => {
        const r = computeReport(mode === 'exact' ? rec : coarsen(rec, mode));
        for (const e of r.executions) {
          const cp = e.criticalPath;
          expect(cp.userNs + cp.flyteNs + cp.externalNs).toBe(e.makespanNs);
          expect(cp.gapsNs + cp.tailNs).toBeLessThanOrEqual(cp.flyteNs);
          expect(e.makespanLoNs).toBeLessThanOrEqual(e.makespanNs);
          expect(e.makespanHiNs).toBeGreaterThanOrEqual(e.makespanNs);
          if (e.complete) expect(cp.nodes[cp.nodes.length - 1]).toBe('end-node');
          expect(cp.nodes[0]).toBe('start-node');
        }
      }),
      RUNS,
    );
  });

  it('exact input gives lo = est = hi everywhere', () => {
    fc.assert(
      fc.property(recordingArb(), (rec) => {
        const r = computeReport(rec);
        expect(r.resolutionNs).toBe(0);
        eachNode(r, (_e, n) => {
          expect(n.bounds.timeNs).toEqual({ lo: n.timeNs, hi: n.timeNs });
          expect(n.bounds.userNs).toEqual({ lo: n.userNs, hi: n.userNs });
          expect(n.bounds.flyteNs).toEqual({ lo: n.flyteNs, hi: n.flyteNs });
          expect(n.bounds.externalNs).toEqual({ lo: n.externalNs, hi: n.externalNs });
        });
        for (const e of r.executions) {
          expect([e.makespanLoNs, e.makespanHiNs]).toEqual([e.makespanNs, e.makespanNs]);
          expect(e.overhead.bounds.flyteNs).toEqual({ lo: e.overhead.flyteNs, hi: e.overhead.flyteNs });
          expect(e.criticalPath.bounds.flyteNs).toEqual({ lo: e.criticalPath.flyteNs, hi: e.criticalPath.flyteNs });
        }
        for (const s of Object.values(r.infra)) {
          expect(s.resolutionNs).toBe(0);
          expect(s.bounds).toBeUndefined();
        }
      }),
      RUNS,
    );
  });

  it('bounds from whole-second stamps contain the true (exact) values', () => {
    // The coarse estimate is the middle of each second, so it differs from the truth; the
    // bounds must still contain the value computed from the exact times.
    fc.assert(
      fc.property(recordingArb({ upstream: true }), (rec) => {
        const truth = computeReport(rec);
        const coarse = computeReport(coarsen(rec, 'midpoint'));
        truth.executions.forEach((te, i) => {
          const ce = coarse.executions[i]!;
          expect(within(te.makespanNs, { lo: ce.makespanLoNs, hi: ce.makespanHiNs })).toBe(true);
          expect(within(te.overhead.flyteNs, ce.overhead.bounds.flyteNs)).toBe(true);
          expect(within(te.overhead.userNs, ce.overhead.bounds.userNs)).toBe(true);
          expect(within(te.overhead.externalNs, ce.overhead.bounds.externalNs)).toBe(true);
          expect(te.overhead.flyteRatio).toBeGreaterThanOrEqual(ce.overhead.bounds.flyteRatio.lo - 1e-12);
          expect(te.overhead.flyteRatio).toBeLessThanOrEqual(ce.overhead.bounds.flyteRatio.hi + 1e-12);
          const byId = new Map(ce.nodes.map((n) => [n.id, n]));
          for (const tn of te.nodes) {
            const cn = byId.get(tn.id)!;
            expect(within(tn.timeNs, cn.bounds.timeNs)).toBe(true);
            expect(within(tn.userNs, cn.bounds.userNs)).toBe(true);
            expect(within(tn.flyteNs, cn.bounds.flyteNs)).toBe(true);
            expect(within(tn.externalNs, cn.bounds.externalNs)).toBe(true);
            expect(within(tn.waitNs, cn.bounds.waitNs)).toBe(true);
          }
        });
        for (const [m, s] of Object.entries(truth.infra)) {
          const c = coarse.infra[m as keyof typeof coarse.infra];
          expect(c.count).toBe(s.count);
          if (s.count === 0) continue;
          expect(within(s.p50Ns!, c.bounds!.p50Ns)).toBe(true);
          expect(within(s.p90Ns!, c.bounds!.p90Ns)).toBe(true);
          expect(within(s.p95Ns!, c.bounds!.p95Ns)).toBe(true);
          expect(within(s.meanNs!, { lo: c.bounds!.meanNs.lo - 1, hi: c.bounds!.meanNs.hi + 1 })).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('runnable time and waiting', () => {
  function firstTerminal(rec: Recording, execId: string, nodeId: string): number {
    const n = rec.executions.find((e) => e.id === execId)!.nodes.find((x) => x.id === nodeId)!;
    return Math.min(...n.transitions.filter((t) => TERMINAL_NODE_PHASES.has(t.to)).map((t) => t.at));
  }

  it('with a known DAG, runnable = the latest upstream terminal time, and wait = first transition − runnable (0 for a node that waits for nothing)', () => {
    // Precisely: the generator never puts pod or child time before a node's first transition,
    // so the whole interval [runnable, first transition) must be Flyte wait, and a node whose
    // first transition happens at its runnable time must show waitNs = 0 and a node time equal
    // to the span of its own transitions (first -> terminal).
    fc.assert(
      fc.property(recordingArb({ upstream: true }), (rec) => {
        const r = computeReport(rec);
        for (const e of r.executions) {
          const ex = rec.executions.find((x) => x.id === e.id)!;
          for (const n of e.nodes) {
            const node = ex.nodes.find((x) => x.id === n.id)!;
            const first = Math.min(...node.transitions.map((t) => t.at));
            const ups = (node.upstream ?? []).map((u) => firstTerminal(rec, e.id, u));
            if (n.id === 'start-node') expect(n.runnableAtNs).toBe(ex.created!.at);
            else if (ups.length > 0) expect(n.runnableAtNs).toBe(Math.max(...ups));
            else expect(n.runnableRule).toBe('parent');
            expect(n.waitNs).toBe(first - n.runnableAtNs);
            if (first === n.runnableAtNs) {
              expect(n.waitNs).toBe(0);
              expect(n.timeNs).toBe(n.endAtNs - first);
            }
          }
        }
      }),
      RUNS,
    );
  });

  it('in a chain, inferring runnable from siblings (logs: no upstream ids) is exact', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 3 }), recordingArb({ upstream: true, chain: true }, 2), (_x, rec) => {
        const withUp = computeReport(rec);
        const noUp = structuredClone(rec);
        for (const e of noUp.executions) for (const n of e.nodes) delete n.upstream;
        const inferred = computeReport(noUp);
        withUp.executions.forEach((e, i) => {
          const top = e.nodes.filter((n) => n.topLevel);
          const other = new Map(inferred.executions[i]!.nodes.map((n) => [n.id, n]));
          for (const n of top) {
            const m = other.get(n.id)!;
            expect(m.runnableAtNs).toBe(n.runnableAtNs);
            expect(m.runnableFrom).toBe(n.runnableFrom);
            expect([m.userNs, m.flyteNs, m.externalNs]).toEqual([n.userNs, n.flyteNs, n.externalNs]);
          }
          expect(inferred.executions[i]!.criticalPath.nodes).toEqual(e.criticalPath.nodes);
        });
      }),
      { numRuns: 50 },
    );
  });
});

describe('overhead over all executions', () => {
  it('sums the complete top-level executions, shares lie in [0, 1] inside their bounds and sum to 1, every sum inside its bounds', () => {
    fc.assert(
      fc.property(recordingArb({}, 5), fc.boolean(), (rec, coarse) => {
        const r = computeReport(coarse ? coarsen(rec, 'midpoint') : rec);
        const o = r.overall!;
        const counted = r.executions.filter((e) => e.parent === undefined && e.complete);
        expect(o.executions).toBe(r.executions.filter((e) => e.parent === undefined).length);
        expect(o.complete).toBe(counted.length);
        expect(o.makespan.count).toBe(counted.length);
        const v = o.overhead;
        for (const k of ['userNs', 'flyteNs', 'externalNs', 'totalNs'] as const) {
          expect(v[k]).toBe(counted.reduce((s, e) => s + e.overhead[k], 0));
          expect(within(v[k], v.bounds[k])).toBe(true);
        }
        for (const k of ['userRatio', 'flyteRatio', 'externalRatio'] as const) {
          expect(v[k]).toBeGreaterThanOrEqual(0);
          expect(v[k]).toBeLessThanOrEqual(1);
          expect(v.bounds[k].lo).toBeLessThanOrEqual(v[k] + 1e-12);
          expect(v.bounds[k].hi).toBeGreaterThanOrEqual(v[k] - 1e-12);
        }
        if (v.totalNs > 0) expect(v.userRatio + v.flyteRatio + v.externalRatio).toBeCloseTo(1, 9);
        if (counted.length > 0) {
          const mk = counted.map((e) => e.makespanNs);
          expect(o.makespan.minNs).toBe(Math.min(...mk));
          expect(o.makespan.maxNs).toBe(Math.max(...mk));
        }
        for (const s of [o.flyteRatio, o.externalRatio]) {
          if (s.count > 0) expect(s.min! >= 0 && s.max! <= 1 && s.min! <= s.p50! && s.p50! <= s.max!).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

describe('aggregation order does not matter', () => {
  function canonical(r: ReportJson): unknown {
    return {
      infra: r.infra,
      infraCounts: r.infraCounts,
      overall: r.overall,
      streakEnds: r.streakEnds,
      executions: [...r.executions]
        .map((e) => ({ ...e, nodes: [...e.nodes].sort((a, b) => (a.id < b.id ? -1 : 1)) }))
        .sort((a, b) => (a.id < b.id ? -1 : 1)),
    };
  }

  it('shuffling executions, nodes and ops changes nothing but list order', () => {
    fc.assert(
      fc.property(recordingArb(), fc.integer(), fc.boolean(), (rec, seed, coarse) => {
        const input = coarse ? coarsen(rec, 'midpoint') : rec;
        const shuffledRec: Recording = structuredClone(input);
        shuffledRec.executions = shuffled(shuffledRec.executions, seed);
        for (const e of shuffledRec.executions) {
          e.nodes = shuffled(e.nodes, seed + 1);
          e.handles = e.handles.map((h) => ({ ...h, rounds: h.rounds.map((r) => ({ ...r, ops: shuffled(r.ops, seed + 2) })) }));
        }
        expect(canonical(computeReport(shuffledRec))).toEqual(canonical(computeReport(input)));
      }),
      RUNS,
    );
  });
});

describe('infrastructure statistics', () => {
  it('quantiles are ordered, observed values, and counts match the ops', () => {
    fc.assert(
      fc.property(recordingArb(), (rec) => {
        const r = computeReport(rec);
        let nodeEvents = 0;
        let rounds = 0;
        for (const e of rec.executions) {
          for (const h of e.handles) {
            rounds += h.rounds.length;
            for (const rd of h.rounds) nodeEvents += rd.ops.filter((o) => o.kind === 'nodeEvent').length;
          }
        }
        expect(r.infra.nodeEvents.count).toBe(nodeEvents);
        expect(r.infra.rounds.count).toBe(rounds);
        for (const s of Object.values(r.infra)) {
          if (s.count === 0) continue;
          expect(s.minNs!).toBeLessThanOrEqual(s.p50Ns!);
          expect(s.p50Ns!).toBeLessThanOrEqual(s.p90Ns!);
          expect(s.p90Ns!).toBeLessThanOrEqual(s.p95Ns!);
          expect(s.p95Ns!).toBeLessThanOrEqual(s.maxNs!);
        }
      }),
      RUNS,
    );
  });
});

describe('diff', () => {
  it('diff(A, A) is all zeros', () => {
    fc.assert(
      fc.property(recordingArb(), (rec) => {
        const a = computeReport(rec);
        const d = diffReports(a, a);
        expect(d.matchedBy).toBe('id');
        expect(d.onlyInA).toEqual([]);
        expect(d.onlyInB).toEqual([]);
        for (const e of d.executions) {
          expect(e.makespanNs.delta).toBe(0);
          for (const x of [...Object.values(e.overhead), ...Object.values(e.criticalPath), ...Object.values(e.counts)]) expect(x.delta).toBe(0);
          for (const n of e.nodes) for (const k of ['timeNs', 'userNs', 'flyteNs', 'externalNs', 'waitNs'] as const) expect(n[k].delta).toBe(0);
        }
        for (const m of Object.values(d.infra)) for (const x of Object.values(m)) expect(x.delta === 0 || (x.a === null && x.b === null)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('diff(A, B) = −diff(B, A) in absolute terms', () => {
    fc.assert(
      fc.property(recordingArb({}, 2), recordingArb({}, 2), (ra, rb) => {
        const a = computeReport(ra);
        const b = computeReport(rb);
        const ab = diffReports(a, b);
        const ba = diffReports(b, a);
        expect(ab.matchedBy).toBe(ba.matchedBy);
        expect(ab.onlyInA).toEqual(ba.onlyInB);
        expect(ab.executions.length).toBe(ba.executions.length);
        ab.executions.forEach((x, i) => {
          const y = ba.executions[i]!;
          expect(x.makespanNs.delta! + y.makespanNs.delta!).toBe(0);
          for (const k of Object.keys(x.overhead) as (keyof typeof x.overhead)[]) expect(x.overhead[k].delta).toBeCloseTo(-y.overhead[k].delta!, 12);
          const yn = new Map(y.nodes.map((n) => [n.id, n]));
          for (const n of x.nodes) {
            const m = yn.get(n.id)!;
            expect([n.inA, n.inB]).toEqual([m.inB, m.inA]);
            if (n.userNs.delta !== null) expect(n.userNs.delta + m.userNs.delta!).toBe(0);
            else expect(m.userNs.delta).toBeNull();
          }
        });
        for (const [k, m] of Object.entries(ab.infra)) {
          for (const f of Object.keys(m) as (keyof typeof m)[]) {
            const d1 = m[f].delta;
            const d2 = ba.infra[k]![f].delta;
            if (d1 === null) expect(d2).toBeNull();
            else expect(d1 + d2!).toBe(0);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
