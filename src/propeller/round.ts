import * as errorClasses from '../timeline/error-class.js';
import type { HandleCall, Round } from '../timeline/types.js';
import * as abort from './abort.js';
import * as blobStore from './blob-store.js';
import * as execution from './execution.js';
import type { ExecState } from './execution.js';
import * as nodeExecutor from './node-executor.js';
import * as phases from './phases.js';
import type { RoundCtx } from './round-context.js';
import type { Activity, Sim } from './sim-context.js';
import * as workflowStore from './workflow-store.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { F_CLOSURE, F_OUTPUTS } = blobStore;
const { ERROR_MESSAGE_BYTES } = execution;
const { SCOPE_COMPLETE, SCOPE_FAILED, SCOPE_PARTIAL, failureNodeEnds, visitScope } = nodeExecutor;
const { abortScope } = abort;
const { WF_ABORTED, WF_FAILED, WF_FAILING, WF_HANDLING_FAILURE_NODE, WF_PHASE_NAMES, WF_READY, WF_RUNNING, WF_SUCCEEDED, WF_SUCCEEDING, isTerminalWorkflow } =
  phases;
const { WRITE_OK } = workflowStore;
const { errorClass } = errorClasses;

/** How a round ended. */
export const R_NO_CHANGE = 0;
export const R_CHANGED = 1;
export const R_TERMINAL = 2;
export const R_ERROR = 3;
export const R_TOO_LARGE = 4;

let roundSerial = 0;

/**
 * One round (`Propeller.streak()`), sequential on the worker: [closure read] → deep copy (∝ CR bytes)
 * → traversal (∝ visited nodes) → the workflow phase's work (node handlers, events, blob and kube
 * calls) → one etcd Update of the whole CR if anything changed.
 *
 * A failed step (event throttled or failed) discards the round's changes and writes the input copy
 * with `failedAttempts + 1` instead (`RecordSystemError`). A CR over the etcd limit takes the
 * WorkflowTooLarge path: write a small copy of the input in Failing (Failed if the round was terminal).
 * A failed round's `error` is the error class (`timeline/error-class.ts`); the failing op carries
 * the text in its `detail`.
 */
