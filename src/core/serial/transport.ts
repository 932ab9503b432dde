// The little the session needs from a serial port. The real one wraps `serialport`
// (nodeSerial.ts); keeping it this small lets tests drive the session with anything.
import type { LineSettings } from './options';
import type { RawPortInfo } from './ports';

export interface TransportCloseInfo {
  /** True when the device went away (unplug, reset, pty peer gone) rather than we closed it. */
  disconnected: boolean;
  message?: string;
}

export interface SerialTransport {
  open(): Promise<void>;
  /** Resolves once the bytes are handed to the OS. */
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void;
  /** Fires once per opened port, whichever side closed it. */
  onClose(listener: (info: TransportCloseInfo) => void): void;
}

export interface SerialDriver {
  list(): Promise<RawPortInfo[]>;
  create(path: string, settings: LineSettings): SerialTransport;
  /**
   * Calls `onChange` as soon as something changes where `path` lives (the device directory), so a
   * port that comes back is opened at once rather than at the next poll. Returns the stop function;
   * undefined when the driver cannot watch (the session then only polls).
   */
  watch?(path: string, onChange: () => void): (() => void) | undefined;
}
