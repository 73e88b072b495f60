import { beforeAll, describe, expect, it } from 'vitest';
import { replayPlans } from '../../src/calibrate/index.js';
import { readRecording } from '../../src/cli/inputs.js';
import { writeLogs } from '../../src/export/logs.js';
import { computeReport } from '../../src/metrics/index.js';
import { topologicalOrder } from '../../src/model/dag.js';
import type { ExecutionPlan } from '../../src/model/workflow.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { Recording } from '../../src/timeline/types.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRUE, trueModel, workload } from './workload.js';
import { defaultModel } from '../../src/model/defaults.js';
import { failures } from '../roundtrip/shape.js';
import { loadSimulationInput } from '../../src/model/load.js';

const plans = workload(24);
let rec: Recording;
let fromLogs: ExecutionPlan[];

beforeAll(async () => {
  rec = simulate(plans, trueModel(), { seed: 3, replication: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'propsim-replay-'));
  const forLogs = structuredClone(rec);
  for (const e of forLogs.executions) for (const h of e.handles) delete h.enqueuedAt;
  const file = join(dir, 'propeller.log');
  await writeLogs(forLogs, file, { format: 'json', cri: true, maxStreak: TRUE.maxStreakLength });
  fromLogs = replayPlans(await readRecording([file]), { podStartLagSeconds: 0.5, podStartSeconds: 4 });
  rmSync(dir, { recursive: true, force: true });
});

const edges = (p: ExecutionPlan) =>
  p.workflow.nodes.map((n) => `${n.id}:${n.kind}<${[...n.upstream].sort().join('+')}${n.cache ? (n.cache.hit ? ' hit' : ' miss') : ''}`).sort();

