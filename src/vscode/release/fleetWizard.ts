// "Release to Fleet…": after a version passed on the bench, a wizard for the fleet job — thing
// groups, rollout rate (constant or exponential), abort rule, in-progress timeout — each input
// checked as it is typed against the documented AWS ranges (the AWS provider's validateRollout,
// pure and SDK-free), then one confirmation and the job. The job document is the one the bench
// verified (read back from the verify job), so the fleet gets exactly what passed.
import * as vscode from 'vscode';
import { FAILURE_TYPES, NAME } from '../../core/clouds/aws/limits';
import { validateRollout, type FailureType, type FieldError, type FleetRolloutInput, type RolloutConfig } from '../../core/clouds/aws/rollout';
import { fieldError, iotArnPrefix, parseTargets } from './fleetInput';
import type { CloudProvider } from '../../core/clouds/provider';
import type { Job } from '../../core/model';
import type { AwsProfile } from '../../core/profiles';
import { showCloudError } from '../clouds/errors';
import { log } from '../log';
import { pickProfile, type ReleaseServices } from './prepare';
import type { FleetInputs, PassedRelease } from './workspaceStore';

type FleetProvider = CloudProvider & {
  createFleetRollout(input: FleetRolloutInput): Promise<{ errors: FieldError[]; job?: Job }>;
  missingFleetTargets(arns: string[]): Promise<string[]>;
};

const isFleetProvider = (p: CloudProvider): p is FleetProvider => typeof (p as Partial<FleetProvider>).createFleetRollout === 'function';

/** The remembered choice first, marked. */
function lastFirst<T>(items: Pick<T>[], last: T | undefined): Pick<T>[] {
  const i = items.findIndex((x) => x.value === last);
  if (i < 0) return items;
  return [{ ...items[i], detail: 'last used' }, ...items.filter((_, n) => n !== i)];
}

const num = (v: string) => (v.trim() === '' ? undefined : Number(v.trim()));

async function askNumber(title: string, prompt: string, value: string, check: (n: number | undefined) => string | undefined, optional = false): Promise<number | undefined | null> {
  const v = await vscode.window.showInputBox({
    title,
    prompt,
    value,
    ignoreFocusOut: true,
    validateInput: (s) => {
      const n = num(s);
      if (n === undefined) return optional ? undefined : 'Enter a number.';
      if (Number.isNaN(n)) return `"${s}" is not a number.`;
      return check(n);
    },
  });
  if (v === undefined) return null; // dismissed
  return num(v);
}

interface Pick<T> extends vscode.QuickPickItem {
  value: T;
}

