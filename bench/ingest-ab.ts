/**
 * In-process A/B of the line reader's two decoders (bytes vs text): the reader alone or reader +
 * folder over a file held in memory, the variants alternating pass by pass so that load from
 * other processes falls on both. Not a test; the ingest bench gives the figures.
 *
 *   node --import tsx bench/ingest-ab.ts FILE [read|fold] [passes]
 */
import { readFileSync } from 'node:fs';
import { LineReader } from '../src/ingest/lines.js';
import { LogFolder } from '../src/ingest/fold.js';
const file = process.argv[2] ?? 'bench/data/propeller-debug-100MB.v3.jsonl';
const what = process.argv[3] ?? 'fold';
const data = readFileSync(file);
const STEP = 64 << 10;
function pass(fast: boolean): number {
  const t0 = performance.now();
  const r = new LineReader(file, { byteDecoding: fast });
  const f = what === 'fold' ? new LogFolder({ onExecution: () => {} }) : undefined;
  let n = 0;
  for (let off = 0; off < data.length; off += STEP) {
    r.push(data.subarray(off, Math.min(off + STEP, data.length)));
    const b = r.take(); n += b.length; if (f) f.pushAll(b);
  }
  r.end(); const b = r.take(); n += b.length; if (f) { f.pushAll(b); f.finish(); }
  return performance.now() - t0;
}
const res: Record<string, number[]> = { regex: [], bytes: [] };
for (let i = 0; i < Number(process.argv[4] ?? 5); i++) {
  res.bytes!.push(pass(true));
  res.regex!.push(pass(false));
}
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k.padEnd(6), 'min', v[0]!.toFixed(0), 'med', v[v.length >> 1]!.toFixed(0), v.map((x) => x.toFixed(0)).join(' ')); }
