import { InputError } from './errors.js';
import type { Recording } from './types.js';

/**
 * Checks a Timeline JSON document (as `fold --json` or `simulate --timeline` writes it) before any
 * verb reads it: every field the verbs read has its type (times finite numbers, lists lists), and
 * no execution id repeats. A hand-edited or truncated Timeline is then the file's error naming the
 * field (`executions[3].handles[0].rounds`), not an internal error deep in a report. Lists the
 * writers always emit but older Timelines may lack (enqueues, workflow transitions) default to
 * empty. One pass, no copies: a Timeline of a large log holds millions of ops.
 */
export function checkRecording(value: unknown, file: string): Recording {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new InputError(`expected ${expected}, got ${describe(got)}`, path === '' ? { file } : { file, path });
  };
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'an object', v);
    return v as Record<string, unknown>;
  };
  const list = (o: Record<string, unknown>, key: string, path: string, required: boolean): unknown[] => {
    const v = o[key];
    if (v === undefined && !required) return (o[key] = []) as unknown[];
    if (!Array.isArray(v)) fail(`${path}.${key}`, 'a list', v);
    return v as unknown[];
  };
  const num = (o: Record<string, unknown>, key: string, path: string, required = true): void => {
    const v = o[key];
    if (v === undefined && !required) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${key}`, 'a number', v);
  };
  const str = (o: Record<string, unknown>, key: string, path: string, fallback?: string): void => {
    const v = o[key];
    if (v === undefined && fallback !== undefined) {
      o[key] = fallback;
      return;
    }
    if (typeof v !== 'string') fail(`${path}.${key}`, 'a string', v);
  };
  const optStr = (o: Record<string, unknown>, key: string, path: string): void => {
    if (o[key] !== undefined && typeof o[key] !== 'string') fail(`${path}.${key}`, 'a string', o[key]);
  };
  /** Optional numbers (bounds, counts): each a number when present. */
  const optNums = (o: Record<string, unknown>, keys: readonly string[], path: string): void => {
    for (const k of keys) num(o, k, path, false);
  };
  /** A Handle call, round or op: its start and end, their bounds, and `more` optional numbers. */
  const timed = (o: Record<string, unknown>, path: string, more: readonly string[]): void => {
    num(o, 'start', path);
    num(o, 'end', path);
    optNums(o, ['startLo', 'startHi', 'endLo', 'endHi', ...more], path);
  };
  /** Pod times: numbers, and the flags saying a start or end was not seen. */
  const pod = (v: unknown, path: string): void => {
    for (const [f, x] of Object.entries(obj(v, path))) {
      if (typeof x !== 'boolean' && (typeof x !== 'number' || !Number.isFinite(x))) fail(`${path}.${f}`, 'a number', x);
    }
  };
  const stamp = (o: Record<string, unknown>, key: string, path: string): void => {
    if (o[key] === undefined) return;
    const s = obj(o[key], `${path}.${key}`);
    for (const k of ['at', 'lo', 'hi']) num(s, k, `${path}.${key}`);
  };
  const transitions = (o: Record<string, unknown>, key: string, path: string, required: boolean): void => {
    if (o[key] === undefined && !required) return;
    list(o, key, path, required).forEach((v, i) => {
      const p = `${path}.${key}[${i}]`;
      const t = obj(v, p);
      str(t, 'from', p);
      str(t, 'to', p);
      num(t, 'at', p);
      // bounds default to the instant (an exact Timeline may leave them out)
      if (t.atLo === undefined) t.atLo = t.at;
      if (t.atHi === undefined) t.atHi = t.at;
      num(t, 'atLo', p);
      num(t, 'atHi', p);
    });
  };

  const root = obj(value, '');
  if (typeof root.originUnixNano !== 'string' || !/^-?\d+$/.test(root.originUnixNano)) {
    fail('originUnixNano', 'a decimal string of nanoseconds', root.originUnixNano);
  }
  if (root.source !== undefined && root.source !== 'logs' && root.source !== 'otlp' && root.source !== 'sim') {
    fail('source', '"logs", "otlp" or "sim"', root.source);
  }
  const seen = new Map<string, number>();
  list(root, 'executions', '', true).forEach((v, i) => {
    const p = `executions[${i}]`;
    const e = obj(v, p);
    str(e, 'id', p);
    const first = seen.get(e.id as string);
    if (first !== undefined) throw new InputError(`duplicate execution id "${e.id as string}" (also executions[${first}])`, { file, path: `${p}.id` });
    seen.set(e.id as string, i);
    str(e, 'namespace', p, '');
    str(e, 'phase', p, 'Unknown');
    optStr(e, 'workflow', p);
    stamp(e, 'created', p);
    stamp(e, 'ended', p);
    list(e, 'handles', p, true).forEach((hv, hi) => {
      const hp = `${p}.handles[${hi}]`;
      const h = obj(hv, hp);
      str(h, 'worker', hp);
      timed(h, hp, ['enqueuedAt', 'enqueuedAtLo', 'enqueuedAtHi', 'streakMax']);
      str(h, 'endReason', hp, 'unknown');
      list(h, 'rounds', hp, true).forEach((rv, ri) => {
        const rp = `${hp}.rounds[${ri}]`;
        const r = obj(rv, rp);
        timed(r, rp, ['traversalEnd', 'traversalEndLo', 'traversalEndHi']);
        str(r, 'phase', rp, 'Unknown');
        if (r.changed === undefined) r.changed = false;
        if (typeof r.changed !== 'boolean') fail(`${rp}.changed`, 'true or false', r.changed);
        optStr(r, 'error', rp);
        list(r, 'ops', rp, true).forEach((ov, oi) => {
          const op = `${rp}.ops[${oi}]`;
          const o = obj(ov, op);
          str(o, 'kind', op);
          timed(o, op, ['bytes']);
          for (const k of ['node', 'from', 'to', 'outcome', 'detail']) optStr(o, k, op);
        });
      });
    });
    list(e, 'nodes', p, true).forEach((nv, ni) => {
      const np = `${p}.nodes[${ni}]`;
      const n = obj(nv, np);
      str(n, 'id', np);
      str(n, 'kind', np, 'unknown');
      optStr(n, 'parent', np);
      if (n.upstream !== undefined && (!Array.isArray(n.upstream) || n.upstream.some((u) => typeof u !== 'string'))) fail(`${np}.upstream`, 'a list of node ids', n.upstream);
      transitions(n, 'transitions', np, true);
      transitions(n, 'taskPhases', np, false);
      if (n.pod !== undefined) pod(n.pod, `${np}.pod`);
      if (n.pods !== undefined) list(n, 'pods', np, true).forEach((v, j) => pod(v, `${np}.pods[${j}]`));
      optNums(n, ['retries', 'activeDeadline', 'executionDeadline', 'gateOpened', 'gateOpenedLo', 'gateOpenedHi'], np);
    });
    list(e, 'enqueues', p, false).forEach((qv, qi) => {
      const qp = `${p}.enqueues[${qi}]`;
      const q = obj(qv, qp);
      num(q, 'at', qp);
      if (q.lo === undefined) q.lo = q.at;
      if (q.hi === undefined) q.hi = q.at;
      num(q, 'lo', qp);
      num(q, 'hi', qp);
      str(q, 'source', qp, 'workflow');
    });
    transitions(e, 'workflowTransitions', p, false);
    if (e.workflowTransitions === undefined) e.workflowTransitions = [];
    if (e.crBytes !== undefined) {
      list(e, 'crBytes', p, true).forEach((cv, ci) => {
        const c = obj(cv, `${p}.crBytes[${ci}]`);
        num(c, 'at', `${p}.crBytes[${ci}]`);
        num(c, 'bytes', `${p}.crBytes[${ci}]`);
      });
    }
  });
  if (root.lines === undefined) root.lines = { read: 0, used: 0, skipped: {} };
  const lines = obj(root.lines, 'lines');
  num(lines, 'read', 'lines');
  num(lines, 'used', 'lines');
  if (lines.skipped === undefined) lines.skipped = {};
  for (const [k, v] of Object.entries(obj(lines.skipped, 'lines.skipped'))) {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`lines.skipped.${k}`, 'a number', v);
  }
  return root as unknown as Recording;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
