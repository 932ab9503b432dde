// The emulated IoT Platform OTA state (cloud-apis.md §3.2–3.4), without HTTP or MQTT: firmware
// registered from uploads, verify and static upgrade jobs, one task per device, driven by what the
// devices report. The platform's rules kept here:
//  - a verify job is refused while its firmware is verifying (Status 2) or verified (1);
//  - a device takes one task at a time: a newer task waits QUEUED behind an unfinished one;
//  - progress steps 1..100 move a task IN_PROGRESS; -1..-4 fail it with the device's desc;
//  - only a version report equal to DestVersion makes it SUCCEEDED (not progress 100);
//  - a task not done within TimeoutInMinutes is FAILED with TaskDesc "timeout" (no TIMEOUT status);
//  - the verify job's outcome sets the firmware Status: all SUCCEEDED → 1, otherwise 3.
// Requests arrive as the flat, decoded query (Name.1, Tag.1.Key); errors are AliyunFault.

import { EventEmitter } from 'events';
import { randomBytes } from 'crypto';
import { DEST_VERSION, FIRMWARE_DESC_MAX, FIRMWARE_NAME, STATIC_JOB, UNREGISTERED_UPLOAD_TTL_MS, VERIFY_JOB, tagProblems, type Tag } from '../../../src/core/clouds/aliyun/limits';
import { PROGRESS_FAILURE, TASK_FINAL, apiSignMethod, progressStep, pushSignMethod, taskState, type ApiSignMethod } from '../../../src/core/clouds/aliyun/status';
import type { UpgradePush } from '../../../src/core/clouds/aliyun/wire';

/** A business error: HTTP 200 with Success:false, unless `status` says otherwise. */
export class AliyunFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 200,
  ) {
    super(message);
    this.name = 'AliyunFault';
  }
}

export interface Upload {
  key: string;
  url: string;
  bytes: number;
  md5: string;
  sha256: string;
  at: number;
  registered?: string;
}

export interface Firmware {
  FirmwareId: string;
  FirmwareName: string;
  DestVersion: string;
  SrcVersion?: string;
  FirmwareUrl: string;
  FirmwareSign: string;
  SignMethod: ApiSignMethod;
  FirmwareSize: number;
  FirmwareDesc?: string;
  ProductKey: string;
  Type: number;
  Status: number;
  VerifyProgress: number;
  UtcCreate: string;
  UtcModified: string;
  uploadKey: string;
}

export interface Job {
  JobId: string;
  FirmwareId: string;
  ProductKey: string;
  JobType: 'VERFIY_FIRMWARE' | 'UPGRADE_FIRMWARE';
  JobStatus: 'PLANNED' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELED';
  SelectionType: 'STATIC';
  TargetSelection: string;
  Tags: Tag[];
  TimeoutInMinutes?: number;
  DownloadProtocol: string;
  GrayPercent?: string;
  DestVersion?: string;
  SrcVersions?: string[];
  MaximumPerMinute?: number;
  OverwriteMode?: number;
  NeedPush?: boolean;
  NeedConfirm?: boolean;
  RetryInterval?: number;
  RetryCount?: number;
  UtcCreate: string;
  UtcModified: string;
  UtcStartTime?: string;
  UtcEndTime?: string;
  UtcScheduleTime?: string;
  UtcScheduleFinishTime?: string;
}

/** What a static job was asked for, kept until (and while) it runs. */
interface Plan {
  startAt: number;
  finishAt?: number;
  names: string[];
  srcVersions: string[];
}

export interface Task {
  TaskId: string;
  JobId: string;
  FirmwareId: string;
  ProductKey: string;
  DeviceName: string;
  IotId: string;
  SrcVersion: string;
  DestVersion: string;
  TaskStatus: string;
  Progress: string;
  TaskDesc: string;
  UtcCreate: string;
  UtcModified: string;
  /** When it was pushed (its timeout counts from here). */
  pushedAt?: number;
  /** Automatic retries used (RetryCount), and when the next one is due (RetryInterval after a failure). */
  retries?: number;
  retryAt?: number;
}

