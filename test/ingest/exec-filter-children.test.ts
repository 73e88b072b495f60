/**
 * `--exec` on an execution whose launch-plan node started another execution named after it
 * (`<id>-<node>`): the child's pods (`<id>-<node>-n0-0`) are the child's, not the kept one's.
 */
import { describe, expect, it } from 'vitest';
import { foldRecordList } from '../../src/ingest/index.js';
import { readBytes } from '../ingest-lines/util.js';

const TS = '2026-01-01T00:00:01Z';
const P = 'abc123';
const C = `${P}-n1-sub`;

const line = (json: Record<string, string>, msg: string): string => JSON.stringify({ json, level: 'info', msg, ts: TS });
const base = (exec: string, routine: string) => ({ exec_id: exec, ns: 'ns', routine });
const round = (exec: string, routine: string) => ({ ...base(exec, routine), res_ver: '1', wf: 'p:d:w' });

const LINES = [
  line(base(P, 'worker-1'), 'Processing Workflow.'),
  line(round(P, 'worker-1'), `Handling Workflow [${P}], id: [project:"p" domain:"d" name:"${P}"], p [Running]`),
  line({ ...round(P, 'worker-1'), node: 'n1' }, 'Change in node state detected from [NotYetStarted] -> [Queued]'),
  line(round(P, 'worker-1'), `Handling Workflow [${P}] Done`),
  line(base(P, 'worker-1'), 'Completed processing workflow.'),
  line(base(C, 'worker-2'), 'Processing Workflow.'),
  line(round(C, 'worker-2'), `Handling Workflow [${C}], id: [project:"p" domain:"d" name:"${C}"], p [Running]`),
  line({ ...round(C, 'worker-2'), node: 'n0' }, 'Change in node state detected from [NotYetStarted] -> [Queued]'),
  line(round(C, 'worker-2'), `Handling Workflow [${C}] Done`),
  line(base(C, 'worker-2'), 'Completed processing workflow.'),
  line({}, `Enqueueing owner for updated object [ns/${C}-n0-0]`),
  line({}, `Enqueueing owner for updated object [ns/${P}-n1-0]`),
];

describe('--exec and executions named after the kept one', () => {
  const recs = readBytes(Buffer.from(LINES.join('\n') + '\n')).records;
  const all = foldRecordList(recs).executions;

  it("the child's pod enqueue goes to the child, with and without the filter", () => {
    const parent = foldRecordList(recs, { exec: P }).executions;
    expect(parent.map((e) => e.id)).toEqual([P]);
    const ref = all.find((e) => e.id === P)!;
    expect(parent[0]!.enqueues.map((e) => e.object)).toEqual(ref.enqueues.map((e) => e.object));
    expect(parent[0]!.enqueues.map((e) => e.object)).toEqual(['n1-0'].map((s) => `${P}-${s}`));
    expect(parent[0]!.nodes.map((n) => n.id).sort()).toEqual(ref.nodes.map((n) => n.id).sort());
    const child = foldRecordList(recs, { exec: C }).executions;
    expect(child[0]!.enqueues.map((e) => e.object)).toEqual([`${C}-n0-0`]);
  });
});
