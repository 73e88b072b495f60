import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { MSG, ETCD_ERRORS, executionIdText } from '../../src/timeline/templates.js';
import {
  K,
  MessageKinds,
  classify,
  isUntimedTemplate,
  enqueueOwnerObject,
  enqueueWorkflowKey,
  etcdFailureClass,
  eventExistsPhase,
  eventFailureClass,
  failureText,
  bracketText,
  handlingArgs,
  handlingPhase,
  namespaceName,
  nodeChangePhases,
  nodeEventArgs,
  nodeEventPhase,
  noFastFollowReason,
  NODE_EVENT_EXISTS_PREFIX_LEN,
  quotedKey,
  splitKey,
  streakEndedArgs,
  taskEventPhase,
  workflowTransitionPhases,
  WORKFLOW_EVENT_EXISTS_PREFIX_LEN,
} from '../../src/ingest/recognize.js';
import { podNodeId } from '../../src/ingest/pod-name.js';
import { ERROR_CLASSES, errorClass } from '../../src/timeline/error-class.js';

const ID = 'fd5d4ee88f9dc4436a76';
const KEY = `flytesnacks-development/${ID}`;

describe('classify: every timing-relevant template rendered by timeline/templates.ts', () => {
  const cases: [string, string, number][] = [
    ['enqueueWorkflow', MSG.enqueueWorkflow(KEY), K.enqueueWorkflow],
    ['enqueueSubqueue', MSG.enqueueSubqueue(KEY), K.enqueueSubqueue],
    ['enqueueOwner', MSG.enqueueOwner('flytesnacks-development', `${ID}-n0-0`), K.enqueueOwner],
    ['processing', MSG.processing(), K.processing],
    ['stale', MSG.stale('ns', ID), K.stale],
    ['terminated', MSG.terminated('ns', ID), K.terminated],
    ['notFound', MSG.notFound('ns', ID), K.notFound],
    ['handling', MSG.handling(ID, executionIdText('p', 'd', ID), 'Running'), K.handling],
    ['handlingDone', MSG.handlingDone(ID), K.handlingDone],
    ['workflowTransition', MSG.workflowTransition('Ready', 'Running'), K.workflowTransition],
    ['workflowCompleted', MSG.workflowCompleted(), K.workflowCompleted],
    ['workflowEventExists', MSG.workflowEventExists('RUNNING', executionIdText('p', 'd', ID)), K.workflowEventExists],
    ['eventRecordingFailed', MSG.eventRecordingFailed('rpc error: code = Unavailable'), K.workflowEventFailed],
    ['nodeChangeNYS', MSG.nodeChangeNYS('NotYetStarted', 'Queued'), K.nodeChange],
    ['nodeChange', MSG.nodeChange('Queued', 'Running', 'Running'), K.nodeChange],
    ['finalizeNotRequired', MSG.finalizeNotRequired(), K.finalizeNotRequired],
    ['finalizeNotRequired(Failed)', MSG.finalizeNotRequired('Failed'), K.finalizeNotRequired],
    ['nodeSucceeding', MSG.nodeSucceeding(), K.nodeSucceeding],
    ['nodeFailing', MSG.nodeFailing(), K.nodeFailing],
    ['recordingNodeEvent', MSG.recordingNodeEvent('node_id:"n0"', 'QUEUED'), K.nodeEvent],
    ['nodeEventExists', MSG.nodeEventExists('QUEUED', 'n0'), K.nodeEventExists],
    ['nodeEventFailed', MSG.nodeEventFailed('boom'), K.nodeEventFailed],
    ['taskEventFailed (ignored)', MSG.taskEventFailed('AlreadyExists', 'RUNNING'), K.taskEventIgnored],
    ['maxParallelism', MSG.maxParallelism(25, 25), K.maxParallelism],
    ['pluginTransition', MSG.pluginTransition('PhaseRunning'), K.taskEvent],
    ['abortInvoked', MSG.abortInvoked('PhaseRunning'), K.abortInvoked],
    ['bufferedTaskEvents', MSG.bufferedTaskEvents(), K.bufferedTaskEvents],
    ['finalizeInvoked', MSG.finalizeInvoked(), K.abortDone],
    ['abort returns at once', 'Returning immediately from Abort since task is already in terminal phase.', K.abortDone],
    ['cacheMiss', MSG.cacheMiss(), K.cacheMiss],
    ['cacheHit', MSG.cacheHit('p', 'd', 'n', 'v'), K.cacheHit],
    ['cacheRecording', MSG.cacheRecording('p', 'd', 'n', 'v'), K.cacheRecording],
    ['cacheRecorded', MSG.cacheRecorded('t'), K.cacheRecorded],
    ['noChange', MSG.noChange(), K.noChange],
    ['etcdUpdateStart', MSG.etcdUpdateStart(), K.etcdStart],
    ['etcdUpdated', MSG.etcdUpdated(), K.etcdUpdated],
    ['etcdUpdateFailed', MSG.etcdUpdateFailed(ETCD_ERRORS.conflict(ID)), K.etcdFailed],
    ['tooLarge', MSG.tooLarge(ETCD_ERRORS.tooLargeReason), K.tooLarge],
    ['tooLargeRetry', MSG.tooLargeRetry('x'), K.tooLargeRetryFailed],
    ['noFastFollow', MSG.noFastFollow(true, false), K.noFastFollow],
    ['fastFollow', MSG.fastFollow(3), K.fastFollow],
    ['streakEnded', MSG.streakEnded(5, 8), K.streakEnded],
    ['reconcileError', MSG.reconcileError('boom', '*errors.errorString'), K.reconcileError],
    ['completedProcessing', MSG.completedProcessing(), K.completedProcessing],
    ['synced', MSG.synced(KEY), K.synced],
    ['creatingObject', MSG.creatingObject('ns', 'pod'), K.podCreate],
    ['podResources', MSG.podResources('ns', 'pod'), K.podResources],
    ['eventSink', MSG.eventSink('id:{node_id:"n0"} phase:RUNNING'), K.eventSink],
    ['eventAlreadySent', MSG.eventAlreadySent('p:d:abc:n0:0:RUNNING'), K.eventAlreadySent],
    ['podCreated', MSG.podCreated(), K.podCreated],
    ['workflowFailed', MSG.workflowFailed('code:"USER" message:"boom"'), K.workflowFailed],
    ['recorderFailed', MSG.recorderFailed('workflow', 'execution_id:{}', 'boom'), K.eventRecorderFailed],
  ];
  it.each(cases)('%s', (_name, msg, kind) => {
    expect(classify(msg)).toBe(kind);
  });

  it('recognizes propeller messages that have no renderer', () => {
    expect(classify('AdminEventSink received a new Event NodeEvent, message id:{node_id:"n0"}')).toBe(K.eventSink);
    expect(classify("event 'p:d:abc:n0:0:RUNNING' is already queued for processing")).toBe(K.eventAlreadySent);
    expect(classify("event 'x' arrived")).toBe(K.none);
    expect(classify('The operation was blocked due to back-off')).toBe(K.podCreateRefused);
    expect(classify('The operation was attempted because the back-off handler is not blocking, but failed due to x (backing off for a duration of [2s] to timestamp [t])\n')).toBe(K.podCreateRefused);
    // a k8s plugin's other objects (a SparkApplication, a RayJob) are not pods
    expect(classify('Creating Object: Type:[sparkoperator.k8s.io/v1beta2, Kind=SparkApplication], Object:[ns/x]')).toBe(K.none);
    expect(classify('No longer designated to process workflow, failing: cluster reassigned')).toBe(K.executionNotFound);
    expect(classify('Failed to record an ExecutionNotFound workflow as failed, reason: x. Retrying...')).toBe(K.tooLargeRetryFailed);
    expect(classify('Failed to record an EventIncompatibleClusterError workflow as failed, reason: x. Retrying...')).toBe(K.tooLargeRetryFailed);
    for (const what of ['node', 'task', 'workflow']) {
      expect(classify(`Failed to record ${what} event [id:{}] with err: rpc error: code = AlreadyExists`)).toBe(K.eventRecorderFailed);
    }
    expect(classify("error syncing 'ns/abc': etcdserver: request is too large")).toBe(K.errorSyncing);
    expect(classify('node timing out')).toBe(K.nodeTimingOut);
    expect(classify('node failed with retryable failure, aborting and finalizing, message: x')).toBe(K.nodeRetry);
    expect(classify('failed to send event to Admin. error: x')).toBe(K.taskEventFailed);
    expect(classify('Event recording failed for Plugin [container], eventPhase [RUNNING], error :x')).toBe(K.taskEventFailed);
    expect(classify('Failed to record taskEvent in state: RUNNING, error: x')).toBe(K.taskEventFailed);
    expect(classify('Failed to record workflowEvent, error [x]. Trying to record state: RUNNING. Ignoring this error!')).toBe(
      K.workflowEventIgnored,
    );
    expect(classify('Catalog Failure: memoization check failed. err: x')).toBe(K.cacheGetFailed);
    expect(classify('Failed to write results to catalog for Task [x]. Error: y')).toBe(K.cachePutFailed);
    expect(classify('Node event phase: SUCCEEDED, nodeId n0 already in terminal phase. err: x')).toBe(K.nodeEventExists);
    expect(classify('Failed to process workflow, failing: not found')).toBe(K.executionNotFound);
    expect(classify('Updated workflow status.')).toBe(K.etcdUpdated);
    expect(classify('Failed to update workflow status. Error [x]')).toBe(K.etcdFailed);
  });

  /** Propeller messages without timing, as propeller (and propsim's emitter) writes them. */
  const UNTIMED_MESSAGES = [
      MSG.handlingNode('n0'),
      MSG.completedNode('n0'),
      MSG.nodeQueued(1),
      MSG.parallelismSet(1),
      MSG.setMetadataDir('s3://x'),
      MSG.futuresExist(),
      MSG.nodeExecuting('Queued'),
      MSG.nodeExecutionCompleted(),
      MSG.preExecute(),
      MSG.preExecuteCompleted(),
      MSG.taskNoChange(),
      MSG.killTask('x-n0-0'),
      'regular node detected, (no future file found)',
      'Plugin [container] resolved for Handler type [python-task]',
      'Workflow not found in cache.',
      'Runtime error from plugin [container]. Error: boom',
      'Trying to abort a node in state [Failed]',
      'Node not yet started, will not finalize',
      'Calling aborting & finalize',
      'Aborting regular node RetryAttempt [0]',
      'Finalizing Parent node RetryAttempt [0]',

      MSG.branchSelected('n0-n1'),
      // a warning of the task handler (flyte issue 1457)
      'No plugin found for Handler-type [python-task], defaulting to [container]',
  ];

  it('leaves other propeller lines unrecognized', () => {
    for (const m of [
      ...UNTIMED_MESSAGES,
      'Deletion triggered for abc',
      'failed to add incorrectly formatted workflowID \'x\' to subqueue',
      'Workflow namespace[a]/name[b] something else',
      '',
      'H',
      '==> Enqueueing',
    ]) {
      expect(classify(m), m).toBe(K.none);
    }
  });

  it('tells known propeller messages without timing (untimed) from messages it does not know', () => {
    const known = [
      ...UNTIMED_MESSAGES,
      'node executing, current phase [Running]',
      'No state change for Task, previously observed same transition. Short circuiting.',
      "Dynamic handler.Handle's called with phase 0.",
      'dynamic workflow node has succeeded, will call on success handler for parent node [n2]',
      'Executing node',
      'Node execution round complete',
      'Failed to read from the raw store [s3://bucket/metadata/abc/n0/data/0/outputs.pb] Error: NoSuchKey',
      'Failed to read from the raw store when copying [s3://a/outputs.pb] to [s3://b/outputs.pb]. Error: timeout',
      'failed to record ArrayNode events: ExecutionNotFound',
    ];
    for (const m of known) {
      expect(classify(m), m).toBe(K.none);
      expect(isUntimedTemplate(m), m).toBe(true);
    }
    for (const m of ['Deletion triggered for abc', '', 'H', 'handling node [n0]', 'Completed processing workflow.', 'Creating Object: Type:[/v1, Kind=Pod], Object:[ns/pod]']) {
      expect(isUntimedTemplate(m), m).toBe(false);
    }
  });
});

