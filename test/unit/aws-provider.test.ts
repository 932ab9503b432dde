// The AWS provider against the emulator: real SDK clients, real SigV4, real wire formats.
import { strict as assert } from 'assert';
import { createHash, generateKeyPairSync, randomBytes } from 'crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CloudError } from '../../src/core/model';
import type { Artifact } from '../../src/core/clouds/provider';
import { createProvider, type AwsProvider } from '../../src/core/clouds/aws';
import { digestFile, parseSigningKey, verifySignature } from '../../src/core/signing';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { verifyReference } from '../../src/core/clouds/verifyRef';

/** A fresh verify reference, as the release makes one before asking the cloud. */
const ref = (pkg: string, version: string) => verifyReference(pkg, version);

describe('aws provider (on the emulator)', function () {
  this.timeout(30_000);
  let aws: AwsEmulator;
  let provider: AwsProvider;
  let dir: string;
  const key = parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'test');

  before(async () => {
    aws = await startAwsEmulator();
    provider = await createProvider(aws.profile(), undefined, { credentials: aws.credentials, pageSize: 50, partSize: 5 * 1024 * 1024 });
    dir = mkdtempSync(join(tmpdir(), 'ota-aws-'));
  });
  after(async () => {
    provider.dispose();
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function image(name: string, size: number): Promise<Artifact> {
    const path = join(dir, name);
    writeFileSync(path, randomBytes(size));
    const d = await digestFile(path, { key });
    return { path, size: d.size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex!, signature: d.signature, signatureAlgorithm: 'ECDSA' };
  }

  const expectCloudError = (code: string, re?: RegExp) => (e: unknown) => {
    assert.ok(e instanceof CloudError, `expected CloudError, got ${e}`);
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message + ' ' + (e.hint ?? ''), re);
    return true;
  };

  describe('paging', () => {
    before(() => aws.seed.jobs(130, { prefix: 'page-job' }));

    it('pages jobs with nextToken, no duplicates and none missing', async () => {
      const ids: string[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const p = await provider.listJobs({ pageSize: 50, next });
        ids.push(...p.items.map((j) => j.id));
        next = p.next;
        pages++;
      } while (next);
      const mine = ids.filter((i) => i.startsWith('page-job'));
      assert.equal(mine.length, 130);
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(pages >= 3);
      assert.equal(mine[0], 'page-job-130', 'newest first');
    });

    it('clamps the page size to the documented ranges (jobs 1–250, packages 1–100)', async () => {
      aws.seed.jobs(130, { prefix: 'clamp-job' });
      const big = await provider.listJobs({ pageSize: 10_000 });
      assert.equal(big.items.length, 250, 'clamped to the ListJobs maximum');
      const zero = await provider.listJobs({ pageSize: 0 });
      assert.equal(zero.items.length, 1);
      await aws.seed.packageWithVersions('clamp-pkg', ['1.0.0']);
      const pk = await provider.listPackages({ pageSize: 500 });
      assert.ok(pk.items.some((p) => p.name === 'clamp-pkg'), 'maxResults 100 accepted (AWS rejects 101+)');
    });

    it('filters by id prefix across pages without walking everything', async () => {
      aws.seed.jobs(3, { prefix: 'zz-special' });
      const before = aws.requests.length;
      const p = await provider.listJobs({ pageSize: 10, prefix: 'page-job-12' });
      assert.deepEqual(p.items.map((j) => j.id).sort(), ['page-job-120', 'page-job-121', 'page-job-122', 'page-job-123', 'page-job-124', 'page-job-125', 'page-job-126', 'page-job-127', 'page-job-128', 'page-job-129'].sort());
      assert.ok(aws.requests.length - before <= 4, 'bounded number of requests');
    });

    it('maps status filters to AWS and refuses statuses AWS does not have', async () => {
      const p = await provider.listJobs({ status: 'in-progress', pageSize: 5 });
      assert.ok(p.items.every((j) => j.rawStatus === 'IN_PROGRESS' && j.status === 'in-progress'));
      await assert.rejects(provider.listExecutions('page-job-001', { status: 'notified' }), expectCloudError('invalid', /cannot filter job executions by "notified"/));
    });

    it('lists executions of a job with neutral statuses and thing names', async () => {
      aws.seed.fleetJob('fleet-exec', ['t-a', 't-b', 't-c']);
      const p = await provider.listExecutions('fleet-exec', { pageSize: 2 });
      assert.equal(p.items.length, 2);
      assert.ok(p.next);
      const rest = await provider.listExecutions('fleet-exec', { pageSize: 2, next: p.next });
      assert.deepEqual([...p.items, ...rest.items].map((e) => e.target).sort(), ['t-a', 't-b', 't-c']);
      assert.ok([...p.items, ...rest.items].every((e) => e.status === 'queued' && e.rawStatus === 'QUEUED'));
      const r = await provider.describeJob('fleet-exec');
      assert.equal(r.counts.queued, 3);
      assert.equal(r.job.kind, 'fleet');
      assert.equal(r.done, false);
    });

    it('turns a missing job into a not-found CloudError', async () => {
      await assert.rejects(provider.describeJob('no-such-job'), expectCloudError('not-found', /no-such-job/));
    });
  });

  describe('publish', () => {
    it('uploads (multipart), registers and publishes; a re-run reuses everything', async () => {
      const art = await image('fw-1.bin', 12 * 1024 * 1024);
      const progress: number[] = [];
      const r1 = await provider.publish({ packageName: 'bench-fw', version: '1.2.3', artifact: art, attributes: { gitCommit: 'abc1234' } }, (p) => p.done !== undefined && progress.push(p.done));
      assert.equal(r1.version.status, 'published');
      assert.deepEqual(r1.reused, { upload: false, register: false });
      assert.ok(progress.length >= 2 && progress[progress.length - 1] === art.size, `progress ${progress}`);
      assert.equal(aws.s3.ops.CompleteMultipartUpload, 1, 'a 12 MB image goes up in parts');
      const v = aws.catalog.version('bench-fw', '1.2.3');
      assert.equal(v.attributes.sha256, art.sha256Hex);
      assert.equal(v.attributes.gitCommit, 'abc1234');
      assert.equal(Buffer.from(v.attributes.signature, 'base64').toString('hex'), Buffer.from(art.signature!).toString('hex'));
      const stored = aws.s3.object(r1.location.bucket, r1.location.key, r1.location.versionId);
      assert.equal(stored.sha256, Buffer.from(art.sha256Hex, 'hex').toString('base64'));

      const created = { ...aws.catalog.created };
      const uploads = aws.s3.ops.UploadPart ?? 0;
      const r2 = await provider.publish({ packageName: 'bench-fw', version: '1.2.3', artifact: art, attributes: { gitCommit: 'abc1234' } });
      assert.deepEqual(r2.reused, { upload: true, register: true });
      assert.deepEqual(aws.catalog.created, created);
      assert.equal(aws.s3.ops.UploadPart ?? 0, uploads);
      assert.equal(r2.location.versionId, r1.location.versionId);
    });

    it('after a failure between upload and register, a re-run reuses the uploaded object', async () => {
      const art = await image('fw-2.bin', 1024 * 1024);
      aws.faults.failNext(3, { service: 'iot', method: 'PUT', pathPrefix: '/packages/bench-fw/versions/2.0.0' });
      await assert.rejects(provider.publish({ packageName: 'bench-fw', version: '2.0.0', artifact: art }), expectCloudError('unavailable'));
      aws.faults.clear();
      const puts = aws.s3.ops.PutObject ?? 0;
      const r = await provider.publish({ packageName: 'bench-fw', version: '2.0.0', artifact: art });
      assert.deepEqual(r.reused, { upload: true, register: false });
      assert.equal(aws.s3.ops.PutObject ?? 0, puts, 'no second upload');
      assert.equal(r.version.status, 'published');
    });

    it('refuses to overwrite a version with a different image', async () => {
      const other = await image('fw-3.bin', 2048);
      await assert.rejects(provider.publish({ packageName: 'bench-fw', version: '1.2.3', artifact: other }), expectCloudError('already-exists', /different image.*Bump/s));
    });

    it('validates names and the 3 KB attribute limit before uploading anything', async () => {
      const art = await image('fw-4.bin', 1000);
      const puts = aws.s3.ops.PutObject ?? 0;
      await assert.rejects(provider.publish({ packageName: 'bad name', version: '1.0', artifact: art }), expectCloudError('invalid', /package name/));
      await assert.rejects(provider.publish({ packageName: 'p', version: 'v/1', artifact: art }), expectCloudError('invalid', /version name/));
      await assert.rejects(provider.publish({ packageName: 'p', version: '1.0', artifact: art, attributes: { notes: 'x'.repeat(3000) } }), expectCloudError('invalid', /3 KB/));
      assert.equal(aws.s3.ops.PutObject ?? 0, puts);
    });

    it('says when the bucket is not versioned', async () => {
      aws.seed.bucket('plain-bucket', 'off');
      const p2 = await createProvider({ ...aws.profile(), bucket: 'plain-bucket' }, undefined, { credentials: aws.credentials });
      const art = await image('fw-5.bin', 1000);
      await assert.rejects(p2.publish({ packageName: 'p', version: '1.0', artifact: art }), expectCloudError('config', /versioning/));
      p2.dispose();
    });

    it('stops an upload when cancelled and a later run completes it', async () => {
      const art = await image('fw-6.bin', 11 * 1024 * 1024);
      const ac = new AbortController();
      await assert.rejects(
        provider.publish({ packageName: 'bench-fw', version: '3.0.0', artifact: art }, (p) => p.done && p.done > 0 && ac.abort(), ac.signal),
        expectCloudError('canceled'),
      );
      assert.equal(aws.catalog.packages.get('bench-fw')!.versions.has('3.0.0'), false);
      const r = await provider.publish({ packageName: 'bench-fw', version: '3.0.0', artifact: art });
      assert.equal(r.version.status, 'published');
    });

    it('associates an SBOM and deprecates / re-publishes a version', async () => {
      const art = await image('fw-7.bin', 4096);
      const sbom = join(dir, 'sbom.spdx.json');
      writeFileSync(sbom, JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'fw' }));
      await provider.publish({ packageName: 'sbom-fw', version: '1.0.0', artifact: art, options: { aws: { sbomPath: sbom } } });
      const v = aws.catalog.version('sbom-fw', '1.0.0');
      assert.match(v.sbom!.s3Location.key, /sbom\/sbom\.spdx\.json$/);
      await provider.setVersionState('sbom-fw', '1.0.0', 'deprecate');
      assert.equal((await provider.getVersion('sbom-fw', '1.0.0')).status, 'deprecated');
      await provider.setVersionState('sbom-fw', '1.0.0', 'publish');
      const got = await provider.getVersion('sbom-fw', '1.0.0');
      assert.equal(got.status, 'published');
      assert.match(got.cloudRef!, /:package\/sbom-fw\/version\/1\.0\.0$/);
      const list = await provider.listVersions('sbom-fw', { status: 'published' });
      assert.deepEqual(list.items.map((i) => i.version), ['1.0.0']);
    });
  });

  describe('verify job', () => {
    it('creates a SNAPSHOT job on the bench thing only, with an afr_ota document the agent can parse', async () => {
      const art = await image('fw-v.bin', 64 * 1024);
      await provider.publish({ packageName: 'verify-fw', version: '1.0.1', artifact: art, options: { aws: { certificateName: 'code_sign.crt' } } });
      aws.seed.thing('other-thing');
      const job = await provider.startVerifyJob({ packageName: 'verify-fw', version: '1.0.1', timeoutMinutes: 7, reference: ref('verify-fw', '1.0.1') });
      assert.equal(job.kind, 'verify');
      assert.match(job.id, /^ota-bench-verify-verify-fw-1_0_1-\d{17}[0-9a-f]{6}$/);
      const j = aws.jobs.job(job.id);
      assert.equal(j.targetSelection, 'SNAPSHOT');
      assert.deepEqual([...j.executions.keys()], ['bench-board-01']);
      assert.equal(j.timeoutConfig?.inProgressTimeoutInMinutes, 7);
      assert.equal(j.presignedUrlConfig?.roleArn, aws.profile().roleArn);
      assert.deepEqual(j.destinationPackageVersions, [aws.catalog.version('verify-fw', '1.0.1').packageVersionArn]);
      const doc = JSON.parse(await provider.getJobDocument(job.id));
      const f = doc.afr_ota.files[0];
      assert.deepEqual(doc.afr_ota.protocols, ['HTTP']);
      assert.equal(f.filesize, art.size);
      assert.equal(f.fileid, 0);
      assert.equal(f.certfile, 'code_sign.crt');
      assert.equal(f.auth_scheme, 'aws.s3.presigned');
      assert.match(f.update_data_url, /^\$\{aws:iot:s3-presigned-url:https:\/\/s3\.us-east-1\.amazonaws\.com\/ota-bench-firmware\/ota-bench\/verify-fw\/1\.0\.1\/fw-v\.bin\}$/);
      assert.equal(Buffer.from(f['sig-sha256-ecdsa'], 'base64').toString('hex'), Buffer.from(art.signature!).toString('hex'));
      // Re-running with the same job id returns the job instead of failing.
      const again = await provider.startVerifyJob({ packageName: 'verify-fw', version: '1.0.1', reference: job.id });
      assert.equal(again.id, job.id);
      // The same id for another thing is refused, not silently reused; without an id, a new job.
      await assert.rejects(
        provider.startVerifyJob({ packageName: 'verify-fw', version: '1.0.1', reference: job.id, targets: ['other-thing'] }),
        expectCloudError('already-exists', /targets thing\/bench-board-01, not other-thing/),
      );
      const second = await provider.startVerifyJob({ packageName: 'verify-fw', version: '1.0.1', targets: ['other-thing'], reference: ref('verify-fw', '1.0.1') });
      assert.notEqual(second.id, job.id);
      assert.deepEqual([...aws.jobs.job(second.id).executions.keys()], ['other-thing']);
    });

    it('explains what is missing: no bench thing, draft version, unknown thing', async () => {
      const p2 = await createProvider({ ...aws.profile(), thingName: undefined }, undefined, { credentials: aws.credentials });
      await assert.rejects(p2.startVerifyJob({ packageName: 'verify-fw', version: '1.0.1', reference: ref('verify-fw', '1.0.1') }), expectCloudError('config', /bench thing/));
      p2.dispose();
      await aws.seed.packageWithVersions('draft-fw', ['0.1.0'], 0);
      await assert.rejects(provider.startVerifyJob({ packageName: 'draft-fw', version: '0.1.0', reference: ref('draft-fw', '0.1.0') }), expectCloudError('invalid', /DRAFT/));
      await assert.rejects(provider.startVerifyJob({ packageName: 'verify-fw', version: '1.0.1', targets: ['ghost'], reference: ref('verify-fw', '1.0.1') }), expectCloudError('not-found', /ghost/));
    });

    it('can verify through CreateOTAUpdate instead (custom code signing)', async () => {
      const job = await provider.startVerifyJob({ packageName: 'verify-fw', version: '1.0.1', viaOtaUpdate: true, reference: 'ota-verify-1' });
      assert.equal(job.kind, 'ota-update');
      assert.equal(job.id, 'AFR_OTA-ota-verify-1');
      const doc = JSON.parse(await provider.getJobDocument(job.id));
      assert.ok(doc.afr_ota.files[0]['sig-sha256-ecdsa']);
      const ota = await provider.listOtaUpdates({ prefix: 'ota-verify' });
      assert.deepEqual(ota.items.map((o) => o.id), ['ota-verify-1']);
      const info = await provider.getOtaUpdate('ota-verify-1');
      assert.equal(info.details?.awsIotJobId, 'AFR_OTA-ota-verify-1');
      assert.equal(info.rawStatus, 'CREATE_COMPLETE');
    });

    it('signs with AWS Signer and verifies through an OTA update carrying the signer job', async () => {
      const cert = aws.seed.signingProfile('bench_signer', 'signer_cert.pem');
      const art = await image('fw-s.bin', 8192);
      const r = await provider.publish({ packageName: 'signer-fw', version: '1.0.0', artifact: { ...art, signature: undefined }, options: { aws: { cloudSigner: { profileName: 'bench_signer' } } } });
      assert.ok(r.location.signerJobId);
      const signing = aws.signer.job(r.location.signerJobId);
      assert.equal(signing.status, 'Succeeded');
      const job = await provider.startVerifyJob({ packageName: 'signer-fw', version: '1.0.0', location: r.location, reference: ref('signer-fw', '1.0.0') });
      const doc = JSON.parse(await provider.getJobDocument(job.id));
      const f = doc.afr_ota.files[0];
      assert.equal(f.certfile, 'signer_cert.pem');
      assert.ok(verifySignature(readFileSync(art.path), Buffer.from(f['sig-sha256-ecdsa'], 'base64'), cert.publicKeyPem));
      // A missing signer profile fails clearly.
      await assert.rejects(provider.publish({ packageName: 'signer-fw', version: '1.0.9', artifact: { ...art, signature: undefined }, options: { aws: { cloudSigner: { profileName: 'nope_profile' } } } }), expectCloudError('not-found', /nope_profile/));
    });
  });

  describe('cancel', () => {
    it('cancels a job (queued executions canceled; in-progress only with force) and one execution', async () => {
      aws.seed.fleetJob('cancel-me', ['c-1', 'c-2']);
      aws.jobs.deviceUpdate('c-1', 'cancel-me', { status: 'IN_PROGRESS' });
      await provider.cancelJob('cancel-me');
      let r = await provider.describeJob('cancel-me');
      assert.equal(r.job.status, 'canceled');
      assert.deepEqual(r.counts, { canceled: 1, 'in-progress': 1 });
      await provider.cancelJob('cancel-me', { force: true });
      r = await provider.describeJob('cancel-me');
      assert.deepEqual(r.counts, { canceled: 2 });
      aws.seed.fleetJob('cancel-one', ['d-1', 'd-2']);
      aws.jobs.deviceUpdate('d-1', 'cancel-one', { status: 'IN_PROGRESS' });
      await assert.rejects(provider.cancelExecution('cancel-one', 'd-1'), expectCloudError('invalid', /force/));
      await provider.cancelExecution('cancel-one', 'd-1', { force: true });
      assert.equal((await provider.describeExecution('cancel-one', 'd-1')).status, 'canceled');
    });

    it('a cancelled execution whose reply was lost is reported cancelled, not failed; a real refusal still fails', async () => {
      aws.seed.fleetJob('cancel-lost', ['e-1', 'e-2']);
      aws.faults.loseReplyNext(1, { action: 'CancelJobExecution' });
      await provider.cancelExecution('cancel-lost', 'e-1'); // the SDK retries; the retry finds it CANCELED
      assert.equal(aws.faults.byAction.CancelJobExecution?.['lose-reply'], 1, 'the reply really was lost');
      assert.equal((await provider.describeExecution('cancel-lost', 'e-1')).status, 'canceled');
      aws.jobs.deviceUpdate('e-2', 'cancel-lost', { status: 'SUCCEEDED' });
      await assert.rejects(provider.cancelExecution('cancel-lost', 'e-2'), expectCloudError('invalid'), 'a finished execution cannot be cancelled');
    });
  });

  describe('watch', () => {
    it('yields a snapshot per change with progress from statusDetails, and ends when the job completes', async () => {
      aws.seed.thing('watch-1');
      aws.jobs.create('watch-job', { targets: [aws.things.thing('watch-1').thingArn], document: '{}' });
      const seen: string[] = [];
      const steps = [
        () => aws.jobs.deviceUpdate('watch-1', 'watch-job', { status: 'IN_PROGRESS', statusDetails: { receive: '2/8' } }),
        () => aws.jobs.deviceUpdate('watch-1', 'watch-job', { status: 'IN_PROGRESS', statusDetails: { self_test: 'ready' } }),
        () => aws.jobs.deviceUpdate('watch-1', 'watch-job', { status: 'SUCCEEDED', statusDetails: { reason: 'accepted  v9.9.9' } }),
      ];
      let last;
      for await (const r of provider.watchJob('watch-job', { intervalMs: 50, maxRequestsPerSecond: 50 })) {
        const e = r.executions[0];
        seen.push(`${e.status}:${e.progress ?? '-'}:${e.reason ?? ''}`);
        last = r;
        steps.shift()?.();
      }
      assert.deepEqual(seen, ['queued:-:', 'in-progress:25:', 'in-progress:-:ready', 'succeeded:100:accepted  v9.9.9']);
      assert.equal(last!.done, true);
      assert.equal(last!.job.status, 'completed');
    });

    // The watch's requests for a job, one letter each: J DescribeJob, L ListJobExecutionsForJob,
    // E DescribeJobExecution (x when the emulator throttled it).
    const ops = (from: number, jobId: string) =>
      aws.requests
        .slice(from)
        .map((r) => {
          const letter = r.path === `/jobs/${jobId}` ? 'J' : r.path === `/jobs/${jobId}/things` ? 'L' : /^\/things\/[^/]+\/jobs\//.test(r.path) && r.path.endsWith(`/jobs/${jobId}`) ? 'E' : '';
          return r.fault === 'throttle' ? letter.toLowerCase() : letter;
        })
        .join('');

    /** Runs `steps` one at a time, each after the watch has polled `idle` more executions since the last snapshot. */
    function driver(jobId: string, steps: (() => void)[], idle = 2) {
      let mark = Infinity;
      const polls = () => (ops(0, jobId).match(/E/g) ?? []).length;
      const timer = setInterval(() => {
        if (steps.length && polls() >= mark + idle) {
          mark = Infinity;
          steps.shift()!();
        }
      }, 5);
      return {
        snapshot: () => (mark = polls()),
        stop: () => clearInterval(timer),
      };
    }

    it('a one-thing job: only DescribeJobExecution per tick; DescribeJob when the status changes or ends; same snapshots', async () => {
      aws.seed.thing('watch-3');
      aws.jobs.create('one-watch', { targets: [aws.things.thing('watch-3').thingArn], document: '{}' });
      const from = aws.requests.length;
      const d = driver('one-watch', [
        () => aws.jobs.deviceUpdate('watch-3', 'one-watch', { status: 'IN_PROGRESS', statusDetails: { receive: '1/4' } }),
        () => aws.jobs.deviceUpdate('watch-3', 'one-watch', { status: 'IN_PROGRESS', statusDetails: { receive: '2/4' } }),
        () => aws.jobs.deviceUpdate('watch-3', 'one-watch', { status: 'SUCCEEDED', statusDetails: { reason: 'accepted  v2' } }),
      ]);
      const seen: string[] = [];
      let last;
      try {
        for await (const r of provider.watchJob('one-watch', { intervalMs: 100, maxRequestsPerSecond: 20 })) {
          seen.push(`${r.job.rawStatus}:${JSON.stringify(r.counts)}:${r.executions[0].rawStatus}:${r.executions[0].progress ?? '-'}`);
          last = r;
          d.snapshot();
        }
      } finally {
        d.stop();
      }
      assert.deepEqual(seen, [
        'IN_PROGRESS:{"queued":1}:QUEUED:-',
        'IN_PROGRESS:{"in-progress":1}:IN_PROGRESS:25',
        'IN_PROGRESS:{"in-progress":1}:IN_PROGRESS:50',
        'COMPLETED:{"succeeded":1}:SUCCEEDED:100',
      ]);
      assert.equal(last!.done, true);
      const e = last!.executions[0];
      assert.equal(e.reason, 'accepted  v2');
      assert.equal(e.details?.retryAttempt, 0, 'the summary-only field is still there');
      assert.equal(e.details?.thingArn, aws.things.thing('watch-3').thingArn);
      // Start: J L E; idle ticks: E; the tick that sees IN_PROGRESS: E J; progress only: E; the end: E J.
      const pattern = ops(from, 'one-watch');
      assert.match(pattern, /^JLEE{2,}JE{6,}J$/, pattern);
      assert.equal(pattern.replace(/[^J]/g, '').length, 3, `DescribeJob at the start, on IN_PROGRESS and at the end: ${pattern}`);
      assert.equal(pattern.replace(/[^L]/g, '').length, 1, pattern);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ops(from, 'one-watch'), pattern, 'no request after the watch ended');
    });

    it('a one-thing job re-lists its execution when a retry renumbers it (retryAttempt)', async () => {
      aws.seed.thing('watch-4');
      aws.jobs.create('retry-watch', { targets: [aws.things.thing('watch-4').thingArn], document: '{}', jobExecutionsRetryConfig: { criteriaList: [{ failureType: 'FAILED', numberOfRetries: 1 }] } });
      const from = aws.requests.length;
      const d = driver('retry-watch', [
        () => aws.jobs.deviceUpdate('watch-4', 'retry-watch', { status: 'IN_PROGRESS' }),
        () => aws.jobs.deviceUpdate('watch-4', 'retry-watch', { status: 'FAILED', statusDetails: { reason: 'flaky' } }),
        () => aws.jobs.deviceUpdate('watch-4', 'retry-watch', { status: 'SUCCEEDED' }),
      ]);
      const attempts: unknown[] = [];
      try {
        for await (const r of provider.watchJob('retry-watch', { intervalMs: 100, maxRequestsPerSecond: 20 })) {
          attempts.push(`${r.executions[0].rawStatus}#${r.executions[0].details?.retryAttempt}`);
          d.snapshot();
        }
      } finally {
        d.stop();
      }
      // FAILED → QUEUED (retry 1, a new execution number) happens inside one device update.
      assert.deepEqual(attempts, ['QUEUED#0', 'IN_PROGRESS#0', 'QUEUED#1', 'SUCCEEDED#1']);
      assert.match(ops(from, 'retry-watch'), /^JLEE{2,}JE{2,}LJE{2,}J$/);
    });

    it('a one-thing job that ends during the first tick: one DescribeJob more and the watch is done', async () => {
      aws.seed.thing('watch-6');
      aws.jobs.create('quick-watch', { targets: [aws.things.thing('watch-6').thingArn], document: '{}' });
      const from = aws.requests.length;
      // Right after the first DescribeJob: the job's counts it read are already stale.
      const t = setInterval(() => ops(from, 'quick-watch').startsWith('J') && (clearInterval(t), aws.jobs.deviceUpdate('watch-6', 'quick-watch', { status: 'SUCCEEDED' })), 2);
      const seen: string[] = [];
      for await (const r of provider.watchJob('quick-watch', { intervalMs: 100, maxRequestsPerSecond: 20 })) seen.push(`${r.job.rawStatus}:${JSON.stringify(r.counts)}:${r.executions[0].rawStatus}:${r.done}`);
      clearInterval(t);
      assert.deepEqual(seen, ['IN_PROGRESS:{"queued":1}:SUCCEEDED:false', 'COMPLETED:{"succeeded":1}:SUCCEEDED:true']);
      assert.equal(ops(from, 'quick-watch'), 'JLEJ');
    });

    it('a terminal execution whose job does not end (CONTINUOUS): only DescribeJob is polled', async () => {
      aws.seed.thing('watch-7');
      aws.jobs.create('continuous-watch', { targets: [aws.things.thing('watch-7').thingArn], document: '{}', targetSelection: 'CONTINUOUS' });
      aws.jobs.deviceUpdate('watch-7', 'continuous-watch', { status: 'SUCCEEDED' });
      const from = aws.requests.length;
      const ac = new AbortController();
      const t = setInterval(() => (ops(from, 'continuous-watch').match(/J/g) ?? []).length >= 4 && ac.abort(), 5);
      let snapshots = 0;
      for await (const r of provider.watchJob('continuous-watch', { intervalMs: 50, maxRequestsPerSecond: 50, signal: ac.signal })) {
        snapshots++;
        assert.equal(r.done, false);
      }
      clearInterval(t);
      assert.equal(snapshots, 1);
      assert.match(ops(from, 'continuous-watch'), /^JLEJJJ$/);
    });

    it('a fleet job keeps polling the job and the list each tick, describing only executions that changed', async () => {
      aws.seed.fleetJob('fleet-watch', ['fw-1', 'fw-2']);
      const from = aws.requests.length;
      // Counted on L: an idle tick ends with it, so a change lands between ticks.
      const jobPolls = () => (ops(from, 'fleet-watch').match(/L/g) ?? []).length;
      let mark = 0;
      const steps = [() => aws.jobs.deviceUpdate('fw-1', 'fleet-watch', { status: 'SUCCEEDED' }), () => aws.jobs.deviceUpdate('fw-2', 'fleet-watch', { status: 'SUCCEEDED' })];
      const timer = setInterval(() => mark && jobPolls() >= mark + 2 && steps.length && ((mark = 0), steps.shift()!()), 5);
      let last;
      try {
        for await (const r of provider.watchJob('fleet-watch', { intervalMs: 50, maxRequestsPerSecond: 50 })) {
          last = r;
          mark = jobPolls();
        }
      } finally {
        clearInterval(timer);
      }
      assert.equal(last!.done, true);
      assert.deepEqual(last!.counts, { succeeded: 2 });
      assert.match(ops(from, 'fleet-watch'), /^JLEE(JL){2,}JLE(JL){2,}JLE$/);
    });

    it('stays under ~1 request/s per job by default (one-thing job: ~1 s ticks) and stops when aborted', async () => {
      aws.seed.thing('watch-2');
      aws.jobs.create('slow-watch', { targets: [aws.things.thing('watch-2').thingArn], document: '{}' });
      const from = aws.requests.length;
      const ac = new AbortController();
      const t0 = Date.now();
      setTimeout(() => ac.abort(), 4200);
      let snapshots = 0;
      for await (const _ of provider.watchJob('slow-watch', { signal: ac.signal })) snapshots++;
      const ms = Date.now() - t0;
      const mine = aws.requests.slice(from).filter((r) => r.path.includes('slow-watch'));
      assert.ok(ms < 5500, `stopped promptly (${ms} ms)`);
      assert.equal(snapshots, 1, 'nothing changed after the first snapshot');
      assert.ok(mine.length <= Math.ceil(ms / 1000) + 1, `${mine.length} requests in ${ms} ms`);
      assert.match(ops(from, 'slow-watch'), /^JLEE{2}$/, 'after the start, one DescribeJobExecution a tick');
      const gaps = mine.slice(1).map((r, i) => r.at - mine[i].at);
      assert.ok(gaps.every((g) => g >= 950 && g < 1500), `~1 s apart: ${gaps}`);
    });

    it('backs off on throttling (interval doubles, no request before it) and carries on', async () => {
      aws.seed.thing('watch-5');
      aws.jobs.create('throttled-watch', { targets: [aws.things.thing('watch-5').thingArn], document: '{}' });
      const from = aws.requests.length;
      const backoffs: { code: string; ms: number; at: number }[] = [];
      let throttled = false;
      const d = driver('throttled-watch', [
        // Two watch-level failures: the SDK itself retries each call 3 times.
        () => ((throttled = true), aws.faults.throttleNext(6, { pathPrefix: '/things/watch-5/jobs/throttled-watch' })),
      ]);
      const after = setInterval(() => throttled && backoffs.length === 2 && (clearInterval(after), aws.jobs.deviceUpdate('watch-5', 'throttled-watch', { status: 'SUCCEEDED' })), 5);
      const before = aws.faults.counts.throttle;
      let last;
      try {
        for await (const r of provider.watchJob('throttled-watch', { intervalMs: 50, maxRequestsPerSecond: 50, onBackoff: (e, ms) => backoffs.push({ code: e.code, ms, at: Date.now() }) })) {
          last = r;
          d.snapshot();
        }
      } finally {
        d.stop();
        clearInterval(after);
      }
      assert.equal(aws.faults.counts.throttle - before, 6);
      assert.deepEqual(backoffs.map((b) => [b.code, b.ms]), [['throttled', 100], ['throttled', 200]]);
      const next = aws.requests.slice(from).find((r) => r.path.includes('throttled-watch') && r.at >= backoffs[1].at);
      assert.ok(next && next.at - backoffs[1].at >= 190, 'nothing sent during the back-off');
      assert.equal(last!.executions[0].status, 'succeeded');
      assert.equal(last!.done, true);
      assert.match(ops(from, 'throttled-watch'), /^JLEE+eeeeeeEJ$/);
    });

    it('gives up with the CloudError when failures are not retryable', async () => {
      const it = provider.watchJob('no-such-watch', { intervalMs: 50, maxRequestsPerSecond: 50 })[Symbol.asyncIterator]();
      await assert.rejects(it.next(), expectCloudError('not-found'));
    });
  });

  describe('errors', () => {
    it('maps throttling after the SDK retries, 5xx and dropped connections to retryable CloudErrors', async () => {
      aws.faults.throttleNext(3, { pathPrefix: '/jobs' });
      await assert.rejects(provider.listJobs(), (e: unknown) => e instanceof CloudError && e.code === 'throttled' && e.retryable && e.cloudCode === 'ThrottlingException');
      aws.faults.failNext(3, { pathPrefix: '/jobs' });
      await assert.rejects(provider.listJobs(), expectCloudError('unavailable'));
      aws.faults.dropNext(3, { pathPrefix: '/jobs' });
      await assert.rejects(provider.listJobs(), expectCloudError('unavailable', /network|endpoint/));
      aws.faults.throttleNext(2, { pathPrefix: '/jobs' });
      const ok = await provider.listJobs({ pageSize: 1 });
      assert.equal(ok.items.length, 1, 'the SDK retry absorbs a short burst');
    });
  });

  it('hashes match what S3 stored (sanity of the oracle)', () => {
    const data = Buffer.from('abc');
    assert.equal(createHash('sha256').update(data).digest('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
