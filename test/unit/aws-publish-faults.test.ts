// Publishing under lost replies and body-less S3 errors, through the real SDK against the emulator.
// Each defect is first shown on the bare SDK (the emulator keeps S3's versions and open uploads,
// so a duplicate or an orphan is visible), then the provider is shown not to leave it behind.
import { strict as assert } from 'assert';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { HeadObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createProvider, type AwsProvider } from '../../src/core/clouds/aws';
import { toCloudError } from '../../src/core/clouds/aws/errors';
import type { Artifact } from '../../src/core/clouds/provider';
import { isCloudError } from '../../src/core/errors';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';

const MiB = 1024 * 1024;

describe('aws publish under lost replies (real SDK, emulator)', function () {
  this.timeout(60_000);
  let aws: AwsEmulator;
  let provider: AwsProvider;
  let s3: S3Client;
  let dir: string;
  const bucket = 'ota-bench-firmware';

  before(async () => {
    aws = await startAwsEmulator();
    provider = await createProvider(aws.profile(), undefined, { credentials: aws.credentials, partSize: 5 * MiB });
    s3 = new S3Client({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials, forcePathStyle: true });
    dir = mkdtempSync(join(tmpdir(), 'ota-aws-faults-'));
  });
  after(async () => {
    provider.dispose();
    s3.destroy();
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => aws.faults.clear());

  function image(name: string, size: number): Artifact {
    const path = join(dir, name);
    const bytes = randomBytes(size);
    writeFileSync(path, bytes);
    return { path, size, sha256Hex: createHash('sha256').update(bytes).digest('hex'), md5Hex: createHash('md5').update(bytes).digest('hex') };
  }
  const keyOf = (pkg: string, version: string, file: string) => `ota-bench/${pkg}/${version}/${file}`;
  const versionsOf = async (key: string) => ((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }))).Versions ?? []).filter((v) => v.Key === key);
  const openUploads = async (key: string) => ((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }))).Uploads ?? []).filter((u) => u.Key === key);
  const bareUpload = (key: string, path: string, sha256Hex: string) =>
    new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: readFileSync(path), ChecksumAlgorithm: 'SHA256', Metadata: { sha256: sha256Hex } }, partSize: 5 * MiB }).done();

  describe('a lost PutObject reply', () => {
    it('on the bare SDK, its retry stores a second version of the same bytes (the defect, visible in ListObjectVersions)', async () => {
      const art = image('bare.bin', 64 * 1024);
      const key = 'bare/put/bare.bin';
      aws.faults.loseReplyNext(1, { service: 's3', action: 'PutObject' });
      await bareUpload(key, art.path, art.sha256Hex);
      assert.equal(aws.faults.counts['lose-reply'], 1);
      assert.equal((await versionsOf(key)).length, 2, 'the lost attempt and the retry each stored a version');
    });

    it('publish reuses the version the lost attempt stored: one version, the one registered', async () => {
      const art = image('fw-put.bin', 64 * 1024);
      const key = keyOf('faults-fw', '1.0.0', 'fw-put.bin');
      const puts = aws.s3.ops.PutObject ?? 0;
      const lost = aws.faults.counts['lose-reply'];
      aws.faults.loseReplyNext(1, { service: 's3', action: 'PutObject' });
      const r = await provider.publish({ packageName: 'faults-fw', version: '1.0.0', artifact: art });
      assert.equal(aws.faults.counts['lose-reply'] - lost, 1, 'the reply really was lost');
      assert.equal((aws.s3.ops.PutObject ?? 0) - puts, 1, 'the bytes were stored once; the retry looked first');
      const versions = await versionsOf(key);
      assert.equal(versions.length, 1);
      assert.equal(r.location.versionId, versions[0].VersionId);
      assert.equal(aws.catalog.version('faults-fw', '1.0.0').artifact?.s3Location.version, versions[0].VersionId);
    });

    it('failure path: a dropped PutObject (nothing stored) is sent again and stored once', async () => {
      const art = image('fw-drop.bin', 64 * 1024);
      const key = keyOf('faults-fw', '1.0.1', 'fw-drop.bin');
      const puts = aws.s3.ops.PutObject ?? 0;
      aws.faults.dropNext(1, { service: 's3', action: 'PutObject' });
      const r = await provider.publish({ packageName: 'faults-fw', version: '1.0.1', artifact: art });
      assert.equal((aws.s3.ops.PutObject ?? 0) - puts, 1, 'the dropped attempt never reached the store; the retry did');
      const versions = await versionsOf(key);
      assert.deepEqual(versions.map((v) => v.VersionId), [r.location.versionId]);
    });

    it('failure path: a lost reply on a key that holds another image stores ours (never reuses a different image)', async () => {
      const key = keyOf('faults-fw', '1.0.2', 'fw-other.bin');
      const other = image('other.bin', 1000);
      await bareUpload(key, other.path, other.sha256Hex);
      const art = image('fw-other.bin', 64 * 1024);
      aws.faults.dropNext(1, { service: 's3', action: 'PutObject' });
      const r = await provider.publish({ packageName: 'faults-fw', version: '1.0.2', artifact: art });
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: r.location.versionId }));
      assert.equal(head.Metadata?.sha256, art.sha256Hex);
      assert.equal((await versionsOf(key)).length, 2, 'the other image and ours');
    });
  });

  describe('a lost CreateMultipartUpload reply', () => {
    it('on the bare SDK, its retry leaves an incomplete upload open (the defect, visible in ListMultipartUploads)', async () => {
      const art = image('bare-mp.bin', 6 * MiB);
      const key = 'bare/mp/bare-mp.bin';
      aws.faults.loseReplyNext(1, { service: 's3', action: 'CreateMultipartUpload' });
      await bareUpload(key, art.path, art.sha256Hex);
      assert.equal((await openUploads(key)).length, 1, 'the upload the lost reply created is still open');
    });

    it('publish aborts what the lost reply left open: no open upload, one version', async () => {
      const art = image('fw-mp.bin', 6 * MiB);
      const key = keyOf('faults-fw', '2.0.0', 'fw-mp.bin');
      const aborts = aws.s3.ops.AbortMultipartUpload ?? 0;
      const creates = aws.s3.ops.CreateMultipartUpload ?? 0;
      aws.faults.loseReplyNext(1, { service: 's3', action: 'CreateMultipartUpload' });
      const r = await provider.publish({ packageName: 'faults-fw', version: '2.0.0', artifact: art });
      assert.equal((aws.s3.ops.CreateMultipartUpload ?? 0) - creates, 2, 'the lost create and its retry both opened an upload');
      assert.deepEqual(await openUploads(key), []);
      assert.equal((aws.s3.ops.AbortMultipartUpload ?? 0) - aborts, 1);
      assert.deepEqual((await versionsOf(key)).map((v) => v.VersionId), [r.location.versionId]);
    });

    it('a lost CompleteMultipartUpload reply: the retry fails (NoSuchUpload) yet publish finds and uses the stored object', async () => {
      const art = image('fw-complete.bin', 6 * MiB);
      const key = keyOf('faults-fw', '2.0.1', 'fw-complete.bin');
      aws.faults.loseReplyNext(1, { service: 's3', action: 'CompleteMultipartUpload' });
      const r = await provider.publish({ packageName: 'faults-fw', version: '2.0.1', artifact: art });
      assert.deepEqual((await versionsOf(key)).map((v) => v.VersionId), [r.location.versionId]);
      assert.deepEqual(await openUploads(key), []);
    });

    it('failure path: when the clean-up itself fails, publish still succeeds and says the upload is left open', async () => {
      const art = image('fw-cleanup.bin', 6 * MiB);
      const key = keyOf('faults-fw', '2.0.3', 'fw-cleanup.bin');
      aws.faults.loseReplyNext(1, { service: 's3', action: 'CreateMultipartUpload' });
      aws.faults.failNext(10, { service: 's3', action: 'ListMultipartUploads' });
      const said: string[] = [];
      const r = await provider.publish({ packageName: 'faults-fw', version: '2.0.3', artifact: art }, (p) => p.message && said.push(p.message));
      assert.equal(r.version.status, 'published');
      assert.ok(said.some((m) => /Could not abort unfinished uploads of s3:\/\/ota-bench-firmware\/.*fw-cleanup\.bin.*re-run tries again/.test(m)), said.join('\n'));
      aws.faults.clear();
      assert.equal((await openUploads(key)).length, 1, 'the orphan is still there, as the message says');
    });

    it('failure path: when every UploadPart fails, publish fails as unavailable and leaves no upload open', async () => {
      const art = image('fw-fail.bin', 6 * MiB);
      const key = keyOf('faults-fw', '2.0.2', 'fw-fail.bin');
      aws.faults.loseReplyNext(1, { service: 's3', action: 'CreateMultipartUpload' });
      aws.faults.failNext(50, { service: 's3', action: 'UploadPart' });
      await assert.rejects(provider.publish({ packageName: 'faults-fw', version: '2.0.2', artifact: art }), (e: unknown) => isCloudError(e) && e.code === 'unavailable');
      assert.deepEqual(await openUploads(key), [], 'both the failed upload and the orphan are aborted');
      assert.deepEqual(await versionsOf(key), []);
    });
  });

  describe('under a seeded schedule of S3 write faults', () => {
    it('every publish, re-run until it succeeds, ends with one object version and no open upload', async () => {
      aws.faults.schedule({ seed: 20261130, service: 's3', method: 'PUT', rates: { 'lose-reply': 0.2, throttle: 0.05, error: 0.05, drop: 0.05 } });
      aws.faults.schedule({ seed: 7, service: 's3', method: 'POST', rates: { 'lose-reply': 0.3, drop: 0.1 } });
      const lostBefore = aws.faults.counts['lose-reply'];
      for (let n = 0; n < 8; n++) {
        const file = `fw-soak-${n}.bin`;
        const art = image(file, n % 3 === 2 ? 6 * MiB : 48 * 1024);
        let runs = 0;
        for (;;) {
          runs++;
          const ok = await provider.publish({ packageName: 'faults-soak', version: `4.0.${n}`, artifact: art }).then(
            () => true,
            (e: unknown) => {
              assert.ok(isCloudError(e) && e.retryable, `only retryable failures: ${String(e)}`);
              return false;
            },
          );
          if (ok) break;
          assert.ok(runs < 6, `publish ${n} still failing after ${runs} runs`);
        }
        const key = keyOf('faults-soak', `4.0.${n}`, file);
        assert.equal((await versionsOf(key)).length, 1, `${file}: one version after ${runs} run(s)`);
        assert.deepEqual(await openUploads(key), [], `${file}: no upload left open`);
      }
      assert.ok(aws.faults.counts['lose-reply'] - lostBefore >= 3, 'the schedule really lost replies');
    });
  });

  describe('a throttled or failing HeadObject (no body, so the SDK says only "UnknownError")', () => {
    it('a 503 is "throttled" and says HTTP 503, not UnknownError', async () => {
      const art = image('fw-head.bin', 1000);
      aws.faults.throttleNext(3, { service: 's3', action: 'HeadObject' });
      await assert.rejects(provider.publish({ packageName: 'faults-fw', version: '3.0.0', artifact: art }), (e: unknown) => {
        assert.ok(isCloudError(e), String(e));
        assert.equal(e.code, 'throttled', e.message);
        assert.match(e.message, /^Looking for s3:\/\/ota-bench-firmware\/.*HTTP 503 Slow Down/);
        assert.doesNotMatch(e.message, /UnknownError/);
        assert.equal(e.retryable, true);
        return true;
      });
    });

    it('a 500 is "unavailable"; a 403 is a credentials problem with a hint; a 404 stays not-found', async () => {
      aws.faults.failNext(3, { service: 's3', action: 'HeadObject' });
      const art = image('fw-head-500.bin', 1000);
      await assert.rejects(provider.publish({ packageName: 'faults-fw', version: '3.0.1', artifact: art }), (e: unknown) => isCloudError(e) && e.code === 'unavailable' && /HTTP 500/.test(e.message));
      const wrong = new S3Client({ region: aws.region, endpoint: aws.endpoint, credentials: { ...aws.credentials, secretAccessKey: 'not-the-secret' }, forcePathStyle: true, maxAttempts: 1 });
      try {
        const e403 = await wrong.send(new HeadObjectCommand({ Bucket: bucket, Key: 'any' })).catch((e: unknown) => e);
        const c = toCloudError(e403, { what: 'Looking for s3://ota-bench-firmware/any', awsProfile: 'dev' });
        assert.equal(c.code, 'credentials');
        assert.match(c.message, /HTTP 403 Forbidden/);
        assert.match(c.hint ?? '', /profile dev.*IAM policy/);
      } finally {
        wrong.destroy();
      }
      const e404 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'no/such/key' })).catch((e: unknown) => e);
      assert.equal(toCloudError(e404, { what: 'Looking' }).code, 'not-found');
    });

    it('failure path: errors with a body keep the cloud\'s own name and text', async () => {
      const wrong = new S3Client({ region: aws.region, endpoint: aws.endpoint, credentials: { ...aws.credentials, secretAccessKey: 'not-the-secret' }, forcePathStyle: true, maxAttempts: 1 });
      try {
        const e = await wrong.send(new ListObjectVersionsCommand({ Bucket: bucket })).catch((x: unknown) => x);
        const c = toCloudError(e, { what: 'Listing' });
        assert.equal(c.code, 'credentials');
        assert.equal(c.cloudCode, 'SignatureDoesNotMatch');
        assert.match(c.message, /signature/i);
      } finally {
        wrong.destroy();
      }
    });
  });
});
