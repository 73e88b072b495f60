/**
 * `computeReport`: a Recording -> the report JSON (per execution: makespan, node table, workflow
 * overhead, critical path, activity counts, infrastructure statistics; then infrastructure
 * statistics over all executions). Pure; the result does not depend on the order of executions
 * or nodes in the input, except that lists keep the input order.
 */
import type { Execution, Recording, Span } from '../timeline/types.js';
import { endHi, endLo, startHi, startLo } from '../timeline/bounds.js';
import { criticalPath } from './critical-path.js';
import { InfraAccumulator } from './infra.js';
import type { Instant } from './intervals.js';
import { OverallAccumulator } from './overall.js';
import { executionOverhead, ratio, ratioBounds } from './overhead.js';
import type { Bound, ExecutionReport, NodeReport, ReportJson } from './report-json.js';

const bound = (s: Span): Bound => ({ lo: s.lo, hi: s.hi });

function width(x: Instant): number {
  return x.hi - x.lo;
}

/**
 * Coarsest uncertainty of the execution's own instants: creation, end, enqueues and transitions
 * (0 when every one is exact). Handle calls and rounds are measured by the infrastructure walk.
 */
function instantResolution(exec: Execution): number {
  let r = 0;
  const w = (lo: number, hi: number) => {
    if (hi - lo > r) r = hi - lo;
  };
  if (exec.created) w(exec.created.lo, exec.created.hi);
  if (exec.ended) w(exec.ended.lo, exec.ended.hi);
  for (const e of exec.enqueues) w(e.lo, e.hi);
  for (const t of exec.workflowTransitions) w(t.atLo, t.atHi);
  for (const n of exec.nodes) for (const t of n.transitions) w(t.atLo, t.atHi);
  return r;
}

/**
 * Why the input cannot split this execution's time, if it cannot: no node phases at all
 * (propeller's own OpenTelemetry spans carry none), or task nodes that sent task events but whose
 * pod times the input does not hold (their running time then falls to Flyte).
 */
function splitGap(exec: Execution, nodes: readonly NodeReport[]): string | undefined {
  // Rounds ran but not one phase, of the workflow or of any node, was recorded: the input cannot
  // hold phases (a simulated execution that failed before its nodes started still has workflow ones).
  const ranRounds = exec.handles.some((h) => h.rounds.length > 0);
  if (ranRounds && exec.workflowTransitions.length === 0 && exec.nodes.length > 0 && exec.nodes.every((n) => n.transitions.length === 0)) {
    return "the input records no node phases (propeller's OpenTelemetry spans carry none): user, Flyte and external time cannot be told apart; fold propeller's debug logs for that";
  }
  if (nodes.some((n) => n.pods > 0)) return undefined;
  const withTaskEvents = new Set<string>();
  for (const h of exec.handles) for (const r of h.rounds) for (const o of r.ops) if (o.kind === 'taskEvent' && o.node !== undefined) withTaskEvents.add(o.node);
  // (an ArrayNode's task events are its subtasks': one with no subtasks and no pod ran no code)
  const kinds = new Map(exec.nodes.map((n) => [n.id, n.kind === 'map' && n.pod === undefined ? 'mapWithoutPod' : n.kind]));
  const blind = nodes.filter((n) => n.topLevel && n.timeNs > 0 && withTaskEvents.has(n.id) && kinds.get(n.id) !== 'mapWithoutPod').map((n) => n.id);
  if (blind.length === 0) return undefined;
  const their = blind.length === 1 ? 'its' : 'their';
  return `the input has no pod or task-phase times for ${blind.join(', ')}: ${their} running time counts as Flyte, not as user and external`;
}

/**
 * The report of one execution. `infraAcc`, when given, is an empty accumulator that takes the
 * execution's infrastructure samples (a report over many executions merges them instead of reading
 * every op again).
 */
