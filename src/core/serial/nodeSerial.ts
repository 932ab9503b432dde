// The SerialDriver over the `serialport` package. `serialport` (and its native binding) is
// required on first use only, so activation never loads it unless a port is in use.
import type { LineSettings } from './options';
import type { RawPortInfo } from './ports';
import type { SerialDriver, SerialTransport, TransportCloseInfo } from './transport';

type SerialPortModule = typeof import('serialport');
let mod: SerialPortModule | undefined;

function serialport(): SerialPortModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  mod ??= require('serialport') as SerialPortModule;
  return mod;
}

class NodeSerialTransport implements SerialTransport {
  private port: InstanceType<SerialPortModule['SerialPort']> | undefined;
  private dataListeners: ((c: Buffer) => void)[] = [];
  private closeListeners: ((i: TransportCloseInfo) => void)[] = [];

  constructor(
    private readonly path: string,
    private readonly settings: LineSettings,
  ) {}

  open(): Promise<void> {
    const { SerialPort } = serialport();
    return new Promise((resolve, reject) => {
      const port = new SerialPort({
        path: this.path,
        baudRate: this.settings.baudRate,
        dataBits: this.settings.dataBits,
        parity: this.settings.parity,
        stopBits: this.settings.stopBits,
        autoOpen: false,
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
    return serialport().SerialPort.list();
  },
  create: (path, settings) => new NodeSerialTransport(path, settings),
};
