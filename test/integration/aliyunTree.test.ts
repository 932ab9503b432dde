// Alibaba Cloud IoT Platform in the real workbench: the Clouds tree (Firmware → package → versions →
// jobs → device tasks) and Quick Release against the IoT Platform + OSS emulator started in this
// process. The provider comes from the lazily loaded dist/clouds/aliyun.js; the AccessKey lives in
// SecretStorage (saved through the profile store as the Add Profile wizard does). The virtual board
// runs the Alibaba agent on a real pty, selected as the serial port.
import { strict as assert } from 'assert';
import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { firmwareName } from '../../src/core/clouds/aliyun/limits';
import { firmwareDesc } from '../../src/core/clouds/aliyun/map';
import type { CloudProfile } from '../../src/core/profiles';
import type { ReleaseRecord } from '../../src/core/release';
import type { OtaBenchApi } from '../../src/extension';
import type { RolloutQueryResult, WatchView } from '../../src/shared/protocol';
import type { BenchNode } from '../../src/vscode/tree/node';
import { startAliyunEmulator, type AliyunEmulator } from '../bench/aliyun-emulator/server';
import { AliyunOtaAgent } from '../bench/board/agents/aliyun';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { copyDemoProject, endRelease, readyForRelease, releaseToFleet, shownChild, shownChildren } from './support/demoProject';
import { setDemoVersion } from '../support/demoVersion';
import { ESCAPE, withDialogs } from './support/dialogs';
import { testEnv } from './support/env';
import { screenshot } from './support/screenshot';
import { waitFor, within } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';
const PROFILE = 'Alibaba bench';
const PK = 'a1TreeBench1';
const BENCH = 'bench-board-01';
const KEY_ID = 'LTAItreeKey';
const env = testEnv();

