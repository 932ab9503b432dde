// Watch Rollout: follows any job's rollout in the Bench Monitor, beside the serial log. Run on a
// job node of the Clouds tree (any cloud), from the fleet-started message, or with
// { profile, jobId }. The watch itself (snapshots, stop, replace) is core/release/rolloutWatch.
import * as vscode from 'vscode';
import type { CloudProvider } from '../../core/clouds/provider';
import { descriptorOf } from '../../core/clouds/registry';
import type { CloudProfile } from '../../core/profiles';
import { RolloutWatch, type WatchEnd } from '../../core/release/rolloutWatch';
import type { WatchView } from '../../shared/protocol';
import { errorText, oneLine, showCloudError } from '../clouds/errors';
import { wrongNode } from '../commands/jobCommands';
import { log } from '../log';
import { MonitorPanel } from '../monitor/monitorPanel';
import { JobNode } from '../tree/itemNodes';
import type { MonitorBridge } from './monitorBridge';
import type { ReleaseServices } from './prepare';

export const WATCH_ROLLOUT = 'otaBench.watchRollout';
/** The button of the fleet-started message (and the command's title). */
export const WATCH_ROLLOUT_LABEL = 'Watch Rollout';

/** A job named by its profile and id (the fleet wizard's button, tests). */
export interface JobRef {
  profile: string;
  jobId: string;
}

const isJobRef = (v: unknown): v is JobRef =>
  typeof v === 'object' && v !== null && typeof (v as JobRef).profile === 'string' && typeof (v as JobRef).jobId === 'string' && (v as JobRef).jobId !== '';

export class RolloutWatcher implements vscode.Disposable {
  readonly watch: RolloutWatch;
  private panelSub?: vscode.Disposable;
  private watchedPanel?: MonitorPanel;

  constructor(
    private readonly services: ReleaseServices,
    bridge: MonitorBridge,
  ) {
    this.watch = new RolloutWatch((v) => bridge.update({ watch: v }), (e) => oneLine(errorText(e)));
  }

  /** The command: resolves with the watch's final view (after done, Stop, a failure), undefined when nothing was watched. */
  async run(arg?: unknown): Promise<WatchView | undefined> {
    const target = await this.resolve(arg);
    if (!target) return undefined;
    const { profile, provider, jobId } = target;
    const noun = descriptorOf(profile).nouns.job;
    await vscode.commands.executeCommand('otaBench.openMonitor');
    this.followPanel();
    log().info(`Watch Rollout: ${noun} ${jobId} on "${profile.name}"`);
    const end: WatchEnd = await this.watch.start(
      { profile: profile.name, cloud: descriptorOf(profile).label, jobId, jobNoun: noun },
      (signal) => provider.watchJob(jobId, { signal }),
    );
    if (end.error !== undefined) {
      void showCloudError(`Could not watch the rollout of ${noun} ${jobId}`, end.error, { kind: profile.kind, retry: () => this.run({ profile: profile.name, jobId }) });
    } else log().info(`Watch Rollout: ${noun} ${jobId} ${end.view.state}${end.view.message ? ` (${end.view.message})` : ''}`);
    return end.view;
  }

  private async resolve(arg: unknown): Promise<{ profile: CloudProfile; provider: CloudProvider; jobId: string } | undefined> {
    if (arg instanceof JobNode) return { profile: arg.ctx.profile, provider: arg.ctx.provider, jobId: arg.item.id };
    if (!isJobRef(arg)) return wrongNode('a job');
    const profile = this.services.profiles.get(arg.profile);
    if (!profile) {
      void vscode.window.showErrorMessage(`OTA Bench: no cloud profile named "${arg.profile}". Add it (OTA Bench: Add Cloud Profile) or watch a job from the Clouds view.`);
      return undefined;
    }
    try {
      return { profile, provider: await this.services.providerFor(profile), jobId: arg.jobId };
    } catch (e) {
      void showCloudError(`Could not watch the rollout of ${arg.jobId}`, e, { kind: profile.kind });
      return undefined;
    }
  }

  /** The panel closing ends the watch (nothing shows it any more). */
  private followPanel(): void {
    const panel = MonitorPanel.active;
    if (!panel || panel === this.watchedPanel) return;
    this.panelSub?.dispose();
    this.watchedPanel = panel;
    this.panelSub = panel.panel.onDidDispose(() => {
      this.watchedPanel = undefined;
      this.watch.clear('The Bench Monitor closed.');
    });
  }

  /** The pane's Stop and Close buttons. */
  stop(): void {
    this.watch.stop('Stopped. Watch Rollout again to follow it.');
  }

  close(): void {
    this.watch.clear();
  }

  dispose(): void {
    this.panelSub?.dispose();
    this.watch.clear();
  }
}

export function registerWatchRollout(watcher: RolloutWatcher): vscode.Disposable {
  return vscode.commands.registerCommand(WATCH_ROLLOUT, (arg?: unknown) => watcher.run(arg));
}
