// The serial side of the Bench Monitor: the snapshot a (re)loaded page starts from (bounded by lines
// and bytes, delivered in bounded messages one after another), the page's requests (send box, pick
// port, clear, save, pause/resume), and new lines pushed in timer batches (core LineBatcher) — never
// one postMessage per line; when the page falls behind, it is told how many lines it missed instead
// of the host queueing without bound. A send that cannot go out is answered with 'sendFailed' (the
// page keeps the typed text and shows why).
import * as vscode from 'vscode';
import { LineBatcher, type BatcherOptions } from '../../core/serial/lineBatcher';
import { isSendError, SendError } from '../../core/serial/session';
import { snapshotChunks, snapshotWindow, SNAPSHOT_LIMITS } from '../../core/serial/snapshot';
import type { SerialLine } from '../../core/serial/line';
import type { HostMessage, LogLine, PortStatus, WebviewMessage } from '../../shared/protocol';
import { toLogLine, toPortStatus } from './logLines';
import { errorMessage, log } from '../log';
import type { MonitorBackend } from '../monitor/monitorPanel';
import { MonitorPanel } from '../monitor/monitorPanel';
import type { SerialManager } from './serialManager';

/** Lines a freshly opened page gets; older ones stay in the host buffer (Save Log). */
export const SNAPSHOT_LINES = SNAPSHOT_LIMITS.lines;

export class SerialMonitorBackend implements MonitorBackend, vscode.Disposable {
  private readonly batcher: LineBatcher<SerialLine>;
  private readonly disposables: vscode.Disposable[] = [];
  /** Panels that finished the handshake (posting earlier would be queued by the panel anyway). */
  private readonly readyPanels = new WeakSet<MonitorPanel>();
  private lastSnapshotSeq = 0;
  /** Settles when the rest of the snapshot has reached the page: live batches wait for it (order). */
  private snapshotRest: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly manager: SerialManager,
    batcherOptions: Partial<BatcherOptions> = {},
  ) {
    this.batcher = new LineBatcher<SerialLine>((lines, dropped) => this.postLines(lines, dropped), batcherOptions);
    this.disposables.push(
      manager.onLines((lines) => {
        if (MonitorPanel.active) this.batcher.push(lines);
      }),
      manager.onStatus((s) => this.post({ type: 'port', port: toPortStatus(s, manager.port) })),
      manager.onClear(() => {
        this.batcher.reset();
        this.post({ type: 'clear' });
      }),
      manager.onBoards(() => this.postBoards()),
    );
  }

  get stats() {
    return this.batcher.stats;
  }

  snapshot(): { port: PortStatus; lines: LogLine[] } {
    const panel = MonitorPanel.active;
    if (panel) this.watchReady(panel);
    const buffer = this.manager.existing?.buffer;
    const lines = buffer && buffer.size ? snapshotWindow(buffer) : [];
    this.lastSnapshotSeq = lines.length ? lines[lines.length - 1].seq : this.manager.existing?.lastSeq ?? 0;
    // Lines queued before this snapshot are in it: do not send them twice.
    const after = this.lastSnapshotSeq;
    this.batcher.retain((l) => l.seq > after);
    const hex = panel?.viewState.hex ?? false;
    const levels = this.manager.levelPattern;
    // The first chunk rides in 'init'; the rest follows in bounded 'log' messages once the page is up.
    const [first = [], ...rest] = snapshotChunks(lines);
    if (panel) void panel.ready.then(() => this.postBoards());
    if (panel && rest.length) {
      this.snapshotRest = panel.ready
        .then(async () => {
          for (const chunk of rest) {
            if (MonitorPanel.active !== panel) return;
            await panel.panel.webview.postMessage({ type: 'log', lines: chunk.map((l) => toLogLine(l, hex, levels)) } satisfies HostMessage);
          }
        })
        // A closed panel must not hold back the next one's lines.
        .catch(() => undefined);
    }
    return { port: toPortStatus(this.manager.status, this.manager.port), lines: first.map((l) => toLogLine(l, hex, levels)) };
  }

  async handle(msg: WebviewMessage): Promise<void> {
    try {
      switch (msg.type) {
        case 'send':
          try {
            if (!this.manager.existing) throw new SendError('No serial port is open: select one, then send again.', 'not-open', 'closed');
            await this.manager.send(msg.text, msg.eol, msg.hex);
          } catch (e) {
            // Not sent (port away or closed, board not reading): the page keeps the text and says why.
            if (!isSendError(e)) throw e;
            this.post({ type: 'sendFailed', text: msg.text, reason: e.message });
            // No port at all (not one coming back): offer to pick one.
            if (e.code === 'not-open' && (e.state === 'closed' || e.state === 'error')) {
              const pick = await vscode.window.showWarningMessage('OTA Bench: no serial port is open.', 'Select Port');
              if (pick) await vscode.commands.executeCommand('otaBench.serial.selectPort');
            }
          }
          return;
        case 'selectBoard': {
          // The page shows another board: its lines replace the others (clear, then its snapshot).
          if (!this.manager.selectBoard(msg.board)) return;
          const panel = MonitorPanel.active;
          if (!panel) return;
          const { lines } = this.snapshot();
          if (lines.length) this.post({ type: 'log', lines });
          return;
        }
        case 'command':
          switch (msg.command) {
            case 'pickPort':
              await vscode.commands.executeCommand('otaBench.serial.selectPort');
              return;
            case 'clear':
              this.manager.clear();
              return;
            case 'saveLog':
              await vscode.commands.executeCommand('otaBench.serial.saveLog');
              return;
            case 'pause':
              await this.manager.existing?.pause('paused from the monitor');
              return;
            case 'resume':
              await this.manager.existing?.resume();
              return;
          }
      }
    } catch (e) {
      log().error(`monitor ${msg.type}: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(`OTA Bench: ${errorMessage(e)}`);
    }
  }

  private watchReady(panel: MonitorPanel): void {
    void panel.ready.then(() => this.readyPanels.add(panel));
  }

  private postLines(lines: SerialLine[], dropped: number): PromiseLike<unknown> {
    const panel = MonitorPanel.active;
    // Not ready yet: these lines are in the ring and reach the page with its init snapshot.
    if (!panel || !this.readyPanels.has(panel)) return Promise.resolve();
    const fresh = lines.filter((l) => l.seq > this.lastSnapshotSeq);
    if (fresh.length === 0 && !dropped) return Promise.resolve();
    const hex = panel.viewState.hex;
    const levels = this.manager.levelPattern;
    return this.snapshotRest.then(() => {
      const msg: HostMessage = { type: 'log', lines: fresh.map((l) => toLogLine(l, hex, levels)), ...(dropped ? { dropped } : {}) };
      return panel.panel.webview.postMessage(msg);
    });
  }

  private postBoards(): void {
    const v = this.manager.boardViews();
    if (v.boards.length && v.board) this.post({ type: 'boards', boards: v.boards, board: v.board });
  }

  private post(msg: HostMessage): void {
    MonitorPanel.active?.post(msg);
  }

  dispose(): void {
    this.batcher.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
