// Uploading the image to the versioned bucket so that lost replies duplicate nothing:
//  - a PutObject whose reply was lost has stored a version; before the SDK retries it, look for an
//    object with our SHA-256 and answer with that version instead of storing a second one;
//  - a multipart upload whose CreateMultipartUpload reply was lost is left open (and billed)
//    when the SDK retries; after the upload, abort every open upload left on our key;
//  - a CompleteMultipartUpload whose reply was lost fails the retry (NoSuchUpload) although the
//    object exists; after any failure, look for the object by SHA-256 before giving up.
// The object's key is ours (package/version/file name), so what is left open on it is ours too.

import { AbortMultipartUploadCommand, HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream } from 'fs';
import { stat } from 'fs/promises';
import { basename } from 'path';
import { CloudError } from '../../model';
import type { Cancel, Progress, PublishRequest } from '../provider';
import { isNotFound, type AwsContext } from './context';

export interface Uploaded {
  bucket: string;
  key: string;
  versionId: string;
  reused: boolean;
}

export interface UploadOptions {
  /** Images at least this big go up in parts of this size (S3 minimum 5 MiB). */
  partSize?: number;
  /** Parts in flight at once (memory ≈ partSize × queueSize). */
  queueSize?: number;
}

/** The latest version of the key when it holds this image (metadata sha256), else undefined. */
async function headImage(s3: S3Client, bucket: string, key: string, sha256Hex: string, abortSignal?: AbortSignal): Promise<{ VersionId: string; ETag?: string; ChecksumSHA256?: string } | undefined> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }), { abortSignal });
  return head.Metadata?.sha256 === sha256Hex && head.VersionId ? { VersionId: head.VersionId, ETag: head.ETag, ChecksumSHA256: head.ChecksumSHA256 } : undefined;
}

export async function findObject(ctx: AwsContext, bucket: string, key: string, sha256Hex: string, signal?: AbortSignal): Promise<string | undefined> {
  try {
    return (await ctx.call(`Looking for s3://${bucket}/${key}`, (abortSignal) => headImage(ctx.clients.s3, bucket, key, sha256Hex, abortSignal), { signal }))?.VersionId;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

const LOOK_BEFORE_RETRY = 'otaBenchLookBeforeRetry';
const guarded = new WeakSet<S3Client>();

type Args = { input: { Bucket?: string; Key?: string; Metadata?: Record<string, string> }; request?: { headers?: Record<string, string> } };
type Next = (args: Args) => Promise<{ output: unknown; response: unknown }>;

/**
 * Runs inside the SDK's retry loop, once per attempt: a retried PutObject that carries our
 * sha256 metadata first asks S3 whether the lost attempt stored it, and if so answers with that
 * object version instead of sending the bytes again.
 */
export function lookBeforeRetry(s3: S3Client): void {
  if (guarded.has(s3)) return;
  guarded.add(s3);
  const middleware = (next: Next, context: { commandName?: string }) => async (args: Args) => {
    const attempt = Number(/attempt=(\d+)/.exec(args.request?.headers?.['amz-sdk-request'] ?? '')?.[1] ?? 1);
    const { Bucket, Key, Metadata } = args.input;
    if (context.commandName === 'PutObjectCommand' && attempt > 1 && Bucket && Key && Metadata?.sha256) {
      const found = await headImage(s3, Bucket, Key, Metadata.sha256).catch(() => undefined);
      if (found) return { response: { statusCode: 200, headers: {} }, output: { $metadata: { httpStatusCode: 200 }, ...found } };
    }
    return next(args);
  };
  s3.middlewareStack.addRelativeTo(middleware as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: LOOK_BEFORE_RETRY, override: true });
}

/** Aborts the multipart uploads still open on this key (a lost CreateMultipartUpload reply leaves one). */
export async function abortLeftovers(ctx: AwsContext, bucket: string, key: string): Promise<number> {
  const open = await ctx.call(`Looking for unfinished uploads of s3://${bucket}/${key}`, (abortSignal) => ctx.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }), { abortSignal }));
  const mine = (open.Uploads ?? []).filter((u) => u.Key === key && u.UploadId);
  for (const u of mine) {
    await ctx.call(`Aborting an unfinished upload of s3://${bucket}/${key}`, (abortSignal) => ctx.clients.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: u.UploadId }), { abortSignal })).catch((e) => {
      if (!isNotFound(e)) throw e; // already gone
    });
  }
  return mine.length;
}

