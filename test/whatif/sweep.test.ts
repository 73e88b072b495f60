import { describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { defaultModel } from '../../src/model/defaults.js';
import { InputError } from '../../src/timeline/errors.js';
import { runWhatif } from '../../src/whatif/paired.js';
import { lowestMakespan, renderSweep } from '../../src/whatif/render-sweep.js';
import { parseSweepValues, MAX_SWEEP_VALUES } from '../../src/whatif/sweep-values.js';
import { runSweep, sweepChange, sweepProgressLine, type SweepProgress, type SweepSpec } from '../../src/whatif/sweep.js';
import { createProgress } from '../../src/whatif/progress.js';
import { sweepSpec } from '../../src/cli/sweep.js';
import { runCli } from '../support/run-cli.js';
import { canonical, saturatedLoad } from './fixtures.js';

describe('sweep values', () => {
  it('reads lists, YAML values with commas inside, and ranges', () => {
    expect(parseSweepValues('2,4, 8', '--vary', false)).toEqual(['2', '4', '8']);
    expect(parseSweepValues('{lognormal: {median: 20ms, sigma: 0.3}},{constant: 1}', '--vary', false)).toEqual([
      '{lognormal: {median: 20ms, sigma: 0.3}}',
      '{constant: 1}',
    ]);
    expect(parseSweepValues('4..16:4', '--vary', false)).toEqual(['4', '8', '12', '16']);
    expect(parseSweepValues('4..15:4', '--vary', false)).toEqual(['4', '8', '12']);
    expect(parseSweepValues('0.1..0.5:0.1', '--vary-scale', true)).toEqual(['0.1', '0.2', '0.3', '0.4', '0.5']);
    expect(parseSweepValues('1..64:x2', '--vary', false)).toEqual(['1', '2', '4', '8', '16', '32', '64']);
    expect(parseSweepValues('1, 3..5:1', '--vary', false)).toEqual(['1', '3', '4', '5']);
  });

  it('rejects what a sweep cannot run, naming the flag', () => {
    const bad: [string, boolean, RegExp][] = [
      ['2,,4', false, /empty value/],
      ['2,4,2', false, /appears twice/],
      ['2,4,2.0', false, /appears twice/],
      ['8..4:1', false, /backwards/],
      ['1..4:x1', false, /factor above 1/],
      ['0..4:x2', false, /FROM > 0/],
      ['1..4:0', false, /step above 0/],
      ['0.5,-1', true, /numbers >= 0/],
      ['fast', true, /numbers >= 0/],
      [`1..${MAX_SWEEP_VALUES + 1}:1`, false, /holds 65 values; a sweep takes at most 64/],
      ['1..2000:x1.01', false, /holds 764 values/],
      [Array.from({ length: MAX_SWEEP_VALUES + 1 }, (_, i) => i).join(','), false, /65 values; a sweep takes at most/],
    ];
    for (const [text, numeric, re] of bad) {
      const flag = numeric ? '--vary-scale' : '--vary';
      expect(() => parseSweepValues(text, flag, numeric), text).toThrow(InputError);
      expect(() => parseSweepValues(text, flag, numeric), text).toThrow(re);
      expect(() => parseSweepValues(text, flag, numeric), text).toThrow(flag);
    }
  });

  test.prop([fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 50 })])(
    'a linear range holds every step from FROM up to TO, in order',
    (from, span, step) => {
      const to = from + span;
      const v = parseSweepValues(`${from}..${to}:${step}`, '--vary', false).map(Number);
      expect(v.length).toBe(Math.floor(span / step) + 1);
      v.forEach((x, i) => expect(x).toBe(from + i * step));
      expect(v.at(-1)!).toBeLessThanOrEqual(to);
      expect(v.at(-1)! + step).toBeGreaterThan(to);
    },
  );

  it('exactly one of --vary and --vary-scale', () => {
    expect(() => sweepSpec({})).toThrow(/exactly one/);
    expect(() => sweepSpec({ vary: 'a=1', varyScale: 'b=2' })).toThrow(/exactly one/);
    expect(sweepSpec({ vary: 'propeller.workers=2,4' })).toEqual({ kind: 'set', path: 'propeller.workers', values: ['2', '4'] });
    expect(sweepSpec({ varyScale: 'events.*.latency=0.5,2' })).toEqual({ kind: 'scale', path: 'events.*.latency', values: ['0.5', '2'] });
    expect(() => sweepSpec({ vary: 'propeller.workers' })).toThrow(/PATH=VALUE/);
  });
});

