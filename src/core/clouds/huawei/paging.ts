// IoTDA pages with limit (≤ 50), marker (the id of the last record seen) and offset (cloud-apis.md
// §2.6). Lists that need a type (package_type, task_type) are walked one type after another. A
// filtered page is cut at the page size and the next one continues AFTER the last record looked
// at (its id is a marker), so no record is skipped or shown twice. The position travels in the
// kit's 'marker' cursor: "<type index>:<IoTDA marker>".

import { CloudError } from '../../errors';
import type { Page } from '../../model';
import { decodeCursor, encodeCursor } from '../kit/cursor';
import { clampToRange } from '../kit/range';
import { PAGE_LIMITS } from './wire';

export interface Scan<R> {
  /** The list's types, walked in order (one entry for lists without a type). */
  types: readonly string[];
  fetch(type: string, marker: string | undefined, limit: number): Promise<R[]>;
  idOf(r: R): string;
}

export const clampPageSize = (n: number | undefined, dflt = 20) => clampToRange(n, { min: 1, max: PAGE_LIMITS.maxLimit }, dflt);

function position(next: string | undefined, types: number): { type: number; marker?: string } {
  const c = decodeCursor(next, 'marker');
  if (!c) return { type: 0 };
  const m = /^(\d+):([0-9A-Za-z_-]*)$/.exec(c.marker);
  if (!m || +m[1] >= types) throw new CloudError('The list position is not valid (not a position in this list).', 'invalid', 'Reload the list from the start.');
  return { type: +m[1], marker: m[2] || undefined };
}

/** One page of the records that `match`, at most `pageSize`. */
export async function scanPage<R, T>(scan: Scan<R>, o: { next?: string; pageSize: number; match?: (r: R) => boolean; map: (r: R) => T }): Promise<Page<T>> {
  let { type, marker } = position(o.next, scan.types.length);
  const items: T[] = [];
  for (;;) {
    const records = await scan.fetch(scan.types[type], marker, PAGE_LIMITS.maxLimit);
    for (const r of records) {
      marker = scan.idOf(r);
      if (o.match && !o.match(r)) continue;
      items.push(o.map(r));
      if (items.length === o.pageSize) return { items, next: encodeCursor({ kind: 'marker', marker: `${type}:${marker}`, offset: 0 }) };
    }
    if (records.length < PAGE_LIMITS.maxLimit) {
      if (++type >= scan.types.length) return { items };
      marker = undefined;
    }
  }
}

/** Every record of every type (for lists we group ourselves). */
export async function scanAll<R>(scan: Scan<R>, max = 10_000): Promise<R[]> {
  const out: R[] = [];
  for (const type of scan.types) {
    let marker: string | undefined;
    for (;;) {
      const records = await scan.fetch(type, marker, PAGE_LIMITS.maxLimit);
      out.push(...records);
      if (records.length < PAGE_LIMITS.maxLimit || out.length >= max) break;
      marker = scan.idOf(records[records.length - 1]);
    }
  }
  return out;
}

/** A page of an already complete, sorted list, continuing after the key `next` names. */
export function keyPage<T>(all: T[], keyOf: (t: T) => string, next: string | undefined, pageSize: number): Page<T> {
  const after = decodeCursor(next, 'marker')?.marker;
  const start = after === undefined ? 0 : all.findIndex((t) => keyOf(t) > after);
  const items = start < 0 ? [] : all.slice(start, start + pageSize);
  const more = start >= 0 && start + pageSize < all.length;
  return { items, next: more ? encodeCursor({ kind: 'marker', marker: keyOf(items[items.length - 1]), offset: 0 }) : undefined };
}
