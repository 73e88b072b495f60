import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { computeReport } from '../../src/metrics/report.js';
import { InfraAccumulator, infraStats } from '../../src/metrics/infra.js';
import { loadSimulationInput } from '../../src/model/load.js';
import { defaultModel } from '../../src/model/defaults.js';
import { simulate } from '../../src/propeller/simulator.js';

const rec = simulate(loadSimulationInput('scenarios/mixed-load.yaml').executions, defaultModel(), { seed: 5, replication: 0 });
const execs = rec.executions;

describe('infrastructure statistics, merged', () => {
  test.prop([fc.integer({ min: 0, max: execs.length }), fc.integer({ min: 0, max: execs.length })], { numRuns: 25 })(
    'accumulators of two parts, merged, give the statistics of the whole',
    (a, b) => {
      const [i, j] = a <= b ? [a, b] : [b, a];
      const parts = [execs.slice(0, i), execs.slice(i, j), execs.slice(j)].map((p) => {
        const acc = new InfraAccumulator();
        for (const e of p) acc.add(e);
        return acc;
      });
      // A result taken before merging must not stick to the accumulator.
      parts[0]!.result();
      parts[0]!.merge(parts[1]!);
      parts[0]!.merge(parts[2]!);
      expect(parts[0]!.result()).toEqual(infraStats(execs));
    },
  );

  test.prop([fc.integer({ min: 1, max: execs.length })], { numRuns: 10 })(
    "a report's overall statistics are those of all its executions; with one execution, equal to (not the same objects as) that execution's",
    (n) => {
      const part = { ...rec, executions: execs.slice(0, n) };
      const report = computeReport(part);
      const whole = infraStats(part.executions);
      expect(report.infra).toEqual(whole.infra);
      expect(report.infraCounts).toEqual(whole.infraCounts);
      expect(report.streakEnds).toEqual(whole.streakEnds);
      if (n === 1) {
        expect(report.infra).toEqual(report.executions[0]!.infra);
        expect(report.infra).not.toBe(report.executions[0]!.infra);
        expect(report.infra.rounds).not.toBe(report.executions[0]!.infra.rounds);
      }
    },
  );
});
