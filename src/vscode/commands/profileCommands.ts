import * as vscode from 'vscode';
import { descriptorOf } from '../../core/clouds/registry';
import { log } from '../log';
import { ProfileStore } from '../profiles/profileStore';
import { runProfileWizard } from '../profiles/profileWizard';
import { CloudTree, ProfileNode } from '../tree/cloudTree';
import { BenchNode } from '../tree/node';

export function registerProfileCommands(store: ProfileStore, tree: CloudTree): vscode.Disposable[] {
  const pickProfile = async (node?: ProfileNode) => {
    if (node instanceof ProfileNode) return node.profile;
    const profiles = store.read().profiles;
    if (profiles.length === 0) {
      void vscode.window.showInformationMessage('No cloud profiles yet.', 'Add Cloud Profile').then((b) => b && vscode.commands.executeCommand('otaBench.addProfile'));
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(
      profiles.map((p) => ({ label: p.name, description: `${descriptorOf(p).label} · ${p.region}`, profile: p })),
      { title: 'OTA Bench: choose a cloud profile' },
    );
    return pick?.profile;
  };

  return [
    vscode.commands.registerCommand('otaBench.addProfile', async () => {
      const p = await runProfileWizard(store, undefined, { workspaceRoot: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath });
      if (p) {
        log().info(`Added ${p.kind} profile "${p.name}" (${p.region})`);
        void vscode.window.showInformationMessage(`Cloud profile "${p.name}" added.`);
      }
      return p?.name;
    }),
    vscode.commands.registerCommand('otaBench.editProfile', async (node?: ProfileNode) => {
      const existing = await pickProfile(node);
      if (!existing) return undefined;
      const p = await runProfileWizard(store, existing, { workspaceRoot: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath });
      if (p) log().info(`Updated profile "${p.name}"`);
      return p?.name;
    }),
    vscode.commands.registerCommand('otaBench.removeProfile', async (node?: ProfileNode, opts?: { confirm?: boolean }) => {
      const p = await pickProfile(node);
      if (!p) return false;
      if (opts?.confirm !== false) {
        const ok = await vscode.window.showWarningMessage(`Remove cloud profile "${p.name}" and its stored secrets?`, { modal: true }, 'Remove');
        if (ok !== 'Remove') return false;
      }
      await store.remove(p);
      log().info(`Removed profile "${p.name}" and its secrets`);
      return true;
    }),
    vscode.commands.registerCommand('otaBench.refresh', (node?: BenchNode) => tree.refresh(node)),
    vscode.commands.registerCommand('otaBench.openProfileSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettingsJson', { revealSetting: { key: 'otaBench.profiles', edit: true } }),
    ),
  ];
}
