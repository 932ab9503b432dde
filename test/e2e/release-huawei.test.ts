// Quick Release end to end on Huawei Cloud IoTDA: the demo workspace's real build, the provider
// from the BUILT bundle (dist/clouds/huawei.js), OBS upload + CreateOtaPackage, a firmwareUpgrade
// verify task on the bench device, the board's Huawei agent over MQTT downloading from OBS and
// checking the SHA-256, its banner read through a real pty. Failure paths: a corrupted upload
// (result_code 7), a release interrupted at every step (one object, one package, one task), bad
// keys / project / instance, limits refused before the upload, a board that never reports.
import { strict as assert } from 'assert';
import { readFileSync, writeFileSync } from 'fs';
import { isCloudError } from '../../src/core/errors';
import { startRelease } from '../../src/core/release';
import { HUAWEI_DEFAULTS, startHuaweiEmulator } from '../bench/huawei-emulator';
import { PACKAGE, startHuaweiReleaseBench, type HuaweiReleaseBench } from './huaweiReleaseBench';
import { assertPassedWithoutPublish, expectCloudError as expectAnyCloudError, interruptAtEveryStep, releaseUntilPassed, releaseWithSnapshots } from './releaseRuns';

/** Every Huawei error is also checked for the emulator's keys and tokens. */
const expectCloudError = (p: Promise<unknown>, code: string, re: RegExp) => expectAnyCloudError(p, code, re, /huawei-emulator-secret|security-token/);

