/**
 * `propsim calibrate` on logs takes one execution at a time and keeps only the evidence of each
 * (CalibrationAccumulator). It must calibrate exactly as a calibration of the whole Recording does,
 * whatever order the executions finish in.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate, CalibrationAccumulator } from '../../src/calibrate/index.js';
import { readExecutions } from '../../src/cli/inputs.js';
import { main } from '../../src/cli/main.js';
import { byCreation } from '../../src/ingest/index.js';
import { makeSources, type Sources } from './sources.js';

const ROOT = new URL('../../', import.meta.url).pathname;
let src: Sources;

beforeAll(async () => {
  src = await makeSources(24, 11);
});

afterAll(() => {
  if (src) rmSync(src.dir, { recursive: true, force: true });
});

async function cliModel(file: string): Promise<unknown> {
  const out = join(src.dir, `model-${Math.random().toString(36).slice(2)}.json`);
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    expect(await main(['calibrate', file, '--json', '--out', out])).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(readFileSync(out, 'utf8'));
}

describe('calibration one execution at a time', () => {
  it('equals the whole-Recording calibration for any arrival order, once sorted by creation', () => {
    const rec = src.seconds;
    const whole = calibrate(rec);
    fc.assert(
      fc.property(fc.shuffledSubarray(rec.executions, { minLength: rec.executions.length }), (order) => {
        const acc = new CalibrationAccumulator(rec.source);
        for (const e of order) acc.add(e);
        const got = acc.finish(byCreation);
        expect(got.report).toEqual(whole.report);
        expect(got.modelFile).toEqual(whole.modelFile);
      }),
      { numRuns: 4 },
    );
  });

  it('keeps the order it was given when no order is asked for', () => {
    const rec = src.cri;
    const acc = new CalibrationAccumulator(rec.source);
    for (const e of rec.executions) acc.add(e);
    expect(acc.count).toBe(rec.executions.length);
    expect(acc.finish().report).toEqual(calibrate(rec).report);
  });

  it('the CLI writes the model a whole-input calibration writes, for logs (streamed) and traces (read whole)', async () => {
    for (const file of [src.files.seconds, src.files.otlp, join(ROOT, 'recordings/deployment.cri.log.gz')]) {
      const whole = calibrate(await readExecutions([file]));
      expect(await cliModel(file), file).toEqual(JSON.parse(JSON.stringify(whole.modelFile)));
    }
  });
});
