import { describe, expect, it } from 'vitest';
import { foldRecordList } from '../../src/ingest/index.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { ETCD_ERRORS, MSG, executionIdText } from '../../src/timeline/templates.js';
import type { Execution, Op, OpKind, Recording } from '../../src/timeline/types.js';
import { fixture, LogBuilder, parseJsonLines, spread, without } from './records.js';

const ID = 'x1';
const base = { execId: ID, ns: 'ns', routine: 'worker-1' };
const rnd = { ...base, wf: 'p:d:wf', resVer: '10' };
const node = (n: string) => ({ ...rnd, node: n });
const task = (n: string) => ({ ...rnd, node: n, tasktype: 'python-task' });
const handling = (p: string) => MSG.handling(ID, executionIdText('p', 'd', ID), p);

function only(r: Recording): Execution {
  expect(r.executions).toHaveLength(1);
  return r.executions[0] as Execution;
}
function ops(e: Execution, kind: OpKind): Op[] {
  return e.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops.filter((o) => o.kind === kind)));
}

describe('streak ends and failures', () => {
  it('etcd conflict: the round fails, the Handle call ends in error, klog bounds its end', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.etcdUpdateStart(), base)
      .add(0, MSG.etcdUpdateFailed(ETCD_ERRORS.conflict(ID)), base)
      .add(0, MSG.completedProcessing(), base)
      .add(0, `error syncing 'ns/${ID}': ${ETCD_ERRORS.conflict(ID)}`, {
        kind: 'klog',
        execId: ID,
        ns: 'ns',
        nsec: 811_406_000,
        resNs: 1000,
        level: 'error',
      });
    const e = only(foldRecordList(b.done()));
    const h = e.handles[0];
    expect(h?.endReason).toBe('error');
    // The round keeps the error class; the failing write keeps the text.
    expect(h?.rounds[0]?.error).toBe('conflict');
    expect(h?.rounds[0]?.changed).toBe(true);
    expect(ops(e, 'etcdUpdate').map((o) => o.outcome)).toEqual(['conflict']);
    expect(ops(e, 'etcdUpdate')[0]?.detail).toBe(ETCD_ERRORS.conflict(ID));
    // The klog line (microseconds) follows the call's end, so the end is known to be earlier.
    expect(h?.endHi).toBe(811_406_999);
    expect(h?.endLo).toBe(0);
  });

  it('too large (current code): a failed write, then the smaller Failing copy in the same round', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.etcdUpdateStart(), base)
      .add(1, MSG.tooLarge(ETCD_ERRORS.tooLargeReason), base)
      .add(1, MSG.etcdUpdateStart(), base)
      .add(1, MSG.etcdUpdated(), base)
      .add(1, MSG.streakEnded(0, 8), base)
      .add(1, MSG.completedProcessing(), base);
    const e = only(foldRecordList(b.done()));
    const h = e.handles[0];
    expect(h?.rounds).toHaveLength(1);
    expect(ops(e, 'etcdUpdate').map((o) => o.outcome)).toEqual(['tooLarge', 'ok']);
    expect(h?.rounds[0]?.error).toBe('tooLarge');
    expect(ops(e, 'etcdUpdate')[0]?.detail).toBe(ETCD_ERRORS.tooLargeReason);
    expect(h?.rounds[0]?.endLo).toBe(1e9);
    expect(h?.endReason).toBe('error');
    // The small copy persisted the workflow as Failing, as of the too-large line.
    expect(e.workflowTransitions.map((t) => `${t.from}>${t.to}@${t.atLo}`)).toEqual(['Running>Failing@1000000000']);
    expect(e.phase).toBe('Failing');
  });

  it('too large (older code, the real PR 6752 excerpt): the failed update, then error syncing', () => {
    const text = [
      '{"json":{"exec_id":"ajlpz6zv4xwbch45r6dh","ns":"avperceptionworkflows-prod","routine":"worker-98","src":"passthrough.go:110"},"level":"error","msg":"Failed to update workflow. Error [etcdserver: request is too large]","ts":"2025-09-13T02:32:16Z"}',
      '{"json":{"exec_id":"ajlpz6zv4xwbch45r6dh","ns":"avperceptionworkflows-prod","routine":"worker-98","src":"handler.go:246"},"level":"info","msg":"Completed processing workflow.","ts":"2025-09-13T02:32:16Z"}',
    ].join('\n');
    const records = parseJsonLines(text);
    records.push({
      file: 'x',
      line: 3,
      sec: (records[0] as LogRecord).sec,
      nsec: 811_406_000,
      resNs: 1000,
      estNsec: 811_406_000,
      level: 'error',
      msg: "error syncing 'avperceptionworkflows-prod/ajlpz6zv4xwbch45r6dh': etcdserver: request is too large",
      execId: 'ajlpz6zv4xwbch45r6dh',
      ns: 'avperceptionworkflows-prod',
      kind: 'klog',
    });
    const r = foldRecordList(records);
    const e = only(r);
    expect(e.handles).toHaveLength(1);
    expect(e.handles[0]?.worker).toBe('worker-98');
    expect(e.handles[0]?.endReason).toBe('error');
    expect(ops(e, 'etcdUpdate').map((o) => o.outcome)).toEqual(['tooLarge']);
    expect(r.lines.used).toBe(3);
  });

  it('an event that admin throttles fails the round; the system-error write follows', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.nodeChangeNYS('NotYetStarted', 'Queued'), node('n1'))
      .add(0, MSG.recordingNodeEvent('node_id:"n1"', 'QUEUED'), node('n1'))
      .add(0, MSG.nodeEventFailed('EventSinkError: Admin EventSink throttling admin traffic'), node('n1'))
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.reconcileError('failed to record node event', '*errors.NodeError'), rnd)
      .add(0, MSG.etcdUpdateStart(), base)
      .add(0, MSG.etcdUpdated(), base)
      .add(0, MSG.completedProcessing(), base);
    const e = only(foldRecordList(b.done()));
    const r0 = e.handles[0]?.rounds[0];
    expect(ops(e, 'nodeEvent').map((o) => o.outcome)).toEqual(['throttled']);
    expect(r0?.error).toBeDefined();
    expect(r0?.changed).toBe(true);
    expect(e.handles[0]?.endReason).toBe('error');
  });

  it('already-existing events are answered, not failures', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.pluginTransition('PhaseRunning'), task('n0'))
      .add(0, MSG.taskEventFailed('AlreadyExists', 'RUNNING'), task('n0'))
      .add(0, MSG.recordingNodeEvent('node_id:"n0"', 'RUNNING'), node('n0'))
      .add(0, MSG.nodeEventExists('RUNNING', 'n0'), node('n0'))
      .add(0, MSG.workflowTransition('Running', 'Succeeding'), rnd)
      .add(0, MSG.workflowEventExists('SUCCEEDING', executionIdText('p', 'd', ID)), rnd)
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.etcdUpdateStart(), base)
      .add(0, MSG.etcdUpdated(), base)
      .add(0, MSG.noFastFollow(false, true), base)
      .add(0, MSG.streakEnded(0, 8), base)
      .add(0, MSG.completedProcessing(), base);
    const e = only(foldRecordList(b.done()));
    expect(ops(e, 'taskEvent').map((o) => o.outcome)).toEqual(['alreadyExists']);
    expect(ops(e, 'nodeEvent').map((o) => o.outcome)).toEqual(['alreadyExists']);
    expect(ops(e, 'workflowEvent').map((o) => o.outcome)).toEqual(['alreadyExists']);
    expect(e.handles[0]?.endReason).toBe('versionMatched');
    expect(e.handles[0]?.rounds[0]?.error).toBeUndefined();
  });

  it('a streak that reaches max-streak-length ends by cap', () => {
    const b = new LogBuilder().add(0, MSG.processing(), base);
    for (let k = 0; k < 8; k++) {
      b.add(0, handling('Running'), rnd)
        .add(0, MSG.handlingDone(ID), rnd)
        .add(0, MSG.etcdUpdateStart(), base)
        .add(0, MSG.etcdUpdated(), base);
      if (k < 7) b.add(0, MSG.fastFollow(k), base);
    }
    b.add(0, MSG.fastFollow(7), base).add(0, MSG.streakEnded(8, 8), base).add(0, MSG.completedProcessing(), base);
    const e = only(foldRecordList(b.done()));
    expect(e.handles[0]?.rounds).toHaveLength(8);
    expect(e.handles[0]?.endReason).toBe('cap');
  });

  it('stale and not-found Handle calls have no rounds', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, MSG.stale('ns', ID), base)
      .add(0, MSG.completedProcessing(), base)
      .add(1, MSG.processing(), base)
      .add(1, MSG.notFound('ns', ID), base)
      .add(1, MSG.completedProcessing(), base);
    const e = only(foldRecordList(b.done()));
    expect(e.handles.map((h) => [h.rounds.length, h.endReason])).toEqual([
      [0, 'stale'],
      [0, 'notFound'],
    ]);
  });

  it('the abort path (no Handling line) makes an implicit round', () => {
    const b = new LogBuilder()
      .add(0, MSG.enqueueWorkflow(`ns/${ID}`))
      .add(1, MSG.processing(), base)
      .add(1, MSG.workflowTransition('Running', 'Aborted'), rnd)
      .add(1, MSG.etcdUpdateStart(), base)
      .add(1, MSG.etcdUpdated(), base)
      .add(1, MSG.noFastFollow(true, false), base)
      .add(1, MSG.streakEnded(0, 8), base)
      .add(1, MSG.completedProcessing(), base);
    const e = only(foldRecordList(b.done()));
    expect(e.handles[0]?.rounds.map((r) => [r.phase, r.changed])).toEqual([['Running', true]]);
    expect(e.phase).toBe('Aborted');
    expect(e.ended?.lo).toBe(1e9);
    expect(e.handles[0]?.endReason).toBe('terminal');
    expect(e.handles[0]?.enqueuedAtLo).toBe(0);
  });
});

