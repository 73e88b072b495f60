/**
 * A hand-built canonical 1-task workflow (start-node -> n0 -> end-node), exact times, every
 * number chosen so the expected report can be checked by hand (see one-task.test.ts).
 *
 * Timeline (seconds): created 0; start-node Succeeded 1; n0 Queued 2, Running 3, pod created 2.5,
 * started 5, finished 14, observed 14.5, Succeeding 15, Succeeded 16; end-node Queued 17,
 * Succeeded 18; workflow Succeeded 20. Four Handle calls, 13 rounds.
 */
import type { Execution, HandleCall, Op, Recording, Round, Transition } from '../../src/timeline/types.js';

export const T = (ms: number): number => ms * 1_000_000;

function op(kind: Op['kind'], s: number, e: number, extra: Partial<Op> = {}): Op {
  return { kind, start: T(s), end: T(e), startLo: T(s), startHi: T(s), endLo: T(e), endHi: T(e), ...extra };
}

function round(s: number, e: number, phase: string, ops: Op[], line?: number): Round {
  return {
    start: T(s),
    end: T(e),
    startLo: T(s),
    startHi: T(s),
    endLo: T(e),
    endHi: T(e),
    phase,
    changed: ops.length > 0,
    ops,
    ...(line !== undefined ? { line } : {}),
  };
}

function handle(s: number, e: number, enq: number, rounds: Round[], endReason: HandleCall['endReason'], line: number): HandleCall {
  return {
    worker: 'worker-0',
    start: T(s),
    end: T(e),
    startLo: T(s),
    startHi: T(s),
    endLo: T(e),
    endHi: T(e),
    enqueuedAt: T(enq),
    rounds,
    endReason,
    line,
  };
}

function tr(from: string, to: string, atMs: number, h: number, r: number): Transition {
  return { from, to, at: T(atMs), atLo: T(atMs), atHi: T(atMs), handle: h, round: r };
}

let etcdN = 0;
function etcd(s: number): Op {
  return op('etcdUpdate', s, s + 50, { bytes: 10000 + 100 * etcdN++ });
}

export function oneTaskExecution(): Execution {
  etcdN = 0;
  const handles: HandleCall[] = [
    handle(100, 1500, 0, [
      round(100, 400, 'Ready', [op('workflowTransition', 200, 200, { from: 'Ready', to: 'Running' }), op('workflowEvent', 200, 220, { to: 'RUNNING' }), etcd(300)], 11),
      round(900, 1200, 'Running', [op('nodeTransition', 1000, 1000, { node: 'start-node', from: 'NotYetStarted', to: 'Succeeded' }), op('nodeEvent', 1000, 1010, { node: 'start-node', to: 'SUCCEEDED' }), etcd(1100)], 15),
      round(1200, 1500, 'Running', [], 20),
    ], 'noChange', 10),
    handle(1900, 3500, 1600, [
      round(1900, 2200, 'Running', [op('nodeTransition', 2000, 2000, { node: 'n0', from: 'NotYetStarted', to: 'Queued' }), op('nodeEvent', 2000, 2030, { node: 'n0', to: 'QUEUED' }), etcd(2100)]),
      round(2800, 3200, 'Running', [op('nodeTransition', 3000, 3000, { node: 'n0', from: 'Queued', to: 'Running' }), op('taskEvent', 3000, 3040, { node: 'n0', to: 'PhaseRunning' }), op('nodeEvent', 3050, 3070, { node: 'n0', to: 'RUNNING' }), etcd(3100)]),
      round(3200, 3500, 'Running', []),
    ], 'noChange', 30),
    handle(14800, 18600, 14600, [
      round(14900, 15200, 'Running', [op('nodeTransition', 15000, 15000, { node: 'n0', from: 'Running', to: 'Succeeding' }), op('taskEvent', 15000, 15060, { node: 'n0', to: 'PhaseSuccess' }), etcd(15100)]),
      round(15900, 16200, 'Running', [op('nodeTransition', 16000, 16000, { node: 'n0', from: 'Succeeding', to: 'Succeeded' }), op('nodeEvent', 16000, 16020, { node: 'n0', to: 'SUCCEEDED' }), etcd(16100)]),
      round(16900, 17200, 'Running', [op('nodeTransition', 17000, 17000, { node: 'end-node', from: 'NotYetStarted', to: 'Queued' }), op('nodeEvent', 17000, 17010, { node: 'end-node', to: 'QUEUED' }), etcd(17100)]),
      round(17900, 18200, 'Running', [op('nodeTransition', 18000, 18000, { node: 'end-node', from: 'Queued', to: 'Succeeded' }), op('nodeEvent', 18000, 18030, { node: 'end-node', to: 'SUCCEEDED' }), etcd(18100)]),
      round(18200, 18600, 'Running', []),
    ], 'noChange', 50),
    handle(19500, 20200, 19000, [
      round(19500, 19800, 'Running', [op('workflowTransition', 19600, 19600, { from: 'Running', to: 'Succeeding' }), op('workflowEvent', 19600, 19615, { to: 'SUCCEEDING' }), etcd(19700)]),
      round(19900, 20200, 'Succeeding', [op('workflowTransition', 20000, 20000, { from: 'Succeeding', to: 'Succeeded' }), op('workflowEvent', 20000, 20025, { to: 'SUCCEEDED' }), etcd(20100)]),
    ], 'terminal', 70),
  ];
  return {
    id: 'fd5d4ee88f9dc4436a76',
    namespace: 'flytesnacks-development',
    workflow: 'flytesnacks:development:core.hello',
    phase: 'Succeeded',
    created: { at: 0, lo: 0, hi: 0 },
    ended: { at: T(20000), lo: T(20000), hi: T(20000) },
    handles,
    nodes: [
      { id: 'start-node', kind: 'start', upstream: [], transitions: [tr('NotYetStarted', 'Succeeded', 1000, 0, 1)] },
      {
        id: 'n0',
        kind: 'task',
        upstream: ['start-node'],
        transitions: [
          tr('NotYetStarted', 'Queued', 2000, 1, 0),
          tr('Queued', 'Running', 3000, 1, 1),
          tr('Running', 'Succeeding', 15000, 2, 0),
          tr('Succeeding', 'Succeeded', 16000, 2, 1),
        ],
        pod: { created: T(2500), started: T(5000), finished: T(14000), observed: T(14500) },
      },
      {
        id: 'end-node',
        kind: 'end',
        upstream: ['n0'],
        transitions: [tr('NotYetStarted', 'Queued', 17000, 2, 2), tr('Queued', 'Succeeded', 18000, 2, 3)],
      },
    ],
    enqueues: [
      { at: 0, lo: 0, hi: 0, source: 'workflow', line: 9 },
      { at: T(1600), lo: T(1600), hi: T(1600), source: 'workflow', line: 25 },
      { at: T(14600), lo: T(14600), hi: T(14600), source: 'owner', object: 'fd5d4ee88f9dc4436a76-n0-0', line: 45 },
      { at: T(19000), lo: T(19000), hi: T(19000), source: 'workflow', line: 65 },
    ],
    workflowTransitions: [tr('Ready', 'Running', 200, 0, 0), tr('Running', 'Succeeding', 19600, 3, 0), tr('Succeeding', 'Succeeded', 20000, 3, 1)],
  };
}

/** 2024-05-03T09:28:01Z: the origin, so the workflow starts at 09:28:01 UTC. */
export const ORIGIN = '1714728481000000000';

export function oneTaskRecording(): Recording {
  return { originUnixNano: ORIGIN, source: 'otlp', executions: [oneTaskExecution()], lines: { read: 0, used: 0, skipped: {} } };
}
