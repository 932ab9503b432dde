import { strict as assert } from 'assert';
import { diagnoseOutput, genericFailure } from '../../src/core/flash/diagnose';
import { buildFlashCommand, expandPlaceholders, findExecutable, splitArgs } from '../../src/core/flash/presets';
import { ProgressParser } from '../../src/core/flash/progress';

// Output recorded on this machine from the Debian tools against a pty with no chip behind it
// (stm32flash 0.7, avrdude 7.1), and esptool's messages as esptool v4/v5 print them (esptool is
// not installable here: not in Debian bookworm, PyPI unreachable).
const STM32FLASH_PTY = `stm32flash 0.7

http://stm32flash.sourceforge.net/

Using Parser : Raw BINARY
Size         : 4096
Failed to set terminal flags
Error probing interface "serial_posix"
Cannot handle device "/tmp/ptyB"
Failed to open port: /tmp/ptyB
`;
const AVRDUDE_NOSYNC = `avrdude: setting number of retry attempts to 1
avrdude OS error: ioctl("TIOCMGET"): Inappropriate ioctl for device
avrdude error: programmer is not responding
avrdude warning: attempt 1 of 1: not in sync: resp=0x00
avrdude error: unable to open programmer arduino on port /tmp/ptyB

avrdude done.  Thank you.
`;
const AVRDUDE_EACCES = `avrdude OS error: cannot open port /tmp/ptyB: Permission denied
avrdude error: unable to open programmer arduino on port /tmp/ptyB
`;
const AVRDUDE_MISSING = `avrdude OS error: cannot open port /dev/nonexist: No such file or directory
avrdude error: unable to open programmer arduino on port /dev/nonexist
`;
const ESPTOOL_NOCONNECT = `esptool.py v4.7.0
Serial port /dev/ttyUSB0
Connecting......................................

A fatal error occurred: Failed to connect to ESP32: No serial data received.
For troubleshooting steps visit: https://docs.espressif.com/projects/esptool/en/latest/troubleshooting.html
`;
const ESPTOOL_EACCES = `esptool.py v4.7.0
Serial port /dev/ttyUSB0

A fatal error occurred: Could not open /dev/ttyUSB0, the port is busy or doesn't exist.
([Errno 13] could not open port /dev/ttyUSB0: [Errno 13] Permission denied: '/dev/ttyUSB0')
`;
const ESPTOOL_BUSY = `A fatal error occurred: Could not open /dev/ttyUSB0, the port is busy or doesn't exist.
([Errno 16] could not open port /dev/ttyUSB0: [Errno 16] Device or resource busy: '/dev/ttyUSB0')
`;
const OPENOCD_NOPROBE = `Open On-Chip Debugger 0.12.0
Info : auto-selecting first available session transport "hla_swd".
Error: open failed
`;

const ctx = { tool: 'tool', port: '/dev/ttyUSB0', file: '/w/build/fw.bin' };

describe('flash: failure diagnosis', () => {
  it('stm32flash on a port that cannot do 8E1 (real output on a pty)', () => {
    const f = diagnoseOutput(STM32FLASH_PTY, { ...ctx, tool: 'stm32flash' })!;
    assert.equal(f.kind, 'port-settings');
    assert.equal(f.evidence, 'Failed to set terminal flags');
    assert.match(f.fix, /real USB-serial adapter/);
  });

  it('avrdude "not in sync" is a handshake failure with the bootloader/baud fix', () => {
    const f = diagnoseOutput(AVRDUDE_NOSYNC, { ...ctx, tool: 'avrdude' })!;
    assert.equal(f.kind, 'handshake');
    assert.match(f.message, /AVR bootloader did not answer/);
    assert.match(f.fix, /57600/);
  });

  it('permission denied (avrdude, esptool) says how to get access', () => {
    for (const out of [AVRDUDE_EACCES, ESPTOOL_EACCES]) {
      const f = diagnoseOutput(out, ctx)!;
      assert.equal(f.kind, 'permission', out);
      assert.match(f.fix, /usermod -aG dialout/);
    }
  });

  it('a busy port is told apart from a missing one', () => {
    assert.equal(diagnoseOutput(ESPTOOL_BUSY, ctx)!.kind, 'busy');
    assert.equal(diagnoseOutput(AVRDUDE_MISSING, ctx)!.kind, 'port-missing');
  });

  it('esptool "Failed to connect" explains download mode', () => {
    const f = diagnoseOutput(ESPTOOL_NOCONNECT, { ...ctx, tool: 'esptool' })!;
    assert.equal(f.kind, 'handshake');
    assert.match(f.message, /Failed to connect to ESP32/);
    assert.match(f.fix, /hold BOOT/);
  });

  it('OpenOCD without a probe', () => {
    assert.equal(diagnoseOutput(OPENOCD_NOPROBE, { ...ctx, tool: 'OpenOCD' })!.kind, 'probe-missing');
  });

  it('unknown output: no diagnosis, and the generic failure quotes the last error line', () => {
    assert.equal(diagnoseOutput('all fine\nbye\n', ctx), undefined);
    const g = genericFailure('step 1\nError: flux capacitor offline\nbye\n', 3, ctx);
    assert.match(g.message, /exit code 3\): Error: flux capacitor offline/);
  });
});

