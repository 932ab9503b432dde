// The page header: title, the serial port's state (path, baud, state) and the port picker.
import type { BoardView, PortStatus } from '../../src/shared/protocol';
import { el, icon } from './dom';

const STATE_LABEL: Record<PortStatus['state'], string> = {
  closed: 'closed',
  opening: 'opening…',
  open: 'connected',
  reconnecting: 'reconnecting…',
  paused: 'released (flashing)',
  error: 'error',
};

export function buildHeader(onPickPort: () => void, onSelectBoard: (id: string) => void) {
  const element = el('header', 'toolbar');
  const title = el('span', 'title', 'Bench Monitor');
  const badge = el('span', 'port-badge');
  badge.id = 'port';
  badge.setAttribute('role', 'status');
  const dot = icon('circle-filled');
  dot.classList.add('dot');
  const badgeText = el('span', 'port-text', 'No port');
  badge.append(dot, badgeText);
  const pick = el('button', 'secondary', 'Select Port…');
  pick.type = 'button';
  pick.id = 'pickPort';
  pick.prepend(icon('plug'));
  pick.addEventListener('click', onPickPort);
  const version = el('span', 'muted version');
  // Several boards on the bench: one tab each (with its port's state); one board needs none.
  const tabs = el('div', 'board-tabs');
  tabs.id = 'boards';
  tabs.setAttribute('role', 'tablist');
  tabs.setAttribute('aria-label', 'Bench boards');
  tabs.hidden = true;
  element.append(title, tabs, badge, pick, el('span', 'spacer'), version);

  return {
    element,
    pick,
    tabs,
    setVersion(v: string) {
      // The extension's version, not the board's firmware: said so.
      version.textContent = v ? `OTA Bench ${v}` : '';
      version.title = v ? `OTA Bench extension version ${v}` : '';
    },
    setBoards(boards: readonly BoardView[], active: string | undefined) {
      tabs.hidden = boards.length < 2;
      tabs.replaceChildren(
        ...boards.map((b) => {
          const tab = el('button', 'board-tab');
          tab.type = 'button';
          tab.setAttribute('role', 'tab');
          tab.dataset.board = b.id;
          tab.dataset.state = b.port.state;
          tab.setAttribute('aria-selected', String(b.id === active));
          tab.title = `${b.label}: ${b.port.path ?? 'no port'} · ${STATE_LABEL[b.port.state]}`;
          const d = icon('circle-filled');
          d.classList.add('dot');
          tab.append(d, el('span', undefined, b.label));
          tab.addEventListener('click', () => b.id !== active && onSelectBoard(b.id));
          return tab;
        }),
      );
    },
    setPort(p: PortStatus) {
      badge.dataset.state = p.state;
      const where = p.path ? `${p.path}${p.baudRate ? ` · ${p.baudRate} baud` : ''}` : 'No port';
      badgeText.textContent = p.path ? `${where} · ${STATE_LABEL[p.state]}` : p.message ?? where;
      badge.title = p.message ? `${where}: ${p.message}` : where;
    },
  };
}
