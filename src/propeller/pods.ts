import { TokenBucket } from './rate-limiter.js';
import type { Distribution } from '../engine/distributions.js';
import type { Model } from '../model/model.js';
import * as templates from '../timeline/templates.js';
import type { PodTimes } from '../timeline/types.js';
import type { ExecState } from './execution.js';
import * as latencies from './latencies.js';
import type { Latencies, NsSampler } from './latencies.js';
import type { NodeState, PodRef } from './node-state.js';
import type { RoundCtx } from './round-context.js';
import * as simContext from './sim-context.js';
import type { Sim } from './sim-context.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { nsSampler } = latencies;
const { taskPodName } = templates;

const { EV_POD_UPDATE } = simContext;

/** Pod phase as propeller's informer last saw it. */
export const POD_PENDING = 0;
export const POD_INITIALIZING = 1;
export const POD_RUNNING = 2;
export const POD_SUCCEEDED = 3;
export const POD_FAILED = 4;

export class Pod implements PodRef {
  /** Informer's view. */
  observed = POD_PENDING;
  /** Status updates delivered so far (1 containers creating, 2 running, 3 exited). */
  stage = 0;
  /** An abort deleted it: no further updates, and the kube client's delete filter has it. */
  deleted = false;
  constructor(
    readonly idx: number,
    readonly exec: ExecState,
    readonly node: NodeState,
    readonly name: string,
    readonly times: PodTimes,
    /** Pod object exists (create call returned). */
    readonly createdAt: number,
    readonly initAt: number,
    readonly runAt: number,
    readonly finishAt: number,
    readonly fails: boolean,
  ) {}
}

/**
 * Task pods: creation through the kube client (blocking QPS/burst token bucket, then the API call),
 * then scheduling, image pull and container start (`kube.podSchedule`, `kube.podStart`), user code
 * (the node's runtime), and exit. Each status change reaches propeller's pod informer after
 * `kube.podUpdate` (in order), updates what the task plugin sees and enqueues the owning workflow on
 * the sub-queue (`Enqueueing owner for updated object`).
 */
export class Pods {
  readonly list: Pod[] = [];
  private readonly bucket: TokenBucket;
  private readonly runtimeSamplers = new Map<Distribution, NsSampler>();
  sim!: Sim;

  constructor(
    model: Model,
    private readonly lat: Latencies,
  ) {
    this.bucket = new TokenBucket(model.propeller.kubeQps, model.propeller.kubeBurst);
  }

  private runtimeOf(n: NodeState): NsSampler {
    const d = (n.kind === 'subnode' ? n.def.map?.runtime ?? n.def.runtime : n.def.runtime);
    if (!d) return this.lat.defaultRuntime;
    let s = this.runtimeSamplers.get(d);
    if (!s) {
      s = nsSampler(d);
      this.runtimeSamplers.set(d, s);
    }
    return s;
  }

  /** Kubernetes pod name of a node attempt (`<exec>-<node>-<attempt>`, subtasks nested). */
  static podName(n: NodeState, attempt: number): string {
    if (n.kind === 'subnode' && n.owner) return `${taskPodName(n.exec.id, n.owner.id, n.owner.attempt)}-n${n.subIndex}-${attempt}`;
    return taskPodName(n.exec.id, n.id, attempt);
  }

