/**
 * Logs listed newest first (`gcloud logging read` without `--order=asc`), plain or as a JSON
 * array of Cloud Logging entries: read from their end, they fold and report as the same log in
 * time order does, and their line numbers are the file's.
 */
import { fc, test } from '@fast-check/vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines } from '../../src/export/logs.js';
import { readLogRecords } from '../../src/ingest/lines.js';
import { countLines, linesBackward, looksNewestFirst, park, startAndEndNewestFirst } from '../../src/ingest/newest-first.js';
import { readdirSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { defaultModel } from '../../src/model/defaults.js';
import { kindOfHead } from '../../src/cli/sniff.js';
import { runCli } from '../support/run-cli.js';
import { portfolio, simulateWith, smallMixedLoad, tempDir } from '../roundtrip/shape.js';

const dir = tempDir('reversed-inputs');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function backward(path: string, block: number): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of linesBackward(path, block)) out.push(c);
  return Buffer.concat(out).toString('utf8');
}

describe('linesBackward', () => {
  test.prop([fc.array(fc.string({ maxLength: 9 }).map((s) => s.replace(/\n/g, '')), { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 16 })])(
    'gives the lines last first, each with its line end, for any block size; countLines counts them',
    async (lines, finalNewline, block) => {
      const path = join(dir, 'back.txt');
      const text = lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : '');
      writeFileSync(path, text);
      // a file's lines: split at line ends; the empty text after a final line end is no line
      const fileLines = text === '' ? [] : (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
      expect(countLines(path)).toBe(fileLines.length);
      expect(await backward(path, block)).toBe(fileLines.reverse().map((l) => l + '\n').join(''));
    },
  );
});

describe('reading backwards, bounded', () => {
  it('a line longer than the limit is handed over cut to it (the reader counts it as too long), the others whole', async () => {
    const path = join(dir, 'long.txt');
    writeFileSync(path, `a\n${'x'.repeat(50)}\nb\n`);
    const out: Buffer[] = [];
    for await (const c of linesBackward(path, 4, 10)) out.push(c);
    expect(Buffer.concat(out).toString()).toBe(`b\n${'x'.repeat(10)}\na\n`);
  });

  it('a parked stream leaves no file behind: only its open descriptor holds it', async () => {
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('propsim-park-')).length;
    const parked = await park(Readable.from([Buffer.from('one\ntwo\n'), Buffer.from('three')]));
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('propsim-park-')).length).toBe(before);
    expect(parked.lines).toBe(3);
    const buf = Buffer.alloc(13);
    readSync(parked.fd, buf, 0, 13, 0);
    expect(buf.toString()).toBe('one\ntwo\nthree');
    const out: Buffer[] = [];
    for await (const c of linesBackward(parked.fd)) out.push(c);
    expect(Buffer.concat(out).toString()).toBe('three\ntwo\none\n');
  });
});

describe('looksNewestFirst', () => {
  it('descending instants are newest first', () => {
    expect(looksNewestFirst([9, 8, 8, 7, 5, 5, 2])).toBe(true);
  });
  it('an oldest-first log with lines shuffled within seconds is not', () => {
    expect(looksNewestFirst([1, 2, 1, 3, 4, 3, 5, 6, 5, 7])).toBe(false);
  });
  it('a log within one instant, or a single step back, decides nothing', () => {
    expect(looksNewestFirst([5, 5, 5, 5])).toBe(false);
    expect(looksNewestFirst([5, 4])).toBe(false);
  });
  it("whole-second lines mixed with klog's microseconds are compared by their second", () => {
    const S = 1e9;
    // newest first, with klog lines half a second into the second of the line before them
    expect(looksNewestFirst([9 * S, 8 * S, 8.5 * S, 8 * S, 7 * S, 6.2 * S, 6 * S, 5 * S])).toBe(true);
    expect(startAndEndNewestFirst([9 * S, 9.5 * S, 9 * S, 8 * S], [2 * S, 2.5 * S, 2 * S])).toBe(true);
    // oldest first with the same kind of lines: still not
    expect(looksNewestFirst([5 * S, 5.5 * S, 5 * S, 6 * S, 6 * S, 6.3 * S, 7 * S, 8 * S])).toBe(false);
  });
  it("a busy log's start and end decide together: both never step forward, the start is later", () => {
    expect(startAndEndNewestFirst([9, 9, 8, 8], [2, 2, 2])).toBe(true);
    expect(startAndEndNewestFirst([9, 9, 9], [2, 1, 1])).toBe(true);
    // files concatenated newest part first: each part goes forward
    expect(startAndEndNewestFirst([8, 9, 9], [1, 2, 2])).toBe(false);
    // no step at all: one instant each, nothing to go by
    expect(startAndEndNewestFirst([9, 9], [2, 2])).toBe(false);
    expect(startAndEndNewestFirst([], [2, 1])).toBe(false);
  });
});

