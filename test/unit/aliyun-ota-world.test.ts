// The Alibaba emulator's OTA state on its own (no HTTP/MQTT): the platform's rules for firmware,
// verify jobs, device tasks and what devices report.
import assert from 'assert';
import { OtaWorld, type AliyunFault, type Task } from '../bench/aliyun-emulator/ota';
import type { UpgradePush } from '../../src/core/clouds/aliyun/wire';

const PK = 'a1Pk';

function world() {
  let now = Date.parse('2026-11-30T10:00:00Z');
  const w = new OtaWorld({ minuteMs: 1000, now: () => now, downloadUrl: (u) => `http://oss.test/${u.key}` });
  for (const dn of ['d1', 'd2', 'd3']) w.addDevice({ productKey: PK, deviceName: dn, secret: 's', version: '1.0.0' });
  const pushes: { dn: string; push: UpgradePush }[] = [];
  w.on('push', (_pk: string, dn: string, push: UpgradePush) => pushes.push({ dn, push }));
  const upload = (key = `ota/firmware/${Math.random()}.bin`) => {
    const url = `http://oss.test/${key}`;
    w.addUpload({ key, url, bytes: 1234, md5: 'aa'.repeat(16), sha256: 'bb'.repeat(32) });
    return url;
  };
  const firmware = (extra: Record<string, string> = {}) => w.createFirmware({ FirmwareName: `fw-${Math.random().toString(36).slice(2, 8)}`, DestVersion: '2.0.0', FirmwareUrl: upload(), ProductKey: PK, ...extra });
  const advance = (ms: number) => (now += ms);
  return { w, pushes, upload, firmware, advance };
}

const fault = (fn: () => unknown): AliyunFault => {
  try {
    fn();
  } catch (e) {
    return e as AliyunFault;
  }
  return assert.fail('expected a refusal');
};

const tasks = (w: OtaWorld, jobId: string) => w.tasksOf(jobId).map((t: Task) => `${t.DeviceName}:${t.TaskStatus}`);

