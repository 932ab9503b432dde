// Publishing an image: stream it to the versioned bucket (multipart above the part size, progress,
// cancellable, SHA-256 checksum), optionally sign it with AWS Signer, create the package if
// absent, create the version with its artifact and attributes (≤ 3 KB), associate an SBOM, then
// PUBLISH. Every step looks before it creates, so a re-run after a failure reuses the uploaded
// object (same SHA-256 in its metadata) and the registered version instead of duplicating them;
// upload.ts does the same for the SDK's own retries after a lost reply.

import { GetBucketVersioningCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreatePackageCommand, CreatePackageVersionCommand, GetPackageCommand, GetPackageVersionCommand, UpdatePackageVersionCommand, AssociateSbomWithPackageVersionCommand, type GetPackageVersionResponse } from '@aws-sdk/client-iot';
import { DescribeSigningJobCommand, StartSigningJobCommand, waitUntilSuccessfulSigningJob } from '@aws-sdk/client-signer';
import { readFile } from 'fs/promises';
import { basename } from 'path';
import { CloudError, isCloudErrorCode } from '../../model';
import type { Cancel, Progress, PublishRequest, PublishResult } from '../provider';
import { clientToken, isNotFound, requireSetting, type AwsContext } from './context';
import { NAME, TEXT, attributesBytes } from './limits';
import { toVersion } from './map';
import { uploadImage, type UploadOptions, type Uploaded } from './upload';

export interface PublishOptions extends UploadOptions {
  /** Signer polling: seconds between DescribeSigningJob calls. */
  signerPollSeconds?: number;
}

const ATTR_KEY = /^[a-zA-Z0-9:_-]{1,64}$/;

function checkName(value: string, rule: { min: number; max: number; pattern: RegExp }, what: string): void {
  if (value.length < rule.min || value.length > rule.max || !rule.pattern.test(value)) {
    throw new CloudError(`"${value}" is not a valid AWS ${what}: use ${rule.min}–${rule.max} letters, digits, "-", "_" or ".".`, 'invalid');
  }
}

/** The attributes stored on the version: what a verify job (and a human) needs later. */
export function versionAttributes(req: PublishRequest, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const a = req.artifact;
  const attrs: Record<string, string | undefined> = {
    version: req.version,
    sha256: a.sha256Hex,
    md5: a.md5Hex,
    size: String(a.size),
    filename: basename(a.path),
    signature: a.signature ? Buffer.from(a.signature).toString('base64') : undefined,
    signatureAlgorithm: a.signature ? (a.signatureAlgorithm ?? 'ECDSA') : undefined,
    certfile: req.options?.aws?.certificateName,
    ...extra,
    ...req.attributes,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === '') continue;
    if (!ATTR_KEY.test(k)) throw new CloudError(`Attribute name "${k}" is not allowed: use 1–64 letters, digits, ":", "_" or "-".`, 'invalid');
    out[k] = v;
  }
  const bytes = attributesBytes(out);
  if (bytes > TEXT.attributesBytes) {
    throw new CloudError(`The version attributes take ${bytes} bytes; AWS allows ${TEXT.attributesBytes} (3 KB).`, 'invalid', 'Shorten or drop extra attributes (e.g. a long description or commit message).');
  }
  return out;
}

export function objectKey(ctx: AwsContext, req: PublishRequest, name = basename(req.artifact.path)): string {
  return `${ctx.profile.keyPrefix ?? 'ota-bench/'}${req.packageName}/${req.version}/${name}`;
}

