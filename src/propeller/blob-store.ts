import type { Model } from '../model/model.js';
import type { OpKind } from '../timeline/types.js';
import type { ExecState } from './execution.js';
import type { Latencies, NsSampler } from './latencies.js';
import type { NodeState } from './node-state.js';
import type { RoundCtx } from './round-context.js';

/** Objects a node owns in the metadata store (`<prefix>/<exec>/<node>/data/...`). */
export const F_INPUTS = 0;
export const F_OUTPUTS = 1;
export const F_FUTURES = 2;
export const F_FUTURES_COMPILED = 3;
export const F_DYNAMIC_COMPILED = 4;
export const F_ERROR = 5;
export const F_CLOSURE = 6;

const FILE_NAMES = ['inputs.pb', 'outputs.pb', 'futures.pb', 'futures_compiled.pb', 'dynamic_compiled.pb', 'error.pb', 'closure.pb'];

/**
 * Propeller's metadata blobstore (stdlib `DataStore`). HEAD, read, write and copy cost a latency that
 * grows with the object size. With `storage.cache.max_size_mbs` > 0 the write-through in-memory cache
 * (`cachedRawStore`) serves HEADs and reads of objects it has seen (written by propeller or read once)
 * from memory, except objects larger than 1/1024 of the cache.
 */
export class BlobStore {
  private readonly cacheLimit: number;
  private readonly cached = new Set<number>();

  constructor(
    model: Model,
    private readonly lat: Latencies,
  ) {
    const mb = model.store.blobCacheMB;
    this.cacheLimit = mb > 0 ? (mb * 1024 * 1024) / 1024 : 0;
  }

  private key(exec: ExecState, node: NodeState | null, file: number): number {
    return (exec.idx * 4194304 + (node ? node.uid + 1 : 0)) * 8 + file;
  }

  private run(
    rc: RoundCtx,
    kind: OpKind,
    sampler: NsSampler,
    node: NodeState | null,
    file: number,
    bytes: number,
    populate: boolean,
    lookup: boolean,
    at: number,
  ): number {
    const name = FILE_NAMES[file];
    const id = node ? node.id : undefined;
    if (this.cacheLimit > 0 && bytes <= this.cacheLimit) {
      const k = this.key(rc.exec, node, file);
      if (lookup && this.cached.has(k)) {
        rc.op(kind, 0, id, undefined, undefined, bytes, 'hit', name, at);
        return 0;
      }
      if (populate) this.cached.add(k);
    }
    const rng = node ? node.rngBlob() : rc.exec.rngBlob;
    const dur = sampler(rng, bytes);
    rc.op(kind, dur, id, undefined, undefined, bytes, 'ok', name, at);
    return dur;
  }

  head(rc: RoundCtx, node: NodeState | null, file: number, bytes: number, at = rc.now): number {
    return this.run(rc, 'blobHead', this.lat.blobHead, node, file, bytes, false, true, at);
  }

  read(rc: RoundCtx, node: NodeState | null, file: number, bytes: number, at = rc.now): number {
    return this.run(rc, 'blobRead', this.lat.blobRead, node, file, bytes, true, true, at);
  }

  write(rc: RoundCtx, node: NodeState | null, file: number, bytes: number, at = rc.now): number {
    return this.run(rc, 'blobWrite', this.lat.blobWrite, node, file, bytes, true, false, at);
  }

  /** CopyRaw into `node`'s `file` (read + write of the same bytes). */
  copy(rc: RoundCtx, node: NodeState | null, file: number, bytes: number, at = rc.now): number {
    return this.run(rc, 'blobCopy', this.lat.blobCopy, node, file, bytes, true, false, at);
  }
}
