// SigV4 as AWS checks it: the emulator recomputes every request's signature with the official
// signer (@smithy/signature-v4, the same code the SDK signs with) from the secret it knows for the
// access key, and compares. Presigned URLs get the same treatment plus their expiry.

import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IncomingHttpHeaders } from 'http';
import { SignatureV4 } from '@smithy/signature-v4';
import { AwsError, type Service } from './errors';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface KnownKey extends Credentials {
  /** Calls signed with an expired key fail like an expired STS session. */
  expired?: boolean;
}

function toBytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === 'string') return d;
  return d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

/** Node's hash behind the signer's Checksum interface. */
export class NodeSha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
  reset(): void {
    throw new Error('not resettable');
  }
}

export interface AuthInfo {
  service: Service;
  accessKeyId: string;
  region: string;
  presigned: boolean;
  /** x-amz-content-sha256 as signed: a hex digest, UNSIGNED-PAYLOAD or a STREAMING-… marker. */
  payloadHash?: string;
}

const SKEW_MS = 15 * 60_000;
const SERVICES: Service[] = ['iot', 's3', 'signer'];

function denied(service: Service, type: 'missing' | 'unknown-key' | 'signature' | 'expired-key' | 'skew' | 'expired-url', message: string): AwsError {
  if (service === 's3') {
    const code = { missing: 'AccessDenied', 'unknown-key': 'InvalidAccessKeyId', signature: 'SignatureDoesNotMatch', 'expired-key': 'ExpiredToken', skew: 'RequestTimeTooSkewed', 'expired-url': 'AccessDenied' }[type];
    return new AwsError(403, code, message);
  }
  const name = {
    missing: 'MissingAuthenticationTokenException',
    'unknown-key': 'UnrecognizedClientException',
    signature: 'InvalidSignatureException',
    'expired-key': 'ExpiredTokenException',
    skew: 'InvalidSignatureException',
    'expired-url': 'AccessDeniedException',
  }[type];
  return new AwsError(403, name, message);
}

function parseAmzDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Which service a request is for, from its credential scope (header or presigned query). */
export function serviceOf(headers: IncomingHttpHeaders, query: URLSearchParams): Service | undefined {
  const cred = /Credential=([^,\s]+)/.exec(headerValue(headers, 'authorization') ?? '')?.[1] ?? query.get('X-Amz-Credential') ?? '';
  const service = cred.split('/')[3] as Service;
  return SERVICES.includes(service) ? service : undefined;
}

export class SigV4Verifier {
  constructor(private readonly keys: Map<string, KnownKey>) {}

  /** Checks a request's Authorization header or presigned query; throws the AWS error when it fails. */
  async verify(method: string, rawPath: string, query: URLSearchParams, headers: IncomingHttpHeaders, body: Buffer | undefined, fallback: Service): Promise<AuthInfo> {
    const auth = headerValue(headers, 'authorization');
    if (auth) return this.verifyHeader(method, rawPath, query, headers, body, auth);
    if (query.has('X-Amz-Signature')) return this.verifyPresigned(method, rawPath, query, headers);
    throw denied(fallback, 'missing', 'Missing Authentication Token');
  }

  private lookup(service: Service, accessKeyId: string, token: string | undefined): KnownKey {
    const key = this.keys.get(accessKeyId);
    if (!key) throw denied(service, 'unknown-key', 'The security token included in the request is invalid.');
    if (key.expired) throw denied(service, 'expired-key', 'The security token included in the request is expired');
    if ((key.sessionToken ?? undefined) !== (token ?? undefined)) throw denied(service, 'unknown-key', 'The security token included in the request is invalid.');
    return key;
  }

