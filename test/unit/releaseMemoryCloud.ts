// MemoryCloud: a small in-memory implementation of OUR CloudProvider contract, for the release
// state-machine unit tests only. It counts what it creates (stored objects, registered versions,
// publishes, jobs) so tests can prove a resume never duplicates anything, and it can be told to
// fail once at a given operation. The end-to-end tests use the real SDKs against the emulators.

import { CloudError, countExecutions, type Execution, type Job, type Page, type PackageVersion, type Rollout } from '../../src/core/model';
import type { CloudProvider, Progress, PublishRequest, PublishResult, VerifyRequest, WatchOptions } from '../../src/core/clouds/provider';
import type { CloudProfile } from '../../src/core/profiles';

export type MemoryFault =
  | 'upload' // fails after half of the bytes
  | 'register' // fails after the whole upload, before the version exists
  | 'publish' // setVersionState fails
  | 'start-verify' // fails before creating the job
  | 'start-verify-lost' // creates the job, then the answer is "lost"
  | 'watch'; // the watch stream breaks after its first snapshot

interface StoredVersion {
  version: PackageVersion;
  sha256: string;
}

interface MemoryJob {
  job: Job;
  target: string;
  version: string;
  /** Snapshots already served by watch. */
  polls: number;
  outcome: { status: 'succeeded' | 'failed'; reason?: string };
}

export class MemoryCloud implements CloudProvider {
  readonly counts = { uploadsStarted: 0, objectsStored: 0, versionsCreated: 0, publishes: 0, jobsCreated: 0, publishCalls: 0, describeJob: 0, jobsCancelled: 0, findVerifyJob: 0 };
  readonly objects = new Map<string, Record<string, string>>();
  readonly versions = new Map<string, StoredVersion>();
  readonly jobs = new Map<string, MemoryJob>();
  /** Client reference → the job id the cloud assigned. */
  readonly references = new Map<string, string>();
  private readonly faults = new Set<MemoryFault>();
  /** Outcome of the next verify jobs, in order (then: succeeded). */
  readonly outcomes: MemoryJob['outcome'][] = [];
  /** Called when the bench device "boots" a verify job's version (tests print the banner on their serial). */
  onInstall?: (version: string, job: MemoryJob) => void;
  /** Milliseconds per upload chunk (lets a cancel land mid-upload). */
  chunkDelayMs = 0;
  /** Milliseconds between "all bytes stored" and registering the version. */
  registerDelayMs = 0;

  constructor(readonly profile: CloudProfile) {}

  failOnce(f: MemoryFault): this {
    this.faults.add(f);
    return this;
  }

  private take(f: MemoryFault): boolean {
    return this.faults.delete(f);
  }

  private key(pkg: string, version: string) {
    return `${pkg}\u0000${version}`;
  }

  async listPackages(): Promise<Page<never>> {
    return { items: [] };
  }

  async listVersions(packageId: string, opts?: { prefix?: string }): Promise<Page<PackageVersion>> {
    const items = [...this.versions.values()].map((v) => v.version).filter((v) => v.packageId === packageId && (!opts?.prefix || v.version.startsWith(opts.prefix)));
    return { items };
  }

  async listJobs(): Promise<Page<Job>> {
    return { items: [...this.jobs.values()].map((j) => j.job) };
  }

  async listExecutions(jobId: string): Promise<Page<Execution>> {
    return { items: this.snapshot(this.mustJob(jobId)).executions };
  }

  async describeJob(jobId: string): Promise<Rollout> {
    this.counts.describeJob++;
    return this.snapshot(this.mustJob(jobId));
  }

  async getJobDocument(jobId: string): Promise<string> {
    this.mustJob(jobId);
    return '{}';
  }

  async publish(req: PublishRequest, progress?: Progress, signal?: AbortSignal): Promise<PublishResult> {
    this.counts.publishCalls++;
    const { artifact } = req;
    let location = this.objects.get(artifact.sha256Hex);
    const reusedUpload = !!location;
    if (!location) {
      this.counts.uploadsStarted++;
      const chunk = Math.ceil(artifact.size / 8);
      for (let done = 0; done < artifact.size; ) {
        if (signal?.aborted) throw new CloudError('Upload cancelled.', 'canceled');
        if (this.chunkDelayMs) await new Promise((r) => setTimeout(r, this.chunkDelayMs));
        done = Math.min(artifact.size, done + chunk);
        if (done >= artifact.size / 2 && done < artifact.size && this.take('upload')) throw new CloudError('Connection reset during upload.', 'unavailable', 'Check the network and re-run.');
        progress?.({ done, total: artifact.size });
      }
      location = { bucket: 'firmware', key: `${req.packageName}/${req.version}.bin`, versionId: `v${this.objects.size + 1}` };
      this.objects.set(artifact.sha256Hex, location);
      this.counts.objectsStored++;
    }
    await new Promise((r) => setTimeout(r, this.registerDelayMs));
    if (signal?.aborted) throw new CloudError('Publish cancelled.', 'canceled');
    if (this.take('register')) throw new CloudError('Package version registration was refused: AccessDenied.', 'credentials', 'Grant iot:CreatePackageVersion to the profile.');
    const k = this.key(req.packageName, req.version);
    const existing = this.versions.get(k);
    if (existing) {
      if (existing.sha256 !== artifact.sha256Hex) throw new CloudError(`Version ${req.version} already exists with a different image.`, 'already-exists');
      return { version: { ...existing.version }, location, reused: { upload: reusedUpload, register: true } };
    }
    const version: PackageVersion = {
      cloud: this.profile.kind,
      packageId: req.packageName,
      id: req.version,
      version: req.version,
      status: this.profile.kind === 'aws' ? 'draft' : 'unknown',
      rawStatus: this.profile.kind === 'aws' ? 'DRAFT' : '0',
    };
    this.versions.set(k, { version, sha256: artifact.sha256Hex });
    this.counts.versionsCreated++;
    return { version: { ...version }, location, reused: { upload: reusedUpload, register: false } };
  }

