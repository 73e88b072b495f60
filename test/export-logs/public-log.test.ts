import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logLines } from '../../src/export/logs.js';
import { defaultModel } from '../../src/model/defaults.js';
import { loadSimulationInput } from '../../src/model/load.js';
import { simulate } from '../../src/propeller/simulator.js';

/**
 * The emitted logs against the one public propeller debug log of a whole execution
 * (recordings/hello-world.jsonl: the RFC's 1-task workflow): each message, read as a template,
 * must come with the same level, `src`, context fields and key order.
 */
type Sig = Map<string, Set<string>>;

function template(msg: string): string {
  return msg
    .replace(/\[[^\]]*\]/g, '[X]')
    .replace(/\d+/g, 'N')
    .replace(/'[^']*'/g, "'X'");
}

function signatures(lines: Iterable<string>): Sig {
  const out: Sig = new Map();
  for (const line of lines) {
    const o = JSON.parse(line) as { json: Record<string, string>; level: string; msg: string };
    const fields = Object.keys(o.json).join(',');
    const sig = `${o.level} ${o.json.src ?? '-'} {${fields}} ${Object.keys(o).join(',')}`;
    const t = template(o.msg);
    (out.get(t) ?? out.set(t, new Set()).get(t)!).add(sig);
  }
  return out;
}

describe('emitted logs read like the public hello-world log', () => {
  const real = signatures(readFileSync('recordings/hello-world.jsonl', 'utf8').split('\n').filter((l) => l.trim() !== ''));
  const s = loadSimulationInput('scenarios/hello.yaml');
  const emitted = signatures(logLines(simulate(s.executions, defaultModel(), { seed: 1, replication: 0 }), { showSource: true }));

  it('every message of a Handle call in the public log is emitted (process start-up lines aside)', () => {
    const startup = new Set(['Acquired leader lease.', 'Starting FlyteWorkflow controller']);
    const missing = [...real.keys()].filter((t) => !emitted.has(t) && !startup.has(t));
    expect(missing).toEqual([]);
  });

  it('with the same level, src, context fields and key order', () => {
    const differ: string[] = [];
    for (const [t, sigs] of emitted) {
      const want = real.get(t);
      if (want === undefined) continue;
      for (const sig of sigs) if (!want.has(sig)) differ.push(`${t}: ${sig} (public: ${[...want].join(' | ')})`);
    }
    expect(differ).toEqual([]);
    // the comparison covers most of what is emitted
    expect([...emitted.keys()].filter((t) => real.has(t)).length).toBeGreaterThanOrEqual(30);
  });
});
