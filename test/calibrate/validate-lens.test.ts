/**
 * Predictions of a log recording are measured as the logs would show them (log-lens.ts), with the
 * same unseen container starts and exits the log folder marks; else a task whose container ran
 * between two rounds would be predicted with user time the log cannot show.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/calibrate/index.js';
import { throughLogs } from '../../src/calibrate/log-lens.js';
import { readExecutions } from '../../src/cli/inputs.js';
import { defaultModel } from '../../src/model/defaults.js';
import { logRoundTrip, portfolio, simulateWith, smallMixedLoad, tempDir } from '../roundtrip/shape.js';

const dir = tempDir('validate-lens');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validate on a log with map tasks', () => {
  it('predicts user and external time as the log shows them', async () => {
    const path = join(dir, 'mixed.log');
    await logRoundTrip(simulateWith(smallMixedLoad(), defaultModel()), path, { format: 'json' });
    const r = validate(await readExecutions([path]), { holdout: 0.3, splitBy: 'random', targetError: 0.1, seed: '1', reps: 4 });
    expect(r.categories.user.meanError).toBeLessThan(0.1);
    expect(r.categories.external.meanError).toBeLessThan(0.15);
  });

  it('the lens marks a pod start no round saw, and an exit none saw, as the folder does', () => {
    // short tasks: some containers start and exit between two rounds
    const sim = simulateWith(portfolio('short-tasks'), defaultModel());
    const pods = throughLogs(sim).executions.flatMap((e) => e.nodes.flatMap((n) => n.pods ?? (n.pod ? [n.pod] : [])));
    const unseenStart = pods.filter((p) => p.created !== undefined && p.started === undefined);
    expect(unseenStart.length).toBeGreaterThan(0);
    for (const p of unseenStart) expect(p.startUnseen).toBe(true);
    for (const p of pods) if (p.finished === undefined && p.observed === undefined) expect(p.endUnseen).toBe(true);
  });
});
