// Alibaba Release to Fleet: the form's questions (each answer checked by the documented range of
// its CreateOTAStaticUpgradeJob field, retry intervals below the timeout, the questions skipped),
// its summary and the exact wire request; then the provider on the emulator through the real client
// (signature checked): SPECIFIC / GRAY / ALL jobs on the right devices, an unverified firmware and
// bad answers refused before any create call, a lost reply giving one job, a scheduled job PLANNED.
import { strict as assert } from 'assert';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createProvider, type AliyunProvider } from '../../src/core/clouds/aliyun';
import { aliyunFleetForm, staticJobRequest, type FleetFirmware } from '../../src/core/clouds/aliyun/fleet';
import { CLIENT_REF_TAG } from '../../src/core/clouds/aliyun/limits';
import { askedQuestions, localTime, optionsOf, parseLocalTime, readAnswer, type FleetAnswers, type FleetForm, type InputQuestion, type PickQuestion } from '../../src/core/clouds/fleet';
import { fleetReference, isVerifyReference, verifyReference } from '../../src/core/clouds/verifyRef';
import { isCloudError, isCloudErrorCode } from '../../src/core/errors';
import type { CloudProfile } from '../../src/core/profiles';
import { startAliyunEmulator, type AliyunEmulator } from '../bench/aliyun-emulator/server';

const PK = 'a1FleetProd1';
const SOURCE = { packageName: 'pump', version: '2.0.0', versionId: 'fwPump200', verifyJobId: 'jobVerify1' };
const FW: FleetFirmware = { FirmwareId: 'fwPump200', FirmwareName: 'pump-2_0_0-abcdef', DestVersion: '2.0.0', ProductKey: PK, Status: 1 };
/** A round local minute, so "YYYY-MM-DD HH:mm" answers are exact. */
const NOW = new Date(2026, 10, 30, 10, 0).getTime();
const MIN = 60_000;

const form = () => aliyunFleetForm(SOURCE, FW, () => NOW);
const question = (f: FleetForm, key: string) => f.questions.find((q) => q.key === key)!;
const input = (f: FleetForm, key: string) => question(f, key) as InputQuestion;
/** The stored value or the sentence, as the wizard would get it. */
const typed = (key: string, text: string, a: FleetAnswers = {}) => {
  const r = readAnswer(input(form(), key), text, a);
  return 'error' in r ? r.error : r.value;
};
const refused = (key: string, text: string, a: FleetAnswers, re: RegExp) => {
  const r = readAnswer(input(form(), key), text, a);
  assert.ok('error' in r, `${key} "${text}" should be refused`);
  assert.match(r.error, re);
};
const at = (ms: number) => localTime(ms);

const complete: FleetAnswers = { targets: 'SPECIFIC', devices: 'pump-0001, pump-0002', fromVersions: '1.0.0', rate: 100, timeout: 60, retry: '10', retryCount: '2', start: 'now', overwrite: '2' };

