/** OpenTelemetry log records as the Collector's file exporter writes them: one request per line. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kindOfHead } from '../../src/cli/sniff.js';
import { logLines } from '../../src/export/logs.js';
import { otlpLogLines, OtlpLogsLines, startsAsOtlpLogs } from '../../src/ingest/otlp-logs.js';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { defaultModel } from '../../src/model/defaults.js';
import { runCli } from '../support/run-cli.js';
import { simulateWith, smallMixedLoad, tempDir } from '../roundtrip/shape.js';

const dir = tempDir('otlp-logs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POD = 'flytepropeller-7d9f-abcde';
const LINE = '{"json":{"exec_id":"e1","ns":"flytesnacks-development","routine":"worker-3"},"level":"info","msg":"Processing Workflow.","ts":"2024-05-17T22:55:03Z"}';

/** RFC3339Nano → decimal epoch nanoseconds. */
function nanos(time: string): string {
  const [whole, frac = ''] = time.replace('Z', '').split('.');
  return `${Date.parse(`${whole}Z`) / 1000}${frac.padEnd(9, '0')}`;
}

function request(records: { line: string; time: string }[], pod = POD): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'k8s.pod.name', value: { stringValue: pod } }, { key: 'k8s.namespace.name', value: { stringValue: 'flyte' } }] },
        scopeLogs: [
          {
            scope: {},
            logRecords: records.map((r) => ({
              timeUnixNano: nanos(r.time),
              observedTimeUnixNano: nanos(r.time),
              body: { stringValue: r.line },
              attributes: [{ key: 'log.iostream', value: { stringValue: 'stderr' } }],
            })),
          },
        ],
      },
    ],
  });
}

describe('OTLP logs requests', () => {
  it('each record becomes a collector line: its body, its time with nanoseconds, its pod', () => {
    const lines = otlpLogLines(request([{ line: LINE, time: '2024-05-17T22:55:03.134443862Z' }]))!;
    expect(lines).toHaveLength(1);
    const r = decodeLine(lines[0]!) as LogRecord;
    expect(r).toMatchObject({ msg: 'Processing Workflow.', execId: 'e1', nsec: 134443862, resNs: 1, replica: POD });
  });

  it('a body the Collector parsed into a map reads as the JSON line it was', () => {
    const parsed = JSON.parse(LINE) as Record<string, unknown>;
    const kv = (o: Record<string, unknown>): unknown => ({
      kvlistValue: { values: Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : kv(v as Record<string, unknown>) })) },
    });
    const req = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1715986503000000000', body: kv(parsed) }] }] }] });
    const r = decodeLine(otlpLogLines(req)![0]!) as LogRecord;
    expect(r).toMatchObject({ msg: 'Processing Workflow.', execId: 'e1', routine: 'worker-3' });
  });

  it('is told from traces and other JSON by its first key', () => {
    expect(startsAsOtlpLogs(Buffer.from('{"resourceLogs":[{'))).toBe(true);
    expect(startsAsOtlpLogs(Buffer.from(' \n{ "resource_logs" : ['))).toBe(true);
    expect(startsAsOtlpLogs(Buffer.from('{"resourceSpans":[{'))).toBe(false);
    expect(startsAsOtlpLogs(Buffer.from(LINE))).toBe(false);
  });

  it('lines that are not requests pass through for the reader to count; every output line names its source line', () => {
    const starts: number[] = [];
    const t = new OtlpLogsLines((l) => starts.push(l));
    const a = request([
      { line: LINE, time: '2024-05-17T22:55:03.1Z' },
      { line: LINE, time: '2024-05-17T22:55:03.2Z' },
    ]);
    const text = `${a}\nnot json\n${a.slice(0, 40)}`;
    const out = Buffer.concat([t.push(Buffer.from(text.slice(0, 100))), t.push(Buffer.from(text.slice(100))), t.end()]).toString().split('\n');
    expect(out.slice(2, 4)).toEqual(['not json', a.slice(0, 40)]);
    expect(starts).toEqual([1, 1, 2, 3]);
  });
});

describe('a simulated mixed load exported by the Collector', () => {
  it('reports as the CRI log it came from, and sniffs as a log', async () => {
    const rec = simulateWith(smallMixedLoad(), defaultModel());
    const cri = [...logLines(rec, { cri: true })];
    const criPath = join(dir, 'cri.log');
    writeFileSync(criPath, cri.join('\n') + '\n');
    const records = cri.map((l) => ({ time: l.slice(0, l.indexOf(' ')), line: l.slice(l.indexOf(' F ') + 3) }));
    const requests: string[] = [];
    for (let i = 0; i < records.length; i += 37) requests.push(request(records.slice(i, i + 37)));
    const path = join(dir, 'otlp-logs.jsonl');
    writeFileSync(path, requests.join('\n') + '\n');
    expect(kindOfHead(requests.slice(0, 3).join('\n'), false)).toBe('logs');
    const truth = await runCli(['report', criPath, '--json']);
    const r = await runCli(['report', path, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(JSON.parse(truth.out));
    // --strict names the request's line for a bad record
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${requests[0]}\n${request([{ line: '{"json":{"exec_id":"x"', time: '2024-05-17T22:55:03Z' }])}\n`);
    const strict = await runCli(['fold', bad, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.err).toContain(`${bad}:2`);
  });
});
