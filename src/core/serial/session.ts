// One serial session: the port the user chose, kept open across resets and re-enumeration, its
// lines framed and kept in a buffer bounded by lines and bytes, optionally logged to file. Pure Node:
// the port itself comes from a SerialDriver, so the same code runs in the extension host, the CLI
// and tests. Exports SerialSession, SessionStatus, SessionState and SendError (code 'timeout' |
// 'busy' | 'not-open', with the port state, so a caller can keep the typed text and say why).
import { LineFramer } from './framer';
import { toHex } from './hex';
import { SendHistory } from './history';
import { compactRaw, lineMemory, type SerialLine } from './line';
import type { SerialLogFile } from './logFile';
import { DEFAULT_SERIAL_OPTIONS, EOL_BYTES, type LineSettings, type SerialOptions, type TxEol } from './options';
import { findBoard, identityOf, toPortEntries, type BoardIdentity } from './ports';
import { CrashWatch, type CrashEvent, type CrashWatchOptions } from '../evidence/crash';
import { RingBuffer } from './ringBuffer';
import type { SerialDriver, SerialTransport, TransportCloseInfo } from './transport';

export type SessionState = 'closed' | 'opening' | 'open' | 'reconnecting' | 'paused' | 'error';

export interface SessionStatus {
  state: SessionState;
  path?: string;
  baudRate?: number;
  message?: string;
  /** The board we follow when its path changes. */
  identity?: BoardIdentity;
  /** Successful re-opens after a loss, since open(). */
  reconnects: number;
}

type Listener<T> = (v: T) => void;

class Emitter<T> {
  private listeners = new Set<Listener<T>>();
  on(l: Listener<T>): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  fire(v: T): void {
    for (const l of this.listeners) l(v);
  }
}

const lineSettingsOf = (o: SerialOptions): LineSettings => ({ baudRate: o.baudRate, dataBits: o.dataBits, parity: o.parity, stopBits: o.stopBits });
const sameLine = (a: LineSettings, b: LineSettings) => a.baudRate === b.baudRate && a.dataBits === b.dataBits && a.parity === b.parity && a.stopBits === b.stopBits;
const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Why a send did not go out. Recognised by `name`/`code` (not instanceof: bundles differ). */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    readonly code: 'not-open' | 'timeout' | 'busy',
    readonly state: SessionState,
  ) {
    super(message);
  }
}

export const isSendError = (e: unknown): e is SendError => !!e && typeof e === 'object' && (e as { name?: unknown }).name === 'SendError' && typeof (e as { code?: unknown }).code === 'string';

export class SerialSession {
  private opts: SerialOptions;
  readonly buffer: RingBuffer<SerialLine>;
  readonly history: SendHistory;
  private readonly framer: LineFramer;
  private transport: SerialTransport | undefined;
  private target: string | undefined;
  private identity: BoardIdentity | undefined;
  private st: SessionStatus = { state: 'closed', reconnects: 0 };
  private seq = 0;
  /** Bumped by open/close/pause so that a slow attempt from before is discarded. */
  private generation = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastDataAt = 0;
  private lostAt = 0;
  private pausedAt = 0;
  private attempting = false;
  private stopWatch: (() => void) | undefined;
  /** A write the port has not taken yet (the board stopped reading): later sends fail fast. */
  private pendingWrite: { bytes: number; since: number } | undefined;
  /** Taking the port back after pause(): not a reconnect after a loss. */
  private resuming = false;
  private logFile: SerialLogFile | undefined;
  private readonly linesEmitter = new Emitter<SerialLine[]>();
  private readonly statusEmitter = new Emitter<SessionStatus>();
  private readonly clearEmitter = new Emitter<void>();
  private readonly crashEmitter = new Emitter<CrashEvent>();
  private crashWatch = new CrashWatch();
  private offCrash = this.crashWatch.onEvent((e) => this.crashEmitter.fire(e));
  /** Fires each batch of new lines (one per received chunk, plus tx/sys lines). */
  readonly onLines = this.linesEmitter.on.bind(this.linesEmitter);
  readonly onStatus = this.statusEmitter.on.bind(this.statusEmitter);
  readonly onClear = this.clearEmitter.on.bind(this.clearEmitter);
  /** Fires when the board crashes or boot-loops (its lines are marked with `crash`). */
  readonly onCrash = this.crashEmitter.on.bind(this.crashEmitter);

  constructor(
    private readonly driver: SerialDriver,
    options: Partial<SerialOptions> = {},
    private readonly clock: () => number = Date.now,
    history: readonly string[] = [],
  ) {
    this.opts = { ...DEFAULT_SERIAL_OPTIONS, ...options };
    this.buffer = new RingBuffer(this.opts.bufferLines, this.opts.bufferBytes, lineMemory);
    this.history = new SendHistory(history);
    this.framer = new LineFramer({ eol: this.opts.rxEol, encoding: this.opts.encoding, maxLineBytes: this.opts.maxLineBytes });
  }

