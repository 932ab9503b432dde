// Jobs and their executions: the state machine AWS IoT runs. One execution per target thing
// (groups expanded); QUEUED → IN_PROGRESS → SUCCEEDED / FAILED / REJECTED, TIMED_OUT by the
// in-progress timer, CANCELED by CancelJob(force) / CancelJobExecution; counts in
// jobProcessDetails follow; a SNAPSHOT job COMPLETES when every execution is terminal; abort and
// retry configs apply. Devices drive it through `deviceUpdate` (the MQTT side calls it).
// With a jobExecutionsRolloutConfig, executions are created (and their things notified) in waves,
// one per emulated minute (`minuteMs`): maximumPerMinute things a wave, or with exponentialRate
// baseRatePerMinute growing by incrementFactor each time rateIncreaseCriteria is met, up to
// maximumPerMinute (1000 without it). Without the config every execution starts at once.

import { AwsError, conflict, exists, invalid, notFound } from '../errors';
import { page } from '../paging';
import { checkArray, checkEnum, checkInt, checkNumber, checkString, isObject, optString } from '../validate';
import { FAILURE_TYPES, NAME, RETRY_FAILURE_TYPES, ROLE_ARN, ROLLOUT, TARGET_SELECTIONS, TEXT, PAGE_SIZE } from '../../../../src/core/clouds/aws/limits';
import type { Catalog } from './catalog';
import type { Things } from './things';
import type { World } from './world';

export type ExecStatus = 'QUEUED' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'REJECTED' | 'REMOVED' | 'CANCELED';
export type JobState = 'IN_PROGRESS' | 'CANCELED' | 'COMPLETED' | 'DELETION_IN_PROGRESS' | 'SCHEDULED';

const TERMINAL: ReadonlySet<ExecStatus> = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED']);
const EXEC_STATUSES: ExecStatus[] = ['QUEUED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'REJECTED', 'REMOVED', 'CANCELED'];
const PRESIGN = /\$\{aws:iot:s3-presigned-url:[^}]+\}/;

export interface ExecutionRecord {
  jobId: string;
  thingName: string;
  thingArn: string;
  status: ExecStatus;
  statusDetails: Record<string, string>;
  queuedAt: Date;
  startedAt?: Date;
  lastUpdatedAt: Date;
  executionNumber: number;
  versionNumber: number;
  retryAttempt: number;
  forceCanceled?: boolean;
  timer?: NodeJS.Timeout;
  timeoutAt?: number;
}

interface Criteria {
  failureType: (typeof FAILURE_TYPES)[number];
  action: 'CANCEL';
  thresholdPercentage: number;
  minNumberOfExecutedThings: number;
}

export interface JobRecord {
  jobId: string;
  jobArn: string;
  targets: string[];
  targetSelection: 'CONTINUOUS' | 'SNAPSHOT';
  status: JobState;
  forceCanceled?: boolean;
  reasonCode?: string;
  comment?: string;
  description?: string;
  document?: string;
  documentSource?: string;
  presignedUrlConfig?: { roleArn?: string; expiresInSec?: number };
  jobExecutionsRolloutConfig?: unknown;
  abortConfig?: { criteriaList: Criteria[] };
  timeoutConfig?: { inProgressTimeoutInMinutes?: number };
  jobExecutionsRetryConfig?: { criteriaList: { failureType: string; numberOfRetries: number }[] };
  destinationPackageVersions?: string[];
  createdAt: Date;
  lastUpdatedAt: Date;
  completedAt?: Date;
  thingGroupId?: string;
  executions: Map<string, ExecutionRecord>;
  /** Things still waiting for their execution (paced rollout). */
  rollout?: Rollout;
}

/** A paced rollout in progress: who is still to be notified, and at what rate. */
interface Rollout {
  waiting: string[];
  perMinute: number;
  max: number;
  exponential?: { factor: number; notified?: number; succeeded?: number };
  /** Notified / succeeded counts when the rate last rose (rateIncreaseCriteria counts from there). */
  since: { notified: number; succeeded: number };
  timer?: NodeJS.Timeout;
}

