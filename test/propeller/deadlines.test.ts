/**
 * Node deadlines as propeller's node executor applies them (`execute`'s check after the handler):
 * the active deadline from the node's first Queued ends it TimingOut → TimedOut (or TimedOut at once
 * for handlers without a finalize) and fails the workflow; the execution deadline from the attempt's
 * start fails the attempt (retried while attempts are left, else Failing → Failed). No timer: a
 * deadline is noticed by the first round after it.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSimulationInput } from '../../src/model/load.js';
import type { Model } from '../../src/model/model.js';
import type { WorkflowNode } from '../../src/model/workflow.js';
import { simulate } from '../../src/propeller/simulator.js';
import { replayPlans } from '../../src/calibrate/replay.js';
import { InputError } from '../../src/timeline/errors.js';
import { goDuration, parseGoDuration } from '../../src/timeline/go-duration.js';
import type { Execution } from '../../src/timeline/types.js';
import { logRoundTrip, shape, tempDir } from '../roundtrip/shape.js';
import { committed, exec, node, path, plan, task, testModel, workflow } from './helpers.js';
import { thrown } from '../model/helpers.js';

const dir = tempDir('deadlines');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const constant = (seconds: number) => ({ type: 'constant' as const, value: seconds });
const at = (e: Execution, id: string, to: string) => node(e, id).transitions.find((t) => t.to === to)!.at;
const nodeEvents = (e: Execution, id: string) => committed(e).filter((o) => o.kind === 'nodeEvent' && o.node === id && o.outcome === 'ok').map((o) => o.to);
const ops = (e: Execution, kind: string, id: string) => committed(e).filter((o) => o.kind === kind && o.node === id);

function run(nodes: WorkflowNode[], model: Model = testModel(), seed = 5): Execution {
  return exec(simulate([plan('x', workflow('wf', nodes))], model, { seed, replication: 0 }), 'x');
}

describe('goDuration', () => {
  it('prints durations as Go does', () => {
    expect(goDuration(20 * 60e9)).toBe('20m0s');
    expect(goDuration(3600e9)).toBe('1h0m0s');
    expect(goDuration(90e9)).toBe('1m30s');
    expect(goDuration(1.5e9)).toBe('1.5s');
    expect(goDuration(250e6)).toBe('250ms');
    expect(goDuration(1500)).toBe('1.5µs');
    expect(goDuration(0)).toBe('0s');
    expect(goDuration(26 * 3600e9 + 61e9)).toBe('26h1m1s');
  });

  it('reads durations as Go does, either micro sign included', () => {
    expect(parseGoDuration('20m0s')).toBe(20 * 60e9);
    expect(parseGoDuration('1m30.5s')).toBe(90.5e9);
    expect(parseGoDuration('1.5\u00b5s')).toBe(1500);
    expect(parseGoDuration('1.5\u03bcs')).toBe(1500);
    expect(parseGoDuration('1.5us')).toBe(1500);
  });
});

describe('execution deadline', () => {
  it('ends an attempt: RetryableFailure without an event, the pod deleted (task ABORTED), the next attempt from the retry round', () => {
    // 25 min of user code, 10 min per attempt, 3 attempts: the second attempt meets the active
    // deadline (2 x 10 min from Queued) first, as flytekit's compiled deadlines make it (flyte#361)
    const e = run([task('slow', [], { runtime: constant(1500), executionDeadline: 600, activeDeadline: 1200, maxAttempts: 3 })]);
    expect(path(e, 'slow')).toEqual([
      'NotYetStarted>Queued',
      'Queued>Running',
      'Running>RetryableFailure',
      'RetryableFailure>Running',
      'Running>TimingOut',
      'TimingOut>TimedOut',
    ]);
    const started = node(e, 'slow').transitions.find((t) => t.to === 'Running')!.at;
    const retried = at(e, 'slow', 'RetryableFailure');
    // noticed by the first round after the deadline: within one resync period (10 s) of it
    expect(retried - started).toBeGreaterThan(600e9);
    expect(retried - started).toBeLessThanOrEqual(611e9);
    const queued = at(e, 'slow', 'Queued');
    expect(at(e, 'slow', 'TimingOut') - queued).toBeGreaterThan(1200e9);
    expect(at(e, 'slow', 'TimingOut') - queued).toBeLessThanOrEqual(1211e9);
    // no event for RetryableFailure; TIMED_OUT for TimingOut; none for TimedOut
    expect(nodeEvents(e, 'slow')).toEqual(['QUEUED', 'RUNNING', 'TIMED_OUT']);
    // each attempt's pod is deleted by an abort, which reports the attempt ABORTED
    expect(ops(e, 'podDelete', 'slow')).toHaveLength(2);
    expect(ops(e, 'taskEvent', 'slow').filter((o) => o.to === 'PhaseAborted' && o.outcome === 'ok')).toHaveLength(2);
    expect(node(e, 'slow').pods).toHaveLength(2);
    // the status message travels with the transitions
    const moves = committed(e).filter((o) => o.kind === 'nodeTransition' && o.node === 'slow');
    expect(moves.find((o) => o.to === 'RetryableFailure')!.detail).toBe('task execution timeout [10m0s] expired');
    expect(moves.find((o) => o.from === 'RetryableFailure')!.detail).toBe('task execution timeout [10m0s] expired');
    expect(moves.find((o) => o.to === 'TimingOut')!.detail).toBe('task active timeout [20m0s] expired');
    expect(e.phase).toBe('Failed');
  });

  it('out of attempts: Failing with a FAILED event, then the abort and Failed; the workflow fails', () => {
    const e = run([task('slow', [], { runtime: constant(900), executionDeadline: 300, maxAttempts: 1 }), task('after', ['slow'])]);
    expect(path(e, 'slow')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Failing', 'Failing>Failed']);
    expect(nodeEvents(e, 'slow')).toEqual(['QUEUED', 'RUNNING', 'FAILED']);
    expect(ops(e, 'podDelete', 'slow')).toHaveLength(1);
    expect(path(e, 'after')).toEqual([]);
    expect(e.phase).toBe('Failed');
    expect(e.workflowTransitions.map((t) => t.to)).toContain('Failing');
  });

  it('a task that finishes in time is untouched, and a deadline never reached changes nothing at all', () => {
    const base = [task('a', [], { runtime: constant(60) }), task('b', ['a'], { runtime: constant(30) })];
    const timed = [task('a', [], { runtime: constant(60), executionDeadline: 3600, activeDeadline: 7200 }), task('b', ['a'], { runtime: constant(30), executionDeadline: 45 })];
    const e0 = run(base);
    const e1 = run(timed);
    expect(e1.phase).toBe('Succeeded');
    expect(JSON.stringify(e1)).toBe(JSON.stringify(e0));
  });

  it('the model default applies to a node whose spec sets none; the spec wins over it', () => {
    const m = testModel({ propeller: { nodeExecutionDeadlineSeconds: 120 } });
    const e = run([task('a', [], { runtime: constant(600), maxAttempts: 1 }), task('b', [], { runtime: constant(600), executionDeadline: 3600 })], m);
    expect(path(e, 'a')).toContain('Running>Failing');
    expect(at(e, 'a', 'Failing') - node(e, 'a').transitions.find((t) => t.to === 'Running')!.at).toBeGreaterThan(120e9);
    // b still runs when a fails the workflow: aborted, not timed out
    expect(path(e, 'b')).not.toContain('Running>Failing');
  });
});

describe('which deadline, and who wins', () => {
  it("a node's own deadline wins over the model's default, in both directions", () => {
    const m = testModel({ propeller: { nodeExecutionDeadlineSeconds: 60 } });
    expect(run([task('a', [], { runtime: constant(600), executionDeadline: 3600 })], m).phase).toBe('Succeeded');
    const e = run([task('a', [], { runtime: constant(30), executionDeadline: 10 })], testModel({ propeller: { nodeExecutionDeadlineSeconds: 3600 } }));
    expect(path(e, 'a')).toContain('Running>Failing');
  });

  it('a pod that succeeded by the round that notices the deadline wins (the handler runs first)', () => {
    // the pod ends ~67 s after Running, past a 60 s deadline; the round its update brings is the first after the deadline
    const e = run([task('a', [], { runtime: constant(63), executionDeadline: 60 })]);
    const n = node(e, 'a');
    const running = at(e, 'a', 'Running');
    expect(n.pod!.finished! - running).toBeGreaterThan(60e9);
    expect(path(e, 'a')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeding', 'Succeeding>Succeeded']);
    expect(e.phase).toBe('Succeeded');
  });

  it("a pod that failed by that round still reports its failure (task event, error read) before the timeout takes over", () => {
    // the first attempt's pod fails ~67 s after Running, past a 60 s execution deadline: propeller's
    // task handler reads the error and sends the task event, then `execute` turns the phase into the timeout
    const e = run([task('a', [], { runtime: constant(63), executionDeadline: 60, failedAttempts: 1, maxAttempts: 2 })]);
    const running = at(e, 'a', 'Running');
    const retried = at(e, 'a', 'RetryableFailure');
    expect(retried - running).toBeGreaterThan(60e9);
    const failure = ops(e, 'taskEvent', 'a').find((o) => o.to === 'PhaseRetryableFailure' && o.outcome === 'ok');
    expect(failure).toBeDefined();
    expect(failure!.start).toBeLessThanOrEqual(retried);
    expect(ops(e, 'blobRead', 'a').some((o) => o.detail?.includes('error.pb') && o.start <= retried)).toBe(true);
    const move = committed(e).find((o) => o.kind === 'nodeTransition' && o.node === 'a' && o.to === 'RetryableFailure')!;
    expect(move.detail).toBe('task execution timeout [1m0s] expired');
    // the failed attempt's pod is gone already: no abort deletes it, and no ABORTED event reports it
    // (the second attempt runs past its deadline too: its pod is the one deleted)
    const next = node(e, 'a').transitions.find((t) => t.from === 'RetryableFailure')!.at;
    expect(ops(e, 'podDelete', 'a').filter((o) => o.start <= next)).toHaveLength(0);
    expect(ops(e, 'podDelete', 'a')).toHaveLength(1);
    expect(ops(e, 'taskEvent', 'a').filter((o) => o.to === 'PhaseAborted' && o.start <= next)).toHaveLength(0);
  });

  it('a node without retries has one attempt: its execution deadline fails it', () => {
    const e = run([task('a', [], { runtime: constant(300), executionDeadline: 60 })]);
    expect(path(e, 'a')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Failing', 'Failing>Failed']);
  });
});

describe('active deadline', () => {
  it('counts from the first Queued and ends a task TimingOut → TimedOut with no retry', () => {
    const m = testModel({ propeller: { nodeActiveDeadlineSeconds: 60 } });
    const e = run([task('a', [], { runtime: constant(300) })], m);
    expect(path(e, 'a')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>TimingOut', 'TimingOut>TimedOut']);
    expect(node(e, 'a').pods).toHaveLength(1);
    expect(ops(e, 'podDelete', 'a')).toHaveLength(1);
    expect(e.phase).toBe('Failed');
  });

  it('ends a subworkflow at once (no finalize) with a TIMED_OUT event; its running task is left alone', () => {
    const sub = workflow('sub', [task('inner', [], { runtime: constant(600) })]);
    const e = run([{ id: 'sw', kind: 'subworkflow', upstream: [], subworkflow: sub, activeDeadline: 120 }]);
    expect(path(e, 'sw')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>TimedOut']);
    expect(nodeEvents(e, 'sw')).toEqual(['QUEUED', 'RUNNING', 'TIMED_OUT']);
    // AbortHandler does not descend into a timed-out node
    expect(ops(e, 'podDelete', 'sw/inner')).toHaveLength(0);
    expect(e.phase).toBe('Failed');
  });

  it("a subworkflow's nested work runs first in the round that notices its deadline", () => {
    // the inner pod ends past the subworkflow's 60 s: that round moves the inner task on, then times the subworkflow out
    const sub = workflow('sub', [task('inner', [], { runtime: constant(58) })]);
    const e = run([{ id: 'sw', kind: 'subworkflow', upstream: [], subworkflow: sub, activeDeadline: 60 }]);
    const timedOut = node(e, 'sw').transitions.find((t) => t.to === 'TimedOut')!;
    const inner = node(e, 'sw/inner').transitions.find((t) => t.to === 'Succeeding')!;
    expect([inner.handle, inner.round]).toEqual([timedOut.handle, timedOut.round]);
    expect(path(e, 'sw').at(-1)).toBe('Running>TimedOut');
  });

  it('aborts every running subtask of a map task, with one ABORTED task event for the array', () => {
    const e = run([{ id: 'm', kind: 'map', upstream: [], map: { size: 4, parallelism: 0, runtime: constant(600) }, runtime: constant(600), activeDeadline: 120 }]);
    expect(path(e, 'm')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>TimingOut', 'TimingOut>TimedOut']);
    expect(committed(e).filter((o) => o.kind === 'podDelete')).toHaveLength(4);
    expect(ops(e, 'taskEvent', 'm').at(-1)!.to).toBe('PhaseAborted');
    expect(e.phase).toBe('Failed');
  });

  it('ends a launch plan node at once; its child execution runs on', () => {
    const child = workflow('child', [task('c', [], { runtime: constant(600) })]);
    const rec = simulate([plan('x', workflow('wf', [{ id: 'lp', kind: 'launchplan', upstream: [], launchplan: child, activeDeadline: 120 }]))], testModel(), { seed: 5, replication: 0 });
    const e = exec(rec, 'x');
    expect(path(e, 'lp')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>TimedOut']);
    expect(nodeEvents(e, 'lp')).toEqual(['QUEUED', 'RUNNING', 'TIMED_OUT']);
    expect(e.phase).toBe('Failed');
    const kid = rec.executions.find((x) => x.parent === 'x')!;
    expect(kid.phase).toBe('Succeeded');
    expect(committed(e).filter((o) => o.kind === 'terminateExecution')).toHaveLength(0);
  });

  it('a dynamic node running its sub-DAG past its execution deadline fails, aborting the sub-DAG', () => {
    const sub = workflow('sub', [task('a', [], { runtime: constant(600) })]);
    const e = run([{ id: 'd', kind: 'dynamic', upstream: [], runtime: constant(5), dynamic: sub, executionDeadline: 120 }]);
    expect(path(e, 'd')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>DynamicRunning', 'DynamicRunning>Failing', 'Failing>Failed']);
    expect(nodeEvents(e, 'd')).toContain('FAILED');
    expect(ops(e, 'podDelete', 'd/a')).toHaveLength(1);
    expect(e.phase).toBe('Failed');
  });

  it('a branch node times out at once; the case it took is left running', () => {
    const e = run([
      { id: 'b', kind: 'branch', upstream: [], branch: { cases: ['l', 'r'], taken: 'r' }, activeDeadline: 60 },
      { id: 'l', kind: 'task', upstream: [], runtime: constant(5), branchOf: 'b' },
      { id: 'r', kind: 'task', upstream: [], runtime: constant(600), branchOf: 'b' },
    ]);
    expect(path(e, 'b').at(-1)).toBe('Running>TimedOut');
    expect(nodeEvents(e, 'b')).toContain('TIMED_OUT');
    expect(ops(e, 'podDelete', 'r')).toHaveLength(0);
    expect(e.phase).toBe('Failed');
  });

  it('a gate past its execution deadline fails at once (no retries, no finalize)', () => {
    const e = run([{ id: 'g', kind: 'gate', upstream: [], gate: constant(600), executionDeadline: 60, activeDeadline: 120 }]);
    expect(path(e, 'g')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Failed']);
    expect(nodeEvents(e, 'g')).toEqual(['QUEUED', 'RUNNING', 'FAILED']);
    expect(e.phase).toBe('Failed');
  });
});

describe('deadlines in', () => {
  it('a scenario: flytekit `timeout` sets execution = timeout and active = 2 x timeout; a CR override too', () => {
    const d = join(dir, 'scenario');
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 's.yaml'),
      `name: t\ndescription: t\nworkflows:\n  main:\n    nodes:\n      - {id: a, runtime: 30m, timeout: 20m, retries: 1}\n      - {id: b, after: [a]}\n  cr: {crd: ${JSON.stringify(CR)}, overrides: {n1: {timeout: 90s}}}\nexecutions:\n  - workflow: main\n  - workflow: cr\n`,
    );
    const s = loadSimulationInput(join(d, 's.yaml'));
    const a = s.executions[0]!.workflow.nodes.find((n) => n.id === 'a')!;
    expect([a.executionDeadline, a.activeDeadline]).toEqual([1200, 2400]);
    const cr = s.executions[1]!.workflow.nodes;
    expect([cr.find((n) => n.id === 'n1')!.executionDeadline, cr.find((n) => n.id === 'n1')!.activeDeadline]).toEqual([90, 180]);
  });

  it("a FlyteWorkflow CR: the node's activeDeadline and executionDeadline (Go durations)", () => {
    const s = loadSimulationInput(CR);
    const n0 = s.executions[0]!.workflow.nodes.find((n) => n.id === 'n0')!;
    expect([n0.executionDeadline, n0.activeDeadline]).toEqual([1200, 2400]);
    const n1 = s.executions[0]!.workflow.nodes.find((n) => n.id === 'n1')!;
    expect(n1.executionDeadline).toBeUndefined();
  });

  it('a CR with a deadline that is not a duration is an input error naming the field', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(crWith({ executionDeadline: 'soon' })));
    const err = thrown(() => loadSimulationInput(bad));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/expected a duration/);
    expect(err.path).toBe('spec.nodes.n0.executionDeadline');
  });
});

describe('round trip', () => {
  it('timeouts written as propeller logs fold back to the same structure, every line read', async () => {
    const m = testModel({ propeller: { nodeActiveDeadlineSeconds: 0 } });
    const nodes: WorkflowNode[] = [
      task('slow', [], { runtime: constant(1500), executionDeadline: 600, activeDeadline: 1200, maxAttempts: 3 }),
      task('quick', [], { runtime: constant(60), executionDeadline: 600 }),
      { id: 'm', kind: 'map', upstream: [], map: { size: 3, parallelism: 0, runtime: constant(3000) }, activeDeadline: 1500 },
    ];
    const rec = simulate([plan('x', workflow('wf', nodes))], m, { seed: 9, replication: 0 });
    const { folded } = await logRoundTrip(rec, join(dir, 'timeouts.log'), { format: 'json', cri: true, maxStreak: m.propeller.maxStreakLength });
    expect(shape(folded)).toStrictEqual(shape(rec));
    expect(path(exec(folded, 'x'), 'slow')).toContain('Running>TimingOut');
    expect(folded.lines.skipped.unrecognized ?? 0).toBe(0);
    // the deadlines that passed, read from propeller's lines, as the simulation recorded them
    const slow = node(exec(folded, 'x'), 'slow');
    expect([slow.executionDeadline, slow.activeDeadline]).toEqual([600e9, 1200e9]);
    expect([node(exec(rec, 'x'), 'slow').executionDeadline, node(exec(rec, 'x'), 'slow').activeDeadline]).toEqual([600e9, 1200e9]);
    expect(node(exec(folded, 'x'), 'quick').executionDeadline).toBeUndefined();
    // a replay of the recording times out as the recording did
    const replayed = exec(simulate(replayPlans(folded), m, { seed: 3, replication: 0 }), 'x');
    expect(path(replayed, 'slow').at(-1)).toBe('TimingOut>TimedOut');
    expect(replayed.phase).toBe('Failed');
    const end = (e: Execution) => e.ended!.at - e.created!.at;
    expect(Math.abs(end(replayed) - end(exec(rec, 'x')))).toBeLessThan(30e9);
  });

  it("at Info level the retries show only as `Current execution for the node timed out`: fold infers them", async () => {
    const m = testModel({ propeller: { nodeActiveDeadlineSeconds: 0 } });
    // two executions: one retried until its active deadline, one retried once and then out of attempts
    const slow = task('slow', [], { runtime: constant(1500), executionDeadline: 600, activeDeadline: 1200, maxAttempts: 3 });
    const last = task('last', [], { runtime: constant(300), executionDeadline: 60, maxAttempts: 2 });
    const rec = simulate([plan('x', workflow('wf', [slow])), plan('y', workflow('wf', [last]))], m, { seed: 9, replication: 0 });
    const { folded } = await logRoundTrip(rec, join(dir, 'timeouts-info.log'), { format: 'json', cri: true, maxStreak: m.propeller.maxStreakLength, level: 4 });
    for (const [e, id, retries] of [['x', 'slow', 1], ['y', 'last', 1]] as const) {
      const want = path(exec(rec, e), id);
      expect(want.filter((t) => t === 'Running>RetryableFailure')).toHaveLength(retries);
      expect(path(exec(folded, e), id), id).toEqual(want);
      expect(node(exec(folded, e), id).retries, id).toBe(retries);
    }
    expect(path(exec(rec, 'y'), 'last').at(-1)).toBe('Failing>Failed');
    // the move is dated by its line, the retry within the next round
    const at = (e: Execution, id: string, move: string) => node(e, id).transitions.find((t) => `${t.from}>${t.to}` === move)!.at;
    expect(Math.abs(at(exec(folded, 'x'), 'slow', 'Running>RetryableFailure') - at(exec(rec, 'x'), 'slow', 'Running>RetryableFailure'))).toBeLessThan(1e6);
  });
});

const CR = new URL('../fixtures/flyteworkflow-crds/077_core.extend_flyte.custom_task_plugin.my_workflow_2_wf_crd.json', import.meta.url).pathname;

/** A one-task CR with `extra` fields on its task node. */
function crWith(extra: Record<string, unknown>): unknown {
  return {
    apiVersion: 'flyte.lyft.com/v1alpha1',
    kind: 'FlyteWorkflow',
    metadata: { name: 'f1', namespace: 'p-d' },
    spec: {
      id: 'p:d:wf',
      nodes: {
        'start-node': { id: 'start-node', kind: 'start' },
        'end-node': { id: 'end-node', kind: 'end' },
        n0: { id: 'n0', kind: 'task', task: 't0', ...extra },
      },
      connections: { 'start-node': ['n0'], n0: ['end-node'] },
    },
    tasks: { t0: { id: { name: 't0' }, type: 'python-task' } },
    executionConfig: {},
  };
}