describe('argument extraction agrees with the renderers', () => {
  test.prop([fc.stringMatching(/^[a-z0-9-]{1,30}$/), fc.stringMatching(/^[a-z0-9]{1,30}$/)])(
    'enqueue keys round-trip',
    (ns, name) => {
      expect(splitKey(enqueueWorkflowKey(MSG.enqueueWorkflow(`${ns}/${name}`)) ?? '')).toEqual({ ns, name });
      expect(splitKey(quotedKey(MSG.enqueueSubqueue(`${ns}/${name}`)) ?? '')).toEqual({ ns, name });
      expect(splitKey(quotedKey(MSG.synced(`${ns}/${name}`)) ?? '')).toEqual({ ns, name });
      expect(enqueueOwnerObject(MSG.enqueueOwner(ns, `${name}-n0-0`))).toBe(`${ns}/${name}-n0-0`);
      expect(namespaceName(MSG.stale(ns, name))).toEqual({ ns, name });
      expect(namespaceName(MSG.terminated(ns, name))).toEqual({ ns, name });
      expect(namespaceName(MSG.notFound(ns, name))).toEqual({ ns, name });
    },
  );

  const phase = fc.constantFrom('Ready', 'Running', 'Succeeding', 'Succeeded', 'Failing', 'Failed', 'Aborted', 'HandlingFailureNode');
  test.prop([fc.stringMatching(/^[a-z0-9]{1,25}$/), phase, fc.constantFrom(' ', '  ', '')])('Handling Workflow name and phase, any id spacing', (name, p, sp) => {
    const idText = `project:${sp}"proj" domain:${sp}"dev" name:${sp}"${name}"`;
    expect(handlingArgs(MSG.handling(name, idText, p))).toEqual({ name, phase: p });
    expect(handlingPhase(MSG.handling(name, idText, p))).toBe(p);
    expect(handlingArgs(MSG.handlingDone(name))?.name).toBe(name);
    expect(classify(MSG.handlingDone(name))).toBe(K.handlingDone);
    expect(classify(MSG.handling(name, idText, p))).toBe(K.handling);
  });

  test.prop([phase, phase])('transition phases', (a, b) => {
    expect(workflowTransitionPhases(MSG.workflowTransition(a, b))).toEqual({ from: a, to: b });
    expect(nodeChangePhases(MSG.nodeChangeNYS(a, b))).toEqual({ from: a, to: b });
    expect(nodeChangePhases(MSG.nodeChange(a, b, 'Success'))).toEqual({ from: a, to: b });
  });

  test.prop([fc.nat(1000), fc.nat(1000)])('streak ended', (n, m) => {
    expect(streakEndedArgs(MSG.streakEnded(n, m))).toEqual({ n, max: m });
  });

  it('fast-follow reasons, event phases, node event ids', () => {
    expect(noFastFollowReason(MSG.noFastFollow(true, false))).toEqual({ terminated: true, versionMatched: false });
    expect(noFastFollowReason(MSG.noFastFollow(false, true))).toEqual({ terminated: false, versionMatched: true });
    expect(taskEventPhase(MSG.pluginTransition('PhaseInitializing'))).toBe('PhaseInitializing');
    const ev = MSG.recordingNodeEvent(`node_id:"n0/n42" execution_id:{${executionIdText('p', 'd', ID)}}`, 'RUNNING');
    expect(nodeEventArgs(ev)).toEqual({ phase: 'RUNNING', node: 'n0/n42', name: ID });
    expect(nodeEventPhase(ev)).toBe('RUNNING');
    expect(eventExistsPhase(MSG.nodeEventExists('QUEUED', 'n0'), NODE_EVENT_EXISTS_PREFIX_LEN)).toBe('QUEUED');
    expect(eventExistsPhase(MSG.workflowEventExists('SUCCEEDED', 'x'), WORKFLOW_EVENT_EXISTS_PREFIX_LEN)).toBe('SUCCEEDED');
  });

  it('error classes', () => {
    expect(etcdFailureClass(MSG.etcdUpdateFailed(ETCD_ERRORS.etcdTooLarge))).toBe('tooLarge');
    expect(etcdFailureClass(MSG.etcdUpdateFailed(ETCD_ERRORS.apiTooLarge))).toBe('tooLarge');
    expect(etcdFailureClass(MSG.etcdUpdateFailed(ETCD_ERRORS.conflict(ID)))).toBe('conflict');
    expect(etcdFailureClass(MSG.etcdUpdateFailed('connection refused'))).toBe('error');
    expect(eventFailureClass('EventSinkError: Admin EventSink throttling admin traffic (ResourceExhausted)')).toBe('throttled');
    expect(eventFailureClass('trying to send message larger than max (2805993 vs. 2097152)')).toBe('tooLarge');
    expect(eventFailureClass('code = Unavailable')).toBe('error');
  });

  test.prop([fc.string({ maxLength: 200 })])('arbitrary text never throws', (s) => {
    const k = classify(s);
    expect(typeof k).toBe('number');
    handlingArgs(s);
    nodeChangePhases(s);
    nodeEventArgs(s);
    streakEndedArgs(s);
    podNodeId(s);
  });
});

