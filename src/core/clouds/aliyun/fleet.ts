// Release to Fleet on Alibaba: one static upgrade job (CreateOTAStaticUpgradeJob) for a verified
// firmware, on named devices (SPECIFIC), a share of the product's devices (GRAY) or all of them
// (ALL). GROUP (device groups) is out of scope: the bench has no way to list or check groups yet.
// Each answer is checked by its field's rule in limits.ts (STATIC_JOB_RULES), the same rules the
// provider runs before its call. The job carries a fleet client reference as a Tag, so a lost reply
// is looked up instead of creating a second job.

import { CloudError, isCloudErrorCode } from '../../errors';
import type { Job } from '../../model';
import { splitList, validators } from '../../validators';
import { localTime, parseAnswers, parseLocalTime, localTimeProblem, type FleetAnswers, type FleetForm, type FleetOption, type FleetQuestion, type FleetSource } from '../fleet';
import type { Cancel } from '../provider';
import { fleetReference } from '../verifyRef';
import type { AliyunContext } from './context';
import { CLIENT_REF_TAG, STATIC_JOB, STATIC_JOB_RULES, staticJobProblems, type StaticJobField, type StaticJobInput, type TargetSelection } from './limits';
import { referenceOf, toJob } from './map';
import { firmwareStatus } from './status';
import { firmwareIdOf, jobsOfFirmware } from './verify';
import type { CreateOTAStaticUpgradeJobRequest, FirmwareInfo } from './wire';

/** The firmware the form is about, as QueryOTAFirmware returned it. */
export type FleetFirmware = Pick<FirmwareInfo, 'FirmwareId' | 'FirmwareName' | 'DestVersion' | 'ProductKey' | 'Status'>;

/** The target selections offered; GROUP is not (see above). */
const selections = (product: string): (FleetOption & { value: TargetSelection })[] => [
  { value: 'SPECIFIC', label: 'These devices', description: `DeviceNames you list (1–${STATIC_JOB.maxDevicesPerCall})` },
  { value: 'GRAY', label: "A percentage of the product's devices", description: `a gray release on ${product}` },
  { value: 'ALL', label: 'Every device of the product', description: product },
];

const RETRY_LABEL: Record<number, string> = { 0: 'Retry at once', 10: 'Retry after 10 minutes', 30: 'Retry after 30 minutes', 60: 'Retry after 1 hour', 1440: 'Retry after 24 hours' };
const COUNT_LABEL: Record<number, string> = { 1: 'once', 2: 'twice', 5: '5 times' };

// --- answers → the job ---------------------------------------------------------------------------

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);

/** The static job the answers describe (partial answers: a partial job, for per-question checks). */
export function staticJobOf(a: FleetAnswers): StaticJobInput {
  const sel = str(a.targets);
  const j: StaticJobInput = { targetSelection: sel };
  if (sel === 'SPECIFIC') j.deviceNames = splitList(str(a.devices));
  if (sel === 'GRAY') j.grayPercent = str(a.percent).trim();
  const from = splitList(str(a.fromVersions));
  if (from.length) j.srcVersions = from;
  j.maximumPerMinute = num(a.rate);
  j.timeoutInMinutes = num(a.timeout);
  if (a.retry !== undefined && a.retry !== null && a.retry !== 'none') {
    j.retryInterval = num(a.retry);
    j.retryCount = num(a.retryCount);
  }
  if (a.start === 'scheduled') {
    j.scheduleTime = parseLocalTime(str(a.startAt));
    if (str(a.finishAt).trim()) j.scheduleFinishTime = parseLocalTime(str(a.finishAt));
  }
  j.overwriteMode = num(a.overwrite);
  return j;
}

/** One field's documented rule on the answers with `value` in place of question `key`. */
const ruleOf = (key: string, field: StaticJobField, clock: () => number) => (value: string | number, a: FleetAnswers) => STATIC_JOB_RULES[field](staticJobOf({ ...a, [key]: value }), clock());