  get status(): SessionStatus {
    return { ...this.st };
  }

  get options(): SerialOptions {
    return { ...this.opts };
  }

  get isOpen(): boolean {
    return this.st.state === 'open';
  }

  /** Sequence number of the newest line (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Opens `path` (re-targets the session if another port was open). Resolves true once open;
   * false when it failed, in which case, with autoReconnect, it keeps trying in the background
   * (state 'reconnecting') until the port appears or close() is called.
   */
  async open(path: string, identity?: BoardIdentity): Promise<boolean> {
    await this.shutdown();
    this.resuming = false;
    const gen = ++this.generation;
    this.target = path;
    this.identity = identity;
    this.st = { state: 'closed', reconnects: 0 };
    this.setStatus({ state: 'opening', path, message: undefined });
    try {
      await this.attempt(gen);
      return true;
    } catch (e) {
      if (gen !== this.generation) return false;
      this.afterFailure(`Cannot open ${path}: ${errText(e)}`);
      return false;
    }
  }

  /** Closes the port and forgets it. */
  async close(): Promise<void> {
    this.generation++;
    this.target = undefined;
    await this.shutdown();
    this.setStatus({ state: 'closed', path: undefined, message: undefined });
  }

  /**
   * Releases the port so another program (a flash tool) can use it. The session keeps its lines
   * and its target; resume() takes the port back.
   */
  async pause(reason = 'paused'): Promise<void> {
    if (!this.target) return;
    this.generation++;
    await this.shutdown();
    this.pausedAt = this.clock();
    this.note(`port released (${reason})`);
    this.setStatus({ state: 'paused', message: reason });
  }

  /**
   * Takes the port back after pause(). The board usually resets after a flash (and may come back
   * under another path), so this waits for it like a reconnect. Resolves whether it is open within
   * `waitMs`; it keeps trying afterwards.
   */
  async resume(waitMs = 0): Promise<boolean> {
    if (!this.target || this.st.state !== 'paused') return this.isOpen;
    const gen = ++this.generation;
    // The note says how long the port was away from us: since the release, not since this call.
    this.lostAt = this.pausedAt || this.clock();
    this.resuming = true;
    this.setStatus({ state: 'reconnecting', message: 'taking the port back' });
    try {
      await this.attempt(gen);
      return true;
    } catch (e) {
      if (gen !== this.generation) return false;
      this.afterFailure(`waiting for ${this.target}: ${errText(e)}`);
      return waitMs > 0 ? this.waitFor('open', waitMs) : false;
    }
  }

