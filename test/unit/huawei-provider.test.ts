// The Huawei provider's pure parts: grouping records into Packages, task/detail mapping (FailWaitRetry
// is not final; Fail keeps the device's error), the marker paging helper (filtered pages cut without
// gaps or duplicates across task types; bad cursors refused), IoTDA errors → CloudError naming the
// setting to fix, where the AK/SK comes from, and the limits checked before any call.
import { strict as assert } from 'assert';
import { resolveCredentials } from '../../src/core/clouds/huawei/credentials';
import { huaweiClassifier, IotdaHttpError } from '../../src/core/clouds/huawei/errors';
import { benchInfo, customInfo, packageIdOf, rolloutOf, toExecution, toJob, toPackages } from '../../src/core/clouds/huawei/map';
import { keyPage, scanPage, type Scan } from '../../src/core/clouds/huawei/paging';
import { packageBody } from '../../src/core/clouds/huawei/publish';
import { packageProblems } from '../../src/core/clouds/huawei/limits';
import { isCloudError } from '../../src/core/errors';
import type { OtaPackageInfo, Task } from '../../src/core/clouds/huawei/wire';

const rec = (id: string, version: string, pkg?: string, time = '20261130T100000Z'): OtaPackageInfo => ({
  package_id: id,
  package_type: 'firmwarePackage',
  product_id: 'prod1',
  version,
  create_time: time,
  ...(pkg ? { custom_info: customInfo({ package: pkg, sha256: 'a'.repeat(64) }) } : {}),
});

const task = (over: Partial<Task> = {}): Task => ({ task_id: 't1', task_name: 'ota_bench_verify_fw_1_0_20261130', task_type: 'firmwareUpgrade', status: 'Processing', ...over });

describe('Huawei provider: mapping', () => {
  it('groups records by the release package name; foreign records by product and package type', () => {
    assert.equal(packageIdOf(rec('1', '1.0', 'fw-a')), 'fw-a');
    assert.equal(packageIdOf(rec('2', '1.0')), 'prod1/firmwarePackage');
    assert.equal(packageIdOf({ ...rec('3', '1.0'), custom_info: 'not json {' }), 'prod1/firmwarePackage');
    assert.equal(benchInfo({ custom_info: '{"ota_bench":{"package":""}}' }), undefined);
    const pkgs = toPackages([rec('1', '1.0', 'fw-a', '20261101T000000Z'), rec('2', '1.1', 'fw-a', '20261102T000000Z'), rec('3', '9', undefined)]);
    assert.deepEqual(pkgs.map((p) => [p.id, p.defaultVersion, p.details?.versions]).sort(), [['fw-a', '1.1', 2], ['prod1/firmwarePackage', '9', 1]]);
  });

  it('task statuses: Fail and PartialSuccess final and not green; verify tasks recognised by their reference', () => {
    assert.equal(toJob(task({ status: 'Fail' })).status, 'failed');
    assert.equal(toJob(task({ status: 'PartialSuccess' })).status, 'partial');
    assert.equal(toJob(task({ status: 'Waitting' })).status, 'scheduled');
    assert.equal(toJob(task()).kind, 'verify');
    assert.equal(toJob(task({ task_name: 'fleet_rollout_1' })).kind, 'fleet');
  });

  it('device tasks: FailWaitRetry does not end a rollout; Fail carries the error code and message as the reason', () => {
    const retrying = rolloutOf(task({ status: 'Processing', task_progress: { total: 1, fail_wait_retry: 1 } }), [{ target: 'd1', status: 'FailWaitRetry', output: 'result_code 6', error: { error_code: '6', error_msg: 'download timeout' } }]);
    assert.equal(retrying.done, false);
    assert.equal(retrying.executions[0].status, 'queued');
    assert.match(retrying.executions[0].reason!, /waiting for the task to retry it.*download timeout/);
    const failed = toExecution('t1', { target: 'd1', status: 'Fail', output: 'result_code 7', error: { error_code: '7', error_msg: 'package verification failure' } });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.statusDetails?.error_code, '7');
    assert.match(failed.reason!, /7: package verification failure/);
    const done = rolloutOf(task({ status: 'Success', task_progress: { total: 1, success: 1 } }), [{ target: 'd1', status: 'Success', output: 'upgraded to 2.0' }]);
    assert.equal(done.done, true);
    assert.deepEqual(done.counts, { succeeded: 1 });
    assert.equal(toExecution('t', { target: 'd', status: 'Processing', output: '{"progress":40}' }).progress, 40);
  });
});

