/** Google Cloud structured-logging timestamps: `{"seconds", "nanos"}` objects and `timestampSeconds`/`timestampNanos`. */
import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../src/ingest/decode.js';
import type { LogRecord } from '../../src/ingest/record.js';

const SEC = 1715986503;
const data = '{"exec_id":"e1","ns":"n","routine":"worker-1"}';

function rec(line: string): LogRecord {
  const r = decodeLine(line);
  expect(typeof r).toBe('object');
  return r as LogRecord;
}

describe('GCP timestamp objects', () => {
  it('seconds and nanos (numbers or decimal strings) give an exact instant', () => {
    for (const ts of [`{"seconds":${SEC},"nanos":134443862}`, `{"seconds":"${SEC}","nanos":134443862}`, `{"nanos":"134443862","seconds":"${SEC}"}`]) {
      const r = rec(`{"data":${data},"message":"Processing Workflow.","severity":"INFO","timestamp":${ts}}`);
      expect(r).toMatchObject({ sec: SEC, nsec: 134443862, resNs: 1, msg: 'Processing Workflow.', execId: 'e1', level: 'info' });
    }
  });

  it('zero or absent nanos read as a whole second', () => {
    for (const ts of [`{"seconds":${SEC},"nanos":0}`, `{"seconds":${SEC}}`]) {
      const r = rec(`{"data":${data},"message":"Processing Workflow.","severity":"INFO","timestamp":${ts}}`);
      expect(r).toMatchObject({ sec: SEC, nsec: 0, resNs: 1e9 });
    }
  });

  it('timestampSeconds / timestampNanos', () => {
    const r = rec(`{"data":${data},"message":"m","severity":"DEBUG","timestampSeconds":${SEC},"timestampNanos":5}`);
    expect(r).toMatchObject({ sec: SEC, nsec: 5, resNs: 1, level: 'debug' });
  });

  it('malformed objects are bad timestamps', () => {
    for (const ts of ['{"seconds":"x"}', '{"nanos":5}', `{"seconds":${SEC},"nanos":1000000000}`, `{"seconds":${SEC},"nanos":-1}`, '[1,2]']) {
      expect(decodeLine(`{"data":${data},"message":"m","severity":"INFO","timestamp":${ts}}`)).toBe('badTimestamp');
    }
  });
});
