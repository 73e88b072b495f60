/**
 * simulate -> propeller logs (json, gcp, text; with and without a CRI prefix) -> read + fold
 * recovers the simulated structure exactly (`shape`), with CRI the exact instants, without it
 * bounds that contain every true instant.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogFormat } from '../../src/export/logs.js';
import { computeReport } from '../../src/metrics/index.js';
import { loadSimulationInput } from '../../src/model/load.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan } from '../../src/model/workflow.js';
import { ERROR_CLASSES, errorClass } from '../../src/timeline/error-class.js';
import type { Recording } from '../../src/timeline/types.js';
import {
  EXTRAS_YAML,
  failures,
  fewWorkers,
  logRoundTrip,
  portfolio,
  shape,
  simulateWith,
  smallMapFanout,
  smallMixedLoad,
  stressModel,
  tempDir,
  timeErrors,
} from './shape.js';
import { defaultModel } from '../../src/model/defaults.js';

const dir = tempDir('logs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'extras.yaml'), EXTRAS_YAML);

/** What a case must contain for its round trip to mean something. */
interface Coverage {
  executions?: number;
  workers?: number;
  errorClasses?: string[];
  endReasons?: string[];
  nested?: boolean;
  launches?: boolean;
  retries?: boolean;
  cacheHits?: boolean;
  /** Executions that end Failed. */
  failed?: number;
}

interface Case {
  name: string;
  plans: () => ExecutionPlan[];
  model: () => Model;
  covers: Coverage;
}

const CASES: Case[] = [
  { name: 'hello', plans: () => portfolio('hello'), model: defaultModel, covers: { executions: 1, endReasons: ['noChange', 'terminal', 'stale', 'terminated'] } },
  { name: 'chained-cache', plans: () => portfolio('chained-cache'), model: defaultModel, covers: { executions: 2, cacheHits: true, errorClasses: ['conflict'], endReasons: ['cap'] } },
  { name: 'map-fanout (60 subtasks)', plans: smallMapFanout, model: defaultModel, covers: { executions: 1, nested: true } },
  { name: 'nested-dynamic', plans: () => portfolio('nested-dynamic'), model: defaultModel, covers: { executions: 2, nested: true, launches: true } },
  { name: 'parallel-subworkflows', plans: () => portfolio('parallel-subworkflows'), model: defaultModel, covers: { executions: 1, nested: true } },
  { name: 'too-large', plans: () => portfolio('too-large'), model: defaultModel, covers: { executions: 1, errorClasses: ['tooLarge'] } },
  { name: 'mixed load on 3 workers', plans: smallMixedLoad, model: () => fewWorkers(3), covers: { executions: 13, workers: 3, nested: true, cacheHits: true } },
  { name: 'retries, branch, gate, cache', plans: () => loadSimulationInput(join(dir, 'extras.yaml')).executions, model: defaultModel, covers: { retries: true, cacheHits: true } },
  {
    name: 'a task out of retries, a failure node, both failure policies',
    plans: failures,
    model: defaultModel,
    covers: { executions: 2, retries: true, failed: 2 },
  },
  {
    name: 'failing runs under event throttling and failures',
    plans: failures,
    model: stressModel,
    covers: { executions: 2, failed: 2, errorClasses: ['error', 'conflict'] },
  },
  {
    name: 'mixed load under event throttling, RPC failures and a streak cap of 3',
    plans: smallMixedLoad,
    model: stressModel,
    covers: { executions: 13, workers: 4, errorClasses: ['throttled', 'error', 'conflict'], endReasons: ['cap', 'error'] },
  },
];

