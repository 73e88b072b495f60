/**
 * A map task in propeller's own log: its subnodes log the task handler's event lines under their
 * own ids (`m/n0`), but admin gets one event for the whole array per round, with no line of its
 * own. Fold turns the subnodes' lines into the array's events.
 */
import { describe, expect, it } from 'vitest';
import { foldRecordList } from '../../src/ingest/index.js';
import { computeReport } from '../../src/metrics/index.js';
import type { Execution } from '../../src/timeline/types.js';
import { readBytes } from '../ingest-lines/util.js';

const EXEC = 'exec-m';

function line(msg: string, node?: string, level = 'debug', sec = 1): string {
  const json: Record<string, string> = { exec_id: EXEC, ns: 'n', routine: 'worker-1', res_ver: String(10 + sec), wf: 'p:d:w' };
  if (node !== undefined) json.node = node;
  return JSON.stringify({ json, level, msg, ts: `2026-01-01T00:00:${String(sec).padStart(2, '0')}Z` });
}

function round(body: (sec: number) => string[], sec: number): string[] {
  return [
    line('Processing Workflow.', undefined, 'info', sec),
    line(`Handling Workflow [${EXEC}], id: [project:"p" domain:"d" name:"${EXEC}"], p [Running]`, undefined, 'info', sec),
    ...body(sec),
    line(`Handling Workflow [${EXEC}] Done`, undefined, 'info', sec),
    line('Updated workflow.', undefined, 'debug', sec),
    line('Completed processing workflow.', undefined, 'info', sec),
  ];
}

const move = (node: string, from: string, to: string, sec: number, handler?: string) =>
  line(`Change in node state detected from [${from}] -> [${to}]${handler ? `, (handler phase [${handler}])` : ''}`, node, 'info', sec);
const taskEvent = (node: string, phase: string, sec: number) => [line('Sending buffered Task events.', node, 'debug', sec), line(`Sending transition event for plugin phase [${phase}]`, node, 'debug', sec)];
const abort = (node: string, sec: number) => [
  line('Calling aborting & finalize', node, 'debug', sec),
  line('Aborting regular node RetryAttempt [0]', node, 'info', sec),
  line('Abort invoked with phase [PhaseRunning]', node, 'debug', sec),
  line(`KillTask invoked. We will attempt to delete object [${EXEC}-${node.replace('/', '-0-')}-0].`, node, 'info', sec),
  line('Sending buffered Task events.', node, 'debug', sec),
  line('Finalizing Parent node RetryAttempt [0]', node, 'info', sec),
  line('Finalize invoked.', node, 'debug', sec),
];

function fold(lines: string[]): Execution {
  const recs = readBytes(Buffer.from(lines.join('\n') + '\n')).records;
  const e = foldRecordList(recs).executions.find((x) => x.id === EXEC);
  if (!e) throw new Error('no execution');
  return e;
}
const ops = (e: Execution) => e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops));
const taskOps = (e: Execution, id: string) => ops(e).filter((o) => o.kind === 'taskEvent' && o.node === id).map((o) => o.to);
const node = (e: Execution, id: string) => e.nodes.find((n) => n.id === id);

const nodeEvent = (node: string, phase: string, sec: number) =>
  line(`Recording NodeEvent [node_id:"${node.replace('/', '-')}" execution_id:{project:"p" domain:"d" name:"${EXEC}"}] phase[${phase}]`, node, 'info', sec);
const exists = (node: string, sec: number) =>
  line('Failed to record taskEvent, error [AlreadyExists: event already exists]. Trying to record state: RUNNING. Ignoring this error!', node, 'warning', sec);

/** A map `m` of two subtasks: queued, started, running (one event answered AlreadyExists), then aborted with the workflow. */
const MAP_LOG = [
  ...round((s) => [move('m', 'NotYetStarted', 'Queued', s)], 1),
  ...round((s) => [move('m', 'Queued', 'Running', s, 'Running')], 2),
  ...round((s) => [move('m/n0', 'NotYetStarted', 'Queued', s), move('m/n1', 'NotYetStarted', 'Queued', s)], 3),
  ...round(
    (s) => [...taskEvent('m/n0', 'PhaseQueued', s), move('m/n0', 'Queued', 'Running', s, 'Running'), ...taskEvent('m/n1', 'PhaseQueued', s), move('m/n1', 'Queued', 'Running', s, 'Running')],
    4,
  ),
  ...round((s) => [...taskEvent('m/n0', 'PhaseRunning', s)], 5),
  ...round((s) => [...taskEvent('m/n1', 'PhaseRunning', s), exists('m', s)], 6),
  ...round((s) => [...abort('m/n0', s), ...abort('m/n1', s), nodeEvent('m', 'ABORTED', s)], 7),
];

