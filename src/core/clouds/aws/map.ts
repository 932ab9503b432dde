// SDK response shapes → the neutral model. AWS-only facts go into `details` for tooltips.

import type {
  JobExecution,
  JobExecutionSummaryForJob,
  JobSummary,
  Job as AwsJob,
  OTAUpdateInfo,
  OTAUpdateSummary,
  PackageSummary,
  PackageVersionSummary,
  GetPackageVersionResponse,
} from '@aws-sdk/client-iot';
import { countExecutions, TERMINAL_EXECUTION, type Execution, type Job, type Package, type PackageVersion, type Rollout, type RolloutCounts } from '../../model';
import { isVerifyReference } from '../verifyRef';
import type { AwsExecutionDetails, AwsJobDetails, AwsOtaUpdateDetails, AwsVersionDetails } from './details';
import { executionStatus, jobStatus, otaUpdateStatus, progressOf, versionStatus } from './status';

/** The OTA service names the job of update X `AFR_OTA-X`. */
export const OTA_JOB_PREFIX = 'AFR_OTA-';

export const thingOf = (thingArn: string | undefined) => (thingArn ?? '').replace(/^.*:thing\//, '');

function kindOf(jobId: string, fleet: boolean): Job['kind'] {
  if (jobId.startsWith(OTA_JOB_PREFIX)) return 'ota-update';
  if (isVerifyReference(jobId)) return 'verify';
  return fleet ? 'fleet' : undefined;
}

export function toPackage(p: PackageSummary): Package {
  return { cloud: 'aws', id: p.packageName!, name: p.packageName!, defaultVersion: p.defaultVersionName, createdAt: p.creationDate, updatedAt: p.lastModifiedDate };
}

export function toVersion(v: PackageVersionSummary | GetPackageVersionResponse): PackageVersion {
  const full = v as GetPackageVersionResponse;
  const details: AwsVersionDetails = {};
  for (const [k, val] of Object.entries(full.attributes ?? {})) details[`attr:${k}`] = val;
  const loc = full.artifact?.s3Location;
  if (loc) details.artifact = `s3://${loc.bucket}/${loc.key}${loc.version ? `?versionId=${loc.version}` : ''}`;
  if (full.sbomValidationStatus) details.sbom = full.sbomValidationStatus;
  if (full.errorReason) details.errorReason = full.errorReason;
  return {
    cloud: 'aws',
    packageId: v.packageName!,
    id: v.versionName!,
    version: v.versionName!,
    status: versionStatus(v.status),
    rawStatus: v.status ?? '',
    cloudRef: full.packageVersionArn,
    createdAt: v.creationDate,
    updatedAt: v.lastModifiedDate,
    details: Object.keys(details).length ? details : undefined,
  };
}

/** The fields a job summary and a described job share. */
function jobBase(j: JobSummary | AwsJob): Job {
  return {
    cloud: 'aws',
    id: j.jobId!,
    cloudRef: j.jobArn,
    status: jobStatus(j.status),
    rawStatus: j.status ?? '',
    createdAt: j.createdAt,
    updatedAt: j.lastUpdatedAt,
    completedAt: j.completedAt,
  };
}

export function toJobSummary(j: JobSummary): Job {
  return {
    ...jobBase(j),
    kind: kindOf(j.jobId!, !!j.thingGroupId),
    details: { targetSelection: j.targetSelection, thingGroupId: j.thingGroupId, isConcurrent: j.isConcurrent } satisfies AwsJobDetails,
  };
}

export function toJob(j: AwsJob): Job {
  const targets = j.targets ?? [];
  const fleet = targets.some((t) => t.includes(':thinggroup/')) || targets.length > 1;
  return {
    ...jobBase(j),
    description: j.description,
    kind: kindOf(j.jobId!, fleet) ?? (j.targetSelection === 'SNAPSHOT' && targets.length === 1 && !fleet ? 'verify' : undefined),
    details: {
      targetSelection: j.targetSelection,
      targets: targets.map((t) => t.replace(/^.*:(thing|thinggroup)\//, '$1/')).join(', '),
      forceCanceled: j.forceCanceled,
      reasonCode: j.reasonCode,
      comment: j.comment,
      inProgressTimeoutInMinutes: j.timeoutConfig?.inProgressTimeoutInMinutes,
      destinationPackageVersions: j.destinationPackageVersions?.map((a) => a.replace(/^.*:package\//, '')).join(', '),
    } satisfies AwsJobDetails,
  };
}

export function toExecutionSummary(jobId: string, s: JobExecutionSummaryForJob): Execution {
  const e = s.jobExecutionSummary ?? {};
  return {
    cloud: 'aws',
    jobId,
    target: thingOf(s.thingArn),
    status: executionStatus(e.status),
    rawStatus: e.status ?? '',
    queuedAt: e.queuedAt,
    startedAt: e.startedAt,
    updatedAt: e.lastUpdatedAt,
    executionNumber: e.executionNumber,
    details: { thingArn: s.thingArn, retryAttempt: e.retryAttempt } satisfies AwsExecutionDetails,
  };
}

export function toExecution(e: JobExecution): Execution {
  const status = executionStatus(e.status);
  const statusDetails = e.statusDetails?.detailsMap;
  return {
    cloud: 'aws',
    jobId: e.jobId!,
    target: thingOf(e.thingArn),
    status,
    rawStatus: e.status ?? '',
    statusDetails,
    progress: progressOf(statusDetails, status),
    // The FreeRTOS agent reports a failure reason, or how its self-test went.
    reason: statusDetails?.reason || statusDetails?.self_test || undefined,
    queuedAt: e.queuedAt,
    startedAt: e.startedAt,
    updatedAt: e.lastUpdatedAt,
    executionNumber: e.executionNumber,
    details: {
      thingArn: e.thingArn,
      versionNumber: e.versionNumber,
      forceCanceled: e.forceCanceled,
      approximateSecondsBeforeTimedOut: e.approximateSecondsBeforeTimedOut,
    } satisfies AwsExecutionDetails,
  };
}

/** Neutral counts straight from jobProcessDetails (exact even when executions are paged). */
export function countsOf(j: AwsJob, executions: Execution[]): RolloutCounts {
  const d = j.jobProcessDetails;
  if (!d) return countExecutions(executions);
  const counts: RolloutCounts = {
    queued: d.numberOfQueuedThings ?? 0,
    'in-progress': d.numberOfInProgressThings ?? 0,
    succeeded: d.numberOfSucceededThings ?? 0,
    failed: d.numberOfFailedThings ?? 0,
    rejected: d.numberOfRejectedThings ?? 0,
    'timed-out': d.numberOfTimedOutThings ?? 0,
    canceled: d.numberOfCanceledThings ?? 0,
    removed: d.numberOfRemovedThings ?? 0,
  };
  for (const k of Object.keys(counts) as (keyof RolloutCounts)[]) if (!counts[k]) delete counts[k];
  return counts;
}

export function rolloutOf(j: AwsJob, executions: Execution[]): Rollout {
  const job = toJob(j);
  const jobDone = job.status === 'completed' || job.status === 'canceled';
  return { job, counts: countsOf(j, executions), executions, at: new Date(), done: jobDone && (job.status === 'canceled' || executions.every((e) => TERMINAL_EXECUTION.has(e.status))) };
}

export function toOtaUpdate(u: OTAUpdateSummary | OTAUpdateInfo, statusFilter?: string): Job {
  const info = u as OTAUpdateInfo;
  const raw = info.otaUpdateStatus ?? statusFilter ?? '';
  return {
    cloud: 'aws',
    id: u.otaUpdateId!,
    cloudRef: u.otaUpdateArn,
    status: raw ? otaUpdateStatus(raw) : 'unknown',
    rawStatus: raw,
    description: info.description,
    createdAt: u.creationDate,
    updatedAt: info.lastModifiedDate,
    kind: 'ota-update',
    ...(info.awsIotJobId ? { runsJob: info.awsIotJobId } : {}),
    details: {
      awsIotJobId: info.awsIotJobId,
      awsIotJobArn: info.awsIotJobArn,
      protocols: info.protocols?.join(', '),
      targetSelection: info.targetSelection,
      targets: info.targets?.map((t) => t.replace(/^.*:(thing|thinggroup)\//, '$1/')).join(', '),
      errorCode: info.errorInfo?.code,
      errorMessage: info.errorInfo?.message,
    } satisfies AwsOtaUpdateDetails,
  };
}