function coverage(rec: Recording) {
  const workers = new Set<string>();
  const errorClasses = new Set<string>();
  const endReasons = new Set<string>();
  let nested = false;
  let launches = false;
  let retries = false;
  let cacheHits = false;
  for (const e of rec.executions) {
    for (const h of e.handles) {
      workers.add(h.worker);
      endReasons.add(h.endReason);
      for (const r of h.rounds) {
        if (r.error !== undefined) errorClasses.add(r.error);
        if (r.ops.some((o) => o.kind === 'launchExecution')) launches = true;
      }
    }
    for (const n of e.nodes) {
      if (n.id.includes('/') && n.transitions.length > 0) nested = true;
      if ((n.retries ?? 0) > 0) retries = true;
      if (n.cache === 'hit') cacheHits = true;
    }
  }
  const failed = rec.executions.filter((e) => e.phase === 'Failed').length;
  return { executions: rec.executions.filter((e) => e.handles.length > 0).length, workers, errorClasses, endReasons, nested, launches, retries, cacheHits, failed };
}

/**
 * The first failed op of each failed round (what made it fail; the workflow end node's event errors
 * are swallowed without a line and fail nothing) with its error text, which must come back from the
 * logs; a too-large write is logged with propeller's reason (`workflow too large`), not the API
 * server's text.
 */
