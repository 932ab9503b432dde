// IoTDA limits, checked before any upload or call; each message names the field and a good value.
import assert from 'assert';
import { deviceIdProblem, fileProblems, LIMITS, packageExtension, packageProblems, projectIdProblem, taskNameProblem, taskProblems } from '../../src/core/clouds/huawei/limits';
import type { CreateBatchTask, CreateOtaPackage } from '../../src/core/clouds/huawei/wire';

const GOOD: CreateOtaPackage = {
  app_id: 'app_1',
  package_type: 'firmwarePackage',
  product_id: 'prod-1',
  version: '1.2.3',
  support_source_versions: ['1.2.1', '1.2.2'],
  description: 'fixes',
  custom_info: '{"k":1}',
  file_location: { obs_location: { region_name: 'cn-north-4', bucket_name: 'fw-bucket', object_key: 'fw/app-1.2.3.bin', sign: 'ab'.repeat(32) } },
};
const fields = (ps: { field: string }[]) => ps.map((p) => p.field);

describe('Huawei limits', () => {
  it('accepts a good package and file', () => {
    assert.deepStrictEqual(packageProblems(GOOD, { name: 'app.bin', bytes: 1000 }), []);
  });

  it('version: pattern and length ≤ 256 (the one rule in version/rules.ts)', () => {
    assert.deepStrictEqual(packageProblems({ ...GOOD, version: 'v'.repeat(256) }), []);
    const long = packageProblems({ ...GOOD, version: 'v'.repeat(257) });
    assert.deepStrictEqual(fields(long), ['version']);
    assert.match(long[0].message, /version must be 1–256 characters/);
    const bad = packageProblems({ ...GOOD, version: '1.0 beta/2' });
    assert.deepStrictEqual(fields(bad), ['version']);
    assert.match(bad[0].message, /letters, digits.*contains a space, "\/"/);
  });

  it('at most 20 source versions, each a valid version, none repeated', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `1.0.${i}`);
    assert.deepStrictEqual(packageProblems({ ...GOOD, support_source_versions: twenty }), []);
    const p = packageProblems({ ...GOOD, support_source_versions: [...twenty, '1.0.99'] });
    assert.deepStrictEqual(fields(p), ['support_source_versions']);
    assert.match(p[0].message, /at most 20 source versions; 21 given/);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, support_source_versions: ['1.0', '1.0'] })), ['support_source_versions']);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, support_source_versions: ['1 0'] })), ['support_source_versions']);
  });

  it('description ≤ 1024 and custom_info ≤ 4096 characters (counted as characters, not bytes)', () => {
    assert.deepStrictEqual(packageProblems({ ...GOOD, description: 'é'.repeat(1024), custom_info: 'x'.repeat(4096) }), []);
    const p = packageProblems({ ...GOOD, description: 'd'.repeat(1025), custom_info: 'x'.repeat(4097) });
    assert.deepStrictEqual(fields(p), ['description', 'custom_info']);
    assert.match(p[0].message, /description is at most 1024 characters; the description has 1025/);
  });

  it('file: ≤ 1 GB, not empty, an allowed extension', () => {
    assert.deepStrictEqual(fileProblems('fw.bin', LIMITS.fileBytesMax), []);
    assert.match(fileProblems('fw.bin', LIMITS.fileBytesMax + 1)[0].message, /at most 1 GB/);
    assert.match(fileProblems('fw.bin', 0)[0].message, /empty/);
    assert.match(fileProblems('fw.elf', 10)[0].message, /ending in .*\.bin.*"fw\.elf" does not/);
    assert.strictEqual(packageExtension('FW.TAR.GZ'), '.tar.gz');
    assert.strictEqual(packageExtension('image.img'), '.img');
    assert.strictEqual(packageExtension('.bin'), undefined);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, file_location: { obs_location: { ...GOOD.file_location.obs_location, object_key: 'fw/app.hex' } } })), ['file_location.obs_location.object_key']);
  });

  it('OBS location and sign, product and module', () => {
    const obs = GOOD.file_location.obs_location;
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, file_location: { obs_location: { ...obs, sign: 'abc' } } })), ['file_location.obs_location.sign']);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, file_location: { obs_location: { ...obs, bucket_name: 'Bad_Bucket' } } })), ['file_location.obs_location.bucket_name']);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, file_location: { obs_location: { ...obs, region_name: 'mars-1' } } })), ['file_location.obs_location.region_name']);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, product_id: '' })), ['product_id']);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, package_type: 'modulePackage' })), ['module_name']);
    assert.deepStrictEqual(fields(packageProblems({ ...GOOD, app_id: 'x'.repeat(37) })), ['app_id']);
  });

  it('task_name: 1–128 Chinese, letters, digits, "_"', () => {
    assert.strictEqual(taskNameProblem('otabench_verify_1a2b'), undefined);
    assert.strictEqual(taskNameProblem('验证任务_1'), undefined);
    assert.match(taskNameProblem('otabench-verify')!.message, /contains "-"/);
    assert.match(taskNameProblem('')!.message, /1–128/);
    assert.match(taskNameProblem('x'.repeat(129))!.message, /has 129/);
  });

  it('project_id and device_id name the setting and a good value', () => {
    assert.strictEqual(projectIdProblem('0a1b2c3d4e5f60718293a4b5c6d7e8f9'), undefined);
    assert.match(projectIdProblem('my-project')!.message, /project_id "my-project": A Huawei project id is 32 hex characters/);
    assert.strictEqual(deviceIdProblem('prod_bench-1'), undefined);
    assert.match(deviceIdProblem('dev 1')!.message, /device_id "dev 1"/);
    assert.match(deviceIdProblem('')!.message, /required/);
  });

  it('upgrade tasks: targets, retry policy, schedule within 7 days', () => {
    const now = new Date(Date.UTC(2026, 10, 30, 9, 0, 0));
    const good: CreateBatchTask = { task_name: 'otabench_v1', task_type: 'firmwareUpgrade', targets: ['dev-1'], document: { package_ids: ['p'] } };
    assert.deepStrictEqual(taskProblems(good, now), []);
    assert.deepStrictEqual(taskProblems({ ...good, task_policy: { retry_count: 5, retry_interval: 1440, schedule_time: '20261206T090000Z' } }, now), []);
    assert.deepStrictEqual(fields(taskProblems({ ...good, targets: [] }, now)), ['targets']);
    assert.deepStrictEqual(fields(taskProblems({ ...good, targets: ['a', 'a'] }, now)), ['targets']);
    assert.deepStrictEqual(fields(taskProblems({ ...good, targets: ['bad id'] }, now)), ['device_id']);
    assert.deepStrictEqual(fields(taskProblems({ ...good, task_policy: { retry_count: 2 } }, now)), ['task_policy']);
    assert.deepStrictEqual(fields(taskProblems({ ...good, task_policy: { retry_count: 6, retry_interval: 0 } }, now)), ['task_policy.retry_count', 'task_policy.retry_interval']);
    assert.deepStrictEqual(fields(taskProblems({ ...good, task_policy: { schedule_time: '20261208T090000Z' } }, now)), ['task_policy.schedule_time']);
    assert.match(taskProblems({ ...good, task_policy: { schedule_time: '2026-12-01' } }, now)[0].message, /yyyyMMdd'T'HHmmss'Z'/);
    assert.deepStrictEqual(fields(taskProblems({ ...good, task_ext_info: { x: 'y'.repeat(600) } }, now)), ['task_ext_info']);
  });
});
