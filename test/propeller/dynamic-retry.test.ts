/**
 * A dynamic node's retry (nodes/dynamic/handler.go, executor.go `handleRetryableFailure`): a sub-DAG
 * that failed only because a node in it timed out, or the dynamic node's own execution deadline,
 * fail the node retryably; the next attempt aborts the old sub-DAG, runs the parent task again and a
 * new sub-DAG (new node executions, new pods). A node of the sub-DAG that failed for good fails the
 * dynamic node for good.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines } from '../../src/export/logs.js';
import { computeReport } from '../../src/metrics/report.js';
import { replayPlans } from '../../src/calibrate/replay.js';
import { loadSimulationInput } from '../../src/model/load.js';
import type { WorkflowNode } from '../../src/model/workflow.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { Execution, Recording } from '../../src/timeline/types.js';
import { logRoundTrip, shape, tempDir } from '../roundtrip/shape.js';
import { committed, exec, node, path, plan, task, testModel, workflow } from './helpers.js';

const dir = tempDir('dynamic-retry');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const constant = (seconds: number) => ({ type: 'constant' as const, value: seconds });
const nodeEvents = (e: Execution, id: string) => committed(e).filter((o) => o.kind === 'nodeEvent' && o.node === id).map((o) => `${o.to}:${o.outcome}`);
const podCreates = (e: Execution) => committed(e).filter((o) => o.kind === 'podCreate' && o.outcome === 'ok').map((o) => o.detail);

function sim(nodes: WorkflowNode[]): Recording {
  return simulate([plan('x', workflow('wf', nodes))], testModel(), { seed: 5, replication: 0 });
}

/** The moves of a dynamic node with two attempts whose sub-DAG fails retryably in both. */
const RETRIED_THEN_FAILED = [
  'NotYetStarted>Queued',
  'Queued>Running',
  'Running>DynamicRunning',
  'DynamicRunning>RetryableFailure',
  'RetryableFailure>Running',
  'Running>DynamicRunning',
  'DynamicRunning>Failing',
  'Failing>Failed',
];

/** A sub-DAG whose task `t` times out on its active deadline (its second attempt outlives it). */
const timingOut = () => workflow('sub', [task('a', [], { runtime: constant(10) }), task('t', ['a'], { runtime: constant(1800), executionDeadline: 300, activeDeadline: 600, maxAttempts: 2 })]);

