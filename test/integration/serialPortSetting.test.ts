// otaBench.serial.port after a port was picked: the pick wins only until the setting changes; then
// the session moves to the configured port (and the choice survives as "the setting's").
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { testEnv } from './support/env';
import { waitFor } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';

describe('serial port setting vs the picked port (real extension host)', function () {
  this.timeout(120_000);
  const env = testEnv();
  let api: OtaBenchApi;
  let picked: VirtualBoard;
  let configured: VirtualBoard;
  const serialCfg = () => vscode.workspace.getConfiguration('otaBench.serial');

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    const dir = fs.mkdtempSync(path.join(env.out, 'port-setting-'));
    picked = await startBoard({ link: path.join(dir, 'ttyPICKED'), version: '1.0.0', logPeriodMs: 0 });
    configured = await startBoard({ link: path.join(dir, 'ttyCONFIGURED'), version: '2.0.0', logPeriodMs: 0 });
  });

  after(async () => {
    await serialCfg().update('port', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('otaBench.serial.disconnect');
    await picked?.stop();
    await configured?.stop();
  });

  it('a changed otaBench.serial.port wins over the port picked before it', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort', { path: picked.link, baudRate: 115200 }), true);
    assert.equal(api.serial.port?.path, picked.link);
    await serialCfg().update('port', configured.link, vscode.ConfigurationTarget.Workspace);
    await waitFor('the session on the configured port', () => api.serial.status.state === 'open' && api.serial.status.path === configured.link, 5000);
    assert.equal(api.serial.port?.path, configured.link, 'the choice is now the setting (also after a reload: the pick remembers the setting it was made under)');
    // Picking again after the setting: the pick wins until the setting changes again.
    assert.equal(await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort', { path: picked.link, baudRate: 115200 }), true);
    assert.equal(api.serial.port?.path, picked.link);
  });
});
