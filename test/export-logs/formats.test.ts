import { describe, expect, it } from 'vitest';
import { logLines, type LogEmitOptions } from '../../src/export/logs.js';
import { MSG } from '../../src/timeline/templates.js';
import type { Recording } from '../../src/timeline/types.js';
import { randomRecording, sampleRecording } from '../otlp/fixtures.js';

const lines = (rec: Recording, opts: LogEmitOptions = {}): string[] => [...logLines(rec, opts)];
const WHOLE_SECOND = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const LEVELS = new Set(['debug', 'info', 'warning', 'error']);
const KLOG = /^E\d{4} \d\d:\d\d:\d\d\.\d{6} {7}1 workers\.go:103\] (.*)$/;

/** A regex per template, built by rendering it with sentinel arguments. */
const TEMPLATE_RES: RegExp[] = Object.values(MSG).map((render) => {
  const S = '\u0001';
  const text = (render as (...a: string[]) => string)(S, S, S, S);
  const esc = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').split(S).join('(.*?)');
  return new RegExp(`^${esc}$`);
});
const isTemplate = (msg: string): boolean => TEMPLATE_RES.some((re) => re.test(msg));

describe('json format (flytestdlib default)', () => {
  const out = lines(sampleRecording());

  it('writes one JSON object per line with keys json, level, msg, ts in that order', () => {
    let klog = 0;
    for (const l of out) {
      const m = KLOG.exec(l);
      if (m) {
        klog++;
        expect(isTemplate(m[1]!)).toBe(true);
        continue;
      }
      const o = JSON.parse(l) as { json: Record<string, string>; level: string; msg: string; ts: string };
      expect(Object.keys(o)).toEqual(['json', 'level', 'msg', 'ts']);
      const keys = Object.keys(o.json);
      expect(keys).toEqual([...keys].sort());
      expect(LEVELS.has(o.level)).toBe(true);
      expect(o.ts).toMatch(WHOLE_SECOND);
      expect(isTemplate(o.msg), o.msg).toBe(true);
      expect(o.json.src).toMatch(/^[a-z_]+\.go:\d+$/);
    }
    expect(klog).toBe(1);
    expect(out.length).toBeGreaterThan(150);
  });

  it('does not HTML-escape (flytestdlib since v1.10.7) unless asked', () => {
    const enqueue = out.find((l) => l.includes('Enqueueing workflow'))!;
    expect(enqueue).toContain('"msg":"==> Enqueueing workflow [flytesnacks-development/f016a3be7fa304db5a77]"');
    const old = lines(sampleRecording(), { htmlEscape: true }).find((l) => l.includes('Enqueueing workflow'))!;
    expect(old).toContain('"msg":"==\\u003e Enqueueing workflow');
    expect(JSON.parse(old).msg).toBe(JSON.parse(enqueue).msg);
  });

  it('puts the field sets of domain §6.2 on each line', () => {
    const parsed = out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { json: Record<string, string>; msg: string });
    const fieldsOf = (prefix: string): string[] => Object.keys(parsed.find((p) => p.msg.startsWith(prefix))!.json);
    expect(fieldsOf('==> Enqueueing workflow')).toEqual(['src']);
    expect(fieldsOf('added workflowID')).toEqual(['src']);
    expect(fieldsOf('Processing Workflow.')).toEqual(['exec_id', 'ns', 'routine', 'src']);
    expect(fieldsOf('Handling Workflow [f016a3be7fa304db5a77], id:')).toEqual(['exec_id', 'ns', 'res_ver', 'routine', 'src', 'wf']);
    expect(fieldsOf('Change in node state')).toEqual(['exec_id', 'node', 'ns', 'res_ver', 'routine', 'src', 'wf']);
    expect(fieldsOf('Sending transition event for plugin phase')).toEqual(['exec_id', 'node', 'ns', 'res_ver', 'routine', 'src', 'tasktype', 'wf']);
    expect(fieldsOf("WF hasn't been updated")).toEqual(['exec_id', 'ns', 'routine', 'src']);
    expect(fieldsOf('Observed FlyteWorkflow Update')).toEqual(['exec_id', 'ns', 'routine', 'src']);
    expect(fieldsOf('Successfully synced')).toEqual(['exec_id', 'ns', 'routine', 'src']);
    // the execution without a workflow name carries no wf field
    const other = parsed.find((p) => p.json.exec_id === 'a4f8dxddvnfrfs6jr9nx' && p.msg.startsWith('Handling Workflow'))!;
    expect(Object.keys(other.json)).toEqual(['exec_id', 'ns', 'res_ver', 'routine', 'src']);
  });

  it('omits src without show-source and drops lines above the configured level', () => {
    const noSrc = lines(sampleRecording(), { showSource: false }).filter((l) => l.startsWith('{'));
    expect(noSrc.every((l) => !('src' in JSON.parse(l).json))).toBe(true);
    expect(JSON.parse(noSrc[0]!).json).toEqual({});
    const info = lines(sampleRecording(), { level: 4 }).filter((l) => l.startsWith('{'));
    expect(info.some((l) => JSON.parse(l).level === 'debug')).toBe(false);
    expect(info.some((l) => JSON.parse(l).msg === 'Processing Workflow.')).toBe(true);
    const warn = lines(sampleRecording(), { level: 3 });
    expect(warn.every((l) => KLOG.test(l) || ['warning', 'error'].includes(JSON.parse(l).level))).toBe(true);
  });
});

