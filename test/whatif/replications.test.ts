import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { computeReport, renderReport, type ReportJson } from '../../src/metrics/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { simulate } from '../../src/propeller/simulator.js';
import { Running } from '../../src/whatif/paired-stats.js';
import { meanReport } from '../../src/whatif/mean-report.js';
import { aggregateReports, estimate } from '../../src/whatif/replications.js';
import { renderReplications } from '../../src/whatif/render.js';
import { canonical, plan, workflow } from './fixtures.js';

const reports = (plans = canonical(), n = 4, seed = 1): ReportJson[] =>
  Array.from({ length: n }, (_, r) => computeReport(simulate(plans, defaultModel(), { seed, replication: r })));

describe('replication estimates', () => {
  test.prop([fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer({ min: 2, max: 50 })])(
    'N identical values: that value with zero width',
    (x, n) => {
      const e = estimate(new Array<number>(n).fill(x));
      expect(e.mean).toBe(x);
      expect(e.halfWidth).toBe(0);
      expect(e.ci95).toEqual([x, x]);
      expect(e.n).toBe(n);
    },
  );

  test.prop([fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 2, maxLength: 60 })])(
    'mean and CI agree with the running statistics and contain the mean',
    (xs) => {
      const e = estimate(xs);
      const r = new Running();
      xs.forEach((x) => r.add(x));
      expect(e.mean).toBeCloseTo(r.mean, 3);
      expect(e.ci95![0]).toBeLessThanOrEqual(e.mean!);
      expect(e.ci95![1]).toBeGreaterThanOrEqual(e.mean!);
      // (+ 0 makes -0 and 0 one value: which of the two a minimum of [0, -0] is does not matter)
      expect(e.min! + 0).toBe(Math.min(...xs) + 0);
      expect(e.max! + 0).toBe(Math.max(...xs) + 0);
    },
  );

  it('nulls are skipped; one value has no CI', () => {
    expect(estimate([null, 5, undefined])).toMatchObject({ n: 1, mean: 5, halfWidth: null, ci95: null });
    expect(estimate([])).toMatchObject({ n: 0, mean: null });
  });
});

describe('mean report', () => {
  it('of N identical reports is that report', () => {
    const [r] = reports(canonical(), 1);
    for (const n of [1, 2, 3, 5]) expect(meanReport(new Array<ReportJson>(n).fill(r!))).toEqual(r);
  });

  it('averages numbers by execution and node id, rounds ns, zero-fills count maps', () => {
    const [a, b] = reports(canonical(), 2);
    const m = meanReport([a!, b!]);
    const ea = a!.executions[0]!;
    const eb = b!.executions[0]!;
    const em = m.executions[0]!;
    expect(em.makespanNs).toBe(Math.round((ea.makespanNs + eb.makespanNs) / 2));
    expect(Number.isInteger(em.overhead.flyteNs)).toBe(true);
    expect(em.overhead.flyteRatio).toBeCloseTo((ea.overhead.flyteRatio + eb.overhead.flyteRatio) / 2, 12);
    const n0 = (e: typeof ea) => e.nodes.find((x) => x.id === 'n0')!;
    expect(n0(em).userNs).toBe(Math.round((n0(ea).userNs + n0(eb).userNs) / 2));
    // A key absent from one replication's streakEnds is a zero there.
    const a2 = structuredClone(a!);
    const b2 = structuredClone(b!);
    a2.streakEnds = { cap: 4 };
    b2.streakEnds = { noChange: 2 };
    expect(meanReport([a2, b2]).streakEnds).toEqual({ cap: 2, noChange: 1 });
  });

  it('prints mean counts with at most one decimal (no float noise in the text)', () => {
    const rs = reports(canonical(), 3);
    // Make the counts differ between replications so their means are not whole.
    rs[1]!.executions[0]!.counts.handles += 1;
    rs[2]!.executions[0]!.counts.handles += 1;
    rs[1]!.streakEnds = { ...rs[1]!.streakEnds, noChange: (rs[1]!.streakEnds.noChange ?? 0) + 1 };
    rs[1]!.infra.rounds.count += 1;
    const m = meanReport(rs);
    expect(Number.isInteger(m.executions[0]!.counts.handles)).toBe(false);
    const text = renderReport(m);
    expect(text).not.toMatch(/\d\.\d{2,}(?! ?%| ?[mµn]?s\b| ?KiB| ?MiB)/);
    expect(text).toMatch(/activity +\d+\.\d Handle calls/);
  });
});

describe('aggregateReports', () => {
  it('figures over top-level executions and per execution', () => {
    const plans = [plan('a', workflow('one', [{ id: 'n0', runtime: 10 }])), plan('b', workflow('two', [{ id: 'x', runtime: 4 }, { id: 'y', runtime: 4 }], true), 2)];
    const rs = reports(plans, 4, 7);
    const { mean, replications } = aggregateReports(rs);
    expect(replications.n).toBe(4);
    expect(replications.executions.map((e) => e.id)).toEqual(['a', 'b']);
    const perRep = rs.map((r) => (r.executions[0]!.makespanNs + r.executions[1]!.makespanNs) / 2);
    expect(replications.figures.makespanNs!.mean).toBeCloseTo(perRep.reduce((x, y) => x + y, 0) / 4, 3);
    const b = rs.map((r) => r.executions[1]!.counts.rounds);
    expect(replications.executions[1]!.figures.rounds!.mean).toBeCloseTo(b.reduce((x, y) => x + y, 0) / 4, 9);
    const events = rs[0]!.executions[0]!.counts;
    expect(estimate([events.workflowEvents + events.nodeEvents + events.taskEvents]).mean).toBe(
      aggregateReports([rs[0]!]).replications.executions[0]!.figures.events!.mean,
    );
    expect(mean.executions.map((e) => e.id)).toEqual(['a', 'b']);
    expect(mean.executions[0]!.makespanNs).toBe(Math.round(rs.reduce((s, r) => s + r.executions[0]!.makespanNs, 0) / 4));
    const text = renderReplications(replications);
    expect(text).toMatch(/^4 replications: mean ± 95% CI, per figure the mean over 2 executions/);
    expect(text).toMatch(/makespan\s+\S+ s ± /);
  });

  it('identical replications give zero-width CIs', () => {
    const [r] = reports(canonical(), 1);
    const { replications } = aggregateReports([r!, r!, r!]);
    for (const [k, e] of Object.entries(replications.figures)) {
      if (e.n === 0) continue;
      expect(e.halfWidth, k).toBe(0);
      expect(e.ci95, k).toEqual([e.mean, e.mean]);
    }
  });
});
