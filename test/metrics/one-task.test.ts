import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/metrics/report.js';
import { renderReport } from '../../src/metrics/render-report.js';
import { coarsen } from './gen.js';
import { T, oneTaskRecording } from './fixtures.js';

const S = 1_000_000_000;

describe('report of the hand-built 1-task workflow (exact times)', () => {
  const r = computeReport(oneTaskRecording());
  const e = r.executions[0]!;
  const node = (id: string) => e.nodes.find((n) => n.id === id)!;

  it('makespan is created -> workflow Succeeded = 20 s', () => {
    expect(e.makespanNs).toBe(20 * S);
    expect([e.makespanLoNs, e.makespanHiNs]).toEqual([20 * S, 20 * S]);
    expect(e.complete).toBe(true);
    expect(e.resolutionNs).toBe(0);
  });

  it('start-node: runnable at creation (0), ends at 1 s, all Flyte, waited 1 s', () => {
    expect(node('start-node')).toMatchObject({ runnableRule: 'start', runnableAtNs: 0, endAtNs: S, timeNs: S, userNs: 0, externalNs: 0, flyteNs: S, waitNs: S, complete: true });
  });

  it('n0: runnable when start-node ended (1 s) to Succeeded (16 s) = 15 s; user 9 s, external 2.5 + 0.5 s, Flyte 3 s', () => {
    expect(node('n0')).toMatchObject({
      runnableRule: 'upstream',
      runnableFrom: 'start-node',
      runnableAtNs: S,
      endAtNs: 16 * S,
      timeNs: 15 * S,
      userNs: 9 * S, // started 5 -> finished 14
      externalNs: 3 * S, // created 2.5 -> started 5, finished 14 -> observed 14.5
      flyteNs: 3 * S, // 15 - 9 - 3: 1 s wait + Queued 2..2.5 + 14.5..16
      waitNs: S, // runnable 1 -> Queued 2
      pods: 1,
    });
    expect(node('n0').bounds.userNs).toEqual({ lo: 9 * S, hi: 9 * S });
  });

  it('end-node: runnable when n0 ended (16 s) to Succeeded (18 s), all Flyte', () => {
    expect(node('end-node')).toMatchObject({ runnableFrom: 'n0', timeNs: 2 * S, flyteNs: 2 * S, userNs: 0, externalNs: 0, waitNs: S });
  });

  it('workflow overhead: sums over nodes and ratios of the sums', () => {
    expect(e.overhead).toMatchObject({ userNs: 9 * S, flyteNs: 6 * S, externalNs: 3 * S, totalNs: 18 * S, nodeCount: 3 });
    expect(e.overhead.flyteRatio).toBeCloseTo(1 / 3, 12);
    expect(e.overhead.externalRatio).toBeCloseTo(1 / 6, 12);
    expect(e.overhead.userRatio).toBeCloseTo(1 / 2, 12);
    expect(e.overhead.bounds.flyteRatio.lo).toBeCloseTo(1 / 3, 12);
    expect(e.overhead.bounds.flyteRatio.hi).toBeCloseTo(1 / 3, 12);
  });

  it('critical path start-node -> n0 -> end-node plus the 2 s workflow tail sums to the makespan', () => {
    const cp = e.criticalPath;
    expect(cp.nodes).toEqual(['start-node', 'n0', 'end-node']);
    expect(cp).toMatchObject({ userNs: 9 * S, externalNs: 3 * S, flyteNs: 8 * S, gapsNs: 0, tailNs: 2 * S, makespanNs: 20 * S });
    expect(cp.flyteRatio).toBeCloseTo(0.4, 12);
  });

  it('activity counts', () => {
    expect(e.counts).toMatchObject({
      handles: 4,
      rounds: 13,
      changedRounds: 10,
      workflowEvents: 3,
      nodeEvents: 6,
      taskEvents: 2,
      etcdUpdates: 10,
      etcdBytes: 104500,
      maxCrBytes: 10900,
      maxStreak: 5,
      streakEnds: { noChange: 3, terminal: 1 },
    });
  });

  it('infrastructure quantiles (nearest rank) by hand', () => {
    const i = r.infra;
    // workflow events 15, 20, 25 ms
    expect(i.workflowEvents).toMatchObject({ count: 3, p50Ns: T(20), p90Ns: T(25), p95Ns: T(25), meanNs: T(20), sdNs: T(5), minNs: T(15), maxNs: T(25), resolutionNs: 0 });
    expect(i.workflowEvents.bounds).toBeUndefined();
    // node events 10, 10, 20, 20, 30, 30 ms
    expect(i.nodeEvents).toMatchObject({ count: 6, p50Ns: T(20), p90Ns: T(30), p95Ns: T(30) });
    // task events 40, 60 ms
    expect(i.taskEvents).toMatchObject({ count: 2, p50Ns: T(40), p90Ns: T(60), p95Ns: T(60) });
    expect(i.etcdUpdates).toMatchObject({ count: 10, p50Ns: T(50), p90Ns: T(50), p95Ns: T(50) });
    // rounds: eleven of 300 ms, two of 400 ms
    expect(i.rounds).toMatchObject({ count: 13, p50Ns: T(300), p90Ns: T(400), p95Ns: T(400) });
    // Handle calls 0.7, 1.4, 1.6, 3.8 s
    expect(i.handles).toMatchObject({ count: 4, p50Ns: T(1400), p90Ns: T(3800), p95Ns: T(3800) });
    // queue waits 0.1, 0.2, 0.3, 0.5 s
    expect(i.queueWaits).toMatchObject({ count: 4, p50Ns: T(200), p90Ns: T(500), p95Ns: T(500), meanNs: T(275) });
    expect(i.blobReads).toMatchObject({ count: 0, p50Ns: null, p90Ns: null, p95Ns: null });
    expect(r.infraCounts.streakLength).toMatchObject({ count: 4, p50: 3, p90: 5, min: 2, max: 5 });
    expect(r.streakEnds).toEqual({ noChange: 3, terminal: 1 });
  });

  it('the JSON contract fields are present with the contract names', () => {
    const json = JSON.parse(JSON.stringify(r));
    const ex = json.executions[0];
    for (const k of ['id', 'makespanNs', 'nodes', 'overhead']) expect(ex).toHaveProperty(k);
    for (const k of ['id', 'userNs', 'flyteNs', 'externalNs']) expect(ex.nodes[0]).toHaveProperty(k);
    for (const k of ['userNs', 'flyteNs', 'externalNs', 'flyteRatio', 'externalRatio']) expect(ex.overhead).toHaveProperty(k);
    for (const m of ['workflowEvents', 'nodeEvents', 'taskEvents', 'etcdUpdates', 'blobReads', 'blobWrites', 'rounds', 'handles', 'queueWaits']) {
      for (const k of ['count', 'p50Ns', 'p90Ns', 'p95Ns']) expect(json.infra[m]).toHaveProperty(k);
    }
  });

  it('text report shows the numbers, exact and without bounds', () => {
    const text = renderReport(r);
    expect(text).toContain('Execution fd5d4ee88f9dc4436a76');
    expect(text).toMatch(/makespan\s+20\.0 s/);
    expect(text).toMatch(/sum over 3 top-level nodes \(RFC\)\s+9\.00 s\s+6\.00 s\s+3\.00 s/);
    expect(text).toMatch(/share of summed node time\s+50\.0 %\s+33\.3 %\s+16\.7 %/);
    expect(text).toContain('critical path: start-node → n0 → end-node');
    expect(text).toMatch(/n0\s+task\s+15\.0 s\s+1\.00 s\s+9\.00 s\s+3\.00 s\s+3\.00 s\s+start-node/);
    expect(text).toMatch(/events\s+workflow\s+3\s+20\.0 ms\s+25\.0 ms\s+25\.0 ms\s+20\.0 ms ± 5\.00 ms\s+15\.0 ms … 25\.0 ms/);
    expect(text).toMatch(/streaks \(Handle calls\)\s+4\s+1\.40 s\s+3\.80 s/);
    expect(text).not.toMatch(/0\.0s/);
    expect(text).not.toContain('~'); // exact input: no estimates
  });
});

