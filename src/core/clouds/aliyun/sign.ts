// Alibaba Cloud OpenAPI V3 signature (ACS3-HMAC-SHA256) for RPC-style calls, as
// `@alicloud/openapi-client` 0.4.x signs them (cloud-apis.md §3.1, §6.2): `POST /?<sorted params>`,
// empty body, business parameters flattened into the query (`Name.1..N`, `Tag.1.Key`). One
// canonicalisation serves the signer and the emulator's verifier, so they cannot drift apart.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'crypto';

export const ACS3 = 'ACS3-HMAC-SHA256';
export const IOT_API_VERSION = '2018-01-20';

export interface AliyunCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS token; sent (and signed) as `x-acs-security-token`. */
  securityToken?: string;
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
export const EMPTY_SHA256 = sha256Hex('');

/** `encodeURIComponent` plus `!'()*`, which the signer escapes but `querystring` leaves alone. */
export function acsEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Business parameters → the flat query the API receives: arrays become `Name.1…N`, objects
 * `Name.Key`, arrays of objects `Tag.1.Key`; undefined/null are dropped, the rest `String()`ed.
 */
export function flattenParams(params: Record<string, unknown>, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (item === undefined || item === null) return;
        if (typeof item === 'object') flattenParams(item as Record<string, unknown>, `${key}.${i + 1}`, into);
        else into[`${key}.${i + 1}`] = String(item);
      });
    } else if (typeof v === 'object' && !Buffer.isBuffer(v)) flattenParams(v as Record<string, unknown>, key, into);
    else into[key] = String(v);
  }
  return into;
}

/** Sorted `key=encode(value)` joined by `&` (keys as they are, like the official signer). */
export function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${k}=${acsEncode(query[k])}`)
    .join('&');
}

/** Whether a header takes part in the signature when signing (host, content-type, x-acs-*). */
const signable = (name: string) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-');

/**
 * `name:value\n` lines and the signed names. Signing: every signable header present. Verifying:
 * exactly the names the Authorization lists (`only`), so headers we do not know still count.
 */
export function canonicalHeaders(headers: Record<string, string | string[] | undefined>, only?: readonly string[]): { text: string; names: string[] } {
  const byName = new Map<string, string[]>();
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    if (v === undefined || (only ? !only.includes(name) : !signable(name))) continue;
    const values = Array.isArray(v) ? v : [v];
    byName.set(name, [...(byName.get(name) ?? []), ...values.map((x) => x.trim())]);
  }
  const names = only ? [...only].sort() : [...byName.keys()].sort();
  const text = names.map((n) => `${n}:${(byName.get(n) ?? []).sort().join(',')}\n`).join('');
  return { text, names };
}

export interface CanonicalInput {
  method: string;
  pathname: string;
  /** Decoded query values. */
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** hex SHA-256 of the body (`x-acs-content-sha256`). */
  payloadHash: string;
  /** For verification: the SignedHeaders of the request. */
  signedHeaders?: readonly string[];
}

/** The signature hex and the signed header names for a request. */
export function signatureOf(input: CanonicalInput, accessKeySecret: string): { signature: string; signedHeaders: string[] } {
  const { text, names } = canonicalHeaders(input.headers, input.signedHeaders);
  const canonicalRequest = [input.method.toUpperCase(), input.pathname || '/', canonicalQuery(input.query), text, names.join(';'), input.payloadHash].join('\n');
  const stringToSign = `${ACS3}\n${sha256Hex(canonicalRequest)}`;
  return { signature: createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex'), signedHeaders: names };
}

/** `YYYY-MM-DDTHH:mm:ssZ`, the `x-acs-date` format. */
export const acsDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface SignRpcInput {
  action: string;
  /** `host[:port]` exactly as the Host header will carry it. */
  host: string;
  params: Record<string, unknown>;
  credentials: AliyunCredentials;
  version?: string;
  /** Fixed in tests; now by default. */
  date?: Date;
  /** Fixed in tests; random by default. */
  nonce?: string;
}

export interface SignedRpcRequest {
  method: 'POST';
  /** `/?<encoded sorted query>` */
  path: string;
  query: Record<string, string>;
  /** Every header to send, Authorization included. */
  headers: Record<string, string>;
}

/** Signs an RPC call the way the official client does (body empty). */
export function signRpc(input: SignRpcInput): SignedRpcRequest {
  const query = flattenParams(input.params);
  const { credentials: c } = input;
  const headers: Record<string, string> = {
    host: input.host,
    'x-acs-version': input.version ?? IOT_API_VERSION,
    'x-acs-action': input.action,
    'x-acs-date': acsDate(input.date ?? new Date()),
    'x-acs-signature-nonce': input.nonce ?? randomBytes(16).toString('hex'),
    accept: 'application/json',
    'x-acs-content-sha256': EMPTY_SHA256,
  };
  if (c.securityToken) {
    headers['x-acs-accesskey-id'] = c.accessKeyId;
    headers['x-acs-security-token'] = c.securityToken;
  }
  const { signature, signedHeaders } = signatureOf({ method: 'POST', pathname: '/', query, headers, payloadHash: EMPTY_SHA256 }, c.accessKeySecret);
  headers.authorization = `${ACS3} Credential=${c.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  const qs = canonicalQuery(query);
  return { method: 'POST', path: qs ? `/?${qs}` : '/', query, headers };
}

