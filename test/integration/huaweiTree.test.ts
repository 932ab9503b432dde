// Huawei Cloud IoTDA in the real workbench: the Clouds tree and Quick Release against the IoTDA +
// OBS emulator started in this process. The provider comes from the lazily loaded
// dist/clouds/huawei.js; the AK/SK lives in SecretStorage (saved through the profile store as the
// Add Profile wizard does). The virtual board runs the Huawei agent on a real pty, selected as the
// serial port.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CloudProfile } from '../../src/core/profiles';
import type { ReleaseRecord } from '../../src/core/release';
import type { OtaBenchApi } from '../../src/extension';
import type { RolloutQueryResult, WatchView } from '../../src/shared/protocol';
import type { JobConfirmation } from '../../src/core/clouds/provider';
import type { BenchNode } from '../../src/vscode/tree/node';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { HUAWEI_DEFAULTS, startHuaweiEmulator, type HuaweiEmulator } from '../bench/huawei-emulator';
import { copyDemoProject, endRelease, readyForRelease, releaseToFleet, shownChild, shownChildren } from './support/demoProject';
import { setDemoVersion } from '../support/demoVersion';
import { DialogScript, ESCAPE, withDialogs } from './support/dialogs';
import { testEnv } from './support/env';
import { screenshot } from './support/screenshot';
import { waitFor, within } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';
const PROFILE = 'Huawei bench';
const env = testEnv();

