/**
 * `propsim diff A B` on what the other verbs write: report JSON (`report --json`), simulate JSON
 * (`simulate --json`), and logs directly. The overall section compares all executions at once.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sniff } from '../../src/cli/sniff.js';
import { main } from '../../src/cli/main.js';
import type { DiffJson } from '../../src/metrics/index.js';
import { tempDir } from './shape.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LOG = join(ROOT, 'recordings/deployment.cri.log.gz');
const SCENARIO = join(ROOT, 'scenarios/short-tasks.yaml');
const dir = tempDir('diff-cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function quiet(args: string[]): Promise<number> {
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return await main(args);
  } finally {
    spy.mockRestore();
  }
}

async function diffJson(a: string, b: string): Promise<DiffJson> {
  const out = join(dir, `diff-${Math.random().toString(36).slice(2)}.json`);
  expect(await quiet(['diff', a, b, '--json', '-o', out])).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as DiffJson;
}

describe('diff of written reports', () => {
  it('reads report --json files as reports: the same report twice matches every execution with zero deltas', async () => {
    const a = join(dir, 'a.report.json');
    expect(await quiet(['report', LOG, '--json', '-o', a])).toBe(0);
    expect(await sniff(a)).toBe('report');
    const d = await diffJson(a, a);
    expect(d.matchedBy).toBe('id');
    expect(d.executions).toHaveLength(40);
    expect(d.executions.every((e) => e.makespanNs.delta === 0 && e.overhead.flyteNs.delta === 0)).toBe(true);
    expect(d.overall?.executions.a).toBe(40);
    expect(Object.values(d.overall!.overhead).every((x) => x.delta === 0)).toBe(true);
    // The log itself against its report: the same numbers.
    const fromLog = await diffJson(LOG, a);
    expect(fromLog.executions).toHaveLength(40);
    expect(fromLog.overall?.overhead.flyteNs.delta).toBe(0);
  });

  it('reads simulate --json files and compares two profiles over all executions', async () => {
    const a = join(dir, 'default.json');
    const b = join(dir, 'flyte-core.json');
    expect(await quiet(['simulate', SCENARIO, '--json', '-o', a])).toBe(0);
    expect(await quiet(['simulate', SCENARIO, '--json', '--profile', 'flyte-core', '-o', b])).toBe(0);
    expect(await sniff(a)).toBe('report');
    const ra = JSON.parse(readFileSync(a, 'utf8')) as { overall: { overhead: { flyteRatio: number } } };
    const rb = JSON.parse(readFileSync(b, 'utf8')) as { overall: { overhead: { flyteRatio: number } } };
    const d = await diffJson(a, b);
    expect(d.executions.length).toBeGreaterThan(0);
    const f = d.overall!.overhead.flyteRatio;
    expect(f.a).toBe(ra.overall.overhead.flyteRatio);
    expect(f.b).toBe(rb.overall.overhead.flyteRatio);
    expect(f.delta).toBeCloseTo(rb.overall.overhead.flyteRatio - ra.overall.overhead.flyteRatio, 12);
  });

  it('reads compact report JSON too, and says what is wrong with a what-if result or a broken report', async () => {
    const a = join(dir, 'b.report.json');
    expect(await quiet(['report', LOG, '--json', '-o', a])).toBe(0);
    const compact = join(dir, 'compact.json');
    writeFileSync(compact, JSON.stringify(JSON.parse(readFileSync(a, 'utf8'))));
    expect((await diffJson(compact, a)).executions).toHaveLength(40);

    const errors: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (errors.push(String(c)), true));
    try {
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{"schema": "propsim.report/1", "executions": 3}');
      expect(await main(['diff', broken, a])).toBe(2);
      const whatif = join(dir, 'w.json');
      writeFileSync(whatif, '{"schema": "propsim.whatif/1", "baseline": {}, "variant": {}}');
      expect(await main(['diff', whatif, a])).toBe(2);
      // a hand-edited report: a node that is null, a figure that is text
      const edited = JSON.parse(readFileSync(a, 'utf8')) as { executions: { nodes: unknown[]; overhead: Record<string, unknown> }[] };
      edited.executions[0]!.nodes[0] = null;
      writeFileSync(join(dir, 'edited1.json'), JSON.stringify(edited));
      expect(await main(['diff', join(dir, 'edited1.json'), a])).toBe(2);
      const edited2 = JSON.parse(readFileSync(a, 'utf8')) as typeof edited;
      edited2.executions[1]!.overhead.flyteNs = 'lots';
      writeFileSync(join(dir, 'edited2.json'), JSON.stringify(edited2));
      expect(await main(['diff', a, join(dir, 'edited2.json')])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([
      `propsim: ${join(dir, 'broken.json')}: not a propsim report (expected an "executions" array)\n`,
      expect.stringMatching(/^propsim: .*w\.json: is a what-if result, which already compares its baseline and variant; .*\n$/),
      `propsim: ${join(dir, 'edited1.json')}: executions[0].nodes[0]: expected a node with an "id"\n`,
      `propsim: ${join(dir, 'edited2.json')}: executions[1].overhead.flyteNs: expected a number\n`,
    ]);
  });

  it('refuses an input without executions instead of printing an empty diff', async () => {
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, 'not a propeller line\n');
    expect(await quiet(['diff', LOG, empty])).toBe(2);
  });
});
