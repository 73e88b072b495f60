/**
 * The values of a sweep, as `--vary PATH=VALUES` and `--vary-scale PATH=FACTORS` give them:
 * a comma-separated list (`2,4,8`; a value may itself be YAML with commas inside braces or
 * brackets, `{lognormal: {median: 20ms, sigma: 0.3}}`), or a numeric range `FROM..TO:STEP`
 * (`4..40:4`, every STEP) or `FROM..TO:xF` (`1..64:x2`, every factor F). Ranges include TO when a
 * step lands on it.
 */
import { InputError } from '../timeline/errors.js';

/** At most this many values: each costs a paired replication series. */
export const MAX_SWEEP_VALUES = 64;

const RANGE = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*:\s*(x?)\s*(\d+(?:\.\d+)?)\s*$/;

/** Splits on commas outside `{}`, `[]` and quotes. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      items.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  items.push(cur.trim());
  return items;
}

/** Numbers printed without float noise (0.1 + 0.2 steps give 0.3, not 0.30000000000000004). */
function clean(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/** Values a range holds: `to` included when a step lands on it (within float noise). */
function rangeLength(from: number, to: number, geometric: boolean, step: number): number {
  const steps = geometric ? Math.log(to / from) / Math.log(step) : (to - from) / step;
  return Math.floor(steps + 1e-9) + 1;
}

function range(text: string, flag: string): string[] | null {
  const m = RANGE.exec(text);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  const geometric = m[3] === 'x';
  const step = Number(m[4]);
  if (to < from) throw new InputError(`${flag}: range ${text.trim()} runs backwards (FROM must not exceed TO)`);
  const out: string[] = [];
  const length = (ok: boolean) => (ok ? rangeLength(from, to, geometric, step) : 0);
  if (length(geometric ? step > 1 && from > 0 : step > 0) > MAX_SWEEP_VALUES) {
    throw new InputError(`${flag}: range ${text.trim()} holds ${length(true)} values; a sweep takes at most ${MAX_SWEEP_VALUES}`);
  }
  if (geometric) {
    if (!(step > 1)) throw new InputError(`${flag}: range ${text.trim()} needs a factor above 1 after ':x'`);
    if (!(from > 0)) throw new InputError(`${flag}: geometric range ${text.trim()} needs FROM > 0`);
    for (let k = 0, v = from; v <= to * (1 + 1e-9); k++, v = from * step ** k) {
      out.push(clean(v));
      if (out.length > MAX_SWEEP_VALUES) break;
    }
  } else {
    if (!(step > 0)) throw new InputError(`${flag}: range ${text.trim()} needs a step above 0`);
    for (let k = 0, v = from; v <= to + step * 1e-9; k++, v = from + k * step) {
      out.push(clean(v));
      if (out.length > MAX_SWEEP_VALUES) break;
    }
  }
  return out;
}

/**
 * The values of `VALUES` in order. Empty items, repeated values and more than `MAX_SWEEP_VALUES`
 * values are usage errors; `numeric` (factors) requires numbers >= 0.
 */
export function parseSweepValues(text: string, flag: string, numeric: boolean): string[] {
  const values: string[] = [];
  for (const item of topLevelItems(text)) {
    if (item === '') throw new InputError(`${flag}: empty value in "${text}" (separate values with single commas)`);
    values.push(...(range(item, flag) ?? [item]));
  }
  if (values.length > MAX_SWEEP_VALUES) throw new InputError(`${flag}: ${values.length} values; a sweep takes at most ${MAX_SWEEP_VALUES}`);
  if (numeric) {
    for (const v of values) {
      const f = Number(v);
      if (!Number.isFinite(f) || f < 0) throw new InputError(`${flag}: factors are numbers >= 0, got "${v}"`);
    }
  }
  const seen = new Set<string>();
  for (const v of values) {
    const key = numeric || /^-?\d+(\.\d+)?$/.test(v) ? String(Number(v)) : v;
    if (seen.has(key)) throw new InputError(`${flag}: value ${v} appears twice`);
    seen.add(key);
  }
  return values;
}