export function* runRound(
  sim: Sim,
  rc: RoundCtx,
  h: HandleCall,
  handleIdx: number,
  exec: ExecState,
  inputRv: number,
  conflict: boolean,
  readClosure: boolean,
): Activity<number> {
  const now0 = sim.engine.now;
  // Every round ends its traversal (set below) and most do not fail: `traversalEnd` is declared now so
  // that rounds share one shape, `error` is added only to a failed round (no undefined-valued keys).
  // Simulated times are exact: no bounds (`timeline/bounds.ts`).
  const round: Round = {
    start: now0,
    end: now0,
    phase: WF_PHASE_NAMES[exec.wfPhase]!,
    resVer: exec.resVer(inputRv),
    changed: false,
    ops: [],
    traversalEnd: now0,
  };
  h.rounds.push(round);
  rc.begin(sim, exec, ++roundSerial, handleIdx, h.rounds.length - 1, round);
  let d = readClosure ? closureRead(sim, rc, exec) : 0;
  // Deep copy then traversal CPU: one wait for both (nothing shared is touched in between).
  const preBytes = exec.crBytes();
  const at = sim.engine.now + d;
  const copy = sim.lat.cpuDeepCopy(exec.rngCpu, preBytes);
  rc.op('deepCopy', copy, undefined, undefined, undefined, preBytes, undefined, undefined, at);
  const walk = sim.lat.cpuRound(exec.rngCpu) + sim.lat.cpuTraversal(exec.rngCpu, exec.visitedNodes());
  rc.op('traversal', walk, undefined, undefined, undefined, undefined, undefined, undefined, at + copy);
  d += copy + walk;
  if (d > 0) yield d;
  if (conflict) return (yield conflictWrite(sim, rc, round, preBytes)) as number;

  if (exec.deletionRv > 0 && inputRv >= exec.deletionRv && !isTerminalWorkflow(exec.wfPhase)) {
    // HandleAbortedWorkflow: the CR was deleted (admin terminated the execution).
    yield abortScope(rc, exec.top);
    if (rc.error === null) {
      rc.workflowTransition(WF_ABORTED);
      d = sim.sink.workflow(rc, WF_ABORTED);
      if (d > 0) yield d;
    }
  } else if (exec.wfPhase === WF_RUNNING && exec.failedAttempts <= sim.model.propeller.maxWorkflowRetries) {
    const r = (yield visitScope(rc, exec.top)) as number;
    if (rc.error === null) {
      if (r === SCOPE_COMPLETE || r === SCOPE_FAILED) {
        const to = r === SCOPE_COMPLETE ? WF_SUCCEEDING : WF_FAILING;
        rc.workflowTransition(to);
        d = sim.sink.workflow(rc, to);
        if (d > 0) yield d;
      } else if (r === SCOPE_PARTIAL) sim.enqueueSub(exec, 'partial');
    }
  } else yield workflowPhaseWork(sim, rc, exec);
  round.traversalEnd = sim.engine.now;

  if (rc.error !== null) return (yield errorWrite(sim, rc, round, exec, inputRv)) as number;
  if (!rc.changed) {
    rc.commit();
    return finish(sim, rc, round, R_NO_CHANGE);
  }
  const bytes = exec.crBytes();
  const terminal = isTerminalWorkflow(exec.wfPhase);
  d = sim.store.update(rc, bytes);
  if (d > 0) yield d;
  round.changed = true;
  if (sim.store.lastOutcome !== WRITE_OK) return (yield tooLarge(sim, rc, round, exec, inputRv, terminal)) as number;
  rc.commit();
  sim.store.written(exec, inputRv, sim.engine.now, terminal, bytes);
  recordPhase(sim, exec);
  return finish(sim, rc, round, terminal ? R_TERMINAL : R_CHANGED);
}

/** parseWorkflowClosureCrdFields: once per Handle, before the first round's deep copy. */
function closureRead(sim: Sim, rc: RoundCtx, exec: ExecState): number {
  const d = sim.blob.read(rc, null, F_CLOSURE, exec.plan.workflow.specBytes);
  const op = rc.lastOp();
  if (op) op.kind = 'closureRead';
  return d;
}

/** The work of the phases other than Running (and of a workflow out of system retries). */
function* workflowPhaseWork(sim: Sim, rc: RoundCtx, exec: ExecState): Activity<void> {
  let d: number;
  if (exec.failedAttempts > sim.model.propeller.maxWorkflowRetries && !isTerminalWorkflow(exec.wfPhase)) {
    // HandleAbortedWorkflow: system retries exhausted.
    yield abortScope(rc, exec.top);
    if (rc.error === null) {
      rc.workflowTransition(WF_FAILED);
      d = sim.sink.workflow(rc, WF_FAILED);
      if (d > 0) yield d;
    }
    return;
  }
  switch (exec.wfPhase) {
    case WF_READY: {
      // handleReadyWorkflow: the workflow inputs become the start node's outputs.pb.
      const start = exec.top.start;
      d = sim.blob.write(rc, start, F_OUTPUTS, start.def.outputBytes ?? 256);
      if (d > 0) yield d;
      exec.top.reach(start);
      rc.workflowTransition(WF_RUNNING);
      d = sim.sink.workflow(rc, WF_RUNNING);
      if (d > 0) yield d;
      return;
    }
    case WF_SUCCEEDING:
      rc.workflowTransition(WF_SUCCEEDED);
      d = sim.sink.workflow(rc, WF_SUCCEEDED);
      if (d > 0) yield d;
      return;
    case WF_FAILING: {
      yield abortScope(rc, exec.top);
      if (rc.error !== null) return;
      // handleFailingWorkflow: a workflow with a failure node runs it before it fails.
      const to = exec.failureNode !== null ? WF_HANDLING_FAILURE_NODE : WF_FAILED;
      rc.workflowTransition(to);
      d = sim.sink.workflow(rc, to);
      if (d > 0) yield d;
      return;
    }
    case WF_HANDLING_FAILURE_NODE: {
      // handleFailureNode: once the failure node is done (either way) the workflow fails; while
      // it is queued or running the workflow re-enqueues itself every round.
      const ends = (yield failureNodeEnds(rc, exec.failureNode!)) as boolean;
      if (rc.error !== null) return;
      if (ends) {
        rc.workflowTransition(WF_FAILED);
        d = sim.sink.workflow(rc, WF_FAILED);
        if (d > 0) yield d;
      } else sim.enqueueSub(exec, 'partial');
      return;
    }
  }
}

