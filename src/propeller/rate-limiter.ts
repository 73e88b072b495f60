/**
 * A token bucket in the manner of Go's `golang.org/x/time/rate.Limiter`, on integer-ns time.
 *
 * - `reserve(now)` takes a token even when none is left (the balance goes negative) and returns how
 *   long the caller must wait: the blocking use (kube client QPS/burst, the work queue's bucket).
 * - `allow(now)` takes a token only if one is available: the non-blocking use (admin event sink).
 *
 * A rate <= 0 or non-finite means unlimited.
 */
export class TokenBucket {
  private tokens: number;
  private last = 0;
  private readonly perNs: number;
  private readonly unlimited: boolean;

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {
    this.unlimited = !(rate > 0) || !Number.isFinite(rate);
    this.perNs = this.unlimited ? 0 : rate / 1e9;
    this.tokens = Math.max(1, burst);
  }

  private advance(now: number): void {
    if (now > this.last) {
      const t = this.tokens + (now - this.last) * this.perNs;
      this.tokens = t > this.burst ? Math.max(1, this.burst) : t;
      this.last = now;
    }
  }

  /** Takes one token; returns the wait in ns (0 when a token was available). */
  reserve(now: number): number {
    if (this.unlimited) return 0;
    this.advance(now);
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    // The balance is as of `last`, which can be ahead of `now` after a reservation made for a later instant.
    return Math.max(0, Math.ceil(this.last + -this.tokens / this.perNs - now));
  }

  /** Takes one token if available now. */
  allow(now: number): boolean {
    if (this.unlimited) return true;
    this.advance(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}
