import { EventHeap } from './heap.js';

/** Receives each event in order. `kind` and `target` are whatever the scheduler passed. */
export type EventHandler = (kind: number, target: number, now: number) => void;

/**
 * The discrete-event core, in the manner of SimPy's `Environment`.
 *
 * - Time is an integer number of nanoseconds (`now`), starting at 0 and never decreasing.
 * - `schedule(delay, kind, target, priority)` adds an event at `now + delay`. Delays are rounded
 *   to whole nanoseconds and must be >= 0.
 * - Events are processed in order of (time, priority, sequence): at equal times a lower priority
 *   runs first, and at equal priority the event scheduled first runs first. Nothing depends on
 *   object identity or Map order, so a run is reproducible event for event.
 * - `step()` processes exactly one event; `run(until)` processes events while the next one is due
 *   at or before `until` and then sets `now = until` (if finite).
 *
 * The engine knows nothing of Flyte: `kind` and `target` are integers the handler interprets.
 */
export class Engine {
  private readonly heap = new EventHeap();
  /** Current simulation time in ns. */
  now = 0;
  /** Number of events processed so far. */
  processed = 0;
  /** The `until` of the `run` under way (Infinity outside one). */
  private until = Infinity;

  constructor(private readonly handler: EventHandler) {}

  /** Schedules an event `delay` ns from now. */
  schedule(delay: number, kind: number, target: number, priority = 0): void {
    if (!(delay >= 0)) throw new RangeError(`negative or NaN delay ${delay}`);
    this.heap.push(this.now + Math.round(delay), priority, kind, target);
  }

  /** Schedules an event at absolute time `at` (>= now). */
  scheduleAt(at: number, kind: number, target: number, priority = 0): void {
    this.schedule(at - this.now, kind, target, priority);
  }

  /** Number of pending events. */
  get pending(): number {
    return this.heap.size;
  }

  /** Time of the next event, or Infinity. */
  peek(): number {
    return this.heap.peekTime();
  }

  /**
   * Processes an event `delay` ns from now at once, in the handler that would schedule it, when it
   * would be the next one popped anyway: no pending event is due at or before its time, and the
   * run under way reaches it. Returns false (nothing done) otherwise; the caller then schedules it.
   * The order of events is the same either way; only the heap traffic is saved.
   */
  runInline(delay: number): boolean {
    const at = this.now + Math.round(delay);
    if (!(delay >= 0) || at > this.until || at >= this.heap.peekTime()) return false;
    this.now = at;
    this.processed++;
    return true;
  }

  /** Processes one event; returns false when none is pending. */
  step(): boolean {
    const h = this.heap;
    if (!h.pop()) return false;
    this.now = h.poppedTime;
    this.processed++;
    this.handler(h.poppedKind, h.poppedTarget, this.now);
    return true;
  }

  /** Processes events due at or before `until` (default: all). Returns the number processed. */
  run(until = Infinity): number {
    const h = this.heap;
    const start = this.processed;
    const handler = this.handler;
    this.until = until;
    while (h.size > 0 && h.peekTime() <= until) {
      h.pop();
      this.now = h.poppedTime;
      this.processed++;
      handler(h.poppedKind, h.poppedTarget, this.now);
    }
    this.until = Infinity;
    if (until !== Infinity && until > this.now) this.now = until;
    return this.processed - start;
  }
}