/**
 * The informer copy lags the CR by two or more writes: the round redoes work already persisted
 * (events are filtered as already sent) and its write is rejected with a conflict.
 */
function* conflictWrite(sim: Sim, rc: RoundCtx, round: Round, bytes: number): Activity<number> {
  round.traversalEnd = sim.engine.now;
  const d = sim.store.conflict(rc, bytes);
  if (d > 0) yield d;
  round.changed = true;
  round.error = 'conflict';
  return finish(sim, rc, round, R_ERROR);
}

/** RecordSystemError: drop the round's changes, persist only failedAttempts + 1 and the message. */
function* errorWrite(sim: Sim, rc: RoundCtx, round: Round, exec: ExecState, inputRv: number): Activity<number> {
  const error = rc.error!;
  rc.rollback();
  exec.failedAttempts++;
  const bytes = exec.crBytes();
  const d = sim.store.update(rc, bytes);
  if (d > 0) yield d;
  if (sim.store.lastOutcome === WRITE_OK) sim.store.written(exec, inputRv, sim.engine.now, false, bytes);
  round.changed = true;
  round.error = errorClass(error);
  return finish(sim, rc, round, R_ERROR);
}

/** WorkflowTooLarge: write a small copy of the input in Failing (Failed if the round was terminal). */
function* tooLarge(sim: Sim, rc: RoundCtx, round: Round, exec: ExecState, inputRv: number, terminal: boolean): Activity<number> {
  round.error = 'tooLarge';
  rc.rollback();
  rc.workflowTransition(terminal ? WF_FAILED : WF_FAILING);
  const small = exec.crBytes() + ERROR_MESSAGE_BYTES;
  const d = sim.store.update(rc, small);
  if (d > 0) yield d;
  if (sim.store.lastOutcome !== WRITE_OK) {
    // `Failed recording a large workflow as failed`: the small write is too large as well.
    rc.rollback();
    return finish(sim, rc, round, R_ERROR);
  }
  rc.commit();
  sim.store.written(exec, inputRv, sim.engine.now, exec.wfPhase === WF_FAILED, small);
  recordPhase(sim, exec);
  return finish(sim, rc, round, R_TOO_LARGE);
}

function recordPhase(sim: Sim, exec: ExecState): void {
  exec.record.phase = WF_PHASE_NAMES[exec.wfPhase]!;
  if (isTerminalWorkflow(exec.wfPhase) && !exec.record.ended) {
    // The execution ends at its move to the terminal phase, as a folded log dates it (propeller logs
    // the transition; the workflow event and the write follow), not when the write returns.
    const moves = exec.record.workflowTransitions;
    const t = moves.length > 0 ? moves[moves.length - 1]!.at : sim.engine.now;
    exec.record.ended = { at: t, lo: t, hi: t };
  }
}

function finish(sim: Sim, rc: RoundCtx, round: Round, result: number): number {
  round.end = sim.engine.now;
  rc.takeOps();
  return result;
}
