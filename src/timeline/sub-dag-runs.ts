/**
 * Node ids of a dynamic node's sub-DAG runs. Each attempt of a dynamic node runs its sub-DAG as new
 * node executions, and propeller's unique ids put the attempt in them: the first run's children are
 * `<node>/<child>`, a retry's (attempt k) `<node>-<k>/<child>`.
 */

/** The id prefix of the children of `node`'s run in attempt `attempt`. */
export function runPrefix(node: string, attempt: number): string {
  return attempt === 0 ? `${node}/` : `${node}-${attempt}/`;
}

/** The run of `node`'s sub-DAG that `id` is a child (or deeper descendant) of: its attempt, or undefined. */
export function childRun(id: string, node: string): number | undefined {
  if (!id.startsWith(node)) return undefined;
  if (id.charCodeAt(node.length) === 47) return 0;
  const run = /^-(\d+)\//.exec(id.slice(node.length));
  return run !== null ? Number(run[1]) : undefined;
}

/** A parent id that names a retry's run (`d-1`): its dynamic node and attempt; undefined for any other form. */
export function runOwner(parent: string): { node: string; attempt: number } | undefined {
  const m = /^(.+)-(\d+)$/.exec(parent);
  return m !== null ? { node: m[1]!, attempt: Number(m[2]) } : undefined;
}
