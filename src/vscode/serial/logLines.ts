// Session lines and status in the monitor protocol's shape (free of `vscode`: unit-tested on Node).
import { parseLevel } from '../../core/evidence/levels';
import { lineBytes, type SerialLine } from '../../core/serial/line';
import type { SessionStatus } from '../../core/serial/session';
import type { LogLine, PortStatus } from '../../shared/protocol';

/**
 * The protocol form of a line. Raw bytes ride along only when the text alone would not give them
 * back; board lines carry the level and tag parsed here (core/evidence/levels, with the user's
 * `otaBench.serial.levelPattern`) and the crash they belong to.
 */
export function toLogLine(l: SerialLine, withRaw: boolean, levelPattern?: RegExp): LogLine {
  const out: LogLine = { seq: l.seq, t: l.t, text: l.text, dir: l.dir };
  if (l.dir === 'rx') {
    const lt = parseLevel(l.text, levelPattern);
    if (lt) {
      out.level = lt.level;
      if (lt.tag) out.tag = lt.tag;
    }
    if (l.crash) out.crash = l.crash;
  }
  if (withRaw) out.raw = lineBytes(l)?.toString('base64');
  else if (l.raw && !plainRaw(l)) out.raw = l.raw.toString('base64');
  if (out.raw === undefined) delete out.raw;
  return out;
}

/** True when raw is exactly the text as UTF-8 plus a usual line ending (what the page falls back to). */
function plainRaw(l: SerialLine): boolean {
  const raw = l.raw!;
  const n = Buffer.byteLength(l.text, 'utf8');
  if (raw.length < n || raw.length > n + 2) return false;
  const tail = raw.toString('latin1', n);
  return (tail === '' || tail === '\n' || tail === '\r' || tail === '\r\n') && raw.subarray(0, n).equals(Buffer.from(l.text, 'utf8'));
}

export function toPortStatus(s: SessionStatus, fallback?: { path: string; baudRate?: number }): PortStatus {
  return { state: s.state, path: s.path ?? fallback?.path, baudRate: s.baudRate ?? fallback?.baudRate, message: s.message };
}
