import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLines, writeLogs } from '../../src/export/logs.js';
import { MSG, ETCD_ERRORS } from '../../src/timeline/templates.js';
import type { Execution, Op, Recording } from '../../src/timeline/types.js';
import { ExecBuilder, ORIGIN, conflictExecution, oneTaskExecution, randomRecording, sampleRecording } from '../otlp/fixtures.js';

const MS = 1_000_000;

interface Msg {
  exec?: string;
  worker?: string;
  node?: string;
  level: string;
  msg: string;
}

function msgs(rec: Recording): Msg[] {
  return [...logLines(rec, { showSource: false })].map((l) => {
    const k = /^E\d{4} [\d:.]+ +1 workers\.go:103\] (.*)$/.exec(l);
    if (k) return { level: 'klog', msg: k[1]! };
    const o = JSON.parse(l) as { json: Record<string, string>; level: string; msg: string };
    const m: Msg = { level: o.level, msg: o.msg };
    if (o.json.exec_id !== undefined) m.exec = o.json.exec_id;
    if (o.json.routine !== undefined) m.worker = o.json.routine;
    if (o.json.node !== undefined) m.node = o.json.node;
    return m;
  });
}

const rec1 = (...exs: Execution[]): Recording => ({ originUnixNano: ORIGIN, source: 'sim', executions: exs, lines: { read: 0, used: 0, skipped: {} } });

/** Messages of one Handle call: from its `Processing Workflow.` to its last line. */
function handleMsgs(all: Msg[], exec: string, index: number): string[] {
  const own = all.filter((m) => m.exec === exec || (m.level === 'klog' && m.msg.includes(`/${exec}'`)));
  const starts = own.map((m, i) => (m.msg === 'Processing Workflow.' ? i : -1)).filter((i) => i >= 0);
  return own.slice(starts[index], starts[index + 1]).map((m) => m.msg);
}

