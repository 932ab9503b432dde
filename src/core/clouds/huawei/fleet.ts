// Release to Fleet on IoTDA: one firmwareUpgrade batch task (cloud-apis.md §2.5) for the package
// that passed on the bench, on device groups (targets_filter.group_ids) or listed device_ids, with
// an optional retry policy, start time and need_confirm. The questions' checks and the check before
// the call read the same rules (limits.ts); the task repeats the bench task's document, so the fleet
// gets what passed, in the document form this region accepted. Like the verify task, the fleet
// task is told apart by its task_name: a reply lost after the create is found by it.

import { CloudError, isCloudErrorCode } from '../../errors';
import type { Job } from '../../model';
import type { HuaweiProfile } from '../../profiles';
import { splitList } from '../../validators';
import { localTime, parseAnswers, parseLocalTime, localTimeProblem, type FleetAnswers, type FleetForm, type FleetSource } from '../fleet';
import type { Cancel } from '../provider';
import { fleetReference } from '../verifyRef';
import type { IotdaClient } from './client';
import { groupListProblems, LIMITS, retryCountProblem, retryIntervalProblem, scheduleProblem, targetListProblems, taskNameProblem, taskProblems, type LimitProblem } from './limits';
import { createUpgradeTask, findTaskByName } from './verify';
import { documentPackageIds, formatIotdaTime, PATHS, upgradeDocument, type CreateBatchTask, type DocumentForm, type ShowBatchTaskResponse } from './wire';

/** Question keys (the wizard remembers answers by them). */
export const K = {
  targetKind: 'targetKind',
  groups: 'groupIds',
  devices: 'deviceIds',
  retry: 'retry',
  retryCount: 'retryCount',
  retryInterval: 'retryIntervalMinutes',
  start: 'start',
  scheduleAt: 'scheduleAt',
  needConfirm: 'needConfirm',
  taskName: 'taskName',
} as const;

const first = (ps: readonly (LimitProblem | undefined)[]) => ps.find(Boolean)?.message;

/** A typed local start time as a Date (fleet.ts parseLocalTime: one reader for every cloud). */
const localDate = (typed: string) => {
  const ms = parseLocalTime(typed);
  return ms === undefined ? undefined : new Date(ms);
};

/** The problem with a typed start time: not "YYYY-MM-DD HH:mm", or outside the next 7 days. */
export function scheduleAnswerProblem(typed: string, now = new Date()): string | undefined {
  return localTimeProblem(typed, now.getTime() + 3_600_000) ?? scheduleProblem(localDate(typed)!, now)?.message;
}

/** The task name offered first: the fleet reference of the version (task_name takes "_", not "-"). */
export const fleetTaskName = (source: Pick<FleetSource, 'packageName' | 'version'>, now = new Date()): string =>
  fleetReference(source.packageName, source.version, now, LIMITS.taskNameMax, undefined, '_');

const list = (v: string | number | null | undefined) => splitList(String(v ?? ''));

export interface HuaweiFleetFormOptions {
  now?: () => Date;
  /** The task already named so (the task name must tell this task apart after a lost reply). */
  findByName?: (name: string) => Promise<Job | undefined>;
}

