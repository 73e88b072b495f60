/**
 * `--exec` and sub-second estimates: propeller stamps whole seconds, and a line's estimate within
 * its second is its rank among all the lines of that second. Lines `--exec` does not keep still
 * count for that rank, so the kept execution folds to the same times as in a fold of the whole log.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines } from '../../src/export/logs.js';
import { readLogRecords } from '../../src/ingest/lines.js';
import { foldRecords } from '../../src/ingest/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { simulateWith, smallMixedLoad, tempDir } from '../roundtrip/shape.js';

const dir = tempDir('exec-estimates');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of `v` with every time field (`at`, `start`, `end`, bounds...) moved by `shift` ns. */
function shifted(v: unknown, shift: number): unknown {
  if (Array.isArray(v)) return v.map((x) => shifted(x, shift));
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'number' && TIME_KEYS.test(k) ? x + shift : shifted(x, shift);
  return out;
}
const TIME_KEYS = /^(at|lo|hi|start|end|traversalEnd|created|started|finished|observed|enqueuedAt)(Lo|Hi)?$/;

describe.each(['json', 'gcp'] as const)('--exec on a whole-second log of interleaved executions (%s)', (format) => {
  const rec = simulateWith(smallMixedLoad(), defaultModel());
  const lines = [...logLines(rec, { cri: false, format })];
  const file = join(dir, `mixed-${format}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');

  it('gives each execution the times the whole fold gives it (klog lines of other executions bound them too)', async () => {
    // client-go's klog lines (exact stamps) of several executions among propeller's whole-second lines
    expect(lines.filter((l) => !l.startsWith('{')).length).toBeGreaterThan(3);
    const whole = await foldRecords(readLogRecords([file]));
    const ids = rec.executions.map((e) => e.id);
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) {
      const one = await foldRecords(readLogRecords([file], { exec: id }), { exec: id });
      expect(one.executions).toHaveLength(1);
      // the same instants, each on its own input's origin
      const shift = Number(BigInt(one.originUnixNano) - BigInt(whole.originUnixNano));
      expect(shifted(one.executions[0], shift)).toEqual(whole.executions.find((e) => e.id === id));
    }
  });
});
