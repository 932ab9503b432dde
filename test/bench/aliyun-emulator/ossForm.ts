// The OSS side of an Alibaba OTA upload, as the emulator plays it (cloud-apis.md §3.3): a
// streaming multipart/form-data reader (the file is hashed as it arrives, never held in memory)
// and the OSS V1 POST policy: base64 JSON with an expiration and conditions, signed
// base64(HMAC-SHA1(secret, policy)), checked for expiry, content-length-range and the key prefix.

import { createHash, createHmac, timingSafeEqual } from 'crypto';
import type { IncomingMessage } from 'http';

export interface ReceivedFile {
  filename: string;
  bytes: number;
  md5: string;
  sha256: string;
}

export interface ReceivedForm {
  /** Text fields before `file`, in order. */
  fields: Record<string, string>;
  order: string[];
  file?: ReceivedFile;
  /** Parts after `file` (OSS ignores them; the API wants `file` last). */
  partsAfterFile: number;
}

const MAX_HEAD = 64 * 1024;

const fieldName = (headers: string) => /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
const fileName = (headers: string) => /filename="([^"]*)"/i.exec(headers)?.[1] ?? '';

/**
 * Reads a multipart POST; `onFileBytes` sees the running total (for early size checks), `onFileData`
 * each piece of the file (to store it without holding it in memory).
 */
export function readMultipart(req: IncomingMessage, onFileBytes?: (total: number) => void, onFileData?: (chunk: Buffer) => void): Promise<ReceivedForm> {
  const type = String(req.headers['content-type'] ?? '');
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
  if (!/^multipart\/form-data/i.test(type) || !boundary) return Promise.reject(new Error('the body must be multipart/form-data with a boundary'));
  const delim = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const marker = Buffer.concat([Buffer.from('\r\n'), delim]);
  const form: ReceivedForm = { fields: {}, order: [], partsAfterFile: 0 };
  let head: Buffer = Buffer.alloc(0);
  let mode: 'head' | 'file' | 'after' = 'head';
  let carry: Buffer = Buffer.alloc(0);
  let after: Buffer = Buffer.alloc(0);
  let md5 = createHash('md5');
  let sha = createHash('sha256');
  let file: ReceivedFile | undefined;

  const fileData = (b: Buffer) => {
    if (!file || !b.length) return;
    md5.update(b);
    sha.update(b);
    file.bytes += b.length;
    onFileData?.(Buffer.from(b));
    onFileBytes?.(file.bytes);
  };

  /** Parses text parts from `head` until the file part starts; returns false when more is needed. */
  const parseHead = (): void => {
    let pos = 0;
    for (;;) {
      const start = head.indexOf(delim, pos);
      if (start < 0) break;
      const hdrStart = start + delim.length + 2;
      if (head.subarray(start + delim.length, start + delim.length + 2).toString() === '--') break;
      const hdrEnd = head.indexOf('\r\n\r\n', hdrStart);
      if (hdrEnd < 0) break;
      const headers = head.subarray(hdrStart, hdrEnd).toString('utf8');
      const name = fieldName(headers);
      if (name === 'file') {
        file = { filename: fileName(headers), bytes: 0, md5: '', sha256: '' };
        mode = 'file';
        const rest = head.subarray(hdrEnd + 4);
        head = Buffer.alloc(0);
        feedFile(rest);
        return;
      }
      const end = head.indexOf(marker, hdrEnd + 4);
      if (end < 0) break;
      form.fields[name] = head.subarray(hdrEnd + 4, end).toString('utf8');
      form.order.push(name);
      pos = end + 2;
    }
    head = head.subarray(pos);
  };

  const feedFile = (chunk: Buffer) => {
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const i = data.indexOf(marker);
    if (i >= 0) {
      fileData(data.subarray(0, i));
      carry = Buffer.alloc(0);
      mode = 'after';
      after = data.subarray(i + marker.length);
      return;
    }
    const keep = Math.min(data.length, marker.length - 1);
    fileData(data.subarray(0, data.length - keep));
    carry = Buffer.from(data.subarray(data.length - keep));
  };

  return new Promise((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      if (mode === 'head') {
        head = Buffer.concat([head, chunk]);
        if (head.length > MAX_HEAD) {
          req.destroy();
          return reject(new Error('the form fields before "file" exceed 64 KB'));
        }
        parseHead();
      } else if (mode === 'file') feedFile(chunk);
      else if (after.length < MAX_HEAD) after = Buffer.concat([after, chunk]);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (mode === 'file') return reject(new Error('the body ended inside the file part (no closing boundary)'));
      if (file) {
        file.md5 = md5.digest('hex');
        file.sha256 = sha.digest('hex');
        md5 = sha = undefined as never;
        form.file = file;
        // After the file: "--\r\n" closes the form; "\r\n…" starts another part.
        form.partsAfterFile = after.toString('latin1').startsWith('--') ? 0 : after.toString('latin1').split(delim.toString('latin1')).length;
      }
      resolve(form);
    });
  });
}

