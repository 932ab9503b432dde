import * as vscode from 'vscode';
import type { CloudProvider } from '../../core/clouds/provider';
import type { Job, ListOptions, Page } from '../../core/model';
import { errorText, oneLine } from '../clouds/errors';
import { CloudItemNode, JobNode, JOB_STATUSES, PackageNode, ProfileContext } from './itemNodes';
import { contextValue, fieldsTooltip, themeIcon, treeItem } from './look';
import { BenchNode, ErrorNode, InfoNode } from './node';
import { PagedFolderNode } from './paged';
import { formatWhen, jobFields, Look } from './present';

/** AWS (and any cloud that has them): OTA updates, each the wrapper of one job. */
export interface OtaUpdateSource {
  listOtaUpdates(opts?: ListOptions): Promise<Page<Job>>;
  /** The full update (the list's summaries do not name the job). */
  getOtaUpdate?(id: string): Promise<Job>;
}

export const hasOtaUpdates = (p: CloudProvider): p is CloudProvider & OtaUpdateSource =>
  typeof (p as Partial<OtaUpdateSource>).listOtaUpdates === 'function';

const fromProfile = (ctx: ProfileContext) => ({ pageSize: ctx.pageSize, cloud: ctx.profile.kind });

/** The folders every cloud has: Packages (→ versions) and Jobs (→ executions). */
export function cloudFolders(ctx: ProfileContext, parent: BenchNode): PagedFolderNode<unknown>[] {
  const base = parent.id;
  const packages = new PagedFolderNode(`${base}/packages`, 'Packages', 'package', 'packages', {
    noun: 'packages',
    fetch: (opts) => ctx.provider.listPackages(opts),
    key: (p) => p.id,
    node: (p, owner) => new PackageNode(p, ctx, owner),
    ...fromProfile(ctx),
  }, ctx.tree, parent);
  const jobs = new PagedFolderNode(`${base}/jobs`, 'Jobs', 'tasklist', 'jobs', {
    noun: 'jobs',
    fetch: (opts) => ctx.provider.listJobs(opts),
    key: (j) => j.id,
    node: (j, owner) => new JobNode(j, ctx, owner),
    statuses: JOB_STATUSES,
    ...fromProfile(ctx),
  }, ctx.tree, parent);
  return [packages, jobs] as PagedFolderNode<unknown>[];
}

/** AWS: Packages · Jobs · OTA updates. */
export function awsFolders(ctx: ProfileContext, parent: BenchNode): BenchNode[] {
  const folders: BenchNode[] = cloudFolders(ctx, parent);
  const provider = ctx.provider;
  if (hasOtaUpdates(provider)) {
    folders.push(
      new PagedFolderNode(`${parent.id}/ota`, 'OTA updates', 'rocket', 'otaUpdates', {
        noun: 'OTA updates',
        fetch: (opts) => provider.listOtaUpdates(opts),
        key: (u) => u.id,
        node: (u, owner) => new OtaUpdateNode(u, ctx, owner),
        ...fromProfile(ctx),
      }, ctx.tree, parent),
    );
  }
  return folders;
}

const OTA_LOOK: Record<string, Look> = {
  CREATE_PENDING: { icon: 'sync~spin', color: 'charts.blue' },
  CREATE_IN_PROGRESS: { icon: 'sync~spin', color: 'charts.blue' },
  CREATE_COMPLETE: { icon: 'pass', color: 'charts.green' },
  CREATE_FAILED: { icon: 'error', color: 'charts.red' },
  DELETE_IN_PROGRESS: { icon: 'trash', color: 'disabledForeground' },
  DELETE_FAILED: { icon: 'error', color: 'charts.red' },
};

/** The job id an OTA update runs (AWS awsIotJobId), wherever the provider put it. */
export function underlyingJobId(u: Job): string | undefined {
  const d = u.details ?? {};
  const id = d.awsIotJobId ?? d.jobId;
  return typeof id === 'string' && id ? id : undefined;
}

/** An OTA update (AWS CreateOTAUpdate); expands to the job it created. */
export class OtaUpdateNode extends CloudItemNode<Job> {
  private job?: Promise<BenchNode[]>;

  constructor(item: Job, ctx: ProfileContext, parent: BenchNode) {
    super(item, ctx, parent, 'ota', item.id);
  }

  getTreeItem(): vscode.TreeItem {
    const u = this.item;
    const raw = String(u.details?.otaUpdateStatus ?? u.rawStatus);
    return treeItem({
      id: this.id,
      label: u.id,
      expandable: true,
      icon: themeIcon(OTA_LOOK[raw] ?? { icon: 'rocket' }),
      description: [raw, formatWhen(u.updatedAt ?? u.createdAt)].filter(Boolean).join(' · '),
      tooltip: fieldsTooltip('OTA update', jobFields(u)),
      contextValue: contextValue('otaUpdate', [u.arn && 'arn']),
    });
  }

  getChildren(): Promise<BenchNode[]> {
    this.job ??= this.loadJob();
    return this.job;
  }

  reset(): void {
    this.job = undefined;
  }

  private async loadJob(): Promise<BenchNode[]> {
    let jobId = underlyingJobId(this.item);
    try {
      const provider = this.ctx.provider as CloudProvider & Partial<OtaUpdateSource>;
      if (!jobId && provider.getOtaUpdate) {
        this.item = await provider.getOtaUpdate(this.item.id);
        jobId = underlyingJobId(this.item);
        this.ctx.tree.changed(this); // the full update has its status and dates
      }
      if (!jobId) return [new InfoNode(`${this.id}/#nojob`, 'No job yet', 'info', undefined, this, String(this.item.rawStatus))];
      const rollout = await this.ctx.provider.describeJob(jobId);
      return [new JobNode(rollout.job, this.ctx, this)];
    } catch (err) {
      this.job = undefined; // not cached: Retry reloads
      return [
        new ErrorNode(`${this.id}/#error`, `Could not load the job of ${this.item.id}`, oneLine(errorText(err)), { command: 'otaBench.refresh', title: 'Retry', arguments: [this] }, { parent: this }),
      ];
    }
  }
}
