// The three paging schemes of the clouds, over an already filtered and ordered list. Bad input
// throws ProblemError (field + rule); the emulator words it in its cloud's shape.
//   AWS:     maxResults + opaque nextToken, valid only for the listing that issued it;
//   IoTDA:   limit (1–50, default 10) + marker (id of the last record seen; records in descending
//            id order) + offset (0–500, counted after the marker); reply page{count, marker};
//   Alibaba: CurrentPage (from 1) + PageSize (≤ the action's max: 100 or 200); reply
//            CurrentPage, PageSize, PageCount, Total; some actions cap CurrentPage × PageSize.

import { createHash } from 'crypto';
import { checkIntText, checkString, ProblemError, type Problem, type Range } from './validate';

const fail = (p: Problem | undefined): void => {
  if (p) throw new ProblemError([p]);
};

// --- nextToken (AWS) -------------------------------------------------------------------------------

export interface TokenPageInput {
  /** Page size asked for (raw query text; null = default). */
  size: string | null;
  token: string | null;
  /** The listing's identity (operation + filters): a token from another listing is rejected. */
  listing: string;
}

export function tokenPage<T>(items: readonly T[], input: TokenPageInput, range: Range & { dflt: number }, sizeField = 'maxResults', tokenField = 'nextToken'): { items: T[]; nextToken?: string } {
  fail(checkIntText(sizeField, input.size, range));
  const size = input.size === null ? range.dflt : Number(input.size);
  const scope = createHash('sha1').update(input.listing).digest('hex').slice(0, 12);
  let offset = 0;
  if (input.token !== null) {
    let parsed: { o?: unknown; s?: unknown } = {};
    try {
      parsed = JSON.parse(Buffer.from(input.token, 'base64url').toString());
    } catch {
      /* not ours: rejected below */
    }
    if (parsed.s !== scope || typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0) {
      throw new ProblemError([{ field: tokenField, kind: 'pattern', value: input.token }]);
    }
    offset = parsed.o;
  }
  const next = offset + size < items.length ? Buffer.from(JSON.stringify({ o: offset + size, s: scope })).toString('base64url') : undefined;
  return { items: items.slice(offset, offset + size), nextToken: next };
}

// --- marker + offset + limit (Huawei IoTDA) --------------------------------------------------------

export const MARKER_PAGING = { limit: { min: 1, max: 50, dflt: 10 }, offset: { min: 0, max: 500 }, firstMarker: 'ffffffffffffffffffffffff', markerPattern: /^[0-9a-f]{24}$/ } as const;

export interface MarkerPageInput {
  limit: string | null;
  marker: string | null;
  offset: string | null;
}

/**
 * `items` in descending id order (ids: 24 hex chars, as IoTDA makes them). Returns the records
 * after `marker`, skipping `offset`, at most `limit`; page.count is the total of the listing and
 * page.marker the id of the last record returned (absent when none was).
 */
export function markerPage<T>(items: readonly T[], idOf: (t: T) => string, input: MarkerPageInput, limits: { limit: Range & { dflt: number }; offset: Range } = MARKER_PAGING): { items: T[]; page: { count: number; marker?: string } } {
  fail(checkIntText('limit', input.limit, limits.limit));
  fail(checkIntText('offset', input.offset, limits.offset));
  if (input.marker !== null) fail(checkString('marker', input.marker, { pattern: MARKER_PAGING.markerPattern }));
  const limit = input.limit === null ? limits.limit.dflt : Number(input.limit);
  const offset = input.offset === null ? 0 : Number(input.offset);
  const marker = input.marker ?? MARKER_PAGING.firstMarker;
  // Descending ids: the records after the marker are those with a smaller id.
  const after = items.filter((t) => idOf(t) < marker);
  const slice = after.slice(offset, offset + limit);
  return { items: slice, page: { count: items.length, ...(slice.length ? { marker: idOf(slice[slice.length - 1]) } : {}) } };
}

// --- CurrentPage + PageSize (Alibaba) --------------------------------------------------------------

export interface NumberPageInput {
  page: string | null;
  size: string | null;
}

export interface NumberPageRules {
  /** The action's largest PageSize (ListOTAFirmware 100, ListOTAJobByFirmware 200, ListOTATaskByJob 100). */
  maxSize: number;
  dfltSize?: number;
  /** CurrentPage × PageSize may not exceed this (ListOTATaskByJob: 100,000). */
  maxReach?: number;
}

export function numberPage<T>(items: readonly T[], input: NumberPageInput, rules: NumberPageRules, pageField = 'CurrentPage', sizeField = 'PageSize'): { items: T[]; currentPage: number; pageSize: number; pageCount: number; total: number } {
  fail(checkIntText(pageField, input.page, { min: 1, max: Number.MAX_SAFE_INTEGER }));
  fail(checkIntText(sizeField, input.size, { min: 1, max: rules.maxSize }));
  const currentPage = input.page === null ? 1 : Number(input.page);
  const pageSize = input.size === null ? (rules.dfltSize ?? 10) : Number(input.size);
  if (rules.maxReach !== undefined && currentPage * pageSize > rules.maxReach) {
    throw new ProblemError([{ field: pageField, kind: 'range', value: currentPage, bound: 'max', limit: Math.floor(rules.maxReach / pageSize) }]);
  }
  const start = (currentPage - 1) * pageSize;
  return { items: items.slice(start, start + pageSize), currentPage, pageSize, pageCount: Math.ceil(items.length / pageSize), total: items.length };
}
