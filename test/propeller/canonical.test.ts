import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/propeller/simulator.js';
import { exec, plan, sentEvents, stateChangingRounds, task, testModel, workflow } from './helpers.js';

const oneTask = () => [plan('e1', workflow('wf', [task('n0', [])]))];

describe('canonical 1-task workflow (domain notes §2.3)', () => {
  // §2.3: Ready→Running | start | n0 NYS→Queued | Queued→Running | [pod runs: one round per new plugin
  // phase observed, Initializing and/or Running: 0-2] | Running→Succeeding | Succeeding→Succeeded |
  // end NYS→Queued | Queued→Succeeded | wf Running→Succeeding | Succeeding→Succeeded = 10 + 0..2.
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`takes 10-12 state-changing rounds and sends 12-14 admin events (seed ${seed})`, () => {
      const e = exec(simulate(oneTask(), testModel(), { seed, replication: 0 }), 'e1');
      expect(e.phase).toBe('Succeeded');
      const rounds = stateChangingRounds(e);
      expect(rounds).toBeGreaterThanOrEqual(10);
      expect(rounds).toBeLessThanOrEqual(12);
      const ev = sentEvents(e);
      expect(ev.workflow).toBe(3);
      // start 1 + end 2 + task node 3.
      expect(ev.node).toBe(6);
      expect(ev.task).toBeGreaterThanOrEqual(3);
      expect(ev.task).toBeLessThanOrEqual(5);
      const total = ev.workflow + ev.node + ev.task;
      expect(total).toBeGreaterThanOrEqual(12);
      expect(total).toBeLessThanOrEqual(14);
    });
  }

  it('goes through the workflow and node transitions of §2.1 and §2.3', () => {
    const e = exec(simulate(oneTask(), testModel(), { seed: 11, replication: 0 }), 'e1');
    expect(e.workflowTransitions.map((t) => `${t.from}>${t.to}`)).toEqual(['Ready>Running', 'Running>Succeeding', 'Succeeding>Succeeded']);
    const tr = (id: string) => e.nodes.find((n) => n.id === id)!.transitions.map((t) => `${t.from}>${t.to}`);
    expect(tr('start-node')).toEqual(['NotYetStarted>Succeeded']);
    expect(tr('n0')).toEqual(['NotYetStarted>Queued', 'Queued>Running', 'Running>Succeeding', 'Succeeding>Succeeded']);
    expect(tr('end-node')).toEqual(['NotYetStarted>Queued', 'Queued>Succeeded']);
    const n0 = e.nodes.find((n) => n.id === 'n0')!;
    // Plugin phase names, as `Sending transition event for plugin phase [PhaseX]` logs them.
    expect(n0.taskPhases!.map((t) => t.to)[0]).toBe('PhaseQueued');
    expect(n0.taskPhases![0]!.from).toBe('PhaseUndefined');
    expect(n0.taskPhases!.map((t) => t.to).at(-1)).toBe('PhaseSuccess');
    // Pod: created < started < finished < observed.
    const pod = n0.pod!;
    expect(pod.created!).toBeLessThan(pod.started!);
    expect(pod.started!).toBeLessThan(pod.finished!);
    expect(pod.finished!).toBeLessThan(pod.observed!);
    // The first Handle call runs the start of the workflow as one streak (RFC 2995 fold-logs example).
    const first = e.handles[0]!;
    expect(first.rounds.map((r) => r.phase)[0]).toBe('Ready');
    expect(first.rounds.length).toBeGreaterThanOrEqual(4);
    expect(e.ended!.at).toBeGreaterThanOrEqual(e.workflowTransitions.at(-1)!.at);
  });

  it('keeps every op inside its round and every round inside its Handle call', () => {
    const e = exec(simulate(oneTask(), testModel(), { seed: 5, replication: 0 }), 'e1');
    for (const h of e.handles) {
      expect(h.start).toBeLessThanOrEqual(h.end);
      let prevEnd = h.start;
      for (const r of h.rounds) {
        expect(r.start).toBeGreaterThanOrEqual(prevEnd);
        expect(r.end).toBeLessThanOrEqual(h.end);
        for (const op of r.ops) {
          expect(op.start).toBeGreaterThanOrEqual(r.start);
          expect(op.end).toBeLessThanOrEqual(r.end);
          // simulated times are exact: bounds are left out (absent = exact)
          expect(['startLo', 'startHi', 'endLo', 'endHi'].some((k) => k in op)).toBe(false);
          expect(Number.isInteger(op.start) && Number.isInteger(op.end)).toBe(true);
        }
        prevEnd = r.end;
        // A changed round ends with its etcd write; an unchanged one writes nothing.
        const writes = r.ops.filter((o) => o.kind === 'etcdUpdate');
        if (r.changed) expect(writes.length).toBeGreaterThanOrEqual(1);
        else expect(writes.length).toBe(0);
      }
    }
  });
});

