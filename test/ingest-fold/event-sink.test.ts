/**
 * Calls whose end no line marks (admin events, the pod create) span from their line to the
 * worker's next line; lines logged inside the call do not end it: the admin sink's
 * `AdminEventSink received a new event` (Debug, just before its RPC) and the plugin manager's
 * `The resource requirement for creating Pod` (before the create request). The sink's filter and
 * the recorders' `Failed to record .. event` lines say how the call was answered.
 */
import { describe, expect, it } from 'vitest';
import { logLines } from '../../src/export/logs.js';
import { foldRecordList } from '../../src/ingest/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { MSG } from '../../src/timeline/templates.js';
import type { Execution, Op } from '../../src/timeline/types.js';
import { readBytes } from '../ingest-lines/util.js';
import { simulateWith, smallMixedLoad } from '../roundtrip/shape.js';

const EXEC = 'exec-s';
const ID = `project:"p" domain:"d" name:"${EXEC}"`;

/** One line per second from 00:00:10, each of worker-2 in round res_ver 7. */
function lines(body: { msg: string; node?: string; level?: string }[]): string {
  const all = [
    { msg: 'Processing Workflow.', level: 'info' },
    { msg: `Handling Workflow [${EXEC}], id: [${ID}], p [Running]`, level: 'info' },
    ...body,
    { msg: `Handling Workflow [${EXEC}] Done`, level: 'info' },
    { msg: 'Updated workflow.' },
    { msg: 'Completed processing workflow.', level: 'info' },
  ];
  return all
    .map((l, i) => {
      const json: Record<string, string> = { exec_id: EXEC, ns: 'p-d', res_ver: '7', routine: 'worker-2', wf: 'p:d:w' };
      if (l.node !== undefined) json.node = l.node;
      const ts = `2026-01-01T00:00:${String(10 + i).padStart(2, '0')}Z`;
      return JSON.stringify({ json, level: l.level ?? 'debug', msg: l.msg, ts });
    })
    .join('\n');
}

function fold(text: string): { e: Execution; lines: { read: number; used: number; skipped: Record<string, number> } } {
  const res = foldRecordList(readBytes(Buffer.from(text + '\n')).records);
  const e = res.executions.find((x) => x.id === EXEC);
  if (!e) throw new Error('no execution');
  return { e, lines: res.lines };
}
const ops = (e: Execution, kind: string): Op[] => e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops)).filter((o) => o.kind === kind);
/** The log second (10 + index) an instant lies in. */
const sec = (ns: number, e: Execution): number => Math.floor((ns - (e.handles[0]!.start - (e.handles[0]!.start % 1e9))) / 1e9) + 10;

describe('the admin sink line', () => {
  it('keeps the event call open: a node event spans from its line past the sink line to the next', () => {
    const { e, lines: stats } = fold(
      lines([
        { msg: 'Change in node state detected from [Queued] -> [Running], (handler phase [Running])', node: 'n0', level: 'info' }, // 12
        { msg: `Recording NodeEvent [node_id:"n0" execution_id:{${ID}}] phase[RUNNING]`, node: 'n0', level: 'info' }, // 13
        { msg: `AdminEventSink received a new event id:{node_id:"n0" execution_id:{${ID}}} phase:RUNNING`, node: 'n0' }, // 14
        { msg: 'Completed node [n0]', node: 'n0' }, // 15
      ]),
    );
    const [ev] = ops(e, 'nodeEvent');
    expect(ev).toBeDefined();
    expect(sec(ev!.start, e)).toBe(13);
    expect(sec(ev!.end, e)).toBe(15);
    expect(ev!.outcome).toBe('ok');
    expect(stats.skipped.unrecognized ?? 0).toBe(0);
  });

  it('keeps a workflow event open too (its only line is the transition before it)', () => {
    const { e } = fold(
      lines([
        { msg: 'Completed node [n0]', node: 'n0' }, // 12
        { msg: MSG.workflowTransition('Running', 'Succeeding') }, // 13
        { msg: `AdminEventSink received a new event execution_id:{${ID}} producer_id:"propeller" phase:SUCCEEDING` }, // 14
        { msg: 'Completed node [end-node]', node: 'end-node' }, // 15
      ]),
    );
    const ev = ops(e, 'workflowEvent').find((o) => o.to === 'Succeeding');
    expect(ev).toBeDefined();
    expect(sec(ev!.end, e)).toBe(15);
  });

  it("with the filter's `has already been sent`: the call made no RPC (AlreadyExists)", () => {
    const { e } = fold(
      lines([
        { msg: `Recording NodeEvent [node_id:"n0" execution_id:{${ID}}] phase[RUNNING]`, node: 'n0', level: 'info' },
        { msg: `AdminEventSink received a new event id:{node_id:"n0" execution_id:{${ID}}} phase:RUNNING`, node: 'n0' },
        { msg: "event 'p:d:exec-s:n0:0:2' has already been sent", node: 'n0' },
        { msg: 'Completed node [n0]', node: 'n0' },
      ]),
    );
    expect(ops(e, 'nodeEvent').map((o) => o.outcome)).toEqual(['alreadyExists']);
  });

  it("a recorder's `Failed to record task event` names the answer of the call it ends", () => {
    const { e, lines: stats } = fold(
      lines([
        { msg: 'Sending transition event for plugin phase [PhaseRunning]', node: 'n0' },
        { msg: 'AdminEventSink received a new event task_id:{resource_type:TASK} phase:RUNNING', node: 'n0' },
        { msg: 'Failed to record task event [task_id:{resource_type:TASK}] with err: rpc error: code = AlreadyExists desc = event already exists', node: 'n0', level: 'info' },
        { msg: 'Completed node [n0]', node: 'n0' },
      ]),
    );
    expect(ops(e, 'taskEvent').map((o) => o.outcome)).toEqual(['alreadyExists']);
    expect(stats.skipped.unrecognized ?? 0).toBe(0);
  });

  it("without a call open: a task event's starts there (an ArrayNode's own has no other line), another is a line without timing", () => {
    const { e, lines: stats } = fold(
      lines([
        { msg: 'AdminEventSink received a new event task_id:{resource_type:TASK} phase:RUNNING', node: 'm' }, // 12
        { msg: 'Completed node [m]', node: 'm' }, // 13
        { msg: `AdminEventSink received a new event id:{node_id:"n0" execution_id:{${ID}}} phase:RUNNING`, node: 'n0' },
      ]),
    );
    const [ev] = ops(e, 'taskEvent');
    expect(ev).toMatchObject({ node: 'm', to: 'PhaseRunning', outcome: 'ok' });
    expect([sec(ev!.start, e), sec(ev!.end, e)]).toEqual([12, 13]);
    expect(stats.skipped.untimed).toBe(2);
    expect(stats.used + stats.skipped.untimed!).toBe(stats.read);
  });
});

