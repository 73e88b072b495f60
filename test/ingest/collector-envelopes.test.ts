/**
 * Propeller lines as log collectors store them: Docker's json-file driver, Fluent Bit / Fluentd,
 * Loki's `logcli` (JSON lines and its default text), Filebeat / Elastic Common Schema documents.
 * The collector's receive time and pod are used, and each form reports as the CRI log it came from.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { logLines } from '../../src/export/logs.js';
import { defaultModel } from '../../src/model/defaults.js';
import { runCli } from '../support/run-cli.js';
import { simulateWith, smallMixedLoad, tempDir } from '../roundtrip/shape.js';

const dir = tempDir('collectors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POD = 'flytepropeller-7d9f-abcde';
const LINE = '{"json":{"exec_id":"e1","ns":"flytesnacks-development","routine":"worker-3"},"level":"info","msg":"Processing Workflow.","ts":"2024-05-17T22:55:03Z"}';
const KLOG = "E0517 22:55:03.811406       1 workers.go:103] error syncing 'flytesnacks-development/e1': boom";
const TIME = '2024-05-17T22:55:03.134443862Z';

/** Each collector's record of one container line received at `time` (RFC3339Nano). */
const FORMS: Record<string, (line: string, time: string) => string> = {
  'Docker json-file': (line, time) => JSON.stringify({ log: line + '\n', stream: 'stderr', time }),
  'Fluent Bit (kubernetes filter)': (line, time) =>
    JSON.stringify({ time, log: line, stream: 'stderr', kubernetes: { pod_name: POD, namespace_name: 'flyte', container_name: 'flytepropeller' } }),
  'Loki logcli --output=jsonl': (line, time) => JSON.stringify({ labels: { app: 'flytepropeller', pod: POD }, line, timestamp: time }),
  'Loki logcli default': (line, time) => `${time} {app="flytepropeller", container="flytepropeller", pod="${POD}"} ${line}`,
  'Filebeat (ECS)': (line, time) => JSON.stringify({ '@timestamp': time, message: line, kubernetes: { pod: { name: POD }, namespace: 'flyte' }, stream: 'stderr' }),
};

describe.each(Object.entries(FORMS))('%s', (name, wrap) => {
  it("a propeller JSON line: its fields, the collector's time and pod", () => {
    const r = decodeLine(wrap(LINE, TIME)) as LogRecord;
    expect(typeof r).toBe('object');
    expect(r).toMatchObject({ msg: 'Processing Workflow.', execId: 'e1', routine: 'worker-3', level: 'info', nsec: 134443862, resNs: 1 });
    if (name !== 'Docker json-file') expect(r.replica).toBe(POD);
  });

  it('a klog line of client-go', () => {
    const r = decodeLine(wrap(KLOG, TIME)) as LogRecord;
    expect(r).toMatchObject({ kind: 'klog', execId: 'e1', nsec: 134443862 });
  });
});

describe('collector records that are not wrapped lines', () => {
  it("Fluent Bit's epoch `date` when the record has no time string", () => {
    const r = decodeLine(JSON.stringify({ date: 1715986503.25, log: LINE })) as LogRecord;
    expect(r).toMatchObject({ sec: 1715986503, execId: 'e1' });
    expect(Math.abs(r.nsec - 250_000_000)).toBeLessThan(1000);
  });
  it('a wrapped line without a time of its own keeps the line time', () => {
    const r = decodeLine(JSON.stringify({ log: LINE, stream: 'stderr' })) as LogRecord;
    expect(r).toMatchObject({ sec: 1715986503, nsec: 0, resNs: 1e9 });
  });
  it("another program's JSON stays unreadable, and a label-like text is not taken for Loki's labels", () => {
    expect(decodeLine(JSON.stringify({ event: 'x', value: 3 }))).toBe('notJson');
    expect(decodeLine('{app="x" {"a":1}')).not.toMatchObject({ replica: 'x' });
  });
  it('a GCP-layout propeller line (message with severity) is the line itself, not a wrapper', () => {
    const r = decodeLine(JSON.stringify({ data: { exec_id: 'e1' }, message: 'Processing Workflow.', severity: 'INFO', timestamp: '2024-05-17T22:55:03Z' })) as LogRecord;
    expect(r).toMatchObject({ msg: 'Processing Workflow.', execId: 'e1', resNs: 1e9 });
  });
});

describe('a simulated mixed load stored by each collector', () => {
  const rec = simulateWith(smallMixedLoad(), defaultModel());
  const cri = [...logLines(rec, { cri: true })];
  const criPath = join(dir, 'cri.log');
  writeFileSync(criPath, cri.join('\n') + '\n');
  const split = (l: string) => ({ time: l.slice(0, l.indexOf(' ')), text: l.slice(l.indexOf(' F ') + 3) });

  it('reports as the CRI log, in either order', async () => {
    const truth = await runCli(['report', criPath, '--json']);
    expect(truth.code).toBe(0);
    for (const [name, wrap] of Object.entries(FORMS)) {
      const lines = cri.map((l) => {
        const { time, text } = split(l);
        return wrap(text, time);
      });
      for (const [order, ls] of [['oldest first', lines], ['newest first', [...lines].reverse()]] as const) {
        const path = join(dir, `${name.replace(/\W+/g, '-')}-${order.replace(' ', '-')}.log`);
        writeFileSync(path, ls.join('\n') + '\n');
        const r = await runCli(['report', path, '--json']);
        expect(r.code, `${name}, ${order}`).toBe(0);
        expect(JSON.parse(r.out), `${name}, ${order}`).toEqual(JSON.parse(truth.out));
      }
    }
  });
});