describe('cache', () => {
  it('a cache hit takes one round and one SUCCEEDED event for its node; a miss looks up and writes the catalog', () => {
    const wf = workflow('wf', [task('n0', [], { cache: { hit: true } }), task('n1', ['n0'], { cache: { hit: false } })]);
    const e = exec(simulate([plan('e1', wf)], testModel(), { seed: 3, replication: 0 }), 'e1');
    expect(e.phase).toBe('Succeeded');
    const n0 = e.nodes.find((n) => n.id === 'n0')!;
    expect(n0.kind).toBe('cachedTask');
    expect(n0.cache).toBe('hit');
    expect(n0.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(['NotYetStarted>Succeeded']);
    expect(n0.pod).toBeUndefined();
    const ops = e.handles.flatMap((h) => h.rounds.filter((r) => r.changed && !r.error).flatMap((r) => r.ops));
    const n0Events = ops.filter((o) => o.node === 'n0' && (o.kind === 'nodeEvent' || o.kind === 'taskEvent'));
    expect(n0Events.map((o) => `${o.kind}:${o.to}`)).toEqual(['nodeEvent:SUCCEEDED']);
    const n1 = e.nodes.find((n) => n.id === 'n1')!;
    expect(n1.cache).toBe('miss');
    expect(n1.transitions.length).toBe(4);
    expect(ops.filter((o) => o.node === 'n1' && o.kind === 'catalogGet').length).toBe(1);
    expect(ops.filter((o) => o.node === 'n1' && o.kind === 'catalogPut').length).toBe(1);
  });
});

describe('determinism', () => {
  const load = () => [
    plan('a', workflow('wf', [task('n0', []), task('n1', ['n0']), task('n2', ['n0']), task('n3', ['n1', 'n2'])])),
    plan('b', workflow('wf2', [{ id: 'm', kind: 'map', upstream: [], map: { size: 5, parallelism: 2 } }]), 1.5),
    plan('c', workflow('wf3', [task('n0', [], { cache: { hit: true } }), task('n1', ['n0'], { failedAttempts: 1 })]), 2),
  ];

  it('gives identical JSON for the same inputs and seed', () => {
    const a = JSON.stringify(simulate(load(), testModel(), { seed: 'x', replication: 2 }));
    const b = JSON.stringify(simulate(load(), testModel(), { seed: 'x', replication: 2 }));
    expect(a).toBe(b);
  });

  it('gives different times for a different seed or replication', () => {
    const a = simulate(load(), testModel(), { seed: 'x', replication: 0 });
    const b = simulate(load(), testModel(), { seed: 'y', replication: 0 });
    const c = simulate(load(), testModel(), { seed: 'x', replication: 1 });
    const end = (r: typeof a) => r.executions.map((e) => e.ended!.at).join(',');
    expect(end(a)).not.toBe(end(b));
    expect(end(a)).not.toBe(end(c));
  });

  it('keeps other executions’ user runtimes when one execution changes (keyed streams)', () => {
    const base = simulate(load(), testModel(), { seed: 'x', replication: 0 });
    const changed = load();
    changed[0]!.workflow.nodes.push({ id: 'extra', kind: 'task', upstream: ['n3'] });
    const other = simulate(changed, testModel(), { seed: 'x', replication: 0 });
    const runtime = (r: typeof base, e: string, n: string) => {
      const p = r.executions.find((x) => x.id === e)!.nodes.find((x) => x.id === n)!.pod!;
      return p.finished! - p.started!;
    };
    expect(runtime(other, 'c', 'n1')).toBe(runtime(base, 'c', 'n1'));
    expect(runtime(other, 'a', 'n0')).toBe(runtime(base, 'a', 'n0'));
  });

  it('replays measured runtimes and pod starts', () => {
    const p = plan('r', workflow('wf', [task('n0', [])]));
    p.replay = { n0: { runtime: 42, podStart: 3 } };
    const e = exec(simulate([p], testModel(), { seed: 1, replication: 0 }), 'r');
    const pod = e.nodes.find((n) => n.id === 'n0')!.pod!;
    expect(pod.finished! - pod.started!).toBe(42e9);
  });
});
