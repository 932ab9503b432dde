// The serial session against the virtual board on REAL pseudo-terminals (socat), through the real
// `serialport` binding: open/read/write, unplug and reconnect, releasing the port for a flash.
import { strict as assert } from 'assert';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { lineBytes, type SerialLine } from '../../src/core/serial/line';
import { SerialSession } from '../../src/core/serial/session';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { waitLine } from './serialLines';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Checks that flood lines 1..n arrived exactly once, in order. */
function floodNumbers(lines: SerialLine[], n: number): number[] {
  const nums = lines.filter((l) => l.dir === 'rx' && l.text.startsWith('flood ') && l.text.includes(`/${n} `)).map((l) => Number(/^flood (\d+)\//.exec(l.text)![1]));
  return nums;
}

describe('serial session on a real pty (virtual board)', function () {
  this.timeout(30_000);
  let dir: string;
  let board: VirtualBoard;
  let session: SerialSession;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otab-pty-'));
    board = await startBoard({ link: join(dir, 'ttyBENCH'), version: '1.0.0', logPeriodMs: 0 });
    session = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 300, bufferLines: 200_000 });
  });

  afterEach(async () => {
    await session.close();
    await board.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens the board, reads its lines and writes commands (version answered)', async () => {
    assert.equal(await session.open(board.link), true);
    assert.equal(session.status.state, 'open');
    const answer = waitLine(session, /^version: /);
    await session.send('version');
    assert.equal((await answer).text, 'version: 1.0.0');
    assert.deepEqual(board.received, ['version']);
    const tx = session.buffer.toArray().find((l) => l.dir === 'tx')!;
    assert.equal(tx.raw!.toString(), 'version\n');
    // Colours arrive as the board sent them; raw keeps the CRLF for the hex view.
    board.log('E', 'test', 'boom');
    const e = await waitLine(session, /test: boom/);
    // eslint-disable-next-line no-control-regex
    assert.match(e.text, /^\x1b\[0;31mE \(\d+\) test: boom\x1b\[0m$/);
    assert.equal(lineBytes(e)!.subarray(-2).toString('hex'), '0d0a');
  });

  it('fails clearly on a port that does not exist (no autoReconnect) and on a second opener', async () => {
    const lone = new SerialSession(nodeSerialDriver, { autoReconnect: false });
    assert.equal(await lone.open(join(dir, 'nope')), false);
    assert.equal(lone.status.state, 'error');
    assert.match(lone.status.message!, /Cannot open .*nope: .*No such file or directory/);
    await lone.close();

    assert.equal(await session.open(board.link), true);
    const second = new SerialSession(nodeSerialDriver, { autoReconnect: false });
    assert.equal(await second.open(board.link), false);
    assert.match(second.status.message!, /Cannot lock port/);
    await second.close();
  });

  it('takes a 20,000-line flood with no line lost, in order, timestamps not decreasing', async () => {
    await session.open(board.link);
    const done = waitLine(session, /^flood done: 20000 lines/, 20_000);
    await session.send('flood 20000');
    await done;
    const lines = session.buffer.toArray();
    const nums = floodNumbers(lines, 20000);
    assert.equal(nums.length, 20000);
    for (let i = 0; i < nums.length; i++) assert.equal(nums[i], i + 1);
    const rx = lines.filter((l) => l.dir === 'rx');
    for (let i = 1; i < rx.length; i++) assert.ok(rx[i].t >= rx[i - 1].t);
  });

  it('unplug → reconnecting; replug → open again within 1 s, no lines lost while connected', async () => {
    await session.open(board.link);
    const first = waitLine(session, /^flood done: 3000/, 10_000);
    await session.send('flood 3000');
    await first;
    assert.equal(floodNumbers(session.buffer.toArray(), 3000).length, 3000);

    await board.unplug();
    assert.ok(await session.waitFor('reconnecting', 1000), 'the session noticed the unplug');
    assert.match(session.status.message!, /disconnected/);
    await wait(700); // gone for a while: several retries fail
    assert.equal(session.status.state, 'reconnecting');

    await board.replug();
    const back = Date.now();
    assert.ok(await session.waitFor('open', 1000), 'reconnected within 1 s of the port returning');
    const reconnectMs = Date.now() - back;
    assert.ok(reconnectMs < 1000, `reconnect took ${reconnectMs} ms`);
    assert.equal(session.status.reconnects, 1);

    const second = waitLine(session, /^flood done: 4000/, 10_000);
    await session.send('flood 4000');
    await second;
    const nums = floodNumbers(session.buffer.toArray(), 4000);
    assert.deepEqual([nums.length, nums[0], nums[nums.length - 1]], [4000, 1, 4000]);
    const notes = session.buffer.toArray().filter((l) => l.dir === 'sys').map((l) => l.text);
    assert.ok(notes.some((n) => /disconnected/.test(n)) && notes.some((n) => /^reconnected to .* after \d+ ms/.test(n)), notes.join(' | '));
  });

  it('survives a crash-style unplug (SIGKILL leaves a dangling link) and comes back', async () => {
    await session.open(board.link);
    // Unplugged right after the open, before any read is polling: serialport's own read would spin
    // on end-of-file forever here and never report the disconnect (see nodeSerial.ts).
    await board.unplug('SIGKILL');
    assert.ok(await session.waitFor('reconnecting', 1000));
    await wait(400);
    assert.match(session.status.message!, /ENOENT|No such file/);
    await board.replug();
    assert.ok(await session.waitFor('open', 1000));
    const v = waitLine(session, /^version:/);
    await session.send('version');
    await v;
  });

  it('pause releases the port (another program can open it), resume takes it back', async () => {
    await session.open(board.link);
    await session.pause('test');
    const other = new SerialSession(nodeSerialDriver, { autoReconnect: false });
    assert.equal(await other.open(board.link), true, 'the port is free while paused');
    await other.close();
    assert.ok(await session.resume(2000));
    const v = waitLine(session, /^version:/);
    await session.send('version');
    await v;
  });
});