describe('nodes', () => {
  it('a branch decision skips its other cases in the branch node\'s context (no line of the case itself)', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.handlingNode('n0'), node('n0'))
      .add(0, MSG.nodeExecuting('Queued'), node('n0'))
      .add(0, MSG.branchSkip('n0-n0'), node('n0'))
      .add(0, MSG.branchSkip('n0-n2'), node('n0'))
      .add(0, MSG.branchSelected('n0-n1'), node('n0'))
      .add(0, MSG.handlingNode('n0-n1'), node('n0-n1'))
      .add(0, MSG.nodeChangeNYS('NotYetStarted', 'Queued'), node('n0-n1'))
      .add(0, MSG.completedNode('n0-n1'), node('n0-n1'))
      .add(0, MSG.nodeChange('Queued', 'Running', 'Running'), node('n0'))
      .add(0, MSG.completedNode('n0'), node('n0'))
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.etcdUpdateStart(), base)
      .add(0, MSG.etcdUpdated(), base)
      .add(0, MSG.completedProcessing(), base);
    const r = foldRecordList(b.done());
    const e = only(r);
    const n = (id: string) => e.nodes.find((x) => x.id === id);
    expect(n('n0-n0')?.transitions.map((t) => [t.from, t.to])).toEqual([['NotYetStarted', 'Skipped']]);
    expect(n('n0-n2')?.transitions.map((t) => [t.from, t.to])).toEqual([['NotYetStarted', 'Skipped']]);
    // the cases nest under their branch
    expect([n('n0-n0')?.parent, n('n0-n1')?.parent, n('n0')?.kind]).toEqual(['n0', 'n0', 'branch']);
    // every line is read: the selection line is a known message without timing
    expect(r.lines.skipped).toEqual({ untimed: 6 });
  });

  it('a cacheable task that missed the cache and ran its own start and end nodes is a dynamic task; a cached map subtask is a subnode', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.cacheMiss(), node('d'))
      .add(0, MSG.nodeChangeNYS('NotYetStarted', 'Queued'), node('d'))
      .add(0, MSG.cacheMiss(), node('m/n3'))
      .add(0, MSG.nodeChangeNYS('NotYetStarted', 'Queued'), node('m/n3'))
      .add(0, MSG.handlingDone(ID), rnd)
      .add(1, handling('Running'), rnd)
      .add(1, MSG.pluginTransition('PhaseRunning'), task('d'))
      .add(1, MSG.nodeChange('NotYetStarted', 'Succeeded', 'Success'), node('d/start-node'))
      .add(1, MSG.nodeChangeNYS('NotYetStarted', 'Queued'), node('d/n0'))
      .add(1, MSG.handlingDone(ID), rnd)
      .add(1, MSG.noChange(), base);
    const e = only(foldRecordList(b.done()));
    const kind = (id: string) => e.nodes.find((n) => n.id === id)?.kind;
    expect(kind('d')).toBe('dynamic');
    expect(e.nodes.find((n) => n.id === 'd')?.cache).toBe('miss');
    expect(kind('m')).toBe('map');
    expect(kind('m/n3')).toBe('subnode');
  });

  it('retries, catalog miss and put, parallelism, ArrayNode subtask pods', () => {
    const b = new LogBuilder()
      .add(0, MSG.processing(), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.cacheMiss(), node('n0'))
      .add(0, MSG.nodeChangeNYS('NotYetStarted', 'Queued'), node('n0'))
      .add(0, MSG.maxParallelism(25, 25), rnd)
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.etcdUpdateStart(), base)
      .add(0, MSG.etcdUpdated(), base)
      .add(0, MSG.fastFollow(0), base)
      .add(0, handling('Running'), rnd)
      .add(0, MSG.pluginTransition('PhaseQueued'), task('n0'))
      .add(0, MSG.nodeChange('Queued', 'Running', 'Running'), node('n0'))
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.noChange(), base)
      .add(0, MSG.completedProcessing(), base)
      .add(2, MSG.enqueueOwner('ns', `${ID}-n0-0`))
      .add(2, MSG.processing(), base)
      .add(2, handling('Running'), rnd)
      .add(2, MSG.pluginTransition('PhaseRunning'), task('n0'))
      .add(2, MSG.handlingDone(ID), rnd)
      .add(2, MSG.noChange(), base)
      .add(2, MSG.completedProcessing(), base)
      .add(5, MSG.enqueueOwner('ns', `${ID}-n0-0`))
      .add(5, MSG.processing(), base)
      .add(5, handling('Running'), rnd)
      .add(5, MSG.pluginTransition('PhaseRetryableFailure'), task('n0'))
      .add(5, MSG.handlingDone(ID), rnd)
      .add(5, MSG.noChange(), base)
      .add(6, handling('Running'), rnd)
      .add(6, 'node failed with retryable failure, aborting and finalizing, message: OOMKilled', node('n0'))
      .add(6, MSG.handlingDone(ID), rnd)
      .add(6, MSG.noChange(), base)
      .add(7, handling('Running'), rnd)
      .add(7, MSG.pluginTransition('PhaseQueued'), task('n0'))
      .add(7, MSG.handlingDone(ID), rnd)
      .add(7, MSG.noChange(), base)
      .add(8, MSG.enqueueOwner('ns', `${ID}-n0-1`))
      .add(9, MSG.enqueueOwner('ns', `${ID}-n1-0-n42-0`))
      .add(9, handling('Running'), rnd)
      .add(9, MSG.pluginTransition('PhaseRunning'), task('n0'))
      .add(9, MSG.pluginTransition('PhaseRunning'), task('n1/n42'))
      .add(9, MSG.nodeChange('NotYetStarted', 'Succeeded', 'Success'), node('n2/start-node'))
      .add(9, MSG.nodeChangeNYS('NotYetStarted', 'Queued'), node('n2/n0'))
      .add(9, MSG.handlingDone(ID), rnd)
      .add(9, MSG.noChange(), base)
      .add(12, MSG.enqueueOwner('ns', `${ID}-n0-1`))
      .add(13, handling('Running'), rnd)
      .add(13, MSG.pluginTransition('PhaseSuccess'), task('n0'))
      .add(13, MSG.nodeChange('Running', 'Succeeding', 'Success'), node('n0'))
      .add(13, MSG.cacheRecording('p', 'd', 't', 'v'), node('n0'))
      .add(13, MSG.cacheRecorded('t'), node('n0'))
      .add(13, MSG.handlingDone(ID), rnd)
      .add(13, MSG.noChange(), base);
    const e = only(foldRecordList(b.done()));
    const n0 = e.nodes.find((n) => n.id === 'n0');
    // a catalog lookup, hit or miss, marks a cacheable task
    expect(n0?.kind).toBe('cachedTask');
    expect(n0?.cache).toBe('miss');
    expect(n0?.retries).toBe(1);
    expect(n0?.pods).toHaveLength(2);
    expect(n0?.pods?.[1]).toBe(n0?.pod);
    expect(n0?.pods?.[0]?.startedLo).toBe(2e9);
    expect(n0?.pods?.[0]?.finishedLo).toBe(5e9);
    // The second attempt's pod: created at 7, running at the pod update of 8, exited at 12.
    expect(n0?.pod?.createdLo).toBe(7e9);
    expect(n0?.pod?.startedLo).toBe(8e9);
    expect(n0?.pod?.finishedLo).toBe(12e9);
    // The informer saw the exit at that pod update; the round at 13 is queueing (Flyte's share).
    expect(n0?.pod?.observedLo).toBe(12e9);
    expect(n0?.transitions.map((t) => `${t.from}>${t.to}`)).toEqual([
      'NotYetStarted>Queued',
      'Queued>Running',
      // Not logged: inferred from the PhaseRetryableFailure task event of the first attempt.
      'Running>RetryableFailure',
      'RetryableFailure>Running',
      'Running>Succeeding',
    ]);
    // An ArrayNode subtask (its pod name maps back to n1/n42) makes its parent a map node; a
    // parent whose children have their own start node runs a subworkflow.
    const sub = e.nodes.find((n) => n.id === 'n1/n42');
    expect(sub?.parent).toBe('n1');
    expect(sub?.kind).toBe('subnode');
    expect(sub?.pod?.startedLo).toBe(9e9);
    expect(e.nodes.find((n) => n.id === 'n1')?.kind).toBe('map');
    expect(e.nodes.find((n) => n.id === 'n2')?.kind).toBe('subworkflow');
    expect(e.nodes.find((n) => n.id === 'n2/start-node')?.kind).toBe('start');
    expect(ops(e, 'catalogGet').map((o) => o.outcome)).toEqual(['miss']);
    expect(ops(e, 'catalogPut').map((o) => o.outcome)).toEqual(['ok']);
    expect(ops(e, 'parallelismLimit')).toHaveLength(1);
    expect(e.enqueues.filter((q) => q.source === 'owner').map((q) => q.object)).toEqual([
      `${ID}-n0-0`,
      `${ID}-n0-0`,
      `${ID}-n0-1`,
      `${ID}-n1-0-n42-0`,
      `${ID}-n0-1`,
    ]);
  });
});