/** What the device gets back from an update: AWS's `/accepted` or `/rejected` payload. */
export type DeviceReply = { accepted: Record<string, unknown> } | { rejected: { code: string; message: string; executionState?: unknown } };

let executionSeq = 0;

export class Jobs {
  readonly jobs = new Map<string, JobRecord>();

  constructor(
    private readonly world: World,
    private readonly things: Things,
    private readonly catalog: Catalog,
  ) {}

  job(jobId: string): JobRecord {
    const j = this.jobs.get(jobId);
    if (!j) throw notFound(`Job ${jobId} cannot be found.`);
    return j;
  }

  // --- control plane -----------------------------------------------------------------------------

  create(jobId: string, body: unknown): { jobArn: string; jobId: string; description?: string } {
    checkString('jobId', jobId, NAME.jobId);
    const b = isObject(body) ? body : {};
    if (this.jobs.has(jobId)) throw exists(`Job ${jobId} already exists.`, { resourceId: jobId, resourceArn: this.world.arn(`job/${jobId}`) });
    const targets = checkArray<string>('targets', b.targets, { min: 1, max: 1000 });
    targets.forEach((t, i) => checkString(`targets[${i}]`, t, { min: 1, max: 2048 }));
    const document = optString('document', b.document, { max: TEXT.jobDocument });
    const documentSource = optString('documentSource', b.documentSource, { min: 1, max: 1350 });
    if (!document === !documentSource) throw invalid('Exactly one of document or documentSource must be provided.');
    if (documentSource) throw invalid('documentSource (job document in S3) is not supported by the emulator; send the document inline.');
    try {
      JSON.parse(document!);
    } catch {
      throw invalid('The job document is not valid JSON.');
    }
    const description = optString('description', b.description, { max: TEXT.jobDescription });
    const targetSelection = b.targetSelection === undefined ? 'SNAPSHOT' : checkEnum('targetSelection', b.targetSelection, TARGET_SELECTIONS);
    let presignedUrlConfig: JobRecord['presignedUrlConfig'];
    if (b.presignedUrlConfig !== undefined) {
      const p = isObject(b.presignedUrlConfig) ? b.presignedUrlConfig : {};
      presignedUrlConfig = {
        roleArn: p.roleArn === undefined ? undefined : checkString('presignedUrlConfig.roleArn', p.roleArn, { min: 20, max: 2048, pattern: ROLE_ARN }),
        expiresInSec: p.expiresInSec === undefined ? undefined : checkInt('presignedUrlConfig.expiresInSec', p.expiresInSec, ROLLOUT.presignedExpiresInSec),
      };
    }
    if (PRESIGN.test(document!) && !presignedUrlConfig?.roleArn) {
      throw invalid('The job document contains an S3 presigned-URL placeholder, so presignedUrlConfig.roleArn is required.');
    }
    if (b.jobExecutionsRolloutConfig !== undefined) this.checkRollout(b.jobExecutionsRolloutConfig);
    const abortConfig = b.abortConfig === undefined ? undefined : this.checkAbort(b.abortConfig);
    let timeoutConfig: JobRecord['timeoutConfig'];
    if (b.timeoutConfig !== undefined) {
      const t = isObject(b.timeoutConfig) ? b.timeoutConfig : {};
      timeoutConfig = { inProgressTimeoutInMinutes: t.inProgressTimeoutInMinutes === undefined ? undefined : checkInt('timeoutConfig.inProgressTimeoutInMinutes', t.inProgressTimeoutInMinutes, ROLLOUT.inProgressTimeoutInMinutes) };
    }
    const retry = b.jobExecutionsRetryConfig === undefined ? undefined : this.checkRetry(b.jobExecutionsRetryConfig);
    if (b.schedulingConfig !== undefined) throw invalid('schedulingConfig is not supported by the emulator.');
    let destinationPackageVersions: string[] | undefined;
    if (b.destinationPackageVersions !== undefined) {
      destinationPackageVersions = checkArray<string>('destinationPackageVersions', b.destinationPackageVersions, { min: 0, max: TEXT.destinationPackageVersions });
      for (const arn of destinationPackageVersions) {
        const v = this.catalog.versionByArn(arn);
        if (!v) throw notFound(`Package version ${arn} cannot be found.`);
        if (v.status === 'DRAFT') throw conflict(`Package version ${arn} is DRAFT; jobs can only deploy PUBLISHED or DEPRECATED versions.`);
      }
    }
    const resolved = this.things.resolveTargets(targets);
    const now = this.world.now();
    const job: JobRecord = {
      jobId,
      jobArn: this.world.arn(`job/${jobId}`),
      targets,
      targetSelection,
      status: 'IN_PROGRESS',
      description,
      document,
      presignedUrlConfig,
      jobExecutionsRolloutConfig: b.jobExecutionsRolloutConfig,
      abortConfig,
      timeoutConfig,
      jobExecutionsRetryConfig: retry,
      destinationPackageVersions,
      createdAt: now,
      lastUpdatedAt: now,
      thingGroupId: resolved.groups[0]?.thingGroupId,
      executions: new Map(),
    };
    const rollout = rolloutOf(b.jobExecutionsRolloutConfig, resolved.things);
    if (rollout) job.rollout = rollout;
    this.jobs.set(jobId, job);
    if (rollout) this.nextWave(job);
    else this.notify(job, resolved.things);
    this.world.emit('job', job);
    return { jobArn: job.jobArn, jobId, description };
  }

