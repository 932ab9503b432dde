// Huawei Cloud AK/SK request signing, as `@huaweicloud/huaweicloud-sdk-core` does it
// (auth/AKSKSigner.js, auth/DerivedAKSKSigner.js, auth/HKDF.js; cloud-apis.md §2.2):
//   - SDK-HMAC-SHA256: HMAC(SK, StringToSign), for basic-edition endpoints;
//   - V11-HMAC-SHA256: HMAC(hex(HKDF-SHA256(salt=AK, ikm=SK, info=<date>/<region>/<service>)) as
//     the key string, StringToSign + info), for standard/enterprise instance endpoints.
// The signer and the emulator's verifier both canonicalise the request AS SENT (method, the
// percent-encoded path, the raw query, the headers, the body bytes) through canonicalRequest(),
// so there is one rule for both sides. Dependency-free: node:crypto only.

import { createHash, createHmac, hkdfSync, timingSafeEqual } from 'crypto';
import { formatIotdaTime, parseIotdaTime } from './wire';

export const SDK_HMAC_SHA256 = 'SDK-HMAC-SHA256';
export const V11_HMAC_SHA256 = 'V11-HMAC-SHA256';
export type SignAlgorithm = typeof SDK_HMAC_SHA256 | typeof V11_HMAC_SHA256;

export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The derived-signature service name IoTDA's client uses (`withDerivedAuthServiceName("iotdm")`). */
export const IOTDA_DERIVED_SERVICE = 'iotdm';

export interface AkSk {
  accessKey: string;
  secretKey: string;
  /** Temporary credentials only: sent and signed as X-Security-Token. */
  securityToken?: string;
}

export interface SignOptions {
  algorithm: SignAlgorithm;
  /** V11 only: the region in the scope `<date>/<region>/<service>`. */
  region?: string;
  /** V11 only (default "iotdm"). */
  service?: string;
  /** Signing time (default now). */
  date?: Date;
  /** Adds X-Project-Id (signed). */
  projectId?: string;
  /** Adds Instance-Id (signed): recommended on IoTDA, required on some editions. */
  instanceId?: string;
}

export interface SignRequest {
  method: string;
  /** The full URL as it will be sent: scheme, host[:port], percent-encoded path, query. */
  url: string | URL;
  /** Headers to send (Content-Type…). All headers present at signing are signed. */
  headers?: Record<string, string>;
  /** The exact body bytes to send (JSON: the string that goes on the wire). */
  body?: string | Uint8Array;
}

export interface Signed {
  /** Every header to send, Authorization and X-Sdk-Date included. */
  headers: Record<string, string>;
  authorization: string;
  /** For debugging a refused signature; never log it next to the key. */
  canonicalRequest: string;
  stringToSign: string;
}

// --- the one canonicalisation ------------------------------------------------------------------

/** RFC 3986 unreserved stay; everything else %XX (UTF-8, upper-case hex), as the SDK's urlEncode. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes one path segment or query part; `+` in a query is a space (form encoding). */
function decode(s: string, plusIsSpace: boolean): string {
  return decodeURIComponent(plusIsSpace ? s.replace(/\+/g, ' ') : s);
}

/**
 * The canonical URI from the path as sent (percent-encoded): each segment decoded, then encoded
 * again with uriEncode, and always ending with "/" (the SDK's trailing-slash rule).
 */
export function canonicalUri(rawPath: string): string {
  const path = rawPath || '/';
  const out = path.split('/').map((seg) => uriEncode(decode(seg, false))).join('/');
  return out.endsWith('/') ? out : `${out}/`;
}

/** Query pairs from a raw query string ("a=1&b=x%20y", with or without "?"); repeated keys kept. */
export function parseQuery(rawQuery: string): [string, string][] {
  const q = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  if (!q) return [];
  return q.split('&').filter(Boolean).map((part) => {
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    return [decode(k, true), decode(v, true)];
  });
}

/** Keys sorted, values of a repeated key sorted, each part uriEncoded (code-unit order, as the SDK). */
export function canonicalQuery(pairs: readonly (readonly [string, string])[]): string {
  const byKey = new Map<string, string[]>();
  for (const [k, v] of pairs) byKey.set(k, [...(byKey.get(k) ?? []), v]);
  return [...byKey.keys()]
    .sort()
    .flatMap((k) => [...byKey.get(k)!].sort().map((v) => `${uriEncode(k)}=${uriEncode(v)}`))
    .join('&');
}

