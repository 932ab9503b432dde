import * as vscode from 'vscode';
import type { CloudProvider } from '../../core/clouds/provider';
import type { Execution, Job, Package, PackageVersion } from '../../core/model';
import type { CloudProfile } from '../../core/profiles';
import { contextValue, fieldsTooltip, themeIcon } from './look';
import { BenchNode } from './node';
import { isPagedOwner, ItemNode, PagedChildren, PagedOwner, TreeEvents } from './paged';
import {
  describeExecution, describeJob, describePackage, describeVersion, executionFields, jobFields, lookOfExecution, lookOfJob,
  lookOfVersion, packageFields, versionFields,
} from './present';

/** What every node under a profile shares: the profile, its provider and the tree to redraw. */
export interface ProfileContext {
  readonly profile: CloudProfile;
  readonly provider: CloudProvider;
  readonly tree: TreeEvents;
  readonly pageSize?: number;
}

export const VERSION_STATUSES = ['draft', 'published', 'deprecated'] as const;
export const JOB_STATUSES = ['in-progress', 'scheduled', 'completed', 'canceled'] as const;
export const EXECUTION_STATUS_FILTER = ['queued', 'in-progress', 'succeeded', 'failed', 'timed-out', 'rejected', 'canceled', 'removed'] as const;

const childId = (parent: BenchNode, kind: string, key: string) => `${parent.id}/${kind}/${key}`;

/** A package; expands to its versions (paged, filterable by status). */
export class PackageNode implements ItemNode<Package>, PagedOwner {
  readonly id: string;
  readonly paged: PagedChildren<PackageVersion>;

  constructor(
    public item: Package,
    readonly ctx: ProfileContext,
    readonly parent: BenchNode,
  ) {
    this.id = childId(parent, 'package', item.id);
    this.paged = new PagedChildren(this, {
      noun: 'versions',
      fetch: (opts) => ctx.provider.listVersions(item.id, opts),
      key: (v) => v.id,
      node: (v, owner) => new VersionNode(v, ctx, owner),
      statuses: VERSION_STATUSES,
      pageSize: ctx.pageSize,
      cloud: ctx.profile.kind,
    }, ctx.tree);
  }

  update(item: Package): void {
    this.item = item;
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.item;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.paged.filtered ? 'filter-filled' : 'package');
    item.description = [describePackage(p), this.paged.filtered ? `versions: ${this.paged.filterText()}` : ''].filter(Boolean).join(' · ');
    item.tooltip = fieldsTooltip('Package', packageFields(p));
    item.contextValue = contextValue('package', [p.arn && 'arn', 'paged', 'statuses', this.paged.filtered && 'filtered']);
    return item;
  }

  getChildren(): Promise<BenchNode[]> {
    return this.paged.children();
  }

  reset(): void {
    this.paged.reset();
  }
}

/** One version of a package: DRAFT / PUBLISHED / DEPRECATED, the object commands act on. */
export class VersionNode implements ItemNode<PackageVersion> {
  readonly id: string;

  constructor(
    public item: PackageVersion,
    readonly ctx: ProfileContext,
    readonly parent: PackageNode | BenchNode,
  ) {
    this.id = childId(parent, 'version', item.id);
  }

  update(item: PackageVersion): void {
    this.item = item;
  }

  getTreeItem(): vscode.TreeItem {
    const v = this.item;
    const item = new vscode.TreeItem(v.version, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = themeIcon(lookOfVersion(v.status));
    item.description = describeVersion(v);
    item.tooltip = fieldsTooltip(`Version ${v.version}`, versionFields(v));
    item.contextValue = contextValue('version', [`status=${v.status}`, v.arn && 'arn']);
    return item;
  }
}

/** A job; expands to its executions (paged). A refresh re-reads the job's own status too. */
export class JobNode implements ItemNode<Job>, PagedOwner {
  readonly id: string;
  readonly paged: PagedChildren<Execution>;
  private stale = false;

  constructor(
    public item: Job,
    readonly ctx: ProfileContext,
    readonly parent: BenchNode,
  ) {
    this.id = childId(parent, 'job', item.id);
    this.paged = new PagedChildren(this, {
      noun: 'executions',
      fetch: (opts) => ctx.provider.listExecutions(item.id, opts),
      key: (e) => e.target,
      node: (e, owner) => new ExecutionNode(e, ctx, owner),
      statuses: EXECUTION_STATUS_FILTER,
      pageSize: ctx.pageSize,
      cloud: ctx.profile.kind,
    }, ctx.tree);
  }

  update(item: Job): void {
    this.item = item;
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    if (this.stale) {
      this.stale = false;
      // Keep the old item if the job cannot be read now: its executions node will show the error.
      await this.ctx.provider.describeJob(this.item.id).then((r) => this.refreshed(r.job), () => undefined);
    }
    const j = this.item;
    const item = new vscode.TreeItem(j.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = themeIcon(lookOfJob(j.status));
    item.description = [describeJob(j), this.paged.filtered ? `executions: ${this.paged.filterText()}` : ''].filter(Boolean).join(' · ');
    item.tooltip = fieldsTooltip(j.kind === 'verify' ? 'Verify job' : 'Job', jobFields(j));
    item.contextValue = contextValue('job', [`status=${j.status}`, j.arn && 'arn', 'paged', 'statuses', this.paged.filtered && 'filtered']);
    return item;
  }

  /** Takes a fresh copy of the job, also into the list it came from (so a redraw keeps it). */
  refreshed(job: Job): void {
    this.item = job;
    if (isPagedOwner(this.parent)) this.parent.paged.pager.replace(job);
  }

  getChildren(): Promise<BenchNode[]> {
    return this.paged.children();
  }

  reset(): void {
    this.stale = true;
    this.paged.reset();
  }
}

/** One device's execution of a job; clicking opens its details. */
export class ExecutionNode implements ItemNode<Execution> {
  readonly id: string;

  constructor(
    public item: Execution,
    readonly ctx: ProfileContext,
    readonly parent: JobNode | BenchNode,
  ) {
    this.id = childId(parent, 'execution', item.target);
  }

  update(item: Execution): void {
    this.item = item;
  }

  getTreeItem(): vscode.TreeItem {
    const e = this.item;
    const item = new vscode.TreeItem(e.target, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = themeIcon(lookOfExecution(e.status));
    item.description = describeExecution(e);
    item.tooltip = fieldsTooltip(`Execution on ${e.target}`, executionFields(e));
    item.contextValue = contextValue('execution', [`status=${e.status}`, e.details?.thingArn !== undefined && 'arn']);
    item.command = { command: 'otaBench.openExecutionDetails', title: 'Open Execution Details', arguments: [this] };
    return item;
  }
}
