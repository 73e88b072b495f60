import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { accounted, content, FIXTURES, readBytes, readFiles, utc } from './util.js';

const EX = 'abc123def456ghi789jk';
const T0 = utc('2024-05-17T22:55:03Z');

async function canonical(name: string) {
  return readFiles([FIXTURES + name]);
}

describe('format variants of the same propeller lines', () => {
  const variants = [
    'canonical.escaped.jsonl',
    'canonical.tz.jsonl',
    'canonical.crlf.jsonl',
    'canonical.gcp.jsonl',
    'canonical.text.log',
    'canonical.kubectl-ts.log',
    'canonical.stern.log',
    'canonical.kubectl-prefix.log',
    'canonical.cri.log',
    'canonical.stern-ts-text.log',
  ];

  it('the reference file decodes as expected', async () => {
    const r = await canonical('canonical.jsonl');
    expect(r.stats).toEqual({ read: 7, used: 0, skipped: {} });
    expect(r.records.map((x) => x.sec - T0)).toEqual([0, 0, 0, 1, 1, 1, 2]);
    expect(r.records.map((x) => x.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const [enq, proc, handling, change, plugin, failed] = r.records as LogRecord[];
    expect(enq).toMatchObject({ msg: `==> Enqueueing workflow [flytesnacks-development/${EX}]`, execId: undefined, level: 'info' });
    expect(proc).toMatchObject({ msg: 'Processing Workflow.', execId: EX, ns: 'flytesnacks-development', routine: 'worker-3' });
    expect(handling?.msg).toBe(
      `Handling Workflow [${EX}], id: [project:"flytesnacks" domain:"development" name:"${EX}"], p [Running]`,
    );
    expect(handling).toMatchObject({ resVer: '137261245', wf: 'flytesnacks:development:core.flyte_basics.basic_workflow.my_wf' });
    expect(change).toMatchObject({ node: 'n0', msg: 'Change in node state detected from [Queued] -> [Running], (handler phase [Running])' });
    expect(plugin).toMatchObject({ tasktype: 'python-task', level: 'debug' });
    expect(failed?.msg).toContain(`flyteworkflows.flyte.lyft.com "${EX}": the object`);
    expect(r.records.map((x) => x.estNsec)).toEqual([250000000, 500000000, 750000000, 250000000, 500000000, 750000000, 500000000]);
  });

  it.each(variants)('%s decodes to the same records', async (name) => {
    const ref = (await canonical('canonical.jsonl')).records;
    const r = await canonical(name);
    expect(accounted(r)).toBe(true);
    expect(r.skips.filter((s) => s.reason !== 'notJson')).toEqual([]);
    expect(r.records.map(content)).toEqual(ref.map(content));
  });

  it('prefix times are exact and win over the payload second', async () => {
    const r = await canonical('canonical.kubectl-ts.log');
    expect(r.records.map((x) => x.nsec)).toEqual([134443862, 200000001, 999999999, 5000, 120000000, 777777777, 1]);
    // resolution from the digits written (.000005 -> 1 µs, .12 -> 10 ms)
    expect(r.records.map((x) => x.resNs)).toEqual([1, 1, 1, 1000, 1e7, 1, 1]);
    for (const x of r.records) expect(x.estNsec).toBe(x.nsec);
    expect((await canonical('canonical.stern-ts-text.log')).records.map((x) => x.nsec)).toEqual(r.records.map((x) => x.nsec));
  });

  it('tailer prefixes name the replica', async () => {
    for (const name of ['canonical.stern.log', 'canonical.kubectl-prefix.log', 'canonical.stern-ts-text.log']) {
      const r = await canonical(name);
      expect(new Set(r.records.map((x) => x.replica))).toEqual(new Set(['flytepropeller-7d9c8b6f5-x2x9k']));
    }
  });

  it('CRI partial lines join up to the F line, at the first fragment', async () => {
    const r = await canonical('canonical.cri.log');
    // 10 physical lines: 7 records, the stdout noise line, 2 continuation fragments
    expect(r.stats.read).toBe(10);
    expect(r.stats.skipped).toEqual({ notJson: 1, joined: 2 });
    expect(r.skips.map((s) => [s.reason, s.line])).toEqual([['notJson', 4]]);
    expect(r.records.map((x) => x.line)).toEqual([1, 2, 3, 7, 8, 9, 10]);
    expect(r.records[2]).toMatchObject({ execId: EX, resVer: '137261245', nsec: 999999999 });
  });

  it('CRLF line ends are removed', async () => {
    const r = await canonical('canonical.crlf.jsonl');
    expect(r.records.every((x) => !x.msg.endsWith('\r'))).toBe(true);
  });

  it('a mixed file: klog, other components, junk, truncation, bad times', async () => {
    const r = await canonical('mixed.log');
    expect(r.stats.read).toBe(9);
    expect(r.skips.map((s) => [s.line, s.reason])).toEqual([
      [2, 'empty'],
      [5, 'notJson'],
      [6, 'truncated'],
      [7, 'noTimestamp'],
      [8, 'badTimestamp'],
    ]);
    const [proc, klog, admin, done] = r.records as LogRecord[];
    expect(proc).toMatchObject({ line: 1, msg: 'Processing Workflow.' });
    expect(klog).toMatchObject({ line: 3, kind: 'klog', execId: EX, ns: 'flytesnacks-development', sec: T0 + 1, nsec: 811406000 });
    expect(admin).toMatchObject({ line: 4, level: 'fatal', sec: utc('2024-05-17T21:55:04Z'), execId: undefined });
    expect(done).toMatchObject({ line: 9, msg: 'Completed processing workflow.' });
  });
});

describe('inputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsim-lines-'));
  const plain = readFileSync(FIXTURES + 'canonical.jsonl');

  it('reads gzip by suffix and by magic bytes', async () => {
    const gz = join(dir, 'c.jsonl.gz');
    const hidden = join(dir, 'c.log');
    writeFileSync(gz, gzipSync(plain));
    writeFileSync(hidden, gzipSync(plain));
    const ref = (await canonical('canonical.jsonl')).records.map(content);
    expect((await readFiles([gz])).records.map(content)).toEqual(ref);
    expect((await readFiles([hidden])).records.map(content)).toEqual(ref);
  });

  it('reads standard input as -, plain or gzipped', async () => {
    const ref = (await canonical('canonical.jsonl')).records.map(content);
    for (const bytes of [plain, gzipSync(plain)]) {
      const stdin = new PassThrough();
      const done = readFiles(['-'], { stdin });
      // in two pieces, so the reader sees more than one chunk
      stdin.write(bytes.subarray(0, 100));
      stdin.end(bytes.subarray(100));
      const r = await done;
      expect(r.records.map(content)).toEqual(ref);
      expect(r.records.every((x) => x.file === '-')).toBe(true);
    }
  });

  it('numbers lines per input and labels records with their input', async () => {
    const a = FIXTURES + 'canonical.jsonl';
    const b = FIXTURES + 'canonical.gcp.jsonl';
    const r = await readFiles([a, b]);
    expect(r.records.map((x) => `${x.file === a ? 'a' : 'b'}${x.line}`)).toEqual([
      'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7',
    ]);
    expect(r.stats.read).toBe(14);
  });

  it('a file of several 1 MiB reads gives the same records as one buffer', async () => {
    const lines: string[] = [];
    for (let i = 0, size = 0; size < 3.2e6; i++) {
      const ts = new Date(Date.UTC(2024, 4, 17, 22, 0, Math.floor(i / 7))).toISOString().slice(0, 19) + 'Z';
      const line = `{"json":{"exec_id":"e${i % 13}","routine":"worker-${i % 4}"},"level":"info","msg":"line ${i} ${'é'.repeat(i % 50)}","ts":"${ts}"}`;
      lines.push(line);
      size += line.length + 1;
    }
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const path = join(dir, 'big.jsonl');
    writeFileSync(path, bytes);
    const fromFile = await readFiles([path]);
    const fromBuffer = readBytes(bytes);
    expect(fromFile.records.length).toBe(lines.length);
    expect(fromFile.records.map((r) => ({ ...r, file: '' }))).toEqual(fromBuffer.records.map((r) => ({ ...r, file: '' })));
  });

  it('a missing file rejects the iteration', async () => {
    await expect(readFiles([join(dir, 'nope.log')])).rejects.toThrow(/ENOENT/);
  });

  it('the skip hook may throw to stop reading (strict mode)', async () => {
    const run = async () => {
      for await (const _ of (await import('../../src/ingest/lines.js')).readLogRecords([FIXTURES + 'mixed.log'], {
        onSkip: (reason, file, line) => {
          throw new Error(`${file}:${line}: ${reason}`);
        },
      })) {
        // consume
      }
    };
    await expect(run()).rejects.toThrow(/mixed\.log:2: empty/);
  });
});

