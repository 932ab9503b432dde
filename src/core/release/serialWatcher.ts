// The release's view of the board's serial port: the serial session's line batches, one line at a
// time, and its ring buffer for lines that came before the release looked. Pure (no `vscode`):
// the editor passes the SerialManager, the e2e tests a core SerialSession on a real pty.
import { portLink, type PortSource } from './serialWatch';
import type { SerialWatcher } from './serialWatch';
import type { SerialLine as ReleaseLine } from './types';
import type { SerialLine } from '../serial/line';

export interface SerialLineSource {
  /** Subscribes to line batches; returns the unsubscribe (a function or a Disposable). */
  onLines(listener: (lines: SerialLine[]) => void): (() => void) | { dispose(): void };
  /** Buffered lines, oldest first. */
  lines(): SerialLine[];
  /** With these (a SerialSession, the SerialManager), the release can ask the board its version and hear the port go and come back. */
  send?: PortSource['send'];
  onStatus?: PortSource['onStatus'];
}

const toRelease = (l: SerialLine): ReleaseLine => ({ t: l.t, text: l.text, dir: l.dir });

export function serialWatcher(source: SerialLineSource): SerialWatcher {
  const { send, onStatus } = source;
  return {
    ...(send && onStatus ? portLink({ send: (t) => send.call(source, t), onStatus: (l) => onStatus.call(source, l) }) : {}),
    onLine(listener) {
      const sub = source.onLines((batch) => {
        for (const l of batch) listener(toRelease(l));
      });
      return () => (typeof sub === 'function' ? sub() : sub.dispose());
    },
    recent(since) {
      const out: ReleaseLine[] = [];
      const all = source.lines();
      // Newest at the end: walk back only as far as `since` (exclusive, as SerialTap.since).
      for (let i = all.length - 1; i >= 0 && all[i].t > since; i--) out.push(toRelease(all[i]));
      return out.reverse();
    },
  };
}
