// Owns the one serial session of the window: created on first use (so activation loads no serial
// code unless a port is configured), fed from settings, remembered per workspace, logged to file.
// The log says when the port is lost and when it is back, not every retry. With otaBench.bench.boards
// it runs a session per board (BenchSessions); the monitor and commands use the selected board.
import * as vscode from 'vscode';
import { nodeSerialDriver } from '../../core/serial/nodeSerial';
import { SerialLogFile } from '../../core/serial/logFile';
import type { SerialLine } from '../../core/serial/line';
import { parseHexBytes } from '../../core/serial/hex';
import { SerialSession, type SessionStatus } from '../../core/serial/session';
import type { SerialDriver } from '../../core/serial/transport';
import type { TxEol } from '../../core/serial/options';
import { compileLevelPattern } from '../../core/evidence/levels';
import { annotateCrashes } from '../../core/evidence/decodeNotes';
import { boardTarget, BenchSessions, parseBenchBoards, type BenchBoard } from '../../core/serial/bench';
import type { BenchWatcher } from '../../core/release/benchVerdict';
import { serialWatcher } from '../../core/release/serialWatcher';
import { toPortStatus } from './logLines';
import type { BoardView } from '../../shared/protocol';
import { parseEvidenceSettings } from '../../core/release/evidence';
import { errorMessage, log } from '../log';
import { chosenPort, loadHistory, readLogSettings, readSerialOptions, rememberPort, saveHistory, SERIAL_SECTION, type ChosenPort } from './settings';

