// The serial port and flashing in the real extension host: the virtual board on a real pty, picked
// through the serial commands; the monitor gets its lines through the host's batching; the
// Flash Bench Device command runs as a task, releases the port and takes it back.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OtaBenchApi } from '../../src/extension';
import type { ReleasedFlashResult } from '../../src/core/flash/releasePort';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { DialogScript } from './support/dialogs';
import { testEnv } from './support/env';
import { screenshot } from './support/screenshot';
import { waitFor, within } from './support/wait';

const EXT_ID = 'ota-bench.ota-bench';

describe('serial port and flashing (real extension host, virtual board on a pty)', function () {
  this.timeout(120_000);
  const env = testEnv();
  let api: OtaBenchApi;
  let board: VirtualBoard;
  let dir: string;

  const rxTexts = () => api.serial.lines().filter((l) => l.dir === 'rx').map((l) => l.text);

  before(async () => {
    api = await vscode.extensions.getExtension<OtaBenchApi>(EXT_ID)!.activate();
    dir = fs.mkdtempSync(path.join(env.out, 'serial-'));
    board = await startBoard({ link: path.join(dir, 'ttyBENCH'), version: '1.0.0', logPeriodMs: 200 });
  });

  after(async () => {
    await vscode.commands.executeCommand('otaBench.serial.disconnect');
    await board?.stop();
  });

  it('Select Serial Port with a typed path opens the board; the session reads and writes', async () => {
    const ok = await vscode.commands.executeCommand<boolean>('otaBench.serial.selectPort', { path: board.link, baudRate: 921600 });
    assert.equal(ok, true);
    assert.equal(api.serial.status.state, 'open');
    assert.equal(api.serial.status.baudRate, 921600);
    assert.equal(api.serial.port?.path, board.link, 'remembered for this workspace');
    await vscode.commands.executeCommand('otaBench.serial.send', 'version');
    await waitFor('the board to answer version', () => rxTexts().includes('version: 1.0.0'), 5000);
    assert.ok(board.received.includes('version'));
  });

  it('the monitor gets the lines in batches (init snapshot, then log messages), never one post per line', async () => {
    await vscode.commands.executeCommand('otaBench.openMonitor');
    const monitor = await waitFor('the monitor panel', () => api.monitor());
    await within('the monitor handshake', monitor.ready, 20_000);
    const posted: { type: string; lines?: number }[] = [];
    const webview = monitor.panel.webview;
    const original = webview.postMessage.bind(webview);
    webview.postMessage = (m: { type: string; lines?: unknown[] }) => {
      posted.push({ type: m.type, lines: m.lines?.length });
      return original(m);
    };
    try {
      await vscode.commands.executeCommand('otaBench.serial.send', 'flood 5000');
      await waitFor('the flood to end', () => rxTexts().some((t) => t.startsWith('flood done: 5000')), 20_000);
      await new Promise((r) => setTimeout(r, 300));
      const logs = posted.filter((p) => p.type === 'log');
      const lines = logs.reduce((a, p) => a + (p.lines ?? 0), 0);
      assert.ok(lines >= 5001, `posted ${lines} lines`);
      assert.ok(logs.length < lines / 20, `${logs.length} messages for ${lines} lines: batched`);
    } finally {
      webview.postMessage = original;
    }
    await screenshot('serial-monitor-flood');
  });

  it('unplug → reconnecting, replug → open again within 1 s, with the boot banner printed at once captured; the status follows', async () => {
    await board.unplug();
    await waitFor('reconnecting', () => api.serial.status.state === 'reconnecting', 2000);
    const lost = api.serial.lines().at(-1)!.seq;
    await board.replug(); // a new pty at the same path; the board boots and prints its banner right away
    const t0 = Date.now();
    await waitFor('reopened', () => api.serial.status.state === 'open', 2000, 20);
    assert.ok(Date.now() - t0 < 1000, `reconnected after ${Date.now() - t0} ms`);
    const after = () => api.serial.lines().filter((l) => l.seq > lost && l.dir === 'rx').map((l) => l.text);
    await waitFor('the banner after the replug', () => after().some((t) => /boot: firmware version 1\.0\.0/.test(t)), 3000);
    assert.ok(after().some((t) => /^rst:0x1 \(POWERON_RESET\)/.test(t)), `the reset line before it too: ${after().slice(0, 5).join(' | ')}`);
  });

  it('Flash Bench Device (custom command) releases the port, flashes, takes the port back', async () => {
    const image = path.join(dir, 'firmware-2.0.0.bin');
    fs.writeFileSync(image, Buffer.concat([Buffer.from('FW_VERSION=2.0.0\n'), Buffer.alloc(64 * 1024, 0xa5)]));
    const tsx = path.join(env.repo, 'node_modules/.bin/tsx');
    const command = `${tsx} ${path.join(env.repo, 'test/bench/board/flash.ts')} --port \${port} --file \${file} --baud \${baud}`;
    const dialogs = new DialogScript([]);
    try {
      const states: string[] = [];
      const sub = api.serial.onStatus((s) => states.push(s.state));
      const r = await vscode.commands.executeCommand<ReleasedFlashResult>('otaBench.flashDevice', { file: image, tool: 'custom', command });
      sub.dispose();
      assert.ok(r, 'the command returned its result');
      assert.equal(r.ok, true, r.output);
      assert.deepEqual([r.released, r.reopened], [true, true]);
      assert.equal(states[0], 'paused');
      assert.equal(api.serial.status.state, 'open');
      assert.equal(r.progress?.percent, 100);
      await waitFor('the board to boot 2.0.0', () => board.version === '2.0.0', 3000);
      assert.ok(dialogs.events.some((e) => /flashed .*firmware-2\.0\.0\.bin/.test(e.text)), JSON.stringify(dialogs.events));
      await screenshot('serial-flash-task');
    } finally {
      dialogs.dispose();
    }
  });

  it('a flash that fails says why and how to fix it, and the monitor still gets its port back', async () => {
    board.setFault('flash-no-sync', true);
    const image = path.join(dir, 'firmware-3.0.0.bin');
    fs.writeFileSync(image, 'FW_VERSION=3.0.0\n');
    const tsx = path.join(env.repo, 'node_modules/.bin/tsx');
    const command = `${tsx} ${path.join(env.repo, 'test/bench/board/flash.ts')} --port \${port} --file \${file} --timeout 900`;
    const dialogs = new DialogScript([]);
    try {
      const r = await vscode.commands.executeCommand<ReleasedFlashResult>('otaBench.flashDevice', { file: image, tool: 'custom', command });
      assert.equal(r.ok, false);
      assert.equal(r.failure?.kind, 'handshake');
      const shown = dialogs.events.find((e) => e.text.startsWith('Flash failed:'));
      assert.ok(shown, JSON.stringify(dialogs.events));
      assert.match(shown.text, /Failed to connect to the bench board.*download mode/);
      assert.equal(api.serial.status.state, 'open');
      assert.equal(board.version, '2.0.0');
      // The task's problem matcher ($otaBench-flash) turns the summary line into a Problems entry.
      const problems = await waitFor('a Problems entry for the image', () => {
        const d = vscode.languages.getDiagnostics(vscode.Uri.file(image));
        return d.length > 0 && d;
      }, 5000);
      assert.match(problems[0].message, /could not talk to the chip's bootloader/);
      assert.equal(problems[0].severity, vscode.DiagnosticSeverity.Error);
    } finally {
      board.setFault('flash-no-sync', false);
      dialogs.dispose();
    }
  });

  it('Save Serial Log writes the buffered lines with host timestamps; raw capture keeps the bytes', async () => {
    const text = vscode.Uri.file(path.join(dir, 'saved.log'));
    const raw = vscode.Uri.file(path.join(dir, 'saved.bin'));
    const dialogs = new DialogScript([]);
    try {
      await vscode.commands.executeCommand('otaBench.serial.saveLog', text);
      await vscode.commands.executeCommand('otaBench.serial.saveLog', raw);
    } finally {
      dialogs.dispose();
    }
    const saved = fs.readFileSync(text.fsPath, 'utf8');
    assert.match(saved, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z > version$/m);
    assert.match(saved, /Z {3}version: 1\.0\.0$/m);
    assert.ok(fs.readFileSync(raw.fsPath).includes(Buffer.from('version: 1.0.0\r\n')));
  });
});
