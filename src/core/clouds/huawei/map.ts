// IoTDA records → the neutral model. Grouping: each IoTDA OTA package record is ONE version; a
// Package is the release's package name, which we carry in the record's custom_info
// ({"ota_bench":{"package":…}}), so the tree reads Packages → versions exactly as on AWS (package
// name → versions) and Alibaba. Records made elsewhere (console, other tools) have no such name and
// group by product and package type ("<product_id>/firmwarePackage"): what a console user sees.

import type { Execution, Job, Package, PackageVersion, Rollout } from '../../model';
import { countExecutions } from '../../model';
import { isVerifyReference } from '../verifyRef';
import { detailState, packageStatus, progressCounts, taskState } from './status';
import { documentPackageIds, parseIotdaTime, type OtaPackage, type OtaPackageInfo, type Task, type TaskDetail } from './wire';

/** What we put in custom_info: the package name and the image's identity (a re-run compares it). */
export interface OtaBenchInfo {
  package: string;
  sha256?: string;
  file?: string;
  size?: number;
}

export function customInfo(info: OtaBenchInfo, extra?: Record<string, string>): string {
  return JSON.stringify({ ota_bench: info, ...(extra && Object.keys(extra).length ? { attributes: extra } : {}) });
}

export function benchInfo(p: Pick<OtaPackageInfo, 'custom_info'>): OtaBenchInfo | undefined {
  if (!p.custom_info) return undefined;
  try {
    const v = (JSON.parse(p.custom_info) as { ota_bench?: OtaBenchInfo }).ota_bench;
    return v && typeof v.package === 'string' && v.package ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The Package a record belongs to (see the grouping above). */
export function packageIdOf(p: Pick<OtaPackageInfo, 'custom_info' | 'product_id' | 'package_type'>): string {
  return benchInfo(p)?.package ?? `${p.product_id}/${p.package_type}`;
}

export interface HuaweiVersionDetails {
  packageType: string;
  productId: string;
  appId?: string;
  description?: string;
  sha256?: string;
  objectKey?: string;
  sourceVersions?: string;
}

export function toVersion(p: OtaPackage | OtaPackageInfo): PackageVersion {
  const obs = (p as OtaPackage).file_location?.obs_location;
  const details: HuaweiVersionDetails = {
    packageType: p.package_type,
    productId: p.product_id,
    appId: p.app_id,
    description: p.description,
    sha256: obs?.sign ?? benchInfo(p)?.sha256,
    objectKey: obs ? `obs://${obs.bucket_name}/${obs.object_key}` : undefined,
    sourceVersions: p.support_source_versions?.length ? p.support_source_versions.join(', ') : undefined,
  };
  return { cloud: 'huawei', packageId: packageIdOf(p), id: p.package_id, version: p.version, status: packageStatus(), rawStatus: 'available', createdAt: parseIotdaTime(p.create_time), details: { ...details } };
}

/** The groups of a set of records, newest version first in each. */
export function toPackages(records: OtaPackageInfo[]): Package[] {
  const groups = new Map<string, OtaPackageInfo[]>();
  for (const r of records) groups.set(packageIdOf(r), [...(groups.get(packageIdOf(r)) ?? []), r]);
  return [...groups.entries()].map(([id, rs]) => {
    const times = rs.map((r) => parseIotdaTime(r.create_time)?.getTime() ?? 0);
    const newest = rs[times.indexOf(Math.max(...times))];
    return {
      cloud: 'huawei',
      id,
      name: id,
      description: newest.description,
      defaultVersion: newest.version,
      createdAt: new Date(Math.min(...times)),
      updatedAt: new Date(Math.max(...times)),
      details: { productId: newest.product_id, packageType: newest.package_type, versions: rs.length },
    };
  });
}

export interface HuaweiJobDetails {
  taskName: string;
  taskType: string;
  targets?: string;
  packageIds?: string;
  statusDesc?: string;
  progress?: string;
}

export function toJob(t: Task): Job {
  const s = taskState(t.status);
  const p = t.task_progress;
  const details: HuaweiJobDetails = {
    taskName: t.task_name,
    taskType: t.task_type,
    targets: t.targets?.length ? t.targets.slice(0, 20).join(', ') + (t.targets.length > 20 ? ` (+${t.targets.length - 20})` : '') : undefined,
    packageIds: documentPackageIds(t.document).join(', ') || undefined,
    statusDesc: t.status_desc,
    progress: p ? `${p.success ?? 0}/${p.total ?? 0} succeeded, ${p.fail ?? 0} failed` : undefined,
  };
  return {
    cloud: 'huawei',
    id: t.task_id,
    status: s.status,
    rawStatus: t.status,
    description: t.task_name,
    createdAt: parseIotdaTime(t.create_time),
    kind: isVerifyReference(t.task_name) ? 'verify' : 'fleet',
    details: { ...details },
  };
}

/** The device's output as key/values when it is JSON, else one `output` entry. */
function outputDetails(output: string | undefined): Record<string, string> {
  if (!output) return {};
  try {
    const v = JSON.parse(output) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));
  } catch {
    /* free text */
  }
  return { output };
}

export function toExecution(taskId: string, d: TaskDetail): Execution {
  const s = detailState(d);
  const statusDetails: Record<string, string> = { ...outputDetails(d.output) };
  if (d.error?.error_code) statusDetails.error_code = d.error.error_code;
  if (d.error?.error_msg) statusDetails.error_msg = d.error.error_msg;
  const progress = Number(statusDetails.progress);
  const output = d.output && s.status !== 'succeeded' && !s.reason?.includes(d.output) ? d.output : undefined;
  return {
    cloud: 'huawei',
    jobId: taskId,
    target: d.target,
    status: s.status,
    rawStatus: d.status,
    statusDetails,
    progress: Number.isFinite(progress) && progress >= 0 && progress <= 100 ? progress : undefined,
    reason: [s.reason, output].filter(Boolean).join('; ') || undefined,
  };
}

export function rolloutOf(t: Task, details: TaskDetail[]): Rollout {
  const executions = details.map((d) => toExecution(t.task_id, d));
  const counts = t.task_progress ? progressCounts(t.task_progress) : countExecutions(executions);
  return { job: toJob(t), counts, executions, at: new Date(), done: taskState(t.status).final };
}
