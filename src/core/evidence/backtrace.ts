// Decoding a crash's code addresses to function, file and line with the toolchain's addr2line.
// Exports crashAddresses(lines), elfMachine(path), addr2lineCandidates(machine), findAddr2line(elf),
// findElfBeside(artifactPath), decodeAddresses(elf, addresses) and decodeCrash(elf, lines) (the
// lines to show under the crash, "  0x0800012c: fault_handler at src/fault.c:17"). Node only.
import { execFile } from 'child_process';
import { existsSync, openSync, readdirSync, readSync, closeSync } from 'fs';
import { basename, delimiter, dirname, extname, join } from 'path';

/** Program counters in a dump: ESP-IDF `Backtrace: 0xPC:0xSP …`, `PC : 0x…`, Cortex-M `PC = 0x…`/`LR`, Zephyr `(r15/pc): 0x…`. */
export function crashAddresses(lines: readonly string[]): string[] {
  const out: string[] = [];
  const add = (a: string) => {
    const v = `0x${a.toLowerCase().replace(/^0x/, '').padStart(8, '0')}`;
    if (!out.includes(v) && !/^0x0+$/.test(v)) out.push(v);
  };
  for (const text of lines) {
    const bt = /Backtrace:\s*(.*)$/.exec(text);
    if (bt) {
      for (const m of bt[1].matchAll(/(0x[0-9a-fA-F]{6,8}):0x[0-9a-fA-F]{6,8}/g)) add(m[1]);
      continue;
    }
    for (const m of text.matchAll(/\b(?:PC|pc|MEPC|mepc|LR|lr|RA|ra|r15\/pc|r14\/lr|EXCVADDR_PC)\s*[:=]?\s*(0x[0-9a-fA-F]{6,8})\b/g)) add(m[1]);
  }
  return out;
}

const MACHINES: Record<number, string> = { 40: 'arm', 94: 'xtensa', 243: 'riscv', 62: 'x86-64', 183: 'aarch64', 3: 'x86' };

/** The ELF's architecture ("arm", "xtensa", "riscv"…), or undefined for a file that is not an ELF. */
export function elfMachine(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const h = Buffer.alloc(20);
    if (readSync(fd, h, 0, 20, 0) < 20 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const m = h[5] === 2 ? h.readUInt16BE(18) : h.readUInt16LE(18);
    return MACHINES[m] ?? `machine ${m}`;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** addr2line names to try, most likely first. */
export function addr2lineCandidates(machine: string | undefined): string[] {
  switch (machine) {
    case 'arm':
      return ['arm-none-eabi-addr2line', 'arm-zephyr-eabi-addr2line'];
    case 'xtensa':
      return ['xtensa-esp32-elf-addr2line', 'xtensa-esp32s3-elf-addr2line', 'xtensa-esp32s2-elf-addr2line', 'xtensa-esp-elf-addr2line', 'xtensa-lx106-elf-addr2line'];
    case 'riscv':
      return ['riscv32-esp-elf-addr2line', 'riscv64-unknown-elf-addr2line', 'riscv-none-elf-addr2line', 'riscv64-zephyr-elf-addr2line'];
    default:
      return ['addr2line'];
  }
}

function onPath(cmd: string, path = process.env.PATH ?? ''): string | undefined {
  for (const d of path.split(delimiter)) {
    if (!d) continue;
    for (const ext of process.platform === 'win32' ? ['.exe', ''] : ['']) {
      const p = join(d, cmd + ext);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

export type Addr2line = { ok: true; tool: string; machine: string } | { ok: false; reason: string };

/** The addr2line for `elf`'s architecture on PATH, or why there is none. */
export function findAddr2line(elf: string, path?: string): Addr2line {
  if (!existsSync(elf)) return { ok: false, reason: `${elf} does not exist` };
  const machine = elfMachine(elf);
  if (!machine) return { ok: false, reason: `${basename(elf)} is not an ELF file` };
  const names = addr2lineCandidates(machine);
  for (const n of names) {
    const tool = onPath(n, path);
    if (tool) return { ok: true, tool, machine };
  }
  return { ok: false, reason: `no ${names[0]} on PATH (install the ${machine} toolchain, or add its bin folder to PATH)` };
}

/** The ELF the build left beside the artifact: same name with .elf, else the only .elf there. */
export function findElfBeside(artifact: string): string | undefined {
  const same = join(dirname(artifact), basename(artifact, extname(artifact)) + '.elf');
  if (existsSync(same)) return same;
  try {
    const elves = readdirSync(dirname(artifact)).filter((f) => f.endsWith('.elf'));
    return elves.length === 1 ? join(dirname(artifact), elves[0]) : undefined;
  } catch {
    return undefined;
  }
}

export interface DecodedFrame {
  address: string;
  function: string;
  file: string;
  line?: number;
  /** Inlined into the frame before it. */
  inlined?: boolean;
}

/** Runs addr2line once for all `addresses`. Frames it cannot place come back as function "??". */
export function decodeAddresses(tool: string, elf: string, addresses: readonly string[], timeoutMs = 10_000): Promise<DecodedFrame[]> {
  if (!addresses.length) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    execFile(tool, ['-e', elf, '-a', '-f', '-p', '-C', '-i', ...addresses], { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${basename(tool)} failed: ${(stderr || err.message).trim()}`));
      const frames: DecodedFrame[] = [];
      let current = '';
      for (const raw of stdout.split('\n')) {
        const m = /^(?:(0x[0-9a-fA-F]+): | \(inlined by\) )(.+?) at (.+?):(\d+|\?)/.exec(raw);
        if (!m) continue;
        if (m[1]) current = `0x${m[1].slice(2).replace(/^0+(?=.{8})/, '')}`;
        frames.push({ address: current, function: m[2], file: m[3], ...(m[4] !== '?' ? { line: Number(m[4]) } : {}), ...(m[1] ? {} : { inlined: true }) });
      }
      resolve(frames);
    });
  });
}

/** Lines to show under a crash: each decoded address as "0x…: function at file:line". */
export async function decodeCrash(elf: string, lines: readonly string[], path?: string): Promise<{ lines: string[]; frames: DecodedFrame[] } | { reason: string }> {
  const addresses = crashAddresses(lines);
  if (!addresses.length) return { reason: 'no code addresses in the crash lines' };
  const a = findAddr2line(elf, path);
  if (!a.ok) return { reason: a.reason };
  const frames = await decodeAddresses(a.tool, elf, addresses);
  return {
    frames,
    lines: frames.map((f) => `${f.inlined ? '    (inlined by) ' : `${f.address}: `}${f.function} at ${f.file}${f.line !== undefined ? `:${f.line}` : ''}`),
  };
}
