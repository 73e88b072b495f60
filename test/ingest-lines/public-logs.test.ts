import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readRecording } from '../../src/cli/inputs.js';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { accounted, PUBLIC_LOGS, readFiles, utc } from './util.js';

const files = readdirSync(PUBLIC_LOGS).filter((f) => !f.endsWith('.source.txt'));

async function read(name: string) {
  return readFiles([PUBLIC_LOGS + name]);
}

describe('public log excerpts', () => {
  it('has the excerpts', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s reads without throwing and accounts for every line', async (name) => {
    const r = await read(name);
    const physical = readFileSync(PUBLIC_LOGS + name, 'utf8').replace(/\n$/, '').split('\n').length;
    expect(r.stats.read).toBe(physical);
    expect(accounted(r)).toBe(true);
    // the skip hook saw every skipped line
    expect(r.skips.length).toBe(r.stats.read - r.records.length);
    for (const rec of r.records) {
      expect(rec.estNsec).toBeGreaterThanOrEqual(0);
      expect(rec.estNsec).toBeLessThan(1e9);
      expect(Number.isInteger(rec.sec)).toBe(true);
    }
  });

  it('CRI prefix gives nanosecond time', async () => {
    const r = await read('stdlib-cri-prefixed-scheduler-union285.log');
    expect(r.records).toHaveLength(1);
    const rec = r.records[0] as LogRecord;
    expect(rec.sec).toBe(utc('2024-05-17T22:55:03Z'));
    expect(rec.nsec).toBe(134443862);
    expect(rec.resNs).toBe(1);
    expect(rec.estNsec).toBe(134443862);
    expect(rec.level).toBe('error');
    expect(rec.routine).toBe('jobfunc-10088472400956403757');
    expect(rec.msg).toMatch(/^failed to create execution create request project:"default"/);
  });

  it('time-zone offset is converted to UTC', async () => {
    const r = await read('stdlib-tz-offset-timestamp-union294.jsonl');
    const rec = r.records[0] as LogRecord;
    expect(rec.sec).toBe(utc('2024-05-23T06:52:47Z'));
    expect(rec.resNs).toBe(1e9);
    expect(rec.msg).toBe('Coming out of Waiting');
  });

  it('truncated flyteadmin line is counted as truncated, the next one read (+01:00, fatal)', async () => {
    const r = await read('stdlib-flyteadmin-fatal-pr445.jsonl');
    expect(r.stats.skipped).toEqual({ truncated: 1 });
    expect(r.skips[0]).toMatchObject({ reason: 'truncated', line: 1 });
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({ line: 2, level: 'fatal', sec: utc('2022-06-11T19:48:28Z') });
  });

  it('truncated admin API JSON is counted as truncated', async () => {
    const r = await read('admin-node-executions-api-issue3096-truncated.json');
    expect(r.stats.skipped).toEqual({ truncated: 1 });
  });

  it('klog line: microseconds, year from the input, ns/name of error syncing', async () => {
    const r = await read('propeller-etcd-too-large-pr6752.log');
    expect(r.records).toHaveLength(3);
    const [a, b, k] = r.records as [LogRecord, LogRecord, LogRecord];
    expect(a.msg).toBe('Failed to update workflow. Error [etcdserver: request is too large]');
    expect(a).toMatchObject({ execId: 'ajlpz6zv4xwbch45r6dh', ns: 'avperceptionworkflows-prod', routine: 'worker-98', kind: 'propeller' });
    expect(b.msg).toBe('Completed processing workflow.');
    // two lines in one whole second before the klog line at .811406: 1/3 and 2/3 of the time before it
    expect([a.estNsec, b.estNsec]).toEqual([270468666, 540937333]);
    expect(k).toMatchObject({
      kind: 'klog',
      level: 'error',
      sec: utc('2025-09-13T02:32:16Z'),
      nsec: 811406000,
      resNs: 1000,
      estNsec: 811406000,
      ns: 'avperceptionworkflows-prod',
      execId: 'ajlpz6zv4xwbch45r6dh',
    });
    expect(k.msg).toBe("error syncing 'avperceptionworkflows-prod/ajlpz6zv4xwbch45r6dh': etcdserver: request is too large");
  });

  it('stern prefix names the replica', async () => {
    const r = await read('stdlib-stern-prefixed-clusterresource-union380.log');
    expect(r.records[0]).toMatchObject({ replica: 'syncresources-56db4cbc8f-xjsr9', msg: 'clusterresource-private', level: 'debug' });
  });

  it('GCP enqueue line decodes ==\\u003e', async () => {
    const r = await read('propeller-gcp-format-enqueue-foldlogs-comment.jsonl');
    expect(r.records[0]).toMatchObject({
      msg: '==> Enqueueing workflow [flytesnacks-development/a4f8dxddvnfrfs6jr9nx-n0-0]',
      level: 'info',
      sec: utc('2022-05-03T09:28:01Z'),
      execId: undefined,
    });
  });

  it('abbreviated line without ts is noTimestamp', async () => {
    const r = await read('propeller-abbreviated-enqueue-owner-foldlogs-comment.txt');
    expect(r.stats.skipped).toEqual({ noTimestamp: 1 });
  });

  it('context fields: nested node, res_ver, wf, tasktype', async () => {
    const a = (await read('propeller-finalizer-conflict-pr5673.jsonl')).records[0];
    expect(a).toMatchObject({
      execId: 'f016a3be7fa304db5a77',
      node: 'n0/n42',
      ns: 'development',
      resVer: '146129599',
      routine: 'worker-66',
      wf: 'flytesnacks:development:tests.flytekit.integration.map_task_issue.wf8',
      level: 'warning',
    });
    expect(a?.msg).toContain('Operation cannot be fulfilled on pods "f016a3be7fa304db5a77-n0-0-n42-0"');
    const b = (await read('propeller-issue1457-warning-line.jsonl')).records[0];
    expect(b).toMatchObject({ tasktype: 'python-task', node: 'n0', execId: 'grs2u5m2ns' });
  });

  it('same-second bursts are spread within the second in file order', async () => {
    const r = await read('stdlib-clusterresource-errors-union459.jsonl');
    expect(r.records.map((x) => x.estNsec)).toEqual([250000000, 500000000, 750000000, 333333333, 666666666]);
    expect(r.records.map((x) => x.sec - utc('2024-09-04T13:26:47Z'))).toEqual([0, 0, 0, 1, 1]);
  });

  it('other components are records too (the folder classifies them)', async () => {
    const r = await read('stdlib-fasttask-status-cadence-union714.jsonl');
    expect(r.records).toHaveLength(42);
    expect(r.records[0]?.msg).toContain('received task "alq9c2zvzws8zmvnbbq9-n0-0" status');
    const q = await read('stdlib-request-id-field-union517.jsonl');
    expect(q.records).toHaveLength(6);
  });

  it('non-log text is counted, not returned', async () => {
    for (const name of ['foldlogs-output-rfc2995-example.txt', 'propeller-error-message-issue5234.txt', 'propeller-msg-fragment-issue363.txt']) {
      const r = await read(name);
      expect(r.records).toHaveLength(0);
      expect(r.stats.skipped.notJson).toBeGreaterThan(0);
    }
  });

  it('decodeLine agrees with the stream reader on single lines', async () => {
    for (const name of ['propeller-issue1457-warning-line.jsonl', 'stdlib-cri-prefixed-scheduler-union285.log', 'propeller-gcp-format-enqueue-foldlogs-comment.jsonl']) {
      const text = readFileSync(PUBLIC_LOGS + name, 'utf8').trimEnd();
      const [rec] = (await read(name)).records;
      expect(decodeLine(text, { file: PUBLIC_LOGS + name })).toEqual(rec);
    }
  });
});