  private async verifyHeader(method: string, rawPath: string, query: URLSearchParams, headers: IncomingHttpHeaders, body: Buffer | undefined, auth: string): Promise<AuthInfo> {
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    const service = (m?.[4] ?? 'iot') as Service;
    if (!m || !SERVICES.includes(service)) throw denied(SERVICES.includes(service) ? service : 'iot', 'signature', 'Authorization header is malformed.');
    const [, accessKeyId, , region, , signedList, signature] = m;
    const date = parseAmzDate(headerValue(headers, 'x-amz-date'));
    if (!date) throw denied(service, 'signature', 'X-Amz-Date is missing or malformed.');
    if (Math.abs(Date.now() - date.getTime()) > SKEW_MS) throw denied(service, 'skew', 'Signature expired: the request time is more than 15 minutes from the server time.');
    const key = this.lookup(service, accessKeyId, headerValue(headers, 'x-amz-security-token'));
    const signedNames = signedList.split(';');
    if (!signedNames.includes('host')) throw denied(service, 'signature', 'The host header must be signed.');
    const signedHeaders: Record<string, string> = {};
    for (const name of signedNames) {
      const v = headerValue(headers, name);
      if (v === undefined) throw denied(service, 'signature', `Signed header ${name} is missing.`);
      signedHeaders[name] = v;
    }
    const expected = await this.signer(service, region, key).sign(
      { method, protocol: 'http:', hostname: '127.0.0.1', path: rawPath, query: queryRecord(query), headers: signedHeaders, body },
      { signingDate: date, signingService: service, signingRegion: region },
    );
    const got = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1] ?? '';
    if (!equal(got, signature)) {
      throw denied(service, 'signature', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
    }
    return { service, accessKeyId, region, presigned: false, payloadHash: headerValue(headers, 'x-amz-content-sha256') };
  }

  private async verifyPresigned(method: string, rawPath: string, query: URLSearchParams, headers: IncomingHttpHeaders): Promise<AuthInfo> {
    const cred = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '');
    const service = (cred?.[4] ?? 's3') as Service;
    if (!cred || !SERVICES.includes(service) || query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') {
      throw denied('s3', 'signature', 'Query-string authentication requires X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Expires.');
    }
    const [, accessKeyId, , region] = cred;
    const date = parseAmzDate(query.get('X-Amz-Date') ?? undefined);
    const expires = Number(query.get('X-Amz-Expires'));
    if (!date || !Number.isInteger(expires) || expires < 1 || expires > 604800) throw denied(service, 'signature', 'X-Amz-Date or X-Amz-Expires is malformed.');
    if (Date.now() > date.getTime() + expires * 1000) throw denied(service, 'expired-url', 'Request has expired');
    const key = this.lookup(service, accessKeyId, query.get('X-Amz-Security-Token') ?? undefined);
    const signedHeaders: Record<string, string> = {};
    for (const name of (query.get('X-Amz-SignedHeaders') ?? '').split(';')) {
      const v = headerValue(headers, name);
      if (v === undefined) throw denied(service, 'signature', `Signed header ${name} is missing.`);
      signedHeaders[name] = v;
    }
    // Presigned S3 URLs sign UNSIGNED-PAYLOAD; the marker header must neither be hoisted nor signed.
    const marker = 'x-amz-content-sha256';
    const expected = await this.signer(service, region, key).presign(
      { method, protocol: 'http:', hostname: '127.0.0.1', path: rawPath, query: queryRecord(query), headers: { ...signedHeaders, [marker]: 'UNSIGNED-PAYLOAD' } },
      { signingDate: date, expiresIn: expires, signingService: service, signingRegion: region, unhoistableHeaders: new Set([marker]), unsignableHeaders: new Set([marker]) },
    );
    const got = String(expected.query?.['X-Amz-Signature'] ?? '');
    if (!equal(got, query.get('X-Amz-Signature') ?? '')) {
      throw denied(service, 'signature', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
    }
    return { service, accessKeyId, region, presigned: true, payloadHash: 'UNSIGNED-PAYLOAD' };
  }

  private signer(service: Service, region: string, key: Credentials): SignatureV4 {
    return new SignatureV4({
      service,
      region,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, sessionToken: key.sessionToken },
      sha256: NodeSha256,
      // S3 signs the path as sent; the other services encode it once more (SigV4 rule).
      uriEscapePath: service !== 's3',
      applyChecksum: false,
    });
  }
}

function queryRecord(q: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of q) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** A presigned GET URL for an object of this emulator (what `${aws:iot:s3-presigned-url:…}` becomes). */
export async function presignGet(baseUrl: string, bucket: string, key: string, creds: Credentials, region: string, expiresIn: number): Promise<string> {
  const u = new URL(baseUrl);
  const path = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const signer = new SignatureV4({ service: 's3', region, credentials: creds, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });
  const marker = 'x-amz-content-sha256';
  const req = await signer.presign(
    { method: 'GET', protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path, query: {}, headers: { host: u.host, [marker]: 'UNSIGNED-PAYLOAD' } },
    { expiresIn, unhoistableHeaders: new Set([marker]), unsignableHeaders: new Set([marker]) },
  );
  const qs = new URLSearchParams(req.query as Record<string, string>).toString();
  return `${u.protocol}//${u.host}${path}?${qs}`;
}
