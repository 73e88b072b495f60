import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Document } from 'yaml';
import type { Scenario, WorkflowDef } from './workflow.js';
import { clipExcerpt, InputError, jsonSyntaxError, MAX_EXCERPT } from '../timeline/errors.js';
import { noteFileRead } from '../timeline/files-read.js';
import { crdExecution, crdToWorkflow, flyteWorkflowPart, isFlyteWorkflowCr, isFlyteWorkflowList, type CrdOptions } from './crd.js';
import { looksLikeModelFile } from './model-schema.js';
import { compileScenario, parseScenarioFile } from './scenario-schema.js';
import { parsePath } from './zod-errors.js';

/**
 * Reading input files (YAML or JSON; `-` is stdin) and turning them into Scenarios and
 * WorkflowDefs. Every user mistake becomes an InputError with the file, the line when it can be
 * found, and the path of the bad field.
 */

export interface SourceFile {
  /** The name as given (used in messages). */
  file: string;
  data: unknown;
  /** 1-based line of the field at a formatted path (or of its nearest existing parent). */
  lineOf(path: string | undefined): number | undefined;
}

/**
 * The most text a scenario, CR or model file may hold (decompressed): the largest CR etcd takes
 * is 1.5 MiB, so anything near this is another kind of file (a log given as a model), and past
 * 512 MB no JavaScript string can hold it.
 */
const MAX_TEXT_BYTES = 256 * 1024 * 1024;

function tooLarge(file: string): InputError {
  return new InputError(`too large for a scenario, CR or model file (over ${MAX_TEXT_BYTES / 1024 / 1024} MB of text); is it a log? logs go to fold, report, calibrate or whatif`, { file });
}

function readText(file: string, text: string | undefined): string {
  if (text !== undefined) return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let bytes: Buffer;
  try {
    if (file !== '-' && (statSync(file, { throwIfNoEntry: false })?.size ?? 0) > MAX_TEXT_BYTES) throw tooLarge(file);
    bytes = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new InputError(`cannot read: ${why}`, { file });
  }
  if (bytes.length > MAX_TEXT_BYTES) throw tooLarge(file);
  noteFileRead(file);
  return gunzippedText(bytes, file);
}

/** The text of a file's bytes, decompressed when they start with the gzip magic (whatever the name). */
function gunzippedText(bytes: Buffer, file: string): string {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return decodeText(bytes);
  let raw: Buffer;
  try {
    raw = gunzipSync(bytes, { maxOutputLength: MAX_TEXT_BYTES });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(file);
    throw new InputError('truncated or corrupt gzip data', { file });
  }
  return decodeText(raw);
}

/**
 * UTF-8, without a byte-order mark; UTF-16 when a mark says so (Windows PowerShell's `>` writes
 * `kubectl get -o json` output as UTF-16LE with a mark).
 */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * First line of a yaml error message, without the position suffix (the line is reported apart),
 * and cut short: the parser quotes the offending text, which may be binary or one huge line.
 */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  // the library's advice to its programmer is no help to the file's author
  if (first.startsWith('Source contains multiple documents')) return 'the file holds several YAML documents (separated by ---); a scenario or model is one document';
  return clipExcerpt(first, 2 * MAX_EXCERPT);
}

function parseYaml(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  return { doc, lines };
}

/** Line of the deepest node along `segments` (keys point at their key, items at their start). */
function lineIn(doc: Document, lines: LineCounter, segments: (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let line: number | undefined =
    node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)
      ? lines.linePos(node.range[0] as number).line
      : undefined;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      if (isScalar(pair.key) && pair.key.range) line = lines.linePos(pair.key.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) break;
      if (typeof item === 'object' && item !== null && 'range' in item && Array.isArray(item.range)) {
        line = lines.linePos(item.range[0] as number).line;
      }
      node = item;
    } else break;
  }
  return line;
}

/**
 * Reads and parses a YAML or JSON file (or `text`, already read from it). Syntax errors carry
 * the line.
 */
