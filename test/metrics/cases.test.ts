import { describe, expect, it } from 'vitest';
import { diffReports } from '../../src/metrics/diff.js';
import { asReportJson } from '../../src/metrics/report-json.js';
import { podsFromTaskPhases } from '../../src/metrics/pod-times.js';
import { nearestRank, summarize } from '../../src/metrics/quantile.js';
import { renderDiff } from '../../src/metrics/render-diff.js';
import { renderReport } from '../../src/metrics/render-report.js';
import { computeReport } from '../../src/metrics/report.js';
import { formatBounded, formatDuration } from '../../src/timeline/time.js';
import type { Execution, NodeRecord, Recording, Transition } from '../../src/timeline/types.js';
import { T, oneTaskRecording } from './fixtures.js';

const S = 1_000_000_000;

function tr(from: string, to: string, ms: number, extra: Partial<Transition> = {}): Transition {
  return { from, to, at: T(ms), atLo: T(ms), atHi: T(ms), ...extra };
}

function exec(id: string, nodes: NodeRecord[], endedMs?: number, extra: Partial<Execution> = {}): Execution {
  return {
    id,
    namespace: 'ns',
    phase: endedMs === undefined ? 'Running' : 'Succeeded',
    created: { at: 0, lo: 0, hi: 0 },
    ...(endedMs !== undefined ? { ended: { at: T(endedMs), lo: T(endedMs), hi: T(endedMs) } } : {}),
    handles: [],
    nodes,
    enqueues: [],
    workflowTransitions: [],
    ...extra,
  };
}

function rec(...executions: Execution[]): Recording {
  return { originUnixNano: '0', source: 'sim', executions, lines: { read: 0, used: 0, skipped: {} } };
}

describe('nearest-rank quantiles', () => {
  it('picks rank ⌈q·n⌉ (1-based) of the sorted values', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(ten, 0.5)).toBe(5);
    expect(nearestRank(ten, 0.9)).toBe(9); // not 10: 0.9 * 10 is 9.000000000000002 in floating point
    expect(nearestRank(ten, 0.95)).toBe(10);
    expect(nearestRank([7], 0.5)).toBe(7);
    expect(summarize([3, 1, 2])).toMatchObject({ count: 3, p50: 2, p90: 3, mean: 2, sd: 1, min: 1, max: 3 });
    expect(summarize([4])).toMatchObject({ count: 1, p50: 4, sd: null });
  });
});

describe('duration formatting', () => {
  it('never prints an exponent or a bare zero for an uncertain duration', () => {
    expect(formatDuration(999_950_000)).toBe('1.00 s');
    expect(formatDuration(999_950)).toBe('1.00 ms');
    expect(formatDuration(59_960_000_000)).toBe('1 min 00 s');
    expect(formatBounded(0, 0, S)).toBe('[0 … 1.00 s]');
    expect(formatBounded(S / 2, 0, S)).toBe('~500 ms [0 … 1.00 s]');
    expect(formatBounded(0, 0, 0)).toBe('0 s');
    expect(formatBounded(2_770_000_000, 2, 7 * S)).toBe('~2.77 s [0 … 7.00 s]');
    expect(formatBounded(30_812_000_000, 30_805_000_000, 30_819_000_000)).toBe('~30.8 s');
    expect(formatBounded(30_812_000_000, 30_705_000_000, 30_819_000_000)).toBe('~30.8 s [30.7 s … 30.8 s]');
  });
});

