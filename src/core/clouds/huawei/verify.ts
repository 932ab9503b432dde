// The verify task: CreateBatchTask of type firmwareUpgrade on the bench device(s) only, its
// task_name the client reference the release stored before the call, so a resume after a lost
// reply finds the task by name instead of creating a second one. The upgrade document comes in two
// documented forms ({package_ids:[…]} in the newest model text, {package_id} in older text,
// cloud-apis.md §0.2 item 5): we send package_ids and, if IoTDA refuses that form, package_id.

import { CloudError, isCloudError, isCloudErrorCode } from '../../errors';
import type { Job } from '../../model';
import type { HuaweiProfile } from '../../profiles';
import { benchTargets } from '../registry';
import type { Cancel, VerifyRequest } from '../provider';
import type { IotdaClient } from './client';
import { taskProblems } from './limits';
import { toJob } from './map';
import { scanPage } from './paging';
import { findPackage } from './publish';
import { PATHS, upgradeDocument, type CreateBatchTask, type DocumentForm, type ListBatchTasksResponse, type Task } from './wire';

export const UPGRADE_TYPES = ['firmwareUpgrade', 'softwareUpgrade'] as const;

/** ListBatchTasks walked by scanPage (task_type is required: one type after another). */
export function taskScan(client: IotdaClient, profile: HuaweiProfile, o: { status?: string; types?: readonly string[]; signal?: Cancel } = {}) {
  return {
    types: o.types ?? UPGRADE_TYPES,
    fetch: async (type: string, marker: string | undefined, limit: number) =>
      (await client.request<ListBatchTasksResponse>('Listing upgrade tasks', 'GET', PATHS.tasks(profile.projectId), { query: { task_type: type, status: o.status, app_id: profile.appId, marker, limit }, signal: o.signal })).batchtasks ?? [],
    idOf: (t: Task) => t.task_id,
  };
}

/** The task named `reference`, newest first (task names are not unique on IoTDA; ours are). */
export async function findTaskByName(client: IotdaClient, profile: HuaweiProfile, reference: string, signal?: Cancel): Promise<Job | undefined> {
  const page = await scanPage(taskScan(client, profile, { types: ['firmwareUpgrade'], signal }), { pageSize: 1, match: (t) => t.task_name === reference, map: toJob });
  return page.items[0];
}

const isDocumentFormRefusal = (e: unknown) => isCloudErrorCode(e, 'invalid') && /package_ids?\b|document/i.test(e.message);

export async function startVerifyTask(client: IotdaClient, profile: HuaweiProfile, req: VerifyRequest, signal?: Cancel): Promise<Job> {
  const targets = req.targets?.length ? req.targets : benchTargets(profile);
  if (!targets.length) throw new CloudError('The Huawei profile names no bench device.', 'config', 'Edit the profile and set "Bench device_id(s)".');
  const reference = req.reference;
  const body = (form: DocumentForm, packageId: string): CreateBatchTask => ({
    ...(profile.appId ? { app_id: profile.appId } : {}),
    task_name: reference,
    task_type: 'firmwareUpgrade',
    targets,
    document: upgradeDocument(packageId, form),
  });
  const problems = taskProblems(body('package_ids', 'x'));
  if (problems.length) throw new CloudError(problems.map((p) => p.message).join(' '), 'invalid', undefined, `limit:${problems[0].field}`);

  // A resume: the task may already exist (its create reply was lost).
  const existing = await findTaskByName(client, profile, reference, signal);
  if (existing) return existing;

  const packageId = req.versionId || req.location?.packageId || (await findPackage(client, profile, req.version, signal))?.package_id;
  if (!packageId) throw new CloudError(`${req.packageName}@${req.version} is not an OTA package on IoTDA yet.`, 'not-found', 'Publish the version first (Quick Release publishes it).');

  return createUpgradeTask(client, profile, (form) => body(form, packageId), 'package_ids', signal);
}

/**
 * CreateBatchTask for an upgrade (verify or fleet): the document in form `first`, the other form if
 * IoTDA refuses that one (cloud-apis.md §0.2 item 5). Creates are not resent: after a reply that may
 * have been lost, the task is looked up by its task_name, so exactly one task exists.
 */
export async function createUpgradeTask(client: IotdaClient, profile: HuaweiProfile, body: (form: DocumentForm) => CreateBatchTask, first: DocumentForm, signal?: Cancel): Promise<Job> {
  const name = body(first).task_name;
  const create = (form: DocumentForm) => client.request<Task>(`Creating upgrade task ${name}`, 'POST', PATHS.tasks(profile.projectId), { body: body(form), create: true, signal });
  try {
    try {
      return toJob(await create(first));
    } catch (e) {
      if (!isDocumentFormRefusal(e)) throw e;
      return toJob(await create(first === 'package_ids' ? 'package_id' : 'package_ids'));
    }
  } catch (e) {
    // The reply may have been lost after IoTDA created it: look by name before giving up.
    if (!isCloudError(e) || !e.retryable) throw e;
    const found = await findTaskByName(client, profile, name, signal).catch(() => undefined);
    if (found) return found;
    throw e;
  }
}
