// The verify job: CreateOTAVerifyJob on the bench device(s) (≤ 10, TimeoutInMinutes 1–1440,
// DownloadProtocol HTTPS) with a Tag carrying the release's client reference, so a resume finds
// the job Alibaba named (ListOTAJobByFirmware, by tag) instead of starting another.
//
// The platform refuses a second verify job for a firmware that is verifying or verified. Our
// choice for a re-run (Quick Release or Start Verify on such a firmware):
//  - verifying: the verify job that is running is the answer; it is reused and watched;
//  - verified: the bench is RE-TESTED with a SPECIFIC static upgrade job on the same devices,
//    tagged with the new reference, so the board really downloads, checks and boots the image
//    again and the verdict rests on fresh serial evidence (a reused old result would prove nothing
//    about the board as it is now).

import { CloudError, isCloudErrorCode } from '../../errors';
import type { Job } from '../../model';
import type { Cancel, VerifyRequest } from '../provider';
import { benchTargets } from '../registry';
import { allRows, requireSetting, type AliyunContext } from './context';
import { CLIENT_REF_TAG, VERIFY_JOB, verifyJobProblems, staticJobProblems, firmwareName, type Tag } from './limits';
import { referenceOf, toJob } from './map';
import { findFirmware } from './publish';
import { executionStatus, firmwareStatus, jobKind, jobState } from './status';
import type { SimpleOTAJobInfo } from './wire';

const DEFAULT_TIMEOUT_MINUTES = 30;

export async function jobsOfFirmware(ctx: AliyunContext, firmwareId: string, signal?: Cancel): Promise<SimpleOTAJobInfo[]> {
  return allRows('ListOTAJobByFirmware', async (CurrentPage, PageSize) => {
    const r = await ctx.client.call('ListOTAJobByFirmware', { FirmwareId: firmwareId, CurrentPage, PageSize }, { what: `Listing the jobs of firmware ${firmwareId}`, signal });
    return { ...r, rows: r.Data?.SimpleOTAJobInfo ?? [] };
  });
}

/** The firmware id of a version: the request's, else looked up by its derived name. */
export async function firmwareIdOf(ctx: AliyunContext, hint: { packageName: string; version: string; versionId?: string }, signal?: Cancel): Promise<string | undefined> {
  if (hint.versionId) return hint.versionId;
  const productKey = requireSetting(ctx.profile.productKey, 'ProductKey', 'productKey');
  const name = firmwareName(productKey, hint.packageName, hint.version);
  return (await findFirmware(ctx, { productKey, name }, hint.version, signal))?.FirmwareId;
}

export async function findVerifyJob(ctx: AliyunContext, reference: string, hint: { packageName: string; version: string; versionId?: string }, signal?: Cancel): Promise<Job | undefined> {
  const firmwareId = await firmwareIdOf(ctx, hint, signal);
  if (!firmwareId) return undefined;
  let jobs: SimpleOTAJobInfo[];
  try {
    jobs = await jobsOfFirmware(ctx, firmwareId, signal);
  } catch (e) {
    if (isCloudErrorCode(e, 'not-found')) return undefined;
    throw e;
  }
  const hit = jobs.find((j) => referenceOf(j) === reference);
  return hit && toJob(hit);
}

/** Checks made before any call: the targets (≤ 10, distinct), the timeout, the tag. */
export function verifyInput(ctx: AliyunContext, req: VerifyRequest): { productKey: string; targets: string[]; timeout: number; tags: Tag[] } {
  const productKey = requireSetting(ctx.profile.productKey, 'ProductKey', 'the ProductKey of the bench device (productKey)');
  const targets = req.targets?.length ? req.targets : benchTargets(ctx.profile);
  if (!targets.length) throw new CloudError('The Alibaba profile names no bench device.', 'config', 'Edit the profile and set the bench DeviceName(s) (deviceName, comma-separated, at most 10).');
  const timeout = req.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES;
  const tags: Tag[] = [{ Key: CLIENT_REF_TAG, Value: req.reference }];
  const problems = verifyJobProblems({ deviceNames: targets, timeoutInMinutes: timeout, downloadProtocol: 'HTTPS', tags });
  if (problems.length) throw new CloudError(`Cannot start the verify job: ${problems.join(' ')}`, 'invalid', targets.length > VERIFY_JOB.maxDevices ? `Edit the profile: keep at most ${VERIFY_JOB.maxDevices} bench DeviceNames.` : 'Fix the setting named above, then re-run.');
  return { productKey, targets, timeout, tags };
}

