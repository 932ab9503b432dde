// Huawei Cloud IoTDA behind the CloudProvider contract: OTA packages (grouped into Packages by the
// release's package name, see map.ts), upgrade batch tasks and their per-device details, publish
// (OBS + CreateOtaPackage), verify (CreateBatchTask), watch (ShowBatchTask), stop, retry and confirm, and
// Release to Fleet (fleet.ts: one firmwareUpgrade task on device groups or listed devices).

import type { S3Client } from '@aws-sdk/client-s3';
import { CloudError, isCloudErrorCode } from '../../errors';
import type { Execution, Job, ListOptions, Package, PackageVersion, Page, Rollout } from '../../model';
import type { HuaweiProfile } from '../../profiles';
import type { UploadOptions } from '../aws/upload';
import { callTimeoutFromSeconds } from '../kit/call';
import { encodeCursor, decodeCursor } from '../kit/cursor';
import type { FleetAnswers, FleetForm, FleetSource } from '../fleet';
import type { Cancel, CloudProvider, JobConfirmation, Progress, PublishRequest, PublishResult, VerifyRequest, WatchOptions } from '../provider';
import { IotdaClient } from './client';
import { scrub } from './errors';
import { fleetFormFor, startFleetTask } from './fleet';
import type { AkSk } from './sign';
import { iotdaEndpoint, signingFor, type SigningChoice } from './endpoint';
import { packageIdOf, toExecution, toJob, toPackages, toVersion } from './map';
import { clampPageSize, keyPage, scanAll, scanPage } from './paging';
import { obsClient, publish } from './publish';
import { rawDetailStatuses, rawTaskStatuses, taskState, type TaskState } from './status';
import { findTaskByName, startVerifyTask, taskScan, UPGRADE_TYPES } from './verify';
import { readTask, watchTask } from './watch';
import { PAGE_LIMITS, PATHS, type BatchTargets, type BatchTargetsResponse, type ListOtaPackageInfoResponse, type OtaPackage, type OtaPackageInfo, type ShowBatchTaskResponse, type TaskDetail } from './wire';
import type { ExecutionStatus } from '../../model';

/** Profile keys beyond the descriptor's that ride along in settings (emulators, private endpoints). */
export interface HuaweiProfileExtras {
  /** OBS endpoint override (S3-compatible API; path-style). */
  obsEndpoint?: string;
  /** Key prefix for uploaded images (default "ota-bench/"). */
  keyPrefix?: string;
  /** 'auto' (default: from the endpoint), 'plain' (SDK-HMAC-SHA256) or 'derived' (V11-HMAC-SHA256). */
  signing?: SigningChoice;
  /** Deadline of one call in seconds (1–600; default 30). */
  callTimeoutSeconds?: number;
}

export type HuaweiProfileConfig = HuaweiProfile & HuaweiProfileExtras;

export interface HuaweiProviderOptions extends UploadOptions {
  callTimeoutMs?: number;
  /** First back-off pause of a retried call (ms). */
  backoffMs?: number;
}

const PACKAGE_TYPES = ['firmwarePackage', 'softwarePackage'] as const;

export function callTimeoutOf(profile: HuaweiProfileConfig, opts: HuaweiProviderOptions = {}): number {
  return opts.callTimeoutMs ?? callTimeoutFromSeconds(profile.callTimeoutSeconds);
}

export class HuaweiProvider implements CloudProvider {
  readonly client: IotdaClient;
  private s3?: S3Client;
  private readonly timeoutMs: number;

