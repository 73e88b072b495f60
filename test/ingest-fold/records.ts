/**
 * Test-only helpers: flytestdlib JSON lines -> LogRecords (whole-second stamps, sub-second
 * estimates spread over the lines of the same second), without the real line reader.
 */
import { readFileSync } from 'node:fs';
import type { LogRecord } from '../../src/ingest/record.js';
import { parseRfc3339 } from '../../src/timeline/time.js';

const FIELD_KEYS: Record<string, keyof LogRecord> = {
  exec_id: 'execId',
  ns: 'ns',
  routine: 'routine',
  node: 'node',
  wf: 'wf',
  res_ver: 'resVer',
  tasktype: 'tasktype',
};

export interface ParseOptions {
  /**
   * Group lines for sub-second estimates by second only ('stream'), or by second and execution:
   * the `exec_id`, else the first of `ids` the message names ('execution').
   */
  spreadBy?: 'stream' | 'execution';
  ids?: readonly string[];
  file?: string;
}

/** Parses flytestdlib JSON lines; lines that are not JSON objects with a `ts` are left out. */
export function parseJsonLines(text: string, opts: ParseOptions = {}): LogRecord[] {
  const file = opts.file ?? 'test.jsonl';
  const out: LogRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      continue;
    }
    if (typeof obj !== 'object' || obj === null) continue;
    const o = obj as Record<string, unknown>;
    const ts = typeof o.ts === 'string' ? parseRfc3339(o.ts) : undefined;
    if (ts === undefined) continue;
    const rec: LogRecord = {
      file,
      line: i + 1,
      sec: Number(ts.ns / 1_000_000_000n),
      nsec: 0,
      resNs: 1e9,
      estNsec: 0,
      level: typeof o.level === 'string' ? o.level : '',
      msg: typeof o.msg === 'string' ? o.msg : '',
      kind: 'propeller',
    };
    const fields = (o.json ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      const key = FIELD_KEYS[k];
      if (key !== undefined && typeof v === 'string' && v !== '') (rec as unknown as Record<string, unknown>)[key] = v;
    }
    out.push(rec);
  }
  spread(out, opts.spreadBy ?? 'stream', opts.ids ?? []);
  return out;
}

/** k-th of n lines of one second (and group) -> (k+1)/(n+1) of the second. */
export function spread(records: LogRecord[], by: 'stream' | 'execution', ids: readonly string[] = []): void {
  const groups = new Map<string, LogRecord[]>();
  for (const r of records) {
    if (r.resNs !== 1e9) continue;
    const key = by === 'stream' ? `${r.sec}` : `${r.sec}|${r.execId ?? ids.find((id) => r.msg.includes(id)) ?? ''}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(r);
  }
  for (const g of groups.values()) {
    g.forEach((r, k) => {
      r.estNsec = Math.round(((k + 1) / (g.length + 1)) * 1e9);
    });
  }
}

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/canonical/${name}`, import.meta.url), 'utf8');
}

/** A JSON copy of a value without the given keys at any depth (for comparing folds). */
export function without(value: unknown, keys: readonly string[]): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (keys.includes(k) ? undefined : v)));
}

/** Builds records of one stream: `add(second, message, fields)`; `done()` spreads the estimates. */
export class LogBuilder {
  readonly records: LogRecord[] = [];
  constructor(
    private readonly t0 = 1_700_000_000,
    private readonly file = 'built.log',
  ) {}

  add(sec: number, msg: string, f: Partial<LogRecord> = {}): this {
    const exact = f.resNs !== undefined && f.resNs !== 1e9;
    this.records.push({
      estNsec: exact ? (f.nsec ?? 0) : 0,
      file: this.file,
      line: this.records.length + 1,
      sec: this.t0 + sec,
      nsec: 0,
      resNs: 1e9,
      level: 'info',
      msg,
      kind: 'propeller',
      ...f,
    });
    return this;
  }

  done(): LogRecord[] {
    spread(this.records, 'stream');
    return this.records;
  }
}
