import { strict as assert } from 'assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { SerialLogFile } from '../../src/core/serial/logFile';
import { describeLine, normalizeSerialOptions, parseBaudRate } from '../../src/core/serial/options';
import { findBoard, toPortEntries, type RawPortInfo } from '../../src/core/serial/ports';
import { SerialSession } from '../../src/core/serial/session';
import { InMemoryDriver } from './serialMemory';

const board = (path: string, serialNumber = 'A1B2C3'): RawPortInfo => ({ path, serialNumber, vendorId: '303A', productId: '1001', manufacturer: 'Espressif' });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serial session', () => {
  it('follows the same board by serial number when it comes back under another path', async () => {
    const d = new InMemoryDriver();
    d.present.set('/dev/ttyACM0', board('/dev/ttyACM0'));
    d.present.set('/dev/ttyUSB0', board('/dev/ttyUSB0', 'OTHER'));
    const s = new SerialSession(d, { reconnectIntervalMs: 20 });
    assert.equal(await s.open('/dev/ttyACM0'), true);
    await wait(5); // identity learnt from the listing
    assert.deepEqual(s.status.identity, { vidPid: '303a:1001', serialNumber: 'A1B2C3' });
    d.open.get('/dev/ttyACM0')!.feed('before reset\n');
    d.unplug('/dev/ttyACM0');
    assert.equal(s.status.state, 'reconnecting');
    d.present.set('/dev/ttyACM1', board('/dev/ttyACM1'));
    assert.ok(await s.waitFor('open', 1000), 'reopened');
    assert.equal(s.status.path, '/dev/ttyACM1');
    assert.equal(s.status.reconnects, 1);
    d.open.get('/dev/ttyACM1')!.feed('after reset\n');
    const texts = s.buffer.toArray().map((l) => `${l.dir}:${l.text}`);
    assert.ok(texts.includes('rx:before reset') && texts.includes('rx:after reset'), texts.join('|'));
    assert.ok(texts.some((t) => t.startsWith('sys:board moved: /dev/ttyACM0 → /dev/ttyACM1')), texts.join('|'));
    await s.close();
  });

  it('does not jump to another board with the same VID:PID when two are plugged (ambiguous)', () => {
    const ports = toPortEntries([board('/dev/ttyUSB1', ''), board('/dev/ttyUSB2', '')].map((p) => ({ ...p, serialNumber: undefined })));
    assert.equal(findBoard({ vidPid: '303a:1001' }, ports), undefined);
    assert.equal(findBoard({ vidPid: '303a:1001' }, ports.slice(0, 1))?.path, '/dev/ttyUSB1');
    assert.equal(findBoard({ serialNumber: 'X', vidPid: '303a:1001' }, ports), undefined);
  });

  it('without autoReconnect a lost port ends in "error" and stays closed', async () => {
    const d = new InMemoryDriver();
    d.present.set('/dev/ttyS9', board('/dev/ttyS9'));
    const s = new SerialSession(d, { autoReconnect: false, reconnectIntervalMs: 20 });
    await s.open('/dev/ttyS9');
    d.unplug('/dev/ttyS9');
    d.present.set('/dev/ttyS9', board('/dev/ttyS9'));
    await wait(80);
    assert.equal(s.status.state, 'error');
    assert.match(s.status.message!, /disconnected/);
    await s.close();
  });

  it('a missing port: open() says false and keeps waiting; it opens when the port appears', async () => {
    const d = new InMemoryDriver();
    const s = new SerialSession(d, { reconnectIntervalMs: 20 });
    assert.equal(await s.open('/dev/ttyNOPE'), false);
    assert.equal(s.status.state, 'reconnecting');
    assert.match(s.status.message!, /No such file/);
    d.present.set('/dev/ttyNOPE', board('/dev/ttyNOPE'));
    assert.ok(await s.waitFor('open', 1000));
    await s.close();
    assert.equal(s.status.state, 'closed');
  });

  it('pause releases the port for another program, resume takes it back', async () => {
    const d = new InMemoryDriver();
    d.present.set('/dev/ttyACM0', board('/dev/ttyACM0'));
    const s = new SerialSession(d, { reconnectIntervalMs: 20 });
    await s.open('/dev/ttyACM0');
    await s.pause('flashing');
    assert.equal(s.status.state, 'paused');
    assert.equal(d.open.size, 0, 'nobody holds the port while paused');
    await assert.rejects(s.send('version'), /not open \(paused\)/);
    assert.ok(await s.resume(500));
    assert.equal(s.status.state, 'open');
    await s.send('version');
    assert.equal(d.open.get('/dev/ttyACM0')!.written[0].toString(), 'version\n');
    await s.close();
  });

  it('sends lines with the chosen ending, echoes them as tx lines, keeps a history', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', board('p'));
    const s = new SerialSession(d, { txEol: 'crlf' });
    await s.open('p');
    await s.send('AT');
    await s.send('AT+GMR', 'none');
    await s.sendBytes(Buffer.from([0xde, 0xad]));
    await s.send('AT');
    const port = d.open.get('p')!;
    assert.deepEqual(port.written.map((b) => b.toString('hex')), ['41540d0a', '41542b474d52', 'dead', '41540d0a']);
    const tx = s.buffer.toArray().filter((l) => l.dir === 'tx').map((l) => l.text);
    assert.deepEqual(tx, ['AT', 'AT+GMR', '⟨de ad⟩', 'AT']);
    assert.deepEqual(s.history.list(), ['AT+GMR', 'AT']);
    await s.close();
  });

  it('shows a prompt without newline after the idle delay', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', board('p'));
    const s = new SerialSession(d, { partialLineFlushMs: 30 });
    await s.open('p');
    d.open.get('p')!.feed('uart:~$ ');
    assert.equal(s.buffer.toArray().filter((l) => l.dir === 'rx').length, 0);
    await wait(80);
    const rx = s.buffer.toArray().filter((l) => l.dir === 'rx');
    assert.deepEqual(rx.map((l) => [l.text, l.partial]), [['uart:~$ ', true]]);
    await s.close();
  });

  it('the ring buffer bounds the session and seq numbers stay contiguous', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', board('p'));
    const s = new SerialSession(d, { bufferLines: 1000 });
    await s.open('p');
    const port = d.open.get('p')!;
    for (let i = 0; i < 50; i++) port.feed(Array.from({ length: 100 }, (_, k) => `line ${i * 100 + k}\n`).join(''));
    assert.equal(s.buffer.size, 1000);
    const all = s.buffer.toArray();
    for (let i = 1; i < all.length; i++) assert.equal(all[i].seq, all[i - 1].seq + 1);
    assert.equal(all[all.length - 1].text, 'line 4999');
    s.clear();
    assert.equal(s.buffer.size, 0);
    await s.close();
  });
});

