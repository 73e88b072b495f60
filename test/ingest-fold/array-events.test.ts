/**
 * A map task in propeller's own log: its subnodes log the task handler's event lines under their
 * own ids (`m/n0`), but admin gets one event for the whole array per round, with no line of its
 * own. Fold turns the subnodes' lines into the array's events.
 */
import { describe, expect, it } from 'vitest';
import { foldRecordList } from '../../src/ingest/index.js';
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

/** A map `m` of two subtasks: queued, started, then aborted while running. */
const MAP_LOG = [
  ...round((s) => [move('m', 'NotYetStarted', 'Queued', s)], 1),
  ...round((s) => [move('m', 'Queued', 'Running', s, 'Running')], 2),
  ...round((s) => [move('m/n0', 'NotYetStarted', 'Queued', s), move('m/n1', 'NotYetStarted', 'Queued', s)], 3),
  ...round(
    (s) => [...taskEvent('m/n0', 'PhaseQueued', s), move('m/n0', 'Queued', 'Running', s, 'Running'), ...taskEvent('m/n1', 'PhaseQueued', s), move('m/n1', 'Queued', 'Running', s, 'Running')],
    4,
  ),
  ...round((s) => [...taskEvent('m/n0', 'PhaseRunning', s)], 5),
  ...round((s) => [...abort('m/n0', s), ...abort('m/n1', s)], 6),
];

describe("an ArrayNode's task events in propeller's log", () => {
  it('are one per round for the array, none for its subnodes', () => {
    const e = fold(MAP_LOG);
    expect(node(e, 'm')?.kind).toBe('map');
    expect(node(e, 'm/n0')?.kind).toBe('subnode');
    expect(taskOps(e, 'm/n0')).toEqual([]);
    expect(taskOps(e, 'm/n1')).toEqual([]);
    // round 2 (phase None: faked QUEUED subnode events), 3, 4, 5 (subnodes changed), 6 (aborts)
    expect(taskOps(e, 'm')).toEqual(['PhaseQueued', 'PhaseRunning', 'PhaseRunning', 'PhaseRunning', 'PhaseAborted']);
    expect(ops(e).filter((o) => o.kind === 'taskEvent')).toHaveLength(5);
  });

  it("keep the subtasks' plugin phases and give the array its own", () => {
    const e = fold(MAP_LOG);
    expect(node(e, 'm/n0')?.taskPhases?.map((t) => t.to)).toEqual(['PhaseQueued', 'PhaseRunning', 'PhaseAborted']);
    expect(node(e, 'm')?.taskPhases?.map((t) => `${t.from}>${t.to}`)).toEqual(['PhaseUndefined>PhaseQueued', 'PhaseQueued>PhaseRunning', 'PhaseRunning>PhaseAborted']);
  });

  it('go where admin got them: before the move they caused, after the subnode lines of their round', () => {
    const e = fold(MAP_LOG);
    const rounds = e.handles.flatMap((h) => h.rounds);
    const kinds = (i: number) => rounds[i]!.ops.filter((o) => o.node !== undefined).map((o) => `${o.kind}:${o.node}`);
    expect(kinds(1)).toEqual(['taskEvent:m', 'nodeTransition:m']);
    expect(kinds(2).at(-1)).toBe('taskEvent:m');
    expect(kinds(5).at(-1)).toBe('taskEvent:m');
    // dated within the round's second
    for (const o of ops(e).filter((x) => x.node === 'm' && x.kind === 'taskEvent')) {
      expect(o.startLo! <= o.start && o.start <= o.startHi!).toBe(true);
    }
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
