/**
 * Lines as log collection delivers them: tailer prefixes, CRI fragments cut at any byte, klog
 * lines between whole-second lines. Each case compares with the same lines delivered plainly.
 */
import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/ingest/record.js';
import { accounted, content, readBytes } from '../ingest-lines/util.js';

const EX = 'f8d7e6c5b4a3a2a1b0c9';
const base = { exec_id: EX, ns: 'flytesnacks-development', routine: 'worker-3' };

function jsonLine(msg: string, ts = '2024-05-17T22:55:03Z', extra: Record<string, string> = {}): string {
  return JSON.stringify({ json: { ...base, ...extra }, level: 'info', msg, ts });
}

const LINES = [
  jsonLine('Processing Workflow.'),
  jsonLine(`Handling Workflow [${EX}], id: [project:"p" domain:"d" name:"${EX}"], p [Running]`),
  jsonLine('FastFollow Enabled. Detected State change, we will try another round. StreakLength [2]'),
  jsonLine('Completed processing workflow.', '2024-05-17T22:55:04Z'),
];

function read(text: string): LogRecord[] {
  const r = readBytes(Buffer.from(text));
  expect(accounted(r)).toBe(true);
  return r.records;
}

describe('tailer prefixes', () => {
  const plain = read(LINES.join('\n') + '\n');

  it('kubetail `[pod] ` prefixes name the replica', () => {
    const recs = read(LINES.map((l) => `[flytepropeller-7d9c8b6f5-x2x9z] ${l}`).join('\n') + '\n');
    expect(recs.map(content)).toEqual(plain.map(content));
    expect(recs.every((r) => r.replica === 'flytepropeller-7d9c8b6f5-x2x9z')).toBe(true);
  });

  it('kubetail `[pod container] ` prefixes (pods with several containers) name the replica', () => {
    const recs = read(LINES.map((l) => `[flytepropeller-0 flytepropeller] ${l}`).join('\n') + '\n');
    expect(recs.map(content)).toEqual(plain.map(content));
    expect(recs.every((r) => r.replica === 'flytepropeller-0')).toBe(true);
  });

  it("Grafana's 'Download logs' `time<TAB>line` (local offset, whole seconds) reads as the lines themselves", () => {
    const stamps = ['2024-05-17T23:55:03+01:00', '2024-05-17T23:55:03+01:00', '2024-05-17T23:55:03+01:00', '2024-05-17T23:55:04+01:00'];
    const recs = read(LINES.map((l, i) => `${stamps[i]}\t${l}`).join('\n') + '\n');
    expect(recs.map(content)).toEqual(plain.map(content));
    expect(recs.map((r) => r.sec)).toEqual(plain.map((r) => r.sec));
  });

  it("stern's `--timestamps=short` (`MM-DD hh:mm:ss`, local, no year) before the payload: the payload's own time is used", () => {
    for (const pre of ['flytepropeller-7d9f-abcde flytepropeller', 'flyte flytepropeller-7d9f-abcde flytepropeller']) {
      const recs = read(LINES.map((l, i) => `${pre} 05-18 00:55:0${i === 3 ? 4 : 3} ${l}`).join('\n') + '\n');
      expect(recs.map(content)).toEqual(plain.map(content));
      expect(recs.map((r) => r.sec)).toEqual(plain.map((r) => r.sec));
      expect(recs.every((r) => r.replica === 'flytepropeller-7d9f-abcde')).toBe(true);
    }
  });

  it("stern's `-o extjson` (the line's own JSON object as `message`) reads as the line", () => {
    const recs = read(LINES.map((l) => `{"pod": "flytepropeller-0", "container": "flytepropeller", "message": ${l}}`).join('\n') + '\n');
    expect(recs.map(content)).toEqual(plain.map(content));
    expect(recs.every((r) => r.replica === 'flytepropeller-0')).toBe(true);
  });

  it('NUL padding (a file cut by a crash) around a line does not make it unreadable', () => {
    const recs = read(LINES.map((l, i) => (i === 1 ? `\0\0\0\0${l}` : i === 2 ? `${l}\0\0` : l)).join('\n') + '\n');
    expect(recs.map(content)).toEqual(plain.map(content));
  });

  it('two kubetail replicas interleaved keep their own streams', () => {
    const text = LINES.flatMap((l, i) => [`[propeller-a] ${l}`, `[propeller-b] ${LINES[i]!.replaceAll(EX, 'other-exec-id')}`]).join('\n');
    const recs = read(text + '\n');
    expect(recs.filter((r) => r.replica === 'propeller-a').map(content)).toEqual(plain.map(content));
    expect(recs.filter((r) => r.replica === 'propeller-b').every((r) => r.execId === 'other-exec-id')).toBe(true);
  });
});

