/**
 * simulate -> OTLP traces (`--emit-otlp`) -> the OTLP reader gives back the same Recording: every
 * field, since propsim writes what propeller's spans lack under `propsim.` attributes. The same for
 * a Recording folded from CRI logs, except the source line numbers only logs have.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOtlp } from '../../src/export/otlp.js';
import { readOtlpFile } from '../../src/ingest/otlp.js';
import { defaultModel } from '../../src/model/defaults.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan } from '../../src/model/workflow.js';
import type { Recording } from '../../src/timeline/types.js';
import { withoutExactBounds } from '../support/exact-bounds.js';
import { failures, logRoundTrip, portfolio, simulateWith, smallMapFanout, smallMixedLoad, stressModel, tempDir } from './shape.js';

const dir = tempDir('otlp');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Recording as JSON holds it (no undefined-valued keys), without what a reader sets itself. */
/** The Recording without stats and source; exact bounds left out (a trace's times are exact). */
function content(rec: Recording, dropLines = false): unknown {
  const { lines: _lines, source: _source, ...rest } = rec;
  return withoutExactBounds(JSON.parse(JSON.stringify(rest, (k, v: unknown) => (dropLines && k === 'line' ? undefined : v))));
}

async function otlpRoundTrip(rec: Recording, name: string): Promise<Recording> {
  const path = join(dir, `${name}.otlp.jsonl`);
  const stats = await writeOtlp(rec, path, { chunkSpans: 5000 });
  expect(stats.spans).toBeGreaterThan(0);
  const back = await readOtlpFile(path);
  expect(back.stats.malformed).toBe(0);
  expect(back.recording.source).toBe('otlp');
  return back.recording;
}

const CASES: { name: string; plans: () => ExecutionPlan[]; model: () => Model }[] = [
  { name: 'hello', plans: () => portfolio('hello'), model: defaultModel },
  { name: 'too-large', plans: () => portfolio('too-large'), model: defaultModel },
  { name: 'nested-dynamic', plans: () => portfolio('nested-dynamic'), model: defaultModel },
  { name: 'map-fanout-small', plans: smallMapFanout, model: defaultModel },
  { name: 'mixed-stress', plans: smallMixedLoad, model: stressModel },
  { name: 'failures', plans: failures, model: defaultModel },
];

describe.each(CASES)('OTLP round trip: $name', (c) => {
  it('reads back the simulated Recording exactly, the streak cap included', async () => {
    const model = c.model();
    const rec = simulateWith(c.plans(), model);
    const back = await otlpRoundTrip(rec, c.name);
    expect(back.executions.length).toBe(rec.executions.length);
    expect(content(back)).toStrictEqual(content(rec));
    // The simulated Recording has no undefined-valued keys: it equals the read-back as it is in memory.
    const { lines: _l1, source: _s1, ...simulated } = rec;
    const { lines: _l2, source: _s2, ...readBack } = back;
    expect(readBack).toStrictEqual(simulated);
    // Every call that ran rounds states max-streak-length, as `Streak ended at [n]/Max: [m]` does.
    const ran = back.executions.flatMap((e) => e.handles).filter((h) => h.rounds.length > 0);
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((h) => h.streakMax === model.propeller.maxStreakLength)).toBe(true);
  });
});

describe('OTLP round trip of a folded Recording', () => {
  it('keeps everything the fold of CRI logs found (error classes and texts, streak caps, exact instants)', async () => {
    const model = stressModel();
    const rec = simulateWith(smallMixedLoad(), model);
    const { folded } = await logRoundTrip(rec, join(dir, 'mixed.log'), { format: 'json', cri: true, maxStreak: model.propeller.maxStreakLength });
    expect(folded.executions.flatMap((e) => e.handles).some((h) => h.streakMax === 3 && h.endReason === 'cap')).toBe(true);
    expect(folded.executions.flatMap((e) => e.handles.flatMap((h) => h.rounds)).some((r) => r.error === 'throttled')).toBe(true);
    const back = await otlpRoundTrip(folded, 'folded');
    expect(content(back)).toStrictEqual(content(folded, true));
  });

  it('keeps the bounds of whole-second log stamps (a trace written from a log is no more precise than the log)', async () => {
    const model = stressModel();
    const rec = simulateWith(smallMixedLoad(), model);
    const { folded } = await logRoundTrip(rec, join(dir, 'mixed-seconds.log'), { format: 'json', cri: false, maxStreak: model.propeller.maxStreakLength });
    const h = folded.executions[0]!.handles[0]!;
    expect(h.endHi! - h.endLo!).toBeGreaterThan(0);
    // Every span-like item is a well-formed interval: bounds hold the estimates, nothing ends before it starts.
    for (const e of folded.executions) {
      for (const hc of e.handles) {
        for (const t of [hc, ...hc.rounds, ...hc.rounds.flatMap((r) => r.ops)]) {
          const [sl, sh, el, eh] = [t.startLo!, t.startHi!, t.endLo!, t.endHi!];
          expect(sl <= t.start && t.start <= sh && el <= t.end && t.end <= eh, `${e.id} bounds`).toBe(true);
          expect(t.start <= t.end && sl <= el && sh <= eh, `${e.id} order`).toBe(true);
        }
      }
    }
    const back = await otlpRoundTrip(folded, 'folded-seconds');
    expect(content(back)).toStrictEqual(content(folded, true));
  });
});
