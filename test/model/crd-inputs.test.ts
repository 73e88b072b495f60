/**
 * What a CR's inputs and execution config decide, as propeller decides it from each node's
 * resolved inputs: a subworkflow's nodes see what their node binds (the enclosing workflow's inputs
 * and literals), not the execution's inputs of the same names; an ArrayNode over lists of different
 * lengths fails, one over an empty list runs no code; OverwriteCache skips the lookups; offloaded
 * inputs are said to be unknown; an older CR's failure policy spelling is read.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeReport } from '../../src/metrics/index.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import type { WorkflowDef, WorkflowNode } from '../../src/model/workflow.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { Execution } from '../../src/timeline/types.js';
import { logRoundTrip, shape, simulateWith, tempDir } from '../roundtrip/shape.js';

const dir = 'test/fixtures/crds-inputs';
const tmp = tempDir('crd-inputs');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function load(file: string): WorkflowDef {
  return loadSimulationInput(join(dir, file)).executions[0]!.workflow;
}
function run(file: string): Execution {
  const plans = loadSimulationInput(join(dir, file)).executions;
  return simulate(plans, defaultModel(), { seed: 1, replication: 0 }).executions[0]!;
}
const node = (wf: WorkflowDef, id: string): WorkflowNode => wf.nodes.find((n) => n.id === id)!;

describe("a subworkflow's nodes decide from what their node binds", () => {
  it('an ArrayNode in a subworkflow is sized by the list its node binds, not by an execution input of the same name', () => {
    // the subworkflow maps over its input xs, bound from the execution's ys (2 items); the
    // execution also has an input named xs (7 items)
    const inner = node(load('array-in-subworkflow.json'), 'n0').subworkflow!;
    const map = inner.nodes.find((n) => n.kind === 'map')!;
    expect(map.map!.size).toBe(2);
    const e = run('array-in-subworkflow.json');
    expect(e.phase).toBe('Succeeded');
    expect(e.nodes.filter((n) => n.parent === `n0/${map.id}`)).toHaveLength(2);
  });

  it("a branch in a subworkflow is decided from its parent's constant: false fails the elseFail", () => {
    const e = run('subworkflow-branch.json');
    expect(e.phase).toBe('Failed');
    const inner = node(load('subworkflow-branch.json'), 'n0').subworkflow!;
    const branch = inner.nodes.find((n) => n.kind === 'branch')!;
    expect(branch.branch).toMatchObject({ by: 'inputs' });
    expect(branch.branch!.fails).toBeDefined();
  });
});

describe('an ArrayNode over lists of different lengths', () => {
  it('fails in its first round (InvalidArrayLength, a FAILED event), no subnode runs, and the workflow fails', () => {
    const wf = load('array-lengths-differ.json');
    const map = wf.nodes.find((n) => n.kind === 'map')!;
    expect(map.map!.invalid).toBe("input arrays have different lengths: expecting '3' found '5'");
    const e = run('array-lengths-differ.json');
    expect(e.phase).toBe('Failed');
    const rec = e.nodes.find((n) => n.id === map.id)!;
    expect(rec.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['NotYetStarted>Queued', 'Queued>Failing', 'Failing>Failed']);
    expect(e.nodes.filter((n) => n.parent === map.id && n.transitions.length > 0)).toHaveLength(0);
    const ops = e.handles.flatMap((h) => h.rounds.filter((r) => r.changed && !r.error).flatMap((r) => r.ops));
    const move = ops.find((o) => o.kind === 'nodeTransition' && o.node === map.id && o.to === 'Failing')!;
    expect(move.detail).toBe(map.map!.invalid);
    expect(ops.filter((o) => o.kind === 'nodeEvent' && o.node === map.id && o.outcome === 'ok').map((o) => o.to)).toEqual(['QUEUED', 'FAILED']);
    expect(ops.some((o) => o.kind === 'podCreate')).toBe(false);
  });
});

describe("an older CR's failure policy", () => {
  it('reads FailAfterExecutableNodesComplete (enumer\'s trimmed name) as the current FAIL_AFTER_EXECUTABLE_NODES_COMPLETE', () => {
    expect(load('old-failure-policy.json').onFailurePolicy).toBe('afterExecutableNodesComplete');
  });
});

describe("the execution's OverwriteCache", () => {
  it('skips every catalog lookup (CACHE_SKIPPED) and writes each cacheable result as after a miss', () => {
    const wf = load('overwrite-cache.json');
    const cached = wf.nodes.filter((n) => n.cache !== undefined);
    expect(cached.length).toBe(4);
    for (const n of cached) expect(n.cache).toEqual({ hit: false, overwrite: true });
    const e = run('overwrite-cache.json');
    expect(e.phase).toBe('Succeeded');
    const ops = e.handles.flatMap((h) => h.rounds.filter((r) => r.changed && !r.error).flatMap((r) => r.ops));
    expect(ops.filter((o) => o.kind === 'catalogGet')).toHaveLength(0);
    expect(ops.filter((o) => o.kind === 'catalogPut')).toHaveLength(4);
  });
});

describe('an ArrayNode over an empty list', () => {
  it('runs no code: its time is all Flyte, exactly (no bounds in a simulation), and the split is known', () => {
    const plans = loadSimulationInput(join(dir, 'array-empty.json')).executions;
    const rec = simulate(plans, defaultModel(), { seed: 1, replication: 0 });
    const rep = computeReport(rec).executions[0]!;
    expect(rec.executions[0]!.phase).toBe('Succeeded');
    const map = rep.nodes.find((n) => n.kind === 'map')!;
    expect(map.userNs).toBe(0);
    expect(map.externalNs).toBe(0);
    expect(map.flyteNs).toBe(map.timeNs);
    expect(rep.overhead.userNs).toBe(0);
    expect(rep.splitUnknown).toBeUndefined();
  });
});

describe('a CR whose inputs were offloaded', () => {
  it('says so in its description: what they decide falls back to the defaults', () => {
    const s = loadSimulationInput(join(dir, 'offloaded-inputs.json'));
    expect(s.description).toMatch(/its inputs are offloaded \(not in the CR\)/);
    expect(loadSimulationInput(join(dir, 'array-empty.json')).description).not.toMatch(/offloaded/);
  });
});

describe('these runs written as propeller logs', () => {
  // (the arrays without subtasks are told by their task events, which only the sink's lines start)
  it.each(['array-lengths-differ.json', 'array-empty.json', 'overwrite-cache.json', 'subworkflow-branch.json', 'array-in-subworkflow.json'])('%s folds back to the same structure', async (f) => {
    const plans = loadSimulationInput(join(dir, f)).executions;
    const rec = simulateWith(plans, defaultModel());
    const { folded } = await logRoundTrip(rec, join(tmp, `${f}.log`), { format: 'json', cri: true });
    expect(shape(folded)).toStrictEqual(shape(rec));
  });
});

describe('the header of a CR with many branches', () => {
  it('names the first few decisions and counts the rest, in one short line', () => {
    const s = loadSimulationInput(join(dir, 'nested-branches.json'));
    expect(s.description).toMatch(/from the execution's inputs, branch n0 takes n0-n1, .*, 21 more decisions \(the report marks the cases not taken as skipped\)$/);
    expect(s.description.length).toBeLessThan(500);
  });
});
