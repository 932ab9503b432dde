// The port picker's order and marks: the port open now first, marked as such (also when the OS
// does not list it, e.g. a pty), then the remembered one, then the rest as listed. Pure (no
// `vscode`): unit-tested on Node.
import type { PortEntry } from '../../core/serial/ports';

export interface MarkedPort {
  entry: PortEntry;
  /** "open now" / "last used", or undefined. */
  mark?: 'open now' | 'last used';
}

export function orderPorts(ports: readonly PortEntry[], current: { path?: string; open: boolean }): MarkedPort[] {
  const out: MarkedPort[] = ports.map((entry) => ({ entry }));
  if (!current.path) return out;
  let i = out.findIndex((p) => p.entry.path === current.path);
  if (i < 0 && current.open) {
    out.unshift({ entry: { path: current.path, description: 'not listed by the OS' } });
    i = 0;
  }
  if (i < 0) return out;
  const [cur] = out.splice(i, 1);
  cur.mark = current.open ? 'open now' : 'last used';
  return [cur, ...out];
}
