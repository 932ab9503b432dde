// An in-memory serial driver for the session's unit tests (exports InMemoryDriver, InMemoryPort).
import type { RawPortInfo } from '../../src/core/serial/ports';
import type { SerialDriver, SerialTransport, TransportCloseInfo } from '../../src/core/serial/transport';

// An in-memory driver: USB re-enumeration under another path with a listed serial number cannot
// be produced with ptys (SerialPort.list never lists them), so board following is tested here;
// open/read/write/unplug on real ptys are in test/e2e/serialPty.test.ts.
export class InMemoryDriver implements SerialDriver {
  present = new Map<string, RawPortInfo>();
  open = new Map<string, InMemoryPort>();
  /** Open attempts per path (how often the session tried). */
  attempts = new Map<string, number>();
  /** Writes never complete (a board that stopped reading). */
  stalled = false;
  /** Set to let the session watch the "directory": plug() then tells the watchers at once. */
  watchers: Set<() => void> | undefined;
  list = async () => [...this.present.values()];
  create(path: string): SerialTransport {
    this.attempts.set(path, (this.attempts.get(path) ?? 0) + 1);
    return new InMemoryPort(this, path);
  }
  get watch(): SerialDriver['watch'] {
    const w = this.watchers;
    return w
      ? (_path, onChange) => {
          w.add(onChange);
          return () => w.delete(onChange);
        }
      : undefined;
  }
  plug(path: string, info: RawPortInfo) {
    this.present.set(path, info);
    for (const l of this.watchers ?? []) l();
  }
  unplug(path: string) {
    this.present.delete(path);
    this.open.get(path)?.lose();
  }
}

export class InMemoryPort implements SerialTransport {
  written: Buffer[] = [];
  private data: ((c: Buffer) => void)[] = [];
  private closed: ((i: TransportCloseInfo) => void)[] = [];
  constructor(
    private readonly d: InMemoryDriver,
    readonly path: string,
  ) {}
  async open() {
    if (!this.d.present.has(this.path)) throw Object.assign(new Error(`Error: No such file or directory, cannot open ${this.path}`), { code: 'ENOENT' });
    if (this.d.open.has(this.path)) throw new Error('Error Resource temporarily unavailable Cannot lock port');
    this.d.open.set(this.path, this);
  }
  async write(b: Buffer) {
    if (this.d.stalled) return new Promise<void>(() => undefined);
    this.written.push(b);
  }
  async close() {
    this.finish(false);
  }
  lose() {
    this.finish(true);
  }
  feed(s: string) {
    for (const l of this.data) l(Buffer.from(s));
  }
  onData(l: (c: Buffer) => void) {
    this.data.push(l);
  }
  onClose(l: (i: TransportCloseInfo) => void) {
    this.closed.push(l);
  }
  private finish(disconnected: boolean) {
    if (this.d.open.get(this.path) !== this) return;
    this.d.open.delete(this.path);
    for (const l of this.closed) l({ disconnected });
  }
}

