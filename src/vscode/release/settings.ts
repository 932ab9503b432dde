// `otaBench.release.*` as the core reads them, for the workspace folder a release builds.
import * as vscode from 'vscode';
import { parseReleaseSettings, type ReleaseSettings } from '../../core/release/settings';

export const RELEASE_SECTION = 'otaBench.release';
const KEYS = ['packageName', 'build', 'artifact', 'version', 'banner', 'jobTimeoutMinutes', 'versionQuery', 'elf'] as const;
/** otaBench.serial.* settings the verdict also reads (crashes, boot loops, levels). */
const SERIAL_EVIDENCE_KEYS = ['crashPatterns', 'bootLoop', 'levelPattern'] as const;

/** The workspace folder a release works in: the active editor's, else the first. */
export function releaseFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

export function readReleaseSettings(folder: vscode.WorkspaceFolder | undefined): { settings: ReleaseSettings; errors: string[] } {
  const c = vscode.workspace.getConfiguration(RELEASE_SECTION, folder?.uri);
  const raw: Record<string, unknown> = {};
  for (const k of KEYS) {
    const v = c.inspect(k);
    // Only what the user set: the core fills its own defaults.
    const set = v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue;
    if (set !== undefined) raw[k] = set;
  }
  const serial = vscode.workspace.getConfiguration('otaBench.serial', folder?.uri);
  for (const k of SERIAL_EVIDENCE_KEYS) {
    const v = serial.inspect(k);
    const set = v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue;
    if (set !== undefined) raw[k] = set;
  }
  return parseReleaseSettings(raw);
}
