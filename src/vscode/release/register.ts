// Wires Quick Release into the editor: the workspace store, the controller, the status bar item,
// the monitor's rollout pane and the release commands.
import * as vscode from 'vscode';
import type { CloudProviders } from '../clouds/providers';
import { registerReleaseCommands } from '../commands/releaseCommands';
import { errorMessage, log } from '../log';
import type { MonitorBackend } from '../monitor/monitorPanel';
import type { ProfileStore } from '../profiles/profileStore';
import { ReleaseController } from './controller';
import { releaseRunner } from './runner';
import { MonitorBridge } from './monitorBridge';
import type { ReleaseSerial, ReleaseServices } from './prepare';
import { ReleaseStatusBar } from './statusBar';
import { WorkspaceReleaseStore } from './workspaceStore';
import { registerWatchRollout, RolloutWatcher } from './watchRollout';

export interface ReleaseApi {
  controller: ReleaseController;
  bridge: MonitorBridge;
  store: WorkspaceReleaseStore;
  statusBar: ReleaseStatusBar;
  /** Watch Rollout: the job followed in the pane's own section. */
  watcher: RolloutWatcher;
  /** The monitor panel's backend: the serial side plus the rollout pane. */
  backend(serial: MonitorBackend): MonitorBackend;
}

export function registerRelease(context: vscode.ExtensionContext, deps: { profiles: ProfileStore; clouds: CloudProviders; serial?: ReleaseSerial; cloudChanged?: (profile: string) => void }): ReleaseApi {
  const store = new WorkspaceReleaseStore(context.workspaceState, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  const statusBar = new ReleaseStatusBar();
  // The controller reaches the bridge only once a release runs, after both exist.
  const controller: ReleaseController = new ReleaseController(store, statusBar, () => bridge, releaseRunner(context.extensionPath));
  const services: ReleaseServices = { profiles: deps.profiles, providerFor: (p) => deps.clouds.get(p), store, serial: deps.serial, cloudChanged: deps.cloudChanged };
  controller.onCloudChanged = deps.cloudChanged;
  const bridge: MonitorBridge = new MonitorBridge({
    snapshot: () => ({ ...controller.snapshot(), watch: watcher.watch.view }),
    command: async (c) => {
      if (c === 'stopWatch') return watcher.stop();
      if (c === 'closeWatch') return watcher.close();
      const ids = { saveBundle: 'otaBench.saveVerifyBundle', resume: 'otaBench.resumeRelease', cancel: 'otaBench.cancelRelease', quickRelease: 'otaBench.quickRelease', showLog: 'otaBench.showLog' } as const;
      return vscode.commands.executeCommand(ids[c]);
    },
  });
  const watcher: RolloutWatcher = new RolloutWatcher(services, bridge);
  // A release's verify job takes the pane back: the watched job's section goes.
  controller.onDidStart(() => watcher.watch.clear('A release started.'));
  context.subscriptions.push(statusBar, controller, bridge, watcher, registerWatchRollout(watcher), ...registerReleaseCommands(services, controller));
  // The last release of this workspace: shown in the status bar and the pane, resumable.
  void controller.restore().then(
    () => bridge.update(controller.snapshot()),
    (e) => log().warn(`release: could not read the last release: ${errorMessage(e)}`),
  );
  return { controller, bridge, store, statusBar, watcher, backend: (serial) => bridge.backend(serial) };
}
