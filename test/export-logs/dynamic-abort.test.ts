/**
 * A dynamic node whose sub-DAG fails: the dynamic handler's own lines around its sub-DAG's abort,
 * as nodes/dynamic/handler.go writes them (Abort as it enters Failing; the node executor's Abort and
 * Finalize as it leaves Failing).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logLines } from '../../src/export/logs.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import { simulateWith, tempDir } from '../roundtrip/shape.js';

describe('the abort of a dynamic node', () => {
  const plans = loadSimulationInput(new URL('../fixtures/scenarios/failing-runs.yaml', import.meta.url).pathname).executions.filter((p) =>
    p.id.startsWith('dynfail'),
  );
  const rec = simulateWith(plans, defaultModel());
  const lines = [...logLines(rec)].filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { json: Record<string, string>; msg: string });
  const of = (node: string) => lines.map((l, i) => ({ i, node: l.json.node, msg: l.msg })).filter((l) => l.node === node);

  it('writes the dynamic handler’s Abort before its sub-DAG’s abort lines, twice, and its Finalize once', () => {
    expect(plans).toHaveLength(1);
    const d = of('d');
    const aborting = d.filter((l) => l.msg === 'Aborting dynamic workflow at RetryAttempt [0]');
    expect(aborting).toHaveLength(2);
    const inner = of('d/y').filter((l) => l.msg.startsWith('Abort invoked'));
    expect(inner).toHaveLength(2);
    // each of the node's aborts comes before the sub-DAG's running task aborts
    expect(aborting[0]!.i).toBeLessThan(inner[0]!.i);
    expect(aborting[1]!.i).toBeLessThan(inner[1]!.i);
    expect(aborting[1]!.i).toBeGreaterThan(inner[0]!.i);
    // leaving Failing, the node executor's Abort: `Calling aborting & finalize` first, the Finalize after the sub-DAG
    expect(lines[aborting[1]!.i - 1]!.msg).toBe('Calling aborting & finalize');
    const finalizing = d.filter((l) => l.msg === 'Finalizing dynamic workflow RetryAttempt [0]');
    expect(finalizing).toHaveLength(1);
    expect(finalizing[0]!.i).toBeGreaterThan(inner[1]!.i);
    expect(d.some((l) => l.i > finalizing[0]!.i && l.msg === 'Finalizing Parent node RetryAttempt [0]')).toBe(true);
  });
});

describe('the abort of nested dynamic nodes', () => {
  const file = join(tempDir('dyn-abort'), 'nested.yaml');
  writeFileSync(
    file,
    `name: nested
description: a failing task aborts a dynamic node running a dynamic node
workflows:
  w:
    nodes:
      - {id: d, dynamic: {nodes: [{id: e, dynamic: {nodes: [{id: x, runtime: 600s}]}}]}}
      - {id: boom, runtime: 120s, failedAttempts: 1, retries: 0}
`,
  );
  const rec = simulateWith(loadSimulationInput(file).executions, defaultModel());
  const lines = [...logLines(rec)].filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { json: Record<string, string>; msg: string });
  const at = (node: string, msg: string) => lines.findIndex((l) => l.json.node === node && l.msg.startsWith(msg));

  it('writes the outer handler’s Abort first, then the inner one’s, then the task’s; finalizing in the other order', () => {
    expect(rec.executions[0]!.phase).toBe('Failed');
    const outer = at('d', 'Aborting dynamic workflow');
    const inner = at('d/e', 'Aborting dynamic workflow');
    const task = at('d/e/x', 'Abort invoked');
    expect(outer).toBeGreaterThanOrEqual(0);
    expect(outer).toBeLessThan(inner);
    expect(inner).toBeLessThan(task);
    const innerFinal = at('d/e', 'Finalizing dynamic workflow');
    const outerFinal = at('d', 'Finalizing dynamic workflow');
    expect(task).toBeLessThan(innerFinal);
    expect(innerFinal).toBeLessThan(outerFinal);
  });
});

describe('the source lines of abort and timeout messages', () => {
  const file = join(tempDir('dyn-abort'), 'timeouts.yaml');
  writeFileSync(
    file,
    `name: timeouts
description: a dynamic node aborted by a failing task, and a task whose attempts time out
workflows:
  w:
    nodes:
      - {id: d, dynamic: {nodes: [{id: x, runtime: 60m}]}}
      - {id: boom, runtime: 20m, failedAttempts: 1, retries: 0}
      - {id: slow, runtime: 30m, timeout: 5m, retries: 1}
`,
  );
  const rec = simulateWith(loadSimulationInput(file).executions, defaultModel());
  const lines = [...logLines(rec)].filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { json: Record<string, string>; msg: string });
  const srcOf = (prefix: string) => [...new Set(lines.filter((l) => l.msg.startsWith(prefix)).map((l) => l.json.src))];

  it('names the file and line of the logger call for each (propeller master)', () => {
    expect(srcOf('Current execution for the node timed out')).toEqual(['executor.go:852']);
    expect(srcOf('Calling aborting & finalize')).toEqual(['executor.go:877']);
    expect(srcOf('Abort invoked with phase')).toEqual(['handler.go:817']);
    expect(srcOf('KillTask invoked.')).toEqual(['plugin_manager.go:392']);
    expect(srcOf('Aborting dynamic workflow at RetryAttempt')).toEqual(['handler.go:244']);
    expect(srcOf('Aborting regular node RetryAttempt')).toEqual(['handler.go:259']);
    expect(srcOf('Finalizing dynamic workflow RetryAttempt')).toEqual(['handler.go:280']);
  });

  it('gives every line a source from the table (no placeholder)', () => {
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.filter((l) => l.json.src === 'handler.go:1').map((l) => l.msg)).toEqual([]);
  });
});
