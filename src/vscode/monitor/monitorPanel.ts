import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import {
  BoardView, HostMessage, LevelFilter, LogLine, MonitorViewState, PortStatus, PROTOCOL_VERSION, restoreLevelFilter, restoreViewState, WebviewMessage,
} from '../../shared/protocol';
import { errorMessage, log } from '../log';
import { checkWebviewMessage } from './messageCheck';
import { defaultSaveFolder, rememberSaveFolder, showSaved } from './saveLocation';

/** What the monitor shows and whom it asks: the serial session (and later the release) plug in here. */
export interface MonitorBackend {
  /**
   * What a (re)starting page shows: the shown board's port and lines, and, with several boards on
   * the bench, the board list and which one is shown (one tab each). A backend that switches board
   * on 'selectBoard' calls MonitorPanel.refresh() to send the newly shown board; one that sees the
   * list change posts { type: 'boards' }.
   */
  snapshot(): { port: PortStatus; lines: LogLine[]; boards?: BoardView[]; board?: string };
  /** Messages the page sends that the backend acts on (send box, pick port, pause, select board…). */
  handle(msg: WebviewMessage): void | Promise<void>;
}

const NO_BACKEND: MonitorBackend = {
  snapshot: () => ({ port: { state: 'closed', message: 'No port selected' }, lines: [] }),
  handle: () => undefined,
};

/**
 * The Bench Monitor webview panel. One at a time; restored after a window reload through the
 * panel serializer. The page says `ready` first; only then does the host send `init` and
 * batched updates, so nothing posted before the page listens is lost.
 */