  constructor(
    readonly profile: HuaweiProfileConfig,
    private readonly creds: AkSk & { source: 'env' | 'secrets' },
    private readonly opts: HuaweiProviderOptions = {},
  ) {
    if (!profile.projectId) throw new CloudError('The Huawei profile has no project id.', 'config', 'Edit the profile and set "Project id" (IAM → My Credentials → API Credentials).');
    const endpoint = iotdaEndpoint(profile.region, profile.endpoint);
    this.timeoutMs = callTimeoutOf(profile, opts);
    this.client = new IotdaClient({
      endpoint,
      region: profile.region,
      projectId: profile.projectId,
      instanceId: profile.instanceId || undefined,
      credentials: creds,
      algorithm: signingFor(endpoint, { instanceId: profile.instanceId || undefined, choice: profile.signing }),
      timeoutMs: this.timeoutMs,
      backoffMs: opts.backoffMs,
    });
  }

  private get projectId(): string {
    return this.profile.projectId;
  }

  private packageScan() {
    return {
      types: PACKAGE_TYPES,
      fetch: async (type: string, marker: string | undefined, limit: number) =>
        (await this.client.request<ListOtaPackageInfoResponse>('Listing OTA packages', 'GET', PATHS.packages(this.projectId), { query: { package_type: type, app_id: this.profile.appId, marker, limit } })).packages ?? [],
      idOf: (p: OtaPackageInfo) => p.package_id,
    };
  }

  /** Packages are groups of records (map.ts): all records are read, the groups paged by name. */
  async listPackages(opts: ListOptions = {}): Promise<Page<Package>> {
    decodeCursor(opts.next, 'marker'); // a bad cursor is refused before any call
    const all = toPackages(await scanAll(this.packageScan()))
      .filter((p) => !opts.prefix || p.name.startsWith(opts.prefix))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return keyPage(all, (p) => p.id, opts.next, clampPageSize(opts.pageSize));
  }

  async listVersions(packageId: string, opts: ListOptions = {}): Promise<Page<PackageVersion>> {
    return scanPage(this.packageScan(), {
      next: opts.next,
      pageSize: clampPageSize(opts.pageSize),
      match: (p) => packageIdOf(p) === packageId && (!opts.prefix || p.version.startsWith(opts.prefix)) && (!opts.status || opts.status === 'published'),
      map: toVersion,
    });
  }

  async getVersion(_packageId: string, versionId: string): Promise<PackageVersion> {
    return toVersion(await this.client.request<OtaPackage>(`Reading OTA package ${versionId}`, 'GET', PATHS.package(this.projectId, versionId)));
  }

  async listJobs(opts: ListOptions = {}): Promise<Page<Job>> {
    const raws = opts.status ? rawTaskStatuses(opts.status as TaskState) : undefined;
    if (raws && !raws.length) throw new CloudError(`"${opts.status}" is not a status IoTDA tasks have.`, 'invalid');
    // One raw status filters on the server; several (scheduled = Initializing + Waitting) per page.
    return scanPage(taskScan(this.client, this.profile, { status: raws?.length === 1 ? raws[0] : undefined }), {
      next: opts.next,
      pageSize: clampPageSize(opts.pageSize),
      match: (t) => (!raws || raws.includes(t.status)) && (!opts.prefix || t.task_name.startsWith(opts.prefix) || t.task_id.startsWith(opts.prefix)),
      map: toJob,
    });
  }

  /** A task's per-device details; paged with IoTDA's own marker + offset. */
  async listExecutions(jobId: string, opts: ListOptions = {}): Promise<Page<Execution>> {
    const raws = opts.status ? rawDetailStatuses(opts.status as ExecutionStatus) : undefined;
    const c = decodeCursor(opts.next, 'marker');
    const limit = clampPageSize(opts.pageSize);
    const r = await this.client.request<ShowBatchTaskResponse>(`Listing the device tasks of ${jobId}`, 'GET', PATHS.task(this.projectId, jobId), {
      query: { limit, marker: c?.marker, offset: c?.offset || undefined, task_detail_status: raws?.length === 1 ? raws[0] : undefined },
    });
    const details: TaskDetail[] = r.task_details ?? [];
    const items = details.filter((d) => (!raws || raws.includes(d.status)) && (!opts.prefix || d.target.startsWith(opts.prefix))).map((d) => toExecution(jobId, d));
    const next = details.length === limit && r.page?.marker ? encodeCursor({ kind: 'marker', marker: r.page.marker, offset: 0 }) : undefined;
    return { items, next };
  }

