import { z } from 'zod';
import type { Distribution } from '../engine/distributions.js';

/**
 * The value syntaxes shared by scenario and model files: durations, byte sizes and latency
 * distributions. Everything compiles to seconds and bytes.
 *
 * Durations: a number (seconds) or a Go-style string: `30s`, `250ms`, `1m30s`, `20ns`, `1.5h`.
 * Sizes: a number (bytes) or `512B`, `4KiB`, `1.5MiB`, `2MB` (KB/MB/GB are powers of 1000).
 * Distributions (seconds):
 *   30s | 0.5                                   constant
 *   {constant: 30s}
 *   {uniform: {min: 10s, max: 20s}}
 *   {exponential: {mean: 5s}}
 *   {normal: {mean: 30s, sd: 5s}}
 *   {lognormal: {median: 20s, sigma: 0.3}}      or {lognormal: {mu: <ln seconds>, sigma: 0.3}}
 *   {gamma: {shape: 2, scale: 5s}}
 *   {weibull: {shape: 1.5, scale: 10s}}
 *   {empirical: [1s, 2s, 2.5s]}
 *   {linear: {base: 5ms, perUnit: 20ns}}        base + perUnit * x (x = bytes, nodes, ...)
 * and the stored form `{type: lognormal, mu: ..., sigma: ...}` that model files written by
 * `calibrate` use.
 */

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  '\u03bcs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const DURATION_PART = /(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(ns|us|µs|\u03bcs|ms|s|m|h)/y;

/** Seconds from a duration, or a message saying what was expected. */
export function parseDuration(v: unknown): number | string {
  if (typeof v === 'number') return Number.isFinite(v) ? v : `expected a finite number of seconds, got ${v}`;
  if (typeof v !== 'string') return `expected a duration like "30s" or a number of seconds, got ${describe(v)}`;
  const s = v.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) return Number(s);
  let sign = 1;
  let i = 0;
  if (s.startsWith('-')) {
    sign = -1;
    i = 1;
  }
  let total = 0;
  let parts = 0;
  while (i < s.length) {
    DURATION_PART.lastIndex = i;
    const m = DURATION_PART.exec(s);
    if (!m) return `expected a duration like "30s", "250ms" or "1m30s", got "${v}"`;
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    i = DURATION_PART.lastIndex;
    parts++;
  }
  if (parts === 0) return `expected a duration like "30s", got "${v}"`;
  return sign * total;
}

const UNIT_BYTES: Record<string, number> = {
  B: 1,
  KB: 1e3,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** Bytes (rounded to an integer) from a size, or a message saying what was expected. */
export function parseBytes(v: unknown): number | string {
  if (typeof v === 'number') {
    return Number.isFinite(v) && v >= 0 ? Math.round(v) : `expected a non-negative number of bytes, got ${v}`;
  }
  if (typeof v !== 'string') return `expected a size like "4KiB" or a number of bytes, got ${describe(v)}`;
  const m = /^(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(B|KB|kB|MB|GB|KiB|MiB|GiB)?$/.exec(v.trim());
  if (!m) return `expected a size like "512B", "4KiB" or "1.5MiB", got "${v}"`;
  return Math.round(Number(m[1]) * UNIT_BYTES[m[2] ?? 'B']!);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Thrown inside distribution parsing; carries the sub-path of the bad field. */
class SpecError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super(message);
  }
}

const FORMS =
  'a duration like "30s" or a distribution like {lognormal: {median: 20s, sigma: 0.3}} ' +
  '(constant, uniform, exponential, normal, lognormal, gamma, weibull, empirical, linear)';

function obj(v: unknown, path: (string | number)[], what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new SpecError(`expected ${what}, got ${describe(v)}`, path);
  }
  return v as Record<string, unknown>;
}

function onlyKeys(o: Record<string, unknown>, allowed: string[], path: (string | number)[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new SpecError(`unknown field "${k}" (expected ${allowed.join(', ')})`, [...path, k]);
    }
  }
}

function need(o: Record<string, unknown>, key: string, path: (string | number)[]): unknown {
  if (!(key in o) || o[key] === undefined) throw new SpecError(`missing field "${key}"`, path);
  return o[key];
}

function seconds(v: unknown, path: (string | number)[], min = 0): number {
  const r = parseDuration(v);
  if (typeof r === 'string') throw new SpecError(r, path);
  if (r < min) throw new SpecError(`must be >= ${min} seconds, got ${r}`, path);
  return r;
}

