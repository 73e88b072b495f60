/**
 * How the CLI takes its inputs: gzip by content, damaged inputs, wrong kinds of file, the same
 * file twice, outputs over inputs. Every user mistake is one line naming the file, exit code 2.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { logsInTimeOrder } from '../../src/cli/inputs.js';
import { main } from '../../src/cli/main.js';
import { sniff } from '../../src/cli/sniff.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from './shape.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const HELLO_LOG = join(ROOT, 'recordings/hello-world.jsonl');
const dir = tempDir('cli-inputs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

/** The same path, spelled relative to the working directory. */
function relativeTo(path: string): string {
  return `./${relative(process.cwd(), path)}`;
}

/** Exit code 2 and exactly one line on stderr, starting with the file's name. */
function expectOneLineError(r: { code: number; err: string }, file: string, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.err.split('\n')).toHaveLength(2);
  expect(r.err.startsWith(`propsim: ${file}: `)).toBe(true);
  expect(r.err).toMatch(pattern);
}

describe('gzip inputs', () => {
  it('a cut-off .gz is an input error naming the file for every verb that reads logs', async () => {
    const whole = gzipSync(readFileSync(HELLO_LOG));
    const cut = join(dir, 'trunc.log.gz');
    writeFileSync(cut, whole.subarray(0, 1000));
    for (const args of [['report', cut], ['fold', cut], ['calibrate', cut], ['whatif', cut, '--preset', 'double-workers']]) {
      expectOneLineError(await run(args), cut, /truncated or corrupt gzip data after \d+ decompressed bytes/);
    }
  });

  it('a plain log named .gz and a gzip without .gz are read by their content', async () => {
    const fake = join(dir, 'fake.gz');
    copyFileSync(HELLO_LOG, fake);
    const packed = join(dir, 'packed.log');
    writeFileSync(packed, gzipSync(readFileSync(HELLO_LOG)));
    const plain = await run(['report', HELLO_LOG, '--json']);
    expect(plain.code).toBe(0);
    for (const f of [fake, packed]) {
      const r = await run(['report', f, '--json']);
      expect(r.code).toBe(0);
      expect(r.out).toBe(plain.out);
    }
  });
});

describe('standard input is sniffed like a file', () => {
  /** Runs the CLI with `data` on standard input. */
  async function runWithStdin(args: string[], data: string | Buffer): Promise<{ code: number; err: string; out: string }> {
    const stdin = Readable.from([Buffer.from(data)], { objectMode: false });
    const spy = vi.spyOn(process, 'stdin', 'get').mockReturnValue(stdin as typeof process.stdin);
    try {
      return await run(args);
    } finally {
      spy.mockRestore();
    }
  }

  it('a Timeline, OTLP traces and logs (plain or gzip) on stdin report as the file does', async () => {
    const want = await run(['report', HELLO_LOG, '--json']);
    const timeline = join(dir, 'h.tl.json');
    const otlp = join(dir, 'h.otlp.json');
    expect((await run(['fold', HELLO_LOG, '--json', '-o', timeline])).code).toBe(0);
    expect((await run(['export', HELLO_LOG, '--format', 'otlp', '-o', otlp])).code).toBe(0);
    const log = readFileSync(HELLO_LOG);
    for (const data of [log, gzipSync(log), readFileSync(timeline)]) {
      const r = await runWithStdin(['report', '-', '--json'], data);
      expect(r.code).toBe(0);
      expect(r.out).toBe(want.out);
    }
    const fromTraces = await runWithStdin(['report', '-', '--json'], readFileSync(otlp));
    expect(fromTraces.code).toBe(0);
    expect(JSON.parse(fromTraces.out)).toMatchObject({ source: 'otlp', executions: [{ id: 'fd5d4ee88f9dc4436a76' }] });
  });

  it('export and diff read stdin by its kind; diff - - is an error', async () => {
    const timeline = join(dir, 'exported.json');
    const r = await runWithStdin(['export', '-', '--format', 'timeline', '-o', timeline], readFileSync(HELLO_LOG));
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(timeline, 'utf8'))).toMatchObject({ executions: [{ id: 'fd5d4ee88f9dc4436a76' }] });
    const report = join(dir, 'h.report.json');
    expect((await run(['report', HELLO_LOG, '--json', '-o', report])).code).toBe(0);
    const d = await runWithStdin(['diff', '-', report, '--json'], readFileSync(report));
    expect(d.code).toBe(0);
    expect(JSON.parse(d.out)).toMatchObject({ matchedBy: 'id' });
    const twice = await runWithStdin(['diff', '-', '-'], readFileSync(report));
    expectOneLineError(twice, 'stdin', /standard input/);
  });

  it('a scenario on stdin simulates as the file does', async () => {
    const scenario = join(ROOT, 'scenarios/hello.yaml');
    const want = await run(['simulate', scenario, '--json']);
    const r = await runWithStdin(['simulate', '-', '--json'], readFileSync(scenario));
    expect(r.code).toBe(0);
    expect(r.out).toBe(want.out);
  });
});

