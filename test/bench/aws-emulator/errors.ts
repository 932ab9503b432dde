// AWS error shapes. restJson1 services (IoT, Signer) send `x-amzn-errortype` and a JSON body with
// `message`; S3 (restXml) sends an `<Error>` document. The SDKs turn both into named exceptions.

import type { ServerResponse } from 'http';
import { randomUUID } from 'crypto';

export type Service = 'iot' | 's3' | 'signer';

export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** Extra JSON fields (e.g. resourceId) or S3 XML elements. */
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AwsError(404, 'ResourceNotFoundException', what);
export const invalid = (message: string) => new AwsError(400, 'InvalidRequestException', message);
export const validation = (message: string) => new AwsError(400, 'ValidationException', message);
export const conflict = (message: string) => new AwsError(409, 'ConflictException', message);
export const exists = (message: string, extra: Record<string, string> = {}) => new AwsError(409, 'ResourceAlreadyExistsException', message, extra);

/** S3 codes for the situations the other services call by their own names. */
const S3_CODES: Record<string, [number, string]> = {
  ThrottlingException: [503, 'SlowDown'],
  InternalFailureException: [500, 'InternalError'],
  InternalServerException: [500, 'InternalError'],
  ServiceUnavailableException: [503, 'ServiceUnavailable'],
};

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The kit's X-Request-Id for this response, so AWS's own request-id header names the same request. */
const requestIdOf = (res: ServerResponse) => String(res.getHeader('x-request-id') ?? randomUUID());

export function sendError(res: ServerResponse, service: Service, err: AwsError, method = 'GET'): void {
  const requestId = requestIdOf(res);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (service === 's3') {
    const [status, code] = S3_CODES[err.type] ?? [err.status, err.type];
    res.statusCode = status;
    res.setHeader('x-amz-request-id', requestId);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/xml');
    const extra = Object.entries(err.extra).map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`).join('');
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(err.message)}</Message>${extra}<RequestId>${requestId}</RequestId></Error>`);
    return;
  }
  res.statusCode = err.status;
  res.setHeader('x-amzn-requestid', requestId);
  res.setHeader('x-amzn-errortype', err.type);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ message: err.message, ...err.extra }));
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.setHeader('x-amzn-requestid', requestIdOf(res));
  // Timestamps go out as epoch seconds (restJson1's default). Date.toJSON runs before a replacer
  // sees the value, so look at the holder's raw property.
  res.end(
    JSON.stringify(body ?? {}, function (this: Record<string, unknown>, k, v) {
      const raw = this[k];
      return raw instanceof Date ? raw.getTime() / 1000 : v;
    }),
  );
}
