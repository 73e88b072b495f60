/**
 * Replications r = from .. to-1, yielded strictly in order whoever computed them: idle workers of a
 * pool take the next replications, and this thread computes one itself whenever the one due next
 * is not with a worker (while the pool starts up, or without a pool). Whatever stops consuming
 * early (a precision target reached) wastes at most the replications already handed out.
 */

/** Where replications can run besides this thread. */
export interface RemoteRunner<T> {
  /** How many more replications it would start right now. */
  free(): number;
  run(replication: number): Promise<T>;
  /** Resolves when `free` may have changed. */
  changed(): Promise<void>;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function* replicationsInOrder<T>(from: number, to: number, local: (replication: number) => T, remote?: RemoteRunner<T>): AsyncGenerator<T> {
  const handed = new Map<number, Promise<T>>();
  let next = from;
  const handOut = () => {
    while (remote && next < to && remote.free() > 0) {
      const p = remote.run(next);
      p.catch(() => undefined); // awaited below, or abandoned when the consumer stops early
      handed.set(next++, p);
    }
  };
  for (let r = from; r < to; r++) {
    handOut();
    const p = handed.get(r);
    if (p === undefined) {
      // r === next: due now and no worker free. Computing it here blocks worker replies, so let
      // them in afterwards.
      next++;
      const value = local(r);
      if (remote) await turn();
      yield value;
      continue;
    }
    handed.delete(r);
    // Keep idle workers busy while waiting for r.
    let done = false;
    const settled = p.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      await Promise.race([settled, remote!.changed()]);
      handOut();
    }
    let value: T;
    try {
      value = await p;
    } catch {
      // A worker failed (the pool then takes no more work) or the simulation threw: compute it
      // here, so that a simulation error surfaces as itself.
      value = local(r);
    }
    yield value;
  }
}
