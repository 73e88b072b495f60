/**
 * FAIL_AFTER_EXECUTABLE_NODES_COMPLETE over generated DAGs with failing tasks, subworkflows that
 * fail inside, gates and a small max parallelism: whatever can still run does, before the
 * workflow fails.
 */
import { describe, expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { simulate } from '../../src/propeller/simulator.js';
import type { WorkflowNode } from '../../src/model/workflow.js';
import type { Execution, NodeRecord } from '../../src/timeline/types.js';
import { plan, testModel, workflow } from './helpers.js';

const FAIL = { failedAttempts: 1, maxAttempts: 1 };

/** Inner DAG of a subworkflow: a few tasks, some failing, some behind a short gate. */
const innerNode = (i: number) =>
  fc
    .record({
      ups: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
      kind: fc.constantFrom('task', 'task', 'fail', 'gate', 'long'),
    })
    .map(({ ups, kind }) => toNode(`t${i}`, ups.filter((u) => u < i).map((u) => `t${u}`), kind));

const topNode = (i: number) =>
  fc
    .record({
      ups: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { maxLength: 2 }),
      kind: fc.constantFrom('task', 'task', 'fail', 'gate', 'long', 'sub', 'sub'),
      inner: fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, j) => innerNode(j)))),
    })
    .map(({ ups, kind, inner }): WorkflowNode => {
      const upstream = ups.filter((u) => u < i).map((u) => `n${u}`);
      if (kind === 'sub') return { id: `n${i}`, kind: 'subworkflow', upstream, subworkflow: workflow('sub', inner) };
      return toNode(`n${i}`, upstream, kind);
    });

function toNode(id: string, upstream: string[], kind: string): WorkflowNode {
  switch (kind) {
    case 'fail':
      return { id, kind: 'task', upstream, ...FAIL };
    case 'gate':
      return { id, kind: 'gate', upstream, gate: { type: 'constant', value: 7 } };
    case 'long':
      return { id, kind: 'task', upstream, runtime: { type: 'constant', value: 40 } };
    default:
      return { id, kind: 'task', upstream };
  }
}

const scenario = fc.record({
  nodes: fc.integer({ min: 2, max: 7 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => topNode(i)))),
  maxPar: fc.constantFrom(1, 2, 3),
  seed: fc.integer(),
});

/** Records of a scope's nodes by their id within the scope (`prefix` is the scope's node path). */
function scopeRecords(e: Execution, prefix: string): Map<string, NodeRecord> {
  const out = new Map<string, NodeRecord>();
  for (const n of e.nodes) {
    if (!n.id.startsWith(prefix)) continue;
    const rest = n.id.slice(prefix.length);
    if (!rest.includes('/')) out.set(rest, n);
  }
  return out;
}

const last = (n: NodeRecord | undefined) => n?.transitions.at(-1)?.to;

/**
 * Checks one scope: a node whose upstreams all succeeded has ended, Succeeded unless it fails
 * itself; a node with a failed or skipped upstream never ran. Returns whether the scope had a
 * failure (a failed node, or a subworkflow whose inner DAG failed).
 */
function checkScope(e: Execution, prefix: string, nodes: WorkflowNode[], failingAt: number): boolean {
  const recs = scopeRecords(e, prefix);
  const ok = new Map<string, boolean>();
  let failed = false;
  for (const def of nodes) {
    if (def.kind === 'start' || def.kind === 'end') continue;
    const rec = recs.get(def.id);
    const ups = def.upstream.filter((u) => u !== 'start-node');
    const runnable = ups.every((u) => ok.get(u) === true);
    if (!runnable) {
      // never ran: skipped, or left unstarted below the failure
      expect(rec?.transitions.every((t) => t.to === 'Skipped') ?? true, `${prefix}${def.id} ran below a failure`).toBe(true);
      ok.set(def.id, false);
      continue;
    }
    const end = last(rec);
    expect(['Succeeded', 'Failed'], `${prefix}${def.id} ended ${end} though every upstream succeeded`).toContain(end);
    expect(rec!.transitions.at(-1)!.at).toBeLessThanOrEqual(failingAt);
    let fails = def.failedAttempts !== undefined;
    if (def.kind === 'subworkflow') fails = checkScope(e, `${prefix}${def.id}/`, def.subworkflow!.nodes, failingAt);
    expect(end, `${prefix}${def.id}`).toBe(fails ? 'Failed' : 'Succeeded');
    ok.set(def.id, !fails);
    failed ||= fails;
  }
  return failed;
}

describe('FAIL_AFTER_EXECUTABLE_NODES_COMPLETE over generated DAGs', () => {
  test.prop([scenario], { numRuns: 100 })('every node that can run ends before the workflow fails, even past a max-parallelism cut', (s) => {
    const wf = { ...workflow('wf', s.nodes), maxParallelism: s.maxPar, onFailurePolicy: 'afterExecutableNodesComplete' as const };
    const rec = simulate([plan('x', wf)], testModel(), { seed: s.seed, replication: 0 });
    const e = rec.executions.find((x) => x.id === 'x')!;
    const failing = e.workflowTransitions.find((t) => t.to === 'Failing');
    const failed = checkScope(e, '', wf.nodes, failing?.at ?? Infinity);
    expect(e.phase).toBe(failed ? 'Failed' : 'Succeeded');
    expect(failing !== undefined).toBe(failed);
  });
});
