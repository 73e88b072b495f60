/** Node kinds read from logs agree with the simulation that wrote the logs: map subnodes, cache misses, branches, gates, sub-DAGs. */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import type { ExecutionPlan } from '../../src/model/workflow.js';
import { EXTRAS_YAML, logRoundTrip, portfolio, simulateWith, smallMapFanout, smallMixedLoad, tempDir } from '../roundtrip/shape.js';

const CRDS = new URL('../fixtures/flyteworkflow-crds/', import.meta.url).pathname;
const dir = tempDir('node-kinds');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Flyte's compiler names a branch's cases after the branch (`n1-n0`): that is how a log shows them
writeFileSync(join(dir, 'extras.yaml'), EXTRAS_YAML.replace('{id: left,', '{id: pick-n0,').replace('{id: right,', '{id: pick-n1,').replace('taken: right', 'taken: pick-n1'));

describe.each([
  ['map-fanout (60 subtasks)', smallMapFanout],
  ['nested-dynamic', () => portfolio('nested-dynamic')],
  ['parallel-subworkflows', () => portfolio('parallel-subworkflows')],
  ['chained-cache', () => portfolio('chained-cache')],
  ['hello', () => portfolio('hello')],
  ['mixed load', smallMixedLoad],
  ['retries, branch, gate, cache', () => loadSimulationInput(join(dir, 'extras.yaml')).executions],
  // the FlyteWorkflow CRs Flyte's compiler wrote for the flytesnacks examples (copies): nested branches among them
  ...readdirSync(CRDS)
    .filter((f) => /\.(json|ya?ml)$/.test(f))
    .map((f): [string, () => ExecutionPlan[]] => [`CR ${f}`, () => loadSimulationInput(join(CRDS, f)).executions]),
])('%s', (name, plans) => {
  it('every node that ran has the kind it was simulated as', async () => {
    const truth = simulateWith(plans(), defaultModel());
    const { folded } = await logRoundTrip(truth, join(dir, `${name.replace(/\W+/g, '-')}.log`), {});
    const mismatches: string[] = [];
    let compared = 0;
    for (const e of truth.executions) {
      const f = folded.executions.find((x) => x.id === e.id);
      expect(f).toBeDefined();
      for (const n of e.nodes) {
        // a skipped node (a branch case not taken) shows nothing of its kind
        if (!n.transitions.some((t) => t.to === 'Succeeded' || t.to === 'Running')) continue;
        const m = f!.nodes.find((x) => x.id === n.id);
        expect(m, `${e.id} ${n.id} folded`).toBeDefined();
        if (m === undefined) continue;
        compared++;
        if (m.kind !== n.kind) mismatches.push(`${e.id} ${n.id}: ${n.kind} read as ${m.kind}`);
      }
    }
    expect(mismatches).toEqual([]);
    // (a workflow whose branch matches no case fails after its start node)
    expect(compared).toBeGreaterThanOrEqual(truth.executions.every((e) => e.phase === 'Succeeded') ? 3 : 1);
  });
});
