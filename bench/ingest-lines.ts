/**
 * Throughput of the log line reader (src/ingest/lines.ts) against a bare `readline` +
 * `JSON.parse` pass over the same generated propeller debug log, in fresh processes, median of
 * N runs, with peak RSS. Not a test.
 *
 *   npx tsx bench/ingest-lines.ts [--size MB] [--runs N] [--file LOG]
 *
 * The log (default 500 MB, cached in bench/data/) imitates propeller at debug level with
 * show-source on: many executions of a 1-task workflow in flight, 8 workers interleaving their
 * Handle calls line by line, whole-second `ts`, message templates from src/timeline/templates.ts.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync, closeSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { readLogRecords } from '../src/ingest/lines.js';
import { MSG, executionIdText } from '../src/timeline/templates.js';
import { median } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

// ---------------------------------------------------------------- log generator

const PROJECT = 'flytesnacks';
const DOMAIN = 'development';
const NS = `${PROJECT}-${DOMAIN}`;
const WF = `${PROJECT}:${DOMAIN}:core.flyte_basics.basic_workflow.my_wf`;
const WORKERS = 8;
const TASK = `${PROJECT}/${DOMAIN}/core.flyte_basics.basic_workflow.t1/v1`;

/** Bump when the generated log changes: cached logs of another version are regenerated. */
export const GENERATOR_VERSION = 3;

interface Exec {
  id: string;
  resVer: number;
  stage: number;
}

/** Stage of the last Handle call: the workflow is terminal, its pod deleted, the key requeued. */
const TAIL = 6;

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 19) + 'Z';
}

function q(s: string): string {
  // Go's encoder (DisableHTMLEscape) escapes only quotes, backslashes and control characters here
  return JSON.stringify(s);
}

type Ctx = { node?: string; tasktype?: string; round?: boolean };

