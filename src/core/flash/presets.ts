// Flash-tool presets: the command line each tool needs, with `${port}`, `${file}`, `${baud}` and
// `${args}` (extra arguments from settings) filled in. Commands run without a shell, so a path
// with spaces stays one argument and nothing in a file name is ever interpreted.
import { accessSync, constants } from 'fs';
import { delimiter, isAbsolute, join } from 'path';

export type FlashToolId = 'esptool' | 'west' | 'openocd' | 'pyocd' | 'stm32flash' | 'avrdude' | 'nrfjprog' | 'nrfutil' | 'pio' | 'custom';

export interface FlashPreset {
  id: FlashToolId;
  label: string;
  detail: string;
  /** Executables tried in order (the first on PATH wins). */
  executables: string[];
  /** Argument template; `${args}` alone expands to the extra arguments (split like a shell). */
  args: string[];
  /** Whether the tool talks over the serial port (then the monitor must let go of it). */
  usesSerialPort: boolean;
  defaultBaud?: number;
  /** Extra arguments used when the user gave none. */
  defaultExtraArgs?: string;
  /** How to get the tool when it is missing. */
  install: string;
}

export const FLASH_PRESETS: Record<FlashToolId, FlashPreset> = {
  esptool: {
    id: 'esptool', label: 'esptool', detail: 'Espressif ESP32/ESP8266 over the serial bootloader',
    executables: ['esptool', 'esptool.py'],
    args: ['--port', '${port}', '--baud', '${baud}', '${args}', 'write_flash', '${offset}', '${file}'],
    usesSerialPort: true, defaultBaud: 460800,
    install: 'pip install esptool (or use the one from ESP-IDF: run export.sh first)',
  },
  west: {
    id: 'west', label: 'west flash', detail: 'Zephyr: the board runner chosen by the build (J-Link, OpenOCD, nrfjprog…)',
    executables: ['west'], args: ['flash', '${args}'], usesSerialPort: false,
    install: 'pip install west, and run from a Zephyr workspace (west init/update)',
  },
  openocd: {
    id: 'openocd', label: 'OpenOCD', detail: 'SWD/JTAG probes (ST-Link, CMSIS-DAP, J-Link…)',
    executables: ['openocd'], args: ['${args}', '-c', 'program ${file} verify reset exit'], usesSerialPort: false,
    defaultExtraArgs: '-f interface/stlink.cfg -f target/stm32f4x.cfg',
    install: 'apt-get install openocd (or your vendor’s build), and set otaBench.flash.extraArgs to your -f interface/… -f target/… files',
  },
  pyocd: {
    id: 'pyocd', label: 'pyOCD', detail: 'Arm Cortex-M through CMSIS-DAP / ST-Link / J-Link probes',
    executables: ['pyocd'], args: ['flash', '${args}', '${file}'], usesSerialPort: false,
    install: 'pip install pyocd (Debian: apt-get install python3-pyocd); set the target with --target in otaBench.flash.extraArgs',
  },
  stm32flash: {
    id: 'stm32flash', label: 'stm32flash', detail: 'STM32 system bootloader over UART (BOOT0 high, then reset)',
    executables: ['stm32flash'], args: ['-b', '${baud}', '-w', '${file}', '-v', '${args}', '${port}'],
    usesSerialPort: true, defaultBaud: 115200, defaultExtraArgs: '-g 0x0',
    install: 'apt-get install stm32flash',
  },
  avrdude: {
    id: 'avrdude', label: 'avrdude', detail: 'AVR (Arduino bootloader, USBasp…)',
    executables: ['avrdude'], args: ['${args}', '-P', '${port}', '-b', '${baud}', '-D', '-U', 'flash:w:${file}:a'],
    usesSerialPort: true, defaultBaud: 115200, defaultExtraArgs: '-p atmega328p -c arduino',
    install: 'apt-get install avrdude',
  },
  nrfjprog: {
    id: 'nrfjprog', label: 'nrfjprog', detail: 'Nordic nRF through a J-Link probe',
    executables: ['nrfjprog'], args: ['--program', '${file}', '--sectorerase', '--verify', '--reset', '${args}'], usesSerialPort: false,
    install: 'install nRF Command Line Tools from Nordic (and SEGGER J-Link)',
  },
  nrfutil: {
    id: 'nrfutil', label: 'nrfutil DFU', detail: 'Nordic serial DFU bootloader (DFU .zip package)',
    executables: ['nrfutil'], args: ['dfu', 'serial', '-pkg', '${file}', '-p', '${port}', '-b', '${baud}', '${args}'],
    usesSerialPort: true, defaultBaud: 115200,
    install: 'install nrfutil from Nordic (nrfutil install nrf5sdk-tools)',
  },
  pio: {
    id: 'pio', label: 'PlatformIO upload', detail: 'pio run -t upload in the workspace (builds first)',
    executables: ['pio', 'platformio'], args: ['run', '-t', 'upload', '--upload-port', '${port}', '${args}'], usesSerialPort: true,
    install: 'install PlatformIO Core (pip install platformio) or the PlatformIO IDE extension',
  },
  custom: {
    id: 'custom', label: 'Custom command', detail: 'otaBench.flash.command with ${port}, ${file}, ${baud}',
    executables: [], args: [], usesSerialPort: true,
    install: 'set otaBench.flash.command to the command that flashes your board',
  },
};