describe('pod names back to node ids', () => {
  it.each([
    ['n0-0', 'n0'],
    ['n12-3', 'n12'],
    ['n0-0-n42-0', 'n0/n42'],
    ['start-node-0', 'start-node'],
    ['my-node-1', 'my-node'],
    ['dn0-0-n1-2', 'dn0/n1'],
  ])('%s -> %s', (rest, node) => {
    expect(podNodeId(rest)).toBe(node);
  });
  it('node ids ending in digits resolve against the known node ids', () => {
    const known = new Set(['step-0', 'step-1', 'n0', 'n0/n42']);
    const isKnown = (id: string) => known.has(id);
    expect(podNodeId('step-0-0', isKnown)).toBe('step-0');
    expect(podNodeId('step-1-2', isKnown)).toBe('step-1');
    expect(podNodeId('n0-0-n42-0', isKnown)).toBe('n0/n42');
    expect(podNodeId('n0-1', isKnown)).toBe('n0');
    // Unknown ids fall back to the name alone.
    expect(podNodeId('other-7-0', () => false)).toBe('other-7');
  });
  it('a nested node spelled with - for / (a subworkflow child s/x names its pod <exec>-s-x-0) resolves to the known id', () => {
    const known = new Set(['s', 's/x', 'd/a-b', 'my-node']);
    const isKnown = (id: string) => known.has(id);
    expect(podNodeId('s-x-0', isKnown)).toBe('s/x');
    expect(podNodeId('d-a-b-1', isKnown)).toBe('d/a-b');
    // A known id with dashes is taken as it is, not split into a nested one.
    expect(podNodeId('my-node-0', isKnown)).toBe('my-node');
  });
  it("an ArrayNode subtask's pod inside a subworkflow or a dynamic node's runs resolves to its subnode", () => {
    const known = new Set(['d', 'd/m', 'd/m/n0', 'd-1/m', 'd-1/m/n0', 'd-1/x', 'd/x', 's', 's/mm', 's/mm/n3']);
    const isKnown = (id: string) => known.has(id);
    expect(podNodeId('d-m-0-n0-0', isKnown)).toBe('d/m/n0');
    expect(podNodeId('d-1-m-0-n0-1', isKnown)).toBe('d-1/m/n0');
    expect(podNodeId('s-mm-0-n3-0', isKnown)).toBe('s/mm/n3');
    // a retry run's task: the run's node, though the first run's is known too
    expect(podNodeId('d-1-x-0', isKnown)).toBe('d-1/x');
    expect(podNodeId('d-x-2', isKnown)).toBe('d/x');
  });
  it.each(['n0', 'n0-', '-0', 'n0-0-x', '', 'abcdef123'])('%s is not a pod name suffix', (rest) => {
    expect(podNodeId(rest)).toBeUndefined();
  });
  test.prop([fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z][a-z0-9]{0,4})?$/), fc.nat(20)), { minLength: 1, maxLength: 3 })])(
    'segments of <node>-<attempt> round-trip',
    (segs) => {
      const rest = segs.map(([n, a]) => `${n}-${a}`).join('-');
      expect(podNodeId(rest)).toBe(segs.map(([n]) => n).join('/'));
    },
  );
});

