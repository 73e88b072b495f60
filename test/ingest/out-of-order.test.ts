/**
 * Lines of one second delivered out of order (collectors order whole-second lines arbitrarily):
 * another execution's call starting on the same worker within the second must not cut this
 * execution's call in two.
 */
import { describe, expect, it } from 'vitest';
import { foldRecordList } from '../../src/ingest/index.js';
import type { Execution } from '../../src/timeline/types.js';
import { readBytes } from '../ingest-lines/util.js';

const TS = '2026-01-01T00:00:01Z';

function line(exec: string, msg: string, extra: Record<string, string> = {}, ts = TS): string {
  return JSON.stringify({ json: { exec_id: exec, ns: 'n', routine: 'worker-3', ...extra }, level: 'info', msg, ts });
}

/**
 * One Handle call of `exec` with one round that writes the workflow (etcd update); its first
 * lines stamped a second before `ts` when `from` is given.
 */
function call(exec: string, ts = TS, from = ts): string[] {
  const r = { res_ver: '7', wf: 'p:d:w' };
  return [
    line(exec, 'Processing Workflow.', {}, from),
    line(exec, `Handling Workflow [${exec}], id: [project:"p" domain:"d" name:"${exec}"], p [Running]`, r, from),
    line(exec, 'Change in node state detected from [Queued] -> [Running], (handler phase [Running])', { ...r, node: 'n0' }, from),
    // no timing of its own: the call's latest timed line stays in the second before
    line(exec, 'Completed node [n0]', { ...r, node: 'n0' }, ts),
    line(exec, `Handling Workflow [${exec}] Done`, r, ts),
    line(exec, 'Observed FlyteWorkflow Update (maybe finalizer)', {}, ts),
    line(exec, 'Updated workflow.', {}, ts),
    line(exec, 'Will not fast follow, Reason: Wf terminated? false, Version matched? true', {}, ts),
    line(exec, 'Completed processing workflow.', {}, ts),
  ];
}

function shape(e: Execution | undefined) {
  return e?.handles.map((h) => ({ worker: h.worker, rounds: h.rounds.length, end: h.endReason, changed: h.rounds.map((r) => r.changed) }));
}

function fold(lines: string[]): Map<string, Execution> {
  const recs = readBytes(Buffer.from(lines.join('\n') + '\n')).records;
  return new Map(foldRecordList(recs).executions.map((e) => [e.id, e]));
}

describe('out-of-order lines within a second on one worker', () => {
  const a = call('exec-a', TS, '2026-01-01T00:00:00Z');
  const b = call('exec-b');
  const ref = fold([...a, ...b]);

  it('the in-order fold has one call per execution', () => {
    expect(shape(ref.get('exec-a'))).toEqual([{ worker: 'worker-3', rounds: 1, end: 'versionMatched', changed: [true] }]);
    expect(shape(ref.get('exec-b'))).toEqual(shape(ref.get('exec-a')));
  });

  it("the other execution's first line anywhere inside the call changes neither fold", () => {
    // b starts after a line of a in the same second (before it, a's call may as well be over)
    for (let at = 4; at < a.length; at++) {
      const lines = [...a.slice(0, at), b[0]!, ...a.slice(at), ...b.slice(1)];
      const got = fold(lines);
      expect(shape(got.get('exec-a'))).toEqual(shape(ref.get('exec-a')));
      expect(shape(got.get('exec-b'))).toEqual(shape(ref.get('exec-b')));
    }
  });

  it('a missing end line still ends the call at the next call of a later second', () => {
    const later = call('exec-b', '2026-01-01T00:00:03Z');
    const got = fold([...a.slice(0, -1), ...later]);
    const ha = got.get('exec-a')?.handles ?? [];
    expect(ha).toHaveLength(1);
    expect(ha[0]!.end).toBeLessThan(2e9);
    expect(shape(got.get('exec-b'))).toEqual(shape(ref.get('exec-b')));
  });
});

