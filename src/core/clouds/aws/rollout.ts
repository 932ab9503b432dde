// Fleet rollouts: rate (constant or exponential), abort and timeout settings checked against the
// documented ranges BEFORE anything is sent, as field errors a wizard can show next to each input.
// Pure: no SDK code (type imports only), so the editor side can use it without the AWS bundle.

import type { CreateJobCommandInput, CreateOTAUpdateCommandInput, OTAUpdateFile } from '@aws-sdk/client-iot';
import type { IntRange } from '../kit/range';
import { FAILURE_TYPES, NAME, RETRY_FAILURE_TYPES, ROLE_ARN, ROLLOUT, TEXT } from './limits';

export type FailureType = (typeof FAILURE_TYPES)[number];

export interface RolloutConfig {
  /** Constant rate: at most this many things notified per minute (1–1000). */
  maximumPerMinute?: number;
  exponentialRate?: {
    baseRatePerMinute: number;
    /** 1.1–5, one decimal. */
    incrementFactor: number;
    /** Exactly one of the two. */
    rateIncreaseCriteria: { numberOfNotifiedThings?: number; numberOfSucceededThings?: number };
  };
  abortCriteria?: { failureType: FailureType; thresholdPercentage: number; minNumberOfExecutedThings: number }[];
  inProgressTimeoutInMinutes?: number;
  presignedUrlExpiresInSec?: number;
  retryCriteria?: { failureType: (typeof RETRY_FAILURE_TYPES)[number]; numberOfRetries: number }[];
}

export interface FieldError {
  /** Dotted path of the input, e.g. "exponentialRate.incrementFactor" or "abortCriteria[0].thresholdPercentage". */
  field: string;
  message: string;
}

const decimals = (n: number) => (String(n).split('.')[1] ?? '').length;

function intIn(errors: FieldError[], field: string, v: number | undefined, r: IntRange, label: string, optional = true): void {
  if (v === undefined || v === null) {
    if (!optional) errors.push({ field, message: `${label} is required.` });
    return;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) errors.push({ field, message: `${label} must be a whole number.` });
  else if (v < r.min || v > r.max) errors.push({ field, message: r.max >= Number.MAX_SAFE_INTEGER ? `${label} must be at least ${r.min}.` : `${label} must be between ${r.min} and ${r.max}.` });
}

