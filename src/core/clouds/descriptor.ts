// What a cloud is, as data: the wizard, the profile parser, the tree (folders, menus), the release
// defaults and the CLI read this instead of branching on a cloud's name. Descriptors are plain data
// and load at activation (no SDK); the cloud's provider lives in its lazily loaded bundle.

import type { CloudKind, CloudProfile } from '../profiles';
import type { Validator } from '../validators';

/**
 * Optional operations. A menu, a folder or a command that needs one asks for it; a cloud that
 * lacks it never offers it (or says so in one sentence).
 */
export const CAPABILITIES = [
  'browse', // packages, versions, jobs and executions in the tree
  'release', // publish an artifact and start a verify job (Quick Release, Start Verify)
  'version-lifecycle', // versions start as drafts and are published / deprecated (AWS)
  'cancel-job',
  'cancel-execution', // cancel one device's execution (AWS)
  'cancel-job-tasks', // cancel a job's device tasks by state (Alibaba CancelOTATaskByJob)
  'retry-job', // retry a task's failed devices (Huawei RetryBatchTask)
  'confirm-job', // start a task's devices that wait for a confirmation (Huawei ConfirmBatchTask, need_confirm)
  'job-document', // read a job's document (AWS)
  'describe-execution', // one execution's full status details (AWS DescribeJobExecution)
  'describe-version', // one version with its reference, artifact and attributes
  'ota-updates', // the AWS OTA updates folder
  'fleet-rollout', // Release to Fleet
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** How a list pages on the wire (the cursor the kit encodes into `Page.next`). */
export type PagingMode = 'token' | 'marker' | 'page';

export interface ListSpec {
  paging: PagingMode;
  /** The API's largest page (Load All uses it). */
  maxPageSize: number;
  /** Neutral statuses the list can filter on (server-side or per page). */
  statuses: readonly string[];
}

/** A profile setting, as the wizard asks for it and the parser checks it. */
export interface FieldSpec {
  key: string;
  label: string;
  required: boolean;
  validate: Validator;
  placeholder?: string;
  /** A list of values (e.g. up to 10 bench DeviceNames), comma-separated in the wizard. */
  list?: { max: number };
}

/** A secret a profile needs; it lives in SecretStorage (or the cloud's own chain), never in settings. */
export interface SecretField {
  key: string;
  label: string;
  /** Asked only when the profile's `credentials` setting says "secrets" (clouds that also have a chain). */
  optional?: boolean;
}

/** A folder under a profile in the Clouds view. */
export interface FolderSpec {
  id: 'packages' | 'jobs' | 'ota-updates';
  label: string;
  icon: string;
}

/** Words the UI uses for this cloud's objects. */
export interface Nouns {
  device: string;
  devices: string;
  package: string;
  packages: string;
  version: string;
  job: string;
  jobs: string;
  execution: string;
  executions: string;
  /** The cloud's own resource name ("ARN"); absent: no Copy action for it. */
  cloudRef?: string;
}

export interface SigningSpec {
  /** What the device checks. AWS FreeRTOS: an ECDSA signature; IoTDA: SHA-256; Alibaba: MD5 or SHA-256. */
  deviceChecks: 'signature' | 'sha256' | 'md5-or-sha256';
  /** True when a release cannot verify without a signature (AWS: the job document needs one). */
  signatureRequired: boolean;
  /** The hash registered with the version by default. */
  defaultHash: 'sha256' | 'md5';
  /** The cloud's own signing service, when it has one ("AWS Signer"). */
  cloudSigner?: string;
}

export interface CloudDescriptor {
  kind: CloudKind;
  label: string;
  regions: {
    known: readonly string[];
    validate: Validator;
    /** The API endpoint a region uses (an `endpoint` setting overrides it). */
    endpoint(region: string): string;
  };
  /** Non-secret settings, in wizard order. */
  profileFields: readonly FieldSpec[];
  secretFields: readonly SecretField[];
  /** The profile setting that names the bench board(s), and how many a verify job may target. */
  bench: { field: string; maxTargets: number };
  nouns: Nouns;
  signing: SigningSpec;
  lists: { packages: ListSpec; versions: ListSpec; jobs: ListSpec; executions: ListSpec };
  /** Where jobs are listed: per account (AWS, Huawei) or per firmware version (Alibaba). */
  jobScope: 'account' | 'version';
  /** What a verify job's client reference travels in (so a resume finds the job the cloud named), and its form. */
  clientReference: { carrier: 'job-id' | 'task-name' | 'tag'; maxLength: number; separator: '-' | '_' };
  folders: readonly FolderSpec[];
  capabilities: ReadonlySet<Capability>;
  /** Where a credentials error sends the user (a button on the error). */
  credentialsHelp: { command: string; title: string };
  /** One sentence shown where a capability is missing, when the whole cloud is not built yet. */
  unavailable?: string;
  /** What a capability needs of a profile beyond the cloud having it: why this profile cannot, or undefined. */
  profileNeeds?: Partial<Record<Capability, (profile: CloudProfile) => string | undefined>>;
}
