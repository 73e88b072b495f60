import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mean } from '../../src/engine/distributions.js';
import { defaultModel, loadModel, profile, profileNames, profileOf } from '../../src/model/defaults.js';
import { mergeModel, validateModel } from '../../src/model/model-schema.js';
import { thrown } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'propsim-model-'));
let n = 0;
function file(text: string, ext = 'yaml'): string {
  const f = join(tmp, `m${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
}
describe('default model and profiles', () => {
  it('carries the propeller code defaults', () => {
    const m = defaultModel();
    expect(m.propeller).toMatchObject({
      workers: 20,
      maxStreakLength: 8,
      workflowReevalSeconds: 10,
      downstreamEvalSeconds: 30,
      batchingIntervalSeconds: 1,
      baseDelaySeconds: 0,
      maxDelaySeconds: 60,
      queueRate: 1000,
      queueBurst: 10000,
      eventRate: 500,
      eventBurst: 1000,
      eventMaxRetries: 5,
      kubeQps: 100,
      kubeBurst: 25,
      maxParallelism: 25,
      nodeExecutionWorkers: 8,
      adminLauncherResyncSeconds: 30,
      maxWorkflowRetries: 10,
    });
    expect(m.store).toMatchObject({ offloadClosure: false, blobCacheMB: 0, etcdLimitBytes: 1572864, apiserverLimitBytes: 3145728 });
    // The default model is itself valid.
    expect(validateModel(m)).toEqual(m);
  });

  it('has plausible latencies', () => {
    const m = defaultModel();
    const median = (d: { type: string; mu?: number }) => Math.exp(d.mu!);
    for (const e of [m.events.workflow, m.events.node, m.events.task]) {
      expect(median(e.latency as { type: string; mu: number })).toBeGreaterThanOrEqual(0.02);
      expect(median(e.latency as { type: string; mu: number })).toBeLessThanOrEqual(0.03);
    }
    expect(median(m.kube.podStart as { type: string; mu: number })).toBeGreaterThanOrEqual(3);
    expect(median(m.kube.podStart as { type: string; mu: number })).toBeLessThanOrEqual(5);
    expect(median(m.etcd.watch as { type: string; mu: number })).toBeGreaterThanOrEqual(0.05);
    expect(median(m.etcd.watch as { type: string; mu: number })).toBeLessThanOrEqual(0.1);
    // Size terms: a 1 MiB CR update costs more than a small one; deep copy is ns per byte.
    expect(mean(m.etcd.update, 1 << 20)).toBeGreaterThan(mean(m.etcd.update, 1000) + 0.01);
    expect(mean(m.cpu.deepCopy, 1e6)).toBeGreaterThan(1e-4);
    expect(mean(m.cpu.deepCopy, 1e6)).toBeLessThan(1e-2);
    expect(mean(m.cpu.traversal, 1000)).toBeGreaterThan(1e-4);
  });

  it('flyte-core profile has the Helm values', () => {
    expect(profileNames).toEqual(['default', 'flyte-core']);
    const p = profile('flyte-core').propeller;
    expect(p).toMatchObject({
      workers: 4,
      workflowReevalSeconds: 30,
      baseDelaySeconds: 5,
      maxDelaySeconds: 120,
      batchingIntervalSeconds: 2,
      queueRate: 100,
      queueBurst: 1000,
      subQueueRate: 10,
      subQueueBurst: 100,
      maxStreakLength: 8,
    });
    expect(profile('default')).toEqual(defaultModel());
    const e = thrown(() => profile('nope'));
    expect(e.message).toBe('unknown profile "nope"; valid profiles: default, flyte-core');
  });
});

describe('model files', () => {
  it('merge partial overrides onto the profile', () => {
    const f = file(
      [
        '# a partial model',
        'propeller:',
        '  workers: 40',
        '  workflowReevalSeconds: 20s',
        'store:',
        '  offloadClosure: true',
        '  etcdLimitBytes: 2MiB',
        'events:',
        '  node:',
        '    latency: {lognormal: {median: 40ms, sigma: 0.2}}',
        'etcd:',
        '  update: {type: linear, base: {type: constant, value: 0.004}, perUnit: 1.0e-8}',
      ].join('\n'),
    );
    const m = loadModel(f, 'flyte-core');
    expect(m.propeller.workers).toBe(40);
    expect(m.propeller.workflowReevalSeconds).toBe(20);
    expect(m.propeller.baseDelaySeconds).toBe(5); // from flyte-core
    expect(m.store.offloadClosure).toBe(true);
    expect(m.store.etcdLimitBytes).toBe(2 * 1024 * 1024);
    expect(m.events.node.latency).toEqual({ type: 'lognormal', mu: Math.log(0.04), sigma: 0.2 });
    expect(m.events.node.failureProbability).toBe(0);
    expect(m.events.task).toEqual(defaultModel().events.task);
    // A distribution replaces the base one whole.
    expect(m.etcd.update).toEqual({ type: 'linear', base: { type: 'constant', value: 0.004 }, perUnit: 1e-8 });
    expect(loadModel()).toEqual(defaultModel());
  });

  it('uses the file profile when the caller names none', () => {
    const f = file('profile: flyte-core\npropeller: {workers: 8}\n');
    expect(loadModel(f).propeller).toMatchObject({ workers: 8, baseDelaySeconds: 5 });
    expect(loadModel(f, 'default').propeller).toMatchObject({ workers: 8, baseDelaySeconds: 0 });
  });

  it('a complete model (as calibrate writes it, JSON) round-trips', () => {
    const m = defaultModel();
    m.propeller.workers = 7;
    const f = file(JSON.stringify({ meta: { source: 'calibrate' }, ...m }), 'json');
    expect(loadModel(f)).toEqual(m);
  });

  it('rejects bad values naming file, line and field', () => {
    const f = file('propeller:\n  maxStreakLength: 8\n  workers: -3\n');
    const e = thrown(() => loadModel(f));
    expect(e).toMatchObject({ file: f, line: 3, path: 'propeller.workers' });
    expect(e.oneLine()).toBe(`${f}:3: propeller.workers: expected a value >= 1`);

    expect(thrown(() => loadModel(file('propeller: {workers: 2.5}\n'))).path).toBe('propeller.workers');
    expect(thrown(() => loadModel(file('propeller: {wokers: 2}\n'))).message).toBe('unknown field "wokers"');
    expect(thrown(() => loadModel(file('events: {task: {failureProbability: 1.5}}\n'))).path).toBe(
      'events.task.failureProbability',
    );
    const d = thrown(() => loadModel(file('kube:\n  podStart: {gamma: {shape: 0, scale: 2s}}\n')));
    expect(d).toMatchObject({ path: 'kube.podStart.gamma.shape', line: 2 });
    expect(thrown(() => loadModel(file('propeller: {baseDelaySeconds: 90s}\n'))).path).toBe('propeller.maxDelaySeconds');
    expect(thrown(() => loadModel(file('profile: big\n'))).oneLine()).toMatch(/:1: profile: unknown profile "big"/);
    expect(thrown(() => loadModel(file('propeller: [\n'))).message).toMatch(/^invalid YAML/);
    // values no run could hold: workers by the billion, a resync every nanosecond
    expect(thrown(() => loadModel(file('propeller: {workers: 1000000000}\n'))).oneLine()).toMatch(/propeller.workers: expected a value <= 100000$/);
    expect(thrown(() => loadModel(file('propeller: {workflowReevalSeconds: 1ns}\n'))).message).toBe('must be at least 0.01 s, got 1e-9');
    expect(loadModel(file('propeller: {workflowReevalSeconds: 50ms, nodeExecutionDeadlineSeconds: 1h}\n')).propeller).toMatchObject({ workflowReevalSeconds: 0.05, nodeExecutionDeadlineSeconds: 3600 });
  });

  it('mergeModel does not touch its inputs', () => {
    const base = defaultModel();
    const before = JSON.stringify(base);
    const merged = mergeModel(base, { propeller: { workers: 1 } });
    expect(JSON.stringify(base)).toBe(before);
    expect(merged.propeller.workers).toBe(1);
  });
});

describe('the profile a model stands on', () => {
  it('is the one asked for, else the model file’s, else default', () => {
    const f = join(tmp, 'on-core.json');
    writeFileSync(f, JSON.stringify({ profile: 'flyte-core', propeller: { workers: 8 } }));
    const bare = join(tmp, 'bare.json');
    writeFileSync(bare, JSON.stringify({ propeller: { workers: 8 } }));
    expect(profileOf()).toBe('default');
    expect(profileOf(undefined, 'flyte-core')).toBe('flyte-core');
    expect(profileOf(f)).toBe('flyte-core');
    expect(profileOf(f, 'default')).toBe('default');
    expect(profileOf(bare)).toBe('default');
    expect(loadModel(f).propeller.baseDelaySeconds).toBe(profile('flyte-core').propeller.baseDelaySeconds);
  });
});
