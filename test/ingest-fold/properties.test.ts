import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { foldRecordList } from '../../src/ingest/index.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { MSG, ETCD_ERRORS, executionIdText } from '../../src/timeline/templates.js';
import type { Recording } from '../../src/timeline/types.js';
import { fixture, parseJsonLines, spread } from './records.js';

const A = 'fd5d4ee88f9dc4436a76';
const B = 'b7q2m4k9x1c3v5n8z0ab';

function totalSkipped(r: Recording): number {
  return Object.values(r.lines.skipped).reduce((a, b) => a + b, 0);
}

/** Bounds and order invariants every fold must keep, whatever its input (a fold states every bound). */
function expectWellFormed(r: Recording): void {
  for (const e of r.executions) {
    for (const h of e.handles) {
      expect(h.startLo! <= h.start && h.start <= h.startHi!).toBe(true);
      expect(h.endLo! <= h.end && h.end <= h.endHi!).toBe(true);
      expect(h.start <= h.end).toBe(true);
      for (const rd of h.rounds) {
        expect(rd.startLo! <= rd.start && rd.start <= rd.startHi!).toBe(true);
        expect(rd.endLo! <= rd.end && rd.end <= rd.endHi!).toBe(true);
        expect(rd.start <= rd.end).toBe(true);
        for (const o of rd.ops) {
          expect(o.startLo! <= o.start && o.start <= o.startHi!).toBe(true);
          expect(o.endLo! <= o.end && o.end <= o.endHi!).toBe(true);
          expect(o.start <= o.end).toBe(true);
        }
      }
    }
  }
}