describe('pods from plugin phases', () => {
  it('splits attempts at each terminal plugin phase; created at the first phase with a pod', () => {
    const pods = podsFromTaskPhases([
      tr('PhaseUndefined', 'PhaseWaitingForResources', 1000),
      tr('PhaseWaitingForResources', 'PhaseQueued', 2000),
      tr('PhaseQueued', 'PhaseRunning', 4000),
      tr('PhaseRunning', 'PhaseRetryableFailure', 9000),
      tr('PhaseRetryableFailure', 'PhaseQueued', 10000),
      tr('PhaseQueued', 'PhaseInitializing', 11000),
      tr('PhaseInitializing', 'PhaseRunning', 12000),
    ]);
    expect(pods).toHaveLength(2);
    expect(pods[0]).toMatchObject({ created: { at: T(2000) }, started: { at: T(4000) }, finished: { at: T(9000) } });
    expect(pods[0]!.observed).toBeUndefined();
    expect(pods[1]).toMatchObject({ created: { at: T(10000) }, started: { at: T(12000) } });
    expect(pods[1]!.finished).toBeUndefined();
  });

  it('a node with plugin phases but no pod times gets user and external time from them', () => {
    const n0: NodeRecord = {
      id: 'n0',
      kind: 'task',
      upstream: [],
      transitions: [tr('NotYetStarted', 'Queued', 0), tr('Queued', 'Running', 1000), tr('Running', 'Succeeding', 9000), tr('Succeeding', 'Succeeded', 10000)],
      taskPhases: [tr('PhaseUndefined', 'PhaseQueued', 1000), tr('PhaseQueued', 'PhaseRunning', 3000), tr('PhaseRunning', 'PhaseSuccess', 9000)],
    };
    const n = computeReport(rec(exec('e', [n0], 10000))).executions[0]!.nodes[0]!;
    expect(n).toMatchObject({ timeNs: 10 * S, userNs: 6 * S, externalNs: 2 * S, flyteNs: 2 * S, pods: 1 });
  });
});

describe('a pod whose start was not seen', () => {
  const node = (startUnseen: boolean): NodeRecord => ({
    id: 'n0',
    kind: 'task',
    transitions: [tr('NotYetStarted', 'Queued', 0), tr('Queued', 'Running', 1000), tr('Running', 'Succeeded', 9000)],
    pod: { created: T(1000), finished: T(8000), observed: T(8000), ...(startUnseen ? { startUnseen: true } : {}) },
  });

  it('log view: user time bounded by [0, the pod time], not a certain 0; the parts still sum to the node time', () => {
    const n = computeReport(rec(exec('e', [node(true)], 9000))).executions[0]!.nodes[0]!;
    expect(n.userNs + n.flyteNs + n.externalNs).toBe(n.timeNs);
    expect(n.bounds.userNs).toEqual({ lo: 0, hi: 7 * S });
    expect(n.bounds.externalNs.lo).toBe(0);
    expect(n.bounds.externalNs.hi).toBe(7 * S);
    // Nothing in the execution tells the typical wait for a container start: the middle of the span.
    expect(n.userNs).toBe(3.5 * S);
  });

  it('log view: the container is estimated to start after the wait other pods of the execution showed', () => {
    const seen: NodeRecord = {
      id: 'n1',
      kind: 'task',
      transitions: [tr('NotYetStarted', 'Queued', 0), tr('Queued', 'Running', 500), tr('Running', 'Succeeded', 9000)],
      pod: { created: T(500), started: T(2500), finished: T(6000), observed: T(6000) },
    };
    const n = computeReport(rec(exec('e', [node(true), seen], 9000))).executions[0]!.nodes.find((x) => x.id === 'n0')!;
    // Created at 1 s, a 2 s wait (n1's), exit seen at 8 s: 5 s of user code, within [0, 7 s].
    expect(n.userNs).toBe(5 * S);
    expect(n.bounds.userNs).toEqual({ lo: 0, hi: 7 * S });
    expect(n.userNs + n.flyteNs + n.externalNs).toBe(n.timeNs);
  });

  it('simulation view (the pod truly never ran): no user time, exactly', () => {
    const n = computeReport(rec(exec('e', [node(false)], 9000))).executions[0]!.nodes[0]!;
    expect(n.bounds.userNs).toEqual({ lo: 0, hi: 0 });
    expect(n.externalNs).toBe(7 * S);
  });
});

