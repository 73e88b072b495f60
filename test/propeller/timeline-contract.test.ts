/**
 * What the simulated Timeline promises its readers, the same as a Timeline folded from logs: error
 * classes on rounds with the text on the failing op, plugin phase names for task phases, the streak
 * cap on Handle calls, no undefined-valued keys, the parallelism short-circuit count, and queue
 * waits measured from the enqueue a Handle call answers.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { podsFromTaskPhases } from '../../src/metrics/pod-times.js';
import { profile } from '../../src/model/defaults.js';
import type { Model } from '../../src/model/model.js';
import type { WorkflowDef } from '../../src/model/workflow.js';
import { ExecState } from '../../src/propeller/execution.js';
import { simulate } from '../../src/propeller/simulator.js';
import { ERROR_CLASSES, errorClass } from '../../src/timeline/error-class.js';
import { assignEnqueuedAt } from '../../src/timeline/queue-wait.js';
import { TERMINAL_NODE_PHASES, type Execution, type Op, type Recording, type Round } from '../../src/timeline/types.js';
import { exec, plan, task, testModel, workflow } from './helpers.js';
import { SYNTHETIC, stressModel } from './recording-hash.js';

const rounds = (e: Execution): Round[] => e.handles.flatMap((h) => h.rounds);
const allRounds = (rec: Recording): Round[] => rec.executions.flatMap(rounds);
const FAILED = (o: Op): boolean => o.outcome !== undefined && !['ok', 'hit', 'miss', 'alreadyExists'].includes(o.outcome);
const isTopEndNode = (o: Op): boolean => o.kind === 'nodeEvent' && o.node === 'end-node';
const PLUGIN_PHASES = new Set(['PhaseUndefined', 'PhaseQueued', 'PhaseInitializing', 'PhaseRunning', 'PhaseSuccess', 'PhaseRetryableFailure', 'PhasePermanentFailure']);

/** Node event RPCs fail with probability `p` (no system-retry limit in the way). */
function failingNodeEvents(p: number): Model {
  const m = testModel({ propeller: { maxWorkflowRetries: 10_000 } });
  m.events.node.failureProbability = p;
  return m;
}

describe('round errors', () => {
  // Failing and throttled events, write conflicts (the resource-version cache with a slow watch),
  // and a CR over the etcd limit.
  const scarce = testModel({ propeller: { eventRate: 20, eventBurst: 5, workers: 4, maxStreakLength: 3 } });
  scarce.events.workflow.failureProbability = 0.03;
  scarce.events.node.failureProbability = 0.03;
  scarce.events.task.failureProbability = 0.03;
  scarce.etcd.watch = { type: 'lognormal', mu: Math.log(0.3), sigma: 0.5 };
  const recs = [
    simulate(SYNTHETIC.zoo!(), stressModel(), { seed: 7, replication: 0 }),
    simulate(SYNTHETIC['concurrent-60']!(), scarce, { seed: 7, replication: 0 }),
    simulate([plan('big', workflow('big', Array.from({ length: 100 }, (_, i) => task(`n${i}`, [])), 1_540_000))], testModel({ propeller: { maxParallelism: 0 } }), {
      seed: 1,
      replication: 0,
    }),
  ];

  it('a failed round states an error class; the failing op carries the full text of that class', () => {
    const seen = new Set<string>();
    for (const r of recs.flatMap(allRounds)) {
      if (r.error === undefined) continue;
      seen.add(r.error);
      expect(ERROR_CLASSES.has(r.error), r.error).toBe(true);
      const failing = r.ops.filter((o) => FAILED(o) && !isTopEndNode(o));
      expect(failing.length).toBeGreaterThan(0);
      expect(failing[0]!.outcome).toBe(r.error);
      expect(failing[0]!.detail, JSON.stringify(failing[0])).toBeDefined();
      expect(errorClass(failing[0]!.detail!)).toBe(r.error);
    }
    // The stress model and the oversized CR reach every class the simulator produces.
    expect([...seen].sort()).toEqual(['conflict', 'error', 'throttled', 'tooLarge']);
  });

  it('every failed op (event, write) says why in its detail; a successful event has none', () => {
    let failedEvents = 0;
    for (const r of recs.flatMap(allRounds)) {
      for (const o of r.ops) {
        if (FAILED(o)) {
          expect(o.detail, `${o.kind} ${o.outcome}`).toBeDefined();
          expect(errorClass(o.detail!)).toBe(o.outcome);
          if (o.kind.endsWith('Event')) failedEvents++;
        } else if (o.kind.endsWith('Event')) expect(o.detail).toBeUndefined();
      }
    }
    expect(failedEvents).toBeGreaterThan(10);
  });
});

