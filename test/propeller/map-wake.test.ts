import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { simulate } from '../../src/propeller/simulator.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan } from '../../src/model/workflow.js';
import { plan, task, testModel, workflow } from './helpers.js';

/**
 * A map task with unlimited parallelism evaluates only the subnodes that may have work (the others
 * are running pods with nothing new to report); one whose parallelism is at least its size walks
 * every subnode. Both must do exactly the same thing, including when rounds fail and are rolled back
 * (throttled or failing events) and with several maps and executions sharing the workers.
 */
function plans(sizes: number[], parallelism: (size: number) => number, sigma: number): ExecutionPlan[] {
  return sizes.map((size, i) =>
    plan(
      `e${i}`,
      workflow('maps', [
        task('prep', []),
        {
          id: 'm',
          kind: 'map',
          upstream: ['prep'],
          map: { size, parallelism: parallelism(size), runtime: { type: 'lognormal', mu: Math.log(5), sigma } },
        },
        task('after', ['m']),
      ]),
      i * 3,
    ),
  );
}

function model(stress: boolean, workers: number): Model {
  const m = testModel({ propeller: { workers } });
  if (stress) {
    m.propeller.eventRate = 15;
    m.propeller.eventBurst = 8;
    m.propeller.kubeQps = 10;
    m.propeller.kubeBurst = 3;
    m.events.task.failureProbability = 0.05;
    m.events.node.failureProbability = 0.05;
  }
  return m;
}

describe('map subnode evaluation', () => {
  test.prop(
    [
      fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 4 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.integer({ min: 0, max: 1000 }),
    ],
    { numRuns: 30 },
  )('skipping quiet subnodes changes nothing: unlimited parallelism = parallelism >= size', (sizes, stress, workers, sigma, seed) => {
    const unlimited = simulate(plans(sizes, () => 0, sigma), model(stress, workers), { seed, replication: 0 });
    const walkAll = simulate(plans(sizes, (size) => size + 1, sigma), model(stress, workers), { seed, replication: 0 });
    expect(JSON.stringify(unlimited)).toBe(JSON.stringify(walkAll));
    for (const e of unlimited.executions) if (!e.parent) expect(['Succeeded', 'Failed']).toContain(e.phase);
  });
});