describe('a dynamic node whose sub-DAG has a node that timed out', () => {
  const rec = sim([{ id: 'd', kind: 'dynamic', upstream: [], runtime: constant(5), dynamic: timingOut(), maxAttempts: 2 }]);
  const e = exec(rec, 'x');

  it('fails retryably, retries once (parent task and a new sub-DAG), then fails for good', () => {
    expect(path(e, 'd/t').at(-1)).toBe('TimingOut>TimedOut');
    expect(path(e, 'd-1/t').at(-1)).toBe('TimingOut>TimedOut');
    expect(path(e, 'd')).toEqual(RETRIED_THEN_FAILED);
    expect(node(e, 'd').retries).toBe(1);
    expect(e.phase).toBe('Failed');
  });

  it('sends no event for the retry; the second DYNAMIC_RUNNING is the one admin has; FAILED once, at the end', () => {
    expect(nodeEvents(e, 'd')).toEqual(['QUEUED:ok', 'RUNNING:ok', 'DYNAMIC_RUNNING:ok', 'DYNAMIC_RUNNING:alreadyExists', 'FAILED:ok']);
    // the new sub-DAG's nodes are new node executions: their events are new
    expect(nodeEvents(e, 'd/a')[0]).toBe('QUEUED:ok');
    expect(nodeEvents(e, 'd-1/a')[0]).toBe('QUEUED:ok');
  });

  it("records the second run's nodes as new nodes (`d-1/…`, as propeller's unique ids), with pods of their own", () => {
    expect(podCreates(e)).toEqual(['x-d-0', 'x-d-a-0', 'x-d-t-0', 'x-d-t-1', 'x-d-1', 'x-d-1-a-0', 'x-d-1-t-0', 'x-d-1-t-1']);
    for (const id of ['d/t', 'd-1/t']) {
      expect(node(e, id).retries).toBe(1);
      expect(node(e, id).pods).toHaveLength(2);
      expect(node(e, id).parent).toBe('d');
    }
    expect(e.nodes.filter((n) => n.id.startsWith('d-1/')).map((n) => n.id)).toEqual(['d-1/start-node', 'd-1/a', 'd-1/t', 'd-1/end-node']);
  });

  it("reports both runs' user code as the dynamic node's (simulation and fold of its logs)", async () => {
    const userOf = (r: Recording) => computeReport(r).executions[0]!.nodes.find((n) => n.id === 'd')!.userNs;
    // the pods that ran their 30 minutes out were aborted; each run had user code for its two attempts
    expect(userOf(rec)).toBeGreaterThan(19 * 60e9);
    const { folded } = await logRoundTrip(rec, join(dir, 'report.jsonl'), { format: 'json', cri: true });
    // (a log dates a pod's container start from the task events around it, not exactly)
    expect(Math.abs(userOf(folded) - userOf(rec))).toBeLessThan(0.01 * userOf(rec));
  });

  it('starts the new sub-DAG only after the retry: every node of the first run finished or was aborted before', () => {
    const retry = node(e, 'd').transitions.find((t) => t.from === 'RetryableFailure')!.at;
    // each run of `t`: its first attempt ended by its execution deadline, its second by its active one
    const aborts = committed(e).filter((o) => o.kind === 'podDelete');
    expect(aborts.map((o) => o.detail)).toEqual(['x-d-t-0', 'x-d-t-1', 'x-d-1-t-0', 'x-d-1-t-1']);
    expect(aborts.slice(0, 2).every((o) => o.start <= retry)).toBe(true);
    expect(aborts.slice(2).every((o) => o.start > retry)).toBe(true);
    expect(node(e, 'd/a').transitions[0]!.at).toBeLessThan(retry);
    expect(node(e, 'd-1/a').transitions[0]!.at).toBeGreaterThan(retry);
  });

  it('folds back from its logs to the same structure', async () => {
    const { folded } = await logRoundTrip(rec, join(dir, 'timed-out.jsonl'), { format: 'json' });
    expect(shape(folded)).toEqual(shape(rec));
  });

  it('replays as one sub-DAG (the first run) and a dynamic node with as many attempts', () => {
    const [replayed] = replayPlans(rec);
    const d = replayed!.workflow.nodes.find((n) => n.id === 'd')!;
    expect(d.maxAttempts).toBe(2);
    expect(d.dynamic!.nodes.map((n) => `${n.id}<${n.upstream.join(',')}`)).toEqual(['start-node<', 'a<start-node', 't<a', 'end-node<t']);
  });

  it("logs the retry's abort and finalize of each attempt as the dynamic handler does", () => {
    const msgs = [...logLines(rec)].filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { json: { node?: string }; msg: string }).filter((l) => l.json.node === 'd').map((l) => l.msg);
    expect(msgs).toContain('node failed with retryable failure, aborting and finalizing, message: Dynamic workflow failed');
    for (const attempt of [0, 1]) {
      expect(msgs).toContain(`Aborting dynamic workflow at RetryAttempt [${attempt}]`);
      expect(msgs).toContain(`Finalizing dynamic workflow RetryAttempt [${attempt}]`);
    }
  });
});

describe('a dynamic node past its execution deadline while its sub-DAG runs', () => {
  const sub = workflow('sub', [task('a', [], { runtime: constant(900) })]);
  const rec = sim([{ id: 'd', kind: 'dynamic', upstream: [], runtime: constant(5), dynamic: sub, executionDeadline: 300, activeDeadline: 3600, maxAttempts: 2 }]);
  const e = exec(rec, 'x');

  it('retries: the sub-DAG is aborted, the parent task runs again, then the last attempt fails', () => {
    expect(path(e, 'd')).toEqual(RETRIED_THEN_FAILED);
    expect(podCreates(e)).toEqual(['x-d-0', 'x-d-a-0', 'x-d-1', 'x-d-1-a-0']);
    expect(committed(e).filter((o) => o.kind === 'podDelete').map((o) => o.detail)).toEqual(['x-d-a-0', 'x-d-1-a-0']);
  });

  it('folds back from its logs to the same structure', async () => {
    const { folded } = await logRoundTrip(rec, join(dir, 'deadline.jsonl'), { format: 'json' });
    expect(shape(folded)).toEqual(shape(rec));
  });

  it("logs each run's abort under the dynamic handler's header: attempt 0's in the retry, attempt 1's as it fails", () => {
    const lines = [...logLines(rec)].filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { json: { node?: string }; msg: string });
    const at = (node: string, msg: string) => lines.findIndex((l) => l.json.node === node && l.msg.startsWith(msg));
    for (const [attempt, child] of [[0, 'd/a'], [1, 'd-1/a']] as const) {
      const header = at('d', `Aborting dynamic workflow at RetryAttempt [${attempt}]`);
      expect(header, child).toBeGreaterThan(0);
      expect(header).toBeLessThan(at(child, 'KillTask invoked.'));
    }
  });
});

