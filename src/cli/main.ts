import { Command, CommanderError, Option } from 'commander';
import { InputError } from '../timeline/errors.js';
import { presetHelp } from '../whatif/presets.js';
import { beginStaging, commitStaged, discardStaged } from '../export/atomic-write.js';
import { filesRead, forgetFilesRead } from '../timeline/files-read.js';
import { checkCommandPaths, checkNotRead } from './path-checks.js';

/**
 * `propsim <verb>`: parses arguments and calls the modules. Each verb's module is imported only
 * when that verb runs, so `propsim fold` does not pay for loading the simulator.
 *
 * Exit codes: 0 success; 1 internal failure (or a failed validation target); 2 bad input or usage.
 */

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** Replication counts: whole numbers from 1 up to MAX_REPS (each replication is a whole simulation; more is a typo). */
const MAX_REPS = 100_000;
const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPS) throw new InputError(`${name} expects a whole number from 1 to ${MAX_REPS.toLocaleString('en-US')}, got "${v}"`);
  return n;
};
/** Replication threads: each is a JavaScript engine of its own (tens of MB); past 32 they only compete for memory. */
const MAX_JOBS = 32;
const jobsArg = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_JOBS) throw new InputError(`--jobs expects a whole number from 1 to ${MAX_JOBS}, got "${v}"`);
  return n;
};
const seedArg = (v: string): string => {
  if (v.trim() === '') throw new InputError('--seed expects a non-empty value');
  return v;
};
const positive = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InputError(`${name} expects a number > 0, got "${v}"`);
  return n;
};
const num = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InputError(`${name} expects a number, got "${v}"`);
  return n;
};

/**
 * The options `whatif` and `sweep` share: the model, paired replications and their threads, output.
 * `per` qualifies the replication counts (`' per value'` for a sweep).
 */
function pairedRunOptions(cmd: Command, reps: number, per = ''): Command {
  return cmd
    .option('--model <file>', 'model file (e.g. from calibrate)')
    .option('--profile <name>', 'configuration profile: default or flyte-core')
    .option('--reps <n>', `maximum replications${per}`, int('--reps'), reps)
    .option('--min-reps <n>', `minimum replications${per}`, int('--min-reps'), 10)
    .option('--jobs <n>', 'threads for replications (default: the machine\'s cores minus one, at most 8; 1 = this thread only)', jobsArg)
    .option('--seed <seed>', 'random seed', seedArg, '1')
    .option('--json', 'print JSON')
    .option('-o, --out <file>', 'write to a file (atomically) instead of stdout');
}

