/**
 * Generator of valid executions for property tests: a start-node, a DAG of task nodes (each
 * waiting for its upstream nodes, optionally with nested subnodes and pods or plugin phases), an
 * end-node, and one round per transition grouped into Handle calls with events and etcd writes.
 * Times are exact integer ns; `coarsen` turns a recording into what whole-second logs would give.
 */
import fc from 'fast-check';
import type {
  Execution,
  HandleCall,
  NodeRecord,
  Op,
  PodTimes,
  Recording,
  Round,
  Transition,
} from '../../src/timeline/types.js';

const MS = 1_000_000;
const S = 1_000_000_000;

export interface TaskPlan {
  /** Bit i set: depends on task i (only earlier tasks count). */
  upMask: number;
  waitMs: number;
  queuedMs: number;
  pod: { createMs: number; startMs: number; runMs: number; lagMs: number; mode: 'pod' | 'phases' | 'none' | 'noObserve' };
  retry: boolean;
  children: { offsetMs: number; runMs: number; withPod: boolean }[];
  succeedingMs: number;
  finalizeMs: number;
}

export interface ExecPlan {
  id: string;
  createdNs: number;
  startMs: number;
  tasks: TaskPlan[];
  endWaitMs: number;
  tailMs: number;
  /** Omit upstream ids (as logs do). */
  upstream: boolean;
  roundsPerHandle: number;
  eventMs: number[];
  complete: boolean;
}

const ms = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
/** Often zero: "waits for nothing" must be exercised. */
const msOrZero = (hi: number) => fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: ms(1, hi), weight: 3 });

export const taskPlanArb: fc.Arbitrary<TaskPlan> = fc.record({
  upMask: fc.integer({ min: 0, max: 63 }),
  waitMs: msOrZero(3000),
  queuedMs: ms(1, 2000),
  pod: fc.record({
    createMs: msOrZero(500),
    startMs: ms(0, 5000),
    runMs: ms(1, 20000),
    lagMs: msOrZero(1500),
    mode: fc.constantFrom('pod' as const, 'phases' as const, 'none' as const, 'noObserve' as const),
  }),
  retry: fc.boolean(),
  children: fc.array(fc.record({ offsetMs: ms(0, 3000), runMs: ms(1, 8000), withPod: fc.boolean() }), { maxLength: 3 }),
  succeedingMs: ms(0, 2000),
  finalizeMs: ms(0, 1500),
});

export function execPlanArb(opts: { upstream?: boolean; complete?: boolean; chain?: boolean } = {}): fc.Arbitrary<ExecPlan> {
  return fc.record({
    id: fc.stringMatching(/^[a-z][a-z0-9]{5,9}$/),
    createdNs: fc.integer({ min: 5 * S, max: 50 * S }),
    startMs: msOrZero(2000),
    tasks: fc
      .array(taskPlanArb, { minLength: 1, maxLength: 5 })
      .map((ts) => (opts.chain ? ts.map((t, i) => ({ ...t, upMask: i === 0 ? 0 : 1 << (i - 1) })) : ts)),
    endWaitMs: msOrZero(2000),
    tailMs: msOrZero(3000),
    upstream: opts.upstream === undefined ? fc.boolean() : fc.constant(opts.upstream),
    roundsPerHandle: fc.integer({ min: 1, max: 8 }),
    eventMs: fc.array(ms(1, 400), { minLength: 1, maxLength: 6 }),
    complete: opts.complete === undefined ? fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }) : fc.constant(opts.complete),
  });
}

interface PendingTransition {
  node?: string;
  t: Transition;
}

function tr(from: string, to: string, at: number): Transition {
  return { from, to, at, atLo: at, atHi: at };
}