describe('nested nodes, retries and launch plans', () => {
  it('a map node counts the union of its subnodes\' pods once, and only top-level nodes are summed', () => {
    const map: NodeRecord = {
      id: 'n0',
      kind: 'map',
      transitions: [tr('NotYetStarted', 'Queued', 0), tr('Queued', 'Running', 1000), tr('Running', 'Succeeding', 20000), tr('Succeeding', 'Succeeded', 21000)],
    };
    const sub = (i: number, s: number, f: number): NodeRecord => ({
      id: `n0/${i}`,
      kind: 'subnode',
      parent: 'n0',
      transitions: [tr('NotYetStarted', 'Queued', 1000), tr('Queued', 'Succeeded', f + 500)],
      pod: { created: T(1000), started: T(s), finished: T(f), observed: T(f + 500) },
    });
    const r = computeReport(rec(exec('e', [map, sub(0, 2000, 10000), sub(1, 5000, 15000), sub(2, 3000, 6000)], 21000)));
    const e = r.executions[0]!;
    const n0 = e.nodes.find((n) => n.id === 'n0')!;
    // user: [2, 15) = 13 s; external: [1, 2) + [15, 15.5) (the other gaps are covered by user) = 1.5 s
    expect(n0).toMatchObject({ timeNs: 21 * S, userNs: 13 * S, externalNs: 1.5 * S, flyteNs: 6.5 * S, topLevel: true });
    const s1 = e.nodes.find((n) => n.id === 'n0/1')!;
    // No sibling had finished when the subnodes started: runnable when the map node was first handled.
    expect(s1).toMatchObject({ topLevel: false, runnableRule: 'parent', runnableAtNs: 0, timeNs: 15.5 * S, userNs: 10 * S });
    expect(e.overhead).toMatchObject({ userNs: 13 * S, externalNs: 1.5 * S, flyteNs: 6.5 * S, nodeCount: 1 });
    // The node table nests subnodes under their map node and summarises the overflow.
    const lines = renderReport(r, { maxNestedPerParent: 2 }).split('\n');
    const at = lines.findIndex((l) => /^  n0 +map /.test(l));
    expect(lines[at + 1]).toMatch(/^    n0\/0 +subnode +10\.5 s/);
    expect(lines[at + 2]).toMatch(/^    n0\/1 +subnode /);
    expect(lines[at + 3]).toBe('    … 1 more nodes under n0 (see --json)');
  });

  it("a map node's own (aggregate) task phases do not make a pod spanning the map: user is its subtasks' running time", () => {
    const map: NodeRecord = {
      id: 'm',
      kind: 'map',
      transitions: [tr('NotYetStarted', 'Queued', 0), tr('Queued', 'Running', 1000), tr('Running', 'Succeeded', 30000)],
      taskPhases: [tr('PhaseUndefined', 'PhaseRunning', 1000), tr('PhaseRunning', 'PhaseSuccess', 30000)],
    };
    const sub = (i: number, s: number): NodeRecord => ({
      id: `m/${i}`,
      kind: 'subnode',
      parent: 'm',
      transitions: [tr('NotYetStarted', 'Queued', s - 4000), tr('Queued', 'Succeeded', s + 1000)],
      pod: { created: T(s - 4000), started: T(s), finished: T(s + 1000), observed: T(s + 1000) },
    });
    const e = computeReport(rec(exec('e', [map, sub(0, 6000), sub(1, 16000), sub(2, 26000)], 30000))).executions[0]!;
    const m = e.nodes.find((n) => n.id === 'm')!;
    expect(m.userNs).toBe(3 * S);
    expect(m.externalNs).toBe(12 * S);
    expect(m.userNs + m.flyteNs + m.externalNs).toBe(m.timeNs);
    // A log fold builds a pod for the map node from those phases: it does not count either.
    const folded = { ...map, pod: { created: T(1000), started: T(1000), finished: T(30000) } };
    const f = computeReport(rec(exec('e', [folded, sub(0, 6000), sub(1, 16000), sub(2, 26000)], 30000))).executions[0]!.nodes.find((n) => n.id === 'm')!;
    expect(f).toMatchObject({ userNs: 3 * S, externalNs: 12 * S });
  });

  it('retried attempts all count; the gap between attempts is Flyte', () => {
    const n0: NodeRecord = {
      id: 'n0',
      kind: 'task',
      transitions: [tr('NotYetStarted', 'Queued', 0), tr('Queued', 'Running', 500), tr('Running', 'RetryableFailure', 5000), tr('RetryableFailure', 'Running', 6000), tr('Running', 'Succeeded', 12000)],
      pods: [
        { created: T(500), started: T(1000), finished: T(4000), observed: T(5000) },
        { created: T(6000), started: T(7000), finished: T(11000), observed: T(11500) },
      ],
      retries: 1,
    };
    const n = computeReport(rec(exec('e', [n0], 12000))).executions[0]!.nodes[0]!;
    expect(n).toMatchObject({ timeNs: 12 * S, userNs: 7 * S, externalNs: 3 * S, flyteNs: 2 * S, pods: 2 });
  });

  it('a launch-plan child execution is external time of the node that launched it', () => {
    const lp: NodeRecord = {
      id: 'n0',
      kind: 'launchplan',
      transitions: [tr('NotYetStarted', 'Queued', 0), tr('Queued', 'Running', 1000), tr('Running', 'Succeeded', 40000)],
    };
    const child = exec('child', [], 31000, { parent: 'parent', parentNode: 'n0', created: { at: T(2000), lo: T(2000), hi: T(2000) } });
    const r = computeReport(rec(exec('parent', [lp], 40000), child));
    const n = r.executions[0]!.nodes[0]!;
    expect(n).toMatchObject({ timeNs: 40 * S, externalNs: 29 * S, userNs: 0, flyteNs: 11 * S, childExecutions: ['child'] });
  });
});

