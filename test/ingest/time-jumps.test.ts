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
