/**
 * `npm run bench`: every benchmark, figures as ratios against a baseline measured in the same run
 * (these machines are shared and noisy; absolute numbers move ±20% between runs, ratios less).
 *
 *   npm run bench                 engine + ingest (500 MB log, 3 runs, 2 GB memory check)
 *   npm run bench -- --quick      engine (3 reps) + ingest (100 MB, 1 run, no memory check)
 *   npm run bench -- --only engine|ingest|replications
 *
 * Not a test: nothing here fails on time.
 */
import { formatEngineBench, runEngineBench } from './engine.js';
import { runIngestBench } from './ingest.js';
import { formatReplicationBench, runReplicationBench } from './replications.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

if (!only || only === 'engine') {
  const reps = quick ? 3 : 5;
  console.log('== Engine: simulated propeller vs a bare (time, seq) heap loop with the same event count ==');
  console.log(formatEngineBench(runEngineBench(reps), reps));
  console.log('');
}
if (!only || only === 'replications') {
  const runs = quick ? 1 : 3;
  console.log('== Replications: whatif on one thread vs all cores (worker threads), same output ==');
  console.log(formatReplicationBench(runReplicationBench({ runs }), runs));
  console.log('');
}
if (!only || only === 'ingest') {
  console.log('== Ingest: log fold vs a bare readline + JSON.parse pass over the same file ==');
  await runIngestBench(quick ? { sizeMb: 100, runs: 1, mem: false } : { sizeMb: 500, runs: 3, mem: true });
}
