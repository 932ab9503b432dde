// The one contract every cloud implements. The tree, the commands and the release pipeline speak
// only this; a cloud's extra facts travel in `details`, never as new methods here.

import type { Execution, Job, ListOptions, Package, PackageVersion, Page, Rollout } from '../model';
import type { CloudProfile } from '../profiles';
import type { FleetAnswers, FleetForm, FleetSource } from './fleet';

/** Cancellation without a vscode dependency (an AbortSignal works; so does a CancellationToken adapter). */
export type Cancel = AbortSignal;

export interface Progress {
  /**
   * Bytes done / total for transfers; `message` for steps that have no size; `location` where an
   * upload now lives before it is registered (Alibaba: OSS cannot be searched, so a resume needs it
   * back in PublishRequest.uploaded).
   */
  (p: { done?: number; total?: number; message?: string; location?: Record<string, string> }): void;
}

/** The artifact to publish and what we know of it (hashes computed once, by core/signing). */
export interface Artifact {
  path: string;
  size: number;
  sha256Hex: string;
  md5Hex: string;
  /** DER signature bytes, when signed locally or by a cloud signer; the algorithm describes those bytes. */
  signature?: Uint8Array;
  signatureAlgorithm?: 'ECDSA' | 'RSA';
}

/** Options only one cloud reads; the others ignore them (each cloud's bundle names its own). */
export interface CloudOptions {
  aws?: {
    /** Path/name of the code-signing certificate on the device (job document `certfile`). */
    certificateName?: string;
    /** Optional SBOM file to associate with the version. */
    sbomPath?: string;
    /** Sign in the cloud with this AWS Signer profile instead of locally. */
    cloudSigner?: { profileName: string };
  };
  aliyun?: {
    /** FirmwareSign's hash (the profile's signing.hash). */
    signMethod?: 'MD5' | 'SHA256';
  };
}

export interface PublishRequest {
  packageName: string;
  version: string;
  artifact: Artifact;
  description?: string;
  /** Extra attributes (e.g. git commit); providers enforce the cloud's size limits. */
  attributes?: Record<string, string>;
  options?: CloudOptions;
  /** The `location` an interrupted publish reported through progress (a resume hands it back). */
  uploaded?: Record<string, string>;
}

/** What a publish created or found, so re-runs reuse it instead of duplicating. */
export interface PublishResult {
  version: PackageVersion;
  /** Where the image lives (S3 bucket/key/versionId, OBS location, Alibaba FirmwareUrl). */
  location: Record<string, string>;
  /** True when the object/version already existed and was reused. */
  reused: { upload: boolean; register: boolean };
}

export interface VerifyRequest {
  packageName: string;
  version: string;
  /** The cloud's id of the version (AWS versionName, Huawei package_id, Alibaba FirmwareId), when known. */
  versionId?: string;
  /** Bench devices; default: the profile's (see benchTargets). */
  targets?: string[];
  /**
   * The client reference, stored by the caller BEFORE the call (verifyReference): AWS uses it as
   * the job id, Huawei as task_name, Alibaba as a Tag. findVerifyJob finds the job by it after a
   * lost reply, since Huawei and Alibaba assign the job's id themselves.
   */
  reference: string;
  timeoutMinutes?: number;
  /** From PublishResult.location: lets the verify job reuse the published object. */
  location?: Record<string, string>;
  artifact?: Artifact;
  options?: CloudOptions;
}

export interface WatchOptions {
  /** Base poll interval in ms (backs off on throttling). */
  intervalMs?: number;
  signal?: Cancel;
}

export interface CloudProvider {
  readonly profile: CloudProfile;

  listPackages(opts?: ListOptions): Promise<Page<Package>>;
  listVersions(packageId: string, opts?: ListOptions): Promise<Page<PackageVersion>>;
  /** Jobs of the account, or of one version where the cloud lists them only there (descriptor jobScope). */
  listJobs(opts?: ListOptions & { version?: { packageId: string; versionId: string } }): Promise<Page<Job>>;
  listExecutions(jobId: string, opts?: ListOptions): Promise<Page<Execution>>;
  describeJob(jobId: string): Promise<Rollout>;
  getJobDocument(jobId: string): Promise<string>;