  /** Creates the things' executions (QUEUED) and tells the devices. */
  private notify(job: JobRecord, thingNames: string[]): void {
    const now = this.world.now();
    for (const thingName of thingNames) {
      job.executions.set(thingName, {
        jobId: job.jobId,
        thingName,
        thingArn: this.things.thing(thingName).thingArn,
        status: 'QUEUED',
        statusDetails: {},
        queuedAt: now,
        lastUpdatedAt: now,
        executionNumber: ++executionSeq,
        versionNumber: 1,
        retryAttempt: 0,
      });
    }
    this.maybeComplete(job);
    for (const t of thingNames) this.world.emit('thing', t);
  }

  /** Releases one wave of a paced rollout and schedules the next an emulated minute later. */
  private nextWave(job: JobRecord): void {
    const r = job.rollout!;
    r.timer = undefined;
    if (job.status !== 'IN_PROGRESS') return;
    const e = r.exponential;
    if (e) {
      const notified = job.executions.size;
      const succeeded = [...job.executions.values()].filter((x) => x.status === 'SUCCEEDED').length;
      const met = (e.notified !== undefined && notified - r.since.notified >= e.notified) || (e.succeeded !== undefined && succeeded - r.since.succeeded >= e.succeeded);
      if (met && r.perMinute < r.max) {
        // AWS does not say how a fractional rate rounds; up, so that a factor of 1.1 on 1 still grows.
        r.perMinute = Math.min(r.max, Math.ceil(r.perMinute * e.factor));
        r.since = { notified, succeeded };
      }
    }
    const wave = r.waiting.splice(0, r.perMinute);
    if (r.waiting.length) {
      r.timer = setTimeout(() => this.nextWave(job), this.world.minuteMs);
      r.timer.unref?.();
    }
    this.notify(job, wave);
    if (wave.length) this.world.emit('job', job);
  }

  private checkRollout(raw: unknown): void {
    const r = isObject(raw) ? raw : {};
    if (r.maximumPerMinute !== undefined) checkInt('jobExecutionsRolloutConfig.maximumPerMinute', r.maximumPerMinute, ROLLOUT.maximumPerMinute);
    if (r.exponentialRate !== undefined) {
      const e = isObject(r.exponentialRate) ? r.exponentialRate : {};
      checkInt('jobExecutionsRolloutConfig.exponentialRate.baseRatePerMinute', e.baseRatePerMinute, ROLLOUT.baseRatePerMinute);
      checkNumber('jobExecutionsRolloutConfig.exponentialRate.incrementFactor', e.incrementFactor, ROLLOUT.incrementFactor);
      const c = isObject(e.rateIncreaseCriteria) ? e.rateIncreaseCriteria : {};
      const set = ['numberOfNotifiedThings', 'numberOfSucceededThings'].filter((k) => c[k] !== undefined);
      if (set.length !== 1) throw invalid('rateIncreaseCriteria needs exactly one of numberOfNotifiedThings or numberOfSucceededThings.');
      checkInt(`jobExecutionsRolloutConfig.exponentialRate.rateIncreaseCriteria.${set[0]}`, c[set[0]], ROLLOUT.rateIncreaseThings);
    }
  }