describe('Huawei provider: paging', () => {
  // Two types of records with ids descending, fetched 50 at a time after the marker, as IoTDA pages.
  const make = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${String(999 - i).padStart(4, '0')}`, even: i % 2 === 0 }));
  const data: Record<string, { id: string; even: boolean }[]> = { a: make(73, 'a'), b: make(51, 'b') };
  let calls = 0;
  const scan: Scan<{ id: string; even: boolean }> = {
    types: ['a', 'b'],
    fetch: async (type, marker, limit) => (calls++, data[type].filter((r) => !marker || r.id < marker).slice(0, limit)),
    idOf: (r) => r.id,
  };

  it('filtered pages cut at the page size: every match once, across both types', async () => {
    for (const size of [1, 7, 50]) {
      const got: string[] = [];
      let next: string | undefined;
      do {
        const p = await scanPage(scan, { next, pageSize: size, match: (r) => r.even, map: (r) => r.id });
        assert.ok(p.items.length <= size);
        got.push(...p.items);
        next = p.next;
      } while (next);
      const want = [...data.a, ...data.b].filter((r) => r.even).map((r) => r.id);
      assert.deepEqual(got, want, `page size ${size}`);
    }
  });

  it('a corrupted cursor or one from another list is refused as invalid, before any call', async () => {
    const before = calls;
    for (const bad of ['m.!!.0', 't.abc', `m.${Buffer.from('7:x').toString('base64url')}.0`]) {
      const e = await scanPage(scan, { next: bad, pageSize: 5, map: (r) => r.id }).catch((x: unknown) => x);
      assert.ok(isCloudError(e) && e.code === 'invalid', `${bad}: ${String(e)}`);
    }
    assert.equal(calls, before);
  });

  it('keyPage continues after the last key returned', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const p1 = keyPage(all, (x) => x, undefined, 2);
    const p2 = keyPage(all, (x) => x, p1.next, 2);
    const p3 = keyPage(all, (x) => x, p2.next, 2);
    assert.deepEqual([p1.items, p2.items, p3.items, p3.next], [['a', 'b'], ['c', 'd'], ['e'], undefined]);
  });
});

describe('Huawei provider: errors name the setting to fix', () => {
  const classify = huaweiClassifier({ keysFrom: 'secrets' });
  const err = (status: number, code: string, msg: string) => classify(new IotdaHttpError(status, code, msg, 'req-123'), 'Listing upgrade tasks');

  it('keys, expired token, project id, instance id, throttling, server errors, network', () => {
    const bad = err(401, 'APIGW.0301', 'Incorrect IAM authentication information: signature mismatch Access=HPUAKEY0001, Signature=abcdef');
    assert.equal(bad.code, 'credentials');
    assert.match(bad.hint!, /Edit Profile Keys/);
    assert.match(bad.message, /request id req-123/);
    assert.doesNotMatch(bad.message, /HPUAKEY0001|abcdef/);
    assert.match(err(401, 'APIGW.0307', 'The token expires.').hint!, /expired/);
    assert.match(huaweiClassifier({ keysFrom: 'env' })(new IotdaHttpError(401, 'APIGW.0301', 'x'), 'x').hint!, /HUAWEICLOUD_SDK_AK/);
    assert.match(err(403, 'IOTDA.000002', 'Forbidden: project 123 does not belong to this account').hint!, /projectId/);
    assert.match(err(403, 'IOTDA.000002', 'Forbidden: the Instance-Id header must name this instance').hint!, /instanceId/);
    const throttled = err(429, 'APIGW.0308', 'The throttling threshold has been reached');
    assert.deepEqual([throttled.code, throttled.retryable], ['throttled', true]);
    assert.deepEqual([err(500, 'IOTDA.000001', 'x').code, err(503, 'IOTDA.000001', 'x').retryable], ['unavailable', true]);
    assert.equal(err(404, 'IOTDA.014000', 'The batch task x does not exist.').code, 'not-found');
    assert.equal(err(400, 'IOTDA.000006', 'Invalid input data.').code, 'invalid');
    const net = classify(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET', message: 'other side closed' } }), 'Listing');
    assert.deepEqual([net.code, net.retryable], ['unavailable', true]);
  });
});

describe('Huawei provider: credentials', () => {
  it('SecretStorage: AK/SK and an optional token; missing keys say to use Edit Profile Keys', async () => {
    const keys: Record<string, string> = { accessKey: 'AK1', secretKey: 'SK1', securityToken: 'TOK' };
    assert.deepEqual(await resolveCredentials({ name: 'p' }, async (f) => keys[f]), { accessKey: 'AK1', secretKey: 'SK1', securityToken: 'TOK', source: 'secrets' });
    const e = await resolveCredentials({ name: 'p' }, async () => undefined).catch((x: unknown) => x);
    assert.ok(isCloudError(e) && e.code === 'credentials' && /Edit Profile Keys/.test(e.hint!), String(e));
  });

  it('env: the official SDK variables; a missing one is named', async () => {
    const env = { HUAWEICLOUD_SDK_AK: 'AK2', HUAWEICLOUD_SDK_SK: 'SK2', HUAWEICLOUD_SDK_SECURITY_TOKEN: 'T2' };
    assert.deepEqual(await resolveCredentials({ name: 'p', credentials: 'env' }, async () => 'ignored', env), { accessKey: 'AK2', secretKey: 'SK2', securityToken: 'T2', source: 'env' });
    const e = await resolveCredentials({ name: 'p', credentials: 'env' }, async () => 'ignored', { HUAWEICLOUD_SDK_AK: 'AK2' }).catch((x: unknown) => x);
    assert.ok(isCloudError(e) && /HUAWEICLOUD_SDK_SK is not set/.test(e.message), String(e));
  });
});

describe('Huawei provider: the package body and its limits', () => {
  const profile = { kind: 'huawei' as const, name: 'p', region: 'cn-north-4', projectId: 'p'.repeat(32), productId: 'prod1', obsBucket: 'fw-bucket', deviceId: 'd1' };
  const artifact = { path: '/w/build/fw.bin', size: 10, sha256Hex: 'c'.repeat(64), md5Hex: 'd'.repeat(32) };

  it('sign = the hex SHA-256, the OBS location, custom_info carries the package name', () => {
    const body = packageBody(profile, { packageName: 'fw-a', version: '1.2.3', artifact });
    assert.deepEqual(body.file_location.obs_location, { region_name: 'cn-north-4', bucket_name: 'fw-bucket', object_key: 'ota-bench/fw-a/1.2.3/fw.bin', sign: 'c'.repeat(64) });
    assert.equal(benchInfo(body)?.package, 'fw-a');
    assert.deepEqual(packageProblems(body, { name: 'fw.bin', bytes: 10 }), []);
  });

  it('missing product id or bucket → config naming the setting; long custom info → the field named', () => {
    assert.throws(() => packageBody({ ...profile, productId: undefined }, { packageName: 'fw', version: '1', artifact }), (e: unknown) => isCloudError(e) && e.code === 'config' && /Product id/.test(e.hint!));
    assert.throws(() => packageBody({ ...profile, obsBucket: undefined }, { packageName: 'fw', version: '1', artifact }), (e: unknown) => isCloudError(e) && /OBS bucket/.test(e.hint!));
    const body = packageBody(profile, { packageName: 'fw', version: '1', artifact, attributes: { notes: 'x'.repeat(5000) } });
    assert.ok(packageProblems(body).some((p) => p.field === 'custom_info'));
  });
});