/** Merges `a` and `b` along a plan (true = take from a), keeping each one's order. */
function interleave<T>(a: readonly T[], b: readonly T[], plan: readonly boolean[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  for (const takeA of plan) {
    if ((takeA && i < a.length) || j >= b.length) out.push(a[i++] as T);
    else out.push(b[j++] as T);
  }
  while (i < a.length) out.push(a[i++] as T);
  while (j < b.length) out.push(b[j++] as T);
  return out;
}

describe('interleaving another execution never changes an execution’s fold', () => {
  // Estimates are spread per execution, so each record keeps its instant in any interleaving.
  const all = parseJsonLines(fixture('two-executions.jsonl'), { spreadBy: 'execution', ids: [A, B] });
  const names = (r: LogRecord, id: string) => r.execId === id || (r.execId === undefined && r.msg.includes(id));
  const noise = all.filter((r) => !names(r, A) && !names(r, B));
  const aRecs = all.filter((r) => names(r, A));
  const bRecs = all.filter((r) => names(r, B));
  const base = foldRecordList(all);

  test.prop([fc.array(fc.boolean(), { minLength: aRecs.length + bRecs.length, maxLength: aRecs.length + bRecs.length })], {
    numRuns: 60,
  })('any merge that keeps each execution’s order', (plan) => {
    const r = foldRecordList([...noise, ...interleave(aRecs, bRecs, plan)]);
    expect(r.executions).toEqual(base.executions);
    expect(r.lines).toEqual(base.lines);
  });
});

// ---------------------------------------------------------------------------------------------

const IDS = ['abc', 'abc1', 'xabc', 'ab', 'zz9'];

/** A small but complete log of one execution, `t0` seconds in, on `worker`. */
function miniLog(id: string, worker: string, t0: number): LogRecord[] {
  const base = { execId: id, ns: 'ns', routine: worker };
  const rnd = { ...base, wf: 'p:d:wf', resVer: '7' };
  const lines: [number, string, Partial<LogRecord>][] = [
    [0, MSG.enqueueWorkflow(`ns/${id}`), {}],
    [0, MSG.processing(), base],
    [0, MSG.handling(id, executionIdText('p', 'd', id), 'Ready'), rnd],
    [0, MSG.workflowTransition('Ready', 'Running'), rnd],
    [0, MSG.handlingDone(id), rnd],
    [0, MSG.etcdUpdateStart(), base],
    [0, MSG.etcdUpdated(), base],
    [0, MSG.fastFollow(0), base],
    [0, MSG.handling(id, executionIdText('p', 'd', id), 'Running'), rnd],
    [0, MSG.nodeChange('Queued', 'Running', 'Running'), { ...rnd, node: 'n0' }],
    [0, MSG.pluginTransition('PhaseQueued'), { ...rnd, node: 'n0', tasktype: 'python-task' }],
    [0, MSG.recordingNodeEvent('node_id:"n0"', 'RUNNING'), { ...rnd, node: 'n0' }],
    [0, MSG.handlingDone(id), rnd],
    [0, MSG.etcdUpdateStart(), base],
    [0, MSG.etcdUpdated(), base],
    [0, MSG.fastFollow(1), base],
    [1, MSG.enqueueOwner('ns', `${id}-n0-0`), {}],
    [1, MSG.enqueueSubqueue(`ns/${id}`), {}],
    [1, MSG.handling(id, executionIdText('p', 'd', id), 'Running'), rnd],
    [1, MSG.pluginTransition('PhaseRunning'), { ...rnd, node: 'n0', tasktype: 'python-task' }],
    [1, MSG.handlingDone(id), rnd],
    [1, MSG.noChange(), base],
    [1, MSG.streakEnded(2, 8), base],
    [1, MSG.completedProcessing(), base],
    [1, MSG.synced(`ns/${id}`), base],
  ];
  return lines.map(([dt, msg, f], i) => ({
    file: `${id}.log`,
    line: i + 1,
    sec: 1_700_000_000 + t0 + dt,
    nsec: 0,
    resNs: 1e9,
    estNsec: 0,
    level: 'info',
    msg,
    kind: 'propeller',
    ...f,
  }));
}

describe('--exec keeps exactly that execution', () => {
  test.prop(
    [
      fc.uniqueArray(fc.constantFrom(...IDS), { minLength: 1, maxLength: IDS.length }),
      fc.array(fc.nat(IDS.length - 1), { minLength: 0, maxLength: 200 }),
      fc.nat(100),
    ],
    { numRuns: 50 },
  )('exact match, never a prefix or substring; same fold as without the filter', (ids, order, pick) => {
    const logs = ids.map((id, k) => miniLog(id, `worker-${k}`, k));
    // Interleave the logs in a random order that keeps each log's own order.
    const cursors = logs.map(() => 0);
    const records: LogRecord[] = [];
    for (const k of order) {
      const i = k % logs.length;
      const log = logs[i] as LogRecord[];
      if ((cursors[i] as number) < log.length) records.push(log[(cursors[i] as number)++] as LogRecord);
    }
    logs.forEach((log, i) => records.push(...log.slice(cursors[i])));
    spread(records, 'execution');
    const target = ids[pick % ids.length] as string;
    const all = foldRecordList(records);
    const one = foldRecordList(records, { exec: target });
    expect(one.executions.map((e) => e.id)).toEqual([target]);
    expect(one.executions[0]).toEqual(all.executions.find((e) => e.id === target));
    expect(all.executions.map((e) => e.id).sort()).toEqual([...ids].sort());
    const own = miniLog(target, 'w', 0).length;
    expect(one.lines.used).toBe(own);
    expect(one.lines.skipped.filtered ?? 0).toBe(records.length - own);
  });
});

// ---------------------------------------------------------------------------------------------

const arbId = fc.constantFrom('abc', 'abc1', 'ab', '', 'n0');
const arbTemplate: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(
      (s: string) => MSG.enqueueWorkflow(`ns/${s}`),
      (s: string) => MSG.enqueueOwner('ns', `${s}-n0-0`),
      (s: string) => MSG.enqueueOwner('ns', s),
      (s: string) => MSG.enqueueSubqueue(s),
      () => MSG.processing(),
      (s: string) => MSG.stale('ns', s),
      (s: string) => MSG.terminated('ns', s),
      (s: string) => MSG.handling(s, s, s),
      (s: string) => MSG.handlingDone(s),
      (s: string) => MSG.workflowTransition(s, 'Succeeded'),
      (s: string) => MSG.nodeChange(s, 'Running', s),
      (s: string) => MSG.nodeChangeNYS('Queued', s),
      () => MSG.nodeSucceeding(),
      (s: string) => MSG.recordingNodeEvent(s, s),
      (s: string) => MSG.nodeEventExists(s, s),
      (s: string) => MSG.nodeEventFailed(s),
      (s: string) => MSG.pluginTransition(s),
      (s: string) => MSG.taskEventFailed(s, s),
      () => MSG.cacheMiss(),
      (s: string) => MSG.cacheHit(s, s, s, s),
      (s: string) => MSG.cacheRecording(s, s, s, s),
      (s: string) => MSG.cacheRecorded(s),
      () => MSG.noChange(),
      () => MSG.etcdUpdateStart(),
      () => MSG.etcdUpdated(),
      () => MSG.etcdUpdateFailed(ETCD_ERRORS.etcdTooLarge),
      (s: string) => MSG.tooLarge(s),
      (s: string) => MSG.tooLargeRetry(s),
      () => MSG.noFastFollow(true, false),
      () => MSG.fastFollow(1),
      () => MSG.streakEnded(8, 8),
      (s: string) => MSG.reconcileError(s, s),
      () => MSG.completedProcessing(),
      (s: string) => MSG.synced(`ns/${s}`),
      (s: string) => `error syncing 'ns/${s}': boom`,
      (s: string) => MSG.maxParallelism(s.length, 1),
      (s: string) => MSG.eventRecordingFailed(s),
      (s: string) => MSG.workflowEventExists(s, `name:"${s}"`),
    ),
    fc.oneof(arbId, fc.string({ maxLength: 12 })),
    fc.nat(40),
  )
  .map(([f, s, cut]) => {
    const m = f(s);
    return cut < 30 ? m : m.slice(0, cut); // some truncated
  });

