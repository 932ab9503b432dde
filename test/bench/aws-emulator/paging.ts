// Pagination like AWS: `maxResults` checked against the operation's range, `nextToken` an opaque
// token the service issued for exactly this listing (a token from another listing is rejected).
// The scheme is the kit's tokenPage; this file words its problems as AWS does.

import { ProblemError, tokenPage, type Range } from '../kit';
import { AwsError } from './errors';
import { awsProblem } from './validate';

export interface PageRange extends Range {
  /** Page size when maxResults is absent. */
  dflt: number;
}

export function page<T>(items: T[], q: URLSearchParams, range: PageRange, listing: string, errorType = 'InvalidRequestException'): { items: T[]; nextToken?: string } {
  try {
    return tokenPage(items, { size: q.get('maxResults'), token: q.get('nextToken'), listing }, range);
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    const p = e.problems[0];
    throw p.field === 'nextToken' ? new AwsError(400, errorType, 'The specified nextToken is not valid.') : awsProblem(p, errorType);
  }
}