describe('Alibaba Release to Fleet: the form', () => {
  it('devices: 1–200 DeviceNames, each by the DeviceName rule, each once', () => {
    const specific = { targets: 'SPECIFIC' };
    assert.equal(typed('devices', 'pump-0001', specific), 'pump-0001');
    const names = Array.from({ length: 200 }, (_, i) => `pump-${String(i).padStart(4, '0')}`);
    assert.equal(typed('devices', names.join(','), specific), names.join(','));
    refused('devices', [...names, 'pump-9999'].join(','), specific, /1–200 devices; got 201/);
    refused('devices', 'pump-0001, ab', specific, /"ab": A DeviceName is 4–32 letters/);
    refused('devices', 'pump-0001, pump-0001', specific, /pump-0001 appears more than once/);
    refused('devices', '', specific, /Enter a value/);
  });

  it('percentage: 0.001–100 with at most 3 decimals, kept as the string typed', () => {
    const gray = { targets: 'GRAY' };
    for (const ok of ['0.001', '100', '12.345']) assert.equal(typed('percent', ok, gray), ok);
    for (const bad of ['0', '0.0001', '100.001', '12.3456', '-5', 'ten']) refused('percent', bad, gray, /GrayPercent must be a percentage from 0.001 to 100 with at most 3 decimals/);
  });

  it('rate 10–10000 per minute, timeout 1–1440 minutes or none, versions by the version rule', () => {
    assert.equal(typed('rate', '10'), 10);
    assert.equal(typed('rate', '10000'), 10000);
    for (const bad of ['9', '10001', '10.5']) refused('rate', bad, {}, /MaximumPerMinute must be from 10 to 10000/);
    refused('rate', 'fast', {}, /"fast" is not a number/);
    assert.equal(typed('timeout', '1'), 1);
    assert.equal(typed('timeout', '1440'), 1440);
    assert.equal(typed('timeout', ''), null, 'empty: no timeout');
    for (const bad of ['0', '1441']) refused('timeout', bad, {}, /TimeoutInMinutes must be a whole number from 1 to 1440/);
    assert.equal(typed('fromVersions', '1.0.0, 1.0.1-rc_2'), '1.0.0, 1.0.1-rc_2');
    assert.equal(typed('fromVersions', ''), null);
    refused('fromVersions', '1.0.0, 1 0', {}, /SrcVersion allows only/);
  });

  it('schedule: start 5 minutes to 7 days ahead, end 1 hour to 30 days after the start, as local YYYY-MM-DD HH:mm', () => {
    const s = { start: 'scheduled' };
    assert.equal(typed('startAt', at(NOW + 5 * MIN), s), at(NOW + 5 * MIN));
    assert.equal(typed('startAt', at(NOW + 7 * 1440 * MIN), s), at(NOW + 7 * 1440 * MIN));
    refused('startAt', at(NOW + 4 * MIN), s, /ScheduleTime must be from 5 minutes to 7 days from now; it is 4 minutes away/);
    refused('startAt', at(NOW + 7 * 1440 * MIN + MIN), s, /5 minutes to 7 days from now; it is 7 days 1 minute away/);
    refused('startAt', '2026-02-30 10:00', s, /is not a local time written YYYY-MM-DD HH:mm/);
    refused('startAt', 'tomorrow', s, /YYYY-MM-DD HH:mm/);
    const start = NOW + 10 * MIN;
    const withStart = { ...s, startAt: at(start) };
    assert.equal(typed('finishAt', at(start + 60 * MIN), withStart), at(start + 60 * MIN));
    assert.equal(typed('finishAt', at(start + 30 * 1440 * MIN), withStart), at(start + 30 * 1440 * MIN));
    assert.equal(typed('finishAt', '', withStart), null, 'no end');
    refused('finishAt', at(start + 59 * MIN), withStart, /1 hour to 30 days after ScheduleTime; it is 59 minutes after/);
    refused('finishAt', at(start + 30 * 1440 * MIN + MIN), withStart, /1 hour to 30 days/);
    assert.equal(parseLocalTime(at(start)), start);
  });

  it('retry intervals offered only below the timeout; counts 1, 2, 5', () => {
    const retry = question(form(), 'retry') as PickQuestion;
    const offered = (a: FleetAnswers) => optionsOf(retry, a).map((o) => o.value);
    assert.deepEqual(offered({ timeout: null }), ['none', '0', '10', '30', '60', '1440']);
    assert.deepEqual(offered({ timeout: 30 }), ['none', '0', '10']);
    assert.deepEqual(offered({ timeout: 31 }), ['none', '0', '10', '30']);
    assert.deepEqual(offered({ timeout: 1 }), ['none', '0']);
    assert.deepEqual(optionsOf(question(form(), 'retryCount') as PickQuestion, {}).map((o) => o.value), ['1', '2', '5']);
  });

  it('questions are skipped when they do not apply; GROUP is not offered', () => {
    const keys = (a: FleetAnswers) => askedQuestions(form(), a).map((q) => q.key);
    assert.deepEqual(keys({ targets: 'ALL', retry: 'none', start: 'now' }), ['targets', 'fromVersions', 'rate', 'timeout', 'retry', 'start', 'overwrite']);
    assert.deepEqual(keys({ targets: 'SPECIFIC', retry: '10', start: 'scheduled' }), ['targets', 'devices', 'fromVersions', 'rate', 'timeout', 'retry', 'retryCount', 'start', 'startAt', 'finishAt', 'overwrite']);
    assert.ok(keys({ targets: 'GRAY' }).includes('percent'));
    assert.deepEqual(optionsOf(question(form(), 'targets') as PickQuestion, {}).map((o) => o.value), ['SPECIFIC', 'GRAY', 'ALL']);
    assert.equal(question(form(), 'startAt').remember, false, 'a start time is never offered again');
  });

  it('the summary says what goes where, how fast and when', () => {
    const s = form().summary(complete);
    assert.equal(s.title, 'Release pump 2.0.0 to 2 devices?');
    assert.deepEqual(s.lines, [
      'Firmware: pump-2_0_0-abcdef (fwPump200), version 2.0.0',
      'Devices: pump-0001, pump-0002, only those now on 1.0.0',
      'Rate: 100 per minute',
      'Timeout: 60 minutes per device',
      'Retry: twice, after 10 minutes',
      'Start: now',
      'Pending upgrades: replaced by this one',
    ]);
    const many = Array.from({ length: 25 }, (_, i) => `pump-${String(i).padStart(4, '0')}`);
    const big = form().summary({ ...complete, devices: many.join(',') });
    assert.equal(big.title, 'Release pump 2.0.0 to 25 devices?');
    assert.equal(big.lines[1], `Devices: ${many.slice(0, 10).join(', ')} and 15 more, only those now on 1.0.0`);
    const later = form().summary({ targets: 'GRAY', percent: '12.5', rate: 10, timeout: null, retry: 'none', start: 'scheduled', startAt: at(NOW + 60 * MIN), finishAt: at(NOW + 180 * MIN), overwrite: '1' });
    assert.equal(later.title, `Release pump 2.0.0 to 12.5% of product ${PK}?`);
    assert.deepEqual(later.lines.slice(1), [`Devices: 12.5% of product ${PK}`, 'Rate: 10 per minute', 'Timeout: none', 'Retry: none', `Start: ${at(NOW + 60 * MIN)} (local), ending ${at(NOW + 180 * MIN)}`, 'Pending upgrades: kept']);
  });

  it('answers become the exact CreateOTAStaticUpgradeJob fields (HTTPS, the reference Tag)', () => {
    assert.deepEqual(staticJobRequest(FW, complete, 'ota-bench-fleet-x'), {
      FirmwareId: 'fwPump200',
      ProductKey: PK,
      TargetSelection: 'SPECIFIC',
      TargetDeviceName: ['pump-0001', 'pump-0002'],
      SrcVersion: ['1.0.0'],
      RetryInterval: 10,
      RetryCount: 2,
      TimeoutInMinutes: 60,
      MaximumPerMinute: 100,
      OverwriteMode: 2,
      DownloadProtocol: 'HTTPS',
      Tag: [{ Key: CLIENT_REF_TAG, Value: 'ota-bench-fleet-x' }],
    });
    const start = NOW + 10 * MIN;
    assert.deepEqual(staticJobRequest(FW, { targets: 'GRAY', percent: '0.5', fromVersions: null, rate: 10, timeout: null, retry: 'none', start: 'scheduled', startAt: at(start), finishAt: at(start + 120 * MIN), overwrite: '1' }, 'r'), {
      FirmwareId: 'fwPump200',
      ProductKey: PK,
      TargetSelection: 'GRAY',
      GrayPercent: '0.5',
      ScheduleTime: start,
      ScheduleFinishTime: start + 120 * MIN,
      MaximumPerMinute: 10,
      OverwriteMode: 1,
      DownloadProtocol: 'HTTPS',
      Tag: [{ Key: CLIENT_REF_TAG, Value: 'r' }],
    });
  });

  it('a fleet reference is not a verify reference (the tree keeps fleet jobs apart)', () => {
    const r = fleetReference('pump', '2.0.0');
    assert.match(r, /^ota-bench-fleet-pump-2_0_0-\d{17}[0-9a-f]{6}$/);
    assert.equal(isVerifyReference(r), false);
    assert.equal(isVerifyReference(verifyReference('pump', '2.0.0')), true);
  });
});