const arbRecord: fc.Arbitrary<LogRecord> = fc.record({
  file: fc.constant('garbage.log'),
  line: fc.nat(),
  sec: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: 1_700_000_000, max: 1_700_000_100 }) },
    { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -1, 0) },
    { weight: 1, arbitrary: fc.double() },
  ),
  nsec: fc.oneof(fc.nat(999_999_999), fc.constantFrom(NaN, -3, 2e9)),
  resNs: fc.constantFrom(1, 1000, 1e6, 1e9, 0, -1, NaN, 5e9),
  estNsec: fc.oneof(fc.nat(999_999_999), fc.constantFrom(NaN, -1, 3e9)),
  level: fc.constantFrom('info', 'debug', 'warning', 'error', ''),
  msg: fc.oneof({ weight: 3, arbitrary: arbTemplate }, { weight: 1, arbitrary: fc.string({ maxLength: 60 }) }),
  execId: fc.option(arbId, { nil: undefined }),
  ns: fc.option(fc.constantFrom('ns', ''), { nil: undefined }),
  routine: fc.option(fc.constantFrom('worker-1', 'worker-2', ''), { nil: undefined }),
  node: fc.option(fc.constantFrom('n0', 'start-node', 'end-node', 'n0/n1', ''), { nil: undefined }),
  wf: fc.option(fc.constant('p:d:wf'), { nil: undefined }),
  resVer: fc.option(fc.constantFrom('1', '2'), { nil: undefined }),
  tasktype: fc.option(fc.constant('python-task'), { nil: undefined }),
  replica: fc.option(fc.constantFrom('propeller-0', 'propeller-1'), { nil: undefined }),
  kind: fc.constantFrom('propeller', 'klog'),
}) as fc.Arbitrary<LogRecord>;

describe('arbitrary and garbage records', () => {
  test.prop([fc.array(arbRecord, { maxLength: 300 })], { numRuns: 200 })('never throw and are all counted', (records) => {
    const r = foldRecordList(records);
    expect(r.lines.read).toBe(records.length);
    expect(r.lines.used + totalSkipped(r)).toBe(records.length);
    expectWellFormed(r);
  });

  test.prop([fc.array(arbRecord, { maxLength: 200 })], { numRuns: 60 })('the reader’s stats are added into, not replaced', (records) => {
    const stats = { read: 1000, used: 0, skipped: { notJson: 7 } as Record<string, number> };
    const r = foldRecordList(records, { stats });
    expect(r.lines).toBe(stats);
    expect(stats.read).toBe(1000);
    expect(stats.skipped.notJson).toBe(7);
    expect(stats.used + totalSkipped(r) - 7).toBe(records.length);
  });
});

// ---------------------------------------------------------------------------------------------

describe('lines out of order within their second', () => {
  const records = parseJsonLines(fixture('one-task.jsonl'));
  const base = foldRecordList(records);
  const roundsOf = (r: Recording) => r.executions.map((e) => e.handles.reduce((n, h) => n + h.rounds.length, 0));

  /** Applies swaps of neighbours stamped with the same second, then re-spreads the estimates. */
  function swapped(swaps: readonly number[]): LogRecord[] {
    const out = records.map((r) => ({ ...r }));
    const used = new Set<number>();
    for (const s of swaps) {
      const i = s % (out.length - 1);
      if (used.has(i) || used.has(i + 1)) continue;
      const a = out[i] as LogRecord;
      const b = out[i + 1] as LogRecord;
      if (a.sec !== b.sec) continue;
      out[i] = b;
      out[i + 1] = a;
      used.add(i);
      used.add(i + 1);
    }
    spread(out, 'stream');
    return out;
  }

  test.prop([fc.array(fc.nat(), { maxLength: 80 })], { numRuns: 150 })('swapped neighbours keep the Handle calls and rounds', (swaps) => {
    const r = foldRecordList(swapped(swaps));
    expect(r.executions.map((e) => e.id)).toEqual([A]);
    expect(roundsOf(r)).toEqual(roundsOf(base));
    expect(r.executions[0]?.handles.length).toBe(base.executions[0]?.handles.length);
    expect(r.executions[0]?.phase).toBe('Succeeded');
    expect(r.lines).toEqual(base.lines);
    expectWellFormed(r);
  });

  test.prop([fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: records.length, maxLength: records.length })], {
    numRuns: 60,
  })('any order within each second never throws and loses no line', (keys) => {
    const out = records
      .map((r, i) => ({ r: { ...r }, k: r.sec + (keys[i] as number) * 0.999 }))
      .sort((x, y) => x.k - y.k)
      .map((x) => x.r);
    spread(out, 'stream');
    const r = foldRecordList(out);
    expect(r.executions.map((e) => e.id)).toEqual([A]);
    expect(r.lines.used + totalSkipped(r)).toBe(records.length);
    expect(r.lines.used).toBe(base.lines.used);
    expectWellFormed(r);
  });
});
