// AWS IoT behind the CloudProvider contract, plus the AWS-only views the AWS tree uses
// (OTA updates, one execution's details, one version with its ARN, fleet rollouts).

import {
  CancelJobCommand,
  CancelJobExecutionCommand,
  CreateJobCommand,
  CreateOTAUpdateCommand,
  DescribeJobCommand,
  DescribeThingCommand,
  DescribeThingGroupCommand,
  DescribeJobExecutionCommand,
  GetJobDocumentCommand,
  GetOTAUpdateCommand,
  GetPackageVersionCommand,
  ListJobExecutionsForJobCommand,
  ListJobExecutionsForThingCommand,
  ListJobsCommand,
  ListOTAUpdatesCommand,
  ListPackagesCommand,
  ListPackageVersionsCommand,
  type JobExecutionStatus,
  type JobStatus as AwsJobStatus,
  type OTAUpdateStatus,
  type PackageVersionStatus,
} from '@aws-sdk/client-iot';
import { CloudError, isCloudErrorCode, type Execution, type Job, type ListOptions, type Package, type PackageVersion, type Page, type Rollout } from '../../model';
import type { Cancel, CloudProvider, Progress, PublishRequest, PublishResult, VerifyRequest, WatchOptions } from '../provider';
import { answerProblems, type FleetAnswers, type FleetForm, type FleetSource } from '../fleet';
import { awsFleetForm, fleetTargetsOf, rolloutConfigOf } from './fleetForm';
import { createClients, type AwsClients, type AwsProfileConfig, type ClientOptions } from './clients';
import { isNotFound, makeContext, type AwsContext } from './context';
import { PAGE_SIZE } from './limits';
import { OTA_JOB_PREFIX, rolloutOf, thingOf, toExecution, toExecutionSummary, toJobSummary, toOtaUpdate, toPackage, toVersion } from './map';
import { clampToRange } from '../kit/range';
import { missingCapability } from '../registry';
import { byPrefix, fillPage } from './paging';
import { publish, setState, type PublishOptions } from './publish';
import { buildFleetJob, buildFleetOtaUpdate, type FieldError, type FleetRolloutInput } from './rollout';
import { awsExecutionStatus, awsJobStatus, awsVersionStatus } from './status';
import { describeExisting, startVerifyJob, type AwsVerifyRequest } from './verify';
import { watchJob, type AwsWatchOptions } from './watch';

export interface AwsProviderOptions extends ClientOptions, PublishOptions {
  /** Default page size when the caller gives none. */
  pageSize?: number;
  /** Watch pacing (requests/s per watched job). */
  watchMaxRequestsPerSecond?: number;
}

export class AwsProvider implements CloudProvider {
  readonly ctx: AwsContext;
  private readonly clients: AwsClients;

  constructor(
    readonly profile: AwsProfileConfig,
    private readonly opts: AwsProviderOptions = {},
  ) {
    this.clients = createClients(profile, opts);
    this.ctx = makeContext(profile, this.clients, opts);
  }

  private size(opts: ListOptions | undefined, range: { min: number; max: number }): number {
    return clampToRange(opts?.pageSize, range, Math.min(range.max, this.opts.pageSize ?? 50));
  }

  async listPackages(opts: ListOptions = {}): Promise<Page<Package>> {
    return fillPage(
      async (token, size) => {
        const r = await this.ctx.call('Listing packages', (abortSignal) => this.clients.iot.send(new ListPackagesCommand({ maxResults: size, nextToken: token }), { abortSignal }));
        return { items: (r.packageSummaries ?? []).map(toPackage), next: r.nextToken };
      },
      { pageSize: this.size(opts, PAGE_SIZE.packages), scanSize: PAGE_SIZE.packages.max, next: opts.next, match: byPrefix(opts.prefix, (p: Package) => p.name) },
    );
  }