/** The CreateOTAStaticUpgradeJob request: the answers, HTTPS download and the reference Tag. */
export function staticJobRequest(fw: Pick<FleetFirmware, 'FirmwareId' | 'ProductKey'>, a: FleetAnswers, reference: string): Omit<CreateOTAStaticUpgradeJobRequest, 'IotInstanceId'> {
  const j = staticJobOf(a);
  const optional = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));
  return {
    FirmwareId: fw.FirmwareId,
    ProductKey: fw.ProductKey ?? '',
    TargetSelection: j.targetSelection as TargetSelection,
    ...optional('TargetDeviceName', j.deviceNames),
    ...optional('GrayPercent', j.grayPercent),
    ...optional('SrcVersion', j.srcVersions ? [...j.srcVersions] : undefined),
    ...optional('ScheduleTime', j.scheduleTime),
    ...optional('ScheduleFinishTime', j.scheduleFinishTime),
    ...optional('RetryInterval', j.retryInterval),
    ...optional('RetryCount', j.retryCount),
    ...optional('TimeoutInMinutes', j.timeoutInMinutes),
    ...optional('MaximumPerMinute', j.maximumPerMinute),
    ...optional('OverwriteMode', j.overwriteMode as 1 | 2 | undefined),
    DownloadProtocol: 'HTTPS',
    Tag: [{ Key: CLIENT_REF_TAG, Value: reference }],
  };
}

// --- the form ------------------------------------------------------------------------------------

/** Device names, comma-separated: each one checked by the DeviceName rule, then the count. */
function devicesProblem(value: string | number, a: FleetAnswers, clock: () => number): string | undefined {
  for (const dn of splitList(String(value))) {
    const p = validators.deviceName(dn);
    if (p) return `"${dn}": ${p}`;
  }
  return ruleOf('devices', 'deviceNames', clock)(value, a);
}

const isScheduled = (a: FleetAnswers) => a.start === 'scheduled';

/** Start offered: 15 minutes ahead, on a 5-minute mark, well inside the 5-minute minimum. */
const defaultStart = (now: number) => Math.ceil((now + 15 * 60_000) / 300_000) * 300_000;

/** The questions of the static job for this verified firmware; `clock` for the schedule checks. */
export function aliyunFleetForm(source: FleetSource, fw: FleetFirmware, clock: () => number = Date.now): FleetForm {
  const questions: FleetQuestion[] = [
    {
      key: 'targets',
      kind: 'pick',
      placeholder: `Which devices get ${source.packageName} ${source.version}?`,
      options: selections(fw.ProductKey ? `product ${fw.ProductKey}` : 'the product'),
    },
    {
      key: 'devices',
      kind: 'text',
      when: (a) => a.targets === 'SPECIFIC',
      prompt: `DeviceNames, separated by commas (1–${STATIC_JOB.maxDevicesPerCall})`,
      placeholder: 'pump-0001, pump-0002',
      initial: '',
      check: (v, a) => devicesProblem(v, a, clock),
    },
    {
      key: 'percent',
      kind: 'text',
      when: (a) => a.targets === 'GRAY',
      prompt: `Percentage of the product's devices (${STATIC_JOB.grayPercent.min}–${STATIC_JOB.grayPercent.max}, at most ${STATIC_JOB.grayPercent.decimals} decimals)`,
      initial: '10',
      check: ruleOf('percent', 'grayPercent', clock),
    },
    {
      key: 'fromVersions',
      kind: 'text',
      optional: true,
      prompt: 'Only devices now on these versions, separated by commas (empty: any version)',
      placeholder: '1.0.0, 1.0.1',
      initial: '',
      check: ruleOf('fromVersions', 'srcVersions', clock),
    },
    {
      key: 'rate',
      kind: 'number',
      prompt: `Devices notified per minute (${STATIC_JOB.maximumPerMinute.min}–${STATIC_JOB.maximumPerMinute.max})`,
      initial: '100',
      check: ruleOf('rate', 'maximumPerMinute', clock),
    },
    {
      key: 'timeout',
      kind: 'number',
      optional: true,
      prompt: `Minutes a device has to finish (${STATIC_JOB.timeoutInMinutes.min}–${STATIC_JOB.timeoutInMinutes.max}; empty: no timeout)`,
      initial: '60',
      check: ruleOf('timeout', 'timeoutInMinutes', clock),
    },
    {
      key: 'retry',
      kind: 'pick',
      placeholder: 'Retry a device whose upgrade failed?',
      // Only the intervals shorter than the timeout (the same rule the provider checks).
      options: (a) => [
        { value: 'none', label: 'No automatic retry' },
        ...STATIC_JOB.retryIntervals
          .filter((i) => !STATIC_JOB_RULES.retryInterval(staticJobOf({ ...a, retry: String(i), retryCount: STATIC_JOB.retryCounts[0] }), clock()))
          .map((i): FleetOption => ({ value: String(i), label: RETRY_LABEL[i] ?? `Retry after ${i} minutes`, description: `RetryInterval ${i}` })),
      ],
    },
    {
      key: 'retryCount',
      kind: 'pick',
      when: (a) => a.retry !== undefined && a.retry !== null && a.retry !== 'none',
      placeholder: 'How many times?',
      options: STATIC_JOB.retryCounts.map((n) => ({ value: String(n), label: `Retry ${COUNT_LABEL[n] ?? `${n} times`}` })),
    },
    {
      key: 'start',
      kind: 'pick',
      placeholder: 'When does the job start?',
      options: [
        { value: 'now', label: 'Now' },
        { value: 'scheduled', label: 'At a set time', description: '5 minutes to 7 days from now' },
      ],
    },
    {
      key: 'startAt',
      kind: 'text',
      when: isScheduled,
      remember: false,
      prompt: 'Start at, local time (YYYY-MM-DD HH:mm, 5 minutes to 7 days from now)',
      initial: () => localTime(defaultStart(clock())),
      check: (v, a) => localTimeProblem(String(v), clock()) ?? ruleOf('startAt', 'scheduleTime', clock)(v, a),
    },
    {
      key: 'finishAt',
      kind: 'text',
      when: isScheduled,
      remember: false,
      optional: true,
      prompt: 'End at, local time (YYYY-MM-DD HH:mm, 1 hour to 30 days after the start; empty: no end)',
      initial: '',
      check: (v, a) => localTimeProblem(String(v), clock()) ?? ruleOf('finishAt', 'scheduleFinishTime', clock)(v, a),
    },
    {
      key: 'overwrite',
      kind: 'pick',
      placeholder: 'A device that already has an upgrade pending:',
      options: [
        { value: '1', label: 'Keep its pending upgrade', description: 'it runs that one (OverwriteMode 1)' },
        { value: '2', label: 'Replace it with this one', description: 'OverwriteMode 2' },
      ],
    },
  ];
  return { job: 'upgrade job', questions, summary: (a) => fleetSummary(source, fw, a) };
}