describe('flash: progress parsing', () => {
  it('esptool v4 and v5 progress, chunk boundaries anywhere', () => {
    const p = new ProgressParser('esptool');
    const text = 'Compressed 1048576 bytes to 654321...\nWriting at 0x00010000... (3 %)\nWriting at 0x00014000... (6 %)\rWriting at 0x0001a3f4 [=====>      ]  18.0% 65536/364592 bytes...\n';
    const seen: number[] = [];
    for (let i = 0; i < text.length; i += 7) {
      const u = p.push(text.slice(i, i + 7));
      if (u) seen.push(u.percent);
    }
    assert.deepEqual(seen.filter((v, i, a) => a.indexOf(v) === i), [3, 6, 18]);
  });

  it('stm32flash percentages', () => {
    const p = new ProgressParser('stm32flash');
    assert.deepEqual(p.push('Wrote and verified address 0x08000100 (12.50%) '), { percent: 13, phase: 'Writing and verifying' });
  });

  it('avrdude hash bar drawn one mark at a time (50 marks = 100 %)', () => {
    const p = new ProgressParser('avrdude');
    assert.deepEqual(p.push('Writing | '), { percent: 0, phase: 'Writing' });
    assert.deepEqual(p.push('#########################'), { percent: 50, phase: 'Writing' });
    assert.deepEqual(p.push('#########################'), { percent: 100, phase: 'Writing' });
    assert.deepEqual(p.push(' | 100% 0.20s\n\nReading | ##########'), { percent: 20, phase: 'Reading' });
  });

  it('OpenOCD milestones', () => {
    const p = new ProgressParser('openocd');
    assert.equal(p.push('** Programming Started **\n')!.percent, 5);
    assert.equal(p.push('** Verified OK **\n')!.percent, 100);
  });

  it('a custom tool printing percentages', () => {
    const p = new ProgressParser('custom');
    assert.equal(p.push('upload 42% done\n')!.percent, 42);
    assert.equal(p.push('speed 921.3 kbit/s\n'), undefined);
  });
});

describe('flash: commands and placeholders', () => {
  it('fills ${port}, ${file}, ${baud} per argument (spaces stay inside one argument)', () => {
    const c = buildFlashCommand('custom', { port: '/dev/ttyACM0', file: '/work/my fw/app.bin', baud: 921600 }, {
      customCommand: 'npx tsx test/bench/board/flash.ts --port ${port} --file "${file}" --baud ${baud}',
    });
    assert.equal(c.command, 'npx');
    assert.deepEqual(c.args, ['tsx', 'test/bench/board/flash.ts', '--port', '/dev/ttyACM0', '--file', '/work/my fw/app.bin', '--baud', '921600']);
    assert.match(c.display, /--file '\/work\/my fw\/app.bin'/);
  });

  it('builds each preset with its defaults and the extra arguments', () => {
    const vars = { port: '/dev/ttyUSB0', file: 'fw.bin' };
    assert.deepEqual([buildFlashCommand('esptool', vars, { executable: 'esptool.py' }).command, ...buildFlashCommand('esptool', vars).args], [
      'esptool.py', '--port', '/dev/ttyUSB0', '--baud', '460800', 'write_flash', '0x0', 'fw.bin',
    ]);
    assert.deepEqual(buildFlashCommand('stm32flash', vars).args, ['-b', '115200', '-w', 'fw.bin', '-v', '-g', '0x0', '/dev/ttyUSB0']);
    assert.deepEqual(buildFlashCommand('avrdude', { ...vars, extraArgs: '-p m2560 -c wiring' }).args, ['-p', 'm2560', '-c', 'wiring', '-P', '/dev/ttyUSB0', '-b', '115200', '-D', '-U', 'flash:w:fw.bin:a']);
    assert.deepEqual(buildFlashCommand('openocd', vars).args.slice(-2), ['-c', 'program fw.bin verify reset exit']);
    assert.deepEqual(buildFlashCommand('pio', vars).args, ['run', '-t', 'upload', '--upload-port', '/dev/ttyUSB0']);
    for (const id of ['west', 'pyocd', 'nrfjprog', 'nrfutil'] as const) assert.ok(buildFlashCommand(id, vars).args.includes('fw.bin') || id === 'west');
  });

  it('refuses a missing port, an empty custom command, an unknown placeholder', () => {
    assert.throws(() => buildFlashCommand('stm32flash', { file: 'fw.bin' }), /select a serial port/);
    assert.throws(() => buildFlashCommand('custom', { file: 'f' }, { customCommand: ' ' }), /otaBench.flash.command is empty/);
    assert.throws(() => expandPlaceholders('${chip}', {}), /\$\{chip\} has no value/);
    assert.throws(() => splitArgs('a "b'), /unclosed/);
  });

  it('splits like a shell: quotes, escapes, empty quoted arguments', () => {
    assert.deepEqual(splitArgs(`a 'b c' "d \\"e\\"" f\\ g ""`), ['a', 'b c', 'd "e"', 'f g', '']);
  });

  it('finds executables on PATH', () => {
    assert.match(findExecutable(['definitely-not-a-tool', 'sh'])!, /\/sh$/);
    assert.equal(findExecutable(['definitely-not-a-tool']), undefined);
  });
});
