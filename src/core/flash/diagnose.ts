// Turns what flash tools print when they fail into one clear message with the fix. The patterns are
// the tools' own words (esptool, stm32flash, avrdude, OpenOCD, pyOCD, nrfjprog, PlatformIO and the
// bench board's flasher), checked most specific first.

export type FailureKind =
  | 'not-found' | 'permission' | 'busy' | 'port-missing' | 'port-settings' | 'handshake'
  | 'probe-missing' | 'target-no-answer' | 'file-missing' | 'verify-failed' | 'cancelled' | 'exit-code';

export interface FlashFailure {
  kind: FailureKind;
  /** One sentence: what went wrong. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** The tool's line that gave it away. */
  evidence?: string;
}

export interface DiagnoseContext {
  tool: string;
  port?: string;
  file?: string;
}

interface Rule {
  kind: FailureKind;
  test: RegExp;
  message: (c: DiagnoseContext, m: RegExpExecArray) => string;
  fix: (c: DiagnoseContext) => string;
}

const port = (c: DiagnoseContext) => c.port ?? 'the serial port';
const isWin = process.platform === 'win32';
const permissionFix = (c: DiagnoseContext) =>
  isWin
    ? `Close other programs using ${port(c)} and check the driver in Device Manager.`
    : `Give your user access to ${port(c)}: sudo usermod -aG dialout $USER (uucp on Arch), then log out and back in. For debug probes, install the vendor's udev rules.`;

