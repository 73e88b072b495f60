/**
 * Pod times a log cannot show: map subtasks' container starts (propeller sees subtasks through
 * their phases, rarely Running) and exits that no round observed before the record ended. The
 * report estimates them from what the execution does show and keeps the truth within its bounds.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeReport } from '../../src/metrics/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import type { Execution, NodeRecord, Recording } from '../../src/timeline/types.js';
import { logRoundTrip, simulateWith, smallMapFanout, tempDir } from './shape.js';

const dir = tempDir('unseen-pods');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const S = 1_000_000_000;

describe('map subtasks read from logs', () => {
  it('the map node’s user time is estimated near the simulation’s, which its bounds hold', async () => {
    const sim = simulateWith(smallMapFanout(), defaultModel());
    const { folded } = await logRoundTrip(sim, join(dir, 'map.log'), { format: 'json' });
    const truth = computeReport(sim).executions[0]!;
    const seen = computeReport(folded).executions[0]!;
    const map = (e: typeof truth) => e.nodes.find((n) => n.kind === 'map')!;
    const t = map(truth);
    const m = map(seen);
    expect(t.userNs).toBeGreaterThanOrEqual(m.bounds.userNs.lo);
    expect(t.userNs).toBeLessThanOrEqual(m.bounds.userNs.hi);
    // The subtasks' starts are unseen: taking them as the execution's typical container start keeps
    // the estimate within a fifth of the truth (taking no start at all gave 0 user time).
    expect(Math.abs(m.userNs - t.userNs) / t.userNs).toBeLessThan(0.2);
    expect(Math.abs(seen.overhead.userRatio - truth.overhead.userRatio)).toBeLessThan(0.1);
  });
});

describe('a container exit no line showed', () => {
  const T = (s: number) => s * S;
  const node: NodeRecord = {
    id: 'n0',
    kind: 'task',
    transitions: [
      { from: 'NotYetStarted', to: 'Queued', at: T(1), atLo: T(1), atHi: T(1) },
      { from: 'Queued', to: 'Running', at: T(2), atLo: T(2), atHi: T(2) },
    ],
    pod: { created: T(2), started: T(4), endUnseen: true },
  };
  const exec: Execution = {
    id: 'e',
    namespace: 'ns',
    phase: 'Failed',
    created: { at: 0, lo: 0, hi: 0 },
    ended: { at: T(20), lo: T(20), hi: T(20) },
    handles: [],
    nodes: [node],
    enqueues: [],
    workflowTransitions: [],
  };
  const rec: Recording = { originUnixNano: '0', source: 'logs', executions: [exec], lines: { read: 0, used: 0, skipped: {} } };

  it('runs to the end of the record as the estimate, but may have ended right after it was seen', () => {
    const n = computeReport(rec).executions[0]!.nodes[0]!;
    expect(n.userNs).toBe(T(16));
    expect(n.bounds.userNs).toEqual({ lo: 0, hi: T(16) });
    expect(n.userNs + n.flyteNs + n.externalNs).toBe(n.timeNs);
  });

  it('without the flag (a simulation knows the container still ran) the user time is exact', () => {
    const { endUnseen: _, ...pod } = node.pod!;
    const n = computeReport({ ...rec, executions: [{ ...exec, nodes: [{ ...node, pod }] }] }).executions[0]!.nodes[0]!;
    expect(n.bounds.userNs).toEqual({ lo: T(16), hi: T(16) });
  });
});
