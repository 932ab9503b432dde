import * as vscode from 'vscode';
import type { Job } from '../../core/model';
import { CloudProfile, validators } from '../../core/profiles';
import { showCloudError } from '../clouds/errors';
import { log } from '../log';
import { CloudTree, ProfileNode } from '../tree/cloudTree';
import { PackageNode, VersionNode } from '../tree/itemNodes';
import { BenchNode } from '../tree/node';
import { isPagedOwner } from '../tree/paged';
import { ConfirmOptions, wrongNode } from './jobCommands';

export interface VerifyOptions {
  /** Bench device to target; asked when neither this nor the profile names one. */
  target?: string;
  /** false: publish a DRAFT version first without asking. */
  confirm?: boolean;
}

/** The profile's bench device id, whichever cloud it is. */
export function benchDevice(p: CloudProfile): string | undefined {
  return p.kind === 'aws' ? p.thingName : p.kind === 'huawei' ? p.deviceId : p.deviceName;
}

const ACTIONS = {
  publish: { verb: 'Publish', detail: 'Jobs can then install it on devices.' },
  deprecate: { verb: 'Deprecate', detail: 'Existing jobs keep working; new jobs should not use it.' },
} as const;

/** Package version commands: publish, deprecate, start a verify job on the bench device. */
export function registerPackageCommands(tree: CloudTree, view: vscode.TreeView<BenchNode>): vscode.Disposable[] {
  const setState = async (action: 'publish' | 'deprecate', node?: VersionNode, opts: ConfirmOptions = {}): Promise<boolean> => {
    if (!(node instanceof VersionNode)) return wrongNode('a package version') ?? false;
    const v = node.item;
    const { verb, detail } = ACTIONS[action];
    if (opts.confirm !== false) {
      const pick = await vscode.window.showWarningMessage(`${verb} ${v.packageId} version ${v.version}?`, { modal: true, detail }, verb);
      if (pick !== verb) return false;
    }
    try {
      await node.ctx.provider.setVersionState(v.packageId, v.id, action);
      log().info(`${verb}ed ${v.packageId} ${v.version} on "${node.ctx.profile.name}"`);
      tree.refresh(node.parent instanceof PackageNode ? node.parent : undefined);
      return true;
    } catch (err) {
      void showCloudError(`Could not ${action} ${v.packageId} ${v.version}`, err, { kind: node.ctx.profile.kind, retry: () => setState(action, node, { confirm: false }) });
      return false;
    }
  };

  const startVerifyJob = async (node?: VersionNode, opts: VerifyOptions = {}): Promise<Job | undefined> => {
    if (!(node instanceof VersionNode)) return wrongNode('a package version');
    const { profile, provider } = node.ctx;
    const v = node.item;
    const target = opts.target ?? benchDevice(profile) ?? (await askBenchDevice(profile));
    if (!target) return undefined;
    if (v.status === 'draft') {
      const go = opts.confirm === false ? 'Publish and Verify' : await vscode.window.showWarningMessage(
        `${v.packageId} ${v.version} is a draft.`,
        { modal: true, detail: 'A verify job can only install a published version. Publish it first?' },
        'Publish and Verify',
      );
      if (go !== 'Publish and Verify' || !(await setState('publish', node, { confirm: false }))) return undefined;
    }
    try {
      const job = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Starting a verify job for ${v.packageId} ${v.version} on ${target}`, cancellable: true },
        async (_progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            return await provider.startVerifyJob({ packageName: v.packageId, version: v.version, target }, abort.signal);
          } finally {
            sub.dispose();
          }
        },
      );
      log().info(`Started verify job ${job.id} for ${v.packageId} ${v.version} on ${target}`);
      const jobNode = await revealJob(node, job);
      void vscode.window.showInformationMessage(`Verify job ${job.id} started on ${target}.`, 'Open Job Document').then((b) => {
        if (b && jobNode) void vscode.commands.executeCommand('otaBench.openJobDocument', jobNode);
      });
      return job;
    } catch (err) {
      void showCloudError(`Could not start a verify job for ${v.packageId} ${v.version}`, err, { kind: profile.kind, retry: () => startVerifyJob(node, { ...opts, target }) });
      return undefined;
    }
  };

  /** Puts the new job first in its profile's Jobs folder and selects it there. */
  const revealJob = async (from: BenchNode, job: Job): Promise<BenchNode | undefined> => {
    let profileNode: BenchNode | undefined = from;
    while (profileNode && !(profileNode instanceof ProfileNode)) profileNode = profileNode.parent;
    if (!(profileNode instanceof ProfileNode)) return undefined;
    const jobs = (await profileNode.getChildren()).find((n) => n.id === `${profileNode.id}/jobs`);
    if (!isPagedOwner(jobs)) return undefined;
    const node = jobs.paged.prepend(job);
    await Promise.resolve(view.reveal(node, { select: true, focus: false, expand: false })).catch((err) => log().warn(`Could not reveal job ${job.id}: ${err}`));
    return node;
  };

  return [
    vscode.commands.registerCommand('otaBench.publishVersion', (node?: VersionNode, opts?: ConfirmOptions) => setState('publish', node, opts)),
    vscode.commands.registerCommand('otaBench.deprecateVersion', (node?: VersionNode, opts?: ConfirmOptions) => setState('deprecate', node, opts)),
    vscode.commands.registerCommand('otaBench.startVerifyJob', startVerifyJob),
  ];
}

async function askBenchDevice(profile: CloudProfile): Promise<string | undefined> {
  const what = profile.kind === 'aws' ? 'thing name' : profile.kind === 'huawei' ? 'device_id' : 'DeviceName';
  const check = profile.kind === 'aws' ? validators.thingName : profile.kind === 'huawei' ? validators.deviceId : validators.deviceName;
  const value = await vscode.window.showInputBox({
    title: 'Bench device for the verify job',
    prompt: `Profile "${profile.name}" names no bench device. Enter its ${what} (add it to the profile to skip this question).`,
    validateInput: (v) => (v.trim() === '' ? `Enter the bench device's ${what}.` : check(v.trim())),
    ignoreFocusOut: true,
  });
  return value?.trim() || undefined;
}

