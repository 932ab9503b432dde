// The header of a saved text log. Pure (no `vscode`): unit tests read it directly.
import { describeLevelFilter } from '../../shared/logview/levels';
import type { LevelFilter, MonitorViewState, PortStatus } from '../../shared/protocol';

/**
 * The metadata lines at the top of a saved text log ("# key: value"): when and from which port it
 * was saved, and the monitor's view at that moment (level/tag and text filters), so a log read
 * later says what its reader was looking at. The lines themselves are all saved, filtered or not.
 */
export function savedLogHeader(o: { savedAt: Date; port?: PortStatus; lines: number; extensionVersion?: string; view?: MonitorViewState; levels?: LevelFilter }): string {
  const f = o.view?.filter;
  const rows: [string, string][] = [
    ['saved', o.savedAt.toISOString()],
    ['port', o.port?.path ? `${o.port.path}${o.port.baudRate ? ` @ ${o.port.baudRate} baud` : ''} (${o.port.state})` : 'none'],
    ['lines', o.lines.toLocaleString('en-US')],
    ['monitor levels', describeLevelFilter(o.view?.levels ?? o.levels ?? { min: 'all', include: [], exclude: [] })],
    ['monitor filter', f && (f.include || f.exclude) ? `${f.include ? `show "${f.include}"` : ''}${f.include && f.exclude ? ', ' : ''}${f.exclude ? `hide "${f.exclude}"` : ''}${f.regex ? ' (regex)' : ''}` : 'none'],
  ];
  const head = `# OTA Bench serial log${o.extensionVersion ? ` (extension ${o.extensionVersion})` : ''}`;
  return [head, ...rows.map(([k, v]) => `# ${k}: ${v.replace(/[\r\n]+/g, ' ')}`), '#'].join('\n') + '\n';
}