const RULES: Rule[] = [
  {
    kind: 'permission',
    test: /(Permission denied|EACCES|\[Errno 13\]|LIBUSB_ERROR_ACCESS|Operation not permitted)/i,
    message: (c) => `Permission denied opening ${port(c)}.`,
    fix: permissionFix,
  },
  {
    kind: 'busy',
    test: /(Device or resource busy|Resource busy|Cannot lock port|\[Errno 16\]|Access is denied.*(?:COM\d+)|could not exclusively lock)/i,
    message: (c) => `${port(c)} is in use by another program.`,
    fix: () => 'Close other serial monitors or terminals (screen, minicom, another VS Code window) holding the port, then flash again.',
  },
  {
    kind: 'port-settings',
    test: /(Failed to set terminal flags|Inappropriate ioctl for device.*(?:open|set)|Failed to set port settings)/i,
    message: (c) => `${port(c)} refused the serial settings ${c.tool} needs (stm32flash uses 8E1).`,
    fix: () => 'Use a real USB-serial adapter or on-board UART bridge (a virtual or network port cannot do even parity), and check the port path.',
  },
  {
    kind: 'port-missing',
    test: /(could not open port [^\n:]*: \[Errno 2\]|cannot open port \S+: No such file or directory|No such file or directory[^\n]*(?:tty|COM|cu\.|serial)|could not find port|Failed to open port|Could not open \S+, the port is busy or doesn't exist|port (?:not found|.*not available))/i,
    message: (c) => `${port(c)} could not be opened: it is not there, or not a serial port.`,
    fix: () => 'Plug the board in (check the cable carries data), pick its port with "OTA Bench: Select Serial Port", and make sure nothing else holds it.',
  },
  {
    kind: 'handshake',
    test: /(Failed to connect to (?:ESP\w*|Espressif device|the bench board)[^\n]*|Wrong boot mode detected[^\n]*|No serial data received)/i,
    message: (c, m) => `${c.tool} could not talk to the chip's bootloader (${m[1].trim()}).`,
    fix: () => 'Put the board in download mode: hold BOOT (IO0), tap RESET (EN), release BOOT. Check the port is the board’s, try a lower baud (otaBench.flash.baudRate 115200), and use a data-capable USB cable.',
  },
  {
    kind: 'handshake',
    test: /(Failed to init device|Failed to read ACK byte|Failed to get device ID)/i,
    message: (c, m) => `${c.tool} got no answer from the STM32 system bootloader (${m[1]}).`,
    fix: () => 'Set BOOT0 high (and BOOT1 low), reset the board, check TX/RX are crossed and the baud rate is supported, then flash again.',
  },
  {
    kind: 'handshake',
    test: /((?:stk500\w*_getsync\(\)[^\n]*)?not in sync: resp=0x[0-9a-f]+|programmer is not responding|stk500_recv\(\): programmer is not responding)/i,
    message: (c, m) => `${c.tool}: the AVR bootloader did not answer (${m[1].trim()}).`,
    fix: () => 'Check the board/programmer (-p/-c in otaBench.flash.extraArgs), the bootloader baud (Uno 115200, old Nano 57600) and that the board resets (DTR) when the upload starts; close any monitor on the port.',
  },
  {
    kind: 'probe-missing',
    test: /(No (?:connected )?debug probes?[^\n]*|unable to open (?:CMSIS-DAP|ftdi|ST-?Link|J-?Link)[^\n]*|Error: open failed|There is no debugger connected to the PC|No J-Link|Can't find a matching probe)/i,
    message: (c, m) => `${c.tool} found no debug probe (${m[1].trim()}).`,
    fix: () => 'Connect the probe (ST-Link, J-Link, CMSIS-DAP), check it shows up in lsusb, install the vendor udev rules, and select the right interface config in otaBench.flash.extraArgs.',
  },
  {
    kind: 'target-no-answer',
    test: /(init mode failed \(unable to connect to the target\)|unable to connect to the target|Error connecting DP[^\n]*|Could not connect to target[^\n]*|Target (?:not|is not) (?:responding|halted)[^\n]*)/i,
    message: (c, m) => `${c.tool} reached the probe but not the chip (${m[1].trim()}).`,
    fix: () => 'Check the SWD wiring, target power and ground; try "reset_config srst_only connect_assert_srst" (connect under reset), or a lower adapter speed.',
  },
  {
    kind: 'verify-failed',
    test: /(verif(?:y|ication) (?:error|failed)[^\n]*|content mismatch|Hash of data does not match|FLASH ERR verify failed[^\n]*)/i,
    message: (c, m) => `${c.tool} wrote the image but verification failed (${m[1].trim()}).`,
    fix: () => 'Flash again; if it repeats, erase the flash first, lower the baud rate, or check the flash size/offset for this board.',
  },
  {
    kind: 'file-missing',
    test: /(cannot read \S+: ENOENT[^\n]*|can't open input file[^\n]*|Couldn't open \S+ for reading|No such file or directory: '[^']+\.(?:bin|hex|elf|zip)'|error opening \S+\.(?:bin|hex|elf)[^\n]*|Failed to open file[^\n]*)/i,
    message: (c) => `${c.tool} could not read the image${c.file ? ` ${c.file}` : ''}.`,
    fix: () => 'Build first, or point otaBench.flash.file at the built artifact.',
  },
];

/** The first known failure in `output`, if any. */
export function diagnoseOutput(output: string, ctx: DiagnoseContext): FlashFailure | undefined {
  for (const r of RULES) {
    const m = r.test.exec(output);
    if (m) {
      const line = lineAround(output, m.index);
      return { kind: r.kind, message: r.message(ctx, m), fix: r.fix(ctx), evidence: line };
    }
  }
  return undefined;
}

/** The tool is not installed (spawn ENOENT, or a shell's "command not found"). */
export function notFound(ctx: DiagnoseContext, install: string): FlashFailure {
  return { kind: 'not-found', message: `${ctx.tool} was not found on PATH.`, fix: `Install it: ${install}. Or set otaBench.flash.toolPath to its full path.` };
}

/** A failure nothing recognised: exit code plus the last line that looks like an error. */
export function genericFailure(output: string, code: number | null, ctx: DiagnoseContext): FlashFailure {
  const lines = output.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  const errorish = [...lines].reverse().find((l) => /error|fail|fatal|cannot|unable/i.test(l)) ?? lines[lines.length - 1];
  return {
    kind: 'exit-code',
    message: `${ctx.tool} failed (exit code ${code ?? 'signal'})${errorish ? `: ${errorish}` : ''}.`,
    fix: 'See the task output for the tool’s own messages; check the port, the board’s boot mode and the tool’s arguments (otaBench.flash.extraArgs).',
    evidence: errorish,
  };
}

function lineAround(text: string, index: number): string {
  const start = Math.max(text.lastIndexOf('\n', index) + 1, text.lastIndexOf('\r', index) + 1);
  let end = text.slice(index).search(/[\r\n]/);
  end = end < 0 ? text.length : index + end;
  return text.slice(start, end).trim();
}