  /** One device's subtask with its output and error. */
  async describeExecution(jobId: string, target: string): Promise<Execution> {
    const r = await this.client.request<ShowBatchTaskResponse>(`Reading ${target}'s task of ${jobId}`, 'GET', PATHS.task(this.projectId, jobId), { query: { target, limit: 1 } });
    const d = r.task_details?.[0];
    if (!d) throw new CloudError(`${target} is not a device of upgrade task ${jobId}.`, 'not-found');
    return toExecution(jobId, d);
  }

  describeJob(jobId: string): Promise<Rollout> {
    return readTask(this.client, this.projectId, jobId);
  }

  async getJobDocument(jobId: string): Promise<string> {
    const r = await this.client.request<ShowBatchTaskResponse>(`Reading upgrade task ${jobId}`, 'GET', PATHS.task(this.projectId, jobId), { query: { limit: 1 } });
    return JSON.stringify(r.batchtask.document ?? {}, null, 2);
  }

  private s3Client(): S3Client {
    return (this.s3 ??= obsClient(this.profile, this.creds, this.timeoutMs));
  }

  publish(req: PublishRequest, progress?: Progress, signal?: Cancel): Promise<PublishResult> {
    return publish({ profile: this.profile, client: this.client, s3: this.s3Client(), keysFrom: this.creds.source, timeoutMs: this.timeoutMs }, req, this.opts, progress, signal);
  }

  startVerifyJob(req: VerifyRequest, signal?: Cancel): Promise<Job> {
    return startVerifyTask(this.client, this.profile, req, signal);
  }

  findVerifyJob(reference: string, _hint: unknown, signal?: Cancel): Promise<Job | undefined> {
    return findTaskByName(this.client, this.profile, reference, signal);
  }

  /** The Release to Fleet questions (fleet.ts), once the bench task shows the version passed. */
  fleetForm(source: FleetSource, signal?: Cancel): Promise<FleetForm> {
    return fleetFormFor(this.client, this.profile, source, signal);
  }

  /** One firmwareUpgrade task for the fleet (fleet.ts): answers and limits checked before any call. */
  startFleetRollout(source: FleetSource, answers: FleetAnswers, signal?: Cancel): Promise<Job> {
    return startFleetTask(this.client, this.profile, source, answers, signal);
  }

  /** Tasks whose subtask on a bench device waits or runs: a device takes one upgrade at a time. */
  async pendingWork(targets: string[], signal?: Cancel): Promise<Job[]> {
    const found = new Map<string, Job>();
    for (const status of ['Processing', 'Waitting', 'Initializing'] as const) {
      const page = await scanPage(taskScan(this.client, this.profile, { status, types: UPGRADE_TYPES, signal }), { pageSize: PAGE_LIMITS.maxLimit, map: (t) => t });
      for (const t of page.items) {
        if (found.has(t.task_id) || !(t.targets ?? targets).some((d) => targets.includes(d))) continue;
        for (const target of targets) {
          const r = await this.client.request<ShowBatchTaskResponse>(`Reading ${target}'s task of ${t.task_id}`, 'GET', PATHS.task(this.projectId, t.task_id), { query: { target, limit: 1 }, signal });
          const d = r.task_details?.[0];
          if (d && ['Waitting', 'Processing', 'FailWaitRetry'].includes(d.status)) {
            found.set(t.task_id, { ...toJob(r.batchtask), rawStatus: `${target}: ${d.status}` });
            break;
          }
        }
      }
    }
    return [...found.values()];
  }