describe('gcp format', () => {
  it('writes data, message, severity, timestamp with <, >, & escaped like encoding/json', () => {
    const rec = sampleRecording();
    const out = lines(rec, { format: 'gcp' });
    for (const l of out) {
      if (KLOG.test(l)) continue;
      const o = JSON.parse(l) as Record<string, unknown>;
      const keys = Object.keys(o);
      expect(keys).toEqual(keys[0] === 'data' ? ['data', 'message', 'severity', 'timestamp'] : ['message', 'severity', 'timestamp']);
      expect(['DEBUG', 'INFO', 'WARNING', 'ERROR']).toContain(o.severity);
      expect(o.timestamp).toMatch(WHOLE_SECOND);
      expect(isTemplate(o.message as string)).toBe(true);
      expect(l).not.toMatch(/[<>&]/);
    }
    const enq = out.find((l) => l.includes('Enqueueing workflow'))!;
    expect(enq).toMatch(/^\{"data":\{"src":"controller\.go:157"\},"message":"==\\u003e Enqueueing workflow \[flytesnacks-development\/f016a3be7fa304db5a77\]","severity":"INFO","timestamp":"2024-05-03T09:28:01Z"\}$/);
    const noSrc = lines(rec, { format: 'gcp', showSource: false }).find((l) => l.includes('Enqueueing workflow'))!;
    expect(noSrc.startsWith('{"message":')).toBe(true);
  });
});

describe('text format (logrus TextFormatter)', () => {
  const VALUE = '("(?:[^"\\\\]|\\\\.)*"|[A-Za-z0-9\\-._/@^+]*)';
  const LINE = new RegExp(`^ts=${VALUE} level=(debug|info|warning|error) msg=${VALUE}((?: [a-z_]+=${VALUE})*)$`);

  it('writes ts, level, msg, then the sorted fields, quoting like logrus', () => {
    const out = lines(sampleRecording(), { format: 'text' });
    for (const l of out) {
      if (KLOG.test(l)) continue;
      const m = LINE.exec(l);
      expect(m, l).not.toBeNull();
      const ts = JSON.parse(m![1]!) as string;
      expect(ts).toMatch(WHOLE_SECOND);
      const msg = m![3]!.startsWith('"') ? (JSON.parse(m![3]!) as string) : m![3]!;
      expect(isTemplate(msg), msg).toBe(true);
      const keys = [...m![4]!.matchAll(/ ([a-z_]+)=/g)].map((k) => k[1]!);
      expect(keys).toEqual([...keys].sort());
    }
    expect(out).toContain(
      'ts="2024-05-03T09:28:01Z" level=info msg="Processing Workflow." exec_id=f016a3be7fa304db5a77 ns=flytesnacks-development routine=worker-3 src="handler.go:186"',
    );
  });
});

describe('CRI prefix', () => {
  it('prefixes the exact instant with nine fractional digits, in global time order', () => {
    const rec = randomRecording(11, 6);
    const out = lines(rec, { cri: true, format: 'text' });
    const CRI = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{9})Z stderr F (.*)$/;
    let prev = '';
    for (const l of out) {
      const m = CRI.exec(l);
      expect(m, l).not.toBeNull();
      const stamp = `${m![1]}.${m![2]}`;
      expect(stamp >= prev).toBe(true);
      prev = stamp;
      const ts = /^ts="([^"]+)"/.exec(m![3]!);
      if (ts) expect(ts[1]).toBe(`${m![1]}Z`);
    }
    const first = lines(sampleRecording(), { cri: true })[0]!;
    expect(first.startsWith('2024-05-03T09:28:01.250000000Z stderr F {"json":{')).toBe(true);
  });
});

describe('determinism', () => {
  it('gives byte-identical output for the same input in every format', () => {
    for (const format of ['json', 'gcp', 'text'] as const) {
      const a = lines(randomRecording(5, 4), { format, cri: true }).join('\n');
      const b = lines(randomRecording(5, 4), { format, cri: true }).join('\n');
      expect(a).toBe(b);
      expect(a.length).toBeGreaterThan(1000);
    }
  });
});