describe('failures a dynamic node does not retry', () => {
  it('a node of its sub-DAG that failed for good (IsFailurePermanent)', () => {
    const sub = workflow('sub', [task('bad', [], { runtime: constant(10), failedAttempts: 1, maxAttempts: 1 })]);
    const e = exec(sim([{ id: 'd', kind: 'dynamic', upstream: [], runtime: constant(5), dynamic: sub, maxAttempts: 3 }]), 'x');
    expect(path(e, 'd').slice(-2)).toEqual(['DynamicRunning>Failing', 'Failing>Failed']);
    expect(path(e, 'd')).not.toContain('DynamicRunning>RetryableFailure');
  });

  it('a timed-out sub-DAG with a launch plan in it (propsim does not launch a child twice): it fails', () => {
    const child = workflow('child', [task('c', [], { runtime: constant(5) })]);
    const sub = workflow('sub', [
      { id: 'lp', kind: 'launchplan', upstream: [], launchplan: child },
      task('t', [], { runtime: constant(1800), activeDeadline: 120 }),
    ]);
    const e = exec(sim([{ id: 'd', kind: 'dynamic', upstream: [], runtime: constant(5), dynamic: sub, maxAttempts: 2 }]), 'x');
    expect(path(e, 'd')).not.toContain('DynamicRunning>RetryableFailure');
    expect(path(e, 'd').slice(-2)).toEqual(['DynamicRunning>Failing', 'Failing>Failed']);
  });
});

describe('a dynamic node whose deadline passes in the round that finalizes its parent task', () => {
  it('finalizes the parent and then times out: it never succeeds without running its sub-DAG', () => {
    const file = join(dir, 'finalizing.yaml');
    writeFileSync(
      file,
      `name: finalizing
description: each attempt's deadline passes around its parent task's success
workflows:
  main:
    nodes:
      - {id: d, retries: 1, runtime: 10s, timeout: 14500ms, dynamic: {nodes: [{id: a, runtime: 60s}]}}
executions:
  - {workflow: main, count: 20, arrival: {every: 1s}}
`,
    );
    const rec = simulate(loadSimulationInput(file).executions, testModel(), { seed: 1, replication: 0 });
    expect(rec.executions).toHaveLength(20);
    for (const e of rec.executions) {
      expect(e.phase, e.id).toBe('Failed');
      expect(path(e, 'd'), e.id).not.toContain('DynamicRunning>Succeeding');
    }
    // some attempts' deadlines passed while the parent task was being finalized (their sub-DAG never started)
    expect(rec.executions.some((e) => e.nodes.every((n) => !n.id.startsWith('d/') || n.transitions.length === 0))).toBe(true);
  });
});

describe('a sub-DAG under FAIL_AFTER_EXECUTABLE_NODES_COMPLETE with a failed node and a timed-out one', () => {
  it('is judged by the last of them the traversal meets (handleDownstream keeps the last failed state)', () => {
    const file = join(dir, 'fail-after.yaml');
    writeFileSync(
      file,
      `name: fail-after
description: a node fails early, another times out later in visiting order
workflows:
  main:
    onFailurePolicy: afterExecutableNodesComplete
    nodes:
      - id: d
        retries: 1
        dynamic: {nodes: [{id: f, runtime: 10s, failedAttempts: 5, retries: 0}, {id: t, runtime: 30m, timeout: 2m, retries: 1}]}
executions:
  - {workflow: main}
`,
    );
    const e = simulate(loadSimulationInput(file).executions, testModel(), { seed: 1, replication: 0 }).executions[0]!;
    expect(path(e, 'd/f').at(-1)).toBe('Failing>Failed');
    expect(path(e, 'd/t').at(-1)).toBe('TimingOut>TimedOut');
    expect(path(e, 'd')).toEqual(RETRIED_THEN_FAILED);
  });
});

