// `otaBench.serial.*` and `otaBench.flash.*` settings, read into the core's option types, plus the
// port chosen per workspace (workspaceState: a port is a property of the desk, not of the repo).
import * as vscode from 'vscode';
import type { LogFormat } from '../../core/serial/logFile';
import { normalizeSerialOptions, type SerialOptions } from '../../core/serial/options';
import { choosePort, type ChosenPort } from './portChoice';
import { logPathIn } from '../../core/serial/logFile';

export type { ChosenPort } from './portChoice';
import type { FlashToolId } from '../../core/flash/presets';

export const SERIAL_SECTION = 'otaBench.serial';
const CHOSEN_PORT_KEY = 'otaBench.serial.chosenPort';
const HISTORY_KEY = 'otaBench.serial.history';

export interface SerialLogSettings {
  path?: string;
  /** The path resolves outside the workspace folder: used only once the user confirmed it. */
  outside?: boolean;
  format: LogFormat;
  maxBytes: number;
  keep: number;
}

export function readSerialOptions(): { options: SerialOptions; problems: string[] } {
  const c = vscode.workspace.getConfiguration(SERIAL_SECTION);
  const keys: (keyof SerialOptions)[] = ['baudRate', 'dataBits', 'parity', 'stopBits', 'rxEol', 'txEol', 'encoding', 'bufferLines', 'autoReconnect', 'reconnectIntervalMs', 'sendTimeoutMs'];
  const raw: Partial<Record<keyof SerialOptions, unknown>> = {};
  for (const k of keys) raw[k] = c.get(k);
  const mb = c.get<number>('bufferMegabytes');
  if (typeof mb === 'number') raw.bufferBytes = Math.round(mb * 1024 * 1024);
  return normalizeSerialOptions(raw);
}

export function readLogSettings(workspaceFolder?: vscode.Uri): SerialLogSettings {
  const c = vscode.workspace.getConfiguration(SERIAL_SECTION);
  const where = logPathIn(workspaceFolder?.fsPath, c.get<string>('logFile'));
  const path = where?.path;
  const format = c.get<LogFormat>('logFormat') ?? 'rendered';
  return {
    path,
    ...(where?.outside ? { outside: true } : {}),
    format: ['rendered', 'raw', 'both'].includes(format) ? format : 'rendered',
    maxBytes: Math.max(64 * 1024, (c.get<number>('logMaxMegabytes') ?? 10) * 1024 * 1024),
    keep: Math.max(0, Math.min(50, c.get<number>('logKeepFiles') ?? 5)),
  };
}

const configuredPort = () => vscode.workspace.getConfiguration(SERIAL_SECTION).get<string>('port')?.trim() || undefined;

/** The port to use: the one picked in this workspace, unless `otaBench.serial.port` changed since. */
export function chosenPort(state: vscode.Memento): ChosenPort | undefined {
  return choosePort(state.get<ChosenPort>(CHOSEN_PORT_KEY), configuredPort());
}

/** Remembers `port` for this workspace, with the setting's value now (so a later change of the setting wins). */
export function rememberPort(state: vscode.Memento, port: ChosenPort | undefined): Thenable<void> {
  return state.update(CHOSEN_PORT_KEY, port && { ...port, setting: configuredPort() });
}

export function loadHistory(state: vscode.Memento): string[] {
  const h = state.get<unknown>(HISTORY_KEY);
  return Array.isArray(h) ? h.filter((x): x is string => typeof x === 'string') : [];
}

export function saveHistory(state: vscode.Memento, history: string[]): Thenable<void> {
  return state.update(HISTORY_KEY, history.slice(-100));
}

export interface FlashSettings {
  tool: FlashToolId;
  toolPath?: string;
  command?: string;
  extraArgs?: string;
  baudRate?: number;
  offset?: string;
  file?: string;
}

export function readFlashSettings(): FlashSettings {
  const c = vscode.workspace.getConfiguration('otaBench.flash');
  const s = (k: string) => c.get<string>(k)?.trim() || undefined;
  return {
    tool: (c.get<string>('tool') as FlashToolId) || 'esptool',
    toolPath: s('toolPath'),
    command: s('command'),
    extraArgs: c.get<string>('extraArgs') ?? undefined,
    baudRate: c.get<number>('baudRate') || undefined,
    offset: s('offset'),
    file: s('file'),
  };
}