  private checkAbort(raw: unknown): { criteriaList: Criteria[] } {
    const a = isObject(raw) ? raw : {};
    const list = checkArray<Record<string, unknown>>('abortConfig.criteriaList', a.criteriaList, { min: 1, max: 4 });
    return {
      criteriaList: list.map((c, i) => ({
        failureType: checkEnum(`abortConfig.criteriaList[${i}].failureType`, c.failureType, FAILURE_TYPES),
        action: checkEnum(`abortConfig.criteriaList[${i}].action`, c.action, ['CANCEL'] as const),
        thresholdPercentage: checkNumber(`abortConfig.criteriaList[${i}].thresholdPercentage`, c.thresholdPercentage, ROLLOUT.thresholdPercentage),
        minNumberOfExecutedThings: checkInt(`abortConfig.criteriaList[${i}].minNumberOfExecutedThings`, c.minNumberOfExecutedThings, ROLLOUT.minNumberOfExecutedThings),
      })),
    };
  }

  private checkRetry(raw: unknown): JobRecord['jobExecutionsRetryConfig'] {
    const r = isObject(raw) ? raw : {};
    const list = checkArray<Record<string, unknown>>('jobExecutionsRetryConfig.criteriaList', r.criteriaList, { min: 1, max: 2 });
    return {
      criteriaList: list.map((c, i) => ({
        failureType: checkEnum(`jobExecutionsRetryConfig.criteriaList[${i}].failureType`, c.failureType, RETRY_FAILURE_TYPES),
        numberOfRetries: checkInt(`jobExecutionsRetryConfig.criteriaList[${i}].numberOfRetries`, c.numberOfRetries, ROLLOUT.numberOfRetries),
      })),
    };
  }

  processDetails(job: JobRecord): Record<string, unknown> {
    const n = (s: ExecStatus) => [...job.executions.values()].filter((e) => e.status === s).length;
    return {
      processingTargets: job.status === 'IN_PROGRESS' ? job.targets : [],
      numberOfCanceledThings: n('CANCELED'),
      numberOfSucceededThings: n('SUCCEEDED'),
      numberOfFailedThings: n('FAILED'),
      numberOfRejectedThings: n('REJECTED'),
      numberOfQueuedThings: n('QUEUED'),
      numberOfInProgressThings: n('IN_PROGRESS'),
      numberOfRemovedThings: n('REMOVED'),
      numberOfTimedOutThings: n('TIMED_OUT'),
    };
  }

  describe(jobId: string): unknown {
    const j = this.job(jobId);
    return {
      job: {
        jobArn: j.jobArn,
        jobId: j.jobId,
        targetSelection: j.targetSelection,
        status: j.status,
        forceCanceled: j.forceCanceled,
        reasonCode: j.reasonCode,
        comment: j.comment,
        targets: j.targets,
        description: j.description,
        presignedUrlConfig: j.presignedUrlConfig,
        jobExecutionsRolloutConfig: j.jobExecutionsRolloutConfig,
        abortConfig: j.abortConfig,
        createdAt: j.createdAt,
        lastUpdatedAt: j.lastUpdatedAt,
        completedAt: j.completedAt,
        jobProcessDetails: this.processDetails(j),
        timeoutConfig: j.timeoutConfig,
        jobExecutionsRetryConfig: j.jobExecutionsRetryConfig,
        isConcurrent: false,
        destinationPackageVersions: j.destinationPackageVersions,
      },
    };
  }

