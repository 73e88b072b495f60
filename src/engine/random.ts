import seedrandom from 'seedrandom';

/** A uniform [0, 1) generator. */
export type Rng = () => number;

/**
 * Random streams keyed by what they are for, never by creation order: the stream for
 * (seed, replication, component, execution, node, purpose) is the same whatever else the
 * simulation draws. This is what makes paired what-if runs (common random numbers) tight.
 */
export class RandomStreams {
  private readonly cache = new Map<string, Rng>();

  constructor(
    readonly seed: string | number,
    readonly replication: number,
  ) {}

  /** The stream for a (component, execution, node, purpose) key; created on first use. */
  stream(component: string, execution = '', node = '', purpose = ''): Rng {
    const key = `${component}\u0000${execution}\u0000${node}\u0000${purpose}`;
    let rng = this.cache.get(key);
    if (!rng) {
      rng = seedrandom.alea(`${this.seed}\u0000${this.replication}\u0000${key}`);
      this.cache.set(key, rng);
    }
    return rng;
  }
}