describe('replay of simulated executions', () => {
  it('keeps ids, arrivals, the DAG, node kinds and cache outcomes', () => {
    const replayed = replayPlans(rec);
    expect(replayed.map((p) => p.id)).toEqual(plans.map((p) => p.id));
    replayed.forEach((p, i) => {
      const orig = plans[i]!;
      expect(p.arrival).toBeCloseTo(orig.arrival, 6);
      expect(p.namespace).toBe(orig.namespace);
      expect(edges(p)).toEqual(edges(orig));
    });
  });

  it('carries the recorded user runtimes and pod start times', () => {
    const replayed = replayPlans(rec);
    for (const [i, p] of replayed.entries()) {
      const exec = rec.executions[i]!;
      for (const n of exec.nodes) {
        if (!n.pod?.started || !n.pod.finished || n.pod.created === undefined) continue;
        expect(p.replay?.[n.id]?.runtime).toBeCloseTo((n.pod.finished - n.pod.started) / 1e9, 9);
        expect(p.replay?.[n.id]?.podStart).toBeCloseTo((n.pod.started - n.pod.created) / 1e9, 9);
      }
    }
  });

  it('re-simulated with its own model, reproduces the recorded makespans closely', () => {
    const replayed = replayPlans(rec);
    const observed = computeReport(rec).executions.map((e) => e.makespanNs / 1e9);
    const reps = 10;
    const runs: number[][] = observed.map(() => []);
    for (let r = 0; r < reps; r++) {
      computeReport(simulate(replayed, trueModel(), { seed: 'replay', replication: r })).executions.forEach((e, i) => runs[i]!.push(e.makespanNs / 1e9));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const predicted = runs.map(mean);
    expect(Math.abs(mean(predicted) - mean(observed)) / mean(observed)).toBeLessThan(0.03);
    // Per execution, the recorded makespan is one more draw of the same process (queueing on the
    // resync and batching lattices): it falls within the range of 10 replications with probability
    // 9/11 = 82%.
    const inside = observed.filter((o, i) => o >= Math.min(...runs[i]!) && o <= Math.max(...runs[i]!)).length;
    expect(inside / observed.length).toBeGreaterThanOrEqual(0.65);
  });
});

describe('replay of log recordings (no recorded DAG)', () => {
  it('infers an acyclic DAG where every sink feeds the end node', () => {
    for (const p of fromLogs) {
      expect('order' in topologicalOrder(p.workflow.nodes)).toBe(true);
      const end = p.workflow.nodes.find((n) => n.kind === 'end')!;
      const hasDown = new Set(p.workflow.nodes.flatMap((n) => n.upstream));
      for (const n of p.workflow.nodes) if (n !== end && !hasDown.has(n.id)) expect.fail(`${p.id}: sink ${n.id} does not feed the end node`);
      expect(p.workflow.nodes.map((n) => n.id).sort()).toEqual(plans.find((q) => q.id === p.id)!.workflow.nodes.map((n) => n.id).sort());
    }
  });

  it('chains follow the recorded order exactly', () => {
    for (const p of fromLogs.filter((q) => q.workflow.name.endsWith('chain') || q.workflow.nodes.some((n) => n.id === 'n1'))) {
      const up = Object.fromEntries(p.workflow.nodes.map((n) => [n.id, n.upstream]));
      expect(up.n1).toEqual(['n0']);
      expect(up.n2).toEqual(['n1']);
    }
  });

  it('recovers every task node’s pod time from create to exit within the observation lag', () => {
    const truth = replayPlans(rec);
    let n = 0;
    for (const p of fromLogs) {
      const t = truth.find((q) => q.id === p.id)!;
      for (const [id, v] of Object.entries(t.replay ?? {})) {
        const w = p.replay?.[id];
        expect(w, `${p.id}/${id}`).toBeDefined();
        const total = (x: { runtime?: number; podStart?: number }) => (x.runtime ?? 0) + (x.podStart ?? 0);
        expect(Math.abs(total(w!) - total(v))).toBeLessThan(1.5);
        n++;
      }
    }
    expect(n).toBeGreaterThan(40);
  });
});

describe('replay keeps what shapes a map task and a gate', () => {
  const base = () => ({ project: 'flytesnacks', domain: 'development', namespace: 'flytesnacks-development', arrival: 0 });
  const mapPlan: ExecutionPlan = {
    ...base(),
    id: 'map-0001',
    workflow: {
      name: 'maps',
      specBytes: 4096,
      nodes: [
        { id: 'start-node', kind: 'start', upstream: [] },
        { id: 'm', kind: 'map', upstream: ['start-node'], map: { size: 6, parallelism: 2 }, runtime: { type: 'constant', value: 1 } },
        { id: 'g', kind: 'gate', upstream: ['m'], gate: { type: 'constant', value: 20 } },
        { id: 'end-node', kind: 'end', upstream: ['g'] },
      ],
    },
  };

  it('size and parallelism of a map task, from the Timeline and from its logs; a gate without the wait to notice it', async () => {
    const sim = simulate([mapPlan], trueModel(), { seed: 1, replication: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'propsim-replay-map-'));
    try {
      const file = join(dir, 'map.log');
      await writeLogs(sim, file, { format: 'json', cri: true, maxStreak: TRUE.maxStreakLength });
      const fromLog = replayPlans(await readRecording([file]))[0]!;
      for (const p of [replayPlans(sim)[0]!, fromLog]) {
        const m = p.workflow.nodes.find((n) => n.id === 'm')!;
        expect(m.map).toEqual({ size: 6, parallelism: 2 });
      }
      // Logs do not say a node is a gate: one that ran no pod and sent no task event waits as one.
      expect(fromLog.workflow.nodes.find((n) => n.id === 'g')!.kind).toBe('gate');
      // A gate opens between two rounds and only a round notices: the recorded time is longer
      // than the gate; the replayed gate takes that wait out.
      const g = replayPlans(sim)[0]!.workflow.nodes.find((n) => n.id === 'g')!;
      const gRec = sim.executions[0]!.nodes.find((n) => n.id === 'g')!;
      const recorded = (gRec.transitions.at(-1)!.at - gRec.transitions[0]!.at) / 1e9;
      expect(g.kind).toBe('gate');
      expect(recorded).toBeGreaterThan(20);
      expect(g.gate).toMatchObject({ type: 'constant' });
      const value = (g.gate as { value: number }).value;
      expect(value).toBeLessThan(recorded);
      expect(value).toBeGreaterThan(15);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('replay of a failed execution', () => {
  it('keeps the node that ran out of attempts, and the failure node outside the DAG, from the simulation and from its logs', async () => {
    const failed = simulate(failures(), defaultModel(), { seed: 1, replication: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'propsim-replay-fail-'));
    const file = join(dir, 'propeller.log');
    await writeLogs(failed, file, { format: 'json', cri: true });
    const sources = { simulated: replayPlans(failed), logs: replayPlans(await readRecording([file])) };
    rmSync(dir, { recursive: true, force: true });
    for (const [source, replayed] of Object.entries(sources)) {
      const fast = replayed.find((p) => p.id.startsWith('fast'))!;
      expect(fast.workflow.nodes.find((n) => n.id === 'b'), source).toMatchObject({ failedAttempts: 2, maxAttempts: 2 });
      expect(fast.workflow.failureNode, source).toMatchObject({ id: 'cleanup', upstream: [] });
      expect(fast.workflow.nodes.some((n) => n.id === 'cleanup'), source).toBe(false);
      // re-simulated, it fails the same way
      const again = simulate(replayed, defaultModel(), { seed: 2, replication: 0 });
      for (const e of again.executions) expect(e.phase, `${source} ${e.id}`).toBe('Failed');
      const f = again.executions.find((e) => e.id === fast.id)!;
      expect(f.workflowTransitions.map((t) => t.to), source).toEqual(['Running', 'Failing', 'HandlingFailureNode', 'Failed']);
      // the failure policy: under FAIL_AFTER_EXECUTABLE_NODES_COMPLETE d runs to its end again
      const patient = replayed.find((p) => p.id.startsWith('patient'))!;
      expect(patient.workflow.onFailurePolicy, source).toBe('afterExecutableNodesComplete');
      expect(fast.workflow.onFailurePolicy, source).toBeUndefined();
      const p2 = again.executions.find((e) => e.id === patient.id)!;
      expect(p2.nodes.find((n) => n.id === 'd')!.transitions.at(-1)!.to, source).toBe('Succeeded');
      // an aborted pod ran at least until the abort
      const d = failed.executions.find((e) => e.id === fast.id)!.nodes.find((n) => n.id === 'd')!;
      const abort = computeReport(failed).executions.find((e) => e.id === fast.id)!.nodes.find((n) => n.id === 'd')!;
      expect(abort.aborted).toBe(true);
      expect(fast.replay?.d?.runtime, source).toBeGreaterThanOrEqual((abort.endAtNs - d.pod!.started!) / 1e9 - 1);
      // a node that was only skipped stays a task, and is skipped again, not run
      expect(patient.workflow.nodes.find((n) => n.id === 'c')!.kind, source).toBe('task');
      expect(p2.nodes.find((n) => n.id === 'c')!.transitions.some((t) => t.to === 'Queued'), source).toBe(false);
    }
  });

  /** Simulates a one-workflow scenario (its nodes as YAML lines), writes its logs, replays them. */
  async function viaLogs(workflow: string): Promise<{ run: Recording; replayed: ExecutionPlan[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'propsim-replay-logs-'));
    try {
      const yaml = join(dir, 's.yaml');
      writeFileSync(yaml, `name: s\ndescription: d\nworkflows:\n  w:\n${workflow}executions:\n  - workflow: w\n`);
      const run = simulate(loadSimulationInput(yaml).executions, defaultModel(), { seed: 1, replication: 0 });
      const file = join(dir, 'propeller.log');
      await writeLogs(run, file, { format: 'json', cri: true });
      return { run, replayed: replayPlans(await readRecording([file])) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("keeps the default failure policy for a failing run whose branch skipped a case the log does not name as one", async () => {
    const { run, replayed } = await viaLogs(
      '    nodes:\n      - {id: br, branch: {cases: [{id: c1, runtime: 2s}, {id: c2, runtime: 2s}], taken: c1}}\n' +
        '      - {id: b, after: [br], failedAttempts: 1, retries: 0, runtime: 2s}\n      - {id: u, runtime: 30s}\n',
    );
    expect(run.executions[0]!.phase).toBe('Failed');
    expect(replayed[0]!.workflow.onFailurePolicy).toBeUndefined();
  });

  it('keeps map subtasks that failed: the array fails again, or succeeds again with as many successes', async () => {
    const outcome = (r: Recording, id: string) => r.executions[0]!.nodes.find((n) => n.id === id)!.transitions.at(-1)!.to;
    for (const [map, phase] of [
      ['{size: 5, failing: 1, runtime: 3s}', 'Failed'],
      ['{size: 5, failing: 2, minSuccessRatio: 0.5, runtime: 3s}, failedAttempts: 1, retries: 1', 'Succeeded'],
      // a recording made under a ratio fails at its second failure, not its first
      ['{size: 4, failing: 2, minSuccessRatio: 0.75, runtime: {uniform: {min: 2s, max: 20s}}}', 'Failed'],
    ] as const) {
      const { run, replayed } = await viaLogs(`    nodes:\n      - {id: m, map: ${map}}\n`);
      expect(run.executions[0]!.phase, map).toBe(phase);
      const again = simulate(replayed, defaultModel(), { seed: 2, replication: 0 });
      expect(again.executions[0]!.phase, map).toBe(phase);
      // the same subtasks fail, the others end as they did (unless the array stopped them)
      for (const s of run.executions[0]!.nodes.filter((n) => n.id.startsWith('m/n'))) {
        if (outcome(run, s.id) === 'Failed') expect(outcome(again, s.id), `${map} ${s.id}`).toBe('Failed');
        if (phase === 'Succeeded') expect(outcome(again, s.id), `${map} ${s.id}`).toBe(outcome(run, s.id));
      }
    }
  });

  it('skips again, on replay from logs, a node that was only skipped below a failure', async () => {
    const { run, replayed } = await viaLogs(
      '    onFailurePolicy: afterExecutableNodesComplete\n    nodes:\n      - {id: a, runtime: 3s}\n' +
        '      - {id: b, after: [a], failedAttempts: 1, retries: 0, runtime: 2s}\n      - {id: c, after: [a], runtime: 20s}\n      - {id: d, after: [b, c], runtime: 2s}\n',
    );
    const steps = (r: Recording) => r.executions[0]!.nodes.find((n) => n.id === 'd')!.transitions.map((t) => t.to);
    expect(steps(run)).toEqual(['Skipped']);
    expect(replayed[0]!.workflow.nodes.find((n) => n.id === 'd')!.upstream).toContain('b');
    expect(steps(simulate(replayed, defaultModel(), { seed: 2, replication: 0 }))).toEqual(['Skipped']);
  });
});

describe('replay of an array of launch plans', () => {
  it('keeps the children: each subnode launches one again, with the recorded child workflow', () => {
    const plans = loadSimulationInput(new URL('../fixtures/crds/array-variants.json', import.meta.url).pathname).executions;
    const rec = simulate(plans, defaultModel(), { seed: 3, replication: 0 });
    const kids = rec.executions.filter((e) => e.parentNode?.startsWith('of-launch-plans/'));
    expect(kids).toHaveLength(10);
    const replayed = replayPlans(rec);
    // the children are launched by their array, not replayed as executions of their own
    expect(replayed).toHaveLength(1);
    const arr = replayed[0]!.workflow.nodes.find((n) => n.id === 'of-launch-plans')!;
    expect(arr.kind).toBe('map');
    expect(arr.launchplan).toBeDefined();
    expect(arr.launchplan!.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(kids[0]!.nodes.map((n) => n.id)));
    const again = simulate(replayed, defaultModel(), { seed: 3, replication: 0 });
    expect(again.executions.filter((e) => e.parentNode?.startsWith('of-launch-plans/'))).toHaveLength(10);
  });
});