describe('Alibaba Release to Fleet: the provider on the emulator', function () {
  this.timeout(60_000);
  const KEY = 'LTAIfleetKey';
  const SECRET = randomBytes(12).toString('hex');
  const BENCH = 'bench-0001';
  const FLEET = ['pump-0001', 'pump-0002', 'pump-0003', 'pump-0004'];
  let emu: AliyunEmulator;
  let p: AliyunProvider;
  let dir: string;
  let offset = 0;
  let verified: { versionId: string; version: string };
  let unverified: { versionId: string; version: string };
  const source = (v: { versionId: string; version: string }) => ({ packageName: 'pump', version: v.version, versionId: v.versionId, verifyJobId: 'jobBench' });
  const creates = () => emu.http.log.filter((c) => c.action === 'CreateOTAStaticUpgradeJob').length;
  const tasksOn = (jobId: string) => emu.world.tasksOf(jobId).map((t) => t.DeviceName).sort();
  const fleetJobs = () => [...emu.world.jobs.values()].filter((j) => j.FirmwareId === verified.versionId && j.JobType === 'UPGRADE_FIRMWARE');

  async function publish(version: string) {
    const path = join(dir, `pump-${version}.bin`);
    const bytes = randomBytes(2048);
    writeFileSync(path, bytes);
    const artifact = { path, size: bytes.length, sha256Hex: createHash('sha256').update(bytes).digest('hex'), md5Hex: createHash('md5').update(bytes).digest('hex') };
    const r = await p.publish({ packageName: 'pump', version, artifact });
    return { versionId: r.version.id, version };
  }

  before(async () => {
    emu = await startAliyunEmulator({
      accessKeys: { [KEY]: SECRET },
      now: () => Date.now() + offset,
      devices: [BENCH, ...FLEET].map((deviceName) => ({ productKey: PK, deviceName, secret: 'x', version: '1.0.0' })),
    });
    dir = mkdtempSync(join(tmpdir(), 'otab-ali-fleet-'));
    const profile = { kind: 'aliyun', name: 'fleet', region: 'cn-shanghai', endpoint: emu.url, productKey: PK, deviceName: BENCH, credentials: 'secrets' } as CloudProfile;
    p = await createProvider(profile, async (f) => ({ accessKeyId: KEY, accessKeySecret: SECRET })[f]);
    // A firmware verified the platform's way: its verify job's device reports the new version.
    verified = await publish('2.0.0');
    const job = await p.startVerifyJob({ packageName: 'pump', version: '2.0.0', versionId: verified.versionId, reference: verifyReference('pump', '2.0.0') });
    emu.world.onVersion(PK, BENCH, '2.0.0');
    assert.equal(emu.world.getJob(job.id).JobStatus, 'COMPLETED');
    assert.equal(emu.world.getFirmware(verified.versionId).Status, 1);
    unverified = await publish('2.1.0');
  });
  after(async () => {
    await emu?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const answers = (a: FleetAnswers): FleetAnswers => ({ fromVersions: null, rate: 100, timeout: 60, retry: 'none', start: 'now', overwrite: '1', ...a });

  it('SPECIFIC: the named devices get a task; the job is a fleet job with its settings on QueryOTAJob', async () => {
    const form = await p.fleetForm(source(verified));
    assert.equal(form.job, 'upgrade job');
    const job = await p.startFleetRollout(source(verified), answers({ targets: 'SPECIFIC', devices: 'pump-0001, pump-0002', retry: '10', retryCount: '2', overwrite: '2' }));
    assert.equal(job.kind, 'fleet');
    assert.equal(job.status, 'in-progress');
    assert.deepEqual(tasksOn(job.id), ['pump-0001', 'pump-0002']);
    const settings = JSON.parse(await p.getJobDocument(job.id));
    assert.equal(settings.TargetSelection, 'SPECIFIC');
    assert.deepEqual([settings.MaximumPerMinute, settings.TimeoutInMinutes, settings.RetryInterval, settings.RetryCount, settings.OverwriteMode, settings.DownloadProtocol], [100, 60, 10, 2, 2, 'HTTPS']);
    const ref = settings.Tags.OtaTagDTO.find((t: { Key: string }) => t.Key === CLIENT_REF_TAG).Value;
    assert.match(ref, /^ota-bench-fleet-pump-2_0_0-/);
    // In the tree (ListOTAJobByFirmware) it is a fleet job, not taken for a verify job.
    const listed = (await p.listJobs({ version: { packageId: 'pump', versionId: verified.versionId } })).items.find((j) => j.id === job.id);
    assert.equal(listed?.kind, 'fleet');
  });

  it('a pass recorded without its FirmwareId (older records): the firmware is found by its derived name; an unknown version is not-found', async () => {
    const { versionId: _id, ...noId } = source(verified);
    const job = await p.startFleetRollout(noId, answers({ targets: 'SPECIFIC', devices: 'pump-0001' }));
    assert.equal(emu.world.jobs.get(job.id)!.FirmwareId, verified.versionId);
    const e = await p.fleetForm({ ...noId, version: '9.9.9' }).catch((x: unknown) => x);
    assert.ok(isCloudErrorCode(e, 'not-found'), String(e));
    assert.match(e.message, /pump 9\.9\.9 is not registered on Alibaba/);
  });

  it('GRAY: the percentage of the product\'s devices; ALL: every device of the product; SrcVersion narrows', async () => {
    const gray = await p.startFleetRollout(source(verified), answers({ targets: 'GRAY', percent: '40' }));
    assert.equal(tasksOn(gray.id).length, Math.ceil((FLEET.length + 1) * 0.4));
    assert.equal(JSON.parse(await p.getJobDocument(gray.id)).GrayPercent, '40');
    const all = await p.startFleetRollout(source(verified), answers({ targets: 'ALL' }));
    assert.deepEqual(tasksOn(all.id), [BENCH, ...FLEET].sort());
    // The bench now runs 2.0.0: "only devices on 2.0.0" picks it alone.
    const narrowed = await p.startFleetRollout(source(verified), answers({ targets: 'ALL', fromVersions: '2.0.0' }));
    assert.deepEqual(tasksOn(narrowed.id), [BENCH]);
    assert.deepEqual(JSON.parse(await p.getJobDocument(narrowed.id)).SrcVersions, { SrcVersion: ['2.0.0'] });
  });

  it('an unverified firmware is refused, saying what to run first: no form, no CreateOTAStaticUpgradeJob', async () => {
    const before = creates();
    const e1 = await p.fleetForm(source(unverified)).catch((e: unknown) => e);
    const e2 = await p.startFleetRollout(source(unverified), answers({ targets: 'ALL' })).catch((e: unknown) => e);
    for (const e of [e1, e2]) {
      assert.ok(isCloudErrorCode(e, 'invalid'), String(e));
      assert.match(e.message, /is not verified \(unverified, Status 0\)/);
      assert.match(e.hint ?? '', /Quick Release or Start Verify Job/);
    }
    assert.equal(creates(), before);
    assert.equal(fleetJobs().filter((j) => j.FirmwareId === unverified.versionId).length, 0);
    // While its verify job runs (Status 2): refused too, and told to wait.
    await p.startVerifyJob({ packageName: 'pump', version: unverified.version, versionId: unverified.versionId, reference: verifyReference('pump', unverified.version) });
    const e3 = await p.fleetForm(source(unverified)).catch((e: unknown) => e);
    assert.ok(isCloudErrorCode(e3, 'invalid'));
    assert.match(e3.message, /is not verified \(verifying, Status 2\)/);
    assert.match(e3.hint ?? '', /Wait until its verify job/);
    assert.equal(creates(), before);
  });

  it('bad answers are refused with their sentences before any call', async () => {
    const calls = emu.http.log.length;
    const bad = answers({ targets: 'SPECIFIC', devices: 'ab', rate: 5, timeout: 30, retry: '60', retryCount: '2' });
    const e = await p.startFleetRollout(source(verified), bad).catch((x: unknown) => x);
    assert.ok(isCloudErrorCode(e, 'invalid'));
    assert.match(e.message, /"ab": A DeviceName is 4–32/);
    assert.match(e.message, /MaximumPerMinute must be from 10 to 10000; got 5/);
    assert.match(e.message, /RetryInterval \(60\) must be less than TimeoutInMinutes \(30\)/);
    assert.equal(e.message.split('MaximumPerMinute must be').length, 2, 'each sentence once');
    assert.match(e.hint ?? '', /change the answers/);
    const late = await p.startFleetRollout(source(verified), answers({ targets: 'ALL', start: 'scheduled', startAt: localTime(Date.now() + 2 * MIN) })).catch((x: unknown) => x);
    assert.ok(isCloudError(late));
    assert.match(late.message, /ScheduleTime must be from 5 minutes to 7 days from now/);
    assert.equal(emu.http.log.length, calls, 'no call at all');
  });

  it('the platform refuses out-of-range fields with Success:false (our checks bypassed)', async () => {
    const e = await p.ctx.client
      .call('CreateOTAStaticUpgradeJob', { FirmwareId: verified.versionId, ProductKey: PK, TargetSelection: 'ALL', RetryInterval: 15, RetryCount: 1 }, { what: 'A bad retry interval' })
      .catch((x: unknown) => x);
    assert.ok(isCloudErrorCode(e, 'invalid'), String(e));
    assert.equal(e.cloudCode, 'iot.common.InvalidFormattedParameter');
    assert.match(e.message, /RetryInterval must be one of 0, 10, 30, 60, 1440/);
  });

  it("a DeviceName the product does not have: the platform's refusal names it, and no job exists", async () => {
    const jobs = fleetJobs().length;
    const e = await p.startFleetRollout(source(verified), answers({ targets: 'SPECIFIC', devices: 'pump-0001, pump-9999' })).catch((x: unknown) => x);
    assert.ok(isCloudErrorCode(e, 'not-found'), String(e));
    assert.match(e.message, /pump-9999 does not exist in product a1FleetProd1/);
    assert.equal(fleetJobs().length, jobs);
  });

  it('a lost reply to CreateOTAStaticUpgradeJob: the job is found by its reference, exactly one exists', async () => {
    const jobs = fleetJobs().length;
    const before = creates();
    emu.faults.loseReplyNext(1, { action: 'CreateOTAStaticUpgradeJob' });
    const job = await p.startFleetRollout(source(verified), answers({ targets: 'SPECIFIC', devices: 'pump-0003' }));
    assert.equal(creates(), before + 1, 'created once, not retried');
    assert.equal(fleetJobs().length, jobs + 1);
    assert.equal(job.kind, 'fleet');
    assert.deepEqual(tasksOn(job.id), ['pump-0003']);
  });

  it('a scheduled job is PLANNED with no tasks, and its devices get them when the time comes', async () => {
    const start = Date.now() + 10 * MIN;
    const job = await p.startFleetRollout(source(verified), answers({ targets: 'SPECIFIC', devices: 'pump-0004', start: 'scheduled', startAt: localTime(start), finishAt: localTime(start + 2 * 60 * MIN) }));
    assert.equal(job.status, 'scheduled');
    assert.equal(job.rawStatus, 'PLANNED');
    assert.deepEqual(tasksOn(job.id), []);
    const settings = JSON.parse(await p.getJobDocument(job.id));
    assert.equal(settings.UtcScheduleTime, new Date(parseLocalTime(localTime(start))!).toISOString());
    offset = 11 * MIN; // the platform's clock passes the start
    emu.world.tick();
    assert.equal(emu.world.getJob(job.id).JobStatus, 'IN_PROGRESS');
    assert.deepEqual(tasksOn(job.id), ['pump-0004']);
  });
});
