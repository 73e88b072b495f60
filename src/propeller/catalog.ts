import type { Latencies } from './latencies.js';
import type { NodeState } from './node-state.js';
import type { RoundCtx } from './round-context.js';

/**
 * Datacatalog (task cache) RPCs, synchronous in the round. A lookup (`GetDataset` + `GetArtifact`)
 * and a cache write (`CreateDataset`, `CreateArtifact`, `AddTag`) each cost one sampled latency.
 * Whether a lookup hits is part of the workflow (`cache.hit`).
 */
export class Catalog {
  constructor(private readonly lat: Latencies) {}

  /** Cache lookup starting at `at` (an ArrayNode subtask's goroutine: its own clock); returns its duration. */
  get(rc: RoundCtx, n: NodeState, hit: boolean, at = rc.now): number {
    const dur = this.lat.catalogGet(n.rngBlob());
    rc.op('catalogGet', dur, n.id, undefined, undefined, undefined, hit ? 'hit' : 'miss', undefined, at);
    return dur;
  }

  /** Cache write after a successful run, starting at `at`; returns its duration. */
  put(rc: RoundCtx, n: NodeState, at = rc.now): number {
    const dur = this.lat.catalogPut(n.rngBlob());
    rc.op('catalogPut', dur, n.id, undefined, undefined, undefined, 'ok', undefined, at);
    return dur;
  }
}
