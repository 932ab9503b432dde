// The IoTDA side of the emulator, without HTTP: devices, OTA packages and upgrade batch tasks whose
// subtasks drive devices over the `$ota` system topics (cloud-apis.md §2.3, §2.5, §2.8):
//   - a subtask starts when its device is online and has no other upgrade running (a device takes
//     one task at a time); the platform sends firmware_upgrade_v2 / software_upgrade_v2 with url,
//     sign, version, file_size and task_id;
//   - upgrade_progress_report with result_code ≠ 0 fails it (FailWaitRetry while the task policy
//     has retries left); result_code 0 at 100% succeeds ONLY when the reported version equals the
//     package version, as on the platform;
//   - a device that never finishes fails at the subtask timeout ("timed out");
//   - Stop and Retry act on subtasks; the task's status and task_progress roll up from them;
//   - device groups: targets_filter.group_ids makes one subtask per member device (targets, when
//     given, win); task_policy.schedule_time (within 7 days) holds every subtask until then;
//     need_confirm holds them until ConfirmBatchTask.
// The HTTP layer (routes, signatures, paging, error shapes) sits on top of this.

import { otaMessage, RESULT_CODES, type OtaEnvelope, type UpgradeParas } from '../../../src/core/clouds/huawei/device';
import { randomUUID } from 'crypto';
import {
  documentPackageIds,
  formatIotdaTime,
  parseIotdaTime,
  type CreateBatchTask,
  type CreateOtaPackage,
  type OtaPackage,
  type Task,
  type TaskDetail,
  type TaskDetailStatus,
  type TaskProgress,
  type TaskStatus,
} from '../../../src/core/clouds/huawei/wire';

/** An IoTDA error (HTTP status, error_code, error_msg); the HTTP layer writes it. */
export class IotdaError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DeviceRecord {
  device_id: string;
  product_id: string;
  app_id: string;
  secret: string;
  fw_version?: string;
  sw_version?: string;
  online: boolean;
}

interface DetailRecord extends TaskDetail {
  /** Internal 24-hex id for marker paging of details. */
  id: string;
  attempts: number;
  timer?: NodeJS.Timeout;
  /** need_confirm: held until ConfirmBatchTask. */
  awaitingConfirm?: boolean;
}

export interface GroupRecord {
  /** ≤ 36 hex characters and "-", assigned by the platform. */
  group_id: string;
  name: string;
  app_id: string;
  devices: Set<string>;
}

interface TaskRecord {
  task: Task;
  /** The resource space (ListBatchTasks filters on it; Task does not show it). */
  appId: string;
  details: DetailRecord[];
  packageId?: string;
  /** task_policy.schedule_time in ms: no subtask starts before it. */
  startAt?: number;
  startTimer?: NodeJS.Timeout;
}

export interface IotdaModelOptions {
  /** Sends a `$ota` message down to a device (the MQTT side). */
  sendDown(deviceId: string, msg: OtaEnvelope<unknown>): void | Promise<void>;
  /** Where the device downloads the package (a presigned OBS URL). */
  packageUrl(pkg: OtaPackage): string | Promise<string>;
  /** Size of the package's OBS object (undefined: the object does not exist). */
  objectSize(pkg: OtaPackage): number | undefined;
  /** A subtask that does not finish within this fails (default 120 s). */
  detailTimeoutMs?: number;
  /** Length of an emulated minute (task_policy.retry_interval), default 60 s. */
  minuteMs?: number;
  now?: () => Date;
}

const FINAL_DETAIL: ReadonlySet<TaskDetailStatus> = new Set(['Success', 'Fail', 'Stopped', 'Removed']);

export class IotdaModel {
  readonly devices = new Map<string, DeviceRecord>();
  readonly packages = new Map<string, OtaPackage>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly groups = new Map<string, GroupRecord>();
  private seq = 0;
  private readonly base = BigInt(Math.floor(Date.now() / 1000)) << 64n;

  constructor(private readonly opts: IotdaModelOptions) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** 24 hex characters, increasing with creation (lists are in descending id order). */
  newId(): string {
    return (this.base + BigInt(++this.seq)).toString(16).padStart(24, '0').slice(-24);
  }

  addDevice(d: Omit<DeviceRecord, 'online'> & { online?: boolean }): DeviceRecord {
    const rec: DeviceRecord = { online: false, ...d };
    this.devices.set(d.device_id, rec);
    return rec;
  }

