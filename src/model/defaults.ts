import type { Distribution } from '../engine/distributions.js';
import type { Model } from './model.js';
import { InputError } from '../timeline/errors.js';
import { mergeModel, parseModelFile, validateModel } from './model-schema.js';
import { located, readStructuredFile } from './load.js';

/**
 * The default deployment model and the named configuration profiles.
 *
 * Configuration = FlytePropeller's Go code defaults (controller/config/config.go, events/config.go,
 * launchplan/adminconfig.go; domain notes §1.3). Latencies are plausible in-region figures for a
 * healthy cluster, chosen from the public anecdotes in domain notes §10 and ordinary cloud
 * service latencies; each is commented with its reasoning. `calibrate` replaces them with fits.
 */

const lognormal = (median: number, sigma: number): Distribution => ({ type: 'lognormal', mu: Math.log(median), sigma });
const linear = (base: Distribution, perUnit: number): Distribution => ({ type: 'linear', base, perUnit });
const zero: Distribution = { type: 'constant', value: 0 };

/** The Go code defaults of propeller plus plausible latencies. A fresh object on every call. */
export function defaultModel(): Model {
  return {
    propeller: {
      workers: 20,
      maxStreakLength: 8,
      workflowReevalSeconds: 10,
      downstreamEvalSeconds: 30,
      batchingIntervalSeconds: 1,
      baseDelaySeconds: 0,
      maxDelaySeconds: 60,
      queueRate: 1000,
      queueBurst: 10000,
      subQueueRate: 1000,
      subQueueBurst: 10000,
      eventRate: 500,
      eventBurst: 1000,
      eventMaxRetries: 5,
      kubeQps: 100,
      kubeBurst: 25,
      // flyteadmin's default per-execution max parallelism.
      maxParallelism: 25,
      nodeExecutionWorkers: 8,
      adminLauncherResyncSeconds: 30,
      // admin-launcher tps / burst (launchplan/adminconfig.go).
      adminLauncherTps: 100,
      adminLauncherBurst: 10,
      maxWorkflowRetries: 10,
      // node-config.default-deadlines: none (flytepropeller #493 made them infinite).
      nodeActiveDeadlineSeconds: 0,
      nodeExecutionDeadlineSeconds: 0,
    },
    store: {
      offloadClosure: false,
      blobCacheMB: 0,
      // etcd --max-request-bytes default (1.5 MiB) and the kube-apiserver body limit (3 MiB).
      etcdLimitBytes: 1_572_864,
      apiserverLimitBytes: 3_145_728,
      // A collapsed finished status `"n0":{"phase":5,"stoppedAt":"..."}` is 45-60 bytes; an active
      // task status with timestamps, plugin state and message is a few hundred.
      finishedNodeStatusBytes: 50,
      activeNodeStatusBytes: 400,
      // workflowStore.policy ResourceVersionCache (propeller's default): stale informer copies are skipped.
      resourceVersionCache: true,
    },
    events: {
      // Admin event RPCs: a DB insert plus bookkeeping, in-region. Sandbox node transitions are
      // 35-70 ms apart including the etcd write (flyte#3096), so an event median of 20-30 ms;
      // workflow events also update the execution row, hence slightly slower.
      workflow: { latency: lognormal(0.03, 0.5), failureProbability: 0 },
      node: { latency: lognormal(0.025, 0.5), failureProbability: 0 },
      task: { latency: lognormal(0.025, 0.5), failureProbability: 0 },
    },
    etcd: {
      // Full-object Update: ~5 ms apiserver + raft commit, plus ~20 ns per CR byte for decoding,
      // validation, encoding and replication (a 1 MiB CR adds ~21 ms).
      update: linear(lognormal(0.005, 0.4), 2e-8),
      // Own write -> informer watch event -> `Enqueueing workflow`: tens of ms on a quiet apiserver.
      watch: lognormal(0.075, 0.4),
    },
    blob: {
      // Object store requests in-region: HEAD ~10 ms, GET/PUT ~15-20 ms first byte, ~100 MB/s.
      head: linear(lognormal(0.01, 0.4), 0),
      read: linear(lognormal(0.015, 0.4), 1e-8),
      write: linear(lognormal(0.02, 0.4), 1e-8),
      // CopyRaw = read + write of the same bytes.
      copy: linear(lognormal(0.03, 0.4), 2e-8),
    },
    catalog: {
      // One cache lookup (GetDataset + GetArtifact) and one cache write (CreateDataset,
      // CreateArtifact, AddTag), each a few datacatalog RPCs of ~5 ms.
      get: lognormal(0.015, 0.4),
      put: lognormal(0.02, 0.4),
    },
    kube: {
      // Pod create API call.
      podCreate: lognormal(0.02, 0.5),
      // Pod DELETE when a failing workflow aborts a running task: an API call like the create.
      podDelete: lognormal(0.02, 0.5),
      // Pod created -> scheduled (PodInitializing seen); part of the start time below by default.
      podSchedule: zero,
      // Scheduling + image pull (usually cached) + container start: a few seconds.
      podStart: lognormal(4, 0.5),
      // Kubelet status update -> pod informer -> `Enqueueing owner`: ~0.5 s (kubelet status sync).
      podUpdate: lognormal(0.5, 0.5),
    },
    admin: {
      // CreateExecution compiles the launch plan's workflow and creates the child CR.
      createExecution: lognormal(0.15, 0.5),
    },
    cpu: {
      // Per round fixed cost (locks, status comparison, logging): ~100 µs.
      round: lognormal(1e-4, 0.3),
      // DeepCopy of the CR: ~2 ns per byte (nested maps and slices).
      deepCopy: linear(zero, 2e-9),
      // Traversal: ~3 µs per visited node (status lookups, phase checks).
      traversal: linear(zero, 3e-6),
    },
    dynamic: {
      // build_dynamic_workflow_us: compiling a small dynamic job spec takes tens of ms.
      compile: lognormal(0.05, 0.5),
    },
    // Task nodes without a runtime: a short task (~10 s) like the flytesnacks examples.
    defaultRuntime: lognormal(10, 0.3),
  };
}

