/**
 * Named what-if changes (`--preset NAME`). Kept apart from changes.ts so that `--help` can list
 * them without loading the model layer.
 */
export type Change =
  | { kind: 'set'; path: string; value: string; preset?: string }
  | { kind: 'scale'; path: string; factor: number; preset?: string };

export interface Preset {
  name: string;
  description: string;
  changes: Change[];
}

const scale = (path: string, factor: number): Change => ({ kind: 'scale', path, factor });
const set = (path: string, value: string): Change => ({ kind: 'set', path, value });

/** Named changes (`--preset NAME`), in the order `--help` lists them. */
export const PRESETS: readonly Preset[] = [
  { name: 'halve-event-latency', description: 'admin event RPCs (workflow, node, task) twice as fast', changes: [scale('events.*.latency', 0.5)] },
  { name: 'halve-etcd-latency', description: 'etcd CR updates twice as fast (fixed and per-byte cost)', changes: [scale('etcd.update', 0.5)] },
  { name: 'double-workers', description: 'twice as many propeller workers', changes: [scale('propeller.workers', 2)] },
  { name: 'streak-16', description: 'max-streak-length 16 (more rounds per Handle call)', changes: [set('propeller.maxStreakLength', '16')] },
  { name: 'offload-closure', description: 'offload the workflow closure: the CR no longer carries the spec', changes: [set('store.offloadClosure', 'true')] },
  { name: 'no-base-delay', description: 'main queue base delay 0 (no backoff before re-evaluation)', changes: [set('propeller.baseDelaySeconds', '0')] },
  { name: 'fast-batching', description: 'pod-update batching interval divided by 4', changes: [scale('propeller.batchingIntervalSeconds', 0.25)] },
  { name: 'halve-pod-start', description: 'pod scheduling, image pull and container start twice as fast', changes: [scale('kube.podStart', 0.5)] },
  { name: 'halve-blob-latency', description: 'blobstore head/read/write/copy twice as fast', changes: [scale('blob.*', 0.5)] },
];

export const presetNames: readonly string[] = PRESETS.map((p) => p.name);

/** Lines for `--help`: `  name  description`. */
export function presetHelp(indent = '  '): string {
  const w = Math.max(...PRESETS.map((p) => p.name.length));
  return PRESETS.map((p) => `${indent}${p.name.padEnd(w)}  ${p.description}`).join('\n');
}

