import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/model/load.js';
import { MAX_NODES } from '../../src/model/scenario-schema.js';
import { InputError } from '../../src/timeline/errors.js';
import { CR_BASE_BYTES, EDGE_BYTES, NODE_SPEC_BYTES, SUBWORKFLOW_HEADER_BYTES, TASK_TEMPLATE_BYTES } from '../../src/model/spec-size.js';
import { thrown } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'propsim-scn-'));
let counter = 0;

function write(text: string, ext = 'yaml'): string {
  const file = join(tmp, `s${counter++}.${ext}`);
  writeFileSync(file, text);
  return file;
}

function fail(text: string, ext = 'yaml'): { e: InputError; file: string } {
  const file = write(text, ext);
  try {
    loadScenario(file);
  } catch (e) {
    if (e instanceof InputError) return { e, file };
    throw e;
  }
  throw new Error('expected an InputError');
}

const head = 'name: t\ndescription: test scenario\n';

describe('scenario validation errors', () => {
  it('unknown upstream names file, path and line', () => {
    const { e, file } = fail(
      head +
        'workflows:\n' +
        '  big:\n' +
        '    nodes:\n' +
        '      - id: n0\n' +
        '      - id: n1\n' +
        '      - id: n2\n' +
        '      - id: n3\n' +
        '        after: [n9]\n',
    );
    expect(e.oneLine()).toBe(`${file}:10: workflows.big.nodes[3].after: unknown node "n9"`);
    expect(e).toMatchObject({ file, line: 10, path: 'workflows.big.nodes[3].after' });
  });

  it('retries and failure nodes: where they do not fit, the error names the field', () => {
    let { e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, gate: 5s, retries: 2}\n');
    expect(e.path).toBe('workflows.w.nodes[0].retries');
    expect(e.message).toBe('a gate node has no retries');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a}\n    onFailure: {id: c, after: [a]}\n'));
    expect(e.path).toBe('workflows.w.onFailure.after');
    expect(e.message).toMatch(/a failure node has no after/);
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a}\n    onFailure: {id: a}\n'));
    expect(e.path).toBe('workflows.w.onFailure.id');
    expect(e.message).toContain('duplicate node id "a"');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a}\n    onFailurePolicy: later\n'));
    expect(e.path).toBe('workflows.w.onFailurePolicy');
  });

  it('retries, a failure node and the failure policy reach the workflow', () => {
    const file = write(
      head +
        'workflows:\n  w:\n    nodes:\n      - {id: a, retries: 2, failedAttempts: 1}\n      - {id: b, after: [a]}\n' +
        '    onFailure: {id: cleanup, runtime: 2s}\n    onFailurePolicy: afterExecutableNodesComplete\nexecutions:\n  - workflow: w\n',
    );
    const wf = loadScenario(file).executions[0]!.workflow;
    expect(wf.nodes.find((n) => n.id === 'a')).toMatchObject({ maxAttempts: 3, failedAttempts: 1 });
    expect(wf.nodes.find((n) => n.id === 'b')!.maxAttempts).toBeUndefined();
    expect(wf.failureNode).toMatchObject({ id: 'cleanup', kind: 'task', upstream: [], runtime: { type: 'constant', value: 2 } });
    expect(wf.nodes.some((n) => n.id === 'cleanup')).toBe(false);
    expect(wf.onFailurePolicy).toBe('afterExecutableNodesComplete');
  });

  it('failing map subtasks and success criteria: reach the node, errors name the field', () => {
    const file = write(
      head +
        'workflows:\n  w:\n    nodes:\n      - {id: m, map: {size: 10, failing: 2, minSuccessRatio: 0.8}}\n' +
        '      - {id: r, map: {size: 4, failing: 1, minSuccesses: 3}, retries: 2}\nexecutions:\n  - workflow: w\n',
    );
    const wf = loadScenario(file).executions[0]!.workflow;
    // without retries a subtask that always fails has one attempt
    expect(wf.nodes.find((n) => n.id === 'm')).toMatchObject({ maxAttempts: 1, map: { size: 10, failing: 2, minSuccessRatio: 0.8 } });
    expect(wf.nodes.find((n) => n.id === 'r')).toMatchObject({ maxAttempts: 3, map: { failing: 1, minSuccesses: 3 } });
    let { e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: m, map: {size: 3, failing: 4}}\n');
    expect(e.path).toBe('workflows.w.nodes[0].map.failing');
    expect(e.message).toContain('4 failing subtasks, but the map has 3');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: m, map: {size: 3, minSuccesses: 2, minSuccessRatio: 0.5}}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].map');
    expect(e.message).toContain('not both');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: m, map: {size: 3, minSuccessRatio: 1.5}}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].map.minSuccessRatio');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: m, map: {size: 3, minSuccesses: 4}}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].map.minSuccesses');
    expect(e.message).toContain('4 successes needed, but the map has 3 subtasks');
  });

  it('cycles', () => {
    const { e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, after: [c]}\n      - {id: b, after: [a]}\n      - {id: c, after: [b]}\n');
    expect(e.path).toMatch(/^workflows\.w\.nodes\[\d\]\.after$/);
    expect(e.message).toMatch(/^cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)$/);
    const self = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, after: [a]}\n').e;
    expect(self.message).toBe('node "a" depends on itself');
  });

  it('duplicate and reserved ids', () => {
    let { e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a}\n      - {id: a}\n');
    expect(e.path).toBe('workflows.w.nodes[1].id');
    expect(e.message).toContain('duplicate node id "a"');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: x, repeat: 2}\n      - {id: x-1}\n'));
    expect(e.path).toBe('workflows.w.nodes[1].id');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: end-node}\n'));
    expect(e.message).toContain('"end-node" is reserved');
  });

  it('unknown fields, bad values and bad distributions point at the field', () => {
    let { e, file } = fail(head + 'workflows:\n  w:\n    nodes:\n      - id: a\n      - id: b\n        afer: [a]\n');
    expect(e.oneLine()).toBe(`${file}:8: workflows.w.nodes[1].afer: unknown field "afer"`);
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - id: a\n        runtime: fast\n'));
    expect(e.path).toBe('workflows.w.nodes[0].runtime');
    expect(e.message).toContain('expected a duration like "30s"');
    expect(e.line).toBe(7);
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - id: a\n        runtime: {lognormal: {median: 20s}}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].runtime.lognormal');
    expect(e.message).toBe('missing field "sigma"');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - id: a\n        runtime: {lognormal: {median: 20s, sigma: -1}}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].runtime.lognormal.sigma');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - id: a\n        map: {size: 0}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].map.size');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - id: a\n        cache: maybe\n'));
    expect(e.path).toBe('workflows.w.nodes[0].cache');
    ({ e } = fail('description: x\nworkflows:\n  w:\n    nodes: [{id: a}]\n'));
    expect(e.path).toBe('name');
    expect(e.message).toContain('missing required field');
  });

  it('node kinds must agree with their fields', () => {
    let { e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, kind: map}\n');
    expect(e.message).toBe('kind map needs a `map` field');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, gate: 5s, map: {size: 2}}\n'));
    expect(e.message).toContain('a node has one kind');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, gate: 5s, runtime: 3s}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].runtime');
  });

  it('branches: taken must be a case, cases have no upstream and cannot be depended on', () => {
    const wf = 'workflows:\n  w:\n    nodes:\n      - id: b\n        branch:\n          cases: [{id: x}, {id: y}]\n';
    let { e } = fail(head + wf + '          taken: z\n');
    expect(e.path).toBe('workflows.w.nodes[0].branch.taken');
    expect(e.message).toBe('"z" is not a case of "b" (cases: x, y)');
    ({ e } = fail(head + wf + '      - {id: after-x, after: [x]}\n'));
    expect(e.message).toContain('"x" is a branch case');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a}\n      - id: b\n        branch: {cases: [{id: x, after: [a]}]}\n'));
    expect(e.path).toBe('workflows.w.nodes[1].branch.cases[0].after');
  });

  it('workflow references: unknown names and self-inclusion', () => {
    let { e } = fail(head + 'workflows:\n  w:\n    nodes: [{id: a, subworkflow: nope}]\n');
    expect(e.path).toBe('workflows.w.nodes[0].subworkflow');
    expect(e.message).toBe('unknown workflow "nope" (defined: w)');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes: [{id: a, subworkflow: v}]\n  v:\n    nodes: [{id: b, launchplan: w}]\n'));
    expect(e.message).toBe('workflow "w" includes itself (w -> v -> w)');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes: [{id: a}]\nexecutions:\n  - workflow: q\n'));
    expect(e.path).toBe('executions[0].workflow');
  });

  it('executions: required with several workflows, ids must not collide', () => {
    let { e } = fail(head + 'workflows:\n  w:\n    nodes: [{id: a}]\n  v:\n    nodes: [{id: a}]\n');
    expect(e.path).toBe('executions');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes: [{id: a}]\nexecutions:\n  - {workflow: w, count: 2}\n  - {workflow: w}\n'));
    expect(e.path).toBe('executions[1].prefix');
    expect(e.message).toContain('"w-0001"');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes: [{id: a}]\nexecutions:\n  - {workflow: w, arrival: {every: 0s}}\n'));
    expect(e.path).toBe('executions[0].arrival.every');
  });

  it('sizes beyond what one run can hold, alias bombs and names of Object methods are input errors', () => {
    let { e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, repeat: 1000000000000}\n');
    expect(e.path).toBe('workflows.w.nodes[0].repeat');
    ({ e } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, map: {size: 1000000000}}\n'));
    expect(e.path).toBe('workflows.w.nodes[0].map.size');
    // each group within bounds, together too many: the group that passes the bound is named
    // (an execution of w makes 100,003 nodes: start, end, the map and its subtasks; the bound depends on the heap)
    const under = Math.floor(MAX_NODES / 100_003);
    ({ e } = fail(head + `workflows:\n  w:\n    nodes:\n      - {id: a, map: {size: 100000}}\nexecutions:\n  - {workflow: w, count: ${under}}\n  - {workflow: w, count: 1, prefix: more}\n`));
    expect(e.path).toBe('executions[1].count');
    expect(e.message).toBe(
      `the executions so far make ${((under + 1) * 100_003).toLocaleString('en-US')} nodes (map subtasks included); propsim simulates at most ${MAX_NODES.toLocaleString('en-US')} in one run with this heap (NODE_OPTIONS=--max-old-space-size=MB raises it)`,
    );
    // shared subworkflows nested ten deep: counted once per definition, not once per path (10^10
    // paths would not finish within the test's time limit)
    const nested = Array.from({ length: 10 }, (_, i) => `  w${i}:\n    nodes:\n${Array.from({ length: 10 }, (_, j) => `      - {id: s${j}, subworkflow: w${i + 1}}`).join('\n')}\n`).join('');
    ({ e } = fail(head + `workflows:\n${nested}  w10:\n    nodes: [{id: leaf}]\nexecutions:\n  - {workflow: w0}\n`));
    expect(e.path).toBe('executions[0].count');
    // (each level: start, end and ten subworkflow nodes of the next: f(i) = 12 + 10 f(i+1), f(10) = 3)
    expect(e.message).toMatch(/^the executions so far make 43,333,333,332 nodes/);
    ({ e } = fail(head + 'x: &a [1,1,1,1,1,1,1,1,1,1]\ny: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nz: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nq: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n'));
    expect(e.message).toMatch(/^invalid YAML: .*aliases expand the document too far/);
    ({ e } = fail('{"name":"x","description":"d","workflows":{"constructor":{"nodes":[{"id":"a"}]}},"executions":[{"workflow":"toString"}]}', 'json'));
    expect(e.path).toBe('executions[0].workflow');
    expect(e.message).toBe('unknown workflow "toString" (defined: constructor)');
    ({ e } = fail(head + 'workflows:\n  __proto__:\n    nodes: [{id: a}]\n'));
    expect(e.path).toBe('workflows.__proto__');
    expect(e.message).toBe('the name "__proto__" is reserved: give the workflow another name');
  });

  it('a file far larger than any scenario, CR or model (a log, a gzip bomb) is refused by its size', () => {
    const file = join(tmp, 'huge.yaml.gz');
    writeFileSync(file, gzipSync(Buffer.alloc(257 * 1024 * 1024, 0x20), { level: 1 }));
    const e = thrown(() => loadScenario(file));
    expect(e).toBeInstanceOf(InputError);
    expect(e.oneLine()).toBe(`${file}: too large for a scenario, CR or model file (over 256 MB of text); is it a log? logs go to fold, report, calibrate or whatif`);
  });

  it('YAML and JSON syntax errors carry the line', () => {
    let { e, file } = fail(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, after: [b\n      - id: c\n');
    expect(e.file).toBe(file);
    expect(e.line).toBeGreaterThanOrEqual(6);
    expect(e.message).toMatch(/^invalid YAML: /);
    ({ e, file } = fail('{\n  "name": "t",\n  "description": "x",\n  "workflows": {,\n}\n', 'json'));
    expect(e.file).toBe(file);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^invalid JSON: /);
    ({ e } = fail(head + 'name: again\nworkflows: {}\n'));
    expect(e.line).toBe(3);
    expect(e.message).toContain('unique');
  });

  it('missing files', () => {
    const e = thrown(() => loadScenario(join(tmp, 'nope.yaml')));
    expect(e.oneLine()).toBe(`${join(tmp, 'nope.yaml')}: cannot read: no such file`);
    const r = fail(head + 'workflows:\n  w: {crd: crds/missing.json}\n');
    expect(r.e.oneLine()).toMatch(new RegExp(`^${r.file}:4: workflows\\.w\\.crd: cannot read CR file "crds/missing.json"`));
  });

  it('CR workflows: overrides must name CR nodes', () => {
    mkdirSync(join(tmp, 'crds'), { recursive: true });
    copyFileSync(
      'test/fixtures/flyteworkflow-crds/053_core.control_flow.map_task.my_map_workflow_2_wf_crd.json',
      join(tmp, 'crds', 'map.json'),
    );
    let { e } = fail(head + 'workflows:\n  w:\n    crd: crds/map.json\n    overrides: {n7: {runtime: 3s}}\n');
    expect(e.path).toBe('workflows.w.overrides.n7');
    expect(e.message).toBe('unknown node "n7" in the CR (nodes: start-node, n0, n1, end-node)');
    ({ e } = fail(head + 'workflows:\n  w:\n    crd: crds/map.json\n    overrides: {n1: {map: {size: 3}}}\n'));
    expect(e.message).toBe('node "n1" is a task node, not a map task');
    const ok = loadScenario(
      write(head + 'workflows:\n  w:\n    crd: crds/map.json\n    overrides:\n      n0: {map: {size: 50, parallelism: 5}}\n      n1: {dynamic: {nodes: [{id: d}]}}\n'),
    );
    const nodes = new Map(ok.executions[0]!.workflow.nodes.map((n) => [n.id, n]));
    expect(nodes.get('n0')!.map).toMatchObject({ size: 50, parallelism: 5 });
    expect(nodes.get('n1')!.kind).toBe('dynamic');
    expect(nodes.get('n1')!.dynamic!.nodes.map((n) => n.id)).toEqual(['start-node', 'd', 'end-node']);
  });
});

