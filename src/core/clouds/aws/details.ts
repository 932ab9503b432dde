// AWS's extra facts, typed: what map.ts puts in a neutral object's `details` (shown in tooltips
// as label/value rows). Code outside this folder never reads these keys; what it needs is neutral
// (Execution.reason, Job.runsJob, Job.kind).

import type { Details } from '../../model';

export interface AwsVersionDetails extends Details {
  artifact?: string;
  sbom?: string;
  errorReason?: string;
  /** The version's attributes, one `attr:<key>` entry each. */
  [attribute: `attr:${string}`]: string | undefined;
}

export interface AwsJobDetails extends Details {
  targetSelection?: string;
  thingGroupId?: string;
  isConcurrent?: boolean;
  /** "thing/a, thinggroup/b". */
  targets?: string;
  forceCanceled?: boolean;
  reasonCode?: string;
  comment?: string;
  inProgressTimeoutInMinutes?: number;
  destinationPackageVersions?: string;
  /** The OTA update that created this job. */
  otaUpdateId?: string;
}

export interface AwsOtaUpdateDetails extends Details {
  awsIotJobId?: string;
  awsIotJobArn?: string;
  protocols?: string;
  targetSelection?: string;
  targets?: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface AwsExecutionDetails extends Details {
  thingArn?: string;
  retryAttempt?: number;
  versionNumber?: number;
  forceCanceled?: boolean;
  approximateSecondsBeforeTimedOut?: number;
}
