/**
 * The overhead over all executions of a report: what a platform engineer asks of a day of logs
 * ("what share of our workflows' time is Flyte's?"). Sums over executions of each part (the RFC's
 * ratios of sums, one level up) and the distribution over executions of the makespan and of each
 * execution's Flyte and external share. Only top-level executions that reached a terminal phase
 * count: a log cut off mid-execution would otherwise add partial ones.
 */
import { boundedStat } from './infra.js';
import { summarize } from './quantile.js';
import type { Bound, CountStat, ExecutionReport, InfraStat } from './report-json.js';
import { ratio } from './overhead.js';

export interface OverallReport {
  /** Top-level executions (launch-plan children are part of their parents). */
  executions: number;
  /** Of those, how many reached a terminal phase: the figures below are over these. */
  complete: number;
  overhead: {
    userNs: number;
    flyteNs: number;
    externalNs: number;
    totalNs: number;
    userRatio: number;
    flyteRatio: number;
    externalRatio: number;
    bounds: { userNs: Bound; flyteNs: Bound; externalNs: Bound; totalNs: Bound; userRatio: Bound; flyteRatio: Bound; externalRatio: Bound };
  };
  makespan: InfraStat;
  /** Each execution's Flyte and external share of its summed node time. */
  flyteRatio: CountStat;
  externalRatio: CountStat;
}

export class OverallAccumulator {
  private executions = 0;
  private readonly sum = { user: 0, flyte: 0, external: 0, total: 0 };
  private readonly lo = { user: 0, flyte: 0, external: 0, total: 0 };
  private readonly hi = { user: 0, flyte: 0, external: 0, total: 0 };
  private readonly makespan: number[] = [];
  private readonly makespanLo: number[] = [];
  private readonly makespanHi: number[] = [];
  private resolutionNs = 0;
  private readonly flyteRatios: number[] = [];
  private readonly externalRatios: number[] = [];

  add(e: ExecutionReport): void {
    if (e.parent !== undefined) return;
    this.executions++;
    if (!e.complete) return;
    const o = e.overhead;
    const b = o.bounds;
    this.sum.user += o.userNs;
    this.sum.flyte += o.flyteNs;
    this.sum.external += o.externalNs;
    this.sum.total += o.totalNs;
    this.lo.user += b.userNs.lo;
    this.lo.flyte += b.flyteNs.lo;
    this.lo.external += b.externalNs.lo;
    this.lo.total += b.totalNs.lo;
    this.hi.user += b.userNs.hi;
    this.hi.flyte += b.flyteNs.hi;
    this.hi.external += b.externalNs.hi;
    this.hi.total += b.totalNs.hi;
    this.makespan.push(e.makespanNs);
    this.makespanLo.push(e.makespanLoNs);
    this.makespanHi.push(e.makespanHiNs);
    if (e.resolutionNs > this.resolutionNs) this.resolutionNs = e.resolutionNs;
    if (o.totalNs > 0) {
      this.flyteRatios.push(o.flyteRatio);
      this.externalRatios.push(o.externalRatio);
    }
  }

  result(): OverallReport {
    const { sum, lo, hi } = this;
    // A part's share is smallest at its lower bound with the other parts at their upper bounds.
    const share = (k: 'user' | 'flyte' | 'external'): Bound => {
      const restLo = lo.user + lo.flyte + lo.external - lo[k];
      const restHi = hi.user + hi.flyte + hi.external - hi[k];
      return { lo: ratio(lo[k], lo[k] + restHi), hi: ratio(hi[k], hi[k] + restLo) };
    };
    return {
      executions: this.executions,
      complete: this.makespan.length,
      overhead: {
        userNs: sum.user,
        flyteNs: sum.flyte,
        externalNs: sum.external,
        totalNs: sum.total,
        userRatio: ratio(sum.user, sum.total),
        flyteRatio: ratio(sum.flyte, sum.total),
        externalRatio: ratio(sum.external, sum.total),
        bounds: {
          userNs: { lo: lo.user, hi: hi.user },
          flyteNs: { lo: lo.flyte, hi: hi.flyte },
          externalNs: { lo: lo.external, hi: hi.external },
          totalNs: { lo: lo.total, hi: hi.total },
          userRatio: share('user'),
          flyteRatio: share('flyte'),
          externalRatio: share('external'),
        },
      },
      makespan: boundedStat(this.makespan, this.makespanLo, this.makespanHi, this.resolutionNs),
      flyteRatio: summarize(this.flyteRatios),
      externalRatio: summarize(this.externalRatios),
    };
  }
}
