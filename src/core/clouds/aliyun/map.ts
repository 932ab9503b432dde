// Alibaba OTA records → the neutral model.
//
// Grouping: each Alibaba firmware record is ONE version (FirmwareId = the version's id). A Package
// is the release's package name, as on AWS and Huawei, so the tree reads Firmware → <package> →
// versions on every cloud. Alibaba has no field for it, so a release writes FirmwareDesc as
// "<package>@<version>[ <description>]" and the grouping trusts it only when the record's
// FirmwareName is exactly the name derived from (ProductKey, package, DestVersion) (limits.ts
// firmwareName): a console user's description never moves a record. Records made elsewhere group
// by what a console user sees: "<ProductKey>/<ModuleName or default>".

import { TERMINAL_EXECUTION, countExecutions, type Execution, type Job, type JobStatus, type Package, type PackageVersion, type Rollout } from '../../model';
import { isVerifyReference } from '../verifyRef';
import { CLIENT_REF_TAG, FIRMWARE_DESC_MAX, firmwareName, type Tag } from './limits';
import { JOB_FINAL, executionStatus, firmwareStatus, jobKind, jobState, taskProgress } from './status';
import type { FirmwareInfo, OTAJobInfo, SimpleFirmwareInfo, SimpleOTAJobInfo, SimpleOTATaskInfo } from './wire';

export interface AliyunVersionDetails {
  [key: string]: string | number | boolean | undefined;
  firmwareName: string;
  productKey?: string;
  moduleName?: string;
  signMethod?: string;
  firmwareSign?: string;
  size?: number;
  verifyProgress?: number;
  description?: string;
}

export interface AliyunJobDetails {
  [key: string]: string | number | boolean | undefined;
  jobType?: string;
  firmwareId?: string;
  productKey?: string;
  targetSelection?: string;
  /** The client reference of a release's verify (or re-test) job. */
  reference?: string;
  timeoutInMinutes?: number;
  grayPercent?: string;
}

export interface AliyunExecutionDetails {
  [key: string]: string | number | boolean | undefined;
  taskId: string;
  srcVersion?: string;
  destVersion?: string;
  progress?: string;
}

/** FirmwareDesc of a release's firmware: the package name travels in it (see above). */
export function firmwareDesc(packageName: string, version: string, description?: string): string {
  const head = `${packageName}@${version}`;
  return description ? [...`${head} ${description}`].slice(0, FIRMWARE_DESC_MAX).join('') : head;
}

/** The release package a record belongs to, when it is ours (see above). */
export function benchPackageOf(f: Pick<SimpleFirmwareInfo, 'FirmwareName' | 'FirmwareDesc' | 'DestVersion' | 'ProductKey'>): string | undefined {
  const m = /^(\S+)@(\S+)(?:\s|$)/.exec(f.FirmwareDesc ?? '');
  if (!m || m[2] !== f.DestVersion) return undefined;
  return firmwareName(f.ProductKey ?? '', m[1], f.DestVersion) === f.FirmwareName ? m[1] : undefined;
}

export const productGroup = (productKey: string | undefined, moduleName: string | undefined) => `${productKey || '?'}/${moduleName || 'default'}`;

/** The Package id a record belongs to. */
export const packageIdOf = (f: SimpleFirmwareInfo) => benchPackageOf(f) ?? productGroup(f.ProductKey, f.ModuleName);

const date = (s: string | undefined) => (s ? new Date(s) : undefined);

export function toVersion(f: SimpleFirmwareInfo | FirmwareInfo): PackageVersion {
  const st = firmwareStatus(f.Status);
  const full = f as FirmwareInfo;
  const ours = benchPackageOf(f);
  return {
    cloud: 'aliyun',
    packageId: packageIdOf(f),
    id: f.FirmwareId,
    version: f.DestVersion,
    status: st.state,
    // Alibaba's Status is a number: the tree shows its meaning with it ("verifying 40% (Status 2)").
    rawStatus: `${st.label}${st.state === 'verifying' && full.VerifyProgress !== undefined ? ` ${full.VerifyProgress}%` : ''} (Status ${st.raw || '?'})`,
    createdAt: date(f.UtcCreate),
    updatedAt: date(f.UtcModified),
    details: {
      firmwareName: f.FirmwareName,
      productKey: f.ProductKey,
      moduleName: f.ModuleName,
      signMethod: f.SignMethod,
      firmwareSign: f.FirmwareSign,
      size: f.FirmwareSize,
      verifyProgress: full.VerifyProgress,
      description: ours ? undefined : f.FirmwareDesc,
    } satisfies AliyunVersionDetails,
  };
}

