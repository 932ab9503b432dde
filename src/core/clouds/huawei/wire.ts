// IoTDA v5 request and response shapes on the wire (field names exactly as the API spells them;
// cloud-apis.md §2.3, §2.5, §2.6), the API paths, and the two readers every caller needs: the
// upgrade `document` in either form, and the compact UTC time IoTDA uses.

export type PackageType = 'softwarePackage' | 'firmwarePackage' | 'modulePackage';

export interface ObsLocation {
  region_name: string;
  bucket_name: string;
  object_key: string;
  /** Hex SHA-256 of the file, 64 characters; sent to the device as `paras.sign`. */
  sign?: string;
  /** UNVERIFIED values (cloud-apis.md §2.3); omitted by us. */
  sign_method?: string;
}

export interface FileLocation {
  obs_location?: ObsLocation;
}

/** POST /v5/iot/{project_id}/ota-upgrades/packages → 201 */
export interface CreateOtaPackage {
  app_id?: string;
  package_type: PackageType;
  product_id: string;
  module_name?: string;
  version: string;
  support_source_versions?: string[];
  description?: string;
  custom_info?: string;
  file_location: { obs_location: ObsLocation };
}

export interface OtaPackageInfo {
  package_id: string;
  app_id?: string;
  package_type: PackageType;
  product_id: string;
  product_name?: string;
  module_name?: string;
  version: string;
  support_source_versions?: string[];
  description?: string;
  custom_info?: string;
  /** yyyyMMdd'T'HHmmss'Z' */
  create_time?: string;
}

/** ShowOtaPackage and CreateOtaPackage responses (with the file location). */
export interface OtaPackage extends OtaPackageInfo {
  file_location?: FileLocation;
}

/** IoTDA list paging (§2.6): limit 1–50 (default 10), marker = last record id, offset 0–500 from it. */
export interface PageQuery {
  limit?: number;
  marker?: string;
  offset?: number;
}

export interface Page {
  count?: number;
  marker?: string;
}

export const PAGE_LIMITS = { maxLimit: 50, defaultLimit: 10, maxOffset: 500, firstMarker: 'ffffffffffffffffffffffff' } as const;

export interface ListOtaPackageInfoQuery extends PageQuery {
  package_type: PackageType;
  app_id?: string;
  product_id?: string;
  version?: string;
}

export interface ListOtaPackageInfoResponse {
  packages?: OtaPackageInfo[];
  page?: Page;
}

export type TaskType =
  | 'firmwareUpgrade'
  | 'softwareUpgrade'
  | 'moduleUpgrade'
  | 'createDevices'
  | 'deleteDevices'
  | 'freezeDevices'
  | 'unfreezeDevices'
  | 'createCommands'
  | 'createAsyncCommands'
  | 'createMessages'
  | 'updateDeviceShadows'
  | 'updateDevices'
  | 'changeGateway';

