// The status bar item: port · baud · state; click to pick a port.
import * as vscode from 'vscode';
import type { SessionStatus } from '../../core/serial/session';
import type { SerialManager } from './serialManager';

const ICON: Record<SessionStatus['state'], string> = {
  closed: '$(debug-disconnect)',
  opening: '$(sync~spin)',
  open: '$(plug)',
  reconnecting: '$(sync~spin)',
  paused: '$(debug-pause)',
  error: '$(error)',
};

const STATE_TEXT: Record<SessionStatus['state'], string> = {
  closed: 'closed',
  opening: 'opening',
  open: 'open',
  reconnecting: 'reconnecting',
  paused: 'released',
  error: 'error',
};

export function statusText(st: SessionStatus, fallbackPath?: string, fallbackBaud?: number): string {
  const path = st.path ?? fallbackPath;
  if (!path) return '$(plug) Select serial port';
  const short = path.replace(/^\/dev\//, '');
  const baud = st.baudRate ?? fallbackBaud;
  return `${ICON[st.state]} ${short}${baud ? ` · ${baud}` : ''} · ${STATE_TEXT[st.state]}`;
}

export class SerialStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('otaBench.serial', vscode.StatusBarAlignment.Left, 50);
  private readonly sub: vscode.Disposable;

  constructor(private readonly manager: SerialManager) {
    this.item.name = 'OTA Bench Serial Port';
    this.item.command = 'otaBench.serial.selectPort';
    this.sub = manager.onStatus((s) => this.render(s));
    this.render(manager.status);
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  private render(st: SessionStatus): void {
    const chosen = this.manager.port;
    this.item.text = statusText(st, chosen?.path, chosen?.baudRate);
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
