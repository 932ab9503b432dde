// Evidence parsers: levels and tags of the common log formats, crashes of the common stacks and
// boot loops, and backtraces decoded by the real arm-none-eabi-addr2line on an ELF built here.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { compileLevelPattern, parseLevel } from '../../src/core/evidence/levels';
import { CrashWatch, findCrashes, type EvidenceLine } from '../../src/core/evidence/crash';
import { crashAddresses, decodeCrash, elfMachine, findAddr2line, findElfBeside } from '../../src/core/evidence/backtrace';
import { annotateCrashes } from '../../src/core/evidence/decodeNotes';
import { SerialSession } from '../../src/core/serial/session';
import { InMemoryDriver } from './serialMemory';

const at = (texts: string[], t0 = 1000, step = 10): EvidenceLine[] => texts.map((text, i) => ({ t: t0 + i * step, text }));

describe('evidence: log levels and tags', () => {
  it('parses ESP-IDF, Zephyr, bracketed, W/tag and coloured lines', () => {
    const cases: [string, string | undefined, string | undefined][] = [
      ['I (123) wifi: connected', 'info', 'wifi'],
      ['\x1b[0;33mW (4567) heap: low water mark\x1b[0m', 'warn', 'heap'],
      ['E (12:00:01.123) ota: bad image', 'error', 'ota'],
      ['[00:00:01.234,567] <wrn> net_mqtt: keepalive', 'warn', 'net_mqtt'],
      ['[00:00:00.010,000] <err> os: >>> ZEPHYR FATAL ERROR 0', 'error', 'os'],
      ['[INFO] boot done', 'info', undefined],
      ['[WARN][sensor] out of range', 'warn', 'sensor'],
      ['[ERROR] flash: write failed', 'error', 'flash'],
      ['W/BluetoothGatt(1234): timeout', 'warn', 'BluetoothGatt'],
      ['D/app: tick', 'debug', 'app'],
      ['hello world', undefined, undefined],
      ['Interrupt (123) x: y', undefined, undefined],
    ];
    for (const [text, level, tag] of cases) {
      const r = parseLevel(text);
      assert.deepEqual([r?.level, r?.tag], [level, tag], text);
    }
  });

  it('a user pattern with named groups wins; a bad one fails with what to write', () => {
    const re = compileLevelPattern('^(?<tag>\\w+)\\|(?<level>\\w+)\\|');
    assert.deepEqual(parseLevel('modem|WRN|no carrier', re), { level: 'warn', tag: 'modem' });
    assert.deepEqual(parseLevel('I (1) x: y', re), { level: 'info', tag: 'x' }, 'built-in formats still apply');
    assert.throws(() => compileLevelPattern('(?<level>[EW'), /not a valid regular expression.*named group/);
    assert.throws(() => compileLevelPattern('^(\\w)/'), /has no \(\?<level>…\) group/);
  });
});

