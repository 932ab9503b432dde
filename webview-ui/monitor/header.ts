// The page header: title, the serial port's state (path, baud, state) and the port picker.
import type { PortStatus } from '../../src/shared/protocol';
import { el, icon } from './dom';

const STATE_LABEL: Record<PortStatus['state'], string> = {
  closed: 'closed',
  opening: 'opening…',
  open: 'connected',
  reconnecting: 'reconnecting…',
  paused: 'released (flashing)',
  error: 'error',
};

export function buildHeader(onPickPort: () => void) {
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
  element.append(title, badge, pick, el('span', 'spacer'), version);

  return {
    element,
    pick,
    setVersion(v: string) {
      version.textContent = v ? `v${v}` : '';
    },
    setPort(p: PortStatus) {
      badge.dataset.state = p.state;
      const where = p.path ? `${p.path}${p.baudRate ? ` · ${p.baudRate} baud` : ''}` : 'No port';
      badgeText.textContent = p.path ? `${where} · ${STATE_LABEL[p.state]}` : p.message ?? where;
      badge.title = p.message ? `${where}: ${p.message}` : where;
    },
  };
}