describe('the pod create', () => {
  it('spans from `Creating Object` past the resource line to the next line, named after its pod', () => {
    const { e } = fold(
      lines([
        { msg: 'Creating Object: Type:[/v1, Kind=Pod], Object:[p-d/exec-s-n0-0]', node: 'n0', level: 'info' }, // 12
        { msg: 'The resource requirement for creating Pod [p-d/exec-s-n0-0] is [[{[cpu]: [1]}]]\n', node: 'n0', level: 'info' }, // 13
        { msg: 'Sending buffered Task events.', node: 'n0' }, // 14
        { msg: 'Sending transition event for plugin phase [PhaseQueued]', node: 'n0' }, // 15
      ]),
    );
    const [create] = ops(e, 'podCreate');
    expect(create).toMatchObject({ node: 'n0', detail: 'exec-s-n0-0', outcome: 'ok' });
    expect(sec(create!.start, e)).toBe(12);
    expect(sec(create!.end, e)).toBe(14);
  });
});

describe('pod creates in a simulated debug log', () => {
  it("are read back for every pod; an ArrayNode's subtasks' (created side by side) count without a duration", () => {
    const rec = simulateWith(smallMixedLoad(), defaultModel());
    const folded = foldRecordList(readBytes(Buffer.from([...logLines(rec, { cri: true })].join('\n') + '\n')).records);
    const creates = (x: { executions: Execution[] }) => x.executions.flatMap((e) => e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops.filter((o) => o.kind === 'podCreate'))));
    const sim = creates(rec);
    const got = creates(folded);
    expect(got.length).toBe(sim.length);
    const kinds = new Map(folded.executions.flatMap((e) => e.nodes.map((n) => [`${e.id}/${n.id}`, n.kind] as const)));
    const byExec = folded.executions.flatMap((e) => e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops.filter((o) => o.kind === 'podCreate').map((o) => ({ o, kind: kinds.get(`${e.id}/${o.node}`) })))));
    const sub = byExec.filter((x) => x.kind === 'subnode');
    expect(sub.length).toBeGreaterThan(0);
    expect(sub.every((x) => x.o.untimed === true)).toBe(true);
    const tasks = byExec.filter((x) => x.kind !== 'subnode');
    expect(tasks.length).toBeGreaterThan(10);
    expect(tasks.every((x) => x.o.untimed !== true && x.o.end > x.o.start)).toBe(true);
  });
});

describe('pod creates in an Info-level log', () => {
  const creates = (lines: string[]) =>
    foldRecordList(readBytes(Buffer.from(lines.join('\n') + '\n')).records).executions.flatMap((e) =>
      e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops.filter((o) => o.kind === 'podCreate'))),
    );
  const rec = simulateWith(smallMixedLoad(), defaultModel());
  const info = [...logLines(rec, { cri: true, level: 4 })];

  it("are timed by the back-off handler's `.. finished without an error` after each (on by default)", () => {
    const all = creates(info);
    const tasks = all.filter((o) => o.untimed !== true);
    expect(tasks.length).toBeGreaterThan(10);
    expect(tasks.every((o) => o.end > o.start)).toBe(true);
  });

  it("count untimed without that line: the worker's next Info line comes after the task event that follows", () => {
    const all = creates(info.filter((l) => !l.includes('The operation was attempted and finished without an error')));
    expect(all.length).toBeGreaterThan(10);
    expect(all.every((o) => o.untimed === true)).toBe(true);
  });
});

describe("an ArrayNode's own task events in a debug log", () => {
  it("are dated by the sink's line (their only one): timed as the simulation sent them", () => {
    const rec = simulateWith(smallMixedLoad(), defaultModel());
    const folded = foldRecordList(readBytes(Buffer.from([...logLines(rec, { cri: true })].join('\n') + '\n')).records);
    const arrayEvents = (x: { executions: Execution[] }) =>
      x.executions.flatMap((e) => {
        const maps = new Set(e.nodes.filter((n) => n.kind === 'map').map((n) => n.id));
        return e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops.filter((o) => o.kind === 'taskEvent' && maps.has(o.node ?? ''))));
      });
    const sim = arrayEvents(rec);
    const got = arrayEvents(folded);
    expect(sim.length).toBeGreaterThan(5);
    expect(got.map((o) => [o.to, o.outcome, o.untimed === true, o.end - o.start])).toEqual(sim.map((o) => [o.to, o.outcome, false, o.end - o.start]));
  });
});
