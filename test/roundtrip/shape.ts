/**
 * What "the same structure" means for a round trip through propeller logs: `shape` projects a
 * Recording onto what the log lines carry, so a simulated Recording and the one folded back from
 * its logs can be compared with a strict deep equality (every list keeps its length and order, every
 * count must match). `timeErrors` then compares the instants of the matched items.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLogs, type LogEmitOptions } from '../../src/export/logs.js';
import { foldRecords } from '../../src/ingest/index.js';
import { newLineStats, readLogRecords } from '../../src/ingest/lines.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import type { Model } from '../../src/model/model.js';
import type { ExecutionPlan, WorkflowDef } from '../../src/model/workflow.js';
import { simulate } from '../../src/propeller/simulator.js';
import type { Execution, Ns, Op, Recording, Transition } from '../../src/timeline/types.js';

export const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;

/** Op kinds that leave log lines (blob I/O, pod creates, deep copies and traversal CPU leave none). */
const LOGGED_OPS = new Set<string>([
  'workflowTransition',
  'nodeTransition',
  'workflowEvent',
  'nodeEvent',
  'taskEvent',
  'bufferedTaskEvent',
  'etcdUpdate',
  'catalogGet',
  'catalogPut',
  'launchExecution',
  'parallelismLimit',
  'podCreate',
]);

const at = (t: Transition): string => `${t.from}>${t.to}@h${t.handle}.r${t.round}`;

/** One op as the logs tell it: kind, node, transition phases, outcome. */
function opKey(o: Op): string {
  const phases = o.kind === 'nodeTransition' || o.kind === 'workflowTransition' ? `${o.from}>${o.to}` : '';
  // propeller drops an error of the workflow's end node without a line (`RecordNodeEvent`); nested
  // end nodes carry a generated event id and are not exempt.
  // A pod create answered AlreadyExists (a round redone) is logged as any other create.
  const outcome = (o.kind === 'nodeEvent' && o.node === 'end-node') || o.kind === 'podCreate' ? '' : (o.outcome ?? '');
  // The parallelism short-circuit line is a workflow-level line: it names no node.
  const node = o.kind === 'parallelismLimit' ? '' : (o.node ?? '');
  return `${o.kind}:${node}:${phases}:${outcome}`;
}

/**
 * Enqueues by what their log line says: `==> Enqueueing workflow` (watch events and resyncs),
 * `added workflowID .. to subqueue` (sub-queue adds, also made by every owner update), and
 * `Enqueueing owner for updated object`.
 */
function enqueueCounts(e: Execution, folded: boolean): Record<string, number> {
  const c: Record<string, number> = {};
  const add = (k: string): void => {
    c[k] = (c[k] ?? 0) + 1;
  };
  for (const q of e.enqueues) {
    if (q.source === 'workflow' || q.source === 'resync') add('workflow');
    else if (q.source === 'owner') {
      add('owner');
      if (!folded) add('subqueue');
    } else add('subqueue');
  }
  return c;
}

export interface ExecutionShape {
  id: string;
  namespace: string;
  workflow: string | undefined;
  phase: string;
  handles: {
    worker: string;
    endReason: string;
    rounds: { phase: string; resVer: string | undefined; changed: boolean; error: string | null; ops: string[] }[];
  }[];
  nodes: { id: string; retries: number; cache: string | undefined; transitions: string[]; taskPhases: string[] }[];
  workflowTransitions: string[];
  enqueues: Record<string, number>;
}

/**
 * The structure of a Recording that its propeller logs carry. Executions that never reached a
 * worker leave no line and are left out. Ops are compared as a multiset (work inside a round may
 * overlap and log in another order), everything else in order.
 */
