/**
 * A gate (sleep, approval, signal) waits on something outside Flyte: that wait is external time,
 * and only the lag until a round notices the gate opened is Flyte's.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replayPlans } from '../../src/calibrate/replay.js';
import { writeOtlp } from '../../src/export/otlp.js';
import { readOtlpFile } from '../../src/ingest/otlp.js';
import { computeReport } from '../../src/metrics/report.js';
import { defaultModel } from '../../src/model/defaults.js';
import type { ExecutionPlan, WorkflowNode } from '../../src/model/workflow.js';
import { logRoundTrip, simulateWith, tempDir } from '../roundtrip/shape.js';

const S = 1_000_000_000;
const dir = tempDir('gate');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nodes: WorkflowNode[] = [
  { id: 'a', kind: 'task', upstream: [], runtime: { type: 'constant', value: 5 } },
  { id: 'wait', kind: 'gate', upstream: ['a'], gate: { type: 'constant', value: 60 } },
  { id: 'b', kind: 'task', upstream: ['wait'], runtime: { type: 'constant', value: 5 } },
];
const plan: ExecutionPlan = { id: 'g', arrival: 0, project: 'p', domain: 'development', namespace: 'p-development', workflow: { name: 'g', nodes, specBytes: 4096 } };
const sim = simulateWith([plan], defaultModel());

describe('a 60 s sleep gate', () => {
  it('records when it opened, and its wait is external, not Flyte', () => {
    const rec = sim.executions[0]!.nodes.find((n) => n.id === 'wait')!;
    const running = rec.transitions.find((t) => t.to === 'Running')!.at;
    expect(rec.gateOpened! - running).toBe(60 * S);
    const n = computeReport(sim).executions[0]!.nodes.find((x) => x.id === 'wait')!;
    expect(n.externalNs).toBe(60 * S);
    // Flyte keeps the lag until a round noticed the gate open (at most a resync period) and the rounds.
    expect(n.flyteNs).toBeGreaterThan(0);
    expect(n.flyteNs).toBeLessThan(15 * S);
    expect(n.userNs + n.flyteNs + n.externalNs).toBe(n.timeNs);
  });

  it('keeps its opening through OTLP, and a replay keeps its duration', async () => {
    const path = join(dir, 'g.otlp.json');
    await writeOtlp(sim, path);
    const back = (await readOtlpFile(path)).recording;
    const rec = back.executions[0]!.nodes.find((n) => n.id === 'wait')!;
    expect(rec.gateOpened).toBe(sim.executions[0]!.nodes.find((n) => n.id === 'wait')!.gateOpened);
    const gate = replayPlans(back)[0]!.workflow.nodes.find((n) => n.id === 'wait')!.gate;
    expect(gate).toEqual({ type: 'constant', value: 60 });
  });

  it('read back from its debug log (no line names a gate), is recognised and its wait bounded as external', async () => {
    const { folded } = await logRoundTrip(sim, join(dir, 'g.log'), { format: 'json' });
    const rec = folded.executions[0]!.nodes.find((n) => n.id === 'wait')!;
    expect(rec.kind).toBe('gate');
    expect(rec.pod).toBeUndefined();
    const truth = computeReport(sim).executions[0]!.nodes.find((x) => x.id === 'wait')!;
    const seen = computeReport(folded).executions[0]!.nodes.find((x) => x.id === 'wait')!;
    for (const k of ['userNs', 'flyteNs', 'externalNs'] as const) {
      expect(truth[k], k).toBeGreaterThanOrEqual(seen.bounds[k].lo);
      expect(truth[k], k).toBeLessThanOrEqual(seen.bounds[k].hi);
    }
    expect(seen.externalNs).toBeGreaterThan(50 * S);
    // The tasks around it sent task events: they stay tasks.
    expect(folded.executions[0]!.nodes.filter((n) => n.kind === 'task').map((n) => n.id).sort()).toEqual(['a', 'b']);
  });
});
