/**
 * `propsim report` on logs folds, reports and drops one execution at a time. It must print exactly
 * what reporting the whole Recording at once prints (text and JSON), with executions in creation
 * order whatever order they finished in.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readExecutions, readRecording } from '../../src/cli/inputs.js';
import { main } from '../../src/cli/main.js';
import { reportOfLogs } from '../../src/cli/report.js';
import { Spool } from '../../src/export/spool.js';
import { computeReport, renderReport } from '../../src/metrics/index.js';
import { logRoundTrip, simulateWith, smallMixedLoad, stressModel, tempDir } from './shape.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const dir = tempDir('report-stream');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `report` printed before it streamed: the whole Recording reported at once. */
async function wholeReport(file: string): Promise<{ text: string; json: string }> {
  const rec = await readExecutions([file]);
  const report = computeReport(rec);
  return { text: renderReport(report), json: `${JSON.stringify({ ...report, lines: rec.lines }, null, 2)}\n` };
}

async function cliReport(file: string, json: boolean): Promise<string> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.${json ? 'json' : 'txt'}`);
  const code = await main(['report', file, ...(json ? ['--json'] : []), '-o', out]);
  expect(code).toBe(0);
  return readFileSync(out, 'utf8');
}

describe('streaming report', () => {
  it('prints the bundled recordings exactly as a report of the whole input does', async () => {
    for (const f of ['recordings/hello-world.jsonl', 'recordings/deployment.cri.log.gz']) {
      const file = join(ROOT, f);
      const whole = await wholeReport(file);
      expect(await cliReport(file, false), f).toBe(whole.text);
      expect(await cliReport(file, true), f).toBe(whole.json);
    }
  });

  it('lists concurrent executions in creation order, not in the order they finished', async () => {
    const rec = simulateWith(smallMixedLoad(), stressModel());
    const path = join(dir, 'mixed.log');
    await logRoundTrip(rec, path, { format: 'text', cri: false, maxStreak: 3 });
    const whole = await wholeReport(path);
    const json = await cliReport(path, true);
    expect(json).toBe(whole.json);
    expect(await cliReport(path, false)).toBe(whole.text);
    const ids = (JSON.parse(json) as { executions: { id: string }[] }).executions.map((e) => e.id);
    expect(ids.length).toBeGreaterThan(3);
    expect(new Set(ids).size).toBe(ids.length);
    // What `diff` uses for logs: the same report, kept in memory one execution report at a time.
    expect((await reportOfLogs([path])).report).toEqual(computeReport(await readRecording([path])));
  });
});

describe('report of a folded Timeline', () => {
  it('equals the report of the log, executions in creation order although fold wrote them as they finished', async () => {
    const log = join(dir, 'mixed-for-timeline.log');
    await logRoundTrip(simulateWith(smallMixedLoad(), stressModel()), log, { format: 'json', cri: false });
    const timeline = join(dir, 'mixed.timeline.json');
    expect(await main(['fold', log, '--json', '-o', timeline])).toBe(0);
    const written = (JSON.parse(readFileSync(timeline, 'utf8')) as { executions: { id: string }[] }).executions.map((e) => e.id);
    const fromLog = JSON.parse(await cliReport(log, true)) as { executions: { id: string }[]; lines?: unknown };
    const fromTimeline = JSON.parse(await cliReport(timeline, true)) as typeof fromLog;
    expect(written).not.toEqual(fromLog.executions.map((e) => e.id));
    delete fromLog.lines;
    delete fromTimeline.lines;
    expect(fromTimeline).toEqual(fromLog);
  });
});

describe('report --summary', () => {
  it('prints the header, the overhead over all executions and the infrastructure table of the full report, and no execution', async () => {
    const file = join(ROOT, 'recordings/deployment.cri.log.gz');
    const full = await cliReport(file, false);
    const out = join(dir, 'summary.txt');
    expect(await main(['report', file, '--summary', '-o', out])).toBe(0);
    const summary = readFileSync(out, 'utf8');
    expect(summary).not.toMatch(/^Execution /m);
    expect(summary).toMatch(/^Overhead · 40 of 40 executions$/m);
    const tail = full.slice(full.indexOf('\nOverhead · ') + 1);
    expect(summary.endsWith(tail)).toBe(true);
    expect(summary.startsWith(full.slice(0, full.indexOf('\nExecution ') + 1))).toBe(true);
  });

  it('with one execution still gives its overhead (the section stands in for the execution left out)', async () => {
    const out = join(dir, 'summary-one.txt');
    expect(await main(['report', join(ROOT, 'recordings/hello-world.jsonl'), '--summary', '-o', out])).toBe(0);
    const summary = readFileSync(out, 'utf8');
    expect(summary).toMatch(/^Overhead · 1 of 1 execution$/m);
    expect(summary).toMatch(/^ {2}sum over executions \(RFC\)/m);
    expect(summary).not.toMatch(/^Execution /m);
    expect(summary.indexOf('Overhead · ')).toBeLessThan(summary.indexOf('Infrastructure · '));
  });
});

describe('Spool', () => {
  it('plays chunks back sorted by key, ties in the order added, with the separator between them', async () => {
    const s = new Spool<number>();
    const parts: [number, string][] = [[3, 'c'], [1, 'a1'], [2, 'b ü'], [1, 'a2'], [0, '']];
    for (const [k, t] of parts) s.add(k, t);
    expect(s.count).toBe(5);
    const out: string[] = [];
    await s.playBack((a, b) => a - b, async (c) => void out.push(c), '|');
    expect(out.join('')).toBe('|a1|a2|b ü|c');
  });

  it('removes its file when played back and when closed without playing', async () => {
    const a = new Spool<number>();
    a.add(1, 'x');
    const b = new Spool<number>();
    expect(existsSync(a.dir) && existsSync(b.dir)).toBe(true);
    await a.playBack((x, y) => x - y, async () => undefined);
    b.close();
    b.close();
    expect(existsSync(a.dir) || existsSync(b.dir)).toBe(false);
  });
});
