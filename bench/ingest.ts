/**
 * Fold throughput: the whole log ingest (line reader + folder) against a bare `readline` +
 * `JSON.parse` pass over the same generated propeller debug log, in the same run. Not a test.
 *
 *   npx tsx bench/ingest.ts [--size MB] [--runs N] [--file LOG --exec ID] [--no-mem]
 *
 * Every pass runs in a fresh child process (one pass's heap never slows the next), the modes are
 * interleaved run by run (load from other processes spreads evenly over them), and each figure
 * is the median of the runs; peak RSS is the child's own `maxRSS`.
 * - baseline: `readline` + `JSON.parse` of every line;
 * - fold: the streaming call `propsim fold` makes (`streamExecutions`: `readLogRecords` +
 *   `foldRecordsStreaming`), executions handed over and dropped, no output;
 * - fold --json: the CLI itself in-process (`main(['fold', FILE, '--json', '-o', '/dev/null'])`),
 *   i.e. the above plus serializing every execution;
 * - --exec: the streaming call with an exact execution id from the middle of the log;
 * - report --json: the CLI `report` in-process (folds, reports and drops each execution as it
 *   finishes, then writes the whole report JSON to /dev/null);
 * - memory check (unless --no-mem): the log piped 4 times through standard input into
 *   `fold - --json -o /dev/null`, peak RSS (the copies repeat ids and times: it checks memory).
 * The log (default 500 MB) is generated once into bench/data/ (see `ensureLog`).
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureLog, passBaseline } from './ingest-lines.js';
import { median } from './stats.js';

const SELF = fileURLToPath(import.meta.url);

export type IngestMode = 'baseline' | 'fold' | 'cli' | 'exec' | 'report';

export interface ModeResult {
  mode: IngestMode | 'mem';
  label: string;
  /** Median wall-clock throughput, MB/s (1 MB = 1e6 bytes). */
  mbps: number;
  /** Median throughput by the child's CPU time (user + system), MB/s. */
  cpuMbps: number;
  /** Ratio of `mbps` to the baseline's. */
  ratio: number;
  /** Largest peak RSS over the runs, MB (2^20 bytes). */
  rssMb: number;
  /** Lines (baseline), executions handed over (fold, exec); 0 for the CLI runs (they print their own note). */
  count: number;
  /** Wall seconds of each run. */
  runs: number[];
}

export interface IngestBenchResult {
  file: string;
  mb: number;
  exec: string;
  results: ModeResult[];
  /** Goals of the issue: fold >= 1.5x and --exec >= 4x the baseline. */
  goals: { fold: boolean; exec: boolean };
}

export interface IngestBenchOptions {
  sizeMb?: number;
  runs?: number;
  /** Use this log instead of the generated one (then `exec` is required). */
  file?: string;
  exec?: string;
  /** The 4x-through-stdin memory check (default true). */
  mem?: boolean;
  log?: (line: string) => void;
}

const LABELS: Record<IngestMode | 'mem', string> = {
  baseline: 'readline + JSON.parse',
  fold: 'fold (streaming call)',
  cli: 'fold --json (CLI)',
  exec: 'fold --exec ID',
  report: 'report --json (CLI)',
  mem: 'fold --json, 4x via stdin',
};

// ---------------------------------------------------------------- child side

interface ChildReport {
  ns: number;
  cpuNs: number;
  count: number;
  maxRssKb: number;
}

async function passFold(file: string, exec: string | undefined): Promise<number> {
  const { streamExecutions } = await import('../src/cli/inputs.js');
  let n = 0;
  await streamExecutions([file], exec === undefined ? {} : { exec }, () => {
    n++;
  });
  return n;
}

async function passCli(file: string, verb: 'fold' | 'report' = 'fold'): Promise<number> {
  const { main } = await import('../src/cli/main.js');
  const code = await main([verb, file, '--json', '-o', '/dev/null']);
  if (code !== 0) throw new Error(`propsim ${verb} exited with ${code}`);
  return 0;
}

async function child(mode: string, file: string, exec: string): Promise<void> {
  // load the code before the clock starts (module loading is not throughput)
  await import('../src/cli/inputs.js');
  if (mode === 'cli' || mode === 'mem' || mode === 'report') await import('../src/cli/main.js');
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let count: number;
  if (mode === 'baseline') count = await passBaseline(file);
  else if (mode === 'cli' || mode === 'mem') count = await passCli(file);
  else if (mode === 'report') count = await passCli(file, 'report');
  else count = await passFold(file, mode === 'exec' ? exec : undefined);
  const ns = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  const report: ChildReport = { ns, cpuNs: (c.user + c.system) * 1000, count, maxRssKb: process.resourceUsage().maxRSS };
  // fd 3 carries the report: the CLI writes to stdout/stderr itself
  const { writeSync } = await import('node:fs');
  writeSync(3, JSON.stringify(report) + '\n');
}