const SUMMARY_NAMES = 10;

/** The confirmation: what goes where, how fast and when. */
export function fleetSummary(source: FleetSource, fw: FleetFirmware, a: FleetAnswers): { title: string; lines: string[] } {
  const j = staticJobOf(a);
  const product = fw.ProductKey ?? '?';
  const who =
    j.targetSelection === 'SPECIFIC' ? `${j.deviceNames!.length} device${j.deviceNames!.length === 1 ? '' : 's'}` : j.targetSelection === 'GRAY' ? `${j.grayPercent}% of product ${product}` : `every device of product ${product}`;
  const names = j.deviceNames ?? [];
  // A modal shows a few names: up to 200 would bury the other lines.
  const devices = j.targetSelection !== 'SPECIFIC' ? who : names.length > SUMMARY_NAMES ? `${names.slice(0, SUMMARY_NAMES).join(', ')} and ${names.length - SUMMARY_NAMES} more` : names.join(', ');
  const retry = j.retryInterval === undefined ? 'none' : `${COUNT_LABEL[j.retryCount ?? 0] ?? `${j.retryCount} times`}, ${j.retryInterval === 0 ? 'at once' : `after ${j.retryInterval} minutes`}`;
  const start = j.scheduleTime === undefined ? 'now' : `${localTime(j.scheduleTime)} (local)${j.scheduleFinishTime !== undefined ? `, ending ${localTime(j.scheduleFinishTime)}` : ''}`;
  return {
    title: `Release ${source.packageName} ${source.version} to ${who}?`,
    lines: [
      `Firmware: ${fw.FirmwareName} (${fw.FirmwareId}), version ${fw.DestVersion}`,
      `Devices: ${devices}${j.srcVersions ? `, only those now on ${j.srcVersions.join(', ')}` : ''}`,
      `Rate: ${j.maximumPerMinute} per minute`,
      `Timeout: ${j.timeoutInMinutes === undefined ? 'none' : `${j.timeoutInMinutes} minutes per device`}`,
      `Retry: ${retry}`,
      `Start: ${start}`,
      `Pending upgrades: ${j.overwriteMode === 2 ? 'replaced by this one' : 'kept'}`,
    ],
  };
}

// --- the provider's side -------------------------------------------------------------------------

