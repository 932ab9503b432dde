// IoTDA statuses onto the neutral ones (cloud-apis.md §2.5). The raw value is always kept beside.
// Two rules matter for a verdict:
//   - FailWaitRetry (a device failed and the task will retry it) is NOT final: it maps to 'queued'
//     with a reason, so a watch keeps going and the verdict does not fail early;
//   - Fail and PartialSuccess are final but not green: `failures` is true.

import type { ExecutionStatus, RolloutCounts, VersionStatus } from '../../model';
import type { TaskDetail, TaskDetailStatus, TaskProgress, TaskStatus } from './wire';

export interface ExecutionState {
  status: ExecutionStatus;
  rawStatus: string;
  /** True when the device's subtask will not change any more. */
  final: boolean;
  /** Why it is in this state, in words (waiting to retry, the device's error…). */
  reason?: string;
}

const DETAIL: Record<TaskDetailStatus, { status: ExecutionStatus; final: boolean; reason?: string }> = {
  Waitting: { status: 'queued', final: false, reason: 'waiting for the device' },
  Processing: { status: 'in-progress', final: false },
  Success: { status: 'succeeded', final: true },
  Fail: { status: 'failed', final: true },
  FailWaitRetry: { status: 'queued', final: false, reason: 'failed; waiting for the task to retry it' },
  Stopped: { status: 'canceled', final: true, reason: 'stopped' },
  Removed: { status: 'removed', final: true, reason: 'removed from the task' },
};

/** One device's subtask (TaskDetail) as a neutral execution state. Unknown values: 'unknown', not final. */
export function detailState(detail: Pick<TaskDetail, 'status' | 'output' | 'error'>): ExecutionState {
  const known = DETAIL[detail.status as TaskDetailStatus] as (typeof DETAIL)[TaskDetailStatus] | undefined;
  if (!known) return { status: 'unknown', rawStatus: String(detail.status), final: false, reason: `IoTDA status "${String(detail.status)}"` };
  const err = [detail.error?.error_code, detail.error?.error_msg].filter(Boolean).join(': ');
  const reason = detail.status === 'Success' ? undefined : [known.reason, err].filter(Boolean).join('; ') || undefined;
  return { status: known.status, rawStatus: detail.status, final: known.final, reason };
}

/** Neutral job statuses for IoTDA tasks ('failed' and 'partial' are final and not green). */
export type TaskState = 'scheduled' | 'in-progress' | 'completed' | 'failed' | 'partial' | 'canceled' | 'unknown';

export interface JobState {
  status: TaskState;
  rawStatus: string;
  final: boolean;
  /** True when the task ended with devices that failed (Fail, PartialSuccess): never shown green. */
  failures: boolean;
}

const TASK: Record<TaskStatus, Omit<JobState, 'rawStatus'>> = {
  Initializing: { status: 'scheduled', final: false, failures: false },
  Waitting: { status: 'scheduled', final: false, failures: false },
  Processing: { status: 'in-progress', final: false, failures: false },
  Success: { status: 'completed', final: true, failures: false },
  Fail: { status: 'failed', final: true, failures: true },
  PartialSuccess: { status: 'partial', final: true, failures: true },
  // Stopping: subtasks are still being stopped; only Stopped is final.
  Stopping: { status: 'in-progress', final: false, failures: false },
  Stopped: { status: 'canceled', final: true, failures: false },
};

export function taskState(status: string): JobState {
  const known = TASK[status as TaskStatus] as (typeof TASK)[TaskStatus] | undefined;
  return known ? { ...known, rawStatus: status } : { status: 'unknown', rawStatus: status, final: false, failures: false };
}

/** The neutral job statuses a user can filter on, as the raw IoTDA values ListBatchTasks takes. */
export function rawTaskStatuses(neutral: TaskState): TaskStatus[] {
  return (Object.keys(TASK) as TaskStatus[]).filter((s) => TASK[s].status === neutral);
}

/** The raw TaskDetail statuses behind a neutral execution status (for ShowBatchTask's task_detail_status). */
export function rawDetailStatuses(neutral: ExecutionStatus): TaskDetailStatus[] {
  return (Object.keys(DETAIL) as TaskDetailStatus[]).filter((s) => DETAIL[s].status === neutral);
}

/** task_progress as rollout counts. `fail_wait_retry` counts as queued (it will run again). */
export function progressCounts(p: TaskProgress | undefined): RolloutCounts {
  const counts: RolloutCounts = {};
  const add = (k: ExecutionStatus, n: number | undefined) => {
    if (n) counts[k] = (counts[k] ?? 0) + n;
  };
  add('queued', p?.waitting);
  add('queued', p?.fail_wait_retry);
  add('in-progress', p?.processing);
  add('succeeded', p?.success);
  add('failed', p?.fail);
  add('canceled', p?.stopped);
  add('removed', p?.removed);
  return counts;
}

/**
 * IoTDA packages have no status of their own: a package record is usable at once ('published').
 * When the latest verify task for it is known, that task's state says more.
 */
export function packageStatus(verifyTask?: TaskState): VersionStatus {
  switch (verifyTask) {
    case 'scheduled':
    case 'in-progress':
      return 'verifying';
    case 'completed':
      return 'verified';
    case 'failed':
    case 'partial':
      return 'verify-failed';
    default:
      return 'published';
  }
}
