/**
 * Propeller's OpenTelemetry span names (domain brief §7) and the attribute keys propsim adds to
 * its own traces. The OTLP writer and the OTLP reader both use these, so they cannot drift apart.
 *
 * Real propeller spans carry only the string context fields (`exec_id`, `ns`, `routine`, `wf`,
 * `res_ver`, `node`, `tasktype`, ...). Everything a propeller trace does not carry (phase
 * transitions, outcomes, sizes, enqueues, node records) is written under the `propsim.` prefix so
 * that a trace propsim wrote reads back into exactly the Timeline it came from.
 */
import type { OpKind } from './types.js';

export const SPAN = {
  handle: 'pkg.controller.Propeller/Handle',
  storeGet: 'WorkflowStore.Get',
  closure: 'pkg.controller.Propeller/parseWorkflowClosureCrdFields',
  streak: 'pkg.controller.Propeller/streak',
  storeUpdate: 'WorkflowStore.Update',
  handleNode: 'pkg.controller.nodes.NodeExecutor/handleNode',
  handleTask: 'pkg.controller.nodes.task.Handler/HandleTask',
  catalogCheck: 'pkg.controller.nodes.NodeExecutor/CheckCatalogCache',
  catalogWrite: 'pkg.controller.nodes.NodeExecutor/WriteCatalogCache',
  readProtobuf: 'flytestdlib.storage.DefaultProtobufStore/ReadProtobuf',
  writeProtobuf: 'flytestdlib.storage.DefaultProtobufStore/WriteProtobuf',
  rawHead: 'flytestdlib.storage.cachedRawStore/Head',
  rawRead: 'flytestdlib.storage.cachedRawStore/ReadRaw',
  rawWrite: 'flytestdlib.storage.cachedRawStore/WriteRaw',
  workflowEvent: 'flyteidl.service.AdminService/CreateWorkflowEvent',
  nodeEvent: 'flyteidl.service.AdminService/CreateNodeEvent',
  taskEvent: 'flyteidl.service.AdminService/CreateTaskEvent',
  /** propsim only: one per execution (its own trace), holding what is not per Handle call. */
  execution: 'propsim.Execution',
  /** propsim only: one per node record, child of the execution span. */
  node: 'propsim.Node',
} as const;

/** Span name for each op kind when propsim writes it (propeller's name where propeller traces the work). */
export const OP_SPAN: Record<OpKind, string> = {
  deepCopy: 'propsim.deepCopy',
  traversal: 'propsim.traversal',
  nodeTransition: SPAN.handleNode,
  workflowTransition: 'propsim.workflowTransition',
  workflowEvent: SPAN.workflowEvent,
  nodeEvent: SPAN.nodeEvent,
  taskEvent: SPAN.taskEvent,
  bufferedTaskEvent: 'propsim.bufferedTaskEvent',
  etcdUpdate: SPAN.storeUpdate,
  blobHead: SPAN.rawHead,
  blobRead: SPAN.readProtobuf,
  blobWrite: SPAN.writeProtobuf,
  blobCopy: 'propsim.blobCopy',
  catalogGet: SPAN.catalogCheck,
  catalogPut: SPAN.catalogWrite,
  podCreate: 'propsim.podCreate',
  podDelete: 'propsim.podDelete',
  launchExecution: 'propsim.launchExecution',
  terminateExecution: 'propsim.terminateExecution',
  closureRead: SPAN.closure,
  parallelismLimit: 'propsim.parallelismLimit',
};

/** Context-field attributes propeller copies into every span (flytestdlib `contextutils`). */
export const CTX = {
  execId: 'exec_id',
  ns: 'ns',
  routine: 'routine',
  wf: 'wf',
  resVer: 'res_ver',
  node: 'node',
  tasktype: 'tasktype',
} as const;

