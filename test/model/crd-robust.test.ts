/**
 * FlyteWorkflow CRs as they come from real clusters, beyond the flytesnacks set: hand-written
 * fixtures (test/fixtures/crds) that exercise every node kind and field of the CRD's Go types
 * (gates, array nodes of tasks and of launch plans, branch cases of every kind, failure nodes,
 * subworkflows, legacy map tasks, `edges` or `connections`), with a populated status,
 * managedFields, unknown fields, YAML, List wrappers and an offloaded closure. Each must load,
 * simulate to the end, deterministically, with every node in the report.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { crdToWorkflow, isFlyteWorkflowCr } from '../../src/model/crd.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import type { WorkflowDef } from '../../src/model/workflow.js';
import { computeReport } from '../../src/metrics/index.js';
import { simulate } from '../../src/propeller/simulator.js';
import { InputError } from '../../src/timeline/errors.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../roundtrip/shape.js';
import { expectedOf, thrown } from './helpers.js';

const dir = 'test/fixtures/crds';
const SHARED = 'test/fixtures/flyteworkflow-crds';
const OFFLOADED = 'offloaded.json';
const fixtures = readdirSync(dir)
  .filter((f) => /\.(json|ya?ml)$/.test(f) && f !== OFFLOADED)
  .sort();
const tmp = tempDir('crd-robust');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const readCr = (f: string): Any => (f.endsWith('.json') ? JSON.parse(readFileSync(join(dir, f), 'utf8')) : parse(readFileSync(join(dir, f), 'utf8')));
const crsOf = (doc: Any): Any[] => (doc.kind === 'List' ? doc.items : [doc]);

function run(file: string, seed: number | string = 1) {
  const scenario = loadSimulationInput(join(dir, file));
  const recording = simulate(scenario.executions, defaultModel(), { seed, replication: 0 });
  return { scenario, recording, report: computeReport(recording) };
}

describe('hand-written FlyteWorkflow CRs', () => {
  it('has the fixtures', () => {
    expect(fixtures).toEqual(['array-variants.json', 'branch-cases.yaml', 'cluster-running.yaml', 'legacy-minimal.json', 'list.json']);
  });

  it.each(fixtures)('%s simulates to the end and the report names every node', (f) => {
    const crs = crsOf(readCr(f));
    const { recording, report } = run(f);
    for (const cr of crs) {
      const id = cr.metadata.labels['execution-id'];
      const exec = recording.executions.find((e) => e.id === id)!;
      expect(exec, id).toBeDefined();
      expect(exec.ended, `${id} ended`).toBeDefined();
      expect(exec.phase).toBe('Succeeded');
      const rep = report.executions.find((e) => e.id === id)!;
      const want = expectedOf(cr);
      const rows = new Map(rep.nodes.map((n) => [n.id, n]));
      for (const n of want.rows) {
        expect(rows.has(n), `${id}: row for ${n}`).toBe(true);
        expect(rows.get(n)!.complete, `${id}: ${n} complete`).toBe(true);
        expect(rows.get(n)!.skipped === true, `${id}: ${n} skipped`).toBe(want.skipped.has(n));
      }
      expect(new Set(rep.notStarted)).toEqual(want.notStarted);
      // Every row is a node of the CR or a subnode of one of its array nodes.
      for (const n of rep.nodes) expect(want.rows.has(n.id) || /\/n\d+$/.test(n.id), `${id}: unexpected row ${n.id}`).toBe(true);
    }
    // Child executions of launch plans finish too.
    for (const e of recording.executions) expect(e.ended, e.id).toBeDefined();
  });

  it.each(fixtures)('%s is deterministic', (f) => {
    expect(JSON.stringify(run(f, 'x').recording)).toBe(JSON.stringify(run(f, 'x').recording));
  });

  it('reads the fields of a running cluster CR', () => {
    const cr = readCr('cluster-running.yaml');
    const wf = crdToWorkflow(cr);
    const byId = new Map(wf.nodes.map((n) => [n.id, n]));
    expect(wf.maxParallelism).toBe(25);
    expect(byId.get('extract')).toMatchObject({ kind: 'task', cache: { hit: false }, taskType: 'python-task', upstream: ['start-node'] });
    expect(byId.get('dedupe')!.taskType).toBe('sidecar');
    expect(byId.get('route')!.branch).toEqual({ cases: ['route-big', 'route-wait', 'route-small'], taken: 'route-big' });
    expect(byId.get('route-wait')).toMatchObject({ kind: 'gate', branchOf: 'route', gate: { type: 'constant', value: 300 } });
    expect(byId.get('route-small')!.subworkflow!.failureNode).toMatchObject({ id: 'sfn', kind: 'task' });
    // Parallelism 2; four shards from the workflow input the array node is bound to.
    expect(byId.get('fanout')).toMatchObject({ kind: 'map', map: { size: 4, parallelism: 2 } });
    expect(byId.get('approve')).toMatchObject({ kind: 'gate', gate: { type: 'constant', value: 60 } });
    expect(new Set(byId.get('approve')!.upstream)).toEqual(new Set(['route', 'fanout']));
    expect(byId.get('notify')).toMatchObject({ kind: 'launchplan', launchplan: { name: 'pipelines.notify_lp' } });
    expect(wf.failureNode).toMatchObject({ id: 'efn', kind: 'task', taskType: 'python-task' });
    expect(wf.onFailurePolicy).toBe('afterExecutableNodesComplete');
    // The size propeller writes leaves the status out; managedFields are part of the object.
    const { status: _s, ...rest } = cr;
    expect(wf.specBytes).toBe(Buffer.byteLength(JSON.stringify(rest)));
    // A status does not change the workflow.
    const { status: _t, ...noStatus } = cr;
    expect(crdToWorkflow(noStatus)).toEqual(wf);
    const s = loadSimulationInput(join(dir, 'cluster-running.yaml'));
    expect(s.executions[0]).toMatchObject({ id: 'f8a1b2c3d4e5', project: 'analytics', domain: 'development', namespace: 'analytics-development' });
  });

  it('takes the branch cases the status records, in subworkflows too', () => {
    const cr = readCr('cluster-running.yaml');
    cr.status.nodeStatus.route = { phase: 2, branchStatus: { phase: 1, finalNodeId: 'route-small' } };
    cr.status.nodeStatus['route-small'] = { phase: 2, subNodeStatus: { s1: { phase: 2, branchStatus: { phase: 1, finalNodeId: 's1-n0' } } } };
    const wf = crdToWorkflow(cr);
    const route = wf.nodes.find((n) => n.id === 'route')!;
    expect(route.branch).toEqual({ cases: ['route-big', 'route-wait', 'route-small'], taken: 'route-small', by: 'status' });
    const sub = wf.nodes.find((n) => n.id === 'route-small')!.subworkflow!;
    expect(sub.nodes.find((n) => n.id === 's1')!.branch!.taken).toBe('s1-n0');
    // A recorded case that is not one of the branch's: the `if` case.
    cr.status.nodeStatus.route.branchStatus.finalNodeId = 'dedupe';
    expect(crdToWorkflow(cr).nodes.find((n) => n.id === 'route')!.branch!.taken).toBe('route-big');
    // Simulated: the recorded case runs, the others are skipped.
    cr.status.nodeStatus.route.branchStatus.finalNodeId = 'route-small';
    const file = join(tmp, 'taken.json');
    writeFileSync(file, JSON.stringify(cr));
    const rec = simulate(loadSimulationInput(file).executions, defaultModel(), { seed: 1, replication: 0 });
    const rep = computeReport(rec).executions.find((e) => e.id === 'f8a1b2c3d4e5')!;
    expect(rep.nodes.filter((n) => n.skipped).map((n) => n.id)).toEqual(['route-big', 'route-wait']);
    expect(rep.nodes.find((n) => n.id === 'route-small/s1-n0')?.complete).toBe(true);
  });

  it('cache hits and array sizes as the status records them', () => {
    const cr = readCr('cluster-running.yaml');
    cr.status.nodeStatus.extract.cached = true;
    cr.status.nodeStatus.fanout.arrayNodeStatus.subphase.count = 7;
    const byId = new Map(crdToWorkflow(cr).nodes.map((n) => [n.id, n]));
    expect(byId.get('extract')!.cache).toEqual({ hit: true });
    expect(byId.get('fanout')!.map!.size).toBe(7);
    // Options win over the status; OverwriteCache over both.
    expect(crdToWorkflow(cr, { cacheHit: false }).nodes.find((n) => n.id === 'extract')!.cache).toEqual({ hit: false });
    cr.executionConfig.OverwriteCache = true;
    expect(crdToWorkflow(cr).nodes.find((n) => n.id === 'extract')!.cache).toEqual({ hit: false, overwrite: true });
  });

  it('array nodes: default parallelism, literal lists, launch plans, legacy map tasks; OverwriteCache', () => {
    const cr = readCr('array-variants.json');
    const wf = crdToWorkflow(cr, { cacheHit: true });
    const byId = new Map(wf.nodes.map((n) => [n.id, n]));
    // OverwriteCache skips the catalog: no hit even when asked for. Parallelism null: flagged (the
    // 'hybrid' behaviour shares the workflow's).
    expect(byId.get('default-par')).toMatchObject({ kind: 'map', map: { size: 5, parallelism: 0, workflowParallelism: true }, cache: { hit: false } });
    // Parallelism 0: unlimited.
    expect(byId.get('literal-list')!.map).toEqual({ size: 3, parallelism: 0 });
    expect(byId.get('of-launch-plans')).toMatchObject({ kind: 'map', taskType: 'workflow', map: { size: 10, parallelism: 3 } });
    expect(byId.get('legacy-map')).toMatchObject({ kind: 'map', taskType: 'container_array', map: { size: 6, parallelism: 2 } });
    // the CR's MaxParallelism 0 is kept: propeller reads it as no limit
    expect(cr.executionConfig.MaxParallelism).toBe(0);
    expect(wf.maxParallelism).toBe(0);
  });

  /** Most subnodes of the array `default-par` (12 of them, the workflow's max parallelism 3) running at once. */
  const mostAtOnce = (behavior?: 'unlimited' | 'hybrid' | 'workflow'): number => {
    const cr = readCr('array-variants.json');
    const xs = cr.inputs.literals.xs.collection.literals;
    cr.inputs.literals.xs.collection.literals = Array.from({ length: 12 }, (_, i) => xs[i % xs.length]);
    cr.executionConfig.MaxParallelism = 3;
    const wf = crdToWorkflow(cr);
    expect(wf.maxParallelism).toBe(3);
    const exec = { id: 'p', arrival: 0, project: 'p', domain: 'd', namespace: 'p-d', workflow: wf };
    const model = defaultModel();
    if (behavior !== undefined) model.propeller.arrayParallelismBehavior = behavior;
    const rec = simulate([exec], model, { seed: 1, replication: 0 });
    const subs = rec.executions[0]!.nodes.filter((n) => n.parent === 'default-par');
    expect(subs).toHaveLength(12);
    // from each one's first transition to its terminal one
    const iv = subs.map((n) => [n.transitions[0]!.at, n.transitions.at(-1)!.at] as const);
    return Math.max(...iv.map(([s]) => iv.filter(([a, b]) => a <= s && s < b).length));
  };

  it("an array node without parallelism runs every subnode at once by default (default-parallelism-behavior 'unlimited')", () => {
    expect(mostAtOnce()).toBe(12);
    expect(mostAtOnce('unlimited')).toBe(12);
  });

  it("with the 'hybrid' or 'workflow' behaviour it runs at most the workflow's max parallelism at once", () => {
    for (const b of ['hybrid', 'workflow'] as const) {
      const most = mostAtOnce(b);
      expect(most).toBeLessThanOrEqual(3);
      expect(most).toBeGreaterThan(1);
    }
  });

  it('an array of launch plans: each subnode launches a child execution (no pod), at most `Parallelism` at once', () => {
    const wf = crdToWorkflow(readCr('array-variants.json'));
    const lp = wf.nodes.find((n) => n.id === 'of-launch-plans')!;
    expect(lp.launchplan?.name).toBe('train.report_lp');
    const rec = simulate([{ id: 'a', arrival: 0, project: 'p', domain: 'd', namespace: 'p-d', workflow: wf }], defaultModel(), { seed: 1, replication: 0 });
    const parent = rec.executions.find((e) => e.id === 'a')!;
    expect(parent.phase).toBe('Succeeded');
    const subs = parent.nodes.filter((n) => n.parent === 'of-launch-plans');
    expect(subs).toHaveLength(10);
    const ops = parent.handles.flatMap((h) => h.rounds.flatMap((r) => r.ops));
    for (const s of subs) {
      // shown as what a log shows it to be
      expect(s.kind).toBe('launchplan');
      expect(s.pods ?? []).toEqual([]);
      expect(s.transitions.at(-1)!.to).toBe('Succeeded');
      const launch = ops.find((o) => o.kind === 'launchExecution' && o.node === s.id && o.outcome === 'ok')!;
      const child = rec.executions.find((e) => e.id === launch.detail)!;
      expect(child.parent).toBe('a');
      expect(child.parentNode).toBe(s.id);
      expect(child.phase).toBe('Succeeded');
      // the subnode succeeds only after its child ended (noticed at an admin-launcher poll)
      expect(s.transitions.at(-1)!.at).toBeGreaterThanOrEqual(child.ended!.at);
    }
    expect(ops.some((o) => o.kind === 'podCreate' && o.node?.startsWith('of-launch-plans/'))).toBe(false);
    // Parallelism 3: never more than three children under way at once
    const kids = rec.executions.filter((e) => e.parent === 'a');
    expect(kids).toHaveLength(10);
    const iv = kids.map((k) => [k.created!.at, k.ended!.at] as const);
    const most = Math.max(...iv.map(([s]) => iv.filter(([a, b]) => a <= s && s < b).length));
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
  });

  it('a failing run aborts an array of launch plans by terminating the children it launched', () => {
    const wf = crdToWorkflow(readCr('array-variants.json'));
    // a task beside the array that fails its only attempt while the children run
    wf.nodes.push({ id: 'boom', kind: 'task', upstream: ['literal-list'], failedAttempts: 1, maxAttempts: 1, runtime: { type: 'constant', value: 5 } });
    const rec = simulate([{ id: 'a', arrival: 0, project: 'p', domain: 'd', namespace: 'p-d', workflow: wf }], defaultModel(), { seed: 1, replication: 0 });
    const parent = rec.executions.find((e) => e.id === 'a')!;
    expect(parent.phase).toBe('Failed');
    const ops = parent.handles.flatMap((h) => h.rounds.filter((r) => r.error === undefined).flatMap((r) => r.ops));
    const launched = ops.filter((o) => o.kind === 'launchExecution' && o.outcome === 'ok' && o.node?.startsWith('of-launch-plans/'));
    expect(launched.length).toBeGreaterThan(0);
    const terminated = new Set(ops.filter((o) => o.kind === 'terminateExecution').map((o) => o.detail));
    // every child still running when the run failed is terminated; none is deleted as a pod
    const running = launched.filter((o) => {
      const child = rec.executions.find((e) => e.id === o.detail)!;
      return child.phase !== 'Succeeded';
    });
    expect(running.length).toBeGreaterThan(0);
    for (const o of running) expect(terminated.has(o.detail)).toBe(true);
    expect(ops.some((o) => o.kind === 'podDelete' && o.node?.startsWith('of-launch-plans/'))).toBe(false);
  });

  it('an array over an empty list has no subnodes and succeeds; a bound input does not size the array', () => {
    const cr = readCr('array-variants.json');
    cr.spec.nodes['default-par'].array.MinSuccesses = null;
    // jsonpb writes an empty list as an empty collection
    cr.inputs.literals.xs = { collection: {} };
    const empty = crdToWorkflow(cr);
    expect(empty.nodes.find((n) => n.id === 'default-par')!.map!.size).toBe(0);
    const rec = simulate([{ id: 'e', arrival: 0, project: 'p', domain: 'd', namespace: 'p-d', workflow: empty }], defaultModel(), { seed: 1, replication: 0 });
    const e = rec.executions[0]!;
    expect(e.phase).toBe('Succeeded');
    expect(e.nodes.some((n) => n.parent === 'default-par')).toBe(false);
    expect(e.nodes.find((n) => n.id === 'default-par')!.transitions.at(-1)!.to).toBe('Succeeded');

    // `seed` made a 50-item list passed whole to every subnode: the array still maps over xs (5)
    const bound = readCr('array-variants.json');
    bound.inputs.literals.seed = { collection: { literals: Array.from({ length: 50 }, () => bound.inputs.literals.xs.collection.literals[0]) } };
    bound.spec.nodes['default-par'].array.BoundInputs = ['seed'];
    expect(crdToWorkflow(bound).nodes.find((n) => n.id === 'default-par')!.map!.size).toBe(5);
  });

  it('the CRs of a List arrive as admin accepted them, not all at once', () => {
    const a = readCr('array-variants.json');
    const b = readCr('array-variants.json');
    a.acceptedAt = '2024-05-17T22:00:00Z';
    b.acceptedAt = '2024-05-17T23:00:30Z';
    const file = join(tmp, 'accepted-list.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [b, a] }));
    const s = loadSimulationInput(file);
    expect(s.executions.map((e) => e.arrival)).toEqual([3630, 0]);
    expect(s.description).toContain('arriving as they were accepted');
    // without a time on every item, all arrive at once
    delete a.acceptedAt;
    delete a.metadata?.creationTimestamp;
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [b, a] }));
    expect(loadSimulationInput(file).executions.map((e) => e.arrival)).toEqual([0, 0]);
  });

  it('a branch node written without its kind is still a branch (its cases do not run as free tasks)', () => {
    const file = readdirSync(SHARED).find((f) => f.includes('nested_conditions'))!;
    const cr = JSON.parse(readFileSync(join(SHARED, file), 'utf8'));
    const withKinds = crdToWorkflow(cr);
    for (const n of Object.values(cr.spec.nodes) as Any[]) delete n.kind;
    const without = crdToWorkflow(cr);
    const shape = (wf: WorkflowDef) => wf.nodes.map((n) => `${n.id}:${n.kind}:${n.branchOf ?? ''}:${n.branch?.taken ?? ''}`).sort();
    expect(without.nodes.some((n) => n.kind === 'branch')).toBe(true);
    expect(shape(without)).toEqual(shape(withKinds));
  });

  it("a CR's MaxParallelism 0 means no limit, as in propeller; a CR without it gets the model's", () => {
    const fan = (max: number | undefined): number => {
      const cr = readCr('array-variants.json');
      if (max === undefined) delete cr.executionConfig.MaxParallelism;
      else cr.executionConfig.MaxParallelism = max;
      const wf = crdToWorkflow(cr);
      // 30 tasks side by side after the start node
      const tasks = Array.from({ length: 30 }, (_, i) => ({ id: `t${i}`, kind: 'task' as const, upstream: ['start-node'] }));
      const end = { id: 'end-node', kind: 'end' as const, upstream: tasks.map((t) => t.id) };
      const def: WorkflowDef = { ...wf, nodes: [wf.nodes.find((n) => n.kind === 'start')!, ...tasks, end] };
      const rec = simulate([{ id: 'f', arrival: 0, project: 'p', domain: 'd', namespace: 'p-d', workflow: def }], defaultModel(), { seed: 1, replication: 0 });
      const e = rec.executions[0]!;
      const iv = tasks.map((t) => {
        const tr = e.nodes.find((n) => n.id === t.id)!.transitions;
        // a node counts against the limit while queued or running (not once it is succeeding)
        return [tr.find((x) => x.to === 'Queued')!.at, tr.find((x) => x.to === 'Succeeding')!.at] as const;
      });
      return Math.max(...iv.map(([s]) => iv.filter(([a, b]) => a <= s && s < b).length));
    };
    expect(fan(0)).toBe(30);
    expect(fan(undefined)).toBeLessThanOrEqual(defaultModel().propeller.maxParallelism);
    expect(fan(4)).toBeLessThanOrEqual(4);
  });

  it('old or hand-made CRs: kinds inferred, connections, unknown fields and values ignored', () => {
    const cr = readCr('legacy-minimal.json');
    expect(isFlyteWorkflowCr(cr)).toBe(true);
    const wf = crdToWorkflow(cr);
    const kinds = Object.fromEntries(wf.nodes.map((n) => [n.id, n.kind]));
    expect(kinds).toEqual({ 'start-node': 'start', a: 'task', b: 'task', c: 'map', g: 'gate', h: 'gate', 'end-node': 'end' });
    const byId = new Map(wf.nodes.map((n) => [n.id, n]));
    expect(byId.get('c')!.map).toEqual({ size: 10, parallelism: 2 });
    expect(byId.get('g')!.gate).toEqual({ type: 'constant', value: 1.5 });
    expect(byId.get('a')!.cache).toBeUndefined(); // discoverable must be true, not "yes"
    expect(new Set(byId.get('g')!.upstream)).toEqual(new Set(['b', 'c']));
    expect(wf.maxParallelism).toBeUndefined();
    const s = loadSimulationInput(join(dir, 'legacy-minimal.json'));
    expect(s.executions[0]).toMatchObject({ id: 'legacy-1', project: 'flytesnacks', namespace: 'flytesnacks-development' });
  });

  it('unknown fields anywhere in a CR never change the workflow', () => {
    for (const f of fixtures) {
      for (const cr of crsOf(readCr(f))) {
        const before = crdToWorkflow(cr);
        const noisy = structuredClone(cr);
        // Objects whose keys are fields (not ids): add a field of every JSON type.
        const structs: Any[] = [noisy, noisy.metadata, noisy.spec, noisy.spec.edges, noisy.tasks, noisy.executionConfig, noisy.status];
        for (const n of Object.values<Any>(noisy.spec.nodes)) structs.push(n, n.branch, n.branch?.if, n.gate, n.array, n.workflow, n.array?.SubNodeSpec);
        for (const t of Object.values<Any>(noisy.tasks ?? {})) structs.push(t, t.metadata);
        let k = 0;
        for (const o of structs) {
          if (o === null || typeof o !== 'object' || o === noisy.tasks) continue;
          Object.assign(o, { [`zzFuture${k++}`]: { a: [1, 'x', null, { b: true }] }, zzNull: null, zzNum: 1.5e300 });
        }
        const after = crdToWorkflow(noisy);
        expect({ ...after, specBytes: 0, closureBytes: 0 }, f).toEqual({ ...before, specBytes: 0, closureBytes: 0 });
        expect(after.specBytes).toBeGreaterThan(before.specBytes);
      }
    }
  });

  it('an offloaded closure is one clear input error', async () => {
    const cr = readCr(OFFLOADED);
    expect(isFlyteWorkflowCr(cr)).toBe(true);
    let err: unknown;
    try {
      crdToWorkflow(cr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).path).toBe('workflowClosureReference');
    expect((err as InputError).message).toMatch(/offloaded to the blobstore .*no spec to simulate/);
    // Also with an empty spec, and without `kind`.
    const { kind: _k, ...noKind } = { ...cr, spec: { nodes: {} } };
    expect(isFlyteWorkflowCr(noKind)).toBe(true);
    expect(() => crdToWorkflow(noKind)).toThrow(/offloaded/);
    const file = join(dir, OFFLOADED);
    const r = await runCli(['simulate', file]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')).toHaveLength(2);
    expect(r.err).toMatch(new RegExp(`^propsim: ${file}:\\d+: workflowClosureReference: the workflow closure of this CR is offloaded`));
  });

  it('a List, the same CRs as YAML documents, and lists with nothing to simulate', async () => {
    const list = readCr('list.json');
    const ids = (s: ReturnType<typeof loadSimulationInput>) => s.executions.map((e) => [e.id, e.workflow.nodes.length]);
    const fromJson = loadSimulationInput(join(dir, 'list.json'));
    expect(ids(fromJson)).toEqual([
      ['run-a', 3],
      ['run-b', 4],
    ]);
    const yamlList = join(tmp, 'list.yaml');
    writeFileSync(yamlList, stringify(list));
    expect(ids(loadSimulationInput(yamlList))).toEqual(ids(fromJson));
    const docs = join(tmp, 'docs.yaml');
    writeFileSync(docs, `---\n${list.items.map((i: Any) => stringify(i)).join('---\n')}---\n`);
    expect(ids(loadSimulationInput(docs))).toEqual(ids(fromJson));
    // A bad field in the second document names its line in that document.
    const bad = structuredClone(list.items);
    bad[1].spec.nodes.n1.task = 'missing';
    const badDocs = join(tmp, 'bad-docs.yaml');
    const text = bad.map((i: Any) => stringify(i)).join('---\n');
    writeFileSync(badDocs, text);
    const line = text.split('\n').findIndex((l: string) => l.includes('task: missing')) + 1;
    const r = await runCli(['simulate', badDocs]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${badDocs}:${line}: items[1].spec.nodes.n1.task: unknown task "missing"`);

    const empty = join(tmp, 'empty.json');
    writeFileSync(empty, JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: [] }));
    const e = await runCli(['simulate', empty]);
    expect(e.code).toBe(2);
    expect(e.err).toBe(`propsim: ${empty}:1: is an empty List: no FlyteWorkflow CRs in items\n`);
    const pods = join(tmp, 'pods.json');
    writeFileSync(pods, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [list.items[0], { apiVersion: 'v1', kind: 'Pod' }] }));
    const p = await runCli(['simulate', pods]);
    expect(p.code).toBe(2);
    expect(p.err).toMatch(/item 1 is a Pod; simulate takes FlyteWorkflow CRs/);
  });

  it('the CLI prints every fixture with skipped cases marked and failure nodes not started', async () => {
    const r = await runCli(['simulate', join(dir, 'cluster-running.yaml')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ {4}route-wait \(skipped\) +gate /m);
    expect(r.out).toMatch(/^ {4}route-big +task .* parent started$/m);
    // the workflow's failure node (a node of the top DAG's record) and the subworkflow's
    expect(r.out).toMatch(/not started: route-small\/start-node, .*, efn, route-small\/sfn$/m);
    const html = join(tmp, 'cluster.html');
    expect((await runCli(['simulate', join(dir, 'cluster-running.yaml'), '--html', html])).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('route-wait (skipped)');
  });
});

describe('text encodings', () => {
  it('a byte-order mark: UTF-8 dropped, UTF-16 (either byte order) decoded', () => {
    const text = readFileSync(join(dir, 'list.json'), 'utf8');
    const le = Buffer.from(text, 'utf16le');
    const encodings: [string, Buffer][] = [
      ['utf8-bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])],
      ['utf16le.json', Buffer.concat([Buffer.from([0xff, 0xfe]), le])],
      ['utf16be.json', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()])],
    ];
    const want = loadSimulationInput(join(dir, 'list.json')).executions;
    for (const [name, bytes] of encodings) {
      const f = join(tmp, name);
      writeFileSync(f, bytes);
      expect(loadSimulationInput(f).executions, name).toEqual(want);
    }
    expect(loadSimulationInput('-', `\uFEFF${text}`).executions).toEqual(want);
  });
});

describe('a scenario naming a CR file', () => {
  const scenario = (crd: string) => {
    const f = join(tmp, `scenario-${crd}.yaml`);
    writeFileSync(f, stringify({ name: 's', description: 'd', workflows: { w: { crd } }, executions: [{ workflow: 'w' }] }));
    return f;
  };
  it('takes a List holding one CR, and refuses one holding several', () => {
    const list = readCr('list.json');
    writeFileSync(join(tmp, 'one.json'), JSON.stringify({ ...list, items: [list.items[1]] }));
    writeFileSync(join(tmp, 'two.json'), JSON.stringify(list));
    expect(loadSimulationInput(scenario('one.json')).executions[0]!.workflow.nodes.map((n) => n.id)).toEqual(['start-node', 'n0', 'n1', 'end-node']);
    expect(() => loadSimulationInput(scenario('two.json'))).toThrow(/is a List of 2 FlyteWorkflow CRs; a workflow's crd: names a file with one/);
  });
  it("names the child workflow of an array of launch plans (`overrides.<id>.launchplan`); a task is refused", () => {
    writeFileSync(join(tmp, 'av.json'), readFileSync(join(dir, 'array-variants.json')));
    const f = join(tmp, 'lp-override.yaml');
    const doc = (over: Record<string, unknown>) => ({
      name: 's',
      description: 'd',
      workflows: { child: { nodes: [{ id: 'c', runtime: '60s' }] }, w: { crd: 'av.json', overrides: over } },
      executions: [{ workflow: 'w' }],
    });
    writeFileSync(f, stringify(doc({ 'of-launch-plans': { launchplan: 'child' } })));
    const arr = loadSimulationInput(f).executions[0]!.workflow.nodes.find((n) => n.id === 'of-launch-plans')!;
    expect(arr.launchplan?.nodes.map((n) => n.id)).toContain('c');
    writeFileSync(f, stringify(doc({ 'default-par': { launchplan: 'child' } })));
    expect(() => loadSimulationInput(f)).toThrow(/not a launch plan or an array of launch plans/);
  });
  it('takes a cluster CR in YAML', () => {
    writeFileSync(join(tmp, 'c.yaml'), readFileSync(join(dir, 'cluster-running.yaml')));
    const wf = loadSimulationInput(scenario('c.yaml')).executions[0]!.workflow;
    expect(wf.failureNode?.id).toBe('efn');
    expect(wf.nodes).toHaveLength(12);
  });
});

describe('WorkflowDef of a CR', () => {
  it("a task node's attempts are its retry strategy's minAttempts, else propeller's default of one", () => {
    const cr = readCr('cluster-running.yaml');
    const byId = new Map(crdToWorkflow(cr).nodes.map((n) => [n.id, n]));
    expect(byId.get('extract')!.maxAttempts).toBe(3);
    expect(byId.get('dedupe')!.maxAttempts).toBe(1);
    cr.spec.nodes.dedupe.retry = { minAttempts: '4' };
    expect(crdToWorkflow(cr).nodes.find((n) => n.id === 'dedupe')!.maxAttempts).toBe(4);
    delete cr.spec.onFailurePolicy;
    expect(crdToWorkflow(cr).onFailurePolicy).toBeUndefined();
    cr.spec.onFailurePolicy = 1;
    expect(crdToWorkflow(cr).onFailurePolicy).toBe('afterExecutableNodesComplete');
  });

  it('a failure node id that is also a DAG node is an error naming the field', () => {
    const cr = readCr('list.json').items[0];
    cr.spec.onFailure = { id: 'n0', kind: 'task', task: 'hello' };
    expect(() => crdToWorkflow(cr)).toThrow(/failure node id "n0" is also in nodes/);
  });

  it('sleep durations as protobuf objects, launch plan references as names', () => {
    const cr = readCr('legacy-minimal.json');
    cr.spec.nodes.g.gate.sleep.duration = { seconds: '90', nanos: 500000000 };
    cr.spec.nodes.h = { id: 'h', kind: 'workflow', workflow: { launchPlanRefId: 'team.child_lp' } };
    const byId = new Map(crdToWorkflow(cr).nodes.map((n) => [n.id, n]));
    expect(byId.get('g')!.gate).toEqual({ type: 'constant', value: 90.5 });
    expect(byId.get('h')).toMatchObject({ kind: 'launchplan', launchplan: { name: 'team.child_lp' } });
    cr.spec.nodes.g.gate.sleep.duration = { minutes: 3 };
    expect(() => crdToWorkflow(cr)).toThrow(/expected a duration/);
  });

  it('a negative sleep is an error naming the field', () => {
    const cr = readCr('legacy-minimal.json');
    cr.spec.nodes.g.gate.sleep.duration = '-5s';
    const err = thrown(() => crdToWorkflow(cr));
    expect(err.path).toBe('spec.nodes.g.gate.sleep.duration');
  });

  it('keeps failure nodes out of the DAG', () => {
    const wf: WorkflowDef = crdToWorkflow(readCr('cluster-running.yaml'));
    expect(wf.nodes.map((n) => n.id)).not.toContain('efn');
    for (const n of wf.nodes) expect(n.upstream).not.toContain('efn');
  });
});

/**
 * Random CRs in the shape Flyte's compiler gives them: a DAG over task, cached task, gate, array,
 * launch plan, subworkflow and branch nodes (cases of any of those kinds, nested branches),
 * edges as `edges.upstream`, `edges.downstream` or `connections`, with or without failure nodes.
 */
const leafKind = fc.constantFrom('task', 'cached', 'sleep', 'approve', 'array', 'lp', 'sub');
type Leaf = 'task' | 'cached' | 'sleep' | 'approve' | 'array' | 'lp' | 'sub';
interface Shape {
  kind: Leaf | 'branch';
  cases?: Shape[];
}
const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ shape: Shape }>((tie) => ({
  shape: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafKind.map((kind): Shape => ({ kind })),
    fc.array(tie('shape'), { minLength: 1, maxLength: 3 }).map((cases): Shape => ({ kind: 'branch', cases })),
  ),
})).shape;
const crArb = fc.record({
  shapes: fc.array(shapeArb, { minLength: 1, maxLength: 6 }),
  ups: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 6, maxLength: 6 }),
  edgeForm: fc.constantFrom('upstream', 'downstream', 'connections'),
  failure: fc.boolean(),
  elseLast: fc.boolean(),
});

function randomCr(r: { shapes: Shape[]; ups: number[][]; edgeForm: string; failure: boolean; elseLast: boolean }): Any {
  const nodes: Record<string, Any> = { 'start-node': { id: 'start-node', kind: 'start' }, 'end-node': { id: 'end-node', kind: 'end' } };
  const spec = (id: string, s: Shape): void => {
    switch (s.kind) {
      case 'task':
        nodes[id] = { id, kind: 'task', task: 't' };
        return;
      case 'cached':
        nodes[id] = { id, kind: 'task', task: 'tc' };
        return;
      case 'sleep':
        nodes[id] = { id, kind: 'gate', gate: { kind: 'sleep', sleep: { duration: '2s' } } };
        return;
      case 'approve':
        nodes[id] = { id, kind: 'gate', gate: { kind: 'approve', approve: { signalId: id } } };
        return;
      case 'array':
        nodes[id] = { id, kind: 'array', array: { SubNodeSpec: { id, kind: 'task', task: 't' }, Parallelism: null }, inputBindings: [{ var: 'x', binding: { promise: { nodeId: 'start-node', var: 'xs' } } }] };
        return;
      case 'lp':
        nodes[id] = { id, kind: 'workflow', workflow: { launchPlanRefId: { resourceType: 'LAUNCH_PLAN', name: 'lp.child' } } };
        return;
      case 'sub':
        nodes[id] = { id, kind: 'workflow', workflow: { subWorkflowRef: 'sub.wf' } };
        return;
      case 'branch': {
        const ids = s.cases!.map((_, i) => `${id}-n${i}`);
        s.cases!.forEach((c, i) => spec(ids[i]!, c));
        const cond = { comparison: { operator: 'EQ', leftValue: { var: '.x' }, rightValue: { primitive: { integer: '1' } } } };
        const useElse = r.elseLast && ids.length > 1;
        const ifs = useElse ? ids.slice(0, -1) : ids;
        nodes[id] = {
          id,
          kind: 'branch',
          branch: {
            if: { condition: cond, then: ifs[0] },
            ...(ifs.length > 1 ? { elseIf: ifs.slice(1).map((then) => ({ condition: cond, then })) } : {}),
            ...(useElse ? { else: ids.at(-1) } : { elseFail: { failedNodeId: id, message: 'no case' } }),
          },
        };
        return;
      }
    }
  };
  const top = r.shapes.map((s, i) => {
    spec(`n${i}`, s);
    return `n${i}`;
  });
  const up: Record<string, string[]> = {};
  top.forEach((id, i) => {
    const from = [...new Set((r.ups[i] ?? []).filter((u) => u < i).map((u) => `n${u}`))];
    up[id] = from.length > 0 ? from : ['start-node'];
  });
  const hasDown = new Set(Object.values(up).flat());
  up['end-node'] = top.filter((id) => !hasDown.has(id));
  const down: Record<string, string[]> = {};
  for (const [to, froms] of Object.entries(up)) for (const f of froms) (down[f] ??= []).push(to);
  const edges = r.edgeForm === 'upstream' ? { edges: { upstream: up } } : r.edgeForm === 'downstream' ? { edges: { downstream: down } } : { connections: down };
  return {
    apiVersion: 'flyte.lyft.com/v1alpha1',
    kind: 'FlyteWorkflow',
    metadata: { name: 'rnd', namespace: 'p-d', labels: { project: 'p', domain: 'd', 'execution-id': 'rnd' } },
    inputs: { literals: { xs: { collection: { literals: [{ scalar: { primitive: { integer: '1' } } }, { scalar: { primitive: { integer: '2' } } }] } } } },
    spec: { id: 'p:d:rnd', nodes, ...edges, ...(r.failure ? { onFailure: { id: 'fn', kind: 'task', task: 't' } } : {}) },
    subWorkflows: {
      'sub.wf': {
        id: 'sub.wf',
        nodes: { 'start-node': { id: 'start-node', kind: 'start' }, s0: { id: 's0', kind: 'task', task: 't' }, 'end-node': { id: 'end-node', kind: 'end' } },
        connections: { 'start-node': ['s0'], s0: ['end-node'] },
        ...(r.failure ? { onFailure: { id: 'sfn', kind: 'task', task: 't' } } : {}),
      },
    },
    tasks: { t: { id: { name: 't' }, type: 'python-task' }, tc: { id: { name: 'tc' }, type: 'python-task', metadata: { discoverable: true } } },
  };
}

describe('random FlyteWorkflow CRs', () => {
  test.prop([crArb], { numRuns: 40 })('load, simulate to the end, deterministically, with every node in the report', (r) => {
    const cr = randomCr(r);
    const file = join(tmp, 'random.json');
    writeFileSync(file, JSON.stringify(cr));
    const scenario = loadSimulationInput(file);
    const runOnce = () => simulate(scenario.executions, defaultModel(), { seed: 3, replication: 0 });
    const recording = runOnce();
    for (const e of recording.executions) {
      expect(e.ended, e.id).toBeDefined();
      expect(e.phase, e.id).toBe('Succeeded');
    }
    const rep = computeReport(recording).executions.find((e) => e.id === 'rnd')!;
    const want = expectedOf(cr);
    const rows = new Map(rep.nodes.map((n) => [n.id, n]));
    for (const n of want.rows) {
      expect(rows.get(n)?.complete, n).toBe(true);
      expect(rows.get(n)!.skipped === true, n).toBe(want.skipped.has(n));
    }
    // Subnodes of an array node that never ran are not started either.
    expect(new Set(rep.notStarted.filter((n) => !/\/n\d+$/.test(n)))).toEqual(want.notStarted);
    for (const n of rep.notStarted) {
      const owner = n.replace(/\/n\d+$/, '');
      if (owner !== n) expect(rows.get(owner)?.skipped === true || want.notStarted.has(owner), n).toBe(true);
    }
    expect(JSON.stringify(runOnce())).toBe(JSON.stringify(recording));
  });
});
