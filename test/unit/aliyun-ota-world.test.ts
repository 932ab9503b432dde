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
  it('a static job follows the documented ranges; each refusal is a platform error code', () => {
    const { w, firmware } = world();
    const fw = firmware({ NeedToVerify: 'false' });
    const base = { FirmwareId: fw.FirmwareId, ProductKey: PK, TargetSelection: 'ALL' };
    const code = (q: Record<string, string>) => fault(() => w.createStaticJob({ ...base, ...q }));
    const now = Date.parse('2026-11-30T10:00:00Z');
    const bad: Record<string, string>[] = [
      { MaximumPerMinute: '9' }, { MaximumPerMinute: '10001' }, { MaximumPerMinute: '10.5' },
      { TimeoutInMinutes: '0' }, { TimeoutInMinutes: '1441' },
      { RetryInterval: '15', RetryCount: '1' }, { RetryInterval: '60', RetryCount: '1', TimeoutInMinutes: '60' }, { RetryInterval: '10', RetryCount: '3' },
      { OverwriteMode: '3' },
      { TargetSelection: 'GRAY', GrayPercent: '12.3456' }, { TargetSelection: 'GRAY', GrayPercent: '0' }, { TargetSelection: 'GRAY', GrayPercent: '100.5' },
      { ScheduleTime: String(now + 4 * 60_000) }, { ScheduleTime: String(now + 8 * 24 * 3_600_000) }, { ScheduleTime: String(Math.floor((now + 600_000) / 1000)) },
      { ScheduleTime: String(now + 600_000), ScheduleFinishTime: String(now + 600_000 + 59 * 60_000) },
      { ScheduleTime: String(now + 600_000), ScheduleFinishTime: String(now + 600_000 + 31 * 24 * 3_600_000) },
      { ScheduleFinishTime: String(now + 2 * 3_600_000) },
    ];
    for (const q of bad) assert.strictEqual(code(q).code, 'iot.common.InvalidFormattedParameter', JSON.stringify(q));
    assert.strictEqual(code({ RetryInterval: '10' }).code, 'iot.check.InvalidFormattedParameter', 'RetryCount is needed with RetryInterval');
    assert.strictEqual(code({ TargetSelection: 'GROUP', GroupId: 'g1' }).code, 'iot.group.NotExistedGroup');
    // The edges are accepted.
    const edges: Record<string, string>[] = [{ MaximumPerMinute: '10', TimeoutInMinutes: '1440', RetryInterval: '60', RetryCount: '5' }, { MaximumPerMinute: '10000', TimeoutInMinutes: '1', RetryInterval: '0', RetryCount: '1' }, { RetryInterval: '1440', RetryCount: '2' }, { TargetSelection: 'GRAY', GrayPercent: '0.001' }, { ScheduleTime: String(now + 5 * 60_000), ScheduleFinishTime: String(now + 5 * 60_000 + 3_600_000) }];
    for (const q of edges) {
      assert.ok(w.createStaticJob({ ...base, ...q }).JobId, JSON.stringify(q));
    }
  });

  it('a scheduled static job is PLANNED without tasks until its ScheduleTime, and ends at ScheduleFinishTime', () => {
    const { w, firmware, advance } = world();
    const fw = firmware({ NeedToVerify: 'false' });
    const start = Date.parse('2026-11-30T10:00:00Z') + 10 * 60_000;
    const job = w.createStaticJob({ FirmwareId: fw.FirmwareId, ProductKey: PK, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': 'd1', ScheduleTime: String(start), ScheduleFinishTime: String(start + 3_600_000), MaximumPerMinute: '10' });
    assert.strictEqual(job.JobStatus, 'PLANNED');
    assert.strictEqual(job.UtcScheduleTime, new Date(start).toISOString());
    assert.strictEqual(job.UtcScheduleFinishTime, new Date(start + 3_600_000).toISOString());
    assert.deepStrictEqual(tasks(w, job.JobId), []);
    advance(9 * 60_000);
    w.tick();
    assert.strictEqual(job.JobStatus, 'PLANNED');
    advance(60_000);
    w.tick();
    assert.strictEqual(job.JobStatus, 'IN_PROGRESS');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:NOTIFIED']);
    advance(3_600_000);
    w.tick();
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:FAILED']);
    assert.strictEqual(w.tasksOf(job.JobId)[0].TaskDesc, 'the job reached its ScheduleFinishTime');
    assert.strictEqual(job.JobStatus, 'COMPLETED');
  });

  it('cancelling the scheduled tasks of a PLANNED job cancels it; it never starts', () => {
    const { w, firmware, advance } = world();
    const fw = firmware({ NeedToVerify: 'false' });
    const job = w.createStaticJob({ FirmwareId: fw.FirmwareId, ProductKey: PK, TargetSelection: 'ALL', ScheduleTime: String(Date.parse('2026-11-30T10:00:00Z') + 10 * 60_000) });
    w.cancelTasks({ JobId: job.JobId, CancelScheduledTask: 'true' });
    assert.strictEqual(job.JobStatus, 'CANCELED');
    advance(20 * 60_000);
    w.tick();
    assert.deepStrictEqual(tasks(w, job.JobId), []);
  });

  it('MaximumPerMinute caps the pushes of a minute; OverwriteMode 2 replaces a pending task, 1 queues behind it', () => {
    const { w, firmware, advance } = world();
    for (let i = 0; i < 12; i++) w.addDevice({ productKey: PK, deviceName: `m${i}`, secret: 's' });
    const fw = firmware({ NeedToVerify: 'false' });
    const job = w.createStaticJob({ FirmwareId: fw.FirmwareId, ProductKey: PK, TargetSelection: 'ALL', MaximumPerMinute: '10' });
    const notified = () => w.tasksOf(job.JobId).filter((t) => t.TaskStatus === 'NOTIFIED').length;
    assert.strictEqual(notified(), 10, '15 devices, 10 pushed in the first minute');
    advance(1001);
    w.tick();
    assert.strictEqual(notified(), 15);
    const other = firmware({ NeedToVerify: 'false', DestVersion: '3.0.0' });
    const keep = w.createStaticJob({ FirmwareId: other.FirmwareId, ProductKey: PK, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': 'd1' });
    assert.deepStrictEqual(tasks(w, keep.JobId), ['d1:QUEUED']);
    const replace = w.createStaticJob({ FirmwareId: other.FirmwareId, ProductKey: PK, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': 'd2', OverwriteMode: '2' });
    assert.deepStrictEqual(tasks(w, replace.JobId), ['d2:NOTIFIED']);
    assert.strictEqual(w.tasksOf(job.JobId).find((t) => t.DeviceName === 'd2')!.TaskStatus, 'CANCELED');
  });
  it('a failed device is retried RetryInterval minutes later, RetryCount times; the job ends after the last try', () => {
    const { w, firmware, advance } = world();
    const fw = firmware({ NeedToVerify: 'false' });
    const job = w.createStaticJob({ FirmwareId: fw.FirmwareId, ProductKey: PK, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': 'd1', TimeoutInMinutes: '60', RetryInterval: '10', RetryCount: '1' });
    w.onProgress(PK, 'd1', '-2', 'download failed');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:FAILED']);
    assert.strictEqual(job.JobStatus, 'IN_PROGRESS', 'a retry is due');
    advance(9 * 1000);
    w.tick();
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:FAILED']);
    advance(1000);
    w.tick();
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:NOTIFIED']);
    w.onProgress(PK, 'd1', '-2', 'download failed again');
    assert.deepStrictEqual(tasks(w, job.JobId), ['d1:FAILED']);
    assert.strictEqual(job.JobStatus, 'COMPLETED', 'RetryCount 1: no second retry');
  });
});
