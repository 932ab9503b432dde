// Quick Release end to end on Alibaba Cloud IoT Platform: the demo workspace's real build, the
// provider from the BUILT bundle (dist/clouds/aliyun.js), GenerateOTAUploadURL + OSS POST +
// CreateOTAFirmware, a verify job tagged with the client reference, the board's Alibaba agent over
// MQTT downloading from OSS, checking the MD5 and informing its new version (which is what marks
// the task SUCCEEDED), its banner read through a real pty. Failure paths: a wrong sign (step -3,
// FAILED with its TaskDesc), a re-run on a verified firmware (a SPECIFIC re-test, never the raw
// refusal), a release interrupted at every step and lost create replies (one upload, one firmware,
// one verify job), bad input.
import { strict as assert } from 'assert';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import { resumePoint, resumeRelease, startRelease } from '../../src/core/release';
import { startAliyunEmulator } from '../bench/aliyun-emulator/server';
import { ALIYUN_BENCH, PACKAGE, startAliyunReleaseBench, type AliyunReleaseBench } from './aliyunReleaseBench';
import { assertPassedWithoutPublish, expectCloudError, interruptAtEveryStep, releaseUntilPassed, releaseWithSnapshots } from './releaseRuns';

describe('Quick Release end to end on Alibaba IoT Platform (emulator + virtual board on a pty, built bundle)', function () {
  this.timeout(180_000);
  let b: AliyunReleaseBench;

  before(async () => {
    b = await startAliyunReleaseBench();
  });
  after(async () => {
    await b?.close();
  });

  it('Quick Release → PASSED: uploaded to OSS, firmware registered, verify job SUCCEEDED, firmware verified, the board printed the new version', async () => {
    b.setVersion('2.1.0');
    const { r, snapshots } = await releaseWithSnapshots(b);
    // Alibaba firmware has no version lifecycle: the publish step is skipped.
    assertPassedWithoutPublish(b, r, '2.1.0', ALIYUN_BENCH.deviceName);
    // The verify job carries the client reference in its Tag; the firmware is now verified.
    const job = b.ali.world.jobs.get(r.job!.id)!;
    assert.equal(job.JobType, 'VERFIY_FIRMWARE');
    assert.deepEqual(job.Tags, [{ Key: 'otabench.ref', Value: r.job!.reference }]);
    const fw = b.ali.world.firmware.get(job.FirmwareId)!;
    assert.equal(fw.Status, 1);
    assert.equal(fw.FirmwareSign, r.artifact?.md5Hex);
    assert.equal(fw.SignMethod, 'MD5');
    // The tree: Firmware → bench-demo-firmware → 2.1.0 (verified, 100 %) → the verify job → the device task.
    const pkgs = await b.provider.listPackages();
    assert.ok(pkgs.items.some((p) => p.id === PACKAGE), JSON.stringify(pkgs.items.map((p) => p.id)));
    const versions = await b.provider.listVersions(PACKAGE);
    const v = versions.items.find((x) => x.version === '2.1.0')!;
    assert.equal(v.id, fw.FirmwareId);
    assert.equal(v.status, 'verified');
    const jobs = await b.provider.listJobs({ version: { packageId: PACKAGE, versionId: v.id } });
    assert.deepEqual(jobs.items.map((j) => [j.id, j.kind, j.status]), [[r.job!.id, 'verify', 'completed']]);
    const tasks = await b.provider.listExecutions(r.job!.id);
    assert.deepEqual(tasks.items.map((t) => [t.target, t.rawStatus, t.progress]), [[ALIYUN_BENCH.deviceName, 'SUCCEEDED', 100]]);
    // Serial: the download, the MD5 check, the reboot and the banner.
    const text = b.serialText();
    assert.match(text, /upgrade to v2\.1\.0/);
    assert.match(text, /sign verified \(Md5/);
    assert.match(text, /boot: firmware version 2\.1\.0/);
    assert.ok(snapshots.some((s) => s.executions.some((e) => e.status === 'in-progress' || e.status === 'notified')), 'a snapshot before the end');
    assert.deepEqual(b.counts('2.1.0'), { uploads: 1, firmware: 1, verifyJobs: 1 });
  });

  it('a re-run on the verified firmware re-tests the bench with a SPECIFIC upgrade job (never the raw refusal) → PASSED', async () => {
    // The developer flashed the old image back over serial; the firmware stays verified on the cloud.
    await b.board.installAndReboot(Buffer.from('old image'), '1.0.0', 'serial');
    assert.equal(b.board.version, '1.0.0');
    const r = await startRelease(b.config(), b.deps());
    assert.equal(r.status, 'passed', r.note);
    assert.equal(r.steps.find((s) => s.id === 'register')!.reused, true, 'the firmware is reused');
    const job = b.ali.world.jobs.get(r.job!.id)!;
    assert.equal(job.JobType, 'UPGRADE_FIRMWARE');
    assert.equal(job.TargetSelection, 'SPECIFIC');
    assert.equal(job.Tags[0].Value, r.job!.reference);
    assert.equal(b.board.version, '2.1.0');
    assert.deepEqual(b.counts('2.1.0'), { uploads: 1, firmware: 1, verifyJobs: 2 });
    // The platform still refuses a verify job (the rule the provider works around).
    const refused = b.ali.world.createVerifyJob.bind(b.ali.world);
    assert.throws(() => refused({ FirmwareId: job.FirmwareId, ProductKey: ALIYUN_BENCH.productKey, 'TargetDeviceName.1': ALIYUN_BENCH.deviceName, TimeoutInMinutes: '5' }), /already verified/);
  });

  it('a wrong sign → the board reports step -3: the task FAILED with its TaskDesc in the tree and the verdict; firmware verification failed', async () => {
    b.setVersion('2.1.1');
    const corrupt = () => {
      const up = [...b.ali.world.uploads.values()].at(-1)!;
      const file = b.ali.objectFile(up.key)!;
      const bytes = readFileSync(file);
      bytes[bytes.length - 1] ^= 0xff;
      writeFileSync(file, bytes);
    };
    const r = await startRelease(b.config(), b.deps({ onEvent: (e) => e.type === 'step' && e.step === 'start-verify' && e.status === 'started' && corrupt() }));
    assert.equal(r.status, 'failed', r.note);
    const exec = r.rollout!.executions[0];
    assert.equal(exec.status, 'failed');
    assert.equal(exec.rawStatus, 'FAILED');
    const why = r.verdict!.reasons.join(' ');
    assert.match(why, /sign mismatch/, why);
    assert.equal(b.board.version, '2.1.0', 'the board keeps its version');
    const tasks = await b.provider.listExecutions(r.job!.id);
    assert.equal(tasks.items[0].rawStatus, 'FAILED');
    assert.match(tasks.items[0].reason!, /sign mismatch \(Md5\)/);
    assert.equal((await b.provider.listVersions(PACKAGE, { prefix: '2.1.1' })).items[0].status, 'verify-failed');
    assert.match(b.serialText(), /upgrade failed \(step -3\)/);
  });

  it('interrupted at every step, each resume ends PASSED with one upload, one firmware and one verify job', async () => {
    await interruptAtEveryStep(b, '2.2.0', ['upload', 'register', 'start-verify', 'watch']);
    assert.deepEqual(b.counts('2.2.0'), { uploads: 1, firmware: 1, verifyJobs: 1 });
  });

  it('registering failed after the upload (a 5xx): the resume registers that same upload (one upload)', async () => {
    b.setVersion('2.2.1');
    b.ali.faults.failNext(1, { action: 'CreateOTAFirmware' });
    const r = await startRelease(b.config(), b.deps());
    assert.equal(r.status, 'failed', r.note);
    assert.equal(resumePoint(r), 'register');
    const stored = await b.store.load();
    // OSS cannot be searched: the upload's FirmwareUrl (and when it was made) is kept in the record.
    assert.ok(stored?.upload?.location?.FirmwareUrl, 'the upload location is in the record');
    assert.deepEqual(b.counts('2.2.1'), { uploads: 1, firmware: 0, verifyJobs: 0 });
    const done = await resumeRelease(stored!, b.deps());
    assert.equal(done.status, 'passed', done.note);
    assert.deepEqual(b.counts('2.2.1'), { uploads: 1, firmware: 1, verifyJobs: 1 });
    assert.equal(b.ali.world.firmware.get(done.publish!.versionId)!.FirmwareUrl, stored!.upload!.location!.FirmwareUrl);
  });

  it('lost replies to CreateOTAFirmware and CreateOTAVerifyJob: the re-runs find what was created (one firmware, one job)', async () => {
    b.setVersion('2.2.2');
    b.ali.faults.loseReplyNext(1, { action: 'CreateOTAFirmware' });
    b.ali.faults.loseReplyNext(1, { action: 'CreateOTAVerifyJob' });
    const r = await releaseUntilPassed(b);
    assert.equal(r.status, 'passed', r.note);
    assert.deepEqual(b.counts('2.2.2'), { uploads: 1, firmware: 1, verifyJobs: 1 });
  });

  describe('bad input', () => {
    it('an instance with an id and a profile without one: the message names the setting', async () => {
      const inst = await startAliyunEmulator({ accessKeys: { [ALIYUN_BENCH.accessKeyId]: b.secret }, iotInstanceId: 'iot-06z00benchinst' });
      try {
        const p = await b.providerWith({ endpoint: inst.url });
        await expectCloudError(p.listPackages(), 'config', /IoT instance id \(IotInstanceId/, b.secret);
        const ok = await b.providerWith({ endpoint: inst.url, iotInstanceId: 'iot-06z00benchinst' });
        assert.deepEqual((await ok.listPackages()).items, []);
      } finally {
        await inst.close();
      }
    });

    it('an expired STS token in the aliyun CLI profile: a clear message before any call', async () => {
      const home = join(b.dir, 'home');
      mkdirSync(join(home, '.aliyun'), { recursive: true });
      writeFileSync(
        join(home, '.aliyun', 'config.json'),
        JSON.stringify({ current: 'sts', profiles: [{ name: 'sts', mode: 'StsToken', access_key_id: 'STS.expired', access_key_secret: 'expired-secret', sts_token: 'tok', sts_expiration: Math.floor(Date.now() / 1000) - 60, region_id: 'cn-shanghai' }] }),
      );
      const saved = { HOME: process.env.HOME, disabled: process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED };
      process.env.HOME = home;
      process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
      const before = b.ali.http.log.length;
      try {
        assert.equal(homedir(), home);
        const p = await b.providerWith({ credentials: 'chain' });
        await expectCloudError(p.listPackages(), 'credentials', /STS token .*expired.*aliyun configure/s, 'expired-secret');
        assert.equal(b.ali.http.log.length, before, 'nothing was sent');
      } finally {
        process.env.HOME = saved.HOME;
        if (saved.disabled === undefined) delete process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED;
        else process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = saved.disabled;
      }
    });

    it('more than 10 bench boards: a clear message before the call', async () => {
      const names = Array.from({ length: 11 }, (_, i) => `bench-board-${String(i).padStart(2, '0')}`);
      const p = await b.providerWith({ deviceName: names.join(',') });
      const jobsBefore = b.ali.world.jobs.size;
      await expectCloudError(p.startVerifyJob({ packageName: PACKAGE, version: '2.1.0', reference: 'ota-bench-verify-x' }), 'invalid', /at most 10 devices.*11/);
      assert.equal(b.ali.world.jobs.size, jobsBefore);
    });

    it('a firmware name taken by another image: a clear message naming what to do', async () => {
      const artifact = { path: join(b.dir, 'other.bin'), size: 9, sha256Hex: 'a'.repeat(64), md5Hex: 'b'.repeat(32) };
      writeFileSync(artifact.path, 'other img');
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: '2.1.0', artifact }), 'already-exists', /Firmware name .* is taken .*different image.*bump the firmware version/s);
    });

    it('limits are checked before anything is uploaded: version characters, file suffix, size', async () => {
      const uploads = b.ali.world.uploads.size;
      const artifact = { path: join(b.dir, 'fw.bin'), size: 1024, sha256Hex: 'a'.repeat(64), md5Hex: 'b'.repeat(32) };
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: 'v 1/2', artifact }), 'invalid', /DestVersion/);
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: '9.9.9', artifact: { ...artifact, path: '/tmp/fw.hex' } }), 'invalid', /\.bin/);
      await expectCloudError(b.provider.publish({ packageName: PACKAGE, version: '9.9.9', artifact: { ...artifact, size: 1001 * 1024 * 1024 } }), 'invalid', /1000 MB/);
      assert.equal(b.ali.world.uploads.size, uploads, 'nothing was uploaded');
    });
  });
});
