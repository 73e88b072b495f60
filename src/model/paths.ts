import { parse as parseYamlValue } from 'yaml';
import { scaled, type Distribution } from '../engine/distributions.js';
import type { Model } from './model.js';
import { InputError } from '../timeline/errors.js';
import { defaultModel } from './defaults.js';
import { validateModel } from './model-schema.js';
import { isDistribution, parseBytes, parseDistribution, parseDuration } from './quantities.js';

/**
 * Model fields by dotted path, for what-if changes and reports: `propeller.workers`,
 * `events.node.latency`, `store.offloadClosure`. A path names a leaf: a number, a boolean or a
 * whole distribution. `*` matches any one segment (`events.*.latency`). Every change is
 * validated like a model file, and a path that matches nothing is an error listing the valid ones.
 */

export type Leaf = number | boolean | Distribution;

/** Fields that hold counts (scaling rounds them). */
const INTEGER_FIELDS = new Set([
  'workers',
  'maxStreakLength',
  'queueBurst',
  'subQueueBurst',
  'eventBurst',
  'eventMaxRetries',
  'kubeBurst',
  'maxParallelism',
  'nodeExecutionWorkers',
  'maxWorkflowRetries',
  'etcdLimitBytes',
  'apiserverLimitBytes',
  'finishedNodeStatusBytes',
  'activeNodeStatusBytes',
]);

function leaves(value: unknown, prefix: string[], out: { path: string; segments: string[]; value: Leaf }[]): void {
  if (typeof value === 'number' || typeof value === 'boolean' || isDistribution(value)) {
    out.push({ path: prefix.join('.'), segments: prefix, value });
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, [...prefix, k], out);
  }
}

/** Every settable path of a model (default: the default profile's), in model order. */
export function listPaths(model: Model = defaultModel()): string[] {
  const out: { path: string; segments: string[]; value: Leaf }[] = [];
  leaves(model, [], out);
  return out.map((l) => l.path);
}

function matches(pattern: string[], segments: string[]): boolean {
  return pattern.length === segments.length && pattern.every((p, i) => p === '*' || p === segments[i]);
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** The leaves a pattern names; an unknown pattern is an InputError listing the valid paths. */
export function getPaths(model: Model, pattern: string): { path: string; value: Leaf }[] {
  const all: { path: string; segments: string[]; value: Leaf }[] = [];
  leaves(model, [], all);
  const p = pattern.trim().split('.');
  const hits = all.filter((l) => matches(p, l.segments));
  if (hits.length > 0) return hits.map(({ path, value }) => ({ path, value }));
  // Closeness segment by segment (a `*` matches anything), else over the whole string.
  const near = (l: { path: string; segments: string[] }) =>
    l.segments.length === p.length
      ? p.reduce((d, seg, i) => d + (seg === '*' ? 0 : distance(seg, l.segments[i]!)), 0)
      : distance(pattern, l.path);
  const close = all
    .map((l) => ({ path: l.path, d: near(l) }))
    .filter((c) => c.d <= 3)
    .sort((a, b) => a.d - b.d)
    .map((c) => c.path)
    .filter((c, i, a) => a.indexOf(c) === i)
    .slice(0, 3);
  const under = all.filter((l) => l.path.startsWith(`${pattern}.`)).map((l) => l.path);
  const hint =
    close.length > 0 ? ` (did you mean ${close.join(' or ')}?)` : under.length > 0 ? ` (a section; its fields: ${under.join(', ')})` : '';
  throw new InputError(`unknown model path${hint}; valid paths: ${all.map((l) => l.path).join(', ')}`, {
    path: pattern,
  });
}

function setLeaf(model: Model, path: string, value: Leaf): void {
  const segs = path.split('.');
  let o = model as unknown as Record<string, unknown>;
  for (const s of segs.slice(0, -1)) o = o[s] as Record<string, unknown>;
  o[segs[segs.length - 1]!] = value;
}

/** Converts a user value (number, boolean, string, or object from YAML) to the leaf's kind. */
function coerce(path: string, current: Leaf, value: unknown): Leaf {
  const field = path.split('.').pop()!;
  if (isDistribution(current)) {
    const r = parseDistribution(value);
    if (!r.ok) throw new InputError(r.message, { path: [path, ...r.path.map(String)].join('.') });
    return r.value;
  }
  if (typeof current === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new InputError(`expected true or false, got ${JSON.stringify(value)}`, { path });
  }
  let n: number | string;
  if (typeof value === 'number') n = value;
  else if (field.endsWith('Seconds')) n = parseDuration(value);
  else if (field.endsWith('Bytes')) n = parseBytes(value);
  else n = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : `expected a number, got ${JSON.stringify(value)}`;
  if (typeof n === 'string') throw new InputError(n, { path });
  return n;
}

/** A copy of `model` with every leaf the pattern names set to `value`; validated. */
export function setPath(model: Model, pattern: string, value: unknown): Model {
  const out = structuredClone(model);
  for (const { path, value: current } of getPaths(model, pattern)) setLeaf(out, path, coerce(path, current, value));
  return validateModel(out);
}

/**
 * A copy of `model` with every leaf the pattern names multiplied by `factor`: distributions
 * are scaled (a lognormal's median, a linear form's base and slope), counts are rounded.
 */
export function scalePath(model: Model, pattern: string, factor: number): Model {
  if (!Number.isFinite(factor) || factor < 0) {
    throw new InputError(`scale factor must be a number >= 0, got ${factor}`, { path: pattern });
  }
  const out = structuredClone(model);
  for (const { path, value } of getPaths(model, pattern)) {
    if (typeof value === 'boolean') throw new InputError('cannot scale a true/false field; set it to true or false instead', { path });
    const field = path.split('.').pop()!;
    const next = typeof value === 'number' ? (INTEGER_FIELDS.has(field) ? Math.round(value * factor) : value * factor) : scaled(value, factor);
    setLeaf(out, path, next);
  }
  return validateModel(out);
}

/** Splits `PATH=VALUE` (the value may itself contain `=`). */
export function parseAssignment(arg: string, flag = '--set'): { path: string; value: string } {
  const i = arg.indexOf('=');
  if (i <= 0 || i === arg.length - 1) throw new InputError(`${flag} expects PATH=VALUE, got "${arg}"`);
  return { path: arg.slice(0, i).trim(), value: arg.slice(i + 1).trim() };
}

/** `--set PATH=VALUE`: the value is read as YAML (`40`, `true`, `30s`, `{lognormal: {median: 20ms, sigma: 0.3}}`). */
export function applySet(model: Model, arg: string): Model {
  const { path, value } = parseAssignment(arg, '--set');
  let parsed: unknown;
  try {
    parsed = parseYamlValue(value);
  } catch {
    parsed = value;
  }
  return setPath(model, path, parsed);
}

/** `--scale PATH=FACTOR`. */
export function applyScale(model: Model, arg: string): Model {
  const { path, value } = parseAssignment(arg, '--scale');
  const f = Number(value);
  if (!Number.isFinite(f)) throw new InputError(`--scale expects PATH=FACTOR with a number, got "${arg}"`);
  return scalePath(model, path, f);
}
