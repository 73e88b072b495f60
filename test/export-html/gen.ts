/**
 * Hand-built recordings for the HTML tests: many small executions, or one very wide one, with
 * node transitions, pod times and Handle calls with rounds (enough for every part of the page).
 */
import type { Execution, HandleCall, NodeRecord, Recording, Round, Transition } from '../../src/timeline/types.js';

const MS = 1_000_000;

function tr(from: string, to: string, at: number): Transition {
  return { from, to, at, atLo: at, atHi: at };
}

function round(start: number, changed: boolean): Round {
  const end = start + 5 * MS;
  return { start, end, startLo: start, startHi: start, endLo: end, endHi: end, phase: 'Running', changed, ops: [] };
}

function handle(worker: string, start: number, rounds: number): HandleCall {
  const rs = Array.from({ length: rounds }, (_, i) => round(start + i * 6 * MS, i < rounds - 1));
  const end = start + rounds * 6 * MS;
  return { worker, start, end, startLo: start, startHi: start, endLo: end, endHi: end, enqueuedAt: start - 2 * MS, rounds: rs, endReason: 'noChange' };
}

function taskNode(id: string, upstream: string, runnable: number, runtime: number): { node: NodeRecord; end: number } {
  const queued = runnable + 40 * MS;
  const created = queued + 30 * MS;
  const started = created + 900 * MS;
  const finished = started + runtime;
  const observed = finished + 300 * MS;
  const end = observed + 60 * MS;
  return {
    node: {
      id,
      kind: 'task',
      upstream: [upstream],
      transitions: [tr('NotYetStarted', 'Queued', queued), tr('Queued', 'Running', created), tr('Running', 'Succeeded', end)],
      pod: { created, started, finished, observed },
    },
    end,
  };
}

/**
 * An execution of `width` parallel tasks between start and end nodes (`chain` > 0 puts that many
 * more in a chain after them), with `handles` Handle calls spread over `workers` workers.
 */
export function wideExecution(id: string, width: number, opts: { chain?: number; handles?: number; workers?: number; t0?: number } = {}): Execution {
  const t0 = opts.t0 ?? 0;
  const startEnd = t0 + 100 * MS;
  const nodes: NodeRecord[] = [{ id: 'start-node', kind: 'start', transitions: [tr('NotYetStarted', 'Succeeded', startEnd)] }];
  let last = startEnd;
  for (let i = 0; i < width; i++) {
    const t = taskNode(`n${i}`, 'start-node', startEnd, (1000 + ((i * 7919) % 5000)) * MS);
    nodes.push(t.node);
    last = Math.max(last, t.end);
  }
  let prev = width > 0 ? `n${width - 1}` : 'start-node';
  for (let i = 0; i < (opts.chain ?? 0); i++) {
    const t = taskNode(`c${i}`, prev, last, 500 * MS);
    nodes.push(t.node);
    last = t.end;
    prev = `c${i}`;
  }
  const endAt = last + 80 * MS;
  nodes.push({ id: 'end-node', kind: 'end', upstream: [prev], transitions: [tr('NotYetStarted', 'Succeeded', endAt)] });
  const handles: HandleCall[] = [];
  const nh = opts.handles ?? 10;
  const workers = opts.workers ?? 4;
  for (let i = 0; i < nh; i++) handles.push(handle(`worker-${i % workers}`, t0 + Math.floor(((endAt - t0) * i) / Math.max(1, nh)), 2));
  return {
    id,
    namespace: 'flytesnacks-development',
    workflow: 'flytesnacks:development:generated',
    phase: 'Succeeded',
    created: { at: t0, lo: t0, hi: t0 },
    ended: { at: endAt + 10 * MS, lo: endAt + 10 * MS, hi: endAt + 10 * MS },
    handles,
    nodes,
    enqueues: [],
    workflowTransitions: [tr('Ready', 'Running', t0 + MS), tr('Running', 'Succeeded', endAt + 10 * MS)],
  };
}

export function recordingOf(executions: Execution[]): Recording {
  return { originUnixNano: '1700000000000000000', source: 'sim', executions, lines: { read: 0, used: 0, skipped: {} } };
}