export function buildProgram(out: { code: number }): Command {
  const program = new Command('propsim')
    .description(
      'FlytePropeller log-and-trace replay simulator: fold logs and traces into a timeline, split each\n' +
        "node's time into user code, Flyte management and external overhead, simulate and compare changes.",
    )
    .version('0.1.0')
    // a usage error is one line, like every other error: `propsim: unknown option '--x' (run with --help for usage)`
    .configureOutput({ outputError: (str, write) => write(`propsim: ${str.replace(/^error: /, '').trimEnd()} (run with --help for usage)\n`) });

  program
    .command('fold')
    .description('fold propeller logs (any format, .gz, - for stdin) or OTLP traces into a timeline')
    .argument('<files...>', 'log or trace files; - reads stdin')
    .option('--exec <id>', 'keep only this execution (exact exec_id match)')
    .option('--text', 'print the fold-logs tree (default)')
    .option('--json', 'print the Timeline as JSON')
    .option('--strict', 'treat any unreadable line as an error (exit code 2, naming file and line)')
    .option('-o, --out <file>', 'write to a file (atomically) instead of stdout')
    .action(async (files: string[], opts) => {
      const { runFold } = await import('./fold.js');
      out.code = await runFold(files, opts);
    });

  program
    .command('report')
    .description('overhead per execution and node, and infrastructure statistics, for anything fold reads')
    .argument('<inputs...>', 'logs, OTLP traces, or Timeline JSON (fold --json)')
    .option('--exec <id>', 'keep only this execution')
    .option('--json', 'print JSON (the report contract)')
    .option('--summary', 'text: only the overhead over all executions and the infrastructure table, not each execution')
    .option('--strict', 'treat any unreadable line as an error')
    .option('-o, --out <file>', 'write to a file (atomically) instead of stdout')
    .option('--html <file>', 'also write a self-contained HTML report (timeline, overhead bars)')
    .action(async (inputs: string[], opts) => {
      const { runReport } = await import('./report.js');
      out.code = await runReport(inputs, opts);
    });

  program
    .command('diff')
    .description('compare two reports (or two inputs): deltas with +/- and relative %')
    .argument('<a>', 'baseline: report JSON, Timeline JSON, logs or traces')
    .argument('<b>', 'variant: same kinds')
    .option('--json', 'print JSON')
    .option('-o, --out <file>', 'write to a file (atomically) instead of stdout')
    .action(async (a: string, b: string, opts) => {
      const { runDiff } = await import('./diff.js');
      out.code = await runDiff(a, b, opts);
    });

  program
    .command('simulate')
    .description('simulate a scenario (YAML/JSON) or a FlyteWorkflow CR and print its report')
    .argument('<scenario>', 'scenario file or FlyteWorkflow CR (kubectl get flyteworkflow NAME -o json)')
    .option('--model <file>', 'model file (partial overrides on the profile)')
    .option('--profile <name>', 'configuration profile: default (code defaults) or flyte-core (Helm values)')
    .option('--seed <seed>', 'random seed', seedArg, '1')
    .option('--reps <n>', 'replications (mean and 95% CI per figure when > 1)', int('--reps'), 1)
    .option('--jobs <n>', 'threads for replications (default: the machine\'s cores minus one, at most 8; 1 = this thread only)', jobsArg)
    .option('--json', 'print JSON (report contract plus "replications")')
    .option('--summary', 'text: only the overhead over all executions and the infrastructure table, not each execution')
    .option('--emit-logs <file>', 'write propeller debug logs of replication 0')
    .addOption(new Option('--log-format <format>', 'format of --emit-logs').choices(['json', 'gcp', 'text']).default('json'))
    .addOption(new Option('--log-level <level>', 'propeller logger level of --emit-logs (info leaves out the Debug lines)').choices(['debug', 'info']).default('debug'))
    .option('--cri', 'prefix emitted log lines with a CRI RFC3339Nano receive time')
    .option('--emit-otlp <file>', 'write OTLP JSON traces of replication 0')
    .option('--timeline <file>', 'write the Timeline JSON of replication 0')
    .option('-o, --out <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--html <file>', 'also write a self-contained HTML report of replication 0')
    .action(async (scenario: string, opts, cmd: Command) => {
      const { runSimulate } = await import('./simulate.js');
      // (a default cannot be told from a choice: ask where the value came from)
      out.code = await runSimulate(scenario, { ...opts, logFormatGiven: cmd.getOptionValueSource('logFormat') === 'cli' });
    });

  program
    .command('calibrate')
    .description('fit a deployment model (latency distributions, configuration) from recorded executions')
    .argument('<inputs...>', 'logs or traces')
    .option('--out <file>', 'write the model here (default: print only)')
    .option('--profile <name>', 'profile whose values stand where the data say nothing: default or flyte-core')
    .option('--json', 'print the fit report as JSON')
    .option('--strict', 'treat any unreadable line as an error')
    .action(async (inputs: string[], opts) => {
      const { runCalibrate } = await import('./calibrate.js');
      out.code = await runCalibrate(inputs, opts);
    });

  program
    .command('validate')
    .description('calibrate on part of the executions, replay the others, and report prediction error')
    .argument('<inputs...>', 'logs or traces')
    .option('--holdout <fraction>', 'fraction of executions held out', num('--holdout'), 0.3)
    .addOption(new Option('--split-by <how>', 'how to choose held-out executions').choices(['random', 'time']).default('random'))
    .option('--target-error <fraction>', 'declared target for the makespan mean error', positive('--target-error'), 0.1)
    .option('--seed <seed>', 'random seed', seedArg, '1')
    .option('--reps <n>', 'replications per held-out execution', int('--reps'), 20)
    .option('--profile <name>', 'profile whose values stand where the data say nothing: default or flyte-core')
    .option('--strict', 'treat any unreadable line as an error')
    .option('-o, --out <file>', 'write to a file (atomically) instead of stdout')
    .option('--json', 'print JSON')
    .action(async (inputs: string[], opts) => {
      const { runValidate } = await import('./validate.js');
      out.code = await runValidate(inputs, opts);
    });

  pairedRunOptions(
    program
      .command('whatif')
      .description('predict the effect of a change with paired, seeded replications and 95% CIs')
      .argument('<input>', 'scenario file, FlyteWorkflow CR, or a recording (logs/traces) to replay')
      .option('--set <path=value>', 'set a model field (repeatable), e.g. propeller.workers=40', collect, [])
      .option('--scale <path=factor>', 'scale a model field (repeatable), e.g. events.*.latency=0.5', collect, [])
      .option('--preset <name>', 'a named change (repeatable), e.g. halve-event-latency', collect, []),
    200,
  )
    .option('--precision <fraction>', 'stop when the 95% CI half-width of Δmakespan is below this fraction of the baseline', num('--precision'), 0.01)
    .option('--html <file>', 'also write a self-contained HTML page (forest plot of Δ with 95% CIs, overhead bars)')
    .addHelpText('after', `\nPresets:\n${presetHelp()}\n\nPaths: any field of the model, e.g. propeller.workers, propeller.maxStreakLength,\nstore.offloadClosure, events.node.latency, etcd.update, kube.podStart (an unknown path lists them all).`)
    .action(async (input: string, opts) => {
      const { runWhatif } = await import('./whatif.js');
      out.code = await runWhatif(input, opts);
    });

  pairedRunOptions(
    program
      .command('sweep')
      .description('predict one model field over a range of values, each paired with the baseline (seeded replications, 95% CIs)')
      .argument('<input>', 'scenario file, FlyteWorkflow CR, or a recording (logs/traces) to replay')
      .option('--vary <path=values>', 'set the field to each value in turn: a list (2,4,8) or a range (4..40:4, 1..64:x2)')
      .option('--vary-scale <path=factors>', 'scale the field by each factor in turn, e.g. events.*.latency=0.25,0.5,2')
      .option('--set <path=value>', 'set a model field for the baseline and every value (repeatable)', collect, [])
      .option('--scale <path=factor>', 'scale a model field for the baseline and every value (repeatable)', collect, [])
      .option('--preset <name>', 'a named change for the baseline and every value (repeatable)', collect, []),
    100,
    ' per value',
  )
    .option('--precision <fraction>', 'a value stops when the 95% CI half-width of its Δmakespan is below this fraction of the baseline', num('--precision'), 0.01)
    .option('--html <file>', 'also write a self-contained HTML page (Δmakespan with 95% CI per value, overhead bars)')
    .addHelpText('after', `\nExamples:\n  propsim sweep scenarios/mixed-load.yaml --vary propeller.workers=2,4,8,16\n  propsim sweep run.log --vary-scale events.*.latency=0.25,0.5,2 --profile flyte-core\n  propsim sweep CR.json --vary propeller.maxStreakLength=1..16:x2`)
    .action(async (input: string, opts) => {
      const { runSweepCommand } = await import('./sweep.js');
      out.code = await runSweepCommand(input, opts);
    });

  program
    .command('export')
    .description('convert anything fold reads into another format')
    .argument('<inputs...>', 'logs, traces, or Timeline JSON')
    .addOption(new Option('--format <format>', 'output format').choices(['timeline', 'otlp', 'perfetto', 'logs', 'fold-text']).makeOptionMandatory())
    .addOption(new Option('--log-format <format>', 'for --format logs').choices(['json', 'gcp', 'text']).default('json'))
    .addOption(new Option('--log-level <level>', 'for --format logs: propeller logger level').choices(['debug', 'info']).default('debug'))
    .option('--cri', 'for --format logs: add CRI RFC3339Nano prefixes')
    .option('--exec <id>', 'keep only this execution')
    .requiredOption('-o, --out <file>', 'output file')
    .action(async (inputs: string[], opts) => {
      const { runExport } = await import('./export.js');
      out.code = await runExport(inputs, opts);
    });

  program
    .command('demo')
    .description('fold and report the bundled recording, simulate the portfolio, calibrate, validate and ask a what-if')
    .option('--quick', 'fewer replications')
    .action(async (opts) => {
      const { runDemo } = await import('./demo.js');
      out.code = await runDemo(opts);
    });

  // before any verb reads or writes: inputs given twice, outputs that would replace an input
  program.hook('preAction', (_program, action) => checkCommandPaths(action.name(), action.processedArgs, action.opts()));

  program.exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const out = { code: 0 };
  const program = buildProgram(out);
  for (const c of program.commands) c.exitOverride();
  beginStaging();
  forgetFilesRead();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // the run's outputs appear together, once it succeeded
    commitOutputs();
    return out.code;
  } catch (e) {
    discardStaged();
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`propsim: ${e.oneLine()}\n`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES')) {
      process.stderr.write(`propsim: ${err.path ? `${err.path}: ` : ''}${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : 'permission denied'}\n`);
      return 2;
    }
    if (err && err.code === 'EPIPE') return 0;
    process.stderr.write(`propsim: internal error: ${err?.message ?? String(e)}\n`);
    if (process.env.PROPSIM_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    return 1;
  }
}

/**
 * The reader of standard output left (`| head`): the run stops there, and the files it had
 * finished appear as they would have (they precede the report it prints last); one still being
 * written does not.
 */
export function stdoutClosed(): void {
  try {
    commitOutputs();
  } catch (e) {
    process.stderr.write(`propsim: ${e instanceof InputError ? e.oneLine() : String(e)}\n`);
  } finally {
    discardStaged();
  }
}

/** Renames the run's staged outputs into place, refusing any that would replace a file the run read. */
function commitOutputs(): void {
  const read = filesRead();
  commitStaged((path) => checkNotRead(path, read));
}

/** An interrupt (Ctrl-C, SIGTERM): no output of the run appears, and no temporary file is left. */
export function interrupted(): void {
  discardStaged();
}
