/**
 * Aggregates of N replications of the same plans (`simulate --reps N`): the mean report in the
 * report layout, and per figure the mean with a 95% Student-t confidence interval, per top-level
 * execution and over executions (per replication, the mean over executions; the CI comes from
 * those per-replication means).
 */
import type { ReportJson } from '../metrics/index.js';
import { ALL_FIGURES, EXECUTION_FIGURES, sampleFigures, type FigureSample } from './figures.js';
import { MeanReport } from './mean-report.js';
import { Running } from './paired-stats.js';

/** Mean and 95% CI of one figure over replications. Null fields: no value, or fewer than 2 for the CI. */
export interface Estimate {
  /** Replications that had a value. */
  n: number;
  mean: number | null;
  sd: number | null;
  /** Half-width of the 95% CI of the mean. */
  halfWidth: number | null;
  ci95: [number, number] | null;
  min: number | null;
  max: number | null;
}

export interface ReplicationsJson {
  n: number;
  /** Over top-level executions (execution figures) and over the recording (infra medians). */
  figures: Record<string, Estimate>;
  executions: { id: string; figures: Record<string, Estimate> }[];
}

/** Mean and 95% CI of the non-null values. */
export function estimate(values: readonly (number | null | undefined)[]): Estimate {
  const r = new Running();
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    r.add(v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (r.n === 0) return { n: 0, mean: null, sd: null, halfWidth: null, ci95: null, min: null, max: null };
  // Identical values: report the value itself (Welford can leave a rounding residue in the mean).
  const mean = min === max ? min : r.mean;
  const hw = r.n >= 2 ? (min === max ? 0 : r.halfWidth95()) : null;
  return {
    n: r.n,
    mean,
    sd: r.n >= 2 ? (min === max ? 0 : r.sd) : null,
    halfWidth: hw,
    ci95: hw === null ? null : hw === 0 ? [mean, mean] : [mean - hw, mean + hw],
    min,
    max,
  };
}

/** Accumulates replications one report at a time. */
export class ReplicationAggregator {
  readonly samples: FigureSample[] = [];
  private readonly mean: MeanReport | null;

  constructor(opts: { meanReport?: boolean } = {}) {
    this.mean = opts.meanReport === false ? null : new MeanReport();
  }

  get n(): number {
    return this.samples.length;
  }

  add(report: ReportJson): FigureSample {
    const s = sampleFigures(report);
    this.samples.push(s);
    this.mean?.add(report);
    return s;
  }

  /** The report layout with every number the mean over replications. */
  meanReport(): ReportJson {
    if (!this.mean) throw new Error('mean report not kept');
    return this.mean.result();
  }

  /** Per figure over executions. */
  figures(): Record<string, Estimate> {
    const out: Record<string, Estimate> = {};
    for (const f of ALL_FIGURES) out[f.key] = estimate(this.samples.map((s) => s.overall[f.key]));
    return out;
  }

  replications(): ReplicationsJson {
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const s of this.samples) {
      for (const id of s.executions.keys()) {
        if (!seen.has(id)) {
          seen.add(id);
          ids.push(id);
        }
      }
    }
    return {
      n: this.n,
      figures: this.figures(),
      executions: ids.map((id) => {
        const figures: Record<string, Estimate> = {};
        for (const f of EXECUTION_FIGURES) figures[f.key] = estimate(this.samples.map((s) => s.executions.get(id)?.[f.key]));
        return { id, figures };
      }),
    };
  }
}

/** `simulate --reps N`: the mean report and the `"replications"` block. */
export function aggregateReports(reports: Iterable<ReportJson>): { mean: ReportJson; replications: ReplicationsJson } {
  const agg = new ReplicationAggregator();
  for (const r of reports) agg.add(r);
  return { mean: agg.meanReport(), replications: agg.replications() };
}