/** A query string to put on the wire: the canonical form, so what is sent is what is signed. */
export function buildQuery(params: Record<string, string | number | boolean | readonly (string | number | boolean)[] | undefined>): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) pairs.push([k, String(one)]);
  }
  return canonicalQuery(pairs);
}

type HeaderList = { name: string; value: string }[];

/** Lower-cased, sorted `name:value\n` lines and the `;`-joined names. */
function canonicalHeaders(headers: HeaderList): { canonical: string; signed: string } {
  const sorted = [...headers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { canonical: sorted.map((h) => `${h.name}:${h.value}\n`).join(''), signed: sorted.map((h) => h.name).join(';') };
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmacHex = (key: string | Uint8Array, data: string): string => createHmac('sha256', key).update(data).digest('hex');

/** The payload hash: X-Sdk-Content-Sha256's literal value when present, else hex SHA-256 of the body. */
function payloadHash(headers: HeaderList, body: string | Uint8Array | undefined): string {
  const marker = headers.find((h) => h.name === 'x-sdk-content-sha256');
  if (marker) return marker.value;
  return body === undefined || body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(body);
}

/** METHOD \n URI \n QUERY \n HEADERS(ending "\n") \n SIGNED \n PAYLOAD-HASH, from the request as sent. */
export function canonicalRequest(method: string, rawPath: string, rawQuery: string, headers: HeaderList, body: string | Uint8Array | undefined): { text: string; signed: string } {
  const h = canonicalHeaders(headers);
  const text = [method.toUpperCase(), canonicalUri(rawPath), canonicalQuery(parseQuery(rawQuery)), h.canonical, h.signed, payloadHash(headers, body)].join('\n');
  return { text, signed: h.signed };
}

/** X-Sdk-Date: `YYYYMMDDTHHmmssZ` (UTC), IoTDA's one compact time format. */
export const sdkDate = formatIotdaTime;

/** hex(HKDF-SHA256(salt = AK, ikm = SK, info, 32)): the V11 key (used as a 64-char string). */
export function derivedKey(accessKey: string, secretKey: string, info: string): string {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.from(accessKey, 'utf8'), Buffer.from(info, 'utf8'), 32)).toString('hex');
}

/** `<YYYYMMDD>/<region>/<service>` */
export function v11Scope(date: string, region: string, service: string): string {
  return `${date.slice(0, 8)}/${region}/${service}`;
}

function signature(algorithm: SignAlgorithm, creds: Pick<AkSk, 'accessKey' | 'secretKey'>, date: string, scope: string | undefined, canonical: string): { sig: string; stringToSign: string } {
  const hash = sha256Hex(canonical);
  if (algorithm === SDK_HMAC_SHA256) {
    const stringToSign = [algorithm, date, hash].join('\n');
    return { sig: hmacHex(creds.secretKey, stringToSign), stringToSign };
  }
  const stringToSign = [algorithm, date, scope, hash].join('\n');
  return { sig: hmacHex(derivedKey(creds.accessKey, creds.secretKey, scope!), stringToSign), stringToSign };
}

// --- signer ------------------------------------------------------------------------------------

