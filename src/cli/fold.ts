import { writeFoldText } from '../export/fold-text.js';
import { InputError } from '../timeline/errors.js';
import type { Execution, SourceKind } from '../timeline/types.js';
import { executionsRead, noExecutions, streamExecutions } from './inputs.js';
import { note, openOutput } from './output.js';

export interface FoldOpts {
  exec?: string;
  text?: boolean;
  json?: boolean;
  strict?: boolean;
  out?: string;
}

/** `propsim fold`: streams executions out as they finish, so memory stays bounded by those in flight. */
export async function runFold(files: string[], opts: FoldOpts): Promise<number> {
  if (opts.text && opts.json) throw new InputError('choose one of --text and --json');
  const out = openOutput(opts.out);
  let count = 0;
  let pending: Promise<void> = Promise.resolve();
  const json = Boolean(opts.json);
  const onExecution = (e: Execution, origin: string, source: SourceKind) => {
    const first = count === 0;
    count++;
    let chunk: string;
    if (json) {
      chunk = (first ? `{"originUnixNano":${JSON.stringify(origin)},"source":${JSON.stringify(source)},"executions":[\n` : ',\n') + JSON.stringify(e);
    } else {
      const parts: string[] = [];
      // Executions are numbered in the order they are written, as `export --format fold-text` does.
      writeFoldText({ originUnixNano: origin, source, executions: [e], lines: { read: 0, used: 0, skipped: {} } }, (c) => parts.push(c), { firstNumber: count });
      chunk = parts.join('');
    }
    // one write at a time, in order; returning the chain makes the fold wait for it after the
    // current batch, so output that drains slower than folding never piles up in memory
    pending = pending.then(() => out.write(chunk));
    return pending;
  };
  try {
    const { lines } = await streamExecutions(files, { exec: opts.exec, strict: opts.strict }, onExecution);
    await pending;
    // nothing to fold is the input's mistake, as for every verb (nothing was written yet)
    if (count === 0) throw noExecutions(files, lines, opts.exec);
    if (json) await out.write(`\n],"lines":${JSON.stringify(lines)}}\n`);
    await out.close();
    note(executionsRead(count, lines));
    return 0;
  } catch (e) {
    out.abort();
    throw e;
  }
}