function failedOps(rec: Recording): { at: string; kind: string; outcome: string; detail: unknown }[] {
  const out: { at: string; kind: string; outcome: string; detail: unknown }[] = [];
  for (const e of rec.executions)
    e.handles.forEach((h, hi) =>
      h.rounds.forEach((r, ri) => {
        if (r.error === undefined) return;
        const o = r.ops.find((x) => x.outcome !== undefined && !['ok', 'hit', 'miss', 'alreadyExists'].includes(x.outcome) && !(x.kind === 'nodeEvent' && x.node === 'end-node'));
        if (o === undefined) throw new Error(`${e.id} h${hi}.r${ri}: a failed round without a failed op`);
        // The round states the class of its failing op, whose detail is a text of that class.
        expect(o.outcome).toBe(r.error);
        expect(errorClass(o.detail ?? ''), `${o.kind} ${o.detail}`).toBe(o.outcome);
        const detail = rec.source !== 'logs' && o.outcome === 'tooLarge' ? 'workflow too large' : o.detail;
        out.push({ at: `${e.id} h${hi}.r${ri}`, kind: o.kind, outcome: o.outcome!, detail });
      }),
    );
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const VARIANTS: { format: LogFormat; cri: boolean }[] = [
  { format: 'json', cri: true },
  { format: 'json', cri: false },
  { format: 'gcp', cri: true },
  { format: 'gcp', cri: false },
  { format: 'text', cri: true },
  { format: 'text', cri: false },
];

describe.each(CASES)('logs round trip: $name', (c) => {
  const model = c.model();
  const rec = simulateWith(c.plans(), model);
  const truth = shape(rec);

  it('simulates what the case is meant to cover', () => {
    const cov = coverage(rec);
    if (c.covers.executions !== undefined) expect(cov.executions).toBe(c.covers.executions);
    if (c.covers.workers !== undefined) expect(cov.workers.size).toBe(c.covers.workers);
    for (const k of c.covers.errorClasses ?? []) expect([...cov.errorClasses], k).toContain(k);
    for (const k of c.covers.endReasons ?? []) expect([...cov.endReasons], k).toContain(k);
    if (c.covers.nested) expect(cov.nested).toBe(true);
    if (c.covers.launches) expect(cov.launches).toBe(true);
    if (c.covers.retries) expect(cov.retries).toBe(true);
    if (c.covers.cacheHits) expect(cov.cacheHits).toBe(true);
    if (c.covers.failed !== undefined) expect(cov.failed).toBe(c.covers.failed);
  });

  it.each(VARIANTS)('$format, cri=$cri: same structure, times exact with CRI and bounded without', async ({ format, cri }) => {
    const path = join(dir, `${c.name.replace(/\W+/g, '_')}.${format}${cri ? '.cri' : ''}.log`);
    const { folded, lines } = await logRoundTrip(rec, path, { format, cri, maxStreak: model.propeller.maxStreakLength });

    // Every line read, and each either used or skipped for a known, benign reason.
    expect(folded.lines.read).toBe(lines);
    const skipped = Object.values(folded.lines.skipped).reduce((a, b) => a + b, 0);
    expect(folded.lines.used + skipped).toBe(lines);
    // Propeller's own messages only: every line not used is a known message without timing.
    expect(Object.keys(folded.lines.skipped).filter((k) => k !== 'untimed')).toEqual([]);

    expect(shape(folded)).toStrictEqual(truth);

    // The folder keeps error classes; the failing op keeps the error text.
    const failures = failedOps(rec);
    expect(failures.length).toBeGreaterThanOrEqual(c.covers.errorClasses?.length ?? 0);
    expect(failedOps(folded)).toStrictEqual(failures);
    for (const x of [rec, folded]) for (const e of x.executions) for (const h of e.handles) for (const r of h.rounds) if (r.error !== undefined) expect(ERROR_CLASSES.has(r.error), r.error).toBe(true);

    // `Streak ended at [n]/Max: [m]` gives the cap to every call that ran rounds and did not fail.
    const streaks = folded.executions.flatMap((e) => e.handles.filter((h) => h.rounds.length > 0 && h.endReason !== 'error'));
    expect(streaks.length).toBeGreaterThan(0);
    for (const h of streaks) expect(h.streakMax).toBe(model.propeller.maxStreakLength);

    const { errors, checked } = timeErrors(rec, folded, cri);
    expect(checked).toBeGreaterThan(10);
    expect(errors.slice(0, 5)).toEqual([]);
  });
});

describe('a condition read back from logs', () => {
  it('nests its case under the branch node (Flyte names cases after it), so the case counts once', async () => {
    const plans = loadSimulationInput(new URL('../fixtures/flyteworkflow-crds/branch_success_1.json', import.meta.url).pathname).executions;
    const rec = simulateWith(plans, defaultModel());
    const { folded } = await logRoundTrip(rec, join(dir, 'branch.log'), { format: 'json', cri: false });
    const nodes = new Map(folded.executions[0]!.nodes.map((n) => [n.id, n]));
    const sim = new Map(rec.executions[0]!.nodes.map((n) => [n.id, n]));
    const cases = [...sim.values()].filter((n) => sim.get(n.parent ?? '')?.kind === 'branch');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      expect(nodes.get(c.id)?.parent, c.id).toBe(c.parent);
      expect(nodes.get(c.parent!)?.kind).toBe('branch');
    }
    const top = (r: Recording) => computeReport(r).executions[0]!.overhead.nodeCount;
    expect(top(folded)).toBe(top(rec));
  });
});

describe('logs round trip of failing runs of every kind', () => {
  const plans = loadSimulationInput(new URL('../fixtures/scenarios/failing-runs.yaml', import.meta.url).pathname).executions;
  it.each([
    { model: 'default', seed: 'roundtrip', cri: true },
    { model: 'default', seed: 's3', cri: false },
    // a Handle call that ends on a worker at the instant another execution's starts there
    { model: 'stress', seed: 's2', cri: true },
    { model: 'stress', seed: 's3', cri: false },
  ])('$model model, seed $seed, cri=$cri: same structure and times', async ({ model, seed, cri }) => {
    const m = model === 'stress' ? stressModel() : defaultModel();
    const rec = simulateWith(plans, m, seed);
    expect(rec.executions.filter((e) => e.phase === 'Failed').length).toBeGreaterThanOrEqual(8);
    const { folded } = await logRoundTrip(rec, join(dir, `failing-${model}-${seed}.log`), { format: 'json', cri, maxStreak: m.propeller.maxStreakLength });
    expect(shape(folded)).toStrictEqual(shape(rec));
    const { errors, checked } = timeErrors(rec, folded, cri);
    expect(checked).toBeGreaterThan(100);
    expect(errors.slice(0, 5)).toEqual([]);
  });
});