describe('sweep runs', () => {
  const spec: SweepSpec = { kind: 'scale', path: 'events.*.latency', values: ['0.5', '1', '2'] };

  it('each value is the what-if of that value against the same baseline, replication for replication', async () => {
    const opts = { seed: 7, minReps: 6, maxReps: 6, precision: 0, jobs: 1 };
    const s = await runSweep(canonical(), defaultModel(), spec, opts);
    expect(s.replications).toBe(6);
    expect(s.points.map((p) => p.value)).toEqual(['0.5', '1', '2']);
    for (const [k, v] of spec.values.entries()) {
      const w = runWhatif(canonical(), defaultModel(), [sweepChange(spec, v)], opts);
      expect(s.points[k]!.delta).toEqual(w.delta);
      expect(s.points[k]!.variant.figures).toEqual(w.variant.figures);
      expect(s.baseline.figures).toEqual(w.baseline.figures);
    }
    // ×1 changes nothing; halving and doubling event latency move the makespan in opposite ways.
    expect(s.points[1]!.effects).toEqual([]);
    expect(s.points[1]!.delta.makespanNs!.unchanged).toBe(true);
    expect(s.points[0]!.delta.makespanNs!.mean!).toBeLessThan(0);
    expect(s.points[2]!.delta.makespanNs!.mean!).toBeGreaterThan(0);
    expect(lowestMakespan(s)!.value).toBe('0.5');
  });

  it('a value stops on its own once its Δmakespan is precise enough; the others go on', async () => {
    const s = await runSweep(saturatedLoad(), defaultModel(), { kind: 'set', path: 'propeller.workers', values: ['1', '20'] }, {
      seed: 3,
      minReps: 3,
      maxReps: 12,
      precision: 1e-6,
      jobs: 1,
    });
    const [one, same] = s.points;
    // The baseline has 20 workers: 20 is the baseline, whose runs it shares, every one of them,
    // so its figures are the baseline's own.
    expect(same!.effects).toEqual([]);
    expect(same!.replications).toBe(s.replications);
    expect(same!.variant.figures).toEqual(s.baseline.figures);
    expect(same!.delta.makespanNs!.unchanged).toBe(true);
    // One worker for 25 executions changes every replication differently: it runs to the limit.
    expect(one!.replications).toBe(12);
    expect(one!.stoppedBecause).toBe('maxReps');
    expect(one!.delta.makespanNs!.mean!).toBeGreaterThan(0);
    expect(s.replications).toBe(12);
    const text = renderSweep(s);
    expect(text).toMatch(/^Sweep: propeller\.workers set to 1, 20 \(baseline: 20\)/);
    expect(text).toMatch(/= baseline/);
    expect(text).toMatch(/stopped at the replication limit \(12\)/);
  });

  it('reports its progress after every replication, on a terminal as one line', async () => {
    const seen: SweepProgress[] = [];
    const s = await runSweep(canonical(), defaultModel(), spec, { seed: 4, minReps: 3, maxReps: 5, precision: 0, jobs: 1, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.rep)).toEqual([1, 2, 3, 4, 5]);
    expect(seen.every((p) => p.values === 3 && p.maxReps === 5)).toBe(true);
    // ×1 is the baseline: settled from the start; the others never (precision 0).
    expect(seen.map((p) => p.settled)).toEqual([1, 1, 1, 1, 1]);
    expect(s.replications).toBe(5);
    expect(sweepProgressLine(seen[1]!)).toBe('replication 2/5  1 of 3 values settled');
    const out: string[] = [];
    let now = 0;
    const sink = createProgress<SweepProgress>({ isTTY: true, write: (x: string) => out.push(x) }, { now: () => now, line: sweepProgressLine });
    now = 2000;
    sink.update(seen[3]!);
    sink.done();
    expect(out).toEqual(['\rreplication 4/5  1 of 3 values settled\x1b[K', '\r\x1b[K']);
  });

  it('a bad path or value fails before anything runs, as a usage error', async () => {
    await expect(runSweep(canonical(), defaultModel(), { kind: 'set', path: 'propeller.wrokers', values: ['2'] }, { seed: 1 })).rejects.toThrow(InputError);
    await expect(runSweep(canonical(), defaultModel(), { kind: 'set', path: 'propeller.workers', values: ['many'] }, { seed: 1 })).rejects.toThrow(InputError);
  });

  it('the same with worker threads, byte for byte', async () => {
    const opts = { seed: 11, minReps: 4, maxReps: 8, precision: 0.002 };
    const one = await runSweep(saturatedLoad(), defaultModel(), spec, { ...opts, jobs: 1 });
    const pooled = await runSweep(saturatedLoad(), defaultModel(), spec, { ...opts, jobs: 3, minWorkMs: 0 });
    expect(JSON.stringify(pooled)).toBe(JSON.stringify(one));
  }, 60_000);
});