describe('the same workflow seen through whole-second log stamps', () => {
  const r = computeReport(coarsen(oneTaskRecording(), 'keep'));
  const e = r.executions[0]!;
  const n0 = e.nodes.find((n) => n.id === 'n0')!;

  it('keeps the estimates and bounds them by the seconds involved', () => {
    expect(n0.timeNs).toBe(15 * S);
    // runnable in [1, 2) s, Succeeded in [16, 17) s
    expect(n0.bounds.timeNs).toEqual({ lo: 14 * S, hi: 16 * S });
    // started in [5, 6), finished in [14, 15)
    expect(n0.bounds.userNs).toEqual({ lo: 8 * S, hi: 10 * S });
    expect(e.makespanLoNs).toBe(19 * S);
    expect(e.makespanHiNs).toBe(21 * S);
    expect(e.resolutionNs).toBe(S);
  });

  it('quantiles carry bounds and the resolution', () => {
    const w = r.infra.workflowEvents;
    expect(w.resolutionNs).toBe(S);
    expect(w.p50Ns).toBe(T(20));
    // each 15-25 ms event lies within one second: [0, 1 s]
    expect(w.bounds?.p50Ns).toEqual({ lo: 0, hi: S });
  });

  it('text says ~estimate [lo … hi] and never prints a bare zero duration', () => {
    const text = renderReport(r);
    expect(text).toContain('1 s resolution');
    expect(text).toContain('~15.0 s [14.0 s … 16.0 s]');
    expect(text).toContain('~20.0 ms [0 … 1.00 s]');
    expect(text).not.toMatch(/0\.0s/);
  });
});