describe("a dynamic node's active deadline that passes as its sub-DAG fails retryably", () => {
  it('times the node out, on its last attempt too (the deadline is checked before the retry budget)', () => {
    const sub = workflow('sub', [task('t', [], { runtime: constant(1800), activeDeadline: 60, executionDeadline: 60 })]);
    const mk = (id: string, deadline: number) => plan(id, workflow('wf', [{ id: 'd', kind: 'dynamic', upstream: [], runtime: constant(5), dynamic: sub, activeDeadline: deadline, maxAttempts: 1 }]));
    // without the deadline: when the sub-DAG's task timed out, and when the node left DynamicRunning
    const probe = exec(simulate([mk('probe', 1e5)], testModel(), { seed: 3, replication: 0 }), 'probe');
    const queued = node(probe, 'd').transitions[0]!.at;
    const lo = (node(probe, 'd/t').transitions.find((t) => t.to === 'TimedOut')!.at - queued) / 1e9;
    const hi = (node(probe, 'd').transitions.find((t) => t.from === 'DynamicRunning')!.at - queued) / 1e9 + 0.5;
    const plans = Array.from({ length: 20 }, (_, i) => mk(`x${i}`, lo + ((hi - lo) * i) / 19));
    const rec = simulate(plans, testModel(), { seed: 3, replication: 0 });
    let timedOut = 0;
    for (const e of rec.executions) {
      const d = node(e, 'd');
      const deadline = d.transitions[0]!.at + plans.find((p) => p.id === e.id)!.workflow.nodes.find((x) => x.id === 'd')!.activeDeadline! * 1e9;
      const failing = d.transitions.find((t) => t.to === 'Failing');
      if (failing) expect(failing.at, e.id).toBeLessThanOrEqual(deadline);
      if (path(e, 'd').includes('TimingOut>TimedOut')) timedOut++;
    }
    expect(timedOut).toBeGreaterThan(0);
  });
});

describe('an ArrayNode in a retried sub-DAG', () => {
  it("ends its aborted subtasks' time at the abort (their task phase), not at the end of the execution", async () => {
    const file = join(dir, 'map-run.yaml');
    writeFileSync(
      file,
      `name: map-run
description: a map task aborted with its run, then run again
workflows:
  main:
    nodes:
      - {id: d, retries: 1, dynamic: {nodes: [{id: m, map: {size: 2, runtime: 30m}}, {id: t, runtime: 30m, timeout: 2m, retries: 1}]}}
executions:
  - {workflow: main}
`,
    );
    const rec = simulate(loadSimulationInput(file).executions, testModel(), { seed: 1, replication: 0 });
    const e = rec.executions[0]!;
    expect(path(e, 'd')).toEqual(RETRIED_THEN_FAILED);
    const retry = node(e, 'd').transitions.find((t) => t.from === 'RetryableFailure')!.at;
    const aborted = node(e, 'd/m/n0').taskPhases!.at(-1)!;
    expect(aborted.to).toBe('PhaseAborted');
    expect(aborted.at).toBeLessThanOrEqual(retry);
    const { folded } = await logRoundTrip(rec, join(dir, 'map-run.jsonl'), { format: 'json', cri: true });
    for (const r of [rec, folded]) {
      const sub = computeReport(r).executions[0]!.nodes.find((n) => n.id === 'd/m/n0')!;
      expect(sub.userNs + sub.flyteNs + sub.externalNs, r.source).toBeLessThanOrEqual(aborted.at - node(e, 'd/m/n0').transitions[0]!.at + 1e9);
    }
  });
});

describe('a dynamic node whose parent task retried before any sub-DAG ran', () => {
  it('records only the sub-DAG its attempt ran (`d-1/…`), none that never ran', () => {
    const sub = workflow('sub', [task('a', [], { runtime: constant(10) })]);
    const e = exec(sim([{ id: 'd', kind: 'dynamic', upstream: [], runtime: constant(5), dynamic: sub, failedAttempts: 1, maxAttempts: 2 }]), 'x');
    expect(e.phase).toBe('Succeeded');
    expect(node(e, 'd').retries).toBe(1);
    expect(e.nodes.filter((n) => n.parent === 'd').map((n) => n.id)).toEqual(['d-1/start-node', 'd-1/a', 'd-1/end-node']);
  });
});