/** One Handle call of an execution, as the lines propeller writes (without ts). */
function handleCall(e: Exec, worker: string, rnd: () => number): { lines: ((ts: string) => string)[]; done: boolean } {
  const out: ((ts: string) => string)[] = [];
  const line = (level: string, src: string, msg: string, c: Ctx = {}, base = true): void => {
    const f: string[] = [];
    if (base) f.push(`"exec_id":"${e.id}"`);
    if (c.node) f.push(`"node":"${c.node}"`);
    if (base) f.push(`"ns":"${NS}"`);
    if (c.round) f.push(`"res_ver":"${e.resVer}"`);
    if (base) f.push(`"routine":"${worker}"`);
    f.push(`"src":"${src}"`);
    if (c.tasktype) f.push(`"tasktype":"${c.tasktype}"`);
    if (c.round) f.push(`"wf":"${WF}"`);
    const head = `{"json":{${f.join(',')}},"level":"${level}","msg":${q(msg)},"ts":"`;
    out.push((ts) => `${head}${ts}"}`);
  };
  const R: Ctx = { round: true };
  const round = (phase: string, body: () => void, changed: boolean, last: boolean): void => {
    line('info', 'executor.go:403', MSG.handling(e.id, executionIdText(PROJECT, DOMAIN, e.id), phase), R);
    body();
    line('info', 'executor.go:404', MSG.handlingDone(e.id), R);
    if (changed) {
      line('debug', 'passthrough.go:60', MSG.etcdUpdateStart());
      e.resVer += 1 + Math.floor(rnd() * 40);
      line('debug', 'passthrough.go:85', MSG.etcdUpdated());
      if (!last) line('info', 'handler.go:251', MSG.fastFollow(1));
    } else {
      line('info', 'handler.go:323', MSG.noChange());
    }
  };
  const node = (id: string, body: () => void): void => {
    const c: Ctx = { node: id, round: true };
    line('debug', 'executor.go:1365', MSG.handlingNode(id), c);
    body();
    line('debug', 'executor.go:1366', MSG.completedNode(id), c);
  };
  const task = (id: string, plugin: string): void => {
    const c: Ctx = { node: id, round: true, tasktype: 'python-task' };
    line('debug', 'handler.go:781', MSG.pluginTransition(plugin), c);
    line('info', 'handler.go:735', MSG.parallelismSet(1), c);
  };
  const nodeChange = (id: string, from: string, to: string, h?: string): void => {
    const c: Ctx = { node: id, round: true };
    line('info', 'executor.go:1269', h ? MSG.nodeChange(from, to, h) : MSG.nodeChangeNYS(from, to), c);
    line('info', 'node_exec_context.go:64', MSG.recordingNodeEvent(`${e.id}-${id}-0`, to.toUpperCase()), c);
    if (rnd() < 0.02) line('info', 'node_exec_context.go:71', MSG.nodeEventExists(to.toUpperCase(), id), c);
  };
  if (e.stage === 0) {
    line('info', 'controller.go:157', MSG.enqueueWorkflow(`${NS}/${e.id}`), {}, false);
  } else {
    line('debug', 'plugin_manager.go:639', MSG.enqueueOwner(NS, `${e.id}-n0-0`), {}, false);
    if (rnd() < 0.3) line('debug', 'workqueue.go:98', MSG.enqueueSubqueue(`${NS}/${e.id}`), {}, false);
  }
  line('info', 'handler.go:186', MSG.processing());
  let done = false;
  if (e.stage === TAIL) {
    // the Handle call after the terminal write: nothing left to do
    line('info', 'handler.go:197', MSG.terminated(NS, e.id));
    line('info', 'handler.go:187', MSG.completedProcessing());
    line('info', 'workers.go:98', MSG.synced(`${NS}/${e.id}`));
    return { lines: out, done: true };
  }
  switch (e.stage) {
    case 0:
      round('Ready', () => {
        line('info', 'executor.go:139', MSG.setMetadataDir(`s3://my-s3-bucket/metadata/propeller/${NS}-${e.id}`), R);
        line('debug', 'executor.go:306', MSG.workflowTransition('Ready', 'Running'), R);
      }, true, false);
      round('Running', () => node('start-node', () => nodeChange('start-node', 'NotYetStarted', 'Succeeded')), true, false);
      round('Running', () => node('n0', () => {
        nodeChange('n0', 'NotYetStarted', 'Queued');
        line('info', 'executor.go:1379', MSG.nodeQueued(1), { node: 'n0', round: true });
      }), true, false);
      round('Running', () => node('n0', () => {
        line('info', 'cache.go:93', MSG.cacheMiss(), { node: 'n0', round: true });
        task('n0', 'PhaseQueued');
        nodeChange('n0', 'Queued', 'Running', 'Running');
      }), true, false);
      round('Running', () => node('n0', () => task('n0', 'PhaseQueued')), false, true);
      line('info', 'handler.go:253', MSG.streakEnded(5, 8));
      break;
    case 1:
    case 2:
    case 3:
      round('Running', () => node('n0', () => task('n0', e.stage === 1 ? 'PhaseInitializing' : 'PhaseRunning')), false, true);
      break;
    default:
      round('Running', () => node('n0', () => {
        task('n0', 'PhaseSuccess');
        line('info', 'cache.go:215', MSG.cacheRecording(...(TASK.split('/') as [string, string, string, string])), { node: 'n0', round: true });
        nodeChange('n0', 'Running', 'Succeeding', 'Success');
      }), true, false);
      round('Running', () => node('n0', () => {
        line('debug', 'executor.go:1418', MSG.nodeSucceeding(), { node: 'n0', round: true });
        nodeChange('n0', 'Succeeding', 'Succeeded', 'Success');
      }), true, false);
      round('Running', () => node('end-node', () => nodeChange('end-node', 'NotYetStarted', 'Queued')), true, false);
      round('Running', () => node('end-node', () => nodeChange('end-node', 'Queued', 'Succeeded', 'Success')), true, false);
      round('Running', () => line('debug', 'executor.go:306', MSG.workflowTransition('Running', 'Succeeding'), R), true, false);
      round('Succeeding', () => {
        line('debug', 'executor.go:306', MSG.workflowTransition('Succeeding', 'Succeeded'), R);
        line('info', 'executor.go:267', MSG.workflowCompleted(), R);
      }, true, true);
      // the informer sees the terminal write and requeues the workflow (another goroutine)
      line('info', 'controller.go:157', MSG.enqueueWorkflow(`${NS}/${e.id}`), {}, false);
      line('info', 'handler.go:419', MSG.noFastFollow(true, false));
      done = true;
  }
  line('info', 'handler.go:187', MSG.completedProcessing());
  line('info', 'workers.go:98', MSG.synced(`${NS}/${e.id}`));
  e.stage = done ? TAIL : e.stage + 1;
  return { lines: out, done: false };
}