  /** StopBatchTask on every subtask still waiting or running. Already stopped: success (a lost reply). */
  async cancelJob(jobId: string): Promise<void> {
    const r = await this.client.request<BatchTargetsResponse>(`Stopping upgrade task ${jobId}`, 'POST', PATHS.taskAction(this.projectId, jobId, 'stop'), { body: {} });
    const failed = (r?.targets ?? []).filter((t) => t.status && t.status !== 'Success');
    if (failed.length) throw new CloudError(`Stopping upgrade task ${jobId}: ${failed.map((t) => `${t.target}: ${t.error_msg ?? t.error_code ?? t.status}`).join('; ')}`, 'invalid', undefined, failed[0].error_code);
    if (r?.targets?.length) return;
    const now = await this.describeJob(jobId);
    const s = taskState(now.job.rawStatus);
    if (s.final && s.status !== 'canceled') throw new CloudError(`Upgrade task ${jobId} has already ended (${now.job.rawStatus}); there is nothing to stop.`, 'invalid', 'Retry the task instead to run its failed devices again.');
  }

  /** RetryBatchTask: the failed (and stopped) devices run again. */
  async retryJob(jobId: string): Promise<void> {
    const r = await this.client.request<BatchTargetsResponse>(`Retrying upgrade task ${jobId}`, 'POST', PATHS.taskAction(this.projectId, jobId, 'retry'), { body: {} });
    const failed = (r?.targets ?? []).filter((t) => t.status && t.status !== 'Success');
    if (failed.length) throw new CloudError(`Retrying upgrade task ${jobId}: ${failed.map((t) => `${t.target}: ${t.error_msg ?? t.error_code ?? t.status}`).join('; ')}`, 'invalid', undefined, failed[0].error_code);
    if (!r?.targets?.length) throw new CloudError(`Upgrade task ${jobId} has no failed or stopped devices to retry.`, 'invalid');
  }

  /**
   * ConfirmBatchTask: the devices of a need_confirm task that wait for a confirmation start (all of
   * them, or `targets`). Each refused device keeps IoTDA's reason; none waiting says why.
   */
  async confirmJob(jobId: string, targets?: string[]): Promise<JobConfirmation> {
    const body: BatchTargets = targets?.length ? { targets } : {};
    const r = await this.client.request<BatchTargetsResponse>(`Confirming upgrade task ${jobId}`, 'POST', PATHS.taskAction(this.projectId, jobId, 'confirm'), { body });
    const results = r?.targets ?? [];
    if (!results.length) throw await this.nothingToConfirm(jobId);
    const refused = results.filter((t) => t.status && t.status !== 'Success');
    return {
      confirmed: results.filter((t) => !refused.includes(t)).map((t) => t.target),
      failed: refused.map((t) => ({ target: t.target, reason: scrub([t.error_code, t.error_msg].filter(Boolean).join(': ') || String(t.status)) })),
    };
  }

  /** Why a confirmation found no waiting device: the task ended, never asked for one, or had them confirmed. */
  private async nothingToConfirm(jobId: string): Promise<CloudError> {
    const r = await this.client.request<ShowBatchTaskResponse>(`Reading upgrade task ${jobId}`, 'GET', PATHS.task(this.projectId, jobId), { query: { limit: 1 } });
    const t = r.batchtask;
    if (taskState(t.status).final) return new CloudError(`Upgrade task ${jobId} has already ended (${t.status}); no devices wait for a confirmation.`, 'invalid');
    if (!t.need_confirm) return new CloudError(`Upgrade task ${jobId} was created without need_confirm: its devices do not wait for a confirmation.`, 'invalid', 'Its devices start on their own as they come online; there is nothing to confirm.');
    return new CloudError(`Upgrade task ${jobId} has no devices waiting for a confirmation: they were confirmed already.`, 'invalid');
  }

  watchJob(jobId: string, opts: WatchOptions = {}): AsyncIterable<Rollout> {
    return watchTask(this.client, this.projectId, jobId, opts);
  }

  dispose(): void {
    this.s3?.destroy();
  }
}

export const isNotFound = (e: unknown) => isCloudErrorCode(e, 'not-found');
