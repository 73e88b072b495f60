import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { clockText, renderFoldText, writeFoldText } from '../../src/export/fold-text.js';
import type { Execution, HandleCall, Op, Recording, Round } from '../../src/timeline/types.js';
import { oneTaskRecording } from '../metrics/fixtures.js';
import { coarsen } from '../metrics/gen.js';

const S = 1_000_000_000;
const MS = 1_000_000;

/** Duration cells that would claim a zero length the input cannot support. */
const FAKE_ZERO = /(^|\s)(0\.0s|0\.0 s|~0 s)(\s|$)/m;

describe('fold text of the hand-built 1-task workflow', () => {
  const text = renderFoldText(oneTaskRecording());
  const lines = text.split('\n');

  it('has the fold-logs layout: header, numbered Workflow / Processing / StreakRound / operations', () => {
    expect(lines[0]).toBe('Execution fd5d4ee88f9dc4436a76 (flytesnacks-development · wf flytesnacks:development:core.hello)');
    expect(lines[1]).toMatch(/^Timestamp\s+Line\s+Duration\s+Hierarchical Log Layout$/);
    expect(lines[2]).toMatch(/^-{60,}$/);
    expect(text).toMatch(/^09:28:01\.000\s+9\s+20\.0 s\s+1 Workflow Succeeded$/m);
    expect(text).toMatch(/^09:28:01\.100\s+10\s+1\.40 s\s+ {4}1\.1 Processing \(worker-0\) · 3 rounds · streak end: noChange$/m);
    expect(text).toMatch(/^09:28:01\.100\s+11\s+300 ms\s+ {8}1\.1\.1 StreakRound\(Ready\)$/m);
    expect(text).toMatch(/^09:28:01\.200\s+ {12}1\.1\.1\.1 UpdateWorkflowPhase\(Ready,Running\)$/m);
    expect(text).toMatch(/^09:28:02\.000\s+ {12}1\.1\.2\.1 UpdateNodePhase\(start-node,NotYetStarted,Succeeded\)$/m);
    expect(text).toMatch(/^09:28:04\.000\s+ {12}1\.2\.2\.1 UpdateNodePhase\(n0,Queued,Running\)$/m);
    expect(text).toMatch(/^09:28:04\.000\s+40\.0 ms\s+ {12}1\.2\.2\.2 TaskEvent\(n0,PhaseRunning\)$/m);
    expect(text).toMatch(/^09:28:03\.100\s+50\.0 ms\s+ {12}1\.2\.1\.3 EtcdUpdate\(9\.96 KiB\)$/m);
    expect(text).toMatch(/1\.1\.3 StreakRound\(Running\) · no change$/m);
    expect(text).toMatch(/1\.4 Processing \(worker-0\) · 2 rounds · streak end: terminal$/m);
    expect(text).toMatch(/1\.4\.2 StreakRound\(Succeeding\)$/m);
  });

  it('shows the queue wait before each Handle call, with its enqueue source', () => {
    expect(text).toMatch(/^09:28:15\.600\s+45\s+200 ms\s+ {4}· queue wait \(owner fd5d4ee88f9dc4436a76-n0-0 enqueue → Processing\)$/m);
    expect(lines.filter((l) => l.includes('· queue wait'))).toHaveLength(4);
    expect(text).toContain('4 Handle calls, 13 rounds, 4 queue waits totalling 1.10 s');
  });

  it('never prints a fake zero duration, exact or from whole-second stamps', () => {
    expect(text).not.toMatch(FAKE_ZERO);
    const coarse = renderFoldText(coarsen(oneTaskRecording(), 'midpoint'));
    expect(coarse).not.toMatch(FAKE_ZERO);
    // Whole-second instants print without invented milliseconds; durations carry their bounds.
    expect(coarse).toMatch(/^09:28:01\s+11\s+\[0 … 1\.00 s\]\s+1\.1\.1 StreakRound\(Ready\)$/m);
    expect(coarse).toMatch(/^09:28:01\s+9\s+~20\.0 s \[19\.0 s … 21\.0 s\]\s+1 Workflow Succeeded$/m);
    expect(coarse).toMatch(/^09:28:04\s+\[0 … 1\.00 s\]\s+1\.2\.2\.2 TaskEvent\(n0,PhaseRunning\)$/m);
  });

  it('selects one execution by exact id and says when there is none', () => {
    expect(renderFoldText(oneTaskRecording(), { exec: 'fd5d4ee88f9dc4436a76' })).toBe(text);
    expect(renderFoldText(oneTaskRecording(), { exec: 'fd5d4ee88f9dc4436a7' })).toBe('no execution with id fd5d4ee88f9dc4436a7\n');
  });

  it('places transitions known only by (handle, round) inside their round', () => {
    const rec = oneTaskRecording();
    for (const h of rec.executions[0]!.handles) for (const r of h.rounds) r.ops = r.ops.filter((o) => o.kind !== 'nodeTransition' && o.kind !== 'workflowTransition');
    const t = renderFoldText(rec);
    expect(t).toMatch(/^09:28:04\.000\s+ {12}1\.2\.2\.1 UpdateNodePhase\(n0,Queued,Running\)$/m);
    expect(t).toMatch(/1\.1\.1\.1 UpdateWorkflowPhase\(Ready,Running\)$/m);
  });
});