  /** Resolves true when the state becomes `state` within `ms`. */
  waitFor(state: SessionState, ms: number): Promise<boolean> {
    if (this.st.state === state) return Promise.resolve(true);
    return new Promise((resolve) => {
      const off = this.onStatus((s) => {
        if (s.state !== state) return;
        clearTimeout(timer);
        off();
        resolve(true);
      });
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, ms);
    });
  }

  /** Sends `text` followed by the line ending (default: the configured TX ending). */
  async send(text: string, eol: TxEol = this.opts.txEol): Promise<void> {
    const bytes = Buffer.from(text + EOL_BYTES[eol], this.opts.encoding);
    await this.write(bytes, text);
    this.history.add(text);
  }

  /** Sends raw bytes (from the hex send box). */
  async sendBytes(bytes: Buffer): Promise<void> {
    await this.write(bytes, `⟨${toHex(bytes)}⟩`);
  }

  private async write(bytes: Buffer, shown: string): Promise<void> {
    const t = this.transport;
    const state = this.st.state;
    if (!t || state !== 'open') {
      const why = !this.target ? 'No serial port selected' : state === 'reconnecting' ? `${this.target} is away (reconnecting); not sent` : `${this.target} is not open (${state}); not sent`;
      throw new SendError(why, 'not-open', state);
    }
    const p = this.pendingWrite;
    if (p) throw new SendError(`The board has not read the previous send (${p.bytes} bytes, ${Math.round((this.clock() - p.since) / 1000)} s ago); not sent.`, 'busy', state);
    const at = this.clock();
    const pending = { bytes: bytes.length, since: at };
    this.pendingWrite = pending;
    const written = t.write(bytes).finally(() => {
      if (this.pendingWrite === pending) this.pendingWrite = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SendError(`${this.target} did not take ${bytes.length} bytes within ${this.opts.sendTimeoutMs} ms: the board is not reading its serial input.`, 'timeout', this.st.state)),
        this.opts.sendTimeoutMs,
      );
    });
    written.catch(() => undefined);
    try {
      await Promise.race([written, timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.emit([{ seq: ++this.seq, t: at, dir: 'tx', text: shown, raw: bytes }]);
  }

  /** Forgets every buffered line (the log file keeps them). */
  clear(): void {
    this.buffer.clear();
    this.clearEmitter.fire();
  }

  /** Crash patterns and boot-loop bounds (settings). Throws, naming the bad pattern, and keeps the old ones. */
  setEvidence(opts: CrashWatchOptions): void {
    const w = new CrashWatch(opts);
    this.offCrash();
    this.crashWatch = w;
    this.offCrash = w.onEvent((e) => this.crashEmitter.fire(e));
  }

  /** Adds our own note to the log (a 'sys' line): e.g. a decoded backtrace under a crash. */
  annotate(text: string): void {
    this.note(text);
  }

  /** Crashes and boot loops seen since the session started (bounded). */
  get crashes(): readonly CrashEvent[] {
    return this.crashWatch.events;
  }

  /** Sends new lines to this log file too (undefined stops logging). The caller owns closing it. */
  setLogFile(file: SerialLogFile | undefined): void {
    this.logFile = file;
  }

  /** Applies changed settings; line settings (baud…) reopen an open port. */
  async updateOptions(next: Partial<SerialOptions>): Promise<void> {
    const before = lineSettingsOf(this.opts);
    this.opts = { ...this.opts, ...next };
    this.framer.setOptions({ eol: this.opts.rxEol, encoding: this.opts.encoding, maxLineBytes: this.opts.maxLineBytes });
    if (this.opts.bufferLines !== this.buffer.capacity) this.buffer.resize(this.opts.bufferLines);
    if (this.opts.bufferBytes !== this.buffer.byteCapacity) this.buffer.setMaxBytes(this.opts.bufferBytes);
    if (!sameLine(before, lineSettingsOf(this.opts)) && this.target && (this.isOpen || this.st.state === 'reconnecting')) {
      await this.open(this.target, this.identity);
    }
  }

  async dispose(): Promise<void> {
    await this.close();
  }

  // --- internals ---------------------------------------------------------------------------------

  /** Opens the target, or the board's new path when it moved. Throws when neither opens. */
  private async attempt(gen: number): Promise<void> {
    if (this.attempting) throw new Error('an open attempt is already running');
    this.attempting = true;
    try {
      let path = this.target!;
      let t: SerialTransport;
      try {
        t = await this.openAt(path);
      } catch (e) {
        const moved = this.identity && gen === this.generation ? await this.locateBoard(path) : undefined;
        if (!moved) throw e;
        this.note(`board moved: ${path} → ${moved}`);
        path = moved;
        this.target = moved;
        t = await this.openAt(path);
      }
      if (gen !== this.generation) {
        // close()/pause() happened while we were opening: give the port straight back.
        await t.close();
        throw new Error('superseded');
      }
      this.transport = t;
      // A write still pending on an earlier transport cannot hold up this one.
      this.pendingWrite = undefined;
      const wasLost = this.st.state === 'reconnecting' && this.lostAt > 0;
      const reconnects = this.st.reconnects + (wasLost && !this.resuming ? 1 : 0);
      if (wasLost && this.resuming) this.note(`port taken back: ${path} (${this.clock() - this.lostAt} ms after release)`);
      else if (wasLost) this.note(`reconnected to ${path} after ${this.clock() - this.lostAt} ms`);
      else this.note(`connected to ${path} @ ${this.opts.baudRate}`);
      this.lostAt = 0;
      this.pausedAt = 0;
      this.resuming = false;
      this.unwatch();
      this.setStatus({ state: 'open', path, baudRate: this.opts.baudRate, message: undefined, reconnects });
      if (!this.identity) void this.learnIdentity(path, gen);
    } finally {
      this.attempting = false;
    }
  }

  private async openAt(path: string): Promise<SerialTransport> {
    const t = this.driver.create(path, lineSettingsOf(this.opts));
    t.onData((chunk) => {
      if (t === this.transport) this.receive(chunk);
    });
    t.onClose((info) => this.transportClosed(t, info));
    await t.open();
    return t;
  }

  /** The listed port carrying our board, when it is not at `path` any more. */
  private async locateBoard(path: string): Promise<string | undefined> {
    try {
      const found = findBoard(this.identity!, toPortEntries(await this.driver.list()));
      return found && found.path !== path ? found.path : undefined;
    } catch {
      return undefined; // listing is best effort (no udev, no permissions)
    }
  }

  private async learnIdentity(path: string, gen: number): Promise<void> {
    try {
      const entry = toPortEntries(await this.driver.list()).find((p) => p.path === path);
      if (gen === this.generation && !this.identity) {
        this.identity = identityOf(entry);
        if (this.identity) this.setStatus({ identity: this.identity });
      }
    } catch {
      // Not listable (ptys never are): follow by path only.
    }
  }

  private receive(chunk: Buffer): void {
    const now = this.clock();
    this.lastDataAt = now;
    const frames = this.framer.push(chunk, now);
    if (frames.length) {
      const lines = new Array<SerialLine>(frames.length);
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i];
        const l: SerialLine = { seq: ++this.seq, t: f.t, dir: 'rx', text: f.text, ...compactRaw(f.text, f.raw), ...(f.partial ? { partial: true } : {}) };
        const crash = this.crashWatch.push(l);
        if (crash) l.crash = crash;
        lines[i] = l;
      }
      this.emit(lines);
    }
    if (this.framer.hasPending && this.opts.partialLineFlushMs > 0 && !this.flushTimer) this.armFlush(this.opts.partialLineFlushMs);
  }

  private armFlush(ms: number): void {
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const idle = this.clock() - this.lastDataAt;
      if (idle < this.opts.partialLineFlushMs) return this.armFlush(this.opts.partialLineFlushMs - idle);
      this.flushPartial();
    }, ms);
    this.flushTimer.unref?.();
  }

  private flushPartial(): void {
    const frames = this.framer.flush();
    if (frames.length) this.emit(frames.map((f) => ({ seq: ++this.seq, t: f.t, dir: 'rx' as const, text: f.text, ...compactRaw(f.text, f.raw), ...(f.partial ? { partial: true } : {}) })));
  }

  private transportClosed(t: SerialTransport, info: TransportCloseInfo): void {
    if (t !== this.transport) return; // a port we already let go of
    this.transport = undefined;
    this.pendingWrite = undefined;
    this.flushPartial();
    this.lostAt = this.clock();
    const why = info.disconnected ? 'disconnected' : `closed${info.message ? `: ${info.message}` : ''}`;
    this.note(`${this.target} ${why}`);
    this.afterFailure(`${this.target} ${why}`);
  }

  /** After a failed open or a lost port: retry (autoReconnect) or stop with an error. */
  private afterFailure(message: string): void {
    if (this.opts.autoReconnect && this.target) {
      if (!this.lostAt) this.lostAt = this.clock();
      const watching = this.watchTarget();
      this.setStatus({ state: 'reconnecting', message: `${message}; ${watching ? 'reopening as soon as it comes back' : `retrying every ${this.opts.reconnectIntervalMs} ms`}` });
      this.scheduleRetry();
    } else {
      this.setStatus({ state: 'error', message });
    }
  }

  /**
   * Watches the port's directory while it is away, so it is reopened the moment it comes back; the
   * timer stays as the fallback (a lock released by another program changes no directory).
   */
  private watchTarget(): boolean {
    if (this.stopWatch) return true;
    const path = this.target;
    if (!path || !this.driver.watch) return false;
    const gen = this.generation;
    this.stopWatch = this.driver.watch(path, () => {
      if (gen === this.generation && this.st.state === 'reconnecting') this.retryNow();
    });
    return !!this.stopWatch;
  }

  private unwatch(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
  }

  private retryNow(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.scheduleRetry(0);
  }

  private scheduleRetry(ms = this.opts.reconnectIntervalMs): void {
    if (this.retryTimer) return;
    const gen = this.generation;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      if (gen !== this.generation || this.st.state !== 'reconnecting') return;
      if (this.attempting) return this.scheduleRetry(5); // a watch event during an attempt: look again right after
      try {
        await this.attempt(gen);
      } catch (e) {
        if (gen !== this.generation || this.st.state !== 'reconnecting') return;
        // Only a new reason is news: the same ENOENT every retry would flood the log.
        const message = `waiting for ${this.target}: ${errText(e)}`;
        if (message !== this.st.message) this.setStatus({ message });
        this.scheduleRetry();
      }
    }, ms);
    this.retryTimer.unref?.();
  }

  /** Stops timers and closes the transport without changing the target. */
  private async shutdown(): Promise<void> {
    this.unwatch();
    this.pendingWrite = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const t = this.transport;
    this.transport = undefined;
    this.flushPartial();
    this.framer.reset();
    if (t) await t.close().catch(() => undefined);
  }

  private note(text: string): void {
    this.emit([{ seq: ++this.seq, t: this.clock(), dir: 'sys', text }]);
  }

  private emit(lines: SerialLine[]): void {
    for (const l of lines) this.buffer.push(l);
    if (this.logFile) {
      try {
        this.logFile.write(lines);
      } catch (e) {
        // A full disk must not take the monitor down: stop logging and say so once.
        this.logFile = undefined;
        this.note(`log file stopped: ${errText(e)}`);
      }
    }
    this.linesEmitter.fire(lines);
  }

  private setStatus(patch: Partial<SessionStatus>): void {
    this.st = { ...this.st, ...patch, identity: patch.identity ?? this.identity };
    this.statusEmitter.fire(this.status);
  }
}
