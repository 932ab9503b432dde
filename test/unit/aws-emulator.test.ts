// The emulator speaks AWS's wire protocols: the official SDK clients and presigner are the oracle.
import { strict as assert } from 'assert';
import { createHash, randomBytes } from 'crypto';
import { Readable } from 'stream';
import { CreateJobCommand, IoTClient, ListJobsCommand, ListPackagesCommand, CreatePackageVersionCommand, CreatePackageCommand, UpdatePackageVersionCommand } from '@aws-sdk/client-iot';
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, UploadPartCommand, GetObjectCommand, GetBucketVersioningCommand, HeadObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Upload } from '@aws-sdk/lib-storage';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { AwsChunkedDecoder } from '../bench/aws-emulator/body';
import { presignGet } from '../bench/aws-emulator/auth';

describe('aws emulator (wire protocol, checked with the real SDK)', function () {
  this.timeout(20_000);
  let aws: AwsEmulator;
  let iot: IoTClient;
  let s3: S3Client;
  const bucket = 'ota-bench-firmware';

  before(async () => {
    aws = await startAwsEmulator();
    iot = new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials, maxAttempts: 1 });
    s3 = new S3Client({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials, forcePathStyle: true, maxAttempts: 1 });
  });
  after(async () => {
    iot.destroy();
    s3.destroy();
    await aws.close();
  });

  const rejectsWith = (name: string, re?: RegExp) => (e: unknown) => {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, name, err.message);
    if (re) assert.match(err.message, re);
    return true;
  };

  describe('SigV4', () => {
    it('accepts requests the SDK signs with the known keys', async () => {
      const r = await iot.send(new ListJobsCommand({}));
      assert.ok(Array.isArray(r.jobs));
    });

    it('rejects a wrong secret, an unknown key and an expired key with AWS error names', async () => {
      const wrong = new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: { ...aws.credentials, secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
      await assert.rejects(wrong.send(new ListJobsCommand({})), rejectsWith('InvalidSignatureException', /signature we calculated does not match/));
      const unknown = new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }, maxAttempts: 1 });
      await assert.rejects(unknown.send(new ListJobsCommand({})), rejectsWith('UnrecognizedClientException'));
      const expired = new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.expiredCredentials, maxAttempts: 1 });
      await assert.rejects(expired.send(new ListJobsCommand({})), rejectsWith('ExpiredTokenException'));
      const wrongS3 = new S3Client({ region: aws.region, endpoint: aws.endpoint, credentials: { ...aws.credentials, secretAccessKey: 'nope' }, forcePathStyle: true, maxAttempts: 1 });
      await assert.rejects(wrongS3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'x' })), (e: Error & { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode === 403);
      await assert.rejects(wrongS3.send(new GetBucketVersioningCommand({ Bucket: bucket })), rejectsWith('SignatureDoesNotMatch'));
      [wrong, unknown, expired, wrongS3].forEach((c) => c.destroy());
    });

    it('rejects an unsigned request and a body that does not match its signed hash', async () => {
      const plain = await fetch(`${aws.endpoint}/jobs`);
      assert.equal(plain.status, 403);
      assert.equal(plain.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
      // Re-send a correctly signed CreateJob with its body altered.
      let captured: { url: string; headers: Record<string, string>; body: string } | undefined;
      const spy = new IoTClient({
        region: aws.region,
        endpoint: aws.endpoint,
        credentials: aws.credentials,
        maxAttempts: 1,
        requestHandler: {
          handle: async (req: { method: string; path: string; headers: Record<string, string>; body: Uint8Array }) => {
            captured = { url: `${aws.endpoint}${req.path}`, headers: req.headers, body: new TextDecoder().decode(req.body) };
            throw new Error('captured');
          },
        } as never,
      });
      await assert.rejects(spy.send(new CreateJobCommand({ jobId: 'tamper', targets: [aws.seed.thing('t1')], document: '{}' })));
      // Same length, different bytes: only the payload hash can tell.
      const tamperedBody = captured!.body.replace('"document":"{}"', '"document":"[]"');
      assert.notEqual(tamperedBody, captured!.body);
      const res = await fetch(captured!.url, { method: 'PUT', headers: captured!.headers, body: tamperedBody });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidSignatureException');
      spy.destroy();
    });
  });

  describe('S3', () => {
    it('stores versions, checks x-amz-checksum-sha256 (header and aws-chunked trailer) and serves them back', async () => {
      const a = randomBytes(5000);
      const b = randomBytes(7000);
      const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fw/x.bin', Body: a, ChecksumAlgorithm: 'SHA256', Metadata: { sha256: 'aa' } }));
      const v2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fw/x.bin', Body: Readable.from([b]), ContentLength: b.length, ChecksumAlgorithm: 'SHA256' }));
      assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
      assert.equal(v1.ChecksumSHA256, createHash('sha256').update(a).digest('base64'));
      const got1 = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'fw/x.bin', VersionId: v1.VersionId, ChecksumMode: 'ENABLED' }));
      assert.deepEqual(Buffer.from(await got1.Body!.transformToByteArray()), a);
      assert.equal(got1.Metadata?.sha256, 'aa');
      const latest = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'fw/x.bin' }));
      assert.equal(latest.VersionId, v2.VersionId);
      assert.equal(latest.ContentLength, b.length);
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled');
    });

    it('refuses a body whose checksum does not match (BadDigest) and keeps nothing', async () => {
      const wrong = createHash('sha256').update('other').digest('base64');
      await assert.rejects(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fw/bad.bin', Body: Buffer.from('payload'), ChecksumSHA256: wrong })), rejectsWith('BadDigest', /SHA256/));
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'fw/bad.bin' })), (e: Error & { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode === 404);
    });

    it('assembles a multipart upload and rejects parts below 5 MiB except the last', async () => {
      const data = randomBytes(11 * 1024 * 1024);
      const up = new Upload({ client: s3, params: { Bucket: bucket, Key: 'fw/big.bin', Body: Readable.from([data]), ChecksumAlgorithm: 'SHA256' }, partSize: 5 * 1024 * 1024 });
      const out = await up.done();
      const obj = aws.s3.object(bucket, 'fw/big.bin', (out as { VersionId?: string }).VersionId);
      assert.equal(obj.size, data.length);
      assert.equal(obj.sha256, createHash('sha256').update(data).digest('base64'));
      assert.match(obj.checksumSha256!, /-3$/);
      assert.match(obj.etag, /-3"$/);
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'fw/small-parts.bin' }));
      const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'fw/small-parts.bin', UploadId, PartNumber: 1, Body: Buffer.alloc(1024) }));
      const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'fw/small-parts.bin', UploadId, PartNumber: 2, Body: Buffer.alloc(1024) }));
      await assert.rejects(
        s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'fw/small-parts.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } })),
        rejectsWith('EntityTooSmall'),
      );
    });

    it('buckets created through the API start unversioned until PutBucketVersioning', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'fresh-bucket' }));
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: 'fresh-bucket' }))).Status, undefined);
      const put = await s3.send(new PutObjectCommand({ Bucket: 'fresh-bucket', Key: 'k', Body: 'x' }));
      assert.equal(put.VersionId, undefined);
      await s3.send(new PutBucketVersioningCommand({ Bucket: 'fresh-bucket', VersioningConfiguration: { Status: 'Enabled' } }));
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: 'fresh-bucket' }))).Status, 'Enabled');
    });

    it('serves presigned GETs from the official presigner; a tampered or expired URL is refused', async () => {
      const body = randomBytes(2048);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fw/pre sign.bin', Body: body }));
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'fw/pre sign.bin' }), { expiresIn: 60 });
      const ok = await fetch(url);
      assert.equal(ok.status, 200);
      assert.deepEqual(Buffer.from(await ok.arrayBuffer()), body);
      const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
      const bad = await fetch(tampered);
      assert.equal(bad.status, 403);
      assert.match(await bad.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
      const otherKey = await fetch(url.replace('pre%20sign.bin', 'big.bin'));
      assert.equal(otherKey.status, 403, 'a URL signed for one key does not open another');
      const short = await presignGet(aws.endpoint, bucket, 'fw/pre sign.bin', aws.credentials, aws.region, 1);
      assert.equal((await fetch(short)).status, 200);
      await new Promise((r) => setTimeout(r, 2100));
      const late = await fetch(short);
      assert.equal(late.status, 403);
      assert.match(await late.text(), /Request has expired/);
    });

    it('decodes aws-chunked framing split at any byte', () => {
      const framed = Buffer.from('5\r\nhello\r\n6;chunk-signature=ab\r\n world\r\n0\r\nx-amz-checksum-sha256:abc=\r\n\r\n');
      for (let cut = 1; cut < framed.length; cut += 3) {
        const d = new AwsChunkedDecoder();
        const out: Buffer[] = [];
        d.on('data', (c: Buffer) => out.push(c));
        d.write(framed.subarray(0, cut));
        d.write(framed.subarray(cut));
        d.end();
        assert.equal(Buffer.concat(out).toString(), 'hello world');
        assert.equal(d.trailers['x-amz-checksum-sha256'], 'abc=');
      }
    });
  });

  describe('validation and paging like AWS', () => {
    it('checks ranges, patterns and enums with AWS messages and error types', async () => {
      await assert.rejects(iot.send(new ListJobsCommand({ maxResults: 251 })), rejectsWith('InvalidRequestException', /less than or equal to 250/));
      await assert.rejects(iot.send(new ListPackagesCommand({ maxResults: 101 })), rejectsWith('ValidationException', /less than or equal to 100/));
      await assert.rejects(iot.send(new ListJobsCommand({ nextToken: 'garbage' })), rejectsWith('InvalidRequestException', /nextToken/));
      const thing = aws.seed.thing('val-thing');
      await assert.rejects(iot.send(new CreateJobCommand({ jobId: 'bad id!', targets: [thing], document: '{}' })), rejectsWith('InvalidRequestException', /jobId/));
      await assert.rejects(
        iot.send(new CreateJobCommand({ jobId: 'rate', targets: [thing], document: '{}', jobExecutionsRolloutConfig: { exponentialRate: { baseRatePerMinute: 10, incrementFactor: 6, rateIncreaseCriteria: { numberOfNotifiedThings: 1 } } } })),
        rejectsWith('InvalidRequestException', /incrementFactor.*less than or equal to 5/),
      );
      await assert.rejects(
        iot.send(new CreateJobCommand({ jobId: 'abort', targets: [thing], document: '{}', abortConfig: { criteriaList: [{ failureType: 'FAILED', action: 'CANCEL', thresholdPercentage: 101, minNumberOfExecutedThings: 1 }] } })),
        rejectsWith('InvalidRequestException', /thresholdPercentage/),
      );
      await assert.rejects(iot.send(new CreateJobCommand({ jobId: 'to', targets: [thing], document: '{}', timeoutConfig: { inProgressTimeoutInMinutes: 10081 } })), rejectsWith('InvalidRequestException', /10080/));
      await assert.rejects(
        iot.send(new CreateJobCommand({ jobId: 'presign', targets: [thing], document: JSON.stringify({ u: '${aws:iot:s3-presigned-url:https://s3.us-east-1.amazonaws.com/b/k}' }) })),
        rejectsWith('InvalidRequestException', /presignedUrlConfig.roleArn is required/),
      );
      await assert.rejects(iot.send(new CreateJobCommand({ jobId: 'ghost', targets: [thing.replace('val-thing', 'ghost')], document: '{}' })), rejectsWith('ResourceNotFoundException'));
      await iot.send(new CreateJobCommand({ jobId: 'dup', targets: [thing], document: '{}' }));
      await assert.rejects(iot.send(new CreateJobCommand({ jobId: 'dup', targets: [thing], document: '{}' })), rejectsWith('ResourceAlreadyExistsException'));
    });

    it('package catalog: conflicts, 3 KB attributes, artifacts must exist, only PUBLISHED versions deploy', async () => {
      await iot.send(new CreatePackageCommand({ packageName: 'cat' }));
      await assert.rejects(iot.send(new CreatePackageCommand({ packageName: 'cat' })), rejectsWith('ConflictException'));
      await assert.rejects(iot.send(new CreatePackageVersionCommand({ packageName: 'cat', versionName: '1', attributes: { big: 'x'.repeat(3100) } })), rejectsWith('ValidationException', /3 KB/));
      await assert.rejects(iot.send(new CreatePackageVersionCommand({ packageName: 'cat', versionName: '1', artifact: { s3Location: { bucket, key: 'missing.bin', version: 'v' } } })), rejectsWith('ValidationException', /cannot be read/));
      const v = await iot.send(new CreatePackageVersionCommand({ packageName: 'cat', versionName: '1' }));
      await assert.rejects(iot.send(new UpdatePackageVersionCommand({ packageName: 'cat', versionName: '1', action: 'DEPRECATE' })), rejectsWith('ConflictException'));
      const thing = aws.seed.thing('cat-thing');
      await assert.rejects(iot.send(new CreateJobCommand({ jobId: 'draft-deploy', targets: [thing], document: '{}', destinationPackageVersions: [v.packageVersionArn!] })), rejectsWith('ConflictException', /DRAFT/));
      await iot.send(new UpdatePackageVersionCommand({ packageName: 'cat', versionName: '1', action: 'PUBLISH' }));
      await iot.send(new CreateJobCommand({ jobId: 'pub-deploy', targets: [thing], document: '{}', destinationPackageVersions: [v.packageVersionArn!] }));
      await assert.rejects(iot.send(new UpdatePackageVersionCommand({ packageName: 'cat', versionName: '1', description: 'edit' })), rejectsWith('ConflictException', /only DRAFT/));
    });
  });

  describe('faults', () => {
    it('throttles, fails and drops the next N matching requests, in-process and over the admin route', async () => {
      aws.faults.throttleNext(1, { service: 'iot' });
      await assert.rejects(iot.send(new ListJobsCommand({})), (e: Error & { $metadata: { httpStatusCode: number } }) => e.name === 'ThrottlingException' && e.$metadata.httpStatusCode === 429);
      aws.faults.failNext(1);
      await assert.rejects(iot.send(new ListJobsCommand({})), rejectsWith('InternalFailureException'));
      aws.faults.dropNext(1);
      await assert.rejects(iot.send(new ListJobsCommand({})), (e: Error) => /socket hang up|ECONNRESET|EPIPE/i.test(`${e.message} ${(e as { code?: string }).code}`));
      const res = await fetch(`${aws.endpoint}/__admin/faults`, { method: 'POST', body: JSON.stringify({ kind: 'throttle', count: 1, service: 's3' }) });
      assert.equal(res.status, 200);
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'fw/x.bin' })), (e: Error & { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode === 503);
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'fw/x.bin' }));
      assert.deepEqual(aws.faults.pending(), []);
      assert.ok(aws.faults.counts.throttle >= 2 && aws.faults.counts.drop >= 1);
    });

    it('loses the reply of an action by name (CreateJob ran, the SDK saw no answer) and hangs one until the SDK gives up', async () => {
      const thing = aws.seed.thing('fault-thing');
      aws.faults.loseReplyNext(1, { action: 'CreateJob' });
      await assert.rejects(iot.send(new CreateJobCommand({ jobId: 'lost-reply-job', targets: [thing], document: '{}' })), (e: Error) => /socket hang up|ECONNRESET|EPIPE/i.test(`${e.message} ${(e as { code?: string }).code}`));
      assert.equal(aws.jobs.job('lost-reply-job').status, 'IN_PROGRESS', 'the job exists although its reply was lost');
      await new Promise((r) => setTimeout(r, 20)); // the log entry is written when the server side closes
      assert.ok(aws.requests.some((r) => r.action === 'CreateJob' && r.fault === 'lose-reply' && r.path === '/jobs/lost-reply-job'));
      aws.faults.hangNext(1, { action: 'ListJobs' });
      const t0 = Date.now();
      await assert.rejects(iot.send(new ListJobsCommand({}), { abortSignal: AbortSignal.timeout(300) }), (e: Error) => /abort/i.test(`${e.name} ${e.message}`));
      assert.ok(Date.now() - t0 >= 280);
      assert.ok((await iot.send(new ListJobsCommand({}))).jobs, 'the next ListJobs is answered');
    });
  });

  describe('S3 versions and open uploads', () => {
    it('lists every stored version of a key, newest first, and the multipart uploads left open; aborting closes one', async () => {
      const key = 'versions/fw.bin';
      const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'one' }));
      const second = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'two' }));
      const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
      assert.deepEqual(
        listed.Versions?.map((v) => [v.VersionId, v.IsLatest, v.Size]),
        [
          [second.VersionId, true, 3],
          [first.VersionId, false, 3],
        ],
      );
      const open = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'open/fw.bin' }));
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'open/' }));
      assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [['open/fw.bin', open.UploadId]]);
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'open/fw.bin', UploadId: open.UploadId }));
      assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: 'open/' }))).Uploads, undefined);
      // Failure path: an upload aborted twice is gone, as S3 says.
      await assert.rejects(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'open/fw.bin', UploadId: open.UploadId })), rejectsWith('NoSuchUpload'));
      await assert.rejects(s3.send(new ListObjectVersionsCommand({ Bucket: 'no-such-bucket', Prefix: key })), rejectsWith('NoSuchBucket'));
    });
  });
});
