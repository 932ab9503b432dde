// The session while its board is away or stuck: reopened on the watch event rather than the poll,
// the log says loss and recovery (not every retry), the "taken back" note measures from the
// release, sends time out and fail fast while one is stuck, and the buffer is bounded by bytes.
import { strict as assert } from 'assert';
import type { RawPortInfo } from '../../src/core/serial/ports';
import { RingBuffer } from '../../src/core/serial/ringBuffer';
import { isSendError, SerialSession, type SessionStatus } from '../../src/core/serial/session';
import { InMemoryDriver } from './serialMemory';

const port = (path: string): RawPortInfo => ({ path });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serial session: away, back, stuck', () => {
  it('reopens on the directory watch event at once, not at the next poll', async () => {
    const d = new InMemoryDriver();
    d.watchers = new Set();
    d.present.set('p', port('p'));
    const s = new SerialSession(d, { reconnectIntervalMs: 5000 });
    await s.open('p');
    d.unplug('p');
    assert.equal(s.status.state, 'reconnecting');
    assert.match(s.status.message!, /reopening as soon as it comes back/);
    const t0 = Date.now();
    d.plug('p', port('p'));
    assert.ok(await s.waitFor('open', 1000), 'open well before the 5 s poll');
    assert.ok(Date.now() - t0 < 500, `reopened after ${Date.now() - t0} ms`);
    assert.equal(d.watchers.size, 0, 'the watch stops once the port is open');
    await s.close();
  });

  it('without a watch it still polls (the fallback)', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', port('p'));
    const s = new SerialSession(d, { reconnectIntervalMs: 30 });
    await s.open('p');
    d.unplug('p');
    assert.match(s.status.message!, /retrying every 30 ms/);
    d.present.set('p', port('p'));
    assert.ok(await s.waitFor('open', 1000));
    await s.close();
  });

  it('while the board is away: one loss note, one recovery note, and status changes only when the reason changes', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', port('p'));
    const s = new SerialSession(d, { reconnectIntervalMs: 20 });
    await s.open('p');
    const statuses: SessionStatus[] = [];
    s.onStatus((st) => statuses.push(st));
    d.unplug('p');
    await wait(400);
    const tries = d.attempts.get('p')!;
    assert.ok(tries >= 5, `retried ${tries} times`);
    assert.ok(statuses.length <= 3, `${statuses.length} status events for ${tries} retries: ${statuses.map((x) => x.message).join(' | ')}`);
    d.present.set('p', port('p'));
    assert.ok(await s.waitFor('open', 1000));
    const notes = s.buffer.toArray().filter((l) => l.dir === 'sys').map((l) => l.text);
    assert.deepEqual(notes.map((n) => n.replace(/\d+ ms/, 'N ms')), ['connected to p @ 115200', 'p disconnected', 'reconnected to p after N ms']);
    const after = Number(/after (\d+) ms/.exec(notes[2])![1]);
    assert.ok(after >= 380 && after < 3000, `away ${after} ms`);
    await s.close();
  });

  it('"port taken back" gives the time since the release, not since resume()', async () => {
    let now = 1_000_000;
    const d = new InMemoryDriver();
    d.present.set('p', port('p'));
    const s = new SerialSession(d, { reconnectIntervalMs: 20 }, () => now);
    await s.open('p');
    await s.pause('flashing');
    now += 7_250; // the flash tool held it 7.25 s
    assert.ok(await s.resume(500));
    const note = s.buffer.toArray().find((l) => /taken back/.test(l.text))!.text;
    assert.equal(note, 'port taken back: p (7250 ms after release)');
    await s.close();
  });

  it('a send the board never takes times out, and the next send fails fast instead of queueing behind it', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', port('p'));
    const s = new SerialSession(d, { sendTimeoutMs: 150 });
    await s.open('p');
    await s.send('first');
    d.stalled = true;
    const t0 = Date.now();
    const e1 = await s.send('stuck').then(() => undefined, (e: unknown) => e);
    assert.ok(isSendError(e1) && e1.code === 'timeout', String(e1));
    assert.match((e1 as Error).message, /did not take 6 bytes within 150 ms: the board is not reading/);
    assert.ok(Date.now() - t0 < 1000);
    const e2 = await s.send('later').then(() => undefined, (e: unknown) => e);
    assert.ok(isSendError(e2) && e2.code === 'busy', String(e2));
    assert.match((e2 as Error).message, /has not read the previous send \(6 bytes/);
    assert.deepEqual(s.buffer.toArray().filter((l) => l.dir === 'tx').map((l) => l.text), ['first'], 'only what went out is shown as sent');
    await s.close();
  });

  it('a send while reconnecting is refused with the reason (the caller keeps the text)', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', port('p'));
    const s = new SerialSession(d, { reconnectIntervalMs: 1000 });
    await s.open('p');
    d.unplug('p');
    const e = await s.send('version').then(() => undefined, (x: unknown) => x);
    assert.ok(isSendError(e) && e.code === 'not-open' && e.state === 'reconnecting', String(e));
    assert.match((e as Error).message, /p is away \(reconnecting\); not sent/);
    await s.close();
  });

  it('the buffer is bounded by bytes as well as lines: 4 KB lines stay under the byte cap', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', port('p'));
    const cap = 2 * 1024 * 1024;
    const s = new SerialSession(d, { bufferLines: 100_000, bufferBytes: cap });
    await s.open('p');
    const long = 'x'.repeat(4000);
    for (let i = 0; i < 2000; i++) d.open.get('p')!.feed(`${i} ${long}\n`);
    assert.ok(s.buffer.bytes <= cap, `${s.buffer.bytes} bytes kept`);
    assert.ok(s.buffer.size < 300 && s.buffer.size > 100, `${s.buffer.size} lines kept`);
    assert.match(s.buffer.last(1)[0].text, /^1999 /, 'the newest line is kept');
    await s.updateOptions({ bufferBytes: cap / 2 });
    assert.ok(s.buffer.bytes <= cap / 2);
    await s.close();
  });

  it('marks crash lines for the monitor and reports each crash once; a bad user pattern is refused, the old ones kept', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', port('p'));
    const s = new SerialSession(d);
    const crashes: string[] = [];
    s.onCrash((e) => crashes.push(e.name));
    await s.open('p');
    d.open.get('p')!.feed("I (1) app: ok\nGuru Meditation Error: Core  0 panic'ed (LoadProhibited).\nBacktrace: 0x400d2a19:0x3ffb1f50\nrst:0x7 (TG0WDT_SYS_RESET),boot:0x13\nI (2) app: ok\n");
    const marks = s.buffer.toArray().filter((l) => l.dir === 'rx').map((l) => l.crash ?? '-');
    assert.deepEqual(marks, ['-', 'ESP-IDF panic', 'ESP-IDF panic', 'ESP-IDF panic', '-']);
    assert.deepEqual(crashes, ['ESP-IDF panic']);
    assert.throws(() => s.setEvidence({ patterns: [{ name: 'mine', pattern: '[' }] }), /Crash pattern "mine"/);
    s.setEvidence({ patterns: [{ name: 'mine', pattern: 'MY_ASSERT' }] });
    d.open.get('p')!.feed('MY_ASSERT at x\n');
    assert.deepEqual(crashes, ['ESP-IDF panic', 'mine']);
    await s.close();
  });

  it('ring buffer: a byte bound evicts the oldest, keeps the newest even when it alone is over', () => {
    const r = new RingBuffer<string>(100, 10, (x) => x.length);
    for (const x of ['aaaa', 'bbbb', 'cccc']) r.push(x);
    assert.deepEqual(r.toArray(), ['bbbb', 'cccc']);
    assert.equal(r.bytes, 8);
    r.push('x'.repeat(50));
    assert.deepEqual(r.toArray(), ['x'.repeat(50)]);
    assert.equal(r.evicted, 3);
    r.resize(1);
    assert.equal(r.bytes, 50);
    r.clear();
    assert.equal(r.bytes, 0);
  });
});
