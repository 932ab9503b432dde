// Foundation, in the real extension host: activation, commands, cloud profiles through the real
// input boxes' validation, secrets only in SecretStorage, the Clouds tree, the Bench Monitor.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import type { BenchNode } from '../../src/vscode/tree/node';
import type { WebviewMessage } from '../../src/shared/protocol';
import { DialogScript, ESCAPE, withDialogs } from './support/dialogs';
import { testEnv } from './support/env';
import { filesContaining } from './support/files';
import { screenshot } from './support/screenshot';
import { waitFor, within } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';
const env = testEnv();

const HUAWEI = {
  name: 'hw-bench',
  region: 'cn-north-4',
  projectId: '0123456789abcdef0123456789abcdef',
  instanceId: 'a1b2c3d4-e5f6-4711-8899-aabbccddeeff',
  productId: 'bench_product',
  deviceId: 'bench_product_dev01',
  ak: 'HPUAEXAMPLEAK7Q2W9ZK1',
  sk: 'skEXAMPLE9f8e7d6c5b4a3928170665forTests',
};

let api: OtaBenchApi;

const config = () => vscode.workspace.getConfiguration('otaBench');
const rawProfiles = () => (config().get<unknown[]>('profiles') ?? []) as Record<string, unknown>[];
const setProfiles = (v: unknown) => config().update('profiles', v, vscode.ConfigurationTarget.Global);

async function rootItems(): Promise<{ node: BenchNode; item: vscode.TreeItem }[]> {
  const nodes = await api.tree.getChildren();
  return Promise.all(nodes.map(async (node) => ({ node, item: await api.tree.getTreeItem(node) })));
}
const label = (item: vscode.TreeItem) => (typeof item.label === 'string' ? item.label : item.label?.label);

/** Where VS Code keeps user settings for this host (code-server: <user-data-dir>/User/settings.json). */
function userSettingsFile(): string {
  assert.ok(env.userDataDir, 'the runner must set OTA_BENCH_USER_DATA_DIR');
  return path.join(env.userDataDir, 'User', 'settings.json');
}

/** Runs the Add Cloud Profile command with the boxes answered by `answers`. */
async function addProfile(answers: (string | typeof ESCAPE)[]) {
  const dialogs = new DialogScript(answers);
  try {
    const name = await vscode.commands.executeCommand<string | undefined>('otaBench.addProfile');
    return { name, dialogs };
  } finally {
    dialogs.dispose();
  }
}

