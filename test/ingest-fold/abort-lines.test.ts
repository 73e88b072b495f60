/**
 * The abort path's task event: propeller logs no line for it, only `Sending buffered Task events.`
 * between the task handler's `Abort invoked` and its Finalize. The same line opens every Handle's
 * task events, so only the one inside an abort of that node counts.
 */
import { describe, expect, it } from 'vitest';
import { foldRecordList } from '../../src/ingest/index.js';
import type { Execution } from '../../src/timeline/types.js';
import { readBytes } from '../ingest-lines/util.js';

const EXEC = 'exec-a';
const R = { res_ver: '7', wf: 'p:d:w' };

function line(msg: string, node?: string, level = 'debug', sec = 1): string {
  const json: Record<string, string> = { exec_id: EXEC, ns: 'n', routine: 'worker-3', ...R };
  if (node !== undefined) json.node = node;
  return JSON.stringify({ json, level, msg, ts: `2026-01-01T00:00:0${sec}Z` });
}

function round(body: string[], sec: number): string[] {
  return [
    line('Processing Workflow.', undefined, 'info', sec),
    line(`Handling Workflow [${EXEC}], id: [project:"p" domain:"d" name:"${EXEC}"], p [Running]`, undefined, 'info', sec),
    ...body,
    line(`Handling Workflow [${EXEC}] Done`, undefined, 'info', sec),
    line('Updated workflow.', undefined, 'debug', sec),
    line('Completed processing workflow.', undefined, 'info', sec),
  ];
}

function fold(lines: string[]): Execution {
  const recs = readBytes(Buffer.from(lines.join('\n') + '\n')).records;
  const e = foldRecordList(recs).executions.find((x) => x.id === EXEC);
  if (!e) throw new Error('no execution');
  return e;
}
const aborted = (e: Execution, id: string) => (e.nodes.find((n) => n.id === id)?.taskPhases ?? []).filter((t) => t.to === 'PhaseAborted').length;
const taskOps = (e: Execution, id: string) => e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops)).filter((o) => o.kind === 'taskEvent' && o.node === id).map((o) => o.to);

describe('the task event ABORTED in a log', () => {
  it('is read inside the abort of that node', () => {
    const e = fold(
      round(
        [
          line('Aborting regular node RetryAttempt [0]', 'n0', 'info'),
          line('Abort invoked with phase [PhaseRunning]', 'n0'),
          line('KillTask invoked. We will attempt to delete object [exec-a-n0-0].', 'n0', 'info'),
          line('Sending buffered Task events.', 'n0'),
          line('Finalizing Parent node RetryAttempt [0]', 'n0', 'info'),
          line('Finalize invoked.', 'n0'),
          line('Recording NodeEvent [node_id:"n0" execution_id:{project:"p" domain:"d" name:"exec-a"}] phase[ABORTED]', 'n0', 'info'),
        ],
        1,
      ),
    );
    expect(taskOps(e, 'n0')).toEqual(['PhaseAborted']);
    expect(aborted(e, 'n0')).toBe(1);
  });

  it('is not read after a retry\'s abort (no event) in the Handle of another node, nor in the next attempt of the same node', () => {
    const retry = [
      line('node failed with retryable failure, aborting and finalizing, message: boom', 'n0'),
      line('Calling aborting & finalize', 'n0'),
      line('Aborting regular node RetryAttempt [0]', 'n0', 'info'),
      line('Abort invoked with phase [PhaseRetryableFailure]', 'n0'),
      line('Returning immediately from Abort since task is already in terminal phase.', 'n0'),
      line('Finalizing Parent node RetryAttempt [0]', 'n0', 'info'),
      line('Finalize invoked.', 'n0'),
    ];
    const handle = (node: string) => [line('Sending buffered Task events.', node), line('Sending transition event for plugin phase [PhaseRunning]', node)];
    const e = fold([...round([...retry, ...handle('n1')], 1), ...round(handle('n0'), 2)]);
    for (const id of ['n0', 'n1']) {
      expect(taskOps(e, id), id).toEqual(['PhaseRunning']);
      expect(aborted(e, id), id).toBe(0);
    }
  });
});