  list(q: URLSearchParams): unknown {
    const status = q.get('status');
    if (status !== null) checkEnum('status', status, ['IN_PROGRESS', 'CANCELED', 'COMPLETED', 'DELETION_IN_PROGRESS', 'SCHEDULED'] as const);
    const sel = q.get('targetSelection');
    if (sel !== null) checkEnum('targetSelection', sel, TARGET_SELECTIONS);
    const groupName = q.get('thingGroupName');
    const groupId = groupName ? this.things.group(groupName).thingGroupId : q.get('thingGroupId');
    // Newest first, like the console.
    const all = [...this.jobs.values()].reverse().filter((j) => (!status || j.status === status) && (!sel || j.targetSelection === sel) && (!groupId || j.thingGroupId === groupId));
    const r = page(all, q, { ...PAGE_SIZE.jobs, dflt: 50 }, `jobs:${status}:${sel}:${groupId}`);
    return {
      jobs: r.items.map((j) => ({ jobArn: j.jobArn, jobId: j.jobId, thingGroupId: j.thingGroupId, targetSelection: j.targetSelection, status: j.status, createdAt: j.createdAt, lastUpdatedAt: j.lastUpdatedAt, completedAt: j.completedAt, isConcurrent: false })),
      nextToken: r.nextToken,
    };
  }

  /** ListJobExecutionsForThing: the thing's executions across jobs (newest first), filterable by status. */
  listForThing(thingName: string, q: URLSearchParams): unknown {
    const status = q.get('status');
    if (status !== null) checkEnum('status', status, EXEC_STATUSES);
    this.things.thing(thingName); // 404 for an unknown thing, as AWS answers
    const all = [...this.jobs.values()].reverse().flatMap((j) => {
      const e = j.executions.get(thingName);
      return e && (!status || e.status === status) ? [{ j, e }] : [];
    });
    const r = page(all, q, { ...PAGE_SIZE.executions, dflt: 50 }, `thing-executions:${thingName}:${status}`);
    return {
      executionSummaries: r.items.map(({ j, e }) => ({
        jobId: j.jobId,
        jobExecutionSummary: { status: e.status, queuedAt: e.queuedAt, startedAt: e.startedAt, lastUpdatedAt: e.lastUpdatedAt, executionNumber: e.executionNumber, retryAttempt: e.retryAttempt },
      })),
      nextToken: r.nextToken,
    };
  }

  listExecutions(jobId: string, q: URLSearchParams): unknown {
    const j = this.job(jobId);
    const status = q.get('status');
    if (status !== null) checkEnum('status', status, EXEC_STATUSES);
    const all = [...j.executions.values()].filter((e) => !status || e.status === status);
    const r = page(all, q, { ...PAGE_SIZE.executions, dflt: 50 }, `executions:${jobId}:${status}`);
    return {
      executionSummaries: r.items.map((e) => ({
        thingArn: e.thingArn,
        jobExecutionSummary: { status: e.status, queuedAt: e.queuedAt, startedAt: e.startedAt, lastUpdatedAt: e.lastUpdatedAt, executionNumber: e.executionNumber, retryAttempt: e.retryAttempt },
      })),
      nextToken: r.nextToken,
    };
  }

  execution(jobId: string, thingName: string): ExecutionRecord {
    const e = this.job(jobId).executions.get(thingName);
    if (!e) throw notFound(`Job execution for job ${jobId} on thing ${thingName} cannot be found.`);
    return e;
  }

  describeExecution(jobId: string, thingName: string, executionNumber: string | null): unknown {
    const e = this.execution(jobId, thingName);
    if (executionNumber !== null && Number(executionNumber) !== e.executionNumber) throw notFound(`Execution number ${executionNumber} of job ${jobId} on ${thingName} cannot be found.`);
    return {
      execution: {
        jobId: e.jobId,
        status: e.status,
        forceCanceled: e.forceCanceled,
        statusDetails: { detailsMap: e.statusDetails },
        thingArn: e.thingArn,
        queuedAt: e.queuedAt,
        startedAt: e.startedAt,
        lastUpdatedAt: e.lastUpdatedAt,
        executionNumber: e.executionNumber,
        versionNumber: e.versionNumber,
        approximateSecondsBeforeTimedOut: e.timeoutAt ? Math.max(0, Math.round((e.timeoutAt - Date.now()) / this.world.minuteMs * 60)) : undefined,
      },
    };
  }