/** Builds an execution from a plan. Every instant is exact. */
export function buildExecution(plan: ExecPlan): Execution {
  const created = plan.createdNs;
  const nodes: NodeRecord[] = [];
  const ends = new Map<string, number>();
  const all: PendingTransition[] = [];
  const add = (n: NodeRecord, t: Transition) => {
    n.transitions.push(t);
    all.push({ node: n.id, t });
  };

  const start: NodeRecord = { id: 'start-node', kind: 'start', transitions: [] };
  if (plan.upstream) start.upstream = [];
  const startEnd = created + plan.startMs * MS + 7; // odd ns so coarsening loses information
  add(start, tr('NotYetStarted', 'Succeeded', startEnd));
  nodes.push(start);
  ends.set('start-node', startEnd);

  const taskIds: string[] = [];
  const hasDownstream = new Set<string>();
  plan.tasks.forEach((task, i) => {
    const id = `n${i}`;
    const ups: string[] = [];
    for (let j = 0; j < i; j++) if (task.upMask & (1 << j)) ups.push(`n${j}`);
    if (ups.length === 0) ups.push('start-node');
    for (const u of ups) hasDownstream.add(u);
    const runnable = Math.max(...ups.map((u) => ends.get(u)!));
    const first = runnable + task.waitMs * MS;
    const node: NodeRecord = { id, kind: 'task', transitions: [] };
    if (plan.upstream) node.upstream = ups;
    add(node, tr('NotYetStarted', 'Queued', first));
    const running = first + task.queuedMs * MS;
    add(node, tr('Queued', 'Running', running));
    let busyUntil = running;
    const p = task.pod;
    const attempts = task.retry ? 2 : 1;
    const pods: PodTimes[] = [];
    const phases: Transition[] = [];
    let cursor = first;
    for (let a = 0; a < attempts; a++) {
      const c = cursor + p.createMs * MS + 3;
      const s = c + p.startMs * MS;
      const f = s + p.runMs * MS;
      const o = f + p.lagMs * MS;
      pods.push(p.mode === 'noObserve' ? { created: c, started: s, finished: f } : { created: c, started: s, finished: f, observed: o });
      phases.push(tr('PhaseUndefined', 'PhaseQueued', c), tr('PhaseQueued', 'PhaseRunning', s));
      phases.push(tr('PhaseRunning', a + 1 < attempts ? 'PhaseRetryableFailure' : 'PhaseSuccess', o));
      cursor = o;
      busyUntil = Math.max(busyUntil, o);
    }
    if (p.mode === 'pod' || p.mode === 'noObserve') {
      if (pods.length === 1) node.pod = pods[0]!;
      else node.pods = pods;
    } else if (p.mode === 'phases') {
      node.taskPhases = phases;
    }
    nodes.push(node);
    task.children.forEach((ch, j) => {
      const cid = `${id}/c${j}`;
      const child: NodeRecord = { id: cid, kind: 'subnode', parent: id, transitions: [] };
      if (plan.upstream) child.upstream = [];
      const cFirst = running + ch.offsetMs * MS;
      add(child, tr('NotYetStarted', 'Queued', cFirst));
      add(child, tr('Queued', 'Running', cFirst + MS));
      const cEnd = cFirst + MS + ch.runMs * MS + 1;
      if (ch.withPod) child.pod = { created: cFirst + MS, started: cFirst + 2 * MS, finished: cEnd - MS, observed: cEnd };
      add(child, tr('Running', 'Succeeded', cEnd));
      ends.set(cid, cEnd);
      busyUntil = Math.max(busyUntil, cEnd);
      nodes.push(child);
    });
    const succeeding = busyUntil + task.succeedingMs * MS;
    add(node, tr('Running', 'Succeeding', succeeding));
    const done = succeeding + task.finalizeMs * MS + 1;
    add(node, tr('Succeeding', 'Succeeded', done));
    ends.set(id, done);
    taskIds.push(id);
  });

  const sinks = taskIds.filter((t) => !hasDownstream.has(t));
  const endRunnable = Math.max(...sinks.map((s) => ends.get(s)!));
  const endNode: NodeRecord = { id: 'end-node', kind: 'end', transitions: [] };
  if (plan.upstream) endNode.upstream = sinks;
  const endFirst = endRunnable + plan.endWaitMs * MS;
  add(endNode, tr('NotYetStarted', 'Queued', endFirst));
  const endDone = endFirst + 5 * MS;
  if (plan.complete) add(endNode, tr('Queued', 'Succeeded', endDone));
  nodes.push(endNode);
  const endedAt = plan.complete ? endDone + plan.tailMs * MS : undefined;

  // Workflow transitions.
  const workflowTransitions: Transition[] = [tr('Ready', 'Running', created + 1)];
  all.push({ t: workflowTransitions[0]! });
  if (endedAt !== undefined) {
    const w = tr('Running', 'Succeeded', endedAt);
    workflowTransitions.push(w);
    all.push({ t: w });
  }

  // One round per transition, in time order, grouped into Handle calls.
  all.sort((a, b) => a.t.at - b.t.at);
  const handles: HandleCall[] = [];
  let h: HandleCall | undefined;
  all.forEach((p, k) => {
    if (!h || h.rounds.length >= plan.roundsPerHandle) {
      const enqueuedAt = Math.max(created, p.t.at - 2 * MS);
      h = { worker: `worker-${k % 3}`, start: p.t.at - MS, end: p.t.at - MS, startLo: 0, startHi: 0, endLo: 0, endHi: 0, enqueuedAt, rounds: [], endReason: 'noChange' };
      h.startLo = h.startHi = h.start;
      handles.push(h);
    }
    const ev = plan.eventMs[k % plan.eventMs.length]! * MS;
    const ops: Op[] = [];
    const mk = (kind: Op['kind'], s: number, e: number, extra: Partial<Op> = {}): Op => ({ kind, start: s, end: e, startLo: s, startHi: s, endLo: e, endHi: e, ...extra });
    if (p.node) ops.push(mk('nodeTransition', p.t.at, p.t.at, { node: p.node, from: p.t.from, to: p.t.to }));
    else ops.push(mk('workflowTransition', p.t.at, p.t.at, { from: p.t.from, to: p.t.to }));
    ops.push(mk(p.node ? 'nodeEvent' : 'workflowEvent', p.t.at, p.t.at + ev, { ...(p.node ? { node: p.node } : {}), to: p.t.to }));
    ops.push(mk('etcdUpdate', p.t.at + ev, p.t.at + ev + 3 * MS, { bytes: 4000 + 100 * k }));
    const r: Round = {
      start: p.t.at - MS / 2,
      end: p.t.at + ev + 3 * MS,
      startLo: 0,
      startHi: 0,
      endLo: 0,
      endHi: 0,
      phase: 'Running',
      changed: true,
      ops,
    };
    r.startLo = r.startHi = r.start;
    r.endLo = r.endHi = r.end;
    p.t.handle = handles.length - 1;
    p.t.round = h.rounds.length;
    h.rounds.push(r);
    h.end = Math.max(h.end, r.end);
    h.endLo = h.endHi = h.end;
  });

  return {
    id: plan.id,
    namespace: 'flytesnacks-development',
    workflow: 'flytesnacks:development:gen',
    phase: endedAt !== undefined ? 'Succeeded' : 'Running',
    created: { at: created, lo: created, hi: created },
    ...(endedAt !== undefined ? { ended: { at: endedAt, lo: endedAt, hi: endedAt } } : {}),
    handles,
    nodes,
    enqueues: handles.map((x) => ({ at: x.enqueuedAt!, lo: x.enqueuedAt!, hi: x.enqueuedAt!, source: 'workflow' as const })),
    workflowTransitions,
  };
}

