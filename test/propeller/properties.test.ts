import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { simulate } from '../../src/propeller/simulator.js';
import { assignEnqueuedAt } from '../../src/timeline/queue-wait.js';
import type { ExecutionPlan, WorkflowNode } from '../../src/model/workflow.js';
import type { Recording } from '../../src/timeline/types.js';
import { plan, testModel, workflow } from './helpers.js';

/** A random DAG: each node may depend on earlier ones; mostly tasks, some cached, maps and subworkflows. */
const node = (i: number, n: number) =>
  fc
    .record({
      ups: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, n - 1) }), { maxLength: 3 }),
      kind: fc.constantFrom('task', 'task', 'task', 'cached', 'map', 'sub', 'retry'),
      hit: fc.boolean(),
    })
    .map(({ ups, kind, hit }): WorkflowNode => {
      const upstream = ups.filter((u) => u < i).map((u) => `n${u}`);
      const id = `n${i}`;
      switch (kind) {
        case 'cached':
          return { id, kind: 'task', upstream, cache: { hit } };
        case 'map':
          return { id, kind: 'map', upstream, map: { size: 3, parallelism: hit ? 2 : 0 } };
        case 'sub':
          return { id, kind: 'subworkflow', upstream, subworkflow: workflow('sub', [{ id: 't0', kind: 'task', upstream: [] }, { id: 't1', kind: 'task', upstream: ['t0'] }]) };
        case 'retry':
          return { id, kind: 'task', upstream, failedAttempts: 1 };
        default:
          return { id, kind: 'task', upstream };
      }
    });

const dag = fc.integer({ min: 1, max: 7 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => node(i, n))));

const scenario = fc.record({
  dags: fc.array(dag, { minLength: 1, maxLength: 3 }),
  arrivals: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 3 }),
  workers: fc.integer({ min: 1, max: 4 }),
  streak: fc.integer({ min: 1, max: 8 }),
  baseDelay: fc.constantFrom(0, 0, 2),
  rvCache: fc.boolean(),
  maxPar: fc.constantFrom(0, 2, 25),
  seed: fc.integer(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(s: Scenario): Recording {
  const plans: ExecutionPlan[] = s.dags.map((nodes, i) => plan(`e${i}`, workflow(`wf${i}`, nodes), s.arrivals[i]!));
  const m = testModel({
    propeller: { workers: s.workers, maxStreakLength: s.streak, baseDelaySeconds: s.baseDelay, maxParallelism: s.maxPar },
    store: { resourceVersionCache: s.rvCache },
  });
  return simulate(plans, m, { seed: s.seed, replication: 0 });
}

/** Global order of a (handle, round) position within one execution. */
const pos = (h: number, r: number) => h * 1e6 + r;

describe('propeller model properties over generated DAGs', () => {
  test.prop([scenario], { numRuns: 60 })(
    "a Handle call's enqueuedAt, set as the call begins, is what the queue-wait rule gives once the run is over",
    (s) => {
      const rec = run(s);
      let calls = 0;
      let enqueued = 0;
      for (const e of rec.executions) {
        const copy = structuredClone(e);
        assignEnqueuedAt(copy);
        expect(e.handles.map((h) => h.enqueuedAt)).toEqual(copy.handles.map((h) => h.enqueuedAt));
        calls += e.handles.length;
        enqueued += e.handles.filter((h) => h.enqueuedAt !== undefined).length;
      }
      // Most calls answer an enqueue: the comparison is not between lists of undefined. (Over the
      // run: one tiny execution's calls can be half stale re-runs, e.g. a cache hit on 1 worker.)
      expect(enqueued).toBeGreaterThan(calls / 2);
    },
  );

  test.prop([scenario], { numRuns: 60 })('every execution terminates, successfully', (s) => {
    const rec = run(s);
    expect(rec.executions.length).toBeGreaterThanOrEqual(s.dags.length);
    for (const e of rec.executions) {
      expect(e.phase).toBe('Succeeded');
      expect(e.ended).toBeDefined();
      for (const n of e.nodes) {
        // Every node of the workflow ran to Succeeded (no branches here).
        expect(n.transitions.at(-1)?.to).toBe('Succeeded');
      }
    }
  });

  test.prop([scenario], { numRuns: 60 })(
    'no node starts before all its upstreams succeeded; children of a node that just succeeded start in a later round',
    (s) => {
      const rec = run(s);
      for (const e of rec.executions) {
        const byId = new Map(e.nodes.map((n) => [n.id, n]));
        for (const n of e.nodes) {
          const first = n.transitions[0];
          if (!first || !n.upstream) continue;
          const start = pos(first.handle!, first.round!);
          let reachedEarlier = false;
          for (const u of n.upstream) {
            const done = byId.get(u)!.transitions.find((t) => t.to === 'Succeeded');
            expect(done).toBeDefined();
            expect(done!.at).toBeLessThanOrEqual(first.at);
            const p = pos(done!.handle!, done!.round!);
            expect(p).toBeLessThanOrEqual(start);
            if (p < start) reachedEarlier = true;
          }
          // The traversal only reaches a node through an upstream that had already succeeded; another
          // upstream may finish earlier in the same round (propeller's DFS sees the mutated status).
          expect(reachedEarlier).toBe(true);
        }
      }
    },
  );

  test.prop([scenario], { numRuns: 60 })('at most one transition per node per round', (s) => {
    const rec = run(s);
    for (const e of rec.executions)
      for (const n of e.nodes) {
        const seen = new Set<number>();
        for (const t of n.transitions) {
          const k = pos(t.handle!, t.round!);
          expect(seen.has(k)).toBe(false);
          seen.add(k);
        }
      }
  });

  test.prop([scenario], { numRuns: 60 })(
    'a worker holds one Handle call at a time, and an execution is never on two workers at once',
    (s) => {
      const rec = run(s);
      const all = rec.executions.flatMap((e) => e.handles.map((h) => ({ ...h, exec: e.id })));
      const check = (group: Map<string, typeof all>) => {
        for (const hs of group.values()) {
          hs.sort((a, b) => a.start - b.start || a.end - b.end);
          for (let i = 1; i < hs.length; i++) expect(hs[i]!.start).toBeGreaterThanOrEqual(hs[i - 1]!.end);
        }
      };
      const byWorker = new Map<string, typeof all>();
      const byExec = new Map<string, typeof all>();
      for (const h of all) {
        byWorker.set(h.worker, [...(byWorker.get(h.worker) ?? []), h]);
        byExec.set(h.exec, [...(byExec.get(h.exec) ?? []), h]);
      }
      check(byWorker);
      check(byExec);
      for (const h of all) expect(Number(h.worker.slice('worker-'.length))).toBeLessThan(s.workers);
    },
  );
});
