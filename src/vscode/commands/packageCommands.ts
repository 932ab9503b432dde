import * as vscode from 'vscode';
import type { Job } from '../../core/model';
import { showCloudError } from '../clouds/errors';
import { log } from '../log';
import { CloudTree, ProfileNode } from '../tree/cloudTree';
import { PackageNode, VersionNode } from '../tree/itemNodes';
import { BenchNode } from '../tree/node';
import { isPagedOwner } from '../tree/paged';
import { ConfirmOptions, wrongNode } from './jobCommands';
import type { VerifyOptions } from './releaseCommands';

const ACTIONS = {
  publish: { verb: 'Publish', detail: 'Jobs can then install it on devices.' },
  deprecate: { verb: 'Deprecate', detail: 'Existing jobs keep working; new jobs should not use it.' },
} as const;

/** Package version commands: publish, deprecate, and Start Verify Job (forwarded to the release's verify). */
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
      const setVersionState = node.ctx.provider.setVersionState?.bind(node.ctx.provider);
      if (!setVersionState) throw new Error(`${node.ctx.profile.name}'s cloud has no version lifecycle to ${action} in.`);
      await setVersionState(v.packageId, v.id, action);
      log().info(`${verb}ed ${v.packageId} ${v.version} on "${node.ctx.profile.name}"`);
      tree.refresh(node.parent instanceof PackageNode ? node.parent : undefined);
      return true;
    } catch (err) {
      void showCloudError(`Could not ${action} ${v.packageId} ${v.version}`, err, { kind: node.ctx.profile.kind, retry: () => setState(action, node, { confirm: false }) });
      return false;
    }
  };

  /**
   * Start Verify Job on a version node: the release's verify (bench device, serial, watch, rollout
   * pane, verdict). Resolves with the job, put first in Jobs, as soon as the cloud describes it;
   * the watch and the verdict go on in the release. Undefined: nothing was started.
   */
  const startVerifyJob = async (node?: VersionNode, opts: Omit<VerifyOptions, 'onJob'> = {}): Promise<Job | undefined> => {
    if (!(node instanceof VersionNode)) return wrongNode('a package version');
    const wasDraft = node.item.status === 'draft';
    return new Promise((resolve) => {
      const onJob = async (job: Job) => {
        if (wasDraft) tree.refresh(node.parent instanceof PackageNode ? node.parent : undefined);
        try {
          await revealJob(node, job);
        } finally {
          resolve(job);
        }
      };
      const verifyOptions: VerifyOptions = { ...opts, onJob };
      void vscode.commands.executeCommand('otaBench.verifyVersion', node, verifyOptions).then(() => resolve(undefined), () => resolve(undefined));
    });
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
