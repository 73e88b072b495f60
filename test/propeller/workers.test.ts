import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/propeller/simulator.js';
import type { ExecutionPlan } from '../../src/model/workflow.js';
import { plan, task, testModel, workflow } from './helpers.js';

/** A mixed load of concurrent executions: chains, fan-outs, cached tasks, small maps. */
function mixedLoad(n: number): ExecutionPlan[] {
  const plans: ExecutionPlan[] = [];
  for (let i = 0; i < n; i++) {
    const arrival = (i * 7) % 20;
    switch (i % 4) {
      case 0:
        plans.push(plan(`chain${i}`, workflow('chain', [task('a', []), task('b', ['a']), task('c', ['b'])]), arrival));
        break;
      case 1:
        plans.push(plan(`fan${i}`, workflow('fan', [task('a', []), task('b', []), task('c', []), task('d', ['a', 'b', 'c'])]), arrival));
        break;
      case 2:
        plans.push(plan(`cache${i}`, workflow('cache', [task('a', [], { cache: { hit: true } }), task('b', ['a'], { cache: { hit: true } })]), arrival));
        break;
      default:
        plans.push(plan(`map${i}`, workflow('map', [{ id: 'm', kind: 'map', upstream: [], map: { size: 4, parallelism: 0 } }]), arrival));
    }
  }
  return plans;
}

function meanDuration(workers: number): number {
  const m = testModel({ propeller: { workers } });
  // Slow admin events make the workers the bottleneck.
  m.events.node.latency = { type: 'lognormal', mu: Math.log(0.2), sigma: 0.3 };
  m.events.task.latency = { type: 'lognormal', mu: Math.log(0.2), sigma: 0.3 };
  const rec = simulate(mixedLoad(48), m, { seed: 'workers', replication: 0 });
  let sum = 0;
  for (const e of rec.executions) {
    expect(e.phase).toBe('Succeeded');
    sum += e.ended!.at - e.created!.at;
  }
  return sum / rec.executions.length;
}

describe('worker pool sanity', () => {
  it('more workers never make a saturated mixed load slower on average', () => {
    const d1 = meanDuration(1);
    const d2 = meanDuration(2);
    const d4 = meanDuration(4);
    const d16 = meanDuration(16);
    expect(d2).toBeLessThanOrEqual(d1);
    expect(d4).toBeLessThanOrEqual(d2);
    expect(d16).toBeLessThanOrEqual(d4);
    // Saturation is real: one worker is clearly slower than sixteen.
    expect(d1).toBeGreaterThan(d16 * 1.2);
  });
});
