import { describe, expect, it } from 'vitest';
import { foldRecordList, foldRecords, foldRecordsStreaming, LogFolder } from '../../src/ingest/index.js';
import type { LogRecord } from '../../src/ingest/record.js';
import type { Execution } from '../../src/timeline/types.js';
import { MSG } from '../../src/timeline/templates.js';
import { fixture, LogBuilder, parseJsonLines } from './records.js';

const A = 'fd5d4ee88f9dc4436a76';
const canonical = parseJsonLines(fixture('one-task.jsonl'));

/** The canonical execution as execution number k: its own id, `k * gap` seconds later. */
function cloneCanonical(k: number, gap: number): LogRecord[] {
  const id = `e${String(k).padStart(19, '0')}`;
  return canonical.map((r) => ({
    ...r,
    sec: r.sec + k * gap,
    msg: r.msg.split(A).join(id),
    execId: r.execId === undefined ? undefined : id,
  }));
}

function* manySequential(n: number, gap: number): Generator<LogRecord[]> {
  for (let k = 0; k < n; k++) yield cloneCanonical(k, gap);
}

describe('streaming fold', () => {
  it('holds O(1) executions for a long log of sequential executions', async () => {
    const n = 300;
    const seen: Execution[] = [];
    let maxHeldAtEmit = 0;
    const folder = new LogFolder({
      onExecution: (e) => {
        seen.push(e);
        maxHeldAtEmit = Math.max(maxHeldAtEmit, folder.inFlight);
      },
    });
    for (const batch of manySequential(n, 100)) folder.pushAll(batch);
    expect(seen.length).toBe(n - 1); // the last one waits for the end of the input
    folder.finish();
    expect(seen.length).toBe(n);
    expect(folder.peakInFlight).toBeLessThanOrEqual(2);
    expect(maxHeldAtEmit).toBeLessThanOrEqual(2);
    for (const e of seen) {
      expect(e.handles.map((h) => h.rounds.length)).toEqual([6, 1, 2, 1, 1, 1, 6, 0]);
      expect(e.phase).toBe('Succeeded');
    }
    expect(seen.map((e) => e.id)).toEqual([...Array(n).keys()].map((k) => `e${String(k).padStart(19, '0')}`));
  });

  it('hands over the same executions as the collecting fold, with the origin', async () => {
    const got: [Execution, string][] = [];
    const summary = await foldRecordsStreaming(manySequential(5, 100), (e, origin) => got.push([e, origin]));
    const all = await foldRecords(manySequential(5, 100));
    expect(summary.executions).toBe(5);
    expect(summary.peakInFlight).toBeLessThanOrEqual(2);
    expect(got.map(([e]) => e)).toEqual(all.executions);
    expect(new Set(got.map(([, o]) => o))).toEqual(new Set([all.originUnixNano]));
    expect(summary.lines).toEqual(all.lines);
  });

  it('keeps an execution while it is not terminal or a Handle call is open', () => {
    const f = new LogFolder();
    const b = new LogBuilder();
    const base = { execId: 'run1', routine: 'worker-0', ns: 'ns' };
    b.add(0, MSG.processing(), base)
      .add(0, MSG.handling('run1', 'x', 'Running'), base)
      .add(0, MSG.handlingDone('run1'), base)
      .add(0, MSG.noChange(), base)
      .add(0, MSG.completedProcessing(), base)
      .add(500, MSG.processing(), { ...base, execId: 'other' });
    f.pushAll(b.done());
    expect(f.inFlight).toBe(2); // run1 is not terminal: it stays, however long it is quiet
    const g = new LogFolder();
    const c = new LogBuilder();
    c.add(0, MSG.processing(), base)
      .add(0, MSG.handling('run1', 'x', 'Succeeding'), base)
      .add(0, MSG.workflowTransition('Succeeding', 'Succeeded'), base)
      .add(500, MSG.processing(), { ...base, execId: 'other', routine: 'worker-1' });
    g.pushAll(c.done());
    expect(g.inFlight).toBe(2); // terminal, but its Handle call never completed
  });

  it('counts lines of an execution that arrive after it was handed over as late', () => {
    const b = new LogBuilder();
    const base = { execId: 'run1', routine: 'worker-0', ns: 'ns' };
    b.add(0, MSG.processing(), base)
      .add(0, MSG.handling('run1', 'x', 'Succeeding'), base)
      .add(0, MSG.workflowTransition('Succeeding', 'Succeeded'), base)
      .add(0, MSG.completedProcessing(), base)
      .add(61, MSG.enqueueWorkflow('ns/other'))
      .add(62, MSG.enqueueWorkflow('ns/run1'))
      .add(62, MSG.enqueueOwner('ns', 'run1-n0-0'))
      .add(62, MSG.processing(), base)
      // A line the folder does not use counts as late too, not as unrecognized.
      .add(62, MSG.handlingNode('n0'), { ...base, node: 'n0' });
    const r = foldRecordList(b.done());
    expect(r.executions.map((e) => e.id)).toEqual(['run1', 'other']);
    expect(r.lines.skipped.late).toBe(4);
    expect(r.lines.skipped.unrecognized).toBeUndefined();
    expect(r.lines.skipped.untimed).toBeUndefined();
    expect(r.executions[0]?.handles).toHaveLength(1);
    // A shorter grace period hands it over sooner; a longer one keeps the late lines.
    expect(foldRecordList(b.records, { graceNs: 3600e9 }).lines.skipped.late).toBeUndefined();
  });
  it('waits for a consumer that returns a promise before folding the next batch', async () => {
    let pulled = 0;
    async function* batches(): AsyncGenerator<LogRecord[]> {
      for (const b of manySequential(6, 100)) {
        pulled++;
        yield b;
      }
    }
    const release: (() => void)[] = [];
    const pulledAtHandOver: number[] = [];
    const run = foldRecordsStreaming(batches(), () => {
      pulledAtHandOver.push(pulled);
      return new Promise<void>((r) => release.push(r));
    });
    // each hand-over blocks the fold until its write drains
    for (let k = 0; k < 6; k++) {
      await new Promise((r) => setTimeout(r, 5));
      expect(release.length).toBe(k + 1);
      expect(pulled).toBe(Math.min(6, k + 2));
      (release[k] as () => void)();
    }
    const summary = await run;
    expect(summary.executions).toBe(6);
    expect(pulledAtHandOver).toEqual([2, 3, 4, 5, 6, 6]);
  });

  describe('grace period after the end', () => {
    const base = { execId: 'run1', routine: 'worker-0', ns: 'ns' };
    /** run1 succeeds in a Handle call at t=0; `tail` adds what follows. */
    function ended(tail: (b: LogBuilder) => void): LogBuilder {
      const b = new LogBuilder();
      b.add(0, MSG.processing(), base)
        .add(0, MSG.handling('run1', 'x', 'Succeeding'), base)
        .add(0, MSG.workflowTransition('Succeeding', 'Succeeded'), base)
        .add(0, MSG.completedProcessing(), base);
      tail(b);
      return b;
    }
    const terminatedCall = (b: LogBuilder, t: number): LogBuilder =>
      b.add(t, MSG.processing(), base).add(t, MSG.terminated('ns', 'run1'), base).add(t, MSG.completedProcessing(), base);

    it('waits for the Handle call of an enqueue that followed the terminal write', () => {
      // the update of the terminal write requeues the workflow; its no-op Handle call comes 40 s later
      const b = ended((x) => {
        x.add(0, MSG.enqueueWorkflow('ns/run1'));
        for (let t = 5; t < 40; t += 5) x.add(t, MSG.processing(), { ...base, execId: 'other', routine: 'worker-1' });
        terminatedCall(x, 40);
      });
      const r = foldRecordList(b.done());
      expect(r.lines.skipped.late).toBeUndefined();
      const run1 = r.executions.find((e) => e.id === 'run1');
      expect(run1?.handles.map((h) => h.endReason)).toEqual(['unknown', 'terminated']);
      expect(run1?.handles[1]?.enqueuedAt).toBeDefined();
    });

    it('hands a done execution over after 10 s of quiet when nothing of it is queued', () => {
      const b = ended((x) => {
        for (let t = 5; t <= 25; t += 5) x.add(t, MSG.processing(), { ...base, execId: 'other', routine: 'worker-1' });
        terminatedCall(x, 30);
      });
      const f = new LogFolder();
      const records = b.done();
      f.pushAll(records.filter((r) => r.sec < b.records[0]!.sec + 20));
      expect(f.inFlight).toBe(1); // run1 went at t=15 (quiet since t=0), "other" is not terminal
      expect(foldRecordList(records).lines.skipped.late).toBe(3);
      expect(foldRecordList(records, { graceNs: 60e9 }).lines.skipped.late).toBeUndefined();
    });

    it('does not keep a terminated execution alive through periodic resync calls', () => {
      // informer resyncs requeue a finished workflow every 30 s until its CR is deleted
      const b = ended((x) => {
        for (let t = 30; t <= 600; t += 30) {
          x.add(t, MSG.enqueueWorkflow('ns/run1'));
          terminatedCall(x, t);
        }
      });
      const f = new LogFolder();
      f.pushAll(b.done());
      expect(f.inFlight).toBe(0);
      const r = foldRecordList(b.records);
      // handed over before the first resync (30 s later, nothing queued): every resync call is late
      expect(r.executions[0]?.handles.length).toBe(1);
      expect(r.lines.skipped.late).toBe(20 * 4);
      // with the old 60 s grace period it would never have been handed over before the end
      const g = new LogFolder({ graceNs: 60e9 });
      g.pushAll(b.records);
      expect(g.inFlight).toBe(1);
    });
  });
});