// ---------------------------------------------------------------- parent side

function runChild(mode: IngestMode | 'mem', file: string, exec: string): ChildReport {
  const args = [...process.execArgv, SELF, '--child', mode, '--file', mode === 'mem' ? '-' : file, '--exec', exec];
  const res =
    mode === 'mem'
      ? spawnSync('sh', ['-c', 'cat "$F" "$F" "$F" "$F" | "$0" "$@"', process.execPath, ...args], {
          env: { ...process.env, F: file },
          stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        })
      : spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 20 });
  const out = (res.output[3] ?? '').trim();
  if (res.status !== 0 || out === '') throw new Error(`${mode} run failed (${res.status}): ${res.stderr ?? ''}`);
  return JSON.parse(out.split('\n').pop() as string) as ChildReport;
}

/** Runs the benchmark and prints its table through `log`; returns the figures. */
export async function runIngestBench(opts: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const log = opts.log ?? ((s: string) => process.stdout.write(s + '\n'));
  const runs = opts.runs ?? 3;
  let file = opts.file;
  let exec = opts.exec;
  if (file === undefined) {
    const g = ensureLog(opts.sizeMb ?? 500, (s) => log(s.trimEnd()));
    file = g.file;
    exec ??= g.exec;
  }
  if (exec === undefined) throw new Error('an execution id (exec) is required with a given file');
  const bytes = statSync(file).size;
  const mb = bytes / 1e6;
  log(`ingest: ${file}, ${mb.toFixed(0)} MB; --exec ${exec}; median of ${runs} runs, each in a fresh process`);
  const modes: IngestMode[] = ['baseline', 'fold', 'cli', 'exec', 'report'];
  const reports = new Map<IngestMode, ChildReport[]>();
  for (let r = 0; r < runs; r++) {
    for (const m of modes) {
      const rep = runChild(m, file, exec);
      const list = reports.get(m) ?? [];
      list.push(rep);
      reports.set(m, list);
    }
  }
  const summarize = (mode: IngestMode | 'mem', reps: ChildReport[], size: number, baseMbps: number): ModeResult => {
    const mbps = size / (median(reps.map((x) => x.ns)) / 1e9);
    return {
      mode,
      label: LABELS[mode],
      mbps,
      cpuMbps: size / (median(reps.map((x) => x.cpuNs)) / 1e9),
      ratio: baseMbps > 0 ? mbps / baseMbps : 1,
      rssMb: Math.max(...reps.map((x) => x.maxRssKb)) / 1024,
      count: reps[reps.length - 1]?.count ?? 0,
      runs: reps.map((x) => x.ns / 1e9),
    };
  };
  const base = summarize('baseline', reports.get('baseline') ?? [], mb, 0);
  const results: ModeResult[] = [base];
  for (const m of modes.slice(1)) results.push(summarize(m, reports.get(m) ?? [], mb, base.mbps));
  if (opts.mem !== false) results.push(summarize('mem', [runChild('mem', file, exec)], 4 * mb, base.mbps));
  const cpuBase = base.cpuMbps;
  log(`${''.padEnd(26)} wall MB/s  ratio | CPU MB/s  ratio | peak RSS | runs (s)`);
  for (const r of results) {
    log(
      `${r.label.padEnd(26)} ${r.mbps.toFixed(0).padStart(9)}  x${r.ratio.toFixed(2).padEnd(5)}|` +
        ` ${r.cpuMbps.toFixed(0).padStart(8)}  x${(r.cpuMbps / cpuBase).toFixed(2).padEnd(5)}|` +
        ` ${r.rssMb.toFixed(0).padStart(5)} MB | ${r.runs.map((s) => s.toFixed(2)).join(' ')}`,
    );
  }
  const fold = results.find((r) => r.mode === 'fold');
  const ex = results.find((r) => r.mode === 'exec');
  const goals = { fold: (fold?.ratio ?? 0) >= 1.5, exec: (ex?.ratio ?? 0) >= 4 };
  log(
    `goals: fold >= 1.5x baseline: ${goals.fold ? 'met' : 'NOT met'}; --exec >= 4x: ${goals.exec ? 'met' : 'NOT met'}` +
      (opts.mem !== false ? `; 2 GB through stdin: peak RSS ${results[results.length - 1]?.rssMb.toFixed(0)} MB` : ''),
  );
  return { file, mb, exec, results, goals };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mode = arg('--child');
  if (mode !== undefined) {
    await child(mode, arg('--file') as string, arg('--exec') ?? '');
  } else {
    const size = arg('--size');
    const runs = arg('--runs');
    await runIngestBench({
      sizeMb: size === undefined ? undefined : Number(size),
      runs: runs === undefined ? undefined : Number(runs),
      file: arg('--file'),
      exec: arg('--exec'),
      mem: !process.argv.includes('--no-mem'),
    });
  }
}