  /**
   * The create call for `n`'s current attempt, starting at `at` (default now). Records the op and
   * returns its duration (rate-limiter wait + API latency). An existing pod (the create of a round
   * that was rolled back) answers AlreadyExists.
   */
  create(rc: RoundCtx, n: NodeState, at = rc.now): number {
    const rng = n.rngKube();
    const attempt = n.attempt;
    const wait = this.bucket.reserve(at);
    const api = this.lat.podCreate(rng);
    const dur = wait + api;
    const existing = n.pods[attempt];
    const name = Pods.podName(n, attempt);
    if (existing) {
      rc.op('podCreate', dur, n.id, undefined, undefined, undefined, 'alreadyExists', name, at);
      return dur;
    }
    rc.op('podCreate', dur, n.id, undefined, undefined, undefined, 'ok', name, at);
    const sent = at + wait;
    const created = at + dur;
    const replay = n.exec.plan.replay?.[n.id];
    let sched = this.lat.podSchedule(rng);
    const start = replay?.podStart !== undefined ? Math.round(replay.podStart * 1e9) : this.lat.podStart(rng);
    if (sched > start) sched = start;
    const runtime = replay?.runtime !== undefined ? Math.round(replay.runtime * 1e9) : this.runtimeOf(n)(n.rngRuntime());
    // A replayed map subtask fails the attempts its recording saw fail; the node's own count otherwise.
    const failedAttempts = n.kind === 'subnode' ? (replay?.failedAttempts ?? n.def.failedAttempts ?? 0) : (n.def.failedAttempts ?? 0);
    const fails = attempt < failedAttempts || (n.kind === 'subnode' && alwaysFails(n));
    const times: PodTimes = { created: sent };
    const pod = new Pod(this.list.length, n.exec, n, name, times, created, created + sched, created + start, created + start + runtime, fails);
    this.list.push(pod);
    n.pods[attempt] = pod;
    (n.record.pods ??= []).push(times);
    n.record.pod = times;
    this.sim.at(pod.initAt + this.lat.podUpdate(rng), EV_POD_UPDATE, pod.idx);
    return dur;
  }

  /** The next status change of pod `idx` reaches the informer. */
  onUpdate(idx: number, now: number): void {
    const pod = this.list[idx]!;
    if (pod.deleted) return;
    const stage = ++pod.stage;
    if (pod.node.kind === 'subnode') pod.node.wakeSubnode();
    const rng = pod.node.rngKube();
    if (stage === 1) {
      pod.observed = POD_INITIALIZING;
      this.sim.at(Math.max(now, pod.runAt + this.lat.podUpdate(rng)), EV_POD_UPDATE, idx);
    } else if (stage === 2) {
      pod.observed = POD_RUNNING;
      pod.times.started = pod.runAt;
      this.sim.at(Math.max(now, pod.finishAt + this.lat.podUpdate(rng)), EV_POD_UPDATE, idx);
    } else {
      pod.observed = pod.fails ? POD_FAILED : POD_SUCCEEDED;
      pod.times.finished = pod.finishAt;
      pod.times.observed = now;
    }
    this.sim.enqueueSub(pod.exec, 'owner', pod.name);
  }

  /**
   * The k8s plugin's Abort (`KillTask`): one DELETE through the kube client (the same QPS/burst
   * bucket as creates) for `n`'s current attempt, starting at `at` (default now). The pod sends no
   * further updates. Without a pod (none created yet) the API answers NotFound, which the plugin
   * takes as done (the op's outcome is `ok` either way). A pod an earlier abort deleted is deleted
   * again: propeller's kube client sends every write to the API (executors/kube.go builds a plain
   * client; the write-through filter that once skipped repeats is no longer used).
   * `from` is the plugin phase the abort found. Returns the call's duration.
   */
  delete(rc: RoundCtx, n: NodeState, from: string, at = rc.now): number {
    const ref = n.pods[n.attempt];
    const pod = ref ? this.list[ref.idx]! : undefined;
    const wait = this.bucket.reserve(at);
    const dur = wait + this.lat.podDelete(n.rngKube());
    rc.op('podDelete', dur, n.id, from, undefined, undefined, 'ok', Pods.podName(n, n.attempt), at);
    if (pod) pod.deleted = true;
    return dur;
  }

  observed(pod: PodRef): number {
    return this.list[pod.idx]!.observed;
  }
}

/** A map subtask among the scenario's `failing` ones (spread evenly over the indices): every attempt fails. */
function alwaysFails(s: NodeState): boolean {
  const k = s.def.map?.failing ?? 0;
  const size = s.owner?.subnodes?.length ?? 0;
  if (k <= 0 || size === 0) return false;
  return Math.floor(((s.subIndex + 1) * k) / size) > Math.floor((s.subIndex * k) / size);
}
