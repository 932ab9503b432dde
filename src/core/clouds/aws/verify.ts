// The verify job: a SNAPSHOT job on the bench thing only, whose `afr_ota` document is what the
// FreeRTOS OTA agent parses (HTTP download through a presigned-URL placeholder that AWS resolves
// when the device reads it, file size, signature under `sig-sha256-ecdsa`, certfile), tied to the
// package version by destinationPackageVersions. Or, optionally, CreateOTAUpdate on that thing
// (the only way to use an AWS Signer job's signature).

import { CreateJobCommand, CreateOTAUpdateCommand, DescribeJobCommand, DescribeThingCommand, GetOTAUpdateCommand, GetPackageVersionCommand, type GetPackageVersionResponse } from '@aws-sdk/client-iot';
import { CloudError, isCloudErrorCode, type Job } from '../../model';
import type { Cancel, VerifyRequest } from '../provider';
import { isNotFound, requireSetting, type AwsContext } from './context';
import { NAME } from './limits';
import { benchTargets } from '../registry';
import type { AwsJobDetails } from './details';
import { verifyReference } from '../verifyRef';
import { OTA_JOB_PREFIX, toJob } from './map';

export interface AwsVerifyRequest extends VerifyRequest {
  /** Use CreateOTAUpdate instead of CreateJob (required for AWS Signer signatures). */
  viaOtaUpdate?: boolean;
  /** Presigned URL lifetime in seconds (60–3600). */
  urlExpiresInSec?: number;
}

export interface AfrOtaFile {
  /** Where the device stores the file (`filepath`). */
  fileName: string;
  fileSize: number;
  bucket: string;
  key: string;
  /** DER signature bytes. */
  signature: Uint8Array;
  signatureAlgorithm: 'ECDSA' | 'RSA';
  certfile?: string;
  fileId?: number;
}

/** `${aws:iot:s3-presigned-url:…}`: AWS swaps it for a presigned GET when the device reads the document. */
export function presignedUrlPlaceholder(region: string, bucket: string, key: string): string {
  return `\${aws:iot:s3-presigned-url:https://s3.${region}.amazonaws.com/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}}`;
}

export function afrOtaDocument(region: string, files: AfrOtaFile[]): string {
  return JSON.stringify({
    afr_ota: {
      protocols: ['HTTP'],
      files: files.map((f, i) => {
        const entry: Record<string, unknown> = {
          filepath: f.fileName,
          filesize: f.fileSize,
          fileid: f.fileId ?? i,
          update_data_url: presignedUrlPlaceholder(region, f.bucket, f.key),
          auth_scheme: 'aws.s3.presigned',
        };
        if (f.certfile) entry.certfile = f.certfile;
        // The agent reads the signature under OTA_JsonFileSignatureKey: base64 of the DER bytes.
        entry[f.signatureAlgorithm === 'ECDSA' ? 'sig-sha256-ecdsa' : 'sig-sha256-rsa'] = Buffer.from(f.signature).toString('base64');
        return entry;
      }),
    },
  });
}

/** AWS job ids are the client reference itself (one maker: ../verifyRef). */
export function verifyJobId(packageName: string, version: string, now = new Date(), max: number = NAME.jobId.max, nonce?: string): string {
  return verifyReference(packageName, version, now, max, nonce);
}