export function shape(rec: Recording): ExecutionShape[] {
  const folded = rec.source === 'logs';
  return rec.executions
    .filter((e) => e.handles.length > 0)
    .map((e) => ({
      id: e.id,
      namespace: e.namespace,
      workflow: e.workflow,
      phase: String(e.phase),
      handles: e.handles.map((h) => ({
        worker: h.worker,
        endReason: h.endReason,
        rounds: h.rounds.map((r) => ({
          phase: String(r.phase),
          resVer: r.resVer,
          changed: r.changed,
          error: r.error ?? null,
          ops: r.ops
            // A move into RetryableFailure has no line of its own (fold infers it from what follows);
            // in a round that failed nothing follows.
            .filter((o) => LOGGED_OPS.has(o.kind) && !(r.error !== undefined && o.kind === 'nodeTransition' && o.to === 'RetryableFailure'))
            .map(opKey)
            .sort(),
        })),
      })),
      nodes: e.nodes
        .filter((n) => n.transitions.length > 0 || (n.taskPhases?.length ?? 0) > 0)
        .map((n) => ({
          id: n.id,
          retries: n.retries ?? 0,
          cache: n.cache,
          transitions: n.transitions.map(at),
          taskPhases: (n.taskPhases ?? []).map(at),
        }))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      workflowTransitions: e.workflowTransitions.map(at),
      enqueues: enqueueCounts(e, folded),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Instants of `truth` (a simulation: exact) that the folded Recording does not reproduce. With
 * `exact`, the folded instant and both its bounds must equal the true one (CRI prefixes carry ns);
 * otherwise the true instant must lie within the folded bounds. Items are matched by position,
 * so call this after the shapes are equal. Returns descriptions of the failures and the count checked.
 */
export function timeErrors(truth: Recording, folded: Recording, exact: boolean): { errors: string[]; checked: number } {
  const offset = Number(BigInt(folded.originUnixNano) - BigInt(truth.originUnixNano));
  const errors: string[] = [];
  let checked = 0;
  const check = (what: string, t: Ns, f: Ns | undefined, lo: Ns | undefined, hi: Ns | undefined): void => {
    checked++;
    const x = t - offset;
    const ok = exact ? f === x && lo === x && hi === x : lo !== undefined && hi !== undefined && lo <= x && x <= hi && f !== undefined && lo <= f && f <= hi;
    if (!ok) errors.push(`${what}: true ${x}, folded ${f} [${lo}, ${hi}]`);
  };
  const byId = new Map(folded.executions.map((e) => [e.id, e]));
  for (const e of truth.executions) {
    const f = byId.get(e.id);
    if (!f) continue;
    e.handles.forEach((h, hi) => {
      const g = f.handles[hi];
      if (!g) return;
      check(`${e.id} h${hi} start`, h.start, g.start, g.startLo, g.startHi);
      check(`${e.id} h${hi} end`, h.end, g.end, g.endLo, g.endHi);
      h.rounds.forEach((r, ri) => {
        const q = g.rounds[ri];
        if (!q) return;
        check(`${e.id} h${hi}.r${ri} start`, r.start, q.start, q.startLo, q.startHi);
        check(`${e.id} h${hi}.r${ri} end`, r.end, q.end, q.endLo, q.endHi);
        if (r.traversalEnd !== undefined) check(`${e.id} h${hi}.r${ri} traversal end`, r.traversalEnd, q.traversalEnd, q.traversalEndLo, q.traversalEndHi);
      });
    });
    const nodes = new Map(f.nodes.map((n) => [n.id, n]));
    for (const n of e.nodes) {
      const m = nodes.get(n.id);
      n.transitions.forEach((t, i) => {
        const u = m?.transitions[i];
        // A subtask's failed attempt goes out inside its array's one task event: no line says when
        // its move into RetryableFailure happened, only the round (bounds, even with exact stamps).
        if (exact && n.kind === 'subnode' && t.to === 'RetryableFailure') {
          const x = t.at - offset;
          checked++;
          if (!(u?.atLo !== undefined && u.atHi !== undefined && u.atLo <= x && x <= u.atHi)) errors.push(`${e.id} ${n.id} transition ${i}: true ${x}, folded [${u?.atLo}, ${u?.atHi}]`);
          return;
        }
        check(`${e.id} ${n.id} transition ${i}`, t.at, u?.at, u?.atLo, u?.atHi);
      });
      (n.taskPhases ?? []).forEach((t, i) => {
        const u = m?.taskPhases?.[i];
        // An ArrayNode's own events have no line: fold dates them between the lines around them.
        if (exact && n.kind === 'map') {
          const x = t.at - offset;
          checked++;
          if (!(u?.atLo !== undefined && u.atHi !== undefined && u.atLo <= x && x <= u.atHi)) errors.push(`${e.id} ${n.id} task phase ${i}: true ${x}, folded [${u?.atLo}, ${u?.atHi}]`);
          return;
        }
        check(`${e.id} ${n.id} task phase ${i}`, t.at, u?.at, u?.atLo, u?.atHi);
      });
    }
    e.workflowTransitions.forEach((t, i) => {
      const u = f.workflowTransitions[i];
      check(`${e.id} workflow transition ${i}`, t.at, u?.at, u?.atLo, u?.atHi);
    });
    // The execution ends at its terminal move in both: the simulation dates it as the log does.
    if (e.ended !== undefined) check(`${e.id} end`, e.ended.at, f.ended?.at, f.ended?.lo, f.ended?.hi);
  }
  return { errors, checked };
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** A portfolio scenario's execution plans. */
export function portfolio(name: string): ExecutionPlan[] {
  return loadSimulationInput(join(SCENARIOS, `${name}.yaml`)).executions;
}

/** A copy of a workflow whose map tasks have at most `size` subtasks (everywhere in the DAG). */
export function smallMaps(wf: WorkflowDef, size: number): WorkflowDef {
  return {
    ...wf,
    nodes: wf.nodes.map((n) => {
      const m = { ...n };
      if (m.map) m.map = { ...m.map, size: Math.min(m.map.size, size) };
      if (m.dynamic) m.dynamic = smallMaps(m.dynamic, size);
      if (m.subworkflow) m.subworkflow = smallMaps(m.subworkflow, size);
      if (m.launchplan) m.launchplan = smallMaps(m.launchplan, size);
      return m;
    }),
  };
}

/** The map-fanout scenario with a 60-way map (the portfolio's 3000-way one folds in seconds, not ms). */
export function smallMapFanout(): ExecutionPlan[] {
  return portfolio('map-fanout').map((p) => ({ ...p, workflow: smallMaps(p.workflow, 60) }));
}

/** A slice of the mixed-load scenario: a few executions of each workflow, maps of 40 subtasks. */
export function smallMixedLoad(): ExecutionPlan[] {
  const plans = portfolio('mixed-load');
  const keep = new Map<string, number>([
    ['single', 6],
    ['chain', 3],
    ['fanout', 1],
    ['cached', 3],
  ]);
  const out: ExecutionPlan[] = [];
  for (const p of plans) {
    const name = p.workflow.name.split(':').pop() ?? p.workflow.name;
    const left = keep.get(name) ?? 0;
    if (left === 0) continue;
    keep.set(name, left - 1);
    out.push({ ...p, workflow: smallMaps(p.workflow, 40) });
  }
  return out;
}

/** A workflow with retries, a branch, a gate and a cache hit, written as a scenario file. */
export const EXTRAS_YAML = `name: extras
description: retries, a branch, a gate, a cached task, cached map tasks and dynamic nodes (hit, miss)
workflows:
  extras:
    nodes:
      - id: flaky
        runtime: 5s
        failedAttempts: 2
      - id: pick
        after: [flaky]
        branch:
          taken: right
          cases:
            - {id: left, runtime: 3s}
            - {id: right, runtime: 3s}
      - id: wait
        after: [pick]
        gate: 20s
      - id: cached
        after: [wait]
        cache: hit
        runtime: 5s
      - {id: cmap, after: [cached], map: {size: 4}, cache: hit}
      - {id: cmiss, after: [cmap], map: {size: 3}, cache: miss, runtime: 4s}
      - {id: dhit, after: [cmiss], cache: hit, dynamic: {nodes: [{id: a}]}}
      - {id: dmiss, after: [dhit], cache: miss, dynamic: {nodes: [{id: a, runtime: 2s}]}}
`;

/**
 * Failing workflows: a task out of retries with a failure node, and the same under the
 * FAIL_AFTER_EXECUTABLE_NODES_COMPLETE policy (the other branch finishes, the rest is skipped).
 */
export const FAILURES_YAML = `name: failures
description: a task out of retries, a failure node, both failure policies
workflows:
  fast:
    nodes:
      - {id: a, runtime: 5s}
      - {id: b, after: [a], runtime: 5s, failedAttempts: 2, retries: 1}
      - {id: c, after: [b]}
      - {id: d, after: [a], runtime: 30s}
    onFailure: {id: cleanup, runtime: 3s}
  patient:
    nodes:
      - {id: a, runtime: 5s}
      - {id: b, after: [a], runtime: 5s, failedAttempts: 1, retries: 0}
      - {id: c, after: [b]}
      - {id: d, after: [a], runtime: 30s}
    onFailurePolicy: afterExecutableNodesComplete
executions:
  - {workflow: fast}
  - {workflow: patient, arrival: 2s}
`;

/** The executions of FAILURES_YAML. */
export function failures(): ExecutionPlan[] {
  const d = tempDir('failures');
  try {
    writeFileSync(join(d, 'failures.yaml'), FAILURES_YAML);
    return loadSimulationInput(join(d, 'failures.yaml')).executions;
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

/** Default model with few workers (executions compete for them). */
export function fewWorkers(n: number): Model {
  const m = defaultModel();
  m.propeller.workers = n;
  return m;
}

/**
 * A model that exercises every failure path the logs must carry: a scarce admin event budget
 * (throttled events), failing event RPCs, and a short streak cap.
 */
export function stressModel(): Model {
  const m = defaultModel();
  m.propeller.workers = 4;
  m.propeller.eventRate = 20;
  m.propeller.eventBurst = 5;
  m.propeller.maxStreakLength = 3;
  m.events.workflow.failureProbability = 0.03;
  m.events.node.failureProbability = 0.03;
  m.events.task.failureProbability = 0.03;
  return m;
}

export function simulateWith(plans: ExecutionPlan[], model: Model, seed = 'roundtrip'): Recording {
  return simulate(plans, model, { seed, replication: 0 });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `propsim-${prefix}-`));
}

/** Writes the Recording's logs to a file and folds them back the way `propsim fold` does. */
export async function logRoundTrip(rec: Recording, path: string, opts: LogEmitOptions): Promise<{ folded: Recording; lines: number }> {
  const written = await writeLogs(rec, path, opts);
  const stats = newLineStats();
  const folded = await foldRecords(readLogRecords([path], { stats }), { stats });
  return { folded, lines: written.lines };
}
