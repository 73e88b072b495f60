import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { endStaging } from '../export/atomic-write.js';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeReport } from '../metrics/index.js';
import { bytes } from '../metrics/text.js';
import { loadModel } from '../model/defaults.js';
import { loadSimulationInput } from '../model/load.js';
import { simulate } from '../propeller/simulator.js';
import { formatDuration } from '../timeline/time.js';
import { runCalibrate } from './calibrate.js';
import { runFold } from './fold.js';
import { runReport } from './report.js';
import { runSweepCommand } from './sweep.js';
import { runValidate } from './validate.js';
import { runWhatif } from './whatif.js';

/**
 * `npm run demo`: the whole tool on bundled data, in the order a Flyte engineer would use it.
 * Every step is an ordinary verb; the commands are printed so they can be rerun by hand.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rel = (...p: string[]) => join(root, ...p);

function section(title: string, command: string): void {
  process.stdout.write(`\n${'═'.repeat(100)}\n${title}\n$ ${command}\n${'─'.repeat(100)}\n`);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/** One line per portfolio scenario: what an engineer scans before opening a full report. */
function portfolioTable(seed: string): void {
  const files = readdirSync(rel('scenarios'))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const model = loadModel(undefined, 'default');
  const rows: string[][] = [['scenario', 'execs', 'outcome', 'makespan (mean)', 'user', 'Flyte', 'external', 'rounds', 'events', 'etcd written']];
  for (const f of files) {
    const s = loadSimulationInput(rel('scenarios', f));
    const rep = computeReport(simulate(s.executions, model, { seed, replication: 0 }));
    const tops = rep.executions.filter((e) => !e.parent);
    const n = tops.length;
    const mean = tops.reduce((a, e) => a + e.makespanNs, 0) / Math.max(1, n);
    const o = rep.overall!.overhead;
    const phases = new Map<string, number>();
    for (const e of tops) phases.set(e.phase, (phases.get(e.phase) ?? 0) + 1);
    // Launch-plan children count toward the work their parents caused.
    const counts = { rounds: 0, events: 0, etcd: 0 };
    for (const { counts: c } of rep.executions) {
      counts.rounds += c.rounds;
      counts.events += c.workflowEvents + c.nodeEvents + c.taskEvents;
      counts.etcd += c.etcdBytes;
    }
    rows.push([
      f.replace(/\.yaml$/, ''),
      String(n),
      [...phases].map(([p, k]) => (n > 1 ? `${k} ${p}` : p)).join(', '),
      formatDuration(Math.round(mean)),
      o.totalNs ? pct(o.userRatio) : '-',
      o.totalNs ? pct(o.flyteRatio) : '-',
      o.totalNs ? pct(o.externalRatio) : '-',
      String(counts.rounds),
      String(counts.events),
      bytes(counts.etcd),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [i, r] of rows.entries()) {
    process.stdout.write(`${r.map((c, j) => (j === 0 || j === 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ')}\n`);
    if (i === 0) process.stdout.write(`${widths.map((w) => '─'.repeat(w)).join('  ')}\n`);
  }
  process.stdout.write('user/Flyte/external: shares of the summed node time over the executions that finished (the RFC definition); seed 1, default profile.\n');
}

export async function runDemo(opts: { quick?: boolean }): Promise<number> {
  const hello = rel('recordings', 'hello-world.jsonl');
  const deployment = rel('recordings', 'deployment.cri.log.gz');
  // the demo's files are its own scratch, read back within the run: written at once, not staged
  endStaging();
  const work = mkdtempSync(join(tmpdir(), 'propsim-demo-'));
  const model = join(work, 'model.json');
  try {
    section('1. Where did the time go? Fold a propeller debug log (the canonical one-task workflow)', 'propsim fold recordings/hello-world.jsonl');
    await runFold([hello], {});
    section('2. Its overhead report: user code vs Flyte management vs Kubernetes/external', 'propsim report recordings/hello-world.jsonl');
    await runReport([hello], {});
    section('3. The RFC portfolio, simulated (details: propsim simulate scenarios/<name>.yaml)', 'for f in scenarios/*.yaml; do propsim simulate "$f" --summary; done');
    portfolioTable('1');
    section('4. Flyte\'s overhead across a deployment: 40 executions from CRI-prefixed JSON logs', 'propsim report recordings/deployment.cri.log.gz --summary');
    await runReport([deployment], { summary: true });
    section('5. Calibrate a model of that deployment from its logs', 'propsim calibrate recordings/deployment.cri.log.gz --out model.json');
    await runCalibrate([deployment], { out: model });
    section('6. How well does a model calibrated on 70 % of the executions predict the other 30 %?', 'propsim validate recordings/deployment.cri.log.gz');
    const vcode = await runValidate([deployment], { holdout: 0.3, splitBy: 'random', targetError: 0.1, seed: '1', reps: opts.quick ? 5 : 20 });
    section('7. What if admin events were twice as fast? Replay the recording, paired replications', 'propsim whatif recordings/deployment.cri.log.gz --model model.json --preset halve-event-latency');
    await runWhatif(deployment, {
      model,
      set: [],
      scale: [],
      preset: ['halve-event-latency'],
      reps: opts.quick ? 10 : 60,
      minReps: opts.quick ? 5 : 10,
      precision: 0.005,
      seed: '1',
    });
    section(
      '8. And the main queue\'s base delay: what does each second of it cost? One field over several values, each paired with the baseline',
      'propsim sweep recordings/deployment.cri.log.gz --model model.json --vary propeller.baseDelaySeconds=0,1,2,5,10',
    );
    await runSweepCommand(deployment, {
      vary: 'propeller.baseDelaySeconds=0,1,2,5,10',
      model,
      set: [],
      scale: [],
      preset: [],
      reps: opts.quick ? 10 : 100,
      minReps: opts.quick ? 5 : 10,
      precision: 0.01,
      seed: '1',
    });
    return vcode;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
