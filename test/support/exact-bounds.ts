/**
 * Handle calls, rounds and ops may leave out bounds that equal their value (absent = exact, see
 * src/timeline/bounds.ts). Two Recordings that say the same thing, one with explicit exact bounds
 * (a fold of CRI logs, a hand-written fixture) and one without (simulation, OTLP), compare equal
 * after this: a JSON copy without any `xLo`/`xHi` equal to its `x`.
 */
const TIMED = ['start', 'end', 'traversalEnd', 'enqueuedAt'];

export function withoutExactBounds<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
      for (const t of TIMED) {
        if ((key === `${t}Lo` || key === `${t}Hi`) && v === this[t]) return undefined;
      }
      return v;
    }),
  ) as T;
}
