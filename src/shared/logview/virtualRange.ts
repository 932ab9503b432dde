// Which rows of a fixed-row-height list are in view. Browsers cap an element's height (Chrome
// ~33.5M px, Firefox ~17.9M px), so past MAX_SCROLL_PX the scroll height is compressed and the
// scroll position maps proportionally onto rows.

export const MAX_SCROLL_PX = 15_000_000;

export interface RowWindow {
  /** First row to render (inclusive) and last (exclusive), overscan included. */
  first: number;
  last: number;
  /** Top of row `first`, in the scroller's content coordinates. */
  offsetPx: number;
  /** Height of the scrollable content. */
  totalPx: number;
}

export function scrollHeightFor(rowCount: number, rowHeight: number, maxPx = MAX_SCROLL_PX): number {
  return Math.min(rowCount * rowHeight, maxPx);
}

/** The (fractional) row at the top of the viewport for a scroll position. */
export function topRowAt(scrollTop: number, viewportPx: number, rowCount: number, rowHeight: number, maxPx = MAX_SCROLL_PX): number {
  const real = rowCount * rowHeight;
  if (real <= maxPx) return scrollTop / rowHeight;
  const maxScroll = maxPx - viewportPx;
  const realMax = real - viewportPx;
  return maxScroll > 0 ? ((Math.min(scrollTop, maxScroll) / maxScroll) * realMax) / rowHeight : 0;
}

export function visibleRows(scrollTop: number, viewportPx: number, rowCount: number, rowHeight: number, overscan = 6, maxPx = MAX_SCROLL_PX): RowWindow {
  const totalPx = scrollHeightFor(rowCount, rowHeight, maxPx);
  if (rowCount === 0 || rowHeight <= 0) return { first: 0, last: 0, offsetPx: 0, totalPx };
  const top = Math.max(0, scrollTop);
  const topRow = topRowAt(top, viewportPx, rowCount, rowHeight, maxPx);
  const firstVisible = Math.min(rowCount - 1, Math.floor(topRow));
  const first = Math.max(0, firstVisible - overscan);
  const last = Math.min(rowCount, Math.ceil(topRow + viewportPx / rowHeight) + overscan);
  // Row `firstVisible` sits at the scroll position minus the fraction of it scrolled past.
  const firstVisiblePx = top - (topRow - firstVisible) * rowHeight;
  return { first, last, offsetPx: firstVisiblePx - (firstVisible - first) * rowHeight, totalPx };
}

/** scrollTop that puts `row` at the top of the viewport (clamped). */
export function scrollTopForRow(row: number, viewportPx: number, rowCount: number, rowHeight: number, maxPx = MAX_SCROLL_PX): number {
  const real = rowCount * rowHeight;
  const clampedRow = Math.max(0, Math.min(row, rowCount));
  if (real <= maxPx) return Math.max(0, Math.min(clampedRow * rowHeight, real - viewportPx));
  const maxScroll = maxPx - viewportPx;
  const realMax = real - viewportPx;
  return Math.max(0, Math.min(maxScroll, ((clampedRow * rowHeight) / realMax) * maxScroll));
}

/** Whether the viewport shows the last row (within `slackPx`): following resumes there. */
export function isAtBottom(scrollTop: number, viewportPx: number, scrollHeight: number, slackPx = 4): boolean {
  return scrollTop + viewportPx >= scrollHeight - slackPx;
}