describe('end-node events', () => {
  // Seeds where the top-level end node's events fail, found by running a few.
  const runs = Array.from({ length: 12 }, (_, seed) =>
    exec(simulate([plan('e', workflow('wf', [task('n0', [])]))], failingNodeEvents(0.35), { seed, replication: 0 }), 'e'),
  );

  it('an error of the workflow end node is swallowed: the round goes on and persists the transition', () => {
    let swallowed = 0;
    for (const e of runs) {
      expect(e.phase).toBe('Succeeded');
      e.handles.forEach((h, hi) =>
        h.rounds.forEach((r, ri) => {
          const endFail = r.ops.find((o) => isTopEndNode(o) && FAILED(o));
          if (!endFail) return;
          expect(endFail.detail).toBeDefined();
          if (r.ops.some((o) => FAILED(o) && !isTopEndNode(o))) return;
          swallowed++;
          expect(r.error).toBeUndefined();
          const persisted = e.nodes.find((n) => n.id === 'end-node')!.transitions.filter((t) => t.handle === hi && t.round === ri);
          expect(persisted.length).toBe(1);
        }),
      );
    }
    // Both of the end node's steps (NotYetStarted→Queued with QUEUED, Queued→Succeeded with SUCCEEDED).
    const phases = new Set(runs.flatMap((e) => rounds(e).flatMap((r) => r.ops.filter((o) => isTopEndNode(o) && FAILED(o)).map((o) => o.to))));
    expect(phases).toEqual(new Set(['QUEUED', 'SUCCEEDED']));
    expect(swallowed).toBeGreaterThan(1);
  });

  it('a nested end node (generated event id) is not exempt: its event error fails the round', () => {
    const sub: WorkflowDef = workflow('sub', [task('s0', [])]);
    let failedRounds = 0;
    for (let seed = 0; seed < 12; seed++) {
      const e = exec(simulate([plan('s', workflow('wf', [{ id: 'sw', kind: 'subworkflow', upstream: [], subworkflow: sub }]))], failingNodeEvents(0.35), { seed, replication: 0 }), 's');
      expect(e.phase).toBe('Succeeded');
      for (const r of rounds(e)) {
        const first = r.ops.find((o) => FAILED(o) && !isTopEndNode(o));
        if (first?.kind === 'nodeEvent' && first.node === 'sw/end-node') {
          failedRounds++;
          expect(r.error).toBe('error');
        }
      }
    }
    expect(failedRounds).toBeGreaterThan(0);
  });
});