describe('CRI partial lines', () => {
  const plain = read(LINES.join('\n') + '\n');

  /** CRI lines of `payload` cut before each offset in `cuts`. */
  function cri(payload: string, cuts: number[]): string[] {
    const stamp = '2024-05-17T22:55:03.123456789Z stderr';
    const parts: string[] = [];
    let prev = 0;
    for (const c of [...cuts, payload.length]) {
      parts.push(payload.slice(prev, c));
      prev = c;
    }
    return parts.map((p, i) => `${stamp} ${i === parts.length - 1 ? 'F' : 'P'} ${p}`);
  }

  it('a fragment that is only a space (or ends or starts with one) keeps it exactly', () => {
    for (const line of LINES) {
      const spaces = [...line.matchAll(/ /g)].map((m) => m.index);
      for (const at of spaces.slice(0, 6)) {
        // fragments: [..at) [at, at+1) [at+1..]: the middle one is a single space
        const text = cri(line, [at, at + 1]).join('\n') + '\n';
        const recs = read(text);
        expect(recs.map((r) => r.msg)).toEqual([plain[LINES.indexOf(line)]!.msg]);
      }
    }
  });

  it('a line cut at every byte position joins back to the same record', () => {
    const line = LINES[2]!;
    for (let at = 1; at < line.length; at++) {
      const recs = read(cri(line, [at]).join('\n') + '\n');
      expect(recs.map((r) => r.msg)).toEqual([plain[2]!.msg]);
    }
  });
});

describe('CRI fragments that look like prefixes', () => {
  it('a fragment starting with `[name] `, `name name {` or a timestamp is content, not a prefix', () => {
    const line = jsonLine('Handling Workflow [abc], id: [project:"p"], p [Running] 2024-05-17T22:55:03Z flyte propeller {"x"');
    const plain = read(line + '\n');
    const stamp = '2024-05-17T22:55:03.5Z stderr';
    for (const head of ['[Running] ', 'flyte propeller {', '2024-05-17T22:55:03Z ', '[abc], ']) {
      const at = line.indexOf(head);
      expect(at).toBeGreaterThan(0);
      const recs = read(`${stamp} P ${line.slice(0, at)}\n${stamp} F ${line.slice(at)}\n`);
      expect(recs.map((r) => r.msg)).toEqual([plain[0]!.msg]);
    }
  });
});

describe('klog lines between whole-second lines', () => {
  const klog = (us: string) => `E0517 22:55:03.${us}       1 workers.go:103] error syncing 'flytesnacks-development/${EX}': boom`;

  it('whole-second lines before an exact klog stamp are estimated before it, later ones after it', () => {
    const text = [LINES[0], LINES[1], klog('200000'), LINES[2], jsonLine('Streak ended at [1]/Max: [8]')].join('\n') + '\n';
    const recs = read(text);
    const est = recs.map((r) => r.estNsec);
    expect(recs[2]!.kind).toBe('klog');
    expect(est[0]).toBeLessThan(est[1]!);
    expect(est[1]).toBeLessThan(200_000_000);
    expect(est[2]).toBe(200_000_000);
    expect(est[3]).toBeGreaterThan(200_000_000);
    expect(est[4]).toBeGreaterThan(est[3]!);
    expect(est[4]).toBeLessThan(1e9);
  });

  it('in file order, estimates never go backwards across exact stamps of the same stream', () => {
    const stamps = ['050000', '100000', '900000', '950000'];
    const text = stamps.flatMap((us) => [LINES[0], LINES[1], klog(us)]).concat([LINES[2]!]).join('\n') + '\n';
    const est = read(text).map((r) => r.estNsec);
    for (let i = 1; i < est.length; i++) expect(est[i]).toBeGreaterThanOrEqual(est[i - 1]!);
  });
});

