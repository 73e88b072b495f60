/**
 * Launch plans from logs: propeller names the child execution it launched (`Launched launchplan
 * with ID [name]`), and the child's lines carry that name as their exec_id. The fold links the
 * two, so a log report splits the launch-plan node as a simulation's report does, and a replay
 * runs the child inside its parent with the child's own measured runtimes.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayPlans } from '../../src/calibrate/replay.js';
import { readExecutions } from '../../src/cli/inputs.js';
import { main } from '../../src/cli/main.js';
import { computeReport } from '../../src/metrics/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { logRoundTrip, portfolio, simulateWith, tempDir } from './shape.js';

const dir = tempDir('launch-plan');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sim = simulateWith(portfolio('nested-dynamic'), defaultModel());
const path = join(dir, 'nested.log');
const read = logRoundTrip(sim, path, { format: 'json' });
const LP = 'plan/inner/child';

describe('launch-plan children in logs', () => {
  it('the child names its parent and the node that launched it; that node is a launch-plan node without a pod', async () => {
    const { folded } = await read;
    const parent = folded.executions.find((e) => e.parent === undefined)!;
    const child = folded.executions.find((e) => e.parent !== undefined)!;
    expect(child).toMatchObject({ parent: parent.id, parentNode: LP });
    const lp = parent.nodes.find((n) => n.id === LP)!;
    expect(lp.kind).toBe('launchplan');
    expect(lp.pod).toBeUndefined();
    expect(lp.pods).toBeUndefined();
  });

  it('the launch-plan node’s split holds the simulation’s within its bounds, the child’s run as external', async () => {
    const { folded } = await read;
    const truth = computeReport(sim).executions.find((e) => e.id === 'nested-dynamic-0001')!.nodes.find((n) => n.id === LP)!;
    const seen = computeReport(folded).executions.find((e) => e.id === 'nested-dynamic-0001')!.nodes.find((n) => n.id === LP)!;
    expect(seen.childExecutions).toEqual(truth.childExecutions);
    expect(seen.userNs).toBe(0);
    for (const k of ['flyteNs', 'externalNs'] as const) {
      expect(truth[k], k).toBeGreaterThanOrEqual(seen.bounds[k].lo - 1e6);
      expect(truth[k], k).toBeLessThanOrEqual(seen.bounds[k].hi + 1e6);
    }
    // Most of the node's time is the child's run: external, not user code as an assumed pod made it.
    expect(seen.externalNs / seen.timeNs).toBeGreaterThan(0.5);
  });

  it('report streams the log exactly as it reports the whole input (a child ends before its parent)', async () => {
    await read;
    const rec = await readExecutions([path]);
    const whole = `${JSON.stringify({ ...computeReport(rec), lines: rec.lines }, null, 2)}\n`;
    const out = join(dir, 'report.json');
    expect(await main(['report', path, '--json', '-o', out])).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(whole);
  });

  it('a replay runs the child inside its parent with the child’s measured runtimes', async () => {
    const { folded } = await read;
    const plans = replayPlans(folded);
    expect(plans.map((p) => p.id)).toEqual(['nested-dynamic-0001']);
    const replayed = computeReport(simulateWith(plans, defaultModel())).executions;
    const recorded = computeReport(folded).executions;
    for (const r of recorded) {
      const p = replayed.find((e) => e.id === r.id)!;
      expect(Math.abs(p.makespanNs - r.makespanNs) / r.makespanNs, r.id).toBeLessThan(0.1);
      // User time is replayed from the recording, not resampled.
      expect(Math.abs(p.overhead.userNs - r.overhead.userNs) / r.overhead.userNs, r.id).toBeLessThan(0.1);
    }
  });
});
