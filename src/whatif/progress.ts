/**
 * A single updating progress line on stderr for long what-if runs: only on a terminal, only once
 * the run has taken more than about a second, at most ten updates a second, erased at the end so
 * the result starts on a clean line.
 */
import { formatDuration } from '../timeline/time.js';
import type { WhatifProgress } from './paired.js';

export interface ProgressSink<P = WhatifProgress> {
  update(p: P): void;
  done(): void;
}

const fmt = (ns: number): string => (Number.isFinite(ns) ? formatDuration(Math.round(Math.abs(ns))) : '…');

/** `replication 12/200  Δmakespan −88.4 ms ± 3.10 ms (target ± 152 ms)`. */
export function progressLine(p: WhatifProgress): string {
  const sign = p.deltaMakespanNs < 0 ? '−' : '+';
  return (
    `replication ${p.rep}/${p.maxReps}  Δmakespan ${sign}${fmt(p.deltaMakespanNs)} ± ${fmt(p.halfWidthNs)}` +
    ` (target ± ${fmt(p.targetHalfWidthNs)})`
  );
}

export interface ProgressOptions<P = WhatifProgress> {
  /** The line for a progress report (default: `progressLine`, a what-if's). */
  line?: (p: P) => string;
  /** Quiet period before the first line (ms). Default 1000. */
  delayMs?: number;
  /** Wall clock in ms (injectable for tests). */
  now?: () => number;
}

/** A progress sink writing to `stream` when it is a terminal; a no-op otherwise. */
export function createProgress<P = WhatifProgress>(
  stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
  opts: ProgressOptions<P> = {},
): ProgressSink<P> {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  const now = opts.now ?? (() => performance.now());
  const start = now();
  const delay = opts.delayMs ?? 1000;
  const line = opts.line ?? (progressLine as unknown as (p: P) => string);
  let last = -Infinity;
  let shown = false;
  return {
    update(p) {
      const t = now();
      if (t - start < delay || t - last < 100) return;
      last = t;
      shown = true;
      stream.write(`\r${line(p)}\x1b[K`);
    },
    done() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
