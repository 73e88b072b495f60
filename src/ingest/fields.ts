/**
 * Pieces shared by the envelope decoders: the record skeleton, context-field assignment and
 * level normalization.
 */
import type { LogRecord } from './record.js';

/**
 * A record with every field present (optional ones undefined) so all records share one
 * object shape, which keeps property access in the reader and the folder monomorphic.
 */
export function newRecord(file: string, line: number): LogRecord {
  return {
    file,
    line,
    sec: 0,
    nsec: 0,
    resNs: 1e9,
    estNsec: 0,
    level: '',
    msg: '',
    execId: undefined,
    ns: undefined,
    routine: undefined,
    node: undefined,
    wf: undefined,
    resVer: undefined,
    tasktype: undefined,
    replica: undefined,
    kind: 'propeller',
  };
}

/** Resets a used record to the state `newRecord` creates (records are reused by a reader whose consumer hands them back). */
export function resetRecord(rec: LogRecord, file: string, line: number): LogRecord {
  rec.file = file;
  rec.line = line;
  rec.sec = 0;
  rec.nsec = 0;
  rec.resNs = 1e9;
  rec.estNsec = 0;
  rec.level = '';
  rec.msg = '';
  clearContext(rec);
  rec.replica = undefined;
  rec.kind = 'propeller';
  return rec;
}

/** Clears the context fields (a decoder that gives up half-way hands the record to another). */
export function clearContext(rec: LogRecord): void {
  rec.execId = undefined;
  rec.ns = undefined;
  rec.routine = undefined;
  rec.node = undefined;
  rec.wf = undefined;
  rec.resVer = undefined;
  rec.tasktype = undefined;
}

/**
 * Stores a context field by its log key (`exec_id`, `ns`, `routine`, `node`, `wf`, `res_ver`,
 * `tasktype`); other keys are ignored, empty values leave the field absent.
 */
export function setContextField(rec: LogRecord, key: string, value: string): void {
  if (value === '') return;
  switch (key) {
    case 'exec_id':
      rec.execId = value;
      break;
    case 'ns':
      rec.ns = value;
      break;
    case 'routine':
      rec.routine = value;
      break;
    case 'node':
      rec.node = value;
      break;
    case 'wf':
      rec.wf = value;
      break;
    case 'res_ver':
      rec.resVer = value;
      break;
    case 'tasktype':
      rec.tasktype = value;
      break;
    default:
      break;
  }
}

const LEVELS: ReadonlyMap<string, string> = new Map([
  ['debug', 'debug'],
  ['info', 'info'],
  ['warning', 'warning'],
  ['error', 'error'],
  ['fatal', 'fatal'],
  ['panic', 'panic'],
  ['warn', 'warning'],
  ['trace', 'debug'],
  // GCP severities (flytestdlib maps fatal -> CRITICAL, panic -> ALERT)
  ['DEBUG', 'debug'],
  ['INFO', 'info'],
  ['WARNING', 'warning'],
  ['ERROR', 'error'],
  ['CRITICAL', 'fatal'],
  ['ALERT', 'panic'],
  ['EMERGENCY', 'panic'],
  ['NOTICE', 'info'],
  ['DEFAULT', 'info'],
]);

/** Normalized level name: debug, info, warning, error, fatal, panic; unknown names lower-cased. */
export function normalizeLevel(level: string): string {
  // the common names first: plain comparisons are cheaper than hashing a fresh string
  if (level === 'debug' || level === 'info' || level === 'warning' || level === 'error') return level;
  return LEVELS.get(level) ?? LEVELS.get(level.toUpperCase()) ?? level.toLowerCase();
}

/** The value of a hexadecimal digit's character code (either case), or -1. */
export function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
