// Profiling driver: the streaming fold bench/ingest.ts's `fold` mode runs, on one file.
import { streamExecutions } from '../src/cli/inputs.js';
const file = process.argv[2] ?? 'bench/data/propeller-debug-100MB.v3.jsonl';
const mode = process.argv[3] ?? 'fold';
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let n = 0;
if (mode === 'read') {
  const { readLogRecords } = await import('../src/ingest/lines.js');
  for await (const b of readLogRecords([file])) n += b.length;
} else {
  await streamExecutions([file], {}, () => { n++; });
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cu = process.cpuUsage(c0);
process.stderr.write(`${mode}: ${n} in ${ms.toFixed(0)} ms, user ${(cu.user/1000).toFixed(0)} sys ${(cu.system/1000).toFixed(0)}; maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
