// AWS enums ⇄ the neutral vocabulary of core/model.ts. The raw value always travels alongside.

import { CloudError, type ExecutionStatus, type JobStatus, type VersionStatus } from '../../model';

const EXECUTION: Record<string, ExecutionStatus> = {
  QUEUED: 'queued',
  IN_PROGRESS: 'in-progress',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed-out',
  REJECTED: 'rejected',
  REMOVED: 'removed',
  CANCELED: 'canceled',
};

const JOB: Record<string, JobStatus> = {
  IN_PROGRESS: 'in-progress',
  CANCELED: 'canceled',
  COMPLETED: 'completed',
  DELETION_IN_PROGRESS: 'deleting',
  SCHEDULED: 'scheduled',
};

const VERSION: Record<string, VersionStatus> = {
  DRAFT: 'draft',
  PUBLISHED: 'published',
  DEPRECATED: 'deprecated',
};

/** OTAUpdateStatus describes creating the update only; device progress lives in its job. */
const OTA_UPDATE: Record<string, JobStatus> = {
  CREATE_PENDING: 'scheduled',
  CREATE_IN_PROGRESS: 'scheduled',
  CREATE_COMPLETE: 'in-progress',
  CREATE_FAILED: 'unknown',
  DELETE_IN_PROGRESS: 'deleting',
  DELETE_FAILED: 'unknown',
};

export const executionStatus = (raw: string | undefined): ExecutionStatus => EXECUTION[raw ?? ''] ?? 'unknown';
export const jobStatus = (raw: string | undefined): JobStatus => JOB[raw ?? ''] ?? 'unknown';
export const versionStatus = (raw: string | undefined): VersionStatus => VERSION[raw ?? ''] ?? 'unknown';
export const otaUpdateStatus = (raw: string | undefined): JobStatus => OTA_UPDATE[raw ?? ''] ?? 'unknown';

function reverse<T extends string>(map: Record<string, T>, neutral: string, what: string): string {
  const hit = Object.entries(map).find(([, v]) => v === neutral);
  if (!hit) {
    const allowed = [...new Set(Object.values(map))].filter((v) => v !== 'unknown').join(', ');
    throw new CloudError(`AWS cannot filter ${what} by "${neutral}". Use one of: ${allowed}.`, 'invalid');
  }
  return hit[0];
}

/** Neutral → AWS, for list filters. Throws CloudError('invalid') for statuses AWS does not have. */
export const awsExecutionStatus = (neutral: string) => reverse(EXECUTION, neutral, 'job executions');
export const awsJobStatus = (neutral: string) => reverse(JOB, neutral, 'jobs');
export const awsVersionStatus = (neutral: string) => reverse(VERSION, neutral, 'package versions');

/** Download progress from the FreeRTOS agent's `receive: "<blocks>/<total>"`, as 0–100. */
export function progressOf(details: Record<string, string> | undefined, status?: ExecutionStatus): number | undefined {
  if (status === 'succeeded') return 100;
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(details?.receive ?? '');
  if (!m) return undefined;
  const total = Number(m[2]);
  if (total <= 0) return undefined;
  return Math.min(100, Math.floor((Number(m[1]) / total) * 100));
}