export interface Device {
  productKey: string;
  deviceName: string;
  secret: string;
  version?: string;
}

export interface OtaWorldOptions {
  /** How long an emulated minute lasts (task timeouts). */
  minuteMs?: number;
  now?: () => number;
  /** The URL a device downloads an uploaded object from. */
  downloadUrl: (upload: Upload) => string;
}

const utc = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.000Z');
const id = (prefix: string) => `${prefix}${randomBytes(10).toString('base64url').replace(/[-_]/g, 'x')}`;

/** Values of `Name.1 … Name.N` in order. */
export function listParam(q: Record<string, string>, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; q[`${name}.${i}`] !== undefined; i++) out.push(q[`${name}.${i}`]);
  return out;
}

export function tagParam(q: Record<string, string>): Tag[] {
  const out: Tag[] = [];
  for (let i = 1; q[`Tag.${i}.Key`] !== undefined || q[`Tag.${i}.Value`] !== undefined; i++) out.push({ Key: q[`Tag.${i}.Key`] ?? '', Value: q[`Tag.${i}.Value`] ?? '' });
  return out;
}

const invalid = (message: string) => new AliyunFault('iot.common.InvalidFormattedParameter', message);
const required = (q: Record<string, string>, name: string) => {
  const v = q[name];
  if (v === undefined || v === '') throw new AliyunFault('iot.check.InvalidFormattedParameter', `${name} is mandatory for this action.`);
  return v;
};
const bool = (v: string | undefined, dflt: boolean) => (v === undefined ? dflt : v === 'true');

/** An optional integer parameter that `ok` accepts (`what` says which values do). */
function intParam(q: Record<string, string>, name: string, ok: (n: number) => boolean, what: string): number | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!ok(n)) throw invalid(`${name} must be ${what}; got "${v}".`);
  return n;
}

/** An optional time parameter: a 13-digit millisecond timestamp. */
function msParam(q: Record<string, string>, name: string): number | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (!/^\d{13}$/.test(v)) throw invalid(`${name} must be a 13-digit timestamp in milliseconds; got "${v}".`);
  return Number(v);
}

