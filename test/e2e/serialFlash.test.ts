// Flashing on real ptys: the bench board flashed through the custom-command preset with the
// monitor's port released and taken back; real Debian tools (stm32flash, avrdude) failing their
// handshake / permission checks, parsed into clear messages; a missing tool.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { chmodSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { flashReleasingPort } from '../../src/core/flash/releasePort';
import { buildFlashCommand, findExecutable } from '../../src/core/flash/presets';
import type { ProgressUpdate } from '../../src/core/flash/progress';
import { runFlash } from '../../src/core/flash/runner';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { waitLine } from './serialLines';

const root = resolve(__dirname, '../..');
const tsx = join(root, 'node_modules/.bin/tsx');
const BENCH_FLASH = `${tsx} ${join(root, 'test/bench/board/flash.ts')} --port \${port} --file \${file} --baud \${baud}`;
const isRoot = process.getuid?.() === 0;

/** Debian flash tools the tests run for real; installed when we may (root), else a clear failure. */
function ensureTool(name: string): string {
  let path = findExecutable([name]);
  if (!path && isRoot) {
    const apt = (...args: string[]) => execFileSync('apt-get', args, { stdio: 'ignore', timeout: 180_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    try {
      apt('install', '-y', '--no-install-recommends', name);
    } catch {
      apt('update'); // a fresh machine has no package lists yet
      apt('install', '-y', '--no-install-recommends', name);
    }
    path = findExecutable([name]);
  }
  if (!path) throw new Error(`${name} is needed for this test: sudo apt-get install -y ${name}`);
  return path;
}

describe('flashing the bench device on real ptys', function () {
  this.timeout(60_000);
  let dir: string;
  let board: VirtualBoard;
  let image: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otab-flash-'));
    board = await startBoard({ link: join(dir, 'ttyBENCH'), version: '1.0.0', logPeriodMs: 50 });
    image = join(dir, 'firmware-1.4.2.bin');
    const body = Buffer.alloc(200_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 31) & 0xff;
    writeFileSync(image, Buffer.concat([Buffer.from('OTA image\0FW_VERSION="1.4.2"\0'), body]));
  });

  afterEach(async () => {
    await board.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('custom preset: releases the monitor port, flashes, the board boots the new version, the port is taken back', async () => {
    const session = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 100 });
    try {
      assert.ok(await session.open(board.link));
      const cmd = buildFlashCommand('custom', { port: board.link, file: image, baud: 921600 }, { customCommand: BENCH_FLASH });
      const progress: ProgressUpdate[] = [];
      const states: string[] = [];
      const off = session.onStatus((s) => states.push(s.state));
      const r = await flashReleasingPort(session, cmd, { port: board.link, file: image, onProgress: (p) => progress.push(p), reopenWaitMs: 3000 });
      off();
      assert.equal(r.ok, true, r.output);
      assert.deepEqual([r.released, r.reopened], [true, true]);
      assert.deepEqual(states.slice(0, 2), ['paused', 'reconnecting']);
      assert.equal(states[states.length - 1], 'open');
      assert.ok(progress.length >= 5, `progress updates: ${progress.map((p) => p.percent)}`);
      assert.equal(progress[progress.length - 1].percent, 100);
      // The tool is done once the board verified the image; the board then resets into it.
      for (let i = 0; i < 100 && board.installs.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(board.version, '1.4.2');
      assert.deepEqual(board.installs.map((i) => [i.version, i.via, i.booted]), [['1.4.2', 'serial', true]]);
      const v = waitLine(session, /^version: /);
      await session.send('version');
      assert.equal((await v).text, 'version: 1.4.2');
      const notes = session.buffer.toArray().filter((l) => l.dir === 'sys').map((l) => l.text);
      assert.ok(notes.some((n) => n.startsWith('port released (flashing with Custom command)')), notes.join(' | '));
    } finally {
      await session.close();
    }
  });

  it('without releasing the port the flash tool cannot open it: "in use" with the fix', async () => {
    const session = new SerialSession(nodeSerialDriver);
    try {
      assert.ok(await session.open(board.link));
      const cmd = buildFlashCommand('custom', { port: board.link, file: image }, { customCommand: BENCH_FLASH });
      const r = await runFlash(cmd, { port: board.link, file: image });
      assert.equal(r.ok, false);
      assert.equal(r.failure!.kind, 'busy', r.output);
      assert.match(r.failure!.fix, /Close other serial monitors/);
      assert.equal(board.version, '1.0.0');
    } finally {
      await session.close();
    }
  });

  it('a board that does not answer the flash handshake: "could not talk to the bootloader"', async () => {
    board.setFault('flash-no-sync', true);
    const cmd = buildFlashCommand('custom', { port: board.link, file: image }, { customCommand: `${BENCH_FLASH} --timeout 900` });
    const r = await runFlash(cmd, { port: board.link, file: image });
    assert.equal(r.ok, false);
    assert.equal(r.failure!.kind, 'handshake');
    assert.match(r.failure!.message, /Failed to connect to the bench board/);
    assert.match(r.failure!.fix, /download mode/);
  });

  it('a missing image and a missing tool are reported before anything runs', async () => {
    const gone = await runFlash(buildFlashCommand('custom', { port: board.link, file: join(dir, 'nope.bin') }, { customCommand: BENCH_FLASH }), { file: join(dir, 'nope.bin') });
    assert.equal(gone.failure!.kind, 'file-missing');
    const r = await runFlash(buildFlashCommand('esptool', { port: board.link, file: image }, { executable: 'esptool-not-installed-here' }), { port: board.link, file: image });
    assert.equal(r.failure!.kind, 'not-found');
    assert.match(r.failure!.message, /esptool was not found on PATH/);
    assert.match(r.failure!.fix, /pip install esptool/);
  });

  it('stm32flash (real, Debian) on a port that cannot do 8E1: the port-settings message', async () => {
    ensureTool('stm32flash');
    const cmd = buildFlashCommand('stm32flash', { port: board.link, file: image });
    const r = await runFlash(cmd, { port: board.link, file: image });
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 1);
    assert.match(r.output, /Failed to set terminal flags/);
    assert.equal(r.failure!.kind, 'port-settings');
  });

  it('avrdude (real, Debian) with no AVR behind the port: "not in sync" → handshake message', async () => {
    ensureTool('avrdude');
    const cmd = buildFlashCommand('avrdude', { port: board.link, file: image, extraArgs: '-p atmega328p -c arduino -x attempts=1' });
    const early: string[] = [];
    const r = await runFlash(cmd, { port: board.link, file: image, onDiagnosis: (f) => early.push(f.kind) });
    assert.equal(r.ok, false);
    assert.match(r.output, /not in sync/);
    assert.equal(r.failure!.kind, 'handshake');
    assert.deepEqual(early, ['handshake'], 'known while the tool was still running');
  });

  it('avrdude (real) without access to the port: permission denied → dialout fix', async () => {
    ensureTool('avrdude');
    const pts = realpathSync(board.link);
    let cmd;
    if (isRoot) {
      // root opens anything: run the tool as an unprivileged user instead, as a normal user would be.
      cmd = buildFlashCommand('custom', { port: board.link, file: image }, { customCommand: 'runuser -u nobody -- avrdude -p atmega328p -c arduino -x attempts=1 -P ${port} -U flash:w:${file}:r' });
    } else {
      chmodSync(pts, 0o000);
      cmd = buildFlashCommand('avrdude', { port: board.link, file: image, extraArgs: '-p atmega328p -c arduino -x attempts=1' });
    }
    const r = await runFlash(cmd, { port: board.link, file: image });
    assert.equal(r.ok, false);
    assert.match(r.output, /Permission denied/);
    assert.equal(r.failure!.kind, 'permission');
    assert.match(r.failure!.fix, /usermod -aG dialout/);
  });
});