describe('out-of-order lines within a second across workers', () => {
  /** The same execution handled by worker-3, then by worker-5 right after (one second). */
  const onWorker = (lines: string[], w: string) => lines.map((l) => l.replace('"routine":"worker-3"', `"routine":"${w}"`));
  const first = call('exec-a');
  const second = onWorker(call('exec-a'), 'worker-5');
  const ref = fold([...first, ...second]);

  it('the in-order fold has two calls', () => {
    expect(shape(ref.get('exec-a'))?.map((h) => h.worker)).toEqual(['worker-3', 'worker-5']);
  });

  it("the later call's lines anywhere among the earlier call's change nothing (each worker's lines in order)", () => {
    for (let k = 1; k < first.length; k++) {
      // the later call's first k lines before the earlier call's last lines
      const lines = [first[0]!, ...second.slice(0, k), ...first.slice(1), ...second.slice(k)];
      const got = fold(lines);
      expect(shape(got.get('exec-a'))).toEqual(shape(ref.get('exec-a')));
    }
  });
});

describe("a node's transitions logged out of order by two workers within a second", () => {
  const r = { res_ver: '7', wf: 'p:d:w' };
  const handleWith = (w: string, trans: string): string[] =>
    [
      line('exec-a', 'Processing Workflow.'),
      line('exec-a', 'Handling Workflow [exec-a], id: [project:"p" domain:"d" name:"exec-a"], p [Running]', r),
      line('exec-a', trans, { ...r, node: 'n0' }),
      line('exec-a', 'Handling Workflow [exec-a] Done', r),
      line('exec-a', 'Observed FlyteWorkflow Update (maybe finalizer)'),
      line('exec-a', 'Updated workflow.'),
      line('exec-a', 'Will not fast follow, Reason: Wf terminated? false, Version matched? true'),
      line('exec-a', 'Completed processing workflow.'),
    ].map((l) => l.replace('"routine":"worker-3"', `"routine":"${w}"`));
  const a = handleWith('worker-3', 'Change in node state detected from [Running] -> [Succeeding], (handler phase [Success])');
  const b = handleWith('worker-5', 'Change in node state detected from [Succeeding] -> [Succeeded], (handler phase [Success])');
  const chain = (e: Execution | undefined) => e?.nodes.find((n) => n.id === 'n0')?.transitions.map((t) => `${t.from}>${t.to}`);

  it('keep their phase chain, times in order', () => {
    const ref = fold([...a, ...b]).get('exec-a');
    expect(chain(ref)).toEqual(['Running>Succeeding', 'Succeeding>Succeeded']);
    // worker-5's call entirely before worker-3's transition line
    const got = fold([a[0]!, a[1]!, ...b, ...a.slice(2)]).get('exec-a');
    expect(chain(got)).toEqual(chain(ref));
    const ts = got!.nodes.find((n) => n.id === 'n0')!.transitions.map((t) => t.at);
    expect(ts[0]).toBeLessThanOrEqual(ts[1]!);
  });
});

describe("the workflow's moves logged out of order within a second", () => {
  const moves = (order: number[]): string[] => {
    const r = { res_ver: '9', wf: 'p:d:w' };
    const all = [
      line('x', 'Processing Workflow.'),
      line('x', 'Handling Workflow [x], id: [project:"p" domain:"d" name:"x"], p [Running]', r),
      line('x', 'Transitioning/Recording event for workflow state transition [Running] -> [Succeeding]', r),
      line('x', 'Transitioning/Recording event for workflow state transition [Succeeding] -> [Succeeded]', r),
      line('x', 'Handling Workflow [x] Done', r),
      line('x', 'Completed processing workflow.'),
    ];
    return order.map((i) => all[i]!);
  };
  const one = (lines: string[]): Execution => fold(lines).get('x')!;

  it('a terminal phase is final: a move to an earlier phase read after it does not undo it', () => {
    const inOrder = one(moves([0, 1, 2, 3, 4, 5]));
    expect(inOrder.phase).toBe('Succeeded');
    // Running -> Succeeding read after Succeeding -> Succeeded
    const swapped = one(moves([0, 1, 3, 2, 4, 5]));
    expect(swapped.phase).toBe('Succeeded');
    expect(swapped.ended).toBeDefined();
    expect(swapped.workflowTransitions.map((t) => t.to).sort()).toEqual(['Succeeded', 'Succeeding']);
  });
});