describe('scenario compilation', () => {
  it('repeat, chain, groups in after, implicit start and end', () => {
    const s = loadScenario(
      write(
        head +
          'workflows:\n  w:\n    nodes:\n' +
          '      - {id: a}\n' +
          '      - {id: f, repeat: 3, after: [a]}\n' +
          '      - {id: c, repeat: 3, chain: true, after: [f]}\n' +
          '      - {id: z, after: [c]}\n' +
          '      - {id: lone}\n',
      ),
    );
    const wf = s.executions[0]!.workflow;
    expect(wf.nodes.map((n) => `${n.id}<${n.upstream.join(',')}`)).toEqual([
      'start-node<',
      'a<start-node',
      'f-0<a',
      'f-1<a',
      'f-2<a',
      'c-0<f-0,f-1,f-2',
      'c-1<c-0',
      'c-2<c-1',
      'z<c-2',
      'lone<start-node',
      'end-node<z,lone',
    ]);
  });

  it('estimates the spec size from nodes, edges and shared templates', () => {
    const s = loadScenario(
      write(head + 'workflows:\n  w:\n    nodes:\n      - {id: a, task: t}\n      - {id: b, task: t, after: [a]}\n      - {id: c, templateBytes: 4KiB, after: [a]}\n'),
    );
    const wf = s.executions[0]!.workflow;
    // 5 nodes (with start and end), edges: a<start, b<a, c<a, end<b, end<c; templates t and c.
    expect(wf.specBytes).toBe(CR_BASE_BYTES + 5 * NODE_SPEC_BYTES + 5 * EDGE_BYTES + TASK_TEMPLATE_BYTES + 4096);
    expect(wf.closureBytes).toBe(5 * NODE_SPEC_BYTES + TASK_TEMPLATE_BYTES + 4096);
  });

  it('counts a shared subworkflow once and a CR subworkflow at its real size', () => {
    const s = loadScenario(
      write(
        head +
          'workflows:\n  w:\n    nodes:\n      - {id: a}\n      - {id: s1, subworkflow: sub}\n      - {id: s2, subworkflow: sub}\n' +
          '  sub:\n    nodes: [{id: x}]\nexecutions: [{workflow: w}]\n',
      ),
    );
    const wf = s.executions.find((e) => e.workflow.name === 'w')!.workflow;
    // 5 nodes and 6 edges in w; templates a and x; one subWorkflows entry (header, 3 nodes, 2 edges).
    const sub = SUBWORKFLOW_HEADER_BYTES + 3 * NODE_SPEC_BYTES + 2 * EDGE_BYTES;
    expect(wf.specBytes).toBe(CR_BASE_BYTES + 5 * NODE_SPEC_BYTES + 6 * EDGE_BYTES + 2 * TASK_TEMPLATE_BYTES + sub);
    expect(wf.closureBytes).toBe(5 * NODE_SPEC_BYTES + 2 * TASK_TEMPLATE_BYTES + sub);
    expect(wf.nodes[2]!.subworkflow).toBe(wf.nodes[3]!.subworkflow);
    expect(wf.nodes[2]!.subworkflow!.specBytes).toBe(sub);

    mkdirSync(join(tmp, 'crds'), { recursive: true });
    const crFile = 'test/fixtures/flyteworkflow-crds/069_core.control_flow.subworkflows.ext_workflow_2_wf_crd.json';
    copyFileSync(crFile, join(tmp, 'crds', 'ext.json'));
    const withCr = loadScenario(
      write(head + 'workflows:\n  w:\n    nodes:\n      - {id: s1, subworkflow: ext}\n  ext: {crd: crds/ext.json}\nexecutions: [{workflow: w}]\n'),
    );
    const w2 = withCr.executions[0]!.workflow;
    const crBytes = w2.nodes[1]!.subworkflow!.specBytes;
    expect(crBytes).toBeGreaterThan(2000);
    expect(w2.specBytes).toBe(CR_BASE_BYTES + 3 * NODE_SPEC_BYTES + 2 * EDGE_BYTES + crBytes);
  });

  it('branches, gates, defaults, arrivals and per-execution settings', () => {
    const s = loadScenario(
      write(
        head +
          'seed: 3\n' +
          'defaults: {runtime: 7s, outputBytes: 1KiB, project: p, domain: d}\n' +
          'workflows:\n  w:\n    nodes:\n' +
          '      - id: b\n' +
          '        branch:\n' +
          '          cases:\n' +
          '            - {id: x, runtime: 1s}\n' +
          '            - {id: y, branch: {cases: [{id: y1}, {id: y2}], taken: y2}}\n' +
          '          taken: y\n' +
          '      - {id: g, gate: {uniform: {min: 1m, max: 2m}}, after: [b]}\n' +
          'executions:\n' +
          '  - {workflow: w, count: 3, arrival: {every: 10s, start: 5s}, prefix: run, maxParallelism: 2}\n' +
          '  - {workflow: w, count: 2, arrival: {poisson: {rate: 1}}, namespace: custom}\n',
      ),
    );
    const run = s.executions.filter((e) => e.id.startsWith('run-'));
    expect(run.map((e) => [e.id, e.arrival, e.namespace])).toEqual([
      ['run-0001', 5, 'p-d'],
      ['run-0002', 15, 'p-d'],
      ['run-0003', 25, 'p-d'],
    ]);
    expect(run[0]!.workflow.maxParallelism).toBe(2);
    const other = s.executions.filter((e) => e.id.startsWith('w-'));
    expect(other.map((e) => e.namespace)).toEqual(['custom', 'custom']);
    expect(other[0]!.arrival).toBe(0);
    expect(other[1]!.arrival).toBeGreaterThan(0);
    expect(other[0]!.workflow.maxParallelism).toBeUndefined();

    const nodes = new Map(run[0]!.workflow.nodes.map((n) => [n.id, n]));
    expect(nodes.get('b')!.branch).toEqual({ cases: ['x', 'y'], taken: 'y' });
    expect(nodes.get('y')).toMatchObject({ kind: 'branch', branchOf: 'b', upstream: [], branch: { cases: ['y1', 'y2'], taken: 'y2' } });
    expect(nodes.get('y2')).toMatchObject({ branchOf: 'y', runtime: { type: 'constant', value: 7 }, outputBytes: 1024 });
    expect(nodes.get('x')!.runtime).toEqual({ type: 'constant', value: 1 });
    expect(nodes.get('g')).toMatchObject({ kind: 'gate', gate: { type: 'uniform', min: 60, max: 120 }, upstream: ['b'] });
    expect(nodes.get('end-node')!.upstream).toEqual(['g']);
  });

  it('reads JSON scenario files', () => {
    const s = loadScenario(
      write(JSON.stringify({ name: 'j', description: 'json', workflows: { w: { nodes: [{ id: 'a', runtime: '2s' }] } } }), 'json'),
    );
    expect(s.executions[0]!.workflow.nodes[1]!.runtime).toEqual({ type: 'constant', value: 2 });
    expect(s.executions[0]!.id).toBe('w-0001');
  });
});