/** Signs a request: returns every header to send (X-Sdk-Date, host, Authorization added). */
export function sign(req: SignRequest, creds: AkSk, opts: SignOptions): Signed {
  if (!creds.accessKey || !creds.secretKey) throw new Error('Huawei Cloud signing needs an Access Key (AK) and a Secret Key (SK).');
  if (opts.algorithm === V11_HMAC_SHA256 && !opts.region) throw new Error('The derived V11-HMAC-SHA256 signature needs the region (its scope is <date>/<region>/<service>).');
  const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const out: Record<string, string> = { ...(req.headers ?? {}) };
  const has = (name: string) => Object.keys(out).some((k) => k.toLowerCase() === name);
  const date = Object.entries(out).find(([k]) => k.toLowerCase() === 'x-sdk-date')?.[1] ?? sdkDate(opts.date ?? new Date());
  if (!has('x-sdk-date')) out['X-Sdk-Date'] = date;
  if (!has('host')) out.host = url.host;
  if (opts.projectId && !has('x-project-id')) out['X-Project-Id'] = opts.projectId;
  if (opts.instanceId && !has('instance-id')) out['Instance-Id'] = opts.instanceId;
  if (creds.securityToken && !has('x-security-token')) out['X-Security-Token'] = creds.securityToken;
  if (has('authorization')) throw new Error('The request is already signed (it has an Authorization header).');

  const list: HeaderList = Object.entries(out).map(([name, value]) => ({ name: name.toLowerCase(), value }));
  if (new Set(list.map((h) => h.name)).size !== list.length) throw new Error('A header is given twice (names differ only in case).');
  const cr = canonicalRequest(req.method, url.pathname, url.search, list, req.body);
  const scope = opts.algorithm === V11_HMAC_SHA256 ? v11Scope(date, opts.region!, opts.service ?? IOTDA_DERIVED_SERVICE) : undefined;
  const { sig, stringToSign } = signature(opts.algorithm, creds, date, scope, cr.text);
  const authorization =
    opts.algorithm === SDK_HMAC_SHA256
      ? `${SDK_HMAC_SHA256} Access=${creds.accessKey}, SignedHeaders=${cr.signed}, Signature=${sig}`
      : `${V11_HMAC_SHA256} Credential=${creds.accessKey}/${scope}, SignedHeaders=${cr.signed}, Signature=${sig}`;
  out.Authorization = authorization;
  return { headers: out, authorization, canonicalRequest: cr.text, stringToSign };
}

// --- verifier (the emulator's side) --------------------------------------------------------------