export async function uploadImage(ctx: AwsContext, req: PublishRequest, bucket: string, key: string, opts: UploadOptions, progress?: Progress, signal?: Cancel): Promise<Uploaded> {
  const a = req.artifact;
  const existing = await findObject(ctx, bucket, key, a.sha256Hex);
  if (existing) {
    progress?.({ done: a.size, total: a.size, message: `Already uploaded: s3://${bucket}/${key}` });
    return { bucket, key, versionId: existing, reused: true };
  }
  const size = (await stat(a.path).catch(() => undefined))?.size;
  if (size === undefined) throw new CloudError(`Firmware image not found: ${a.path}`, 'invalid', 'Build the firmware first.');
  if (size !== a.size) throw new CloudError(`The image changed since it was hashed (${a.size} → ${size} bytes).`, 'invalid', 'Re-run the release so the image is hashed and signed again.');
  if (signal?.aborted) throw new CloudError('Upload cancelled.', 'canceled');
  const partSize = Math.max(5 * 1024 * 1024, opts.partSize ?? 8 * 1024 * 1024);
  const multipart = size >= partSize;
  lookBeforeRetry(ctx.clients.s3);
  const upload = new Upload({
    client: ctx.clients.s3,
    params: {
      Bucket: bucket,
      Key: key,
      Body: createReadStream(a.path, { highWaterMark: 1024 * 1024 }),
      ContentType: 'application/octet-stream',
      ChecksumAlgorithm: 'SHA256',
      // The SHA-256 in metadata is how a re-run (and a retry) recognises the object (multipart checksums are composite).
      Metadata: { sha256: a.sha256Hex, version: req.version, package: req.packageName },
    },
    partSize,
    queueSize: opts.queueSize ?? 2,
    leavePartsOnError: false,
  });
  upload.on('httpUploadProgress', (p) => progress?.({ done: p.loaded, total: a.size, message: `Uploading ${basename(a.path)}` }));
  const onAbort = () => void upload.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const out = await ctx.call(`Uploading ${basename(a.path)} to s3://${bucket}/${key}`, () => upload.done(), { timeoutMs: 0 }); // bounded by the socket's idle timeout: a large image may take longer than one call's deadline
    if (signal?.aborted) throw new CloudError('Upload cancelled.', 'canceled');
    const checksum = (out as { ChecksumSHA256?: string }).ChecksumSHA256;
    if (checksum && !checksum.includes('-') && checksum !== Buffer.from(a.sha256Hex, 'hex').toString('base64')) {
      throw new CloudError('S3 stored a different SHA-256 than the image has.', 'invalid', 'The file changed during the upload; re-run the release.');
    }
    const versionId = (out as { VersionId?: string }).VersionId;
    if (!versionId) throw new CloudError(`S3 returned no object version for s3://${bucket}/${key}.`, 'config', `Enable versioning on bucket ${bucket}.`);
    return { bucket, key, versionId, reused: false };
  } catch (e) {
    if (signal?.aborted) throw new CloudError('Upload cancelled.', 'canceled');
    // The upload may have landed although its last reply was lost (e.g. CompleteMultipartUpload).
    const landed = await findObject(ctx, bucket, key, a.sha256Hex).catch(() => undefined);
    if (landed) return { bucket, key, versionId: landed, reused: false };
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // A failed clean-up does not fail the publish; say so, since an open upload is billed.
    if (multipart && !signal?.aborted) await abortLeftovers(ctx, bucket, key).catch((e: Error) => progress?.({ message: `Could not abort unfinished uploads of s3://${bucket}/${key} (${e.message}); a re-run tries again.` }));
  }
}
