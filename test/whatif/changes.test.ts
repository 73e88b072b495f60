import { describe, expect, it } from 'vitest';
import { defaultModel, profile } from '../../src/model/defaults.js';
import { listPaths } from '../../src/model/paths.js';
import { InputError } from '../../src/timeline/errors.js';
import {
  PRESETS,
  applyChanges,
  changeEffects,
  describeChange,
  describeChanges,
  effectText,
  parseChanges,
  presetHelp,
  leafText,
} from '../../src/whatif/changes.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('what-if changes', () => {
  it('parses presets, then --scale, then --set, keeping the preset name', () => {
    const cs = parseChanges({ set: ['propeller.workers=40'], scale: ['events.*.latency=0.5'], preset: ['streak-16'] });
    expect(cs).toEqual([
      { kind: 'set', path: 'propeller.maxStreakLength', value: '16', preset: 'streak-16' },
      { kind: 'scale', path: 'events.*.latency', factor: 0.5 },
      { kind: 'set', path: 'propeller.workers', value: '40' },
    ]);
    expect(cs.map(describeChange)).toEqual(['propeller.maxStreakLength = 16', 'events.*.latency × 0.5', 'propeller.workers = 40']);
    expect(describeChanges(cs)).toBe('streak-16 (propeller.maxStreakLength = 16); events.*.latency × 0.5; propeller.workers = 40');
  });

  it('an explicit --set wins over a preset', () => {
    const m = applyChanges(defaultModel(), parseChanges({ preset: ['double-workers'], set: ['propeller.workers=7'] }));
    expect(m.propeller.workers).toBe(7);
  });

  it('halve-event-latency halves every admin event latency median and nothing else', () => {
    const base = defaultModel();
    const v = applyChanges(base, parseChanges({ preset: ['halve-event-latency'] }));
    const fx = changeEffects(base, v);
    expect(fx.map((e) => e.path)).toEqual(['events.workflow.latency', 'events.node.latency', 'events.task.latency']);
    for (const e of fx) {
      if (typeof e.before !== 'object' || typeof e.after !== 'object' || e.before.type !== 'lognormal' || e.after.type !== 'lognormal') {
        throw new Error('expected lognormal latencies');
      }
      expect(Math.exp(e.after.mu)).toBeCloseTo(Math.exp(e.before.mu) / 2, 12);
      expect(e.after.sigma).toBe(e.before.sigma);
    }
    expect(effectText(fx[1]!)).toBe('events.node.latency: median 25.0 ms → median 12.5 ms');
    // The base model is not modified.
    expect(base).toEqual(defaultModel());
  });

  it('fast-batching divides the batching interval by 4; offload-closure turns offloading on', () => {
    const v = applyChanges(defaultModel(), parseChanges({ preset: ['fast-batching', 'offload-closure'] }));
    expect(v.propeller.batchingIntervalSeconds).toBe(0.25);
    expect(v.store.offloadClosure).toBe(true);
  });

  it('every preset changes the flyte-core profile and is listed in the help text', () => {
    const help = presetHelp();
    const base = profile('flyte-core');
    for (const p of PRESETS) {
      expect(help).toContain(p.name);
      expect(help).toContain(p.description);
      const fx = changeEffects(base, applyChanges(base, parseChanges({ preset: [p.name] })));
      expect(fx.length, p.name).toBeGreaterThan(0);
    }
    for (const name of ['halve-event-latency', 'double-workers', 'offload-closure', 'streak-16', 'no-base-delay', 'halve-etcd-latency', 'fast-batching']) {
      expect(PRESETS.map((p) => p.name)).toContain(name);
    }
  });

  it('an unknown preset is an InputError listing the presets', () => {
    const e = thrown(() => parseChanges({ preset: ['halve-everything'] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toContain('unknown preset "halve-everything"');
    for (const p of PRESETS) expect(e.message).toContain(p.name);
  });

  it('an unknown path is an InputError listing the valid paths', () => {
    const cs = parseChanges({ set: ['propeller.wrokers=40'] });
    const e = thrown(() => applyChanges(defaultModel(), cs));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).oneLine()).toContain('propeller.wrokers: unknown model path');
    for (const p of listPaths()) expect(e.message).toContain(p);
    const s = thrown(() => applyChanges(defaultModel(), parseChanges({ scale: ['events.*.latencyy=0.5'] })));
    expect(s).toBeInstanceOf(InputError);
    expect(s.message).toContain('valid paths');
  });

  it('bad syntax and no change at all are InputErrors', () => {
    expect(thrown(() => parseChanges({ set: ['propeller.workers'] }))).toBeInstanceOf(InputError);
    expect(thrown(() => parseChanges({ scale: ['events.*.latency=fast'] }))).toBeInstanceOf(InputError);
    expect(thrown(() => parseChanges({ scale: ['events.*.latency=-1'] }))).toBeInstanceOf(InputError);
    const none = thrown(() => parseChanges({}));
    expect(none).toBeInstanceOf(InputError);
    expect(none.message).toContain('halve-event-latency');
  });

  it('a bad value is an InputError naming the path', () => {
    const e = thrown(() => applyChanges(defaultModel(), parseChanges({ set: ['store.offloadClosure=maybe'] })));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).path).toBe('store.offloadClosure');
  });
});

describe('effect text', () => {
  it('prints sizes as bytes and times as durations', () => {
    expect(leafText('store.etcdLimitBytes', 1_572_864)).toBe('1.50 MiB');
    expect(leafText('propeller.baseDelaySeconds', 5)).toBe('5.00 s');
    expect(leafText('propeller.workers', 20)).toBe('20');
  });
});
