// The packaged .vsix, installed with `code-server --install-extension` (no development path):
// it is the artifact users get, it activates, shows its tree and monitor, and serialport's native
// binding loads from inside the installed extension and moves bytes over a real pty.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../../src/extension';
import { testEnv } from '../support/env';
import { openPtyPair, PtyPair } from '../support/pty';
import { revealWhenShown, waitFor, within } from '../support/wait';

const EXT_ID = 'ota-bench.ota-bench';
const env = testEnv();

/** The parts of @serialport/bindings-interface this test uses. */
interface BindingPort {
  write(buf: Buffer): Promise<void>;
  read(buf: Buffer, offset: number, length: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}
interface Binding {
  list(): Promise<{ path: string }[]>;
  open(o: { path: string; baudRate: number }): Promise<BindingPort>;
}

describe('Installed .vsix (smoke)', function () {
  this.timeout(60_000);
  let ext: vscode.Extension<OtaBenchApi>;
  let api: OtaBenchApi;

  after(async () => {
    await vscode.workspace.getConfiguration('otaBench').update('profiles', undefined, vscode.ConfigurationTarget.Global);
  });

  it('is the installed copy, not a development path', () => {
    assert.ok(env.installedIn, 'the runner must set OTA_BENCH_INSTALLED_IN');
    ext = vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!;
    assert.ok(ext, `${EXT_ID} is not installed`);
    assert.ok(ext.extensionPath.startsWith(env.installedIn + path.sep), `${ext.extensionPath} is not inside ${env.installedIn}`);
    assert.equal(ext.packageJSON.version, JSON.parse(fs.readFileSync(path.join(env.repo, 'package.json'), 'utf8')).version);
    // What the package must not carry.
    for (const p of ['src', 'test', 'out', 'webview-ui', 'scripts', 'dist/extension.js.map']) {
      assert.equal(fs.existsSync(path.join(ext.extensionPath, p)), false, `${p} shipped in the .vsix`);
    }
  });

  it('activates and registers its commands', async () => {
    api = await ext.activate();
    assert.equal(ext.isActive, true);
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (ext.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.deepEqual(contributed.filter((c) => !registered.has(c)), []);
  });

  it('shows a profile from settings in the Clouds tree', async () => {
    await vscode.workspace.getConfiguration('otaBench').update('profiles', [{ kind: 'aws', name: 'smoke-aws', region: 'eu-west-1' }], vscode.ConfigurationTarget.Global);
    const item = await waitFor('the tree to show smoke-aws', async () => {
      const nodes = await api.tree.getChildren();
      const items = await Promise.all(nodes.map((n) => api.tree.getTreeItem(n)));
      return items.find((i) => i.label === 'smoke-aws');
    });
    assert.equal(item.description, 'eu-west-1');
    await vscode.commands.executeCommand('workbench.view.extension.otaBench');
  });

  it('loads the AWS bundle only when the AWS profile is expanded in the Clouds view', async () => {
    // A fresh host that ran nothing but activation and the tree: the SDK bundle must still be unloaded.
    const file = path.join(ext.extensionPath, 'dist', 'clouds', 'aws.js');
    assert.ok(fs.existsSync(file), `${file} shipped in the .vsix`);
    const keys = new Set([file, fs.realpathSync(file)]);
    const bundleLoaded = () => Object.keys(require.cache).some((k) => keys.has(k));
    await waitFor('the Clouds view to render', () => api.view.visible && api.timing.firstRender !== undefined);
    const nodes = await api.tree.getChildren();
    const labels = await Promise.all(nodes.map(async (n) => (await api.tree.getTreeItem(n)).label));
    const aws = nodes[labels.indexOf('smoke-aws')];
    assert.ok(aws, 'the smoke-aws profile node');
    const collapsed = await api.tree.getTreeItem(aws);
    assert.equal(collapsed.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.equal(api.clouds.isLoaded('aws'), false);
    assert.equal(bundleLoaded(), false, `${file} was required with the AWS profile collapsed`);

    // Expanded in the view, as a click would: the bundle comes from the installed extension.
    await revealWhenShown(api.view, aws, { expand: true, select: false, focus: false });
    await waitFor('the AWS bundle to load', () => bundleLoaded());
    assert.equal(api.clouds.isLoaded('aws'), true);
    const folders = await Promise.all((await api.tree.getChildren(aws)).map(async (n) => (await api.tree.getTreeItem(n)).label));
    assert.deepEqual(folders, ['Packages', 'Jobs', 'OTA updates']);
  });

  it('loads the Huawei bundle only when a Huawei profile is first used', async () => {
    const file = path.join(ext.extensionPath, 'dist', 'clouds', 'huawei.js');
    assert.ok(fs.existsSync(file), `${file} shipped in the .vsix`);
    const keys = new Set([file, fs.realpathSync(file)]);
    const bundleLoaded = () => Object.keys(require.cache).some((k) => keys.has(k));
    const profiles = [{ kind: 'aws', name: 'smoke-aws', region: 'eu-west-1' }, { kind: 'huawei', name: 'smoke-huawei', region: 'cn-north-4', projectId: '0123456789abcdef0123456789abcdef', deviceId: 'smoke_dev' }];
    await vscode.workspace.getConfiguration('otaBench').update('profiles', profiles, vscode.ConfigurationTarget.Global);
    const node = await waitFor('the tree to show smoke-huawei', async () => {
      const nodes = await api.tree.getChildren();
      const labels = await Promise.all(nodes.map(async (n) => (await api.tree.getTreeItem(n)).label));
      return nodes[labels.indexOf('smoke-huawei')];
    });
    assert.equal(api.clouds.isLoaded('huawei'), false);
    assert.equal(bundleLoaded(), false, `${file} was required with the Huawei profile collapsed`);
    // Expanded: the bundle loads from the installed extension; this profile has no keys stored, so
    // the provider (in the bundle) says so, with the descriptor's button to fix it.
    await revealWhenShown(api.view, node, { expand: true, select: false, focus: false });
    await waitFor('the Huawei bundle to load', () => bundleLoaded());
    const shown = await Promise.all((await api.tree.getChildren(node)).map(async (n) => (await api.tree.getTreeItem(n)).label));
    assert.deepEqual(shown, ['Could not load Huawei Cloud IoTDA', 'Edit Profile Keys']);
  });

  it('opens the Bench Monitor and completes the handshake', async () => {
    await vscode.commands.executeCommand('otaBench.openMonitor');
    const monitor = await waitFor('the monitor panel', () => api.monitor());
    await within('the monitor ready handshake', monitor.ready, 20_000);
    assert.ok(monitor.panel.webview.html.includes('monitor.js'));
  });

  describe('serialport native binding from the installed extension', () => {
    let binding: Binding;
    let pty: PtyPair | undefined;
    const opened: BindingPort[] = [];

    after(async () => {
      for (const p of opened) await p.close().catch(() => undefined);
      await pty?.close();
    });

    it('loads the prebuilt .node file shipped in the extension', () => {
      const req = createRequire(path.join(ext.extensionPath, 'package.json'));
      const entry = req.resolve('@serialport/bindings-cpp');
      assert.ok(entry.startsWith(ext.extensionPath), `${entry} is outside the installed extension`);
      binding = (req('@serialport/bindings-cpp') as { autoDetect(): Binding }).autoDetect();
      const native = Object.keys(req.cache).filter((f) => f.endsWith('.node') && f.includes('bindings-cpp'));
      assert.equal(native.length, 1, `native modules loaded: ${native.join(', ')}`);
      assert.ok(native[0].startsWith(ext.extensionPath), `${native[0]} did not come from the installed extension`);
    });

    it('lists ports (udev) and moves bytes both ways over a socat pty pair', async () => {
      assert.ok(Array.isArray(await binding.list()));
      pty = await openPtyPair(path.join(env.out, 'pty'), 'smoke');
      const a = await binding.open({ path: pty.a, baudRate: 115200 });
      opened.push(a);
      const b = await binding.open({ path: pty.b, baudRate: 115200 });
      opened.push(b);
      const readLine = async (port: BindingPort) => {
        const buf = Buffer.alloc(256);
        let got = '';
        while (!got.endsWith('\n')) {
          const { bytesRead } = await within('bytes from the pty', port.read(buf, 0, buf.length), 5_000);
          got += buf.subarray(0, bytesRead).toString('utf8');
        }
        return got;
      };
      await a.write(Buffer.from('version\n'));
      assert.equal(await readLine(b), 'version\n');
      await b.write(Buffer.from('fw 1.4.2\n'));
      assert.equal(await readLine(a), 'fw 1.4.2\n');
    });

    it('fails clearly on a port that does not exist', async () => {
      await assert.rejects(binding.open({ path: path.join(env.out, 'no-such-tty'), baudRate: 115200 }), /ENOENT|No such file/);
    });
  });
});
