import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { mean } from '../../src/engine/distributions.js';
import { defaultModel } from '../../src/model/defaults.js';
import { applyScale, applySet, getPaths, listPaths, parseAssignment, scalePath, setPath } from '../../src/model/paths.js';
import { InputError } from '../../src/timeline/errors.js';
import { thrown } from './helpers.js';

describe('model paths', () => {
  it('lists every leaf of the model', () => {
    const paths = listPaths();
    expect(paths).toContain('propeller.workers');
    expect(paths).toContain('events.node.latency');
    expect(paths).toContain('store.offloadClosure');
    expect(paths).toContain('defaultRuntime');
    expect(paths).not.toContain('events.node.latency.mu'); // distributions are leaves
    expect(paths).toContain('kube.podDelete');
    expect(paths).toContain('propeller.nodeExecutionDeadlineSeconds');
    expect(paths).toHaveLength(56);
  });

  it('wildcards match one segment', () => {
    const m = defaultModel();
    expect(getPaths(m, 'events.*.latency').map((p) => p.path)).toEqual([
      'events.workflow.latency',
      'events.node.latency',
      'events.task.latency',
    ]);
    expect(getPaths(m, 'blob.*').map((p) => p.path)).toEqual(['blob.head', 'blob.read', 'blob.write', 'blob.copy']);
    expect(getPaths(m, 'propeller.workers')).toEqual([{ path: 'propeller.workers', value: 20 }]);
  });

  it('set: numbers, booleans, durations, distributions', () => {
    const m = defaultModel();
    expect(applySet(m, 'propeller.workers=40').propeller.workers).toBe(40);
    expect(applySet(m, 'store.offloadClosure=true').store.offloadClosure).toBe(true);
    expect(applySet(m, 'propeller.workflowReevalSeconds=30s').propeller.workflowReevalSeconds).toBe(30);
    expect(applySet(m, 'store.etcdLimitBytes=8MiB').store.etcdLimitBytes).toBe(8 * 1024 * 1024);
    expect(applySet(m, 'events.node.latency={lognormal: {median: 20ms, sigma: 0.3}}').events.node.latency).toEqual({
      type: 'lognormal',
      mu: Math.log(0.02),
      sigma: 0.3,
    });
    const all = applySet(m, 'events.*.latency=10ms');
    for (const e of Object.values(all.events)) expect(e.latency).toEqual({ type: 'constant', value: 0.01 });
    // The input model is not modified.
    expect(m).toEqual(defaultModel());
    expect(setPath(m, 'propeller.maxStreakLength', 16).propeller.maxStreakLength).toBe(16);
  });

  it('scale: distributions keep their family, counts round', () => {
    const m = defaultModel();
    const half = applyScale(m, 'events.*.latency=0.5');
    for (const k of ['workflow', 'node', 'task'] as const) {
      expect(mean(half.events[k].latency)).toBeCloseTo(mean(m.events[k].latency) / 2, 12);
      expect(half.events[k].latency.type).toBe('lognormal');
    }
    expect(half.etcd).toEqual(m.etcd);
    expect(scalePath(m, 'propeller.workers', 0.55).propeller.workers).toBe(11);
    const etcd = scalePath(m, 'etcd.update', 2);
    expect(mean(etcd.etcd.update, 1e6)).toBeCloseTo(2 * mean(m.etcd.update, 1e6), 12);
  });

  test.prop([fc.constantFrom(...listPaths().filter((p) => !/offloadClosure|resourceVersionCache|failureProbability|Burst|workers|Streak|Retries|Parallelism|Workers|Bytes/.test(p))), fc.double({ min: 0.1, max: 10, noNaN: true })])(
    'scaling by f then 1/f gives back the mean',
    (path, f) => {
      const m = defaultModel();
      const back = scalePath(scalePath(m, path, f), path, 1 / f);
      const [before] = getPaths(m, path);
      const [after] = getPaths(back, path);
      const v = (x: unknown) => (typeof x === 'number' ? x : mean(x as never, 1000));
      expect(v(after!.value)).toBeCloseTo(v(before!.value), 9);
    },
  );

  it('scaling by 0 makes every latency the constant 0 (a lognormal has no zero scale)', () => {
    const m = defaultModel();
    const zero = applyScale(m, 'events.*.latency=0');
    for (const k of ['workflow', 'node', 'task'] as const) expect(zero.events[k].latency).toEqual({ type: 'constant', value: 0 });
    expect(scalePath(m, 'etcd.update', 0).etcd.update).toEqual({ type: 'linear', base: { type: 'constant', value: 0 }, perUnit: 0 });
  });

  it('unknown paths list the valid ones', () => {
    const m = defaultModel();
    let e = thrown(() => applySet(m, 'propeller.wokers=4'));
    expect(e.oneLine()).toContain('propeller.wokers: unknown model path (did you mean propeller.workers?)');
    expect(e.message).toContain('valid paths: propeller.workers, propeller.maxStreakLength');
    expect(e.message).toContain('defaultRuntime');
    e = thrown(() => applyScale(m, 'events.*.latncy=0.5'));
    expect(e.message).toContain('did you mean');
    e = thrown(() => applyScale(m, 'events=0.5'));
    expect(e.message).toContain('a section; its fields: events.workflow.latency');
  });

  it('rejects bad values with the path', () => {
    const m = defaultModel();
    expect(thrown(() => applySet(m, 'propeller.workers=-1')).oneLine()).toBe('propeller.workers: expected a value >= 1');
    expect(thrown(() => applySet(m, 'propeller.workers=2.5')).oneLine()).toBe('propeller.workers: expected a whole number');
    expect(thrown(() => applySet(m, 'propeller.workers=many')).oneLine()).toBe('propeller.workers: expected a number, got "many"');
    expect(thrown(() => applySet(m, 'store.offloadClosure=yes please')).path).toBe('store.offloadClosure');
    expect(thrown(() => applySet(m, 'events.node.latency={lognormal: {median: 1s}}')).path).toBe('events.node.latency.lognormal');
    const risky = applySet(m, 'events.node.failureProbability=0.6');
    expect(thrown(() => applyScale(risky, 'events.node.failureProbability=2')).path).toBe('events.node.failureProbability');
    expect(thrown(() => applyScale(m, 'store.offloadClosure=2')).message).toContain('cannot scale');
    expect(thrown(() => applyScale(m, 'propeller.workers=x')).message).toContain('--scale expects');
    expect(thrown(() => parseAssignment('propeller.workers'))).toBeInstanceOf(InputError);
    expect(parseAssignment('a.b={x: 1=2}')).toEqual({ path: 'a.b', value: '{x: 1=2}' });
  });
});