export async function startVerifyJob(ctx: AliyunContext, req: VerifyRequest, signal?: Cancel): Promise<Job> {
  const input = verifyInput(ctx, req);
  const hint = { packageName: req.packageName, version: req.version, versionId: req.versionId ?? req.location?.FirmwareId };
  const firmwareId = await firmwareIdOf(ctx, hint, signal);
  if (!firmwareId) throw new CloudError(`${req.packageName} ${req.version} is not registered on Alibaba.`, 'not-found', 'Publish it first (Quick Release does).');
  const jobs = await jobsOfFirmware(ctx, firmwareId, signal);
  const mine = jobs.find((j) => referenceOf(j) === req.reference);
  if (mine) return toJob(mine);

  const fw = await ctx.client.call('QueryOTAFirmware', { FirmwareId: firmwareId }, { what: `Reading firmware ${firmwareId}`, signal });
  const state = firmwareStatus(fw.FirmwareInfo?.Status);
  if (state.state === 'verifying') {
    // Refused by the platform: the running verify job is the one to watch.
    const running = jobs.find((j) => jobKind(j.JobType) === 'verify' && !['completed', 'canceled'].includes(jobState(j.JobStatus)));
    if (running) return { ...toJob(running), kind: 'verify' };
  }
  if (signal?.aborted) throw new CloudError('Verify job cancelled before it was created.', 'canceled');
  const ref = { what: '', signal };
  let lost: unknown;
  const createLosingReply = async (create: () => Promise<unknown>) => {
    // A lost reply: the job may exist; it is looked up by its tag below either way.
    await create().catch((e: unknown) => {
      if (!isCloudErrorCode(e, 'unavailable')) throw e;
      lost = e;
    });
  };
  if (state.state === 'verified' || state.state === 'verify-not-needed') {
    const problems = staticJobProblems({ targetSelection: 'SPECIFIC', deviceNames: input.targets, timeoutInMinutes: input.timeout, tags: input.tags });
    if (problems.length) throw new CloudError(`Cannot re-test the bench: ${problems.join(' ')}`, 'invalid');
    await createLosingReply(() =>
      ctx.client.call(
        'CreateOTAStaticUpgradeJob',
        { FirmwareId: firmwareId, ProductKey: input.productKey, TargetSelection: 'SPECIFIC', TargetDeviceName: input.targets, TimeoutInMinutes: input.timeout, DownloadProtocol: 'HTTPS', Tag: input.tags },
        { ...ref, what: `Re-testing verified firmware ${firmwareId} on ${input.targets.join(', ')} (a SPECIFIC upgrade job: the platform verifies a firmware once)` },
      ),
    );
  } else {
    await createLosingReply(() =>
      ctx.client.call(
        'CreateOTAVerifyJob',
        { FirmwareId: firmwareId, ProductKey: input.productKey, TargetDeviceName: input.targets, TimeoutInMinutes: input.timeout, DownloadProtocol: 'HTTPS', NeedPush: true, Tag: input.tags },
        { ...ref, what: `Creating the verify job of firmware ${firmwareId} on ${input.targets.join(', ')}` },
      ),
    );
  }
  const found = await findVerifyJob(ctx, req.reference, { ...hint, versionId: firmwareId }, signal);
  if (!found && lost) throw lost;
  if (!found) throw new CloudError(`The verify job of firmware ${firmwareId} was not found after creating it.`, 'unavailable', 'Re-run: the job is looked up by its reference before another is made.', undefined, true);
  return { ...found, kind: 'verify' };
}

/** Unfinished tasks on the bench devices (a device takes one task at a time), as their jobs. */
export async function pendingWork(ctx: AliyunContext, targets: string[], signal?: Cancel): Promise<Job[]> {
  const productKey = requireSetting(ctx.profile.productKey, 'ProductKey', 'productKey');
  const found = new Map<string, Job>();
  for (const DeviceName of targets) {
    const r = await ctx.client.call('ListOTAUnfinishedTaskByDevice', { ProductKey: productKey, DeviceName }, { what: `Listing the unfinished tasks of ${DeviceName}`, signal });
    for (const t of r.Data?.SimpleOTATaskInfo ?? []) {
      if (!t.JobId || found.has(t.JobId)) continue;
      found.set(t.JobId, { cloud: 'aliyun', id: t.JobId, status: executionStatus(t.TaskStatus) === 'queued' ? 'scheduled' : 'in-progress', rawStatus: `${DeviceName}: ${t.TaskStatus ?? ''}`, details: { firmwareId: t.FirmwareId, destVersion: t.DestVersion } });
    }
  }
  return [...found.values()];
}