/** A Cloud Logging entry wrapping one emitted line (with a CRI receive-time prefix, which becomes the entry's timestamp). */
function entryOf(criLine: string, i: number): object {
  const sp = criLine.indexOf(' ');
  const text = criLine.slice(criLine.indexOf(' F ') + 3);
  // propeller's own lines are JSON; client-go's klog lines reach Cloud Logging as text
  const payload = text.startsWith('{') ? { jsonPayload: JSON.parse(text) } : { textPayload: text };
  return {
    insertId: `id${i}`,
    ...payload,
    logName: 'projects/p/logs/stderr',
    receiveTimestamp: criLine.slice(0, sp),
    resource: { labels: { container_name: 'flytepropeller', namespace_name: 'flyte', pod_name: 'flytepropeller-7d9f-abcde' }, type: 'k8s_container' },
    severity: 'INFO',
    timestamp: criLine.slice(0, sp),
  };
}

describe('an export sorted newest second first, each second in time order (an Elasticsearch sort on a whole-second ts)', () => {
  it('reads the seconds from the end and each second forwards: it folds as the log in time order, with the file\'s line numbers', async () => {
    const rec = simulateWith(smallMixedLoad(), defaultModel());
    const lines = [...logLines(rec, { cri: false })];
    // group by the second of each JSON line (a klog line stays with the second before it)
    const groups: string[][] = [];
    let second = '';
    for (const l of lines) {
      const ts = l.startsWith('{') ? (JSON.parse(l) as { ts: string }).ts : second;
      if (ts !== second || groups.length === 0) groups.push([]);
      second = ts;
      groups[groups.length - 1]!.push(l);
    }
    expect(groups.length).toBeGreaterThan(20);
    const asc = join(dir, 'es-asc.jsonl');
    const es = join(dir, 'es-desc.jsonl');
    writeFileSync(asc, lines.join('\n') + '\n');
    const esLines = [...groups].reverse().flat();
    writeFileSync(es, esLines.join('\n') + '\n');
    const a = await runCli(['report', asc, '--json']);
    const e = await runCli(['report', es, '--json']);
    expect(e.err).toContain('lists the newest lines first');
    expect(JSON.parse(e.out)).toEqual(JSON.parse(a.out));
    // gzip (read through a temporary file) the same
    const gz = join(dir, 'es-desc.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(es)));
    expect(JSON.parse((await runCli(['report', gz, '--json'])).out)).toEqual(JSON.parse(a.out));
    // each record's line is the line of the file that holds it
    const folded = await runCli(['fold', es, '--json']);
    const f = JSON.parse(folded.out) as { executions: { handles: { rounds: { line?: number }[] }[] }[] };
    const roundLines = f.executions.flatMap((x) => x.handles.flatMap((h) => h.rounds.map((r) => r.line))).filter((n): n is number => n !== undefined);
    expect(roundLines.length).toBeGreaterThan(50);
    for (const n of roundLines) expect(esLines[n - 1]).toContain('Handling Workflow [');
  });
});

describe('a whole-second log with klog lines, newest first (tac, logcli --output=raw)', () => {
  it('is read from its end and folds as the log in time order', async () => {
    const rec = simulateWith(smallMixedLoad(), defaultModel());
    const lines: string[] = [];
    let i = 0;
    for (const l of logLines(rec, { cri: false })) {
      lines.push(l);
      // client-go's klog line: microseconds, half a second into the second of the line before it
      // (after a JSON line: the emitted log has klog lines of its own)
      const ts = /"ts":"(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d:\d\d)/.exec(l);
      if (++i % 40 === 0 && ts !== null) {
        lines.push(`E${ts[2]}${ts[3]} ${ts[4]}.500000       1 workers.go:103] error syncing 'flyte/elsewhere-${i}': boom`);
      }
    }
    const asc = join(dir, 'klog-asc.jsonl');
    const desc = join(dir, 'klog-desc.jsonl');
    writeFileSync(asc, lines.join('\n') + '\n');
    writeFileSync(desc, [...lines].reverse().join('\n') + '\n');
    const a = await runCli(['report', asc, '--json']);
    const d = await runCli(['report', desc, '--json']);
    expect(a.code).toBe(0);
    expect(d.err).toContain('lists the newest lines first');
    expect(JSON.parse(d.out)).toEqual(JSON.parse(a.out));
  });
});

describe.each([
  ['hello', () => portfolio('hello')],
  ['mixed load (13 executions, interleaved)', smallMixedLoad],
])('%s, newest first', (name, plans) => {
  const rec = simulateWith(plans(), defaultModel());
  const lines = [...logLines(rec, { cri: true })];
  const file = (suffix: string, text: string | Buffer): string => {
    const p = join(dir, `${name.split(' ')[0]}${suffix}`);
    writeFileSync(p, text);
    return p;
  };
  const asc = file('.log', lines.join('\n') + '\n');
  const desc = file('-desc.log', [...lines].reverse().join('\n') + '\n');
  const entries = lines.map(entryOf);
  const arrayDesc = file('-gcloud.json', JSON.stringify([...entries].reverse(), null, 2) + '\n');
  const arrayAsc = file('-gcloud-asc.json', JSON.stringify(entries, null, 2) + '\n');

  async function report(path: string): Promise<{ json: unknown; err: string }> {
    const r = await runCli(['report', path, '--json']);
    expect(r.code).toBe(0);
    return { json: JSON.parse(r.out), err: r.err };
  }

  it('reports as the log in time order, whatever the form, and says it read from the end', async () => {
    const truth = await report(asc);
    expect(truth.err).not.toContain('newest');
    for (const path of [desc, file('-desc.log.gz', gzipSync(readFileSync(desc))), arrayDesc]) {
      const r = await report(path);
      expect(r.json).toEqual(truth.json);
      expect(r.err).toContain(`${path} lists the newest lines first`);
    }
    const r = await report(arrayAsc);
    expect(r.json).toEqual(truth.json);
    expect(r.err).not.toContain('newest');
    // an exact execution id takes the same path
    const id = rec.executions[0]!.id;
    const one = await runCli(['report', desc, '--exec', id, '--json']);
    const oneTruth = await runCli(['report', asc, '--exec', id, '--json']);
    expect(JSON.parse(one.out)).toEqual(JSON.parse(oneTruth.out));
  });

  it('sniffs a JSON array of entries as a log', () => {
    expect(kindOfHead(readFileSync(arrayDesc, 'utf8').slice(0, 65536), false)).toBe('logs');
  });

  it("the fold's line numbers are the file's: each names a line with the same text", async () => {
    const ascLines = readFileSync(asc, 'utf8').split('\n');
    const descLines = readFileSync(desc, 'utf8').split('\n');
    const fold = async (path: string) => JSON.parse((await runCli(['fold', path, '--json'])).out) as { executions: { handles: { line?: number }[] }[] };
    const a = await fold(asc);
    const d = await fold(desc);
    const g = await fold(arrayDesc);
    const arrayText = readFileSync(arrayDesc, 'utf8').split('\n');
    let checked = 0;
    a.executions.forEach((e, i) =>
      e.handles.forEach((h, k) => {
        const dl = d.executions[i]!.handles[k]!.line!;
        expect(descLines[dl - 1]).toBe(ascLines[h.line! - 1]);
        // in the array, the entry's opening brace: its insertId follows on the next line
        const gl = g.executions[i]!.handles[k]!.line!;
        expect(arrayText[gl - 1]!.trim()).toBe('{');
        expect(arrayText[gl]).toContain(`"insertId": "id${h.line! - 1}"`);
        checked++;
      }),
    );
    expect(checked).toBeGreaterThan(5);
  });

  it('a JSON array on standard input, newest first, reads in time order', async () => {
    // the reader takes the stream given for `-` (readLogRecords' `stdin` option)
    const seen: number[] = [];
    for await (const batch of readLogRecords(['-'], { stdin: Readable.from([readFileSync(arrayDesc)]) })) for (const r of batch) seen.push(r.sec * 1e9 + r.nsec);
    expect(seen.length).toBe(lines.length);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
  });
});
