// Release to Fleet end to end on Alibaba: after a Quick Release passed on the bench, the form and
// the static upgrade job from the BUILT bundle (dist/clouds/aliyun.js) on the emulator; the board's
// Alibaba agent over MQTT takes the fleet job's push, downloads, checks the MD5 and informs its
// version, which marks its task SUCCEEDED; another device of the product gets its own task. Failure
// path: a firmware that was published but never verified is refused, with no job created.
import { strict as assert } from 'assert';
import { createHash, randomBytes } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { askedQuestions, answerProblems, type FleetAnswers } from '../../src/core/clouds/fleet';
import { isCloudErrorCode } from '../../src/core/errors';
import { startRelease } from '../../src/core/release';
import { ALIYUN_BENCH, PACKAGE, startAliyunReleaseBench, type AliyunReleaseBench } from './aliyunReleaseBench';

const FIELD = 'field-dev-0001';

describe('Release to Fleet end to end on Alibaba IoT Platform (emulator + virtual board, built bundle)', function () {
  this.timeout(180_000);
  let b: AliyunReleaseBench;
  let source: { packageName: string; version: string; versionId: string; verifyJobId: string };

  before(async () => {
    b = await startAliyunReleaseBench();
    b.ali.world.addDevice({ productKey: ALIYUN_BENCH.productKey, deviceName: FIELD, secret: 'field', version: '1.0.0' });
    b.setVersion('3.1.0');
    const r = await startRelease(b.config(), b.deps());
    assert.equal(r.status, 'passed', r.note);
    source = { packageName: PACKAGE, version: '3.1.0', versionId: r.publish!.versionId, verifyJobId: r.job!.id };
  });
  after(async () => {
    await b?.close();
  });

  it('ALL: every device of the product gets a task; the board upgrades over MQTT and its task SUCCEEDS', async () => {
    const form = await b.provider.fleetForm!(source);
    const answers: FleetAnswers = { targets: 'ALL', fromVersions: null, rate: 10, timeout: 5, retry: '0', retryCount: '1', start: 'now', overwrite: '1' };
    assert.deepEqual(answerProblems(form, answers), []);
    assert.deepEqual(askedQuestions(form, answers).map((q) => q.key), ['targets', 'fromVersions', 'rate', 'timeout', 'retry', 'retryCount', 'start', 'overwrite']);
    const serialBefore = b.serial.buffer.toArray().length;
    const job = await b.provider.startFleetRollout!(source, answers);
    assert.equal(job.kind, 'fleet');
    const created = b.ali.world.getJob(job.id);
    assert.deepEqual([created.JobType, created.TargetSelection, created.MaximumPerMinute, created.RetryInterval, created.RetryCount], ['UPGRADE_FIRMWARE', 'ALL', 10, 0, 1]);

    let tasks: { target: string; rawStatus: string }[] = [];
    for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
      tasks = (await b.provider.listExecutions(job.id)).items;
      if (tasks.find((t) => t.target === ALIYUN_BENCH.deviceName)?.rawStatus === 'SUCCEEDED') break;
    }
    assert.deepEqual(tasks.map((t) => [t.target, t.rawStatus]).sort(), [[ALIYUN_BENCH.deviceName, 'SUCCEEDED'], [FIELD, 'NOTIFIED']]);
    // The board downloaded the firmware again, checked its MD5 and rebooted into it.
    const text = b.serial.buffer.toArray().slice(serialBefore).map((l) => l.text).join('\n');
    assert.match(text, /upgrade to v3\.1\.0/);
    assert.match(text, /sign verified \(Md5/);
    assert.match(text, /boot: firmware version 3\.1\.0/);
    // The tree lists it as a fleet job beside the verify job.
    const kinds = (await b.provider.listJobs({ version: { packageId: PACKAGE, versionId: source.versionId } })).items.map((j) => [j.id, j.kind]);
    assert.deepEqual(new Map(kinds as [string, string][]).get(job.id), 'fleet');
    assert.deepEqual(new Map(kinds as [string, string][]).get(source.verifyJobId), 'verify');
  });

  it('a firmware published but not verified is refused before any job is created', async () => {
    const path = join(b.dir, 'unverified-3.2.0.bin');
    const image = randomBytes(4096);
    writeFileSync(path, image);
    const artifact = { path, size: image.length, sha256Hex: createHash('sha256').update(image).digest('hex'), md5Hex: createHash('md5').update(image).digest('hex') };
    const published = await b.provider.publish({ packageName: PACKAGE, version: '3.2.0', artifact });
    const creates = () => b.ali.http.log.filter((c) => c.action === 'CreateOTAStaticUpgradeJob').length;
    const before = creates();
    const unverified = { ...source, version: '3.2.0', versionId: published.version.id };
    for (const attempt of [() => b.provider.fleetForm!(unverified), () => b.provider.startFleetRollout!(unverified, { targets: 'ALL', fromVersions: null, rate: 10, timeout: 5, retry: 'none', start: 'now', overwrite: '1' })]) {
      const e = await attempt().then(
        () => assert.fail('expected a refusal'),
        (x: unknown) => x,
      );
      assert.ok(isCloudErrorCode(e, 'invalid'), String(e));
      assert.match(e.message, /is not verified/);
      assert.match(e.hint ?? '', /Quick Release or Start Verify Job/);
    }
    assert.equal(creates(), before);
  });
});