describe('timestamps', () => {
  it('print the digits the resolution supports, in UTC', () => {
    const origin = Number(1714728481000000000n % 86_400_000_000_000n);
    expect(clockText(origin, 123_456_789, 123_456_789, 123_456_789)).toBe('09:28:01.123');
    expect(clockText(origin, 1_500_000_000, S, 2 * S)).toBe('09:28:02');
    expect(clockText(origin, 10 * MS, 0, 10 * MS)).toBe('09:28:01.01');
    expect(clockText(origin, 86_400 * S - 1, 86_400 * S - 1, 86_400 * S - 1)).toBe('09:28:00.999');
  });
});

function bigExecution(rounds: number, opsPerRound: number): Execution {
  const handles: HandleCall[] = [];
  let t = 0;
  for (let i = 0; i < rounds; i += 8) {
    const rs: Round[] = [];
    const start = t;
    for (let k = 0; k < 8 && i + k < rounds; k++) {
      const ops: Op[] = [];
      for (let j = 0; j < opsPerRound; j++) ops.push({ kind: 'nodeEvent', node: `n${i}`, to: 'RUNNING', start: t, end: t + MS, startLo: t, startHi: t, endLo: t + MS, endHi: t + MS });
      rs.push({ start: t, end: t + 5 * MS, startLo: t, startHi: t, endLo: t + 5 * MS, endHi: t + 5 * MS, phase: 'Running', changed: true, ops });
      t += 5 * MS;
    }
    handles.push({ worker: 'worker-1', start, end: t, startLo: start, startHi: start, endLo: t, endHi: t, enqueuedAt: start - MS, rounds: rs, endReason: 'cap' });
    t += 10 * MS;
  }
  return { id: 'big', namespace: 'ns', phase: 'Running', handles, nodes: [], enqueues: [], workflowTransitions: [] };
}

describe('size', () => {
  const rec = (rounds: number): Recording => ({ originUnixNano: '0', source: 'sim', executions: [bigExecution(rounds, 3)], lines: { read: 0, used: 0, skipped: {} } });
  const count = (r: Recording) => renderFoldText(r).split('\n').length;

  it('line count is linear in rounds: header + 2 per Handle call + (1 + ops) per round + footer', () => {
    // 1000 rounds in 125 Handle calls of 8 rounds, 3 ops each.
    const n = count(rec(1000));
    expect(n).toBe(4 + 125 * 2 + 1000 * 4 + 1 + 2);
    expect(count(rec(2000)) - 7).toBe(2 * (n - 7));
  });

  it('writes one chunk per execution through the streaming writer', () => {
    const chunks: string[] = [];
    const two: Recording = { ...rec(16), executions: [bigExecution(16, 1), { ...bigExecution(8, 1), id: 'b2' }] };
    writeFoldText(two, (c) => chunks.push(c));
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatch(/^Execution big/);
    expect(chunks[1]).toMatch(/^Execution b2/);
    expect(chunks[1]).toMatch(/ 2 Workflow Running \(no terminal phase seen\)$/m);
    expect(chunks[1]).toMatch(/ {4}2\.1 Processing \(worker-1\) · 8 rounds · streak end: cap$/m);
  });
});

describe('execution numbers', () => {
  it('`fold` numbers executions in the order it writes them, from 1, like `export --format fold-text`', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsim-foldnum-'));
    try {
      const log = new URL('../fixtures/canonical/two-executions.jsonl', import.meta.url).pathname;
      const texts: string[] = [];
      for (const args of [['fold', log, '-o', join(dir, 'fold.txt')], ['export', log, '--format', 'fold-text', '-o', join(dir, 'export.txt')]]) {
        expect(await main(args)).toBe(0);
        texts.push(readFileSync(args[args.length - 1]!, 'utf8'));
      }
      for (const t of texts) {
        const firsts = [...t.matchAll(/ (\d+)\.1 Processing/g)].map((m) => Number(m[1]));
        expect(firsts).toEqual([1, 2]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