export interface ParsedAuthorization {
  algorithm: SignAlgorithm;
  accessKey: string;
  /** V11 only. */
  scope?: { date: string; region: string; service: string; text: string };
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…` or the V11 `Credential=AK/scope` form. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = /^(SDK-HMAC-SHA256|V11-HMAC-SHA256)\s+(.*)$/.exec(value.trim());
  if (!m) return undefined;
  const algorithm = m[1] as SignAlgorithm;
  const fields = new Map<string, string>();
  for (const part of m[2].split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const signedHeaders = (fields.get('SignedHeaders') ?? '').split(';').filter(Boolean);
  const sig = fields.get('Signature') ?? '';
  if (!signedHeaders.length || !/^[0-9a-f]{64}$/.test(sig)) return undefined;
  if (algorithm === SDK_HMAC_SHA256) {
    const accessKey = fields.get('Access');
    return accessKey ? { algorithm, accessKey, signedHeaders, signature: sig } : undefined;
  }
  const cred = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)$/.exec(fields.get('Credential') ?? '');
  if (!cred) return undefined;
  const [, accessKey, date, region, service] = cred;
  return { algorithm, accessKey, scope: { date, region, service, text: `${date}/${region}/${service}` }, signedHeaders, signature: sig };
}

export interface KnownKey {
  secretKey: string;
  /** Temporary credentials: the token the request must carry (signed). */
  securityToken?: string;
  /** Temporary credentials: when they stop working. */
  expiresAt?: Date;
}

export interface VerifyRequest {
  method: string;
  /** The request target as received: path and query (`req.url`). */
  target: string;
  /** Node's lower-cased incoming headers. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes received. */
  body?: Uint8Array | string;
}

export interface VerifyOptions {
  lookup(accessKey: string): KnownKey | undefined;
  now?: Date;
  /** Accepted clock skew of X-Sdk-Date (default 15 minutes). */
  maxSkewMs?: number;
  /** V11: the region and service the scope must name (unchecked when absent). */
  region?: string;
  service?: string;
  /** Accept `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (default: refuse; IoTDA's APIs are JSON). */
  allowUnsignedPayload?: boolean;
}

export type VerifyFailure =
  | 'missing' // no Authorization header
  | 'malformed' // not one of the two forms, or a bad X-Sdk-Date
  | 'unknown-key' // the AK is not known
  | 'clock-skew' // X-Sdk-Date too far from now
  | 'token' // temporary AK without (or with a wrong) X-Security-Token
  | 'token-expired'
  | 'scope' // V11 scope date/region/service mismatch
  | 'unsigned-header' // host, x-sdk-date or the token not signed, or a signed header absent
  | 'unsigned-payload'
  | 'signature'; // recomputed signature differs

export type VerifyResult =
  | { ok: true; accessKey: string; algorithm: SignAlgorithm; signedHeaders: string[] }
  | { ok: false; reason: VerifyFailure; message: string; accessKey?: string };

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

/** Re-computes the signature of a received request over exactly the headers SignedHeaders names. */
export function verify(req: VerifyRequest, opts: VerifyOptions): VerifyResult {
  const fail = (reason: VerifyFailure, message: string, accessKey?: string): VerifyResult => ({ ok: false, reason, message, accessKey });
  const auth = headerValue(req.headers.authorization);
  if (!auth) return fail('missing', 'The request has no Authorization header.');
  const parsed = parseAuthorization(auth);
  if (!parsed) return fail('malformed', 'The Authorization header is not SDK-HMAC-SHA256 or V11-HMAC-SHA256 with Access/Credential, SignedHeaders and Signature.');
  const ak = parsed.accessKey;
  const date = headerValue(req.headers['x-sdk-date']);
  const signedAt = parseIotdaTime(date)?.getTime();
  if (!date || signedAt === undefined) return fail('malformed', 'X-Sdk-Date is missing or not YYYYMMDDTHHmmssZ.', ak);
  const now = (opts.now ?? new Date()).getTime();
  if (Math.abs(now - signedAt) > (opts.maxSkewMs ?? 15 * 60_000)) return fail('clock-skew', `X-Sdk-Date ${date} is too far from the server time.`, ak);
  for (const needed of ['host', 'x-sdk-date']) {
    if (!parsed.signedHeaders.includes(needed)) return fail('unsigned-header', `SignedHeaders must include ${needed}.`, ak);
  }
  const missing = parsed.signedHeaders.find((h) => headerValue(req.headers[h]) === undefined);
  if (missing) return fail('unsigned-header', `The signed header ${missing} is not in the request.`, ak);
  const key = opts.lookup(ak);
  if (!key) return fail('unknown-key', `The access key ${ak} does not exist.`, ak);
  if (key.securityToken !== undefined) {
    const token = headerValue(req.headers['x-security-token']);
    if (token === undefined || !parsed.signedHeaders.includes('x-security-token')) return fail('token', `The access key ${ak} is temporary: the request needs a signed X-Security-Token.`, ak);
    if (token !== key.securityToken) return fail('token', 'The X-Security-Token does not belong to this access key.', ak);
    if (key.expiresAt && key.expiresAt.getTime() <= now) return fail('token-expired', `The temporary access key ${ak} and its security token expired at ${key.expiresAt.toISOString()}.`, ak);
  }
  if (parsed.scope) {
    const s = parsed.scope;
    if (s.date !== date.slice(0, 8)) return fail('scope', `The credential scope date ${s.date} differs from X-Sdk-Date ${date}.`, ak);
    if (opts.region && s.region !== opts.region) return fail('scope', `The credential scope names region ${s.region}; this endpoint is ${opts.region}.`, ak);
    if (opts.service && s.service !== opts.service) return fail('scope', `The credential scope names service ${s.service}; expected ${opts.service}.`, ak);
  }
  const list: HeaderList = parsed.signedHeaders.map((name) => ({ name, value: headerValue(req.headers[name])! }));
  if (!opts.allowUnsignedPayload && list.some((h) => h.name === 'x-sdk-content-sha256')) return fail('unsigned-payload', 'X-Sdk-Content-Sha256 (an unsigned payload) is not accepted here: sign the body.', ak);
  const q = req.target.indexOf('?');
  let cr: { text: string };
  try {
    cr = canonicalRequest(req.method, q < 0 ? req.target : req.target.slice(0, q), q < 0 ? '' : req.target.slice(q + 1), list, req.body);
  } catch {
    return fail('malformed', 'The path or query has a malformed percent-encoding.', ak);
  }
  const { sig } = signature(parsed.algorithm, { accessKey: ak, secretKey: key.secretKey }, date, parsed.scope?.text, cr.text);
  const a = Buffer.from(sig, 'hex');
  const b = Buffer.from(parsed.signature, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return fail('signature', 'The request signature we calculated does not match the signature you provided. Check your AK/SK and signing method.', ak);
  return { ok: true, accessKey: ak, algorithm: parsed.algorithm, signedHeaders: parsed.signedHeaders };
}
