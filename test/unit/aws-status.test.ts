import { strict as assert } from 'assert';
import { CloudError, EXECUTION_STATUSES } from '../../src/core/model';
import { awsExecutionStatus, awsJobStatus, awsVersionStatus, executionStatus, jobStatus, otaUpdateStatus, progressOf, versionStatus } from '../../src/core/clouds/aws/status';
import { scrub, toCloudError } from '../../src/core/clouds/aws/errors';
import { fillPage } from '../../src/core/clouds/aws/paging';
import { clampToRange } from '../../src/core/clouds/kit/range';
import { afrOtaDocument, verifyJobId } from '../../src/core/clouds/aws/verify';
import { versionAttributes } from '../../src/core/clouds/aws/publish';
import { NAME, PAGE_SIZE } from '../../src/core/clouds/aws/limits';
import { tokenOf } from '../../src/core/clouds/kit/cursor';

describe('aws: status mapping', () => {
  it('maps every JobExecutionStatus to the neutral status and back', () => {
    const aws = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'];
    const neutral = aws.map(executionStatus);
    assert.deepEqual(neutral, ['queued', 'in-progress', 'succeeded', 'failed', 'timed-out', 'rejected', 'removed', 'canceled']);
    for (const n of neutral) assert.ok((EXECUTION_STATUSES as readonly string[]).includes(n));
    assert.deepEqual(neutral.map(awsExecutionStatus), aws);
    assert.equal(executionStatus('SOMETHING_NEW'), 'unknown');
    assert.equal(executionStatus(undefined), 'unknown');
  });

  it('maps job, version and OTA update statuses', () => {
    assert.deepEqual(['IN_PROGRESS', 'CANCELED', 'COMPLETED', 'DELETION_IN_PROGRESS', 'SCHEDULED', 'X'].map(jobStatus), ['in-progress', 'canceled', 'completed', 'deleting', 'scheduled', 'unknown']);
    assert.deepEqual(['DRAFT', 'PUBLISHED', 'DEPRECATED', 'X'].map(versionStatus), ['draft', 'published', 'deprecated', 'unknown']);
    assert.equal(otaUpdateStatus('CREATE_COMPLETE'), 'in-progress');
    assert.equal(otaUpdateStatus('CREATE_PENDING'), 'scheduled');
    assert.equal(otaUpdateStatus('CREATE_FAILED'), 'unknown');
    assert.equal(awsJobStatus('completed'), 'COMPLETED');
    assert.equal(awsVersionStatus('deprecated'), 'DEPRECATED');
  });

  it('refuses filters AWS has no status for, naming the ones it has', () => {
    assert.throws(() => awsExecutionStatus('notified'), (e: unknown) => e instanceof CloudError && e.code === 'invalid' && /queued, in-progress/.test(e.message));
    assert.throws(() => awsVersionStatus('verified'), CloudError);
  });

  it('reads download progress from the FreeRTOS "receive" detail', () => {
    assert.equal(progressOf({ receive: '256/1024' }), 25);
    assert.equal(progressOf({ receive: '1024/1024' }), 100);
    assert.equal(progressOf({ receive: ' 3 / 7 ' }), 42);
    assert.equal(progressOf({ receive: '5/0' }), undefined);
    assert.equal(progressOf({ self_test: 'ready' }), undefined);
    assert.equal(progressOf(undefined, 'succeeded'), 100);
  });
});