describe('log variants', () => {
  const canonical = parseJsonLines(fixture('one-task.jsonl'));
  const full = only(foldRecordList(canonical));

  it('Info level (no Debug lines): same Handle calls and rounds; rounds end at the streak lines', () => {
    const info = canonical.filter((r) => r.level !== 'debug').map((r) => ({ ...r }));
    spread(info, 'stream');
    const e = only(foldRecordList(info));
    expect(e.handles.map((h) => h.rounds.length)).toEqual(full.handles.map((h) => h.rounds.length));
    expect(e.handles.map((h) => h.endReason)).toEqual(full.handles.map((h) => h.endReason));
    const changed = e.handles.flatMap((h) => h.rounds.filter((r) => r.changed));
    expect(changed).toHaveLength(12);
    // Each changed round's write (Debug lines) is inferred: between the traversal's end and the
    // fast-follow line that follows a successful Update.
    expect(ops(e, 'etcdUpdate')).toHaveLength(12);
    for (const r of changed) {
      const w = r.ops.filter((o) => o.kind === 'etcdUpdate');
      expect(w).toHaveLength(1);
      expect(w[0]!.start).toBe(r.traversalEnd);
      expect(w[0]!.end).toBeLessThanOrEqual(r.end);
      expect(w[0]!.outcome).toBe('ok');
    }
    expect(ops(e, 'nodeEvent')).toHaveLength(6);
    // No Debug "node succeeding": n0's last move is inferred in the next round, which the Debug log confirms.
    const n0 = e.nodes.find((n) => n.id === 'n0')!.transitions;
    const fullN0 = full.nodes.find((n) => n.id === 'n0')!.transitions;
    expect(n0.map((t) => t.to)).toEqual(fullN0.map((t) => t.to));
    expect([n0.at(-1)!.handle, n0.at(-1)!.round]).toEqual([fullN0.at(-1)!.handle, fullN0.at(-1)!.round]);
    expect(n0.at(-1)!.atLo).toBeLessThanOrEqual(fullN0.at(-1)!.at);
    expect(n0.at(-1)!.atHi).toBeGreaterThanOrEqual(fullN0.at(-1)!.at);
    // `Workflow completed successfully` (Info) ends the execution.
    expect(e.phase).toBe('Succeeded');
    expect(e.ended!.lo).toBeLessThanOrEqual(full.ended!.at);
    expect(e.ended!.hi).toBeGreaterThanOrEqual(full.ended!.at);
  });

  it('lines without routine fold to the same Handle calls and rounds', () => {
    const bare = canonical.map((r) => ({ ...r, routine: undefined }));
    const e = only(foldRecordList(bare));
    expect(e.handles.map((h) => h.rounds.length)).toEqual(full.handles.map((h) => h.rounds.length));
    expect(e.handles.map((h) => h.endReason)).toEqual(full.handles.map((h) => h.endReason));
    expect(ops(e, 'nodeEvent').every((o) => o.end > o.start)).toBe(true);
    expect(e.handles[0]?.worker).toBe('');
  });

  it('messages without any fields still name their execution where they can', () => {
    const bare = canonical.map((r) => ({ ...r, execId: undefined, routine: undefined, ns: undefined, node: undefined, wf: undefined, resVer: undefined }));
    const r = foldRecordList(bare);
    const e = only(r);
    expect(e.enqueues).toHaveLength(full.enqueues.length);
    expect(e.handles.flatMap((h) => h.rounds)).toHaveLength(18);
    expect(r.lines.used + Object.values(r.lines.skipped).reduce((a, b) => a + b, 0)).toBe(bare.length);
  });

  it('two replicas with the same worker names keep their Handle calls apart', () => {
    const other = canonical.map((r) => ({
      ...r,
      replica: 'propeller-1',
      execId: r.execId === undefined ? undefined : 'other0000000000000000',
      msg: r.msg.split('fd5d4ee88f9dc4436a76').join('other0000000000000000'),
    }));
    const mine = canonical.map((r) => ({ ...r, replica: 'propeller-0' }));
    const merged: LogRecord[] = [];
    for (let i = 0; i < mine.length; i++) merged.push(mine[i] as LogRecord, other[i] as LogRecord);
    const r = foldRecordList(merged);
    expect(r.executions).toHaveLength(2);
    for (const e of r.executions) {
      expect(e.handles.map((h) => h.rounds.length)).toEqual([6, 1, 2, 1, 1, 1, 6, 0]);
      expect(new Set(e.handles.map((h) => `${h.replica}/${h.worker}`)).size).toBe(1);
    }
    expect(without(r.executions[0], ['replica'])).toEqual(without(full, ['replica']));
  });

  it('exact (CRI) stamps give exact instants and durations', () => {
    const exact = canonical.map((r, i) => ({ ...r, nsec: i * 1000, estNsec: i * 1000, resNs: 1 }));
    const e = only(foldRecordList(exact));
    for (const h of e.handles) {
      expect(h.startLo).toBe(h.start);
      expect(h.startHi).toBe(h.start);
      for (const rd of h.rounds) for (const o of rd.ops) expect([o.startLo, o.startHi, o.endLo, o.endHi]).toEqual([o.start, o.start, o.end, o.end]);
    }
    expect(e.handles[0]?.start).toBe(3000);
  });

  it('a worker that moves on without "Completed processing" ends its call; the log may start mid-call', () => {
    const b = new LogBuilder()
      .add(0, MSG.handling(ID, 'x', 'Running'), rnd) // the log begins inside a call
      .add(0, MSG.handlingDone(ID), rnd)
      .add(0, MSG.noChange(), base)
      .add(0, MSG.completedProcessing(), base)
      .add(1, MSG.processing(), base)
      .add(1, MSG.handling(ID, 'x', 'Running'), rnd)
      .add(2, MSG.processing(), { ...base, execId: 'x2' })
      .add(2, MSG.stale('ns', 'x2'), { ...base, execId: 'x2' })
      .add(2, MSG.completedProcessing(), { ...base, execId: 'x2' });
    const r = foldRecordList(b.done());
    const e = r.executions.find((x) => x.id === ID) as Execution;
    expect(e.handles.map((h) => [h.rounds.length, h.endReason])).toEqual([
      [1, 'noChange'],
      [1, 'unknown'],
    ]);
    expect(e.handles[0]?.line).toBe(1);
    expect(e.handles[1]?.endLo).toBe(1e9);
  });
});