  /** A device group of existing devices (seeding: the emulator has no group API). */
  addGroup(name: string, deviceIds: string[], appId = 'app'): GroupRecord {
    for (const id of deviceIds) if (!this.devices.has(id)) throw new Error(`addGroup: no device ${id}`);
    const g: GroupRecord = { group_id: randomUUID(), name, app_id: appId, devices: new Set(deviceIds) };
    this.groups.set(g.group_id, g);
    return g;
  }

  /** The devices a task targets: `targets` when given, else the members of targets_filter.group_ids. */
  private resolveTargets(body: CreateBatchTask): string[] {
    if (body.targets?.length) return body.targets;
    const ids = body.targets_filter?.group_ids ?? [];
    if (!ids.length) throw new IotdaError(400, 'IOTDA.000006', 'Invalid input data. The task needs targets or targets_filter.group_ids.');
    const members = new Set<string>();
    for (const id of ids) {
      // UNVERIFIED code: the reference documents no group error; 000006 is IoTDA's "invalid input data".
      const g = this.groups.get(id);
      if (!g) throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. The device group ${id} does not exist.`);
      for (const d of g.devices) members.add(d);
    }
    if (!members.size) throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. The device groups ${ids.join(', ')} have no devices.`);
    return [...members];
  }

  /** task_policy.schedule_time as ms, refused unless it lies within the next 7 days (cloud-apis.md §2.5). */
  private startOf(body: CreateBatchTask): number | undefined {
    const raw = body.task_policy?.schedule_time;
    if (raw === undefined) return undefined;
    const at = parseIotdaTime(raw)?.getTime();
    const now = this.now().getTime();
    if (at === undefined || at <= now || at > now + 7 * 86_400_000) {
      throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. task_policy.schedule_time ${raw} must be a time within the next 7 days, as yyyyMMdd'T'HHmmss'Z'.`);
    }
    return at;
  }

  // --- packages ----------------------------------------------------------------------------------

  createPackage(body: CreateOtaPackage, defaultAppId: string): OtaPackage {
    const dup = [...this.packages.values()].find((p) => p.product_id === body.product_id && p.package_type === body.package_type && p.version === body.version && (p.module_name ?? '') === (body.module_name ?? ''));
    if (dup) throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. The ${body.package_type} version ${body.version} already exists for product ${body.product_id} (package ${dup.package_id}).`);
    const pkg: OtaPackage = {
      package_id: this.newId(),
      app_id: body.app_id ?? defaultAppId,
      package_type: body.package_type,
      product_id: body.product_id,
      product_name: body.product_id,
      module_name: body.module_name,
      version: body.version,
      support_source_versions: body.support_source_versions ?? [],
      description: body.description,
      custom_info: body.custom_info,
      create_time: formatIotdaTime(this.now()),
      file_location: { obs_location: { ...body.file_location.obs_location } },
    };
    this.packages.set(pkg.package_id, pkg);
    return pkg;
  }

  package(id: string): OtaPackage {
    const p = this.packages.get(id);
    if (!p) throw new IotdaError(404, 'IOTDA.014000', `The OTA package ${id} does not exist.`);
    return p;
  }

  deletePackage(id: string): void {
    this.package(id);
    this.packages.delete(id);
  }

  /** Packages in descending id order. */
  listPackages(filter: { package_type: string; app_id?: string; product_id?: string; version?: string }): OtaPackage[] {
    return [...this.packages.values()]
      .filter((p) => p.package_type === filter.package_type && (!filter.app_id || p.app_id === filter.app_id) && (!filter.product_id || p.product_id === filter.product_id) && (!filter.version || p.version === filter.version))
      .sort((a, b) => (a.package_id < b.package_id ? 1 : -1));
  }

  // --- tasks -------------------------------------------------------------------------------------

