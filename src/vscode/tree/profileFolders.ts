import * as vscode from 'vscode';
import { can, descriptorOf } from '../../core/clouds/registry';
import type { Job } from '../../core/model';
import { errorText, oneLine } from '../clouds/errors';
import { CloudItemNode, JobNode, listSpec, PackageNode, ProfileContext, refFlag } from './itemNodes';
import { contextValue, fieldsTooltip, themeIcon, treeItem } from './look';
import { BenchNode, ErrorNode, InfoNode } from './node';
import { PagedFolderNode } from './paged';
import { formatWhen, jobFields, Look } from './present';

const fromProfile = (ctx: ProfileContext) => ({ pageSize: ctx.pageSize, cloud: ctx.profile.kind });

/** A profile's folders, as its cloud's descriptor lists them (AWS: Packages · Jobs · OTA updates; Huawei: Packages · Upgrade tasks; Alibaba: Firmware). */
export function profileFolders(ctx: ProfileContext, parent: BenchNode): BenchNode[] {
  const d = descriptorOf(ctx.profile);
  const provider = ctx.provider;
  return d.folders.map((f): BenchNode => {
    const id = `${parent.id}/${f.id === 'ota-updates' ? 'ota' : f.id}`;
    switch (f.id) {
      case 'packages':
        return new PagedFolderNode(id, f.label, f.icon, 'packages', {
          noun: d.nouns.packages,
          fetch: (opts) => provider.listPackages(opts),
          key: (p) => p.id,
          node: (p, owner) => new PackageNode(p, ctx, owner),
          ...listSpec(d.lists.packages),
          ...fromProfile(ctx),
        }, ctx.tree, parent);
      case 'jobs':
        return new PagedFolderNode(id, f.label, f.icon, 'jobs', {
          noun: d.nouns.jobs,
          fetch: (opts) => provider.listJobs(opts),
          key: (j) => j.id,
          node: (j, owner) => new JobNode(j, ctx, owner),
          ...listSpec(d.lists.jobs),
          ...fromProfile(ctx),
        }, ctx.tree, parent);
      case 'ota-updates': {
        const list = provider.listOtaUpdates?.bind(provider);
        if (!list) return new InfoNode(`${id}/#none`, `${f.label}: not available`, 'circle-slash', undefined, parent);
        return new PagedFolderNode(id, f.label, f.icon, 'otaUpdates', {
          noun: f.label,
          fetch: (opts) => list(opts),
          key: (u) => u.id,
          node: (u, owner) => new OtaUpdateNode(u, ctx, owner),
          ...fromProfile(ctx),
        }, ctx.tree, parent);
      }
    }
  });
}

const OTA_LOOK: Record<string, Look> = {
  CREATE_PENDING: { icon: 'sync~spin', color: 'charts.blue' },
  CREATE_IN_PROGRESS: { icon: 'sync~spin', color: 'charts.blue' },
  CREATE_COMPLETE: { icon: 'pass', color: 'charts.green' },
  CREATE_FAILED: { icon: 'error', color: 'charts.red' },
  DELETE_IN_PROGRESS: { icon: 'trash', color: 'disabledForeground' },
  DELETE_FAILED: { icon: 'error', color: 'charts.red' },
};

/** The job an OTA update runs (AWS awsIotJobId), once the cloud has created it. */
export function underlyingJobId(u: Job): string | undefined {
  return u.runsJob || undefined;
}

/** An OTA update (AWS CreateOTAUpdate); expands to the job it created. */
export class OtaUpdateNode extends CloudItemNode<Job> {
  private job?: Promise<BenchNode[]>;

  constructor(item: Job, ctx: ProfileContext, parent: BenchNode) {
    super(item, ctx, parent, 'ota', item.id);
  }

  getTreeItem(): vscode.TreeItem {
    const u = this.item;
    const raw = u.rawStatus;
    return treeItem({
      id: this.id,
      label: u.id,
      expandable: true,
      icon: themeIcon(OTA_LOOK[raw] ?? { icon: 'rocket' }),
      description: [raw, formatWhen(u.updatedAt ?? u.createdAt)].filter(Boolean).join(' · '),
      tooltip: fieldsTooltip('OTA update', jobFields(u)),
      contextValue: contextValue('otaUpdate', [refFlag(this.ctx, u.cloudRef), can(this.ctx.profile, 'job-document') && 'document']),
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
      const provider = this.ctx.provider;
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
