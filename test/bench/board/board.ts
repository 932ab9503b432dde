// The virtual board: firmware-like serial output on a real pty, a command shell, a serial flash
// protocol (see flashProtocol.ts) and the BoardHandle that cloud agents drive. Tests start it
// in-process with startBoard(); `main.ts` runs it as a process for the demo and e2e tests.
import { createHash } from 'crypto';
import type { BoardFault, BoardHandle, CloudAgent } from './agent';
import { FLASH, imageVersion } from './flashProtocol';
import { PtyLink } from './pty';

export const BOARD_FAULTS: readonly BoardFault[] = ['bad-signature', 'download-timeout', 'crash-on-boot', 'reject'];
/** Faults of the serial side only (not part of the cloud agents' contract). */
/**
 * usb-reset: the port goes away on every reset and comes back at the same path as a new pty (native
 * USB re-enumerating); quiet-boot: the banner names no version (only the `version` command does);
 * panic-after-boot: a freshly installed image panics (Guru Meditation, backtrace, watchdog reset)
 * shortly after its banner, though its agent already reported success.
 */
export type SerialFault = 'flash-no-sync' | 'silent' | 'usb-reset' | 'quiet-boot' | 'panic-after-boot';
export const SERIAL_FAULTS: readonly SerialFault[] = ['flash-no-sync', 'silent', 'usb-reset', 'quiet-boot', 'panic-after-boot'];

export interface BoardOptions {
  /** Stable path of the board's serial port (a symlink to the pty). */
  link: string;
  version?: string;
  name?: string;
  /** Period of the board's own log lines; 0 = quiet. */
  logPeriodMs?: number;
  faults?: (BoardFault | SerialFault)[];
  trustedKeyPem?: string;
  agents?: CloudAgent[];
  /** ANSI colours on log levels, as ESP-IDF prints them. */
  color?: boolean;
  /** Time from reset to banner (a real bootloader takes a while). */
  bootDelayMs?: number;
  /**
   * A reset into a new image is a real restart: the board prints the reset and hands over to this
   * (main.ts --exit-on-reset ends the process; a supervisor starts a new one with the new version).
   */
  onReset?: (newVersion: string) => Promise<void>;
}

