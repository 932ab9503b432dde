import * as vscode from 'vscode';
import type { CloudProvider } from '../../core/clouds/provider';
import type { Capability, ListSpec } from '../../core/clouds/descriptor';
import { can, descriptorOf } from '../../core/clouds/registry';
import type { Execution, Job, Package, PackageVersion, Page } from '../../core/model';

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
import type { CloudProfile } from '../../core/profiles';
import { contextValue, fieldsTooltip, themeIcon, treeItem } from './look';
import { BenchNode } from './node';
import { isPagedOwner, ItemNode, PagedChildren, PagedOwner, PagedSpec, TreeEvents } from './paged';
import {
  describeExecution, describeJob, describePackage, describeVersion, executionFields, jobFields, lookOfExecution, lookOfJob,
  lookOfVersion, packageFields, versionFields,
} from './present';

/** Providers that can read one version in full (its cloud reference, attributes and artifact). */
export const canGetVersion = (p: CloudProvider): p is CloudProvider & Required<Pick<CloudProvider, 'getVersion'>> =>
  can(p.profile, 'describe-version') && typeof p.getVersion === 'function';

/** Providers that can read one execution with the device's status details (AWS DescribeJobExecution). */
export const canDescribeExecution = (p: CloudProvider): p is CloudProvider & Required<Pick<CloudProvider, 'describeExecution'>> =>
  can(p.profile, 'describe-execution') && typeof p.describeExecution === 'function';

/** The menu flag for "Copy <cloud reference>" (ARN): only where the cloud has such references and the item carries one. */
export function refFlag(ctx: ProfileContext, ref: string | undefined): string | undefined {
  return ref && descriptorOf(ctx.profile).nouns.cloudRef ? 'arn' : undefined;
}

/** Menu flags for the optional operations the profile's cloud offers (package.json menus match them). */
function capabilityFlags(ctx: ProfileContext, pairs: [Capability, string][]): string[] {
  return pairs.filter(([c]) => can(ctx.profile, c)).map(([, flag]) => flag);
}

/** Executions whose status details matter (download progress, failure reason), read per page at most. */
const DETAIL_WORTHY = new Set(['in-progress', 'failed', 'rejected', 'timed-out']);
export const DETAILS_PER_PAGE = 10;

/**
 * List summaries carry no status details; read them for the few executions where the user wants
 * them (running or failed), bounded per page so a 250-device page does not cost 250 calls.
 */
export async function withStatusDetails(provider: CloudProvider, page: Page<Execution>): Promise<Page<Execution>> {
  if (!canDescribeExecution(provider)) return page;
  const wanted = page.items.filter((e) => DETAIL_WORTHY.has(e.status) && !e.statusDetails).slice(0, DETAILS_PER_PAGE);
  if (wanted.length === 0) return page;
  const full = new Map<string, Execution>();
  await Promise.all(
    wanted.map((e) =>
      provider.describeExecution(e.jobId, e.target).then(
        (x) => full.set(e.target, { ...e, ...x, details: { ...e.details, ...x.details } }),
        () => undefined, // the summary is still worth showing
      ),
    ),
  );
  return { ...page, items: page.items.map((e) => full.get(e.target) ?? e) };
}

/** What every node under a profile shares: the profile, its provider and the tree to redraw. */
export interface ProfileContext {
  readonly profile: CloudProfile;
  readonly provider: CloudProvider;
  readonly tree: TreeEvents;
  readonly pageSize?: number;
}

/** A list's filterable statuses and its API maximum page (Load All), from the descriptor. */
export const listSpec = (list: ListSpec) => ({ maxPageSize: list.maxPageSize, ...(list.statuses.length ? { statuses: list.statuses } : {}) });

/** A node showing one listed cloud object; its id is its parent's id plus kind and key. */
export abstract class CloudItemNode<T> implements ItemNode<T> {
  readonly id: string;

  constructor(
    public item: T,
    readonly ctx: ProfileContext,
    readonly parent: BenchNode,
    kind: string,
    key: string,
  ) {
    this.id = `${parent.id}/${kind}/${key}`;
  }

  update(item: T): void {
    this.item = item;
  }

  abstract getTreeItem(): vscode.TreeItem | Promise<vscode.TreeItem>;
}

/** A paged list under `owner` with the profile's page size and cloud filled in. */
export function pagedUnder<T>(owner: PagedOwner, ctx: ProfileContext, spec: Omit<PagedSpec<T>, 'pageSize' | 'cloud'>): PagedChildren<T> {
  return new PagedChildren(owner, { ...spec, pageSize: ctx.pageSize, cloud: ctx.profile.kind }, ctx.tree);
}

/** A package; expands to its versions (paged, filterable by status). */
export class PackageNode extends CloudItemNode<Package> implements PagedOwner {
  readonly paged: PagedChildren<PackageVersion>;

  constructor(item: Package, ctx: ProfileContext, parent: BenchNode) {
    super(item, ctx, parent, 'package', item.id);
    const d = descriptorOf(ctx.profile);
    this.paged = pagedUnder(this, ctx, {
      noun: `${d.nouns.version}s`,
      fetch: (opts) => ctx.provider.listVersions(item.id, opts),
      key: (v) => v.id,
      node: (v, owner) => new VersionNode(v, ctx, owner),
      ...listSpec(d.lists.versions),
    });
  }

