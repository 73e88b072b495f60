import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { decodeLine, newDecodeState } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';

// Repeated context values are shared through a small cache keyed by length and last character:
// values that differ only elsewhere land in the same slot and must never be confused.
const sameSlot = fc.constantFrom('worker-1', 'worker-9', 'wurker-1', 'xorker-1', 'n0', 'm0', 'start-node', 'end-node', 'flytesnacks-development', 'flytesnacks-productionnt');

function line(routine: string, node: string, ns: string): string {
  return `{"json":{"exec_id":"e1","node":"${node}","ns":"${ns}","routine":"${routine}","src":"x.go:1"},"level":"info","msg":"m","ts":"2024-05-17T22:00:00Z"}`;
}

describe('shared context values', () => {
  test.prop([fc.array(fc.tuple(sameSlot, sameSlot, sameSlot), { minLength: 1, maxLength: 60 })])(
    'every record carries its own line values, whatever came before',
    (rows) => {
      const state = newDecodeState();
      for (const [routine, node, ns] of rows) {
        const r = decodeLine(line(routine, node, ns), { state }) as LogRecord;
        expect([r.routine, r.node, r.ns]).toEqual([routine, node, ns]);
      }
    },
  );
});
