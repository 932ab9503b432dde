// Prefix filtering for lists the API cannot filter: later pages are fetched only until the page is
// full, and at most a few times, so a filter never quietly walks a whole account. (Page sizes are
// clamped by kit/range.ts.)

import type { Page } from '../../model';
import { decodeCursor, encodeCursor, nextTokenCursor } from '../kit/cursor';

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
  const from = decodeCursor(opts.next, 'token');
  let token = from?.token || undefined;
  if (!opts.match) {
    const page = await fetch(token, opts.pageSize);
    return { items: page.items, next: nextTokenCursor(page.next) };
  }
  // Scans ask for the API's largest page, so one scan can match more than a page: the page is cut
  // at pageSize and the cursor says how many of that scan's matches were already returned.
  const items: T[] = [];
  let skip = from?.skip ?? 0;
  let requests = 0;
  while (requests < (opts.maxRequests ?? 4)) {
    const scanned = await fetch(token, opts.scanSize ?? opts.pageSize);
    requests++;
    const matches = scanned.items.filter(opts.match).slice(skip);
    const room = opts.pageSize - items.length;
    if (matches.length > room) {
      items.push(...matches.slice(0, room));
      return { items, next: encodeCursor({ kind: 'token', token: token ?? '', skip: skip + room }) };
    }
    items.push(...matches);
    skip = 0;
    token = scanned.next;
    if (!token || items.length >= opts.pageSize) break;
  }
  return { items, next: nextTokenCursor(token) };
}

export const byPrefix = <T>(prefix: string | undefined, key: (t: T) => string) => (prefix ? (t: T) => key(t).startsWith(prefix) : undefined);
