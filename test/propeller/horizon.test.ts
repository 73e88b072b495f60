import { describe, expect, it } from 'vitest';
import { loadSimulationInput } from '../../src/model/load.js';
import { defaultModel } from '../../src/model/defaults.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { HandleCall } from '../../src/timeline/types.js';

/** A run stopped by its horizon keeps what it recorded, and claims nothing it did not see. */
describe('simulation horizon', () => {
  const plans = loadSimulationInput('scenarios/mixed-load.yaml').executions;
  const cut: HandleCall[] = [];
  for (let ms = 500; ms <= 8000; ms += 100) {
    const rec = simulate(plans, defaultModel(), { seed: 3, replication: 0, horizonSeconds: ms / 1000 });
    for (const e of rec.executions) for (const h of e.handles) if (h.endReason === 'unknown') cut.push(h);
  }

  it('a Handle call cut off mid-streak states no streak cap, and keeps its rounds and their ops', () => {
    expect(cut.length).toBeGreaterThan(0);
    for (const h of cut) {
      expect(h).not.toHaveProperty('streakMax');
      expect(h.rounds.length).toBeGreaterThan(0);
      // Every round but the last ran to its end; the last keeps the ops it had recorded.
      for (const r of h.rounds.slice(0, -1)) expect(r.ops.length).toBeGreaterThan(0);
      expect(h.rounds.at(-1)!.ops.length).toBeGreaterThan(0);
    }
  });
});