describe('Huawei IoTDA tree and Quick Release (real workbench, IoTDA emulator, virtual board)', function () {
  this.timeout(180_000);
  let api: OtaBenchApi;
  let hw: HuaweiEmulator;
  let board: VirtualBoard;
  let root: string;
  const copied: string[] = [];
  const kids = (node?: BenchNode) => shownChildren(api, node);
  const child = (node: BenchNode | undefined, label: string) => shownChild(api, node, label);
  const setVersion = (v: string) => setDemoVersion(root, v);
  const record = (pkg: string, version: string) =>
    hw.model.createPackage({ package_type: 'firmwarePackage', product_id: HUAWEI_DEFAULTS.productId, version, custom_info: JSON.stringify({ ota_bench: { package: pkg } }), file_location: { obs_location: { region_name: hw.region, bucket_name: HUAWEI_DEFAULTS.bucket, object_key: `seed/${pkg}/${version}.bin`, sign: 'a'.repeat(64) } } }, HUAWEI_DEFAULTS.appId);
  let failedTask = '';

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    root = copyDemoProject(copied);

    hw = await startHuaweiEmulator();
    // History: two packages (versions), a task whose device failed the SHA-256 check (result_code 7).
    const old = record('sensor-fw', '0.9.0');
    record('sensor-fw', '0.9.1');
    record('gateway-fw', '3.0.0');
    hw.model.addDevice({ device_id: 'otabench_product_field-7', product_id: HUAWEI_DEFAULTS.productId, app_id: HUAWEI_DEFAULTS.appId, secret: 'field-secret-7' });
    failedTask = hw.model.createTask({ task_name: 'field_rollout_0_9_0', task_type: 'firmwareUpgrade', targets: ['otabench_product_field-7'], document: { package_ids: [old.package_id] } }, HUAWEI_DEFAULTS.appId).task_id;
    hw.model.setOnline('otabench_product_field-7', true);
    hw.model.onDeviceEvent('otabench_product_field-7', 'upgrade_progress_report', { result_code: 7, progress: 0, description: 'sha256 mismatch' });

    const dir = fs.mkdtempSync(path.join(env.out, 'huawei-'));
    board = await startBoard({ link: path.join(dir, 'ttyHW'), version: '1.0.0', logPeriodMs: 1500, agents: [new HuaweiOtaAgent({ mqttUrl: hw.mqttUrl, deviceId: hw.device.id, secret: hw.device.secret, bytesPerSecond: 1_000_000 })] });
    // The AK/SK goes to SecretStorage; settings get only the non-secret fields.
    await api.profiles.save({ ...hw.profile(PROFILE), signing: { mode: 'hash-only', hash: 'sha256' } } as unknown as CloudProfile, { accessKey: hw.credentials.accessKey, secretKey: hw.credentials.secretKey });
    await readyForRelease(board.link);
  });

  after(() => endRelease(api, board, { profile: PROFILE, emulator: hw, copied }));

  it('the tree shows Packages → versions and Upgrade tasks → device tasks from the lazily loaded Huawei bundle', async () => {
    const profile = await waitFor('the Huawei profile in the tree', async () => (await kids()).find((k) => k.label === PROFILE));
    assert.equal(profile.item.contextValue, 'otaBench.profile.huawei');
    const folders = await kids(profile.node);
    assert.deepEqual(folders.map((f) => f.label), ['Packages', 'Upgrade tasks']);
    assert.equal(api.clouds.isLoaded('huawei'), true);

    const packages = await kids((await child(profile.node, 'Packages')).node);
    assert.deepEqual(packages.filter((p) => !p.node.id.includes('/#')).map((p) => p.label), ['gateway-fw', 'sensor-fw']);
    const versions = await kids(packages.find((p) => p.label === 'sensor-fw')!.node);
    assert.deepEqual(versions.filter((v) => !v.node.id.includes('/#')).map((v) => v.label).sort(), ['0.9.0', '0.9.1']);
    assert.match(String(versions[0].item.contextValue), /;verify(;|$)/, 'Start Verify Job is offered on a version');

    const tasks = await kids((await child(profile.node, 'Upgrade tasks')).node);
    const failed = tasks.find((t) => t.label === failedTask);
    assert.ok(failed, `the failed task (have ${tasks.map((t) => t.label).join(', ')})`);
    assert.match(String(failed.item.contextValue), /^otaBench\.job;status=failed;.*retry/);
    const details = await kids(failed.node);
    assert.equal(details[0].label, 'otabench_product_field-7');
    assert.match(`${details[0].description} ${details[0].tooltip}`, /7: package verification failure/);
    await screenshot('huawei-tree', 800);

    // Retry from the tree: the device gets the task again.
    assert.equal(await vscode.commands.executeCommand<boolean>('otaBench.retryJob', failed.node, { confirm: false }), true);
    assert.notEqual(hw.model.task(failedTask).details[0].status, 'Fail');
    // Stop it from the tree (the device never answers this time).
    assert.equal(await vscode.commands.executeCommand<boolean>('otaBench.cancelJob', failed.node, { confirm: false }), true);
    assert.equal(hw.model.task(failedTask).task.status, 'Stopped');
  });

  it('Quick Release on the Huawei profile → PASSED; the new version runs on the board', async () => {
    setVersion('2.0.0');
    const { result: r, dialogs } = await withDialogs([PROFILE, '$(tag) 2.0.0'], () => vscode.commands.executeCommand<ReleaseRecord | undefined>('otaBench.quickRelease'));
    assert.ok(r, 'the command returned the release');
    assert.equal(r.status, 'passed', `${r.note}\n${dialogs.events.map((e) => e.text).join('\n')}`);
    assert.equal(r.steps.find((s) => s.id === 'publish')!.status, 'skipped');
    assert.equal(board.version, '2.0.0');
    const task = hw.model.task(r.job!.id).task;
    assert.match(task.task_name, /^ota_bench_verify_/);
    assert.equal(task.status, 'Success');
    await screenshot('huawei-release-passed', 800);
  });

  it('Release to Fleet… after the pass: the Huawei form (an upgrade batch task), each answer checked as typed, one task on a device group', async () => {
    const verified = api.release.controller.record!;
    const members = hw.seed.devices(2, 'fleet-hw').map((d) => d.device_id);
    const group = hw.seed.group('fleet-hw', members);
    const before = new Set(hw.model.tasks.keys());
    const answers = [
      PROFILE,
      '$(pass-filled) bench-demo-firmware 2.0.0',
      'Device groups',
      'not a group!', // rejected: not a group id
      group.group_id,
      'Retry failed devices',
      '9', // rejected: at most 5
      '2',
      '30',
      'Now',
      'No',
      'fleet_it_2_0_0',
      'Start Upgrade Task',
    ];
    const { job, dialogs } = await releaseToFleet(answers, 2);
    assert.match(dialogs.rejections[1], /5/);
    assert.ok(dialogs.events.some((e) => e.kind === 'message' && /upgrade task "fleet_it_2_0_0" for bench-demo-firmware 2\.0\.0/.test(e.text)), 'the confirmation names the task and the version');
    const created = [...hw.model.tasks.values()].filter((t) => !before.has(t.task.task_id));
    assert.equal(created.length, 1, 'exactly one task');
    const task = created[0].task;
    assert.equal(task.task_id, job.id);
    assert.equal(job.kind, 'fleet');
    assert.equal(task.task_type, 'firmwareUpgrade');
    assert.deepEqual(task.targets_filter, { group_ids: [group.group_id] });
    assert.deepEqual([task.task_policy?.retry_count, task.task_policy?.retry_interval], [2, 30]);
    assert.deepEqual(task.document, hw.model.task(verified.job!.id).task.document, 'the package the bench verified');
    assert.deepEqual(created[0].details.map((d) => d.target).sort(), [...members].sort());
  });

  it('Watch Rollout from the fleet-started message, then on the upgrade task node: the Huawei task followed in the Bench Monitor', async () => {
    const members = hw.seed.devices(3, 'watch-hw').map((d) => d.device_id);
    const group = hw.seed.group('watch-hw', members);
    // The started message's button is answered too ('script'): it starts the watch by profile and task id.
    const answers = [PROFILE, '$(pass-filled) bench-demo-firmware 2.0.0', 'Device groups', group.group_id, 'Retry failed devices', '2', '30', 'Now', 'No', 'fleet_it_watch', 'Start Upgrade Task', 'Watch Rollout'];
    const script = new DialogScript(answers, { messages: 'script' });
    let job: { id: string } | undefined;
    try {
      job = await vscode.commands.executeCommand<{ id: string } | undefined>('otaBench.releaseToFleet');
    } finally {
      script.dispose();
    }
    assert.ok(job, script.events.map((e) => e.text).join('\n'));
    assert.equal(script.remaining, 0, script.events.map((e) => `${e.text} → ${e.answer}`).join('\n'));
    const total = (c: Record<string, number>) => Object.values(c).reduce((a, n) => a + n, 0);
    const paneWith = (what: string, ok: (q: RolloutQueryResult) => boolean) =>
      waitFor(what, async () => {
        const q = api.monitor() ? await api.release.bridge.query(10_000) : undefined;
        return q && ok(q) ? q : undefined;
      }, 30_000, 250);
    let q = await paneWith('the fleet task in the pane', (p) => p.watch?.title === `Watching upgrade task ${job!.id}` && total(p.watch.counts) === 3);
    assert.deepEqual(q.watch!.executions.map((e) => e[0]).sort(), [...members].sort());

    // The same task from its node in Upgrade tasks: a new watch replaces the one the message started.
    const profile = await child(undefined, PROFILE);
    const folder = await child(profile.node, 'Upgrade tasks');
    await vscode.commands.executeCommand('otaBench.refresh', folder.node);
    const node = await waitFor('the task node', async () => (await kids(folder.node)).find((k) => k.label === job!.id));
    assert.match(String(node.item.contextValue), /^otaBench\.job;/);
    const watching = vscode.commands.executeCommand<WatchView | undefined>('otaBench.watchRollout', node.node);
    q = await paneWith('the node\'s watch', (p) => p.watch?.title === `Watching upgrade task ${job!.id}` && total(p.watch.counts) === 3 && /Huawei/.test(p.text));
    assert.match(q.watch!.state, /^(watching|done)$/);
    api.release.watcher.stop();
    const end = await within('the watch to end', watching, 20_000);
    assert.match(end?.state ?? '', /^(stopped|done)$/);
    assert.equal(api.release.watcher.watch.isWatching, false);
  });

  it('Confirm Waiting Devices… on a need_confirm task: Escape sends nothing; Confirm starts the devices and says how many; a task that ended meanwhile shows IoTDA\'s state', async () => {
    const [online, offline] = hw.seed.devices(2, 'confirm-hw').map((d) => d.device_id);
    hw.model.setOnline(online, true);
    const pkg = record('confirm-fw', '1.0.0').package_id;
    const seedTask = (name: string) => hw.model.createTask({ task_name: name, task_type: 'firmwareUpgrade', targets: [online, offline], need_confirm: true, document: { package_ids: [pkg] } }, HUAWEI_DEFAULTS.appId).task_id;
    const waiting = seedTask('fleet_it_confirm');
    const ending = seedTask('fleet_it_confirm_ends');
    const statuses = (id: string) => hw.model.details(hw.model.task(id)).map((d) => `${d.target}=${d.status}`).sort();
    const confirmCalls = () => hw.requests.filter((r) => r.action === 'ConfirmBatchTask').length;

    const profile = await child(undefined, PROFILE);
    const folder = await child(profile.node, 'Upgrade tasks');
    await vscode.commands.executeCommand('otaBench.refresh', folder.node);
    const nodeOf = (id: string) => waitFor(`the task node ${id}`, async () => (await kids(folder.node)).find((k) => k.label === id));
    const node = await nodeOf(waiting);
    // The menu entry the manifest declares is the one this node's contextValue opens.
    const manifest = JSON.parse(fs.readFileSync(path.join(env.repo, 'package.json'), 'utf8'));
    const when: string = manifest.contributes.menus['view/item/context'].find((m: { command: string }) => m.command === 'otaBench.confirmJob').when;
    const menu = new RegExp(/viewItem =~ \/(.*)\/$/.exec(when)![1]);
    assert.match(String(node.item.contextValue), /^otaBench\.job;status=scheduled;/);
    assert.match(String(node.item.contextValue), menu, 'Confirm Waiting Devices… is offered on the waiting task');
    assert.match(manifest.contributes.commands.find((c: { command: string }) => c.command === 'otaBench.confirmJob').title, /^Confirm Waiting Devices/);

    // Escape on the modal: no call, the devices still wait.
    const calls = confirmCalls();
    const esc = await withDialogs([ESCAPE], () => vscode.commands.executeCommand<JobConfirmation | undefined>('otaBench.confirmJob', node.node));
    assert.equal(esc.result, undefined);
    assert.equal(esc.dialogs.events[0].text, `Confirm the waiting devices of upgrade task "${waiting}"?`);
    assert.equal(confirmCalls(), calls, 'nothing was sent');
    assert.deepEqual(statuses(waiting), [`${offline}=Waitting`, `${online}=Waitting`].sort());

    // Confirm: both devices confirmed; the online one gets the upgrade notification at once.
    const ok = await withDialogs(['Confirm'], () => vscode.commands.executeCommand<JobConfirmation | undefined>('otaBench.confirmJob', node.node));
    assert.deepEqual(ok.result?.confirmed.slice().sort(), [offline, online].sort());
    assert.deepEqual(ok.result?.failed, []);
    assert.equal(confirmCalls(), calls + 1);
    const said = ok.dialogs.events.map((e) => e.text);
    assert.ok(said.includes(`Confirmed 2 devices of upgrade task ${waiting}: they start the update when online.`), said.join('\n'));
    assert.deepEqual(statuses(waiting), [`${offline}=Waitting`, `${online}=Processing`].sort());
    // The node refreshes from the cloud: the task now runs.
    await waitFor('the refreshed task node', async () => {
      const item = await api.tree.getTreeItem(node.node);
      return /^otaBench\.job;status=in-progress;/.test(String(item.contextValue)) ? item : undefined;
    });

    // A task that ended while its node still showed it waiting: IoTDA's state in the error message.
    const stale = await nodeOf(ending);
    hw.model.stop(ending);
    const late = await withDialogs(['Confirm'], () => vscode.commands.executeCommand<JobConfirmation | undefined>('otaBench.confirmJob', stale.node));
    assert.equal(late.result, undefined);
    const error = late.dialogs.events.map((e) => e.text).find((t) => t.startsWith('Could not confirm'));
    assert.equal(error, `Could not confirm the waiting devices of upgrade task ${ending}: Upgrade task ${ending} has already ended (Stopped); no devices wait for a confirmation.`);
  });
});