  async listVersions(packageId: string, opts: ListOptions = {}): Promise<Page<PackageVersion>> {
    const status = opts.status ? (awsVersionStatus(opts.status) as PackageVersionStatus) : undefined;
    return fillPage(
      async (token, size) => {
        const r = await this.ctx.call(`Listing versions of ${packageId}`, (abortSignal) => this.clients.iot.send(new ListPackageVersionsCommand({ packageName: packageId, status, maxResults: size, nextToken: token }), { abortSignal }));
        return { items: (r.packageVersionSummaries ?? []).map(toVersion), next: r.nextToken };
      },
      { pageSize: this.size(opts, PAGE_SIZE.versions), scanSize: PAGE_SIZE.versions.max, next: opts.next, match: byPrefix(opts.prefix, (v: PackageVersion) => v.version) },
    );
  }

  /** One version with its ARN, artifact and attributes (the list has none of these). */
  async getVersion(packageId: string, versionId: string): Promise<PackageVersion> {
    const r = await this.ctx.call(`Reading ${packageId}@${versionId}`, (abortSignal) => this.clients.iot.send(new GetPackageVersionCommand({ packageName: packageId, versionName: versionId }), { abortSignal }));
    return toVersion(r);
  }

  async listJobs(opts: ListOptions = {}): Promise<Page<Job>> {
    const status = opts.status ? (awsJobStatus(opts.status) as AwsJobStatus) : undefined;
    return fillPage(
      async (token, size) => {
        const r = await this.ctx.call('Listing jobs', (abortSignal) => this.clients.iot.send(new ListJobsCommand({ status, maxResults: size, nextToken: token }), { abortSignal }));
        return { items: (r.jobs ?? []).map(toJobSummary), next: r.nextToken };
      },
      { pageSize: this.size(opts, PAGE_SIZE.jobs), scanSize: PAGE_SIZE.jobs.max, next: opts.next, match: byPrefix(opts.prefix, (j: Job) => j.id) },
    );
  }

  async listExecutions(jobId: string, opts: ListOptions = {}): Promise<Page<Execution>> {
    const status = opts.status ? (awsExecutionStatus(opts.status) as JobExecutionStatus) : undefined;
    return fillPage(
      async (token, size) => {
        const r = await this.ctx.call(`Listing executions of ${jobId}`, (abortSignal) => this.clients.iot.send(new ListJobExecutionsForJobCommand({ jobId, status, maxResults: size, nextToken: token }), { abortSignal }));
        return { items: (r.executionSummaries ?? []).map((s) => toExecutionSummary(jobId, s)), next: r.nextToken };
      },
      { pageSize: this.size(opts, PAGE_SIZE.executions), scanSize: PAGE_SIZE.executions.max, next: opts.next, match: byPrefix(opts.prefix, (e: Execution) => e.target) },
    );
  }

  /** One execution with its status details (download progress, self-test, failure reason). */
  async describeExecution(jobId: string, target: string): Promise<Execution> {
    const r = await this.ctx.call(`Reading ${target}'s execution of ${jobId}`, (abortSignal) => this.clients.iot.send(new DescribeJobExecutionCommand({ jobId, thingName: target }), { abortSignal }));
    return toExecution(r.execution!);
  }

  async describeJob(jobId: string): Promise<Rollout> {
    const d = await this.ctx.call(`Reading job ${jobId}`, (abortSignal) => this.clients.iot.send(new DescribeJobCommand({ jobId }), { abortSignal }));
    const list = await this.listExecutions(jobId, { pageSize: PAGE_SIZE.executions.max });
    return rolloutOf(d.job!, list.items);
  }

  async getJobDocument(jobId: string): Promise<string> {
    const r = await this.ctx.call(`Reading the document of ${jobId}`, (abortSignal) => this.clients.iot.send(new GetJobDocumentCommand({ jobId }), { abortSignal }));
    return r.document ?? '';
  }

