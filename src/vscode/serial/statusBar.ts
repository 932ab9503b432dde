// The status bar item: port · baud · state; click to pick a port.
import * as vscode from 'vscode';
import type { SessionStatus } from '../../core/serial/session';
import { statusText } from './statusText';
import type { SerialManager } from './serialManager';

export class SerialStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('otaBench.serial', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: vscode.Disposable;

  constructor(private readonly manager: SerialManager) {
    this.item.name = 'OTA Bench Serial Port';
    this.item.command = 'otaBench.serial.selectPort';
    this.sub = vscode.Disposable.from(
      manager.onStatus((s) => this.render(s)),
      manager.onBoards(() => this.render(manager.status)),
    );
    this.render(manager.status);
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  private render(st: SessionStatus): void {
    const chosen = this.manager.port;
    const bench = this.manager.benchSummary;
    this.item.text = bench ? `${st.state === 'open' ? '$(plug)' : '$(sync~spin)'} ${bench}` : statusText(st, chosen?.path, chosen?.baudRate);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown('**OTA Bench serial port**\n\n');
    md.appendText(`${st.path ?? chosen?.path ?? 'none'} — ${st.state}${st.message ? `: ${st.message}` : ''}`);
    if (st.identity) md.appendText(`\nboard ${[st.identity.vidPid, st.identity.serialNumber && `SN ${st.identity.serialNumber}`].filter(Boolean).join(' ')}`);
    if (st.reconnects) md.appendText(`\nreconnected ${st.reconnects}×`);
    md.appendMarkdown('\n\nClick to select another port.');
    this.item.tooltip = md;
    this.item.backgroundColor = st.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : st.state === 'reconnecting' || st.state === 'paused' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  dispose(): void {
    this.sub.dispose();
    this.item.dispose();
  }
}
