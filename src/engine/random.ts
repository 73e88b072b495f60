/** A uniform [0, 1) generator. */
export type Rng = () => number;

// Streams are Alea generators (the algorithm of seedrandom's `alea`) whose state comes from a fast
// hash of the stream's key, rather than from Alea's own seeding (Mash: a chain of dependent float operations per character,
// three passes over the key, ~1.5-3 µs per stream; a simulation makes a few streams per node, so it
// dominated large workflows). The key hash is three independent 32-bit lanes (xor-multiply per UTF-16
// unit, then a murmur3-style finalizer), which give Alea's three state words as 32-bit fractions, the
// resolution Mash gives them.

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

/** Per-lane start values and multipliers (odd 32-bit constants). */
const BASIS_A = 0x811c9dc5;
const BASIS_B = 0x9e3779b9;
const BASIS_C = 0x6a09e667;
const MUL_A = 0x01000193;
const MUL_B = 0x5bd1e995;
const MUL_C = 0x27d4eb2f;

/** The running state of a key hash: three 32-bit lanes. */
interface KeyHash {
  a: number;
  b: number;
  c: number;
}

function startHash(): KeyHash {
  return { a: BASIS_A, b: BASIS_B, c: BASIS_C };
}

/** Folds the UTF-16 units of `s` into `h` (in place). */
function foldString(h: KeyHash, s: string): void {
  let a = h.a;
  let b = h.b;
  let c = h.c;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    a = Math.imul(a ^ u, MUL_A);
    b = Math.imul(b ^ u, MUL_B);
    c = Math.imul(c ^ u, MUL_C);
  }
  h.a = a;
  h.b = b;
  h.c = c;
}

/** Folds the key separator (a NUL unit, so that ('ab','c') and ('a','bc') differ). */
function foldSeparator(h: KeyHash): void {
  h.a = Math.imul(h.a, MUL_A);
  h.b = Math.imul(h.b, MUL_B);
  h.c = Math.imul(h.c, MUL_C);
}

/** Avalanche of one lane (murmur3 fmix32), with a lane-specific salt; an unsigned 32-bit result. */
function finish(x: number, salt: number): number {
  x ^= salt;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * The state of an Alea generator (Baagøe's lagged multiply-with-carry, as seedrandom's `alea` steps
 * it): three 32-bit fractions and an integer carry. Its own small object because seedrandom's
 * generator carries a seeding hash and four helper closures (~0.8 KB each), and a simulation keeps
 * four streams per node alive for the whole run: they were a fifth of what the young-generation GC
 * had to copy.
 */
class AleaState {
  constructor(
    private s0: number,
    private s1: number,
    private s2: number,
    private c: number,
  ) {}

  /** One draw in [0, 1): the step of seedrandom's Alea, operation for operation (same doubles). */
  next(): number {
    const t = 2091639 * this.s0 + this.c * TWO_POW_MINUS_32;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    return (this.s2 = t - this.c);
  }
}

/** Alea started from the given state words (32-bit fractions in [0, 1)) and carry 1: the draws of
 * seedrandom's `alea` given that state. */
export function aleaFromState(s0: number, s1: number, s2: number): Rng {
  const state = new AleaState(s0, s1, s2, 1);
  return () => state.next();
}

function aleaFromHash(h: KeyHash): Rng {
  return aleaFromState(
    finish(h.a, 0x2545f491) * TWO_POW_MINUS_32,
    finish(h.b, 0x9e3779b9) * TWO_POW_MINUS_32,
    finish(h.c, 0x632be59b) * TWO_POW_MINUS_32,
  );
}

/** The stream for a key given as parts (as if joined by NUL). */
export function keyedStream(parts: readonly string[]): Rng {
  const h = startHash();
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) foldSeparator(h);
    foldString(h, parts[i]!);
  }
  return aleaFromHash(h);
}

/** The streams of one (component, execution, purpose), by node. */
export class StreamGroup {
  private readonly byNode = new Map<string, Rng>();

  /** `prefix`: the key hash after `seed NUL replication NUL component NUL execution`. */
  constructor(
    private readonly prefix: KeyHash,
    private readonly purpose: string,
  ) {}

  /** The stream of `node` in this group; created on first use. */
  stream(node: string): Rng {
    let rng = this.byNode.get(node);
    if (!rng) {
      const p = this.prefix;
      const h: KeyHash = { a: p.a, b: p.b, c: p.c };
      foldSeparator(h);
      foldString(h, node);
      foldSeparator(h);
      foldString(h, this.purpose);
      rng = aleaFromHash(h);
      this.byNode.set(node, rng);
    }
    return rng;
  }
}

/**
 * Random streams keyed by what they are for, never by creation order: the stream for
 * (seed, replication, component, execution, node, purpose) is the same whatever else the
 * simulation draws, and one key always gives the same stream object (its draws continue).
 * This is what makes paired what-if runs (common random numbers) tight.
 * A stream equals `keyedStream([seed, replication, component, execution, node, purpose])`.
 */
export class RandomStreams {
  /** Groups by (component, execution, purpose): node ids are reused strings, so no key is built per node. */
  private readonly cache = new Map<string, StreamGroup>();
  private readonly seedText: string;
  private readonly replicationText: string;

  constructor(
    readonly seed: string | number,
    readonly replication: number,
  ) {
    this.seedText = String(seed);
    this.replicationText = String(replication);
  }

  /** The stream for a (component, execution, node, purpose) key; created on first use. */
  stream(component: string, execution = '', node = '', purpose = ''): Rng {
    return this.group(component, execution, purpose).stream(node);
  }

  /** The streams of (component, execution, purpose), for callers that draw per node (one lookup, then by node). */
  group(component: string, execution = '', purpose = ''): StreamGroup {
    const key = `${component}\u0000${execution}\u0000${purpose}`;
    let group = this.cache.get(key);
    if (!group) {
      const prefix = startHash();
      foldString(prefix, this.seedText);
      for (const part of [this.replicationText, component, execution]) {
        foldSeparator(prefix);
        foldString(prefix, part);
      }
      group = new StreamGroup(prefix, purpose);
      this.cache.set(key, group);
    }
    return group;
  }
}