export function recordingOf(execs: Execution[], source: Recording['source'] = 'sim'): Recording {
  return { originUnixNano: '1714728481000000000', source, executions: execs, lines: { read: 0, used: 0, skipped: {} } };
}

export function recordingArb(opts: { upstream?: boolean; complete?: boolean; chain?: boolean } = {}, max = 3): fc.Arbitrary<Recording> {
  return fc
    .uniqueArray(execPlanArb(opts), { minLength: 1, maxLength: max, selector: (p) => p.id })
    .map((plans) => recordingOf(plans.map(buildExecution)));
}

/**
 * What whole-second log stamps give: every instant's bounds become its second [s, s + 1 s]; the
 * estimate stays (`keep`) or moves to the middle of the second (`midpoint`, what a reader with no
 * sub-second information would guess).
 */
export function coarsen(rec: Recording, mode: 'keep' | 'midpoint'): Recording {
  const c = structuredClone(rec);
  c.source = 'logs';
  const sec = (x: number) => Math.floor(x / S) * S;
  const est = (x: number) => (mode === 'keep' ? x : sec(x) + S / 2);
  const fix = <T extends object>(o: T, at: keyof T, lo: keyof T, hi: keyof T) => {
    const x = o[at] as unknown as number | undefined;
    if (x === undefined) return;
    (o[lo] as unknown as number) = sec(x);
    (o[hi] as unknown as number) = sec(x) + S;
    (o[at] as unknown as number) = est(x);
  };
  for (const e of c.executions) {
    if (e.created) fix(e.created, 'at', 'lo', 'hi');
    if (e.ended) fix(e.ended, 'at', 'lo', 'hi');
    for (const q of e.enqueues) fix(q, 'at', 'lo', 'hi');
    for (const t of e.workflowTransitions) fix(t, 'at', 'atLo', 'atHi');
    for (const h of e.handles) {
      fix(h, 'start', 'startLo', 'startHi');
      fix(h, 'end', 'endLo', 'endHi');
      fix(h, 'enqueuedAt', 'enqueuedAtLo', 'enqueuedAtHi');
      for (const r of h.rounds) {
        fix(r, 'start', 'startLo', 'startHi');
        fix(r, 'end', 'endLo', 'endHi');
        for (const op of r.ops) {
          fix(op, 'start', 'startLo', 'startHi');
          fix(op, 'end', 'endLo', 'endHi');
        }
      }
    }
    for (const n of e.nodes) {
      for (const t of n.transitions) fix(t, 'at', 'atLo', 'atHi');
      for (const t of n.taskPhases ?? []) fix(t, 'at', 'atLo', 'atHi');
      for (const p of [...(n.pod ? [n.pod] : []), ...(n.pods ?? [])]) {
        fix(p, 'created', 'createdLo', 'createdHi');
        fix(p, 'started', 'startedLo', 'startedHi');
        fix(p, 'finished', 'finishedLo', 'finishedHi');
        fix(p, 'observed', 'observedLo', 'observedHi');
      }
    }
  }
  return c;
}

/** Fisher-Yates shuffle driven by fast-check's random source (deterministic per run). */
export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1664525 + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
