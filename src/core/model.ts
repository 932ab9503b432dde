// The cloud-neutral vocabulary. Each cloud maps its own enums onto these and keeps its raw value
// alongside, plus its extra facts in a typed `details` record the UI can show.

import type { CloudKind } from './profiles';

/** A page of a list: `next` is the opaque continuation (AWS nextToken, IoTDA marker, Alibaba page). */
export interface Page<T> {
  items: T[];
  next?: string;
}

export interface ListOptions {
  /** Continuation from the previous page. */
  next?: string;
  /** Page size; providers clamp it to the cloud's limits. */
  pageSize?: number;
  /** Id / name prefix filter (server-side where the cloud supports it, else applied per page). */
  prefix?: string;
  /** Neutral status filter, where the list supports one. */
  status?: string;
}

/** Extra facts a cloud attaches (shown in tooltips and details views). Values are display strings. */
/**
 * A cloud's extra facts, shown as label/value rows. Each cloud types its own (aws/details.ts …);
 * nothing outside a cloud's folder reads a key: what others need is a neutral field.
 */
export type Details = { readonly [key: string]: string | number | boolean | undefined };

/**
 * Where a version stands. AWS: draft → published → deprecated. Alibaba's verification:
 * verify-not-needed (−1), unverified (0), verified (1), verifying (2), verify-failed (3).
 */
export type VersionStatus = 'draft' | 'published' | 'deprecated' | 'unverified' | 'verify-not-needed' | 'verifying' | 'verified' | 'verify-failed' | 'unknown';

/**
 * A job's state. 'failed' and 'partial' are endings with failed devices (Huawei Fail /
 * PartialSuccess): final like 'completed', but never shown as a green success.
 */
export type JobStatus = 'scheduled' | 'in-progress' | 'completed' | 'failed' | 'partial' | 'canceled' | 'deleting' | 'unknown';

/**
 * Neutral execution statuses. Non-final waits map to non-terminal ones, with the raw value kept:
 * Huawei FailWaitRetry (the platform retries; its reason kept) → queued; Alibaba CONFIRM (waits for a
 * confirmation before it is pushed) → queued. So neither ends a watch nor fails a verdict.
 */
export const EXECUTION_STATUSES = [
  'queued', 'notified', 'in-progress', 'succeeded', 'failed', 'timed-out', 'rejected', 'canceled', 'removed',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number] | 'unknown';

export const TERMINAL_EXECUTION: ReadonlySet<ExecutionStatus> = new Set([
  'succeeded', 'failed', 'timed-out', 'rejected', 'canceled', 'removed',
]);

export interface Package {
  cloud: CloudKind;
  id: string;
  name: string;
  /** The cloud's own resource name (AWS ARN), where it has one; the descriptor names it (nouns.cloudRef). */
  cloudRef?: string;
  description?: string;
  defaultVersion?: string;
  createdAt?: Date;
  updatedAt?: Date;
  details?: Details;
}

export interface PackageVersion {
  cloud: CloudKind;
  packageId: string;
  /** The cloud's id for this version (AWS: versionName; Huawei: package_id; Alibaba: FirmwareId). */
  id: string;
  version: string;
  status: VersionStatus;
  rawStatus: string;
  /** The cloud's own resource name (AWS ARN), where it has one; the descriptor names it (nouns.cloudRef). */
  cloudRef?: string;
  createdAt?: Date;
  updatedAt?: Date;
  details?: Details;
}

export interface Job {
  cloud: CloudKind;
  id: string;
  /** The cloud's own resource name (AWS ARN), where it has one; the descriptor names it (nouns.cloudRef). */
  cloudRef?: string;
  status: JobStatus;
  rawStatus: string;
  description?: string;
  createdAt?: Date;
  updatedAt?: Date;
  completedAt?: Date;
  /** 'verify' for single bench-device jobs, 'fleet' otherwise, when the cloud says. */
  kind?: 'verify' | 'fleet' | 'ota-update';
  /** A wrapper's job (an AWS OTA update runs job AFR_OTA-<id>), once the cloud created it. */
  runsJob?: string;
  details?: Details;
}

export interface Execution {
  cloud: CloudKind;
  jobId: string;
  /** Thing name / device_id / DeviceName. */
  target: string;
  status: ExecutionStatus;
  rawStatus: string;
  /** The device's own status details (AWS statusDetails, Huawei output, Alibaba TaskDesc/Progress). */
  statusDetails?: Record<string, string>;
  /** 0–100 when the cloud or device reports download progress. */
  progress?: number;
  /** Why it stands where it does, in the cloud's or the device's words (AWS reason/self_test, Huawei error_msg, Alibaba TaskDesc). */
  reason?: string;
  queuedAt?: Date;
  startedAt?: Date;
  updatedAt?: Date;
  executionNumber?: number;
  details?: Details;
}

/** Counts per neutral status. */
export type RolloutCounts = Partial<Record<ExecutionStatus, number>>;

/** One snapshot of a job's rollout, as a watch stream yields them. */
export interface Rollout {
  job: Job;
  counts: RolloutCounts;
  executions: Execution[];
  /** When this snapshot was taken (host time). */
  at: Date;
  /** True when the job (and every execution) has reached a final state. */
  done: boolean;
}

export function countExecutions(executions: Execution[]): RolloutCounts {
  const counts: RolloutCounts = {};
  for (const e of executions) counts[e.status] = (counts[e.status] ?? 0) + 1;
  return counts;
}

export { CloudError, type CloudErrorCode, type CloudErrorShape, isCloudError, isCloudErrorCode } from './errors';