describe('inputs of the wrong kind', () => {
  const scenario = join(ROOT, 'scenarios/hello.yaml');

  it('sniffing tells the bundled scenarios, CRs, model and recordings apart', async () => {
    expect(await sniff(scenario)).toBe('plan');
    expect(await sniff(join(ROOT, 'scenarios/crds/147_core.flyte_basics.task_cache.cached_dataframe_wf_2_wf_crd.json'))).toBe('plan');
    expect(await sniff(HELLO_LOG)).toBe('logs');
    expect(await sniff(join(ROOT, 'recordings/deployment.cri.log.gz'))).toBe('logs');
    // JSON lines of another program are logs the reader counts, not a scenario
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, '{"a":1}\n{"b":2}\n');
    expect(await sniff(other)).toBe('unknown');
  });

  it('a log given to simulate says so and points to whatif; nothing of the input is echoed', async () => {
    for (const f of [HELLO_LOG, join(ROOT, 'recordings/deployment.cri.log.gz')]) {
      const r = await run(['simulate', f]);
      expectOneLineError(r, f, /: is a propeller log, not a scenario or a FlyteWorkflow CR \(to replay a recording under a changed model, use `propsim whatif`\)\n$/);
    }
    const binary = join(dir, 'garbage.bin');
    writeFileSync(binary, Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 7919) % 251)));
    const r = await run(['simulate', binary]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err.length).toBeLessThan(300);
  });

  it('a gzipped scenario simulates and replays as the plain file does', async () => {
    const packed = join(dir, 'hello.yaml.gz');
    writeFileSync(packed, gzipSync(readFileSync(scenario)));
    const plain = await run(['simulate', scenario, '--json']);
    const fromGzip = await run(['simulate', packed, '--json']);
    expect(fromGzip.code).toBe(0);
    expect(fromGzip.out.replace(packed, scenario)).toBe(plain.out);
    const whatif = await run(['whatif', packed, '--preset', 'double-workers', '--reps', '2', '--min-reps', '2', '--jobs', '1', '--json']);
    expect(whatif.code).toBe(0);
    expect(JSON.parse(whatif.out)).toMatchObject({ schema: 'propsim.whatif/1', replications: 2 });
  });

  it('a model file is named as one by every verb', async () => {
    const model = join(dir, 'model.json');
    expect((await run(['calibrate', HELLO_LOG, '--out', model])).code).toBe(0);
    const handWritten = join(dir, 'workers.yaml');
    writeFileSync(handWritten, 'propeller:\n  workers: 8\n');
    for (const args of [['simulate', model], ['simulate', handWritten], ['whatif', model, '--preset', 'double-workers']]) {
      expectOneLineError(await run(args), args[1]!, /is a model file.*; pass it with --model\n$/);
    }
    const out = join(dir, 'never.json');
    for (const verb of [['report'], ['fold'], ['calibrate'], ['export', '--format', 'timeline', '-o', out]]) {
      const [name, ...rest] = verb;
      expectOneLineError(await run([name!, model, ...rest]), model, /is a model file; expected logs, traces or a Timeline/);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('what-if and validation results are named as such, by diff too', async () => {
    const whatif = join(dir, 'wi.json');
    writeFileSync(whatif, `${JSON.stringify({ schema: 'propsim.whatif/1', replications: 10 }, null, 2)}\n`);
    const validation = join(dir, 'v.json');
    writeFileSync(validation, `${JSON.stringify({ schema: 'propsim.validation/1', source: 'logs' }, null, 2)}\n`);
    const out = join(dir, 'never.otlp.json');
    for (const args of [['report', whatif], ['export', whatif, '--format', 'otlp', '-o', out], ['whatif', whatif, '--preset', 'double-workers'], ['diff', whatif, HELLO_LOG]]) {
      expectOneLineError(await run(args), whatif, /: is a what-if result, which already compares its baseline and variant; /);
    }
    for (const args of [['report', validation], ['simulate', validation], ['diff', HELLO_LOG, validation]]) {
      expectOneLineError(await run(args), validation, /: is a validation result \(validate --json\)/);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('a Perfetto trace propsim wrote is named as one, not read as unreadable log lines', async () => {
    const perfetto = join(dir, 'h.perfetto.json');
    expect((await run(['export', HELLO_LOG, '--format', 'perfetto', '-o', perfetto])).code).toBe(0);
    for (const args of [['report', perfetto], ['fold', perfetto], ['calibrate', perfetto]]) {
      expectOneLineError(await run(args), perfetto, /: is a Perfetto trace \(for ui\.perfetto\.dev\).*export a Timeline or OTLP instead/);
    }
  });

    it('export of an input without executions is the same error as report, and writes nothing', async () => {
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    const out = join(dir, 'empty.otlp.json');
    for (const args of [['report', empty], ['export', empty, '--format', 'otlp', '-o', out]]) {
      expectOneLineError(await run(args), empty, /: no executions found \(lines: 0 read, 0 used\)\n$/);
    }
    expect(existsSync(out)).toBe(false);
  });
});

describe('the same input twice', () => {
  it('is an error for verbs that read their inputs together, whatever the spelling or link', async () => {
    const copy = join(dir, 'twice.log');
    copyFileSync(HELLO_LOG, copy);
    const link = join(dir, 'twice-link.log');
    linkSync(copy, link);
    const relative = relativeTo(copy);
    expectOneLineError(await run(['report', copy, copy]), copy, /: given twice\n$/);
    expectOneLineError(await run(['fold', copy, relative]), relative, new RegExp(`: given twice \\(also as ${copy}\\)\\n$`));
    expectOneLineError(await run(['calibrate', copy, link]), link, /given twice/);
    expectOneLineError(await run(['export', copy, HELLO_LOG, copy, '--format', 'timeline', '-o', join(dir, 'x.json')]), copy, /given twice/);
  });

  it('diff may compare a file with itself, but not standard input with itself', async () => {
    expect((await run(['diff', HELLO_LOG, HELLO_LOG])).code).toBe(0);
    expectOneLineError(await run(['diff', '-', '-']), 'stdin', /standard input given twice; it can be read only once/);
  });
});

describe('an output that is one of the inputs', () => {
  it('is refused for every output option, and the input stays as it was', async () => {
    const input = join(dir, 'same.log');
    copyFileSync(HELLO_LOG, input);
    const model = join(dir, 'same-model.json');
    writeFileSync(model, '{"propeller":{"workers":8}}\n');
    // a copy: were the check to fail, the test must not destroy a bundled file
    const scenario = join(dir, 'same-hello.yaml');
    copyFileSync(join(ROOT, 'scenarios/hello.yaml'), scenario);
    const cases: [string[], string][] = [
      [['report', input, '-o', input], input],
      [['report', input, '--html', relativeTo(input)], relativeTo(input)],
      [['fold', input, '--out', input], input],
      [['export', input, '--format', 'otlp', '-o', input], input],
      [['calibrate', input, '--out', input], input],
      [['simulate', scenario, '--model', model, '--emit-logs', model], model],
      [['simulate', scenario, '--emit-otlp', scenario], scenario],
      [['simulate', scenario, '--timeline', scenario], scenario],
      [['whatif', input, '--preset', 'double-workers', '-o', input], input],
    ];
    for (const [args, out] of cases) expectOneLineError(await run(args), out, /: would overwrite the input\n$/);
    expect(readFileSync(input).equals(readFileSync(HELLO_LOG))).toBe(true);
    expect(readFileSync(model, 'utf8')).toBe('{"propeller":{"workers":8}}\n');
  });
});

describe('output errors', () => {
  it('name the path the user gave, not the temporary file, and leave nothing behind', async () => {
    const target = join(dir, 'outdir');
    mkdirSync(target);
    const missing = join(dir, 'no-such-dir', 'out.json');
    const cases: [string[], string, RegExp][] = [
      [['report', HELLO_LOG, '-o', target], target, /: is a directory; expected a file path\n$/],
      [['report', HELLO_LOG, '--json', '--out', missing], missing, /: cannot write \(no such file or directory\)\n$/],
      [['fold', HELLO_LOG, '-o', missing], missing, /: cannot write \(no such file or directory\)\n$/],
      [['export', HELLO_LOG, '--format', 'timeline', '-o', target], target, /: is a directory; expected a file path\n$/],
      [['export', HELLO_LOG, '--format', 'otlp', '-o', missing], missing, /: cannot write \(no such file or directory\)\n$/],
      [['calibrate', HELLO_LOG, '--out', missing], missing, /: cannot write \(no such file or directory\)\n$/],
    ];
    for (const [args, path, pattern] of cases) expectOneLineError(await run(args), path, pattern);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(target)).toEqual([]);
  });
});

describe('a run with several outputs', () => {
  it('checks every output path before any work, and two options never share a file', async () => {
    const keep = join(dir, 'keep.txt');
    writeFileSync(keep, 'PRECIOUS\n');
    const timeline = join(dir, 'run.timeline.json');
    const missing = join(dir, 'no-such-dir', 'o.json');
    const scenario = join(ROOT, 'scenarios/hello.yaml');
    expectOneLineError(await run(['simulate', scenario, '--timeline', timeline, '--emit-otlp', missing, '-o', keep]), missing, /cannot write \(no such file or directory\)\n$/);
    expect(existsSync(timeline)).toBe(false);
    expect(readFileSync(keep, 'utf8')).toBe('PRECIOUS\n');
    expectOneLineError(await run(['simulate', scenario, '--timeline', keep, '-o', relativeTo(keep)]), keep, /given for both --out and --timeline: each output needs its own file\n$/);
    const dash = await run(['simulate', scenario, '--html', '-']);
    expect(dash.code).toBe(2);
    expect(dash.err).toBe('propsim: --html -: standard output cannot take this output; give a file path\n');
    expect(readFileSync(keep, 'utf8')).toBe('PRECIOUS\n');
  });

  it('a run that fails after writing leaves no output and replaces nothing', async () => {
    const keep = join(dir, 'keep-fold.txt');
    writeFileSync(keep, 'PRECIOUS\n');
    const r = await run(['fold', HELLO_LOG, '--exec', 'nope', '-o', keep]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`propsim: ${HELLO_LOG}: no execution with id "nope" (lines: 238 read, 0 used, skipped: filtered 238)\n`);
    expect(readFileSync(keep, 'utf8')).toBe('PRECIOUS\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an output never replaces a CR the scenario names', async () => {
    const d = join(dir, 'crs');
    mkdirSync(join(d, 'crds'), { recursive: true });
    copyFileSync(join(ROOT, 'scenarios/cached-dataframe-cr.yaml'), join(d, 's.yaml'));
    const name = 'crds/147_core.flyte_basics.task_cache.cached_dataframe_wf_2_wf_crd.json';
    copyFileSync(join(ROOT, 'scenarios', name), join(d, name));
    const before = readFileSync(join(d, name));
    expectOneLineError(await run(['simulate', join(d, 's.yaml'), '-o', join(d, name)]), join(d, name), /would overwrite a file this run read\n$/);
    expect(readFileSync(join(d, name)).equals(before)).toBe(true);
    expect(readdirSync(join(d, 'crds'))).toHaveLength(1);
  });

  it('an execution id in two inputs: said and kept by report, an input mistake for a replay', async () => {
    const timeline = join(dir, 'hello.timeline.json');
    expect((await run(['fold', HELLO_LOG, '--json', '-o', timeline])).code).toBe(0);
    const r = await run(['report', HELLO_LOG, timeline, '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(new RegExp(`^propsim: ${timeline}: execution "[0-9a-z]+" is also in ${HELLO_LOG}; both are kept, as different executions of one id\n`));
    expect((JSON.parse(r.out) as { executions: unknown[] }).executions).toHaveLength(2);
    const v = await run(['validate', HELLO_LOG, timeline, '--reps', '2']);
    expect(v.code).toBe(2);
    expect(v.err).toMatch(new RegExp(`^propsim: ${timeline}: execution "[0-9a-z]+" is also in ${HELLO_LOG}: give each execution once to replay it`));
  });

  it('a damaged Timeline names the field, for every verb that reads one', async () => {
    const bad = join(dir, 'damaged.timeline.json');
    writeFileSync(bad, JSON.stringify({ originUnixNano: '1', source: 'logs', executions: [{ id: 'x', namespace: 'n', phase: 'Succeeded', handles: [{ worker: 'w', start: 0, end: 1, rounds: null }], nodes: [] }] }));
    for (const args of [['fold', bad], ['report', bad], ['calibrate', bad], ['export', bad, '--format', 'perfetto', '-o', join(dir, 'p.json')]]) {
      expectOneLineError(await run(args), bad, /: executions\[0\]\.handles\[0\]\.rounds: expected a list, got null\n$/);
    }
  });
});

describe('several log files', () => {
  const lines = () => readFileSync(HELLO_LOG, 'utf8').split('\n').filter((l) => l !== '');

  it('are read in the order of their first timestamps, said once on stderr (rotated logs come newest first)', async () => {
    const all = lines();
    const older = join(dir, 'propeller.log.1');
    const newer = join(dir, 'propeller.log');
    writeFileSync(older, `${all.slice(0, 120).join('\n')}\n`);
    writeFileSync(newer, `${all.slice(120).join('\n')}\n`);
    const whole = await run(['report', HELLO_LOG, '--json']);
    const r = await run(['report', newer, older, '--json']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(whole.out);
    expect(r.out).toContain('"phase": "Succeeded"');
    expect(r.err.match(/reading the log files in time order/g)).toHaveLength(1);
    expect(r.err).toContain(`time order: ${older}, ${newer}\n`);
    // in order already: nothing to say
    const inOrder = await run(['report', older, newer, '--json']);
    expect(inOrder.out).toBe(whole.out);
    expect(inOrder.err).not.toContain('time order');
  });

  it('files without a timestamp keep their place; ties keep the given order', async () => {
    const all = lines();
    const a = join(dir, 'order-a.log');
    const b = join(dir, 'order-b.log');
    const tie = join(dir, 'order-tie.log');
    const untimed = join(dir, 'order-untimed.log');
    writeFileSync(a, `${all.slice(0, 10).join('\n')}\n`);
    writeFileSync(b, `${all.slice(200).join('\n')}\n`);
    writeFileSync(tie, `${all.slice(0, 5).join('\n')}\n`);
    writeFileSync(untimed, 'no timestamp here\n');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await logsInTimeOrder([b, untimed, a, tie])).toEqual([a, untimed, tie, b]);
      expect(await logsInTimeOrder([tie, a])).toEqual([tie, a]);
    } finally {
      stderr.mockRestore();
    }
  });

  it('overlapping in time are noted on stderr, as they are read one after another', async () => {
    const early = join(dir, 'overlap-early.log');
    writeFileSync(early, `${lines().slice(0, 20).join('\n')}\n`);
    const r = await run(['report', HELLO_LOG, early]);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`propsim: ${early} begins before ${HELLO_LOG} ends: log files are read one after another, not merged by time`);
  });
});
