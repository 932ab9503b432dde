// The Bench Monitor page. Everything the device or a cloud says is untrusted: it is only ever
// placed with textContent, never parsed as HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { HostMessage, LogLine, MonitorViewState, PortStatus } from '../../src/shared/protocol';
import { PROTOCOL_VERSION, restoreViewState } from '../../src/shared/protocol';
import { loadState, post, saveState } from './vscodeApi';

const state: MonitorViewState = restoreViewState(loadState());
const app = document.getElementById('app')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// --- layout -------------------------------------------------------------------------------------
const header = el('header', 'toolbar');
const portBadge = el('span', 'port-badge', 'No port');
portBadge.dataset.state = 'closed';
const pickPort = document.createElement('vscode-button');
pickPort.textContent = 'Select port';
pickPort.setAttribute('secondary', '');
pickPort.addEventListener('click', () => post({ type: 'command', command: 'pickPort' }));
const version = el('span', 'muted');
header.append(el('strong', 'title', 'Bench Monitor'), portBadge, pickPort, el('span', 'spacer'), version);

const main = el('main', 'panes');
const logPane = el('section', 'pane log-pane');
logPane.setAttribute('aria-label', 'Serial log');
const logHead = el('h2', 'pane-title', 'Serial log');
const logList = el('div', 'log-list');
logList.setAttribute('role', 'log');
const logEmpty = el('p', 'empty', 'Waiting for the board. Select a serial port to see its output here.');
logPane.append(logHead, logList, logEmpty);

const rolloutPane = el('section', 'pane rollout-pane');
rolloutPane.setAttribute('aria-label', 'Rollout');
rolloutPane.append(el('h2', 'pane-title', 'Rollout'), el('p', 'empty', 'No release running. Run "OTA Bench: Quick Release" to publish and verify a build on this board.'));
main.append(logPane, rolloutPane);
app.replaceChildren(header, main);

// --- rendering ----------------------------------------------------------------------------------
function renderPort(p: PortStatus): void {
  portBadge.dataset.state = p.state;
  portBadge.textContent = p.path ? `${p.path}${p.baudRate ? ` @ ${p.baudRate}` : ''} · ${p.state}` : p.message ?? 'No port';
}

const fmtTime = (t: number) => new Date(t).toISOString().slice(11, 23);

function appendLines(lines: LogLine[]): void {
  if (lines.length === 0) return;
  const frag = document.createDocumentFragment();
  for (const l of lines) {
    const row = el('div', `line ${l.dir}`);
    if (state.timestamps) row.append(el('span', 'ts', fmtTime(l.t)));
    row.append(el('span', 'text', l.text));
    frag.append(row);
  }
  logList.append(frag);
  logEmpty.hidden = true;
  if (state.follow) logList.scrollTop = logList.scrollHeight;
}

window.addEventListener('message', (ev: MessageEvent<HostMessage>) => {
  const m = ev.data;
  switch (m.type) {
    case 'init':
      app.dataset.state = 'ready';
      version.textContent = `v${m.extensionVersion}`;
      renderPort(m.port);
      logList.replaceChildren();
      appendLines(m.lines);
      break;
    case 'log':
      appendLines(m.lines);
      break;
    case 'port':
      renderPort(m.port);
      break;
    case 'clear':
      logList.replaceChildren();
      logEmpty.hidden = false;
      break;
    case 'pong':
      break;
  }
});

saveState(state);
post({ type: 'ready', protocol: PROTOCOL_VERSION, state });