async function ensureVersionedBucket(ctx: AwsContext, bucket: string): Promise<void> {
  const v = await ctx.call(`Checking bucket ${bucket}`, (abortSignal) => ctx.clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }), { abortSignal }));
  if (v.Status !== 'Enabled') {
    throw new CloudError(
      `Bucket ${bucket} does not have versioning enabled (${v.Status ?? 'never enabled'}); OTA jobs and Signer need object versions.`,
      'config',
      `Enable it: aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
    );
  }
}

/** AWS Signer: sign the uploaded object version; returns the signed object and the signing job id. */
async function signWithSigner(ctx: AwsContext, req: PublishRequest, up: Uploaded, opts: PublishOptions, progress?: Progress, signal?: Cancel): Promise<{ jobId: string; bucket: string; key: string; versionId: string }> {
  const profileName = req.options!.aws!.cloudSigner!.profileName;
  progress?.({ message: `Signing with AWS Signer profile ${profileName}` });
  const started = await ctx.call(`Starting signing job (profile ${profileName})`, (abortSignal) =>
    ctx.clients.signer.send(
      new StartSigningJobCommand({
        source: { s3: { bucketName: up.bucket, key: up.key, version: up.versionId } },
        destination: { s3: { bucketName: up.bucket, prefix: `${ctx.profile.keyPrefix ?? 'ota-bench/'}signed/${req.packageName}/${req.version}/` } },
        profileName,
        // Same object + profile → the same signing job on a re-run.
        clientRequestToken: clientToken('signer', profileName, up.bucket, up.key, up.versionId),
      }), { abortSignal },
    ),
  );
  const jobId = started.jobId!;
  try {
    await waitUntilSuccessfulSigningJob({ client: ctx.clients.signer, maxWaitTime: 600, minDelay: opts.signerPollSeconds ?? 1, maxDelay: Math.max(opts.signerPollSeconds ?? 1, 10), abortSignal: signal }, { jobId });
  } catch (e) {
    if (signal?.aborted) throw new CloudError('Signing cancelled.', 'canceled');
    const d = await ctx.call('Reading the signing job', (abortSignal) => ctx.clients.signer.send(new DescribeSigningJobCommand({ jobId }), { abortSignal }));
    throw new CloudError(`AWS Signer job ${jobId} ${d.status ?? 'failed'}: ${d.statusReason ?? (e as Error).message}`, 'invalid', 'Check the signing profile, its certificate and the image size limit of the platform.');
  }
  const d = await ctx.call('Reading the signing job', (abortSignal) => ctx.clients.signer.send(new DescribeSigningJobCommand({ jobId }), { abortSignal }));
  const signed = d.signedObject?.s3;
  if (!signed?.bucketName || !signed.key) throw new CloudError(`Signing job ${jobId} reports no signed object.`, 'unknown');
  const head = await ctx.call('Reading the signed object', (abortSignal) => ctx.clients.s3.send(new HeadObjectCommand({ Bucket: signed.bucketName, Key: signed.key }), { abortSignal }));
  return { jobId, bucket: signed.bucketName, key: signed.key, versionId: head.VersionId ?? '' };
}

async function getVersion(ctx: AwsContext, packageName: string, version: string): Promise<GetPackageVersionResponse | undefined> {
  try {
    return await ctx.call(`Reading ${packageName}@${version}`, (abortSignal) => ctx.clients.iot.send(new GetPackageVersionCommand({ packageName, versionName: version }), { abortSignal }));
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

async function ensurePackage(ctx: AwsContext, req: PublishRequest): Promise<void> {
  try {
    await ctx.call(`Reading package ${req.packageName}`, (abortSignal) => ctx.clients.iot.send(new GetPackageCommand({ packageName: req.packageName }), { abortSignal }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await ctx.call(`Creating package ${req.packageName}`, (abortSignal) =>
      ctx.clients.iot.send(new CreatePackageCommand({ packageName: req.packageName, description: req.description?.slice(0, TEXT.packageDescription), clientToken: clientToken('package', req.packageName) }), { abortSignal }),
    );
  }
}

function sameImage(existing: GetPackageVersionResponse, req: PublishRequest): void {
  const had = existing.attributes?.sha256;
  if (had && had !== req.artifact.sha256Hex) {
    throw new CloudError(
      `${req.packageName}@${req.version} already exists with a different image (sha256 ${had.slice(0, 12)}…, this one ${req.artifact.sha256Hex.slice(0, 12)}…).`,
      'already-exists',
      'Bump the firmware version, or delete that package version in AWS first.',
    );
  }
}

async function associateSbom(ctx: AwsContext, req: PublishRequest, bucket: string, existing?: GetPackageVersionResponse): Promise<void> {
  const path = req.options!.aws!.sbomPath!;
  const key = objectKey(ctx, req, `sbom/${basename(path)}`);
  if (existing?.sbom?.s3Location?.key === key) return;
  const body = await readFile(path).catch(() => {
    throw new CloudError(`SBOM file not found: ${path}`, 'invalid', 'Generate the SBOM first or clear the SBOM setting.');
  });
  const put = await ctx.call('Uploading the SBOM', (abortSignal) => ctx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json', ChecksumAlgorithm: 'SHA256' }), { abortSignal }));
  await ctx.call('Associating the SBOM', (abortSignal) =>
    ctx.clients.iot.send(
      new AssociateSbomWithPackageVersionCommand({ packageName: req.packageName, versionName: req.version, sbom: { s3Location: { bucket, key, version: put.VersionId } }, clientToken: clientToken('sbom', req.packageName, req.version, key) }), { abortSignal },
    ),
  );
}

export async function publish(ctx: AwsContext, req: PublishRequest, opts: PublishOptions = {}, progress?: Progress, signal?: Cancel): Promise<PublishResult> {
  checkName(req.packageName, NAME.packageName, 'package name');
  checkName(req.version, NAME.versionName, 'version name');
  const bucket = requireSetting(ctx.profile.bucket, 'bucket for firmware images', 'Edit the profile and set a versioned S3 bucket.');
  versionAttributes(req); // validate the 3 KB limit before any upload
  await ensureVersionedBucket(ctx, bucket);

  // A registered version with the same image: nothing to upload or create.
  const existing = await getVersion(ctx, req.packageName, req.version);
  if (existing) {
    sameImage(existing, req);
    if (req.options?.aws?.sbomPath) await associateSbom(ctx, req, bucket, existing);
    if (existing.status === 'DRAFT') await setState(ctx, req.packageName, req.version, 'PUBLISH');
    const loc = existing.artifact?.s3Location;
    const final = (await getVersion(ctx, req.packageName, req.version)) ?? existing;
    progress?.({ message: `${req.packageName}@${req.version} already registered; reusing it` });
    return {
      version: toVersion(final),
      location: { bucket: loc?.bucket ?? bucket, key: loc?.key ?? '', versionId: loc?.version ?? '', ...(final.attributes?.signerJobId ? { signerJobId: final.attributes.signerJobId } : {}) },
      reused: { upload: true, register: true },
    };
  }

  const up = await uploadImage(ctx, req, bucket, objectKey(ctx, req), opts, progress, signal);
  let artifact = { bucket: up.bucket, key: up.key, versionId: up.versionId };
  let signerJobId: string | undefined;
  if (req.options?.aws?.cloudSigner) {
    const signed = await signWithSigner(ctx, req, up, opts, progress, signal);
    signerJobId = signed.jobId;
    artifact = { bucket: signed.bucket, key: signed.key, versionId: signed.versionId };
  }
  if (signal?.aborted) throw new CloudError('Publish cancelled after the upload; a re-run reuses the uploaded image.', 'canceled');
  progress?.({ message: `Registering ${req.packageName}@${req.version}` });
  await ensurePackage(ctx, req);
  const attributes = versionAttributes(req, { signerJobId, signerProfile: req.options?.aws?.cloudSigner?.profileName, imageKey: req.options?.aws?.cloudSigner ? up.key : undefined, imageVersionId: req.options?.aws?.cloudSigner ? up.versionId : undefined });
  let registered = false;
  try {
    await ctx.call(`Creating ${req.packageName}@${req.version}`, (abortSignal) =>
      ctx.clients.iot.send(
        new CreatePackageVersionCommand({
          packageName: req.packageName,
          versionName: req.version,
          description: req.description?.slice(0, TEXT.packageDescription),
          attributes,
          artifact: { s3Location: { bucket: artifact.bucket, key: artifact.key, version: artifact.versionId } },
          clientToken: clientToken('version', req.packageName, req.version, req.artifact.sha256Hex),
        }), { abortSignal },
      ),
    );
    registered = true;
  } catch (e) {
    // Someone (or an earlier interrupted run) created it meanwhile: accept it if it is the same image.
    const now = isCloudErrorCode(e, 'already-exists', 'invalid') ? await getVersion(ctx, req.packageName, req.version) : undefined;
    if (!now) throw e;
    sameImage(now, req);
  }
  if (req.options?.aws?.sbomPath) await associateSbom(ctx, req, bucket);
  await setState(ctx, req.packageName, req.version, 'PUBLISH');
  const final = await getVersion(ctx, req.packageName, req.version);
  return {
    version: toVersion(final!),
    location: { bucket: artifact.bucket, key: artifact.key, versionId: artifact.versionId, imageKey: up.key, imageVersionId: up.versionId, ...(signerJobId ? { signerJobId } : {}) },
    reused: { upload: up.reused, register: !registered },
  };
}

export async function setState(ctx: AwsContext, packageName: string, version: string, action: 'PUBLISH' | 'DEPRECATE'): Promise<void> {
  const current = await getVersion(ctx, packageName, version);
  if (!current) throw new CloudError(`${packageName}@${version} does not exist.`, 'not-found');
  const target = action === 'PUBLISH' ? 'PUBLISHED' : 'DEPRECATED';
  if (current.status === target) return;
  await ctx.call(`${action === 'PUBLISH' ? 'Publishing' : 'Deprecating'} ${packageName}@${version}`, (abortSignal) =>
    ctx.clients.iot.send(new UpdatePackageVersionCommand({ packageName, versionName: version, action, clientToken: clientToken('state', packageName, version, action) }), { abortSignal }),
  );
}