export class MonitorPanel implements vscode.Disposable {
  static readonly viewType = 'otaBench.monitor';
  private static current: MonitorPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private readyResolve!: () => void;
  /** Resolves when the page has completed the handshake. */
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));
  private isReady = false;
  viewState: MonitorViewState = restoreViewState(undefined);
  private readonly pending: HostMessage[] = [];
  private readonly messageEmitter = new vscode.EventEmitter<WebviewMessage>();
  readonly onMessage = this.messageEmitter.event;
  /** Why recent messages from the page were refused (newest last, bounded): tests and diagnostics. */
  readonly rejected: string[] = [];
  /** Where the page's Copy goes (the integration tests put a failing one here for the failure path). */
  clipboard: Pick<vscode.Clipboard, 'writeText'> = vscode.env.clipboard;

  /** Where the monitor's per-workspace choices live (the level/tag filter). */
  private static memento: vscode.Memento | undefined;
  static readonly LEVELS_KEY = 'otaBench.monitor.levels';

  static useWorkspaceState(memento: vscode.Memento): void {
    MonitorPanel.memento = memento;
  }

  /** The level/tag filter this workspace last used (also written into saved logs). */
  static get workspaceLevels(): LevelFilter | undefined {
    const saved = MonitorPanel.memento?.get<unknown>(MonitorPanel.LEVELS_KEY);
    return saved === undefined ? undefined : restoreLevelFilter(saved);
  }

  static get active(): MonitorPanel | undefined {
    return MonitorPanel.current;
  }

  static show(extensionUri: vscode.Uri, backend: MonitorBackend = NO_BACKEND): MonitorPanel {
    if (MonitorPanel.current) {
      MonitorPanel.current.panel.reveal(undefined, true);
      return MonitorPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(MonitorPanel.viewType, 'Bench Monitor', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, MonitorPanel.options(extensionUri));
    return new MonitorPanel(panel, extensionUri, backend);
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, backend: MonitorBackend = NO_BACKEND): MonitorPanel {
    panel.webview.options = MonitorPanel.options(extensionUri);
    const m = new MonitorPanel(panel, extensionUri, backend);
    m.viewState = restoreViewState(state);
    return m;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: true, // the log keeps filling while the panel is in the background
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private backend: MonitorBackend,
  ) {
    MonitorPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'monitor.svg');
    panel.webview.html = this.html(panel.webview);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
      this.messageEmitter,
    );
  }

  setBackend(backend: MonitorBackend): void {
    this.backend = backend;
    if (this.isReady) this.sendInit();
  }

  get currentBackend(): MonitorBackend {
    return this.backend;
  }

  /** Sends the page a fresh start from the backend (another board was selected). */
  refresh(): void {
    if (this.isReady) this.sendInit();
  }

  /** Posts a message; before the handshake it is queued and flushed after `init`. */
  post(msg: HostMessage): void {
    if (!this.isReady) {
      this.pending.push(msg);
      return;
    }
    void this.panel.webview.postMessage(msg);
  }

  private receive(raw: unknown): void {
    const checked = checkWebviewMessage(raw);
    if (!checked.ok) {
      // Dropped whole: a bad field is never half-used (no "rebootundefined" reaches the board).
      this.rejected.push(checked.error);
      if (this.rejected.length > 20) this.rejected.shift();
      log().warn(`Bench Monitor: ${checked.error}`);
      return;
    }
    const m = checked.message;
    switch (m.type) {
      case 'ready':
        this.viewState = m.state;
        this.sendInit();
        if (!this.isReady) {
          this.isReady = true;
          for (const p of this.pending.splice(0)) void this.panel.webview.postMessage(p);
          this.readyResolve();
          log().info(`Bench Monitor ready (protocol ${m.protocol})`);
        }
        break;
      case 'ping':
        void this.panel.webview.postMessage({ type: 'pong', id: m.id } satisfies HostMessage);
        break;
      case 'state': {
        const hexOn = m.state.hex && !this.viewState.hex;
        this.viewState = m.state;
        this.rememberLevels(m.state.levels);
        // Lines the page got before carry no raw bytes: send them again with their bytes (line
        // endings included), so every record of the hex view shows what was on the wire.
        if (hexOn) this.sendInit();
        break;
      }
      case 'copy':
        void this.copy(m.id, m.text);
        break;
      case 'exportCsv':
        void this.exportCsv(m.csv).catch((e) => void vscode.window.showErrorMessage(`OTA Bench: could not export the plot: ${errorMessage(e)}`));
        break;
      default:
        void Promise.resolve(this.backend.handle(m)).catch((err) => log().error('monitor: ', err));
    }
    this.messageEmitter.fire(m);
  }

  private rememberLevels(levels: LevelFilter | undefined): void {
    if (!levels || !MonitorPanel.memento) return;
    if (JSON.stringify(levels) === JSON.stringify(MonitorPanel.workspaceLevels)) return;
    void MonitorPanel.memento.update(MonitorPanel.LEVELS_KEY, levels);
  }

  /** The plot's CSV, saved where the user says (starting in the folder last used for CSV). */
  private async exportCsv(csv: string): Promise<void> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const uri = await vscode.window.showSaveDialog({
      title: 'Export Plot as CSV',
      defaultUri: vscode.Uri.joinPath(defaultSaveFolder('csv'), `plot-${stamp}.csv`),
      filters: { CSV: ['csv'] },
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(csv, 'utf8'));
    rememberSaveFolder('csv', uri);
    const rows = Math.max(0, csv.split('\n').length - 2);
    void showSaved(`OTA Bench: exported ${rows.toLocaleString('en-US')} plot rows to ${vscode.workspace.asRelativePath(uri)}.`, uri);
  }

  /** The page's Copy: the editor's clipboard, written here (works in desktop and browser hosts alike). */
  private async copy(id: number, text: string): Promise<void> {
    let error: string | undefined;
    try {
      await this.clipboard.writeText(text);
    } catch (e) {
      error = errorMessage(e);
      log().warn(`monitor copy: ${error}`);
    }
    void this.panel.webview.postMessage({ type: 'copied', id, ...(error ? { error } : {}) } satisfies HostMessage);
  }

  private sendInit(): void {
    const snap = this.backend.snapshot();
    const ext = vscode.extensions.getExtension('ota-bench.ota-bench');
    const msg: HostMessage = {
      type: 'init',
      protocol: PROTOCOL_VERSION,
      extensionVersion: (ext?.packageJSON as { version?: string } | undefined)?.version ?? 'dev',
      port: snap.port,
      profiles: vscode.workspace.getConfiguration('otaBench').get<unknown[]>('profiles')?.length ?? 0,
      lines: snap.lines,
      ...(snap.boards ? { boards: snap.boards, board: snap.board } : {}),
      ...(MonitorPanel.workspaceLevels ? { levels: MonitorPanel.workspaceLevels } : {}),
    };
    void this.panel.webview.postMessage(msg);
  }

  private html(webview: vscode.Webview): string {
    const nonce = makeNonce();
    const asset = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', f));
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('monitor.css')}">
<title>Bench Monitor</title>
</head>
<body>
<div id="app" data-state="loading"></div>
<script nonce="${nonce}" src="${asset('monitor.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    if (MonitorPanel.current === this) MonitorPanel.current = undefined;
    this.panel.dispose();
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}

function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}