describe('aws: errors', () => {
  const ctx = { what: 'Listing jobs', awsProfile: 'dev' };
  const sdkError = (name: string, message: string, status?: number) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('maps SDK errors to CloudError codes with hints', () => {
    const cases: [Error, string, RegExp | undefined, boolean][] = [
      [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), 'credentials', /~\/\.aws\/config.*profile dev/, false],
      [sdkError('CredentialsProviderError', 'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login'), 'credentials', /aws sso login --profile dev/, false],
      [sdkError('ExpiredTokenException', 'The security token included in the request is expired', 403), 'credentials', /aws sso login --profile dev/, false],
      [sdkError('InvalidSignatureException', 'The request signature we calculated does not match', 403), 'credentials', /credentials of profile dev were rejected/, false],
      [sdkError('AccessDeniedException', 'not authorized', 403), 'credentials', /IAM policy/, false],
      [sdkError('ResourceNotFoundException', 'Job x cannot be found', 404), 'not-found', undefined, false],
      [sdkError('ResourceAlreadyExistsException', 'exists', 409), 'already-exists', undefined, false],
      [sdkError('ConflictException', 'Package version p@1 already exists.', 409), 'already-exists', undefined, false],
      [sdkError('ConflictException', 'Version is DRAFT', 409), 'invalid', undefined, false],
      [sdkError('ThrottlingException', 'Rate exceeded', 429), 'throttled', /backs off/, true],
      [sdkError('SlowDown', 'reduce', 503), 'throttled', undefined, true],
      [sdkError('InternalFailureException', 'boom', 500), 'unavailable', undefined, true],
      [sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:1'), 'unavailable', /endpoint/, true],
      [sdkError('AbortError', 'Request aborted'), 'canceled', undefined, false],
      [sdkError('InvalidRequestException', "Value '300' at 'maxResults'", 400), 'invalid', undefined, false],
      [sdkError('WeirdError', 'odd'), 'unknown', undefined, false],
    ];
    for (const [e, code, hint, retryable] of cases) {
      const c = toCloudError(e, ctx);
      assert.equal(c.code, code, `${e.name}: ${e.message}`);
      assert.equal(c.retryable, retryable, e.name);
      if (hint) assert.match(c.hint ?? '', hint, e.name);
      assert.match(c.message, /^Listing jobs: /);
      assert.equal(c.cloudCode, e.name);
    }
  });

  it('never lets keys, secrets or signatures into messages', () => {
    const e = sdkError('InvalidSignatureException', 'Credential=AKIAABCDEFGHIJKLMNOP/20260101 aws_secret_access_key=wJalrXUtnFEMI/K7MDENG X-Amz-Signature=deadbeef', 403);
    const c = toCloudError(e, ctx);
    assert.doesNotMatch(c.message, /AKIAABCDEFGHIJKLMNOP|wJalrXUtnFEMI|deadbeef/);
    assert.equal(scrub('token ASIAXYZXYZXYZXYZXYZX used'), 'token <access-key> used');
  });
});

describe('aws: paging helpers', () => {
  it('clamps page sizes to the documented ranges', () => {
    assert.equal(clampToRange(undefined, PAGE_SIZE.jobs, 50), 50);
    assert.equal(clampToRange(1000, PAGE_SIZE.jobs, 50), 250);
    assert.equal(clampToRange(1000, PAGE_SIZE.packages, 50), 100);
    assert.equal(clampToRange(0, PAGE_SIZE.versions, 50), 1);
    assert.equal(clampToRange(-5, PAGE_SIZE.otaUpdates, 50), 1);
    assert.equal(clampToRange(30.7, PAGE_SIZE.signingJobs, 10), 25);
    assert.equal(clampToRange(Number.NaN, PAGE_SIZE.executions, 42), 42);
  });

  it('fills a filtered page from a few requests at most, keeping the continuation', async () => {
    const all = Array.from({ length: 1000 }, (_, i) => `job-${i}`);
    let calls = 0;
    const fetch = async (token: string | undefined, size: number) => {
      calls++;
      const from = Number(token ?? 0);
      return { items: all.slice(from, from + size), next: from + size < all.length ? String(from + size) : undefined };
    };
    const match = (s: string) => s.endsWith('7');
    const p = await fillPage(fetch, { pageSize: 5, match, scanSize: 20 });
    assert.deepEqual(p.items, ['job-7', 'job-17', 'job-27', 'job-37', 'job-47'], 'a filtered page never exceeds the page size (the third scan matched 2, one is kept for the next page)');
    assert.equal(calls, 3);
    // Walking every page returns each match once: nothing skipped where a scan was cut.
    const seen: string[] = [...p.items];
    for (let next = p.next; next; ) {
      const page = await fillPage(fetch, { pageSize: 5, match, scanSize: 20, next });
      assert.ok(page.items.length <= 5);
      seen.push(...page.items);
      next = page.next;
    }
    assert.deepEqual(seen, all.filter(match));
    // A scan that matches more than a page on the very first request.
    const wide = await fillPage(fetch, { pageSize: 3, match: () => true, scanSize: 20 });
    assert.deepEqual(wide.items, ['job-0', 'job-1', 'job-2']);
    assert.deepEqual((await fillPage(fetch, { pageSize: 3, match: () => true, scanSize: 20, next: wide.next })).items, ['job-3', 'job-4', 'job-5']);
    calls = 0;
    const none = await fillPage(fetch, { pageSize: 5, match: () => false, scanSize: 10 });
    assert.equal(none.items.length, 0);
    assert.equal(calls, 4, 'bounded');
    assert.equal(tokenOf(none.next), '40', 'the caller can continue where the scan stopped (the nextToken, in a kit cursor)');
    calls = 0;
    const plain = await fillPage(fetch, { pageSize: 7 });
    assert.equal(plain.items.length, 7);
    assert.equal(calls, 1);
  });
});

