// The Clouds tree on AWS, in the real extension host, against the AWS emulator started in this
// process: the real AWS SDK (from the lazily loaded dist/clouds/aws.js) signs with fake keys read
// from a temporary AWS shared-credentials file through the SDK's own credential chain.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import type { BenchNode } from '../../src/vscode/tree/node';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { ESCAPE, withDialogs } from './support/dialogs';
import { testEnv } from './support/env';
import { screenshot } from './support/screenshot';
import { revealWhenShown, waitFor, within } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';
const env = testEnv();
const AWS_PROFILE = 'ota-emu';
/** No port is selected in this suite: the verify goes on without serial (and so cannot pass). */
const NO_SERIAL = 'Release Without Serial';

let api: OtaBenchApi;
let emu: AwsEmulator;

interface Shown {
  node: BenchNode;
  item: vscode.TreeItem;
  label: string;
  description: string;
}

const labelOf = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : (item.label?.label ?? ''));

async function kids(node?: BenchNode): Promise<Shown[]> {
  const nodes = await api.tree.getChildren(node);
  return Promise.all(
    nodes.map(async (n) => {
      const item = await api.tree.getTreeItem(n);
      return { node: n, item, label: labelOf(item), description: String(item.description ?? '') };
    }),
  );
}

async function child(node: BenchNode | undefined, label: string): Promise<Shown> {
  const all = await kids(node);
  const found = all.find((c) => c.label === label);
  assert.ok(found, `no child "${label}" under ${node?.id ?? 'the root'} (have: ${all.map((c) => c.label).join(', ')})`);
  return found;
}

const items = (shown: Shown[]) => shown.filter((s) => !s.node.id.includes('/#'));
const tail = (shown: Shown[]) => shown.filter((s) => s.node.id.includes('/#')).map((s) => s.label);
const iconId = (item: vscode.TreeItem) => (item.iconPath as vscode.ThemeIcon).id;
const colorId = (item: vscode.TreeItem) => (item.iconPath as vscode.ThemeIcon).color?.id;

const config = () => vscode.workspace.getConfiguration('otaBench');
const setProfiles = (v: unknown) => config().update('profiles', v, vscode.ConfigurationTarget.Global);
const awsBundleLoaded = () => Object.keys(require.cache).some((k) => k.endsWith(path.join('dist', 'clouds', 'aws.js')));

/** A DER-looking ECDSA signature: the job document carries it, the emulator does not check it. */
const FAKE_SIG = Buffer.from('3044022001020304050607080910111213141516171819202122232425262728293031320220aabbccddeeff00112233445566778899aabbccddeeff0011223344556677889900', 'hex').toString('base64');