  createTask(body: CreateBatchTask, defaultAppId: string): Task {
    const upgrade = body.task_type === 'firmwareUpgrade' || body.task_type === 'softwareUpgrade';
    let packageId: string | undefined;
    if (upgrade) {
      const ids = documentPackageIds(body.document);
      if (ids.length !== 1) throw new IotdaError(400, 'IOTDA.000006', 'Invalid input data. An upgrade task\'s document names one package: {"package_ids":["<package_id>"]} (or {"package_id":"<package_id>"}).');
      const pkg = this.package(ids[0]);
      const want = body.task_type === 'firmwareUpgrade' ? 'firmwarePackage' : 'softwarePackage';
      if (pkg.package_type !== want) throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. A ${body.task_type} task needs a ${want}; package ${pkg.package_id} is a ${pkg.package_type}.`);
      packageId = pkg.package_id;
    }
    const targets = this.resolveTargets(body);
    const startAt = this.startOf(body);
    for (const t of targets) {
      const d = this.devices.get(t);
      if (!d) throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. The device ${t} does not exist.`);
      if (packageId && d.product_id !== this.package(packageId).product_id) throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. The device ${t} is not of product ${this.package(packageId).product_id}.`);
    }
    const task: Task = {
      task_id: this.newId(),
      task_name: body.task_name,
      task_type: body.task_type,
      task_mode: body.task_mode,
      need_confirm: body.need_confirm ?? false,
      task_ext_info: body.task_ext_info,
      targets: body.targets,
      ...(body.targets?.length ? {} : { targets_filter: body.targets_filter }),
      document: body.document as Record<string, unknown>,
      task_policy: body.task_policy,
      status: 'Initializing',
      status_desc: '',
      task_progress: { total: targets.length, processing: 0, success: 0, fail: 0, waitting: targets.length, fail_wait_retry: 0, stopped: 0, removed: 0 },
      create_time: formatIotdaTime(this.now()),
    };
    const rec: TaskRecord = {
      task,
      appId: body.app_id ?? defaultAppId,
      packageId,
      startAt,
      details: targets.map((target) => ({ id: this.newId(), target, status: 'Waitting', attempts: 0, awaitingConfirm: body.need_confirm === true || undefined })),
    };
    this.tasks.set(task.task_id, rec);
    this.rollup(rec);
    if (startAt !== undefined) {
      rec.startTimer = setTimeout(() => targets.forEach((t) => this.kick(t)), startAt - this.now().getTime());
      rec.startTimer.unref?.();
    }
    for (const t of targets) this.kick(t);
    return this.view(rec);
  }

  task(id: string): TaskRecord {
    const t = this.tasks.get(id);
    if (!t) throw new IotdaError(404, 'IOTDA.014000', `The batch task ${id} does not exist.`);
    return t;
  }

  /** A copy of the task as the API shows it. */
  view(rec: TaskRecord): Task {
    return structuredClone(rec.task);
  }

  details(rec: TaskRecord, filter: { status?: string; target?: string } = {}): (TaskDetail & { id: string })[] {
    return rec.details
      .filter((d) => (!filter.status || d.status === filter.status) && (!filter.target || d.target === filter.target))
      .map((d) => ({ id: d.id, target: d.target, status: d.status, output: d.output, error: d.error }))
      .sort((a, b) => (a.id < b.id ? 1 : -1));
  }

  listTasks(filter: { task_type: string; status?: string; app_id?: string }): Task[] {
    return [...this.tasks.values()]
      .filter((r) => r.task.task_type === filter.task_type && (!filter.status || r.task.status === filter.status) && (!filter.app_id || r.appId === filter.app_id))
      .map((r) => this.view(r))
      .sort((a, b) => (a.task_id < b.task_id ? 1 : -1));
  }

  /** StopBatchTask: Waitting/Processing/FailWaitRetry subtasks (of `targets`, or all) become Stopped. */
  stop(taskId: string, targets?: string[]): { target: string; status: string; error_code?: string; error_msg?: string }[] {
    const rec = this.task(taskId);
    const out = this.pick(rec, targets, (d) => d.status === 'Waitting' || d.status === 'Processing' || d.status === 'FailWaitRetry', 'cannot be stopped', (d) => {
      this.settle(d, 'Stopped', { output: 'stopped by the user' });
    });
    this.rollup(rec);
    return out;
  }

  /** RetryBatchTask: Fail/FailWaitRetry/Stopped subtasks run again. */
  retry(taskId: string, targets?: string[]): { target: string; status: string; error_code?: string; error_msg?: string }[] {
    const rec = this.task(taskId);
    const out = this.pick(rec, targets, (d) => d.status === 'Fail' || d.status === 'FailWaitRetry' || d.status === 'Stopped', 'cannot be retried', (d) => {
      clearTimeout(d.timer);
      d.status = 'Waitting';
      d.error = undefined;
      d.output = undefined;
    });
    this.rollup(rec);
    for (const r of out) if (r.status === 'Success') this.kick(r.target);
    return out;
  }

  /** ConfirmBatchTask: need_confirm subtasks still waiting (of `targets`, or all) may start. */
  confirm(taskId: string, targets?: string[]): { target: string; status: string; error_code?: string; error_msg?: string }[] {
    const rec = this.task(taskId);
    const out = this.pick(rec, targets, (d) => d.status === 'Waitting' && !!d.awaitingConfirm, 'does not wait for a confirmation', (d) => {
      d.awaitingConfirm = undefined;
    });
    for (const r of out) if (r.status === 'Success') this.kick(r.target);
    return out;
  }

  private pick(rec: TaskRecord, targets: string[] | undefined, eligible: (d: DetailRecord) => boolean, what: string, act: (d: DetailRecord) => void) {
    const chosen = targets?.length ? targets : rec.details.filter(eligible).map((d) => d.target);
    return chosen.map((t) => {
      const d = rec.details.find((x) => x.target === t);
      if (!d) return { target: t, status: 'Fail', error_code: 'IOTDA.000006', error_msg: `The device ${t} is not a target of task ${rec.task.task_id}.` };
      if (!eligible(d)) return { target: t, status: 'Fail', error_code: 'IOTDA.000006', error_msg: `The subtask of ${t} is ${d.status} and ${what}.` };
      act(d);
      return { target: t, status: 'Success' };
    });
  }

  // --- devices -----------------------------------------------------------------------------------

  /** The MQTT side tells the model when a device comes or goes. */
  setOnline(deviceId: string, online: boolean): void {
    const d = this.devices.get(deviceId);
    if (!d) return;
    d.online = online;
    if (online) this.kick(deviceId);
  }

  /** Something the device published on `…/sys/events/up` (already parsed `$ota` services). */
  onDeviceEvent(deviceId: string, eventType: string, paras: Record<string, unknown>): void {
    const dev = this.devices.get(deviceId);
    if (!dev) return;
    if (eventType === 'version_report') {
      if (typeof paras.fw_version === 'string') dev.fw_version = paras.fw_version;
      if (typeof paras.sw_version === 'string') dev.sw_version = paras.sw_version;
      return;
    }
    if (eventType !== 'upgrade_progress_report') return;
    const running = this.running(deviceId);
    if (!running) return;
    const { rec, detail } = running;
    const pkg = rec.packageId ? this.packages.get(rec.packageId) : undefined;
    const code = Number(paras.result_code);
    const progress = Number(paras.progress ?? 0);
    const version = typeof paras.version === 'string' ? paras.version : undefined;
    const description = typeof paras.description === 'string' ? paras.description : '';
    if (!Number.isInteger(code)) return;
    if (code !== 0) {
      this.failOrRetry(rec, detail, String(code), `${RESULT_CODES[code] ?? 'unknown result code'}${description ? `: ${description}` : ''}`, `result_code ${code}`);
    } else if (progress >= 100) {
      if (pkg && version === pkg.version) this.settle(detail, 'Success', { output: `upgraded to ${version}` });
      else this.failOrRetry(rec, detail, 'VERSION_MISMATCH', `the device reported version ${version ?? '(none)'} after the upgrade; the package version is ${pkg?.version}`, 'version mismatch');
    } else {
      detail.output = `progress ${Math.max(0, Math.min(100, progress))}%`;
    }
    this.rollup(rec);
    if (FINAL_DETAIL.has(detail.status) || detail.status === 'FailWaitRetry') this.kick(deviceId);
  }

  /** The device's running subtask (Processing), if any. */
  private running(deviceId: string): { rec: TaskRecord; detail: DetailRecord } | undefined {
    for (const rec of this.tasks.values()) {
      const detail = rec.details.find((d) => d.target === deviceId && d.status === 'Processing');
      if (detail) return { rec, detail };
    }
    return undefined;
  }

  /** Starts the device's oldest waiting subtask when it is online and idle. */
  private kick(deviceId: string): void {
    const dev = this.devices.get(deviceId);
    if (!dev?.online || this.running(deviceId)) return;
    const next = [...this.tasks.values()]
      .sort((a, b) => (a.task.task_id < b.task.task_id ? -1 : 1))
      .filter((rec) => rec.startAt === undefined || rec.startAt <= this.now().getTime())
      .map((rec) => ({ rec, detail: rec.details.find((d) => d.target === deviceId && d.status === 'Waitting' && !d.awaitingConfirm) }))
      .find((x) => x.detail);
    if (!next?.detail) return;
    const { rec, detail } = next;
    const pkg = rec.packageId ? this.packages.get(rec.packageId) : undefined;
    if (!pkg) return;
    detail.status = 'Processing';
    detail.attempts++;
    detail.output = 'upgrade notification sent';
    detail.error = undefined;
    const size = this.opts.objectSize(pkg);
    const obs = pkg.file_location?.obs_location;
    const paras: Omit<UpgradeParas, 'url'> = {
      version: pkg.version,
      file_size: size ?? 0,
      file_name: obs?.object_key.split('/').pop(),
      sign: obs?.sign ?? '',
      custom_info: pkg.custom_info,
      task_id: rec.task.task_id,
      ...(rec.task.task_ext_info ? { task_ext_info: rec.task.task_ext_info } : {}),
    };
    const event = rec.task.task_type === 'softwareUpgrade' ? 'software_upgrade_v2' : 'firmware_upgrade_v2';
    detail.timer = setTimeout(() => {
      if (detail.status !== 'Processing') return;
      this.failOrRetry(rec, detail, 'TIMEOUT', 'timed out: the device did not report the upgrade result in time', 'timed out');
      this.rollup(rec);
      this.kick(deviceId);
    }, this.opts.detailTimeoutMs ?? 120_000);
    detail.timer.unref?.();
    this.rollup(rec);
    const at = this.now();
    void Promise.resolve(this.opts.packageUrl(pkg))
      .then((url) => this.opts.sendDown(deviceId, otaMessage(deviceId, event, { ...paras, url } satisfies UpgradeParas, at)))
      .catch(() => undefined);
  }

  private failOrRetry(rec: TaskRecord, d: DetailRecord, code: string, msg: string, output: string): void {
    const policy = rec.task.task_policy;
    if (policy?.retry_count !== undefined && d.attempts <= policy.retry_count) {
      clearTimeout(d.timer);
      d.status = 'FailWaitRetry';
      d.output = output;
      d.error = { error_code: code, error_msg: msg };
      d.timer = setTimeout(() => {
        if (d.status !== 'FailWaitRetry') return;
        d.status = 'Waitting';
        this.rollup(rec);
        this.kick(d.target);
      }, (policy.retry_interval ?? 1) * (this.opts.minuteMs ?? 60_000));
      d.timer.unref?.();
      return;
    }
    this.settle(d, 'Fail', { output, error: { error_code: code, error_msg: msg } });
  }

  private settle(d: DetailRecord, status: TaskDetailStatus, fields: Pick<TaskDetail, 'output' | 'error'>): void {
    clearTimeout(d.timer);
    d.timer = undefined;
    d.status = status;
    d.output = fields.output;
    d.error = fields.error;
  }

  private rollup(rec: TaskRecord): void {
    const n = (s: TaskDetailStatus) => rec.details.filter((d) => d.status === s).length;
    const p: TaskProgress = {
      total: rec.details.length,
      processing: n('Processing'),
      success: n('Success'),
      fail: n('Fail'),
      waitting: n('Waitting'),
      fail_wait_retry: n('FailWaitRetry'),
      stopped: n('Stopped'),
      removed: n('Removed'),
    };
    rec.task.task_progress = p;
    const open = p.processing! + p.waitting! + p.fail_wait_retry!;
    let status: TaskStatus;
    if (open > 0) status = p.processing! + p.success! + p.fail! + p.fail_wait_retry! + p.stopped! > 0 ? 'Processing' : 'Waitting';
    else if (p.total === 0 || p.success === p.total) status = 'Success';
    else if (p.stopped! > 0 && p.success === 0 && p.fail === 0) status = 'Stopped';
    else if (p.success! > 0) status = 'PartialSuccess';
    else status = 'Fail';
    rec.task.status = status;
    rec.task.status_desc = status === 'Fail' || status === 'PartialSuccess' ? `${p.fail} of ${p.total} devices failed` : '';
  }

  close(): void {
    for (const rec of this.tasks.values()) {
      clearTimeout(rec.startTimer);
      for (const d of rec.details) clearTimeout(d.timer);
    }
  }
}
