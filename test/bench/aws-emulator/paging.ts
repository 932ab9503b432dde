// Pagination like AWS: `maxResults` checked against the operation's range, `nextToken` an opaque
// token the service issued for exactly this listing (a token from another listing is rejected).

import { createHash } from 'crypto';
import { AwsError } from './errors';
import { checkInt } from './validate';

export interface PageRange {
  min: number;
  max: number;
  /** Page size when maxResults is absent. */
  dflt: number;
}

export function page<T>(
  items: T[],
  q: URLSearchParams,
  range: PageRange,
  listing: string,
  errorType = 'InvalidRequestException',
): { items: T[]; nextToken?: string } {
  const raw = q.get('maxResults');
  const size = raw === null ? range.dflt : checkInt('maxResults', Number(raw), range, errorType);
  const scope = createHash('sha1').update(listing).digest('hex').slice(0, 12);
  let offset = 0;
  const token = q.get('nextToken');
  if (token !== null) {
    let parsed: { o?: unknown; s?: unknown } = {};
    try {
      parsed = JSON.parse(Buffer.from(token, 'base64url').toString());
    } catch {
      /* fall through */
    }
    if (parsed.s !== scope || typeof parsed.o !== 'number' || parsed.o < 0) {
      throw new AwsError(400, errorType, 'The specified nextToken is not valid.');
    }
    offset = parsed.o;
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(JSON.stringify({ o: offset + size, s: scope })).toString('base64url') : undefined;
  return { items: slice, nextToken: next };
}
