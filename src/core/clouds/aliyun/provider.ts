// Alibaba Cloud IoT Platform OTA behind the CloudProvider contract: firmware (grouped into
// Packages by the release's package name, see map.ts) → versions (one firmware each) → jobs
// (ListOTAJobByFirmware: Alibaba has no account-wide job list) → device tasks; publish (OSS POST
// + CreateOTAFirmware), verify (CreateOTAVerifyJob, or a SPECIFIC re-test once verified), watch,
// cancel a job's tasks by state, Release to Fleet (a static upgrade job, fleet.ts).
//
// Paging: jobs and tasks page on the wire (CurrentPage/PageSize, each action's own limit), the
// cursor is the kit's 'page' kind. Packages and versions are groups we make ourselves, so the
// firmware list is read whole (at most 500 firmware per instance: ≤ 5 calls of 100) and the
// groups are paged by number.

import { CloudError } from '../../errors';
import type { Execution, Job, ListOptions, Package, PackageVersion, Page, Rollout } from '../../model';
import type { FleetAnswers, FleetForm, FleetSource } from '../fleet';
import { decodeCursor, encodeCursor } from '../kit/cursor';
import type { Cancel, CloudProvider, JobTaskState, Progress, PublishRequest, PublishResult, VerifyRequest, WatchOptions } from '../provider';
import type { AliyunOtaClient } from './client';
import { allRows, type AliyunContext, type AliyunProfileConfig } from './context';
import { aliyunClassifier } from './errors';
import { fleetForm, startFleetRollout } from './fleet';
import { pageSize, MAX_FIRMWARE_PER_INSTANCE } from './limits';
import { packageIdOf, rolloutOf, toExecution, toJob, toPackages, toVersion } from './map';
import { publish } from './publish';
import { cancelFlags, taskStatusFilter } from './status';
import { findVerifyJob, pendingWork, startVerifyJob } from './verify';
import { watchJob, type AliyunWatchOptions } from './watch';
import type { SimpleFirmwareInfo } from './wire';

/** Tree pages when the caller gives no size. */
const DEFAULT_PAGE = 50;

const pageOf = (next: string | undefined) => decodeCursor(next, 'page')?.page ?? 1;

/** Page `page` of an already complete list. */
function numbered<T>(all: T[], page: number, size: number): Page<T> {
  const items = all.slice((page - 1) * size, page * size);
  return { items, next: page * size < all.length ? encodeCursor({ kind: 'page', page: page + 1 }) : undefined };
}

export class AliyunProvider implements CloudProvider {
  readonly ctx: AliyunContext;

  constructor(
    readonly profile: AliyunProfileConfig,
    client: AliyunOtaClient,
  ) {
    this.ctx = { profile, client, classify: aliyunClassifier({ iotInstanceId: profile.iotInstanceId }) };
  }

  private get client() {
    return this.ctx.client;
  }

  /** Every firmware record (optionally of one product), newest first as Alibaba lists them. */
  private firmware(productKey?: string): Promise<SimpleFirmwareInfo[]> {
    return allRows(
      'ListOTAFirmware',
      async (CurrentPage, PageSize) => {
        const r = await this.client.call('ListOTAFirmware', { CurrentPage, PageSize, ...(productKey ? { ProductKey: productKey } : {}) }, { what: 'Listing firmware' });
        return { ...r, rows: r.FirmwareInfo?.SimpleFirmwareInfo ?? [] };
      },
      MAX_FIRMWARE_PER_INSTANCE * 2,
    );
  }

  async listPackages(opts: ListOptions = {}): Promise<Page<Package>> {
    const page = pageOf(opts.next); // a bad cursor is refused before any call
    const all = toPackages(await this.firmware()).filter((p) => !opts.prefix || p.name.startsWith(opts.prefix));
    return numbered(all, page, opts.pageSize ?? DEFAULT_PAGE);
  }

  async listVersions(packageId: string, opts: ListOptions = {}): Promise<Page<PackageVersion>> {
    const page = pageOf(opts.next);
    const product = /^([^/]+)\/[^/]+$/.exec(packageId)?.[1];
    const all = (await this.firmware(product))
      .filter((f) => packageIdOf(f) === packageId)
      .map(toVersion)
      .filter((v) => (!opts.prefix || v.version.startsWith(opts.prefix)) && (!opts.status || v.status === opts.status));
    return numbered(all, page, opts.pageSize ?? DEFAULT_PAGE);
  }

  async getVersion(_packageId: string, versionId: string): Promise<PackageVersion> {
    const r = await this.client.call('QueryOTAFirmware', { FirmwareId: versionId }, { what: `Reading firmware ${versionId}` });
    if (!r.FirmwareInfo) throw new CloudError(`Firmware ${versionId} cannot be found.`, 'not-found');
    return toVersion(r.FirmwareInfo);
  }

