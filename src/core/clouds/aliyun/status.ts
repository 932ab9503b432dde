// Alibaba IoT OTA enums (cloud-apis.md §3.2, with the corrections of §0.2: firmware Status 1 is
// verified and 2 verifying; there is no TIMEOUT task status) and what each means for a release.
// Unknown values are kept raw and treated as "not final", never as success.

import type { ExecutionStatus, VersionStatus } from '../../model';

/** QueryOTAFirmware / ListOTAFirmware `Status`, as the neutral version status. */
export type FirmwareState = Extract<VersionStatus, 'verify-not-needed' | 'unverified' | 'verified' | 'verifying' | 'verify-failed' | 'unknown'>;

const FIRMWARE: Record<string, { state: FirmwareState; label: string }> = {
  '-1': { state: 'verify-not-needed', label: 'no verification needed' },
  '0': { state: 'unverified', label: 'unverified' },
  '1': { state: 'verified', label: 'verified' },
  '2': { state: 'verifying', label: 'verifying' },
  '3': { state: 'verify-failed', label: 'verification failed' },
};

export interface FirmwareStatusInfo {
  state: FirmwareState;
  label: string;
  raw: string;
  /** CreateOTAVerifyJob is refused while verifying and once verified (and pointless when not needed). */
  canStartVerify: boolean;
  /** Static/dynamic upgrade jobs need a verified firmware (or one that needs no verification). */
  canRollOut: boolean;
}

export function firmwareStatus(raw: number | string | undefined | null): FirmwareStatusInfo {
  const key = raw === undefined || raw === null ? '' : String(raw).trim();
  const hit = FIRMWARE[key] ?? { state: 'unknown' as const, label: key ? `status ${key}` : 'status unknown' };
  return {
    ...hit,
    raw: key,
    canStartVerify: hit.state === 'unverified' || hit.state === 'verify-failed',
    canRollOut: hit.state === 'verified' || hit.state === 'verify-not-needed',
  };
}

/** `JobStatus`: some doc pages spell COMPLETED as COMPLETE. */
export type JobState = 'scheduled' | 'in-progress' | 'completed' | 'canceled' | 'unknown';

const JOB: Record<string, JobState> = {
  PLANNED: 'scheduled',
  IN_PROGRESS: 'in-progress',
  COMPLETED: 'completed',
  COMPLETE: 'completed',
  CANCELED: 'canceled',
  CANCELLED: 'canceled',
};

export const jobState = (raw: string | undefined | null): JobState => JOB[(raw ?? '').trim().toUpperCase()] ?? 'unknown';
export const JOB_FINAL: ReadonlySet<JobState> = new Set(['completed', 'canceled']);

/** `JobType`: `VERFIY_FIRMWARE` is Alibaba's own spelling; the correct spelling is accepted too. */
export type JobKind = 'verify' | 'upgrade' | 'unknown';
export const VERIFY_JOB_TYPE = 'VERFIY_FIRMWARE';
export const UPGRADE_JOB_TYPE = 'UPGRADE_FIRMWARE';

export function jobKind(raw: string | undefined | null): JobKind {
  const v = (raw ?? '').trim().toUpperCase();
  if (v === VERIFY_JOB_TYPE || v === 'VERIFY_FIRMWARE') return 'verify';
  if (v === UPGRADE_JOB_TYPE) return 'upgrade';
  return 'unknown';
}

