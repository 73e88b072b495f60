/**
 * An ArrayNode's task events as admin receives them, from a log of its subnodes' lines.
 *
 * Propeller runs each subnode of a map task through the task handler, which logs `Sending buffered
 * Task events.` and `Sending transition event for plugin phase [..]` under the subnode's id
 * (`m/n3`), in an abort `Abort invoked` … `Sending buffered Task events.`. With ArrayNode event
 * version 0 (the default) those events only fill a buffer (nodes/array/event_recorder.go): admin
 * gets one TaskExecutionEvent for the whole array, sent with no line of its own (only a failure or
 * an AlreadyExists answer is logged, under the array's id). So a subnode's task-event lines are
 * not admin calls: they give the subtask's plugin phases, and tell when the array sent its event
 * (nodes/array/handler.go):
 * - QUEUED in the round the array moved Queued → Running (phase None faked a QUEUED subnode event each);
 * - RUNNING in an Executing round where a subtask recorded a task event or had a cache hit (which
 *   sends none: the array reports the subtask SUCCEEDED itself);
 * - SUCCEEDED in the round it moved to Succeeding (the outputs gathered);
 * - FAILED, with the subtasks' errors, in the round it moved to Failing (its Abort, the array's
 *   state being Failing), and again (AlreadyExists) in the round it moved on to Failed;
 * - ABORTED when the workflow aborted it while executing (before its ABORTED node event).
 * Each is dated at the line it follows (or the move it precedes); the lines do not show how long it
 * took, unless the admin sink's Debug line for it (`AdminEventSink received a new event`) opened its
 * call: that one is kept, timed.
 */
import type { HandleCall, NodeRecord, Op, Round, Transition } from '../timeline/types.js';

const ABORTED = 'PhaseAborted';
const FAILED = 'PhasePermanentFailure';

/**
 * Rewrites the task events of every map node (event version 0) that has subnodes, and of the
 * `bare` ones (arrays without subnodes, whose events the admin sink's lines dated).
 */
export function foldArrayEvents(handles: HandleCall[], node: (id: string) => NodeRecord | undefined, bare: readonly string[] = []): void {
  const arrays = new Set<string>(bare);
  // Subnode node events are logged only with event version 1, where subnodes send their own events.
  const passThrough = new Set<string>();
  for (const h of handles)
    for (const r of h.rounds)
      for (const o of r.ops) {
        if (o.node === undefined || (o.kind !== 'taskEvent' && o.kind !== 'nodeEvent' && o.kind !== 'nodeTransition')) continue;
        const parent = parentOf(o.node);
        if (parent === undefined || node(o.node)?.kind !== 'subnode' || node(parent)?.kind !== 'map') continue;
        arrays.add(parent);
        if (o.kind === 'nodeEvent') passThrough.add(parent);
      }
  for (const id of arrays) if (!passThrough.has(id)) foldArray(handles, node(id)!, node);
}

function parentOf(id: string): string | undefined {
  const slash = id.lastIndexOf('/');
  return slash > 0 ? id.slice(0, slash) : undefined;
}

/** An instant with its bounds. */
interface Instant {
  at: number;
  lo: number;
  hi: number;
}

/** The array's event in a round: its phase and answer, when (with bounds), and its place among the round's ops. */
interface Place extends Instant {
  /** The op of the round that answered the event, if a line did (it takes the phase). */
  answer?: Op;
  /** The event's own op, when a line dated its call (the sink's): kept as it is. */
  own?: Op;
  to: string;
  outcome: string;
  index: number;
}

/** The array's own moves in a round that decide its event's phase (from the round's ops: a failed round's too). */
interface Moves {
  queued?: Instant;
  succeeding?: Instant;
  failing?: Instant;
  failed?: Instant;
}

function movesOf(r: Round, array: string): Moves {
  const mv: Moves = {};
  for (const o of r.ops) {
    if (o.kind !== 'nodeTransition' || o.node !== array) continue;
    const t = { at: o.start, lo: o.startLo ?? o.start, hi: o.startHi ?? o.start };
    if (o.from === 'Queued' && o.to === 'Running') mv.queued = t;
    else if (o.to === 'Succeeding') mv.succeeding = t;
    // (an array that failed before it ran, from Queued, aborts nothing on the way: no event)
    else if (o.to === 'Failing' && o.from !== 'Queued') mv.failing = t;
    else if (o.from === 'Failing' && o.to === 'Failed') mv.failed = t;
  }
  return mv;
}

function foldArray(handles: HandleCall[], m: NodeRecord, node: (id: string) => NodeRecord | undefined): void {
  let phase = 'PhaseUndefined';
  const phases: Transition[] = [];
  handles.forEach((h, hi) => {
    h.rounds.forEach((r, ri) => {
      const place = placeIn(r, m.id, movesOf(r, m.id), (o) => retryAt(r, o, node(o.node!)));
      if (place === null) return;
      let outcome = place.outcome;
      // an answer line with nothing else to tell the phase: the event repeated the last one
      if (place.to === '') place.to = phase;
      if (place.own !== undefined) {
        place.own.from = phase;
      } else if (place.answer !== undefined) {
        place.answer.from = phase;
        place.answer.to = place.to;
        // its line came when the call returned: when it began, no line says
        place.answer.untimed = true;
        outcome = place.answer.outcome ?? 'ok';
      } else {
        r.ops.splice(place.index, 0, {
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
          outcome,
          untimed: true,
        });
      }
      // A failed round's changes are not kept (its event went out all the same). Each event sent
      // is a task phase, a new version of the same phase too; one already sent by a round that
      // failed is this round's to keep, unless it is the failure's or abort's repeat.
      if (r.error !== undefined) return;
      const repeat = place.to === phase && (place.to === FAILED || place.to === ABORTED);
      if (outcome === 'ok' || (outcome === 'alreadyExists' && !repeat)) {
        phases.push({ from: phase, to: place.to, at: place.at, atLo: place.lo, atHi: place.hi, handle: hi, round: ri });
      }
      phase = place.to;
    });
  });
  // The array's plugin phases are known only from these events (a log has no line for them).
  if ((m.taskPhases?.length ?? 0) === 0 && phases.length > 0) m.taskPhases = phases;
}