describe('runnable inference without upstream ids (logs)', () => {
  it('uses the latest sibling that finished in an earlier round; a node finishing in the same round is not an upstream', () => {
    const start: NodeRecord = { id: 'start-node', kind: 'start', transitions: [tr('NotYetStarted', 'Succeeded', 1000, { handle: 0, round: 1 })] };
    const a: NodeRecord = { id: 'a', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 2000, { handle: 0, round: 2 }), tr('Queued', 'Succeeded', 5000, { handle: 1, round: 0 })] };
    // b starts in the same round (and second) in which a finishes: its upstream must be start-node.
    const b: NodeRecord = { id: 'b', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 5000, { handle: 1, round: 0 }), tr('Queued', 'Succeeded', 8000, { handle: 2, round: 0 })] };
    // c starts a round later, at the same instant: a (and b? no, b ends later) is before it.
    const c: NodeRecord = { id: 'c', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 5000, { handle: 1, round: 1 }), tr('Queued', 'Succeeded', 6000, { handle: 1, round: 2 })] };
    const r = computeReport(rec(exec('e', [start, a, b, c], 9000)));
    const by = new Map(r.executions[0]!.nodes.map((n) => [n.id, n]));
    expect(by.get('a')).toMatchObject({ runnableRule: 'sibling', runnableFrom: 'start-node', runnableAtNs: S });
    expect(by.get('b')).toMatchObject({ runnableFrom: 'start-node', waitNs: 4 * S });
    expect(by.get('c')).toMatchObject({ runnableFrom: 'a', waitNs: 0 });
    // The critical path follows the inferred chain to the node that ended last.
    expect(r.executions[0]!.criticalPath.nodes).toEqual(['start-node', 'b']);
  });

  it('a node that starts later in the round in which its sibling succeeded (by log line) follows it', () => {
    const start: NodeRecord = { id: 'start-node', kind: 'start', transitions: [tr('NotYetStarted', 'Succeeded', 1000, { handle: 0, round: 1, line: 10 })] };
    const m: NodeRecord = { id: 'm', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 2000, { handle: 0, round: 2, line: 20 }), tr('Succeeding', 'Succeeded', 7000, { handle: 3, round: 1, line: 90 })] };
    // The traversal goes on downstream of m in the same round: the end node starts after m's line.
    const end: NodeRecord = { id: 'end-node', kind: 'end', transitions: [tr('NotYetStarted', 'Queued', 7000, { handle: 3, round: 1, line: 95 }), tr('Queued', 'Succeeded', 7200, { handle: 3, round: 2, line: 99 })] };
    const early: NodeRecord = { id: 'x', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 7000, { handle: 3, round: 1, line: 85 }), tr('Queued', 'Succeeded', 7100, { handle: 3, round: 2, line: 98 })] };
    const by = new Map(computeReport(rec(exec('e', [start, m, end, early], 7200))).executions[0]!.nodes.map((n) => [n.id, n]));
    expect(by.get('end-node')).toMatchObject({ runnableRule: 'sibling', runnableFrom: 'm', runnableAtNs: 7 * S });
    // x's first line came before m's terminal line in that round: not its upstream.
    expect(by.get('x')!.runnableFrom).toBe('start-node');
  });

  it("a branch's cases are runnable once the branch decides, not after a skipped sibling", () => {
    const start: NodeRecord = { id: 'start-node', kind: 'start', transitions: [tr('NotYetStarted', 'Succeeded', 1000, { handle: 0, round: 1 })] };
    const br: NodeRecord = { id: 'n0', kind: 'branch', transitions: [tr('NotYetStarted', 'Queued', 2000, { handle: 0, round: 2 }), tr('Queued', 'Running', 3000, { handle: 0, round: 3 }), tr('Running', 'Succeeded', 9000, { handle: 2, round: 0 })] };
    const skipped: NodeRecord = { id: 'n0-n0', kind: 'task', parent: 'n0', transitions: [tr('NotYetStarted', 'Skipped', 3000, { handle: 0, round: 3, line: 40 })] };
    // logged later in the same round than the skip: the sibling rule would take the skipped case
    const taken: NodeRecord = { id: 'n0-n1', kind: 'task', parent: 'n0', transitions: [tr('NotYetStarted', 'Queued', 3000, { handle: 0, round: 3, line: 50 }), tr('Queued', 'Succeeded', 8000, { handle: 1, round: 0 })] };
    const by = new Map(computeReport(rec(exec('e', [start, br, skipped, taken], 9000))).executions[0]!.nodes.map((n) => [n.id, n]));
    expect(by.get('n0-n1')).toMatchObject({ runnableRule: 'parent', runnableAtNs: 2 * S });
    expect(by.get('n0-n0')).toMatchObject({ runnableRule: 'parent', skipped: true });
  });

  it('a node still running when the record stops runs to the last instant seen, its pod time as user', () => {
    const start: NodeRecord = { id: 'start-node', kind: 'start', transitions: [tr('NotYetStarted', 'Succeeded', 1000)] };
    const n0: NodeRecord = {
      id: 'n0',
      kind: 'task',
      transitions: [tr('NotYetStarted', 'Queued', 2000), tr('Queued', 'Running', 3000)],
      pod: { created: T(3000), started: T(4000) },
    };
    // Something of the execution is seen until 10 s (a later Handle call, say).
    const e = computeReport(rec(exec('e', [start, n0], undefined, { workflowTransitions: [tr('Running', 'Running', 10000)] }))).executions[0]!;
    expect(e.makespanNs).toBe(10 * S);
    const n = e.nodes[1]!;
    expect(n).toMatchObject({ complete: false, timeNs: 9 * S, userNs: 6 * S, externalNs: S, flyteNs: 2 * S });
  });

    it('an incomplete node runs to its last transition and an unfinished execution to its last instant', () => {
    const start: NodeRecord = { id: 'start-node', kind: 'start', transitions: [tr('NotYetStarted', 'Succeeded', 1000)] };
    const n0: NodeRecord = { id: 'n0', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 2000), tr('Queued', 'Running', 4000)] };
    const e = computeReport(rec(exec('e', [start, n0]))).executions[0]!;
    expect(e.complete).toBe(false);
    expect(e.makespanNs).toBe(4 * S);
    expect(e.nodes[1]).toMatchObject({ complete: false, timeNs: 3 * S, flyteNs: 3 * S });
    expect(e.criticalPath.nodes).toEqual(['start-node', 'n0']);
    expect(e.criticalPath.flyteNs + e.criticalPath.userNs + e.criticalPath.externalNs).toBe(4 * S);
  });
});

