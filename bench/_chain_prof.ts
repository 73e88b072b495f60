import { benchWorkloads, workloadModel } from './engine.js';
import { runSimulation } from '../src/propeller/simulator.js';
const name = process.argv[2] ?? 'chain-10k';
const n = Number(process.argv[3] ?? 4);
const w = benchWorkloads().find((x) => x.name === name)!;
for (let i = 0; i < n; i++) {
  const p = w.plans(); const m = workloadModel(w);
  const t0 = performance.now();
  const r = runSimulation(p, m, { seed: 'bench', replication: 0 });
  console.log(name, r.events, (performance.now() - t0).toFixed(0), 'ms');
}