describe('folded public logs', () => {
  const inside = (t: { start: number; end: number; startLo?: number; endHi?: number }, o: { startLo?: number; endHi?: number; start: number; end: number }) =>
    (t.startLo ?? t.start) >= (o.startLo ?? o.start) && (t.endHi ?? t.end) <= (o.endHi ?? o.end);

  it.each(files)('%s: ops lie inside their round, rounds inside their Handle call', async (name) => {
    const rec = await readRecording([PUBLIC_LOGS + name]);
    for (const e of rec.executions) {
      for (const h of e.handles) {
        for (const r of h.rounds) {
          expect(inside(r, h), `${name} round`).toBe(true);
          for (const o of r.ops) expect(inside(o, r), `${name} ${o.kind}`).toBe(true);
        }
      }
    }
  });

  it('a klog time on the Handle call bounds the whole-second etcd write inside it', async () => {
    const rec = await readRecording([PUBLIC_LOGS + 'propeller-etcd-too-large-pr6752.log']);
    const h = rec.executions[0]!.handles[0]!;
    const write = h.rounds[0]!.ops.find((o) => o.kind === 'etcdUpdate')!;
    expect(write.endHi).toBeLessThanOrEqual(h.endHi!);
    expect(write.endHi! - write.startLo!).toBeLessThan(1e9);
  });
});
