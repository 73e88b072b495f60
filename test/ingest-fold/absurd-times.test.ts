/**
 * A line whose time no propeller log can have (year 0000 or 9999, seconds since the epoch as a bare
 * small number) is a bad stamp, counted as such: folded, it would open a phantom Handle call far
 * from the execution's others.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { foldRecords } from '../../src/ingest/index.js';
import { newLineStats, readLogRecords } from '../../src/ingest/lines.js';
import { tempDir } from '../roundtrip/shape.js';

const HELLO = new URL('../../recordings/hello-world.jsonl', import.meta.url).pathname;
const dir = tempDir('absurd-times');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fold(lines: string[]) {
  const file = join(dir, `log-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  const stats = newLineStats();
  return foldRecords(readLogRecords([file], { stats }), { stats });
}

describe('times no log can have', () => {
  const lines = readFileSync(HELLO, 'utf8').split('\n').filter((l) => l !== '');
  const i = lines.findIndex((l) => l.includes('"Processing Workflow."'));

  it('are counted as bad stamps and change nothing else', async () => {
    const truth = await fold(lines);
    const handles = truth.executions[0]!.handles.length;
    for (const ts of ['"9999-12-31T23:59:59Z"', '"0000-01-01T00:00:00Z"', '12345', '"1970-01-01T00:00:05Z"', '"2100-01-01T00:00:00Z"']) {
      const odd = lines[i]!.replace(/"ts": ?"[^"]*"/, `"ts": ${ts}`);
      expect(odd).not.toBe(lines[i]);
      const rec = await fold([...lines.slice(0, 20), odd, ...lines.slice(20)]);
      expect(rec.lines.skipped.badTimestamp).toBe(1);
      expect(rec.executions[0]!.handles).toHaveLength(handles);
      expect(rec.executions[0]!.phase).toBe(truth.executions[0]!.phase);
    }
  });
});