export function readStructuredFile(file: string, preread?: string): SourceFile {
  const text = readText(file, preread);
  const looksJson = extname(file).toLowerCase() === '.json' || /^\s*[[{]/.test(text);
  let yaml: { doc: Document; lines: LineCounter } | undefined;
  const lineOf = (path: string | undefined) => {
    if (path === undefined) return undefined;
    yaml ??= parseYaml(text);
    return lineIn(yaml.doc, yaml.lines, parsePath(path));
  };
  if (looksJson) {
    try {
      return { file, data: JSON.parse(text) as unknown, lineOf };
    } catch (e) {
      // JSON.parse gives no position on Node 20; the YAML parser (a JSON superset) finds the line.
      yaml = parseYaml(text);
      const err = yaml.doc.errors[0];
      if (err) throw new InputError(`invalid JSON: ${yamlMessage(err.message)}`, { file, line: err.linePos?.[0].line });
      // what YAML accepts and JSON does not (a trailing comma): JSON's own message, at its line
      const j = jsonSyntaxError(text, e);
      throw new InputError(`invalid JSON: ${j.message}`, { file, line: j.line });
    }
  }
  yaml = parseYaml(text);
  const err = yaml.doc.errors[0];
  if (err?.code === 'MULTIPLE_DOCS') {
    const list = crDocuments(file, text);
    if (list) return list;
  }
  if (err) throw new InputError(`invalid YAML: ${yamlMessage(err.message)}`, { file, line: err.linePos?.[0].line });
  return { file, data: yamlValue(yaml.doc, file), lineOf };
}

/** A YAML document's value; aliases that would expand it without bound are the file's error. */
function yamlValue(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (e) {
    throw new InputError(`invalid YAML: ${clipExcerpt((e as Error).message, 2 * MAX_EXCERPT)} (aliases expand the document too far)`, { file });
  }
}

/**
 * Several YAML documents (CRs printed one after another, `---` between them) read as the List
 * `kubectl get -o yaml` prints, when every non-empty document is a FlyteWorkflow CR; undefined
 * otherwise (the caller reports the YAML error). Paths `items[i]...` find their line in document i.
 */
function crDocuments(file: string, text: string): SourceFile | undefined {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(docs)) return undefined;
  // An empty document (a trailing `---`) holds a null scalar.
  const kept = docs.filter((d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)));
  const bad = kept.find((d) => d.errors.length > 0);
  if (bad) {
    const e = bad.errors[0]!;
    throw new InputError(`invalid YAML: ${yamlMessage(e.message)}`, { file, line: e.linePos?.[0].line });
  }
  const items = kept.map((d) => yamlValue(d, file));
  if (items.length === 0 || !items.every(isFlyteWorkflowCr)) return undefined;
  const lineOf = (path: string | undefined) => {
    if (path === undefined) return undefined;
    const [head, index, ...rest] = parsePath(path);
    if (head !== 'items' || typeof index !== 'number' || !kept[index]) return undefined;
    return lineIn(kept[index], lines, rest);
  };
  return { file, data: { apiVersion: 'v1', kind: 'List', items }, lineOf };
}

/**
 * Runs `fn` and gives any InputError it throws without a file this file's name and the line of
 * its field. Errors that already name a file (a CR the scenario reads) pass unchanged.
 */
export function located<T>(src: SourceFile, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError && (e.file === undefined || e.file === src.file)) {
      if (e.line !== undefined && e.file !== undefined) throw e;
      throw new InputError(e.message, { file: src.file, line: e.line ?? src.lineOf(e.path), path: e.path });
    }
    throw e;
  }
}

/** A FlyteWorkflow CR file → WorkflowDef. */
export function loadCrdFile(file: string, opts: Omit<CrdOptions, 'file'> = {}): WorkflowDef {
  const src = readStructuredFile(file);
  // A List of one CR (`kubectl get flyteworkflow -o yaml` with one found) is that CR.
  if (isFlyteWorkflowList(src.data)) {
    const { items } = src.data;
    if (items.length > 1) throw new InputError(`is a List of ${items.length} FlyteWorkflow CRs; a workflow's crd: names a file with one`, { file });
    return located(src, () => {
      try {
        return crdToWorkflow(items[0], { ...opts, file });
      } catch (e) {
        if (e instanceof InputError) throw new InputError(e.message, { path: `items[0]${e.path ? `.${e.path}` : ''}` });
        throw e;
      }
    });
  }
  return located(src, () => crdToWorkflow(src.data, { ...opts, file }));
}

