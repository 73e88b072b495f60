import { describe, expect, it } from 'vitest';
import { newRecord } from '../../src/ingest/fields.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { watchTimeJumps } from '../../src/ingest/time-jumps.js';

function rec(file: string, line: number, sec: number): LogRecord {
  const r = newRecord(file, line);
  r.sec = sec;
  return r;
}

async function jumps(batches: LogRecord[][]): Promise<{ seen: LogRecord[]; jumps: [string, number, number][] }> {
  const found: [string, number, number][] = [];
  const seen: LogRecord[] = [];
  for await (const b of watchTimeJumps((async function* () { yield* batches; })(), (f, l, s) => found.push([f, l, s]))) seen.push(...b);
  return { seen, jumps: found };
}

describe('watchTimeJumps', () => {
  it('names the first line where an input goes back more than a minute, once, and passes everything through', async () => {
    const a = [rec('a', 1, 1000), rec('a', 2, 1001), rec('a', 3, 1400)];
    const b = [rec('a', 4, 1399), rec('a', 5, 1002), rec('a', 6, 900)];
    const r = await jumps([a, b]);
    expect(r.seen).toHaveLength(6);
    expect(r.jumps).toEqual([['a', 5, 398]]);
  });

  it('a new input may start earlier (files are checked apart); small shuffles are fine', async () => {
    const r = await jumps([[rec('a', 1, 1000), rec('a', 2, 1500), rec('a', 3, 1450), rec('b', 1, 100), rec('b', 2, 101)]]);
    expect(r.jumps).toEqual([]);
  });
});

describe('what propsim says of a jump', () => {
  it('counts the lines it cost, or says it cost none', async () => {
    const { jumpNote } = await import('../../src/cli/inputs.js');
    expect(jumpNote({ file: 'p.log', line: 7, back: 300 }, 1234)).toBe(
      'p.log:7: log time goes back 300 s: parts of the log seem concatenated out of order, and 1,234 lines of executions already folded came after them (counted as late); give the parts as separate files, which are read in time order',
    );
    expect(jumpNote({ file: 'p.log', line: 7, back: 300 }, 0)).toBe(
      "p.log:7: log time goes back 300 s (parts of a log, or several propellers' logs, one after another); no line came too late for its execution",
    );
  });

  it('two propellers’ logs one after another cost nothing; one log’s halves swapped cost lines, and it says how many', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { simulateWith, smallMixedLoad, portfolio } = await import('../roundtrip/shape.js');
    const { logLines } = await import('../../src/export/logs.js');
    const { defaultModel } = await import('../../src/model/defaults.js');
    const { runCli } = await import('../support/run-cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'jumps-'));
    try {
      const busy = [...logLines(simulateWith(smallMixedLoad(), defaultModel()))];
      const early = [...logLines(simulateWith(portfolio('hello'), defaultModel()))];
      const shards = join(dir, 'shards.log');
      writeFileSync(shards, [...busy, ...early].join('\n') + '\n');
      const a = await runCli(['fold', shards]);
      expect(a.code).toBe(0);
      expect(a.err).toMatch(/log time goes back \d+ s \(parts of a log, or several propellers' logs, one after another\); no line came too late/);
      const half = Math.floor(busy.length / 2);
      const swapped = join(dir, 'swapped.log');
      writeFileSync(swapped, [...busy.slice(half), ...busy.slice(0, half)].join('\n') + '\n');
      const b = await runCli(['fold', swapped]);
      const late = Number(/late ([\d,]+)/.exec(b.err)![1]!.replace(/,/g, ''));
      expect(late).toBeGreaterThan(0);
      expect(b.err).toContain(`and ${late.toLocaleString('en-US')} lines of executions already folded came after them (counted as late)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
