// The SerialDriver over serialport's stream and native binding (the pieces of the `serialport`
// package we use, without its ten parsers). Required on first use only, so activation never loads
// them unless a port is in use; `@serialport/bindings-cpp` stays outside the bundle (native).
import { closeSync, constants as fsc, existsSync, openSync, read as fsRead, readSync, realpathSync, watch as fsWatch, type FSWatcher } from 'fs';
import { basename, dirname } from 'path';
import { promisify } from 'util';
import type { LineSettings } from './options';
import type { RawPortInfo } from './ports';
import type { SerialDriver, SerialTransport, TransportCloseInfo } from './transport';

type StreamModule = typeof import('@serialport/stream');
type BindingsModule = typeof import('@serialport/bindings-cpp');
let mods: { stream: StreamModule; bindings: BindingsModule } | undefined;

function serialport(): { stream: StreamModule; bindings: BindingsModule } {
  mods ??= {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    stream: require('@serialport/stream') as StreamModule,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    bindings: require('@serialport/bindings-cpp') as BindingsModule,
  };
  return mods;
}

type BindingPort = { fd?: number | null; isOpen: boolean; poller?: { once(ev: 'readable', cb: (err: Error | null) => void): void }; read: (b: Buffer, o: number, l: number) => Promise<{ buffer: Buffer; bytesRead: number }> };
type Binding = { list(): Promise<RawPortInfo[]>; open(o: unknown): Promise<BindingPort> };

const readAsync = promisify(fsRead);
const canceled = () => Object.assign(new Error('Port is not open'), { canceled: true });

/**
 * serialport's unix read retries forever when read() returns 0 bytes, which is what a tty returns
 * once it has been hung up (USB unplug, pty master closed) if no poll was pending at that moment:
 * the port then never reports the disconnect and spins a CPU. This read treats end-of-file as the
 * disconnect it is; everything else is as serialport does it (non-blocking read, poll on EAGAIN).
 */
async function readOrHangUp(p: BindingPort, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (!p.isOpen || p.fd == null) throw canceled();
    try {
      const { bytesRead } = await readAsync(p.fd, buffer, offset, length, null);
      if (bytesRead === 0) throw new Error('the device hung up');
      return { buffer, bytesRead };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw e;
      if (!p.isOpen) throw canceled();
      await new Promise<void>((res, rej) => p.poller!.once('readable', (err) => (err ? rej(err) : res())));
    }
  }
}

let guarded: Binding | undefined;

/** The platform binding, with the hang-up-safe read on unix ports. */
function guardedBinding(): Binding {
  if (guarded) return guarded;
  const base = serialport().bindings.autoDetect() as unknown as Binding;
  guarded = {
    list: () => base.list(),
    async open(options: unknown) {
      const port = await base.open(options);
      if (typeof port.fd === 'number' && port.poller) port.read = (b, o, l) => readOrHangUp(port, b, o, l);
      return port;
    },
  };
  return guarded;
}

/**
 * Bytes a pty already holds when we open it. bindings-cpp's open always calls tcflush(TCIOFLUSH)
 * (setBaudRate, serialport_unix.cpp; no option skips it), which throws away what the board printed
 * before the open: on a pty that is the boot banner of a board that just came back. So, on Linux
 * ptys only, a second non-blocking read-only fd takes the queued bytes first and keeps reading while
 * serialport opens; they are delivered ahead of the port's own data. A byte arriving between our last
 * read and the flush can still be lost (a window of well under a millisecond). Real USB serial
 * devices (ttyACM/ttyUSB) queue nothing before the first open (the driver starts reading at open), and
 * an extra open would leave the default termios (ECHO on) in place a little longer, so they are left
 * alone: for them the fast reopen (watch()) is what saves the banner.
 */
export class EarlyCapture {
  private fd: number | undefined;
  private readonly chunks: Buffer[] = [];
  private readonly buf = Buffer.allocUnsafe(64 * 1024);
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(path: string) {
    if (!isLinuxPty(path)) return;
    try {
      this.fd = openSync(path, fsc.O_RDONLY | fsc.O_NOCTTY | fsc.O_NONBLOCK);
    } catch {
      return; // serialport's own open will report why
    }
    if (this.drain()) this.loop = this.follow();
  }