export function executionReport(exec: Execution, children: readonly Execution[] = [], infraAcc = new InfraAccumulator()): ExecutionReport {
  const ov = executionOverhead(exec, children);
  const cp = criticalPath(ov);
  const walk = infraAcc.add(exec);
  const { infra, infraCounts } = infraAcc.result();
  const nodes: NodeReport[] = ov.nodes.map((n) => {
    const w = n.window;
    const r: NodeReport = {
      id: w.node.id,
      kind: w.node.kind,
      ...(w.node.parent !== undefined ? { parent: w.node.parent } : {}),
      runnableAtNs: w.runnable.at,
      endAtNs: w.end.at,
      runnableRule: w.rule,
      ...(w.from !== undefined ? { runnableFrom: w.from } : {}),
      ...(w.capped ? { runnableCapped: true } : {}),
      timeNs: n.split.time.est,
      userNs: n.split.user.est,
      flyteNs: n.split.flyte.est,
      externalNs: n.split.external.est,
      waitNs: n.wait.est,
      complete: w.complete,
      ...(w.complete && w.endTransition.to === 'Skipped' ? { skipped: true } : {}),
      ...(w.aborted ? { aborted: true } : {}),
      ...(w.complete && (w.endTransition.to === 'Failed' || w.endTransition.to === 'TimedOut') ? { failed: true } : {}),
      topLevel: w.topLevel,
      pods: n.pods,
      ...(n.childExecutions.length > 0 ? { childExecutions: n.childExecutions } : {}),
      bounds: {
        timeNs: bound(n.split.time),
        userNs: bound(n.split.user),
        flyteNs: bound(n.split.flyte),
        externalNs: bound(n.split.external),
        waitNs: bound(n.wait),
      },
    };
    return r;
  });
  const { user, flyte, external, time } = ov.sums;
  const total = user.est + flyte.est + external.est;
  const mk = cp.makespan;
  return {
    id: exec.id,
    namespace: exec.namespace,
    ...(exec.workflow !== undefined ? { workflow: exec.workflow } : {}),
    phase: exec.phase,
    ...(exec.parent !== undefined ? { parent: exec.parent } : {}),
    complete: ov.span.complete,
    createdAtNs: ov.span.start.at,
    endAtNs: ov.span.end.at,
    makespanNs: mk.est,
    makespanLoNs: mk.lo,
    makespanHiNs: mk.hi,
    resolutionNs: Math.max(walk.resolutionNs, instantResolution(exec), width(ov.span.start), width(ov.span.end)),
    nodes,
    notStarted: ov.notStarted,
    overhead: {
      userNs: user.est,
      flyteNs: flyte.est,
      externalNs: external.est,
      totalNs: total,
      flyteRatio: ratio(flyte.est, total),
      externalRatio: ratio(external.est, total),
      userRatio: ratio(user.est, total),
      nodeCount: ov.nodes.filter((n) => n.window.topLevel).length,
      bounds: {
        userNs: bound(user),
        flyteNs: bound(flyte),
        externalNs: bound(external),
        totalNs: bound(time),
        flyteRatio: ratioBounds(flyte, { est: 0, lo: user.lo + external.lo, hi: user.hi + external.hi }),
        externalRatio: ratioBounds(external, { est: 0, lo: user.lo + flyte.lo, hi: user.hi + flyte.hi }),
        userRatio: ratioBounds(user, { est: 0, lo: flyte.lo + external.lo, hi: flyte.hi + external.hi }),
      },
    },
    criticalPath: {
      nodes: cp.nodes,
      userNs: cp.user.est,
      flyteNs: cp.flyte.est,
      externalNs: cp.external.est,
      gapsNs: cp.gaps.est,
      tailNs: cp.tail.est,
      makespanNs: mk.est,
      flyteRatio: ratio(cp.flyte.est, mk.est),
      externalRatio: ratio(cp.external.est, mk.est),
      userRatio: ratio(cp.user.est, mk.est),
      bounds: {
        userNs: bound(cp.user),
        flyteNs: bound(cp.flyte),
        externalNs: bound(cp.external),
        gapsNs: bound(cp.gaps),
        tailNs: bound(cp.tail),
      },
    },
    counts: walk.counts,
    infra,
    infraCounts,
    ...optional('splitUnknown', splitGap(exec, nodes)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** The report of every execution in the recording, plus infrastructure statistics over all of them. */
export function computeReport(rec: Recording): ReportJson {
  const children = new Map<string, Execution[]>();
  for (const e of rec.executions) {
    if (e.parent === undefined) continue;
    let l = children.get(e.parent);
    if (!l) children.set(e.parent, (l = []));
    l.push(e);
  }
  const acc = new ReportAccumulator();
  const executions = rec.executions.map((e) => acc.add(e, children.get(e.id) ?? []));
  return { ...acc.finish(rec.source, rec.originUnixNano), executions };
}

/**
 * `computeReport` one execution at a time (a streaming report drops each execution once added).
 * `finish` gives the report without its `executions`: the caller keeps or writes those.
 */
export class ReportAccumulator {
  /** Every execution's infrastructure samples: the first execution's accumulator, the others merged into it. */
  private infra = new InfraAccumulator();
  private readonly overall = new OverallAccumulator();
  private resolutionNs = 0;
  private n = 0;

  /** Executions added so far. */
  get count(): number {
    return this.n;
  }

  /** The execution's report; `children` are its launch-plan child executions. */
  add(e: Execution, children: readonly Execution[] = []): ExecutionReport {
    const acc = new InfraAccumulator();
    const r = executionReport(e, children, acc);
    if (this.n === 0) this.infra = acc;
    else this.infra.merge(acc);
    this.overall.add(r);
    if (r.resolutionNs > this.resolutionNs) this.resolutionNs = r.resolutionNs;
    this.n++;
    return r;
  }

  finish(source: Recording['source'], originUnixNano: string): ReportJson {
    // One execution: its statistics (already computed) are the overall ones; a copy, so that the
    // execution's report and the overall one share no objects.
    const all = this.n === 1 ? structuredClone(this.infra.result()) : this.infra.result();
    return {
      schema: 'propsim.report/1',
      source,
      originUnixNano,
      resolutionNs: this.resolutionNs,
      quantiles: 'nearest-rank',
      executions: [],
      overall: this.overall.result(),
      infra: all.infra,
      infraCounts: all.infraCounts,
      streakEnds: all.streakEnds,
    };
  }
}
