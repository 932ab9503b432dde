// The release steps as data: each says how it runs, what to suggest when it fails, and what a stop
// during it leaves half-done. The runner (pipeline.ts) owns order, events, persistence and cancel.

import { resolve } from 'path';
import { isNamedError } from '../errors';
import type { Artifact, CloudOptions, CloudProvider, PublishRequest, PublishResult } from '../clouds/provider';
import type { Job } from '../model';
import type { CloudProfile } from '../profiles';
import { benchTargets, can, descriptorOf } from '../clouds/registry';
import { verifyReference } from '../clouds/verifyRef';
import { splitList } from '../validators';
import { digestFile, loadSigningKey, type SigningError, type SigningKey } from '../signing';
import { readVersion, type VersionPrompt } from '../version/read';
import { packageNameProblems, versionProblems, versionValidator } from '../version/rules';
import { readEmbeddedVersion } from '../version/embedded';
import { formatSize, locateArtifact } from './artifact';
import type { BuildRunner } from './build';
import { abortError, StepFailure } from './errors';
import { bannerMatcher, SerialTap as SerialTapOf, type SerialTap, type SerialWatcher } from './serialWatch';
import { askBoardVersion, boardVersionBefore, crashEvidence, levelNotes, watchBoard } from './evidence';
import { benchVerdict, type BenchWatcher } from './benchVerdict';
import { describeSigning, signingProblem } from './signingSettings';
import type { ReleaseStore } from './store';
import { benchExecution, decideVerdict, summarizeRollout } from './verdict';
import { STEP_TITLES, type PublishRecord, type ReleaseConfig, type ReleaseEvent, type ReleaseRecord, type SerialLine, type StepId, type StepRecord } from './types';

export const DEFAULT_JOB_TIMEOUT_MINUTES = 10;
export const DEFAULT_BANNER_GRACE_MS = 5_000;