  /** Reads everything queued now; false once the fd is at end-of-file or broken. */
  private drain(): boolean {
    if (this.fd === undefined) return false;
    for (;;) {
      try {
        const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
        if (n <= 0) return false;
        this.chunks.push(Buffer.from(this.buf.subarray(0, n)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === 'EAGAIN' || code === 'EWOULDBLOCK' || code === 'EINTR';
      }
    }
  }

  /** Keeps reading between event-loop turns while serialport's open runs in the thread pool. */
  private async follow(): Promise<void> {
    while (!this.stopped && this.drain()) await new Promise((r) => setImmediate(r));
  }

  /** Stops reading, closes the extra fd and returns what it caught, oldest first. */
  async finish(): Promise<Buffer> {
    this.stopped = true;
    await this.loop;
    if (this.fd !== undefined) {
      this.drain();
      closeSync(this.fd);
      this.fd = undefined;
    }
    return Buffer.concat(this.chunks);
  }
}

function isLinuxPty(path: string): boolean {
  if (process.platform !== 'linux') return false;
  try {
    return realpathSync(path).startsWith('/dev/pts/');
  } catch {
    return false;
  }
}

/**
 * Watches the directory the port lives in (its nearest existing ancestor while the directory itself
 * is gone, as /dev/serial/by-id is when the last board is unplugged) and calls `onChange` on any
 * entry change there: a port coming back is noticed within milliseconds instead of at the next poll.
 */
export function watchPortDir(path: string, onChange: () => void): (() => void) | undefined {
  let w: FSWatcher | undefined;
  let stopped = false;
  const arm = (): boolean => {
    let dir = dirname(path);
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    const want = dirname(path);
    try {
      w?.close();
      w = fsWatch(dir, { persistent: false }, (_ev, name) => {
        if (stopped) return;
        // Watching an ancestor: once the port's own directory exists, watch it instead.
        if (dir !== want && existsSync(want)) arm();
        if (dir !== want || !name || name.toString() === basename(path)) onChange();
      });
      w.on('error', () => undefined);
      return true;
    } catch {
      w = undefined;
      return false;
    }
  };
  if (!arm()) return undefined;
  return () => {
    stopped = true;
    w?.close();
  };
}

class NodeSerialTransport implements SerialTransport {
  private port: InstanceType<StreamModule['SerialPortStream']> | undefined;
  private dataListeners: ((c: Buffer) => void)[] = [];
  private closeListeners: ((i: TransportCloseInfo) => void)[] = [];

  constructor(
    private readonly path: string,
    private readonly settings: LineSettings,
  ) {}

  open(): Promise<void> {
    const { SerialPortStream } = serialport().stream;
    return new Promise((resolve, reject) => {
      const port = new SerialPortStream(<ConstructorParameters<StreamModule['SerialPortStream']>[0]>{
        path: this.path,
        baudRate: this.settings.baudRate,
        dataBits: this.settings.dataBits,
        parity: this.settings.parity,
        stopBits: this.settings.stopBits,
        autoOpen: false,
        binding: guardedBinding(),
        // Bigger reads mean fewer chunks under a flood.
        highWaterMark: 256 * 1024,
      });
      const early = new EarlyCapture(this.path);
      port.open(async (err) => {
        const caught = await early.finish();
        if (err) return reject(err);
        this.port = port;
        // After the caller has taken the opened port (its listeners drop data from a port they do
        // not hold yet): first what EarlyCapture caught, then the port's own reads, in order.
        setImmediate(() => {
          if (caught.length) for (const l of this.dataListeners) l(caught);
          port.on('data', (chunk: Buffer) => {
            for (const l of this.dataListeners) l(chunk);
          });
        });
        port.once('close', (e?: Error & { disconnected?: boolean }) => {
          this.port = undefined;
          const info: TransportCloseInfo = { disconnected: !!e?.disconnected, message: e?.message };
          for (const l of this.closeListeners) l(info);
        });
        // Errors after open surface as close(disconnected); a listener keeps them from throwing.
        port.on('error', () => undefined);
        resolve();
      });
    });
  }

  write(data: Buffer): Promise<void> {
    const port = this.port;
    if (!port) return Promise.reject(new Error('port is not open'));
    return new Promise((resolve, reject) => {
      port.write(data, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))));
    });
  }

  close(): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (info: TransportCloseInfo) => void): void {
    this.closeListeners.push(listener);
  }
}

export const nodeSerialDriver: SerialDriver = {
  async list(): Promise<RawPortInfo[]> {
    return guardedBinding().list();
  },
  create: (path, settings) => new NodeSerialTransport(path, settings),
  watch: watchPortDir,
};
