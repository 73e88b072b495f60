import { describe, expect, it } from 'vitest';
import { foldRecordList, foldRecords } from '../../src/ingest/index.js';
import type { Execution, Op, OpKind } from '../../src/timeline/types.js';
import { fixture, parseJsonLines, without } from './records.js';

const A = 'fd5d4ee88f9dc4436a76';
const B = 'b7q2m4k9x1c3v5n8z0ab';
const S = 1e9;

function ops(e: Execution, kind: OpKind): Op[] {
  return e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops.filter((o) => o.kind === kind)));
}

describe('the canonical 1-task workflow (one-task.jsonl)', () => {
  const records = parseJsonLines(fixture('one-task.jsonl'));
  const rec = foldRecordList(records);
  const e = rec.executions[0] as Execution;

  it('is one execution, with the origin at the first second and every line accounted for', () => {
    expect(rec.executions).toHaveLength(1);
    expect(e.id).toBe(A);
    expect(e.namespace).toBe('flytesnacks-development');
    expect(e.workflow).toBe('flytesnacks:development:core.flyte_basics.hello_world.my_wf');
    expect(rec.originUnixNano).toBe(String(Date.UTC(2022, 9, 24, 18, 8, 38) * 1e6));
    expect(rec.source).toBe('logs');
    expect(rec.lines.read).toBe(records.length);
    const skipped = Object.values(rec.lines.skipped).reduce((a, b) => a + b, 0);
    expect(rec.lines.used + skipped).toBe(rec.lines.read);
    expect(rec.lines.skipped.noExecution).toBe(2); // the two controller start-up lines
  });

  it('has the Handle calls of the fold-logs example: 8 Processing blocks with 6,1,2,1,1,1,6,0 rounds', () => {
    // RFC 2995 example: 1.1 @38 (6 rounds), 1.2 @38, 1.3 @39 (2), 1.4 @39, 1.5 @40, 1.6 @50, 1.7 @52 (6), 1.8 @52.
    expect(e.handles.map((h) => h.rounds.length)).toEqual([6, 1, 2, 1, 1, 1, 6, 0]);
    expect(e.handles.map((h) => Math.floor(h.startLo! / S))).toEqual([0, 0, 1, 1, 2, 12, 14, 14]);
    expect(e.handles.every((h) => h.worker === 'worker-3')).toBe(true);
    expect(e.handles.map((h) => h.endReason)).toEqual([
      'noChange',
      'noChange',
      'noChange',
      'noChange',
      'noChange',
      'noChange',
      'terminal',
      'terminated',
    ]);
  });

  it('has the round phases and changes of the example', () => {
    const phases = e.handles.map((h) => h.rounds.map((r) => r.phase).join(','));
    expect(phases[0]).toBe('Ready,Running,Running,Running,Running,Running');
    expect(phases[6]).toBe('Running,Running,Running,Running,Running,Succeeding');
    const changed = e.handles.flatMap((h) => h.rounds.map((r) => r.changed));
    expect(changed.filter(Boolean)).toHaveLength(12);
    expect(changed).toHaveLength(18);
    // Each no-op round ends at "WF hasn't been updated", each changed one at its etcd write.
    for (const h of e.handles) {
      for (const r of h.rounds) {
        expect(r.traversalEnd).toBeDefined();
        expect(r.start).toBeLessThanOrEqual(r.traversalEnd as number);
        expect(r.traversalEnd as number).toBeLessThanOrEqual(r.end);
        const w = r.ops.filter((o) => o.kind === 'etcdUpdate');
        expect(w).toHaveLength(r.changed ? 1 : 0);
        if (r.changed) expect((w[0] as Op).end).toBe(r.end);
        expect(r.ops[0]?.kind).toBe('traversal');
      }
    }
  });

  it('has the node transitions of start-node, n0 and end-node in order, with their Handle and round', () => {
    const byId = new Map(e.nodes.map((n) => [n.id, n]));
    expect([...byId.keys()]).toEqual(['start-node', 'n0', 'end-node']);
    const tr = (id: string) => byId.get(id)?.transitions.map((t) => `${t.from}>${t.to}@${t.handle}.${t.round}`);
    expect(tr('start-node')).toEqual(['NotYetStarted>Succeeded@0.1']);
    expect(tr('n0')).toEqual(['NotYetStarted>Queued@0.2', 'Queued>Running@0.3', 'Running>Succeeding@6.0', 'Succeeding>Succeeded@6.1']);
    expect(tr('end-node')).toEqual(['NotYetStarted>Queued@6.2', 'Queued>Succeeded@6.3']);
    expect(byId.get('start-node')?.kind).toBe('start');
    expect(byId.get('n0')?.kind).toBe('task');
    expect(byId.get('end-node')?.kind).toBe('end');
    expect(byId.get('n0')?.taskPhases?.map((t) => t.to)).toEqual(['PhaseQueued', 'PhaseInitializing', 'PhaseRunning', 'PhaseSuccess']);
  });

  it('has the workflow transitions Ready→Running→Succeeding→Succeeded and ends Succeeded', () => {
    expect(e.workflowTransitions.map((t) => `${t.from}>${t.to}`)).toEqual(['Ready>Running', 'Running>Succeeding', 'Succeeding>Succeeded']);
    expect(e.phase).toBe('Succeeded');
    expect(e.ended?.lo).toBe(14 * S);
    expect(e.created?.lo).toBe(0);
  });

  it('counts 13 admin events (3 workflow, 6 node, 4 task) and 12 etcd writes, all ok', () => {
    expect(ops(e, 'workflowEvent').map((o) => o.to)).toEqual(['Running', 'Succeeding', 'Succeeded']);
    expect(ops(e, 'nodeEvent').map((o) => `${o.node}:${o.to}`)).toEqual([
      'start-node:SUCCEEDED',
      'n0:QUEUED',
      'n0:RUNNING',
      'n0:SUCCEEDED',
      'end-node:QUEUED',
      'end-node:SUCCEEDED',
    ]);
    expect(ops(e, 'taskEvent')).toHaveLength(4);
    const writes = ops(e, 'etcdUpdate');
    expect(writes).toHaveLength(12);
    expect(writes.every((o) => o.outcome === 'ok')).toBe(true);
    for (const o of [...ops(e, 'nodeEvent'), ...ops(e, 'taskEvent'), ...ops(e, 'workflowEvent')]) {
      expect(o.outcome).toBe('ok');
      // An event lasts until the worker's next line: after its own line, never before.
      expect(o.end).toBeGreaterThan(o.start);
    }
  });

  it('never fabricates precision: whole-second stamps give one-second bounds', () => {
    for (const h of e.handles) {
      expect(h.startHi! - h.startLo!).toBe(S - 1);
      expect(h.startLo! % S).toBe(0);
      expect(h.startLo!).toBeLessThanOrEqual(h.start);
      expect(h.start).toBeLessThanOrEqual(h.startHi!);
      for (const r of h.rounds) {
        expect(r.endLo!).toBeLessThanOrEqual(r.end);
        expect(r.end).toBeLessThanOrEqual(r.endHi!);
        for (const o of r.ops) {
          expect(o.startLo!).toBeLessThanOrEqual(o.start);
          expect(o.end).toBeLessThanOrEqual(o.endHi!);
          expect(o.start).toBeLessThanOrEqual(o.end);
        }
      }
    }
  });

  it('infers the pod times of n0 from the rounds and owner updates', () => {
    const pod = e.nodes.find((n) => n.id === 'n0')?.pod;
    // Created in the Queued->Running round (t=38), running when the pod update at 39 was seen,
    // exited at the pod update of 52, observed by the PhaseSuccess round.
    expect(pod?.createdLo).toBe(0);
    expect(pod?.startedLo).toBe(1 * S);
    expect(pod?.finishedLo).toBe(14 * S);
    expect(pod?.observedLo).toBe(14 * S);
    const enq = e.enqueues.filter((q) => q.source === 'owner');
    expect(enq.map((q) => q.object)).toEqual(Array(5).fill(`${A}-n0-0`));
    // started is exactly the owner enqueue of second 39, finished the first one of 52.
    expect(pod?.started).toBe(enq[1]?.at);
    expect(pod?.finished).toBe(enq[3]?.at);
  });

  it('links each Handle call to the latest enqueue before it', () => {
    expect(e.enqueues.filter((q) => q.source === 'workflow')).toHaveLength(9);
    expect(e.enqueues.filter((q) => q.source === 'subqueue')).toHaveLength(7);
    for (const h of e.handles) {
      expect(h.enqueuedAt).toBeDefined();
      expect(h.enqueuedAt as number).toBeLessThanOrEqual(h.start);
    }
    // The resync at t=50 feeds Handle 6.
    expect(Math.floor((e.handles[5]?.enqueuedAtLo ?? 0) / S)).toBe(12);
  });

  it('folds the same through the async API', async () => {
    async function* batches() {
      yield records.slice(0, 50);
      yield records.slice(50);
    }
    const viaAsync = await foldRecords(batches());
    expect(viaAsync).toEqual(rec);
  });
});

