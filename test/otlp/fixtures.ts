/**
 * Recordings built in code for the trace and log export tests: the canonical 1-task workflow
 * (domain brief §2.3) and seeded random recordings with every op kind. Times are exact ns.
 */
import seedrandom from 'seedrandom';
import type {
  Enqueue,
  Execution,
  HandleCall,
  NodeKind,
  NodeRecord,
  Ns,
  Op,
  OpKind,
  Recording,
  Round,
  StreakEnd,
  Transition,
} from '../../src/timeline/types.js';

const MS = 1_000_000;

export const ORIGIN = '1714728481000000000';

function op(kind: OpKind, start: Ns, end: Ns, extra: Partial<Op> = {}): Op {
  return { kind, start, end, startLo: start, startHi: start, endLo: end, endHi: end, ...extra };
}

/** Builds one execution, keeping node and workflow transitions consistent with the ops. */
export class ExecBuilder {
  readonly ex: Execution;
  private t: Ns;
  private round: Round | undefined;
  private handle: HandleCall | undefined;
  private writes = 0;
  private readonly nodeMap = new Map<string, NodeRecord>();

  constructor(id: string, start: Ns, nodes: { id: string; kind: NodeKind; upstream?: string[] }[], workflow?: string) {
    this.t = start;
    this.ex = {
      id,
      namespace: 'flytesnacks-development',
      phase: 'Ready',
      handles: [],
      nodes: [],
      enqueues: [],
      workflowTransitions: [],
      created: { at: start, lo: start, hi: start },
      crBytes: [],
    };
    if (workflow !== undefined) this.ex.workflow = workflow;
    for (const n of nodes) {
      const rec: NodeRecord = { id: n.id, kind: n.kind, transitions: [] };
      if (n.upstream) rec.upstream = n.upstream;
      if (n.kind === 'task' || n.kind === 'cachedTask') {
        rec.taskPhases = [];
        rec.pod = {};
      }
      this.nodeMap.set(n.id, rec);
      this.ex.nodes.push(rec);
    }
  }

  now(): Ns {
    return this.t;
  }

  advance(ns: Ns): this {
    this.t += ns;
    return this;
  }

  enqueue(source: Enqueue['source'], object?: string): this {
    const e: Enqueue = { at: this.t, lo: this.t, hi: this.t, source };
    if (object !== undefined) e.object = object;
    this.ex.enqueues.push(e);
    return this;
  }

  node(id: string): NodeRecord {
    return this.nodeMap.get(id)!;
  }

  beginHandle(worker: string): this {
    const h: HandleCall = {
      worker,
      start: this.t,
      end: this.t,
      startLo: this.t,
      startHi: this.t,
      endLo: this.t,
      endHi: this.t,
      rounds: [],
      endReason: 'unknown',
    };
    const last = this.ex.enqueues.filter((e) => e.at <= this.t).pop();
    if (last) h.enqueuedAt = last.at;
    this.ex.handles.push(h);
    this.handle = h;
    this.advance(200_000);
    return this;
  }

  endHandle(reason: StreakEnd): this {
    const h = this.handle!;
    this.advance(150_000);
    h.end = this.t;
    h.endLo = this.t;
    h.endHi = this.t;
    h.endReason = reason;
    this.handle = undefined;
    return this;
  }

  beginRound(): this {
    const h = this.handle!;
    const r: Round = {
      start: this.t,
      end: this.t,
      startLo: this.t,
      startHi: this.t,
      endLo: this.t,
      endHi: this.t,
      phase: this.ex.phase,
      resVer: String(1000 + this.writes),
      changed: false,
      ops: [],
    };
    h.rounds.push(r);
    this.round = r;
    this.add('deepCopy', 300_000);
    return this;
  }

  add(kind: OpKind, dur: Ns, extra: Partial<Op> = {}): this {
    const o = op(kind, this.t, this.t + dur, extra);
    this.round!.ops.push(o);
    this.t += dur;
    return this;
  }

  private where(): { handle: number; round: number } {
    return { handle: this.ex.handles.length - 1, round: this.handle!.rounds.length - 1 };
  }

  nodeTransition(node: string, from: string, to: string): this {
    const at = this.t;
    this.add('nodeTransition', 50_000, { node, from, to });
    const tr: Transition = { from, to, at, atLo: at, atHi: at, ...this.where() };
    this.node(node).transitions.push(tr);
    return this;
  }

  taskEvent(node: string, from: string, to: string, dur = 20 * MS, outcome = 'ok'): this {
    const at = this.t;
    this.add('taskEvent', dur, { node, from, to, outcome });
    this.node(node).taskPhases?.push({ from, to, at, atLo: at, atHi: at, ...this.where() });
    return this;
  }

