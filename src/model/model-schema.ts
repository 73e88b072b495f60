import { z } from 'zod';
import type { Model } from './model.js';
import { InputError } from '../timeline/errors.js';
import { bytesSchema, distributionSchema, durationSchema, isDistribution, positiveDurationSchema } from './quantities.js';
import { inputErrorFromZod } from './zod-errors.js';

/**
 * Model files: a partial Model (any subset of sections and fields) merged onto a profile. Every
 * field is checked (counts are integers, rates positive, probabilities in [0, 1]); durations
 * and distributions use the syntax of quantities.ts, so `workflowReevalSeconds: 30s` and
 * `latency: {lognormal: {median: 25ms, sigma: 0.4}}` both work. Unknown fields are errors, which
 * catches typos such as `propeller.wokers`.
 *
 * Besides the Model sections a file may carry `profile` (the base profile when the caller does
 * not choose one), `name`, `description` and a free-form `meta` (e.g. calibration provenance).
 */

const posInt = () => z.number().int().min(1);
/** Bounds that keep a model's run within memory and time (far beyond any real deployment). */
const MAX_WORKERS = 100_000;
const MIN_PERIOD_SECONDS = 0.01;
const nonNegInt = () => z.number().int().min(0);
const positive = () => z.number().positive();
const probability = () => z.number().min(0).max(1);
const dist = () => distributionSchema();

const propellerShape = {
  // a worker is a simulated goroutine with state of its own: far beyond any propeller's count is a typo
  workers: posInt().max(MAX_WORKERS),
  maxStreakLength: posInt(),
  // every period enqueues every live workflow: below 10 ms a run is all resyncs
  workflowReevalSeconds: positiveDurationSchema(MIN_PERIOD_SECONDS),
  downstreamEvalSeconds: durationSchema(),
  batchingIntervalSeconds: durationSchema(),
  baseDelaySeconds: durationSchema(),
  maxDelaySeconds: durationSchema(),
  queueRate: positive(),
  queueBurst: posInt(),
  subQueueRate: positive().optional(),
  subQueueBurst: posInt().optional(),
  eventRate: positive(),
  eventBurst: posInt(),
  eventMaxRetries: nonNegInt(),
  kubeQps: positive(),
  kubeBurst: posInt(),
  maxParallelism: nonNegInt(),
  nodeExecutionWorkers: posInt().max(MAX_WORKERS),
  arrayParallelismBehavior: z.enum(['unlimited', 'hybrid', 'workflow']).optional(),
  adminLauncherResyncSeconds: positiveDurationSchema(MIN_PERIOD_SECONDS),
  adminLauncherTps: positive().optional(),
  adminLauncherBurst: posInt().optional(),
  maxWorkflowRetries: nonNegInt(),
  nodeActiveDeadlineSeconds: durationSchema().optional(),
  nodeExecutionDeadlineSeconds: durationSchema().optional(),
};

const storeShape = {
  offloadClosure: z.boolean(),
  blobCacheMB: z.number().min(0),
  etcdLimitBytes: bytesSchema(),
  apiserverLimitBytes: bytesSchema(),
  finishedNodeStatusBytes: bytesSchema(),
  activeNodeStatusBytes: bytesSchema(),
  resourceVersionCache: z.boolean().optional(),
};

const eventShape = { latency: dist(), failureProbability: probability() };

function sections(partial: boolean) {
  const obj = <T extends z.core.$ZodLooseShape>(shape: T) =>
    partial ? z.strictObject(shape).partial() : z.strictObject(shape);
  return {
    propeller: obj(propellerShape),
    store: obj(storeShape),
    events: obj({ workflow: obj(eventShape), node: obj(eventShape), task: obj(eventShape) }),
    etcd: obj({ update: dist(), watch: dist() }),
    blob: obj({ head: dist(), read: dist(), write: dist(), copy: dist() }),
    catalog: obj({ get: dist(), put: dist() }),
    kube: obj({ podCreate: dist(), podDelete: dist().optional(), podSchedule: dist().optional(), podStart: dist(), podUpdate: dist() }),
    admin: obj({ createExecution: dist() }),
    cpu: obj({ round: dist(), deepCopy: dist(), traversal: dist() }),
    dynamic: obj({ compile: dist() }),
    defaultRuntime: dist(),
  };
}

/** A complete Model. */
export const modelSchema = z.strictObject(sections(false));

/** A model file: any subset of the Model, plus `profile`, `name`, `description`, `meta`. */
export const modelFileSchema = z
  .strictObject({
    profile: z.string().optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    meta: z.unknown().optional(),
  })
  .extend(
    Object.fromEntries(Object.entries(sections(true)).map(([k, s]) => [k, s.optional()])) as {
      [K in keyof ReturnType<typeof sections>]: z.ZodOptional<ReturnType<typeof sections>[K]>;
    },
  );

const MODEL_FILE_KEYS: ReadonlySet<string> = new Set(Object.keys(modelFileSchema.shape));

/**
 * True for a parsed document that is a model file rather than a scenario or a CR: an object
 * whose keys are all model-file keys (a scenario has `workflows`, a CR `apiVersion`).
 */
export function looksLikeModelFile(data: unknown): boolean {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const keys = Object.keys(data);
  return keys.length > 0 && keys.every((k) => MODEL_FILE_KEYS.has(k)) && !keys.every((k) => k === 'name' || k === 'description');
}

export interface ModelFile {
  profile?: string;
  name?: string;
  description?: string;
  meta?: unknown;
  /** The partial Model: sections with a subset of fields, distributions in stored form. */
  overrides: Record<string, unknown>;
}

/** Checks a parsed model file; throws InputError naming the file and the bad field. */
export function parseModelFile(data: unknown, file?: string): ModelFile {
  const r = modelFileSchema.safeParse(data ?? {});
  if (!r.success) throw inputErrorFromZod(r.error, file);
  const { profile, name, description, meta, ...overrides } = r.data as Record<string, unknown>;
  for (const k of Object.keys(overrides)) if (overrides[k] === undefined) delete overrides[k];
  return {
    profile: profile as string | undefined,
    name: name as string | undefined,
    description: description as string | undefined,
    meta,
    overrides,
  };
}

/**
 * `base` with `overrides` applied: sections merge field by field; a distribution replaces the
 * base distribution whole (its parameters are never mixed). Returns a fresh object.
 */
export function mergeModel(base: Model, overrides: Record<string, unknown>): Model {
  return mergeValue(structuredClone(base), overrides) as Model;
}

function mergeValue(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (
    over === null ||
    typeof over !== 'object' ||
    Array.isArray(over) ||
    isDistribution(over) ||
    base === null ||
    typeof base !== 'object' ||
    isDistribution(base)
  ) {
    return structuredClone(over);
  }
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeValue(out[k], v);
  return out;
}

/** Checks a complete Model (after merging or a what-if change); throws InputError with the path. */
export function validateModel(model: unknown, file?: string): Model {
  const r = modelSchema.safeParse(model);
  if (!r.success) throw inputErrorFromZod(r.error, file);
  const m = r.data as Model;
  if (m.propeller.maxDelaySeconds < m.propeller.baseDelaySeconds) {
    throw new InputError(
      `maxDelaySeconds (${m.propeller.maxDelaySeconds}) is below baseDelaySeconds (${m.propeller.baseDelaySeconds})`,
      { file, path: 'propeller.maxDelaySeconds' },
    );
  }
  return m;
}