function execId(rnd: () => number): string {
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = String.fromCharCode(97 + Math.floor(rnd() * 26));
  for (let i = 1; i < 20; i++) s += a[Math.floor(rnd() * a.length)];
  return s;
}

/** Writes a log of about `bytes` bytes; returns an execution id from the middle of the log. */
export function generate(path: string, bytes: number): string {
  const rnd = seedrandom.alea('propsim-ingest-bench');
  const tmp = `${path}.partial`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  let sec = Date.UTC(2024, 4, 17, 22, 0, 0) / 1000;
  let linesThisSecond = 0;
  let perSecond = 1500;
  const inFlight: Exec[] = [];
  const cursors: { lines: ((ts: string) => string)[]; i: number }[] = [];
  let middleId = '';
  let buf: string[] = [];
  let bufLen = 0;
  const nextCall = (w: number): { lines: ((ts: string) => string)[]; i: number } => {
    while (inFlight.length < 300) inFlight.push({ id: execId(rnd), resVer: 100_000_000 + Math.floor(rnd() * 9e8), stage: 0 });
    const k = Math.floor(rnd() * inFlight.length);
    const e = inFlight[k] as Exec;
    const call = handleCall(e, `worker-${w}`, rnd);
    if (call.done) inFlight.splice(k, 1);
    if (middleId === '' && written > bytes / 2) middleId = e.id;
    return { lines: call.lines, i: 0 };
  };
  for (let w = 0; w < WORKERS; w++) cursors.push(nextCall(w));
  let ts = iso(sec);
  while (written < bytes) {
    const w = Math.floor(rnd() * WORKERS);
    let c = cursors[w] as { lines: ((ts: string) => string)[]; i: number };
    if (c.i >= c.lines.length) {
      c = nextCall(w);
      cursors[w] = c;
    }
    const text =
      rnd() < 0.03
        ? `{"json":{"src":"controller.go:${200 + Math.floor(rnd() * 50)}"},"level":"debug","msg":"Refreshing informer cache, ${Math.floor(rnd() * 1e6)} objects","ts":"${ts}"}\n`
        : (c.lines[c.i++] as (ts: string) => string)(ts) + '\n';
    buf.push(text);
    bufLen += text.length;
    written += text.length;
    if (++linesThisSecond >= perSecond) {
      sec++;
      ts = iso(sec);
      linesThisSecond = 0;
      perSecond = 500 + Math.floor(rnd() * 2500);
    }
    if (bufLen > 4 << 20) {
      writeSync(fd, buf.join(''));
      buf = [];
      bufLen = 0;
    }
  }
  writeSync(fd, buf.join(''));
  closeSync(fd);
  renameSync(tmp, path);
  return middleId;
}

// ---------------------------------------------------------------- measured passes (child processes)

/** The bare pass both ingest benchmarks compare against: `readline` + `JSON.parse` of every line. */
export async function passBaseline(file: string): Promise<number> {
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    const o = JSON.parse(line) as { msg?: string };
    if (o.msg !== undefined) n++;
  }
  return n;
}

async function passReader(file: string, exec?: string): Promise<number> {
  let n = 0;
  for await (const batch of readLogRecords([file], exec === undefined ? {} : { exec })) n += batch.length;
  return n;
}

