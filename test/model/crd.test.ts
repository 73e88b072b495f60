import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { crdToWorkflow, flyteWorkflowPart, isFlyteWorkflowCr } from '../../src/model/crd.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadCrdFile, loadSimulationInput } from '../../src/model/load.js';
import { computeReport } from '../../src/metrics/index.js';
import { simulate } from '../../src/propeller/simulator.js';
import { runCli } from '../support/run-cli.js';
import { expectedOf, FAILS, thrown } from './helpers.js';
import type { WorkflowDef } from '../../src/model/workflow.js';

// Verbatim copies of FlyteWorkflow CRs from Flyte's repository (see SOURCE.txt there), so tests run from a clean clone.
const dir = 'test/fixtures/flyteworkflow-crds';
// Flyte's test data for the CRD types: parts of CRs and one CR in an old format (see SOURCE.txt there).
const partsDir = 'test/fixtures/flyteworkflow-v1alpha1-testdata';
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const read = (f: string): Any => JSON.parse(readFileSync(join(dir, f), 'utf8'));

function byId(wf: WorkflowDef) {
  return new Map(wf.nodes.map((n) => [n.id, n]));
}

/** The case ids of branch `id` in the CR's top-level workflow. */
function wfCases(cr: Any, id: string): string[] {
  const b = cr.spec.nodes[id].branch;
  return [b.if.then, ...(b.elseIf ?? []).map((c: Any) => c.then), ...(b.else ? [b.else] : [])];
}

function caseIds(cr: Any): Set<string> {
  const out = new Set<string>();
  for (const n of Object.values<Any>(cr.spec.nodes)) {
    if (n.kind !== 'branch') continue;
    out.add(n.branch.if.then);
    for (const c of n.branch.elseIf ?? []) out.add(c.then);
    if (n.branch.else) out.add(n.branch.else);
  }
  return out;
}

