// Request bodies: small JSON/XML bodies are buffered (by the kit); S3 object bodies stream to
// disk while their digests are computed, decoding `aws-chunked` (the SDK's streaming upload with a
// trailing checksum) on the way so memory stays flat for any image size.

import { createHash } from 'crypto';
import { createWriteStream } from 'fs';
import type { IncomingMessage } from 'http';
import { Transform, type TransformCallback } from 'stream';
import { pipeline } from 'stream/promises';
import { crc32 } from 'zlib';
import { readBody as readRaw } from '../kit';
import { AwsError } from './errors';

/** The kit's raw-body reader with AWS's error for a body past the limit. */
export const readBody = (req: IncomingMessage, limit = 1 << 20): Promise<Buffer> =>
  readRaw(req, limit, (l) => new AwsError(413, 'RequestEntityTooLargeException', `Request body larger than ${l} bytes.`));

/** Decodes `Content-Encoding: aws-chunked` framing: `<hex>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`. */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = '';
  private remaining = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let i = 0;
    try {
      while (i < chunk.length) {
        if (this.state === 'data') {
          const take = Math.min(this.remaining, chunk.length - i);
          this.push(chunk.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = 'data-end';
          continue;
        }
        if (this.state === 'done') {
          i = chunk.length;
          continue;
        }
        // Line-oriented states: collect up to CRLF.
        const nl = chunk.indexOf(0x0a, i);
        const end = nl === -1 ? chunk.length : nl + 1;
        this.line += chunk.subarray(i, end).toString('latin1');
        i = end;
        if (this.line.length > 4096) throw new Error('aws-chunked line too long');
        if (nl === -1) continue;
        const line = this.line.replace(/\r?\n$/, '');
        this.line = '';
        this.onLine(line);
      }
      cb();
    } catch (e) {
      cb(new AwsError(400, 'IncompleteBody', `Malformed aws-chunked body: ${(e as Error).message}`));
    }
  }

  private onLine(line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw new Error('missing CRLF after chunk data');
      this.state = 'size';
    } else if (this.state === 'size') {
      const size = parseInt(line.split(';')[0], 16);
      if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size "${line.slice(0, 20)}"`);
      if (size === 0) this.state = 'trailer';
      else {
        this.remaining = size;
        this.state = 'data';
      }
    } else if (this.state === 'trailer') {
      if (line === '') this.state = 'done';
      else {
        const c = line.indexOf(':');
        if (c > 0) this.trailers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
    }
  }

  override _flush(cb: TransformCallback): void {
    if (this.state !== 'done' && this.state !== 'trailer') cb(new AwsError(400, 'IncompleteBody', 'The aws-chunked body ended early.'));
    else cb();
  }
}

export interface StoredBody {
  size: number;
  md5Hex: string;
  sha256: Buffer;
  crc32: number;
  /** Trailing headers of an aws-chunked body (e.g. x-amz-checksum-sha256). */
  trailers: Record<string, string>;
  /** SHA-256 of the bytes on the wire (what a hex x-amz-content-sha256 promises). */
  wireSha256Hex: string;
}

/** Streams a request body to `file`, decoding aws-chunked, with the digests S3 checks. */
export async function storeBody(req: IncomingMessage, file: string): Promise<StoredBody> {
  const wire = createHash('sha256');
  const md5 = createHash('md5');
  const sha = createHash('sha256');
  let crc = 0;
  let size = 0;
  const chunked = /aws-chunked/.test(String(req.headers['content-encoding'] ?? ''));
  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      md5.update(chunk);
      sha.update(chunk);
      crc = crc32(chunk, crc);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  const wireTap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      wire.update(chunk);
      cb(null, chunk);
    },
  });
  const stages = decoder ? [req, wireTap, decoder, tap, createWriteStream(file)] : [req, wireTap, tap, createWriteStream(file)];
  await (pipeline as (...s: unknown[]) => Promise<void>)(...stages);
  return { size, md5Hex: md5.digest('hex'), sha256: sha.digest(), crc32: crc >>> 0, trailers: decoder?.trailers ?? {}, wireSha256Hex: wire.digest('hex') };
}
