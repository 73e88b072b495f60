/**
 * Profiling driver for the log ingest: the streaming call the ingest bench's `fold` mode makes
 * (or the line reader alone), on one file, `passes` times in one process; prints time, CPU and
 * peak RSS. Run it under `--cpu-prof`, `--trace-gc` or an instruction counter.
 *
 *   node --import tsx bench/ingest-prof.ts FILE [fold|read] [passes]
 */
import { streamExecutions } from '../src/cli/inputs.js';
import { readLogRecords } from '../src/ingest/lines.js';

const file = process.argv[2] ?? 'bench/data/propeller-debug-100MB.v3.jsonl';
const mode = process.argv[3] ?? 'fold';
const passes = Number(process.argv[4] ?? 1);
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let n = 0;
for (let i = 0; i < passes; i++) {
  if (mode === 'read') {
    for await (const b of readLogRecords([file])) n += b.length;
  } else {
    await streamExecutions([file], {}, () => {
      n++;
    });
  }
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cu = process.cpuUsage(c0);
process.stderr.write(
  `${mode}: ${n} in ${ms.toFixed(0)} ms, user ${(cu.user / 1000).toFixed(0)} sys ${(cu.system / 1000).toFixed(0)}; ` +
    `maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
);