describe('failure texts and error classes', () => {
  const THROTTLED = 'ResourceExhausted: Admin EventSink throttling admin traffic';
  it.each([
    [MSG.etcdUpdateFailed(ETCD_ERRORS.conflict(ID)), ETCD_ERRORS.conflict(ID), 'conflict'],
    [MSG.tooLarge(ETCD_ERRORS.tooLargeReason), ETCD_ERRORS.tooLargeReason, 'tooLarge'],
    [MSG.tooLargeRetry(ETCD_ERRORS.etcdTooLarge), ETCD_ERRORS.etcdTooLarge, 'tooLarge'],
    [MSG.nodeEventFailed(THROTTLED), THROTTLED, 'throttled'],
    [MSG.eventRecordingFailed('Unavailable: failed to send event to Admin'), 'Unavailable: failed to send event to Admin', 'error'],
    [MSG.taskEventRecordingFailed('container', 'RUNNING', THROTTLED), THROTTLED, 'throttled'],
    ['failed to send event to Admin. error: x [y]', 'x [y]', 'error'],
    [MSG.reconcileError(`wrapped: [${THROTTLED}]`, '*errors.NodeErrorWithCause'), `wrapped: [${THROTTLED}]`, 'throttled'],
  ])('%s -> text and class', (msg, text, cls) => {
    expect(failureText(msg)).toBe(text);
    expect(errorClass(failureText(msg))).toBe(cls);
  });

  it('classes map to themselves', () => {
    for (const c of ERROR_CLASSES) expect(errorClass(c)).toBe(c);
  });

  test.prop([fc.string({ maxLength: 80 })])('every text has a class of the vocabulary, stable when applied again', (s) => {
    const c = errorClass(s);
    expect(ERROR_CLASSES.has(c)).toBe(true);
    expect(errorClass(c)).toBe(c);
  });

  it('recognizes the launch-plan lines with the child execution name', () => {
    expect(classify(MSG.launchedLaunchPlan(`${ID}-n1-0`, 3))).toBe(K.launchedLaunchPlan);
    expect(classify(MSG.launchExists(`${ID}-n1-0`))).toBe(K.launchExists);
    expect(bracketText(MSG.launchedLaunchPlan(`${ID}-n1-0`, 3))).toBe(`${ID}-n1-0`);
    expect(bracketText(MSG.launchExists(`${ID}-n1-0`))).toBe(`${ID}-n1-0`);
    expect(classify(MSG.taskEventRecordingFailed('container', 'RUNNING', 'x'))).toBe(K.taskEventFailed);
  });
});

describe('remembered message kinds', () => {
  // Messages that share a length and last character share a slot: each must keep its own answer.
  const msg = fc.constantFrom(
    'Processing Workflow.',
    'Processing Workflow!',
    'Xrocessing Workflow.',
    'Handling Node [n0]',
    'Handling Node [x0]',
    'Completed node [n0]',
    'Completed node [x0]',
    'node succeeding',
    'node succeedinX',
    'Updated workflow.',
    'Updated workflow!',
    '',
  );
  test.prop([fc.array(fc.tuple(msg, fc.boolean()), { maxLength: 60 })])('answer as classify and isUntimedTemplate do, in any order', (rows) => {
    const kinds = new MessageKinds();
    for (const [m, askUntimed] of rows) {
      // a fresh copy of the text: equal strings that are different objects
      const s = askUntimed ? [...m].join('') : m;
      if (askUntimed) expect(kinds.isUntimed(s)).toBe(isUntimedTemplate(s));
      expect(kinds.kind(s)).toBe(classify(s));
    }
  });
});
