// The serial side of the Bench Monitor: the snapshot a (re)loaded page starts from, the page's
// requests (send box, pick port, clear, save, pause/resume), and new lines pushed in timer batches
// (core LineBatcher) — never one postMessage per line; when the page falls behind, it is told how
// many lines it missed instead of the host queueing without bound.
import * as vscode from 'vscode';
import { LineBatcher, type BatcherOptions } from '../../core/serial/lineBatcher';
import type { SerialLine } from '../../core/serial/line';
import type { HostMessage, LogLine, PortStatus, WebviewMessage } from '../../shared/protocol';
import { toLogLine, toPortStatus } from './logLines';
import { errorMessage, log } from '../log';
import type { MonitorBackend } from '../monitor/monitorPanel';
import { MonitorPanel } from '../monitor/monitorPanel';
import type { SerialManager } from './serialManager';

/** Lines a freshly opened page gets at once; older ones stay in the host buffer (Save Log). */
export const SNAPSHOT_LINES = 20_000;

export class SerialMonitorBackend implements MonitorBackend, vscode.Disposable {
  private readonly batcher: LineBatcher<SerialLine>;
  private readonly disposables: vscode.Disposable[] = [];
  /** Panels that finished the handshake (posting earlier would be queued by the panel anyway). */
  private readonly readyPanels = new WeakSet<MonitorPanel>();
  private lastSnapshotSeq = 0;

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
    );
  }

  get stats() {
    return this.batcher.stats;
  }

  snapshot(): { port: PortStatus; lines: LogLine[] } {
    const panel = MonitorPanel.active;
    if (panel) this.watchReady(panel);
    const lines = this.manager.existing?.buffer.last(SNAPSHOT_LINES) ?? [];
    this.lastSnapshotSeq = lines.length ? lines[lines.length - 1].seq : this.manager.existing?.lastSeq ?? 0;
    // Lines queued before this snapshot are in it: do not send them twice.
    const after = this.lastSnapshotSeq;
    this.batcher.retain((l) => l.seq > after);
    const hex = panel?.viewState.hex ?? false;
    return { port: toPortStatus(this.manager.status, this.manager.port), lines: lines.map((l) => toLogLine(l, hex)) };
  }

  async handle(msg: WebviewMessage): Promise<void> {
    try {
      switch (msg.type) {
        case 'send':
          if (!this.manager.existing?.isOpen) {
            const pick = await vscode.window.showWarningMessage('OTA Bench: no serial port is open.', 'Select Port');
            if (pick) await vscode.commands.executeCommand('otaBench.serial.selectPort');
            return;
          }
          await this.manager.send(msg.text, msg.eol, msg.hex);
          return;
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
    const msg: HostMessage = { type: 'log', lines: fresh.map((l) => toLogLine(l, hex)), ...(dropped ? { dropped } : {}) };
    return panel.panel.webview.postMessage(msg);
  }

  private post(msg: HostMessage): void {
    MonitorPanel.active?.post(msg);
  }

  dispose(): void {
    this.batcher.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