/**
 * A subtask's failed attempt: fold dated its move into RetryableFailure when the event's call
 * returned, but a buffered event makes no call. The move came with the event's line.
 */
function retryAt(r: Round, o: Op, sub: NodeRecord | undefined): void {
  if (o.to !== 'PhaseRetryableFailure' || sub === undefined) return;
  const move = r.ops.find((x) => x.kind === 'nodeTransition' && x.node === o.node && x.to === 'RetryableFailure');
  if (move === undefined) return;
  const t = sub.transitions.find((x) => x.to === 'RetryableFailure' && x.at === move.start);
  move.start = move.end = o.start;
  move.startLo = move.endLo = Math.min(o.startLo ?? o.start, move.startLo ?? move.start);
  if (t !== undefined) {
    t.at = o.start;
    t.atLo = Math.min(t.atLo, o.startLo ?? o.start);
  }
}

/**
 * Turns the subnodes' task-event ops of round `r` into buffered ones and returns the array's one
 * event of the round, if it sent one and the round does not hold it yet. An op of the array's with no phase is
 * the answer to its event (an AlreadyExists line under the array): it takes the phase found here.
 */
function placeIn(r: Round, array: string, mv: Moves, buffered: (o: Op) => void): Place | null {
  const prefix = array + '/';
  let explicit: Op | undefined;
  let answer: Op | undefined;
  // a subtask's task event (the array then reports), and the last line of the subtasks' evaluation
  let recorded = false;
  let last: Instant | undefined;
  // where the event goes: after the subtasks' last op
  let index = 0;
  const ops = r.ops;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (o.node === array && o.kind === 'taskEvent') {
      if (o.to === undefined) answer = o;
      else explicit = o;
    }
    const sub = o.node !== undefined && o.node.startsWith(prefix) && o.node.indexOf('/', prefix.length) < 0;
    if (sub) last = { at: o.end, lo: o.endLo ?? o.end, hi: o.endHi ?? o.end };
    if (sub && o.kind === 'taskEvent') {
      // not an admin call, no wait: the array's buffer took it
      buffered(o);
      o.kind = 'bufferedTaskEvent';
      delete o.outcome;
      o.end = o.start;
      if (o.startLo !== undefined) o.endLo = o.startLo;
      if (o.startHi !== undefined) o.endHi = o.startHi;
      recorded = true;
    }
    // a cache hit sends no task event: the array reports the subtask SUCCEEDED (CACHE_HIT) itself
    if (sub && o.kind === 'catalogGet' && o.outcome === 'hit') recorded = true;
    if (sub) index = i + 1;
  }
  // the event's own call, dated by the admin sink's line
  if (explicit !== undefined) {
    return { to: explicit.to!, outcome: explicit.outcome ?? 'ok', at: explicit.start, lo: explicit.startLo ?? explicit.start, hi: explicit.startHi ?? explicit.start, index: -1, own: explicit };
  }
  const before = (match: (o: Op) => boolean): number => {
    const k = ops.findIndex(match);
    return k >= 0 ? k : ops.length;
  };
  let place: Place | null = null;
  const at = (t: Instant, to: string, outcome: string, k: number): Place => ({ to, outcome, at: t.at, lo: t.lo, hi: t.hi, index: k });
  const move = (to: string) => (o: Op) => o.kind === 'nodeTransition' && o.node === array && o.to === to;
  if (mv.failing !== undefined) place = at(mv.failing, FAILED, 'ok', before(move('Failing')));
  else if (mv.failed !== undefined) place = at(mv.failed, FAILED, 'alreadyExists', before(move('Failed')));
  else {
    const abortEvent = ops.findIndex((o) => o.kind === 'nodeEvent' && o.node === array && o.to === 'ABORTED');
    if (abortEvent >= 0) {
      const e = ops[abortEvent]!;
      place = { to: ABORTED, outcome: 'ok', at: e.start, lo: e.startLo ?? e.start, hi: e.startHi ?? e.start, index: abortEvent };
    } else if (recorded && last !== undefined) {
      // after the subtasks' evaluation: the last line that shows a task event of theirs
      place = { to: 'PhaseRunning', outcome: 'ok', at: last.at, lo: last.lo, hi: last.hi, index };
    } else if (mv.queued !== undefined) place = at(mv.queued, 'PhaseQueued', 'ok', before(move('Running')));
    else if (mv.succeeding !== undefined) place = at(mv.succeeding, 'PhaseSuccess', 'ok', before(move('Succeeding')));
  }
  if (place === null) {
    if (answer === undefined) return null;
    place = { to: '', outcome: answer.outcome ?? 'alreadyExists', at: answer.start, lo: answer.startLo ?? answer.start, hi: answer.startHi ?? answer.start, index: -1 };
  }
  if (answer !== undefined) place.answer = answer;
  // No line dates the send: it lies between the lines around its place.
  const prev = ops[place.index - 1];
  const next = ops[place.index];
  place.lo = Math.min(place.lo, prev !== undefined ? (prev.startLo ?? prev.start) : (r.startLo ?? r.start));
  place.hi = Math.max(place.hi, next !== undefined ? (next.startHi ?? next.start) : (r.endHi ?? r.end));
  return place;
}
