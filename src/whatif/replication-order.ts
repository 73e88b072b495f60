/**
 * Replications r = from .. to-1, yielded strictly in order whoever computed them. Free workers of
 * a pool take the next replications; this thread computes the next one not handed out whenever the
 * one due is not ready yet (so it works too, also while the pool starts up, and alone without a
 * pool). Look-ahead is bounded: whatever stops consuming early (a precision target reached) wastes
 * at most the replications already under way.
 */

/** Where replications can run besides this thread. */
export interface RemoteRunner<T> {
  /** How many more replications it would start right now. */
  free(): number;
  run(replication: number): Promise<T>;
  /** Resolves when `free` may have changed. */
  changed(): Promise<void>;
}

/** Replications this thread computes ahead of the one due, at most (beyond what workers hold). */
const LOCAL_AHEAD = 2;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Slot<T> = { done: true; value: T } | { done: false; promise: Promise<T>; settled: boolean };

export async function* replicationsInOrder<T>(from: number, to: number, local: (replication: number) => T, remote?: RemoteRunner<T>): AsyncGenerator<T> {
  const slots = new Map<number, Slot<T>>();
  let next = from;
  const handOut = () => {
    while (remote && next < to && remote.free() > 0) {
      const promise = remote.run(next);
      const slot: Slot<T> = { done: false, promise, settled: false };
      // Awaited below, or abandoned when the consumer stops early.
      promise.then(
        () => (slot.settled = true),
        () => (slot.settled = true),
      );
      slots.set(next++, slot);
    }
  };
  // Results computed here and not yet yielded (bounded by LOCAL_AHEAD beyond the one due).
  let heldHere = 0;
  const computeHere = (r: number): void => {
    slots.set(r, { done: true, value: local(r) });
    heldHere++;
  };
  for (let r = from; r < to; r++) {
    for (;;) {
      handOut();
      const slot = slots.get(r);
      if (slot === undefined) {
        // Due and not handed out (no worker free): compute it here. That blocks this thread, so
        // let worker messages (start-up, replies) in afterwards.
        computeHere(next++);
        if (remote) await turn();
        continue;
      }
      if (slot.done || slot.settled) break;
      if (next < to && heldHere < LOCAL_AHEAD) {
        // The one due is on a worker: work on the next one meanwhile, then let replies in.
        computeHere(next++);
        await turn();
        continue;
      }
      await Promise.race([slot.promise.then(() => undefined, () => undefined), remote!.changed()]);
    }
    const slot = slots.get(r)!;
    slots.delete(r);
    if (slot.done) {
      heldHere--;
      yield slot.value;
      continue;
    }
    let value: T;
    try {
      value = await slot.promise;
    } catch {
      // A worker failed (the pool then takes no more work) or the simulation threw: compute it
      // here, so that a simulation error surfaces as itself.
      value = local(r);
    }
    yield value;
  }
}