export async function describeExisting(ctx: AwsContext, jobId: string, signal?: Cancel): Promise<Job | undefined> {
  try {
    const d = await ctx.call(`Reading job ${jobId}`, (abortSignal) => ctx.clients.iot.send(new DescribeJobCommand({ jobId }), { abortSignal }), { signal });
    return d.job ? toJob(d.job) : undefined;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** A re-run with the same job id reuses the job, but only if it verifies the same things. */
function sameThingOrThrow(job: Job, thingNames: string[]): Job {
  const targets = String((job.details as AwsJobDetails | undefined)?.targets ?? '').split(', ');
  if (thingNames.every((t) => targets.includes(`thing/${t}`))) return job;
  throw new CloudError(`Job ${job.id} already exists and targets ${job.details?.targets || 'other things'}, not ${thingNames.join(', ')}.`, 'already-exists', 'Start the verify job with a new job id.');
}

export async function startVerifyJob(ctx: AwsContext, req: AwsVerifyRequest, signal?: Cancel): Promise<Job> {
  const p = ctx.profile;
  const thingNames = req.targets?.length ? req.targets : benchTargets(p);
  requireSetting(thingNames[0], 'bench thing name', 'Edit the profile and set the bench device\'s thing name.');
  const thingName = thingNames.join(', ');
  const roleArn = requireSetting(p.roleArn, 'IAM role for presigned URLs', 'Edit the profile and set the role AWS IoT assumes to presign S3 URLs.');
  // A re-run (its reply was lost) finds the job the reference already named.
  const existing = await describeExisting(ctx, req.reference, signal);
  if (existing) return sameThingOrThrow(existing, thingNames);
  const version: GetPackageVersionResponse = await ctx.call(`Reading ${req.packageName}@${req.version}`, (abortSignal) =>
    ctx.clients.iot.send(new GetPackageVersionCommand({ packageName: req.packageName, versionName: req.version }), { abortSignal }), { signal },
  );
  if (version.status !== 'PUBLISHED' && version.status !== 'DEPRECATED') {
    throw new CloudError(`${req.packageName}@${req.version} is ${version.status}; jobs can only deploy published versions.`, 'invalid', 'Publish the version first.');
  }
  const attrs = version.attributes ?? {};
  const loc = version.artifact?.s3Location;
  if (!loc?.bucket || !loc.key) throw new CloudError(`${req.packageName}@${req.version} has no S3 artifact.`, 'invalid', 'Publish it again with OTA Bench so the image location is recorded.');
  const thingArns: string[] = [];
  for (const name of thingNames) {
    const thing = await ctx.call(`Reading thing ${name}`, (abortSignal) => ctx.clients.iot.send(new DescribeThingCommand({ thingName: name }), { abortSignal }), { signal });
    thingArns.push(thing.thingArn!);
  }
  if (signal?.aborted) throw new CloudError('Verify job cancelled before it was created.', 'canceled');
  const timeout = req.timeoutMinutes ?? 30;
  const expires = req.urlExpiresInSec ?? 3600;
  const signerJobId = req.location?.signerJobId ?? attrs.signerJobId;
  const viaOta = req.viaOtaUpdate ?? (p.verifyVia === 'ota-update' || !!signerJobId);

  if (viaOta) {
    // Its job is AFR_OTA-<id>: a reference longer than a job id allows gets a fresh, shorter one.
    const otaUpdateId = req.reference.length <= NAME.jobId.max - OTA_JOB_PREFIX.length ? req.reference : verifyJobId(req.packageName, req.version, new Date(), NAME.jobId.max - OTA_JOB_PREFIX.length);
    const imageKey = attrs.imageKey ?? loc.key;
    const imageVersion = attrs.imageVersionId ?? loc.version;
    const signature = req.artifact?.signature ?? (attrs.signature ? Buffer.from(attrs.signature, 'base64') : undefined);
    if (!signerJobId && !signature) throw new CloudError(`${req.packageName}@${req.version} has no signature to send.`, 'invalid', 'Sign the image (local key or AWS Signer) and publish again.');
    try {
      await ctx.call(`Creating OTA update ${otaUpdateId}`, (abortSignal) =>
        ctx.clients.iot.send(
          new CreateOTAUpdateCommand({
            otaUpdateId,
            description: `OTA Bench verify of ${req.packageName}@${req.version} on ${thingName}`,
            targets: thingArns,
            targetSelection: 'SNAPSHOT',
            protocols: ['HTTP'],
            roleArn,
            files: [
              {
                fileName: attrs.filename ?? imageKey.split('/').pop(),
                fileLocation: { s3Location: { bucket: loc.bucket, key: imageKey, version: imageVersion } },
                codeSigning: signerJobId
                  ? { awsSignerJobId: signerJobId }
                  : {
                      customCodeSigning: {
                        signature: { inlineDocument: signature },
                        certificateChain: { certificateName: req.options?.aws?.certificateName ?? attrs.certfile ?? p.certfile ?? 'code_sign.crt' },
                        hashAlgorithm: 'SHA256',
                        signatureAlgorithm: (attrs.signatureAlgorithm as 'ECDSA' | 'RSA' | undefined) ?? 'ECDSA',
                      },
                    },
              },
            ],
            awsJobPresignedUrlConfig: { expiresInSec: expires },
            awsJobTimeoutConfig: { inProgressTimeoutInMinutes: timeout },
          }), { abortSignal },
        ), { signal },
      );
    } catch (e) {
      // A re-run with the same id: the update exists; wait for its job below.
      if (!isCloudErrorCode(e, 'already-exists')) throw e;
    }
    // The OTA service creates the job asynchronously; wait for it (bounded) so the caller can watch it.
    for (let i = 0; i < 60; i++) {
      const u = await ctx.call(`Reading OTA update ${otaUpdateId}`, (abortSignal) => ctx.clients.iot.send(new GetOTAUpdateCommand({ otaUpdateId }), { abortSignal }), { signal });
      const info = u.otaUpdateInfo;
      if (info?.otaUpdateStatus === 'CREATE_FAILED') throw new CloudError(`OTA update ${otaUpdateId} failed: ${info.errorInfo?.message ?? info.errorInfo?.code ?? 'unknown reason'}`, 'invalid', 'Check the role, the image location and the signing settings.');
      if (info?.otaUpdateStatus === 'CREATE_COMPLETE' && info.awsIotJobId) {
        const job = await describeExisting(ctx, info.awsIotJobId, signal);
        if (job) return { ...job, kind: 'ota-update', details: { ...job.details, otaUpdateId } satisfies AwsJobDetails };
      }
      if (signal?.aborted) throw new CloudError(`Stopped waiting for OTA update ${otaUpdateId}; it may still be created.`, 'canceled');
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * (i + 1))));
    }
    throw new CloudError(`OTA update ${otaUpdateId} did not create its job in time.`, 'unavailable', `Look for job ${OTA_JOB_PREFIX}${otaUpdateId} in the tree later.`, undefined, true);
  }

  const jobId = req.reference;
  const signature = req.artifact?.signature ?? (attrs.signature ? Buffer.from(attrs.signature, 'base64') : undefined);
  if (!signature) throw new CloudError(`${req.packageName}@${req.version} has no signature attribute.`, 'invalid', 'Publish it with local signing (or use AWS Signer, which verifies through an OTA update).');
  const document = afrOtaDocument(p.region, [
    {
      fileName: attrs.filename ?? loc.key.split('/').pop()!,
      fileSize: req.artifact?.size ?? Number(attrs.size),
      bucket: loc.bucket,
      key: loc.key,
      signature,
      signatureAlgorithm: (req.artifact?.signatureAlgorithm ?? attrs.signatureAlgorithm ?? 'ECDSA') as 'ECDSA' | 'RSA',
      certfile: req.options?.aws?.certificateName ?? attrs.certfile ?? p.certfile,
    },
  ]);
  try {
    const created = await ctx.call(`Creating verify job ${jobId}`, (abortSignal) =>
      ctx.clients.iot.send(
        new CreateJobCommand({
          jobId,
          targets: thingArns,
          targetSelection: 'SNAPSHOT',
          document,
          description: `OTA Bench verify of ${req.packageName}@${req.version} on ${thingName}`,
          presignedUrlConfig: { roleArn, expiresInSec: expires },
          timeoutConfig: { inProgressTimeoutInMinutes: timeout },
          destinationPackageVersions: version.packageVersionArn ? [version.packageVersionArn] : undefined,
        }), { abortSignal },
      ), { signal },
    );
    return (await describeExisting(ctx, created.jobId!, signal)) ?? { cloud: 'aws', id: created.jobId!, cloudRef: created.jobArn, status: 'in-progress', rawStatus: 'IN_PROGRESS', kind: 'verify' };
  } catch (e) {
    if (isCloudErrorCode(e, 'already-exists')) {
      const have = await describeExisting(ctx, jobId, signal);
      if (have) return sameThingOrThrow(have, thingNames);
    }
    throw e;
  }
}
