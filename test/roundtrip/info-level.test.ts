import { describe, expect, it } from 'vitest';
import { foldRecordList } from '../../src/ingest/index.js';
import { decodeLine } from '../../src/ingest/decode.js';
import { logLines } from '../../src/export/logs.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import { computeReport } from '../../src/metrics/report.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { LogRecord } from '../../src/ingest/record.js';
import type { Execution, Round } from '../../src/timeline/types.js';
import { failures } from './shape.js';

/** True when `r` is the last round of its Handle call (its streak ended with it). */
function lastRoundOf(e: Execution, r: Round): Round | undefined {
  const h = e.handles.find((x) => x.rounds.includes(r));
  return h?.rounds.at(-1);
}

/**
 * Propeller run at Info level (`logger.level: 4`) writes no Debug lines: no etcd write lines, no
 * task events, no `node succeeding`, no workflow transition lines. What those lines carried is
 * inferred where propeller's logic fixes it; the rest stays as the log has it.
 */
const failing = () => {
  // admin events that fail now and then: rounds whose changes are dropped and retried
  const m = defaultModel();
  m.events.workflow.failureProbability = 0.3;
  m.events.node.failureProbability = 0.1;
  return m;
};

const scenario = (name: string) => () => loadSimulationInput(`scenarios/${name}.yaml`).executions;

describe.each([
  ['hello', scenario('hello'), defaultModel],
  ['chained-cache', scenario('chained-cache'), defaultModel],
  ['mixed-load', scenario('mixed-load'), defaultModel],
  ['too-large', scenario('too-large'), defaultModel],
  ['mixed-load', scenario('mixed-load'), failing],
  ['failing workflows', failures, defaultModel],
] as const)('Info-level log of %s', (_name, plans, model) => {
  const rec = simulate(plans(), model(), { seed: 1, replication: 0 });
  const fold = (level: number) =>
    foldRecordList([...logLines(rec, { level })].map((l) => decodeLine(l, {})).filter((r): r is LogRecord => typeof r === 'object' && r !== null && 'msg' in r));
  const folded = fold(4);
  const debugFold = computeReport(fold(5));

  it('keeps every Handle call and round, and finds each successful write and each node outcome', () => {
    expect(folded.executions).toHaveLength(rec.executions.length);
    const truth = computeReport(rec);
    const got = computeReport(folded);
    for (const e of rec.executions) {
      const f = folded.executions.find((x) => x.id === e.id)!;
      expect(f.handles.map((h) => h.rounds.length), e.id).toEqual(e.handles.map((h) => h.rounds.length));
      expect(f.phase, e.id).toBe(e.phase);
      // node outcomes, including the move to Succeeded that only Debug logs state
      for (const n of e.nodes) {
        const m = f.nodes.find((x) => x.id === n.id);
        if (n.transitions.length === 0) continue;
        // the last move, in the round that made it
        const at = (t: { to: string; handle?: number; round?: number } | undefined) => (t === undefined ? undefined : `${t.to}@${t.handle}.${t.round}`);
        expect(at(m?.transitions.at(-1)), `${e.id} ${n.id}`).toBe(at(n.transitions.at(-1)));
        // a task that ran is told by its task handler's Info line (`Parallelism now set`, with tasktype)
        if (n.kind === 'task' && n.parent === undefined && n.transitions.some((t) => t.to === 'Running')) expect(m?.kind, `${e.id} ${n.id}`).toBe('task');
      }
      const t = truth.executions.find((x) => x.id === e.id)!;
      const g = got.executions.find((x) => x.id === e.id)!;
      // Successful writes are inferred from the fast-follow lines, failed ones are logged at Error
      // level. The small Failing copy written after a too-large write leaves no Info line when the
      // streak ends there: it is the one write that cannot be told.
      const recoveries = e.handles.flatMap((h) => h.rounds).filter((r) => r.ops.some((o) => o.outcome === 'tooLarge') && r === lastRoundOf(e, r)).length;
      expect(g.counts.etcdUpdates, e.id).toBe(t.counts.etcdUpdates - recoveries);
      expect(g.counts.nodeEvents, e.id).toBe(t.counts.nodeEvents);
      // the workflow's moves, from the phase each round starts in (`p [X]`), and their events
      const moves = (x: Execution) => x.workflowTransitions.map((t) => `${t.from}>${t.to}@${t.handle}.${t.round}`);
      expect(moves(f), e.id).toEqual(moves(e));
      expect(g.counts.workflowEvents, e.id).toBe(t.counts.workflowEvents);
      // the Debug-level fold's makespan lies within the Info-level one's bounds (both end an
      // execution at its terminal transition)
      const d = debugFold.executions.find((x) => x.id === e.id)!;
      expect(g.makespanLoNs, e.id).toBeLessThanOrEqual(d.makespanNs);
      expect(g.makespanHiNs, e.id).toBeGreaterThanOrEqual(d.makespanNs);
    }
  });
});

describe('an Info-level log of failing workflows', () => {
  it("dates each move Running → Failing by `Workflow has failed` (exact with CRI stamps), unless a timeout made it", () => {
    const plans = loadSimulationInput('test/fixtures/scenarios/failing-runs.yaml').executions;
    const rec = simulate(plans, defaultModel(), { seed: 1, replication: 0 });
    const folded = foldRecordList([...logLines(rec, { level: 4, cri: true })].map((l) => decodeLine(l, {})).filter((r): r is LogRecord => typeof r === 'object' && r !== null && 'msg' in r));
    let dated = 0;
    for (const e of rec.executions) {
      const want = e.workflowTransitions.find((t) => t.from === 'Running' && t.to === 'Failing');
      if (want === undefined) continue;
      const got = folded.executions.find((x) => x.id === e.id)!.workflowTransitions.find((t) => t.from === 'Running' && t.to === 'Failing')!;
      if (got.line === undefined) continue;
      dated++;
      expect(got.at, e.id).toBe(want.at);
      expect([got.atLo, got.atHi], e.id).toEqual([want.at, want.at]);
    }
    expect(dated).toBeGreaterThanOrEqual(5);
  });
});