describe('AWS tree (real extension host, AWS emulator)', function () {
  this.timeout(120_000);
  const savedEnv: Record<string, string | undefined> = {};
  let profileNode: Shown;

  before(async () => {
    const ext = vscode.extensions.getExtension<OtaBenchApi>(EXT_ID);
    assert.ok(ext);
    api = await ext.activate();
    await setProfiles(undefined);

    emu = await startAwsEmulator();
    emu.seed.jobs(1000);
    await emu.seed.packageWithVersions('bench-fw', ['1.0.0', '1.1.0', '1.2.0'], 2); // 1.2.0 stays DRAFT
    await emu.seed.packageWithVersions('sensor-fw', ['0.1.0'], 1);
    // Signed, published versions a verify job can deploy (the provider reads these attributes).
    // Two, because verify job ids are stamped to the second: two jobs for one version in the same
    // second would be one job.
    for (const v of ['2.0.0', '2.1.0']) {
      const key = `bench-fw/${v}/firmware.bin`;
      const obj = await emu.s3.putBuffer('ota-bench-firmware', key, Buffer.alloc(4096, 7));
      emu.catalog.createVersion('bench-fw', v, {
        attributes: { version: v, size: '4096', signature: FAKE_SIG, signatureAlgorithm: 'ECDSA', filename: 'firmware.bin' },
        artifact: { s3Location: { bucket: 'ota-bench-firmware', key, version: obj.versionId } },
      }, null);
      emu.catalog.updateVersion('bench-fw', v, { action: 'PUBLISH' });
    }
    // A fleet job: one device downloading, one failed with the agent's reason, one queued.
    emu.seed.fleetJob('fleet-rollout-1', ['dev-a', 'dev-b', 'dev-c']);
    emu.jobs.deviceUpdate('dev-a', 'fleet-rollout-1', { status: 'IN_PROGRESS', statusDetails: { receive: '3/10' } });
    emu.jobs.deviceUpdate('dev-b', 'fleet-rollout-1', { status: 'IN_PROGRESS' });
    emu.jobs.deviceUpdate('dev-b', 'fleet-rollout-1', { status: 'FAILED', statusDetails: { reason: 'rejected: 0x1a' } });

    // Credentials through the AWS SDK's own chain: a named profile in temporary shared files.
    const dir = path.join(env.out, 'aws-tree');
    fs.mkdirSync(dir, { recursive: true });
    const credentials = path.join(dir, 'credentials');
    const configFile = path.join(dir, 'config');
    fs.writeFileSync(credentials, `[${AWS_PROFILE}]\naws_access_key_id = ${emu.credentials.accessKeyId}\naws_secret_access_key = ${emu.credentials.secretAccessKey}\n`);
    fs.writeFileSync(configFile, `[profile ${AWS_PROFILE}]\nregion = ${emu.region}\n`);
    for (const [k, v] of Object.entries({ AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: configFile, AWS_EC2_METADATA_DISABLED: 'true' })) {
      savedEnv[k] = process.env[k];
      process.env[k] = v;
    }
    await setProfiles([
      { ...emu.profile('aws-emu'), awsProfile: AWS_PROFILE },
      { ...emu.profile('aws-nokeys'), awsProfile: 'no-such-profile' },
    ]);
    await waitFor('both AWS profiles in the tree', async () => (await kids()).filter((k) => k.label.startsWith('aws-')).length === 2);
  });

  after(async () => {
    await api?.release.controller.cancel();
    await config().update('tree.pageSize', undefined, vscode.ConfigurationTarget.Global);
    await setProfiles(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await emu?.close();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('expanding an AWS profile shows its folders, from the lazily loaded AWS bundle', async () => {
    // That the bundle is NOT loaded before the first expansion is checked where no other suite ran
    // first: the smoke suite, in a fresh host on the installed .vsix.
    profileNode = await child(undefined, 'aws-emu');
    assert.equal(profileNode.item.contextValue, 'otaBench.profile.aws');
    const folders = await kids(profileNode.node);
    assert.deepEqual(folders.map((f) => f.label), ['Packages', 'Jobs', 'OTA updates']);
    assert.equal(awsBundleLoaded(), true);
    assert.equal(api.clouds.isLoaded('aws'), true);
  });

  it('shows packages and their versions with status icons and escaped tooltips', async () => {
    const packages = await child(profileNode.node, 'Packages');
    const pk = await kids(packages.node);
    assert.deepEqual(items(pk).map((p) => p.label).sort(), ['bench-fw', 'sensor-fw']);
    assert.deepEqual(tail(pk), [], 'two packages fit one page: no Load more');
    const bench = pk.find((p) => p.label === 'bench-fw')!;
    const versions = await kids(bench.node);
    const byLabel = new Map(versions.map((v) => [v.label, v]));
    assert.deepEqual([...byLabel.keys()].sort(), ['1.0.0', '1.1.0', '1.2.0', '2.0.0', '2.1.0']);
    const draft = byLabel.get('1.2.0')!;
    const published = byLabel.get('1.1.0')!;
    assert.match(draft.description, /^DRAFT/);
    assert.match(published.description, /^PUBLISHED/);
    assert.equal(iconId(published.item), 'pass');
    assert.equal(colorId(published.item), 'charts.green');
    assert.equal(iconId(draft.item), 'circle-large-outline');
    assert.match(String(draft.item.contextValue), /^otaBench\.version;status=draft/);
    const tip = draft.item.tooltip as vscode.MarkdownString;
    assert.ok(tip instanceof vscode.MarkdownString && tip.value.includes('**Status:** DRAFT'), String(tip?.value));
    assert.ok(!tip.isTrusted, 'tooltips with cloud strings are not trusted');
  });

  it('shows the first page of 1,000 jobs only; Load more adds one page; Load all completes', async () => {
    const jobs = await child(profileNode.node, 'Jobs');
    const before = emu.requests.filter((r) => r.path.startsWith('/jobs')).length;
    const first = await kids(jobs.node);
    assert.equal(items(first).length, 50, 'one page of 50');
    assert.deepEqual(tail(first), ['Load more…', 'Load all']);
    assert.equal(emu.requests.filter((r) => r.path.startsWith('/jobs')).length - before, 1, 'one ListJobs call for the first page');
    assert.equal(items(first)[0].label, 'fleet-rollout-1', 'newest first');
    const more = first.find((c) => c.label === 'Load more…')!;
    assert.equal(more.item.command?.command, 'otaBench.tree.loadMore');
    await vscode.commands.executeCommand(more.item.command!.command, ...(more.item.command!.arguments ?? []));
    const second = await kids(jobs.node);
    assert.equal(items(second).length, 100);
    assert.equal(new Set(items(second).map((c) => c.label)).size, 100, 'no duplicates across pages');
    assert.equal(items(second)[0].node, items(first)[0].node, 'loaded nodes are kept, not rebuilt');
    const total = await vscode.commands.executeCommand<number>('otaBench.tree.loadAll', jobs.node);
    assert.equal(total, 1001);
    const all = await kids(jobs.node);
    assert.equal(items(all).length, 1001);
    assert.deepEqual(tail(all), [], 'nothing more to load');
    // Collapse-and-refresh goes back to one page: nothing fetches everything implicitly.
    api.tree.refresh(jobs.node);
    assert.equal(items(await kids(jobs.node)).length, 50);
  });

  it('filters a folder by id prefix (shown in its description) and clears the filter', async () => {
    const jobs = await child(profileNode.node, 'Jobs');
    assert.equal(await vscode.commands.executeCommand('otaBench.tree.filter', jobs.node, 'seed-job-099'), 'prefix "seed-job-099"');
    const folder = await api.tree.getTreeItem(jobs.node);
    assert.equal(folder.description, 'prefix "seed-job-099"');
    assert.match(String(folder.contextValue), /;filtered(;|$)/);
    const filtered = await kids(jobs.node);
    assert.deepEqual(items(filtered).map((c) => c.label).sort(), Array.from({ length: 10 }, (_, i) => `seed-job-099${i}`));
    await vscode.commands.executeCommand('otaBench.tree.filter', jobs.node, 'nothing-matches');
    // AWS cannot filter jobs by prefix: the provider scans a few pages per request, so the tree
    // says nothing matched *yet* and offers to search on; after Load all it says there is none.
    const partial = await kids(jobs.node);
    assert.deepEqual(partial.map((c) => c.label), ['No jobs match prefix "nothing-matches" yet', 'Load more…', 'Load all']);
    await vscode.commands.executeCommand('otaBench.tree.loadAll', jobs.node);
    const none = await kids(jobs.node);
    assert.deepEqual(none.map((c) => c.label), ['No jobs match prefix "nothing-matches"'], 'an empty result says so');
    await vscode.commands.executeCommand('otaBench.tree.clearFilter', jobs.node);
    assert.equal((await api.tree.getTreeItem(jobs.node)).description, undefined);
    assert.equal(items(await kids(jobs.node)).length, 50);
  });

  it("shows a job's executions with per-device status and status details", async () => {
    const jobs = await child(profileNode.node, 'Jobs');
    const job = await child(jobs.node, 'fleet-rollout-1');
    assert.equal(iconId(job.item), 'sync~spin');
    const execs = new Map((await kids(job.node)).map((e) => [e.label, e]));
    assert.deepEqual([...execs.keys()].sort(), ['dev-a', 'dev-b', 'dev-c']);
    assert.match(execs.get('dev-a')!.description, /^IN_PROGRESS · 30%/);
    assert.match(execs.get('dev-b')!.description, /^FAILED · rejected: 0x1a/);
    assert.match(execs.get('dev-c')!.description, /^QUEUED/);
    assert.equal(colorId(execs.get('dev-b')!.item), 'charts.red');
    assert.equal(iconId(execs.get('dev-a')!.item), 'sync~spin');
    // Clicking an execution opens its details: a read-only JSON document with the status details.
    const cmd = execs.get('dev-b')!.item.command!;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(cmd.command, ...(cmd.arguments ?? []));
    assert.equal(editor.document.uri.scheme, 'ota-bench');
    assert.equal(editor.document.languageId, 'json');
    const details = JSON.parse(editor.document.getText());
    assert.equal(details.target, 'dev-b');
    assert.deepEqual(details.statusDetails, { reason: 'rejected: 0x1a' });
  });

  it('shows an error node with Retry when the cloud fails, and Retry loads the page', async () => {
    const jobs = await child(profileNode.node, 'Jobs');
    emu.faults.failNext(50, { service: 'iot', pathPrefix: '/jobs' });
    api.tree.refresh(jobs.node);
    const failed = await kids(jobs.node);
    emu.faults.clear();
    assert.equal(failed.length, 1, failed.map((f) => f.label).join(', '));
    assert.equal(failed[0].label, 'Could not load jobs');
    assert.match(failed[0].description, /click to retry$/);
    assert.equal(iconId(failed[0].item), 'error');
    const retry = failed[0].item.command!;
    assert.equal(retry.command, 'otaBench.tree.retry');
    await vscode.commands.executeCommand(retry.command, ...(retry.arguments ?? []));
    const ok = await kids(jobs.node);
    assert.equal(items(ok).length, 50);
    assert.deepEqual(tail(ok), ['Load more…', 'Load all']);
  });

  it('a credentials error says what to do and offers Open AWS config', async () => {
    const nokeys = await child(undefined, 'aws-nokeys');
    const jobs = await child(nokeys.node, 'Jobs');
    const shown = await kids(jobs.node);
    assert.deepEqual(shown.map((s) => s.label), ['Could not load jobs', 'Open AWS config']);
    assert.match(String(shown[0].item.contextValue), /;credentials;help=otaBench\.openAwsConfig$/);
    assert.match(shown[0].description, /no-such-profile|credential|profile/i);
    const open = shown[1].item.command!;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>(open.command, ...(open.arguments ?? []));
    assert.equal(editor.document.uri.fsPath, process.env.AWS_CONFIG_FILE);
  });

  it('copies a job ARN and a job id to the clipboard', async () => {
    // Leave the clipboard as found: later suites read it.
    const saved = await vscode.env.clipboard.readText();
    try {
      const jobs = await child(profileNode.node, 'Jobs');
      const job = await child(jobs.node, 'fleet-rollout-1');
      const arn = await vscode.commands.executeCommand<string>('otaBench.copyArn', job.node);
      assert.equal(arn, emu.jobs.job('fleet-rollout-1').jobArn);
      assert.equal(await vscode.env.clipboard.readText(), arn);
      assert.equal(await vscode.commands.executeCommand('otaBench.copyId', job.node), 'fleet-rollout-1');
      assert.equal(await vscode.env.clipboard.readText(), 'fleet-rollout-1');
      // Version lists carry no ARN: Copy ARN reads the version first.
      const bench = await child(await child(profileNode.node, 'Packages').then((p) => p.node), 'bench-fw');
      const v = await child(bench.node, '1.1.0');
      assert.equal(await vscode.commands.executeCommand('otaBench.copyArn', v.node), emu.catalog.version('bench-fw', '1.1.0').packageVersionArn);
    } finally {
      await vscode.env.clipboard.writeText(saved);
    }
  });

  it("opens a job's document in a read-only JSON editor", async () => {
    const jobs = await child(profileNode.node, 'Jobs');
    const job = await child(jobs.node, 'seed-job-0042').catch(async () => {
      await vscode.commands.executeCommand('otaBench.tree.filter', jobs.node, 'seed-job-0042');
      return child(jobs.node, 'seed-job-0042');
    });
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('otaBench.openJobDocument', job.node);
    assert.equal(editor.document.uri.scheme, 'ota-bench');
    assert.equal(editor.document.languageId, 'json');
    assert.deepEqual(JSON.parse(editor.document.getText()), { operation: 'noop', n: 42 });
    // Typing into it (as a user would) changes nothing: the editor is read-only.
    const before = editor.document.getText();
    await vscode.commands.executeCommand('type', { text: 'x' });
    assert.equal(vscode.window.activeTextEditor?.document, editor.document);
    assert.equal(editor.document.getText(), before, 'the job document is read-only');
    assert.equal(editor.document.isDirty, false);
    await vscode.commands.executeCommand('otaBench.tree.clearFilter', jobs.node);
  });

  it('cancels a job after confirmation (and not when the dialog is dismissed); force cancels running executions', async () => {
    const jobs = await child(profileNode.node, 'Jobs');
    await vscode.commands.executeCommand('otaBench.tree.filter', jobs.node, 'seed-job-000');
    const job = await child(jobs.node, 'seed-job-0007');
    const dismissed = await withDialogs([ESCAPE], () => vscode.commands.executeCommand('otaBench.cancelJob', job.node));
    assert.equal(dismissed.result, false);
    assert.equal(emu.jobs.job('seed-job-0007').status, 'IN_PROGRESS', 'nothing happens when the dialog is dismissed');
    const done = await withDialogs(['Cancel Job'], () => vscode.commands.executeCommand('otaBench.cancelJob', job.node));
    assert.equal(done.result, true);
    assert.match(done.dialogs.events[0].text, /Cancel job "seed-job-0007"\?/);
    assert.equal(emu.jobs.job('seed-job-0007').status, 'CANCELED');
    assert.match(String((await api.tree.getTreeItem(job.node)).description), /^CANCELED/, 'the node shows the new status');
    // The fleet job has a device in progress: only a forced cancel stops it.
    await vscode.commands.executeCommand('otaBench.tree.clearFilter', jobs.node);
    const fleet = await child(jobs.node, 'fleet-rollout-1');
    const forced = await withDialogs(['Force (also cancel in-progress executions)'], () => vscode.commands.executeCommand('otaBench.cancelJob', fleet.node));
    assert.equal(forced.result, true);
    assert.equal(emu.jobs.job('fleet-rollout-1').status, 'CANCELED');
    assert.equal(emu.jobs.execution('fleet-rollout-1', 'dev-a').status, 'CANCELED');
  });

  it('cancels one execution; a failing cancel shows the error with Retry', async () => {
    const id = emu.seed.fleetJob('fleet-rollout-2', ['dev-x', 'dev-y']);
    const jobs = await child(profileNode.node, 'Jobs');
    api.tree.refresh(jobs.node);
    const job = await child(jobs.node, id);
    const devX = await child(job.node, 'dev-x');
    emu.faults.failNext(50, { service: 'iot', pathPrefix: '/things/dev-x/jobs' });
    const failed = await withDialogs(['Cancel Execution'], () => vscode.commands.executeCommand('otaBench.cancelExecution', devX.node));
    emu.faults.clear();
    assert.equal(failed.result, false);
    const error = await waitFor('the error message', () => failed.dialogs.events.find((e) => e.kind === 'message' && /Could not cancel/.test(e.text)));
    assert.match(error.text, /dev-x/);
    assert.equal(emu.jobs.execution(id, 'dev-x').status, 'QUEUED');
    const ok = await withDialogs(['Cancel Execution'], () => vscode.commands.executeCommand('otaBench.cancelExecution', devX.node));
    assert.equal(ok.result, true);
    assert.equal(emu.jobs.execution(id, 'dev-x').status, 'CANCELED');
    assert.equal(emu.jobs.execution(id, 'dev-y').status, 'QUEUED');
    const refreshed = await child(job.node, 'dev-x');
    assert.match(refreshed.description, /^CANCELED/);
  });

  it('publishes and deprecates a package version after confirmation', async () => {
    const packages = await child(profileNode.node, 'Packages');
    const bench = await child(packages.node, 'bench-fw');
    const draft = await child(bench.node, '1.2.0');
    const no = await withDialogs([ESCAPE], () => vscode.commands.executeCommand('otaBench.publishVersion', draft.node));
    assert.equal(no.result, false);
    assert.equal(emu.catalog.version('bench-fw', '1.2.0').status, 'DRAFT');
    const yes = await withDialogs(['Publish'], () => vscode.commands.executeCommand('otaBench.publishVersion', draft.node));
    assert.equal(yes.result, true);
    assert.equal(emu.catalog.version('bench-fw', '1.2.0').status, 'PUBLISHED');
    const after = await child(bench.node, '1.2.0');
    assert.match(after.description, /^PUBLISHED/);
    assert.match(String(after.item.contextValue), /status=published/);
    const dep = await withDialogs(['Deprecate'], () => vscode.commands.executeCommand('otaBench.deprecateVersion', after.node));
    assert.equal(dep.result, true);
    assert.equal(emu.catalog.version('bench-fw', '1.2.0').status, 'DEPRECATED');
    assert.equal(iconId((await child(bench.node, '1.2.0')).item), 'archive');
  });

  it('starts a verify job from a package version on the bench thing, reveals it first in Jobs, and the release watches it to a verdict', async () => {
    const packages = await child(profileNode.node, 'Packages');
    const bench = await child(packages.node, 'bench-fw');
    const v = await child(bench.node, '2.0.0');
    const { result: job, dialogs } = await withDialogs([NO_SERIAL], () => vscode.commands.executeCommand<{ id: string } | undefined>('otaBench.startVerifyJob', v.node));
    assert.ok(job, 'a job was returned');
    // No open port in this suite (an earlier suite may have left its stopped board's port remembered).
    assert.match(dialogs.events[0]?.text ?? '', /No serial port is selected|port .* is not open/, 'the verdict needs serial: the user is asked first');
    const rec = emu.jobs.job(job.id);
    assert.deepEqual(rec.targets, [emu.things.things.get('bench-board-01')!.thingArn]);
    assert.match(rec.document ?? '', /afr_ota/);
    const jobs = await child(profileNode.node, 'Jobs');
    const first = items(await kids(jobs.node))[0];
    assert.equal(first.label, job.id, 'the new job is first in Jobs');
    await waitFor('the new job selected in the view', () => api.view.selection.some((n) => n.id === first.node.id), 5000).catch(() => undefined);
    // The same path as the release commands: the job is watched, and the cloud's success alone
    // (no board on serial here) is not a pass.
    assert.equal(api.release.controller.isRunning, true, 'the release watches the job');
    emu.jobs.deviceUpdate('bench-board-01', job.id, { status: 'IN_PROGRESS' });
    emu.jobs.deviceUpdate('bench-board-01', job.id, { status: 'SUCCEEDED' });
    const r = await within('the verdict', api.release.controller.whenIdle(), 30_000);
    assert.equal(r?.job?.id, job.id);
    assert.equal(r?.status, 'failed', r?.note);
    assert.equal(r?.rollout?.executions?.find((e) => e.target === 'bench-board-01')?.status, 'succeeded');
    assert.match(r?.verdict?.reasons.join(' ') ?? '', /No serial port is connected/);
  });

  it('asks for the bench thing when the profile has none, with validation; a version without a signature fails clearly', async () => {
    await setProfiles([
      { ...emu.profile('aws-emu'), awsProfile: AWS_PROFILE, thingName: undefined },
      { ...emu.profile('aws-nokeys'), awsProfile: 'no-such-profile' },
    ]);
    emu.seed.thing('bench-board-02');
    const p = await waitFor('the edited profile', async () => {
      const n = await child(undefined, 'aws-emu');
      return (n.node as unknown as { profile: { thingName?: string } }).profile.thingName === undefined && n;
    });
    profileNode = p;
    const bench = await child(await child(p.node, 'Packages').then((x) => x.node), 'bench-fw');
    const v = await child(bench.node, '2.1.0');
    const asked = await withDialogs(['bad name!', 'bench-board-02', NO_SERIAL], () => vscode.commands.executeCommand<{ id: string }>('otaBench.startVerifyJob', v.node));
    assert.equal(asked.dialogs.rejections.length, 1, 'the invalid thing name was rejected by the input box');
    assert.ok(asked.result);
    assert.deepEqual(emu.jobs.job(asked.result.id).targets, [emu.things.things.get('bench-board-02')!.thingArn]);
    const canceled = await vscode.commands.executeCommand<{ status: string; config: { target?: string } } | undefined>('otaBench.cancelRelease');
    assert.equal(canceled?.status, 'canceled');
    assert.equal(canceled?.config.target, 'bench-board-02', 'the asked device is the release\u2019s target (watch and verdict)');
    // Seeded versions carry no signature: the provider refuses and the user is told why.
    const unsigned = await child(bench.node, '1.0.0');
    // The first verify job still holds bench-board-02 (its release was cancelled, not the job): the user is told before another is started.
    const failed = await withDialogs(['bench-board-02', NO_SERIAL, 'Let It Wait'], () => vscode.commands.executeCommand('otaBench.startVerifyJob', unsigned.node));
    assert.equal(failed.result, undefined);
    const pending = failed.dialogs.events.find((e) => e.kind === 'message' && /already has 1 pending job/.test(e.text));
    assert.ok(pending, failed.dialogs.events.map((e) => e.text).join('\n'));
    assert.ok(pending.text.includes(asked.result.id), 'names the job that holds the board');
    const msg = await waitFor('the error message', () => failed.dialogs.events.find((e) => e.kind === 'message' && /failed at "Start verify job"/.test(e.text)));
    assert.match(msg.text, /signature/);
  });

  it('shows OTA updates and expands one to its job', async () => {
    const roleArn = emu.profile().roleArn;
    const obj = emu.s3.object('ota-bench-firmware', 'bench-fw/2.0.0/firmware.bin');
    emu.ota.create('ota-fleet-7', {
      targets: [emu.things.things.get('bench-board-01')!.thingArn],
      roleArn,
      protocols: ['HTTP'],
      files: [{ fileName: 'firmware.bin', fileLocation: { s3Location: { bucket: 'ota-bench-firmware', key: 'bench-fw/2.0.0/firmware.bin', version: obj.versionId } }, codeSigning: { customCodeSigning: { signature: { inlineDocument: FAKE_SIG }, certificateChain: { certificateName: 'code_sign.crt' }, hashAlgorithm: 'SHA256', signatureAlgorithm: 'ECDSA' } } }],
    });
    await waitFor('the OTA update to create its job', () => emu.ota.record('ota-fleet-7').status === 'CREATE_COMPLETE');
    const ota = await child(profileNode.node, 'OTA updates');
    const update = await child(ota.node, 'ota-fleet-7');
    const jobNodes = await kids(update.node);
    assert.deepEqual(jobNodes.map((j) => j.label), ['AFR_OTA-ota-fleet-7']);
    assert.equal(iconId((await api.tree.getTreeItem(update.node))), 'pass');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('otaBench.openJobDocument', update.node);
    assert.ok(JSON.parse(editor.document.getText()).afr_ota, 'the OTA job document is an afr_ota document');
  });

  it('screenshot: the expanded AWS tree (page size from the setting)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.extension.otaBench');
    await config().update('tree.pageSize', 8, vscode.ConfigurationTarget.Global);
    profileNode = await waitFor('the tree rebuilt for the new page size', async () => {
      const p = await child(undefined, 'aws-emu');
      return p.node !== profileNode.node && p;
    });
    const jobsNow = await kids((await child(profileNode.node, 'Jobs')).node);
    assert.equal(items(jobsNow).length, 8, 'otaBench.tree.pageSize applies');
    const packages = await child(profileNode.node, 'Packages');
    const bench = await child(packages.node, 'bench-fw');
    const jobs = await child(profileNode.node, 'Jobs');
    const fleet = await child(jobs.node, 'fleet-rollout-1');
    await revealWhenShown(api.view, fleet.node, { expand: true, select: false });
    await revealWhenShown(api.view, bench.node, { expand: true, select: false });
    await revealWhenShown(api.view, profileNode.node, { expand: false, select: false, focus: true });
    await screenshot('aws-tree', 1200);
  });
});