  async setVersionState(packageId: string, versionId: string, action: 'publish' | 'deprecate'): Promise<void> {
    if (this.take('publish')) throw new CloudError('Throttled.', 'throttled', 'Wait a moment and re-run.');
    const v = this.versions.get(this.key(packageId, versionId));
    if (!v) throw new CloudError(`No version ${versionId}.`, 'not-found');
    if (action === 'publish' && v.version.status === 'published') throw new CloudError('Already published.', 'invalid');
    v.version.status = action === 'publish' ? 'published' : 'deprecated';
    v.version.rawStatus = action === 'publish' ? 'PUBLISHED' : 'DEPRECATED';
    this.counts.publishes++;
  }

  async startVerifyJob(req: VerifyRequest, signal?: AbortSignal): Promise<Job> {
    if (signal?.aborted) throw new CloudError('Cancelled.', 'canceled');
    if (this.take('start-verify')) throw new CloudError('Service unavailable (503).', 'unavailable', 'Re-run in a moment.');
    const v = this.versions.get(this.key(req.packageName, req.version));
    if (!v) throw new CloudError(`No version ${req.version} of ${req.packageName}.`, 'not-found');
    if (this.profile.kind === 'aws' && v.version.status !== 'published') throw new CloudError('destinationPackageVersions must be PUBLISHED.', 'invalid');
    // AWS jobs are named by the reference; the other clouds assign their own id and keep the reference beside it.
    const id = this.profile.kind === 'aws' ? req.reference : `job-${this.jobs.size + 1}`;
    if (this.jobs.has(id) || this.references.has(req.reference)) throw new CloudError(`Job ${req.reference} already exists.`, 'already-exists');
    const job: Job = { cloud: this.profile.kind, id, status: 'in-progress', rawStatus: 'IN_PROGRESS', kind: 'verify', createdAt: new Date() };
    this.jobs.set(id, { job, target: req.targets?.[0] ?? 'bench', version: req.version, polls: 0, outcome: this.outcomes.shift() ?? { status: 'succeeded' } });
    this.references.set(req.reference, id);
    this.counts.jobsCreated++;
    if (this.take('start-verify-lost')) throw new CloudError('Socket hang up.', 'unavailable');
    return { ...job };
  }

  async findVerifyJob(reference: string): Promise<Job | undefined> {
    this.counts.findVerifyJob++;
    const id = this.references.get(reference);
    return id ? { ...this.jobs.get(id)!.job } : undefined;
  }

  /** Jobs already holding the bench board (tests set it); cancelJob removes one. */
  pending: Job[] = [];

  async pendingWork(): Promise<Job[]> {
    return [...this.pending];
  }

  async cancelJob(jobId: string): Promise<void> {
    this.pending = this.pending.filter((j) => j.id !== jobId);
    this.counts.jobsCancelled++;
  }
  async cancelExecution(): Promise<void> {}

  async *watchJob(jobId: string, opts?: WatchOptions): AsyncIterable<Rollout> {
    const j = this.mustJob(jobId);
    while (!opts?.signal?.aborted) {
      j.polls++;
      const snap = this.snapshot(j);
      yield snap;
      if (snap.done) return;
      if (this.take('watch')) throw new CloudError('DescribeJob: connection refused.', 'unavailable');
      await new Promise((r) => setTimeout(r, opts?.intervalMs ?? 5));
    }
  }

  private mustJob(id: string): MemoryJob {
    const j = this.jobs.get(id);
    if (!j) throw new CloudError(`Job ${id} not found.`, 'not-found');
    return j;
  }

  /** queued → downloading (50 %) → installed (banner) → the outcome. */
  private snapshot(j: MemoryJob): Rollout {
    const phase = Math.min(j.polls, 3);
    let e: Execution;
    if (phase <= 1) e = { cloud: this.profile.kind, jobId: j.job.id, target: j.target, status: 'queued', rawStatus: 'QUEUED' };
    else if (phase === 2) e = { cloud: this.profile.kind, jobId: j.job.id, target: j.target, status: 'in-progress', rawStatus: 'IN_PROGRESS', progress: 50, statusDetails: { receive: '4/8' } };
    else {
      if (j.job.status !== 'completed') {
        j.job = { ...j.job, status: 'completed', rawStatus: 'COMPLETED' };
        if (j.outcome.status === 'succeeded') this.onInstall?.(j.version, j);
      }
      e = j.outcome.status === 'succeeded'
        ? { cloud: this.profile.kind, jobId: j.job.id, target: j.target, status: 'succeeded', rawStatus: 'SUCCEEDED', statusDetails: { reason: `accepted  v${j.version}` } }
        : { cloud: this.profile.kind, jobId: j.job.id, target: j.target, status: 'failed', rawStatus: 'FAILED', statusDetails: { reason: j.outcome.reason ?? 'rejected: 0x1' } };
    }
    return { job: { ...j.job }, counts: countExecutions([e]), executions: [e], at: new Date(), done: phase >= 3 };
  }
}