describe('FlyteWorkflow CR import', () => {
  it('finds all 55 CRs', () => {
    expect(files).toHaveLength(55);
  });

  it.each(files)('%s yields every node with its kind and upstream set', (f) => {
    const cr = read(f);
    expect(isFlyteWorkflowCr(cr)).toBe(true);
    const wf = loadCrdFile(join(dir, f));
    const specNodes = Object.keys(cr.spec.nodes);
    expect(wf.nodes).toHaveLength(specNodes.length);
    expect(new Set(wf.nodes.map((n) => n.id))).toEqual(new Set(specNodes));

    const cases = caseIds(cr);
    // Upstream from connections (downstream lists, inverted).
    const fromConnections = new Map<string, Set<string>>();
    for (const [from, tos] of Object.entries<string[]>(cr.spec.connections)) {
      for (const to of tos) fromConnections.set(to, (fromConnections.get(to) ?? new Set()).add(from));
    }
    for (const n of wf.nodes) {
      const spec = cr.spec.nodes[n.id];
      const template = spec.task ? cr.tasks[spec.task] : undefined;
      const expectedKind =
        spec.kind === 'task' && template?.type === 'container_array' ? 'map' : spec.kind === 'workflow' ? n.kind : spec.kind;
      expect(n.kind).toBe(expectedKind);
      if (template) {
        expect(n.taskType).toBe(template.type);
        expect(n.cache !== undefined).toBe(template.metadata?.discoverable === true);
      }
      if (cases.has(n.id)) {
        expect(n.upstream).toEqual([]);
        expect(n.branchOf).toBeDefined();
      } else {
        expect(new Set(n.upstream)).toEqual(new Set(cr.spec.edges.upstream[n.id] ?? []));
        expect(new Set(n.upstream)).toEqual(fromConnections.get(n.id) ?? new Set());
      }
      expect(n.runtime).toBeUndefined(); // left to the model's defaultRuntime
    }
    const { status: _status, ...rest } = cr;
    expect(wf.specBytes).toBe(Buffer.byteLength(JSON.stringify(rest)));
    expect(wf.closureBytes).toBe(
      Buffer.byteLength(JSON.stringify(cr.tasks)) + Buffer.byteLength('{}') + Buffer.byteLength(JSON.stringify(cr.spec.nodes)),
    );
    expect(wf.name).toBe(cr.spec.id);
  });

  it('every CR simulates as a one-execution scenario', () => {
    let nodes = 0;
    for (const f of files) {
      const s = loadSimulationInput(join(dir, f));
      expect(s.executions).toHaveLength(1);
      expect(s.description).toContain('FlyteWorkflow CR');
      nodes += s.executions[0]!.workflow.nodes.length;
    }
    // Sum of spec.nodes over the 55 files.
    expect(nodes).toBe(files.reduce((a, f) => a + Object.keys(read(f).spec.nodes).length, 0));
    expect(nodes).toBe(267);
  });

  // What these CRs' inputs make their branches do (every input is a zero value: 0, 0.0, false, ""),
  // worked out by hand from each condition; a branch not listed takes its `if` case (its
  // conditions read another node's outputs, which a simulation does not know).
  const decisions: Record<string, Record<string, string>> = {
    '026_core.control_flow.conditions.multiplier_2_wf_crd.json': { n0: 'n0-n1' }, // 0.1 <= 0 is false: else
    '028_core.control_flow.conditions.multiplier_2_2_wf_crd.json': { n0: FAILS }, // 0 in neither (0.1, 1) nor (1, 10]: elseFail
    '030_core.control_flow.conditions.multiplier_3_2_wf_crd.json': { n0: FAILS },
    '037_core.control_flow.conditions.bool_input_wf_2_wf_crd.json': { n0: 'n0-n1' }, // b == true is false: else
    '039_core.control_flow.conditions.nested_conditions_2_wf_crd.json': { n0: 'n0-n2' }, // neither (0.1, 1) nor (1, 10): else
    '059_core.control_flow.merge_sort.merge_sort_2_wf_crd.json': { n0: 'n0-n0' }, // 0 <= 0
    'branch_mycereal_condition_has_no_deps.json': { n2: FAILS }, // the bound literal true == false is false: elseFail
    'branch_success_6.json': { 'node-0': 'node-0-branchn1' },
    'branch_success_7_nested.json': { 'branchnode-2': FAILS },
    'branch_success_8_nested.json': { n0: 'n0-n2' },
  };

  it('the listed decisions are the ones the loader makes, and no other branch is decided from the inputs', () => {
    for (const f of files) {
      const wf = loadCrdFile(join(dir, f));
      const byInputs = Object.fromEntries(
        wf.nodes.filter((n) => n.branch?.by === 'inputs').map((n) => [n.id, n.branch!.fails !== undefined ? FAILS : n.branch!.taken]),
      );
      // nested branches inside a case that is not taken are decided too, but never run
      const listed = decisions[f] ?? {};
      for (const [id, taken] of Object.entries(listed)) expect(byInputs[id], `${f} ${id}`).toBe(taken);
      for (const id of Object.keys(byInputs)) if (!(id in listed)) expect(wf.nodes.find((n) => n.id === id)!.branchOf, `${f} ${id}`).toBeDefined();
    }
  });

  it("the header names only branches that run; a comparison propeller refuses fails the branch before any case is skipped", () => {
    const tmp = mkdtempSync(join(tmpdir(), 'propsim-branch-'));
    const cr = read('039_core.control_flow.conditions.nested_conditions_2_wf_crd.json');
    // 50: the outer branch takes its else case; the inner one (inside a case not taken) would fail
    cr.inputs.literals.my_input = { scalar: { primitive: { floatValue: 50 } } };
    writeFileSync(join(tmp, 'fifty.json'), JSON.stringify(cr));
    const s = loadSimulationInput(join(tmp, 'fifty.json'));
    expect(s.description).toContain("from the execution's inputs, branch n0 takes n0-n2");
    expect(s.description).not.toContain('n0-n0 ');
    expect(simulate(s.executions, defaultModel(), { seed: 1, replication: 0 }).executions[0]!.phase).toBe('Succeeded');
    // an integer compared with the float bounds
    cr.inputs.literals.my_input = { scalar: { primitive: { integer: '5' } } };
    writeFileSync(join(tmp, 'int.json'), JSON.stringify(cr));
    const t = loadSimulationInput(join(tmp, 'int.json'));
    expect(t.description).toContain('branch n0 fails: Comparison between different primitives types');
    const rec = simulate(t.executions, defaultModel(), { seed: 1, replication: 0 });
    expect(rec.executions[0]!.phase).toBe('Failed');
    const rep = computeReport(rec).executions[0]!;
    expect(rep.nodes.filter((n) => n.skipped)).toEqual([]);
    expect(rep.notStarted).toEqual(expect.arrayContaining(['n0-n0', 'n0-n1', 'n0-n2', 'end-node']));
  });

  it.each(files)('%s runs to its end with every node in the report, untaken cases skipped', (f) => {
    const cr = read(f);
    const s = loadSimulationInput(join(dir, f));
    const recording = simulate(s.executions, defaultModel(), { seed: 1, replication: 0 });
    const exec = recording.executions[0]!;
    expect(exec.ended).toBeDefined();
    const rep = computeReport(recording).executions[0]!;
    const fails = Object.entries(decisions[f] ?? {}).filter(([, v]) => v === FAILS);
    const want = expectedOf(cr, decisions[f]);
    const rows = new Set(rep.nodes.map((n) => n.id));
    // Nodes still running when the workflow failed are aborted: they end at their ABORTED event.
    const aborted = new Set<string>();
    for (const h of exec.handles) for (const r of h.rounds) for (const o of r.ops) if (o.kind === 'nodeEvent' && o.to === 'ABORTED') aborted.add(o.node!);
    if (fails.length === 0) expect(aborted.size).toBe(0);
    for (const n of rep.nodes) {
      expect(n.complete, n.id).toBe(true);
      expect(n.aborted === true, `${n.id} aborted`).toBe(aborted.has(n.id));
      expect(n.skipped === true, `${n.id} skipped`).toBe(want.skipped.has(n.id));
      for (const v of [n.timeNs, n.userNs, n.flyteNs, n.externalNs, n.waitNs]) {
        expect(Number.isFinite(v) && v >= 0, `${n.id}: ${v}`).toBe(true);
      }
    }
    expect(rep.makespanNs).toBeGreaterThan(0);
    if (fails.length === 0) {
      expect(exec.phase).toBe('Succeeded');
      // Every spec node has a row (untaken branch cases marked skipped); other rows are map subnodes.
      for (const id of want.rows) expect(rows.has(id), `row for ${id}`).toBe(true);
      for (const id of rows) expect(want.rows.has(id) || /\/n\d+$/.test(id), `unexpected row ${id}`).toBe(true);
      // nodes inside a case not taken never start
      expect(new Set(rep.notStarted)).toEqual(want.notStarted);
    } else {
      // The branch fails with its cases skipped, the workflow fails, and every node of the CR is
      // still named: as a row, or among those that did not start.
      expect(exec.phase).toBe('Failed');
      for (const [id] of fails) {
        expect(exec.nodes.find((n) => n.id === id)!.transitions.at(-1)!.to, id).toBe('Failed');
        for (const c of wfCases(cr, id)) expect(rep.nodes.find((n) => n.id === c)?.skipped, `${id} case ${c}`).toBe(true);
      }
      for (const id of Object.keys(cr.spec.nodes)) expect(rows.has(id) !== rep.notStarted.includes(id), id).toBe(true);
    }
  });

  it('nested branches: cases, taken case and branch ownership', () => {
    const wf = crdToWorkflow(read('039_core.control_flow.conditions.nested_conditions_2_wf_crd.json'));
    const n = byId(wf);
    // my_input = 0.0: neither 0.1 < x < 1 nor 1 < x < 10, so the else case
    expect(n.get('n0')!.branch).toEqual({ cases: ['n0-n0', 'n0-n1', 'n0-n2'], taken: 'n0-n2', by: 'inputs' });
    expect(n.get('n0')!.upstream).toEqual(['start-node']);
    expect(n.get('n0-n0')!).toMatchObject({ kind: 'branch', branchOf: 'n0', upstream: [] });
    // elseFail: no else case; x < 0.5 holds.
    expect(n.get('n0-n0')!.branch).toEqual({ cases: ['n0-n0-n0', 'n0-n0-n1'], taken: 'n0-n0-n0', by: 'inputs' });
    expect(n.get('n0-n0-n1')!.branchOf).toBe('n0-n0');
    expect(n.get('end-node')!.upstream).toEqual(['n0']);
    // Cases come right after their branch in the node order.
    expect(wf.nodes.map((x) => x.id)).toEqual(['start-node', 'n0', 'n0-n0', 'n0-n0-n0', 'n0-n0-n1', 'n0-n1', 'n0-n2', 'end-node']);
  });

  it('map task (container_array) with its size from the workflow inputs', () => {
    const wf = crdToWorkflow(read('053_core.control_flow.map_task.my_map_workflow_2_wf_crd.json'));
    const n = byId(wf);
    expect(n.get('n0')).toMatchObject({ kind: 'map', taskType: 'container_array', map: { size: 1, parallelism: 0 } });
    expect(n.get('n1')).toMatchObject({ kind: 'task', taskType: 'python-task', upstream: ['n0'] });
    expect(n.get('end-node')!.upstream).toEqual(['n1']);
  });

  it('cacheable tasks and a diamond', () => {
    const wf = crdToWorkflow(read('147_core.flyte_basics.task_cache.cached_dataframe_wf_2_wf_crd.json'), { cacheHit: true });
    const n = byId(wf);
    expect(n.get('n0')!.cache).toBeUndefined();
    expect(n.get('n1')!.cache).toEqual({ hit: true });
    expect(n.get('n2')!.cache).toEqual({ hit: true });
    expect(new Set(n.get('n2')!.upstream)).toEqual(new Set(['n0', 'n1']));
    expect(new Set(n.get('n3')!.upstream)).toEqual(new Set(['n1', 'n2']));
  });

  it('subworkflows, launch plans, gates and array nodes', () => {
    const cr = read('069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json');
    const taskRef = 'resource_type:TASK name:"core.control_flow.subworkflows.count_freq_words"';
    cr.subWorkflows = {
      'sub.wf': {
        id: 'sub.wf',
        nodes: {
          'start-node': { id: 'start-node', kind: 'start' },
          s0: { id: 's0', kind: 'task', task: taskRef },
          s1: { id: 's1', kind: 'task', task: taskRef },
          'end-node': { id: 'end-node', kind: 'end' },
        },
        connections: { 'start-node': ['s0'], s0: ['s1'], s1: ['end-node'] },
      },
    };
    Object.assign(cr.spec.nodes, {
      sw: { id: 'sw', kind: 'workflow', workflow: { subWorkflowRef: 'sub.wf' } },
      lp: { id: 'lp', kind: 'workflow', workflow: { launchPlanRefId: { resourceType: 'LAUNCH_PLAN', name: 'my.lp' } } },
      g: { id: 'g', kind: 'gate', gate: { kind: 'sleep', sleep: { duration: '90s' } } },
      arr: { id: 'arr', kind: 'array', array: { subNodeSpec: { id: 'arr', kind: 'task', task: taskRef }, parallelism: 4 } },
    });
    cr.spec.connections = { 'start-node': ['n0'], n0: ['sw', 'lp'], sw: ['g'], lp: ['g'], g: ['arr'], arr: ['end-node'] };
    delete cr.spec.edges;
    const child: WorkflowDef = { name: 'child', nodes: [], specBytes: 1 };
    const wf = crdToWorkflow(cr, { launchPlans: { 'my.lp': child }, defaultMapSize: 7 });
    const n = byId(wf);
    expect(wf.nodes).toHaveLength(7);
    expect(n.get('sw')!.kind).toBe('subworkflow');
    expect(n.get('sw')!.subworkflow!.nodes.map((x) => [x.id, x.upstream])).toEqual([
      ['start-node', []],
      ['s0', ['start-node']],
      ['s1', ['s0']],
      ['end-node', ['s1']],
    ]);
    expect(n.get('lp')).toMatchObject({ kind: 'launchplan', launchplan: child });
    expect(n.get('g')).toMatchObject({ kind: 'gate', gate: { type: 'constant', value: 90 }, upstream: ['sw', 'lp'] });
    expect(n.get('arr')).toMatchObject({ kind: 'map', map: { size: 7, parallelism: 4 }, upstream: ['g'], maxAttempts: 1 });
    expect(n.get('arr')!.map!.minSuccesses).toBeUndefined();
    expect(n.get('arr')!.map!.minSuccessRatio).toBeUndefined();
    // success criteria (minSuccesses wins), and each subtask's attempts from the sub-node's retry
    cr.spec.nodes.arr.array.minSuccessRatio = 0.5;
    cr.spec.nodes.arr.array.subNodeSpec.retry = { minAttempts: 3 };
    expect(byId(crdToWorkflow(cr, { defaultMapSize: 7 })).get('arr')).toMatchObject({ maxAttempts: 3, map: { minSuccessRatio: 0.5 } });
    cr.spec.nodes.arr.array.minSuccesses = 5;
    const both = byId(crdToWorkflow(cr, { defaultMapSize: 7 })).get('arr')!;
    expect(both.map).toMatchObject({ minSuccesses: 5 });
    expect(both.map!.minSuccessRatio).toBeUndefined();
    delete cr.spec.nodes.arr.array.minSuccesses;
    delete cr.spec.nodes.arr.array.minSuccessRatio;
    delete cr.spec.nodes.arr.array.subNodeSpec.retry;
    expect(wf.closureBytes).toBe(
      Buffer.byteLength(JSON.stringify(cr.tasks)) +
        Buffer.byteLength(JSON.stringify(cr.subWorkflows)) +
        Buffer.byteLength(JSON.stringify(cr.spec.nodes)),
    );
    // Without a given child, a launch plan gets a one-task placeholder.
    const placeholder = crdToWorkflow(cr).nodes.find((x) => x.id === 'lp')!.launchplan!;
    expect(placeholder.name).toBe('my.lp');
    expect(placeholder.nodes.map((x) => x.kind)).toEqual(['start', 'task', 'end']);
  });

  it('reads YAML CRs (kubectl -o yaml) and CR lists', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'propsim-crd-'));
    const cr = read('147_core.flyte_basics.task_cache.cached_dataframe_wf_2_wf_crd.json');
    writeFileSync(join(tmp, 'cr.yaml'), stringify(cr));
    const fromYaml = loadCrdFile(join(tmp, 'cr.yaml'));
    expect(fromYaml).toEqual(loadCrdFile(join(dir, '147_core.flyte_basics.task_cache.cached_dataframe_wf_2_wf_crd.json')));

    const other = read('053_core.control_flow.map_task.my_map_workflow_2_wf_crd.json');
    writeFileSync(join(tmp, 'list.json'), JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [cr, other] }));
    const s = loadSimulationInput(join(tmp, 'list.json'));
    expect(s.executions.map((e) => e.id)).toEqual(['name', 'name-2']);
    expect(s.executions.map((e) => e.workflow.nodes.length)).toEqual([6, 4]);
  });

  it('errors name the file and the field', () => {
    const file = 'x.json';
    const cr = read('069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json');
    cr.spec.nodes.n0.task = 'missing';
    let e = thrown(() => crdToWorkflow(cr, { file }));
    expect(e.oneLine()).toBe('x.json: spec.nodes.n0.task: unknown task "missing" (not in tasks)');

    const bad = read('069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json');
    bad.spec.nodes.n0.kind = 'weird';
    e = thrown(() => crdToWorkflow(bad, { file }));
    expect(e.path).toBe('spec.nodes.n0.kind');
    expect(e.message).toContain('unknown node kind "weird"');

    const cyc = read('069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json');
    cyc.spec.edges.upstream['n0'] = ['start-node', 'end-node'];
    e = thrown(() => crdToWorkflow(cyc, { file }));
    expect(e.path).toBe('spec.edges.upstream');
    expect(e.message).toMatch(/^cycle: (n0 -> end-node -> n0|end-node -> n0 -> end-node)$/);

    const dangling = read('069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json');
    dangling.spec.edges.upstream['end-node'] = ['n9'];
    e = thrown(() => crdToWorkflow(dangling, { file }));
    expect(e.oneLine()).toBe('x.json: spec.edges.upstream.end-node: unknown node "n9"');

    const selfSub = read('069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json');
    selfSub.subWorkflows = {
      s: { id: 's', nodes: { 'start-node': { kind: 'start' }, x: { kind: 'workflow', workflow: { subWorkflowRef: 's' } } }, connections: { 'start-node': ['x'] } },
    };
    selfSub.spec.nodes.n0 = { id: 'n0', kind: 'workflow', workflow: { subWorkflowRef: 's' } };
    e = thrown(() => crdToWorkflow(selfSub, { file }));
    expect(e.path).toBe('subWorkflows.s.nodes.x.workflow.subWorkflowRef');
    expect(e.message).toContain('includes itself (s -> s)');

    e = thrown(() => crdToWorkflow({ kind: 'flyteworkflow' }, { file }));
    expect(e.oneLine()).toBe('x.json: spec: missing the workflow spec (is this a FlyteWorkflow CR?)');
    e = thrown(() => crdToWorkflow({ kind: 'flyteworkflow', spec: {}, workflowClosureReference: 's3://b/c' }, { file }));
    expect(e.path).toBe('workflowClosureReference');
    expect(e.message).toContain('offloaded');
  });

  it('errors in CR files carry the line of the field', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'propsim-crd-'));
    const cr = read('069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json');
    cr.spec.nodes.n0.task = 'missing';
    const file = join(tmp, 'bad.json');
    const text = JSON.stringify(cr, null, 2);
    writeFileSync(file, text);
    const e = thrown(() => loadCrdFile(file));
    expect(e.file).toBe(file);
    expect(e.path).toBe('spec.nodes.n0.task');
    const lines = text.split('\n');
    expect(lines[e.line! - 1]).toContain('"task": "missing"');
  });
});