  wfTransition(from: string, to: string): this {
    const at = this.t;
    this.add('workflowTransition', 10_000, { from, to });
    this.ex.workflowTransitions.push({ from, to, at, atLo: at, atHi: at, ...this.where() });
    this.ex.phase = to;
    return this;
  }

  endRound(changed: boolean, opts: { bytes?: number; outcome?: string; error?: string; detail?: string } = {}): this {
    const r = this.round!;
    r.traversalEnd = this.t;
    if (changed) {
      const bytes = opts.bytes ?? 20_000 + 100 * this.writes;
      const e: Partial<Op> = { bytes, outcome: opts.outcome ?? 'ok' };
      if (opts.detail !== undefined) e.detail = opts.detail;
      this.add('etcdUpdate', 8 * MS, e);
      if ((opts.outcome ?? 'ok') === 'ok') {
        this.writes++;
        this.ex.crBytes!.push({ at: this.t, bytes });
      }
    }
    r.changed = changed;
    if (opts.error !== undefined) r.error = opts.error;
    this.advance(100_000);
    r.end = this.t;
    r.endLo = this.t;
    r.endHi = this.t;
    this.round = undefined;
    return this;
  }

  finish(): Execution {
    if (this.ex.phase === 'Succeeded' || this.ex.phase === 'Failed') this.ex.ended = { at: this.t, lo: this.t, hi: this.t };
    return this.ex;
  }
}

/** The canonical 1-task workflow: about 10 state-changing rounds in 4 Handle calls, plus a stale one. */
export function oneTaskExecution(id = 'f016a3be7fa304db5a77', start: Ns = 250 * MS): Execution {
  const b = new ExecBuilder(
    id,
    start,
    [
      { id: 'start-node', kind: 'start' },
      { id: 'n0', kind: 'task', upstream: ['start-node'] },
      { id: 'end-node', kind: 'end', upstream: ['n0'] },
    ],
    'flytesnacks:development:core.flyte_basics.hello.wf',
  );
  b.enqueue('workflow').advance(5 * MS);
  b.beginHandle('worker-3');
  // Ready -> Running
  b.beginRound().add('blobWrite', 12 * MS, { bytes: 120, detail: 'start-node/data/0/outputs.pb' }).wfTransition('Ready', 'Running');
  b.add('workflowEvent', 25 * MS, { to: 'RUNNING', outcome: 'ok' }).endRound(true);
  // start-node
  b.beginRound().nodeTransition('start-node', 'NotYetStarted', 'Succeeded').add('nodeEvent', 22 * MS, { node: 'start-node', to: 'SUCCEEDED', outcome: 'ok' });
  b.endRound(true);
  // n0 NYS -> Queued (cache miss)
  b.beginRound().add('blobRead', 5 * MS, { node: 'n0', bytes: 120 }).add('catalogGet', 9 * MS, { node: 'n0', outcome: 'miss' });
  b.add('blobWrite', 7 * MS, { node: 'n0', bytes: 120 }).nodeTransition('n0', 'NotYetStarted', 'Queued');
  b.add('nodeEvent', 21 * MS, { node: 'n0', to: 'QUEUED', outcome: 'ok' }).endRound(true);
  // n0 Queued -> Running (pod create)
  b.beginRound().add('podCreate', 30 * MS, { node: 'n0', detail: `${id}-n0-0` });
  b.node('n0').pod!.created = b.now();
  b.taskEvent('n0', 'PhaseUndefined', 'PhaseQueued').nodeTransition('n0', 'Queued', 'Running');
  b.add('nodeEvent', 18 * MS, { node: 'n0', to: 'RUNNING', outcome: 'ok' }).endRound(true);
  b.beginRound().endRound(false);
  b.endHandle('noChange');
  // watch event of the last write: stale informer copy
  b.advance(40 * MS).enqueue('workflow').advance(3 * MS).beginHandle('worker-1').endHandle('stale');
  // pod update -> plugin phase Running
  b.advance(1_500 * MS);
  b.node('n0').pod!.started = b.now();
  b.enqueue('owner', `${id}-n0-0`).enqueue('subqueue').advance(600 * MS);
  b.beginHandle('worker-0');
  b.beginRound().taskEvent('n0', 'PhaseQueued', 'PhaseRunning', 19 * MS, 'alreadyExists').endRound(true);
  b.beginRound().endRound(false);
  b.endHandle('noChange');
  // pod finished
  b.advance(8_000 * MS);
  b.node('n0').pod!.finished = b.now();
  b.advance(300 * MS);
  b.node('n0').pod!.observed = b.now();
  b.enqueue('owner', `${id}-n0-0`).enqueue('subqueue').advance(900 * MS);
  b.beginHandle('worker-2');
  b.beginRound().add('blobHead', 3 * MS, { node: 'n0', detail: 'futures.pb', outcome: 'miss' }).add('blobHead', 3 * MS, { node: 'n0', detail: 'error.pb' });
  b.add('blobHead', 3 * MS, { node: 'n0', detail: 'outputs.pb', bytes: 88 }).taskEvent('n0', 'PhaseRunning', 'PhaseSuccess');
  b.add('catalogPut', 14 * MS, { node: 'n0', outcome: 'ok' }).nodeTransition('n0', 'Running', 'Succeeding');
  b.add('nodeEvent', 23 * MS, { node: 'n0', to: 'SUCCEEDED', outcome: 'ok' }).endRound(true);
  b.beginRound().nodeTransition('n0', 'Succeeding', 'Succeeded').endRound(true);
  b.beginRound().add('blobRead', 4 * MS, { node: 'end-node', bytes: 88 }).add('blobWrite', 6 * MS, { node: 'end-node', bytes: 88 });
  b.nodeTransition('end-node', 'NotYetStarted', 'Queued').add('nodeEvent', 20 * MS, { node: 'end-node', to: 'QUEUED', outcome: 'ok' }).endRound(true);
  b.beginRound().nodeTransition('end-node', 'Queued', 'Succeeded').add('nodeEvent', 20 * MS, { node: 'end-node', to: 'SUCCEEDED', outcome: 'ok' }).endRound(true);
  b.beginRound().wfTransition('Running', 'Succeeding').add('workflowEvent', 24 * MS, { to: 'SUCCEEDING', outcome: 'ok' }).endRound(true);
  b.beginRound().wfTransition('Succeeding', 'Succeeded').add('workflowEvent', 26 * MS, { to: 'SUCCEEDED', outcome: 'ok' }).endRound(true);
  b.endHandle('terminal');
  return b.finish();
}