describe('aws: verify job document and ids', () => {
  it('builds the afr_ota document the FreeRTOS agent parses', () => {
    const sig = Buffer.from('3045022100aa', 'hex');
    const doc = JSON.parse(afrOtaDocument('eu-west-1', [{ fileName: 'fw.bin', fileSize: 1234, bucket: 'b', key: 'ota bench/p/1.0/fw.bin', signature: sig, signatureAlgorithm: 'ECDSA', certfile: 'code_sign.crt' }]));
    assert.deepEqual(doc, {
      afr_ota: {
        protocols: ['HTTP'],
        files: [
          {
            filepath: 'fw.bin',
            filesize: 1234,
            fileid: 0,
            update_data_url: '${aws:iot:s3-presigned-url:https://s3.eu-west-1.amazonaws.com/b/ota%20bench/p/1.0/fw.bin}',
            auth_scheme: 'aws.s3.presigned',
            certfile: 'code_sign.crt',
            'sig-sha256-ecdsa': sig.toString('base64'),
          },
        ],
      },
    });
    const rsa = JSON.parse(afrOtaDocument('us-east-1', [{ fileName: 'f', fileSize: 1, bucket: 'b', key: 'k', signature: sig, signatureAlgorithm: 'RSA' }]));
    assert.ok(rsa.afr_ota.files[0]['sig-sha256-rsa']);
  });

  it('makes verify job ids that fit AWS limits, whatever the names', () => {
    const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    assert.equal(verifyJobId('bench-fw', '1.2.3', at, undefined, 'a1b2c3'), 'ota-bench-verify-bench-fw-1_2_3-20260102030405000a1b2c3');
    assert.notEqual(verifyJobId('bench-fw', '1.2.3', at), verifyJobId('bench-fw', '1.2.3', at), 'same millisecond, different ids');
    const long = verifyJobId('a'.repeat(128), 'v'.repeat(64), at);
    assert.ok(long.length <= NAME.jobId.max, `${long.length}`);
    assert.match(long, NAME.jobId.pattern);
    assert.match(long, /-20260102030405000[0-9a-f]{6}$/);
    const ota = verifyJobId('a'.repeat(128), 'v'.repeat(64), at, 56);
    assert.ok(`AFR_OTA-${ota}`.length <= NAME.jobId.max, 'the OTA update\'s job id fits too');
  });

  it('counts attribute bytes against the 3 KB limit and checks attribute names', () => {
    const base = { packageName: 'p', version: '1.0.0', artifact: { path: '/x/fw.bin', size: 10, sha256Hex: 'a'.repeat(64), md5Hex: 'b'.repeat(32) } };
    const a = versionAttributes({ ...base, attributes: { gitCommit: 'abc' } });
    assert.deepEqual(a, { version: '1.0.0', sha256: 'a'.repeat(64), md5: 'b'.repeat(32), size: '10', filename: 'fw.bin', gitCommit: 'abc' });
    // 3072 bytes is allowed, 3073 is not (multi-byte characters count as bytes).
    const used = Object.entries(a).reduce((n, [k, v]) => n + k.length + v.length, 0) - 'gitCommit'.length - 3;
    const fill = 3072 - used - 'note'.length;
    assert.doesNotThrow(() => versionAttributes({ ...base, attributes: { note: 'x'.repeat(fill) } }));
    assert.throws(() => versionAttributes({ ...base, attributes: { note: 'x'.repeat(fill + 1) } }), /3073 bytes.*3072/);
    assert.throws(() => versionAttributes({ ...base, attributes: { note: 'é'.repeat(Math.ceil(fill / 2) + 1) } }), /3 KB/);
    assert.throws(() => versionAttributes({ ...base, attributes: { 'bad key': 'x' } }), /Attribute name "bad key"/);
  });
});
