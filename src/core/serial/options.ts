// Serial line settings and their validation. Shared by the session, the settings reader and the
// port picker, so that a bad value is caught in one place with one message.

export const STANDARD_BAUD_RATES = [
  300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 74880, 115200, 230400, 250000, 460800, 500000,
  921600, 1000000, 1500000, 2000000, 3000000,
] as const;

export type DataBits = 5 | 6 | 7 | 8;
export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type StopBits = 1 | 1.5 | 2;
/** How received bytes end a line. 'cr-or-lf' is the "implicit LF on CR" mode: CR, LF and CRLF each end one line. */
export type RxEol = 'lf' | 'cr' | 'crlf' | 'cr-or-lf';
/** What the send box appends. */
export type TxEol = 'lf' | 'cr' | 'crlf' | 'none';
/** Byte encodings a line can be decoded with (all are byte-oriented so framing stays on bytes). */
export type SerialEncoding = 'utf8' | 'latin1' | 'ascii';

export interface LineSettings {
  baudRate: number;
  dataBits: DataBits;
  parity: Parity;
  stopBits: StopBits;
}

export interface SerialOptions extends LineSettings {
  rxEol: RxEol;
  txEol: TxEol;
  encoding: SerialEncoding;
  /** Lines kept in memory for the monitor and Save Log. */
  bufferLines: number;
  /** And at most this many bytes of them (long lines would otherwise take hundreds of MB). */
  bufferBytes: number;
  /** A send that the port has not taken within this long fails (a board that stopped reading). */
  sendTimeoutMs: number;
  autoReconnect: boolean;
  /** Retry period while the port is gone. */
  reconnectIntervalMs: number;
  /** A partial line (a prompt without newline) is shown after this much silence; 0 = never. */
  partialLineFlushMs: number;
  /** A line longer than this is cut (binary noise has no newlines). */
  maxLineBytes: number;
}

export const DEFAULT_SERIAL_OPTIONS: SerialOptions = {
  baudRate: 115200,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  rxEol: 'cr-or-lf',
  txEol: 'lf',
  encoding: 'utf8',
  bufferLines: 100_000,
  bufferBytes: 64 * 1024 * 1024,
  sendTimeoutMs: 3000,
  autoReconnect: true,
  reconnectIntervalMs: 300,
  partialLineFlushMs: 250,
  maxLineBytes: 4096,
};

export const EOL_BYTES: Record<TxEol, string> = { lf: '\n', cr: '\r', crlf: '\r\n', none: '' };

const oneOf = <T>(v: unknown, allowed: readonly T[]): v is T => allowed.includes(v as T);

/** Parses a baud rate typed by the user ("115200", "1M", "921.6k"). Returns undefined when invalid. */
export function parseBaudRate(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isInteger(input) && input >= 50 && input <= 20_000_000 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(input);
  if (!m) return undefined;
  const mult = m[2].toLowerCase() === 'k' ? 1e3 : m[2].toLowerCase() === 'm' ? 1e6 : 1;
  return parseBaudRate(Math.round(parseFloat(m[1]) * mult));
}

/**
 * Merges user-provided values over the defaults. Every rejected value is reported (and replaced by
 * its default) so a typo in settings.json is visible rather than silently ignored.
 */
export function normalizeSerialOptions(input: Partial<Record<keyof SerialOptions, unknown>>): { options: SerialOptions; problems: string[] } {
  const o: SerialOptions = { ...DEFAULT_SERIAL_OPTIONS };
  const problems: string[] = [];
  const take = <K extends keyof SerialOptions>(key: K, ok: (v: unknown) => boolean, conv: (v: unknown) => SerialOptions[K] = (v) => v as SerialOptions[K]) => {
    const v = input[key];
    if (v === undefined || v === null || v === '') return;
    if (ok(v)) o[key] = conv(v);
    else problems.push(`${key}: ${JSON.stringify(v)} is not valid; using ${JSON.stringify(DEFAULT_SERIAL_OPTIONS[key])}`);
  };
  take('baudRate', (v) => parseBaudRate(v as string | number) !== undefined, (v) => parseBaudRate(v as string | number)!);
  take('dataBits', (v) => oneOf(Number(v), [5, 6, 7, 8]), (v) => Number(v) as DataBits);
  take('parity', (v) => oneOf(v, ['none', 'even', 'odd', 'mark', 'space']));
  take('stopBits', (v) => oneOf(Number(v), [1, 1.5, 2]), (v) => Number(v) as StopBits);
  take('rxEol', (v) => oneOf(v, ['lf', 'cr', 'crlf', 'cr-or-lf']));
  take('txEol', (v) => oneOf(v, ['lf', 'cr', 'crlf', 'none']));
  take('encoding', (v) => oneOf(v, ['utf8', 'latin1', 'ascii']));
  take('bufferLines', (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 5_000_000);
  take('bufferBytes', (v) => Number.isInteger(v) && (v as number) >= 1024 * 1024 && (v as number) <= 2048 * 1024 * 1024);
  take('sendTimeoutMs', (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 600_000);
  take('autoReconnect', (v) => typeof v === 'boolean');
  take('reconnectIntervalMs', (v) => Number.isInteger(v) && (v as number) >= 50 && (v as number) <= 10_000);
  take('partialLineFlushMs', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 10_000);
  take('maxLineBytes', (v) => Number.isInteger(v) && (v as number) >= 64 && (v as number) <= 1_048_576);
  return { options: o, problems };
}

/** "115200 8N1" style summary for the status bar. */
export function describeLine(s: LineSettings): string {
  const p = s.parity === 'none' ? 'N' : s.parity[0].toUpperCase();
  return `${s.baudRate} ${s.dataBits}${p}${s.stopBits}`;
}