export async function releaseToFleet(s: ReleaseServices): Promise<Job | undefined> {
  const TITLE = 'OTA Bench: Release to Fleet';
  const profile = (await pickProfile(s, TITLE, { capability: 'fleet-rollout', what: 'fleet rollouts' }, (p) => (!(p as AwsProfile).roleArn ? `Profile "${p.name}" has no IAM role for presigned URLs (roleArn).` : undefined))) as AwsProfile | undefined;
  if (!profile) return undefined;
  const passed = s.store.passed().filter((p) => p.profile === profile.name);
  if (!passed.length) {
    const b = await vscode.window.showInformationMessage(`OTA Bench: no version has passed on the bench for "${profile.name}" yet. Release to the fleet what passed: run Quick Release first.`, 'Quick Release');
    if (b) await vscode.commands.executeCommand('otaBench.quickRelease');
    return undefined;
  }
  const version = await vscode.window.showQuickPick(
    passed.map((p): Pick<PassedRelease> => ({ label: `$(pass-filled) ${p.packageName} ${p.version}`, description: `verified ${new Date(p.at).toLocaleString()}`, detail: `bench job ${p.jobId}`, value: p })),
    { title: TITLE, placeHolder: 'Verified version to roll out', ignoreFocusOut: true },
  );
  if (!version) return undefined;
  const v = version.value;
  const prefix = iotArnPrefix(v.versionArn, v.jobArn);

  const last: FleetInputs = s.store.choice().fleet ?? {};
  const provider = await s.providerFor(profile);
  if (!isFleetProvider(provider)) throw new Error(`The ${profile.kind} provider cannot start fleet rollouts.`);
  // The groups are checked here, before any other question, not after the confirmation.
  let targetsText: string | undefined = last.targets;
  let targets: string[] = [];
  let missingNote = '';
  for (;;) {
    targetsText = await vscode.window.showInputBox({
      title: TITLE,
      prompt: `${missingNote}Thing groups to roll out to: names or ARNs, separated by commas`,
      placeHolder: 'fleet-eu, arn:aws:iot:us-east-1:123456789012:thinggroup/fleet-us',
      value: targetsText ?? '',
      ignoreFocusOut: true,
      validateInput: (t) => parseTargets(t, prefix).error,
    });
    if (targetsText === undefined) return undefined;
    targets = parseTargets(targetsText, prefix).arns!;
    let missing: string[];
    try {
      missing = await provider.missingFleetTargets(targets);
    } catch (e) {
      void showCloudError('Could not check the thing groups', e, { kind: profile.kind });
      return undefined;
    }
    if (!missing.length) break;
    missingNote = `${missing.join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist in ${profile.region}. `;
  }
  const remembered: FleetInputs = { targets: targetsText };

  const rollout: RolloutConfig = {};
  const rates: Pick<'constant' | 'exponential' | 'none'>[] = [
    { label: 'Constant rate', description: 'at most N devices notified per minute', value: 'constant' },
    { label: 'Exponential rate', description: 'start slow, multiply the rate as devices succeed', value: 'exponential' },
    { label: 'No rate limit', description: 'AWS notifies all devices as fast as it can', value: 'none' },
  ];
  const rate = await vscode.window.showQuickPick(lastFirst(rates, last.rate), { title: TITLE, placeHolder: 'How fast the job reaches the fleet', ignoreFocusOut: true });
  if (!rate) return undefined;
  remembered.rate = rate.value;
  if (rate.value !== 'none') {
    const max = await askNumber(TITLE, 'Maximum devices notified per minute (1–1000)', String(last.maximumPerMinute ?? 50), (n) => fieldError({ maximumPerMinute: n }, 'maximumPerMinute'));
    if (max === null) return undefined;
    rollout.maximumPerMinute = max;
    remembered.maximumPerMinute = max;
  }
  if (rate.value === 'exponential') {
    const base = await askNumber(TITLE, `Starting rate per minute (1–${rollout.maximumPerMinute})`, String(last.baseRatePerMinute ?? 5), (n) =>
      fieldError({ maximumPerMinute: rollout.maximumPerMinute, exponentialRate: { baseRatePerMinute: n!, incrementFactor: 2, rateIncreaseCriteria: { numberOfSucceededThings: 1 } } }, 'exponentialRate.baseRatePerMinute'),
    );
    if (base === null || base === undefined) return undefined;
    const factor = await askNumber(TITLE, 'Rate increase factor (1.1–5, one decimal)', String(last.incrementFactor ?? 2), (n) =>
      fieldError({ exponentialRate: { baseRatePerMinute: base, incrementFactor: n!, rateIncreaseCriteria: { numberOfSucceededThings: 1 } } }, 'exponentialRate.incrementFactor'),
    );
    if (factor === null || factor === undefined) return undefined;
    const after = await askNumber(TITLE, 'Raise the rate after this many devices succeeded', String(last.succeededToRaise ?? 10), (n) =>
      fieldError({ exponentialRate: { baseRatePerMinute: base, incrementFactor: factor, rateIncreaseCriteria: { numberOfSucceededThings: n } } }, 'exponentialRate.rateIncreaseCriteria'),
    );
    if (after === null || after === undefined) return undefined;
    rollout.exponentialRate = { baseRatePerMinute: base, incrementFactor: factor, rateIncreaseCriteria: { numberOfSucceededThings: after } };
    Object.assign(remembered, { baseRatePerMinute: base, incrementFactor: factor, succeededToRaise: after });
  }

  const aborts: Pick<FailureType | 'none'>[] = [
    ...FAILURE_TYPES.map((t) => ({ label: `Cancel the job when ${t === 'ALL' ? 'any failure' : t.toLowerCase().replace('_', ' ')} passes a threshold`, description: t, value: t })),
    { label: 'No abort rule', description: 'the job keeps going whatever fails', value: 'none' as const },
  ];
  const abort = await vscode.window.showQuickPick(lastFirst(aborts, last.abort as FailureType | 'none' | undefined), { title: TITLE, placeHolder: 'Stop the rollout when too many devices fail?', ignoreFocusOut: true });
  if (!abort) return undefined;
  remembered.abort = abort.value;
  if (abort.value !== 'none') {
    const failureType = abort.value;
    const threshold = await askNumber(TITLE, 'Threshold: cancel when this percentage of devices failed (0–100, up to two decimals)', String(last.thresholdPercentage ?? 10), (n) =>
      fieldError({ abortCriteria: [{ failureType, thresholdPercentage: n!, minNumberOfExecutedThings: 1 }] }, 'abortCriteria[0].thresholdPercentage'),
    );
    if (threshold === null || threshold === undefined) return undefined;
    const minimum = await askNumber(TITLE, 'Only after at least this many devices ran the job', String(last.minNumberOfExecutedThings ?? 10), (n) =>
      fieldError({ abortCriteria: [{ failureType, thresholdPercentage: threshold, minNumberOfExecutedThings: n! }] }, 'abortCriteria[0].minNumberOfExecutedThings'),
    );
    if (minimum === null || minimum === undefined) return undefined;
    rollout.abortCriteria = [{ failureType, thresholdPercentage: threshold, minNumberOfExecutedThings: minimum }];
    Object.assign(remembered, { thresholdPercentage: threshold, minNumberOfExecutedThings: minimum });
  }
  const timeout = await askNumber(TITLE, 'In-progress timeout per device in minutes (1–10080; empty for none)', last.inProgressTimeoutInMinutes === null ? '' : String(last.inProgressTimeoutInMinutes ?? 60), (n) => fieldError({ inProgressTimeoutInMinutes: n }, 'inProgressTimeoutInMinutes'), true);
  if (timeout === null) return undefined;
  if (timeout !== undefined) rollout.inProgressTimeoutInMinutes = timeout;
  remembered.inProgressTimeoutInMinutes = timeout ?? null;
  // Kept before the confirmation: a re-run after a refusal or a failure starts from these answers.
  await s.store.remember({ fleet: remembered });

  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const defaultId = `otabench-fleet-${v.version.replace(/[^a-zA-Z0-9_-]/g, '_')}-${stamp}`.slice(0, NAME.jobId.max);
  const jobId = await vscode.window.showInputBox({
    title: TITLE,
    prompt: 'Job id',
    value: defaultId,
    ignoreFocusOut: true,
    validateInput: (t) => (t.length >= 1 && t.length <= NAME.jobId.max && NAME.jobId.pattern.test(t) ? undefined : `Use 1–${NAME.jobId.max} letters, digits, "_" or "-".`),
  });
  if (!jobId) return undefined;

  const errors = validateRollout(rollout);
  if (errors.length) {
    void vscode.window.showErrorMessage(`OTA Bench: ${errors.map((e) => e.message).join(' ')}`);
    return undefined;
  }
  const rateText = rollout.exponentialRate
    ? `exponential from ${rollout.exponentialRate.baseRatePerMinute}/min ×${rollout.exponentialRate.incrementFactor} every ${rollout.exponentialRate.rateIncreaseCriteria.numberOfSucceededThings} successes, at most ${rollout.maximumPerMinute}/min`
    : rollout.maximumPerMinute
      ? `${rollout.maximumPerMinute} devices/min`
      : 'no rate limit';
  const abortText = rollout.abortCriteria?.length ? `cancel at ${rollout.abortCriteria[0].thresholdPercentage}% ${rollout.abortCriteria[0].failureType} after ${rollout.abortCriteria[0].minNumberOfExecutedThings} devices` : 'no abort rule';
  const GO = 'Start Fleet Job';
  const ok = await vscode.window.showWarningMessage(
    `Roll out ${v.packageName} ${v.version} to ${targets.length} thing group${targets.length > 1 ? 's' : ''}?`,
    { modal: true, detail: `Job ${jobId}\nTargets: ${targets.join(', ')}\nRate: ${rateText}\nAbort: ${abortText}\nTimeout: ${rollout.inProgressTimeoutInMinutes ? `${rollout.inProgressTimeoutInMinutes} min per device` : 'none'}\nDocument: the one verified on the bench by ${v.jobId}` },
    GO,
  );
  if (ok !== GO) return undefined;

  try {
    const document = await provider.getJobDocument(v.jobId);
    const res = await provider.createFleetRollout({
      via: 'job',
      id: jobId,
      targets,
      targetSelection: 'SNAPSHOT',
      description: `OTA Bench fleet rollout of ${v.packageName} ${v.version} (verified by ${v.jobId})`,
      roleArn: profile.roleArn!,
      document,
      ...(v.versionArn ? { destinationPackageVersions: [v.versionArn] } : {}),
      rollout,
    });
    if (!res.job) {
      void vscode.window.showErrorMessage(`OTA Bench: the fleet job was not created: ${res.errors.map((e) => `${e.field}: ${e.message}`).join(' ')}`);
      return undefined;
    }
    s.cloudChanged?.(profile.name);
    log().info(`Fleet job ${res.job.id} created for ${v.packageName} ${v.version} → ${targets.join(', ')} (${rateText}; ${abortText})`);
    void vscode.window.showInformationMessage(`OTA Bench: fleet job ${res.job.id} started for ${v.packageName} ${v.version}.`);
    return res.job;
  } catch (e) {
    void showCloudError(`Could not start the fleet job for ${v.packageName} ${v.version}`, e, { kind: profile.kind });
    return undefined;
  }
}