describe('Foundation (real extension host)', function () {
  this.timeout(60_000);

  before(async () => {
    await setProfiles(undefined);
    // Every test needs the API, also when one runs alone under --grep; the first test checks activation itself.
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
  });

  after(async () => {
    await setProfiles(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates and returns its test API', async () => {
    const ext = vscode.extensions.getExtension<OtaBenchApi>(EXT_ID);
    assert.ok(ext, `${EXT_ID} is not installed in this host`);
    api = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(typeof api.tree.getChildren, 'function');
    assert.equal(typeof api.profiles.read, 'function');
    assert.equal(typeof api.timing.activateStart, 'number');
    if (env.installedIn) assert.ok(ext.extensionPath.startsWith(env.installedIn), `${ext.extensionPath} is not inside ${env.installedIn}`);
    else assert.equal(fs.realpathSync(ext.extensionPath), fs.realpathSync(env.repo));
  });

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 7, `only ${contributed.length} commands contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), [], 'contributed but not registered');
  });

  it('Add Cloud Profile: the boxes reject bad values, the profile goes to settings and its keys to SecretStorage only', async () => {
    const { name, dialogs } = await addProfile([
      'Huawei Cloud IoTDA',
      HUAWEI.name,
      'cn-north-99', HUAWEI.region, // a region that does not exist is rejected, then corrected
      'not-a-project', HUAWEI.projectId,
      HUAWEI.instanceId, '', HUAWEI.productId, HUAWEI.deviceId, // no app_id
      '', '', '', // no OBS bucket or region yet; keys in the keychain (the default)
      'short', HUAWEI.ak, // too short for an access key
      HUAWEI.sk,
      '', // a permanent key: no security token
    ]);
    assert.equal(name, HUAWEI.name);
    assert.equal(dialogs.remaining, 0);
    assert.equal(dialogs.rejections.length, 3, dialogs.rejections.join(' | '));
    assert.match(dialogs.rejections[0], /"cn-north-99" is not an IoTDA region/);
    assert.match(dialogs.rejections[1], /32 hex characters/);
    assert.match(dialogs.rejections[2], /at least 8 characters/);

    const saved = rawProfiles().find((p) => p.name === HUAWEI.name);
    assert.deepEqual(saved, {
      kind: 'huawei', name: HUAWEI.name, region: HUAWEI.region, projectId: HUAWEI.projectId,
      instanceId: HUAWEI.instanceId, productId: HUAWEI.productId, deviceId: HUAWEI.deviceId,
    });
    assert.equal(await api.profiles.getSecret(HUAWEI.name, 'accessKey'), HUAWEI.ak);
    assert.equal(await api.profiles.getSecret(HUAWEI.name, 'secretKey'), HUAWEI.sk);

    // The settings file on disk has the profile and none of its keys.
    const file = userSettingsFile();
    const text = await waitFor('settings.json to list the profile', () => {
      const t = fs.readFileSync(file, 'utf8');
      return t.includes(HUAWEI.projectId) && t;
    });
    assert.ok(!text.includes(HUAWEI.ak) && !text.includes(HUAWEI.sk), 'a secret is in settings.json');
    // …nor anywhere else the host writes: settings, global/workspace state, logs (the OTA Bench channel included).
    const leaks = [HUAWEI.ak, HUAWEI.sk].flatMap((s) => [
      ...filesContaining(env.userDataDir!, s),
      ...(env.workspace ? filesContaining(env.workspace, s) : []),
    ]);
    assert.deepEqual(leaks, [], 'secret found in files');
  });

  it('Add Cloud Profile: an invalid region shows why and, cancelled, saves nothing', async () => {
    const before = JSON.stringify(rawProfiles());
    const { name, dialogs } = await addProfile(['Huawei Cloud IoTDA', 'hw-bad', 'mars-1', ESCAPE]);
    assert.equal(name, undefined);
    assert.equal(dialogs.rejections.length, 1);
    assert.match(dialogs.rejections[0], /"mars-1" is not an IoTDA region\. Use one of: cn-north-4/);
    assert.equal(JSON.stringify(rawProfiles()), before);
    assert.equal(await api.profiles.getSecret('hw-bad', 'accessKey'), undefined);
  });

  it('the Clouds tree shows the profile (label, region as description, Huawei icon)', async () => {
    const items = await waitFor('the tree to show the profile', async () => {
      const all = await rootItems();
      return all.some((i) => label(i.item) === HUAWEI.name) && all;
    });
    const hw = items.find((i) => label(i.item) === HUAWEI.name)!.item;
    assert.equal(hw.description, HUAWEI.region);
    assert.equal(hw.contextValue, 'otaBench.profile.huawei');
    assert.match((hw.iconPath as { light: vscode.Uri }).light.path, /clouds\/huawei-light\.svg$/);
    assert.equal(hw.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
  });

  it('Edit Cloud Profile: rename and new region; the keys follow the new name', async () => {
    const node = (await rootItems()).find((i) => label(i.item) === HUAWEI.name)!.node;
    const dialogs = new DialogScript([
      'hw-lab', 'cn-south-1', HUAWEI.projectId, HUAWEI.instanceId, '', HUAWEI.productId, HUAWEI.deviceId, '', '', '',
      '', '', '', // empty keeps the stored keys (and no token)
    ]);
    try {
      assert.equal(await vscode.commands.executeCommand('otaBench.editProfile', node), 'hw-lab');
    } finally {
      dialogs.dispose();
    }
    const names = rawProfiles().map((p) => p.name);
    assert.deepEqual(names, ['hw-lab']);
    assert.equal(rawProfiles()[0].region, 'cn-south-1');
    assert.equal(await api.profiles.getSecret('hw-lab', 'accessKey'), HUAWEI.ak);
    assert.equal(await api.profiles.getSecret('hw-lab', 'secretKey'), HUAWEI.sk);
    assert.equal(await api.profiles.getSecret(HUAWEI.name, 'accessKey'), undefined);
    assert.equal(await api.profiles.getSecret(HUAWEI.name, 'secretKey'), undefined);
    await waitFor('the tree to show the new region', async () => (await rootItems()).some((i) => label(i.item) === 'hw-lab' && i.item.description === 'cn-south-1'));
  });

  it('Remove Cloud Profile: asks, then deletes the entry and its secrets', async () => {
    const node = (await rootItems()).find((i) => label(i.item) === 'hw-lab')!.node;
    // Cancelling the confirmation keeps everything.
    let dialogs = new DialogScript([ESCAPE]);
    try {
      assert.equal(await vscode.commands.executeCommand('otaBench.removeProfile', node), false);
    } finally {
      dialogs.dispose();
    }
    assert.equal(await api.profiles.getSecret('hw-lab', 'accessKey'), HUAWEI.ak);
    dialogs = new DialogScript(['Remove']);
    try {
      assert.equal(await vscode.commands.executeCommand('otaBench.removeProfile', node), true);
    } finally {
      dialogs.dispose();
    }
    assert.deepEqual(rawProfiles(), []);
    assert.equal(await api.profiles.getSecret('hw-lab', 'accessKey'), undefined);
    assert.equal(await api.profiles.getSecret('hw-lab', 'secretKey'), undefined);
  });

  it('a corrupted otaBench.profiles entry is an error node with "Open settings", not a crash', async () => {
    await setProfiles([
      { kind: 'aws', name: 'aws-bench', region: 'us-east-1', awsProfile: 'firmware', thingName: 'bench-board-01' },
      { kind: 'huawei', name: 'broken', region: 'nowhere-1', projectId: HUAWEI.projectId },
      42,
      { kind: 'aliyun', name: 'ali-bench', region: 'cn-shanghai', productKey: 'a1BwAGVbench', deviceName: 'bench-01' },
    ]);
    const items = await waitFor('the tree to show 4 nodes', async () => {
      const all = await rootItems();
      return all.length === 4 && all;
    });
    assert.deepEqual(items.map((i) => label(i.item)), ['aws-bench', 'ali-bench', 'Profile "broken" is invalid', 'Profile #3 is invalid']);
    const broken = items[2].item;
    assert.equal(broken.command?.command, 'otaBench.openProfileSettings');
    assert.equal(broken.command?.title, 'Open settings');
    assert.match(String(broken.description), /"region": "nowhere-1" is not an IoTDA region/);
    assert.equal((broken.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(String(items[3].item.description), /Entry is not an object/);

    // The node's command opens the settings file.
    await vscode.commands.executeCommand(broken.command!.command, ...(broken.command!.arguments ?? []));
    await waitFor('settings.json to open', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('settings.json'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    await vscode.commands.executeCommand('workbench.view.extension.otaBench');
    await screenshot('clouds-tree');
  });

  it('Add Cloud Profile on AWS asks how to sign: a development key pair is made in the workspace, with its warning', async () => {
    assert.ok(env.workspace, 'the runner opens a workspace folder');
    const { name, dialogs } = await addProfile([
      'AWS IoT', 'aws-wizard', 'us-east-1', '', 'bench-board-01', '', '',
      '$(beaker) Create a development key pair',
    ]);
    assert.equal(name, 'aws-wizard');
    assert.equal(dialogs.remaining, 0);
    const saved = rawProfiles().find((p) => p.name === 'aws-wizard')!;
    const signing = saved.signing as { mode: string; keyFile: string };
    assert.equal(signing.mode, 'local-key');
    const key = path.join(env.workspace, signing.keyFile);
    assert.match(fs.readFileSync(key, 'utf8'), /DEVELOPMENT KEY[\s\S]*BEGIN PRIVATE KEY/);
    assert.ok(fs.existsSync(key.replace(/\.pem$/, '.pub.pem')), 'the public key for the board');
    assert.ok(dialogs.events.some((e) => e.kind === 'message' && /DEVELOPMENT signing key/.test(e.text)), 'the development-only warning');
    // The failure path: a user who escapes the signing question saves nothing.
    const before = JSON.stringify(rawProfiles());
    const cancelled = await addProfile(['AWS IoT', 'aws-nosign', 'us-east-1', '', '', '', '', ESCAPE]);
    assert.equal(cancelled.name, undefined);
    assert.equal(JSON.stringify(rawProfiles()), before);
    fs.rmSync(path.join(env.workspace, '.ota-bench'), { recursive: true, force: true });
  });

  it('a command a profile cannot do is not offered for it: one plain sentence, and nothing is remembered', async () => {
    // Release to Fleet on AWS needs the presigned-URL role (the descriptor's profileNeeds).
    await setProfiles([{ kind: 'aws', name: 'aws-norole', region: 'us-east-1' }]);
    await waitFor('the profile', () => api.profiles.read().profiles.some((p) => p.name === 'aws-norole'));
    const chosen = api.release.store.choice().profile;
    const { result, dialogs } = await withDialogs(['$(circle-slash) aws-norole'], () => vscode.commands.executeCommand('otaBench.releaseToFleet'));
    assert.equal(result, undefined);
    const pick = dialogs.events.find((e) => e.kind === 'pick')!;
    assert.equal(pick.answer, '$(circle-slash) aws-norole', 'listed, marked as unavailable');
    const told = dialogs.events.find((e) => e.kind === 'message');
    assert.ok(told, 'picking it explains');
    assert.match(told.text, /Profile "aws-norole" has no IAM role for presigned URLs \(roleArn\)\./);
    assert.doesNotMatch(told.text, /Cannot find module|undefined/);
    assert.equal(api.release.store.choice().profile, chosen, 'not remembered as the default');
    await setProfiles(undefined);
  });

  it('the Bench Monitor opens, completes the ready handshake and answers a round trip', async () => {
    await vscode.commands.executeCommand('otaBench.openMonitor');
    const monitor = await waitFor('the monitor panel', () => api.monitor());
    await within('the monitor ready handshake', monitor.ready, 20_000);
    assert.equal(monitor.panel.visible, true);
    assert.equal(monitor.panel.title, 'Bench Monitor');
    const html = monitor.panel.webview.html;
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /script-src 'nonce-[\w-]+'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);

    // Host → page → host: the page answers with what it renders.
    const answer = new Promise<WebviewMessage>((resolve) => {
      const sub = monitor.onMessage((m) => {
        if (m.type === 'queryResult' && m.id === 4242) {
          sub.dispose();
          resolve(m);
        }
      });
    });
    monitor.post({ type: 'query', id: 4242 });
    const reply = await within('the page to answer a query', answer, 10_000);
    assert.ok(reply.type === 'queryResult' && !reply.error && reply.result, `bad answer: ${JSON.stringify(reply)}`);
    assert.ok(Array.isArray(reply.result.visibleRows), 'the page reports its rendered rows');
    await screenshot('bench-monitor', 1200);
  });
});
