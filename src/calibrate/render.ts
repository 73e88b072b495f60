import { dur } from '../metrics/text.js';
import { formatDuration } from '../timeline/time.js';
import type { CalibrationReport, ParameterReport } from './calibrate.js';
import { CONFIG_KEYS } from './config.js';
import type { QuantityFigures, ValidationResult } from './validate.js';

/** Compact text for people: calibration fit report and validation figures. */

/** Seconds as a human duration, in the same form `report` prints (`44.0 s`, `3.40 s`, `1 min 06 s`). */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  return formatDuration(Math.round(s * 1e9));
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

function table(rows: string[][], rightCols: ReadonlySet<number>): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => pad(c, widths[i]!, rightCols.has(i))).join('  ').trimEnd());
}

function constraintSummary(p: ParameterReport): string {
  return Object.entries(p.constraints)
    .map(([k, v]) => `${k} ${p.fixed.includes(k) ? 'fixed' : v.constraint}`)
    .join(', ');
}

function isSeconds(path: string, p: ParameterReport): boolean {
  return !(path === 'cpu.deepCopy' && p.method === 'ratio');
}

export function renderCalibration(r: CalibrationReport): string {
  const out: string[] = [];
  out.push(`Calibrated from ${r.executions} execution${r.executions === 1 ? '' : 's'} (${r.source}): ${r.handles} Handle call${r.handles === 1 ? '' : 's'}, ${r.rounds} round${r.rounds === 1 ? '' : 's'}; profile ${r.profile} where the data say nothing`);
  out.push('');
  out.push('Configuration');
  const crow = CONFIG_KEYS.map((k) => {
    const d = r.configDetail[k];
    const v = k.endsWith('Seconds') ? `${d.value} s` : String(d.value);
    const st = d.status === 'prior' ? 'prior' : `${d.status} (${d.confidence})`;
    return [`  ${k}`, v, st, d.evidence];
  });
  out.push(...table(crow, new Set([1])));
  out.push('');
  const paths = Object.keys(r.parameters) as (keyof CalibrationReport['parameters'])[];
  if (paths.length > 0) {
    out.push('Parameters');
    const rows: string[][] = [['  path', 'n', 'family', 'median', '95% CI', 'mean', 'KS', 'constraint']];
    for (const path of paths) {
      const p = r.parameters[path]!;
      const f = isSeconds(path, p) ? fmtSeconds : (x: number) => `${Number(x.toPrecision(3))} s/B`;
      const fam = p.kind === 'linear' && p.perUnit !== undefined && p.method !== 'ratio' ? `${p.family} + ${Number(p.perUnit.toPrecision(3))}/unit${p.perUnitSource === 'prior' ? ' (profile)' : ''}` : p.family;
      rows.push([`  ${path}`, String(p.n), fam, f(p.median), `[${f(p.medianCI95[0])}, ${f(p.medianCI95[1])}]`, f(p.mean), p.ks.toFixed(3), constraintSummary(p)]);
    }
    out.push(...table(rows, new Set([1, 3, 5, 6])));
    out.push('');
  }
  const priors = Object.entries(r.priors);
  if (priors.length > 0) {
    out.push(`Kept from the profile: ${priors.map(([p, why]) => `${p} (${why})`).join(', ')}`);
  }
  if (r.info.queueWait) {
    const q = r.info.queueWait;
    const b = q.bounds;
    // Whole-second stamps: estimates with their bounds, as `report` prints them.
    const f = (x: number, bound?: [number, number]) => (bound ? dur(x * 1e9, { lo: bound[0] * 1e9, hi: bound[1] * 1e9 }) : fmtSeconds(x));
    out.push(`Queue wait (enqueue -> Handle): median ${f(q.median, b?.median)}, mean ${f(q.mean, b?.mean)}, p95 ${f(q.p95, b?.p95)} over ${q.n} Handle calls`);
  }
  const failures = Object.entries(r.info.eventFailures).filter(([, v]) => v.failed > 0);
  if (failures.length > 0) out.push(`Event failures: ${failures.map(([k, v]) => `${k} ${v.failed}/${v.sent}`).join(', ')}`);
  const notes = [...r.notes];
  for (const path of paths) for (const n of r.parameters[path]!.notes) notes.push(`${path}: ${n}`);
  if (notes.length > 0) {
    out.push('');
    out.push('Notes');
    for (const n of notes) out.push(`  ${n}`);
  }
  return `${out.join('\n')}\n`;
}

const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

export function renderValidation(v: ValidationResult): string {
  const out: string[] = [];
  out.push(
    `Validation (${v.source}): calibrated on ${v.calibrated.length} execution${v.calibrated.length === 1 ? '' : 's'}, ` +
      `${v.heldOut.length} held out (${v.splitBy === 'time' ? 'latest' : `random, seed ${v.seed}`}), ${v.reps} replications` +
      (v.incomplete.length > 0 ? `; ${v.incomplete.length} execution${v.incomplete.length === 1 ? '' : 's'} without a terminal phase left out` : ''),
  );
  out.push('');
  const row = (name: string, f: QuantityFigures): string[] => [
    `  ${name}`,
    fmtSeconds(f.observed.mean),
    fmtSeconds(f.predicted.mean),
    pct(f.meanError),
    pct(f.p50Error),
    pct(f.p95Error),
    f.ks.toFixed(2),
  ];
  const rows = [
    ['  per execution', 'observed', 'predicted', 'mean err', 'p50 err', 'p95 err', 'KS'],
    row('makespan', v.makespan),
    row('user', v.categories.user),
    row('flyte', v.categories.flyte),
    row('external', v.categories.external),
  ];
  out.push(...table(rows, new Set([1, 2, 3, 4, 5, 6])));
  out.push('');
  const covered = v.executions.filter((e) => e.covered).length;
  out.push(`90% prediction intervals cover ${covered} of ${v.executions.length} held-out executions (${pct(v.makespan.piCoverage)})`);
  out.push(`Target: makespan mean error <= ${pct(v.targetError)}: ${v.passed ? 'passed' : 'FAILED'} (${pct(v.makespan.meanError)})`);
  return `${out.join('\n')}\n`;
}