/** Task.status. `Waitting` is Huawei's spelling. */
export const TASK_STATUSES = ['Initializing', 'Waitting', 'Processing', 'Success', 'Fail', 'PartialSuccess', 'Stopped', 'Stopping'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** TaskDetail.status (per device). */
export const TASK_DETAIL_STATUSES = ['Waitting', 'Processing', 'Success', 'Fail', 'FailWaitRetry', 'Stopped', 'Removed'] as const;
export type TaskDetailStatus = (typeof TASK_DETAIL_STATUSES)[number];

export interface TaskPolicy {
  /** Within 7 days, yyyyMMdd'T'HHmmss'Z'; absent = now. */
  schedule_time?: string;
  /** ≤ 5; together with retry_interval. */
  retry_count?: number;
  /** Minutes, ≤ 1440. */
  retry_interval?: number;
}

/**
 * The upgrade document. The newest model text says `package_ids` (a list); older text says
 * `package_id` (cloud-apis.md §0.2 item 5). We send one form and read both.
 */
export type UpgradeDocument = { package_ids: string[] } | { package_id: string };
export type DocumentForm = 'package_ids' | 'package_id';

export interface CreateBatchTask {
  app_id?: string;
  /** ≤ 128: Chinese characters, letters, digits, "_". Carries our client reference. */
  task_name: string;
  task_type: TaskType;
  task_mode?: 'GATEWAY';
  need_confirm?: boolean;
  task_ext_info?: Record<string, unknown>;
  /** ≤ 30,000 device ids; takes precedence over targets_filter and document_source. */
  targets?: string[];
  targets_filter?: { group_ids?: string[] };
  document_source?: string;
  document?: UpgradeDocument | Record<string, unknown>;
  task_policy?: TaskPolicy;
}

export interface TaskProgress {
  total?: number;
  processing?: number;
  success?: number;
  fail?: number;
  waitting?: number;
  fail_wait_retry?: number;
  stopped?: number;
  removed?: number;
}

export interface Task {
  task_id: string;
  task_name: string;
  task_type: TaskType;
  task_mode?: string;
  need_confirm?: boolean;
  task_ext_info?: Record<string, unknown>;
  targets?: string[];
  targets_filter?: Record<string, unknown>;
  document?: Record<string, unknown>;
  task_policy?: TaskPolicy;
  status: TaskStatus;
  status_desc?: string;
  task_progress?: TaskProgress;
  create_time?: string;
}

export interface TaskDetail {
  target: string;
  status: TaskDetailStatus;
  /** The device's own output (free text or JSON text). */
  output?: string;
  error?: { error_code?: string; error_msg?: string };
}

export interface ShowBatchTaskQuery extends PageQuery {
  task_detail_status?: TaskDetailStatus;
  target?: string;
}

export interface ShowBatchTaskResponse {
  batchtask: Task;
  task_details?: TaskDetail[];
  page?: Page;
}

export interface ListBatchTasksQuery extends PageQuery {
  task_type: TaskType;
  app_id?: string;
  status?: TaskStatus;
}

export interface ListBatchTasksResponse {
  batchtasks?: Task[];
  page?: Page;
}

/** Body of Stop/Retry/Confirm: some targets, or `{}` for all eligible subtasks. */
export interface BatchTargets {
  targets?: string[];
}

export interface BatchTargetResult {
  target: string;
  status?: string;
  error_code?: string;
  error_msg?: string;
}

export interface BatchTargetsResponse {
  targets?: BatchTargetResult[];
}

/** Every IoTDA error body. The request id comes in the X-Request-Id response header. */
export interface IoTDAErrorBody {
  error_code: string;
  error_msg: string;
}

export function isIoTDAErrorBody(v: unknown): v is IoTDAErrorBody {
  return typeof v === 'object' && v !== null && typeof (v as IoTDAErrorBody).error_code === 'string' && typeof (v as IoTDAErrorBody).error_msg === 'string';
}

/** The v5 API paths (one source for the client and the emulator). Ids are URI-encoded. */
export const PATHS = {
  packages: (projectId: string) => `/v5/iot/${enc(projectId)}/ota-upgrades/packages`,
  package: (projectId: string, packageId: string) => `/v5/iot/${enc(projectId)}/ota-upgrades/packages/${enc(packageId)}`,
  tasks: (projectId: string) => `/v5/iot/${enc(projectId)}/batchtasks`,
  task: (projectId: string, taskId: string) => `/v5/iot/${enc(projectId)}/batchtasks/${enc(taskId)}`,
  taskAction: (projectId: string, taskId: string, action: 'stop' | 'retry' | 'confirm') => `/v5/iot/${enc(projectId)}/batchtasks/${enc(taskId)}/${action}`,
} as const;

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The upgrade document in the chosen form. */
export function upgradeDocument(packageId: string, form: DocumentForm = 'package_ids'): UpgradeDocument {
  return form === 'package_ids' ? { package_ids: [packageId] } : { package_id: packageId };
}

/** The package ids a task's document names, whichever form it uses (empty when neither). */
export function documentPackageIds(doc: unknown): string[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const d = doc as Record<string, unknown>;
  const ids = Array.isArray(d.package_ids) ? d.package_ids.filter((x): x is string => typeof x === 'string') : [];
  if (typeof d.package_id === 'string' && !ids.includes(d.package_id)) ids.push(d.package_id);
  return ids;
}

/** yyyyMMdd'T'HHmmss'Z' (UTC): IoTDA's create_time, schedule_time, event_time and X-Sdk-Date. */
export function formatIotdaTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Reads yyyyMMdd'T'HHmmss'Z' (undefined when it is not that form). */
export function parseIotdaTime(s: string | undefined): Date | undefined {
  const m = s ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(t) ? undefined : new Date(t);
}
