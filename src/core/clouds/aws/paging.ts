// Page sizes clamped to AWS's documented ranges, and prefix filtering for lists the API cannot
// filter: later pages are fetched only until the page is full, and at most a few times, so a
// filter never quietly walks a whole account.

import type { Page } from '../../model';
import { nextTokenCursor, tokenOf } from '../kit/cursor';
import type { IntRange } from './limits';

export function clampPageSize(requested: number | undefined, range: IntRange, dflt: number): number {
  const n = requested === undefined || !Number.isFinite(requested) ? dflt : Math.floor(requested);
  return Math.min(range.max, Math.max(range.min, n));
}

export interface FillOptions<T> {
  pageSize: number;
  next?: string;
  /** Client-side filter (e.g. id prefix); absent = one request. */
  match?: (item: T) => boolean;
  /** Requests allowed for one call when filtering. */
  maxRequests?: number;
  /** Page size asked of AWS while filtering (its maximum: fewer, larger scans). */
  scanSize?: number;
}

/**
 * One page for the caller: `fetch` speaks AWS nextTokens; `opts.next` and the result's `next` are
 * the kit's opaque cursors (a corrupted one is refused as 'invalid' before anything is sent).
 */
export async function fillPage<T>(fetch: (token: string | undefined, size: number) => Promise<Page<T>>, opts: FillOptions<T>): Promise<Page<T>> {
  let token = tokenOf(opts.next);
  if (!opts.match) {
    const page = await fetch(token, opts.pageSize);
    return { items: page.items, next: nextTokenCursor(page.next) };
  }
  const items: T[] = [];
  let requests = 0;
  do {
    const page = await fetch(token, opts.scanSize ?? opts.pageSize);
    requests++;
    items.push(...page.items.filter(opts.match));
    token = page.next;
  } while (token && items.length < opts.pageSize && requests < (opts.maxRequests ?? 4));
  return { items, next: nextTokenCursor(token) };
}

export const byPrefix = <T>(prefix: string | undefined, key: (t: T) => string) => (prefix ? (t: T) => key(t).startsWith(prefix) : undefined);