/** The Release to Fleet questions for IoTDA. */
export function huaweiFleetForm(source: FleetSource, o: HuaweiFleetFormOptions = {}): FleetForm {
  const now = o.now ?? (() => new Date());
  const isGroups = (a: FleetAnswers) => a[K.targetKind] === 'groups';
  const retries = (a: FleetAnswers) => a[K.retry] === 'retry';
  const scheduled = (a: FleetAnswers) => a[K.start] === 'scheduled';
  return {
    job: 'upgrade task',
    questions: [
      {
        key: K.targetKind,
        kind: 'pick',
        placeholder: 'Which devices get the upgrade',
        options: [
          { value: 'groups', label: 'Device groups', description: 'every device in the groups (targets_filter.group_ids)' },
          { value: 'devices', label: 'These devices', description: `device_ids, at most ${LIMITS.targetsMax}` },
        ],
      },
      {
        key: K.groups,
        kind: 'text',
        when: isGroups,
        prompt: 'Device group ids, comma-separated (IoTDA console → Devices → Groups)',
        placeholder: 'e.g. 3f2b6c1e-0d4a-4c1b-9e7f-5a6b7c8d9e0f',
        initial: '',
        check: (v) => first(groupListProblems(list(v))),
      },
      {
        key: K.devices,
        kind: 'text',
        when: (a) => !isGroups(a),
        prompt: `device_ids, comma-separated (at most ${LIMITS.targetsMax})`,
        placeholder: 'e.g. product_device-1, product_device-2',
        initial: '',
        check: (v) => (list(v).length ? first(targetListProblems(list(v))) : 'Enter at least one device_id.'),
      },
      {
        key: K.retry,
        kind: 'pick',
        placeholder: 'When a device fails',
        options: [
          { value: 'none', label: 'No retries', description: 'a failed device stays failed (Retry Task runs it again)' },
          { value: 'retry', label: 'Retry failed devices', description: `up to ${LIMITS.retryCountMax} times, 1–${LIMITS.retryIntervalMaxMinutes} minutes apart` },
        ],
      },
      {
        key: K.retryCount,
        kind: 'number',
        when: retries,
        prompt: `Retries per failed device (1–${LIMITS.retryCountMax}, task_policy.retry_count)`,
        initial: '3',
        check: (v) => retryCountProblem(Number(v), 1)?.message,
      },
      {
        key: K.retryInterval,
        kind: 'number',
        when: retries,
        prompt: `Minutes between retries (1–${LIMITS.retryIntervalMaxMinutes}, task_policy.retry_interval)`,
        initial: '30',
        check: (v) => retryIntervalProblem(Number(v))?.message,
      },
      {
        key: K.start,
        kind: 'pick',
        placeholder: 'When the task starts',
        options: [
          { value: 'now', label: 'Now' },
          { value: 'scheduled', label: 'At a time', description: `within the next ${LIMITS.scheduleWithinDays} days (task_policy.schedule_time)` },
        ],
      },
      {
        key: K.scheduleAt,
        kind: 'text',
        when: scheduled,
        remember: false,
        prompt: `Start at (local time, YYYY-MM-DD HH:mm, within ${LIMITS.scheduleWithinDays} days)`,
        initial: () => localTime(now().getTime() + 3_600_000),
        check: (v) => scheduleAnswerProblem(String(v), now()),
      },
      {
        key: K.needConfirm,
        kind: 'pick',
        placeholder: 'Do devices wait for a confirmation (need_confirm)',
        options: [
          { value: 'no', label: 'No', description: 'devices upgrade as the task reaches them' },
          { value: 'yes', label: 'Yes', description: 'subtasks wait until the task is confirmed (ConfirmBatchTask or the console)' },
        ],
      },
      {
        key: K.taskName,
        kind: 'text',
        remember: false,
        prompt: `Task name (task_name: 1–${LIMITS.taskNameMax} letters, digits, "_" or Chinese)`,
        initial: () => fleetTaskName(source, now()),
        check: (v) => taskNameProblem(String(v))?.message,
      },
    ],
    confirmAnswer: async (key, a) => {
      if (key !== K.taskName || !o.findByName) return undefined;
      const name = String(a[K.taskName] ?? '');
      const t = await o.findByName(name);
      return t ? `IoTDA already has upgrade task "${name}" (${t.id}); a fleet task needs a name of its own. Choose another.` : undefined;
    },
    summary: (a) => {
      const at = scheduled(a) ? localDate(String(a[K.scheduleAt] ?? '')) : undefined;
      const groups = list(a[K.groups]);
      const devices = list(a[K.devices]);
      const names = (xs: string[]) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? ` (+${xs.length - 5} more)` : '');
      return {
        title: `Create upgrade task "${a[K.taskName]}" for ${source.packageName} ${source.version}?`,
        lines: [
          `Package: ${source.packageName} ${source.version}${source.versionId ? ` (package_id ${source.versionId})` : ''}, passed in bench task ${source.verifyJobId}`,
          isGroups(a) ? `Targets: every device in ${groups.length} device group${groups.length === 1 ? '' : 's'}: ${names(groups)}` : `Targets: ${devices.length} device${devices.length === 1 ? '' : 's'}: ${names(devices)}`,
          retries(a) ? `Retries: up to ${a[K.retryCount]} per failed device, ${a[K.retryInterval]} minutes apart` : 'Retries: none',
          at ? `Start: ${localTime(at.getTime())} local (${formatIotdaTime(at)})` : 'Start: now',
          `Devices wait for a confirmation: ${a[K.needConfirm] === 'yes' ? 'yes (ConfirmBatchTask or the console starts them)' : 'no'}`,
          `Task name: ${a[K.taskName]}`,
        ],
      };
    },
  };
}

