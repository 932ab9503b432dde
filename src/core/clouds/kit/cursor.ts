// Paging cursors, carried in the opaque `Page.next` string: AWS `nextToken`; IoTDA `marker` +
// `offset`; Alibaba page number (`CurrentPage`). One encoding with a kind tag, so a cursor from
// another list kind, or a corrupted one, is refused as 'invalid' instead of being sent to the cloud.

import { CloudError } from '../../errors';

export type Cursor =
  /** `skip`: items of the page at `token` already returned (a filtered page is cut at the page size). */
  | { kind: 'token'; token: string; skip?: number }
  | { kind: 'marker'; marker: string; offset: number }
  | { kind: 'page'; page: number };

export type CursorKind = Cursor['kind'];

/** IoTDA: offset 0–500 counted from the marker (cloud-apis.md §2). Alibaba: pages from 1. */
const MAX_OFFSET = 500;
const MAX_PAGE = 100_000;
const MAX_TEXT = 4096;

const TAG: Record<CursorKind, string> = { token: 't', marker: 'm', page: 'p' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

export function encodeCursor(c: Cursor): string {
  switch (c.kind) {
    case 'token':
      return `${TAG.token}.${b64(c.token)}${c.skip ? `.${c.skip}` : ''}`;
    case 'marker':
      return `${TAG.marker}.${b64(c.marker)}.${c.offset}`;
    case 'page':
      return `${TAG.page}.${c.page}`;
  }
}

const invalid = (next: string, why: string) =>
  new CloudError(`The list position "${next.slice(0, 40)}${next.length > 40 ? '…' : ''}" is not valid (${why}).`, 'invalid', 'Reload the list from the start.');

const intIn = (s: string | undefined, min: number, max: number) => (s !== undefined && /^\d{1,7}$/.test(s) && +s >= min && +s <= max ? +s : undefined);

function text(s: string | undefined): string | undefined {
  if (!s || !/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  const t = Buffer.from(s, 'base64url').toString('utf8');
  return t && t.length <= MAX_TEXT && b64(t) === s ? t : undefined;
}

/** The cursor `next` encodes, which must be of `kind`; undefined for the first page. */
export function decodeCursor<K extends CursorKind>(next: string | undefined, kind: K): Extract<Cursor, { kind: K }> | undefined {
  if (next === undefined || next === '') return undefined;
  const [tag, a, b, ...rest] = next.split('.');
  if (tag !== TAG[kind]) throw invalid(next, `not a ${kind} cursor`);
  let c: Cursor | undefined;
  if (kind === 'token' && rest.length === 0) {
    const skip = b === undefined ? 0 : intIn(b, 1, 1000);
    // An empty token with a skip: part-way through the first page.
    const token = a === '' && skip ? '' : text(a);
    c = token === undefined || skip === undefined ? undefined : { kind, token, ...(skip ? { skip } : {}) };
  } else if (kind === 'marker' && rest.length === 0) {
    const marker = text(a);
    const offset = intIn(b, 0, MAX_OFFSET);
    c = marker === undefined || offset === undefined ? undefined : { kind, marker, offset };
  } else if (kind === 'page' && b === undefined) {
    const page = intIn(a, 1, MAX_PAGE);
    c = page === undefined ? undefined : { kind, page };
  }
  if (!c) throw invalid(next, 'corrupted');
  return c as Extract<Cursor, { kind: K }>;
}

/** `Page.next` for a cloud's nextToken (undefined when the list ended). */
export const nextTokenCursor = (token: string | undefined): string | undefined => (token ? encodeCursor({ kind: 'token', token }) : undefined);
/** The nextToken to send for `Page.next`. */
export const tokenOf = (next: string | undefined): string | undefined => decodeCursor(next, 'token')?.token;