describe('what the emitter writes for the canonical executions', () => {
  const all = msgs(sampleRecording());

  it('writes a whole streak: rounds, transitions, events, writes, fast-follow and the streak end', () => {
    const h0 = handleMsgs(all, 'f016a3be7fa304db5a77', 0);
    expect(h0.filter((m) => m.startsWith('Handling Workflow [f016a3be7fa304db5a77], id:'))).toHaveLength(5);
    expect(h0.filter((m) => m === MSG.etcdUpdated())).toHaveLength(4);
    expect(h0.filter((m) => m.startsWith('FastFollow Enabled'))).toEqual([0, 1, 2, 3].map((k) => MSG.fastFollow(k)));
    expect(h0.slice(-4)).toEqual([MSG.noChange(), MSG.streakEnded(4, 8), MSG.completedProcessing(), MSG.synced('flytesnacks-development/f016a3be7fa304db5a77')]);
    expect(h0).toContain(MSG.workflowTransition('Ready', 'Running'));
    expect(h0).toContain(MSG.nodeChangeNYS('NotYetStarted', 'Queued'));
    // the start node skips pre-execute, so propeller logs its change with the handler phase
    expect(h0).toContain(MSG.nodeChange('NotYetStarted', 'Succeeded', 'Success'));
    expect(h0).toContain(MSG.nodeChange('Queued', 'Running', 'Running'));
    expect(h0).toContain(MSG.cacheMiss());
    expect(h0).toContain(MSG.pluginTransition('PhaseQueued'));
    const ready = h0.indexOf(MSG.workflowTransition('Ready', 'Running'));
    expect(h0[ready - 1]).toMatch(/^Setting the MetadataDir for StartNode \[s3:\/\/.*\/flytesnacks-development-f016a3be7fa304db5a77\/start-node\/data\]$/);
    // order inside the node-queued round: change, event (the sink takes it), queued, completed node, done, write
    const q = h0.indexOf(MSG.nodeChangeNYS('NotYetStarted', 'Queued'));
    const id = 'node_id:"n0" execution_id:{project:"flytesnacks" domain:"development" name:"f016a3be7fa304db5a77"}';
    expect(h0.slice(q, q + 8)).toEqual([
      MSG.nodeChangeNYS('NotYetStarted', 'Queued'),
      MSG.recordingNodeEvent(id, 'QUEUED'),
      MSG.eventSink(`id:{${id}} producer_id:"propeller" phase:QUEUED`),
      MSG.nodeQueued(1),
      MSG.completedNode('n0'),
      MSG.handlingDone('f016a3be7fa304db5a77'),
      MSG.etcdUpdateStart(),
      MSG.etcdUpdated(),
    ]);
  });

  it('writes a stale Handle call as a warning with no rounds', () => {
    expect(handleMsgs(all, 'f016a3be7fa304db5a77', 1)).toEqual([
      MSG.processing(),
      MSG.stale('flytesnacks-development', 'f016a3be7fa304db5a77'),
      MSG.completedProcessing(),
      MSG.synced('flytesnacks-development/f016a3be7fa304db5a77'),
    ]);
  });

  it('writes already-exist answers, the succeeding round and the terminal streak end', () => {
    const h2 = handleMsgs(all, 'f016a3be7fa304db5a77', 2);
    expect(h2).toContain(MSG.taskEventFailed('AlreadyExists', 'RUNNING'));
    const h3 = handleMsgs(all, 'f016a3be7fa304db5a77', 3);
    expect(h3).toContain(MSG.nodeSucceeding());
    expect(h3).toContain(MSG.nodeChange('Running', 'Succeeding', 'Success'));
    expect(h3).toContain(MSG.nodeChange('Queued', 'Succeeded', 'Success'));
    expect(h3).toContain(MSG.cacheRecording('flytesnacks', 'development', 'core.flyte_basics.hello.wf.n0', 'v1'));
    expect(h3.indexOf(MSG.workflowCompleted())).toBe(h3.indexOf(MSG.workflowTransition('Succeeding', 'Succeeded')) - 1);
    expect(h3.slice(-5)).toEqual([
      MSG.etcdUpdated(),
      MSG.noFastFollow(true, false),
      MSG.streakEnded(5, 8),
      MSG.completedProcessing(),
      MSG.synced('flytesnacks-development/f016a3be7fa304db5a77'),
    ]);
  });

  it("keys the sink filter's `already been sent` as IDFromMessage does: no retry group at the top level, the pod's attempt", () => {
    expect(all.map((m) => m.msg)).toContain("event 'flytesnacks:development:a4f8dxddvnfrfs6jr9nx:start-node::3' has already been sent");
    const rec = sampleRecording();
    const ex = rec.executions.find((e) => e.id === 'f016a3be7fa304db5a77')!;
    const create = ex.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops)).find((o) => o.kind === 'podCreate')!;
    create.detail = 'f016a3be7fa304db5a77-n0-1';
    const sent = msgs(rec).filter((m) => m.exec === ex.id && m.msg.endsWith('has already been sent'));
    expect(sent.map((m) => m.msg)).toContain("event 'flytesnacks:development:f016a3be7fa304db5a77:n0:core.flyte_basics.hello.wf.n0:v1:1:2:0' has already been sent");
  });

  it('logs enqueues without context fields, an owner update with its sub-queue add', () => {
    const key = 'flytesnacks-development/f016a3be7fa304db5a77';
    const enq = all.filter((m) => m.exec === undefined && m.level !== 'klog' && (m.msg.includes(`${key}]`) || m.msg.includes(`'${key}'`) || m.msg.includes('-n0-0]')));
    expect(enq.map((m) => m.msg)).toEqual([
      MSG.enqueueWorkflow(key),
      MSG.enqueueWorkflow(key),
      MSG.enqueueOwner('flytesnacks-development', 'f016a3be7fa304db5a77-n0-0'),
      MSG.enqueueSubqueue(key),
      MSG.enqueueOwner('flytesnacks-development', 'f016a3be7fa304db5a77-n0-0'),
      MSG.enqueueSubqueue(key),
    ]);
    expect(enq.map((m) => m.level)).toEqual(['info', 'info', 'debug', 'debug', 'debug', 'debug']);
    const other = all.filter((m) => m.exec === undefined && m.msg.includes('a4f8dxddvnfrfs6jr9nx]'));
    expect(other.map((m) => m.msg)).toEqual([MSG.enqueueWorkflow('flytesnacks-development/a4f8dxddvnfrfs6jr9nx'), MSG.enqueueWorkflow('flytesnacks-development/a4f8dxddvnfrfs6jr9nx')]);
  });

  it('ends a failed streak with the update error, no streak end, and a klog error syncing line', () => {
    const id = 'a4f8dxddvnfrfs6jr9nx';
    const h0 = handleMsgs(all, id, 0);
    expect(h0.slice(-4)).toEqual([
      MSG.etcdUpdateStart(),
      MSG.etcdUpdateFailed(ETCD_ERRORS.conflict(id)),
      MSG.completedProcessing(),
      MSG.errorSyncing(`flytesnacks-development/${id}`, ETCD_ERRORS.conflict(id)),
    ]);
    expect(h0.some((m) => m.startsWith('Streak ended'))).toBe(false);
    const h1 = handleMsgs(all, id, 1);
    expect(h1).toContain(MSG.nodeEventExists('SUCCEEDED', 'start-node'));
    expect(h1).toContain(MSG.cacheHit('flytesnacks', 'development', 'workflow.n0', 'v1'));
    const hit = h1.indexOf(MSG.cacheHit('flytesnacks', 'development', 'workflow.n0', 'v1'));
    expect(h1.slice(hit + 1, hit + 3)).toEqual([MSG.finalizeNotRequired('Succeeded'), MSG.nodeChangeNYS('NotYetStarted', 'Succeeded')]);
    // stopped by the cap: the last round fast-follows, so the streak count equals the rounds
    expect(h1.slice(-4)).toEqual([MSG.fastFollow(1), MSG.streakEnded(2, 8), MSG.completedProcessing(), MSG.synced(`flytesnacks-development/${id}`)]);
  });

  it('prints the configured max streak length', () => {
    const out = [...logLines(sampleRecording(), { maxStreak: 16, showSource: false })].filter((l) => l.includes('Streak ended'));
    expect(out.every((l) => l.includes('/Max: [16]'))).toBe(true);
  });
});