const LEVEL_COLOR: Record<'I' | 'W' | 'E' | 'D', string> = { E: '31', W: '33', I: '32', D: '' };
const FLOOD_LINE_BYTES = 100;

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class VirtualBoard implements BoardHandle {
  readonly pty: PtyLink;
  readonly name: string;
  private ver: string;
  readonly faults = new Set<BoardFault>();
  readonly serialFaults = new Set<SerialFault>();
  readonly trustedKeyPem?: string;
  /** Commands the board received, in order (tests read this). */
  readonly received: string[] = [];
  /** Images installed over serial or by agents. */
  readonly installs: { version: string; bytes: number; sha256: string; via: 'serial' | 'agent'; booted: boolean }[] = [];
  readonly stats = { linesOut: 0, bytesOut: 0, boots: 0 };
  private bootAt = Date.now();
  private periodMs: number;
  private tickTimer: NodeJS.Timeout | undefined;
  private tickCount = 0;
  private inbox = '';
  private flashing: { size: number; sha256: string; version: string; chunks: Buffer[]; got: number } | undefined;
  private floodAbort = false;
  private readonly color: boolean;
  private readonly bootDelayMs: number;
  private readonly agents: CloudAgent[];
  private stopped = false;
  /** While resetting the board ignores its UART, as a chip held in reset does. */
  private booting = false;

  constructor(private readonly opts: BoardOptions) {
    this.pty = new PtyLink(opts.link);
    this.name = opts.name ?? 'bench-1';
    this.ver = opts.version ?? '1.0.0';
    this.periodMs = opts.logPeriodMs ?? 1000;
    this.trustedKeyPem = opts.trustedKeyPem;
    this.color = opts.color ?? true;
    this.bootDelayMs = opts.bootDelayMs ?? 50;
    this.agents = opts.agents ?? [];
    for (const f of opts.faults ?? []) this.setFault(f, true);
    this.pty.onData((d) => this.receive(d));
  }

  get version(): string {
    return this.ver;
  }

  get link(): string {
    return this.opts.link;
  }

  /** Creates the pty, boots (banner) and starts the agents. */
  async start(): Promise<this> {
    await this.pty.plug();
    await this.boot('POWERON_RESET');
    for (const a of this.agents) await a.start(this);
    return this;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.floodAbort = true;
    clearInterval(this.tickTimer);
    for (const a of this.agents) await a.stop().catch(() => undefined);
    await this.pty.unplug();
  }

  /** Pulls the cable: the pty disappears (the reader sees a disconnect). */
  async unplug(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    this.floodAbort = true;
    await this.pty.unplug(signal);
  }

  /** Plugs it back at the same path; the board powers up again (banner). */
  async replug(): Promise<void> {
    await this.pty.plug();
    await this.boot('POWERON_RESET');
  }

  setFault(name: string, on: boolean): boolean {
    if ((BOARD_FAULTS as readonly string[]).includes(name)) {
      if (on) this.faults.add(name as BoardFault);
      else this.faults.delete(name as BoardFault);
      return true;
    }
    if ((SERIAL_FAULTS as readonly string[]).includes(name)) {
      if (on) this.serialFaults.add(name as SerialFault);
      else this.serialFaults.delete(name as SerialFault);
      return true;
    }
    return false;
  }

  /** Sets the period of the board's own log lines (0 stops them). */
  setRate(ms: number): void {
    this.periodMs = ms;
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    if (ms > 0 && this.pty.plugged) this.tickTimer = setInterval(() => this.tick(), ms);
  }

  log(level: 'I' | 'W' | 'E' | 'D', tag: string, message: string): void {
    const body = `${level} (${Date.now() - this.bootAt}) ${tag}: ${message}`;
    const c = LEVEL_COLOR[level];
    void this.println(this.color && c ? `\x1b[0;${c}m${body}\x1b[0m` : body);
  }

  /** Prints one line (CRLF, like firmware). Resolves when the pty took it. */
  println(text: string): Promise<void> {
    if (this.serialFaults.has('silent')) return Promise.resolve();
    // Nobody reading for a long while: drop like a UART would rather than queue without bound.
    if (this.pty.backlog > 4 * 1024 * 1024) return Promise.resolve();
    const line = text + '\r\n';
    this.stats.linesOut++;
    this.stats.bytesOut += Buffer.byteLength(line);
    return this.pty.write(line);
  }

  async installAndReboot(image: Buffer, newVersion: string, via: 'serial' | 'agent' = 'agent'): Promise<boolean> {
    const sha256 = createHash('sha256').update(image).digest('hex');
    this.log('I', 'ota', `installing ${image.length} bytes as v${newVersion} (sha256 ${sha256.slice(0, 16)}…)`);
    this.booting = true;
    try {
      return await this.install(image, newVersion, via, sha256);
    } finally {
      this.booting = false;
    }
  }

  private async install(image: Buffer, newVersion: string, via: 'serial' | 'agent', sha256: string): Promise<boolean> {
    await delay(20);
    const old = this.ver;
    if (this.faults.has('crash-on-boot')) {
      this.ver = newVersion;
      await this.reset('SW_CPU_RESET', false);
      await this.println(`Guru Meditation Error: Core  0 panic'ed (LoadProhibited). Exception was unhandled.`);
      this.log('E', 'boot', `v${newVersion} crashed on boot; rolling back to v${old}`);
      this.ver = old;
      await this.reset('RTCWDT_RTC_RESET', true);
      this.installs.push({ version: newVersion, bytes: image.length, sha256, via, booted: false });
      return false;
    }
    this.ver = newVersion;
    if (this.opts.onReset) {
      this.installs.push({ version: newVersion, bytes: image.length, sha256, via, booted: true });
      await this.reset('SW_CPU_RESET', false);
      await this.opts.onReset(newVersion);
      return true;
    }
    await this.reset('SW_CPU_RESET', true);
    this.installs.push({ version: newVersion, bytes: image.length, sha256, via, booted: true });
    return true;
  }

  /**
   * `flood N [LINES_PER_S]`: N numbered 100-byte lines, as fast as the reader takes them or paced
   * at a rate; back-pressured by the pty, never dropped.
   */
  async flood(n: number, linesPerSecond = 0): Promise<{ lines: number; ms: number; bytes: number }> {
    this.floodAbort = false;
    const t0 = Date.now();
    const width = String(n).length;
    const pad = (s: string) => s + '.'.repeat(Math.max(0, FLOOD_LINE_BYTES - 2 - s.length)) + '\r\n';
    // Paced: one slice every 10 ms; unpaced: ~60 KB per write.
    const perWrite = linesPerSecond > 0 ? Math.max(1, Math.round(linesPerSecond / 100)) : 600;
    let bytes = 0;
    for (let i = 0; i < n && !this.floodAbort; i += perWrite) {
      if (linesPerSecond > 0) {
        const due = t0 + (i / linesPerSecond) * 1000;
        if (due > Date.now()) await delay(due - Date.now());
      }
      let chunk = '';
      for (let k = i; k < Math.min(n, i + perWrite); k++) chunk += pad(`flood ${String(k + 1).padStart(width, '0')}/${n} `);
      bytes += chunk.length;
      this.stats.linesOut += Math.min(n, i + perWrite) - i;
      this.stats.bytesOut += chunk.length;
      await this.pty.write(chunk);
    }
    const ms = Date.now() - t0;
    await this.println(`flood done: ${n} lines, ${bytes} bytes in ${ms} ms`);
    return { lines: n, ms, bytes };
  }

  // --- serial input ------------------------------------------------------------------------------

  private receive(data: Buffer): void {
    this.inbox += data.toString('latin1');
    let i: number;
    while ((i = this.inbox.search(/[\r\n]/)) >= 0) {
      const line = this.inbox.slice(0, i).trim();
      this.inbox = this.inbox.slice(i + 1);
      if (line) void this.command(line);
    }
    if (this.inbox.length > 1 << 20) this.inbox = ''; // garbage without newlines
  }

  private async command(line: string): Promise<void> {
    if (this.booting) return;
    if (!line.startsWith(FLASH.data)) this.received.push(line);
    const [cmd, ...args] = line.split(/\s+/);
    const arg = args.join(' ');
    if (this.flashing || cmd === 'flash' || cmd === FLASH.data) return this.flashCommand(line);
    switch (cmd) {
      case 'version':
        return void this.println(`version: ${this.ver}`);
      case 'reboot':
        return void this.reset('SW_CPU_RESET', true);
      case 'flood': {
        const n = Number(args[0] ?? 1000);
        const rate = Number(args[1] ?? 0);
        if (!Number.isInteger(n) || n < 1 || !(rate >= 0)) return void this.println(`error: flood N [LINES_PER_S] needs a positive line count`);
        return void this.flood(n, rate);
      }
      case 'rate': {
        const ms = Number(args[0]);
        if (!Number.isInteger(ms) || ms < 0) return void this.println(`error: rate MS needs a period in ms (0 = off)`);
        this.setRate(ms);
        return void this.println(`rate: ${ms} ms`);
      }
      case 'fault': {
        if (!arg || arg === 'list') return void this.println(`faults: ${[...this.faults, ...this.serialFaults].join(' ') || 'none'}`);
        if (arg === 'clear' || arg === 'none') {
          this.faults.clear();
          this.serialFaults.clear();
          return void this.println('faults: none');
        }
        const off = arg.startsWith('-');
        const name = off ? arg.slice(1) : arg;
        if (!this.setFault(name, !off)) return void this.println(`error: unknown fault "${name}" (${[...BOARD_FAULTS, ...SERIAL_FAULTS].join(', ')})`);
        return void this.println(`fault ${name}: ${off ? 'off' : 'on'}`);
      }
      case 'echo':
        return void this.println(arg);
      case 'stop':
        this.floodAbort = true;
        return;
      case 'help':
        return void this.println('commands: version, reboot, flood N [LINES_PER_S], rate MS, fault <name>|-<name>|clear, echo TEXT, stop, help');
      default:
        return void this.println(`error: unknown command "${cmd}" (try help)`);
    }
  }

  private async flashCommand(line: string): Promise<void> {
    const [cmd, sub, ...rest] = line.split(' ');
    if (cmd === 'flash' && sub === 'begin') {
      if (this.serialFaults.has('flash-no-sync')) return; // a bootloader that never answers
      const [size, sha256, version] = rest;
      if (!/^\d+$/.test(size ?? '') || !/^[0-9a-f]{64}$/.test(sha256 ?? '')) return void this.println(`${FLASH.err} bad begin`);
      clearInterval(this.tickTimer);
      this.tickTimer = undefined;
      this.flashing = { size: Number(size), sha256, version: version || 'unknown', chunks: [], got: 0 };
      return void this.println(`${FLASH.ready} ${FLASH.chunkBytes}`);
    }
    const f = this.flashing;
    if (!f) return;
    if (cmd === FLASH.data) {
      const offset = Number(sub);
      if (offset !== f.got) return void this.println(`${FLASH.err} expected offset ${f.got}, got ${offset}`);
      const bytes = Buffer.from(rest.join(''), 'base64');
      f.chunks.push(bytes);
      f.got += bytes.length;
      return void this.println(`${FLASH.ack} ${f.got}`);
    }
    if (cmd === 'flash' && sub === 'abort') {
      this.flashing = undefined;
      this.setRate(this.periodMs);
      return void this.println(`${FLASH.err} aborted`);
    }
    if (cmd === 'flash' && sub === 'end') {
      this.flashing = undefined;
      const image = Buffer.concat(f.chunks);
      const sha = createHash('sha256').update(image).digest('hex');
      if (image.length !== f.size || sha !== f.sha256) {
        this.setRate(this.periodMs);
        return void this.println(`${FLASH.err} verify failed: ${image.length}/${f.size} bytes, sha256 ${sha.slice(0, 16)}… != ${f.sha256.slice(0, 16)}…`);
      }
      const version = f.version !== 'unknown' ? f.version : imageVersion(image) ?? this.ver;
      await this.println(`${FLASH.ok} ${version}`);
      await this.installAndReboot(image, version, 'serial');
    }
  }

  // --- boot and periodic output -------------------------------------------------------------------

  private async reset(reason: string, boot: boolean): Promise<void> {
    clearInterval(this.tickTimer);
    this.tickTimer = undefined;
    if (this.serialFaults.has('usb-reset')) {
      // Native USB: the chip's reset takes the port with it; the host sees a new device at the same path.
      await this.pty.unplug();
      await delay(30);
      await this.pty.plug();
    }
    await this.println('');
    await this.println(`ets Jun  8 2016 00:22:57`);
    await this.println(`rst:0xc (${reason}),boot:0x13 (SPI_FAST_FLASH_BOOT)`);
    if (boot) await this.boot(undefined);
  }

  private async boot(reason: string | undefined): Promise<void> {
    if (reason) {
      await this.println(`ets Jun  8 2016 00:22:57`);
      await this.println(`rst:0x1 (${reason}),boot:0x13 (SPI_FAST_FLASH_BOOT)`);
    }
    await delay(this.bootDelayMs);
    this.bootAt = Date.now();
    this.stats.boots++;
    this.log('I', 'boot', `OTA Bench virtual board ${this.name}`);
    if (!this.serialFaults.has('quiet-boot')) this.log('I', 'boot', `firmware version ${this.ver}`);
    this.log('I', 'app', 'ready; type help');
    this.setRate(this.periodMs);
    if (!reason && this.serialFaults.has('panic-after-boot')) setTimeout(() => void this.panic(), 150);
  }

  /** A crash as ESP-IDF prints it, then the watchdog reset and a boot of the same image. */
  private async panic(): Promise<void> {
    if (this.stopped) return;
    this.serialFaults.delete('panic-after-boot'); // once: the board then runs
    await this.println(`Guru Meditation Error: Core  0 panic'ed (StoreProhibited). Exception was unhandled.`);
    await this.println('PC      : 0x400d2a1c  PS      : 0x00060030  A0      : 0x800d0f6c  A1      : 0x3ffb1f50');
    await this.println('Backtrace: 0x400d2a19:0x3ffb1f50 0x400d0f69:0x3ffb1f70 0x40087e0d:0x3ffb1f90');
    await this.println('');
    await this.println('ets Jun  8 2016 00:22:57');
    await this.println('rst:0x7 (TG0WDT_SYS_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)');
    await this.boot(undefined);
  }

  private tick(): void {
    const n = ++this.tickCount;
    if (n % 10 === 0) this.log('W', 'heap', `free ${180_000 - (n % 7) * 1024} bytes, low water mark reached`);
    else if (n % 25 === 0) this.log('E', 'mqtt', 'keepalive timeout, reconnecting');
    else if (n % 3 === 0) this.log('D', 'mqtt', `ping ${n}`);
    else this.log('I', 'wifi', `rssi=-${50 + (n % 20)} dBm, uptime ${Math.round((Date.now() - this.bootAt) / 1000)} s`);
  }
}

export async function startBoard(opts: BoardOptions): Promise<VirtualBoard> {
  return new VirtualBoard(opts).start();
}
