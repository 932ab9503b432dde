// Several boards on the bench in the real extension host: otaBench.bench.boards opens a session per
// board (two virtual boards on real ptys), the status bar counts the connected ones, the shown board
// can be switched, each reconnects on its own, and the release gets a watcher per board; a bad entry
// in the setting is named and left out. Removing the setting returns to the single port.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { DialogScript } from './support/dialogs';
import { testEnv } from './support/env';
import { waitFor } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';

describe('bench boards (real extension host, two virtual boards on ptys)', function () {
  this.timeout(120_000);
  const env = testEnv();
  let api: OtaBenchApi;
  let left: VirtualBoard;
  let right: VirtualBoard;
  const bench = () => vscode.workspace.getConfiguration('otaBench.bench');
  const rx = () => api.serial.lines().filter((l) => l.dir === 'rx').map((l) => l.text);

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    const dir = fs.mkdtempSync(path.join(env.out, 'bench-boards-'));
    left = await startBoard({ link: path.join(dir, 'ttyLEFT'), version: '1.0.0', logPeriodMs: 0, name: 'left' });
    right = await startBoard({ link: path.join(dir, 'ttyRIGHT'), version: '2.0.0', logPeriodMs: 0, name: 'right' });
  });

  after(async () => {
    await bench().update('boards', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('single-port mode again', () => api.serial.benchSummary === undefined);
    await left?.stop();
    await right?.stop();
  });

  it('opens a session per board, counts the connected ones, switches the shown board, and gives the release a watcher per board', async () => {
    const dialogs = new DialogScript([]);
    try {
      await bench().update(
        'boards',
        [
          { name: 'left', port: left.link, devices: { aws: 'thing-1' } },
          { name: 'right', port: right.link, baudRate: 921600, devices: { aws: 'thing-2' } },
          { name: 'broken' },
        ],
        vscode.ConfigurationTarget.Workspace,
      );
      await waitFor('both boards connected', () => api.serial.benchSummary === '2/2 boards connected', 10_000);
      await waitFor('the bad entry named', () => dialogs.events.find((e) => e.kind === 'message' && /boards\[2\] \("broken"\) needs a "port"/.test(e.text)));
    } finally {
      dialogs.dispose();
    }
    assert.deepEqual(api.serial.boardViews().boards.map((b) => [b.id, b.port.state]), [['left', 'open'], ['right', 'open']]);

    // The shown board is the first; the send box talks to it.
    await api.serial.send('version');
    await waitFor('left answers', () => rx().includes('version: 1.0.0'));
    assert.ok(api.serial.selectBoard('right'));
    assert.ok(!rx().includes('version: 1.0.0'), "the right board's lines replace the left's");
    await api.serial.send('version');
    await waitFor('right answers', () => rx().includes('version: 2.0.0'));
    assert.deepEqual(right.received.filter((c) => c === 'version'), ['version']);
    assert.deepEqual(left.received.filter((c) => c === 'version'), ['version']);

    // One board away: the other stays connected; it comes back on its own.
    await left.unplug();
    await waitFor('one away', () => api.serial.benchSummary === '1/2 boards connected');
    await left.replug();
    await waitFor('back', () => api.serial.benchSummary === '2/2 boards connected', 5000);

    const watchers = api.serial.benchWatchers({ name: 'some-aws-profile', kind: 'aws' });
    assert.deepEqual(watchers.map((w) => [w.name, w.target]), [['left', 'thing-1'], ['right', 'thing-2']]);
    assert.deepEqual(api.serial.benchWatchers({ name: 'h', kind: 'huawei' }), [], 'no device on that cloud: no watcher');
  });
});
