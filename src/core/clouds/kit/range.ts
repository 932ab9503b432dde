// Documented integer ranges (page sizes, timeouts, rates per minute) and the one clamp and check
// every cloud's limits table uses.

export interface IntRange {
  min: number;
  max: number;
}

/** A whole number within the range. */
export const inRange = (n: number, r: IntRange): boolean => Number.isInteger(n) && n >= r.min && n <= r.max;

/** `requested` rounded down into the range; `dflt` (also clamped) when it is absent or not a number. */
export function clampToRange(requested: number | undefined, range: IntRange, dflt: number): number {
  const n = requested === undefined || !Number.isFinite(requested) ? dflt : Math.floor(requested);
  return Math.min(range.max, Math.max(range.min, n));
}
