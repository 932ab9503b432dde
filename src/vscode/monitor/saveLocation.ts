// Where the monitor's files go (Save Log, Save Verify Bundle, plot CSV) and how the user finds them
// afterwards. Not the firmware project's root (that is the user's source tree): the folder the user
// last saved that kind of file to in this workspace, else Downloads (or the home folder). The toast
// that says a file was saved offers Reveal.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';

export type SavedKind = 'log' | 'bundle' | 'csv';

let memento: vscode.Memento | undefined;

/** Set once at activation (workspaceState): the last folder per kind is remembered per workspace. */
export function useSaveMemory(m: vscode.Memento): void {
  memento = m;
}

const key = (kind: SavedKind) => `otaBench.saveFolder.${kind}`;

/** The folder a save dialog for `kind` starts in. */
export function defaultSaveFolder(kind: SavedKind): vscode.Uri {
  const last = memento?.get<string>(key(kind));
  if (last && isDir(last)) return vscode.Uri.file(last);
  const downloads = path.join(os.homedir(), 'Downloads');
  return vscode.Uri.file(isDir(downloads) ? downloads : os.homedir());
}

/** Remembers the folder of what was just saved (a file's parent, or the folder itself). */
export function rememberSaveFolder(kind: SavedKind, saved: vscode.Uri, isFolder = false): void {
  if (saved.scheme !== 'file') return;
  void memento?.update(key(kind), isFolder ? saved.fsPath : path.dirname(saved.fsPath));
}

/**
 * "Saved …" with a Reveal button: the OS file manager on the desktop; where there is none (a
 * browser-hosted editor) the saved file opens in the editor instead, a folder shows in the Explorer.
 */
export function showSaved(message: string, target: vscode.Uri, isFolder = false): Thenable<void> {
  return vscode.window.showInformationMessage(message, 'Reveal').then(async (b) => {
    if (b !== 'Reveal') return;
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes('revealFileInOS')) await vscode.commands.executeCommand('revealFileInOS', target);
    else if (isFolder) await vscode.commands.executeCommand('revealInExplorer', target);
    else await vscode.commands.executeCommand('vscode.open', target);
  });
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