export interface FlashVars {
  port?: string;
  file: string;
  baud?: number;
  /** esptool: where the image goes (default 0x0; an app-only image usually 0x10000). */
  offset?: string;
  /** Extra arguments, shell-like string. */
  extraArgs?: string;
}

export interface FlashCommand {
  command: string;
  args: string[];
  /** Quoted for display (terminal, logs). */
  display: string;
  preset: FlashPreset;
}

/** Splits a command line like a POSIX shell does for words and quotes (no expansion). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote in: ${line}`);
  if (inWord) out.push(cur);
  return out;
}

const PLACEHOLDER = /\$\{(\w+)\}/g;

/** Fills placeholders in one argument; an unknown or missing value is an error, not an empty string. */
export function expandPlaceholders(arg: string, vars: Record<string, string | undefined>): string {
  return arg.replace(PLACEHOLDER, (_, name: string) => {
    const v = vars[name];
    if (v === undefined || v === '') throw new Error(`\${${name}} has no value${name === 'port' ? ': select a serial port first' : ''}`);
    return v;
  });
}

export function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line for a preset. For 'custom', `customCommand` is the user's template.
 * `executable` overrides the preset's program (otaBench.flash.toolPath).
 */
export function buildFlashCommand(id: FlashToolId, vars: FlashVars, opts: { customCommand?: string; executable?: string } = {}): FlashCommand {
  const preset = FLASH_PRESETS[id];
  if (!preset) throw new Error(`unknown flash tool "${id}"`);
  const values: Record<string, string | undefined> = {
    port: vars.port,
    file: vars.file,
    baud: String(vars.baud ?? preset.defaultBaud ?? 115200),
    offset: vars.offset ?? '0x0',
  };
  let template: string[];
  if (id === 'custom') {
    if (!opts.customCommand?.trim()) throw new Error('otaBench.flash.command is empty: set the command that flashes your board (placeholders ${port}, ${file}, ${baud})');
    template = splitArgs(opts.customCommand);
  } else {
    template = [opts.executable || preset.executables[0], ...preset.args];
  }
  const extra = splitArgs(vars.extraArgs ?? preset.defaultExtraArgs ?? '');
  const argv: string[] = [];
  for (const t of template) {
    if (t === '${args}') argv.push(...extra.map((a) => expandPlaceholders(a, values)));
    else argv.push(expandPlaceholders(t, values));
  }
  const [command, ...args] = argv;
  return { command, args, display: argv.map(quoteArg).join(' '), preset };
}

/** The first of `names` found on PATH (absolute names are checked as they are). */
export function findExecutable(names: string[], pathEnv = process.env.PATH ?? ''): string | undefined {
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const name of names) {
    const candidates = isAbsolute(name) || name.includes('/') ? [name] : pathEnv.split(delimiter).filter(Boolean).map((d) => join(d, name));
    for (const c of candidates) {
      for (const e of exts) {
        try {
          accessSync(c + e, constants.X_OK);
          return c + e;
        } catch {
          // keep looking
        }
      }
    }
  }
  return undefined;
}