describe("another component's klog lines", () => {
  it('do not bound the estimates (their stamps need not follow the stream order)', () => {
    const other = 'I0517 22:55:03.010000       1 event.go:294] "Event occurred" object="ns/pod" reason="Scheduled"';
    const plain = read([LINES[0], LINES[1], LINES[2]].join('\n') + '\n').map((r) => r.estNsec);
    const mixed = read([LINES[0], LINES[1], other, LINES[2]].join('\n') + '\n');
    expect(mixed.filter((r) => r.kind !== 'klog').map((r) => r.estNsec)).toEqual(plain);
  });
});

describe("stern's own status lines", () => {
  it('count as another component, not as unreadable lines', () => {
    const r = readBytes(Buffer.from(['+ flytepropeller-0 › flytepropeller', `flytepropeller-0 flytepropeller ${LINES[0]}`, '- flytepropeller-0 › flytepropeller', ''].join('\n')));
    expect(accounted(r)).toBe(true);
    expect(r.records).toHaveLength(1);
    expect(r.stats.skipped).toEqual({ otherComponent: 2 });
  });
});

describe('CRI fragments with an execution filter', () => {
  it('a line whose execution id is cut between two fragments is kept', () => {
    const stamp = '2024-05-17T22:55:03.123456789Z stderr';
    const line = jsonLine('Processing Workflow.');
    const at = line.indexOf(EX) + 5;
    const text = `${stamp} P ${line.slice(0, at)}\n${stamp} F ${line.slice(at)}\n`;
    const all = readBytes(Buffer.from(text)).records;
    const r = readBytes(Buffer.from(text), { exec: EX });
    expect(accounted(r)).toBe(true);
    expect(r.records.map(content)).toEqual(all.map(content));
    expect(r.records).toHaveLength(1);
  });
});

describe('lines sent twice', () => {
  // each line with its own nanosecond receive time, as a CRI log file has it
  const stamped = LINES.map((l, i) => `2024-05-17T22:55:0${3 + (i === 3 ? 1 : 0)}.12345678${i}Z stderr F ${l}`);
  const plain = read(stamped.join('\n') + '\n');

  it('a batch a shipper resent (same bytes, same nanosecond stamps) is counted as duplicate, not read again', () => {
    const r = readBytes(Buffer.from([...stamped, ...stamped.slice(1, 3), stamped[3]!.replace('.123456783', '.223456783')].join('\n') + '\n'));
    expect(accounted(r)).toBe(true);
    expect(r.stats.skipped.duplicate).toBe(2);
    expect(r.skips.filter((s) => s.reason === 'duplicate').map((s) => s.line)).toEqual([5, 6]);
    // the last line has another stamp: a line of its own
    expect(r.records.map(content)).toEqual([...plain, plain[3]!].map(content));
  });

  it('a resent batch whose lines share one stamp (as a simulation writes them) is found line by line', () => {
    const one = LINES.map((l) => `2024-05-17T22:55:03.123456789Z stderr F ${l}`);
    const later = `2024-05-17T22:55:05.000000001Z stderr F ${LINES[0]}`;
    const r = readBytes(Buffer.from([...one, later, ...one].join('\n') + '\n'));
    expect(accounted(r)).toBe(true);
    expect(r.stats.skipped.duplicate).toBe(LINES.length);
    expect(r.records).toHaveLength(LINES.length + 1);
  });

  it('the same line again among lines of its own instant is kept (two calls in one instant), and whole-second stamps never make a duplicate', () => {
    const twice = readBytes(Buffer.from([stamped[0], stamped[0], stamped[1]].join('\n') + '\n'));
    expect(twice.records).toHaveLength(3);
    expect(twice.stats.skipped.duplicate).toBeUndefined();
    const whole = readBytes(Buffer.from([...LINES, ...LINES].join('\n') + '\n'));
    expect(whole.records).toHaveLength(LINES.length * 2);
  });
});