describe('failure paths', () => {
  it('writes a failed event round as the warning, the reconcile error and the system-error write', () => {
    const b = new ExecBuilder('e1', 0, [{ id: 'start-node', kind: 'start' }, { id: 'n0', kind: 'task' }]);
    b.enqueue('workflow').beginHandle('worker-0');
    b.beginRound().nodeTransition('n0', 'NotYetStarted', 'Queued').add('nodeEvent', 5 * MS, { node: 'n0', to: 'QUEUED', outcome: 'throttled', detail: 'Admin EventSink throttling admin traffic' });
    b.endRound(true, { error: 'EventRecordingFailed: failed to record node event' });
    b.endHandle('error');
    const h = handleMsgs(msgs(rec1(b.finish())), 'e1', 0);
    const i = h.indexOf(MSG.nodeEventFailed('Admin EventSink throttling admin traffic'));
    expect(i).toBeGreaterThan(0);
    expect(h.slice(i + 1)).toEqual([
      MSG.completedNode('n0'),
      MSG.handlingDone('e1'),
      MSG.reconcileError('EventRecordingFailed: failed to record node event', '*errors.NodeErrorWithCause'),
      MSG.etcdUpdateStart(),
      MSG.etcdUpdated(),
      MSG.completedProcessing(),
      MSG.errorSyncing('flytesnacks-development/e1', 'EventRecordingFailed: failed to record node event'),
    ]);
  });

  it('writes a too-large write as propeller handles it: failing copy stored, streak ends normally', () => {
    const b = new ExecBuilder('big', 0, [{ id: 'n0', kind: 'task' }]);
    b.enqueue('workflow').beginHandle('worker-0');
    b.beginRound().nodeTransition('n0', 'NotYetStarted', 'Queued').endRound(true, { outcome: 'tooLarge', detail: ETCD_ERRORS.etcdTooLarge });
    const r = b.ex.handles[0]!.rounds[0]!;
    const w: Op = { ...r.ops.at(-1)!, outcome: 'ok', start: r.end, end: r.end + 5 * MS, startLo: r.end, startHi: r.end, endLo: r.end + 5 * MS, endHi: r.end + 5 * MS };
    delete w.detail;
    r.ops.push(w);
    r.end = r.endLo = r.endHi = w.end;
    b.advance(6 * MS).endHandle('error');
    const h = handleMsgs(msgs(rec1(b.finish())), 'big', 0);
    expect(h.slice(-7)).toEqual([
      MSG.etcdUpdateStart(),
      MSG.tooLarge('workflow too large'),
      MSG.etcdUpdateStart(),
      MSG.etcdUpdated(),
      MSG.streakEnded(0, 8),
      MSG.completedProcessing(),
      MSG.synced('flytesnacks-development/big'),
    ]);
  });

  it('logs transitions the node records hold even when the round has no op for them', () => {
    const ex = oneTaskExecution();
    const r = ex.handles[0]!.rounds[2]!;
    r.ops = r.ops.filter((o) => o.kind !== 'nodeTransition');
    const h = handleMsgs(msgs(rec1(ex)), ex.id, 0);
    expect(h).toContain(MSG.nodeChangeNYS('NotYetStarted', 'Queued'));
    const t = h.indexOf(MSG.nodeChangeNYS('NotYetStarted', 'Queued'));
    expect(h[t + 1]).toMatch(/^Recording NodeEvent \[node_id:"n0" .*\] phase\[QUEUED\]$/);
  });
});

describe('ordering and streaming', () => {
  it('interleaves executions and workers in one time order, keeping each execution in its own order', () => {
    const rec = randomRecording(21, 5);
    const all = [...logLines(rec, { cri: true, showSource: false })];
    const stamps = all.map((l) => l.slice(0, 30));
    expect([...stamps].sort()).toEqual(stamps);
    for (const ex of rec.executions) {
      const alone = [...logLines({ ...rec, executions: [ex] }, { cri: true, showSource: false })];
      // Owner-update lines name the pod, not the execution: compare the lines that name it.
      const names = (l: string): boolean => l.includes(`"exec_id":"${ex.id}"`) || l.includes(`/${ex.id}]`) || l.includes(`/${ex.id}'`);
      expect(all.filter(names)).toEqual(alone.filter(names));
      expect(alone.filter(names).length).toBeGreaterThan(alone.length / 2);
    }
  });

  it('writes a file through a temporary file and a rename, identical to the lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-'));
    const path = join(dir, 'propeller.log');
    const rec = randomRecording(3, 3);
    const stats = await writeLogs(rec, path, { format: 'gcp' });
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(`${[...logLines(rec, { format: 'gcp' })].join('\n')}\n`);
    expect(stats.lines).toBe(text.split('\n').length - 1);
    expect(stats.bytes).toBe(Buffer.byteLength(text));
    expect(readdirSync(dir)).toEqual(['propeller.log']);
  });

  it('writes nothing for an empty recording', () => {
    expect([...logLines(rec1())]).toEqual([]);
    expect([...logLines(rec1(conflictExecution()), { level: 0 })]).toEqual([]);
  });
});