describe('Quick Release end to end on Huawei IoTDA (emulator + virtual board on a pty, built bundle)', function () {
  this.timeout(180_000);
  let b: HuaweiReleaseBench;

  before(async () => {
    b = await startHuaweiReleaseBench({ emulator: { detailTimeoutMs: 12_000, minuteMs: 1000 } });
  });
  after(async () => {
    await b?.close();
  });

  it('Quick Release → PASSED: published to OBS + IoTDA, verify task Success, the board printed the new version', async () => {
    b.setVersion('2.1.0');
    const { r, snapshots } = await releaseWithSnapshots(b);
    // IoTDA has no version lifecycle: the publish step is skipped.
    assertPassedWithoutPublish(b, r, '2.1.0', HUAWEI_DEFAULTS.deviceId);
    // The task is named by the client reference (task_name: "_" only) and marked as a verify job.
    const task = [...b.hw.model.tasks.values()].at(-1)!.task;
    assert.match(task.task_name, /^ota_bench_verify_[A-Za-z0-9_]+$/);
    assert.equal(r.job?.id, task.task_id);
    assert.equal((await b.provider.describeJob(task.task_id)).job.kind, 'verify');
    // The package record: sign = hex SHA-256 of the image, file on OBS, grouped under the package name.
    const pkg = [...b.hw.model.packages.values()].find((p) => p.version === '2.1.0')!;
    assert.equal(pkg.file_location?.obs_location?.sign, r.artifact?.sha256Hex);
    const versions = await b.provider.listVersions(PACKAGE);
    assert.ok(versions.items.some((v) => v.version === '2.1.0' && v.id === pkg.package_id));
    // Serial: the download, the SHA-256 check with the task id, the reset and the banner.
    const text = b.serialText();
    assert.match(text, new RegExp(`task ${task.task_id}: sha256 verified`));
    assert.match(text, /boot: firmware version 2\.1\.0/);
    assert.ok(snapshots.some((s) => s.executions.some((e) => e.status === 'in-progress')), 'an in-progress snapshot');
    assert.deepEqual(b.counts('2.1.0'), { objects: 1, packages: 1, tasks: 1 });
  });

  it('a corrupted upload → the device reports result_code 7: Fail in the task details, the rollout and the verdict', async () => {
    b.setVersion('2.1.1');
    const corrupt = () => {
      const obj = [...b.hw.obs.store.buckets.get(HUAWEI_DEFAULTS.bucket)!.objects.entries()].find(([k]) => k.includes(`/${PACKAGE}/2.1.1/`))![1].at(-1)!;
      const bytes = readFileSync(obj.file);
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(obj.file, bytes);
    };
    const r = await startRelease(b.config(), b.deps({ onEvent: (e) => e.type === 'step' && e.step === 'register' && e.status === 'started' && corrupt() }));
    assert.equal(r.status, 'failed');
    const exec = r.rollout!.executions[0];
    assert.equal(exec.status, 'failed');
    assert.equal(exec.rawStatus, 'Fail');
    const why = r.verdict!.reasons.join(' ');
    assert.match(why, /7/, why);
    assert.match(why, /verification failure/i, why);
    assert.equal(b.board.version, '2.1.0', 'the board keeps its version');
    // What the tree shows for the task's device.
    const details = await b.provider.listExecutions(r.job!.id);
    assert.equal(details.items[0].rawStatus, 'Fail');
    assert.match(details.items[0].reason!, /7.*verification failure|verification failure.*7/i);
    assert.equal(details.items[0].statusDetails?.error_code, '7');
    assert.match(b.serialText(), new RegExp(`task ${r.job!.id}: sha256 mismatch`));
  });

  it('interrupted at every step, each resume ends PASSED with one OBS object, one package and one task', async () => {
    await interruptAtEveryStep(b, '2.2.0', ['upload', 'register', 'start-verify', 'watch']);
    assert.deepEqual(b.counts('2.2.0'), { objects: 1, packages: 1, tasks: 1 });
  });

  it('lost replies to CreateOtaPackage and CreateBatchTask: the re-runs find what was created (one package, one task)', async () => {
    b.setVersion('2.2.1');
    b.hw.faults.loseReplyNext(1, { action: 'CreateOtaPackage' });
    b.hw.faults.loseReplyNext(1, { action: 'CreateBatchTask' });
    const r = await releaseUntilPassed(b);
    assert.equal(r.status, 'passed', r.note);
    for (const action of ['CreateOtaPackage', 'CreateBatchTask']) assert.ok(b.hw.requests.some((q) => q.action === action && q.fault === 'lose-reply'), `${action}'s reply was lost`);
    assert.deepEqual(b.counts('2.2.1'), { objects: 1, packages: 1, tasks: 1 });
  });

  it('a board that never reports: the task fails at its timeout, and the verdict says so', async () => {
    b.setVersion('2.3.0');
    // A device of the product that is online but never answers the upgrade.
    b.hw.model.addDevice({ device_id: 'otabench_product_silent', product_id: HUAWEI_DEFAULTS.productId, app_id: HUAWEI_DEFAULTS.appId, secret: 'x' });
    b.hw.model.setOnline('otabench_product_silent', true);
    const r = await startRelease(b.config({ target: 'otabench_product_silent' }), b.deps());
    assert.equal(r.status, 'failed');
    assert.equal(r.rollout!.executions[0].rawStatus, 'Fail');
    assert.match(r.verdict!.reasons.join(' '), /timed out/, r.verdict!.reasons.join(' '));
  });

  it('pending work: a task already holding a bench device is found (a device takes one upgrade at a time); none for a free device', async () => {
    const pkg = [...b.hw.model.packages.values()].at(-1)!;
    const busy = b.hw.model.createTask({ task_name: 'console_rollout_busy', task_type: 'firmwareUpgrade', targets: ['otabench_product_silent'], document: { package_id: pkg.package_id } }, HUAWEI_DEFAULTS.appId).task_id;
    const found = await b.provider.pendingWork(['otabench_product_silent']);
    assert.deepEqual(found.map((j) => [j.id, j.rawStatus]), [[busy, 'otabench_product_silent: Processing']]);
    assert.deepEqual(await b.provider.pendingWork([HUAWEI_DEFAULTS.deviceId]), []);
    await b.provider.cancelJob(busy);
    assert.deepEqual(await b.provider.pendingWork(['otabench_product_silent']), []);
    await b.provider.cancelJob(busy); // stopping a stopped task again is not an error (a lost reply's retry)
  });

  it('the watch: FailWaitRetry (the task will retry the device) neither ends the watch nor counts as a failure', async () => {
    const dev = 'otabench_product_retry';
    b.hw.model.addDevice({ device_id: dev, product_id: HUAWEI_DEFAULTS.productId, app_id: HUAWEI_DEFAULTS.appId, secret: 'x' });
    const pkg = [...b.hw.model.packages.values()].find((p) => p.version === '2.1.0')!;
    const taskId = b.hw.model.createTask({ task_name: 'retry_policy_task', task_type: 'firmwareUpgrade', targets: [dev], document: { package_ids: [pkg.package_id] }, task_policy: { retry_count: 1, retry_interval: 1 } }, HUAWEI_DEFAULTS.appId).task_id;
    b.hw.model.setOnline(dev, true);
    const fail = () => b.hw.model.onDeviceEvent(dev, 'upgrade_progress_report', { result_code: 6, progress: 0, description: 'download timed out' });
    const seen: string[] = [];
    let failedOnce = false;
    for await (const r of b.provider.watchJob(taskId, { intervalMs: 100 })) {
      const e = r.executions[0];
      seen.push(`${r.job.rawStatus}/${e?.rawStatus}/${r.done}`);
      if (e?.rawStatus === 'Processing' && !failedOnce) {
        failedOnce = true;
        fail();
      } else if (e?.rawStatus === 'FailWaitRetry') {
        assert.equal(r.done, false);
        assert.equal(e.status, 'queued');
        assert.match(e.reason!, /retry/);
        assert.equal(r.counts.failed, undefined, 'not counted as failed yet');
      } else if (e?.rawStatus === 'Processing' && failedOnce) fail();
    }
    assert.ok(seen.some((x) => x.includes('/FailWaitRetry/false')), seen.join(' '));
    assert.match(seen.at(-1)!, /^Fail\/Fail\/true$/, seen.join(' '));
  });

  describe('bad input', () => {
    it('a wrong AK/SK, an expired security token, a wrong project id or instance id: the message names what to fix', async () => {
      const wrongKey = await b.providerWith({}, { accessKey: b.hw.credentials.accessKey, secretKey: 'not-the-secret-key-0000000000000000000' });
      await expectCloudError(wrongKey.listPackages(), 'credentials', /Edit Profile Keys/);
      const expired = await b.providerWith({}, { ...b.hw.expiredCredentials });
      await expectCloudError(expired.listPackages(), 'credentials', /expired/i);
      const temporary = await b.providerWith({}, { ...b.hw.temporaryCredentials });
      assert.ok((await temporary.listPackages()).items.length > 0, 'a temporary AK/SK with its token works');
      const project = await b.providerWith({ projectId: 'ffffffffffffffffffffffffffffffff' });
      await expectCloudError(project.listJobs(), 'config', /Project id.*projectId/);
      const noKeys = await b.providerWith({}, {}).catch((e: unknown) => e);
      assert.ok(isCloudError(noKeys) && noKeys.code === 'credentials' && /Edit Profile Keys/.test(noKeys.hint ?? ''), String(noKeys));
    });

    it('a wrong instance id on a standard instance: names the instance id setting', async () => {
      const inst = await startHuaweiEmulator({ instanceId: 'a1b2c3d4-0000-4000-8000-000000000001' });
      try {
        const p = await b.providerWith({ endpoint: inst.endpoint, projectId: inst.projectId, instanceId: 'a1b2c3d4-0000-4000-8000-000000000002' });
        await expectCloudError(p.listJobs(), 'config', /instance id.*instanceId/i);
        const ok = await b.providerWith({ endpoint: inst.endpoint, projectId: inst.projectId, instanceId: 'a1b2c3d4-0000-4000-8000-000000000001' });
        assert.deepEqual((await ok.listJobs()).items, []);
      } finally {
        await inst.close();
      }
    });

    it('a version or a file outside the limits is refused before anything is uploaded', async () => {
      const before = b.hw.requests.length;
      const artifact = { path: '/tmp/fw.bin', size: 1024, sha256Hex: 'a'.repeat(64), md5Hex: 'b'.repeat(32) };
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: 'v 1/2', artifact }), 'invalid', /version/);
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: '9.9.9', artifact: { ...artifact, size: 1024 ** 3 + 1 } }), 'invalid', /1 GB/);
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: '9.9.9', artifact: { ...artifact, path: '/tmp/fw.hex' } }), 'invalid', /\.bin/);
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: '9.9.9', artifact, description: 'd'.repeat(1025) }), 'invalid', /description is at most 1024/);
      assert.equal(b.hw.requests.length, before, 'no request reached IoTDA or OBS');
    });
  });
});
