/**
 * The round trip through the command line: `propsim simulate --emit-logs --cri` then
 * `propsim fold --json` gives the Timeline JSON contract, with the simulated structure and instants.
 * Two `simulate` processes with the same seed write byte-identical files.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/defaults.js';
import type { Recording } from '../../src/timeline/types.js';
import { portfolio, SCENARIOS, shape, simulateWith, tempDir, timeErrors } from './shape.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/propsim.js');
const dir = tempDir('cli');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function propsim(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 30_000, maxBuffer: 64 << 20 });
  return stdout;
}

const isInt = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x);

describe('CLI round trip', () => {
  it('simulate --emit-logs --cri, then fold --json, gives the contract and the simulated Timeline', async () => {
    const outputs = (tag: string) => ({ logs: join(dir, `hello-${tag}.log`), otlp: join(dir, `hello-${tag}.otlp.jsonl`), timeline: join(dir, `hello-${tag}.json`) });
    const a = outputs('a');
    const b = outputs('b');
    const simulateArgs = (o: typeof a) => ['simulate', join(SCENARIOS, 'hello.yaml'), '--seed', '7', '--emit-logs', o.logs, '--cri', '--emit-otlp', o.otlp, '--timeline', o.timeline, '--json'];
    const [reportA, reportB] = await Promise.all([propsim(simulateArgs(a)), propsim(simulateArgs(b))]);

    // Separate processes, same seed: byte-identical report, logs, traces and Timeline.
    expect(reportB).toBe(reportA);
    for (const k of ['logs', 'otlp', 'timeline'] as const) expect(readFileSync(b[k]).equals(readFileSync(a[k])), k).toBe(true);

    const folded = JSON.parse(await propsim(['fold', a.logs, '--json'])) as Recording;
    expect(folded.source).toBe('logs');

    // The JSON contract of `fold --json`.
    expect(folded.originUnixNano).toMatch(/^\d+$/);
    expect(folded.executions.length).toBeGreaterThan(0);
    for (const e of folded.executions) {
      expect(typeof e.id).toBe('string');
      expect(typeof e.namespace).toBe('string');
      expect(e.handles.length).toBeGreaterThan(0);
      for (const h of e.handles) {
        expect(typeof h.worker).toBe('string');
        expect(isInt(h.start) && isInt(h.end) && h.start <= h.end).toBe(true);
        for (const r of h.rounds) {
          expect(isInt(r.start) && isInt(r.end) && h.start <= r.start && r.start <= r.end && r.end <= h.end).toBe(true);
          expect(typeof r.phase).toBe('string');
          expect(typeof r.changed).toBe('boolean');
        }
      }
      for (const n of e.nodes) {
        expect(typeof n.id).toBe('string');
        for (const t of n.transitions) {
          expect(typeof t.from).toBe('string');
          expect(typeof t.to).toBe('string');
          expect(isInt(t.at)).toBe(true);
        }
      }
    }
    const lineCount = readFileSync(a.logs, 'utf8').trimEnd().split('\n').length;
    expect(folded.lines.read).toBe(lineCount);
    expect(isInt(folded.lines.used)).toBe(true);
    expect(folded.lines.used + Object.values(folded.lines.skipped).reduce((s, n) => s + n, 0)).toBe(lineCount);

    // The same structure and instants as the simulation the CLI ran (default profile, seed 7).
    const truth = simulateWith(portfolio('hello'), loadModel(), '7');
    expect(JSON.stringify(truth)).toBe(readFileSync(a.timeline, 'utf8').trimEnd());
    expect(shape(folded)).toStrictEqual(shape(truth));
    const { errors, checked } = timeErrors(truth, folded, true);
    expect(checked).toBeGreaterThan(50);
    expect(errors).toEqual([]);

    // `fold` reads the traces back into the same executions.
    const fromOtlp = JSON.parse(await propsim(['fold', a.otlp, '--json'])) as Recording;
    expect(fromOtlp.source).toBe('otlp');
    expect(fromOtlp.executions).toStrictEqual(JSON.parse(JSON.stringify(truth.executions)));
    // A Timeline says where it came from, also when `fold` passes it through.
    expect((JSON.parse(await propsim(['fold', a.timeline, '--json'])) as Recording).source).toBe('sim');
  }, 60_000);
});
