// otaBench.serial.logFile in the real extension host: a path inside the workspace is written at once;
// one outside it (settings can come from a cloned repository) is written only after the user says
// yes, and "Not Now" writes nothing there.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { DialogScript } from './support/dialogs';
import { testEnv } from './support/env';
import { waitFor } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';

describe('serial log file stays in the workspace unless confirmed (real extension host)', function () {
  this.timeout(120_000);
  const env = testEnv();
  let api: OtaBenchApi;
  let board: VirtualBoard;
  const serialCfg = () => vscode.workspace.getConfiguration('otaBench.serial');
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'otab-outside-'));

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    const dir = fs.mkdtempSync(path.join(env.out, 'logfile-'));
    board = await startBoard({ link: path.join(dir, 'ttyLOG'), version: '1.0.0', logPeriodMs: 0 });
    assert.equal(await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort', { path: board.link, baudRate: 115200 }), true);
  });

  after(async () => {
    await serialCfg().update('logFile', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('otaBench.serial.disconnect');
    await board?.stop();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('a path inside the workspace is written without a question', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const inside = path.join(folder, 'out-serial-inside.log');
    const dialogs = new DialogScript([]);
    try {
      await serialCfg().update('logFile', 'out-serial-inside.log', vscode.ConfigurationTarget.Workspace);
      await api.serial.send('echo written-inside');
      await waitFor('the line in the file', () => fs.existsSync(inside) && fs.readFileSync(inside, 'utf8').includes('written-inside'));
      assert.deepEqual(dialogs.events.filter((e) => /outside the workspace/.test(e.text)), []);
    } finally {
      dialogs.dispose();
      await serialCfg().update('logFile', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(inside, { force: true });
    }
  });

  it('an outside path asks first: "Not Now" writes nothing there, "Write There" logs the board', async () => {
    const target = path.join(outside, 'serial.log');
    const no = new DialogScript(['Not Now'], { messages: 'script' });
    try {
      await serialCfg().update('logFile', target, vscode.ConfigurationTarget.Workspace);
      const asked = await waitFor('the question', () => no.events.find((e) => e.kind === 'message'));
      assert.match(asked.text, /points outside the workspace folder: .*serial\.log\. Write the serial log there\?/);
      await api.serial.send('version');
      await waitFor('the answer', () => api.serial.lines().some((l) => l.text === 'version: 1.0.0'));
      assert.equal(fs.existsSync(target), false, 'nothing written outside the workspace');
    } finally {
      no.dispose();
    }

    const yes = new DialogScript(['Write There'], { messages: 'script' });
    try {
      await serialCfg().update('logFile', undefined, vscode.ConfigurationTarget.Workspace);
      await serialCfg().update('logFile', target, vscode.ConfigurationTarget.Workspace);
      await waitFor('the question again', () => yes.events.find((e) => e.kind === 'message'));
      await waitFor('the log file', () => fs.existsSync(target));
      await api.serial.send('echo written-outside');
      await waitFor('the line in the file', () => fs.readFileSync(target, 'utf8').includes('written-outside'));
    } finally {
      yes.dispose();
    }
  });
});