describe('the canonical execution interleaved with a second one on another worker (two-executions.jsonl)', () => {
  const ids = [A, B];
  const alone = foldRecordList(parseJsonLines(fixture('one-task.jsonl'), { spreadBy: 'execution', ids }));
  const both = foldRecordList(parseJsonLines(fixture('two-executions.jsonl'), { spreadBy: 'execution', ids }));

  it('folds the canonical execution exactly as when it is alone (but for line numbers)', () => {
    expect(both.executions.map((x) => x.id)).toEqual([A, B]);
    expect(without(both.executions[0], ['line'])).toEqual(without(alone.executions[0], ['line']));
  });

  it('folds the cache-hit execution on worker-7', () => {
    const b = both.executions[1] as Execution;
    expect(b.handles.map((h) => [h.worker, h.rounds.length, h.endReason])).toEqual([
      ['worker-7', 7, 'terminal'],
      ['worker-7', 0, 'terminated'],
    ]);
    const n0 = b.nodes.find((n) => n.id === 'n0');
    expect(n0?.kind).toBe('cachedTask');
    expect(n0?.cache).toBe('hit');
    expect(n0?.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['NotYetStarted>Succeeded']);
    expect(ops(b, 'catalogGet').map((o) => o.outcome)).toEqual(['hit']);
    expect(ops(b, 'nodeEvent')).toHaveLength(4);
    expect(b.phase).toBe('Succeeded');
  });
});

describe('a task whose PhaseRunning event the log does not hold', () => {
  it('keeps the pod created and finished, with its start marked unseen (not a container that never ran)', () => {
    const all = parseJsonLines(fixture('one-task.jsonl'));
    const n0 = (recs: typeof all) => foldRecordList(recs).executions[0]!.nodes.find((n) => n.id === 'n0')!;
    expect(n0(all).pod).toMatchObject({ started: expect.any(Number) });
    expect(n0(all).pod?.startUnseen).toBeUndefined();
    const pod = n0(all.filter((r) => !r.msg.includes('[PhaseRunning]'))).pod!;
    expect(pod.started).toBeUndefined();
    expect(pod.created).toBeDefined();
    expect(pod.finished).toBeDefined();
    expect(pod.startUnseen).toBe(true);
  });
});