describe('diff of two reports', () => {
  it('matches by position when no id is shared, and renders deltas with sign and %', () => {
    const a = computeReport(oneTaskRecording());
    const slower = oneTaskRecording();
    const ex = slower.executions[0]!;
    ex.id = 'other';
    ex.ended = { at: T(22000), lo: T(22000), hi: T(22000) };
    const b = computeReport(slower);
    const d = diffReports(a, b);
    expect(d.matchedBy).toBe('position');
    expect(d.executions[0]!.makespanNs).toEqual({ a: 20 * S, b: 22 * S, delta: 2 * S, rel: 0.1 });
    expect(d.executions[0]!.criticalPath.flyteNs.delta).toBe(2 * S);
    expect(d.executions[0]!.overhead.flyteNs.delta).toBe(0);
    expect(d.infra.nodeEvents!.count.delta).toBe(0);
    const text = renderDiff(d);
    expect(text).toContain('matched by position');
    expect(text).toMatch(/makespan\s+20\.0 s → 22\.0 s\s+\+2\.00 s\s+\(\+10\.0 %\)/);
    expect(text).toMatch(/Flyte share of makespan\s+40\.0 % → 45\.5 %\s+\+5\.5 pp/);
    expect(text).toContain('±0');
  });

  it('CR sizes a report does not know (0: logs do not record them) are unknown in the diff, not 0', () => {
    const a = computeReport(oneTaskRecording());
    a.executions[0]!.counts.maxCrBytes = 0;
    a.executions[0]!.counts.etcdBytes = 0;
    const b = structuredClone(a);
    b.executions[0]!.counts.maxCrBytes = 3000;
    b.executions[0]!.counts.etcdBytes = 9000;
    const d = diffReports(a, b);
    expect(d.executions[0]!.counts.maxCrBytes).toMatchObject({ b: 3000, delta: null });
    expect(d.executions[0]!.counts.maxCrBytes.a ?? null).toBeNull();
    expect(d.executions[0]!.counts.etcdBytes.delta).toBeNull();
    expect(renderDiff(d)).toMatch(/largest CR\s+— → 2\.93 KiB\s*$/m);
    expect(diffReports(b, b).executions[0]!.counts.maxCrBytes.delta).toBe(0);
  });

  it('lists executions only in one report when ids differ and counts differ', () => {
    const a = computeReport(oneTaskRecording());
    const b = computeReport(rec(exec('x', []), exec('y', [])));
    const d = diffReports(a, b);
    expect(d.matchedBy).toBe('none');
    expect(d.onlyInA).toEqual(['fd5d4ee88f9dc4436a76']);
    expect(d.onlyInB).toEqual(['x', 'y']);
    expect(renderDiff(d)).toContain('no executions matched');
  });
});

describe('reading a report JSON back', () => {
  it('accepts what computeReport wrote and names what is missing otherwise', () => {
    const r = computeReport(oneTaskRecording());
    const back = asReportJson(JSON.parse(JSON.stringify(r)), 'a.json');
    expect(diffReports(back, r).executions[0]!.makespanNs.delta).toBe(0);
    expect(() => asReportJson({ originUnixNano: '0' }, 'a.json')).toThrow('a.json: not a propsim report (expected an "executions" array)');
    expect(() => asReportJson({ executions: [{ id: 'x' }], infra: {} }, 'b.json')).toThrow('b.json: executions[0] lacks "id" or "makespanNs"');
  });
});