export function validateRollout(c: RolloutConfig): FieldError[] {
  const errors: FieldError[] = [];
  intIn(errors, 'maximumPerMinute', c.maximumPerMinute, ROLLOUT.maximumPerMinute, 'Maximum things per minute');
  if (c.exponentialRate) {
    const e = c.exponentialRate;
    intIn(errors, 'exponentialRate.baseRatePerMinute', e.baseRatePerMinute, ROLLOUT.baseRatePerMinute, 'Base rate per minute', false);
    const f = e.incrementFactor;
    if (typeof f !== 'number' || !Number.isFinite(f)) errors.push({ field: 'exponentialRate.incrementFactor', message: 'Increment factor is required.' });
    else if (f < ROLLOUT.incrementFactor.min || f > ROLLOUT.incrementFactor.max) errors.push({ field: 'exponentialRate.incrementFactor', message: `Increment factor must be between ${ROLLOUT.incrementFactor.min} and ${ROLLOUT.incrementFactor.max}.` });
    else if (decimals(f) > 1) errors.push({ field: 'exponentialRate.incrementFactor', message: 'Increment factor takes at most one decimal (e.g. 1.5).' });
    const crit = e.rateIncreaseCriteria ?? {};
    const set = (['numberOfNotifiedThings', 'numberOfSucceededThings'] as const).filter((k) => crit[k] !== undefined);
    if (set.length !== 1) errors.push({ field: 'exponentialRate.rateIncreaseCriteria', message: 'Raise the rate after a number of notified things OR of succeeded things (exactly one).' });
    else intIn(errors, `exponentialRate.rateIncreaseCriteria.${set[0]}`, crit[set[0]], ROLLOUT.rateIncreaseThings, set[0] === 'numberOfNotifiedThings' ? 'Notified things' : 'Succeeded things');
    if (c.maximumPerMinute !== undefined && Number.isInteger(e.baseRatePerMinute) && e.baseRatePerMinute > c.maximumPerMinute) {
      errors.push({ field: 'exponentialRate.baseRatePerMinute', message: 'Base rate cannot exceed the maximum things per minute.' });
    }
  }
  const seen = new Set<string>();
  (c.abortCriteria ?? []).forEach((a, i) => {
    const at = `abortCriteria[${i}]`;
    if (!FAILURE_TYPES.includes(a.failureType)) errors.push({ field: `${at}.failureType`, message: `Failure type must be one of ${FAILURE_TYPES.join(', ')}.` });
    else if (seen.has(a.failureType)) errors.push({ field: `${at}.failureType`, message: `Only one abort rule per failure type (${a.failureType} repeats).` });
    seen.add(a.failureType);
    const t = a.thresholdPercentage;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < ROLLOUT.thresholdPercentage.min || t > ROLLOUT.thresholdPercentage.max) errors.push({ field: `${at}.thresholdPercentage`, message: 'Threshold must be a percentage from 0 to 100.' });
    else if (decimals(t) > 2) errors.push({ field: `${at}.thresholdPercentage`, message: 'Threshold takes at most two decimals (e.g. 10.25).' });
    intIn(errors, `${at}.minNumberOfExecutedThings`, a.minNumberOfExecutedThings, ROLLOUT.minNumberOfExecutedThings, 'Minimum executed things', false);
  });
  intIn(errors, 'inProgressTimeoutInMinutes', c.inProgressTimeoutInMinutes, ROLLOUT.inProgressTimeoutInMinutes, 'In-progress timeout (minutes)');
  intIn(errors, 'presignedUrlExpiresInSec', c.presignedUrlExpiresInSec, ROLLOUT.presignedExpiresInSec, 'Presigned URL lifetime (seconds)');
  const retryTypes = new Set<string>();
  (c.retryCriteria ?? []).forEach((r, i) => {
    if (!RETRY_FAILURE_TYPES.includes(r.failureType)) errors.push({ field: `retryCriteria[${i}].failureType`, message: `Retry failure type must be one of ${RETRY_FAILURE_TYPES.join(', ')}.` });
    else if (retryTypes.has(r.failureType)) errors.push({ field: `retryCriteria[${i}].failureType`, message: `Only one retry rule per failure type (${r.failureType} repeats).` });
    retryTypes.add(r.failureType);
    intIn(errors, `retryCriteria[${i}].numberOfRetries`, r.numberOfRetries, ROLLOUT.numberOfRetries, 'Number of retries', false);
  });
  if ((c.retryCriteria?.length ?? 0) > 2) errors.push({ field: 'retryCriteria', message: 'At most two retry rules.' });
  return errors;
}

export interface FleetRolloutInput {
  /** CreateJob (`job`) or CreateOTAUpdate (`ota-update`). */
  via: 'job' | 'ota-update';
  /** jobId or otaUpdateId. */
  id: string;
  /** Thing-group (or thing) ARNs. */
  targets: string[];
  targetSelection?: 'SNAPSHOT' | 'CONTINUOUS';
  description?: string;
  /** Presigned-URL role (job) / OTA service role (ota-update). */
  roleArn: string;
  /** via=job: the job document (e.g. afr_ota). */
  document?: string;
  /** via=ota-update: the files with their code signing. */
  files?: OTAUpdateFile[];
  destinationPackageVersions?: string[];
  rollout: RolloutConfig;
}

const TARGET_ARN = /^arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:(thing|thinggroup)\/[a-zA-Z0-9:_-]+$/;

