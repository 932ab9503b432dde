import * as vscode from 'vscode';
import { registerProfileCommands } from './vscode/commands/profileCommands';
import { log } from './vscode/log';
import { MonitorPanel } from './vscode/monitor/monitorPanel';
import { useSaveMemory } from './vscode/monitor/saveLocation';
import { ProfileStore } from './vscode/profiles/profileStore';
import { CloudTree } from './vscode/tree/cloudTree';
import { registerClouds } from './vscode/clouds/register';
import { CloudProviders } from './vscode/clouds/providers';
import { BenchNode } from './vscode/tree/node';
import { registerSerial } from './vscode/serial/register';
import type { SerialManager } from './vscode/serial/serialManager';
import { registerRelease, type ReleaseApi } from './vscode/release/register';
import { registerWalkthrough } from './vscode/walkthrough/walkthrough';

/** What activate() returns: used by the integration tests and the bench, not a public API. */
export interface OtaBenchApi {
  tree: CloudTree;
  profiles: ProfileStore;
  /** performance.now() at activate() start and end, and at the tree's first render. */
  timing: { activateStart: number; activateEnd?: number; firstRender?: number };
  monitor(): MonitorPanel | undefined;
  /** Per-profile cloud providers (lazily loaded cloud bundles). */
  clouds: CloudProviders;
  view: vscode.TreeView<BenchNode>;
  /** The serial session manager (port, lines, send) behind the status bar and the monitor. */
  serial: SerialManager;
  /** Quick Release: the controller, the rollout pane bridge, the workspace store. */
  release: ReleaseApi;
}

export function activate(context: vscode.ExtensionContext): OtaBenchApi {
  const timing: OtaBenchApi['timing'] = { activateStart: performance.now() };
  const media = vscode.Uri.joinPath(context.extensionUri, 'media');
  const profiles = new ProfileStore(context.secrets);
  const tree = new CloudTree(profiles, media);
  tree.onFirstRender((t) => {
    timing.firstRender = t;
    log().info(`Clouds view first render ${(t - timing.activateStart).toFixed(1)} ms after activation`);
  });

  const view = vscode.window.createTreeView('otaBench.clouds', { treeDataProvider: tree, showCollapseAll: true });
  const { clouds } = registerClouds(context, { tree, profiles, view });
  const serial = registerSerial(context);
  const release = registerRelease(context, { profiles, clouds, serial: serial.manager, cloudChanged: (name) => void tree.refreshProfile(name) });
  // One backend for the monitor page: the serial log plus the release's rollout pane.
  const monitorBackend = release.backend(serial.backend);
  MonitorPanel.useWorkspaceState(context.workspaceState);
  useSaveMemory(context.workspaceState);

  context.subscriptions.push(
    profiles,
    tree,
    view,
    ...registerProfileCommands(profiles, tree),
    vscode.commands.registerCommand('otaBench.openMonitor', () => MonitorPanel.show(context.extensionUri, monitorBackend)),
    vscode.commands.registerCommand('otaBench.showLog', () => log().show()),
    ...registerWalkthrough(profiles, serial.manager, (l) => release.controller.onDidEnd((r) => r.status === 'passed' && l(r))),
    vscode.window.registerWebviewPanelSerializer(MonitorPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => {
        MonitorPanel.revive(panel, context.extensionUri, state, monitorBackend);
      },
    }),
  );

  timing.activateEnd = performance.now();
  return { tree, profiles, timing, monitor: () => MonitorPanel.active, clouds, view, serial: serial.manager, release };
}

export function deactivate(): void {
  MonitorPanel.active?.dispose();
}
