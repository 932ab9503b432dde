// Binary search over the ascending line-index arrays the view index and the search keep.

/** First index in [lo, hi) whose value is >= x (hi when none). */
export function lowerBound(sorted: readonly number[], x: number, lo = 0, hi = sorted.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
