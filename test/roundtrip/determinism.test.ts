/**
 * The same inputs and seed give byte-identical outputs: the Timeline JSON, the logs in every
 * layout and the OTLP file. A different seed gives different ones (so the comparison can fail).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLogs, type LogFormat } from '../../src/export/logs.js';
import { writeOtlp } from '../../src/export/otlp.js';
import { fewWorkers, portfolio, simulateWith, smallMixedLoad, stressModel, tempDir } from './shape.js';
import { defaultModel } from '../../src/model/defaults.js';

const dir = tempDir('determinism');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = [
  { name: 'mixed load on 3 workers', plans: smallMixedLoad, model: () => fewWorkers(3) },
  { name: 'mixed load under stress', plans: smallMixedLoad, model: stressModel },
  { name: 'nested-dynamic', plans: () => portfolio('nested-dynamic'), model: defaultModel },
];

describe.each(CASES)('determinism: $name', (c) => {
  it('gives byte-identical Timeline JSON, logs and OTLP for the same seed, and different ones for another seed', async () => {
    const runs = ['a', 'b', 'c'].map((tag, i) => ({ tag, rec: simulateWith(c.plans(), c.model(), i < 2 ? 'seed-1' : 'seed-2') }));
    const json = runs.map((r) => JSON.stringify(r.rec));
    expect(json[1]).toBe(json[0]);
    expect(json[2]).not.toBe(json[0]);

    const files = async (tag: string, rec: (typeof runs)[number]['rec']): Promise<Buffer[]> => {
      const out: Buffer[] = [];
      for (const format of ['json', 'gcp', 'text'] as LogFormat[]) {
        for (const cri of [false, true]) {
          const path = join(dir, `${c.name.replace(/\W+/g, '_')}-${tag}.${format}${cri ? '.cri' : ''}.log`);
          await writeLogs(rec, path, { format, cri, maxStreak: 8 });
          out.push(readFileSync(path));
        }
      }
      const otlp = join(dir, `${c.name.replace(/\W+/g, '_')}-${tag}.otlp.jsonl`);
      await writeOtlp(rec, otlp);
      out.push(readFileSync(otlp));
      return out;
    };
    const [a, b, other] = await Promise.all(runs.map((r) => files(r.tag, r.rec)));
    expect(a!.length).toBe(7);
    a!.forEach((buf, i) => {
      expect(buf.length).toBeGreaterThan(1000);
      expect(buf.equals(b![i]!), `output ${i}`).toBe(true);
      expect(buf.equals(other![i]!), `output ${i} with another seed`).toBe(false);
    });
  });
});
