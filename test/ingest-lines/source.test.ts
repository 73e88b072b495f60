import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { CHUNK_BYTES, hasGzipMagic, inputLines, openInput, readHead } from '../../src/ingest/source.js';
import { InputError } from '../../src/timeline/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'propsim-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `n` bytes whose content depends on the position (so a reused buffer would show). */
function patterned(name: string, n: number): { path: string; data: Buffer } {
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = (i * 31 + (i >> 11)) & 0xff;
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, data };
}

describe('file chunks (read ahead)', () => {
  for (const reuseBuffer of [false, true]) {
    it(`yields the file's bytes in order, in chunks of at most CHUNK_BYTES (reuseBuffer ${reuseBuffer})`, async () => {
      const { path, data } = patterned(`f-${reuseBuffer}`, 3 * CHUNK_BYTES + 12345);
      const parts: Buffer[] = [];
      for await (const c of openInput(path, { reuseBuffer })) {
        expect(c.length).toBeGreaterThan(0);
        expect(c.length).toBeLessThanOrEqual(CHUNK_BYTES);
        // a reused buffer is valid until the next chunk is requested: copy it now
        parts.push(Buffer.from(c));
      }
      expect(Buffer.concat(parts).equals(data)).toBe(true);
    });
  }

  it('an empty file yields nothing; stopping early closes the file', async () => {
    const empty = patterned('empty', 0);
    const got: Buffer[] = [];
    for await (const c of openInput(empty.path, { reuseBuffer: true })) got.push(c);
    expect(got).toEqual([]);
    const { path, data } = patterned('early', 2 * CHUNK_BYTES + 1);
    for await (const c of openInput(path, { reuseBuffer: true })) {
      expect(c.equals(data.subarray(0, c.length))).toBe(true);
      break; // a read of the next chunk is in flight: it must settle before the handle closes
    }
    rmSync(path);
  });
});

describe('gzip by content, not by name', () => {
  const text = Buffer.from('{"msg":"a"}\n{"msg":"b"}\n'.repeat(2000));

  async function bytesOf(path: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of openInput(path)) parts.push(Buffer.from(c));
    return Buffer.concat(parts);
  }

  it('reads a plain file named .gz as plain text and a gzip without .gz decompressed', async () => {
    const plain = join(dir, 'plain.gz');
    writeFileSync(plain, text);
    expect((await bytesOf(plain)).equals(text)).toBe(true);
    const packed = join(dir, 'packed.log');
    writeFileSync(packed, gzipSync(text));
    expect((await bytesOf(packed)).equals(text)).toBe(true);
  });

  it('a cut-off or corrupt gzip is an InputError naming the file, after the bytes before the damage', async () => {
    const whole = gzipSync(text);
    const cut = join(dir, 'cut.log.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const got: Buffer[] = [];
    const err = await (async () => {
      try {
        for await (const c of openInput(cut)) got.push(Buffer.from(c));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(cut);
    expect((err as InputError).message).toMatch(/^truncated or corrupt gzip data after \d+ decompressed bytes$/);
    // what came before the damage is a prefix of the original
    const prefix = Buffer.concat(got);
    expect(text.subarray(0, prefix.length).equals(prefix)).toBe(true);
    const corrupt = join(dir, 'corrupt.gz');
    writeFileSync(corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not deflate data at all')]));
    await expect(bytesOf(corrupt)).rejects.toBeInstanceOf(InputError);
  });

  it('reads OTLP lines through the same detection (inputLines)', async () => {
    const f = join(dir, 'lines.bin');
    writeFileSync(f, gzipSync('a\r\nb\n\nc'));
    const lines: string[] = [];
    for await (const l of inputLines(f)) lines.push(l);
    expect(lines).toEqual(['a', 'b', '', 'c']);
  });
});

describe('standard input, sniffed before it is read', () => {
  /** A stream that hands out `data` in pieces of `piece` bytes, like a pipe. */
  function pipeOf(data: Buffer, piece: number): Readable {
    const parts: Buffer[] = [];
    for (let i = 0; i < data.length; i += piece) parts.push(data.subarray(i, i + piece));
    return Readable.from(parts, { objectMode: false });
  }

  async function readAll(stdin: Readable): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of openInput('-', { stdin })) parts.push(Buffer.from(c));
    return Buffer.concat(parts);
  }

  it('the head read for sniffing is handed out again, once, before the rest', async () => {
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(''));
    const stdin = pipeOf(data, 777);
    const head = await readHead('-', 2000, { stdin });
    expect(head.equals(data.subarray(0, 2000))).toBe(true);
    // sniffing again sees the same head
    expect((await readHead('-', 100, { stdin })).equals(data.subarray(0, 100))).toBe(true);
    expect((await readAll(stdin)).equals(data)).toBe(true);
  });

  it('gzip on stdin is recognised after a head was read; a second read is an InputError', async () => {
    const data = Buffer.from('{"msg":"x"}\n'.repeat(3000));
    const stdin = pipeOf(gzipSync(data), 500);
    expect(hasGzipMagic(await readHead('-', 10, { stdin }))).toBe(true);
    expect((await readAll(stdin)).equals(data)).toBe(true);
    await expect(readAll(stdin)).rejects.toBeInstanceOf(InputError);
    await expect(readHead('-', 10, { stdin })).rejects.toThrow(/standard input can be read only once/);
  });

  it('a short input is its own head', async () => {
    const stdin = pipeOf(Buffer.from('abc'), 1);
    expect((await readHead('-', 1000, { stdin })).toString()).toBe('abc');
    expect((await readAll(stdin)).toString()).toBe('abc');
  });
});
