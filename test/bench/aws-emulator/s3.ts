// S3 (restXml, path-style): buckets with versioning, PutObject with checksum checks, multipart
// upload, GetObject/HeadObject (also through presigned URLs). Object bytes live in files under a
// temp directory so a 256 MB image costs no memory.

import { createHash, randomBytes } from 'crypto';
import { createReadStream, createWriteStream } from 'fs';
import { rm, stat } from 'fs/promises';
import type { IncomingMessage, ServerResponse } from 'http';
import { join } from 'path';
import { pipeline } from 'stream/promises';
import { AwsError } from './errors';
import { readBody, storeBody, type StoredBody } from './body';

export interface ObjectVersion {
  versionId: string;
  file: string;
  size: number;
  etag: string;
  /** Full-object SHA-256 (base64), whatever the upload path. */
  sha256: string;
  /** The S3 checksum as S3 reports it (composite "…-N" for multipart). */
  checksumSha256?: string;
  metadata: Record<string, string>;
  contentType: string;
  lastModified: Date;
}

interface Upload {
  uploadId: string;
  key: string;
  metadata: Record<string, string>;
  contentType: string;
  checksumAlgorithm?: string;
  initiated: Date;
  parts: Map<number, { file: string; size: number; etag: string; sha256: Buffer; checksum?: string }>;
}

interface Bucket {
  name: string;
  versioning?: 'Enabled' | 'Suspended';
  objects: Map<string, ObjectVersion[]>;
  uploads: Map<string, Upload>;
}

const MIN_PART = 5 * 1024 * 1024;
const s3err = (status: number, code: string, message: string, extra: Record<string, string> = {}) => new AwsError(status, code, message, extra);
const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const newId = () => randomBytes(16).toString('base64url');

export class S3Store {
  readonly buckets = new Map<string, Bucket>();
  private files = 0;
  /** Every request the store served, by operation (tests count uploads with it). */
  readonly ops: Record<string, number> = {};

  constructor(private readonly dir: string) {}

  createBucket(name: string, versioning?: 'Enabled' | 'Suspended'): void {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) throw s3err(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
    const b = this.buckets.get(name);
    if (b) return;
    this.buckets.set(name, { name, versioning, objects: new Map(), uploads: new Map() });
  }