/** A second execution whose streak fails on an etcd conflict, then hits the cap. */
export function conflictExecution(id = 'a4f8dxddvnfrfs6jr9nx', start: Ns = 700 * MS): Execution {
  const b = new ExecBuilder(id, start, [
    { id: 'start-node', kind: 'start' },
    { id: 'n0', kind: 'cachedTask', upstream: ['start-node'] },
    { id: 'end-node', kind: 'end', upstream: ['n0'] },
  ]);
  b.enqueue('workflow').advance(2 * MS).beginHandle('worker-1');
  b.beginRound().wfTransition('Ready', 'Running').add('workflowEvent', 30 * MS, { to: 'RUNNING', outcome: 'ok' }).endRound(true);
  b.beginRound().nodeTransition('start-node', 'NotYetStarted', 'Succeeded').add('nodeEvent', 20 * MS, { node: 'start-node', to: 'SUCCEEDED' });
  const conflict = `Operation cannot be fulfilled on flyteworkflows.flyte.lyft.com "${id}": the object has been modified; please apply your changes to the latest version and try again`;
  b.endRound(true, { outcome: 'conflict', error: conflict, detail: conflict });
  b.endHandle('error');
  b.advance(1_000 * MS).enqueue('resync').advance(1 * MS).beginHandle('worker-0');
  b.beginRound().nodeTransition('start-node', 'NotYetStarted', 'Succeeded').add('nodeEvent', 20 * MS, { node: 'start-node', to: 'SUCCEEDED', outcome: 'alreadyExists' }).endRound(true);
  b.beginRound().add('catalogGet', 10 * MS, { node: 'n0', outcome: 'hit' }).nodeTransition('n0', 'NotYetStarted', 'Succeeded');
  b.add('nodeEvent', 20 * MS, { node: 'n0', to: 'SUCCEEDED', outcome: 'ok' }).endRound(true);
  b.endHandle('cap');
  b.node('n0').cache = 'hit';
  return b.finish();
}

export function sampleRecording(): Recording {
  return {
    originUnixNano: ORIGIN,
    source: 'sim',
    executions: [oneTaskExecution(), conflictExecution()],
    lines: { read: 0, used: 0, skipped: {} },
  };
}

const OP_KINDS: OpKind[] = [
  'deepCopy',
  'traversal',
  'nodeEvent',
  'taskEvent',
  'blobHead',
  'blobRead',
  'blobWrite',
  'blobCopy',
  'catalogGet',
  'catalogPut',
  'podCreate',
  'launchExecution',
  'closureRead',
  'parallelismLimit',
  'workflowEvent',
];

/**
 * A random but self-consistent recording: several executions on shared workers, sequential
 * Handle calls, rounds with random ops of every kind, transitions recorded in node records.
 */
