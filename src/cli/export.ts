import { writeFileAtomic } from '../export/atomic-write.js';
import { renderFoldText } from '../export/fold-text.js';
import { LEVEL } from '../export/log-format.js';
import { writeLogs } from '../export/logs.js';
import { writeOtlp } from '../export/otlp.js';
import { writePerfetto } from '../export/perfetto.js';
import { executionsRead, readExecutions } from './inputs.js';
import { note } from './output.js';

export interface ExportOpts {
  format: 'timeline' | 'otlp' | 'perfetto' | 'logs' | 'fold-text';
  logFormat?: 'json' | 'gcp' | 'text';
  /** Propeller logger level of the written logs. */
  logLevel?: 'debug' | 'info';
  cri?: boolean;
  exec?: string;
  out: string;
}

/** `propsim export`: anything fold reads → Timeline JSON, OTLP JSON, Perfetto JSON, propeller logs or the fold tree. */
export async function runExport(inputs: string[], opts: ExportOpts): Promise<number> {
  // an empty output file would look like a successful conversion
  const rec = await readExecutions(inputs, { exec: opts.exec });
  switch (opts.format) {
    case 'timeline':
      writeFileAtomic(opts.out, `${JSON.stringify(rec)}\n`);
      break;
    case 'otlp': {
      const s = await writeOtlp(rec, opts.out);
      note(`wrote ${s.spans.toLocaleString('en-US')} spans`);
      break;
    }
    case 'perfetto':
      await writePerfetto(rec, opts.out);
      break;
    case 'logs': {
      const s = await writeLogs(rec, opts.out, { format: opts.logFormat ?? 'json', cri: Boolean(opts.cri), level: LEVEL[opts.logLevel ?? 'debug'] });
      note(`wrote ${s.lines.toLocaleString('en-US')} lines`);
      break;
    }
    case 'fold-text':
      writeFileAtomic(opts.out, renderFoldText(rec));
      break;
  }
  note(executionsRead(rec.executions.length, rec.lines, ` → ${opts.out} (${opts.format})`));
  return 0;
}
