/**
 * What-if changes to a Model: `--set PATH=VALUE`, `--scale PATH=FACTOR` and named presets, parsed
 * into a list of Change objects that can be shown, stored in JSON and applied in order.
 */
import { bytes } from '../metrics/text.js';
import { formatDuration } from '../timeline/time.js';
import { InputError } from '../timeline/errors.js';
import type { Distribution } from '../engine/distributions.js';
import type { Model } from '../model/model.js';
import { applyScale, applySet, getPaths, listPaths, parseAssignment, type Leaf } from '../model/paths.js';
import { medianOf } from '../model/dist-summary.js';

export { PRESETS, presetNames, presetHelp, type Change, type Preset } from './presets.js';
import { PRESETS, presetNames, type Change, type Preset } from './presets.js';

export function findPreset(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name.trim());
  if (!p) {
    throw new InputError(`unknown preset "${name}"; presets: ${PRESETS.map((x) => `${x.name} (${x.description})`).join(', ')}`, {
      path: '--preset',
    });
  }
  return p;
}

export interface ChangeArgs {
  set?: readonly string[];
  scale?: readonly string[];
  preset?: readonly string[];
}

/**
 * The changes of the command line, in the order they are applied: presets, then `--scale`, then
 * `--set` (so an explicit value wins over a preset). Syntax and preset names are checked here;
 * paths are checked when applied to a model. No change at all is a usage error unless `required`
 * is false (a sweep's fixed changes are optional).
 */
export function parseChanges(args: ChangeArgs, required = true): Change[] {
  const out: Change[] = [];
  for (const name of args.preset ?? []) {
    const p = findPreset(name);
    for (const c of p.changes) out.push({ ...c, preset: p.name });
  }
  for (const arg of args.scale ?? []) {
    const { path, value } = parseAssignment(arg, '--scale');
    const factor = Number(value);
    if (!Number.isFinite(factor) || factor < 0) throw new InputError(`--scale expects PATH=FACTOR with a number >= 0, got "${arg}"`);
    out.push({ kind: 'scale', path, factor });
  }
  for (const arg of args.set ?? []) {
    const { path, value } = parseAssignment(arg, '--set');
    out.push({ kind: 'set', path, value });
  }
  if (out.length === 0 && required) {
    throw new InputError(`no change given: use --set PATH=VALUE, --scale PATH=FACTOR or --preset NAME (presets: ${presetNames.join(', ')})`);
  }
  return out;
}

/** The model with every change applied in order (each validated like a model file). */
export function applyChanges(model: Model, changes: readonly Change[]): Model {
  let m = model;
  for (const c of changes) {
    m = c.kind === 'set' ? applySet(m, `${c.path}=${c.value}`) : applyScale(m, `${c.path}=${c.factor}`);
  }
  return m;
}

/** `propeller.workers = 40`, `events.*.latency × 0.5`. */
export function describeChange(c: Change): string {
  return c.kind === 'set' ? `${c.path} = ${c.value}` : `${c.path} × ${c.factor}`;
}

/** All changes in one line, grouping a preset's changes under its name. */
export function describeChanges(changes: readonly Change[]): string {
  const parts: string[] = [];
  const done = new Set<string>();
  for (const c of changes) {
    if (c.preset !== undefined) {
      if (done.has(c.preset)) continue;
      done.add(c.preset);
      const mine = changes.filter((x) => x.preset === c.preset).map(describeChange);
      parts.push(`${c.preset} (${mine.join(', ')})`);
    } else parts.push(describeChange(c));
  }
  return parts.join('; ');
}

export interface Effect {
  path: string;
  before: Leaf;
  after: Leaf;
}

/** The model leaves whose value differs between `before` and `after`, in model order. */
export function changeEffects(before: Model, after: Model): Effect[] {
  const out: Effect[] = [];
  const had = new Set(listPaths(before));
  for (const path of listPaths(after)) {
    const b = had.has(path) ? getPaths(before, path)[0]?.value : undefined;
    const a = getPaths(after, path)[0]?.value;
    if (a === undefined) continue;
    if (b === undefined || JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, before: b ?? a, after: a });
  }
  return out;
}

function distributionText(d: Distribution): string {
  if (d.type === 'linear') {
    const slope = d.perUnit === 0 ? '' : ` + ${formatDuration(d.perUnit * 1e9)}/unit`;
    return `${distributionText(d.base)}${slope}`;
  }
  if (d.type === 'constant') return formatDuration(Math.round(d.value * 1e9));
  return `median ${formatDuration(Math.round(medianOf(d) * 1e9))}`;
}

/** A leaf for people: numbers and booleans as they are, durations with units, distributions by median. */
export function leafText(path: string, v: Leaf): string {
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (path.endsWith('Seconds')) return formatDuration(Math.round(v * 1e9));
    if (path.endsWith('Bytes')) return bytes(v);
    return String(v);
  }
  return distributionText(v);
}

/** `events.node.latency: median 25.0 ms → 12.5 ms`. */
export function effectText(e: Effect): string {
  return `${e.path}: ${leafText(e.path, e.before)} → ${leafText(e.path, e.after)}`;
}
