import { strict as assert } from 'assert';
import { compactRaw, lineBytes } from '../../src/core/serial/line';
import { toLogLine, toPortStatus } from '../../src/vscode/serial/logLines';
import { statusText } from '../../src/vscode/serial/statusText';

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