describe('task phases', () => {
  it('use plugin phase names, in task phases and task event ops; a retried attempt ends in PhaseRetryableFailure', () => {
    const e = exec(simulate([plan('r', workflow('wf', [task('n0', [], { failedAttempts: 2 })]))], testModel(), { seed: 2, replication: 0 }), 'r');
    const n0 = e.nodes.find((n) => n.id === 'n0')!;
    const tps = n0.taskPhases!;
    for (const t of tps) {
      expect(PLUGIN_PHASES.has(t.from), t.from).toBe(true);
      expect(PLUGIN_PHASES.has(t.to), t.to).toBe(true);
    }
    expect(tps.filter((t) => t.to === 'PhaseRetryableFailure').length).toBe(2);
    expect(tps.at(-1)!.to).toBe('PhaseSuccess');
    // The next attempt starts from the failure: `from` chains through the attempts.
    for (let i = 1; i < tps.length; i++) expect(tps[i]!.from).toBe(tps[i - 1]!.to);
    const ops = rounds(e).flatMap((r) => r.ops.filter((o) => o.kind === 'taskEvent'));
    expect(ops.length).toBeGreaterThan(0);
    for (const o of ops) expect(PLUGIN_PHASES.has(o.to!), o.to).toBe(true);
    // Metrics read the attempts back from the phases alone: three attempts, the first two failed.
    const attempts = podsFromTaskPhases(tps);
    expect(attempts.length).toBe(3);
    for (const a of attempts) expect(a.finished).toBeDefined();
  });

  it('map tasks send plugin phases too', () => {
    const e = exec(simulate([plan('m', workflow('wf', [{ id: 'n0', kind: 'map', upstream: [], map: { size: 5, parallelism: 2 } }]))], testModel(), { seed: 4, replication: 0 }), 'm');
    const tps = e.nodes.find((n) => n.id === 'n0')!.taskPhases!;
    expect(tps[0]!.to).toBe('PhaseQueued');
    expect(tps.at(-1)!.to).toBe('PhaseSuccess');
    expect(tps.every((t) => PLUGIN_PHASES.has(t.to))).toBe(true);
  });
});

describe('streak cap', () => {
  it('every Handle call that ran rounds states max-streak-length; skipped calls do not', () => {
    const m = stressModel();
    const rec = simulate(SYNTHETIC.zoo!(), m, { seed: 7, replication: 0 });
    const hs = rec.executions.flatMap((e) => e.handles);
    const ran = hs.filter((h) => h.rounds.length > 0);
    expect(ran.length).toBeGreaterThan(10);
    for (const h of ran) expect(h.streakMax).toBe(m.propeller.maxStreakLength);
    expect(ran.some((h) => h.endReason === 'cap' && h.rounds.length === 3)).toBe(true);
    for (const h of hs.filter((x) => x.rounds.length === 0)) expect('streakMax' in h).toBe(false);
  });
});

describe('no undefined-valued keys', () => {
  function undefinedKeys(v: unknown, path: string, out: string[]): void {
    if (Array.isArray(v)) v.forEach((x, i) => undefinedKeys(x, `${path}[${i}]`, out));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (x === undefined) out.push(`${path}.${k}`);
        else undefinedKeys(x, `${path}.${k}`, out);
      }
    }
  }

  it('a Recording deep-equals its JSON read-back', () => {
    for (const plans of [SYNTHETIC.zoo!(), SYNTHETIC['concurrent-60']!()]) {
      const rec = simulate(plans, stressModel(), { seed: 7, replication: 0 });
      const found: string[] = [];
      undefinedKeys(rec, 'rec', found);
      expect(found.slice(0, 5)).toEqual([]);
      expect(JSON.parse(JSON.stringify(rec))).toStrictEqual(rec);
    }
  });
});

