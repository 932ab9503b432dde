// Log to file, rotated by size: `serial.log` → `serial.log.1` → … `.N`. Raw capture keeps the
// bytes exactly as received (received lines only); rendered capture is the readable form with
// host timestamps and sent lines. Writes are synchronous and batched per chunk by the caller, so a
// crash loses nothing already shown and rotation never interleaves with a pending write.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'fs';
import { dirname, isAbsolute, relative, resolve } from 'path';
import { lineBytes, renderLine, type SerialLine } from './line';

export type LogFormat = 'rendered' | 'raw' | 'both';

/**
 * Where `otaBench.serial.logFile` points: relative paths resolve inside the workspace folder;
 * `outside` is set for a path that lands outside it (absolute, `..`, or no folder open), which is
 * written only once the user confirmed it. Undefined when logging is off.
 */
export function logPathIn(root: string | undefined, setting: string | undefined): { path: string; outside: boolean } | undefined {
  const s = setting?.trim();
  if (!s) return undefined;
  if (!root) return { path: resolve(s), outside: true };
  const path = resolve(root, s);
  const rel = relative(root, path);
  return { path, outside: rel === '' || rel.startsWith('..') || isAbsolute(rel) };
}

export interface LogFileOptions {
  /** Rendered log path; the raw capture goes next to it with `.raw` appended (or here when format is 'raw'). */
  path: string;
  format: LogFormat;
  /** Rotate when a file reaches this size. */
  maxBytes: number;
  /** Rotated files kept besides the current one. */
  keep: number;
}

class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  write(data: Buffer | string): void {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (buf.length === 0) return;
    if (this.size > 0 && this.size + buf.length > this.maxBytes) this.rotate();
    writeSync(this.fd, buf);
    this.size += buf.length;
  }

  private rotate(): void {
    closeSync(this.fd);
    const at = (i: number) => (i === 0 ? this.path : `${this.path}.${i}`);
    if (this.keep === 0) rmSync(this.path, { force: true });
    else {
      rmSync(at(this.keep), { force: true });
      for (let i = this.keep - 1; i >= 0; i--) if (existsSync(at(i))) renameSync(at(i), at(i + 1));
    }
    this.fd = openSync(this.path, 'a');
    this.size = 0;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class SerialLogFile {
  private readonly rendered?: RotatingFile;
  private readonly raw?: RotatingFile;

  constructor(readonly options: LogFileOptions) {
    const { path, format, maxBytes, keep } = options;
    if (format !== 'raw') this.rendered = new RotatingFile(path, maxBytes, keep);
    if (format !== 'rendered') this.raw = new RotatingFile(format === 'raw' ? path : `${path}.raw`, maxBytes, keep);
  }

  get paths(): string[] {
    return [this.rendered?.path, this.raw?.path].filter((p): p is string => !!p);
  }

  write(lines: readonly SerialLine[]): void {
    if (this.rendered) this.rendered.write(lines.map((l) => renderLine(l) + '\n').join(''));
    if (this.raw) {
      const rx = lines.filter((l) => l.dir === 'rx').map(lineBytes).filter((b): b is Buffer => !!b);
      if (rx.length) this.raw.write(Buffer.concat(rx));
    }
  }

  close(): void {
    this.rendered?.close();
    this.raw?.close();
  }
}