/** propsim attribute and span-event names. */
export const PA = {
  /** Resource: the recording origin, decimal epoch ns. */
  origin: 'propsim.origin_unix_nano',
  /** Position of the item in its list (execution, handle, node, op), for an exact read-back. */
  index: 'propsim.index',
  opKind: 'propsim.op',
  /** Optional list/object fields that are present (possibly empty), e.g. `taskPhases`, `pod`, `crBytes`. */
  has: 'propsim.has',
  round: 'propsim.round',
  handle: 'propsim.handle',
  // Handle
  streakEnd: 'propsim.streak_end',
  /** max-streak-length the Handle call ran under (`HandleCall.streakMax`). */
  streakMax: 'propsim.streak_max',
  enqueuedAt: 'propsim.enqueued_at_unix_nano',
  enqueuedAtLo: 'propsim.enqueued_at_lo_unix_nano',
  enqueuedAtHi: 'propsim.enqueued_at_hi_unix_nano',
  replica: 'propsim.replica',
  // Round
  wfPhase: 'propsim.wf.phase',
  changed: 'propsim.changed',
  error: 'propsim.error',
  traversalEnd: 'propsim.traversal_end',
  traversalEndLo: 'propsim.traversal_end_lo',
  traversalEndHi: 'propsim.traversal_end_hi',
  // Any span or event whose instants are uncertain (coarse log stamps): offsets in ns of the
  // bounds from the instants, [startLo, startHi, endLo, endHi] on a span, [lo, hi] on an event.
  bounds: 'propsim.bounds',
  // Ops
  nodeFrom: 'propsim.node.from',
  nodeTo: 'propsim.node.to',
  wfFrom: 'propsim.wf.from',
  wfTo: 'propsim.wf.to',
  eventFrom: 'propsim.event.from',
  eventPhase: 'propsim.event.phase',
  from: 'propsim.from',
  to: 'propsim.to',
  bytes: 'propsim.bytes',
  outcome: 'propsim.outcome',
  detail: 'propsim.detail',
  untimed: 'propsim.untimed',
  // Execution
  parent: 'propsim.parent',
  parentNode: 'propsim.parent_node',
  created: 'propsim.created',
  ended: 'propsim.ended',
  enqueue: 'propsim.enqueue',
  enqueueSource: 'propsim.enqueue.source',
  enqueueObject: 'propsim.enqueue.object',
  wfTransition: 'propsim.wf.transition',
  crBytes: 'propsim.cr_bytes',
  // Node records
  nodeKind: 'propsim.node.kind',
  nodeParent: 'propsim.node.parent',
  nodeUpstream: 'propsim.node.upstream',
  nodeRetries: 'propsim.node.retries',
  nodeCache: 'propsim.node.cache',
  /** Node event at the instant a gate's condition was met. */
  gateOpened: 'propsim.node.gate_opened',
  transition: 'propsim.transition',
  taskPhase: 'propsim.task_phase',
  podPrefix: 'propsim.pod.',
  /** On pod events: index into `pods` (absent for the node's `pod`). */
  attempt: 'propsim.attempt',
} as const;

/** Which attributes carry an op's `from` / `to`, per kind. */
export function opPhaseKeys(kind: OpKind): { from: string; to: string } {
  switch (kind) {
    case 'nodeTransition':
      return { from: PA.nodeFrom, to: PA.nodeTo };
    case 'workflowTransition':
      return { from: PA.wfFrom, to: PA.wfTo };
    case 'workflowEvent':
    case 'nodeEvent':
    case 'taskEvent':
      return { from: PA.eventFrom, to: PA.eventPhase };
    default:
      return { from: PA.from, to: PA.to };
  }
}

/** PodTimes' `startUnseen` flag, written as a pod event of this name. */
export const POD_START_UNSEEN = 'startUnseen';
/** PodTimes' `endUnseen` flag, written as a pod event of this name. */
export const POD_END_UNSEEN = 'endUnseen';

/** PodTimes fields, in the order they are written. */
export const POD_KEYS = [
  'created',
  'createdLo',
  'createdHi',
  'started',
  'startedLo',
  'startedHi',
  'finished',
  'finishedLo',
  'finishedHi',
  'observed',
  'observedLo',
  'observedHi',
] as const;
