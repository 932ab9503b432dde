// The SerialDriver over serialport's stream and native binding (the pieces of the `serialport`
// package we use, without its ten parsers). Required on first use only, so activation never loads
// them unless a port is in use; `@serialport/bindings-cpp` stays outside the bundle (native).
import { read as fsRead } from 'fs';
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
      port.open((err) => {
        if (err) return reject(err);
        this.port = port;
        port.on('data', (chunk: Buffer) => {
          for (const l of this.dataListeners) l(chunk);
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
};