describe('Alibaba IoT Platform tree and Quick Release (real workbench, Alibaba emulator, virtual board)', function () {
  this.timeout(180_000);
  let api: OtaBenchApi;
  let ali: AliyunEmulator;
  let board: VirtualBoard;
  let root: string;
  const secret = randomBytes(16).toString('hex');
  const copied: string[] = [];
  const kids = (node?: BenchNode) => shownChildren(api, node);
  const child = (node: BenchNode | undefined, label: string) => shownChild(api, node, label);
  const setVersion = (v: string) => setDemoVersion(root, v);
  /** A firmware as an earlier release registered it (grouped under `pkg`). */
  const firmware = (pkg: string, version: string) => {
    const url = `${ali.url}/oss/ota/firmware/hist-${pkg}-${version}.bin`;
    const md5 = createHash('md5').update(url).digest('hex');
    ali.world.addUpload({ key: url.slice(url.indexOf('ota/')), url, bytes: 2048, md5, sha256: md5 });
    return ali.world.createFirmware({ FirmwareName: firmwareName(PK, pkg, version), DestVersion: version, FirmwareUrl: url, ProductKey: PK, FirmwareDesc: firmwareDesc(pkg, version) });
  };
  let failedJob = '';
  let waitingJob = '';

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    root = copyDemoProject(copied);

    const devSecret = randomBytes(8).toString('hex');
    ali = await startAliyunEmulator({ accessKeys: { [KEY_ID]: secret }, devices: [{ productKey: PK, deviceName: BENCH, secret: devSecret, version: '1.0.0' }] });
    // History: sensor-fw 0.9.0 whose verify failed on a field device (step -3), 0.9.1 with an upgrade
    // job waiting on a device that is offline (its task can be cancelled from the tree).
    const old = firmware('sensor-fw', '0.9.0');
    const newer = firmware('sensor-fw', '0.9.1');
    ali.world.addDevice({ productKey: PK, deviceName: 'field-dev-7', secret: 'x', version: '0.8.0' });
    ali.world.addDevice({ productKey: PK, deviceName: 'field-dev-8', secret: 'x', version: '0.8.0' });
    failedJob = ali.world.createVerifyJob({ FirmwareId: old.FirmwareId, ProductKey: PK, 'TargetDeviceName.1': 'field-dev-7', TimeoutInMinutes: '60' }).JobId;
    ali.world.onProgress(PK, 'field-dev-7', '-3', 'sign mismatch (Md5)');
    newer.Status = -1; // no verification needed: an upgrade job may target it at once
    waitingJob = ali.world.createStaticJob({ FirmwareId: newer.FirmwareId, ProductKey: PK, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': 'field-dev-8', TimeoutInMinutes: '60' }).JobId;

    const dir = fs.mkdtempSync(path.join(env.out, 'aliyun-'));
    board = await startBoard({ link: path.join(dir, 'ttyALI'), version: '1.0.0', logPeriodMs: 1500, agents: [new AliyunOtaAgent({ mqttUrl: ali.mqttUrl, productKey: PK, deviceName: BENCH, deviceSecret: devSecret, bytesPerSecond: 1_000_000 })] });
    // The AccessKey goes to SecretStorage; settings get only the non-secret fields.
    const profile = { kind: 'aliyun', name: PROFILE, region: 'cn-shanghai', endpoint: ali.url, productKey: PK, deviceName: BENCH, credentials: 'secrets', signing: { mode: 'hash-only', hash: 'md5' } };
    await api.profiles.save(profile as unknown as CloudProfile, { accessKeyId: KEY_ID, accessKeySecret: secret });
    await readyForRelease(board.link);
  });

  after(() => endRelease(api, board, { profile: PROFILE, emulator: ali, copied }));

  it('the tree shows Firmware → package → versions (verify status) → jobs → device tasks from the lazily loaded Alibaba bundle; tasks cancelled by state', async () => {
    const profile = await waitFor('the Alibaba profile in the tree', async () => (await kids()).find((k) => k.label === PROFILE));
    assert.equal(profile.item.contextValue, 'otaBench.profile.aliyun');
    const folders = await kids(profile.node);
    assert.deepEqual(folders.map((f) => f.label), ['Firmware']);
    assert.equal(api.clouds.isLoaded('aliyun'), true);

    const packages = await kids((await child(profile.node, 'Firmware')).node);
    assert.deepEqual(packages.filter((p) => !p.node.id.includes('/#')).map((p) => p.label), ['sensor-fw']);
    const versions = (await kids(packages[0].node)).filter((v) => !v.node.id.includes('/#'));
    assert.deepEqual(versions.map((v) => v.label).sort(), ['0.9.0', '0.9.1']);
    const v090 = versions.find((v) => v.label === '0.9.0')!;
    assert.match(`${v090.description} ${v090.tooltip}`, /verify-failed|verification failed/i);
    assert.match(String(v090.item.contextValue), /;verify(;|$)/, 'Start Verify Job is offered on a version');

    const jobs = (await kids(v090.node)).filter((j) => !j.node.id.includes('/#'));
    const failed = jobs.find((j) => j.label === failedJob);
    assert.ok(failed, `the failed verify job (have ${jobs.map((j) => j.label).join(', ')})`);
    const tasks = await kids(failed.node);
    assert.equal(tasks[0].label, 'field-dev-7');
    assert.match(`${tasks[0].description} ${tasks[0].tooltip}`, /sign mismatch \(Md5\)/);
    await screenshot('aliyun-tree', 800);

    // Cancel the waiting job's tasks from the tree, by state.
    const waiting = (await kids(versions.find((v) => v.label === '0.9.1')!.node)).find((j) => j.label === waitingJob)!;
    assert.match(String(waiting.item.contextValue), /^otaBench\.job;status=in-progress;.*cancel-tasks/);
    assert.doesNotMatch(String(waiting.item.contextValue), /;cancel(;|$)/, 'no AWS-style Cancel Job');
    assert.equal(await vscode.commands.executeCommand<boolean>('otaBench.cancelJobTasks', waiting.node, { states: ['queued', 'notified'] }), true);
    const task = [...ali.world.tasks.values()].find((t) => t.JobId === waitingJob)!;
    assert.equal(task.TaskStatus, 'CANCELED');
    assert.equal(ali.world.jobs.get(waitingJob)!.JobStatus, 'CANCELED');
  });

  it('Quick Release on the Alibaba profile → PASSED; the new version runs on the board', async () => {
    setVersion('2.0.0');
    const { result: r, dialogs } = await withDialogs([PROFILE, '$(tag) 2.0.0'], () => vscode.commands.executeCommand<ReleaseRecord | undefined>('otaBench.quickRelease'));
    assert.ok(r, 'the command returned the release');
    assert.equal(r.status, 'passed', `${r.note}\n${dialogs.events.map((e) => e.text).join('\n')}`);
    assert.equal(r.steps.find((s) => s.id === 'publish')!.status, 'skipped');
    assert.equal(board.version, '2.0.0');
    const job = ali.world.jobs.get(r.job!.id)!;
    assert.equal(job.JobType, 'VERFIY_FIRMWARE');
    assert.equal(job.Tags[0].Value, r.job!.reference);
    assert.equal(ali.world.firmware.get(job.FirmwareId)!.Status, 1, 'the firmware is verified');
    await screenshot('aliyun-release-passed', 800);
  });

  it('Release to Fleet… after the pass: the Alibaba form (a static upgrade job), each answer checked as typed, one job on the named devices', async () => {
    const verified = api.release.controller.record!;
    const firmwareId = verified.publish?.versionId ?? ali.world.jobs.get(verified.job!.id)!.FirmwareId;
    ali.world.addDevice({ productKey: PK, deviceName: 'field-dev-9', secret: 'x', version: '1.0.0' });
    const before = new Set(ali.world.jobs.keys());
    const answers = [
      PROFILE,
      '$(pass-filled) bench-demo-firmware 2.0.0',
      'These devices',
      'field-dev-7, no such device!', // rejected: not a DeviceName
      'field-dev-7, field-dev-9',
      '', // any current version
      '5', // rejected: below MaximumPerMinute's 10
      '100',
      '30',
      'Retry after 10 minutes',
      'Retry twice',
      'Now',
      'Keep its pending upgrade',
      'Start Upgrade Job',
    ];
    const { job, dialogs } = await releaseToFleet(answers, 2);
    assert.match(dialogs.rejections[1], /10/);
    assert.ok(dialogs.events.some((e) => e.kind === 'pick' && e.answer === 'Retry twice'), 'the retry count is asked once a retry is chosen');
    const confirm = dialogs.events.find((e) => e.kind === 'message' && /Release bench-demo-firmware 2\.0\.0 to 2 devices\?/.test(e.text));
    assert.ok(confirm, 'the confirmation names the version and the devices');
    const created = [...ali.world.jobs.values()].filter((j) => !before.has(j.JobId));
    assert.equal(created.length, 1, 'exactly one job');
    const fleet = created[0];
    assert.equal(fleet.JobId, job.id);
    assert.equal(job.kind, 'fleet');
    assert.equal(fleet.JobType, 'UPGRADE_FIRMWARE');
    assert.equal(fleet.FirmwareId, firmwareId, 'the firmware the bench verified');
    assert.equal(fleet.TargetSelection, 'SPECIFIC');
    assert.deepEqual([fleet.MaximumPerMinute, fleet.TimeoutInMinutes, fleet.RetryInterval, fleet.RetryCount], [100, 30, 10, 2]);
    assert.deepEqual(ali.world.tasksOf(fleet.JobId).map((t) => t.DeviceName).sort(), ['field-dev-7', 'field-dev-9']);
    assert.ok(!fleet.Tags.some((t) => t.Value === verified.job!.reference), 'not tagged as the verify job');
    // A re-run offers these answers again (per cloud: the AWS answers are not touched).
    assert.equal(api.release.store.fleetAnswers('aliyun').devices, 'field-dev-7, field-dev-9');
    const again = await withDialogs([PROFILE, '$(pass-filled) bench-demo-firmware 2.0.0', 'These devices', ESCAPE], () => vscode.commands.executeCommand('otaBench.releaseToFleet'));
    assert.equal(again.dialogs.events.find((e) => e.kind === 'input' && /DeviceNames/.test(e.text))?.value, 'field-dev-7, field-dev-9');
    assert.equal(ali.world.jobs.size, before.size + 1, 'backing out creates nothing');
  });

  it('Watch Rollout on a job under its firmware: the Alibaba job\'s counts and each device task\'s details in the Bench Monitor', async () => {
    const profile = await child(undefined, PROFILE);
    const pkg = await child((await child(profile.node, 'Firmware')).node, 'sensor-fw');
    const node = await child((await child(pkg.node, '0.9.0')).node, failedJob);
    assert.match(String(node.item.contextValue), /^otaBench\.job;/);
    const watching = vscode.commands.executeCommand<WatchView | undefined>('otaBench.watchRollout', node.node);
    let last: RolloutQueryResult | undefined;
    const q = await waitFor('the job in the pane', async () => {
      last = api.monitor() ? await api.release.bridge.query(10_000) : undefined;
      return last?.watch?.counts.failed === 1 && last;
    }, 30_000, 250).catch((e: Error) => {
      throw new Error(`${e.message}\npane text:\n${last?.text}`);
    });
    assert.equal(q.watch!.title, `Watching job ${failedJob}`);
    assert.match(q.text, /Alibaba bench \(Alibaba Cloud/, 'the profile and its cloud under the title');
    assert.equal(q.watch!.executions.length, 1);
    assert.equal(q.watch!.executions[0][0], 'field-dev-7');
    assert.match(q.watch!.executions[0].join(' '), /sign mismatch \(Md5\)/, 'the device task\'s own words');
    api.release.watcher.stop();
    const end = await within('the watch to end', watching, 20_000);
    assert.match(end?.state ?? '', /^(stopped|done)$/);
  });
});
