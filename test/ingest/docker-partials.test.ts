/** Docker json-file entries that split a long line (16 KiB pieces) are joined back before reading. */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { DockerPartialLines, startsAsDockerJson } from '../../src/ingest/docker-partials.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../roundtrip/shape.js';

const dir = tempDir('docker-partials');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PIECE = 16 * 1024;

/** The entries Docker writes for one container line: 16 KiB pieces, `\n` only on the last. */
function entries(line: string, time: string, stream = 'stderr', piece = PIECE): string[] {
  const full = `${line}\n`;
  const out: string[] = [];
  for (let i = 0; i < full.length; i += piece) out.push(JSON.stringify({ log: full.slice(i, i + piece), stream, time }));
  return out;
}

/** Runs text through the rewriter in chunks of `size`; the output text and each output line's source line. */
function run(text: string, size: number): { text: string; starts: number[] } {
  const starts: number[] = [];
  const r = new DockerPartialLines((l) => starts.push(l));
  const parts: Buffer[] = [];
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) parts.push(r.push(buf.subarray(i, i + size)));
  parts.push(r.end());
  return { text: Buffer.concat(parts).toString('utf8'), starts };
}

const propellerLine = (msg: string, ts = '2024-05-17T22:55:03Z') =>
  JSON.stringify({ json: { exec_id: 'e1', ns: 'flytesnacks-development', routine: 'worker-1' }, level: 'info', msg, ts });

describe('Docker json-file pieces', () => {
  it('is told by its first key', () => {
    expect(startsAsDockerJson(Buffer.from('{"log":"x\\n","stream":"stderr","time":"2024-05-17T22:55:03Z"}'))).toBe(true);
    expect(startsAsDockerJson(Buffer.from('{"json":{},"level":"info"}'))).toBe(false);
  });

  it('joins a split line into one entry (the first piece’s time), lines of the other stream passing through as they are', () => {
    const long = propellerLine(`Failed to update workflow: ${'x'.repeat(40_000)}`);
    const pieces = entries(long, '2024-05-17T22:55:03.100000000Z');
    expect(pieces).toHaveLength(3);
    const other = JSON.stringify({ log: 'stdout line\n', stream: 'stdout', time: '2024-05-17T22:55:03.150000000Z' });
    const after = entries(propellerLine('Processing Workflow.'), '2024-05-17T22:55:03.200000000Z')[0]!;
    const text = [pieces[0], other, pieces[1], pieces[2], after].join('\n') + '\n';
    for (const size of [7, 1000, 16_500, 1 << 20]) {
      const { text: out, starts } = run(text, size);
      const lines = out.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe(other);
      expect(JSON.parse(lines[1]!)).toEqual({ log: `${long}\n`, stream: 'stderr', time: '2024-05-17T22:55:03.100000000Z' });
      expect(lines[2]).toBe(after);
      expect(starts).toEqual([2, 1, 5]);
    }
  });

  test.prop([fc.array(fc.tuple(fc.string({ maxLength: 60 }), fc.constantFrom('stdout', 'stderr')), { maxLength: 30 }), fc.integer({ min: 1, max: 400 })])(
    'a log of whole lines comes out byte for byte, whatever the chunks',
    (lines, size) => {
      const text = lines.map(([l, s], i) => `${JSON.stringify({ log: `${l.replace(/\n/g, ' ')}\n`, stream: s, time: `2024-05-17T22:55:0${i % 10}Z` })}\n`).join('');
      const { text: out, starts } = run(text, size);
      expect(out).toBe(text);
      expect(starts).toEqual(lines.map((_, i) => i + 1));
    },
  );

  test.prop([fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 120 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 500 })])(
    'lines split into pieces of any size are the lines again',
    (lines, size) => {
      const whole = lines.map(([l], i) => JSON.stringify({ log: `${l.replace(/\n/g, ' ')}\n`, stream: 'stderr', time: `2024-05-17T22:55:0${i % 10}Z` }));
      const split = lines.flatMap(([l, piece], i) => entries(l.replace(/\n/g, ' '), `2024-05-17T22:55:0${i % 10}Z`, 'stderr', piece));
      const { text: out } = run(split.join('\n') + '\n', size);
      expect(out.split('\n').filter((x) => x !== '').map((x) => JSON.parse(x))).toEqual(whole.map((x) => JSON.parse(x)));
    },
  );

  it('a piece whose text ends with a backslash and an n is not taken for a whole line', () => {
    // `\\n` in the entry's JSON: an escaped backslash, then n; the line goes on in the next piece
    const split = [...entries('\\n ', '2024-05-17T22:55:00Z', 'stderr', 2), ...entries(' ', '2024-05-17T22:55:01Z', 'stderr', 1)];
    expect(split[0]).toContain('"log":"\\\\n"');
    for (const size of [1, 7, 4096]) {
      const { text } = run(split.join('\n') + '\n', size);
      expect(text.split('\n').filter((x) => x !== '').map((x) => JSON.parse(x).log)).toEqual(['\\n \n', ' \n']);
    }
  });

  it('propsim folds a log with a split line as it folds the same log unsplit; a line whose last piece never came is counted', async () => {
    const times = ['2024-05-17T22:55:03.100000000Z', '2024-05-17T22:55:03.300000000Z', '2024-05-17T22:55:04.100000000Z'];
    const msgs = ['Processing Workflow.', `Handling Workflow [e1], id: [project:"p" domain:"d" name:"e1"], p [Running] ${'z'.repeat(50_000)}`, 'Completed processing workflow.'];
    const unsplit = msgs.map((m, i) => JSON.stringify({ log: `${propellerLine(m)}\n`, stream: 'stderr', time: times[i] })).join('\n') + '\n';
    const split = msgs.flatMap((m, i) => entries(propellerLine(m), times[i]!)).join('\n') + '\n';
    const a = join(dir, 'unsplit.log');
    const b = join(dir, 'split.log');
    writeFileSync(a, unsplit);
    writeFileSync(b, split);
    const ra = await runCli(['fold', a, '--json']);
    const rb = await runCli(['fold', b, '--json']);
    expect(rb.code).toBe(0);
    const fa = JSON.parse(ra.out);
    const fb = JSON.parse(rb.out);
    expect(fb.executions).toEqual(fa.executions);
    expect(fb.executions[0].handles).toHaveLength(1);
    // every physical line is read: the pieces after a line's first count as joined
    const pieces = split.split('\n').length - 1;
    expect(pieces).toBeGreaterThan(3);
    expect(fb.lines).toMatchObject({ read: pieces, used: 3, skipped: { joined: pieces - 3 } });
    // the long line's last piece missing (the log ends there): the gathered pieces go to the
    // reader, which counts the cut line
    const cut = join(dir, 'cut.log');
    writeFileSync(cut, split.split('\n').slice(0, -3).join('\n') + '\n');
    const rc = await runCli(['fold', cut, '--json']);
    const fc2 = JSON.parse(rc.out);
    const skipped = Object.values(fc2.lines.skipped as Record<string, number>).reduce((x, y) => x + y, 0);
    const cutLines = split.split('\n').length - 3;
    expect(fc2.lines.read).toBe(cutLines);
    expect(fc2.lines.used + skipped).toBe(cutLines);
    expect(fc2.lines.used).toBe(1);
  });
});