export function randomRecording(seed: number, executions = 3): Recording {
  const rng = seedrandom.alea(String(seed));
  const int = (lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const exs: Execution[] = [];
  for (let x = 0; x < executions; x++) {
    const nNodes = int(1, 5);
    const nodes = [{ id: 'start-node', kind: 'start' as NodeKind }];
    for (let i = 0; i < nNodes; i++) nodes.push({ id: i === 2 ? `n1/n${i}` : `n${i}`, kind: pick(['task', 'cachedTask', 'map', 'dynamic'] as NodeKind[]) });
    nodes.push({ id: 'end-node', kind: 'end' });
    const b = new ExecBuilder(`exec${seed}x${x}`, int(0, 3_000) * MS + int(0, 999_999), nodes, rng() < 0.7 ? `p:d:wf${x}` : undefined);
    const phases = ['NotYetStarted', 'Queued', 'Running', 'Succeeding', 'Succeeded'];
    const state = new Map(nodes.map((n) => [n.id, 0]));
    const handles = int(1, 4);
    for (let h = 0; h < handles; h++) {
      b.enqueue(pick(['workflow', 'owner', 'subqueue', 'resync', 'partial', 'launchplan'] as const), rng() < 0.5 ? `pod-${h}` : undefined);
      b.advance(int(1, 2_000) * MS + int(0, 999)).beginHandle(`worker-${int(0, 3)}`);
      if (rng() < 0.15) {
        b.endHandle(pick(['stale', 'terminated', 'notFound'] as const));
        continue;
      }
      const rounds = int(1, 4);
      for (let r = 0; r < rounds; r++) {
        b.beginRound();
        for (let k = int(0, 4); k > 0; k--) {
          const kind = pick(OP_KINDS);
          const extra: Partial<Op> = {};
          if (rng() < 0.7) extra.node = pick(nodes).id;
          if (rng() < 0.5) extra.outcome = pick(['ok', 'hit', 'miss', 'alreadyExists', 'error']);
          if (rng() < 0.4) extra.bytes = int(0, 3_000_000);
          if (rng() < 0.3) extra.detail = `d<${k}>&"q"`;
          if (rng() < 0.3) extra.to = pick(['QUEUED', 'RUNNING', 'SUCCEEDED', 'PhaseRunning']);
          if (rng() < 0.1) extra.from = 'X';
          b.add(kind, int(0, 50) * MS + int(0, 999), extra);
        }
        const n = pick(nodes).id;
        const p = state.get(n)!;
        let changed = false;
        if (p < phases.length - 1 && rng() < 0.8) {
          b.nodeTransition(n, phases[p]!, phases[p + 1]!);
          state.set(n, p + 1);
          changed = true;
        }
        if (r === 0 && h === 0) {
          b.wfTransition('Ready', 'Running');
          changed = true;
        }
        const conflict = rng() < 0.1 && changed;
        b.endRound(changed, conflict ? { outcome: 'conflict', error: 'conflict', detail: 'conflict' } : {});
        if (!changed || conflict) break;
      }
      const last = b.ex.handles.at(-1)!.rounds.at(-1)!;
      b.endHandle(last.error ? 'error' : !last.changed ? 'noChange' : pick(['terminal', 'versionMatched', 'cap', 'unknown'] as const));
    }
    const ex = b.finish();
    if (rng() < 0.3) {
      ex.parent = 'parent-exec';
      ex.parentNode = 'n3';
    }
    const task = ex.nodes.find((n) => n.pod !== undefined);
    if (task && rng() < 0.5) {
      task.pod = { created: 5 * MS, started: 9 * MS };
      task.pods = [{ created: 1 * MS, finished: 4 * MS, finishedLo: 3 * MS, finishedHi: 5 * MS }, {}, { ...task.pod }];
    }
    if (rng() < 0.3) delete ex.crBytes;
    if (rng() < 0.3) ex.handles.forEach((h) => (h.replica = 'flytepropeller-7d9f-abc'));
    const h0 = ex.handles[0];
    if (h0 && h0.enqueuedAt !== undefined && rng() < 0.5) {
      h0.enqueuedAtLo = h0.enqueuedAt - 1_000;
      h0.enqueuedAtHi = h0.enqueuedAt + 7;
    }
    const r0 = h0?.rounds[0];
    if (r0 && r0.traversalEnd !== undefined && rng() < 0.5) {
      r0.traversalEndLo = r0.traversalEnd - 3;
      r0.traversalEndHi = r0.traversalEnd;
    }
    const nd = ex.nodes[0];
    if (nd && rng() < 0.5) nd.retries = int(0, 3);
    exs.push(ex);
  }
  return { originUnixNano: String(1_700_000_000_000_000_000n + BigInt(seed) * 1_000_003n), source: 'sim', executions: exs, lines: { read: 0, used: 0, skipped: {} } };
}
