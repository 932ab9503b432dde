// The Alibaba provider's own rules: how firmware records group into Packages (and why a copied
// description cannot move a record), job and task statuses (failed/partial, CONFIRM not final),
// the documented QPS held under a burst, and the 60-minute life of an unregistered upload on resume.
import { strict as assert } from 'assert';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createProvider } from '../../src/core/clouds/aliyun';
import { firmwareName } from '../../src/core/clouds/aliyun/limits';
import { benchPackageOf, firmwareDesc, rolloutOf, toExecution, toJob, toPackages, toVersion } from '../../src/core/clouds/aliyun/map';
import type { SimpleFirmwareInfo, SimpleOTATaskInfo } from '../../src/core/clouds/aliyun/wire';
import type { CloudProfile } from '../../src/core/profiles';
import { startAliyunEmulator, type AliyunEmulator } from '../bench/aliyun-emulator/server';

const PK = 'a1UnitProd01';
const fw = (name: string, version: string, desc?: string, extra: Partial<SimpleFirmwareInfo> = {}): SimpleFirmwareInfo => ({ FirmwareId: `fw-${name}`, FirmwareName: name, DestVersion: version, FirmwareDesc: desc, ProductKey: PK, UtcCreate: '2026-01-01T00:00:00.000Z', ...extra });
const task = (dn: string, status: string, desc = ''): SimpleOTATaskInfo => ({ TaskId: `t-${dn}`, JobId: 'j1', DeviceName: dn, TaskStatus: status, Progress: status === 'SUCCEEDED' ? '100' : '30', TaskDesc: desc });

describe('Alibaba provider: grouping and statuses', () => {
  it('a release firmware groups under its package name; a copied description or a console record groups by product/module', () => {
    const ours = fw(firmwareName(PK, 'app', '1.2.3'), '1.2.3', firmwareDesc('app', '1.2.3', 'nightly'));
    assert.equal(benchPackageOf(ours), 'app');
    // The same description on a firmware whose name is not the derived one: not trusted.
    const copied = fw('my-console-fw', '1.2.3', firmwareDesc('app', '1.2.3'));
    assert.equal(benchPackageOf(copied), undefined);
    // A description naming another version: not trusted either.
    assert.equal(benchPackageOf(fw(firmwareName(PK, 'app', '1.2.4'), '1.2.4', 'app@1.2.3')), undefined);
    const pkgs = toPackages([ours, copied, fw('mcu-fw', '3.0', undefined, { ModuleName: 'MCU' })]);
    assert.deepEqual(pkgs.map((p) => p.id), [`${PK}/MCU`, `${PK}/default`, 'app']);
  });

  it('a version shows what its Status number means, with VerifyProgress while verifying', () => {
    assert.deepEqual([toVersion(fw('a', '1', undefined, { Status: 3 })).status, toVersion(fw('a', '1', undefined, { Status: 3 })).rawStatus], ['verify-failed', 'verification failed (Status 3)']);
    assert.equal(toVersion({ ...fw('a', '1', undefined, { Status: 2 }), VerifyProgress: 40 } as SimpleFirmwareInfo).rawStatus, 'verifying 40% (Status 2)');
    assert.equal(toVersion(fw('a', '1', undefined, { Status: -1 })).status, 'verify-not-needed');
  });

  it('the description is cut to FirmwareDesc\'s 100 characters, the package part first', () => {
    const d = firmwareDesc('app', '1.0.0', 'x'.repeat(200));
    assert.equal([...d].length, 100);
    assert.ok(d.startsWith('app@1.0.0 '));
  });

  it('a COMPLETED job whose devices failed is failed (all) or partial (some), never completed', () => {
    const job = { JobId: 'j1', JobStatus: 'COMPLETED', JobType: 'VERFIY_FIRMWARE' };
    assert.equal(toJob(job, [toExecution(task('a', 'SUCCEEDED'), 'j1')]).status, 'completed');
    assert.equal(toJob(job, [toExecution(task('a', 'SUCCEEDED'), 'j1'), toExecution(task('b', 'FAILED', 'timeout'), 'j1')]).status, 'partial');
    assert.equal(toJob(job, [toExecution(task('a', 'FAILED', 'sign mismatch'), 'j1')]).status, 'failed');
    assert.equal(toJob(job).kind, 'verify');
    assert.equal(toJob({ JobId: 'j2', JobType: 'UPGRADE_FIRMWARE', Tags: { OtaTagDTO: [{ Key: 'otabench.ref', Value: 'ota-bench-verify-app-1-x' }] } }).kind, 'verify', 'a re-test carries the reference');
    assert.equal(toJob({ JobId: 'j3', JobType: 'UPGRADE_FIRMWARE' }).kind, 'fleet');
  });

  it('a task waiting at CONFIRM is queued and keeps the rollout going; TaskDesc is the reason', () => {
    const confirm = toExecution(task('a', 'CONFIRM'), 'j1');
    assert.equal(confirm.status, 'queued');
    assert.equal(rolloutOf({ JobId: 'j1', JobStatus: 'IN_PROGRESS' }, [confirm]).done, false);
    assert.equal(rolloutOf({ JobId: 'j1', JobStatus: 'COMPLETED' }, [confirm]).done, false, 'CONFIRM is not final');
    const failed = toExecution(task('a', 'FAILED', 'sign mismatch (Md5)'), 'j1');
    assert.equal(failed.reason, 'sign mismatch (Md5)');
    assert.equal(rolloutOf({ JobId: 'j1', JobStatus: 'COMPLETED' }, [failed]).done, true);
  });
});

