import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayPlans } from '../../src/calibrate/replay.js';
import { computeReport } from '../../src/metrics/report.js';
import { defaultModel } from '../../src/model/defaults.js';
import type { ExecutionPlan, WorkflowNode } from '../../src/model/workflow.js';
import type { Execution, HandleCall, NodeRecord, Recording, Round, Transition } from '../../src/timeline/types.js';
import { logRoundTrip, simulateWith, tempDir } from '../roundtrip/shape.js';
import { T } from './fixtures.js';

const S = 1_000_000_000;

function tr(from: string, to: string, ms: number, handle: number, round: number): Transition {
  return { from, to, at: T(ms), atLo: T(ms), atHi: T(ms), handle, round };
}

function round(startMs: number, limited: boolean): Round {
  return {
    start: T(startMs),
    end: T(startMs + 10),
    phase: 'Running',
    changed: true,
    ops: limited ? [{ kind: 'parallelismLimit', start: T(startMs + 5), end: T(startMs + 5) }] : [],
  };
}

function handle(rounds: Round[]): HandleCall {
  return { worker: 'worker-0', start: rounds[0]!.start, end: rounds[rounds.length - 1]!.end, rounds, endReason: 'noChange' };
}

function rec(e: Execution): Recording {
  return { originUnixNano: '0', source: 'logs', executions: [e], lines: { read: 0, used: 0, skipped: {} } };
}

/**
 * prep succeeds in handle 0; a and b start in handle 1 and fill max parallelism; handle 2's round
 * is short-circuited; a finishes in handle 3 and c starts in handle 4.
 */
function fanOut(limited: boolean): Execution {
  const nodes: NodeRecord[] = [
    { id: 'start-node', kind: 'start', transitions: [tr('NotYetStarted', 'Succeeded', 0, 0, 0)] },
    { id: 'prep', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 10, 0, 0), tr('Queued', 'Succeeded', 1000, 0, 1)] },
    { id: 'a', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 2000, 1, 0), tr('Queued', 'Succeeded', 5000, 3, 0)] },
    { id: 'b', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 2000, 1, 0), tr('Queued', 'Succeeded', 9000, 5, 0)] },
    { id: 'c', kind: 'task', transitions: [tr('NotYetStarted', 'Queued', 6000, 4, 0), tr('Queued', 'Succeeded', 8000, 5, 0)] },
  ];
  return {
    id: 'e',
    namespace: 'ns',
    phase: 'Succeeded',
    created: { at: 0, lo: 0, hi: 0 },
    ended: { at: T(9500), lo: T(9500), hi: T(9500) },
    handles: [
      handle([round(0, false), round(1000, false)]),
      handle([round(2000, limited)]),
      handle([round(3000, limited)]),
      handle([round(5000, limited)]),
      handle([round(6000, false)]),
      handle([round(9000, false)]),
    ],
    nodes,
    enqueues: [],
    workflowTransitions: [],
  };
}

describe('runnable inference under max parallelism', () => {
  it('a node first handled after short-circuited rounds was runnable since before them, bounded by the plain sibling rule', () => {
    const c = computeReport(rec(fanOut(true))).executions[0]!.nodes.find((n) => n.id === 'c')!;
    // Best estimate: prep (the latest sibling that finished before the short-circuited run began);
    // the runnable instant may be as late as a's end (the plain sibling rule).
    expect(c).toMatchObject({ runnableRule: 'parallelism', runnableFrom: 'prep', runnableAtNs: S, waitNs: 5 * S });
    expect(c.bounds.waitNs.lo).toBe(S);
    expect(c.bounds.waitNs.hi).toBe(5 * S);
    expect(c.bounds.timeNs).toEqual({ lo: 3 * S, hi: 7 * S });
  });

  it('without short-circuited rounds the plain sibling rule holds', () => {
    const c = computeReport(rec(fanOut(false))).executions[0]!.nodes.find((n) => n.id === 'c')!;
    expect(c).toMatchObject({ runnableRule: 'sibling', runnableFrom: 'a', runnableAtNs: 5 * S, waitNs: S });
  });
});

describe('a fan-out held back by max parallelism, simulated and read back from its logs', () => {
  const dir = tempDir('parallelism');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const t = (id: string, upstream: string[]): WorkflowNode => ({ id, kind: 'task', upstream, runtime: { type: 'constant', value: 20 } });
  const nodes = [t('prep', []), ...Array.from({ length: 24 }, (_, i) => t(`w${i}`, ['prep'])), t('collect', Array.from({ length: 24 }, (_, i) => `w${i}`))];
  const plan: ExecutionPlan = {
    id: 'fan',
    arrival: 0,
    project: 'p',
    domain: 'development',
    namespace: 'p-development',
    workflow: { name: 'fan', nodes, specBytes: 8192, maxParallelism: 4 },
  };
  const sim = simulateWith([plan], defaultModel());
  const read = logRoundTrip(sim, join(dir, 'fan.log'), { format: 'json' });

  it('each node’s Flyte time lies within the bounds the log gives, and the sums agree', async () => {
    const { folded } = await read;
    const truth = computeReport(sim).executions[0]!;
    const seen = computeReport(folded).executions[0]!;
    const byId = new Map(seen.nodes.map((n) => [n.id, n]));
    let held = 0;
    for (const n of truth.nodes) {
      const m = byId.get(n.id)!;
      if (m.runnableRule === 'parallelism') held++;
      // Whole-second log stamps: the truth lies within the bounds (1 ms slack for rounding).
      expect(n.flyteNs, n.id).toBeGreaterThanOrEqual(m.bounds.flyteNs.lo - 1e6);
      expect(n.flyteNs, n.id).toBeLessThanOrEqual(m.bounds.flyteNs.hi + 1e6);
    }
    expect(held).toBeGreaterThan(10);
    // The Flyte sum over nodes (most of it the wait for a parallelism slot) agrees within 10 %.
    expect(Math.abs(seen.overhead.flyteNs - truth.overhead.flyteNs) / truth.overhead.flyteNs).toBeLessThan(0.1);
  });

  it('a replay of the log keeps the stated max parallelism and the fan-out, and takes as long as the recording', async () => {
    const { folded } = await read;
    const [p] = replayPlans(folded);
    expect(p!.workflow.maxParallelism).toBe(4);
    const ws = p!.workflow.nodes.filter((n) => n.id.startsWith('w'));
    expect(ws.filter((n) => n.upstream.length === 1 && n.upstream[0] === 'prep').length).toBeGreaterThan(20);
    const replayed = computeReport(simulateWith([p!], defaultModel())).executions[0]!.makespanNs;
    const recorded = computeReport(sim).executions[0]!.makespanNs;
    expect(Math.abs(replayed - recorded) / recorded).toBeLessThan(0.05);
  });
});
