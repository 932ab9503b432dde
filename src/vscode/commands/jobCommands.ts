import * as vscode from 'vscode';
import type { JobConfirmation, JobTaskState } from '../../core/clouds/provider';
import { confirmationText } from '../../core/clouds/confirmation';
import { descriptorOf, missingCapability } from '../../core/clouds/registry';
import { errorText, oneLine, showCloudError } from '../clouds/errors';
import { CloudDocuments, documentUri, openCloudDocument } from '../documents/cloudDocuments';
import { log } from '../log';
import { CloudTree } from '../tree/cloudTree';
import { ExecutionNode, JobNode } from '../tree/itemNodes';
import { OtaUpdateNode, underlyingJobId } from '../tree/profileFolders';

/** Options tests (and other commands) pass to skip the confirmation dialog. */
export interface ConfirmOptions {
  /** false: do it without asking. */
  confirm?: boolean;
  force?: boolean;
}

const FORCE_JOB = 'Force (also cancel in-progress executions)';
const CANCEL_JOB = 'Cancel Job';
const CANCEL_EXEC = 'Cancel Execution';
const FORCE_EXEC = 'Force Cancel Execution';
const RETRY_JOB = 'Retry';
const CONFIRM_JOB = 'Confirm';

/** The task states a job's tasks can be cancelled in, in the picker's order (safe ones first, picked by default; the riskier after). */
const TASK_STATE_LABELS: Record<JobTaskState, string> = {
  queued: 'Queued (not yet pushed to the device)',
  confirm: 'Waiting for confirmation (CONFIRM)',
  scheduled: 'Scheduled (a job that has not started)',
  notified: 'Notified (pushed, the device has not started)',
  'in-progress': 'In progress (the device is downloading or installing: may leave it mid-update)',
};
const DEFAULT_TASK_STATES: readonly JobTaskState[] = ['queued', 'confirm', 'scheduled'];