// --- the POST policy ------------------------------------------------------------------------

export interface OssPolicy {
  expiration: string;
  conditions: unknown[];
}

/** Base64 policy as GenerateOTAUploadURL returns it. */
export function makePolicy(expiresAt: Date, maxBytes: number, keyPrefix: string): string {
  const policy: OssPolicy = { expiration: expiresAt.toISOString(), conditions: [['content-length-range', 0, maxBytes], ['starts-with', '$key', keyPrefix]] };
  return Buffer.from(JSON.stringify(policy)).toString('base64');
}

export const signPolicy = (policyB64: string, secret: string) => createHmac('sha1', secret).update(policyB64).digest('base64');

export type PolicyCheck = { ok: true } | { ok: false; status: number; code: string; message: string };

/** What OSS checks for a POST: the signature, the expiry, the key prefix and the file size. */
export function checkPost(form: ReceivedForm, secretOf: (accessKeyId: string) => string | undefined, now = Date.now()): PolicyCheck {
  const f = form.fields;
  const deny = (message: string, code = 'AccessDenied', status = 403): PolicyCheck => ({ ok: false, status, code, message });
  if (!form.file) return deny('There is no file in the form ("file" must be the last field).', 'InvalidArgument', 400);
  for (const k of ['key', 'OSSAccessKeyId', 'policy', 'Signature']) if (!(k in f)) return deny(`The form has no "${k}" field before "file".`, 'InvalidArgument', 400);
  const secret = secretOf(f.OSSAccessKeyId);
  if (secret === undefined) return deny('The OSS Access Key Id you provided does not exist in our records.', 'InvalidAccessKeyId');
  const want = Buffer.from(signPolicy(f.policy, secret));
  const got = Buffer.from(f.Signature);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return deny('The request signature we calculated does not match the signature you provided.', 'SignatureDoesNotMatch');
  let policy: OssPolicy;
  try {
    policy = JSON.parse(Buffer.from(f.policy, 'base64').toString('utf8'));
  } catch {
    return deny('Invalid Policy: the policy is not base64 JSON.', 'InvalidPolicyDocument', 400);
  }
  if (!(Date.parse(policy.expiration) > now)) return deny('Invalid according to Policy: Policy expired.');
  for (const c of policy.conditions ?? []) {
    if (!Array.isArray(c)) continue;
    if (c[0] === 'content-length-range' && (form.file.bytes < Number(c[1]) || form.file.bytes > Number(c[2]))) {
      return form.file.bytes > Number(c[2])
        ? deny('Your proposed upload exceeds the maximum allowed size.', 'EntityTooLarge', 400)
        : deny('Your proposed upload is smaller than the minimum allowed size.', 'EntityTooSmall', 400);
    }
    if (c[0] === 'starts-with' && c[1] === '$key' && !f.key.startsWith(String(c[2]))) return deny(`Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "${c[2]}"]`);
  }
  return { ok: true };
}

export const ossErrorXml = (code: string, message: string, requestId: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${message.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'))}</Message>\n  <RequestId>${requestId}</RequestId>\n  <HostId>127.0.0.1</HostId>\n</Error>\n`;
