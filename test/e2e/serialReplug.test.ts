// Replugs on real ptys: the virtual board is stopped and started again as a NEW PROCESS on a NEW pty
// at the SAME path (the port really goes away), and the session must catch the banner it prints at
// once. Also: bytes a pty holds before the open survive serialport's flush (EarlyCapture).
import { strict as assert } from 'assert';
import type { ChildProcess } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { PtyLink } from '../bench/board/pty';
import { startBoardProcess, stopBoardProcess } from './boardProcess';
import { waitLine } from './serialLines';

describe('replugs on real ptys (board restarted as a new process at the same path)', function () {
  this.timeout(90_000);
  let dir: string;
  let session: SerialSession;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'otab-replug-'));
    // A slow poll: only the directory watch can make the banner in time.
    session = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 2000 });
  });
  afterEach(async () => {
    await session.close();
    for (const c of children.splice(0)) await stopBoardProcess(c);
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches the boot banner after each of 3 replugs (new process, new pty, same path)', async () => {
    const link = join(dir, 'ttyACM-bench');
    let child = await startBoardProcess(link, '1.0.0');
    children.push(child);
    assert.equal(await session.open(link), true);
    for (let i = 1; i <= 3; i++) {
      await stopBoardProcess(child);
      assert.ok(await session.waitFor('reconnecting', 2000), 'the session saw the port go');
      child = await startBoardProcess(link, `2.0.${i}`);
      children.push(child);
      const banner = await waitLine(session, new RegExp(`firmware version 2\\.0\\.${i}$`), 5000, true);
      assert.equal(banner.dir, 'rx');
      assert.equal(session.status.state, 'open');
    }
    assert.equal(session.status.reconnects, 3);
    const notes = session.buffer.toArray().filter((l) => l.dir === 'sys').map((l) => l.text);
    assert.equal(notes.filter((n) => /disconnected/.test(n)).length, 3, notes.join('\n'));
    assert.equal(notes.filter((n) => /^reconnected to/.test(n)).length, 3, notes.join('\n'));
  });

  it('a board that does not come back: the session keeps waiting quietly (one loss note) and says why', async () => {
    const link = join(dir, 'ttyACM-gone');
    const child = await startBoardProcess(link, '1.0.0');
    children.push(child);
    await session.open(link);
    await stopBoardProcess(child);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(session.status.state, 'reconnecting');
    assert.match(session.status.message!, /ttyACM-gone/);
    const notes = session.buffer.toArray().filter((l) => l.dir === 'sys').map((l) => l.text);
    assert.deepEqual(notes.slice(1), [`${link} disconnected`]);
  });

  it('bytes the pty held before the open are delivered (serialport alone flushes them)', async () => {
    const link = join(dir, 'ttyEARLY');
    const pty = new PtyLink(link);
    await pty.plug();
    try {
      await pty.write('ets Jun  8 2016\r\nI (12) boot: firmware version 9.9.9\r\n');
      await new Promise((r) => setTimeout(r, 100)); // queued in the tty, nobody has it open
      assert.equal(await session.open(link), true);
      await waitLine(session, /firmware version 9\.9\.9$/, 2000, true);

      // The control: the same bytes, opened through serialport without EarlyCapture, are gone.
      await session.close();
      await pty.write('I (13) boot: firmware version 8.8.8\r\n');
      await new Promise((r) => setTimeout(r, 100));
      const { SerialPortStream } = await import('@serialport/stream');
      const { autoDetect } = await import('@serialport/bindings-cpp');
      const raw = new SerialPortStream({ path: link, baudRate: 115200, binding: autoDetect() });
      const got: Buffer[] = [];
      raw.on('data', (d: Buffer) => got.push(d));
      await new Promise((r) => raw.once('open', r));
      await pty.write('after open\r\n');
      await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => raw.close(r));
      assert.equal(Buffer.concat(got).toString(), 'after open\r\n', 'serialport flushed what came before its open');
    } finally {
      await pty.unplug();
    }
  });
});
