// The Bench Monitor with the virtual board on a real pseudo-terminal, in the real workbench: the
// port is picked through the serial command, the user types into the page's send box, and the
// board's answers come back through the serial session and the host's batching into the page.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import type { MonitorPanel } from '../../src/vscode/monitor/monitorPanel';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { DialogScript, ESCAPE } from './support/dialogs';
import { queryPage, untilPage } from './support/monitorQuery';
import { testEnv } from './support/env';
import { screenshot } from './support/screenshot';
import { sleep, waitFor, within } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';
const XSS = '<img src=x onerror=alert(1)>';

describe('Bench Monitor with the virtual board (real workbench, real pty)', function () {
  this.timeout(120_000);
  let api: OtaBenchApi;
  let board: VirtualBoard;
  let monitor: MonitorPanel;

  const versionsReceived = () => board.received.filter((c) => c === 'version').length;

  /** Types a line into the page's send box and presses Enter. */
  async function typeAndSend(text: string): Promise<void> {
    await queryPage(monitor, { kind: 'input', field: 'send', value: text });
    await queryPage(monitor, { kind: 'key', field: 'send', key: 'Enter' });
  }

  /** The page's note after a Copy ("Copied N shown lines", "Copy failed: why"), once it matches `note`. */
  async function copyNote(note: RegExp): Promise<string> {
    return waitFor(`a copy note matching ${note}`, async () => (await queryPage(monitor)).status.match(note)?.[0], 5_000);
  }

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    const dir = fs.mkdtempSync(path.join(testEnv().out, 'monitor-board-'));
    board = await startBoard({ link: path.join(dir, 'ttyBENCH'), version: '1.4.2', name: 'bench-ui', logPeriodMs: 250 });
    const ok = await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort', { path: board.link, baudRate: 115200 });
    assert.equal(ok, true, 'the board port opened');
    await vscode.commands.executeCommand('otaBench.openMonitor');
    monitor = await waitFor('the monitor panel', () => api.monitor());
    await within('the monitor ready handshake', monitor.ready, 20_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('otaBench.serial.disconnect');
    await board?.stop();
    monitor?.dispose();
  });

  it('shows the port and the board banner after a reboot typed in the send box', async () => {
    await typeAndSend('reboot');
    const r = await untilPage(monitor, 'the boot banner', (q) =>
      q.visibleRows.some((row) => row.includes('boot: OTA Bench virtual board bench-ui')) &&
      q.visibleRows.some((row) => row.includes('boot: firmware version 1.4.2')));
    assert.ok(board.received.includes('reboot'), 'the board got the command');
    // The board logs every 250 ms, so the echo may have scrolled out of view by now: find it with the filter.
    await queryPage(monitor, { kind: 'input', field: 'include', value: 'reboot' });
    const echoed = await untilPage(monitor, 'the tx row', (q) => q.visibleRows.some((row) => /→ reboot$/.test(row)));
    assert.ok(echoed.visibleRows.some((row) => /→ reboot$/.test(row)), 'the sent line is echoed as a tx row');
    await queryPage(monitor, { kind: 'input', field: 'include', value: '' });
    assert.equal(r.hasActiveElements, false);
    await screenshot('monitor-board-banner', 1000);
  });

  it('the send box reaches the board: `version` is answered', async () => {
    const before = versionsReceived();
    await typeAndSend('version');
    await untilPage(monitor, 'the version answer', (q) => q.visibleRows.some((row) => row.endsWith('version: 1.4.2')));
    assert.equal(versionsReceived(), before + 1, 'exactly one `version` reached the board');
  });

  it('the host refuses malformed messages from the page: an unknown line ending or {text: 42} never reaches the board, and the monitor keeps working', async () => {
    const sentBefore = board.received.length;
    const rejectedBefore = monitor.rejected.length;
    const reachedHandlers: string[] = [];
    const sub = monitor.onMessage((m) => m.type === 'send' && reachedHandlers.push(JSON.stringify(m)));
    try {
      for (const message of [
        { type: 'send', text: 'reboot', eol: 'unix' },
        { type: 'send', text: 42, eol: 'lf' },
        { type: 'send', text: 'reboot' },
        { text: 42 },
        { type: 'command', command: 'format' },
      ]) await queryPage(monitor, { kind: 'postRaw', message });
      await waitFor('the five rejections', () => monitor.rejected.length - rejectedBefore === 5);
    } finally {
      sub.dispose();
    }
    const why = monitor.rejected.slice(rejectedBefore);
    assert.match(why[0], /"eol" must be one of lf, cr, crlf, none \(got "unix"\)/);
    assert.match(why[1], /"text" must be text \(got 42\)/);
    assert.match(why[3], /unknown message type/);
    assert.deepEqual(reachedHandlers, [], 'no handler saw a malformed send');
    await sleep(300);
    assert.deepEqual(board.received.slice(sentBefore), [], 'nothing reached the board (no "rebootundefined")');
    // The monitor still works: a well-formed send is answered and rendered.
    await typeAndSend('version');
    await untilPage(monitor, 'the version answer after the bad messages', (q) => q.visibleRows.filter((row) => row.endsWith('version: 1.4.2')).length >= 2);
    assert.equal(board.received.slice(sentBefore).join('|'), 'version');
  });

  it('a line from the board containing <img onerror> renders as text', async () => {
    await typeAndSend(`echo ${XSS}`);
    const r = await untilPage(monitor, 'the echoed markup', (q) => q.visibleRows.some((row) => row.endsWith(XSS) && !row.includes('→')));
    assert.equal(r.hasActiveElements, false, 'no element was created from device text');
    await screenshot('monitor-board-xss', 600);
  });

  it('the filter hides the board lines that do not match, and a filter matching nothing shows none', async () => {
    let r = await queryPage(monitor, { kind: 'input', field: 'include', value: 'wifi' });
    r = await untilPage(monitor, 'wifi lines only', (q) => q.filterCount > 0 && q.visibleRows.length > 0);
    assert.ok(r.visibleRows.every((row) => row.includes('wifi')), r.visibleRows.join('\n'));
    assert.ok(r.filterCount < r.totalLines, 'some board lines are hidden');
    await sleep(600); // the board keeps logging: new lines obey the filter too
    r = await queryPage(monitor);
    assert.ok(r.visibleRows.every((row) => row.includes('wifi')));
    await screenshot('monitor-board-filter', 600);

    r = await queryPage(monitor, { kind: 'input', field: 'include', value: 'no-such-line-anywhere' });
    assert.equal(r.filterCount, 0);
    assert.deepEqual(r.visibleRows, []);
    r = await queryPage(monitor, { kind: 'input', field: 'include', value: '' });
    assert.equal(r.filterCount, r.totalLines);
  });

  it('hex view shows the bytes the board sent, CR LF on every record (also those received before), a rule between records', async () => {
    board.setRate(0);
    try {
      await typeAndSend('version'); // answered before the hex view is on
      await untilPage(monitor, 'the version answer', (q) => q.visibleRows.some((row) => row.endsWith('version: 1.4.2')));
      await queryPage(monitor, { kind: 'input', field: 'include', value: 'version: 1.4.2' });
      await queryPage(monitor, { kind: 'click', control: 'hex' });
      await waitFor('the host to know the page shows hex', () => monitor.viewState.hex === true);
      await typeAndSend('version');
      const answer = /76 65 72 73 69 6f 6e 3a {2}20 31 2e 34 2e 32 0d 0a {2}version: 1\.4\.2\.\. {2}CR LF$/;
      const r = await untilPage(monitor, 'both answers in hex, each with its CR LF', (q) => q.visibleRows.filter((row) => answer.test(row)).length >= 2);
      const starts = r.visibleRows.map((row, i) => (answer.test(row) ? r.rowMarks![i].recordStart : undefined)).filter((x) => x !== undefined);
      assert.ok(starts.length >= 2 && starts.every(Boolean), 'each record starts with a rule');
      await screenshot('monitor-board-hex', 600);
    } finally {
      await queryPage(monitor, { kind: 'click', control: 'hex' });
      await queryPage(monitor, { kind: 'input', field: 'include', value: '' });
      board.setRate(250);
    }
  });

  it('follows the workbench theme: dark and high contrast', async () => {
    const workbench = vscode.workspace.getConfiguration('workbench');
    const before = await queryPage(monitor);
    try {
      for (const [theme, kind, shot] of [
        ['Default Dark Modern', 'vscode-dark', 'monitor-board-dark'],
        ['Default High Contrast', 'vscode-high-contrast', 'monitor-board-high-contrast'],
      ] as const) {
        await workbench.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
        const r = await untilPage(monitor, `the page in ${theme}`, (q) => q.themeKind === kind);
        assert.notDeepEqual(r.logColors, before.logColors, 'the log colours come from the theme');
        await screenshot(shot, 1000);
      }
    } finally {
      await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
    await untilPage(monitor, 'the original theme back', (q) => q.themeKind === before.themeKind);
  });

  it('Save writes the host log with a metadata header (port, level filter), starts outside the project, remembers the folder and offers Reveal', async () => {
    const target = vscode.Uri.file(path.join(testEnv().out, `monitor-save-${Date.now()}.log`));
    const w = vscode.window as unknown as { showSaveDialog: typeof vscode.window.showSaveDialog };
    const original = w.showSaveDialog;
    let offered: vscode.SaveDialogOptions | undefined;
    w.showSaveDialog = async (o) => ((offered = o), target);
    const dialogs = new DialogScript(['Reveal'], { messages: 'script' });
    try {
      await typeAndSend('version');
      await untilPage(monitor, 'the version answer', (q) => q.visibleRows.some((row) => row.endsWith('version: 1.4.2')));
      await queryPage(monitor, { kind: 'level', value: 'warn' });
      await waitFor('the host to hold the level filter', () => monitor.viewState.levels?.min === 'warn');
      await queryPage(monitor, { kind: 'click', control: 'save' });
      const text = await waitFor('the saved log', () => fs.existsSync(target.fsPath) && fs.readFileSync(target.fsPath, 'utf8'));
      assert.match(text, /version: 1\.4\.2/);
      assert.match(text, /OTA Bench virtual board bench-ui/);
      // The metadata header: the port and the monitor's level filter at the time of saving.
      assert.match(text, /^# OTA Bench serial log\n# saved: \S+\n# port: \S*ttyBENCH @ 115200 baud \(open\)\n# lines: [\d,]+\n# monitor levels: level warn and more severe\n# monitor filter: none\n#\n/);
      // The dialog starts outside the firmware project (not the workspace root).
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      assert.ok(offered?.defaultUri && path.dirname(offered.defaultUri.fsPath) !== folder, `default: ${offered?.defaultUri?.fsPath}`);
      // The toast offers Reveal (the script presses it; it throws when there is no such button).
      const saved = await waitFor('the saved toast', () => dialogs.events.find((e) => e.kind === 'message' && /saved [\d,]+ lines/.test(e.text)));
      assert.equal(saved.answer, 'Reveal');
      // Without an OS file manager (code-server), Reveal opens the saved log in the editor.
      const commands = await vscode.commands.getCommands(true);
      if (!commands.includes('revealFileInOS')) await waitFor('the saved log opened', () => vscode.window.activeTextEditor?.document.uri.fsPath === target.fsPath);
    } finally {
      w.showSaveDialog = original;
      dialogs.dispose();
      await queryPage(monitor, { kind: 'level', value: 'all' });
    }
    // The next dialog starts where this log was saved.
    w.showSaveDialog = async (o) => ((offered = o), undefined);
    try {
      await queryPage(monitor, { kind: 'click', control: 'save' });
      await waitFor('the second dialog', () => offered?.defaultUri && path.dirname(offered.defaultUri.fsPath) === path.dirname(target.fsPath));
    } finally {
      w.showSaveDialog = original;
    }
  });

  it("Copy puts exactly the shown (filtered) lines on the editor's clipboard; a refused clipboard says so", async () => {
    // Copy goes through the host (vscode.env.clipboard), not the webview's own clipboard access.
    const saved = await vscode.env.clipboard.readText();
    try {
      await vscode.env.clipboard.writeText('before the copy');
      const shown = await queryPage(monitor, { kind: 'input', field: 'include', value: 'boot:' });
      assert.ok(shown.filterCount >= 2, `the banner lines pass the filter (${shown.filterCount})`);
      assert.equal(shown.visibleRows.length, shown.filterCount, 'every filtered line is in view');
      await queryPage(monitor, { kind: 'click', control: 'copy' });
      const note = await copyNote(/(Copied|Copy failed).*$/);
      assert.equal(note, `Copied ${shown.filterCount} shown lines`);
      const clip = await vscode.env.clipboard.readText();
      assert.deepEqual(clip.split('\n'), shown.visibleRows, 'the clipboard holds exactly the shown (filtered) lines');
      assert.ok(clip.split('\n').every((l) => l.includes('boot:')));

      // A clipboard the editor refuses: the page says so, nothing is claimed as copied.
      await vscode.env.clipboard.writeText('before the failed copy');
      monitor.clipboard = { writeText: () => Promise.reject(new Error('clipboard refused')) };
      await queryPage(monitor, { kind: 'click', control: 'copy' });
      assert.equal(await copyNote(/Copy failed.*$/), 'Copy failed: clipboard refused');
      assert.equal(await vscode.env.clipboard.readText(), 'before the failed copy');
    } finally {
      monitor.clipboard = vscode.env.clipboard;
      await vscode.env.clipboard.writeText(saved);
    }
    await queryPage(monitor, { kind: 'input', field: 'include', value: '' });
  });

  it('Clear empties the page and the host buffer; what comes after still shows', async () => {
    board.setRate(0); // the board's own periodic lines would blur "only what came after"
    try {
      const cleared = await queryPage(monitor, { kind: 'click', control: 'clear' });
      assert.equal(cleared.totalLines, 0);
      await waitFor('the host buffer to be empty', () => api.serial.lines().length === 0);
      await typeAndSend('version');
      const after = await untilPage(monitor, 'the answer after clearing', (q) => q.visibleRows.some((r) => r.endsWith('version: 1.4.2')));
      assert.ok(after.totalLines <= 3, `only what came after the clear (${after.visibleRows.join(' | ')})`);
    } finally {
      board.setRate(250);
    }
  });

  it('sending with the port closed says so and offers to select a port; the line never reaches the board', async () => {
    // Counted from here: this test must not depend on how many `version`s earlier tests sent.
    const before = versionsReceived();
    await vscode.commands.executeCommand('otaBench.serial.disconnect');
    await waitFor('the port to close', () => api.serial.status.state === 'closed');
    const dialogs = new DialogScript([ESCAPE], { messages: 'script' });
    try {
      await typeAndSend('version');
      const shown = await waitFor('the warning', () => dialogs.events.find((e) => e.kind === 'message'));
      assert.match(shown.text, /no serial port is open/i);
    } finally {
      dialogs.dispose();
    }
    await sleep(300);
    assert.equal(versionsReceived(), before, `nothing reached the board (it received: ${board.received.join(' | ')})`);
    // Not queued either: the port coming back does not deliver it late.
    const ok = await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort', { path: board.link, baudRate: 115200 });
    assert.equal(ok, true, 'the board port opened again');
    await sleep(500);
    assert.equal(versionsReceived(), before, `the line typed while closed stayed unsent (it received: ${board.received.join(' | ')})`);
  });
});
