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

describe('pretty-printed OTLP logs documents', () => {
  const recs = (n: number, at = 3) => Array.from({ length: n }, (_, i) => ({ line: LINE.replace('worker-3', `worker-${i}`), time: `2024-05-17T22:55:0${at}.${i + 1}Z` }));
  const run = (text: string, splitAt = 57) => {
    const starts: number[] = [];
    const t = new OtlpLogsLines((l) => starts.push(l));
    const chunks: Buffer[] = [];
    for (let i = 0; i < text.length; i += splitAt) chunks.push(t.push(Buffer.from(text.slice(i, i + splitAt))));
    chunks.push(t.end());
    return { lines: Buffer.concat(chunks).toString().split('\n').filter((l) => l !== ''), starts };
  };
  const pretty = (r: { line: string; time: string }[]) => JSON.stringify(JSON.parse(request(r)), null, 2);

  it('a document over many lines reads as the same request on one line; its records name the line it begins on', () => {
    const one = request(recs(3));
    const doc = pretty(recs(3));
    expect(doc.split('\n').length).toBeGreaterThan(20);
    const a = run(`${one}\n`);
    const b = run(`${doc}\n`);
    expect(b.lines).toEqual(a.lines);
    expect(b.starts).toEqual([1, 1, 1]);
    // two documents back to back, then a request on one line, then a document again
    const mixed = run(`${doc}\n${pretty(recs(2, 4))}\n${request(recs(1, 5))}\n${doc}`);
    const lines2 = doc.split('\n').length;
    const lines3 = pretty(recs(2, 4)).split('\n').length;
    expect(mixed.lines).toHaveLength(3 + 2 + 1 + 3);
    expect(mixed.starts).toEqual([1, 1, 1, lines2 + 1, lines2 + 1, lines2 + lines3 + 1, ...Array(3).fill(lines2 + lines3 + 2)]);
  });

  it('braces and quotes inside values do not end a document early', () => {
    const tricky = [{ line: LINE.replace('Processing Workflow.', 'x {\\"a\\": [1, {\\"b\\": \\"}\\"}]} y'), time: '2024-05-17T22:55:03.5Z' }];
    const a = run(`${request(tricky)}\n`);
    const b = run(`${pretty(tricky)}\n`, 13);
    expect(b.lines).toEqual(a.lines);
    expect(b.lines).toHaveLength(1);
  });

  it('a request cut short is counted, not allowed to swallow the requests after it; a document that never closes is counted', () => {
    const one = request(recs(2));
    const cut = run(`${one.slice(0, 80)}\n${one}\n${one}\n`);
    expect(cut.lines[0]).toBe(one.slice(0, 80));
    expect(cut.lines).toHaveLength(1 + 2 + 2);
    expect(cut.starts).toEqual([1, 2, 2, 3, 3]);
    const open = pretty(recs(2)).split('\n').slice(0, -3).join('\n');
    const never = run(`${open}\n`);
    expect(never.lines).toEqual(open.split('\n'));
  });

  it('propsim reads a pretty-printed document like its one-line form', async () => {
    const rec = simulateWith(smallMixedLoad(), defaultModel());
    const cri = [...logLines(rec, { cri: true })].slice(0, 400);
    const records = cri.map((l) => ({ time: l.slice(0, l.indexOf(' ')), line: l.slice(l.indexOf(' F ') + 3) }));
    const compact = join(dir, 'one-line.json');
    const prettyPath = join(dir, 'pretty.json');
    writeFileSync(compact, `${request(records)}\n`);
    writeFileSync(prettyPath, `${pretty(records)}\n`);
    const a = await runCli(['fold', compact, '--json']);
    const b = await runCli(['fold', prettyPath, '--json']);
    expect(b.code).toBe(0);
    expect(JSON.parse(b.out).executions.length).toBeGreaterThan(0);
    expect(JSON.parse(b.out)).toEqual(JSON.parse(a.out));
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
