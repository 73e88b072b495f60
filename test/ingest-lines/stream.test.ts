import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LineReader, newLineStats } from '../../src/ingest/lines.js';
import type { LogRecord } from '../../src/ingest/record.js';
import { spreadNsec } from '../../src/ingest/spread.js';
import { accounted, FIXTURES, readBytes } from './util.js';

const ALL = [
  'canonical.jsonl',
  'canonical.gcp.jsonl',
  'canonical.text.log',
  'canonical.cri.log',
  'canonical.stern.log',
  'canonical.crlf.jsonl',
  'mixed.log',
].map((f) => readFileSync(FIXTURES + f));
const MIXED = Buffer.concat(ALL);

function strip(r: LogRecord): LogRecord {
  return { ...r, file: '' };
}

describe('byte-level line splitting', () => {
  test.prop([fc.array(fc.nat({ max: MIXED.length }), { maxLength: 40 })], { numRuns: 150 })(
    'chunk boundaries anywhere (inside UTF-8, CRLF, prefixes) do not change the records',
    (cuts) => {
      const whole = readBytes(MIXED);
      const split = readBytes(MIXED, {}, cuts);
      expect(split.records.map(strip)).toEqual(whole.records.map(strip));
      expect(split.stats).toEqual(whole.stats);
      expect(accounted(split)).toBe(true);
    },
  );

  it('multi-byte characters split across chunks survive', () => {
    const line = Buffer.from('{"json":{},"level":"info","msg":"héllo 😀 wörld","ts":"2024-05-17T22:55:03Z"}\n');
    for (let c = 1; c < line.length; c++) {
      const r = readBytes(line, {}, [c]);
      expect(r.records[0]?.msg).toBe('héllo 😀 wörld');
    }
  });

  it('last line without newline, BOM, blank lines', () => {
    const r = readBytes(Buffer.from('\uFEFF{"json":{},"level":"info","msg":"a","ts":"2024-05-17T22:55:03Z"}\n\n\r\n{"json":{},"level":"info","msg":"b","ts":"2024-05-17T22:55:04Z"}'));
    expect(r.records.map((x) => [x.line, x.msg])).toEqual([
      [1, 'a'],
      [4, 'b'],
    ]);
    expect(r.stats).toEqual({ read: 4, used: 0, skipped: { empty: 2 } });
  });

  test.prop([fc.array(fc.string({ unit: 'binary' }), { maxLength: 30 }), fc.array(fc.nat({ max: 2000 }), { maxLength: 8 })], {
    numRuns: 200,
  })('arbitrary text never throws and every line is a record or counted', (lines, cuts) => {
    const bytes = Buffer.from(lines.join('\n'));
    const r = readBytes(bytes, {}, cuts);
    expect(accounted(r)).toBe(true);
    const physical = bytes.length === 0 ? 0 : bytes.toString().split('\n').length - (bytes[bytes.length - 1] === 10 ? 1 : 0);
    expect(r.stats.read).toBe(physical);
  });

  test.prop(
    [
      fc.array(fc.tuple(fc.nat({ max: ALL.length - 1 }), fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 }),
    ],
    { numRuns: 200 },
  )('truncated lines in any format never throw and are all counted', (picks) => {
    const lines: string[] = [];
    for (const [f, l, c] of picks) {
      const src = (ALL[f] as Buffer).toString().split('\n');
      const line = src[l % src.length] as string;
      lines.push(line.slice(0, c % (line.length + 1)));
    }
    const r = readBytes(Buffer.from(lines.join('\n') + '\n'));
    expect(accounted(r)).toBe(true);
    expect(r.stats.read).toBe(lines.length);
  });

  it('an overlong line is counted as truncated and reading goes on', () => {
    const reader = new LineReader('big', { stats: newLineStats(), maxLineBytes: 1 << 20 });
    const chunk = Buffer.alloc(300_000, 'x');
    for (let i = 0; i < 4; i++) reader.push(chunk);
    reader.push(Buffer.from('\n{"json":{},"level":"info","msg":"after","ts":"2024-05-17T22:55:03Z"}\n'));
    reader.end();
    const recs = reader.take();
    expect(recs.map((x) => [x.line, x.msg])).toEqual([[2, 'after']]);
    expect(reader.stats.skipped).toEqual({ truncated: 1 });
    // just below the limit the line is read (and here is not JSON)
    const ok = new LineReader('big', { stats: newLineStats(), maxLineBytes: 1 << 20 });
    for (let i = 0; i < 3; i++) ok.push(chunk);
    ok.push(Buffer.from('\n'));
    ok.end();
    expect(ok.stats.skipped).toEqual({ notJson: 1 });
  });
});