export interface ParsedAuthorization {
  algorithm: string;
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = /^(\S+)\s+Credential=([^,]*),\s*SignedHeaders=([^,]*),\s*Signature=([0-9a-fA-F]+)\s*$/.exec(header ?? '');
  if (!m) return undefined;
  return { algorithm: m[1], accessKeyId: m[2], signedHeaders: m[3].split(';').filter(Boolean), signature: m[4].toLowerCase() };
}

/** Decodes a raw query string (`a=1&b=%21`) the way the server sees it; `+` is a space, as in forms. */
export function parseQuery(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    if (eq < 0) out[dec(part)] = '';
    else out[dec(part.slice(0, eq))] = dec(part.slice(eq + 1));
  }
  return out;
}

export type VerifyResult =
  | { ok: true; accessKeyId: string; securityToken?: string; query: Record<string, string> }
  | { ok: false; code: 'IncompleteSignature' | 'InvalidAccessKeyId.NotFound' | 'SignatureDoesNotMatch' | 'ContentSha256Mismatch'; message: string };

export interface VerifyInput {
  method: string;
  /** Path with its raw query, as on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer | string;
  /** The secret of an AccessKey id, or undefined when the id is unknown. */
  secretOf: (accessKeyId: string) => string | undefined;
}

/**
 * Server side: recomputes the signature over exactly the headers SignedHeaders lists and the
 * decoded-then-re-encoded query (the official client leaves `!()*` raw in the URL).
 */
export function verifyRpc(input: VerifyInput): VerifyResult {
  const header = (n: string) => {
    const v = input.headers[n];
    return Array.isArray(v) ? v[0] : v;
  };
  const auth = parseAuthorization(header('authorization'));
  if (!auth || auth.algorithm !== ACS3) return { ok: false, code: 'IncompleteSignature', message: `Authorization must be ${ACS3} Credential=…,SignedHeaders=…,Signature=…` };
  for (const required of ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
    if (!auth.signedHeaders.includes(required)) return { ok: false, code: 'IncompleteSignature', message: `SignedHeaders must include ${required}` };
    if (header(required) === undefined) return { ok: false, code: 'IncompleteSignature', message: `the signed header ${required} is missing` };
  }
  const secret = input.secretOf(auth.accessKeyId);
  if (secret === undefined) return { ok: false, code: 'InvalidAccessKeyId.NotFound', message: `Specified access key is not found: ${auth.accessKeyId}` };
  const bodyHash = sha256Hex(input.body ?? '');
  if (header('x-acs-content-sha256') !== bodyHash) return { ok: false, code: 'ContentSha256Mismatch', message: 'x-acs-content-sha256 does not match the body' };
  const q = input.url.indexOf('?');
  const pathname = q < 0 ? input.url : input.url.slice(0, q);
  let query: Record<string, string>;
  try {
    query = parseQuery(q < 0 ? '' : input.url.slice(q + 1));
  } catch {
    return { ok: false, code: 'IncompleteSignature', message: 'the query string is not valid percent-encoding' };
  }
  const { signature } = signatureOf({ method: input.method, pathname, query, headers: input.headers, payloadHash: bodyHash, signedHeaders: auth.signedHeaders }, secret);
  const a = Buffer.from(signature, 'hex');
  const b = Buffer.from(auth.signature, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature does not conform to Aliyun standards.' };
  }
  return { ok: true, accessKeyId: auth.accessKeyId, securityToken: header('x-acs-security-token'), query };
}