function scenarioFromSource(src: SourceFile): Scenario {
  return located(src, () => {
    const parsed = parseScenarioFile(src.data);
    const base = src.file === '-' ? '.' : dirname(src.file);
    return compileScenario(parsed, {
      file: src.file,
      loadCrd: (ref, o) => {
        // relative to the scenario file; an absolute path as it is
        const path = resolve(base, ref);
        if (!existsSync(path)) throw new InputError(`cannot read CR file "${ref}" (looked for ${path}): no such file`);
        if (statSync(path).isDirectory()) throw new InputError(`cannot read CR file "${ref}" (${path}): is a directory`);
        return loadCrdFile(path, { cacheHit: o.cacheHit, ...(o.mapSize !== undefined ? { defaultMapSize: o.mapSize } : {}) });
      },
    });
  });
}

/** A scenario file (YAML or JSON) → Scenario. */
export function loadScenario(file: string): Scenario {
  return scenarioFromSource(readStructuredFile(file));
}

function scenarioFromCrs(src: SourceFile, crs: unknown[], isList: boolean): Scenario {
  const seen = new Map<string, number>();
  const executions = crs.map((cr, i) => {
    const wf = located(src, () => {
      try {
        return crdToWorkflow(cr, {});
      } catch (e) {
        // Paths inside a List are relative to its item.
        if (e instanceof InputError && isList) {
          throw new InputError(e.message, { path: `items[${i}]${e.path ? `.${e.path}` : ''}` });
        }
        throw e;
      }
    });
    const exec = crdExecution(cr, wf);
    const n = (seen.get(exec.id) ?? 0) + 1;
    seen.set(exec.id, n);
    if (n > 1) exec.id = `${exec.id}-${n}`;
    return exec;
  });
  // Several CRs arrive as admin created them (`acceptedAt`, else the object's creation time), so a
  // snapshot of a cluster replays with the contention it had rather than as one burst.
  const created = crs.map(createdAt);
  let spread = '';
  if (crs.length > 1 && created.every((t) => t !== undefined)) {
    // (a reduce, not a spread: a List may hold more items than a call takes arguments)
    const t0 = (created as number[]).reduce((a, b) => Math.min(a, b));
    executions.forEach((e, i) => (e.arrival = (created[i]! - t0) / 1000));
    spread = `, arriving as they were accepted (over ${executions.reduce((m, e) => Math.max(m, e.arrival), 0)} s)`;
  }
  const first = executions[0]!.workflow;
  const name = basename(src.file).replace(/\.(json|ya?ml)(\.gz)?$/i, '');
  const nodeCount = (wf: WorkflowDef) => wf.nodes.length;
  const description =
    crs.length === 1
      ? `FlyteWorkflow CR ${basename(src.file)}: workflow ${first.name}, ${nodeCount(first)} nodes, ` +
        `${first.specBytes} spec bytes; runtimes from the model's defaultRuntime${branchNote(first)}${offloadedInputsNote(crs[0])}`
      : `${crs.length} FlyteWorkflow CRs from ${basename(src.file)}${spread}; runtimes from the model's defaultRuntime`;
  return { name, description, executions };
}

/**
 * A CR whose inputs were offloaded to the blobstore (`offloadedInputs`) holds no input values:
 * what they would decide (branch cases, array sizes) falls back to the defaults.
 */
function offloadedInputsNote(cr: unknown): string {
  if (typeof cr !== 'object' || cr === null) return '';
  const o = cr as { offloadedInputs?: unknown; inputs?: { literals?: unknown } };
  const offloaded = typeof o.offloadedInputs === 'string' ? o.offloadedInputs !== '' : typeof o.offloadedInputs === 'object' && o.offloadedInputs !== null;
  const held = typeof o.inputs?.literals === 'object' && o.inputs.literals !== null && Object.keys(o.inputs.literals).length > 0;
  return offloaded && !held ? '; its inputs are offloaded (not in the CR): branches on them take their if case, arrays over them the default size' : '';
}

