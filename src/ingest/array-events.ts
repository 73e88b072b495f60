/**
 * An ArrayNode's task events as admin receives them, from a log of its subnodes' lines.
 *
 * Propeller runs each subnode of a map task through the task handler, which logs `Sending buffered
 * Task events.` and `Sending transition event for plugin phase [..]` under the subnode's id
 * (`m/n3`), in an abort `Abort invoked` … `Sending buffered Task events.`. With ArrayNode event
 * version 0 (the default) those events only fill a buffer (nodes/array/event_recorder.go): admin
 * gets one TaskExecutionEvent for the whole array, sent with no line of its own once the subnodes
 * are evaluated (`finalize`). So a subnode's task-event lines are not admin calls: they give the
 * subtask's plugin phases, and tell in which rounds the array sent its one event:
 * - QUEUED in the round the array moved Queued → Running (phase None faked a QUEUED subnode event each);
 * - RUNNING in an Executing round where a subnode's node or plugin phase changed;
 * - SUCCEEDED in the round it moved to Succeeding (the outputs gathered);
 * - ABORTED after the aborts of its running subnodes.
 * Each is dated at the line it follows; the lines do not show how long it took.
 */
import type { HandleCall, NodeRecord, Op, Round, Transition } from '../timeline/types.js';

/**
 * Rewrites the events of every map node whose subnodes logged task events (propsim's own logs
 * write the array's event under the array instead, and are left as they are).
 */
export function foldArrayEvents(handles: HandleCall[], node: (id: string) => NodeRecord | undefined): void {
  const arrays = new Set<string>();
  for (const h of handles)
    for (const r of h.rounds)
      for (const o of r.ops) {
        if (o.kind !== 'taskEvent' || o.node === undefined) continue;
        const parent = parentOf(o.node);
        if (parent !== undefined && node(o.node)?.kind === 'subnode' && node(parent)?.kind === 'map') arrays.add(parent);
      }
  for (const id of arrays) foldArray(handles, node(id)!);
}

function parentOf(id: string): string | undefined {
  const slash = id.lastIndexOf('/');
  return slash > 0 ? id.slice(0, slash) : undefined;
}

/** The array's event in a round: its phase, when (with bounds), and its place among the round's ops. */
interface Place {
  to: string;
  at: number;
  lo: number;
  hi: number;
  index: number;
}

function foldArray(handles: HandleCall[], m: NodeRecord): void {
  const prefix = m.id + '/';
  const own = (o: Op): boolean => o.node !== undefined && o.node.startsWith(prefix) && o.node.indexOf('/', prefix.length) < 0;
  const moved = (t: Transition, to: string): boolean => t.to === to && t.handle !== undefined && t.round !== undefined;
  const queuedAt = m.transitions.find((t) => t.from === 'Queued' && moved(t, 'Running'));
  const succeedingAt = m.transitions.find((t) => moved(t, 'Succeeding'));
  let phase = 'PhaseUndefined';
  const phases: Transition[] = [];
  handles.forEach((h, hi) => {
    h.rounds.forEach((r, ri) => {
      const place = placeIn(r, own, m.id, at(queuedAt, hi, ri), at(succeedingAt, hi, ri));
      if (place === null) return;
      const op: Op = {
        kind: 'taskEvent',
        start: place.at,
        end: place.at,
        startLo: place.lo,
        startHi: place.hi,
        endLo: place.lo,
        endHi: place.hi,
        node: m.id,
        from: phase,
        to: place.to,
        outcome: 'ok',
      };
      r.ops.splice(place.index, 0, op);
      if (place.to !== phase) phases.push({ from: phase, to: place.to, at: place.at, atLo: place.lo, atHi: place.hi, handle: hi, round: ri });
      phase = place.to;
    });
  });
  // The array's plugin phases are known only from these events (a log has no line for them).
  if ((m.taskPhases?.length ?? 0) === 0 && phases.length > 0) m.taskPhases = phases;
}

/** The array's transition `t` when it happened in round `ri` of Handle call `hi`. */
function at(t: Transition | undefined, hi: number, ri: number): Transition | undefined {
  return t !== undefined && t.handle === hi && t.round === ri ? t : undefined;
}

/**
 * Drops the subnodes' task-event ops from round `r` and returns the array's one event of the
 * round, if it sent one and the round does not already hold it.
 */
function placeIn(r: Round, own: (o: Op) => boolean, array: string, queued: Transition | undefined, succeeding: Transition | undefined): Place | null {
  let explicit = false;
  let last: Op | undefined;
  let aborted = false;
  // where the event goes: after the last kept op at or before `last`
  let index = 0;
  let kept = 0;
  const ops = r.ops;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.node === array && o.kind === 'taskEvent') explicit = true;
    if (own(o) && (o.kind === 'taskEvent' || o.kind === 'nodeTransition')) {
      last = o;
      if (o.kind === 'taskEvent') {
        if (o.to === 'PhaseAborted') aborted = true;
        index = kept;
        continue;
      }
      index = kept + 1;
    }
    ops[kept++] = o;
  }
  ops.length = kept;
  if (explicit) return null;
  if (last !== undefined) {
    // The event follows the subnodes' evaluation (or their aborts): after the last line that shows one.
    const end = last.end;
    return { to: aborted ? 'PhaseAborted' : 'PhaseRunning', at: end, lo: last.endLo ?? end, hi: last.endHi ?? end, index };
  }
  const t = queued ?? succeeding;
  if (t === undefined) return null;
  // Sent by the handler, before the node executor logs the array's move.
  const k = ops.findIndex((o) => o.kind === 'nodeTransition' && o.node === array && o.to === t.to);
  return { to: t === queued ? 'PhaseQueued' : 'PhaseSuccess', at: t.at, lo: t.atLo, hi: t.atHi, index: k >= 0 ? k : ops.length };
}