  publish(req: PublishRequest, progress?: Progress, signal?: Cancel): Promise<PublishResult>;
  startVerifyJob(req: VerifyRequest, signal?: Cancel): Promise<Job>;
  /** The verify job started with `reference`, or undefined when the cloud has none (a lost create). */
  findVerifyJob(reference: string, hint: { packageName: string; version: string; versionId?: string }, signal?: Cancel): Promise<Job | undefined>;
  /** Jobs, queued or running, that already hold these bench devices (they would delay a verify job). */
  pendingWork(targets: string[], signal?: Cancel): Promise<Job[]>;
  cancelJob(jobId: string, opts?: { force?: boolean; reason?: string }): Promise<void>;

  // Optional operations: present exactly when the cloud's descriptor lists the capability.
  /** 'version-lifecycle': makes a version usable/unusable (AWS PUBLISH/DEPRECATE). */
  setVersionState?(packageId: string, versionId: string, action: 'publish' | 'deprecate'): Promise<void>;
  /** 'cancel-execution'. */
  cancelExecution?(jobId: string, target: string, opts?: { force?: boolean }): Promise<void>;
  /** 'describe-version': one version with its reference, artifact and attributes. */
  getVersion?(packageId: string, versionId: string): Promise<PackageVersion>;
  /** 'describe-execution': one execution with the device's full status details. */
  describeExecution?(jobId: string, target: string): Promise<Execution>;
  /** 'ota-updates'. */
  listOtaUpdates?(opts?: ListOptions): Promise<Page<Job>>;
  getOtaUpdate?(id: string): Promise<Job>;
  /** 'cancel-job-tasks': cancel a job's device tasks in the given states (Alibaba CancelOTATaskByJob). */
  cancelJobTasks?(jobId: string, states: readonly JobTaskState[]): Promise<void>;
  /** 'retry-job': retry the failed devices of a job. */
  retryJob?(jobId: string): Promise<void>;
  /**
   * 'confirm-job': lets a job's devices that wait for a confirmation start (Huawei ConfirmBatchTask
   * on a need_confirm task); `targets` absent: every waiting device. A job with none waiting: CloudError 'invalid'.
   */
  confirmJob?(jobId: string, targets?: string[]): Promise<JobConfirmation>;
  /** 'fleet-rollout': the questions Release to Fleet asks for this verified version (core/clouds/fleet.ts). */
  fleetForm?(source: FleetSource, signal?: Cancel): Promise<FleetForm>;
  /**
   * 'fleet-rollout': checks the answers again (answerProblems, plus the cloud's own rules, e.g. the
   * version is verified) and creates the one fleet job; a CloudError 'invalid' names what is wrong.
   */
  startFleetRollout?(source: FleetSource, answers: FleetAnswers, signal?: Cancel): Promise<Job>;

  /** Rollout snapshots until the job is done or `signal` aborts. */
  watchJob(jobId: string, opts?: WatchOptions): AsyncIterable<Rollout>;

  dispose?(): void;
}

/** What a confirmation did, device by device (the cloud's own reason for each it refused). */
export interface JobConfirmation {
  confirmed: string[];
  failed: { target: string; reason: string }[];
}

/** Task states a job's tasks can be cancelled in (Alibaba: one CancelOTATaskByJob flag each). */
export const JOB_TASK_STATES = ['confirm', 'queued', 'notified', 'in-progress', 'scheduled'] as const;
export type JobTaskState = (typeof JOB_TASK_STATES)[number];

/** How a cloud module (lazily loaded bundle) exposes itself. */
export interface CloudModule {
  createProvider(profile: CloudProfile, secrets: SecretSource): Promise<CloudProvider>;
}

/** Reads a profile's secret fields (SecretStorage in the editor, env/files in tests). */
export type SecretSource = (field: string) => Promise<string | undefined>;
