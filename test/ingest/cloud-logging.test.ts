/** Cloud Logging entries wrapping propeller's JSON lines (`gcloud logging read`, log sinks). */
import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { content } from '../ingest-lines/util.js';

const line = {
  json: { exec_id: 'e1', node: 'n0', ns: 'flytesnacks-development', res_ver: '7', routine: 'worker-3', wf: 'p:d:w' },
  level: 'info',
  msg: 'Change in node state detected from [Queued] -> [Running], (handler phase [Running])',
  ts: '2024-05-17T22:55:03Z',
};
const gcpLine = { data: line.json, message: line.msg, severity: 'INFO', timestamp: line.ts };

function entry(payload: object, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    insertId: 'abc',
    jsonPayload: payload,
    resource: { type: 'k8s_container', labels: { namespace_name: 'flyte', pod_name: 'flytepropeller-7d9c8-x2x9z', container_name: 'flytepropeller' } },
    timestamp: '2024-05-17T22:55:03.134443862Z',
    severity: 'INFO',
    logName: 'projects/p/logs/stderr',
    receiveTimestamp: '2024-05-17T22:55:04.000000001Z',
    ...extra,
  });
}

describe('Cloud Logging entries', () => {
  const plain = decodeLine(JSON.stringify(line)) as LogRecord;

  it.each([
    ['flytestdlib JSON', line],
    ['GCP layout', gcpLine],
  ])('the jsonPayload (%s) is the line; the entry gives its exact time and pod', (_name, payload) => {
    const r = decodeLine(entry(payload)) as LogRecord;
    expect(typeof r).toBe('object');
    expect(content(r)).toEqual(content(plain));
    expect(r).toMatchObject({ nsec: 134443862, resNs: 1, replica: 'flytepropeller-7d9c8-x2x9z' });
  });

  it("without an entry timestamp the payload's own is used", () => {
    const r = decodeLine(entry(line, { timestamp: undefined })) as LogRecord;
    expect(r).toMatchObject({ sec: plain.sec, nsec: 0, resNs: 1e9 });
  });
});

describe('Cloud Logging entries of text lines', () => {
  const klog = "E0517 22:55:03.811406       1 workers.go:103] error syncing 'flytesnacks-development/e1': boom\n";
  const text = 'ts="2024-05-17T22:55:03Z" level=info msg="Processing Workflow." exec_id=e1 ns=flytesnacks-development routine=worker-3\n';
  const wrap = (textPayload: string): string =>
    JSON.stringify({ insertId: 'a', textPayload, resource: { labels: { pod_name: 'flytepropeller-0' } }, timestamp: '2024-05-17T22:55:03.900000001Z', severity: 'ERROR' });

  it('a klog line in textPayload: its execution, the entry time and pod', () => {
    const r = decodeLine(wrap(klog)) as LogRecord;
    expect(r).toMatchObject({ kind: 'klog', execId: 'e1', ns: 'flytesnacks-development', nsec: 900000001, resNs: 1, replica: 'flytepropeller-0' });
    expect(r.msg).toContain("error syncing 'flytesnacks-development/e1'");
  });

  it('a logrus text line in textPayload', () => {
    const r = decodeLine(wrap(text)) as LogRecord;
    expect(r).toMatchObject({ msg: 'Processing Workflow.', execId: 'e1', routine: 'worker-3', level: 'info', nsec: 900000001 });
  });

  it('an unreadable textPayload is unreadable', () => {
    expect(decodeLine(wrap('panic: runtime error\n'))).toBe('notJson');
  });
});
