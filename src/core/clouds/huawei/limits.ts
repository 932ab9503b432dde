// IoTDA's documented limits (cloud-apis.md §2.3, §2.5), checked before any upload or call. Each
// problem names the API field and says what a good value is. The version rule itself lives in
// ../../version/rules.ts (VERSION_RULES.huawei) and profile ids in ../../validators.ts: one source.

import { VERSION_RULES, versionProblems } from '../../version/rules';
import { validators } from '../../validators';
import { inRange } from '../kit/range';
import type { CreateBatchTask, CreateOtaPackage, TaskPolicy } from './wire';
import { formatIotdaTime, parseIotdaTime } from './wire';

export interface LimitProblem {
  /** The IoTDA field, e.g. "version", "file_location.obs_location.object_key". */
  field: string;
  message: string;
}

export const LIMITS = {
  versionMax: VERSION_RULES.huawei.max,
  sourceVersionsMax: 20,
  descriptionMax: 1024,
  customInfoMax: 4096,
  appIdMax: 36,
  moduleNameMax: 64,
  objectKeyMax: 1024,
  /** An OBS-associated package file is at most 1 GB. */
  fileBytesMax: 1024 ** 3,
  taskNameMax: 128,
  targetsMax: 30_000,
  /** A device group id: ≤ 36 hex characters and "-" (IoTDA device-group API text; not in cloud-apis.md). */
  groupIdMax: 36,
  retryCountMax: 5,
  retryIntervalMaxMinutes: 1440,
  scheduleWithinDays: 7,
  taskExtInfoMax: 512,
} as const;

/** Allowed package file extensions (longest first, so ".tar.gz" wins over ".gz"). */
export const PACKAGE_EXTENSIONS = ['.tar.gz', '.tar.xz', '.bin', '.dav', '.tar', '.gz', '.zip', '.gzip', '.apk', '.pack', '.exe', '.bat', '.img'] as const;

const chars = (s: string) => [...s].length;

function tooLong(field: string, value: string | undefined, max: number, what: string): LimitProblem | undefined {
  if (value === undefined) return undefined;
  const n = chars(value);
  return n > max ? { field, message: `IoTDA ${field} is at most ${max} characters; ${what} has ${n}. Shorten it.` } : undefined;
}

function fromValidator(field: string, value: string, check: (v: string) => string | undefined): LimitProblem | undefined {
  const err = check(value);
  return err ? { field, message: `IoTDA ${field} "${value}": ${err}` } : undefined;
}

/** The file name's allowed extension, or undefined. */
export function packageExtension(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return PACKAGE_EXTENSIONS.find((e) => lower.endsWith(e) && lower.length > e.length);
}

/** A package file: size at most 1 GB, a non-empty file, an allowed extension. */
export function fileProblems(fileName: string, bytes: number): LimitProblem[] {
  const out: LimitProblem[] = [];
  if (!packageExtension(fileName)) {
    out.push({ field: 'file_location.obs_location.object_key', message: `IoTDA accepts package files ending in ${PACKAGE_EXTENSIONS.join(' ')}; "${fileName}" does not. Rename the image (e.g. firmware.bin).` });
  }
  if (bytes <= 0) out.push({ field: 'file', message: `The package file "${fileName}" is empty; build the image first.` });
  else if (bytes > LIMITS.fileBytesMax) {
    out.push({ field: 'file', message: `IoTDA packages are at most 1 GB (${LIMITS.fileBytesMax} bytes); "${fileName}" has ${bytes} bytes. Ship a smaller image or a differential package.` });
  }
  return out;
}