describe('--exec fast path', () => {
  const ids = ['abc123def456ghi789jk', 'zzz999', 'n0'];
  const pool = MIXED.toString()
    .split('\n')
    .filter((l) => !/ [PF] /.test(l.slice(0, 45)) || / F /.test(l.slice(0, 45)));

  it('a resent line (same stamp, other stamps in between) is a duplicate with the filter too', () => {
    // (a random seed found it: the lines in between were filtered, and the check did not see their stamps)
    const id = ids[0]!;
    const cri = pool.filter((l) => /^\d{4}-/.test(l) && l.includes(id));
    const other = pool.find((l) => /^\d{4}-/.test(l) && !l.includes(id) && l.slice(0, 35) !== cri[0]!.slice(0, 35))!;
    const lines = [cri[0]!, other, cri[0]!];
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const full = readBytes(bytes);
    const filtered = readBytes(bytes, { exec: id });
    expect(full.stats.skipped.duplicate).toBe(1);
    expect(filtered.stats.skipped.duplicate).toBe(1);
    expect(filtered.records.map((r) => r.line)).toEqual([1]);
  });

  test.prop(
    [
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 2 })), { minLength: 1, maxLength: 40 }),
      fc.nat({ max: 2 }),
      fc.array(fc.nat({ max: 6000 }), { maxLength: 5 }),
    ],
    { numRuns: 200 },
  )('yields exactly the lines whose bytes contain the id, decoded as without the filter', (picks, which, cuts) => {
    const id = ids[which] as string;
    // substitute other ids into some lines so that lines with and without the id mix
    const lines = picks.map(([i, sub]) => {
      const l = pool[i % pool.length] as string;
      return sub === 0 ? l : l.split('abc123def456ghi789jk').join(sub === 1 ? 'zzz999' : 'qqq111');
    });
    const bytes = Buffer.from(lines.join('\n') + '\n');
    const full = readBytes(bytes);
    const filtered = readBytes(bytes, { exec: id }, cuts);
    const want = lines.map((l, i) => (l.includes(id) ? i + 1 : 0)).filter((n) => n > 0);
    const fullByLine = new Map(full.records.map((r) => [r.line, r]));
    expect(filtered.records.map((r) => r.line)).toEqual(want.filter((n) => fullByLine.has(n)));
    for (const r of filtered.records) {
      const f = fullByLine.get(r.line) as LogRecord;
      expect({ ...r, estNsec: 0 }).toEqual({ ...f, estNsec: 0 });
    }
    expect(filtered.stats.read).toBe(lines.length);
    expect(filtered.stats.skipped.filtered ?? 0).toBe(lines.length - want.length);
    expect(accounted(filtered)).toBe(true);
    // the skip hook never hears of filtered lines
    expect(filtered.skips.every((s) => s.reason !== 'filtered')).toBe(true);
  });

  it('keeps CRI partial lines whole: a join is kept when any fragment holds the id', () => {
    const bytes = readFileSync(FIXTURES + 'canonical.cri.log');
    const r = readBytes(bytes, { exec: 'res_ver' }); // only in the middle fragment of the joined line
    expect(r.records.map((x) => x.line)).toEqual([3, 7, 8]);
    expect(r.records[0]?.msg).toMatch(/^Handling Workflow/);
    expect(accounted(r)).toBe(true);
    const none = readBytes(bytes, { exec: 'no-such-id' });
    expect(none.records).toEqual([]);
    expect(none.stats.skipped).toEqual({ filtered: 8, joined: 2 });
  });
});

