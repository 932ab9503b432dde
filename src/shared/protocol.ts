// The typed message protocol between the extension host and the Bench Monitor webview.
// Both sides import this file (the webview through its own bundle), so a change here is checked
// by the compiler on both ends. Nothing here may import `vscode` or Node modules.

export const PROTOCOL_VERSION = 1;

/** What the webview persists with `setState` so a reload or a restored panel comes back as it was. */
export interface MonitorViewState {
  protocol: number;
  /** Show host timestamps in front of each line. */
  timestamps: boolean;
  /** Render lines as hex + ASCII instead of text. */
  hex: boolean;
  /** Auto-scroll to the newest line. */
  follow: boolean;
  filter: { include: string; exclude: string; regex: boolean };
  /** Line ending appended by the send box. */
  sendEol: 'lf' | 'cr' | 'crlf' | 'none';
}

export const DEFAULT_VIEW_STATE: MonitorViewState = {
  protocol: PROTOCOL_VERSION,
  timestamps: true,
  hex: false,
  follow: true,
  filter: { include: '', exclude: '', regex: false },
  sendEol: 'lf',
};

export type PortState = 'closed' | 'opening' | 'open' | 'reconnecting' | 'paused' | 'error';

export interface PortStatus {
  state: PortState;
  path?: string;
  baudRate?: number;
  message?: string;
}

/** One serial line as the host framed it. `t` is host time in ms since the epoch at its first byte. */
export interface LogLine {
  seq: number;
  t: number;
  text: string;
  /** Raw bytes as base64, present when the hex view needs them. */
  raw?: string;
  /** 'rx' from the board, 'tx' what we sent, 'sys' our own notes (reconnects, flashing). */
  dir: 'rx' | 'tx' | 'sys';
}

/** Host → webview. */
export type HostMessage =
  | { type: 'init'; protocol: number; extensionVersion: string; port: PortStatus; profiles: number; lines: LogLine[] }
  | { type: 'log'; lines: LogLine[]; dropped?: number }
  | { type: 'port'; port: PortStatus }
  | { type: 'clear' }
  | { type: 'pong'; id: number };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready'; protocol: number; state: MonitorViewState }
  | { type: 'ping'; id: number }
  | { type: 'send'; text: string; eol: MonitorViewState['sendEol']; hex?: boolean }
  | { type: 'state'; state: MonitorViewState }
  | { type: 'command'; command: 'pickPort' | 'clear' | 'saveLog' | 'pause' | 'resume' };

export function isWebviewMessage(m: unknown): m is WebviewMessage {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

/** Restores a persisted view state, filling gaps from the defaults (older or partial states). */
export function restoreViewState(saved: unknown): MonitorViewState {
  if (typeof saved !== 'object' || saved === null) return { ...DEFAULT_VIEW_STATE };
  const s = saved as Partial<MonitorViewState>;
  return {
    ...DEFAULT_VIEW_STATE,
    ...s,
    protocol: PROTOCOL_VERSION,
    filter: { ...DEFAULT_VIEW_STATE.filter, ...(s.filter ?? {}) },
  };
}