export class OtaWorld extends EventEmitter {
  readonly devices = new Map<string, Device>();
  readonly uploads = new Map<string, Upload>();
  readonly firmware = new Map<string, Firmware>();
  readonly jobs = new Map<string, Job>();
  readonly tasks = new Map<string, Task>();
  private readonly plans = new Map<string, Plan>();
  readonly minuteMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: OtaWorldOptions) {
    super();
    this.minuteMs = opts.minuteMs ?? 60_000;
    this.now = opts.now ?? Date.now;
  }

  private key = (pk: string, dn: string) => `${pk}/${dn}`;

  addDevice(d: Device): void {
    this.devices.set(this.key(d.productKey, d.deviceName), { ...d });
  }

  device(pk: string, dn: string): Device | undefined {
    return this.devices.get(this.key(pk, dn));
  }

  /** The OSS side calls this when a form upload was accepted. */
  addUpload(u: Omit<Upload, 'at'>): void {
    this.uploads.set(u.url, { ...u, at: this.now() });
  }

  // --- firmware -----------------------------------------------------------------------------

  createFirmware(q: Record<string, string>): Firmware {
    const name = required(q, 'FirmwareName');
    const dest = required(q, 'DestVersion');
    const chars = [...name];
    if (chars.length > FIRMWARE_NAME.max || !chars.every((c) => FIRMWARE_NAME.char.test(c)) || !FIRMWARE_NAME.first.test(chars[0])) throw invalid(`FirmwareName is invalid: ${FIRMWARE_NAME.allowed}, 1–40 characters.`);
    if ([...dest].length > DEST_VERSION.max || ![...dest].every((c) => DEST_VERSION.char.test(c))) throw invalid('DestVersion is invalid: letters, digits, ".", "-" and "_", 1–64 characters.');
    if (q.FirmwareDesc !== undefined && [...q.FirmwareDesc].length > FIRMWARE_DESC_MAX) throw invalid(`FirmwareDesc exceeds ${FIRMWARE_DESC_MAX} characters.`);
    if ([...this.firmware.values()].some((f) => f.FirmwareName === name)) throw new AliyunFault('iot.ota.FirmwareNameExisted', `The firmware name ${name} already exists.`);
    const url = required(q, 'FirmwareUrl');
    const up = this.uploads.get(url);
    if (!up || this.now() - up.at > UNREGISTERED_UPLOAD_TTL_MS) throw new AliyunFault('iot.ota.FirmwareUrlNotExist', 'The firmware file does not exist (uploads not registered within 60 minutes are deleted).');
    const method = q.SignMethod === undefined ? 'MD5' : apiSignMethod(q.SignMethod);
    if (!method) throw invalid('SignMethod must be MD5 or SHA256.');
    const sign = q.FirmwareSign ?? up.md5;
    const size = q.FirmwareSize !== undefined ? Number(q.FirmwareSize) : up.bytes;
    const at = utc(this.now());
    const fw: Firmware = {
      FirmwareId: id('fw'),
      FirmwareName: name,
      DestVersion: dest,
      SrcVersion: q.SrcVersion,
      FirmwareUrl: url,
      FirmwareSign: sign,
      SignMethod: method,
      FirmwareSize: size,
      FirmwareDesc: q.FirmwareDesc,
      ProductKey: q.ProductKey ?? '',
      Type: Number(q.Type ?? 0),
      Status: bool(q.NeedToVerify, true) ? 0 : -1,
      VerifyProgress: 0,
      UtcCreate: at,
      UtcModified: at,
      uploadKey: up.key,
    };
    up.registered = fw.FirmwareId;
    this.firmware.set(fw.FirmwareId, fw);
    return fw;
  }

  getFirmware(firmwareId: string): Firmware {
    const fw = this.firmware.get(required({ FirmwareId: firmwareId }, 'FirmwareId'));
    if (!fw) throw new AliyunFault('iot.ota.FirmwareNotExist', `The firmware ${firmwareId} does not exist.`);
    return fw;
  }

  /** Newest first, as the console lists them. */
  listFirmware(q: Record<string, string>): Firmware[] {
    return [...this.firmware.values()].filter((f) => (!q.ProductKey || f.ProductKey === q.ProductKey) && (!q.DestVersion || f.DestVersion === q.DestVersion)).reverse();
  }

  // --- jobs ---------------------------------------------------------------------------------

  createVerifyJob(q: Record<string, string>): Job {
    const fw = this.getFirmware(required(q, 'FirmwareId'));
    const pk = required(q, 'ProductKey');
    if (fw.Status === 1 || fw.Status === 2) {
      throw new AliyunFault('iot.ota.VerifyFirmwareStatusError', `The firmware ${fw.FirmwareId} is ${fw.Status === 1 ? 'already verified' : 'being verified'}; a verify job cannot be created.`);
    }
    if (fw.Status === -1) throw new AliyunFault('iot.ota.VerifyFirmwareStatusError', `The firmware ${fw.FirmwareId} does not need verification.`);
    const names = listParam(q, 'TargetDeviceName');
    if (!names.length) throw new AliyunFault('iot.check.InvalidFormattedParameter', 'TargetDeviceName is mandatory for this action.');
    if (names.length > VERIFY_JOB.maxDevices) throw invalid(`A verify job takes at most ${VERIFY_JOB.maxDevices} devices.`);
    if (new Set(names).size !== names.length) throw invalid('TargetDeviceName contains duplicates.');
    const timeout = Number(required(q, 'TimeoutInMinutes'));
    if (!Number.isInteger(timeout) || timeout < VERIFY_JOB.timeoutInMinutes.min || timeout > VERIFY_JOB.timeoutInMinutes.max) throw invalid('TimeoutInMinutes must be from 1 to 1440.');
    for (const dn of names) if (!this.device(pk, dn)) throw new AliyunFault('iot.device.NotExistedDevice', `The device ${dn} does not exist in product ${pk}.`);
    const job = this.newJob(fw, pk, 'VERFIY_FIRMWARE', 'SPECIFIC', q, timeout);
    fw.Status = 2;
    fw.VerifyProgress = 0;
    fw.UtcModified = job.UtcCreate;
    for (const dn of names) this.newTask(job, fw, dn);
    this.schedule();
    return job;
  }

  /**
   * CreateOTAStaticUpgradeJob as the API page documents it: the ranges of cloud-apis.md §3.2 (integer
   * fields as integers, ScheduleTime as 13-digit ms), a PLANNED job that gets its tasks only when its
   * ScheduleTime comes (tick), at most MaximumPerMinute pushes a minute, a failed device retried
   * RetryInterval minutes later up to RetryCount times, OverwriteMode 2 replacing a device's
   * unfinished task. Targets of ALL/GRAY are the product's devices when the job starts.
   */
  createStaticJob(q: Record<string, string>): Job {
    const fw = this.getFirmware(required(q, 'FirmwareId'));
    const pk = required(q, 'ProductKey');
    if (fw.Status !== 1 && fw.Status !== -1) throw new AliyunFault('iot.ota.FirmwareNotVerified', `The firmware ${fw.FirmwareId} has not passed verification.`);
    const sel = required(q, 'TargetSelection');
    const s = STATIC_JOB;
    if (sel === 'SPECIFIC') {
      const names = listParam(q, 'TargetDeviceName');
      if (!names.length || names.length > s.maxDevicesPerCall) throw invalid(`A SPECIFIC job names 1–${s.maxDevicesPerCall} devices.`);
      for (const dn of names) if (!this.device(pk, dn)) throw new AliyunFault('iot.device.NotExistedDevice', `The device ${dn} does not exist in product ${pk}.`);
    } else if (sel === 'GRAY') {
      const m = /^(\d+)(?:\.(\d+))?$/.exec(q.GrayPercent ?? '');
      const p = Number(q.GrayPercent);
      if (!m || (m[2]?.length ?? 0) > s.grayPercent.decimals || !(p >= s.grayPercent.min && p <= s.grayPercent.max)) throw invalid(`GrayPercent must be a percentage from ${s.grayPercent.min} to ${s.grayPercent.max} with at most ${s.grayPercent.decimals} decimals.`);
    } else if (sel === 'GROUP') {
      // The emulator has no device groups: any GroupId is one that does not exist.
      throw new AliyunFault('iot.group.NotExistedGroup', `The group ${required(q, 'GroupId')} does not exist.`);
    } else if (sel !== 'ALL') throw invalid('TargetSelection must be ALL, SPECIFIC, GRAY or GROUP.');

    const timeout = intParam(q, 'TimeoutInMinutes', (n) => n >= s.timeoutInMinutes.min && n <= s.timeoutInMinutes.max, 'from 1 to 1440');
    const retryInterval = intParam(q, 'RetryInterval', (n) => (s.retryIntervals as readonly number[]).includes(n), `one of ${s.retryIntervals.join(', ')}`);
    if (retryInterval !== undefined && timeout !== undefined && retryInterval >= timeout) throw invalid('RetryInterval must be less than TimeoutInMinutes.');
    const retryCount = intParam(q, 'RetryCount', (n) => (s.retryCounts as readonly number[]).includes(n), `one of ${s.retryCounts.join(', ')}`);
    if (retryInterval !== undefined && retryCount === undefined) throw new AliyunFault('iot.check.InvalidFormattedParameter', 'RetryCount is mandatory when RetryInterval is specified.');
    const rate = intParam(q, 'MaximumPerMinute', (n) => n >= s.maximumPerMinute.min && n <= s.maximumPerMinute.max, 'from 10 to 10000') ?? s.maximumPerMinute.max;
    const overwrite = intParam(q, 'OverwriteMode', (n) => (s.overwriteModes as readonly number[]).includes(n), '1 or 2') ?? 1;
    const startAt = msParam(q, 'ScheduleTime');
    const finishAt = msParam(q, 'ScheduleFinishTime');
    if (startAt !== undefined) {
      const ahead = startAt - this.now();
      if (ahead < s.scheduleAheadMs.min || ahead > s.scheduleAheadMs.max) throw invalid('ScheduleTime must be from 5 minutes to 7 days later than the current time.');
    }
    if (finishAt !== undefined) {
      if (startAt === undefined) throw invalid('ScheduleFinishTime requires ScheduleTime.');
      const span = finishAt - startAt;
      if (span < s.finishAfterStartMs.min || span > s.finishAfterStartMs.max) throw invalid('ScheduleFinishTime must be from 1 hour to 30 days later than ScheduleTime.');
    }

    const job = this.newJob(fw, pk, 'UPGRADE_FIRMWARE', sel, q, timeout);
    const src = listParam(q, 'SrcVersion');
    Object.assign(job, {
      DestVersion: fw.DestVersion,
      MaximumPerMinute: rate,
      OverwriteMode: overwrite,
      NeedPush: bool(q.NeedPush, true),
      NeedConfirm: bool(q.NeedConfirm, false),
      ...(retryInterval !== undefined ? { RetryInterval: retryInterval, RetryCount: retryCount } : {}),
      ...(src.length ? { SrcVersions: src } : {}),
      ...(startAt !== undefined ? { JobStatus: 'PLANNED', UtcStartTime: undefined, UtcScheduleTime: utc(startAt) } : {}),
      ...(finishAt !== undefined ? { UtcScheduleFinishTime: utc(finishAt) } : {}),
    } satisfies Partial<Job>);
    this.plans.set(job.JobId, { startAt: startAt ?? this.now(), finishAt, names: listParam(q, 'TargetDeviceName'), srcVersions: src });
    if (startAt === undefined) this.startJob(job);
    return job;
  }

  /** A static job's devices, chosen when it starts. */
  private startJob(job: Job): void {
    const plan = this.plans.get(job.JobId)!;
    const fw = this.firmware.get(job.FirmwareId)!;
    const ofProduct = [...this.devices.values()].filter((d) => d.productKey === job.ProductKey).map((d) => d.deviceName);
    let targets = job.TargetSelection === 'SPECIFIC' ? plan.names : ofProduct;
    if (job.TargetSelection === 'GRAY') targets = ofProduct.slice(0, Math.ceil((ofProduct.length * Number(job.GrayPercent)) / 100));
    if (plan.srcVersions.length) targets = targets.filter((dn) => plan.srcVersions.includes(this.device(job.ProductKey, dn)?.version ?? ''));
    job.JobStatus = 'IN_PROGRESS';
    job.UtcStartTime = job.UtcModified = utc(this.now());
    for (const dn of targets) {
      if (job.OverwriteMode === 2) for (const t of this.unfinishedTasks(job.ProductKey, dn)) this.setTask(t, 'CANCELED', { desc: `overwritten by job ${job.JobId}` });
      this.newTask(job, fw, dn);
    }
    if (!targets.length) this.finishJob(job);
    this.schedule();
  }

  private newJob(fw: Firmware, pk: string, type: Job['JobType'], sel: string, q: Record<string, string>, timeout?: number): Job {
    const tags = tagParam(q);
    const problems = tagProblems(tags);
    if (problems.length) throw invalid(problems[0]);
    const at = utc(this.now());
    const job: Job = {
      JobId: id('job'),
      FirmwareId: fw.FirmwareId,
      ProductKey: pk,
      JobType: type,
      JobStatus: 'IN_PROGRESS',
      SelectionType: 'STATIC',
      TargetSelection: sel,
      Tags: tags,
      TimeoutInMinutes: timeout,
      DownloadProtocol: q.DownloadProtocol ?? 'HTTPS',
      GrayPercent: q.GrayPercent,
      UtcCreate: at,
      UtcModified: at,
      UtcStartTime: at,
    };
    this.jobs.set(job.JobId, job);
    return job;
  }

  private newTask(job: Job, fw: Firmware, dn: string): void {
    const at = utc(this.now());
    const dev = this.device(job.ProductKey, dn)!;
    const t: Task = {
      TaskId: id('task'),
      JobId: job.JobId,
      FirmwareId: fw.FirmwareId,
      ProductKey: job.ProductKey,
      DeviceName: dn,
      IotId: `iot-${dn}`,
      SrcVersion: dev.version ?? '',
      DestVersion: fw.DestVersion,
      TaskStatus: 'QUEUED',
      Progress: '0',
      TaskDesc: '',
      UtcCreate: at,
      UtcModified: at,
    };
    this.tasks.set(t.TaskId, t);
  }

  getJob(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new AliyunFault('iot.ota.JobNotExist', `The job ${jobId} does not exist.`);
    return job;
  }

  jobsOf(firmwareId: string): Job[] {
    this.getFirmware(firmwareId);
    return [...this.jobs.values()].filter((j) => j.FirmwareId === firmwareId).reverse();
  }

  tasksOf(jobId: string, status?: string, deviceNames: string[] = []): Task[] {
    this.getJob(jobId);
    return [...this.tasks.values()].filter((t) => t.JobId === jobId && (!status || t.TaskStatus === status) && (!deviceNames.length || deviceNames.includes(t.DeviceName)));
  }

  /** ListOTAUnfinishedTaskByDevice: the device's tasks not yet final, oldest first. */
  unfinishedTasks(pk: string, dn: string): Task[] {
    if (!pk || !dn) throw new AliyunFault('iot.check.InvalidFormattedParameter', 'ProductKey and DeviceName are mandatory for this action.');
    if (!this.device(pk, dn)) throw new AliyunFault('iot.device.NotExistedDevice', `The device ${dn} does not exist in product ${pk}.`);
    return [...this.tasks.values()].filter((t) => t.ProductKey === pk && t.DeviceName === dn && !TASK_FINAL.has(taskState(t.TaskStatus)));
  }

  /** CancelOTATaskByJob: the states named by its flags; returns how many were cancelled. */
  cancelTasks(q: Record<string, string>): number {
    const job = this.getJob(required(q, 'JobId'));
    const states = new Set<string>();
    if (bool(q.CancelQueuedTask, false)) states.add('QUEUED');
    if (bool(q.CancelNotifiedTask, false)) states.add('NOTIFIED');
    if (bool(q.CancelInProgressTask, false)) states.add('IN_PROGRESS');
    if (bool(q.CancelUnconfirmedTask, false)) states.add('CONFIRM');
    const scheduled = bool(q.CancelScheduledTask, false);
    if (!states.size && !scheduled) throw new AliyunFault('iot.check.InvalidFormattedParameter', 'Specify at least one kind of task to cancel.');
    // A PLANNED job has no tasks yet: cancelling its scheduled tasks cancels the job.
    if (scheduled && job.JobStatus === 'PLANNED') {
      job.JobStatus = 'CANCELED';
      job.UtcEndTime = job.UtcModified = utc(this.now());
      this.plans.delete(job.JobId);
      this.emit('job', job);
      return 0;
    }
    let n = 0;
    for (const t of this.tasksOf(job.JobId)) {
      if (!states.has(t.TaskStatus)) continue;
      this.setTask(t, 'CANCELED', { desc: 'canceled by the user' });
      n++;
    }
    this.schedule();
    return n;
  }

  // --- devices ------------------------------------------------------------------------------

  /** `/ota/device/inform`: the device runs `version`. */
  onVersion(pk: string, dn: string, version: string): void {
    const dev = this.device(pk, dn);
    if (!dev) return;
    dev.version = version;
    const t = this.activeTask(pk, dn);
    if (t && (t.TaskStatus === 'NOTIFIED' || t.TaskStatus === 'IN_PROGRESS') && version === t.DestVersion) this.setTask(t, 'SUCCEEDED', { progress: '100' });
    this.schedule();
  }

  /** `/ota/device/progress`: a step 1..100 or a failure -1..-4. */
  onProgress(pk: string, dn: string, step: string | number, desc?: string): void {
    const t = this.activeTask(pk, dn);
    if (!t || (t.TaskStatus !== 'NOTIFIED' && t.TaskStatus !== 'IN_PROGRESS')) return;
    const s = progressStep(step);
    if (s.kind === 'percent') this.setTask(t, 'IN_PROGRESS', { progress: String(s.percent) });
    else if (s.kind === 'failed') this.setTask(t, 'FAILED', { desc: desc || PROGRESS_FAILURE[String(s.step)] });
    this.schedule();
  }

  /** `thing.ota.firmware.get`: the package pushed to this device and not finished, if any. */
  pendingPush(pk: string, dn: string): UpgradePush['data'] | undefined {
    const t = this.activeTask(pk, dn);
    return t && (t.TaskStatus === 'NOTIFIED' || t.TaskStatus === 'IN_PROGRESS') ? this.pushOf(t) : undefined;
  }

  /**
   * Starts PLANNED jobs whose ScheduleTime came, ends jobs past their ScheduleFinishTime (their
   * unfinished tasks FAILED), fails pushed tasks past their job's timeout. Call it now and then
   * (the server does).
   */
  tick(): void {
    for (const [jobId, plan] of this.plans) {
      const job = this.jobs.get(jobId)!;
      if (job.JobStatus === 'PLANNED' && this.now() >= plan.startAt) this.startJob(job);
      if (job.JobStatus === 'IN_PROGRESS' && plan.finishAt !== undefined && this.now() >= plan.finishAt) {
        for (const t of this.tasksOf(jobId)) if (!TASK_FINAL.has(taskState(t.TaskStatus))) this.setTask(t, 'FAILED', { desc: 'the job reached its ScheduleFinishTime', final: true });
      }
      if (job.JobStatus === 'COMPLETED' || job.JobStatus === 'CANCELED') this.plans.delete(jobId);
    }
    for (const t of this.tasks.values()) {
      if (t.retryAt === undefined || t.retryAt > this.now() || this.activeTask(t.ProductKey, t.DeviceName)) continue;
      t.retryAt = t.pushedAt = undefined;
      this.setTask(t, 'QUEUED', { progress: '0', desc: '' });
    }
    for (const t of this.tasks.values()) {
      const job = this.jobs.get(t.JobId)!;
      if (!job.TimeoutInMinutes || t.pushedAt === undefined || (t.TaskStatus !== 'NOTIFIED' && t.TaskStatus !== 'IN_PROGRESS')) continue;
      if (this.now() - t.pushedAt >= job.TimeoutInMinutes * this.minuteMs) this.setTask(t, 'FAILED', { desc: 'timeout' });
    }
    this.schedule();
  }

  /** The device's oldest unfinished task (a device takes one at a time). */
  private activeTask(pk: string, dn: string): Task | undefined {
    return [...this.tasks.values()].find((t) => t.ProductKey === pk && t.DeviceName === dn && !TASK_FINAL.has(taskState(t.TaskStatus)));
  }

  private pushOf(t: Task): UpgradePush['data'] {
    const fw = this.firmware.get(t.FirmwareId)!;
    const up = [...this.uploads.values()].find((u) => u.key === fw.uploadKey)!;
    const signMethod = pushSignMethod(fw.SignMethod);
    return { size: fw.FirmwareSize, version: fw.DestVersion, url: this.opts.downloadUrl(up), sign: fw.FirmwareSign, signMethod, ...(signMethod === 'Md5' ? { md5: fw.FirmwareSign } : {}) };
  }

  private setTask(t: Task, status: string, o: { progress?: string; desc?: string; final?: boolean } = {}): void {
    const job = this.jobs.get(t.JobId);
    // A failed device is retried RetryInterval minutes later, RetryCount times (not past the job's end).
    if (status === 'FAILED' && !o.final && job?.RetryCount && (t.retries ?? 0) < job.RetryCount) {
      t.retries = (t.retries ?? 0) + 1;
      t.retryAt = this.now() + (job.RetryInterval ?? 0) * this.minuteMs;
    } else t.retryAt = undefined;
    t.TaskStatus = status;
    if (o.progress !== undefined) t.Progress = o.progress;
    if (o.desc !== undefined) t.TaskDesc = o.desc;
    t.UtcModified = utc(this.now());
    this.emit('task', t);
  }

  /** Pushes each device's front task, then rolls up jobs and verify verdicts. */
  private schedule(): void {
    for (const t of this.tasks.values()) {
      if (t.TaskStatus !== 'QUEUED' || this.activeTask(t.ProductKey, t.DeviceName) !== t) continue;
      const job = this.jobs.get(t.JobId)!;
      if (job.JobStatus !== 'IN_PROGRESS' || this.pushedLastMinute(job) >= (job.MaximumPerMinute ?? Infinity)) continue;
      t.pushedAt = this.now();
      this.setTask(t, 'NOTIFIED');
      const push: UpgradePush = { code: '1000', data: this.pushOf(t), id: Date.now(), message: 'success' };
      this.emit('push', t.ProductKey, t.DeviceName, push);
    }
    for (const job of this.jobs.values()) {
      if (job.JobStatus !== 'IN_PROGRESS') continue;
      const tasks = [...this.tasks.values()].filter((t) => t.JobId === job.JobId);
      const fw = this.firmware.get(job.FirmwareId)!;
      if (job.JobType === 'VERFIY_FIRMWARE' && tasks.length) fw.VerifyProgress = Math.round((100 * tasks.filter((t) => TASK_FINAL.has(taskState(t.TaskStatus))).length) / tasks.length);
      if (tasks.every((t) => TASK_FINAL.has(taskState(t.TaskStatus)) && t.retryAt === undefined)) this.finishJob(job);
    }
  }

  /** Tasks of the job pushed within the last (emulated) minute: MaximumPerMinute caps them. */
  private pushedLastMinute(job: Job): number {
    const since = this.now() - this.minuteMs;
    return [...this.tasks.values()].filter((t) => t.JobId === job.JobId && t.pushedAt !== undefined && t.pushedAt > since).length;
  }

  private finishJob(job: Job): void {
    const tasks = [...this.tasks.values()].filter((t) => t.JobId === job.JobId);
    job.JobStatus = tasks.length && tasks.every((t) => t.TaskStatus === 'CANCELED') ? 'CANCELED' : 'COMPLETED';
    job.UtcEndTime = job.UtcModified = utc(this.now());
    if (job.JobType === 'VERFIY_FIRMWARE') {
      const fw = this.firmware.get(job.FirmwareId)!;
      fw.Status = tasks.length && tasks.every((t) => t.TaskStatus === 'SUCCEEDED') ? 1 : 3;
      fw.VerifyProgress = 100;
      fw.UtcModified = job.UtcEndTime;
    }
    this.emit('job', job);
  }
}