describe("an ArrayNode's task events in propeller's log", () => {
  it('are one per round in which a subtask recorded a task event, none for its subnodes', () => {
    const e = fold(MAP_LOG);
    expect(node(e, 'm')?.kind).toBe('map');
    expect(node(e, 'm/n0')?.kind).toBe('subnode');
    expect(taskOps(e, 'm/n0')).toEqual([]);
    expect(taskOps(e, 'm/n1')).toEqual([]);
    // round 2 (phase None: faked QUEUED subnode events), 4, 5, 6 (subtask task events; not round 3:
    // node-phase moves alone are not reported), 7 (the workflow's abort)
    expect(taskOps(e, 'm')).toEqual(['PhaseQueued', 'PhaseRunning', 'PhaseRunning', 'PhaseRunning', 'PhaseAborted']);
    expect(ops(e).filter((o) => o.kind === 'taskEvent')).toHaveLength(5);
    // the AlreadyExists line under the array answered the array's event, not a subtask's
    expect(ops(e).filter((o) => o.kind === 'taskEvent').map((o) => o.outcome)).toEqual(['ok', 'ok', 'ok', 'alreadyExists', 'ok']);
    // an ArrayNode runs no pod of its own
    expect(node(e, 'm')?.pod).toBeUndefined();
  });

  it('count in the report, but their durations, which no line shows, do not', () => {
    const recs = readBytes(Buffer.from(MAP_LOG.join('\n') + '\n')).records;
    const rec = foldRecordList(recs);
    const events = rec.executions[0]!.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops)).filter((o) => o.kind === 'taskEvent');
    expect(events.every((o) => o.untimed === true)).toBe(true);
    const t = computeReport(rec).infra.taskEvents!;
    expect(t.count).toBe(5);
    expect(t.p50Ns).toBeNull();
  });

  it("keep the subtasks' plugin phases and give the array its own", () => {
    const e = fold(MAP_LOG);
    expect(node(e, 'm/n0')?.taskPhases?.map((t) => t.to)).toEqual(['PhaseQueued', 'PhaseRunning', 'PhaseAborted']);
    // every event sent is a phase of the array's, a new version of the same phase too
    expect(node(e, 'm')?.taskPhases?.map((t) => `${t.from}>${t.to}`)).toEqual([
      'PhaseUndefined>PhaseQueued',
      'PhaseQueued>PhaseRunning',
      'PhaseRunning>PhaseRunning',
      'PhaseRunning>PhaseRunning',
      'PhaseRunning>PhaseAborted',
    ]);
    // the subtasks' lines stay, as buffered events: moments (no call to wait for)
    const buffered = ops(e).filter((o) => o.kind === 'bufferedTaskEvent' && o.node === 'm/n0');
    expect(buffered.map((o) => o.to)).toEqual(['PhaseQueued', 'PhaseRunning', 'PhaseAborted']);
    for (const o of buffered) expect([o.end, o.endLo, o.endHi]).toEqual([o.start, o.startLo, o.startHi]);
  });

  it('go where admin got them: before the move or event they caused, after the subnode lines of their round', () => {
    const e = fold(MAP_LOG);
    const rounds = e.handles.flatMap((h) => h.rounds);
    const kinds = (i: number) => rounds[i]!.ops.filter((o) => o.node !== undefined).map((o) => `${o.kind}:${o.node}`);
    expect(kinds(1)).toEqual(['taskEvent:m', 'nodeTransition:m']);
    expect(kinds(2)).toEqual(['nodeTransition:m/n0', 'nodeTransition:m/n1']);
    expect(kinds(3).at(-1)).toBe('taskEvent:m');
    expect(kinds(6).slice(-2)).toEqual(['taskEvent:m', 'nodeEvent:m']);
    // dated within the round's second
    for (const o of ops(e).filter((x) => x.node === 'm' && x.kind === 'taskEvent')) {
      expect(o.startLo! <= o.start && o.start <= o.startHi!).toBe(true);
    }
  });

  it("say FAILED when the array fails, even with no subtask left to abort, and again (AlreadyExists) as it leaves Failing", () => {
    const e = fold([
      ...round((s) => [move('m', 'Queued', 'Running', s, 'Running')], 1),
      ...round((s) => [...taskEvent('m/n0', 'PhaseQueued', s)], 2),
      ...round((s) => [...taskEvent('m/n0', 'PhaseRetryableFailure', s), move('m/n0', 'Running', 'Failing', s, 'Failed')], 3),
      ...round((s) => [move('m/n0', 'Failing', 'Failed', s)], 4),
      ...round((s) => [move('m', 'Running', 'Failing', s, 'Failed'), nodeEvent('m', 'FAILED', s)], 5),
      ...round((s) => [line('node failing', 'm', 'debug', s), move('m', 'Failing', 'Failed', s)], 6),
    ]);
    expect(taskOps(e, 'm')).toEqual(['PhaseQueued', 'PhaseRunning', 'PhaseRunning', 'PhasePermanentFailure', 'PhasePermanentFailure']);
    expect(ops(e).filter((o) => o.node === 'm' && o.kind === 'taskEvent').map((o) => o.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'alreadyExists']);
    expect(node(e, 'm')?.taskPhases?.map((t) => t.to)).toEqual(['PhaseQueued', 'PhaseRunning', 'PhaseRunning', 'PhasePermanentFailure']);
  });

  it('that failed are logged under the array: the round fails, the phase stays', () => {
    const e = fold([
      ...round((s) => [move('m', 'Queued', 'Running', s, 'Running')], 1),
      ...round((s) => [...taskEvent('m/n0', 'PhaseQueued', s), line('ArrayNode event recording failed: [ResourceExhausted: Admin EventSink throttling admin traffic]', 'm', 'error', s)], 2),
      ...round((s) => [...taskEvent('m/n0', 'PhaseQueued', s)], 3),
    ]);
    const events = ops(e).filter((o) => o.kind === 'taskEvent' && o.node === 'm');
    expect(events.map((o) => `${o.to}:${o.outcome}`)).toEqual(['PhaseQueued:ok', 'PhaseRunning:throttled', 'PhaseRunning:ok']);
    expect(e.handles[1]!.rounds[0]!.error).toBe('throttled');
    expect(events[1]!.detail).toContain('ResourceExhausted');
    expect(node(e, 'm')?.taskPhases?.map((t) => `${t.to}@${t.handle}`)).toEqual(['PhaseQueued@0', 'PhaseRunning@2']);
    // no line dates a successful send: it lies between the lines around it
    for (const o of events) expect(o.startLo! <= o.start && o.start <= o.startHi!).toBe(true);
  });

  it("count a subtask's retry once, when the round that began it failed and the next began it again", () => {
    const failed = (sec: number) => line('ArrayNode event recording failed: [ResourceExhausted: throttled]', 'm', 'error', sec);
    const e = fold([
      ...round((s) => [move('m', 'Queued', 'Running', s, 'Running')], 1),
      ...round((s) => [...taskEvent('m/n0', 'PhaseQueued', s)], 2),
      ...round((s) => [...taskEvent('m/n0', 'PhaseRetryableFailure', s)], 3),
      ...round((s) => [...taskEvent('m/n0', 'PhaseQueued', s), failed(s)], 4),
      ...round((s) => [...taskEvent('m/n0', 'PhaseQueued', s)], 5),
    ]);
    const n0 = node(e, 'm/n0')!;
    expect(n0.retries).toBe(1);
    expect(n0.pods).toHaveLength(2);
    expect(n0.taskPhases?.map((t) => t.to)).toEqual(['PhaseQueued', 'PhaseRetryableFailure', 'PhaseQueued']);
  });

  it('are left to the subnodes with event version 1 (they send their own: their node events are logged)', () => {
    const e = fold([
      ...round((s) => [move('m', 'Queued', 'Running', s, 'Running')], 1),
      ...round((s) => [...taskEvent('m/n0', 'PhaseQueued', s), move('m/n0', 'Queued', 'Running', s, 'Running'), nodeEvent('m/n0', 'RUNNING', s)], 2),
    ]);
    expect(taskOps(e, 'm/n0')).toEqual(['PhaseQueued']);
    expect(taskOps(e, 'm')).toEqual([]);
  });

  it("leave a subworkflow's nodes alone: they send their own events", () => {
    const e = fold([
      ...round((s) => [move('s/start-node', 'NotYetStarted', 'Succeeded', s)], 1),
      ...round((s) => [...taskEvent('s/n0', 'PhaseQueued', s), move('s/n0', 'Queued', 'Running', s, 'Running')], 2),
    ]);
    expect(node(e, 's')?.kind).toBe('subworkflow');
    expect(taskOps(e, 's/n0')).toEqual(['PhaseQueued']);
    expect(taskOps(e, 's')).toEqual([]);
  });
});
