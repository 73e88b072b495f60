import { describe, expect, it } from 'vitest';
import { foldRecordList, foldRecords } from '../../src/ingest/index.js';
import { readLogRecords, releaseBatch } from '../../src/ingest/lines.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { FIXTURES } from './util.js';

const LOGS = ['canonical.jsonl', 'canonical.cri.log', 'canonical.stern.log', 'canonical.gcp.jsonl'].map((f) => FIXTURES + f);

/** A generated log long enough for several batches: many executions, interleaved workers. */
function bigLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 4000; i++) {
    const id = `ex${i % 37}`;
    const ts = `2024-05-17T22:${String(10 + Math.floor(i / 600)).padStart(2, '0')}:${String(Math.floor(i / 10) % 60).padStart(2, '0')}Z`;
    const msg = i % 3 === 0 ? 'Processing Workflow.' : i % 3 === 1 ? `Handling Workflow [${id}], id: [name:\\"${id}\\"], p [Running]` : 'Completed processing workflow.';
    lines.push(`{"json":{"exec_id":"${id}","ns":"n","routine":"worker-${i % 5}"},"level":"info","msg":"${msg}","ts":"${ts}"}`);
  }
  return lines.join('\n') + '\n';
}

describe('records handed back to the reader', () => {
  it('a consumer that keeps its records never sees one reused', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'propsim-recycle-')), 'big.jsonl');
    writeFileSync(file, bigLog());
    const kept: LogRecord[] = [];
    for await (const b of readLogRecords([file])) kept.push(...b);
    expect(new Set(kept).size).toBe(kept.length);
    expect(kept.length).toBe(4000);
    // the folder hands its batches back: the same Recording as a fold of the kept records
    const streamed = await foldRecords(readLogRecords([file]));
    expect(streamed).toEqual(foldRecordList(kept));
  });

  it('released records come back as fresh ones with the right fields', async () => {
    for (const f of LOGS) {
      const kept: LogRecord[] = [];
      for await (const b of readLogRecords([f])) kept.push(...b.map((r) => ({ ...r })));
      const again: LogRecord[] = [];
      for await (const b of readLogRecords([f])) {
        again.push(...b.map((r) => ({ ...r })));
        releaseBatch(b);
      }
      expect(again).toEqual(kept);
    }
  });
});