export interface ReleaseDeps {
  provider: CloudProvider;
  store: ReleaseStore;
  /** Runs the build (a VS Code task in the editor); absent: the build step is skipped. */
  build?: BuildRunner;
  askVersion?: VersionPrompt;
  /** Asked only when the signing key file is encrypted; undefined = the user dismissed it. */
  keyPassphrase?: () => Promise<string | undefined>;
  /** The bench board already has queued or running jobs: cancel them, let the verify job wait, or stop. Absent: wait (and say so). */
  onPendingWork?: (jobs: Job[], targets: string[]) => Promise<'cancel' | 'wait' | 'stop'>;
  serial?: SerialWatcher;
  /** Several bench boards (otaBench.bench.boards): each targeted device's verdict comes from its own board. */
  boards?: BenchWatcher[];
  onEvent?: (e: ReleaseEvent) => void;
  now?: () => number;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface StepContext {
  record: ReleaseRecord;
  config: ReleaseConfig;
  deps: ReleaseDeps;
  signal: AbortSignal;
  tap: SerialTap;
  step: StepRecord;
  now(): number;
  emit(e: ReleaseEvent): void;
  save(): Promise<void>;
  /** A publish call started by the upload step, finished (or failed) in the register step. */
  pendingPublish?: Promise<Settled<PublishResult>>;
  bannerLine?: SerialLine;
  /** The board's reply to the version query, when the banner was missed (watch → verdict). */
  versionReply?: { line: SerialLine; version: string };
  /** When the version query was sent. */
  queryAt?: number;
}

export interface StepOutcome {
  summary: string;
  reused?: boolean;
  skipped?: boolean;
}

export interface StepDef {
  id: StepId;
  /** 'local' steps change nothing outside the workspace: a cancel discards their result even when they finished. */
  effect: 'local' | 'cloud';
  /** Suggested action when an error brings no hint of its own. */
  action: string;
  run(ctx: StepContext): Promise<StepOutcome>;
  /** What a stop during this step leaves behind and where a re-run picks up (one sentence). */
  halfDone(ctx: StepContext): string;
}

const resumesHere = (id: StepId) => `re-run resumes at "${STEP_TITLES[id]}".`;
/** For the steps before the upload: nothing outside the workspace exists yet. */
const nothingUploaded = (id: StepId) => (ctx: StepContext) => `Nothing was uploaded: ${resumesHere(ctx.record.resumeAt ?? id)}`;

/** The bench device(s) a release targets: the config's, else the profile's. */
export function releaseTargets(config: ReleaseConfig, profile: CloudProfile): string[] {
  return config.target ? splitList(config.target) : benchTargets(profile);
}

/**
 * Resolves with `p`, or rejects as soon as `signal` aborts, so a provider that ignores the signal
 * cannot hang a cancel. A `p` that has already settled wins over an abort: its effect happened.
 */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = () => {};
  const aborted = new Promise<never>((_, rej) => {
    onAbort = () => rej(abortError());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  return Promise.race([p, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}


export function artifactOf(r: ReleaseRecord): Artifact {
  const a = r.artifact!;
  return {
    path: a.path,
    size: a.size,
    sha256Hex: a.sha256Hex!,
    md5Hex: a.md5Hex!,
    ...(a.signatureBase64 ? { signature: new Uint8Array(Buffer.from(a.signatureBase64, 'base64')), signatureAlgorithm: a.signatureAlgorithm } : {}),
  };
}

/** The per-cloud request options a release's settings imply (each cloud reads its own). */
export function cloudOptions(config: ReleaseConfig, record: ReleaseRecord): CloudOptions {
  const s = config.signing;
  const certificateName = record.artifact?.certificateName;
  return {
    aws: {
      ...(certificateName ? { certificateName } : {}),
      ...(s.mode === 'cloud-signer' ? { cloudSigner: { profileName: s.signerProfile } } : {}),
    },
    aliyun: { signMethod: s.mode === 'hash-only' && s.hash === 'sha256' ? 'SHA256' : 'MD5' },
  };
}

function publishRequest(ctx: StepContext): PublishRequest {
  const { config, record } = ctx;
  return {
    packageName: config.packageName,
    version: record.version!.value,
    artifact: artifactOf(record),
    ...(config.description ? { description: config.description } : {}),
    ...(config.attributes ? { attributes: config.attributes } : {}),
    options: cloudOptions(config, record),
    // An upload an interrupted run reported but never registered: the provider may reuse it.
    ...(record.upload?.location ? { uploaded: { ...record.upload.location } } : {}),
  };
}

function publishRecord(r: PublishResult): PublishRecord {
  return {
    packageId: r.version.packageId,
    versionId: r.version.id,
    version: r.version.version,
    status: r.version.status,
    ...(r.version.cloudRef ? { arn: r.version.cloudRef } : {}),
    location: { ...r.location },
    reused: { ...r.reused },
  };
}

function progressOf(ctx: StepContext, step: StepId) {
  return ({ location, ...p }: { done?: number; total?: number; message?: string; location?: Record<string, string> }) => {
    // Kept in the record (not the event): a resume hands it back to the provider.
    if (location && ctx.record.upload) ctx.record.upload.location = { ...location };
    ctx.emit({
      type: 'progress',
      at: ctx.now(),
      step,
      ...p,
      ...(p.done !== undefined && p.total ? { percent: Math.min(100, Math.round((p.done / p.total) * 100)) } : {}),
    });
  };
}

const tail = (s: string, n: number) => s.trimEnd().split(/\r?\n/).slice(-n).join(' ⏎ ');

// --- the steps ---------------------------------------------------------------------------------

const build: StepDef = {
  id: 'build',
  effect: 'local',
  action: 'Fix the build (see its output), then re-run: the release starts at the build again.',
  async run(ctx) {
    if (!ctx.deps.build) return { summary: 'No build configured: the artifact is used as it is.', skipped: true };
    const res = await ctx.deps.build(ctx.signal, (text) => ctx.emit({ type: 'log', at: ctx.now(), step: 'build', text }));
    if (ctx.signal.aborted) throw abortError();
    const errors = res.errors ?? [];
    if (res.exitCode !== 0 || errors.length) {
      const shown = errors.length ? errors.slice(0, 3).join('; ') + (errors.length > 3 ? ` (+${errors.length - 3} more)` : '') : tail(res.output, 5) || 'no output';
      throw new StepFailure(`The build failed (exit code ${res.exitCode}${errors.length ? `, ${errors.length} error${errors.length > 1 ? 's' : ''}` : ''}): ${shown}`, build.action);
    }
    return { summary: 'Build succeeded.' };
  },
  halfDone: nothingUploaded('build'),
};

const locate: StepDef = {
  id: 'locate',
  effect: 'local',
  action: 'Check the artifact setting (otaBench.release.artifact) and the build output folder.',
  async run(ctx) {
    const a = await locateArtifact(ctx.config.root, ctx.config.artifact, ctx.now());
    ctx.record.artifact = a;
    return { summary: `${a.relPath} (${formatSize(a.size)})` };
  },
  halfDone: nothingUploaded('locate'),
};

const version: StepDef = {
  id: 'version',
  effect: 'local',
  action: 'Fix the version setting (otaBench.release.version) or the version in the source.',
  async run(ctx) {
    const { config, record } = ctx;
    const clouds = [...new Set([config.cloud, ...(config.validateFor ?? [])])];
    const v = await readVersion(config.version, { root: config.root, ask: ctx.deps.askVersion, validate: versionValidator(clouds), signal: ctx.signal });
    // Each problem with its own fix: a bad package name is a setting, not a version, to change.
    const nameProblems = packageNameProblems(config.packageName, clouds);
    if (nameProblems.length) {
      throw new StepFailure(nameProblems.map((p) => p.message).join(' '), 'Set otaBench.release.packageName to a name every target cloud accepts (e.g. bench-firmware), then re-run.');
    }
    const problems = versionProblems(v.version, clouds);
    if (problems.length) {
      throw new StepFailure(problems.map((p) => p.message).join(' '), `Change the version at ${v.origin} to one every target cloud accepts (e.g. 1.4.2), then re-run.`);
    }
    const embedded = await readEmbeddedVersion(record.artifact!.path);
    record.artifact!.embeddedVersion = embedded;
    if (embedded !== undefined && embedded !== v.version) {
      throw new StepFailure(
        `${record.artifact!.relPath} was built as version ${embedded}, but ${v.origin} says ${v.version}: the image is stale or the version is wrong.`,
        'Rebuild so the image and the version agree, then re-run (it starts at the build).',
        'build',
      );
    }
    bannerMatcher(config.banner, v.version); // a broken banner pattern fails here, before any upload
    record.version = { value: v.version, origin: v.origin };
    return { summary: `${v.version} (from ${v.origin})` };
  },
  halfDone: nothingUploaded('version'),
};

const sign: StepDef = {
  id: 'sign',
  effect: 'local',
  action: "Check the profile's signing settings.",
  async run(ctx) {
    const { config, record } = ctx;
    const s = config.signing;
    // Before anything is uploaded: a version the cloud's devices cannot verify must not be published.
    const problem = signingProblem(s, config.cloud);
    if (problem) throw new StepFailure(problem, 'Edit the profile (OTA Bench: Edit Cloud Profile) and choose how to sign, then re-run.');
    let key: SigningKey | undefined;
    if (s.mode === 'local-key') {
      const path = resolve(config.root, s.keyFile);
      try {
        key = await loadSigningKey(path);
      } catch (e) {
        if (!(isNamedError<SigningError>(e, 'SigningError') && e.code === 'encrypted' && ctx.deps.keyPassphrase)) throw e;
        const pass = await ctx.deps.keyPassphrase();
        if (pass === undefined) throw abortError();
        key = await loadSigningKey(path, pass);
      }
    }
    const a = record.artifact!;
    const d = await digestFile(a.path, { key, md5: true, signal: ctx.signal, onProgress: (done, total) => progressOf(ctx, 'sign')({ done, total }) });
    if (d.size !== a.size) {
      throw new StepFailure(`${a.relPath} changed while it was being hashed (${a.size} → ${d.size} bytes).`, 'Wait for the build to finish writing it, then re-run.', 'locate');
    }
    Object.assign(a, {
      sha256Hex: d.sha256Hex,
      md5Hex: d.md5Hex,
      signatureBase64: d.signature?.toString('base64'),
      signatureAlgorithm: d.signatureAlgorithm,
      certificateName: s.mode === 'local-key' ? s.certificateName : undefined,
    });
    return { summary: `SHA-256 ${d.sha256Hex.slice(0, 12)}…, ${describeSigning(s)}` };
  },
  halfDone: nothingUploaded('sign'),
};

const upload: StepDef = {
  id: 'upload',
  effect: 'cloud',
  action: 'Check the connection and the profile, then re-run.',
  async run(ctx) {
    const { record } = ctx;
    const total = record.artifact!.size;
    const kept = record.upload?.location;
    const up: NonNullable<ReleaseRecord['upload']> = (record.upload = { done: 0, total, complete: false, ...(kept ? { location: kept } : {}) });
    let markUploaded!: () => void;
    const uploaded = new Promise<undefined>((r) => (markUploaded = () => r(undefined)));
    const report = (p: { done?: number; total?: number; message?: string; location?: Record<string, string> }) => {
      if (p.done !== undefined) {
        up.done = p.done;
        up.total = p.total ?? up.total;
        // The provider reports bytes while uploading; all bytes sent = the upload step is over.
        if (!up.complete && up.total !== undefined && p.done >= up.total) {
          up.complete = true;
          markUploaded();
        }
      }
      progressOf(ctx, up.complete && p.done === undefined ? 'register' : 'upload')(p);
    };
    const settled: Promise<Settled<PublishResult>> = ctx.deps.provider.publish(publishRequest(ctx), report, ctx.signal).then(
      (value) => ({ ok: true, value }),
      (error) => ({ ok: false, error }),
    );
    ctx.pendingPublish = settled;
    const first = await untilAborted(Promise.race([uploaded, settled]), ctx.signal);
    if (first && !first.ok && !up.complete) {
      ctx.pendingPublish = undefined;
      throw first.error;
    }
    up.complete = true;
    const reused = !!(first && first.ok && first.value.reused.upload);
    return { summary: reused ? `Reused the image already uploaded (${formatSize(total)})` : `Uploaded ${formatSize(total)}`, reused };
  },
  halfDone(ctx) {
    const u = ctx.record.upload;
    if (!u) return `Nothing was uploaded: ${resumesHere('upload')}`;
    if (u.complete) return `Uploaded but not registered: ${resumesHere('register')}`;
    const pct = u.total ? ` at ${Math.round((u.done / u.total) * 100)}% (${formatSize(u.done)} of ${formatSize(u.total)})` : '';
    return `Upload stopped${pct}; nothing was registered: ${resumesHere('upload')}`;
  },
};

const register: StepDef = {
  id: 'register',
  effect: 'cloud',
  action: 'Check the profile (package permissions, bucket) and re-run; the uploaded image is reused.',
  async run(ctx) {
    const { record, config } = ctx;
    let res: PublishResult;
    if (ctx.pendingPublish) {
      const s = await untilAborted(ctx.pendingPublish, ctx.signal);
      ctx.pendingPublish = undefined;
      if (!s.ok) throw s.error;
      res = s.value;
    } else {
      // A resume: the provider finds the uploaded object (same hash) and reuses it.
      res = await untilAborted(ctx.deps.provider.publish(publishRequest(ctx), progressOf(ctx, 'register'), ctx.signal), ctx.signal);
    }
    record.publish = publishRecord(res);
    const p = record.publish;
    return res.reused.register
      ? { summary: `Reused registered version ${p.version} of ${config.packageName} (${p.versionId}, ${p.status})`, reused: true }
      : { summary: `Registered ${config.packageName} ${p.version} (${p.versionId}, ${p.status})` };
  },
  halfDone: () => `Uploaded but not registered: ${resumesHere('register')}`,
};

const publish: StepDef = {
  id: 'publish',
  effect: 'cloud',
  action: 'Check the permissions to publish package versions, then re-run.',
  async run(ctx) {
    const p = ctx.record.publish!;
    const provider = ctx.deps.provider;
    // Only clouds with a version lifecycle (AWS) keep new versions as drafts that jobs cannot use.
    if (!can(provider.profile, 'version-lifecycle') || !provider.setVersionState) {
      return { summary: `Not needed: ${descriptorOf(provider.profile).label} versions are usable once registered.`, skipped: true };
    }
    if (p.status !== 'draft') {
      // Say what happened: the register call publishes a new version in the same go; only a reused one was "already" so.
      const already = ctx.record.publish!.reused.register || ctx.step.attempts > 1;
      return { summary: already ? `Already ${p.status}.` : `Published ${p.version} when it was registered.`, skipped: true };
    }
    if (ctx.step.attempts > 1) {
      // An earlier attempt may have published it before it stopped.
      const page = await ctx.deps.provider.listVersions(p.packageId, { prefix: p.version });
      const now = page.items.find((v) => v.id === p.versionId);
      if (now && now.status !== 'draft') {
        p.status = now.status;
        return { summary: `Already ${now.status}.`, reused: true };
      }
    }
    await provider.setVersionState(p.packageId, p.versionId, 'publish');
    p.status = 'published';
    return { summary: `Published ${p.version}.` };
  },
  halfDone: () => `Registered as a draft but not published: ${resumesHere('publish')}`,
};

const startVerify: StepDef = {
  id: 'start-verify',
  effect: 'cloud',
  action: 'Check the bench device setting of the profile and re-run; the published version is reused.',
  async run(ctx) {
    const { record, config, deps } = ctx;
    const provider = deps.provider;
    const targets = releaseTargets(config, provider.profile);
    const version = record.version!.value;
    const hint = { packageName: config.packageName, version, ...(record.publish ? { versionId: record.publish.versionId } : {}) };
    let job = record.job;
    if (job && !job.created) {
      // The last attempt stopped between asking and hearing back: look for the job by its reference before creating another.
      const found = await untilAborted(provider.findVerifyJob(job.reference ?? job.id, hint, ctx.signal), ctx.signal);
      if (found) {
        Object.assign(job, { id: found.id, created: true, ...(found.cloudRef ? { arn: found.cloudRef } : {}) });
        return { summary: `Reused verify job ${job.id}, created by the interrupted attempt.`, reused: true };
      }
    }
    if (!job || job.created) {
      const behind = await clearPendingWork(ctx, targets);
      // What the board runs now: a verify of the version it already runs proves nothing. With bench
      // boards each is asked once (the verdict reads boardsBefore); the single port is not asked again.
      if (deps.boards?.length) record.boardsBefore = await boardsBefore(deps.boards, targets, ctx, version);
      else record.boardBefore = await boardVersionBefore(ctx.tap, config.evidence, version, ctx.now(), ctx.signal);
      const form = descriptorOf(provider.profile).clientReference;
      const reference = verifyReference(config.packageName, version, new Date(ctx.now()), form.maxLength, undefined, form.separator);
      job = record.job = { id: reference, reference, requestedAt: ctx.now(), created: false, ...(behind.length ? { behind } : {}) };
      await ctx.save(); // the reference is on disk before the cloud hears of it
    }
    const j = await untilAborted(
      provider.startVerifyJob(
        {
          ...hint,
          ...(targets.length ? { targets } : {}),
          reference: job.reference ?? job.id,
          timeoutMinutes: config.jobTimeoutMinutes ?? DEFAULT_JOB_TIMEOUT_MINUTES,
          location: record.publish?.location,
          // A verify of an already published version has no local artifact: the cloud's record describes it.
          ...(record.artifact?.sha256Hex ? { artifact: artifactOf(record) } : {}),
          options: cloudOptions(config, record),
        },
        ctx.signal,
      ),
      ctx.signal,
    );
    Object.assign(job, { id: j.id, created: true, ...(j.cloudRef ? { arn: j.cloudRef } : {}) });
    return { summary: `Started verify job ${job.id}${targets.length ? ` on ${targets.join(', ')}` : ''}.` };
  },
  halfDone(ctx) {
    const j = ctx.record.job;
    return j && !j.created
      ? `The version is registered; verify job ${j.reference ?? j.id} may or may not exist yet: re-run looks for it before creating one.`
      : `The version is registered but no verify job was started: ${resumesHere('start-verify')}`;
  },
};

/** What each targeted bench board runs before the job (its version query, else its last banner). */
async function boardsBefore(boards: readonly BenchWatcher[], targets: string[], ctx: StepContext, version: string): Promise<NonNullable<ReleaseRecord['boardsBefore']>> {
  const out: NonNullable<ReleaseRecord['boardsBefore']> = {};
  for (const b of boards.filter((x) => targets.includes(x.target))) {
    const tap = new SerialTapOf(b.serial);
    try {
      out[b.target] = await boardVersionBefore(tap, ctx.config.evidence, version, ctx.now(), ctx.signal);
    } finally {
      tap.dispose();
    }
  }
  return out;
}

/**
 * A bench board takes one job at a time on Huawei and Alibaba, and AWS queues a new job behind
 * pending ones: a verify job started now would wait silently. Say so, and cancel only with consent.
 */
async function clearPendingWork(ctx: StepContext, targets: string[]): Promise<string[]> {
  if (!targets.length) return [];
  const pending = await untilAborted(ctx.deps.provider.pendingWork(targets, ctx.signal), ctx.signal);
  if (!pending.length) return [];
  const names = pending.map((j) => `${j.id} (${j.rawStatus})`).join(', ');
  ctx.emit({ type: 'log', at: ctx.now(), step: 'start-verify', text: `${targets.join(', ')} already ${pending.length > 1 ? 'have' : 'has'} pending work: ${names}.` });
  const choice = (await ctx.deps.onPendingWork?.(pending, targets)) ?? 'wait';
  if (choice === 'stop') {
    throw new StepFailure(`The bench board already has pending work (${names}); a verify job would wait behind it.`, 'Cancel those jobs (from the tree or by re-running and choosing Cancel), then re-run.');
  }
  if (choice === 'cancel') {
    for (const j of pending) await untilAborted(ctx.deps.provider.cancelJob(j.id, { force: true, reason: 'Cancelled by OTA Bench to verify a new version on the bench board.' }), ctx.signal);
    ctx.emit({ type: 'log', at: ctx.now(), step: 'start-verify', text: `Cancelled ${names}.` });
    return [];
  }
  ctx.emit({ type: 'log', at: ctx.now(), step: 'start-verify', text: `The verify job will wait behind ${names}.` });
  return pending.map((j) => j.id);
}

/** Steps through an async iterator, giving up (and closing it) as soon as `signal` aborts. */
async function* abortable<T>(it: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iter = it[Symbol.asyncIterator]();
  try {
    while (true) {
      const r = await untilAborted(iter.next(), signal);
      if (r.done) return;
      yield r.value;
    }
  } finally {
    void iter.return?.()?.catch(() => undefined);
  }
}

const watch: StepDef = {
  id: 'watch',
  effect: 'cloud',
  action: 'Re-run to resume watching the same verify job.',
  async run(ctx) {
    const { record, config, deps } = ctx;
    const job = record.job!;
    const version = record.version!.value;
    const target = releaseTargets(config, deps.provider.profile)[0];
    const timeoutMs = config.watch?.timeoutMs ?? (config.jobTimeoutMinutes ?? DEFAULT_JOB_TIMEOUT_MINUTES) * 60_000 + 60_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    const banner = bannerMatcher(config.banner, version);
    const stopBanner = new AbortController();
    const bannerFound = ctx.tap.find(banner, job.requestedAt, timeoutMs, AbortSignal.any([signal, stopBanner.signal])).then((line) => {
      if (line && !ctx.bannerLine) {
        ctx.bannerLine = line;
        ctx.emit({ type: 'serial-match', at: ctx.now(), line });
      }
    });
    let done = false;
    const stopBoardWatch = watchBoard(ctx.tap, config.evidence, ctx.emit, ctx.now);
    try {
      for await (const r of abortable(deps.provider.watchJob(job.id, { intervalMs: config.watch?.intervalMs, signal }), signal)) {
        record.rollout = summarizeRollout(r);
        ctx.emit({ type: 'rollout', at: ctx.now(), rollout: r });
        const e = benchExecution(record.rollout, target);
        // A job waiting behind other work on the board says so, instead of a bare QUEUED.
        const waiting = e?.status === 'queued' && job.behind?.length ? ` (waiting behind ${job.behind.join(', ')})` : '';
        ctx.emit({ type: 'progress', at: ctx.now(), step: 'watch', message: e ? `${e.target}: ${e.rawStatus}${waiting}` : r.job.rawStatus, ...(e?.progress !== undefined ? { percent: e.progress } : {}) });
        await ctx.save();
        if (r.done) {
          done = true;
          break;
        }
      }
    } catch (e) {
      if (!(timeout.aborted && !ctx.signal.aborted)) throw e;
    } finally {
      if (!done) stopBanner.abort();
      stopBoardWatch();
    }
    if (ctx.signal.aborted) throw abortError();
    if (!done) {
      const why = timeout.aborted ? `is still running after ${Math.round(timeoutMs / 60_000)} min of watching` : 'stopped reporting before it finished';
      throw new StepFailure(`Verify job ${job.id} ${why}.`, 'Re-run to resume watching it, or cancel the job from the tree.');
    }
    const exec = benchExecution(record.rollout, target);
    if (exec?.status === 'succeeded' && !ctx.bannerLine) {
      // The cloud can hear "succeeded" a moment before the banner reaches the serial port.
      const grace = config.watch?.bannerGraceMs ?? DEFAULT_BANNER_GRACE_MS;
      const line = await ctx.tap.find(banner, job.requestedAt, grace, ctx.signal);
      if (line && !ctx.bannerLine) {
        ctx.bannerLine = line;
        ctx.emit({ type: 'serial-match', at: ctx.now(), line });
      }
    }
    stopBanner.abort();
    await bannerFound;
    if (exec?.status === 'succeeded' && !ctx.bannerLine && config.evidence?.versionQuery) {
      // The banner went by unseen (a replug, a port that came back late): ask the board. Its reply
      // is not a banner (the verdict looks for the banner only before the question).
      ctx.queryAt = ctx.now();
      ctx.versionReply = await askBoardVersion(ctx.tap, config.evidence, ctx.queryAt, ctx.signal);
    }
    if (ctx.signal.aborted) throw abortError();
    const r = record.rollout!;
    return { summary: `Job ${r.rawJobStatus}${exec ? `: ${exec.target} ${exec.rawStatus}` : ''}${ctx.bannerLine ? `; board printed ${version}` : ctx.versionReply ? `; board answered the version query with ${ctx.versionReply.version}` : ''}.` };
  },
  halfDone: (ctx) => `Verify job ${ctx.record.job?.id ?? ''} keeps running on the cloud (it was not cancelled): ${resumesHere('watch')}`,
};

const verdict: StepDef = {
  id: 'verdict',
  effect: 'cloud',
  action: 'Fix the cause, then re-run: it starts a new verify job for the same published version (nothing is uploaded again). To ship a changed image, bump the version and start a new release.',
  async run(ctx) {
    const { record, config } = ctx;
    const version = record.version!.value;
    const since = record.job!.requestedAt;
    const lines = ctx.tap.since(since).filter((l) => l.dir === undefined || l.dir === 'rx');
    const banner = bannerMatcher(config.banner, version);
    const queryAt = ctx.queryAt ?? Infinity;
    const bannerLine = ctx.bannerLine ?? lines.find((l) => l.t < queryAt && banner(l.text));
    const grace = config.watch?.bannerGraceMs ?? DEFAULT_BANNER_GRACE_MS;
    const boards = ctx.deps.boards;
    const targets = releaseTargets(config, ctx.deps.provider.profile);
    const v = boards?.length
      ? await benchVerdict({ boards, targets, rollout: record.rollout, version, since, config, bannerGraceMs: grace, artifactPath: record.artifact?.path, now: ctx.now, signal: ctx.signal, before: record.boardsBefore })
      : decideVerdict({
      rollout: record.rollout,
      target: targets[0],
      version,
      bannerLine,
      lines,
      serialConnected: ctx.tap.connected,
      bannerGraceMs: grace,
      query: ctx.versionReply,
      queryAsked: ctx.queryAt !== undefined,
      before: record.boardBefore,
      crashes: await crashEvidence(lines, config.evidence, record.artifact?.path),
      notes: levelNotes(lines, config.evidence),
    });
    record.verdict = v;
    if (v.result === 'failed') throw new StepFailure(`FAILED: ${v.reasons.join(' ')}`, verdict.action, 'start-verify');
    return { summary: `PASSED: ${v.reasons.join(' ')}` };
  },
  halfDone: (ctx) => `Version ${ctx.record.version?.value ?? ''} is published; verify job ${ctx.record.job?.id ?? ''} did not pass: re-run starts a new verify job.`,
};

export const STEPS: readonly StepDef[] = [build, locate, version, sign, upload, register, publish, startVerify, watch, verdict];
