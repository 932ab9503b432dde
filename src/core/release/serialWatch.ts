// The board's side of the verdict: serial lines stream in (from the editor's serial session, or a
// pty in tests) and the release looks for the boot banner that names the expected version; it can
// also send (the version query). Exports SerialWatcher, SerialTap, bannerMatcher, relevantLines.

import { stripAnsi } from '../serial/line';
import { StepFailure } from './errors';
import type { SerialLine } from './types';

export interface SerialWatcher {
  /** Calls `listener` for each new line until the returned function is called. */
  onLine(listener: (line: SerialLine) => void): () => void;
  /** Lines received after `since` (the session's ring buffer), oldest first. */
  recent?(since: number): SerialLine[];
  /** Sends a line to the board (the version query). Rejects when the port is away. */
  send?(text: string): Promise<void>;
  /** Calls `listener` when the port goes away or comes back; returns the unsubscribe. */
  onPort?(listener: (state: 'lost' | 'back', message: string) => void): () => void;
}

/** What a serial session (core SerialSession, the editor's SerialManager) offers besides lines. */
export interface PortSource {
  send(text: string): Promise<void>;
  onStatus(listener: (s: { state: string; message?: string }) => void): (() => void) | { dispose(): void };
}

/**
 * The watcher's send and port notices over a session: spread it into a watcher,
 * `{ ...serialWatcher(session), ...portLink(session) }`, so the release can ask the board its
 * version and say in its pane when the board's port went away during the job.
 */
export function portLink(p: PortSource): Pick<SerialWatcher, 'send' | 'onPort'> {
  return {
    send: (text) => p.send(text),
    onPort(listener) {
      let was: string | undefined;
      const sub = p.onStatus((s) => {
        if (s.state === 'reconnecting' && was !== 'reconnecting') listener('lost', s.message ?? 'the port went away');
        else if (s.state === 'open' && was === 'reconnecting') listener('back', 'the port is back');
        was = s.state;
      });
      return () => (typeof sub === 'function' ? sub() : sub.dispose());
    },
  };
}

/** Matches "App version: 1.4.2", "fw 1.4.2", "FW_VERSION=v1.4.2" but not "1.4.20". */
export const DEFAULT_BANNER = '(?:version|ver|fw|firmware|app)\\b[\\s:=]*v?{version}(?![\\w.-])';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A test for "this line says the board runs `version`". Throws StepFailure for a broken pattern. */
export function bannerMatcher(pattern: string | undefined, version: string): (text: string) => boolean {
  const src = pattern?.trim() || DEFAULT_BANNER;
  const withVersion = src.includes('{version}');
  let re: RegExp;
  try {
    re = new RegExp(withVersion ? src.split('{version}').join(escapeRe(version)) : src, 'i');
  } catch (e) {
    throw new StepFailure(`The banner pattern ${JSON.stringify(src)} is not a valid regular expression: ${(e as Error).message}.`, `Use {version} where the version appears, e.g. ${DEFAULT_BANNER}.`);
  }
  if (withVersion) return (text) => re.test(stripAnsi(text));
  if (new RegExp(`${src}|`, 'i').exec('')!.length < 2) {
    throw new StepFailure(`The banner pattern ${JSON.stringify(src)} neither contains {version} nor captures the version in a group.`, `Use {version} where the version appears, e.g. ${DEFAULT_BANNER}.`);
  }
  return (text) => {
    const m = re.exec(stripAnsi(text));
    return !!m && m.slice(1).find((g) => g !== undefined) === version;
  };
}

/** Lines that explain a failure: errors, warnings, resets, downloads, versions. */
const RELEVANT = /\b(err(or)?|fail(ed|ure)?|reject(ed)?|abort(ed)?|panic|crash(ed)?|fault|assert|rollback|roll(ed)? back|revert|signature|verif(y|ied|ication)|checksum|hash|timeout|timed out|watchdog|reset|reboot|boot(ing)?|version|download)\b|^\s*[EW] \(/i;

export function relevantLines(lines: SerialLine[], max = 12): SerialLine[] {
  const board = lines.filter((l) => l.dir === undefined || l.dir === 'rx');
  const hits = board.filter((l) => RELEVANT.test(stripAnsi(l.text)));
  return (hits.length ? hits : board).slice(-max).map((l) => ({ ...l, text: stripAnsi(l.text) }));
}

/** Collects a watcher's lines for one run and lets steps wait for a particular one. */
export class SerialTap {
  private readonly lines: SerialLine[] = [];
  private readonly waiters = new Set<(l: SerialLine) => void>();
  private readonly unsubscribe?: () => void;

  constructor(
    private readonly watcher: SerialWatcher | undefined,
    private readonly keep = 5000,
  ) {
    this.unsubscribe = watcher?.onLine((l) => {
      this.lines.push(l);
      if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
      for (const w of this.waiters) w(l);
    });
  }

  get connected(): boolean {
    return !!this.watcher;
  }

  get canSend(): boolean {
    return !!this.watcher?.send;
  }

  send(text: string): Promise<void> {
    if (!this.watcher?.send) return Promise.reject(new Error('no serial port to send to'));
    return this.watcher.send(text);
  }

  /** Calls `listener` for each board line from now on; returns the unsubscribe. */
  onLine(listener: (l: SerialLine) => void): () => void {
    this.waiters.add(listener);
    return () => this.waiters.delete(listener);
  }

  /** Port lost/back notices while the release runs (undefined: the watcher cannot tell). */
  onPort(listener: (state: 'lost' | 'back', message: string) => void): () => void {
    return this.watcher?.onPort?.(listener) ?? (() => undefined);
  }

  /**
   * Board lines after `since` (the session's buffer merged with what we tapped). Strictly after: no
   * board answers a job in the millisecond it was requested, so a line stamped then is an older one.
   */
  since(since: number): SerialLine[] {
    const seen = new Set<string>();
    const all = [...(this.watcher?.recent?.(since) ?? []), ...this.lines].filter((l) => l.t > since);
    return all
      .filter((l) => {
        const k = `${l.t}\u0000${l.text}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .sort((a, b) => a.t - b.t);
  }

  /** The first line after `since` that satisfies `test`, waiting up to `timeoutMs` for it. */
  find(test: (text: string) => boolean, since: number, timeoutMs: number, signal?: AbortSignal): Promise<SerialLine | undefined> {
    const board = (l: SerialLine) => (l.dir === undefined || l.dir === 'rx') && l.t > since && test(l.text);
    const now = this.since(since).find(board);
    if (now || timeoutMs <= 0 || signal?.aborted) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (l?: SerialLine) => {
        clearTimeout(timer);
        this.waiters.delete(onLine);
        signal?.removeEventListener('abort', onAbort);
        resolve(l);
      };
      const onLine = (l: SerialLine) => board(l) && done(l);
      const onAbort = () => done(undefined);
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.waiters.add(onLine);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  dispose(): void {
    this.unsubscribe?.();
    this.waiters.clear();
  }
}