describe('max parallelism short-circuit count', () => {
  it('counts the task-like nodes the traversal defers, not finished ones still listed', () => {
    // start → t0..t13 (tasks), plus a gate that does not count for parallelism.
    const wf = workflow('wf', [...Array.from({ length: 14 }, (_, i) => task(`t${i}`, [])), { id: 'g', kind: 'gate', upstream: [], gate: { type: 'constant', value: 1 } }]);
    const e = new ExecState(0, plan('p', wf), new RandomStreams('s', 0), testModel(), null, null);
    const scope = e.top;
    const byId = new Map(scope.nodes.map((n) => [n.id, n]));
    for (const n of scope.nodes) if (n.id !== 'start-node' && n.id !== 'end-node') scope.reach(n);
    let f = scope.current();
    const order = f.map((o) => scope.byOrder[o]!.id);
    expect(order).toEqual([...Array.from({ length: 14 }, (_, i) => `t${i}`), 'g']);
    const k = (pos: number) => scope.others.filter((x) => x < pos).length;
    // Stop at t2: t2..t13 are deferred (the gate does not count).
    expect(scope.deferredFrom(2, k(2))).toBe(12);
    // t0, t3 and t5 finish (their terminal phase persisted) but stay listed until a compaction.
    scope.markStale(byId.get('t3')!);
    scope.markStale(byId.get('t5')!);
    scope.markStale(byId.get('t0')!);
    f = scope.current();
    expect(f.length).toBe(15);
    expect(scope.deferredFrom(2, k(2))).toBe(10);
    expect(scope.deferredFrom(4, k(4))).toBe(9);
    expect(scope.deferredFrom(6, k(6))).toBe(8);
    // After a compaction the list holds only unfinished nodes.
    scope.reach(byId.get('end-node')!);
    f = scope.current();
    // (the end node sits right after t0 in DFS preorder: t0 is its first upstream)
    expect(f.map((o) => scope.byOrder[o]!.id)).toEqual(['end-node', 't1', 't2', 't4', ...Array.from({ length: 8 }, (_, i) => `t${i + 6}`), 'g']);
    expect(scope.deferredFrom(2, k(2))).toBe(10);
  });

  it('leaves out tasks that finished behind the first deferred one (a later scope loses capacity to an earlier one)', () => {
    // sw1's short tasks y4, y5 finish early; once `a` is done, sw0 (earlier in DFS order) takes the
    // capacity and sw1's traversal stops at a long task with y4, y5 behind it.
    const ln = (s: number) => ({ type: 'lognormal' as const, mu: Math.log(s), sigma: 0.05 });
    const sub = (p: string, rts: number[]) => workflow(p, rts.map((r, i) => task(`${p}${i}`, [], { runtime: ln(r) })));
    const wf = workflow('wf', [
      task('a', [], { runtime: ln(30) }),
      { id: 'sw0', kind: 'subworkflow', upstream: ['a'], subworkflow: sub('x', [60, 60, 60, 60, 60, 60]) },
      { id: 'sw1', kind: 'subworkflow', upstream: [], subworkflow: sub('y', [100, 100, 100, 100, 5, 5, 100, 100]) },
    ]);
    const e = exec(simulate([plan('p', wf)], testModel({ propeller: { maxParallelism: 7 } }), { seed: 1, replication: 0 }), 'p');
    expect(e.phase).toBe('Succeeded');
    let checked = 0;
    let finishedBehind = 0;
    e.handles.forEach((h, hi) =>
      h.rounds.forEach((r, ri) => {
        const op = r.ops.find((o) => o.kind === 'parallelismLimit');
        if (!op?.node?.startsWith('sw1/')) return;
        const from = Number(op.node.slice('sw1/y'.length));
        const before = (t: { handle?: number; round?: number }) => t.handle! < hi || (t.handle === hi && t.round! < ri);
        let unfinished = 0;
        for (let i = from; i < 8; i++) {
          const tr = e.nodes.find((n) => n.id === `sw1/y${i}`)!.transitions;
          if (!tr.some((x) => before(x) && TERMINAL_NODE_PHASES.has(x.to))) unfinished++;
        }
        if (unfinished < 8 - from) finishedBehind++;
        expect(Number(/; (\d+) node/.exec(op.detail!)![1]), `h${hi}.r${ri}`).toBe(unfinished);
        checked++;
      }),
    );
    expect(checked).toBeGreaterThan(10);
    expect(finishedBehind).toBeGreaterThan(10);
  });

  it('in a simulated fan-out, equals the unfinished tasks from the first deferred one on', () => {
    const tasks = Array.from({ length: 8 }, (_, i) => task(`t${i}`, [], { runtime: { type: 'lognormal', mu: Math.log(2 + i), sigma: 0.6 } }));
    const e = exec(simulate([plan('p', workflow('wf', tasks))], testModel({ propeller: { maxParallelism: 2 } }), { seed: 5, replication: 0 }), 'p');
    expect(e.phase).toBe('Succeeded');
    let checked = 0;
    e.handles.forEach((h, hi) =>
      h.rounds.forEach((r, ri) => {
        const op = r.ops.find((o) => o.kind === 'parallelismLimit');
        if (!op) return;
        const from = Number(op.node!.slice(1));
        const before = (t: { handle?: number; round?: number }) => t.handle! < hi || (t.handle === hi && t.round! < ri);
        const unfinished = tasks.filter((t, i) => {
          if (i < from) return false;
          const tr = e.nodes.find((n) => n.id === t.id)!.transitions;
          return !tr.some((x) => before(x) && TERMINAL_NODE_PHASES.has(x.to));
        }).length;
        expect(op.detail).toMatch(/^\d+ >= 2; \d+ node\(s\) short-circuited$/);
        expect(Number(/; (\d+) node/.exec(op.detail!)![1])).toBe(unfinished);
        checked++;
      }),
    );
    expect(checked).toBeGreaterThan(3);
  });
});