describe('sub-second estimates', () => {
  function line(stream: string, sec: number, n: number): string {
    const ts = new Date((1715986500 + sec) * 1000).toISOString().slice(0, 19) + 'Z';
    return `${stream} propeller {"json":{"exec_id":"e${n % 3}"},"level":"info","msg":"m${n}","ts":"${ts}"}`;
  }

  test.prop([fc.array(fc.tuple(fc.constantFrom('pod-a', 'pod-b', 'pod-c'), fc.integer({ min: 0, max: 6 })), { maxLength: 80 })], {
    numRuns: 200,
  })('k-th of n in a run of one second of one stream: floor(1e9 (k+1)/(n+1)), increasing, in [0, 1e9)', (events) => {
    const text = events.map(([s, sec], i) => line(s, sec, i)).join('\n');
    const r = readBytes(Buffer.from(text));
    expect(r.records.map((x) => x.line)).toEqual(events.map((_, i) => i + 1));
    const byStream = new Map<string, LogRecord[]>();
    for (const rec of r.records) {
      const a = byStream.get(rec.replica as string) ?? [];
      a.push(rec);
      byStream.set(rec.replica as string, a);
    }
    for (const recs of byStream.values()) {
      let i = 0;
      while (i < recs.length) {
        let j = i;
        while (j < recs.length && recs[j]?.sec === recs[i]?.sec) j++;
        const n = j - i;
        for (let k = 0; k < n; k++) {
          const est = (recs[i + k] as LogRecord).estNsec;
          expect(est).toBe(spreadNsec(k, n));
          expect(est).toBeGreaterThanOrEqual(0);
          expect(est).toBeLessThan(1e9);
          if (k > 0) expect(est).toBeGreaterThan((recs[i + k - 1] as LogRecord).estNsec);
        }
        i = j;
      }
    }
  });

  it('a second that reappears (lines out of order) forms its own group', () => {
    const text = [line('p', 1, 0), line('p', 1, 1), line('p', 2, 2), line('p', 1, 3), line('p', 2, 4)].join('\n');
    const r = readBytes(Buffer.from(text));
    expect(r.records.map((x) => [x.sec - 1715986500, x.estNsec])).toEqual([
      [1, 333333333],
      [1, 666666666],
      [2, 500000000],
      [1, 500000000],
      [2, 500000000],
    ]);
  });

  it("spreadBy 'execution' groups by exec_id within a stream", () => {
    const text = [0, 1, 2, 3, 4, 5].map((n) => line('p', 1, n)).join('\n');
    const byStream = readBytes(Buffer.from(text)).records.map((x) => x.estNsec);
    const byExec = readBytes(Buffer.from(text), { spreadBy: 'execution' }).records.map((x) => x.estNsec);
    expect(byStream).toEqual([0, 1, 2, 3, 4, 5].map((k) => spreadNsec(k, 6)));
    // e0 e1 e2 e0 e1 e2: each execution has two lines in the second
    expect(byExec).toEqual([333333333, 333333333, 333333333, 666666666, 666666666, 666666666]);
  });

  it("spreadBy 'execution': enqueue lines group by the key they name, so other executions do not shift them", () => {
    const ts = '2024-05-17T22:55:03Z';
    const enq = (k: string) => `{"json":{},"level":"info","msg":"==> Enqueueing workflow [ns/${k}]","ts":"${ts}"}`;
    const own = (k: string) => `{"json":{"src":"plugin_manager.go:639"},"level":"debug","msg":"Enqueueing owner for updated object [ns/${k}-n0-0]","ts":"${ts}"}`;
    const sub = (k: string) => `{"json":{},"level":"debug","msg":"added workflowID 'ns/${k}' to subqueue","ts":"${ts}"}`;
    const proc = (k: string) => `{"json":{"exec_id":"${k}"},"level":"info","msg":"Processing Workflow.","ts":"${ts}"}`;
    const alone = [enq('a'), proc('a'), sub('a'), proc('a')];
    const mixed = [enq('b'), enq('a'), own('b'), proc('b'), proc('a'), sub('a'), sub('b'), own('a'), proc('a')];
    const a = readBytes(Buffer.from(alone.join('\n')), { spreadBy: 'execution' }).records;
    const m = readBytes(Buffer.from(mixed.join('\n')), { spreadBy: 'execution' }).records;
    const pick = (recs: LogRecord[]) => recs.filter((r) => r.execId === 'a' || r.msg.includes('ns/a]') || r.msg.includes("'ns/a'")).map((r) => [r.msg, r.estNsec]);
    expect(pick(m).filter(([msg]) => !String(msg).startsWith('Enqueueing owner'))).toEqual(pick(a));
    // one group per execution: its enqueues and its own lines, in file order
    expect(pick(a)).toEqual([
      ['==> Enqueueing workflow [ns/a]', 200000000],
      ['Processing Workflow.', 400000000],
      ["added workflowID 'ns/a' to subqueue", 600000000],
      ['Processing Workflow.', 800000000],
    ]);
  });

  it('records are final when yielded and a quiet replica does not hold back the output', () => {
    const reader = new LineReader('x');
    reader.push(Buffer.from(line('quiet', 0, 0) + '\n'));
    const got: LogRecord[] = [];
    for (let s = 0; s <= 30; s++) {
      reader.push(Buffer.from(line('busy', s, s) + '\n' + line('busy', s, s + 1) + '\n'));
      for (const rec of reader.take()) got.push({ ...rec });
    }
    // the quiet replica's line came out long before the end
    expect(got[0]).toMatchObject({ replica: 'quiet', line: 1, estNsec: 500000000 });
    reader.end();
    const rest = reader.take();
    const all = [...got, ...rest];
    expect(all.map((r) => r.line)).toEqual(Array.from({ length: 63 }, (_, i) => i + 1));
    // yielded copies match the final objects: nothing changed after it was returned
    expect(got.every((r) => r.estNsec === spreadNsec(r.replica === 'quiet' ? 0 : (r.line % 2 === 0 ? 0 : 1), r.replica === 'quiet' ? 1 : 2))).toBe(true);
  });
});