describe('evidence: crashes and boot loops', () => {
  it('recognises the common stacks, each with its name', () => {
    const lines = [
      "Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.",
      'abort() was called at PC 0x400d1234 on core 0',
      'rst:0x7 (TG0WDT_SYS_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
      'rst:0xf (RTCWDT_BROWN_OUT_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
      '[00:00:00.010,000] <err> os: >>> ZEPHYR FATAL ERROR 0: CPU exception on CPU 0',
      'ASSERT: configASSERT( pxQueue ) failed in queue.c:123',
      'HardFault! HFSR = 0x40000000',
      'Kernel panic - not syncing: Attempted to kill init!',
    ];
    const names = lines.map((l) => findCrashes(at([l]))[0]?.name);
    assert.deepEqual(names, ['ESP-IDF panic', 'abort()', 'watchdog reset', 'brownout', 'Zephyr fatal error', 'FreeRTOS assert', 'Cortex-M HardFault', 'Kernel panic']);
  });

  it('ordinary lines, a normal software reset and error-level logs are not crashes', () => {
    const ok = at(['rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)', 'E (100) mqtt: keepalive timeout, reconnecting', 'I (5) boot: firmware version 1.2.0', 'assertions: 0 failed? no: all passed']);
    assert.deepEqual(findCrashes(ok), []);
  });

  it('a crash dump keeps its register and backtrace lines, marked with the crash, until the next boot', () => {
    const w = new CrashWatch();
    const marks = at([
      'I (10) app: running',
      "Guru Meditation Error: Core  0 panic'ed (StoreProhibited). Exception was unhandled.",
      'PC      : 0x400d2a1c  PS      : 0x00060030  A0      : 0x800d0f6c',
      'Backtrace: 0x400d2a19:0x3ffb1f50 0x400d0f69:0x3ffb1f70',
      'ets Jun  8 2016 00:22:57',
      'rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)',
      'I (20) app: running',
    ]).map((l) => w.push(l));
    assert.deepEqual(marks, [undefined, 'ESP-IDF panic', 'ESP-IDF panic', 'ESP-IDF panic', 'ESP-IDF panic', undefined, undefined]);
    assert.equal(w.events.length, 1);
    assert.equal(w.events[0].lines.length, 4);
  });

  it('N boots within the window is a boot loop (configurable); spread-out boots are not', () => {
    const boot = 'rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)';
    const fast = findCrashes(at([boot, 'I (1) app: hi', boot, 'I (1) app: hi', boot], 0, 1000));
    assert.deepEqual(fast.map((e) => [e.kind, e.name]), [['boot-loop', 'boot loop (3 boots in 4 s)']]);
    assert.equal(findCrashes(at([boot, boot, boot], 0, 40_000)).length, 0, '3 boots over 80 s');
    assert.equal(findCrashes(at([boot, boot, boot], 0, 40_000), { bootLoop: { boots: 3, windowMs: 120_000 } }).length, 1);
    assert.equal(findCrashes(at([boot, boot], 0, 10), { bootLoop: { boots: 2, windowMs: 1000 } })[0].kind, 'boot-loop');
  });

  it('a boot the board announced (an OTA install, "rebooting") is not a loop boot; one after a panic\'s "Rebooting..." is', () => {
    const boot = 'rst:0xc (SW_CPU_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)';
    const ota = (v: string) => [`I (9) ota: installing 4096 bytes as v${v}`, 'ets Jun  8 2016 00:22:57', boot, `I (1) boot: firmware version ${v}`];
    assert.deepEqual(findCrashes(at([...ota('1.0.1'), ...ota('1.0.2'), ...ota('1.0.3'), ...ota('1.0.4')], 0, 1000)), [], 'four releases in a few seconds');
    const unannounced = findCrashes(at([...ota('1.0.1'), 'I (2) app: hi', boot, 'I (2) app: hi', boot, 'I (2) app: hi', boot], 0, 1000));
    assert.deepEqual(unannounced.map((e) => e.name), ['boot loop (3 boots in 4 s)'], 'the announcement covers only the next boot');
    const panic = ["Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.", 'Rebooting...', boot];
    assert.deepEqual(findCrashes(at([...panic, ...panic, ...panic], 0, 1000)).map((e) => e.kind), ['crash', 'crash', 'crash', 'boot-loop']);
  });

  it('users add patterns in settings; a broken one says which', () => {
    const mine = [{ name: 'app assert', pattern: 'MY_ASSERT at \\w+' }];
    assert.equal(findCrashes(at(['MY_ASSERT at motor_task']), { patterns: mine })[0].name, 'app assert');
    assert.throws(() => new CrashWatch({ patterns: [{ name: 'oops', pattern: '(' }] }), /Crash pattern "oops" is not a valid regular expression/);
    assert.throws(() => new CrashWatch({ patterns: [{ name: '', pattern: 'x' } as never] }), /Crash pattern #1 needs a "name" and a "pattern"/);
    assert.throws(() => new CrashWatch({ bootLoop: { boots: 1, windowMs: 0 } }), /whole number ≥ 2/);
  });
});

describe('evidence: backtraces decoded with addr2line', function () {
  this.timeout(60_000);
  let dir: string;
  let elf: string;
  const src = [
    'volatile int sink;',
    'void fault_handler(void) {',
    '  sink = 1;',
    '  *(volatile int *)0xE0000000 = 2;',
    '}',
    'int main(void) {',
    '  fault_handler();',
    '  return 0;',
    '}',
    'void _start(void) { main(); for (;;) {} }',
  ].join('\n');

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'otab-elf-'));
    writeFileSync(join(dir, 'fw.c'), src + '\n');
    elf = join(dir, 'fw.elf');
    // A real Cortex-M image from Debian's gcc-arm-none-eabi (scripts/lib/system-deps.mjs installs it).
    execFileSync('arm-none-eabi-gcc', ['-mcpu=cortex-m3', '-mthumb', '-g', '-O0', '-nostdlib', '-Wl,-Ttext=0x08000000', '-o', elf, join(dir, 'fw.c')], { cwd: dir });
    writeFileSync(join(dir, 'fw.bin'), 'image');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const symbol = (name: string) => {
    const nm = execFileSync('arm-none-eabi-nm', [elf]).toString();
    const m = new RegExp(`^([0-9a-f]{8}) T ${name}$`, 'm').exec(nm)!;
    return parseInt(m[1], 16) & ~1;
  };

  it('finds the ELF beside the artifact, its machine and the toolchain addr2line, and decodes a HardFault dump', async () => {
    assert.equal(findElfBeside(join(dir, 'fw.bin')), elf);
    assert.equal(elfMachine(elf), 'arm');
    const a = findAddr2line(elf);
    assert.ok(a.ok && /arm-none-eabi-addr2line$/.test(a.tool), JSON.stringify(a));
    const pc = (symbol('fault_handler') + 8).toString(16).padStart(8, '0');
    const lr = (symbol('main') + 4).toString(16).padStart(8, '0');
    const dump = ['HardFault! HFSR = 0x40000000', 'R0 = 0x00000002', `PC = 0x${pc}`, `LR = 0x${lr}`];
    assert.deepEqual(crashAddresses(dump), [`0x${pc}`, `0x${lr}`]);
    const d = await decodeCrash(elf, dump);
    assert.ok('lines' in d, JSON.stringify(d));
    assert.equal(d.frames[0].function, 'fault_handler');
    assert.match(d.frames[0].file, /fw\.c$/);
    assert.ok(d.frames[0].line! >= 3 && d.frames[0].line! <= 4, `line ${d.frames[0].line}`);
    assert.equal(d.frames[1].function, 'main');
    assert.match(d.lines[0], new RegExp(`^0x${pc}: fault_handler at .*fw\\.c:\\d+$`));
  });

  it('in the live log: a crash gets its decoded frames as notes right under it; without the toolchain it says why, once', async () => {
    const d = new InMemoryDriver();
    d.present.set('p', { path: 'p' });
    const s = new SerialSession(d);
    await s.open('p');
    const stop = annotateCrashes(s, () => elf, 50);
    const pc = (symbol('fault_handler') + 8).toString(16).padStart(8, '0');
    d.open.get('p')!.feed(`HardFault! HFSR = 0x40000000\nPC = 0x${pc}\n`);
    const notesNow = () => s.buffer.toArray().filter((l) => l.dir === 'sys').map((l) => l.text);
    for (let i = 0; i < 100 && !notesNow().some((n) => n.startsWith('decoded')); i++) await new Promise((r) => setTimeout(r, 50));
    const notes = notesNow();
    assert.ok(notes.some((n) => new RegExp(`^decoded 0x${pc}: fault_handler at .*fw\\.c:\\d+$`).test(n)), notes.join('\n'));
    stop();
    const stop2 = annotateCrashes(s, () => join(dir, 'fw.c'), 20);
    d.open.get('p')!.feed('rst:0xc (SW_CPU_RESET)\nHardFault!\nPC = 0x08000010\n');
    for (let i = 0; i < 100 && !s.buffer.toArray().some((l) => l.text.startsWith('backtrace not decoded')); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(s.buffer.toArray().some((l) => l.text === 'backtrace not decoded: fw.c is not an ELF file'));
    stop2();
    await s.close();
  });

  it('ESP-IDF backtrace pairs give their PCs; no toolchain or no ELF: the reason, not a throw', async () => {
    assert.deepEqual(crashAddresses(['Backtrace: 0x400d2a19:0x3ffb1f50 0x400d0f69:0x3ffb1f70 |<-CORRUPTED']), ['0x400d2a19', '0x400d0f69']);
    const none = await decodeCrash(elf, ['PC = 0x08000010'], '/nonexistent-bin');
    assert.deepEqual(none, { reason: 'no arm-none-eabi-addr2line on PATH (install the arm toolchain, or add its bin folder to PATH)' });
    assert.deepEqual(await decodeCrash(join(dir, 'fw.c'), ['PC = 0x08000010']), { reason: 'fw.c is not an ELF file' });
    assert.deepEqual(await decodeCrash(elf, ['no addresses here']), { reason: 'no code addresses in the crash lines' });
  });
});