  /** The jobs of one firmware, a page of ListOTAJobByFirmware (≤ 200); other scopes have none. */
  async listJobs(opts: ListOptions & { version?: { packageId: string; versionId: string } } = {}): Promise<Page<Job>> {
    const CurrentPage = pageOf(opts.next);
    if (!opts.version) return { items: [] };
    const PageSize = pageSize('ListOTAJobByFirmware', opts.pageSize ?? DEFAULT_PAGE);
    const r = await this.client.call('ListOTAJobByFirmware', { FirmwareId: opts.version.versionId, CurrentPage, PageSize }, { what: `Listing the jobs of firmware ${opts.version.versionId}` });
    const rows = r.Data?.SimpleOTAJobInfo ?? [];
    const items = rows.map((j) => toJob(j)).filter((j) => (!opts.prefix || j.id.startsWith(opts.prefix)) && (!opts.status || j.status === opts.status));
    const more = rows.length === PageSize && CurrentPage < (r.PageCount ?? Infinity);
    return { items, next: more ? encodeCursor({ kind: 'page', page: CurrentPage + 1 }) : undefined };
  }

  /** A job's device tasks, a page of ListOTATaskByJob (≤ 100; its TaskStatus filter on the wire). */
  async listExecutions(jobId: string, opts: ListOptions = {}): Promise<Page<Execution>> {
    const CurrentPage = pageOf(opts.next);
    const PageSize = pageSize('ListOTATaskByJob', opts.pageSize ?? DEFAULT_PAGE);
    const TaskStatus = opts.status ? taskStatusFilter(opts.status) : undefined;
    if (opts.status && !TaskStatus) return { items: [] }; // a status Alibaba tasks never have
    const r = await this.client.call('ListOTATaskByJob', { JobId: jobId, CurrentPage, PageSize, ...(TaskStatus ? { TaskStatus } : {}) }, { what: `Listing the device tasks of job ${jobId}` });
    const rows = r.Data?.SimpleOTATaskInfo ?? [];
    const items = rows.map((t) => toExecution(t, jobId)).filter((e) => !opts.prefix || e.target.startsWith(opts.prefix));
    const more = rows.length === PageSize && CurrentPage < (r.PageCount ?? Infinity);
    return { items, next: more ? encodeCursor({ kind: 'page', page: CurrentPage + 1 }) : undefined };
  }

  async describeJob(jobId: string): Promise<Rollout> {
    const job = (await this.client.call('QueryOTAJob', { JobId: jobId }, { what: `Reading job ${jobId}` })).Data;
    if (!job) throw new CloudError(`Job ${jobId} cannot be found.`, 'not-found');
    const tasks = await allRows('ListOTATaskByJob', async (CurrentPage, PageSize) => {
      const r = await this.client.call('ListOTATaskByJob', { JobId: jobId, CurrentPage, PageSize }, { what: `Listing the device tasks of job ${jobId}` });
      return { ...r, rows: r.Data?.SimpleOTATaskInfo ?? [] };
    });
    return rolloutOf(job, tasks.map((t) => toExecution(t, jobId)));
  }

  /** Alibaba jobs have no document: their settings (QueryOTAJob) as JSON. */
  async getJobDocument(jobId: string): Promise<string> {
    const r = await this.client.call('QueryOTAJob', { JobId: jobId }, { what: `Reading job ${jobId}` });
    return JSON.stringify(r.Data ?? {}, null, 2);
  }

  publish(req: PublishRequest, progress?: Progress, signal?: Cancel): Promise<PublishResult> {
    return publish(this.ctx, req, progress, signal);
  }

  startVerifyJob(req: VerifyRequest, signal?: Cancel): Promise<Job> {
    return startVerifyJob(this.ctx, req, signal);
  }

  findVerifyJob(reference: string, hint: { packageName: string; version: string; versionId?: string }, signal?: Cancel): Promise<Job | undefined> {
    return findVerifyJob(this.ctx, reference, hint, signal);
  }

  fleetForm(source: FleetSource, signal?: Cancel): Promise<FleetForm> {
    return fleetForm(this.ctx, source, signal);
  }

  startFleetRollout(source: FleetSource, answers: FleetAnswers, signal?: Cancel): Promise<Job> {
    return startFleetRollout(this.ctx, source, answers, signal);
  }

  pendingWork(targets: string[], signal?: Cancel): Promise<Job[]> {
    return pendingWork(this.ctx, targets, signal);
  }

  /** Cancels every task that is not final (CancelOTATaskByJob with every state). */
  cancelJob(jobId: string): Promise<void> {
    return this.cancelJobTasks(jobId, ['confirm', 'queued', 'notified', 'in-progress', 'scheduled']);
  }

  async cancelJobTasks(jobId: string, states: readonly JobTaskState[]): Promise<void> {
    await this.client.call('CancelOTATaskByJob', { JobId: jobId, ...cancelFlags(states) }, { what: `Cancelling the ${states.join('/')} tasks of job ${jobId}` });
  }

  watchJob(jobId: string, opts: WatchOptions & AliyunWatchOptions = {}): AsyncIterable<Rollout> {
    return watchJob(this.ctx, jobId, opts);
  }
}


