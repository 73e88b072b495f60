import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario, loadSimulationInput } from '../../src/model/load.js';
import { defaultModel } from '../../src/model/defaults.js';
import type { WorkflowDef } from '../../src/model/workflow.js';

const dir = 'scenarios';
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

/** Structural invariants every compiled workflow must satisfy; returns the violations. */
function violations(wf: WorkflowDef, out: string[] = []): string[] {
  const ids = new Set(wf.nodes.map((n) => n.id));
  if (ids.size !== wf.nodes.length) out.push(`${wf.name}: duplicate ids`);
  if (wf.nodes[0]?.kind !== 'start') out.push(`${wf.name}: does not begin with the start node`);
  if (wf.nodes.filter((n) => n.kind === 'start').length !== 1) out.push(`${wf.name}: not one start node`);
  if (wf.nodes.filter((n) => n.kind === 'end').length !== 1) out.push(`${wf.name}: not one end node`);
  const seen = new Set<string>();
  for (const n of wf.nodes) {
    for (const u of n.upstream) if (!seen.has(u)) out.push(`${wf.name}: ${n.id} before its upstream ${u}`);
    if (n.kind !== 'start' && n.branchOf === undefined && n.upstream.length === 0) out.push(`${wf.name}: ${n.id} has no upstream`);
    if (n.branch && !n.branch.cases.includes(n.branch.taken)) out.push(`${wf.name}: ${n.id} takes a non-case`);
    seen.add(n.id);
  }
  if (!(wf.specBytes > 0)) out.push(`${wf.name}: no spec size`);
  for (const n of wf.nodes) for (const sub of [n.dynamic, n.subworkflow, n.launchplan]) if (sub) violations(sub, out);
  return out;
}

