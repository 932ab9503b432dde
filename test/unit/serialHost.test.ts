import { strict as assert } from 'assert';
import { compactRaw, lineBytes } from '../../src/core/serial/line';
import { toLogLine, toPortStatus } from '../../src/vscode/serial/logLines';
import { statusText } from '../../src/vscode/serial/statusText';
import { choosePort } from '../../src/vscode/serial/portChoice';
import { logPathIn } from '../../src/core/serial/logFile';
import { RingBuffer } from '../../src/core/serial/ringBuffer';
import { snapshotChunks, snapshotWindow } from '../../src/core/serial/snapshot';
import { lineMemory, type SerialLine } from '../../src/core/serial/line';

describe('serial host: protocol lines and status text', () => {
  const line = (text: string, raw: string | Buffer) => ({ seq: 7, t: 1000, dir: 'rx' as const, text, raw: Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1') });

  it('sends raw bytes only when the text alone would not give them back (or when hex view is on)', () => {
    assert.equal(toLogLine(line('I (12) wifi', 'I (12) wifi\r\n'), false).raw, undefined);
    assert.equal(toLogLine(line('prompt', 'prompt'), false).raw, undefined);
    assert.equal(toLogLine(line('°C', Buffer.from('°C\n', 'utf8')), false).raw, undefined);
    // latin1 byte that is not UTF-8, a NUL-separated binary frame, an LF stripped in CR mode:
    assert.equal(toLogLine(line('A°', Buffer.from([0x41, 0xb0, 0x0a])), false).raw, Buffer.from([0x41, 0xb0, 0x0a]).toString('base64'));
    assert.ok(toLogLine(line('abc', '\nabc\r'), false).raw);
    assert.equal(toLogLine(line('I (12) wifi', 'I (12) wifi\r\n'), true).raw, Buffer.from('I (12) wifi\r\n').toString('base64'));
    assert.deepEqual(Object.keys(toLogLine({ seq: 1, t: 2, dir: 'sys', text: 'connected' }, true)).sort(), ['dir', 'seq', 't', 'text']);
  });

  it('board lines carry their level, tag and crash; the user pattern applies; our own notes carry none', () => {
    const l = toLogLine({ ...line('\x1b[0;33mW (5) heap: low\x1b[0m', 'x'), crash: undefined }, false);
    assert.deepEqual([l.level, l.tag, l.crash], ['warn', 'heap', undefined]);
    const c = toLogLine({ ...line("Guru Meditation Error: Core  0 panic'ed", 'x'), crash: 'ESP-IDF panic' }, false);
    assert.deepEqual([c.level, c.crash], [undefined, 'ESP-IDF panic']);
    assert.deepEqual(toLogLine(line('modem|WRN|no carrier', 'x'), false, /^(?<tag>\w+)\|(?<level>\w+)\|/).level, 'warn');
    assert.equal(toLogLine({ seq: 1, t: 2, dir: 'sys', text: 'E (1) x: not the board' }, false).level, undefined);
  });

  it('port status falls back to the chosen port while no session exists', () => {
    assert.deepEqual(toPortStatus({ state: 'closed', reconnects: 0 }, { path: '/dev/ttyUSB0', baudRate: 921600 }), { state: 'closed', path: '/dev/ttyUSB0', baudRate: 921600, message: undefined });
  });

  it('status bar text: port · baud · state', () => {
    assert.equal(statusText({ state: 'open', path: '/dev/ttyACM0', baudRate: 115200, reconnects: 0 }), '$(plug) ttyACM0 · 115200 · open');
    assert.equal(statusText({ state: 'reconnecting', path: 'COM3', baudRate: 9600, reconnects: 1 }), '$(sync~spin) COM3 · 9600 · reconnecting');
    assert.equal(statusText({ state: 'paused', reconnects: 0 }, '/dev/ttyUSB1', 460800), '$(debug-pause) ttyUSB1 · 460800 · released');
    assert.equal(statusText({ state: 'closed', reconnects: 0 }), '$(plug) Select serial port');
    assert.equal(statusText({ state: 'open', path: '/work/out/integration/scratch/ttyBENCH', reconnects: 0 }), '$(plug) …/ttyBENCH · open');
  });
});

describe('serial lines: compact raw bytes', () => {
  it('keeps only the ending when the bytes are the text plus a usual ending, and rebuilds them exactly', () => {
    const cases: [string, Buffer, boolean][] = [
      ['I (1) wifi', Buffer.from('I (1) wifi\r\n'), true],
      ['prompt$ ', Buffer.from('prompt$ '), true],
      ['\x1b[0;32mI\x1b[0m', Buffer.from('\x1b[0;32mI\x1b[0m\n'), true],
      ['A\ufffd', Buffer.from([0x41, 0xb0, 0x0a]), false], // invalid UTF-8 byte: keep the bytes
      ['°C', Buffer.from('°C\n', 'utf8'), false],
      ['abc', Buffer.from('\nabc\r'), false], // LF dropped in CR mode
    ];
    for (const [text, raw, compact] of cases) {
      const c = compactRaw(text, raw);
      assert.equal(c.raw === undefined, compact, text);
      assert.deepEqual(lineBytes({ seq: 1, t: 0, dir: 'rx', text, ...c }), raw, text);
    }
  });
});

describe('serial host: which port, which log file', () => {
  it('a picked port wins until otaBench.serial.port is changed; then the setting wins, also after a reload', () => {
    const picked = { path: '/dev/ttyUSB0', baudRate: 921600, setting: undefined };
    assert.equal(choosePort(picked, undefined)?.path, '/dev/ttyUSB0');
    assert.equal(choosePort(picked, '/dev/ttyACM1')?.path, '/dev/ttyACM1', 'setting set after the pick');
    assert.equal(choosePort({ ...picked, setting: '/dev/ttyACM1' }, '/dev/ttyACM1')?.path, '/dev/ttyUSB0', 'picked after the setting: the pick');
    assert.equal(choosePort({ ...picked, setting: '/dev/ttyACM1' }, '/dev/ttyACM2')?.path, '/dev/ttyACM2', 'setting changed again');
    assert.deepEqual(choosePort({ path: '/dev/ttyACM2', baudRate: 9600, setting: '/dev/ttyACM1' }, '/dev/ttyACM2'), { path: '/dev/ttyACM2', baudRate: 9600, setting: '/dev/ttyACM2' }, 'same path keeps its baud');
    assert.equal(choosePort(undefined, ''), undefined);
  });

  it('the log file resolves inside the workspace; absolute, ../ and no-folder paths are outside (to be confirmed)', () => {
    assert.deepEqual(logPathIn('/ws', 'logs/serial.log'), { path: '/ws/logs/serial.log', outside: false });
    assert.deepEqual(logPathIn('/ws', '../../etc/cron.d/x'), { path: '/etc/cron.d/x', outside: true });
    assert.deepEqual(logPathIn('/ws', '/tmp/serial.log'), { path: '/tmp/serial.log', outside: true });
    assert.deepEqual(logPathIn('/ws', '/ws/a.log'), { path: '/ws/a.log', outside: false });
    assert.equal(logPathIn(undefined, 'serial.log')?.outside, true);
    assert.equal(logPathIn('/ws', '  '), undefined);
  });
});

describe('serial host: the snapshot for a newly opened monitor', () => {
  it('is the newest lines within a line and byte bound, cut into bounded messages in order', () => {
    const r = new RingBuffer<SerialLine>(100_000);
    for (let i = 0; i < 50_000; i++) r.push({ seq: i + 1, t: i, dir: 'rx', text: `${i} ${'x'.repeat(i % 2 ? 4000 : 10)}` });
    const w = snapshotWindow(r, 20_000, 4 * 1024 * 1024);
    assert.ok(w.reduce((n, l) => n + lineMemory(l), 0) <= 4 * 1024 * 1024);
    assert.ok(w.length > 900 && w.length < 1100, `${w.length} lines`);
    assert.equal(w.at(-1)!.seq, 50_000, 'ends with the newest');
    const chunks = snapshotChunks(w, 2000, 256 * 1024);
    assert.deepEqual(chunks.flat().map((l) => l.seq), w.map((l) => l.seq), 'every line once, in order');
    for (const c of chunks) assert.ok(c.reduce((n, l) => n + lineMemory(l), 0) <= 256 * 1024 + 10_000);
    assert.equal(snapshotWindow(r, 10).length, 10, 'the line bound');
    const huge = new RingBuffer<SerialLine>(10);
    huge.push({ seq: 1, t: 0, dir: 'rx', text: 'y'.repeat(100_000) });
    assert.equal(snapshotWindow(huge, 10, 1000).length, 1, 'the newest line even when alone over the bound');
  });
});