describe("Flyte's CRD test data: parts of CRs and an old-format CR", () => {
  it('tells each part of a CR by its shape, and nothing else', () => {
    const part = (f: string) => flyteWorkflowPart(f.endsWith('.json') ? JSON.parse(readFileSync(join(partsDir, f), 'utf8')) : parse(readFileSync(join(partsDir, f), 'utf8')));
    expect(part('branch.json')).toBe('one node of a FlyteWorkflow (a branch node, id "foobranch")');
    expect(part('connections.json')).toBe("a FlyteWorkflow's connections (node id to downstream node ids)");
    expect(part('task.yaml')).toBe('one task template of a FlyteWorkflow');
    expect(part('workflowspec.yaml')).toBeUndefined(); // a whole CR
    expect(flyteWorkflowPart(read(files[0]!).spec)).toBe('the workflow spec of a FlyteWorkflow, without the CR around it');
    expect(flyteWorkflowPart(read(files[0]!))).toBeUndefined();
    for (const other of [{}, [], 'x', { name: 'n', description: 'd', workflows: {} }, { a: ['b', 1] }, { executions: [] }, { workflows: [], executions: [] }]) {
      expect(flyteWorkflowPart(other)).toBeUndefined();
    }
  });

  it.each([
    ['branch.json', 'is one node of a FlyteWorkflow (a branch node, id "foobranch"), not a whole FlyteWorkflow CR'],
    ['connections.json', "is a FlyteWorkflow's connections (node id to downstream node ids), not a whole FlyteWorkflow CR"],
    ['task.yaml', 'is one task template of a FlyteWorkflow, not a whole FlyteWorkflow CR'],
    ['workflowspec.yaml', 'spec.nodes.add-one-and-print-0.task: task node without a task reference; it has task_ref'],
  ])('simulate refuses %s with one line', async (f, message) => {
    const file = join(partsDir, f);
    const r = await runCli(['simulate', file]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')).toEqual([expect.stringContaining(message), '']);
    expect(r.err).toMatch(new RegExp(`^propsim: ${file}(:\\d+)?: `));
  });
});