async function child(mode: string, file: string, exec: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const n = mode === 'baseline' ? await passBaseline(file) : await passReader(file, mode === 'exec' ? exec : undefined);
  const ns = Number(process.hrtime.bigint() - t0);
  const c = process.cpuUsage(c0);
  const cpuNs = (c.user + c.system) * 1000;
  process.stdout.write(JSON.stringify({ ns, cpuNs, n, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
}

/**
 * The generated log of `sizeMb` MB in bench/data/ (gitignored) and an execution id from its
 * middle: generated when missing or made by another generator version, else reused.
 */
export function ensureLog(sizeMb: number, log: (s: string) => void = (s) => process.stderr.write(s)): { file: string; exec: string } {
  const dir = join(HERE, 'data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `propeller-debug-${sizeMb}MB.v${GENERATOR_VERSION}.jsonl`);
  const idFile = `${file}.exec`;
  if (!existsSync(file) || !existsSync(idFile)) {
    log(`generating ${file} ...\n`);
    const id = generate(file, sizeMb * 1e6);
    writeFileSync(idFile, id);
  }
  return { file, exec: readFileSync(idFile, 'utf8').trim() };
}

async function main(): Promise<void> {
  const mode = arg('--child');
  if (mode !== undefined) {
    await child(mode, arg('--file') as string, arg('--exec') ?? '');
    return;
  }
  const sizeMb = Number(arg('--size') ?? 500);
  const runs = Number(arg('--runs') ?? 3);
  let file = arg('--file');
  let exec = arg('--exec');
  if (file === undefined) {
    const log = ensureLog(sizeMb);
    file = log.file;
    exec ??= log.exec;
  }
  if (exec === undefined) throw new Error('--exec ID is required with --file');
  const mb = statSync(file).size / 1e6;
  process.stdout.write(`input ${file}: ${mb.toFixed(0)} MB, exec filter ${exec}, median of ${runs} runs (fresh process each)\n`);
  const modes = ['baseline', 'full', 'exec'];
  const times: Record<string, number[]> = {};
  const cpuTimes: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  const counts: Record<string, number> = {};
  // interleave the modes so that load from other processes spreads evenly over them
  for (let r = 0; r < runs; r++) {
    for (const m of modes) {
      const res = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', m, '--file', file, '--exec', exec], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (res.status !== 0) throw new Error(`${m} run failed: ${res.stderr}`);
      const out = JSON.parse(res.stdout.trim().split('\n').pop() as string) as { ns: number; cpuNs: number; n: number; maxRssKb: number };
      (times[m] ??= []).push(out.ns);
      (cpuTimes[m] ??= []).push(out.cpuNs);
      (rss[m] ??= []).push(out.maxRssKb);
      counts[m] = out.n;
    }
  }
  const results: Record<string, { mbps: number; cpuMbps: number; rssMb: number; n: number }> = {};
  for (const m of modes) {
    results[m] = {
      mbps: mb / (median(times[m] as number[]) / 1e9),
      cpuMbps: mb / (median(cpuTimes[m] as number[]) / 1e9),
      rssMb: Math.max(...(rss[m] as number[])) / 1024,
      n: counts[m] as number,
    };
  }
  const base = results.baseline as { mbps: number; cpuMbps: number };
  const label: Record<string, string> = {
    baseline: 'readline + JSON.parse',
    full: 'readLogRecords (all lines)',
    exec: 'readLogRecords --exec',
  };
  process.stdout.write(`${''.padEnd(28)}  wall MB/s   ratio  |  CPU-time MB/s  ratio  |  peak RSS\n`);
  for (const [m, r] of Object.entries(results)) {
    process.stdout.write(
      `${label[m]?.padEnd(28)} ${r.mbps.toFixed(0).padStart(8)}   x${(r.mbps / base.mbps).toFixed(2).padEnd(5)} |  ${r.cpuMbps.toFixed(0).padStart(8)}       x${(r.cpuMbps / base.cpuMbps).toFixed(2).padEnd(5)} |  ${r.rssMb.toFixed(0)} MB  (${r.n} ${m === 'baseline' ? 'lines' : 'records'})\n`,
    );
  }
  process.stdout.write('CPU time = user + system of the process (less sensitive to other load on the machine than wall time).\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
