/**
 * Error classes: the short vocabulary of `Op.outcome` and `Round.error`. Both the simulator and the
 * log folder reduce an error text to one of these, so a Timeline from either source says the same
 * thing about a failed round; the full text stays in the failing op's `detail`.
 */
export type ErrorClass = 'conflict' | 'tooLarge' | 'throttled' | 'alreadyExists' | 'error';

export const ERROR_CLASSES: ReadonlySet<string> = new Set<ErrorClass>(['conflict', 'tooLarge', 'throttled', 'alreadyExists', 'error']);

/** True for an op outcome that reports a failure; `ok`, a cache `hit` or `miss`, and no outcome do not. */
export function isFailedOutcome(outcome: string | undefined): boolean {
  return outcome !== undefined && outcome !== 'ok' && outcome !== 'hit' && outcome !== 'miss';
}

/**
 * The class of an error text (idempotent: a class maps to itself). The checks run in order of
 * specificity, since one text may quote another (a reconcile error wraps an event error).
 */
export function errorClass(text: string): ErrorClass {
  if (ERROR_CLASSES.has(text)) return text as ErrorClass;
  // etcd / API server size limits, admin's gRPC message limit, the WorkflowTooLarge path.
  if (text.includes('too large') || text.includes('Request entity too large') || text.includes('larger than max')) return 'tooLarge';
  if (text.includes('the object has been modified') || text.includes('Operation cannot be fulfilled')) return 'conflict';
  if (text.includes('ResourceExhausted') || text.includes('throttl') || text.includes('Too Many Requests')) return 'throttled';
  if (text.includes('AlreadyExists') || text.includes('already exist')) return 'alreadyExists';
  return 'error';
}