/** Job commands: open its document, cancel, retry or confirm it, cancel / open one execution. */
export function registerJobCommands(tree: CloudTree, docs: CloudDocuments): vscode.Disposable[] {
  const openJobDocument = async (node?: JobNode | OtaUpdateNode): Promise<vscode.TextEditor | undefined> => {
    if (!(node instanceof JobNode || node instanceof OtaUpdateNode)) return wrongNode('a job');
    const jobId = node instanceof JobNode ? node.item.id : underlyingJobId(node.item);
    if (!jobId) {
      void vscode.window.showInformationMessage(`OTA update ${node.item.id} has no job yet.`);
      return undefined;
    }
    const uri = documentUri({ kind: 'job-document', profile: node.ctx.profile.name, jobId });
    try {
      return await openCloudDocument(docs, uri);
    } catch (err) {
      void showCloudError(`Could not open the document of job ${jobId}`, err, { kind: node.ctx.profile.kind, retry: () => openJobDocument(node) });
      return undefined;
    }
  };

  const cancelJob = async (node?: JobNode, opts: ConfirmOptions = {}): Promise<boolean> => {
    if (!(node instanceof JobNode)) return wrongNode('a job') ?? false;
    const job = node.item;
    let force = opts.force ?? false;
    if (opts.confirm !== false) {
      const pick = await vscode.window.showWarningMessage(
        `Cancel job "${job.id}"?`,
        { modal: true, detail: 'Queued executions are canceled. Executions already in progress keep running unless you force the cancel; forcing can leave a device mid-update.' },
        CANCEL_JOB,
        FORCE_JOB,
      );
      if (pick !== CANCEL_JOB && pick !== FORCE_JOB) return false;
      force = pick === FORCE_JOB;
    }
    try {
      await node.ctx.provider.cancelJob(job.id, { force });
      log().info(`Canceled job ${job.id}${force ? ' (forced)' : ''} on "${node.ctx.profile.name}"`);
      tree.refresh(node);
      return true;
    } catch (err) {
      void showCloudError(`Could not cancel job ${job.id}`, err, { kind: node.ctx.profile.kind, retry: () => cancelJob(node, { confirm: false, force }) });
      return false;
    }
  };

  /** Runs a job's failed (and stopped) devices again ('retry-job': Huawei RetryBatchTask). */
  const retryJob = async (node?: JobNode, opts: ConfirmOptions = {}): Promise<boolean> => {
    if (!(node instanceof JobNode)) return wrongNode('a job') ?? false;
    const job = node.item;
    const nouns = descriptorOf(node.ctx.profile).nouns;
    if (opts.confirm !== false) {
      const pick = await vscode.window.showWarningMessage(`Retry the failed ${nouns.devices} of ${nouns.job} "${job.id}"?`, { modal: true, detail: `Failed and stopped ${nouns.devices} get the update again.` }, RETRY_JOB);
      if (pick !== RETRY_JOB) return false;
    }
    try {
      const retry = node.ctx.provider.retryJob?.bind(node.ctx.provider);
      if (!retry) throw new Error(missingCapability(node.ctx.profile, 'retry-job', `retry of a ${nouns.job}`) ?? 'This cloud cannot retry a job.');
      await retry(job.id);
      log().info(`Retried ${nouns.job} ${job.id} on "${node.ctx.profile.name}"`);
      tree.refresh(node);
      return true;
    } catch (err) {
      void showCloudError(`Could not retry ${nouns.job} ${job.id}`, err, { kind: node.ctx.profile.kind, retry: () => retryJob(node, { confirm: false }) });
      return false;
    }
  };

  /** Starts a job's devices that wait for a confirmation ('confirm-job': Huawei ConfirmBatchTask on a need_confirm task). */
  const confirmJob = async (node?: JobNode, opts: ConfirmOptions = {}): Promise<JobConfirmation | undefined> => {
    if (!(node instanceof JobNode)) return wrongNode('a job');
    const job = node.item;
    const nouns = descriptorOf(node.ctx.profile).nouns;
    if (opts.confirm !== false) {
      const pick = await vscode.window.showWarningMessage(
        `Confirm the waiting ${nouns.devices} of ${nouns.job} "${job.id}"?`,
        { modal: true, detail: `Every ${nouns.device} of this ${nouns.job} that waits for a confirmation starts the update as soon as it is online.` },
        CONFIRM_JOB,
      );
      if (pick !== CONFIRM_JOB) return undefined;
    }
    try {
      const confirm = node.ctx.provider.confirmJob?.bind(node.ctx.provider);
      if (!confirm) throw new Error(missingCapability(node.ctx.profile, 'confirm-job', `confirmation of waiting ${nouns.devices}`) ?? 'This cloud cannot confirm a job.');
      const result = await confirm(job.id);
      log().info(`Confirmed ${result.confirmed.length} ${nouns.devices} of ${nouns.job} ${job.id} on "${node.ctx.profile.name}"${result.failed.map((f) => `; ${f.target}: ${f.reason}`).join('')}`);
      tree.refresh(node);
      const text = confirmationText(result, nouns, job.id);
      void (result.failed.length ? vscode.window.showWarningMessage(text) : vscode.window.showInformationMessage(text));
      return result;
    } catch (err) {
      void showCloudError(`Could not confirm the waiting ${nouns.devices} of ${nouns.job} ${job.id}`, err, { kind: node.ctx.profile.kind, retry: () => confirmJob(node, { confirm: false }) });
      return undefined;
    }
  };

  /** Cancels a job's device tasks in the states the user picks ('cancel-job-tasks': Alibaba CancelOTATaskByJob). */
  const cancelJobTasks = async (node?: JobNode, opts: { states?: readonly JobTaskState[] } = {}): Promise<boolean> => {
    if (!(node instanceof JobNode)) return wrongNode('a job') ?? false;
    const job = node.item;
    const nouns = descriptorOf(node.ctx.profile).nouns;
    let states = opts.states;
    if (!states) {
      const picks = await vscode.window.showQuickPick(
        (Object.keys(TASK_STATE_LABELS) as JobTaskState[]).map((s) => ({ label: TASK_STATE_LABELS[s], state: s, picked: DEFAULT_TASK_STATES.includes(s) })),
        { canPickMany: true, title: `Cancel the ${nouns.executions} of ${nouns.job} ${job.id}`, placeHolder: `Which ${nouns.executions} to cancel? Finished ones are never touched.` },
      );
      if (!picks?.length) return false;
      states = picks.map((p) => p.state);
    }
    try {
      const cancel = node.ctx.provider.cancelJobTasks?.bind(node.ctx.provider);
      if (!cancel) throw new Error(missingCapability(node.ctx.profile, 'cancel-job-tasks', `cancelling a ${nouns.job}'s ${nouns.executions} by state`) ?? 'This cloud cannot cancel tasks by state.');
      await cancel(job.id, states);
      log().info(`Cancelled the ${states.join('/')} ${nouns.executions} of ${job.id} on "${node.ctx.profile.name}"`);
      tree.refresh(node);
      return true;
    } catch (err) {
      void showCloudError(`Could not cancel the ${nouns.executions} of ${job.id}`, err, { kind: node.ctx.profile.kind, retry: () => cancelJobTasks(node, { states }) });
      return false;
    }
  };

  const cancelExecution = async (node?: ExecutionNode, opts: ConfirmOptions = {}): Promise<boolean> => {
    if (!(node instanceof ExecutionNode)) return wrongNode('a job execution') ?? false;
    const e = node.item;
    // A device already working on the job can only be stopped with force.
    let force = opts.force ?? e.status === 'in-progress';
    if (opts.confirm !== false) {
      const button = force ? FORCE_EXEC : CANCEL_EXEC;
      const pick = await vscode.window.showWarningMessage(
        `Cancel job "${e.jobId}" on ${e.target}?`,
        { modal: true, detail: force ? 'The device is already running this job: the cancel is forced and the device may be left mid-update.' : 'The device will not start this job.' },
        button,
      );
      if (pick !== button) return false;
      force = pick === FORCE_EXEC;
    }
    try {
      const cancel = node.ctx.provider.cancelExecution?.bind(node.ctx.provider);
      if (!cancel) throw new Error(`${node.ctx.profile.name}'s cloud cannot cancel one device's execution.`);
      await cancel(e.jobId, e.target, { force });
      log().info(`Canceled the execution of ${e.jobId} on ${e.target}${force ? ' (forced)' : ''}`);
      if (node.parent instanceof JobNode) tree.refresh(node.parent);
      return true;
    } catch (err) {
      void showCloudError(`Could not cancel the execution on ${e.target}`, err, { kind: node.ctx.profile.kind, retry: () => cancelExecution(node, { confirm: false, force }) });
      return false;
    }
  };

  const openExecutionDetails = async (node?: ExecutionNode): Promise<vscode.TextEditor | undefined> => {
    if (!(node instanceof ExecutionNode)) return wrongNode('a job execution');
    const uri = docs.remember(node.ctx.profile.name, node.item);
    try {
      return await openCloudDocument(docs, uri);
    } catch (err) {
      void showCloudError(`Could not read the execution on ${node.item.target}`, err, { kind: node.ctx.profile.kind, retry: () => openExecutionDetails(node) });
      return undefined;
    }
  };

  return [
    vscode.commands.registerCommand('otaBench.openJobDocument', openJobDocument),
    vscode.commands.registerCommand('otaBench.cancelJob', cancelJob),
    vscode.commands.registerCommand('otaBench.retryJob', retryJob),
    vscode.commands.registerCommand('otaBench.confirmJob', confirmJob),
    vscode.commands.registerCommand('otaBench.cancelJobTasks', cancelJobTasks),
    vscode.commands.registerCommand('otaBench.cancelExecution', cancelExecution),
    vscode.commands.registerCommand('otaBench.openExecutionDetails', openExecutionDetails),
    vscode.commands.registerCommand('otaBench.refreshDocument', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return;
      try {
        docs.refresh(target, await docs.read(target));
      } catch (err) {
        void vscode.window.showErrorMessage(`Could not refresh: ${oneLine(errorText(err))}`);
      }
    }),
  ];
}

export function wrongNode(what: string): undefined {
  void vscode.window.showInformationMessage(`Run this command on ${what} in the OTA Bench Clouds view.`);
  return undefined;
}
