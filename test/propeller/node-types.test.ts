import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/propeller/simulator.js';
import type { Execution, Op } from '../../src/timeline/types.js';
import { exec, plan, task, testModel, workflow } from './helpers.js';

const opsOf = (e: Execution, committedOnly = false): Op[] =>
  e.handles.flatMap((h) => h.rounds.filter((r) => !committedOnly || (r.changed && !r.error)).flatMap((r) => r.ops));
const node = (e: Execution, id: string) => {
  const n = e.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};
const path = (e: Execution, id: string) => node(e, id).transitions.map((t) => `${t.from}>${t.to}`);
/** Handle/round position of a transition, for "same round" checks. */
const where = (e: Execution, id: string, to: string) => {
  const t = node(e, id).transitions.find((x) => x.to === to)!;
  return `${t.handle}/${t.round}`;
};

describe('map task (ArrayNode)', () => {
  const run = (size: number, parallelism: number) =>
    exec(
      simulate([plan('m', workflow('wf', [{ id: 'n0', kind: 'map', upstream: [], map: { size, parallelism } }]))], testModel(), {
        seed: 4,
        replication: 0,
      }),
      'm',
    );

  it('runs every subnode as its own pod, nested under the map node', () => {
    const e = run(6, 0);
    expect(e.phase).toBe('Succeeded');
    expect(path(e, 'n0')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeding', 'Succeeding>Succeeded']);
    for (let i = 0; i < 6; i++) {
      const s = node(e, `n0/n${i}`);
      expect(s.kind).toBe('subnode');
      expect(s.parent).toBe('n0');
      expect(s.transitions.at(-1)!.to).toBe('Succeeded');
      expect(s.pod!.started).toBeDefined();
    }
    const podNames = opsOf(e).filter((o) => o.kind === 'podCreate' && o.outcome === 'ok').map((o) => o.detail);
    expect(podNames).toContain('m-n0-0-n3-0');
  });

  it('keeps at most `parallelism` subnodes running and sends at most one aggregated task event per round', () => {
    const e = run(7, 2);
    expect(e.phase).toBe('Succeeded');
    // Intervals from Queued to Succeeded of each subnode: never more than 2 overlap.
    const spans = Array.from({ length: 7 }, (_, i) => {
      const t = node(e, `n0/n${i}`).transitions;
      return [t.find((x) => x.to === 'Queued')!.at, t.find((x) => x.to === 'Succeeded')!.at] as const;
    });
    for (const [a] of spans) {
      const live = spans.filter(([s, f]) => s <= a && a < f).length;
      expect(live).toBeLessThanOrEqual(2);
    }
    for (const h of e.handles)
      for (const r of h.rounds) expect(r.ops.filter((o) => o.kind === 'taskEvent' && o.node === 'n0').length).toBeLessThanOrEqual(1);
    // Subnodes send no events of their own (event version 0 folds them into the map's task event).
    expect(opsOf(e).some((o) => (o.kind === 'nodeEvent' || o.kind === 'taskEvent') && o.node?.startsWith('n0/'))).toBe(false);
  });

  const cached = (hit: boolean) =>
    exec(
      simulate([plan('m', workflow('wf', [{ id: 'n0', kind: 'map', upstream: [], map: { size: 5, parallelism: 0 }, cache: { hit } }]))], testModel(), {
        seed: 4,
        replication: 0,
      }),
      'm',
    );

  it('a cacheable map task: each subtask looks itself up; a hit succeeds at once with no pod, and the array reports it', () => {
    const e = cached(true);
    expect(e.phase).toBe('Succeeded');
    const ops = opsOf(e, true);
    for (let i = 0; i < 5; i++) {
      const id = `n0/n${i}`;
      expect(path(e, id)).toEqual(['NotYetStarted>Succeeded']);
      expect(node(e, id).cache).toBe('hit');
      expect(node(e, id).pods ?? []).toEqual([]);
      expect(ops.filter((o) => o.kind === 'catalogGet' && o.node === id).map((o) => o.outcome)).toEqual(['hit']);
      // the hit writes the subtask's outputs from the artifact
      expect(ops.some((o) => o.kind === 'blobWrite' && o.node === id && o.detail?.endsWith('outputs.pb'))).toBe(true);
    }
    expect(ops.some((o) => o.kind === 'podCreate' || o.kind === 'bufferedTaskEvent')).toBe(false);
    // a hit sends no task event of its own: the array reports RUNNING in the round of the hits
    const hitRound = e.handles.flatMap((h) => h.rounds).find((r) => r.ops.some((o) => o.kind === 'catalogGet'))!;
    expect(hitRound.ops.filter((o) => o.kind === 'taskEvent' && o.node === 'n0').map((o) => o.to)).toEqual(['PhaseRunning']);
  });

  it('a cacheable map task that misses runs every subtask and writes each to the catalog', () => {
    const e = cached(false);
    expect(e.phase).toBe('Succeeded');
    const ops = opsOf(e, true);
    for (let i = 0; i < 5; i++) {
      const id = `n0/n${i}`;
      expect(node(e, id).cache).toBe('miss');
      expect(node(e, id).pod?.started).toBeDefined();
      expect(ops.filter((o) => o.kind === 'catalogGet' && o.node === id).map((o) => o.outcome)).toEqual(['miss']);
      expect(ops.filter((o) => o.kind === 'catalogPut' && o.node === id)).toHaveLength(1);
      // the write follows the subtask's success
      const put = ops.find((o) => o.kind === 'catalogPut' && o.node === id)!;
      const success = node(e, id).taskPhases!.find((t) => t.to === 'PhaseSuccess')!;
      expect(put.start).toBeGreaterThanOrEqual(success.at);
    }
  });
});

describe('dynamic node', () => {
  it('runs the parent pod, then DynamicRunning with per-round blob reads and a nested sub-DAG', () => {
    const sub = workflow('sub', [task('t0', []), task('t1', ['t0'])]);
    const e = exec(
      simulate([plan('d', workflow('wf', [{ id: 'n0', kind: 'dynamic', upstream: [], dynamic: sub }]))], testModel(), { seed: 2, replication: 0 }),
      'd',
    );
    expect(e.phase).toBe('Succeeded');
    expect(path(e, 'n0')).toEqual([
      'NotYetStarted>Queued',
      'Queued>Running',
      'Running>DynamicRunning',
      'DynamicRunning>Succeeding',
      'Succeeding>Succeeded',
    ]);
    expect(node(e, 'n0/t1').parent).toBe('n0');
    expect(path(e, 'n0/t0')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeding', 'Succeeding>Succeeded']);
    // The sub-DAG starts only after the parent task succeeded.
    expect(node(e, 'n0/start-node').transitions[0]!.at).toBeGreaterThan(node(e, 'n0').transitions[2]!.at);
    // Every round that handles the sub-DAG first reloads the compiled workflow from the blobstore.
    const subRounds = e.handles.flatMap((h) => h.rounds).filter((r) => r.ops.some((o) => o.node === 'n0/t0' && o.kind === 'nodeTransition'));
    for (const r of subRounds) expect(r.ops.filter((o) => o.node === 'n0' && o.kind === 'blobRead').length).toBeGreaterThanOrEqual(3);
    const nev = opsOf(e, true).filter((o) => o.node === 'n0' && o.kind === 'nodeEvent').map((o) => o.to);
    expect(nev).toEqual(['QUEUED', 'RUNNING', 'DYNAMIC_RUNNING', 'SUCCEEDED']);
  });

  const cachedDynamic = (hit: boolean) =>
    exec(
      simulate(
        [plan('d', workflow('wf', [{ id: 'n0', kind: 'dynamic', upstream: [], dynamic: workflow('sub', [task('t0', [])]), cache: { hit } }]))],
        testModel(),
        { seed: 2, replication: 0 },
      ),
      'd',
    );

  it('a cacheable dynamic node that hits succeeds at once: no parent pod, no sub-DAG', () => {
    const e = cachedDynamic(true);
    expect(e.phase).toBe('Succeeded');
    expect(path(e, 'n0')).toEqual(['NotYetStarted>Succeeded']);
    const ops = opsOf(e, true);
    expect(ops.filter((o) => o.kind === 'catalogGet').map((o) => `${o.node}:${o.outcome}`)).toEqual(['n0:hit']);
    expect(ops.some((o) => o.kind === 'podCreate' || o.node?.startsWith('n0/'))).toBe(false);
  });

  it('a cacheable dynamic node that misses writes the catalog once its sub-DAG succeeded', () => {
    const e = cachedDynamic(false);
    expect(e.phase).toBe('Succeeded');
    const ops = opsOf(e, true);
    const puts = ops.filter((o) => o.kind === 'catalogPut');
    expect(puts.map((o) => o.node)).toEqual(['n0']);
    const innerDone = node(e, 'n0/end-node').transitions.at(-1)!.at;
    const succeeding = node(e, 'n0').transitions.find((t) => t.to === 'Succeeding')!.at;
    expect(puts[0]!.start).toBeGreaterThanOrEqual(innerDone);
    expect(puts[0]!.end).toBeLessThanOrEqual(succeeding);
  });
});

describe('subworkflow', () => {
  it('starts its capstone start node in the same round, copies outputs at the end, never finalizes', () => {
    const sub = workflow('sub', [task('t0', [])]);
    const e = exec(
      simulate([plan('s', workflow('wf', [{ id: 'n0', kind: 'subworkflow', upstream: [], subworkflow: sub }]))], testModel(), {
        seed: 2,
        replication: 0,
      }),
      's',
    );
    expect(e.phase).toBe('Succeeded');
    expect(path(e, 'n0')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeded']);
    expect(where(e, 'n0/start-node', 'Succeeded')).toBe(where(e, 'n0', 'Running'));
    expect(path(e, 'n0/end-node')).toEqual(['NotYetStarted>Queued', 'Queued>Succeeded']);
    expect(opsOf(e, true).filter((o) => o.kind === 'blobCopy' && o.node === 'n0').length).toBe(1);
  });
});

describe('launch plan', () => {
  it('runs the child as a separate execution and notices its end at an admin-launcher poll', () => {
    const child = workflow('child', [task('t0', [])]);
    const rec = simulate([plan('p', workflow('wf', [{ id: 'n0', kind: 'launchplan', upstream: [], launchplan: child }]))], testModel(), {
      seed: 6,
      replication: 0,
    });
    const parent = exec(rec, 'p');
    const kid = rec.executions.find((x) => x.parent === 'p')!;
    expect(kid).toBeDefined();
    expect(kid.parentNode).toBe('n0');
    expect(kid.phase).toBe('Succeeded');
    expect(parent.phase).toBe('Succeeded');
    expect(kid.handles.length).toBeGreaterThan(0);
    expect(path(parent, 'n0')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeded']);
    const done = node(parent, 'n0').transitions.at(-1)!.at;
    expect(done).toBeGreaterThan(kid.ended!.at);
    const lpEnqueue = parent.enqueues.find((q) => q.source === 'launchplan')!;
    expect(lpEnqueue.at).toBeGreaterThanOrEqual(kid.ended!.at);
    expect(lpEnqueue.at - kid.ended!.at).toBeLessThanOrEqual(30e9);
    expect(opsOf(parent).filter((o) => o.kind === 'launchExecution').length).toBeGreaterThanOrEqual(1);
  });
});

describe('branch and gate', () => {
  it('runs the taken case, skips the others, then succeeds', () => {
    const wf = workflow('wf', [
      { id: 'n0', kind: 'branch', upstream: [], branch: { cases: ['n0-n0', 'n0-n1'], taken: 'n0-n1' } },
      task('n0-n0', [], { branchOf: 'n0' }),
      task('n0-n1', [], { branchOf: 'n0' }),
      task('n1', ['n0']),
    ]);
    const e = exec(simulate([plan('b', wf)], testModel(), { seed: 9, replication: 0 }), 'b');
    expect(e.phase).toBe('Succeeded');
    expect(path(e, 'n0-n0')).toEqual(['NotYetStarted>Skipped']);
    expect(path(e, 'n0-n1').at(-1)).toBe('Succeeding>Succeeded');
    expect(path(e, 'n0')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeded']);
    // The case node is queued in the branch's Queued → Running round.
    expect(where(e, 'n0-n1', 'Queued')).toBe(where(e, 'n0', 'Running'));
    expect(node(e, 'n1').transitions[0]!.at).toBeGreaterThan(node(e, 'n0').transitions.at(-1)!.at);
  });

  it('a gate opens only when a round looks after its duration (resync)', () => {
    const wf = workflow('wf', [{ id: 'g', kind: 'gate', upstream: [], gate: { type: 'constant', value: 25 } }]);
    const e = exec(simulate([plan('g', wf)], testModel(), { seed: 1, replication: 0 }), 'g');
    expect(e.phase).toBe('Succeeded');
    const t = node(e, 'g').transitions;
    expect(t.map((x) => x.to)).toEqual(['Queued', 'Running', 'Succeeded']);
    expect(t[2]!.at - t[1]!.at).toBeGreaterThanOrEqual(25e9);
    const h = e.handles[t[2]!.handle!]!;
    expect(e.enqueues.some((q) => q.source === 'resync' && q.at <= h.start)).toBe(true);
  });
});

describe('failures and limits', () => {
  it('a CR over the etcd limit takes the WorkflowTooLarge path: small Failing copy, then Failed', () => {
    const tasks = Array.from({ length: 100 }, (_, i) => task(`n${i}`, []));
    const wf = workflow('big', tasks, 1_540_000);
    const e = exec(simulate([plan('big', wf)], testModel({ propeller: { maxParallelism: 0 } }), { seed: 1, replication: 0 }), 'big');
    expect(e.phase).toBe('Failed');
    expect(e.workflowTransitions.map((t) => `${t.from}>${t.to}`)).toEqual(['Ready>Running', 'Running>Failing', 'Failing>Failed']);
    const tooLarge = opsOf(e).filter((o) => o.kind === 'etcdUpdate' && o.outcome === 'tooLarge');
    expect(tooLarge.length).toBe(1);
    expect(tooLarge[0]!.bytes!).toBeGreaterThan(1_572_864);
    const round = e.handles.flatMap((h) => h.rounds).find((r) => r.ops.includes(tooLarge[0]!))!;
    expect(round.error).toBe('tooLarge');
    expect(tooLarge[0]!.detail).toContain('too large');
    // The small copy right after it is written.
    const i = round.ops.indexOf(tooLarge[0]!);
    expect(round.ops.slice(i + 1).some((o) => o.kind === 'etcdUpdate' && o.outcome === 'ok')).toBe(true);
    // The nodes queued by the oversized round were never persisted.
    expect(node(e, 'n5').transitions).toEqual([]);
    expect(opsOf(e, true).some((o) => o.kind === 'workflowEvent' && o.to === 'FAILED')).toBe(true);
  });

  it('the non-blocking event limiter fails rounds that are retried later; every transition persists once', () => {
    const m = testModel({ propeller: { eventRate: 4, eventBurst: 1, maxWorkflowRetries: 10_000 } });
    const e = exec(simulate([plan('t', workflow('wf', [task('n0', []), task('n1', ['n0'])]))], m, { seed: 3, replication: 0 }), 't');
    expect(e.phase).toBe('Succeeded');
    const failed = e.handles.flatMap((h) => h.rounds).filter((r) => r.error === 'throttled');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) expect(r.ops.some((o) => o.outcome === 'throttled' && o.detail!.includes('ResourceExhausted'))).toBe(true);
    expect(path(e, 'n1')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeding', 'Succeeding>Succeeded']);
    expect(e.workflowTransitions.length).toBe(3);
  });

  it('failed event RPCs roll the round back; events already sent are not sent again', () => {
    const m = testModel({ propeller: { maxWorkflowRetries: 10_000 } });
    m.events.node.failureProbability = 0.3;
    const e = exec(simulate([plan('f', workflow('wf', [task('n0', []), task('n1', ['n0'])]))], m, { seed: 8, replication: 0 }), 'f');
    expect(e.phase).toBe('Succeeded');
    expect(e.handles.some((h) => h.endReason === 'error')).toBe(true);
    const sent = opsOf(e).filter((o) => o.kind === 'nodeEvent' && o.outcome === 'ok').map((o) => `${o.node}:${o.to}`);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('exhausted system retries fail the workflow', () => {
    const m = testModel({ propeller: { maxWorkflowRetries: 3 } });
    m.events.node.failureProbability = 1;
    const e = exec(simulate([plan('x', workflow('wf', [task('n0', [])]))], m, { seed: 1, replication: 0 }), 'x');
    expect(e.phase).toBe('Failed');
    expect(e.handles.flatMap((h) => h.rounds).filter((r) => r.error).length).toBe(4);
  });

  it('retries a failing attempt with a new pod and no node event', () => {
    const e = exec(simulate([plan('r', workflow('wf', [task('n0', [], { failedAttempts: 2 })]))], testModel(), { seed: 2, replication: 0 }), 'r');
    const n0 = node(e, 'n0');
    expect(n0.retries).toBe(2);
    expect(n0.pods!.length).toBe(3);
    expect(path(e, 'n0').filter((t) => t === 'Running>RetryableFailure').length).toBe(2);
    const nev = opsOf(e, true).filter((o) => o.node === 'n0' && o.kind === 'nodeEvent').map((o) => o.to);
    expect(nev).toEqual(['QUEUED', 'RUNNING', 'SUCCEEDED']);
  });
});

describe('store options', () => {
  it('offloaded closure: each Handle reads the closure once and the CR shrinks', () => {
    const wf = workflow('wf', [task('n0', [])], 200_000);
    wf.closureBytes = 190_000;
    const on = exec(simulate([plan('o', wf)], testModel({ store: { offloadClosure: true } }), { seed: 1, replication: 0 }), 'o');
    const off = exec(simulate([plan('o', wf)], testModel(), { seed: 1, replication: 0 }), 'o');
    for (const h of on.handles) {
      if (h.rounds.length === 0) continue;
      expect(h.rounds[0]!.ops[0]!.kind).toBe('closureRead');
      expect(h.rounds.slice(1).some((r) => r.ops.some((o) => o.kind === 'closureRead'))).toBe(false);
    }
    expect(Math.max(...on.crBytes!.map((c) => c.bytes))).toBeLessThan(20_000);
    expect(Math.min(...off.crBytes!.map((c) => c.bytes))).toBeGreaterThan(200_000);
  });

  it('blob cache serves objects propeller wrote or read from memory', () => {
    const wf = workflow('wf', [task('n0', []), task('n1', ['n0'])]);
    const e = exec(simulate([plan('c', wf)], testModel({ store: { blobCacheMB: 64 } }), { seed: 1, replication: 0 }), 'c');
    const hits = opsOf(e).filter((o) => o.outcome === 'hit');
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.end).toBe(h.start);
    const none = exec(simulate([plan('c', wf)], testModel(), { seed: 1, replication: 0 }), 'c');
    expect(opsOf(none).some((o) => o.outcome === 'hit')).toBe(false);
  });

  it('without the resource-version cache there are no Stale skips or conflicts', () => {
    const wf = workflow('wf', [task('n0', []), task('n1', ['n0'])]);
    const e = exec(simulate([plan('v', wf)], testModel({ store: { resourceVersionCache: false } }), { seed: 1, replication: 0 }), 'v');
    expect(e.phase).toBe('Succeeded');
    expect(e.handles.some((h) => h.endReason === 'stale')).toBe(false);
    expect(opsOf(e).some((o) => o.outcome === 'conflict')).toBe(false);
    const withCache = exec(simulate([plan('v', wf)], testModel(), { seed: 1, replication: 0 }), 'v');
    expect(withCache.handles.some((h) => h.endReason === 'stale' || h.endReason === 'error')).toBe(true);
  });
});

describe('queue and workers', () => {
  it('flyte-core base delay: the first Handle waits at least 5 s after the CR appears', () => {
    const m = testModel({ propeller: { baseDelaySeconds: 5, maxDelaySeconds: 120 } });
    const e = exec(simulate([plan('q', workflow('wf', [task('n0', [])]))], m, { seed: 1, replication: 0 }), 'q');
    expect(e.phase).toBe('Succeeded');
    expect(e.handles[0]!.start - e.enqueues[0]!.at).toBeGreaterThanOrEqual(5e9);
  });

  it('executions compete for workers: with one worker, Handle calls never overlap', () => {
    const plans = Array.from({ length: 4 }, (_, i) => plan(`w${i}`, workflow('wf', [task('n0', []), task('n1', ['n0'])]), 0));
    const rec = simulate(plans, testModel({ propeller: { workers: 1 } }), { seed: 1, replication: 0 });
    const hs = rec.executions.flatMap((e) => e.handles).sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 1; i < hs.length; i++) expect(hs[i]!.start).toBeGreaterThanOrEqual(hs[i - 1]!.end);
    expect(new Set(hs.map((h) => h.worker))).toEqual(new Set(['worker-0']));
    for (const e of rec.executions) expect(e.phase).toBe('Succeeded');
  });

  it('max parallelism defers node starts', () => {
    const tasks = Array.from({ length: 6 }, (_, i) => task(`n${i}`, []));
    const e = exec(simulate([plan('p', workflow('wf', tasks))], testModel({ propeller: { maxParallelism: 2 } }), { seed: 1, replication: 0 }), 'p');
    expect(e.phase).toBe('Succeeded');
    // A node counts from Queued until it reports success (Succeeding no longer counts).
    const spans = tasks.map((t) => {
      const tr = node(e, t.id).transitions;
      return [tr[0]!.at, tr.find((x) => x.to === 'Succeeding')!.at] as const;
    });
    for (const [a] of spans) expect(spans.filter(([s, f]) => s <= a && a < f).length).toBeLessThanOrEqual(2);
    expect(opsOf(e).some((o) => o.kind === 'parallelismLimit')).toBe(true);
  });
});

describe('a join (CanExecute)', () => {
  it('starts in a round after the one in which its last upstream finished: a dirty upstream is not ready', () => {
    for (const seed of [1, 2, 3, 4]) {
      const e = exec(
        simulate([plan('j', workflow('wf', [task('a', []), task('b', ['a']), task('c', ['a']), task('d', ['b', 'c'])]))], testModel(), { seed, replication: 0 }),
        'j',
      );
      const at = (id: string, to: string) => node(e, id).transitions.find((t) => t.to === to)!;
      const last = [at('b', 'Succeeded'), at('c', 'Succeeded')].sort((x, y) => x.handle! - y.handle! || x.round! - y.round!)[1]!;
      const q = at('d', 'Queued');
      expect(q.handle! > last.handle! || (q.handle === last.handle && q.round! > last.round!), `seed ${seed}`).toBe(true);
    }
  });
});