/** Per-device `TaskStatus`. CONFIRM waits for someone to confirm the upgrade: not final. */
export const TASK_STATUSES = ['CONFIRM', 'QUEUED', 'NOTIFIED', 'IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'CANCELED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskState = 'confirm' | 'queued' | 'notified' | 'in-progress' | 'succeeded' | 'failed' | 'canceled' | 'unknown';

const TASK: Record<TaskStatus, TaskState> = {
  CONFIRM: 'confirm',
  QUEUED: 'queued',
  NOTIFIED: 'notified',
  IN_PROGRESS: 'in-progress',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELED: 'canceled',
};

export const taskState = (raw: string | undefined | null): TaskState => TASK[(raw ?? '').trim().toUpperCase() as TaskStatus] ?? 'unknown';
/** The neutral execution status: CONFIRM waits to be pushed, so it is queued (not final). */
export function executionStatus(raw: string | undefined | null): ExecutionStatus {
  const t = taskState(raw);
  return t === 'confirm' ? 'queued' : t;
}

/** Only these end a watch; `confirm` and unknown values keep it going. */
export const TASK_FINAL: ReadonlySet<TaskState> = new Set(['succeeded', 'failed', 'canceled']);
export const isTaskFinal = (raw: string | undefined | null) => TASK_FINAL.has(taskState(raw));

/** Neutral task state → the `TaskStatus` filter of ListOTATaskByJob; undefined when Alibaba has none. */
export function taskStatusFilter(state: string): TaskStatus | undefined {
  return (Object.entries(TASK) as [TaskStatus, TaskState][]).find(([, s]) => s === state)?.[0];
}

/** CancelOTATaskByJob flags: which task states each flag cancels. */
export const CANCEL_FLAGS = {
  CancelUnconfirmedTask: 'confirm',
  CancelQueuedTask: 'queued',
  CancelNotifiedTask: 'notified',
  CancelInProgressTask: 'in-progress',
  /** Tasks of a PLANNED (scheduled) static job, which have no task state yet. */
  CancelScheduledTask: 'scheduled',
} as const;
export type CancelFlag = keyof typeof CANCEL_FLAGS;
export type CancellableState = (typeof CANCEL_FLAGS)[CancelFlag];

/** The flags for the states to cancel (at least one state is required, as by the API). */
export function cancelFlags(states: Iterable<CancellableState>): Partial<Record<CancelFlag, true>> {
  const wanted = new Set(states);
  const flags = Object.fromEntries((Object.entries(CANCEL_FLAGS) as [CancelFlag, CancellableState][]).filter(([, s]) => wanted.has(s)).map(([f]) => [f, true as const]));
  if (!Object.keys(flags).length) throw new Error(`CancelOTATaskByJob needs at least one state to cancel (${Object.values(CANCEL_FLAGS).join(', ')}).`);
  return flags;
}

/** `Progress` of a task ("45" or "45%") as 0–100, undefined when absent or not a number. */
export function taskProgress(raw: string | number | undefined | null): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim().replace(/%$/, ''));
  return Number.isFinite(n) ? Math.max(0, Math.min(100, n)) : undefined;
}

/**
 * The device's `/ota/device/progress` `step`: 1..100 is percent; negatives are failures. The
 * emulator turns a failure into FAILED with the device's `desc` (or this text) as TaskDesc.
 */
export const PROGRESS_FAILURE: Record<string, string> = {
  '-1': 'upgrade failed',
  '-2': 'download failed',
  '-3': 'verification failed',
  '-4': 'flash (burn) failed',
};

export type ProgressStep = { kind: 'percent'; percent: number } | { kind: 'failed'; step: number; reason: string } | { kind: 'invalid'; raw: string };

export function progressStep(raw: string | number | undefined | null): ProgressStep {
  const s = String(raw ?? '').trim();
  if (!/^-?\d+$/.test(s)) return { kind: 'invalid', raw: s };
  const n = Number(s);
  if (n >= 1 && n <= 100) return { kind: 'percent', percent: n };
  const reason = PROGRESS_FAILURE[s];
  return reason ? { kind: 'failed', step: n, reason } : { kind: 'invalid', raw: s };
}

/** The push uses `Md5`/`SHA256`; the API uses `MD5`/`SHA256`. */
export type ApiSignMethod = 'MD5' | 'SHA256';
export type PushSignMethod = 'Md5' | 'SHA256';
export const pushSignMethod = (m: ApiSignMethod): PushSignMethod => (m === 'MD5' ? 'Md5' : 'SHA256');
export function apiSignMethod(raw: string | undefined | null): ApiSignMethod | undefined {
  const v = (raw ?? '').trim().toUpperCase();
  return v === 'MD5' ? 'MD5' : v === 'SHA256' ? 'SHA256' : undefined;
}