describe('aliyun emulator: OTA state', () => {
  it('firmware from an upload: unverified by default, unique names, the upload must exist', () => {
    const { w, firmware, upload } = world();
    const fw = firmware();
    assert.strictEqual(fw.Status, 0);
    assert.strictEqual(fw.SignMethod, 'MD5');
    assert.strictEqual(fw.FirmwareSign, 'aa'.repeat(16), 'the OSS object MD5 when no FirmwareSign');
    assert.strictEqual(fw.FirmwareSize, 1234);
    assert.strictEqual(firmware({ NeedToVerify: 'false' }).Status, -1);
    assert.strictEqual(fault(() => w.createFirmware({ FirmwareName: fw.FirmwareName, DestVersion: '3', FirmwareUrl: upload() })).code, 'iot.ota.FirmwareNameExisted');
    assert.strictEqual(fault(() => w.createFirmware({ FirmwareName: 'x1', DestVersion: '3', FirmwareUrl: 'http://oss.test/none' })).code, 'iot.ota.FirmwareUrlNotExist');
    assert.match(fault(() => w.createFirmware({ FirmwareName: 'a.b', DestVersion: '3', FirmwareUrl: upload() })).message, /FirmwareName is invalid/);
    assert.strictEqual(fault(() => w.getFirmware('nope')).code, 'iot.ota.FirmwareNotExist');
  });

  it('verify job: pushed to the device, IN_PROGRESS on progress, SUCCEEDED only on the version report; firmware verified', () => {
    const { w, pushes, firmware } = world();
    const fw = firmware({ FirmwareSign: 'cc'.repeat(16) });
    const job = w.createVerifyJob({ FirmwareId: fw.FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'd1', TimeoutInMinutes: '10', 'Tag.1.Key': 'otabench.ref', 'Tag.1.Value': 'ref-1' });
    assert.deepStrictEqual(job.Tags, [{ Key: 'otabench.ref', Value: 'ref-1' }]);
    assert.strictEqual(fw.Status, 2);
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:NOTIFIED']);
    assert.deepStrictEqual(pushes[0].push.data, { size: 1234, version: '2.0.0', url: pushes[0].push.data.url, sign: 'cc'.repeat(16), signMethod: 'Md5', md5: 'cc'.repeat(16) });
    w.onProgress(PK, 'd1', '50');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:IN_PROGRESS']);
    w.onProgress(PK, 'd1', '100');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:IN_PROGRESS'], 'progress 100 is not success');
    w.onVersion(PK, 'd1', '1.0.0');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:IN_PROGRESS'], 'the old version is not success');
    w.onVersion(PK, 'd1', '2.0.0');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:SUCCEEDED']);
    assert.strictEqual(w.getJob(job.JobId).JobStatus, 'COMPLETED');
    assert.strictEqual(fw.Status, 1);
    assert.strictEqual(fw.VerifyProgress, 100);
  });

  it('refuses a verify job while verifying and once verified', () => {
    const { w, firmware } = world();
    const fw = firmware();
    const q = { FirmwareId: fw.FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'd1', TimeoutInMinutes: '5' };
    w.createVerifyJob(q);
    assert.match(fault(() => w.createVerifyJob(q)).message, /being verified/);
    w.onVersion(PK, 'd1', '2.0.0');
    const e = fault(() => w.createVerifyJob(q));
    assert.strictEqual(e.code, 'iot.ota.VerifyFirmwareStatusError');
    assert.match(e.message, /already verified/);
  });

  it('a failure step fails the task with the device desc; the firmware fails verification and may be verified again', () => {
    const { w, firmware } = world();
    const fw = firmware();
    const q = { FirmwareId: fw.FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'd1', TimeoutInMinutes: '5' };
    const job = w.createVerifyJob(q);
    w.onProgress(PK, 'd1', '-3', 'sign mismatch (Md5)');
    const [t] = w.tasksOf(job.JobId);
    assert.strictEqual(t.TaskStatus, 'FAILED');
    assert.strictEqual(t.TaskDesc, 'sign mismatch (Md5)');
    assert.strictEqual(fw.Status, 3);
    w.onProgress(PK, 'd1', '-2');
    assert.strictEqual(w.createVerifyJob(q).JobStatus, 'IN_PROGRESS');
  });

  it('the verify job limits: ≤10 distinct known devices, TimeoutInMinutes 1–1440, valid tags', () => {
    const { w, firmware } = world();
    const fw = firmware();
    const base = { FirmwareId: fw.FirmwareId, ProductKey: PK, TimeoutInMinutes: '5' };
    assert.match(fault(() => w.createVerifyJob({ ...base, ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`TargetDeviceName.${i + 1}`, 'd1'])) })).message, /at most 10/);
    assert.strictEqual(fault(() => w.createVerifyJob({ ...base, 'TargetDeviceName.1': 'ghost' })).code, 'iot.device.NotExistedDevice');
    assert.match(fault(() => w.createVerifyJob({ ...base, 'TargetDeviceName.1': 'd1', TimeoutInMinutes: '0' })).message, /TimeoutInMinutes/);
    assert.match(fault(() => w.createVerifyJob({ ...base, 'TargetDeviceName.1': 'd1', 'Tag.1.Key': 'bad-key', 'Tag.1.Value': 'v' })).message, /Tag key/);
    assert.strictEqual(fw.Status, 0, 'a refused job leaves the firmware as it was');
  });

  it('one task per device: a newer task waits QUEUED and is pushed when the older one ends', () => {
    const { w, pushes, firmware } = world();
    const a = w.createVerifyJob({ FirmwareId: firmware().FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'd2', TimeoutInMinutes: '5' });
    const b = w.createVerifyJob({ FirmwareId: firmware().FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'd2', TimeoutInMinutes: '5' });
    assert.deepStrictEqual([...tasks(w, a.JobId), ...tasks(w, b.JobId)], ['d2:NOTIFIED', 'd2:QUEUED']);
    assert.strictEqual(pushes.length, 1);
    assert.strictEqual(w.cancelTasks({ JobId: a.JobId, CancelNotifiedTask: 'true' }), 1);
    assert.strictEqual(w.getJob(a.JobId).JobStatus, 'CANCELED');
    assert.deepStrictEqual(tasks(w, b.JobId), ['d2:NOTIFIED']);
    assert.strictEqual(pushes.length, 2);
    assert.strictEqual(fault(() => w.cancelTasks({ JobId: b.JobId })).code, 'iot.check.InvalidFormattedParameter');
  });

  it('a pushed task past TimeoutInMinutes is FAILED with TaskDesc "timeout"', () => {
    const { w, firmware, advance } = world();
    const job = w.createVerifyJob({ FirmwareId: firmware().FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'd3', TimeoutInMinutes: '2' });
    advance(1500);
    w.tick();
    assert.deepStrictEqual(tasks(w, job.JobId), ['d3:NOTIFIED']);
    advance(600);
    w.tick();
    const [t] = w.tasksOf(job.JobId);
    assert.strictEqual(t.TaskStatus, 'FAILED');
    assert.strictEqual(t.TaskDesc, 'timeout');
  });

  it('a static upgrade job needs a verified firmware; SPECIFIC targets the named devices', () => {
    const { w, firmware } = world();
    const fw = firmware();
    const q = { FirmwareId: fw.FirmwareId, ProductKey: PK, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': 'd1', 'TargetDeviceName.2': 'd2' };
    assert.strictEqual(fault(() => w.createStaticJob(q)).code, 'iot.ota.FirmwareNotVerified');
    w.createVerifyJob({ FirmwareId: fw.FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'd3', TimeoutInMinutes: '5' });
    w.onVersion(PK, 'd3', '2.0.0');
    const job = w.createStaticJob(q);
    assert.strictEqual(job.JobType, 'UPGRADE_FIRMWARE');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:NOTIFIED', 'd2:NOTIFIED']);
    assert.deepStrictEqual(w.jobsOf(fw.FirmwareId).map((j) => j.JobType), ['UPGRADE_FIRMWARE', 'VERFIY_FIRMWARE']);
    assert.ok(w.pendingPush(PK, 'd1'));
    assert.strictEqual(w.pendingPush(PK, 'd3'), undefined);
  });
});
