/**
 * A failing workflow aborts the nodes that still run: propeller sends an ABORTED node event and
 * leaves the node's phase as it was. Such a node ends at that event, not at the end of the record.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeReport } from '../../src/metrics/report.js';
import { defaultModel } from '../../src/model/defaults.js';
import type { Execution, Op, Recording, Round } from '../../src/timeline/types.js';
import { failures, logRoundTrip, simulateWith, tempDir } from '../roundtrip/shape.js';
import { T } from './fixtures.js';

const dir = tempDir('aborted');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function round(startMs: number, ops: Op[], error?: string): Round {
  return { start: T(startMs), end: T(startMs + 50), phase: 'Running', changed: true, ops, ...(error !== undefined ? { error } : {}) };
}
const aborted = (ms: number, outcome = 'ok'): Op => ({ kind: 'nodeEvent', node: 'long', to: 'ABORTED', outcome, start: T(ms), end: T(ms + 20) });

/** `long` runs a pod from 1 s; the workflow fails at 20 s and ends at 60 s. */
function exec(abortOps: Round[]): Execution {
  return {
    id: 'e',
    namespace: 'ns',
    phase: 'Failed',
    created: { at: 0, lo: 0, hi: 0 },
    ended: { at: T(60_000), lo: T(60_000), hi: T(60_000) },
    handles: [{ worker: 'w', start: 0, end: T(61_000), endReason: 'terminal', rounds: [round(0, []), ...abortOps] }],
    enqueues: [],
    workflowTransitions: [],
    nodes: [
      {
        id: 'long',
        kind: 'task',
        transitions: [
          { from: 'NotYetStarted', to: 'Queued', at: T(500), atLo: T(500), atHi: T(500), handle: 0, round: 0 },
          { from: 'Queued', to: 'Running', at: T(900), atLo: T(900), atHi: T(900), handle: 0, round: 0 },
        ],
        pod: { created: T(900), started: T(1000) },
      },
    ],
  };
}
const report = (e: Execution) =>
  computeReport({ originUnixNano: '0', source: 'sim', executions: [e], lines: { read: 0, used: 0, skipped: {} } } as Recording).executions[0]!.nodes[0]!;

describe('an aborted node', () => {
  it('ends at its ABORTED event: user time stops there', () => {
    const n = report(exec([round(20_000, [aborted(20_010)])]));
    expect(n).toMatchObject({ complete: true, aborted: true, endAtNs: T(20_010) });
    expect(n.userNs).toBe(T(20_010) - T(1000));
    expect(n.userNs + n.flyteNs + n.externalNs).toBe(n.timeNs);
  });

  it('an ABORTED event of a round that failed, or one that failed itself, does not end it', () => {
    for (const e of [exec([round(20_000, [aborted(20_010)], 'error')]), exec([round(20_000, [aborted(20_010, 'error')])])]) {
      const n = report(e);
      expect(n.complete).toBe(false);
      expect(n.aborted).toBeUndefined();
      expect(n.endAtNs).toBe(T(60_000));
    }
  });

  it('the first successful ABORTED event counts', () => {
    const n = report(exec([round(20_000, [aborted(20_010, 'throttled')], 'throttled'), round(25_000, [aborted(25_010)]), round(30_000, [aborted(30_010, 'alreadyExists')])]));
    expect(n.endAtNs).toBe(T(25_010));
  });

  it('is told alike in a simulation and in the logs it wrote', async () => {
    const rec = simulateWith(failures(), defaultModel());
    const { folded } = await logRoundTrip(rec, join(dir, 'failures.log'), { format: 'json', cri: true });
    const flags = (r: Recording) =>
      computeReport(r)
        .executions.flatMap((e) => e.nodes.filter((n) => n.aborted).map((n) => `${e.id}/${n.id}@${n.endAtNs - Number(BigInt(r.originUnixNano) - BigInt(rec.originUnixNano))}`))
        .sort();
    const sim = flags(rec);
    expect(sim).toEqual([expect.stringMatching(/^fast-0001\/d@/)]);
    expect(flags(folded)).toEqual(sim);
    // the node that ran out of attempts is marked failed, the failure node that ran is not
    const failed = (r: Recording) => computeReport(r).executions.flatMap((e) => e.nodes.filter((n) => n.failed).map((n) => `${e.id}/${n.id}`)).sort();
    expect(failed(rec)).toEqual(['fast-0001/b', 'patient-0001/b']);
    expect(failed(folded)).toEqual(failed(rec));
  });
});
