// Documented AWS IoT limits (shared/reference/cloud-apis.md §1.2–1.8), one table for the provider's
// checks, the rollout wizard and the emulator that plays AWS in tests.

import type { IntRange } from '../kit/range';

export const PAGE_SIZE = {
  packages: { min: 1, max: 100 },
  versions: { min: 1, max: 100 },
  jobs: { min: 1, max: 250 },
  executions: { min: 1, max: 250 },
  otaUpdates: { min: 1, max: 250 },
  signingJobs: { min: 1, max: 25 },
} satisfies Record<string, IntRange>;

export const NAME = {
  packageName: { min: 1, max: 128, pattern: /^[a-zA-Z0-9-_.]+$/ },
  versionName: { min: 1, max: 64, pattern: /^[a-zA-Z0-9-_.]+$/ },
  jobId: { min: 1, max: 64, pattern: /^[a-zA-Z0-9_-]+$/ },
  otaUpdateId: { min: 1, max: 128, pattern: /^[a-zA-Z0-9_-]+$/ },
  thingName: { min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  thingGroupName: { min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  statusDetailsKey: { min: 1, max: 128, pattern: /^[a-zA-Z0-9:_-]+$/ },
  clientToken: { min: 36, max: 64, pattern: /^[\x21-\x7E]+$/ },
} as const;

export const TEXT = {
  packageDescription: 1024,
  jobDescription: 2028,
  jobDocument: 32768,
  statusDetailsValue: 1024,
  statusDetailsEntries: 10,
  /** Package-version attributes: keys + values, UTF-8 bytes. */
  attributesBytes: 3072,
  destinationPackageVersions: 25,
} as const;

export const ROLLOUT = {
  maximumPerMinute: { min: 1, max: 1000 },
  baseRatePerMinute: { min: 1, max: 1000 },
  incrementFactor: { min: 1.1, max: 5 },
  rateIncreaseThings: { min: 1, max: Number.MAX_SAFE_INTEGER },
  thresholdPercentage: { min: 0, max: 100 },
  minNumberOfExecutedThings: { min: 1, max: Number.MAX_SAFE_INTEGER },
  inProgressTimeoutInMinutes: { min: 1, max: 10080 },
  presignedExpiresInSec: { min: 60, max: 3600 },
  numberOfRetries: { min: 0, max: 10 },
} satisfies Record<string, IntRange>;

export const FAILURE_TYPES = ['FAILED', 'REJECTED', 'TIMED_OUT', 'ALL'] as const;
export const RETRY_FAILURE_TYPES = ['FAILED', 'TIMED_OUT', 'ALL'] as const;
export const TARGET_SELECTIONS = ['CONTINUOUS', 'SNAPSHOT'] as const;
export const PROTOCOLS = ['MQTT', 'HTTP'] as const;

export const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** UTF-8 size of a package version's attributes, as AWS counts it against the 3 KB limit. */
export function attributesBytes(attrs: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of Object.entries(attrs)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}