/** Every problem with a CreateOtaPackage body (and its file, when given), before any upload. */
export function packageProblems(req: CreateOtaPackage, file?: { name: string; bytes: number }): LimitProblem[] {
  const out: (LimitProblem | undefined)[] = [];
  out.push(...versionProblems(req.version, ['huawei']).map((p) => ({ field: 'version', message: p.message })));
  const sources = req.support_source_versions ?? [];
  if (sources.length > LIMITS.sourceVersionsMax) {
    out.push({ field: 'support_source_versions', message: `IoTDA support_source_versions lists at most ${LIMITS.sourceVersionsMax} source versions; ${sources.length} given. Keep the ones devices in the field run.` });
  }
  for (const s of sources) out.push(...versionProblems(s, ['huawei']).map((p) => ({ field: 'support_source_versions', message: p.message })));
  if (new Set(sources).size !== sources.length) out.push({ field: 'support_source_versions', message: 'IoTDA support_source_versions must not repeat a version.' });
  out.push(tooLong('description', req.description, LIMITS.descriptionMax, 'the description'));
  out.push(tooLong('custom_info', req.custom_info, LIMITS.customInfoMax, 'the custom information'));
  if (req.app_id !== undefined) out.push(fromValidator('app_id', req.app_id, validators.appId));
  out.push(req.product_id ? fromValidator('product_id', req.product_id, validators.productId) : { field: 'product_id', message: 'IoTDA product_id is required: set the profile\'s product id (IoTDA console → Products).' });
  if (req.package_type === 'modulePackage') {
    out.push(req.module_name ? tooLong('module_name', req.module_name, LIMITS.moduleNameMax, 'the module name') : { field: 'module_name', message: 'IoTDA module_name is required for a modulePackage.' });
  }
  const obs = req.file_location?.obs_location;
  if (!obs) out.push({ field: 'file_location.obs_location', message: 'IoTDA needs file_location.obs_location (the OBS bucket, region and object key of the uploaded file).' });
  else {
    out.push(fromValidator('file_location.obs_location.bucket_name', obs.bucket_name, (v) => (v ? validators.obsBucket(v) : 'the OBS bucket is required.')));
    out.push(fromValidator('file_location.obs_location.region_name', obs.region_name, (v) => (v ? validators.obsRegion(v) : 'the OBS region is required.')));
    out.push(obs.object_key ? tooLong('file_location.obs_location.object_key', obs.object_key, LIMITS.objectKeyMax, 'the object key') : { field: 'file_location.obs_location.object_key', message: 'IoTDA needs the OBS object key of the package file.' });
    if (obs.object_key && !packageExtension(obs.object_key)) out.push(fileProblems(obs.object_key, 1)[0]);
    if (obs.sign !== undefined && !/^[0-9a-fA-F]{64}$/.test(obs.sign)) {
      out.push({ field: 'file_location.obs_location.sign', message: 'IoTDA sign is the hex SHA-256 of the package file: exactly 64 characters 0-9, a-f.' });
    }
  }
  if (file) out.push(...fileProblems(file.name, file.bytes));
  return out.filter((p): p is LimitProblem => p !== undefined);
}

/** task_name: 1–128 Chinese characters, letters, digits or "_". */
export function taskNameProblem(name: string): LimitProblem | undefined {
  const n = chars(name);
  if (n < 1 || n > LIMITS.taskNameMax) return { field: 'task_name', message: `IoTDA task_name is 1–${LIMITS.taskNameMax} characters; "${name}" has ${n}.` };
  const bad = [...new Set([...name].filter((c) => !/[\u4e00-\u9fa5A-Za-z0-9_]/.test(c)))];
  if (bad.length) return { field: 'task_name', message: `IoTDA task_name allows only Chinese characters, letters, digits and "_"; "${name}" contains ${bad.map((c) => JSON.stringify(c)).join(', ')}.` };
  return undefined;
}

export function projectIdProblem(projectId: string): LimitProblem | undefined {
  return fromValidator('project_id', projectId, validators.projectId);
}

export function deviceIdProblem(deviceId: string): LimitProblem | undefined {
  return fromValidator('device_id', deviceId, (v) => (v ? validators.deviceId(v) : 'a device_id is required.'));
}

/** task_policy.retry_count: a whole number `min`–5 (the form asks 1–5: no retries is its own choice). */
export function retryCountProblem(n: number, min = 0): LimitProblem | undefined {
  return inRange(n, { min, max: LIMITS.retryCountMax }) ? undefined : { field: 'task_policy.retry_count', message: `IoTDA retry_count is a whole number ${min}–${LIMITS.retryCountMax}; ${n} given.` };
}

/** task_policy.retry_interval: 1–1440 whole minutes. */
export function retryIntervalProblem(n: number): LimitProblem | undefined {
  return inRange(n, { min: 1, max: LIMITS.retryIntervalMaxMinutes }) ? undefined : { field: 'task_policy.retry_interval', message: `IoTDA retry_interval is 1–${LIMITS.retryIntervalMaxMinutes} minutes; ${n} given.` };
}

