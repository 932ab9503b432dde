// Request bodies, buffered as the exact bytes that arrived: signatures are computed over them, so
// nothing may re-encode them before the emulator checks.

import type { IncomingMessage } from 'http';

/** The status a too-large body gets unless the emulator says otherwise. */
export class BodyTooLarge extends Error {
  readonly status = 413;
  constructor(readonly limit: number) {
    super(`Request body larger than ${limit} bytes.`);
  }
}

export async function readBody(req: IncomingMessage, limit = 1 << 20, tooLarge: (limit: number) => Error = (l) => new BodyTooLarge(l)): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > limit) throw tooLarge(limit);
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