/** The source's firmware, refused unless Alibaba lets it go to the fleet (verified, or no verification needed). */
async function verifiedFirmware(ctx: AliyunContext, source: FleetSource, signal?: Cancel): Promise<FleetFirmware & { ProductKey: string }> {
  // A pass recorded before versions kept their id: the firmware is found by its derived name.
  const id = await firmwareIdOf(ctx, source, signal);
  if (!id) throw new CloudError(`${source.packageName} ${source.version} is not registered on Alibaba.`, 'not-found', 'Run Quick Release on an Alibaba profile first, then Release to Fleet from the version that passed.');
  const r = await ctx.client.call('QueryOTAFirmware', { FirmwareId: id }, { what: `Reading firmware ${id}`, signal });
  const fw = r.FirmwareInfo;
  if (!fw) throw new CloudError(`Firmware ${id} cannot be found.`, 'not-found');
  const st = firmwareStatus(fw.Status);
  if (st.state !== 'verified' && st.state !== 'verify-not-needed') {
    throw new CloudError(
      `Firmware ${fw.FirmwareName} (${id}) is not verified (${st.label}, Status ${st.raw || '?'}): Alibaba sends only a verified firmware to the fleet.`,
      'invalid',
      st.state === 'verifying'
        ? 'Wait until its verify job on the bench board has finished (the tree shows it), then release to the fleet.'
        : 'Run Quick Release or Start Verify Job on the bench board first, and release to the fleet once it passed.',
    );
  }
  const productKey = fw.ProductKey || ctx.profile.productKey;
  if (!productKey) throw new CloudError(`Firmware ${id} names no product.`, 'config', 'Edit the profile and set productKey.');
  return { ...fw, ProductKey: productKey };
}

/** The form, once the firmware may go to the fleet (so nobody answers questions only to be refused). */
export async function fleetForm(ctx: AliyunContext, source: FleetSource, signal?: Cancel, clock: () => number = Date.now): Promise<FleetForm> {
  return aliyunFleetForm(source, await verifiedFirmware(ctx, source, signal), clock);
}

/**
 * Checks the answers again (the form's checks and every documented range), that the firmware is
 * verified, then creates the one job. A lost reply: the job is looked up by its reference Tag.
 */
export async function startFleetRollout(ctx: AliyunContext, source: FleetSource, answers: FleetAnswers, signal?: Cancel, clock: () => number = Date.now): Promise<Job> {
  const form = aliyunFleetForm(source, { FirmwareId: source.versionId ?? '', FirmwareName: '', DestVersion: source.version }, clock);
  const reference = fleetReference(source.packageName, source.version, new Date(clock()));
  // Read as the form reads them (text trimmed, numbers parsed), whoever gave them (wizard, CLI, a file).
  const { answers: parsed, problems: asked } = parseAnswers(form, answers);
  // The documented rules again, over the whole job (a sentence the form already said is not repeated).
  const rules = staticJobProblems({ ...staticJobOf(parsed), tags: [{ Key: CLIENT_REF_TAG, Value: reference }] }, clock()).filter((p) => !asked.some((a) => a.includes(p)));
  const problems = [...asked, ...rules];
  if (problems.length) throw new CloudError(`Cannot start the upgrade job: ${problems.join(' ')}`, 'invalid', 'Run Release to Fleet again and change the answers named above.');

  const fw = await verifiedFirmware(ctx, source, signal);
  if (signal?.aborted) throw new CloudError('The upgrade job was cancelled before it was created.', 'canceled');
  const request = staticJobRequest(fw, parsed, reference);
  let lost: unknown;
  try {
    await ctx.client.call('CreateOTAStaticUpgradeJob', request, { what: `Creating the upgrade job of firmware ${fw.FirmwareId} (${request.TargetSelection})`, signal });
  } catch (e) {
    if (!isCloudErrorCode(e, 'unavailable')) throw e;
    lost = e; // the job may exist: found by its reference below
  }
  const mine = (await jobsOfFirmware(ctx, fw.FirmwareId, signal)).find((j) => referenceOf(j) === reference);
  if (!mine && lost) throw lost;
  if (!mine) throw new CloudError(`The upgrade job of firmware ${fw.FirmwareId} was not found after creating it.`, 'unavailable', 'Open the firmware in the tree to see its jobs before starting another.', undefined, true);
  return { ...toJob(mine), kind: 'fleet' };
}