function checkCommon(input: FleetRolloutInput): FieldError[] {
  const errors = validateRollout(input.rollout);
  const idRule = input.via === 'job' ? NAME.jobId : NAME.otaUpdateId;
  if (!input.id || input.id.length > idRule.max || !idRule.pattern.test(input.id)) errors.push({ field: 'id', message: `Use 1–${idRule.max} letters, digits, "_" or "-".` });
  if (!input.targets.length) errors.push({ field: 'targets', message: 'Pick at least one thing group.' });
  input.targets.forEach((t, i) => {
    if (!TARGET_ARN.test(t)) errors.push({ field: `targets[${i}]`, message: `${t} is not a thing or thing-group ARN.` });
  });
  if (!ROLE_ARN.test(input.roleArn ?? '')) errors.push({ field: 'roleArn', message: 'An IAM role ARN looks like arn:aws:iam::123456789012:role/ota-role.' });
  if ((input.description?.length ?? 0) > TEXT.jobDescription) errors.push({ field: 'description', message: `At most ${TEXT.jobDescription} characters.` });
  if ((input.destinationPackageVersions?.length ?? 0) > TEXT.destinationPackageVersions) errors.push({ field: 'destinationPackageVersions', message: `At most ${TEXT.destinationPackageVersions} package versions.` });
  return errors;
}

const abortList = (r: RolloutConfig) =>
  r.abortCriteria?.length ? r.abortCriteria.map((a) => ({ failureType: a.failureType, action: 'CANCEL' as const, thresholdPercentage: a.thresholdPercentage, minNumberOfExecutedThings: a.minNumberOfExecutedThings })) : undefined;

const rateConfig = (r: RolloutConfig) =>
  r.maximumPerMinute !== undefined || r.exponentialRate ? { maximumPerMinute: r.maximumPerMinute, exponentialRate: r.exponentialRate } : undefined;

export function buildFleetJob(input: FleetRolloutInput): { request?: CreateJobCommandInput; errors: FieldError[] } {
  const errors = checkCommon(input);
  if (!input.document) errors.push({ field: 'document', message: 'A job document is required.' });
  else if (input.document.length > TEXT.jobDocument) errors.push({ field: 'document', message: `The job document is ${input.document.length} characters; the limit is ${TEXT.jobDocument}.` });
  if (errors.length) return { errors };
  const r = input.rollout;
  const abort = abortList(r);
  return {
    errors,
    request: {
      jobId: input.id,
      targets: input.targets,
      document: input.document,
      description: input.description,
      targetSelection: input.targetSelection ?? 'SNAPSHOT',
      presignedUrlConfig: { roleArn: input.roleArn, expiresInSec: r.presignedUrlExpiresInSec ?? 3600 },
      jobExecutionsRolloutConfig: rateConfig(r),
      abortConfig: abort ? { criteriaList: abort } : undefined,
      timeoutConfig: r.inProgressTimeoutInMinutes ? { inProgressTimeoutInMinutes: r.inProgressTimeoutInMinutes } : undefined,
      jobExecutionsRetryConfig: r.retryCriteria?.length ? { criteriaList: r.retryCriteria } : undefined,
      destinationPackageVersions: input.destinationPackageVersions,
    },
  };
}

export function buildFleetOtaUpdate(input: FleetRolloutInput): { request?: CreateOTAUpdateCommandInput; errors: FieldError[] } {
  const errors = checkCommon(input);
  if (!input.files?.length) errors.push({ field: 'files', message: 'An OTA update needs at least one file.' });
  if (input.rollout.retryCriteria?.length) errors.push({ field: 'retryCriteria', message: 'OTA updates have no retry setting; use a job instead.' });
  if (errors.length) return { errors };
  const r = input.rollout;
  const abort = abortList(r);
  return {
    errors,
    request: {
      otaUpdateId: input.id,
      targets: input.targets,
      description: input.description,
      protocols: ['HTTP'],
      targetSelection: input.targetSelection ?? 'SNAPSHOT',
      roleArn: input.roleArn,
      files: input.files,
      awsJobExecutionsRolloutConfig: rateConfig(r),
      awsJobPresignedUrlConfig: { expiresInSec: r.presignedUrlExpiresInSec ?? 1800 },
      awsJobAbortConfig: abort ? { abortCriteriaList: abort } : undefined,
      awsJobTimeoutConfig: r.inProgressTimeoutInMinutes ? { inProgressTimeoutInMinutes: r.inProgressTimeoutInMinutes } : undefined,
    },
  };
}