/** Packages from firmware records (grouped as above), sorted by name. */
export function toPackages(records: SimpleFirmwareInfo[]): Package[] {
  const groups = new Map<string, SimpleFirmwareInfo[]>();
  for (const f of records) {
    const id = packageIdOf(f);
    groups.set(id, [...(groups.get(id) ?? []), f]);
  }
  return [...groups.entries()]
    .map(([id, fs]) => {
      const newest = fs.reduce((a, b) => ((a.UtcCreate ?? '') >= (b.UtcCreate ?? '') ? a : b));
      return { cloud: 'aliyun' as const, id, name: id, defaultVersion: newest.DestVersion, updatedAt: date(newest.UtcModified), description: `${fs.length} firmware` };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export const tagsOf = (j: SimpleOTAJobInfo): Tag[] => j.Tags?.OtaTagDTO ?? [];
export const referenceOf = (j: SimpleOTAJobInfo) => tagsOf(j).find((t) => t.Key === CLIENT_REF_TAG)?.Value;

/**
 * A job; with its tasks, a COMPLETED job whose devices failed is 'failed' (all) or 'partial'
 * (some), never a green 'completed'.
 */
export function toJob(j: SimpleOTAJobInfo | OTAJobInfo, tasks?: Execution[]): Job {
  const reference = referenceOf(j);
  const kind = jobKind(j.JobType);
  let status: JobStatus = jobState(j.JobStatus);
  if (status === 'completed' && tasks?.length) {
    const failed = tasks.filter((t) => t.status !== 'succeeded').length;
    if (failed === tasks.length) status = 'failed';
    else if (failed) status = 'partial';
  }
  const full = j as OTAJobInfo;
  return {
    cloud: 'aliyun',
    id: j.JobId,
    status,
    rawStatus: j.JobStatus ?? '',
    description: full.JobDesc,
    createdAt: date(j.UtcCreate),
    updatedAt: date(j.UtcModified),
    completedAt: date(j.UtcEndTime),
    kind: kind === 'verify' || isVerifyReference(reference) ? 'verify' : 'fleet',
    details: {
      jobType: j.JobType,
      firmwareId: j.FirmwareId,
      productKey: j.ProductKey,
      targetSelection: j.TargetSelection,
      reference,
      timeoutInMinutes: full.TimeoutInMinutes,
      grayPercent: full.GrayPercent,
    } satisfies AliyunJobDetails,
  };
}

export function toExecution(t: SimpleOTATaskInfo, jobId: string): Execution {
  const status = executionStatus(t.TaskStatus);
  return {
    cloud: 'aliyun',
    jobId: t.JobId ?? jobId,
    target: t.DeviceName,
    status,
    rawStatus: t.TaskStatus ?? '',
    progress: taskProgress(t.Progress),
    ...(t.TaskDesc ? { reason: t.TaskDesc, statusDetails: { TaskDesc: t.TaskDesc } } : {}),
    queuedAt: date(t.UtcCreate),
    updatedAt: date(t.UtcModified),
    details: { taskId: t.TaskId, srcVersion: t.SrcVersion, destVersion: t.DestVersion, progress: t.Progress } satisfies AliyunExecutionDetails,
  };
}

/** A snapshot: done once the job is final and every task too (CONFIRM and unknown states are not). */
export function rolloutOf(j: OTAJobInfo, executions: Execution[]): Rollout {
  const job = toJob(j, executions);
  const final = JOB_FINAL.has(jobState(j.JobStatus));
  return { job, counts: countExecutions(executions), executions, at: new Date(), done: final && (job.status === 'canceled' || executions.every((e) => TERMINAL_EXECUTION.has(e.status))) };
}