/** When admin accepted the execution (`acceptedAt`), else when the CR was created; ms since the epoch. */
function createdAt(cr: unknown): number | undefined {
  if (typeof cr !== 'object' || cr === null) return undefined;
  const o = cr as { acceptedAt?: unknown; metadata?: { creationTimestamp?: unknown } };
  for (const v of [o.acceptedAt, o.metadata?.creationTimestamp]) {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}

/** What the execution's inputs decided for the branch nodes that run (not those inside a case not taken). */
function branchNote(wf: WorkflowDef): string {
  const byId = new Map(wf.nodes.map((n) => [n.id, n]));
  const runs = (id: string): boolean => {
    const owner = byId.get(id)?.branchOf;
    if (owner === undefined) return true;
    const b = byId.get(owner)?.branch;
    return b !== undefined && b.fails === undefined && b.taken === id && runs(owner);
  };
  const parts: string[] = [];
  for (const n of wf.nodes) {
    const b = n.branch;
    if (b?.by !== 'inputs' || !runs(n.id)) continue;
    if (b.fails === undefined) parts.push(`branch ${n.id} takes ${b.taken}`);
    else if (b.malformed) parts.push(`branch ${n.id} fails: ${b.fails}`);
    else parts.push(`branch ${n.id} matches no case and fails${b.fails !== '' ? ` ("${b.fails}")` : ''}`);
  }
  if (parts.length === 0) return '';
  // a header line, not a list: past a few, the report's skipped cases tell the rest
  const shown = parts.length > MAX_BRANCH_NOTES ? [...parts.slice(0, MAX_BRANCH_NOTES), `${parts.length - MAX_BRANCH_NOTES} more decisions (the report marks the cases not taken as skipped)`] : parts;
  return `; from the execution's inputs, ${shown.join(', ')}`;
}

const MAX_BRANCH_NOTES = 4;

/** A Kubernetes List object (`kind: List`, or any `*List` kind, with `items`). */
function isKubeList(data: unknown): data is { items: unknown[] } {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const d = data as { kind?: unknown; items?: unknown };
  return typeof d.kind === 'string' && d.kind.endsWith('List') && Array.isArray(d.items);
}

/**
 * What `simulate` and `whatif` take: a scenario file, a FlyteWorkflow CR (one execution with
 * default runtimes), or a list of CRs (`kubectl get flyteworkflow -o json`). `text` is the file's
 * content when the caller has read it already (standard input can be read only once).
 */
export function loadSimulationInput(file: string, text?: string): Scenario {
  const src = readStructuredFile(file, text);
  if (looksLikeModelFile(src.data)) throw new InputError('is a model file, not a scenario or a FlyteWorkflow CR; pass it with --model', { file });
  if (isFlyteWorkflowCr(src.data)) return scenarioFromCrs(src, [src.data], false);
  if (isFlyteWorkflowList(src.data)) return scenarioFromCrs(src, src.data.items, true);
  if (isKubeList(src.data)) {
    // `kubectl get ... -o json|yaml` with nothing found, or a List of other kinds.
    const { items } = src.data;
    if (items.length === 0) throw new InputError('is an empty List: no FlyteWorkflow CRs in items', { file, line: src.lineOf('items') });
    const i = items.findIndex((x) => !isFlyteWorkflowCr(x));
    const kind = (items[i] as { kind?: unknown } | null)?.kind;
    throw new InputError(`is a List whose item ${i} is ${typeof kind === 'string' ? `a ${kind}` : 'not a FlyteWorkflow'}; simulate takes FlyteWorkflow CRs`, {
      file,
      line: src.lineOf(`items[${i}]`),
      path: `items[${i}]`,
    });
  }
  try {
    return scenarioFromSource(src);
  } catch (e) {
    // Not a scenario either: a piece cut out of a CR says so rather than which scenario fields it lacks.
    const part = e instanceof InputError ? flyteWorkflowPart(src.data) : undefined;
    if (part === undefined) throw e;
    throw new InputError(`is ${part}, not a whole FlyteWorkflow CR; simulate takes the whole object (kubectl get flyteworkflow NAME -o json)`, { file });
  }
}
