import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitExecutions, validate, type ValidationResult } from '../../src/calibrate/index.js';
import { runValidate } from '../../src/cli/validate.js';
import { makeSources, type Sources } from './sources.js';

let src: Sources;
let otlp: ValidationResult;
let seconds: ValidationResult;
const defaults = { holdout: 0.3, splitBy: 'random' as const, targetError: 0.1, seed: '1', reps: 20 };

beforeAll(async () => {
  src = await makeSources(45, 11);
  otlp = validate(src.otlp, defaults);
  seconds = validate(src.seconds, { ...defaults, reps: 10 });
});

afterAll(() => {
  if (src) rmSync(src.dir, { recursive: true, force: true });
});

describe('validate on simulator-generated recordings', () => {
  it('passes the default target from OTLP traces, with the JSON contract', () => {
    expect(otlp.passed).toBe(true);
    expect(otlp.makespan.meanError).toBeLessThan(0.05);
    const json = JSON.parse(JSON.stringify(otlp)) as Record<string, any>;
    expect(json.calibrated.length + json.heldOut.length).toBe(45);
    expect(json.heldOut.length).toBe(Math.round(0.3 * 45));
    for (const f of ['meanError', 'p50Error', 'p95Error', 'piCoverage']) expect(typeof json.makespan[f]).toBe('number');
    for (const c of ['user', 'flyte', 'external']) {
      for (const f of ['meanError', 'p50Error', 'p95Error', 'ks']) expect(json.categories[c][f], `${c}.${f}`).not.toBeUndefined();
    }
    expect(json.passed).toBe(true);
  });

  it('passes the default target from whole-second logs, measuring predictions as logs would', () => {
    expect(seconds.passed).toBe(true);
    expect(seconds.makespan.meanError).toBeLessThan(0.1);
    // Logs time pods by propeller's observation of them; predictions go through the same lens, so
    // the overhead split is comparable.
    expect(seconds.categories.flyte.meanError).toBeLessThan(0.15);
    expect(seconds.categories.external.meanError).toBeLessThan(0.15);
  });

  it('replays keep the recorded user time: the user category is reproduced exactly', () => {
    expect(otlp.categories.user.meanError).toBeLessThan(1e-6);
    expect(otlp.categories.user.ks).toBe(0);
  });

  it('90% prediction intervals cover most held-out executions', () => {
    expect(otlp.makespan.piCoverage).toBeGreaterThanOrEqual(0.6);
    for (const e of otlp.executions) expect(e.pi90Ns[0]).toBeLessThanOrEqual(e.pi90Ns[1]);
  });

  it('a target the data cannot meet fails with exit code 1', async () => {
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await runValidate([src.files.otlp], { ...defaults, targetError: 1e-9, reps: 2 })).toBe(1);
    } finally {
      process.stdout.write = write;
    }
  });
});

describe('splitting executions', () => {
  it('by time holds out the latest; at random, the seed decides', () => {
    const tops = src.otlp.executions;
    const byTime = splitExecutions(tops, { holdout: 0.2, splitBy: 'time', seed: 1 });
    const created = (id: string) => tops.find((e) => e.id === id)!.created!.at;
    const latestCalibrated = Math.max(...byTime.calibrated.map(created));
    for (const id of byTime.heldOut) expect(created(id)).toBeGreaterThanOrEqual(latestCalibrated);
    const a = splitExecutions(tops, { holdout: 0.3, splitBy: 'random', seed: 'x' });
    const b = splitExecutions(tops.slice().reverse(), { holdout: 0.3, splitBy: 'random', seed: 'x' });
    const c = splitExecutions(tops, { holdout: 0.3, splitBy: 'random', seed: 'y' });
    expect([...a.heldOut].sort()).toEqual([...b.heldOut].sort());
    expect(a.heldOut).not.toEqual(c.heldOut);
    expect(new Set([...a.heldOut, ...a.calibrated]).size).toBe(tops.length);
  });
});

describe('executions the input cut off', () => {
  it('are left out of calibration and scoring, and named', () => {
    // Drop the terminal phase of three executions, as a log cut in the middle would.
    const cut = structuredClone(src.otlp);
    const victims = cut.executions.filter((e) => e.parent === undefined).slice(0, 3);
    for (const e of victims) delete e.ended;
    const r = validate(cut, { ...defaults, reps: 4 });
    expect(r.incomplete).toEqual(victims.map((e) => e.id));
    for (const id of r.incomplete) {
      expect(r.calibrated).not.toContain(id);
      expect(r.heldOut).not.toContain(id);
    }
    expect(r.calibrated.length + r.heldOut.length).toBe(45 - 3);
    expect(otlp.incomplete).toEqual([]);
  });
});