  cancel(jobId: string, force: boolean, body: unknown): unknown {
    const j = this.job(jobId);
    const b = isObject(body) ? body : {};
    const reasonCode = optString('reasonCode', b.reasonCode, { max: 128, pattern: /^[A-Z0-9_]+$/ });
    const comment = optString('comment', b.comment, { max: 2028 });
    if (j.status === 'COMPLETED') throw invalid(`Job ${jobId} is COMPLETED and cannot be canceled.`);
    if (j.status === 'CANCELED' && (!force || j.forceCanceled)) {
      return { jobArn: j.jobArn, jobId, description: j.description };
    }
    j.status = 'CANCELED';
    // Things not notified yet never get an execution.
    if (j.rollout?.timer) clearTimeout(j.rollout.timer);
    if (j.rollout) j.rollout.waiting = [];
    j.forceCanceled = force || j.forceCanceled;
    j.reasonCode = reasonCode ?? j.reasonCode;
    j.comment = comment ?? j.comment;
    j.lastUpdatedAt = this.world.now();
    for (const e of j.executions.values()) {
      if (e.status === 'QUEUED' || (force && e.status === 'IN_PROGRESS')) this.finish(j, e, 'CANCELED', force && e.status === 'IN_PROGRESS');
    }
    this.world.emit('job', j);
    return { jobArn: j.jobArn, jobId, description: j.description };
  }

  cancelExecution(jobId: string, thingName: string, force: boolean, body: unknown): unknown {
    const j = this.job(jobId);
    const e = this.execution(jobId, thingName);
    const b = isObject(body) ? body : {};
    if (b.expectedVersion !== undefined && b.expectedVersion !== e.versionNumber) {
      throw new AwsError(409, 'VersionConflictException', `Expected version ${b.expectedVersion} but the execution is at version ${e.versionNumber}.`);
    }
    if (TERMINAL.has(e.status)) throw new AwsError(409, 'InvalidStateTransitionException', `Job execution is already ${e.status}.`);
    if (e.status === 'IN_PROGRESS' && !force) throw new AwsError(409, 'InvalidStateTransitionException', 'The job execution is IN_PROGRESS; set force=true to cancel it.');
    if (isObject(b.statusDetails)) e.statusDetails = b.statusDetails as Record<string, string>;
    this.finish(j, e, 'CANCELED', e.status === 'IN_PROGRESS');
    return {};
  }

  document(jobId: string): string {
    const j = this.job(jobId);
    return j.document ?? '{}';
  }

  // --- device side -------------------------------------------------------------------------------

  /** The execution a device should work on next: its oldest IN_PROGRESS, else its oldest QUEUED. */
  nextFor(thingName: string): { job: JobRecord; execution: ExecutionRecord } | undefined {
    let best: { job: JobRecord; execution: ExecutionRecord } | undefined;
    for (const job of this.jobs.values()) {
      const e = job.executions.get(thingName);
      if (!e || TERMINAL.has(e.status)) continue;
      const rank = (x: ExecutionRecord) => (x.status === 'IN_PROGRESS' ? 0 : 1);
      if (!best || rank(e) < rank(best.execution) || (rank(e) === rank(best.execution) && e.queuedAt < best.execution.queuedAt)) best = { job, execution: e };
    }
    return best;
  }

  pending(thingName: string): { inProgressJobs: unknown[]; queuedJobs: unknown[] } {
    const summary = (e: ExecutionRecord) => ({ jobId: e.jobId, queuedAt: sec(e.queuedAt), startedAt: e.startedAt && sec(e.startedAt), lastUpdatedAt: sec(e.lastUpdatedAt), versionNumber: e.versionNumber, executionNumber: e.executionNumber });
    const mine = [...this.jobs.values()].map((j) => j.executions.get(thingName)).filter((e): e is ExecutionRecord => !!e);
    return { inProgressJobs: mine.filter((e) => e.status === 'IN_PROGRESS').map(summary), queuedJobs: mine.filter((e) => e.status === 'QUEUED').map(summary) };
  }