describe('serial options', () => {
  it('parses baud rates people type and rejects nonsense', () => {
    assert.equal(parseBaudRate('115200'), 115200);
    assert.equal(parseBaudRate('921.6k'), 921600);
    assert.equal(parseBaudRate('2M'), 2_000_000);
    assert.equal(parseBaudRate('fast'), undefined);
    assert.equal(parseBaudRate('12'), undefined);
  });

  it('normalizes settings and reports every bad value', () => {
    const { options, problems } = normalizeSerialOptions({ baudRate: '460800', parity: 'evenish', dataBits: 7, rxEol: 'crlf', bufferLines: 5 });
    assert.equal(options.baudRate, 460800);
    assert.equal(options.parity, 'none');
    assert.equal(options.dataBits, 7);
    assert.equal(options.rxEol, 'crlf');
    assert.equal(options.bufferLines, 100_000);
    assert.equal(problems.length, 2);
    assert.match(problems.join('\n'), /parity: "evenish"/);
    assert.equal(describeLine(options), '460800 7N1');
  });

  it('describes listed ports with manufacturer, VID:PID and serial number, USB first', () => {
    const e = toPortEntries([{ path: '/dev/ttyS0' }, { path: '/dev/ttyUSB0', manufacturer: 'Silicon Labs', vendorId: '10C4', productId: 'EA60', serialNumber: '0001' }]);
    assert.deepEqual(e.map((p) => [p.path, p.description]), [
      ['/dev/ttyUSB0', 'Silicon Labs · 10c4:ea60 · SN 0001'],
      ['/dev/ttyS0', 'no USB details'],
    ]);
  });
});

describe('serial log file', () => {
  it('writes rendered and raw logs and rotates them by size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otab-log-'));
    try {
      const f = new SerialLogFile({ path: join(dir, 'serial.log'), format: 'both', maxBytes: 1000, keep: 2 });
      const line = (seq: number) => ({ seq, t: Date.UTC(2026, 0, 2, 3, 4, 5, seq % 1000), dir: 'rx' as const, text: `\x1b[32mI (${seq}) app: tick\x1b[0m`, raw: Buffer.from(`\x1b[32mI (${seq}) app: tick\x1b[0m\r\n`) });
      for (let i = 0; i < 100; i++) f.write([line(i)]);
      f.write([{ seq: 100, t: Date.UTC(2026, 0, 2), dir: 'tx', text: 'version', raw: Buffer.from('version\n') }]);
      f.close();
      const files = readdirSync(dir).sort();
      assert.deepEqual(files, ['serial.log', 'serial.log.1', 'serial.log.2', 'serial.log.raw', 'serial.log.raw.1', 'serial.log.raw.2']);
      const cur = readFileSync(join(dir, 'serial.log'), 'utf8');
      assert.ok(cur.length <= 1000);
      assert.match(cur, /2026-01-02T00:00:00.000Z > version\n$/);
      assert.match(cur, /Z {3}I \(99\) app: tick\n/, 'rendered form has no ANSI codes');
      const raw = readFileSync(join(dir, 'serial.log.raw'));
      assert.ok(raw.includes(Buffer.from('\x1b[32mI (99) app: tick\x1b[0m\r\n')), 'raw keeps the bytes');
      assert.ok(!raw.includes(Buffer.from('version')), 'raw is what the board sent only');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
