import * as distributions from '../engine/distributions.js';
import type { Sampler } from '../engine/distributions.js';
import type { Rng } from '../engine/random.js';
import type { Model } from '../model/model.js';

// Bound once: imported bindings are property getters under tsx/vitest, too slow for the hot path.
const { compile } = distributions;

/** A compiled distribution that returns integer nanoseconds. */
export type NsSampler = (rng: Rng, x?: number) => number;

function toNs(s: Sampler): NsSampler {
  return (rng, x) => {
    const v = s(rng, x);
    return v > 0 && Number.isFinite(v) ? Math.round(v * 1e9) : 0;
  };
}

/**
 * Every latency of a Model, compiled once into integer-ns samplers, so the hot path never looks at
 * distribution objects.
 */
export class Latencies {
  readonly workflowEvent: NsSampler;
  readonly nodeEvent: NsSampler;
  readonly taskEvent: NsSampler;
  readonly etcdUpdate: NsSampler;
  readonly etcdWatch: NsSampler;
  readonly blobHead: NsSampler;
  readonly blobRead: NsSampler;
  readonly blobWrite: NsSampler;
  readonly blobCopy: NsSampler;
  readonly catalogGet: NsSampler;
  readonly catalogPut: NsSampler;
  readonly podCreate: NsSampler;
  readonly podDelete: NsSampler;
  readonly podStart: NsSampler;
  readonly podSchedule: NsSampler;
  readonly podUpdate: NsSampler;
  readonly createExecution: NsSampler;
  readonly cpuRound: NsSampler;
  readonly cpuDeepCopy: NsSampler;
  readonly cpuTraversal: NsSampler;
  readonly dynamicCompile: NsSampler;
  readonly defaultRuntime: NsSampler;

  constructor(m: Model) {
    this.workflowEvent = toNs(compile(m.events.workflow.latency));
    this.nodeEvent = toNs(compile(m.events.node.latency));
    this.taskEvent = toNs(compile(m.events.task.latency));
    this.etcdUpdate = toNs(compile(m.etcd.update));
    this.etcdWatch = toNs(compile(m.etcd.watch));
    this.blobHead = toNs(compile(m.blob.head));
    this.blobRead = toNs(compile(m.blob.read));
    this.blobWrite = toNs(compile(m.blob.write));
    this.blobCopy = toNs(compile(m.blob.copy));
    this.catalogGet = toNs(compile(m.catalog.get));
    this.catalogPut = toNs(compile(m.catalog.put));
    this.podCreate = toNs(compile(m.kube.podCreate));
    this.podDelete = toNs(compile(m.kube.podDelete ?? m.kube.podCreate));
    this.podStart = toNs(compile(m.kube.podStart));
    this.podSchedule = toNs(compile(m.kube.podSchedule ?? { type: 'constant', value: 0 }));
    this.podUpdate = toNs(compile(m.kube.podUpdate));
    this.createExecution = toNs(compile(m.admin.createExecution));
    this.cpuRound = toNs(compile(m.cpu.round));
    this.cpuDeepCopy = toNs(compile(m.cpu.deepCopy));
    this.cpuTraversal = toNs(compile(m.cpu.traversal));
    this.dynamicCompile = toNs(compile(m.dynamic.compile));
    this.defaultRuntime = toNs(compile(m.defaultRuntime));
  }
}

/** Compiles a per-node distribution (runtime, gate) into an ns sampler. */
export function nsSampler(d: Parameters<typeof compile>[0]): NsSampler {
  return toNs(compile(d));
}