/** Overrides per profile, applied to defaultModel(). */
const PROFILES: Record<string, Record<string, unknown>> = {
  default: {},
  // charts/flyte-core/values.yaml (domain notes §1.3).
  'flyte-core': {
    propeller: {
      workers: 4,
      workflowReevalSeconds: 30,
      downstreamEvalSeconds: 30,
      batchingIntervalSeconds: 2,
      baseDelaySeconds: 5,
      maxDelaySeconds: 120,
      queueRate: 100,
      queueBurst: 1000,
      subQueueRate: 10,
      subQueueBurst: 100,
      maxWorkflowRetries: 30,
    },
  },
};

/** Names accepted by profile(). */
export const profileNames: readonly string[] = Object.keys(PROFILES);

/** The Model of a named profile: `default` (Go code defaults) or `flyte-core` (Helm values). */
export function profile(name: string): Model {
  const over = PROFILES[name];
  if (!over) {
    throw new InputError(`unknown profile "${name}"; valid profiles: ${profileNames.join(', ')}`, { path: 'profile' });
  }
  return mergeModel(defaultModel(), over);
}

/**
 * The Model to simulate with: the profile (argument, else the file's `profile`, else `default`)
 * with the model file's fields merged on top, validated. Errors name the file and the field.
 */
/** The profile a model stands on: the one asked for, else the model file's, else `default`. */
export function profileOf(path?: string, profileName?: string): string {
  if (profileName !== undefined || path === undefined) return profileName ?? 'default';
  const src = readStructuredFile(path);
  return located(src, () => parseModelFile(src.data)).profile ?? 'default';
}

export function loadModel(path?: string, profileName?: string): Model {
  if (path === undefined) return profile(profileName ?? 'default');
  const src = readStructuredFile(path);
  const file = located(src, () => parseModelFile(src.data));
  // A bad profile argument is a usage error, not the file's.
  const base = profileName !== undefined ? profile(profileName) : located(src, () => profile(file.profile ?? 'default'));
  return located(src, () => validateModel(mergeModel(base, file.overrides)));
}