  bucket(name: string): Bucket {
    const b = this.buckets.get(name);
    if (!b) throw s3err(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: name });
    return b;
  }

  /** The object version (latest when versionId is absent). */
  object(bucket: string, key: string, versionId?: string | null): ObjectVersion {
    const versions = this.bucket(bucket).objects.get(key);
    if (!versions?.length) throw s3err(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
    if (!versionId) return versions[versions.length - 1];
    const v = versions.find((o) => o.versionId === versionId);
    if (!v) throw s3err(400, 'NoSuchVersion', 'The specified version does not exist.', { Key: key, VersionId: versionId });
    return v;
  }

  /** Stores bytes directly (seeding, the Signer's output). */
  async putBuffer(bucket: string, key: string, data: Buffer, metadata: Record<string, string> = {}): Promise<ObjectVersion> {
    const file = this.newFile();
    await pipeline(async function* () { yield data; }, createWriteStream(file));
    const sha = createHash('sha256').update(data).digest('base64');
    return this.commit(this.bucket(bucket), key, {
      file,
      size: data.length,
      etag: `"${createHash('md5').update(data).digest('hex')}"`,
      sha256: sha,
      checksumSha256: sha,
      metadata,
      contentType: 'application/octet-stream',
    });
  }

  async readAll(o: ObjectVersion): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of createReadStream(o.file) as AsyncIterable<Buffer>) chunks.push(c);
    return Buffer.concat(chunks);
  }

  private newFile(): string {
    return join(this.dir, `obj-${++this.files}`);
  }

  private commit(b: Bucket, key: string, o: Omit<ObjectVersion, 'versionId' | 'lastModified'>): ObjectVersion {
    const versionId = b.versioning === 'Enabled' ? newId() : 'null';
    const version: ObjectVersion = { ...o, versionId, lastModified: new Date() };
    const list = b.objects.get(key) ?? [];
    // Unversioned and suspended buckets keep one "null" version per key.
    const kept = versionId === 'null' ? list.filter((v) => v.versionId !== 'null') : list;
    kept.push(version);
    b.objects.set(key, kept);
    return version;
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  // --- HTTP --------------------------------------------------------------------------------------

  /** Which S3 operation a request is (fault filters and the request log name it). */
  action(method: string, path: string, q: URLSearchParams): string {
    const key = path.indexOf('/', 1) < 0 ? '' : path.slice(path.indexOf('/', 1) + 1);
    if (!key) {
      if (q.has('versioning')) return method === 'PUT' ? 'PutBucketVersioning' : 'GetBucketVersioning';
      if (method === 'GET' && q.has('versions')) return 'ListObjectVersions';
      if (method === 'GET' && q.has('uploads')) return 'ListMultipartUploads';
      return method === 'PUT' ? 'CreateBucket' : method === 'HEAD' ? 'HeadBucket' : `${method}Bucket`;
    }
    if (method === 'PUT') return q.has('uploadId') ? 'UploadPart' : 'PutObject';
    if (method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
    if (method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
    if (method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
    return method === 'HEAD' ? 'HeadObject' : method === 'GET' ? 'GetObject' : `${method}Object`;
  }

  async handle(req: IncomingMessage, res: ServerResponse, path: string, q: URLSearchParams, payloadHash: string | undefined, presigned: boolean): Promise<void> {
    const slash = path.indexOf('/', 1);
    const bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
    const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
    const method = req.method ?? 'GET';
    if (presigned && method !== 'GET' && method !== 'HEAD') throw s3err(403, 'AccessDenied', 'Presigned URLs of this emulator are for GET and HEAD only.');
    if (!bucket) throw s3err(400, 'InvalidRequest', 'ListBuckets is not supported by the emulator.');
    const action = this.action(method, path, q);
    this.ops[action] = (this.ops[action] ?? 0) + 1;
    if (!key) {
      if (action === 'CreateBucket') {
        await readBody(req);
        this.createBucket(bucket, undefined);
        res.setHeader('Location', `/${bucket}`);
        return end(res, 200);
      }
      const b = this.bucket(bucket);
      switch (action) {
        case 'GetBucketVersioning':
          return xml(res, `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${b.versioning ? `<Status>${b.versioning}</Status>` : ''}</VersioningConfiguration>`);
        case 'PutBucketVersioning': {
          const status = /<Status>(Enabled|Suspended)<\/Status>/.exec((await readBody(req)).toString())?.[1];
          if (!status) throw s3err(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
          b.versioning = status as 'Enabled' | 'Suspended';
          return end(res, 200);
        }
        case 'ListObjectVersions':
          return xml(res, this.listVersions(b, q));
        case 'ListMultipartUploads':
          return xml(res, this.listUploads(b, q));
        case 'HeadBucket':
          return end(res, 200);
      }
      throw s3err(400, 'InvalidRequest', `${method} on a bucket is not supported by the emulator.`);
    }
    const b = this.bucket(bucket);
    switch (action) {
      case 'UploadPart':
        return this.uploadPart(req, res, b, key, q, payloadHash);
      case 'PutObject':
        return this.putObject(req, res, b, key, payloadHash);
      case 'CreateMultipartUpload':
        return this.createUpload(req, res, b, key);
      case 'CompleteMultipartUpload':
        return this.completeUpload(req, res, b, key, q);
      case 'AbortMultipartUpload': {
        const u = this.upload(b, q.get('uploadId')!, key);
        b.uploads.delete(u.uploadId);
        await Promise.all([...u.parts.values()].map((p) => rm(p.file, { force: true })));
        return end(res, 204);
      }
      case 'GetObject':
      case 'HeadObject':
        return this.getObject(req, res, b, key, q, method);
    }
    throw s3err(405, 'MethodNotAllowed', `The specified method is not allowed against this resource.`);
  }

  /** ListObjectVersions: every stored version under the prefix, newest first per key (no delete markers: nothing deletes). */
  private listVersions(b: Bucket, q: URLSearchParams): string {
    const prefix = q.get('prefix') ?? '';
    const max = Math.min(Number(q.get('max-keys') ?? 1000) || 1000, 1000);
    const rows: string[] = [];
    for (const key of [...b.objects.keys()].filter((k) => k.startsWith(prefix)).sort()) {
      const versions = b.objects.get(key)!;
      versions
        .slice()
        .reverse()
        .forEach((v, i) =>
          rows.push(
            `<Version><Key>${xmlEscape(key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>${i === 0}</IsLatest><LastModified>${v.lastModified.toISOString()}</LastModified><ETag>${xmlEscape(v.etag)}</ETag><Size>${v.size}</Size>${v.checksumSha256 ? '<ChecksumAlgorithm>SHA256</ChecksumAlgorithm>' : ''}<StorageClass>STANDARD</StorageClass></Version>`,
          ),
        );
    }
    if (rows.length > max) throw s3err(400, 'InvalidArgument', `The emulator lists at most ${max} versions in one page; narrow the prefix.`, { ArgumentName: 'max-keys' });
    return `<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(b.name)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><MaxKeys>${max}</MaxKeys><IsTruncated>false</IsTruncated>${rows.join('')}</ListVersionsResult>`;
  }

  /** ListMultipartUploads: uploads begun and neither completed nor aborted, under the prefix. */
  private listUploads(b: Bucket, q: URLSearchParams): string {
    const prefix = q.get('prefix') ?? '';
    const rows = [...b.uploads.values()]
      .filter((u) => u.key.startsWith(prefix))
      .sort((x, y) => (x.key === y.key ? x.initiated.getTime() - y.initiated.getTime() : x.key < y.key ? -1 : 1))
      .map((u) => `<Upload><Key>${xmlEscape(u.key)}</Key><UploadId>${u.uploadId}</UploadId><Initiated>${u.initiated.toISOString()}</Initiated><StorageClass>STANDARD</StorageClass>${u.checksumAlgorithm ? `<ChecksumAlgorithm>${u.checksumAlgorithm}</ChecksumAlgorithm>` : ''}</Upload>`);
    return `<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(b.name)}</Bucket><Prefix>${xmlEscape(prefix)}</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>${rows.join('')}</ListMultipartUploadsResult>`;
  }

  private verifyBody(req: IncomingMessage, body: StoredBody, payloadHash: string | undefined, expectAlgorithm?: string): string | undefined {
    if (payloadHash && /^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== body.wireSha256Hex) {
      throw s3err(400, 'XAmzContentSHA256Mismatch', 'The provided \'x-amz-content-sha256\' header does not match what was computed.');
    }
    const md5 = req.headers['content-md5'];
    if (md5 && Buffer.from(String(md5), 'base64').toString('hex') !== body.md5Hex) throw s3err(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    const claimed = (name: string) => (req.headers[name] as string | undefined) ?? body.trailers[name];
    for (const h of ['x-amz-checksum-crc32c', 'x-amz-checksum-sha1', 'x-amz-checksum-crc64nvme']) {
      if (claimed(h)) throw s3err(400, 'InvalidRequest', `${h} is not checked by this emulator; use SHA256 or CRC32.`);
    }
    const crc = claimed('x-amz-checksum-crc32');
    if (crc !== undefined) {
      const mine = Buffer.alloc(4);
      mine.writeUInt32BE(body.crc32);
      if (crc !== mine.toString('base64')) throw s3err(400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
    }
    const sha = claimed('x-amz-checksum-sha256');
    if (sha !== undefined && sha !== body.sha256.toString('base64')) throw s3err(400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    if (expectAlgorithm === 'SHA256' && sha === undefined) throw s3err(400, 'InvalidRequest', 'The upload was created using a SHA256 checksum. The part is missing its x-amz-checksum-sha256.');
    return sha;
  }

  private async putObject(req: IncomingMessage, res: ServerResponse, b: Bucket, key: string, payloadHash: string | undefined): Promise<void> {
    const file = this.newFile();
    let body: StoredBody;
    try {
      body = await storeBody(req, file);
      this.verifyBody(req, body, payloadHash);
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    }
    const o = this.commit(b, key, {
      file,
      size: body.size,
      etag: `"${body.md5Hex}"`,
      sha256: body.sha256.toString('base64'),
      checksumSha256: body.sha256.toString('base64'),
      metadata: metadataOf(req),
      contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
    });
    res.setHeader('ETag', o.etag);
    if (o.versionId !== 'null') res.setHeader('x-amz-version-id', o.versionId);
    const asked = req.headers['x-amz-sdk-checksum-algorithm'] ?? req.headers['x-amz-checksum-sha256'] ?? req.headers['x-amz-trailer'];
    if (asked) res.setHeader('x-amz-checksum-sha256', o.sha256);
    end(res, 200);
  }

  private async createUpload(req: IncomingMessage, res: ServerResponse, b: Bucket, key: string): Promise<void> {
    await readBody(req);
    const algo = req.headers['x-amz-checksum-algorithm'] as string | undefined;
    if (algo && algo !== 'SHA256' && algo !== 'CRC32') throw s3err(400, 'InvalidRequest', `Checksum algorithm ${algo} is not supported by the emulator.`);
    const u: Upload = { uploadId: newId(), key, metadata: metadataOf(req), contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'), checksumAlgorithm: algo, parts: new Map(), initiated: new Date() };
    b.uploads.set(u.uploadId, u);
    if (algo) res.setHeader('x-amz-checksum-algorithm', algo);
    xml(res, `<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${xmlEscape(b.name)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${u.uploadId}</UploadId></InitiateMultipartUploadResult>`);
  }

  private upload(b: Bucket, uploadId: string, key: string): Upload {
    const u = b.uploads.get(uploadId);
    if (!u || u.key !== key) throw s3err(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
    return u;
  }

  private async uploadPart(req: IncomingMessage, res: ServerResponse, b: Bucket, key: string, q: URLSearchParams, payloadHash: string | undefined): Promise<void> {
    const u = this.upload(b, q.get('uploadId')!, key);
    const n = Number(q.get('partNumber'));
    if (!Number.isInteger(n) || n < 1 || n > 10000) throw s3err(400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.', { ArgumentName: 'partNumber' });
    const file = this.newFile();
    let body: StoredBody;
    let checksum: string | undefined;
    try {
      body = await storeBody(req, file);
      checksum = this.verifyBody(req, body, payloadHash, u.checksumAlgorithm);
    } catch (e) {
      await rm(file, { force: true });
      throw e;
    }
    const old = u.parts.get(n);
    if (old) await rm(old.file, { force: true });
    u.parts.set(n, { file, size: body.size, etag: `"${body.md5Hex}"`, sha256: body.sha256, checksum });
    res.setHeader('ETag', `"${body.md5Hex}"`);
    if (checksum) res.setHeader('x-amz-checksum-sha256', checksum);
    end(res, 200);
  }

  private async completeUpload(req: IncomingMessage, res: ServerResponse, b: Bucket, key: string, q: URLSearchParams): Promise<void> {
    const u = this.upload(b, q.get('uploadId')!, key);
    const doc = (await readBody(req)).toString();
    const listed = [...doc.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => ({
      n: Number(/<PartNumber>(\d+)<\/PartNumber>/.exec(m[1])?.[1]),
      etag: /<ETag>(.*?)<\/ETag>/.exec(m[1])?.[1]?.replace(/&quot;|&#34;/g, '"'),
      checksum: /<ChecksumSHA256>(.*?)<\/ChecksumSHA256>/.exec(m[1])?.[1],
    }));
    if (!listed.length) throw s3err(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
    const parts = listed.map((p, i) => {
      if (i > 0 && p.n <= listed[i - 1].n) throw s3err(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
      const have = u.parts.get(p.n);
      if (!have || (p.etag && p.etag !== have.etag)) throw s3err(400, 'InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.');
      if (u.checksumAlgorithm === 'SHA256' && p.checksum !== have.checksum) throw s3err(400, 'InvalidPart', `Part ${p.n}'s ChecksumSHA256 does not match the uploaded part.`);
      if (i < listed.length - 1 && have.size < MIN_PART) throw s3err(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
      return have;
    });
    const file = this.newFile();
    const full = createHash('sha256');
    const out = createWriteStream(file);
    for (const p of parts) {
      for await (const c of createReadStream(p.file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
        full.update(c);
        if (!out.write(c)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    const etagHash = createHash('md5');
    for (const p of parts) etagHash.update(Buffer.from(p.etag.replace(/"/g, ''), 'hex'));
    const composite = u.checksumAlgorithm === 'SHA256' ? `${createHash('sha256').update(Buffer.concat(parts.map((p) => p.sha256))).digest('base64')}-${parts.length}` : undefined;
    const size = (await stat(file)).size;
    const o = this.commit(b, key, { file, size, etag: `"${etagHash.digest('hex')}-${parts.length}"`, sha256: full.digest('base64'), checksumSha256: composite, metadata: u.metadata, contentType: u.contentType });
    b.uploads.delete(u.uploadId);
    await Promise.all([...u.parts.values()].map((p) => rm(p.file, { force: true })));
    if (o.versionId !== 'null') res.setHeader('x-amz-version-id', o.versionId);
    xml(
      res,
      `<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Location>/${xmlEscape(b.name)}/${xmlEscape(key)}</Location><Bucket>${xmlEscape(b.name)}</Bucket><Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(o.etag)}</ETag>${composite ? `<ChecksumSHA256>${composite}</ChecksumSHA256>` : ''}</CompleteMultipartUploadResult>`,
    );
  }

  private async getObject(req: IncomingMessage, res: ServerResponse, b: Bucket, key: string, q: URLSearchParams, method: string): Promise<void> {
    const o = this.object(b.name, key, q.get('versionId'));
    let start = 0;
    let endByte = o.size - 1;
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
    if (range) {
      start = Number(range[1]);
      endByte = range[2] ? Math.min(Number(range[2]), o.size - 1) : o.size - 1;
      if (start >= o.size) throw s3err(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: String(req.headers.range) });
    }
    res.statusCode = range ? 206 : 200;
    res.setHeader('Content-Type', o.contentType);
    res.setHeader('Content-Length', String(o.size === 0 ? 0 : endByte - start + 1));
    res.setHeader('ETag', o.etag);
    res.setHeader('Last-Modified', o.lastModified.toUTCString());
    res.setHeader('Accept-Ranges', 'bytes');
    if (range) res.setHeader('Content-Range', `bytes ${start}-${endByte}/${o.size}`);
    if (o.versionId !== 'null') res.setHeader('x-amz-version-id', o.versionId);
    for (const [k, v] of Object.entries(o.metadata)) res.setHeader(`x-amz-meta-${k}`, v);
    if (req.headers['x-amz-checksum-mode'] === 'ENABLED' && o.checksumSha256 && !range) res.setHeader('x-amz-checksum-sha256', o.checksumSha256);
    if (method === 'HEAD' || o.size === 0) {
      res.end();
      return;
    }
    await pipeline(createReadStream(o.file, { start, end: endByte, highWaterMark: 1 << 20 }), res);
  }
}

function metadataOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-amz-meta-') && typeof v === 'string') out[k.slice(11)] = v;
  return out;
}

function xml(res: ServerResponse, body: string): void {
  res.statusCode = 200;
  res.setHeader('content-type', 'application/xml');
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

function end(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}