describe('Alibaba provider on the emulator: QPS and the unregistered upload', function () {
  this.timeout(40_000);
  const KEY = 'LTAIunitKey';
  const SECRET = randomBytes(12).toString('hex');
  let emu: AliyunEmulator;
  let dir: string;
  const profile = () => ({ kind: 'aliyun', name: 'unit', region: 'cn-shanghai', endpoint: emu.url, productKey: PK, deviceName: 'unit-dev-01', credentials: 'secrets' }) as CloudProfile;
  const secrets = async (f: string) => ({ accessKeyId: KEY, accessKeySecret: SECRET })[f];

  before(async () => {
    emu = await startAliyunEmulator({ accessKeys: { [KEY]: SECRET }, devices: [{ productKey: PK, deviceName: 'unit-dev-01', secret: 'x' }] });
    dir = mkdtempSync(join(tmpdir(), 'otab-ali-prov-'));
  });
  after(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a burst of 50 tree calls never exceeds the documented 10 QPS of ListOTAFirmware (nor 20 of QueryOTAFirmware)', async () => {
    const p = await createProvider(profile(), secrets);
    const from = emu.http.log.length;
    await Promise.all(Array.from({ length: 50 }, () => p.listPackages()));
    await Promise.all(Array.from({ length: 50 }, () => p.getVersion!('x', 'fwMissing').catch(() => undefined)));
    const calls = emu.http.log.slice(from);
    for (const [action, qps] of [['ListOTAFirmware', 10], ['QueryOTAFirmware', 20]] as const) {
      const at = calls.filter((c) => c.action === action).map((c) => c.at).sort((a, b) => a - b);
      assert.equal(at.length, 50, action);
      // Arrival times carry a little network jitter: a window of 950 ms holds at most `qps` calls.
      const worst = Math.max(...at.map((t) => at.filter((u) => u >= t && u < t + 950).length));
      assert.ok(worst <= qps, `${action}: ${worst} calls within one second`);
    }
  });

  it('an upload never registered is reused within its 60 minutes, and uploaded again (saying why) after', async () => {
    const p = await createProvider(profile(), secrets);
    const path = join(dir, 'fw.bin');
    const bytes = randomBytes(4096);
    writeFileSync(path, bytes);
    const artifact = { path, size: bytes.length, sha256Hex: createHash('sha256').update(bytes).digest('hex'), md5Hex: createHash('md5').update(bytes).digest('hex') };
    // An interrupted publish: the upload's location came back through progress, then registering failed.
    emu.faults.failNext(1, { action: 'CreateOTAFirmware' });
    let location: Record<string, string> | undefined;
    await assert.rejects(p.publish({ packageName: 'unit', version: '1.0.0', artifact }, (e) => (location = e.location ?? location)));
    assert.ok(location?.FirmwareUrl);
    const uploads = emu.world.uploads.size;

    // 56 minutes later (past the 55-minute margin): not reused, uploaded again, and said so.
    const old = { ...location, uploadedAt: String(Date.now() - 56 * 60_000) };
    const said: string[] = [];
    const late = await p.publish({ packageName: 'unit', version: '1.0.0', artifact, uploaded: old }, (e) => e.message && said.push(e.message));
    assert.equal(late.reused.upload, false);
    assert.equal(emu.world.uploads.size, uploads + 1);
    assert.ok(said.some((m) => /deletes such files after 60 minutes; uploading again/.test(m)), said.join(' | '));

    // Within the hour: the earlier upload is registered, nothing is sent to OSS.
    const fresh = { ...location, uploadedAt: String(Date.now() - 60_000) };
    const soon = await p.publish({ packageName: 'unit', version: '1.0.1', artifact, uploaded: fresh });
    assert.equal(soon.reused.upload, true);
    assert.equal(emu.world.uploads.size, uploads + 1);
    assert.equal(emu.world.firmware.get(soon.version.id)!.FirmwareUrl, location!.FirmwareUrl);
  });
});