describe('scenario portfolio', () => {
  it('has the RFC portfolio', () => {
    for (const name of [
      'hello',
      'short-tasks',
      'chained-cache',
      'large-workflow',
      'too-large',
      'map-fanout',
      'nested-dynamic',
      'parallel-subworkflows',
      'mixed-load',
      'cached-dataframe-cr',
    ]) {
      expect(files).toContain(`${name}.yaml`);
    }
  });

  it.each(files)('%s loads, compiles and says what it shows', (f) => {
    const text = readFileSync(`${dir}/${f}`, 'utf8');
    expect(text.startsWith('#')).toBe(true);
    const s = loadScenario(`${dir}/${f}`);
    expect(s.name).toBe(f.replace(/\.ya?ml$/, ''));
    expect(s.description.length).toBeGreaterThan(40);
    expect(s.executions.length).toBeGreaterThan(0);
    const ids = new Set(s.executions.map((e) => e.id));
    expect(ids.size).toBe(s.executions.length);
    for (const e of s.executions) {
      expect(e.id).toMatch(/^[a-z0-9-]+-\d{4}$/);
      expect(e.namespace).toBe(`${e.project}-${e.domain}`);
      expect(e.arrival).toBeGreaterThanOrEqual(0);
      expect(violations(e.workflow)).toEqual([]);
    }
    for (let i = 1; i < s.executions.length; i++) {
      expect(s.executions[i]!.arrival).toBeGreaterThanOrEqual(s.executions[i - 1]!.arrival);
    }
    // loadSimulationInput detects scenario files and gives the same result.
    const again = loadSimulationInput(`${dir}/${f}`);
    expect(JSON.stringify(again)).toBe(JSON.stringify(s));
  });

  it('hello is one task between start and end', () => {
    const s = loadScenario(`${dir}/hello.yaml`);
    expect(s.executions).toHaveLength(1);
    const e = s.executions[0]!;
    expect(e).toMatchObject({ id: 'hello-0001', arrival: 0, namespace: 'flytesnacks-development' });
    expect(e.workflow.nodes.map((n) => [n.id, n.kind, n.upstream])).toEqual([
      ['start-node', 'start', []],
      ['n0', 'task', ['start-node']],
      ['end-node', 'end', ['n0']],
    ]);
    expect(e.workflow.nodes[1]!.runtime).toEqual({ type: 'constant', value: 10 });
  });

  it('large-workflow approaches the etcd limit and too-large passes it mid-run', () => {
    const { store } = defaultModel();
    const limit = store.etcdLimitBytes;
    const finished = (wf: WorkflowDef) => wf.specBytes + (wf.nodes.length * store.finishedNodeStatusBytes);

    const large = loadScenario(`${dir}/large-workflow.yaml`).executions[0]!.workflow;
    expect(large.nodes).toHaveLength(1004);
    expect(large.specBytes).toBeGreaterThan(0.85 * limit);
    // Even with every node finished and max parallelism nodes active, it stays under.
    expect(finished(large) + (large.maxParallelism ?? 25) * store.activeNodeStatusBytes).toBeLessThan(limit);

    const tooLarge = loadScenario(`${dir}/too-large.yaml`).executions[0]!.workflow;
    expect(tooLarge.specBytes).toBe(Math.round(1.45 * 1024 * 1024));
    expect(tooLarge.specBytes).toBeLessThan(limit); // accepted at creation
    expect(finished(tooLarge)).toBeGreaterThan(limit); // but outgrows it
    // Offloading the closure would keep it well under.
    expect(finished(tooLarge) - tooLarge.closureBytes!).toBeLessThan(0.5 * limit);
  });

  it('chained-cache chains cache hits', () => {
    const s = loadScenario(`${dir}/chained-cache.yaml`);
    const warm = s.executions.find((e) => e.id === 'warm-0001')!.workflow;
    const chain = warm.nodes.filter((n) => n.kind === 'task');
    expect(chain).toHaveLength(20);
    chain.forEach((n, i) => {
      expect(n.cache).toEqual({ hit: true });
      expect(n.upstream).toEqual([i === 0 ? 'start-node' : `c-${i - 1}`]);
    });
    expect(warm.nodes.at(-1)!.upstream).toEqual(['c-19']);
  });

  it('map-fanout has a large map task', () => {
    const wf = loadScenario(`${dir}/map-fanout.yaml`).executions[0]!.workflow;
    const m = wf.nodes.find((n) => n.kind === 'map')!;
    expect(m.map).toMatchObject({ size: 3000, parallelism: 0 });
    expect(m.map!.runtime).toEqual({ type: 'lognormal', mu: Math.log(30), sigma: 0.3 });
  });

  it('nested-dynamic nests a dynamic in a dynamic with a launch plan', () => {
    const wf = loadScenario(`${dir}/nested-dynamic.yaml`).executions[0]!.workflow;
    const plan = wf.nodes.find((n) => n.id === 'plan')!;
    expect(plan.kind).toBe('dynamic');
    const inner = plan.dynamic!.nodes.find((n) => n.id === 'inner')!;
    expect(inner.kind).toBe('dynamic');
    expect(inner.upstream).toEqual(['t-0', 't-1', 't-2', 't-3']);
    const child = inner.dynamic!.nodes.find((n) => n.id === 'child')!;
    expect(child.kind).toBe('launchplan');
    expect(child.launchplan!.name).toBe('child');
    expect(child.launchplan!.nodes.map((n) => n.id)).toEqual(['start-node', 'c0', 'c1', 'end-node']);
  });

  it('parallel-subworkflows shares one subworkflow definition across eight nodes', () => {
    const wf = loadScenario(`${dir}/parallel-subworkflows.yaml`).executions[0]!.workflow;
    const subs = wf.nodes.filter((n) => n.kind === 'subworkflow');
    expect(subs).toHaveLength(8);
    expect(new Set(subs.map((n) => n.subworkflow)).size).toBe(1);
    expect(wf.nodes.find((n) => n.id === 'join')!.upstream).toEqual(subs.map((n) => n.id));
    // The parent spec carries the subworkflow once, not eight times.
    const sub = subs[0]!.subworkflow!;
    expect(wf.specBytes).toBeLessThan(12 * 220 + 10_000 + 8 * sub.specBytes);
  });

  it('mixed-load mixes concurrent executions of several workflows', () => {
    const s = loadScenario(`${dir}/mixed-load.yaml`);
    const byWf = new Map<string, number>();
    for (const e of s.executions) byWf.set(e.workflow.name, (byWf.get(e.workflow.name) ?? 0) + 1);
    expect(Object.fromEntries(byWf)).toEqual({ single: 40, chain: 12, fanout: 3, cached: 10 });
    const chains = s.executions.filter((e) => e.workflow.name === 'chain').map((e) => e.arrival);
    expect(chains).toEqual(Array.from({ length: 12 }, (_, k) => 15 * k));
    // Poisson arrivals: deterministic, increasing, mean gap near 1/rate.
    const singles = s.executions.filter((e) => e.workflow.name === 'single').map((e) => e.arrival);
    expect(loadScenario(`${dir}/mixed-load.yaml`).executions.filter((e) => e.workflow.name === 'single').map((e) => e.arrival)).toEqual(singles);
    const meanGap = singles.at(-1)! / (singles.length - 1);
    expect(meanGap).toBeGreaterThan(2.5);
    expect(meanGap).toBeLessThan(8);
  });

  it('cached-dataframe-cr uses the real CR with overrides', () => {
    const wf = loadScenario(`${dir}/cached-dataframe-cr.yaml`).executions[0]!.workflow;
    const cr = JSON.parse(readFileSync(`${dir}/crds/147_core.flyte_basics.task_cache.cached_dataframe_wf_2_wf_crd.json`, 'utf8'));
    const { status: _s, ...rest } = cr;
    expect(wf.specBytes).toBe(Buffer.byteLength(JSON.stringify(rest)));
    const byId = new Map(wf.nodes.map((n) => [n.id, n]));
    expect(byId.get('n1')!.cache).toEqual({ hit: false });
    expect(byId.get('n2')!.cache).toEqual({ hit: true });
    expect(byId.get('n2')!.upstream.sort()).toEqual(['n0', 'n1']);
    expect(byId.get('n0')!.runtime).toEqual({ type: 'constant', value: 12 });
    expect(byId.get('n3')!.inputBytes).toBe(1024 * 1024);
  });
});