describe('queue waits', () => {
  it('under flyte-core (base delay 5 s) the first Handle call after a successful one waited at least the base delay', () => {
    const m = profile('flyte-core');
    const base = m.propeller.baseDelaySeconds * 1e9;
    expect(base).toBe(5e9);
    const rec = simulate(SYNTHETIC['concurrent-60']!().slice(0, 10), m, { seed: 3, replication: 0 });
    let checked = 0;
    for (const e of rec.executions) {
      for (let i = 1; i < e.handles.length; i++) {
        if (e.handles[i - 1]!.endReason === 'error') continue;
        const h = e.handles[i]!;
        expect(h.enqueuedAt, `${e.id} h${i}`).toBeDefined();
        expect(h.start - h.enqueuedAt!).toBeGreaterThanOrEqual(base);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('are assigned by the shared rule: a recorded enqueue after the previous call started, none otherwise', () => {
    const rec = simulate(SYNTHETIC.zoo!(), stressModel(), { seed: 7, replication: 0 });
    let known = 0;
    let total = 0;
    for (const e of rec.executions) {
      const before = JSON.stringify(e.handles);
      assignEnqueuedAt(e);
      expect(JSON.stringify(e.handles)).toBe(before);
      e.handles.forEach((h, i) => {
        total++;
        const prev = i > 0 ? e.handles[i - 1]!.start : -Infinity;
        const inWindow = e.enqueues.filter((q) => q.at > prev && q.at <= h.start).map((q) => q.at);
        if (inWindow.length === 0) {
          // A call caused only by a delayed add of an earlier window (e.g. a sub-queue flush).
          expect('enqueuedAt' in h).toBe(false);
          return;
        }
        known++;
        expect(h.enqueuedAt).toBe(Math.min(...inWindow));
        // an exact enqueue of an exact Handle call: no bounds (absent = exact)
        expect('enqueuedAtLo' in h || 'enqueuedAtHi' in h).toBe(false);
      });
    }
    expect(known).toBeGreaterThan(total * 0.8);
  });
});

describe('workflow label', () => {
  const label = (name: string) => simulate([plan('e', workflow(name, [task('n0', [])]))], testModel(), { seed: 1, replication: 0 }).executions[0]!.workflow;

  it('is project:domain:name, as propeller logs it, also for a CR spec.id that already holds project and domain', () => {
    const p = plan('e', workflow('x', []));
    const full = `${p.project}:${p.domain}`;
    expect(label('my_wf')).toBe(`${full}:my_wf`);
    expect(label('proj:dev:core.my_wf')).toBe('proj:dev:core.my_wf');
    // Compiled without project and domain: the execution's fill in.
    expect(label('::core.my_wf')).toBe(`${full}:core.my_wf`);
  });
});