describe('propsim sweep', () => {
  it('prints the table, or JSON with a value per point; fixed changes apply to the baseline too', async () => {
    const r = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'propeller.maxStreakLength=1,8', '--reps', '4', '--min-reps', '2', '--jobs', '1', '--json', '--preset', 'halve-event-latency']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.schema).toBe('propsim.sweep/1');
    expect(j.points.map((p: { value: string }) => p.value)).toEqual(['1', '8']);
    expect(j.baselineLabel).toBe('8');
    expect(j.points.map((p: { label: string }) => p.label)).toEqual(['1', '8']);
    // Streaks of one round take more Handle calls than streaks of eight.
    expect(j.points[0].variant.figures.handles.mean).toBeGreaterThan(j.points[1].variant.figures.handles.mean);
    // The preset is part of the baseline, so it is no effect of either value...
    expect(j.points[0].effects.map((e: { path: string }) => e.path)).toEqual(['propeller.maxStreakLength']);
    // ... and the baseline is faster for it: its node events take half as long.
    const plain = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'propeller.maxStreakLength=1,8', '--reps', '4', '--min-reps', '2', '--jobs', '1', '--json']);
    const p = JSON.parse(plain.out);
    expect(j.baseline.figures.nodeEventP50Ns.mean / p.baseline.figures.nodeEventP50Ns.mean).toBeCloseTo(0.5, 1);
    expect(j.baseline.figures.makespanNs.mean).toBeLessThan(p.baseline.figures.makespanNs.mean);

    const t = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'propeller.maxStreakLength=1,8', '--reps', '4', '--min-reps', '2', '--jobs', '1']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^Sweep: propeller\.maxStreakLength set to 1, 8 \(baseline: 8\)/);
    expect(t.out).toMatch(/\n {2}baseline \(8\) +4 /);
  }, 30_000);

  it('names each row by the value as the model reads it; the header keeps the values as given', async () => {
    const r = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'kube.podStart={lognormal: {median: 2s, sigma: 0.5}},{constant: 9}', '--reps', '2', '--min-reps', '2', '--jobs', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('set to {lognormal: {median: 2s, sigma: 0.5}}, {constant: 9}');
    const rows = r.out.split('\n').filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/ {2,}/)[0]);
    expect(rows.slice(1)).toEqual(['baseline (median 4.00 s)', 'median 2.00 s', '9.00 s']);
    const j = await runCli(['sweep', 'scenarios/hello.yaml', '--vary-scale', 'events.*.latency=0.5', '--reps', '2', '--min-reps', '2', '--jobs', '1', '--json']);
    const json = JSON.parse(j.out);
    expect(json.baselineLabel).toBe('× 1');
    expect(json.points[0].label).toBe('× 0.5');
    const wild = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'events.*.latency={constant: 0.01}', '--reps', '2', '--min-reps', '2', '--jobs', '1', '--json']);
    // a path naming several fields: no single baseline value, the value as given
    expect(JSON.parse(wild.out).baselineLabel).toBeNull();
    expect(JSON.parse(wild.out).points[0].label).toBe('{constant: 0.01}');
    const d = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'propeller.baseDelaySeconds=0,2', '--reps', '2', '--min-reps', '2', '--jobs', '1']);
    expect(d.out).toMatch(/\n {2}0 s +2 /);
    expect(d.out).toMatch(/\n {2}2\.00 s +2 /);
  }, 30_000);

  it('says when the change is to a field a replayed recording takes from the recording (pod starts)', async () => {
    const replay = await runCli(['sweep', 'recordings/hello-world.jsonl', '--vary-scale', 'kube.*=0.5', '--reps', '2', '--min-reps', '2', '--jobs', '1']);
    expect(replay.code).toBe(0);
    // after what was read of the recording
    expect(replay.err).toMatch(/^propsim: 1 execution to replay; lines: 238 read, 160 used, skipped: untimed 76, noExecution 2\npropsim: kube\.podSchedule and kube\.podStart: the replayed recording keeps each pod's recorded start/);
    const whatif = await runCli(['whatif', 'recordings/hello-world.jsonl', '--scale', 'kube.podStart=0.5', '--reps', '2', '--min-reps', '2', '--jobs', '1']);
    expect(whatif.err).toMatch(/\npropsim: kube\.podStart: the replayed recording keeps/);
    // A scenario's pods start as the model says: no note; nor for a field the replay does not take.
    const scenario = await runCli(['sweep', 'scenarios/hello.yaml', '--vary-scale', 'kube.*=0.5', '--reps', '2', '--min-reps', '2', '--jobs', '1']);
    expect(scenario.err).toBe('');
    const events = await runCli(['sweep', 'recordings/hello-world.jsonl', '--vary-scale', 'events.*.latency=0.5', '--reps', '2', '--min-reps', '2', '--jobs', '1']);
    expect(events.err).not.toMatch(/replayed recording keeps/);
  }, 60_000);

  it('bad flags are one-line usage errors (exit 2)', async () => {
    const both = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'propeller.workers=1', '--vary-scale', 'etcd.update=2']);
    expect(both.code).toBe(2);
    expect(both.err.trim().split('\n')).toHaveLength(1);
    expect(both.err).toMatch(/exactly one of --vary/);
    const bool = await runCli(['sweep', 'scenarios/hello.yaml', '--vary-scale', 'store.offloadClosure=0.5', '--min-reps', '2', '--reps', '2']);
    expect(bool.code).toBe(2);
    expect(bool.err).toBe('propsim: store.offloadClosure: cannot scale a true/false field; set it to true or false instead\n');
    const path = await runCli(['sweep', 'scenarios/hello.yaml', '--vary', 'propeller.wrokers=1,2']);
    expect(path.code).toBe(2);
    expect(path.err).toMatch(/propeller\.wrokers/);
    expect(path.err).not.toMatch(/\n\s+at /);
  });
});