export class SerialManager implements vscode.Disposable {
  private sessionInstance: SerialSession | undefined;
  private logFile: SerialLogFile | undefined;
  private lastState: SessionStatus['state'] | undefined;
  private bench: BenchSessions | undefined;
  private boards: BenchBoard[] = [];
  private selectedBoard: string | undefined;
  private readonly wired = new WeakSet<SerialSession>();
  private readonly boardsEmitter = new vscode.EventEmitter<void>();
  /** The bench's boards changed (one connected, went away, was selected, the setting changed). */
  readonly onBoards = this.boardsEmitter.event;
  private levelRe: RegExp | undefined;
  private static readonly CONFIRMED_LOG_PATHS = 'otaBench.serial.confirmedLogPaths';
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusEmitter = new vscode.EventEmitter<SessionStatus>();
  private readonly linesEmitter = new vscode.EventEmitter<SerialLine[]>();
  private readonly clearEmitter = new vscode.EventEmitter<void>();
  /** Every status change (state, path, message). */
  readonly onStatus = this.statusEmitter.event;
  /** Every batch of new lines (rx, tx, sys). */
  readonly onLines = this.linesEmitter.event;
  readonly onClear = this.clearEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly driver: SerialDriver = nodeSerialDriver,
  ) {
    this.disposables.push(
      this.statusEmitter,
      this.linesEmitter,
      this.clearEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('otaBench.bench.boards')) void this.applyBench();
        if (e.affectsConfiguration(SERIAL_SECTION)) void this.applySettings(e.affectsConfiguration(`${SERIAL_SECTION}.baudRate`));
        // The port setting changed: it wins over the port picked before (chosenPort), so use it now.
        if (e.affectsConfiguration(`${SERIAL_SECTION}.port`) && this.sessionInstance && this.port && this.port.path !== this.sessionInstance.status.path) void this.connect(this.port);
      }),
    );
  }

  /** The session if one was created (no port used yet: undefined, nothing loaded). */
  get existing(): SerialSession | undefined {
    return this.sessionInstance;
  }

  get status(): SessionStatus {
    return this.sessionInstance?.status ?? { state: 'closed', reconnects: 0, message: this.port ? `${this.port.path} (not connected)` : 'No port selected' };
  }

  /** The port this workspace uses (picked, or from settings). */
  get port(): ChosenPort | undefined {
    return chosenPort(this.context.workspaceState);
  }

  session(): SerialSession {
    if (this.sessionInstance) return this.sessionInstance;
    const { options, problems } = readSerialOptions();
    for (const p of problems) log().warn(`otaBench.serial.${p}`);
    const s = new SerialSession(this.driver, options, Date.now, loadHistory(this.context.workspaceState));
    this.wire(s);
    this.sessionInstance = s;
    this.applyEvidence();
    this.openLogFile();
    return s;
  }

  /** Forwards a session's events while it is the one shown (the only one, or the selected board). */
  private wire(s: SerialSession): void {
    if (this.wired.has(s)) return;
    this.wired.add(s);
    const current = () => this.sessionInstance === s;
    s.onStatus((st) => {
      if (this.bench) this.boardsEmitter.fire();
      if (!current()) return;
      // Loss and recovery, not every retry: only a change of state is logged.
      if (st.state !== this.lastState && (st.state === 'error' || st.state === 'reconnecting' || (st.state === 'open' && this.lastState === 'reconnecting'))) {
        log().info(`serial: ${st.state === 'open' ? `back on ${st.path}` : `${st.state}: ${st.message ?? ''}`}`);
      }
      this.lastState = st.state;
      // The board came back under another path (USB re-enumeration): remember where it is now.
      const remembered = this.port;
      if (!this.bench && st.state === 'open' && st.path && remembered && st.path !== remembered.path) {
        void rememberPort(this.context.workspaceState, { path: st.path, baudRate: st.baudRate, identity: st.identity ?? remembered.identity });
      }
      this.statusEmitter.fire(st);
    });
    s.onLines((lines) => current() && this.linesEmitter.fire(lines));
    s.onClear(() => current() && this.clearEmitter.fire());
    this.disposables.push({ dispose: annotateCrashes(s, () => this.elfPath()) });
  }

  /**
   * otaBench.bench.boards: a session per board, each reconnecting on its own; the first (or the one
   * selected before) is shown. Resolves false when no boards are set (the single port is used).
   */
  async applyBench(): Promise<boolean> {
    const { boards, errors } = parseBenchBoards(vscode.workspace.getConfiguration('otaBench.bench').get('boards'));
    for (const e of errors) void vscode.window.showWarningMessage(`OTA Bench: ${e}`);
    this.boards = boards;
    if (!boards.length) {
      if (this.bench) {
        await this.bench.close();
        this.bench = undefined;
        this.sessionInstance = undefined;
        this.boardsEmitter.fire();
      }
      return false;
    }
    if (!this.bench) {
      await this.sessionInstance?.close(); // the single port gives way to the bench
      this.sessionInstance = undefined;
      this.bench = new BenchSessions(this.driver, readSerialOptions().options);
    }
    await this.bench.apply(boards);
    for (const s of this.bench.sessions.values()) this.wire(s);
    this.selectBoard(this.selectedBoard && this.bench.sessions.has(this.selectedBoard) ? this.selectedBoard : boards[0].name);
    return true;
  }

  /** Shows board `name` (monitor, send box, status): its lines replace the previous board's. */
  selectBoard(name: string): boolean {
    const s = this.bench?.sessions.get(name);
    if (!s) return false;
    const changed = this.sessionInstance !== s;
    this.sessionInstance?.setLogFile(undefined);
    this.logFile?.close();
    this.logFile = undefined;
    this.selectedBoard = name;
    this.sessionInstance = s;
    this.applyEvidence();
    this.openLogFile();
    if (changed) this.clearEmitter.fire();
    this.statusEmitter.fire(s.status);
    this.boardsEmitter.fire();
    return true;
  }

  /** The bench's boards for the monitor's tabs (empty with a single port). */
  boardViews(): { boards: BoardView[]; board?: string } {
    if (!this.bench) return { boards: [] };
    const boards = this.boards.map((b) => {
      const st = this.bench!.sessions.get(b.name)?.status ?? { state: 'closed' as const, reconnects: 0 };
      return { id: b.name, label: `${b.name} · ${b.port}`, port: toPortStatus(st, { path: b.port, baudRate: b.baudRate }) };
    });
    return { boards, ...(this.selectedBoard ? { board: this.selectedBoard } : {}) };
  }

  /** "2/3 boards connected", or undefined with a single port. */
  get benchSummary(): string | undefined {
    return this.bench?.summary;
  }

  /** The bench boards a release of `profile` verifies on: each board that has a device id for it. */
  benchWatchers(profile: { name: string; kind: string }): BenchWatcher[] {
    const bench = this.bench;
    if (!bench) return [];
    return this.boards.flatMap((b) => {
      const target = boardTarget(b, profile);
      const s = bench.sessions.get(b.name);
      return target && s ? [{ name: b.name, target, serial: serialWatcher({ onLines: (l) => s.onLines(l), lines: () => s.buffer.toArray(), send: (t) => s.send(t), onStatus: (l) => s.onStatus(l) }) }] : [];
    });
  }

  /** At activation: open the bench's boards, or reconnect to the remembered port (only then is serial code loaded). */
  async autoStart(): Promise<void> {
    if (vscode.workspace.getConfiguration('otaBench.bench').get<unknown[]>('boards')?.length && (await this.applyBench())) return;
    const p = this.port;
    if (!p || vscode.workspace.getConfiguration(SERIAL_SECTION).get<boolean>('autoConnect') === false) return;
    await this.connect(p);
  }

  /** Opens `port` (or the remembered one) and remembers it for this workspace. */
  async connect(port: ChosenPort | undefined = this.port): Promise<boolean> {
    if (!port) return false;
    const s = this.session();
    if (port.baudRate && port.baudRate !== s.options.baudRate) await s.updateOptions({ baudRate: port.baudRate });
    await rememberPort(this.context.workspaceState, { ...port, baudRate: s.options.baudRate });
    const ok = await s.open(port.path, port.identity);
    const st = s.status;
    if (ok && st.identity) await rememberPort(this.context.workspaceState, { path: st.path ?? port.path, baudRate: s.options.baudRate, identity: st.identity });
    return ok;
  }

  async disconnect(): Promise<void> {
    await this.sessionInstance?.close();
  }

  /** Sends text (or hex bytes) from a command or the monitor's send box. */
  async send(text: string, eol?: TxEol, hex = false): Promise<void> {
    const s = this.session();
    if (hex) await s.sendBytes(parseHexBytes(text));
    else await s.send(text, eol);
    await saveHistory(this.context.workspaceState, s.history.list());
  }

  clear(): void {
    this.sessionInstance?.clear();
  }

  /** The buffered lines, oldest first. */
  lines(): SerialLine[] {
    return this.sessionInstance?.buffer.toArray() ?? [];
  }

  private async applySettings(baudChanged: boolean): Promise<void> {
    const s = this.sessionInstance;
    if (!s) return;
    const { options, problems } = readSerialOptions();
    for (const p of problems) void vscode.window.showWarningMessage(`OTA Bench: otaBench.serial.${p}`);
    // The baud picked for this workspace stays, unless the baud setting itself was just changed.
    const port = this.port;
    const baudRate = baudChanged || !port?.baudRate ? options.baudRate : port.baudRate;
    if (baudChanged && port) await rememberPort(this.context.workspaceState, { ...port, baudRate });
    await s.updateOptions({ ...options, baudRate });
    this.applyEvidence();
    this.openLogFile();
  }

  /** `otaBench.release.elf`, resolved in the workspace folder: crashes in the log get decoded frames. */
  private elfPath(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const elf = vscode.workspace.getConfiguration('otaBench.release', folder?.uri).get<string>('elf')?.trim();
    return elf ? (folder ? vscode.Uri.joinPath(folder.uri, elf).fsPath : elf) : undefined;
  }

  /** The user's level pattern (otaBench.serial.levelPattern) for the monitor's level/tag parsing. */
  get levelPattern(): RegExp | undefined {
    return this.levelRe;
  }

  /** Crash patterns, boot loop and level pattern from settings; a bad one is reported and left out. */
  private applyEvidence(): void {
    const c = vscode.workspace.getConfiguration(SERIAL_SECTION);
    const { evidence, errors } = parseEvidenceSettings({ crashPatterns: c.get('crashPatterns'), bootLoop: c.get('bootLoop'), levelPattern: c.get('levelPattern') });
    for (const e of errors) void vscode.window.showWarningMessage(`OTA Bench: ${e}`);
    for (const s of this.bench ? this.bench.sessions.values() : [this.sessionInstance]) s?.setEvidence({ patterns: evidence.crashPatterns, bootLoop: evidence.bootLoop });
    this.levelRe = evidence.levelPattern ? compileLevelPattern(evidence.levelPattern) : undefined;
  }

  private openLogFile(): void {
    const s = this.sessionInstance;
    if (!s) return;
    const cfg = readLogSettings(vscode.workspace.workspaceFolders?.[0]?.uri);
    if (cfg.path && cfg.outside && !this.confirmedLogPaths().includes(cfg.path)) {
      // Settings can come from a cloned repository: writing outside the workspace needs the user's yes.
      this.logFile?.close();
      this.logFile = undefined;
      s.setLogFile(undefined);
      const path = cfg.path;
      void vscode.window
        .showWarningMessage(`OTA Bench: otaBench.serial.logFile points outside the workspace folder: ${path}. Write the serial log there?`, 'Write There', 'Not Now')
        .then(async (pick) => {
          if (pick !== 'Write There') return;
          await this.context.workspaceState.update(SerialManager.CONFIRMED_LOG_PATHS, [...this.confirmedLogPaths(), path]);
          this.openLogFile();
        });
      return;
    }
    const same = this.logFile && cfg.path === this.logFile.options.path && cfg.format === this.logFile.options.format && cfg.maxBytes === this.logFile.options.maxBytes;
    if (same) return;
    this.logFile?.close();
    this.logFile = undefined;
    s.setLogFile(undefined);
    if (!cfg.path) return;
    try {
      this.logFile = new SerialLogFile({ path: cfg.path, format: cfg.format, maxBytes: cfg.maxBytes, keep: cfg.keep });
      s.setLogFile(this.logFile);
      log().info(`serial: logging to ${this.logFile.paths.join(', ')}`);
    } catch (e) {
      void vscode.window.showErrorMessage(`OTA Bench: cannot write the serial log file: ${errorMessage(e)}`);
    }
  }

  private confirmedLogPaths(): string[] {
    const v = this.context.workspaceState.get<unknown>(SerialManager.CONFIRMED_LOG_PATHS);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  }

  dispose(): void {
    void this.sessionInstance?.dispose();
    void this.bench?.close();
    this.boardsEmitter.dispose();
    this.logFile?.close();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