  getTreeItem(): vscode.TreeItem {
    const p = this.item;
    return treeItem({
      id: this.id,
      label: p.name,
      expandable: true,
      icon: new vscode.ThemeIcon(this.paged.filtered ? 'filter-filled' : 'package'),
      description: [describePackage(p), this.paged.filtered ? `versions: ${this.paged.filterText()}` : ''].filter(Boolean).join(' · '),
      tooltip: fieldsTooltip(capitalised(descriptorOf(this.ctx.profile).nouns.package), packageFields(p)),
      contextValue: contextValue('package', [refFlag(this.ctx, p.cloudRef), 'paged', this.paged.spec.statuses && 'statuses', this.paged.filtered && 'filtered']),
    });
  }

  getChildren(): Promise<BenchNode[]> {
    return this.paged.children();
  }

  reset(): void {
    this.paged.reset();
  }
}

/**
 * One version of a package, the object commands act on. Where the cloud lists jobs per version
 * (Alibaba: ListOTAJobByFirmware), it expands to its jobs.
 */
export class VersionNode extends CloudItemNode<PackageVersion> implements Partial<PagedOwner> {
  readonly paged?: PagedChildren<Job>;

  constructor(item: PackageVersion, ctx: ProfileContext, parent: BenchNode) {
    super(item, ctx, parent, 'version', item.id);
    const d = descriptorOf(ctx.profile);
    if (d.jobScope === 'version') {
      this.paged = pagedUnder(this as PagedOwner, ctx, {
        noun: d.nouns.jobs,
        fetch: (opts) => ctx.provider.listJobs({ ...opts, version: { packageId: item.packageId, versionId: item.id } }),
        key: (j) => j.id,
        node: (j, owner) => new JobNode(j, ctx, owner),
        ...listSpec(d.lists.jobs),
      });
    }
  }

  getTreeItem(): vscode.TreeItem {
    const v = this.item;
    const ctx = this.ctx;
    return treeItem({
      id: this.id,
      label: v.version,
      expandable: !!this.paged,
      icon: themeIcon(lookOfVersion(v.status)),
      description: describeVersion(v),
      tooltip: fieldsTooltip(`${capitalised(descriptorOf(ctx.profile).nouns.version)} ${v.version}`, versionFields(v)),
      contextValue: contextValue('version', [
        `status=${v.status}`,
        (v.cloudRef || canGetVersion(ctx.provider)) && refFlag(ctx, v.cloudRef ?? 'on-demand'),
        ...capabilityFlags(ctx, [['version-lifecycle', 'lifecycle'], ['release', 'verify']]),
        ...(this.paged ? ['paged', this.paged.spec.statuses && 'statuses', this.paged.filtered && 'filtered'] : []),
      ]),
    });
  }

  getChildren(): Promise<BenchNode[]> {
    return this.paged ? this.paged.children() : Promise.resolve([]);
  }

  reset(): void {
    this.paged?.reset();
  }
}

/** A job; expands to its executions (paged). A refresh re-reads the job's own status too. */
export class JobNode extends CloudItemNode<Job> implements PagedOwner {
  readonly paged: PagedChildren<Execution>;
  private stale = false;

  constructor(item: Job, ctx: ProfileContext, parent: BenchNode) {
    super(item, ctx, parent, 'job', item.id);
    const d = descriptorOf(ctx.profile);
    this.paged = pagedUnder(this, ctx, {
      noun: d.nouns.executions,
      fetch: (opts) => ctx.provider.listExecutions(item.id, opts).then((page) => withStatusDetails(ctx.provider, page)),
      key: (e) => e.target,
      node: (e, owner) => new ExecutionNode(e, ctx, owner),
      ...listSpec(d.lists.executions),
    });
  }

  async getTreeItem(): Promise<vscode.TreeItem> {
    if (this.stale) {
      this.stale = false;
      // Keep the old item if the job cannot be read now: its executions node will show the error.
      await this.ctx.provider.describeJob(this.item.id).then((r) => this.refreshed(r.job), () => undefined);
    }
    const j = this.item;
    return treeItem({
      id: this.id,
      label: j.id,
      expandable: true,
      icon: themeIcon(lookOfJob(j.status)),
      description: [describeJob(j), this.paged.filtered ? `executions: ${this.paged.filterText()}` : ''].filter(Boolean).join(' · '),
      tooltip: fieldsTooltip(`${j.kind === 'verify' ? 'Verify ' : ''}${j.kind === 'verify' ? descriptorOf(this.ctx.profile).nouns.job : capitalised(descriptorOf(this.ctx.profile).nouns.job)}`, jobFields(j)),
      contextValue: contextValue('job', [
        `status=${j.status}`,
        refFlag(this.ctx, j.cloudRef),
        ...capabilityFlags(this.ctx, [['job-document', 'document'], ['cancel-job', 'cancel'], ['cancel-job-tasks', 'cancel-tasks'], ['retry-job', 'retry'], ['confirm-job', 'confirm']]),
        'paged',
        this.paged.spec.statuses && 'statuses',
        this.paged.filtered && 'filtered',
      ]),
    });
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
export class ExecutionNode extends CloudItemNode<Execution> {

  constructor(item: Execution, ctx: ProfileContext, parent: BenchNode) {
    super(item, ctx, parent, 'execution', item.target);
  }

  getTreeItem(): vscode.TreeItem {
    const e = this.item;
    return treeItem({
      id: this.id,
      label: e.target,
      expandable: false,
      icon: themeIcon(lookOfExecution(e.status)),
      description: describeExecution(e),
      tooltip: fieldsTooltip(`Execution on ${e.target}`, executionFields(e)),
      contextValue: contextValue('execution', [`status=${e.status}`, ...capabilityFlags(this.ctx, [['cancel-execution', 'cancel']])]),
      command: { command: 'otaBench.openExecutionDetails', title: 'Open Execution Details', arguments: [this] },
    });
  }
}
