// The status bar item's text, kept free of `vscode` so it is unit-tested on plain Node.
import type { SessionStatus } from '../../core/serial/session';

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
  // /dev/ttyUSB0 → ttyUSB0; a long typed path (a pty link) → …/its-name.
  const short = path.startsWith('/dev/') ? path.slice(5) : path.length > 24 ? `…/${path.split(/[\\/]/).pop()}` : path;
  const baud = st.baudRate ?? fallbackBaud;
  return `${ICON[st.state]} ${short}${baud ? ` · ${baud}` : ''} · ${STATE_TEXT[st.state]}`;
}