  async listOtaUpdates(opts: ListOptions = {}): Promise<Page<Job>> {
    const raw = opts.status as OTAUpdateStatus | undefined;
    return fillPage(
      async (token, size) => {
        const r = await this.ctx.call('Listing OTA updates', (abortSignal) => this.clients.iot.send(new ListOTAUpdatesCommand({ otaUpdateStatus: raw, maxResults: size, nextToken: token }), { abortSignal }));
        return { items: (r.otaUpdates ?? []).map((u) => toOtaUpdate(u, raw)), next: r.nextToken };
      },
      { pageSize: this.size(opts, PAGE_SIZE.otaUpdates), scanSize: PAGE_SIZE.otaUpdates.max, next: opts.next, match: byPrefix(opts.prefix, (j: Job) => j.id) },
    );
  }

  /** An OTA update with its status and `details.awsIotJobId` (expand it to that job). */
  async getOtaUpdate(otaUpdateId: string): Promise<Job> {
    const r = await this.ctx.call(`Reading OTA update ${otaUpdateId}`, (abortSignal) => this.clients.iot.send(new GetOTAUpdateCommand({ otaUpdateId }), { abortSignal }));
    return toOtaUpdate(r.otaUpdateInfo!);
  }

  publish(req: PublishRequest, progress?: Progress, signal?: Cancel): Promise<PublishResult> {
    return publish(this.ctx, req, this.opts, progress, signal);
  }

  setVersionState(packageId: string, versionId: string, action: 'publish' | 'deprecate'): Promise<void> {
    return setState(this.ctx, packageId, versionId, action === 'publish' ? 'PUBLISH' : 'DEPRECATE');
  }

  startVerifyJob(req: VerifyRequest | AwsVerifyRequest, signal?: Cancel): Promise<Job> {
    return startVerifyJob(this.ctx, req, signal);
  }

  /** AWS jobs are named by their reference; an OTA update's job is AFR_OTA-<reference>. */
  async findVerifyJob(reference: string, _hint?: unknown, signal?: Cancel): Promise<Job | undefined> {
    return (await describeExisting(this.ctx, reference, signal)) ?? (await describeExisting(this.ctx, `${OTA_JOB_PREFIX}${reference}`, signal));
  }

  /** QUEUED and IN_PROGRESS executions on the bench things (a new job would queue behind them). */
  async pendingWork(targets: string[], signal?: Cancel): Promise<Job[]> {
    const found = new Map<string, Job>();
    for (const thingName of targets) {
      for (const status of ['IN_PROGRESS', 'QUEUED'] as const) {
        const r = await this.ctx.call(`Listing the jobs of ${thingName}`, (abortSignal) => this.clients.iot.send(new ListJobExecutionsForThingCommand({ thingName, status, maxResults: 10 }), { abortSignal }), { signal });
        for (const e of r.executionSummaries ?? []) {
          const id = e.jobId!;
          if (!found.has(id)) found.set(id, { cloud: 'aws', id, status: 'in-progress', rawStatus: `${thingName}: ${status}` });
        }
      }
    }
    return [...found.values()];
  }