/** task_policy.schedule_time as a moment: later than now, within the next 7 days. */
export function scheduleProblem(at: Date, now = new Date()): LimitProblem | undefined {
  const days = (at.getTime() - now.getTime()) / 86_400_000;
  if (days > 0 && days <= LIMITS.scheduleWithinDays) return undefined;
  return { field: 'task_policy.schedule_time', message: `IoTDA schedule_time must lie within the next ${LIMITS.scheduleWithinDays} days; ${formatIotdaTime(at)} (UTC) ${days <= 0 ? 'has passed' : 'is later'}.` };
}

function policyProblems(p: TaskPolicy | undefined, now: Date): LimitProblem[] {
  if (!p) return [];
  const out: (LimitProblem | undefined)[] = [];
  if ((p.retry_count === undefined) !== (p.retry_interval === undefined)) {
    out.push({ field: 'task_policy', message: 'IoTDA task_policy needs retry_count and retry_interval together (or neither).' });
  }
  if (p.retry_count !== undefined) out.push(retryCountProblem(p.retry_count));
  if (p.retry_interval !== undefined) out.push(retryIntervalProblem(p.retry_interval));
  if (p.schedule_time !== undefined) {
    const at = parseIotdaTime(p.schedule_time);
    out.push(at ? scheduleProblem(at, now) : { field: 'task_policy.schedule_time', message: `IoTDA schedule_time is yyyyMMdd'T'HHmmss'Z' (UTC), e.g. 20261201T080000Z; "${p.schedule_time}" is not.` });
  }
  return out.filter((x): x is LimitProblem => x !== undefined);
}

/** A task's device_id targets: 1–30,000, none repeated, each a device_id (the first 100 are checked one by one). */
export function targetListProblems(targets: readonly string[]): LimitProblem[] {
  const out: (LimitProblem | undefined)[] = [];
  if (targets.length > LIMITS.targetsMax) out.push({ field: 'targets', message: `IoTDA targets lists at most ${LIMITS.targetsMax} devices; ${targets.length} given.` });
  if (new Set(targets).size !== targets.length) out.push({ field: 'targets', message: 'IoTDA targets must not repeat a device.' });
  for (const t of targets.slice(0, 100)) out.push(deviceIdProblem(t));
  return out.filter((x): x is LimitProblem => x !== undefined);
}

/** targets_filter.group_ids: at least one, none repeated, each ≤ 36 hex characters and "-". */
export function groupListProblems(groupIds: readonly string[]): LimitProblem[] {
  const field = 'targets_filter.group_ids';
  if (!groupIds.length) return [{ field, message: 'IoTDA targets_filter.group_ids needs at least one device group id.' }];
  const out: LimitProblem[] = [];
  if (new Set(groupIds).size !== groupIds.length) out.push({ field, message: 'IoTDA targets_filter.group_ids must not repeat a group.' });
  const bad = groupIds.find((g) => !new RegExp(`^[0-9a-fA-F-]{1,${LIMITS.groupIdMax}}$`).test(g));
  if (bad !== undefined) out.push({ field, message: `IoTDA group_id "${bad}" is not a device group id: at most ${LIMITS.groupIdMax} hex characters and "-" (IoTDA console → Devices → Groups shows it).` });
  return out;
}

/** Every problem with a CreateBatchTask body for an upgrade, before the call. */
export function taskProblems(req: CreateBatchTask, now = new Date()): LimitProblem[] {
  const out: (LimitProblem | undefined)[] = [taskNameProblem(req.task_name)];
  if (req.app_id !== undefined) out.push(fromValidator('app_id', req.app_id, validators.appId));
  const targets = req.targets ?? [];
  if (!targets.length && !req.targets_filter && !req.document_source) out.push({ field: 'targets', message: 'An IoTDA upgrade task needs targets: set the bench device_id in the profile.' });
  out.push(...targetListProblems(targets));
  if (!targets.length && req.targets_filter) out.push(...groupListProblems(req.targets_filter.group_ids ?? []));
  if (req.task_ext_info !== undefined) {
    const n = JSON.stringify(req.task_ext_info).length;
    if (n > LIMITS.taskExtInfoMax) out.push({ field: 'task_ext_info', message: `IoTDA task_ext_info is at most ${LIMITS.taskExtInfoMax} characters as JSON; it has ${n}.` });
  }
  out.push(...policyProblems(req.task_policy, now));
  return out.filter((p): p is LimitProblem => p !== undefined);
}
