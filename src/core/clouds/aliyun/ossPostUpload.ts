// Uploads a firmware file with the OSS POST form that GenerateOTAUploadURL returns (cloud-apis.md
// §3.3): `multipart/form-data` with key, OSSAccessKeyId, policy, Signature, success_action_status
// and `file` as the last field. The file is streamed from disk with back-pressure (memory stays
// flat whatever its size), reports progress, and stops on an AbortSignal.

import { createReadStream, promises as fs } from 'fs';
import { request as httpRequest, type IncomingMessage } from 'http';
import { request as httpsRequest } from 'https';
import { basename } from 'path';
import { randomBytes } from 'crypto';
import { AliyunApiError } from './rpc';
import type { OssUploadForm } from './wire';

export const OSS_POST_ACTION = 'OSS PostObject';

export interface OssPostOptions {
  form: OssUploadForm;
  filePath: string;
  /** Called with bytes of the file sent so far (throttled to chunks). */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
  /** No progress for this long → fail (default 60 s). */
  idleTimeoutMs?: number;
}

export interface OssPostResult {
  bytes: number;
  status: number;
  /** ETag OSS returns (the object's MD5 for a POST upload), without quotes. */
  etag?: string;
  requestId?: string;
}

const CRLF = '\r\n';
/** Header values may not break the multipart framing. */
const clean = (s: string) => s.replace(/["\r\n\\]/g, '_');

/** The form's text fields in order, `file` excluded (it goes last). */
export function formFields(form: OssUploadForm): [string, string][] {
  return [
    ['key', form.Key],
    ['OSSAccessKeyId', form.OSSAccessKeyId],
    ['policy', form.Policy],
    ['Signature', form.Signature],
    ['success_action_status', '200'],
  ];
}

/** `<Code>` / `<Message>` / `<RequestId>` of an OSS XML error. */
function ossError(xml: string): { code?: string; message?: string; requestId?: string } {
  const tag = (t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(xml)?.[1];
  return { code: tag('Code'), message: tag('Message'), requestId: tag('RequestId') };
}

export async function ossPostUpload(o: OssPostOptions): Promise<OssPostResult> {
  const fail = (message: string, code: string, requestId?: string, status?: number) => new AliyunApiError(message, code, OSS_POST_ACTION, requestId, status);
  let url: URL;
  try {
    url = new URL(o.form.Host);
  } catch {
    throw fail(`The upload host "${o.form.Host}" from GenerateOTAUploadURL is not a URL.`, 'InvalidResponse');
  }
  const size = (await fs.stat(o.filePath)).size;
  const boundary = `----otabench${randomBytes(12).toString('hex')}`;
  const head =
    formFields(o.form).map(([k, v]) => `--${boundary}${CRLF}Content-Disposition: form-data; name="${k}"${CRLF}${CRLF}${v}${CRLF}`).join('') +
    `--${boundary}${CRLF}Content-Disposition: form-data; name="file"; filename="${clean(basename(o.filePath))}"${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}`;
  const tail = `${CRLF}--${boundary}--${CRLF}`;
  const length = Buffer.byteLength(head) + size + Buffer.byteLength(tail);
  const idleMs = o.idleTimeoutMs ?? 60_000;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<OssPostResult>((resolve, reject) => {
    if (o.signal?.aborted) return reject(fail('The upload was cancelled.', 'Aborted'));
    let settled = false;
    let sent = 0;
    let idle: NodeJS.Timeout | undefined;
    const file = createReadStream(o.filePath, { highWaterMark: 256 * 1024 });
    const finish = (err: Error | undefined, value?: OssPostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        file.destroy();
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(fail(`The upload to ${url.host} made no progress for ${Math.round(idleMs / 1000)} s (${sent} of ${size} bytes sent).`, 'Timeout')), idleMs);
    };
    // Once every byte is sent OSS may already hold the file: wait for its answer (bounded by the idle
    // timeout) so the caller learns the upload and can register it later instead of uploading twice.
    const onAbort = () => (sent >= size ? undefined : finish(fail(`The upload was cancelled after ${sent} of ${size} bytes.`, 'Aborted')));
    o.signal?.addEventListener('abort', onAbort, { once: true });

    const req = request(
      {
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const requestId = (res.headers['x-oss-request-id'] as string | undefined) ?? undefined;
          if (status >= 200 && status < 300) {
            if (sent !== size) return finish(fail(`OSS answered HTTP ${status} after only ${sent} of ${size} bytes.`, 'InvalidResponse', requestId, status));
            return finish(undefined, { bytes: size, status, etag: (res.headers.etag as string | undefined)?.replace(/"/g, ''), requestId });
          }
          const e = ossError(Buffer.concat(chunks).toString('utf8'));
          const code = e.code ?? `HTTP${status}`;
          const hint = /expired/i.test(e.message ?? '') ? ' The upload form is valid for one minute: ask for a new one (GenerateOTAUploadURL) right before uploading.' : '';
          finish(fail(`Uploading to OSS failed: ${code}: ${e.message ?? `HTTP ${status}`}${e.requestId ?? requestId ? ` (RequestId ${e.requestId ?? requestId})` : ''}.${hint}`, code, e.requestId ?? requestId, status));
        });
        res.on('error', (err) => finish(fail(`The OSS response broke off: ${err.message}`, 'Network')));
      },
    );
    req.on('error', (err) => finish(fail(`Cannot upload to ${url.host}: ${err.message}`, 'Network')));
    arm();
    req.write(head);
    file.on('data', (chunk: string | Buffer) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      sent += b.length;
      arm();
      o.onProgress?.(sent, size);
      if (!req.write(b)) {
        file.pause();
        req.once('drain', () => file.resume());
      }
    });
    file.on('error', (err) => finish(fail(`Cannot read ${o.filePath}: ${err.message}`, 'FileError')));
    file.on('end', () => {
      if (sent !== size) return finish(fail(`${o.filePath} changed size during the upload (${sent} bytes read, ${size} expected).`, 'FileError'));
      req.end(tail);
    });
  });
}