  /** The fleet targets (thing and thing-group ARNs) that do not exist, checked before anything is confirmed. */
  async missingFleetTargets(arns: string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const arn of arns) {
      const m = /:(thing|thinggroup)\/(.+)$/.exec(arn);
      if (!m) continue;
      const [, type, name] = m;
      try {
        await this.ctx.call(`Reading ${type === 'thing' ? 'thing' : 'thing group'} ${name}`, (abortSignal) =>
          type === 'thing' ? this.clients.iot.send(new DescribeThingCommand({ thingName: name }), { abortSignal }) : this.clients.iot.send(new DescribeThingGroupCommand({ thingGroupName: name }), { abortSignal }),
        );
      } catch (e) {
        if (!isNotFound(e)) throw e;
        missing.push(name);
      }
    }
    return missing;
  }

  /** Release to Fleet's questions: thing groups (checked to exist), rate, abort rule, timeout, job id. */
  async fleetForm(source: FleetSource): Promise<FleetForm> {
    return awsFleetForm(source, this.profile.region, (arns) => this.missingFleetTargets(arns));
  }

  /** The fleet job from the form's answers: the document the bench verified, the version's ARN. */
  async startFleetRollout(source: FleetSource, answers: FleetAnswers): Promise<Job> {
    const form = await this.fleetForm(source);
    const problems = answerProblems(form, answers);
    const cannot = missingCapability(this.profile, 'fleet-rollout', 'fleet rollouts'); // the descriptor's rule: a roleArn
    if (cannot) problems.push(cannot);
    if (problems.length) throw new CloudError(`The fleet job was not created: ${problems.join(' ')}`, 'invalid', 'Run Release to Fleet again and fix the answer named above.');
    const document = await this.getJobDocument(source.verifyJobId);
    const res = await this.createFleetRollout({
      via: 'job',
      id: String(answers.jobId),
      targets: fleetTargetsOf(source, answers),
      targetSelection: 'SNAPSHOT',
      description: `OTA Bench fleet rollout of ${source.packageName} ${source.version} (verified by ${source.verifyJobId})`,
      roleArn: this.profile.roleArn!,
      document,
      ...(source.versionRef ? { destinationPackageVersions: [source.versionRef] } : {}),
      rollout: rolloutConfigOf(answers),
    });
    if (!res.job) throw new CloudError(`The fleet job was not created: ${res.errors.map((e) => `${e.field}: ${e.message}`).join(' ')}`, 'invalid');
    return { ...res.job, kind: 'fleet' };
  }

  /** Validates a fleet rollout and, when it is valid, creates the job or OTA update. */
  async createFleetRollout(input: FleetRolloutInput): Promise<{ errors: FieldError[]; job?: Job }> {
    if (input.via === 'job') {
      const { request, errors } = buildFleetJob(input);
      if (!request) return { errors };
      await this.ctx.call(`Creating job ${request.jobId}`, (abortSignal) => this.clients.iot.send(new CreateJobCommand(request), { abortSignal }));
      return { errors, job: (await this.describeJob(request.jobId!)).job };
    }
    const { request, errors } = buildFleetOtaUpdate(input);
    if (!request) return { errors };
    await this.ctx.call(`Creating OTA update ${request.otaUpdateId}`, (abortSignal) => this.clients.iot.send(new CreateOTAUpdateCommand(request), { abortSignal }));
    return { errors, job: await this.getOtaUpdate(request.otaUpdateId!) };
  }

  async cancelJob(jobId: string, opts: { force?: boolean; reason?: string } = {}): Promise<void> {
    await this.ctx.call(`Cancelling job ${jobId}`, (abortSignal) =>
      this.clients.iot.send(new CancelJobCommand({ jobId, force: opts.force ?? false, reasonCode: 'OTA_BENCH_CANCEL', comment: opts.reason?.slice(0, 2028) }), { abortSignal }),
    );
  }

  async cancelExecution(jobId: string, target: string, opts: { force?: boolean } = {}): Promise<void> {
    try {
      await this.ctx.call(`Cancelling ${thingOf(target) || target}'s execution of ${jobId}`, (abortSignal) =>
        this.clients.iot.send(new CancelJobExecutionCommand({ jobId, thingName: target, force: opts.force ?? false }), { abortSignal }),
      );
    } catch (e) {
      // A lost reply that the SDK retried meets an execution its first attempt already cancelled: that is success.
      if (isCloudErrorCode(e, 'invalid') && (await this.describeExecution(jobId, target).catch(() => undefined))?.status === 'canceled') return;
      throw e;
    }
  }

  watchJob(jobId: string, opts: WatchOptions & AwsWatchOptions = {}): AsyncIterable<Rollout> {
    return watchJob(this.ctx, jobId, { maxRequestsPerSecond: this.opts.watchMaxRequestsPerSecond, ...opts });
  }

  dispose(): void {
    this.clients.destroy();
  }
}

export function assertAws(profile: { kind: string }): asserts profile is AwsProfileConfig {
  if (profile.kind !== 'aws') throw new CloudError(`Profile kind ${profile.kind} is not AWS.`, 'config');
}