describe('decodeLine', () => {
  it('decodes text-formatter lines with Go escapes', () => {
    const rec = decodeLine('ts="2024-05-17T22:55:03Z" level=warning msg="a \\"quoted\\" tab\\there \\u00e9 \\x80" exec_id=e1 ns=ns1');
    expect(rec).toMatchObject({ msg: 'a "quoted" tab\there é \uFFFD', level: 'warning', execId: 'e1', ns: 'ns1', sec: T0 });
  });

  it('accepts logrus default time key and unquoted values', () => {
    expect(decodeLine('time=2024-05-17T22:55:03Z level=info msg=hello routine=worker-1')).toMatchObject({
      msg: 'hello',
      routine: 'worker-1',
      sec: T0,
    });
  });

  it('klog year: from the latest full timestamp of the input, across New Year', async () => {
    const { newDecodeState } = await import('../../src/ingest/decode.js');
    const st = newDecodeState(1999);
    expect(decodeLine('I0101 00:00:01.000002    7 x.go:1] first', { state: st })).toMatchObject({ sec: utc('1999-01-01T00:00:01Z'), nsec: 2000, level: 'info' });
    decodeLine('{"json":{},"level":"info","msg":"m","ts":"2023-12-31T23:59:59Z"}', { state: st });
    expect(decodeLine('W0101 00:00:01.500000    7 x.go:1] next year', { state: st })).toMatchObject({ sec: utc('2024-01-01T00:00:01Z'), level: 'warning' });
    expect(decodeLine('F1231 23:59:58.000000    7 x.go:1] same year', { state: st })).toMatchObject({ sec: utc('2023-12-31T23:59:58Z'), level: 'fatal' });
  });

  it('GCP severities map to levels; json may be missing or empty', () => {
    expect(decodeLine('{"message":"m","severity":"CRITICAL","timestamp":"2024-05-17T22:55:03Z"}')).toMatchObject({ level: 'fatal', msg: 'm' });
    expect(decodeLine('{"message":"m","severity":"ALERT","timestamp":"2024-05-17T22:55:03Z"}')).toMatchObject({ level: 'panic' });
    expect(decodeLine('{"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}')).toMatchObject({ msg: 'm', sec: T0 });
    expect(decodeLine('{"json":{},"level":"warn","msg":"m","ts":"2024-05-17T22:55:03Z"}')).toMatchObject({ level: 'warning' });
  });

  it('reads data-key-less and reordered layouts through the generic path', () => {
    expect(decodeLine('{"ts":"2024-05-17T22:55:03Z","msg":"m","exec_id":"e","level":"info","n":1}')).toMatchObject({ execId: 'e', msg: 'm', sec: T0 });
    expect(decodeLine('{"json":{"exec_id":"e","attempt":2},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}')).toMatchObject({ execId: 'e' });
    expect(decodeLine('  {"json":{"exec_id":"e"} , "level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}  ')).toMatchObject({ execId: 'e' });
  });

  it('classifies unusable lines', () => {
    expect(decodeLine('')).toBe('empty');
    expect(decodeLine('   \r')).toBe('empty');
    expect(decodeLine('[1, 2]')).toBe('notJson');
    expect(decodeLine('{"a":1}')).toBe('notJson');
    expect(decodeLine('{"json":{"exec_id":"e"},"level":"info","msg":"cut sh')).toBe('truncated');
    expect(decodeLine('{"json":{},"level":"info","msg":"m","ts":"2024-13-01T00:00:00Z"}')).toBe('badTimestamp');
    expect(decodeLine('{"json":{},"level":"info","msg":"m","ts":{}}')).toBe('badTimestamp');
    expect(decodeLine('{"json":{},"level":"info","msg":"m"}')).toBe('noTimestamp');
    expect(decodeLine('{"json":{},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}{"json":{}')).toBe('truncated');
    expect(decodeLine('{"json":{},"level":"info","msg":"m","ts":"2024-05-17T22:55:03Z"}x')).toBe('notJson');
    expect(decodeLine('ts="2024-05-17T22:55:03Z" level=info msg="unterminated')).toBe('truncated');
  });

  it('CRI line with an empty payload is empty', () => {
    expect(decodeLine('2024-05-17T22:55:03.1Z stdout F ')).toBe('empty');
  });

  it('zap-style numeric ts is read to the microsecond', () => {
    const rec = decodeLine('{"level":"info","msg":"m","ts":1715986503.25}');
    expect(rec).toMatchObject({ sec: T0, nsec: 250000000, resNs: 1000 });
  });
});
