// The one contract every cloud implements. The tree, the commands and the release pipeline speak
// only this; a cloud's extra facts travel in `details`, never as new methods here.

import type { Execution, Job, ListOptions, Package, PackageVersion, Page, Rollout } from '../model';
import type { CloudProfile } from '../profiles';

/** Cancellation without a vscode dependency (an AbortSignal works; so does a CancellationToken adapter). */
export type Cancel = AbortSignal;

export interface Progress {
  /** Bytes done / total for transfers; `message` for steps that have no size. */
  (p: { done?: number; total?: number; message?: string }): void;
}

/** The artifact to publish and what we know of it (hashes computed once, by core/signing). */
export interface Artifact {
  path: string;
  size: number;
  sha256Hex: string;
  md5Hex: string;
  /** DER signature bytes, when signed locally or by a cloud signer. */
  signature?: Uint8Array;
  signatureAlgorithm?: 'ECDSA' | 'RSA';
  /** Path/name of the code-signing certificate on the device (AWS `certfile`). */
  certificateName?: string;
}

export interface PublishRequest {
  packageName: string;
  version: string;
  artifact: Artifact;
  description?: string;
  /** Extra attributes (e.g. git commit); providers enforce the cloud's size limits. */
  attributes?: Record<string, string>;
  /** Optional SBOM file to associate (AWS). */
  sbomPath?: string;
  /** How to sign, when the cloud signs (AWS Signer profile name). */
  cloudSigner?: { profileName: string };
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
  /** Bench device id; defaults to the profile's bench device. */
  target?: string;
  /** Job id to use (idempotency); providers generate one when absent. */
  jobId?: string;
  timeoutMinutes?: number;
  /** From PublishResult.location: lets the verify job reuse the published object. */
  location?: Record<string, string>;
  artifact?: Artifact;
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
  listJobs(opts?: ListOptions): Promise<Page<Job>>;
  listExecutions(jobId: string, opts?: ListOptions): Promise<Page<Execution>>;
  describeJob(jobId: string): Promise<Rollout>;
  getJobDocument(jobId: string): Promise<string>;

  publish(req: PublishRequest, progress?: Progress, signal?: Cancel): Promise<PublishResult>;
  /** Makes a version usable/unusable (AWS PUBLISH/DEPRECATE). */
  setVersionState(packageId: string, versionId: string, action: 'publish' | 'deprecate'): Promise<void>;
  startVerifyJob(req: VerifyRequest, signal?: Cancel): Promise<Job>;
  cancelJob(jobId: string, opts?: { force?: boolean; reason?: string }): Promise<void>;
  cancelExecution(jobId: string, target: string, opts?: { force?: boolean }): Promise<void>;

  /** Rollout snapshots until the job is done or `signal` aborts. */
  watchJob(jobId: string, opts?: WatchOptions): AsyncIterable<Rollout>;

  dispose?(): void;
}

/** How a cloud module (lazily loaded bundle) exposes itself. */
export interface CloudModule {
  createProvider(profile: CloudProfile, secrets: SecretSource): Promise<CloudProvider>;
}

/** Reads a profile's secret fields (SecretStorage in the editor, env/files in tests). */
export type SecretSource = (field: string) => Promise<string | undefined>;