  /** UpdateJobExecution from the device (MQTT `…/jobs/<jobId>/update`). */
  deviceUpdate(thingName: string, jobId: string, req: Record<string, unknown>): DeviceReply {
    const job = this.jobs.get(jobId);
    const e = job?.executions.get(thingName);
    if (!job || !e) return { rejected: { code: 'ResourceNotFound', message: `Job execution for ${jobId} on ${thingName} not found.` } };
    const state = () => ({ status: e.status, statusDetails: e.statusDetails, versionNumber: e.versionNumber });
    if (TERMINAL.has(e.status)) return { rejected: { code: 'TerminalStateReached', message: `Job execution is already ${e.status}.`, executionState: state() } };
    if (req.expectedVersion !== undefined && Number(req.expectedVersion) !== e.versionNumber) {
      return { rejected: { code: 'VersionMismatch', message: `Expected version ${req.expectedVersion}, current version ${e.versionNumber}.`, executionState: state() } };
    }
    if (req.executionNumber !== undefined && Number(req.executionNumber) !== e.executionNumber) {
      return { rejected: { code: 'InvalidRequest', message: `executionNumber ${req.executionNumber} does not match ${e.executionNumber}.` } };
    }
    const status = req.status as ExecStatus;
    if (!['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'REJECTED'].includes(status)) {
      return { rejected: { code: 'InvalidStateTransition', message: `A device cannot set status ${String(status)}.`, executionState: state() } };
    }
    let details: Record<string, string> | undefined;
    if (req.statusDetails !== undefined) {
      const problem = checkStatusDetails(req.statusDetails);
      if (problem) return { rejected: { code: 'InvalidRequest', message: problem } };
      details = req.statusDetails as Record<string, string>;
    }
    if (details) e.statusDetails = details;
    const step = req.stepTimeoutInMinutes;
    if (status === 'IN_PROGRESS') {
      const first = e.status === 'QUEUED';
      e.status = 'IN_PROGRESS';
      e.startedAt ??= this.world.now();
      e.versionNumber++;
      e.lastUpdatedAt = this.world.now();
      if (first || typeof step === 'number') this.armTimeout(job, e, typeof step === 'number' ? step : undefined);
      job.lastUpdatedAt = e.lastUpdatedAt;
      this.world.emit('execution', e);
      this.world.emit('thing', thingName);
    } else {
      this.finish(job, e, status, false);
    }
    const accepted: Record<string, unknown> = { timestamp: sec(this.world.now()) };
    if (req.clientToken !== undefined) accepted.clientToken = req.clientToken;
    if (req.includeJobExecutionState) accepted.executionState = state();
    return { accepted };
  }

  /** StartNextPendingJobExecution: the next QUEUED execution becomes IN_PROGRESS. */
  startNext(thingName: string, req: Record<string, unknown>): { job: JobRecord; execution: ExecutionRecord } | undefined {
    const next = this.nextFor(thingName);
    if (next && next.execution.status === 'QUEUED') {
      this.deviceUpdate(thingName, next.job.jobId, { status: 'IN_PROGRESS', statusDetails: req.statusDetails, stepTimeoutInMinutes: req.stepTimeoutInMinutes });
    }
    return next;
  }

  /** What the in-progress timer does when it fires, now (seeding history without waiting). */
  timeOut(jobId: string, thingName: string): void {
    const job = this.job(jobId);
    const e = this.execution(jobId, thingName);
    if (e.status === 'IN_PROGRESS') this.finish(job, e, 'TIMED_OUT', false);
  }

  private armTimeout(job: JobRecord, e: ExecutionRecord, stepMinutes?: number): void {
    const minutes = stepMinutes ?? job.timeoutConfig?.inProgressTimeoutInMinutes;
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
    e.timeoutAt = undefined;
    if (!minutes) return;
    const ms = minutes * this.world.minuteMs;
    e.timeoutAt = Date.now() + ms;
    e.timer = setTimeout(() => {
      if (e.status === 'IN_PROGRESS') this.finish(job, e, 'TIMED_OUT', false);
    }, ms);
    e.timer.unref?.();
  }

  private finish(job: JobRecord, e: ExecutionRecord, status: ExecStatus, forced: boolean): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
    e.timeoutAt = undefined;
    e.status = status;
    if (forced) e.forceCanceled = true;
    e.versionNumber++;
    e.lastUpdatedAt = this.world.now();
    job.lastUpdatedAt = e.lastUpdatedAt;
    this.world.emit('execution', e);
    if (this.retry(job, e)) {
      this.world.emit('thing', e.thingName);
      return;
    }
    this.applyAbortCriteria(job);
    this.maybeComplete(job);
    this.world.emit('thing', e.thingName);
  }