function plain(v: unknown, path: (string | number)[], check: (n: number) => boolean, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
    throw new SpecError(`expected ${what}, got ${describe(v)}`, path);
  }
  return v;
}

const positive = (n: number) => n > 0;
const nonNegative = (n: number) => n >= 0;
const finite = () => true;

/** The stored form, `{type: ..., ...}` with plain numbers (seconds). */
function fromStored(o: Record<string, unknown>, path: (string | number)[]): Distribution {
  const p = (k: string) => [...path, k];
  switch (o.type) {
    case 'constant':
      onlyKeys(o, ['type', 'value'], path);
      return { type: 'constant', value: seconds(need(o, 'value', path), p('value')) };
    case 'uniform': {
      onlyKeys(o, ['type', 'min', 'max'], path);
      const min = seconds(need(o, 'min', path), p('min'));
      const max = seconds(need(o, 'max', path), p('max'));
      if (max < min) throw new SpecError(`max (${max}) is below min (${min})`, p('max'));
      return { type: 'uniform', min, max };
    }
    case 'exponential':
      onlyKeys(o, ['type', 'mean'], path);
      return { type: 'exponential', mean: seconds(need(o, 'mean', path), p('mean')) };
    case 'normal':
      onlyKeys(o, ['type', 'mean', 'sd'], path);
      return {
        type: 'normal',
        mean: seconds(need(o, 'mean', path), p('mean')),
        sd: seconds(need(o, 'sd', path), p('sd')),
      };
    case 'lognormal':
      onlyKeys(o, ['type', 'mu', 'sigma'], path);
      return {
        type: 'lognormal',
        mu: plain(need(o, 'mu', path), p('mu'), finite, 'a number (log seconds)'),
        sigma: plain(need(o, 'sigma', path), p('sigma'), nonNegative, 'a number >= 0'),
      };
    case 'gamma':
    case 'weibull':
      onlyKeys(o, ['type', 'shape', 'scale'], path);
      return {
        type: o.type,
        shape: plain(need(o, 'shape', path), p('shape'), positive, 'a number > 0'),
        scale: seconds(need(o, 'scale', path), p('scale')),
      };
    case 'empirical': {
      onlyKeys(o, ['type', 'samples'], path);
      return { type: 'empirical', samples: samples(need(o, 'samples', path), p('samples')) };
    }
    case 'linear':
      onlyKeys(o, ['type', 'base', 'perUnit'], path);
      return {
        type: 'linear',
        base: parseAt(need(o, 'base', path), p('base')),
        perUnit: seconds(need(o, 'perUnit', path), p('perUnit')),
      };
    default:
      throw new SpecError(`unknown distribution type ${JSON.stringify(o.type)}`, p('type'));
  }
}

function samples(v: unknown, path: (string | number)[]): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new SpecError('expected a non-empty list of durations', path);
  return v.map((s, i) => seconds(s, [...path, i]));
}