/** The CreateBatchTask body the answers ask for (answers already checked). */
export function fleetTaskBody(profile: Pick<HuaweiProfile, 'appId'>, a: FleetAnswers, document: CreateBatchTask['document']): CreateBatchTask {
  const at = a[K.start] === 'scheduled' ? localDate(String(a[K.scheduleAt] ?? '')) : undefined;
  const policy = {
    ...(at ? { schedule_time: formatIotdaTime(at) } : {}),
    ...(a[K.retry] === 'retry' ? { retry_count: Number(a[K.retryCount]), retry_interval: Number(a[K.retryInterval]) } : {}),
  };
  return {
    ...(profile.appId ? { app_id: profile.appId } : {}),
    task_name: String(a[K.taskName]),
    task_type: 'firmwareUpgrade',
    ...(a[K.targetKind] === 'groups' ? { targets_filter: { group_ids: list(a[K.groups]) } } : { targets: list(a[K.devices]) }),
    document,
    need_confirm: a[K.needConfirm] === 'yes',
    ...(Object.keys(policy).length ? { task_policy: policy } : {}),
  };
}

const invalid = (problems: string[], hint?: string) => new CloudError(`Release to Fleet: ${problems.join(' ')}`, 'invalid', hint);

/**
 * The bench task's document, when it shows this version passed: the task succeeded and upgraded
 * `versionId`. Anything else is refused before the fleet task is created.
 */
async function passedDocument(client: IotdaClient, profile: HuaweiProfile, source: FleetSource, signal?: Cancel): Promise<{ packageId: string; form: DocumentForm }> {
  const what = `Reading bench task ${source.verifyJobId}`;
  const r = await client.request<ShowBatchTaskResponse>(what, 'GET', PATHS.task(profile.projectId, source.verifyJobId), { query: { limit: 1 }, signal }).catch((e: unknown) => {
    throw isCloudErrorCode(e, 'not-found')
      ? invalid([`bench task ${source.verifyJobId} is no longer on IoTDA, so ${source.packageName} ${source.version} cannot be shown to have passed.`], 'Run Quick Release again for this version.')
      : e;
  });
  const t = r.batchtask;
  const ids = documentPackageIds(t.document);
  if (t.status !== 'Success') throw invalid([`bench task ${t.task_id} is ${t.status}, not Success: only a version that passed on the bench goes to the fleet.`]);
  const packageId = source.versionId ?? ids[0];
  if (!packageId || !ids.includes(packageId)) throw invalid([`bench task ${t.task_id} upgraded package ${ids.join(', ') || '(none)'}, not ${packageId ?? 'this version'}.`], 'Pick the version that bench task verified.');
  return { packageId, form: Array.isArray((t.document as Record<string, unknown> | undefined)?.package_ids) ? 'package_ids' : 'package_id' };
}

/** The form, once the bench task shows the version passed (refused before any question otherwise). */
export async function fleetFormFor(client: IotdaClient, profile: HuaweiProfile, source: FleetSource, signal?: Cancel): Promise<FleetForm> {
  await passedDocument(client, profile, source, signal);
  return huaweiFleetForm(source, { findByName: (name) => findTaskByName(client, profile, name, signal) });
}

/** Checks the answers and the limits (no call), that the version passed, that the name is free; creates the one task. */
export async function startFleetTask(client: IotdaClient, profile: HuaweiProfile, source: FleetSource, given: FleetAnswers, signal?: Cancel, now = new Date()): Promise<Job> {
  const form = huaweiFleetForm(source, { now: () => now });
  // Read as the wizard reads them (text trimmed, numbers parsed); the task is made of these.
  const { answers: a, problems } = parseAnswers(form, given);
  if (problems.length) throw invalid(problems, 'Run Release to Fleet again and correct these answers.');
  const limits = taskProblems(fleetTaskBody(profile, a, upgradeDocument(source.versionId ?? 'x')), now);
  if (limits.length) throw invalid(limits.map((p) => p.message));

  const doc = await passedDocument(client, profile, source, signal);
  const name = String(a[K.taskName]);
  const taken = await findTaskByName(client, profile, name, signal);
  if (taken) throw invalid([`IoTDA already has upgrade task "${name}" (${taken.id}); a fleet task needs a name of its own.`], 'Run Release to Fleet again with another task name.');
  const job = await createUpgradeTask(client, profile, (form) => fleetTaskBody(profile, a, upgradeDocument(doc.packageId, form)), doc.form, signal);
  return { ...job, kind: 'fleet' };
}
