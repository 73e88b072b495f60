import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecording } from '../../src/cli/inputs.js';
import { writeLogs } from '../../src/export/logs.js';
import { writeOtlp } from '../../src/export/otlp.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { Recording } from '../../src/timeline/types.js';
import { TRUE, trueModel, workload } from './workload.js';

export interface Sources {
  dir: string;
  sim: Recording;
  files: { otlp: string; cri: string; seconds: string };
  otlp: Recording;
  cri: Recording;
  seconds: Recording;
}

/**
 * The known workload simulated once, emitted as OTLP traces, CRI-prefixed JSON logs and plain
 * whole-second JSON logs, and read back through the real readers.
 *
 * The log emitter logs an `Enqueueing workflow` line at every Handle call's ready time when no
 * enqueue is recorded at that instant; propeller logs nothing when a delayed key comes due, so
 * the ready times are taken off before emitting (they are not something logs can carry).
 */
export async function makeSources(executions = 45, seed = 7): Promise<Sources> {
  const dir = mkdtempSync(join(tmpdir(), 'propsim-calibrate-'));
  const sim = simulate(workload(executions), trueModel(), { seed, replication: 0 });
  const forLogs = structuredClone(sim);
  for (const e of forLogs.executions) {
    for (const h of e.handles) {
      delete h.enqueuedAt;
      delete h.enqueuedAtLo;
      delete h.enqueuedAtHi;
    }
  }
  const files = { otlp: join(dir, 'traces.otlp.jsonl'), cri: join(dir, 'propeller-cri.log'), seconds: join(dir, 'propeller.log') };
  await writeOtlp(sim, files.otlp);
  await writeLogs(forLogs, files.cri, { format: 'json', cri: true, maxStreak: TRUE.maxStreakLength });
  await writeLogs(forLogs, files.seconds, { format: 'json', cri: false, maxStreak: TRUE.maxStreakLength });
  return {
    dir,
    sim,
    files,
    otlp: await readRecording([files.otlp]),
    cri: await readRecording([files.cri]),
    seconds: await readRecording([files.seconds]),
  };
}