/** The shorthand form: one key naming the family. */
function fromShorthand(family: string, body: unknown, path: (string | number)[]): Distribution {
  const p = [...path, family];
  const q = (k: string) => [...p, k];
  switch (family) {
    case 'constant':
      return { type: 'constant', value: seconds(body, p) };
    case 'uniform': {
      const o = obj(body, p, '{min, max}');
      onlyKeys(o, ['min', 'max'], p);
      const min = seconds(need(o, 'min', p), q('min'));
      const max = seconds(need(o, 'max', p), q('max'));
      if (max < min) throw new SpecError(`max (${max}) is below min (${min})`, q('max'));
      return { type: 'uniform', min, max };
    }
    case 'exponential': {
      const o = obj(body, p, '{mean}');
      onlyKeys(o, ['mean'], p);
      return { type: 'exponential', mean: seconds(need(o, 'mean', p), q('mean')) };
    }
    case 'normal': {
      const o = obj(body, p, '{mean, sd}');
      onlyKeys(o, ['mean', 'sd'], p);
      return { type: 'normal', mean: seconds(need(o, 'mean', p), q('mean')), sd: seconds(need(o, 'sd', p), q('sd')) };
    }
    case 'lognormal': {
      const o = obj(body, p, '{median, sigma} or {mu, sigma}');
      onlyKeys(o, ['median', 'mu', 'sigma'], p);
      const sigma = plain(need(o, 'sigma', p), q('sigma'), nonNegative, 'a number >= 0');
      if ('median' in o && 'mu' in o) throw new SpecError('give either median or mu, not both', q('mu'));
      if ('median' in o) {
        const median = seconds(o.median, q('median'));
        if (median <= 0) throw new SpecError('median must be > 0', q('median'));
        return { type: 'lognormal', mu: Math.log(median), sigma };
      }
      return { type: 'lognormal', mu: plain(need(o, 'mu', p), q('mu'), finite, 'a number (log seconds)'), sigma };
    }
    case 'gamma':
    case 'weibull': {
      const o = obj(body, p, '{shape, scale}');
      onlyKeys(o, ['shape', 'scale'], p);
      return {
        type: family,
        shape: plain(need(o, 'shape', p), q('shape'), positive, 'a number > 0'),
        scale: seconds(need(o, 'scale', p), q('scale')),
      };
    }
    case 'empirical':
      return { type: 'empirical', samples: samples(body, p) };
    case 'linear': {
      const o = obj(body, p, '{base, perUnit}');
      onlyKeys(o, ['base', 'perUnit'], p);
      return {
        type: 'linear',
        base: parseAt(need(o, 'base', p), q('base')),
        perUnit: seconds(need(o, 'perUnit', p), q('perUnit')),
      };
    }
    default:
      throw new SpecError(`unknown distribution "${family}"; expected ${FORMS}`, p);
  }
}

function parseAt(v: unknown, path: (string | number)[]): Distribution {
  if (typeof v === 'number' || typeof v === 'string') return { type: 'constant', value: seconds(v, path) };
  const o = obj(v, path, FORMS);
  if ('type' in o) return fromStored(o, path);
  const keys = Object.keys(o);
  if (keys.length !== 1) throw new SpecError(`expected ${FORMS}`, path);
  return fromShorthand(keys[0]!, o[keys[0]!], path);
}

/** A Distribution from any accepted form, or `{message, path}` (path relative to `v`). */
export function parseDistribution(
  v: unknown,
): { ok: true; value: Distribution } | { ok: false; message: string; path: (string | number)[] } {
  try {
    return { ok: true, value: parseAt(v, []) };
  } catch (e) {
    if (e instanceof SpecError) return { ok: false, message: e.message, path: e.path };
    throw e;
  }
}

/** True when `v` looks like a stored Distribution (used to tell leaves from sections). */
export function isDistribution(v: unknown): v is Distribution {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    typeof (v as { type?: unknown }).type === 'string' &&
    ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'gamma', 'weibull', 'empirical', 'linear'].includes(
      (v as { type: string }).type,
    )
  );
}

/** zod schema: a duration in seconds, at least `min`. */
export function durationSchema(min = 0) {
  return z.unknown().transform((v, ctx) => {
    const r = parseDuration(v);
    if (typeof r === 'string') {
      ctx.addIssue({ code: 'custom', message: r });
      return z.NEVER;
    }
    if (r < min) {
      ctx.addIssue({ code: 'custom', message: `must be >= ${min} seconds, got ${r}` });
      return z.NEVER;
    }
    return r;
  });
}

/** zod schema: a duration in seconds strictly above zero. */
export function positiveDurationSchema(min = 0) {
  return z.unknown().transform((v, ctx) => {
    const r = parseDuration(v);
    if (typeof r === 'string' || r <= 0 || r < min) {
      ctx.addIssue({ code: 'custom', message: typeof r === 'string' ? r : r <= 0 ? `must be > 0 seconds, got ${r}` : `must be at least ${min} s, got ${r}` });
      return z.NEVER;
    }
    return r;
  });
}

/** zod schema: a size in bytes (integer). */
export function bytesSchema() {
  return z.unknown().transform((v, ctx) => {
    const r = parseBytes(v);
    if (typeof r === 'string') {
      ctx.addIssue({ code: 'custom', message: r });
      return z.NEVER;
    }
    return r;
  });
}

/** zod schema: a Distribution in any accepted form. Issues carry the sub-path of the bad field. */
export function distributionSchema() {
  return z.unknown().transform((v, ctx): Distribution => {
    const r = parseDistribution(v);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: r.message, path: r.path });
      return z.NEVER;
    }
    return r.value;
  });
}
