// A line as the session keeps it: received, sent, or our own note.

export type LineDir = 'rx' | 'tx' | 'sys';
export type LineEnding = '' | '\n' | '\r' | '\r\n';

export interface SerialLine {
  /** Increases by one per line of the session; a gap means lines were dropped downstream. */
  seq: number;
  /** Host time at the first byte (rx), at the write (tx) or at the event (sys). */
  t: number;
  dir: LineDir;
  text: string;
  /** The bytes as they crossed the wire (rx including the terminator); absent for sys notes. */
  raw?: Buffer;
  /**
   * Set instead of `raw` when the bytes were exactly `text` (one byte per character) plus this
   * ending: most log lines. Saves a Buffer per line in a 100,000-line ring; lineBytes() rebuilds it.
   */
  eol?: LineEnding;
  /** Ended by silence, a disconnect or the length cap rather than a line ending. */
  partial?: boolean;
  /** The crash or boot loop this line belongs to (core/evidence CrashWatch), for the monitor's gutter. */
  crash?: string;
}

/**
 * Roughly what a kept line costs in memory: its text (V8 stores one- or two-byte strings), its raw
 * bytes when kept, and the object itself. Bounds the session's buffer by bytes.
 */
export function lineMemory(l: SerialLine): number {
  return 96 + l.text.length * 2 + (l.raw ? l.raw.length + 96 : 0);
}

/** The line's bytes as received or sent (undefined for sys notes). */
export function lineBytes(l: SerialLine): Buffer | undefined {
  if (l.raw) return l.raw;
  return l.eol === undefined ? undefined : Buffer.from(l.text + l.eol, 'latin1');
}

/** `{ eol }` when `raw` is just `text` plus a usual ending (then raw need not be kept), else `{ raw }`. */
export function compactRaw(text: string, raw: Buffer): { raw?: Buffer; eol?: LineEnding } {
  const n = text.length;
  if (raw.length < n || raw.length > n + 2) return { raw };
  const tail = raw.toString('latin1', n);
  if (tail !== '\r\n' && tail !== '\n' && tail !== '' && tail !== '\r') return { raw };
  return raw.toString('latin1', 0, n) === text ? { eol: tail } : { raw };
}

// CSI sequences (colours, cursor moves) and OSC strings: firmware logs are full of them.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(s: string): string {
  return s.includes('\x1b') ? s.replace(ANSI, '') : s;
}

const DIR_MARK: Record<LineDir, string> = { rx: ' ', tx: '>', sys: '#' };

/** "2026-01-02T03:04:05.678Z > version": the rendered form used by Save Log and the log file. */
export function renderLine(l: SerialLine): string {
  return `${new Date(l.t).toISOString()} ${DIR_MARK[l.dir]} ${stripAnsi(l.text)}`;
}
