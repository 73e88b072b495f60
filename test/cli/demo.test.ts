/**
 * `npm run demo` end to end (its quick form): every step runs, including those that read back a
 * file an earlier step wrote (the calibrated model), and nothing of its scratch is left behind.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('propsim demo --quick', () => {
  it('runs all eight steps and cleans up', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('propsim-demo-')).length;
    const r = await runCli(['demo', '--quick']);
    expect(r.code).toBe(0);
    for (let step = 1; step <= 8; step++) expect(r.out).toMatch(new RegExp(`^${step}\\. `, 'm'));
    // step 5 writes the model that steps 7 and 8 read
    expect(r.err).toMatch(/wrote the model to .*model\.json/);
    expect(r.out).toMatch(/What if: .*halve-event-latency|events\.\*\.latency/);
    expect(r.out).toMatch(/^Lowest makespan: propeller\.baseDelaySeconds = /m);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('propsim-demo-')).length).toBe(before);
  }, 120_000);
});