  private retry(job: JobRecord, e: ExecutionRecord): boolean {
    if (job.status !== 'IN_PROGRESS' || (e.status !== 'FAILED' && e.status !== 'TIMED_OUT')) return false;
    const c = job.jobExecutionsRetryConfig?.criteriaList.find((r) => r.failureType === e.status || r.failureType === 'ALL');
    if (!c || e.retryAttempt >= c.numberOfRetries) return false;
    Object.assign(e, { status: 'QUEUED', statusDetails: {}, startedAt: undefined, retryAttempt: e.retryAttempt + 1, executionNumber: ++executionSeq, queuedAt: this.world.now() });
    return true;
  }

  private applyAbortCriteria(job: JobRecord): void {
    if (job.status !== 'IN_PROGRESS' || !job.abortConfig) return;
    const ex = [...job.executions.values()];
    const executed = ex.filter((e) => ['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT'].includes(e.status)).length;
    for (const c of job.abortConfig.criteriaList) {
      const failures = ex.filter((e) => (c.failureType === 'ALL' ? ['FAILED', 'REJECTED', 'TIMED_OUT'].includes(e.status) : e.status === c.failureType)).length;
      if (executed >= c.minNumberOfExecutedThings && executed > 0 && (failures / executed) * 100 >= c.thresholdPercentage) {
        this.cancel(job.jobId, false, { reasonCode: 'ABORT_CRITERIA_MET', comment: `Aborted: ${failures}/${executed} executions ${c.failureType} ≥ ${c.thresholdPercentage}%.` });
        return;
      }
    }
  }

  private maybeComplete(job: JobRecord): void {
    if (job.status !== 'IN_PROGRESS' || job.targetSelection !== 'SNAPSHOT' || job.rollout?.waiting.length) return;
    if ([...job.executions.values()].every((e) => TERMINAL.has(e.status))) {
      job.status = 'COMPLETED';
      job.completedAt = this.world.now();
      job.lastUpdatedAt = job.completedAt;
      this.world.emit('job', job);
    }
  }

  close(): void {
    for (const j of this.jobs.values()) {
      if (j.rollout?.timer) clearTimeout(j.rollout.timer);
      for (const e of j.executions.values()) if (e.timer) clearTimeout(e.timer);
    }
  }
}

const sec = (d: Date) => Math.floor(d.getTime() / 1000);

/** The pacing a (validated) jobExecutionsRolloutConfig asks for; none without one. */
function rolloutOf(raw: unknown, things: string[]): Rollout | undefined {
  if (!isObject(raw)) return undefined;
  const max = typeof raw.maximumPerMinute === 'number' ? raw.maximumPerMinute : ROLLOUT.maximumPerMinute.max;
  const e = isObject(raw.exponentialRate) ? raw.exponentialRate : undefined;
  const c = e && isObject(e.rateIncreaseCriteria) ? e.rateIncreaseCriteria : {};
  return {
    waiting: [...things],
    perMinute: e ? Math.min(max, Number(e.baseRatePerMinute)) : max,
    max,
    exponential: e && { factor: Number(e.incrementFactor), notified: c.numberOfNotifiedThings as number | undefined, succeeded: c.numberOfSucceededThings as number | undefined },
    since: { notified: 0, succeeded: 0 },
  };
}

function checkStatusDetails(raw: unknown): string | undefined {
  if (!isObject(raw)) return 'statusDetails must be a map of strings.';
  const entries = Object.entries(raw);
  if (entries.length > TEXT.statusDetailsEntries) return `statusDetails has ${entries.length} entries; at most ${TEXT.statusDetailsEntries} are allowed.`;
  for (const [k, v] of entries) {
    if (k.length < NAME.statusDetailsKey.min || k.length > NAME.statusDetailsKey.max || !NAME.statusDetailsKey.pattern.test(k)) return `statusDetails key "${k.slice(0, 40)}" must be 1–128 of [a-zA-Z0-9:_-].`;
    if (typeof v !== 'string' || v.length < 1 || v.length > TEXT.statusDetailsValue) return `statusDetails value of "${k}" must be a string of 1–1024 characters.`;
  }
  return undefined;
}
