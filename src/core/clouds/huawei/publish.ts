// Publishing on Huawei: the image goes to OBS through OBS's S3-compatible API with the same
// upload code AWS uses (../aws/upload: streamed from disk, multipart above the part size,
// progress, cancellable, and found again by the SHA-256 in its metadata so a re-run or a retried
// lost reply never stores a second object), then CreateOtaPackage with file_location.obs_location
// and sign = the hex SHA-256. Every documented limit is checked before the first call. A re-run
// finds the record by product + version and reuses it when it holds the same image.

import { S3Client } from '@aws-sdk/client-s3';
import { basename } from 'path';
import { CloudError, isCloudError, isCloudErrorCode } from '../../errors';
import type { HuaweiProfile } from '../../profiles';
import type { AwsContext } from '../aws/context';
import { toCloudError } from '../aws/errors';
import { uploadImage, type UploadOptions } from '../aws/upload';
import { callCloud } from '../kit/call';
import type { Cancel, Progress, PublishRequest, PublishResult } from '../provider';
import type { IotdaClient } from './client';
import { keysHint } from './credentials';
import { obsEndpoint } from './endpoint';
import { packageProblems, type LimitProblem } from './limits';
import { benchInfo, customInfo, toVersion } from './map';
import { PAGE_LIMITS, PATHS, type CreateOtaPackage, type ListOtaPackageInfoResponse, type OtaPackage } from './wire';

export interface HuaweiPublishSettings {
  profile: HuaweiProfile & { obsEndpoint?: string; keyPrefix?: string };
  client: IotdaClient;
  s3: S3Client;
  keysFrom: 'env' | 'secrets';
  timeoutMs?: number;
}

export function obsClient(profile: HuaweiPublishSettings['profile'], creds: { accessKey: string; secretKey: string; securityToken?: string }, timeoutMs: number): S3Client {
  const region = profile.obsRegion || profile.region;
  const endpoint = obsEndpoint(region, profile.obsEndpoint);
  return new S3Client({
    region,
    endpoint,
    // An override (emulator, private endpoint) is addressed path-style; OBS's own hosts take both.
    forcePathStyle: !!profile.obsEndpoint,
    credentials: { accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey, sessionToken: creds.securityToken },
    maxAttempts: 3,
    requestHandler: { connectionTimeout: Math.min(5000, timeoutMs), socketTimeout: timeoutMs },
  });
}

/** OBS calls through the kit, classified like S3's but with Huawei's hints. */
function obsContext(s: HuaweiPublishSettings): AwsContext {
  const endpoint = obsEndpoint(s.profile.obsRegion || s.profile.region, s.profile.obsEndpoint);
  const classify = (e: unknown, what: string) => {
    const err = toCloudError(e, { what });
    if (err.code !== 'credentials') return err;
    return new CloudError(err.message.replace(/AWS/g, 'OBS'), 'credentials', `${keysHint(s.keysFrom, /expired/i.test(err.message))} The key also needs OBS write access to bucket ${s.profile.obsBucket}.`, err.cloudCode);
  };
  return {
    profile: {} as AwsContext['profile'],
    clients: { s3: s.s3 } as unknown as AwsContext['clients'],
    call: (what, fn, opts = {}) => callCloud({ what, classify, endpoint, timeoutMs: opts.timeoutMs ?? s.timeoutMs, signal: opts.signal }, fn),
  };
}

export const objectKeyOf = (profile: { keyPrefix?: string }, req: PublishRequest) => `${profile.keyPrefix ?? 'ota-bench/'}${req.packageName}/${req.version}/${basename(req.artifact.path)}`;

function refuse(problems: LimitProblem[]): never {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more: ${problems.slice(1).map((p) => p.field).join(', ')})` : '';
  throw new CloudError(`${problems[0].message}${more}`, 'invalid', undefined, `limit:${problems[0].field}`);
}

/** The CreateOtaPackage body for a request (checked by packageProblems before anything is sent). */
export function packageBody(profile: HuaweiPublishSettings['profile'], req: PublishRequest): CreateOtaPackage {
  const bucket = profile.obsBucket;
  const productId = profile.productId;
  if (!productId) throw new CloudError('The Huawei profile has no product id.', 'config', 'Edit the profile and set "Product id of the bench device" (IoTDA console → Products).');
  if (!bucket) throw new CloudError('The Huawei profile has no OBS bucket for firmware images.', 'config', 'Edit the profile and set "OBS bucket for firmware images".');
  return {
    ...(profile.appId ? { app_id: profile.appId } : {}),
    package_type: 'firmwarePackage',
    product_id: productId,
    version: req.version,
    description: req.description,
    custom_info: customInfo({ package: req.packageName, sha256: req.artifact.sha256Hex, file: basename(req.artifact.path), size: req.artifact.size }, req.attributes),
    file_location: { obs_location: { region_name: profile.obsRegion || profile.region, bucket_name: bucket, object_key: objectKeyOf(profile, req), sign: req.artifact.sha256Hex } },
  };
}

/** The record of this product's firmware `version`, if any. */
export async function findPackage(client: IotdaClient, profile: HuaweiProfile, version: string, signal?: Cancel): Promise<OtaPackage | undefined> {
  const r = await client.request<ListOtaPackageInfoResponse>(`Looking for version ${version}`, 'GET', PATHS.packages(profile.projectId), {
    query: { package_type: 'firmwarePackage', product_id: profile.productId, app_id: profile.appId, version, limit: PAGE_LIMITS.maxLimit },
    signal,
  });
  const hit = (r.packages ?? []).find((p) => p.version === version);
  return hit && (await client.request<OtaPackage>(`Reading package ${hit.package_id}`, 'GET', PATHS.package(profile.projectId, hit.package_id), { signal }));
}

function sameImage(p: OtaPackage, req: PublishRequest): void {
  const info = benchInfo(p);
  const sha = p.file_location?.obs_location?.sign ?? info?.sha256;
  if (info && info.package !== req.packageName) {
    throw new CloudError(`Version ${req.version} of product ${p.product_id} already belongs to package "${info.package}" (IoTDA package ${p.package_id}).`, 'already-exists', 'IoTDA keeps one firmware version per product: bump the version.');
  }
  if (sha && sha.toLowerCase() !== req.artifact.sha256Hex) {
    throw new CloudError(`Version ${req.version} already exists on IoTDA (package ${p.package_id}) with a different image (sha256 ${sha.slice(0, 12)}…, this one ${req.artifact.sha256Hex.slice(0, 12)}…).`, 'already-exists', 'Bump the firmware version, or delete that OTA package in the IoTDA console first.');
  }
}

function result(p: OtaPackage, reused: PublishResult['reused']): PublishResult {
  const obs = p.file_location?.obs_location;
  return { version: toVersion(p), location: { packageId: p.package_id, bucket: obs?.bucket_name ?? '', key: obs?.object_key ?? '', region: obs?.region_name ?? '' }, reused };
}

export async function publish(s: HuaweiPublishSettings, req: PublishRequest, opts: UploadOptions = {}, progress?: Progress, signal?: Cancel): Promise<PublishResult> {
  const body = packageBody(s.profile, req);
  const problems = packageProblems(body, { name: basename(req.artifact.path), bytes: req.artifact.size });
  if (problems.length) refuse(problems);

  const existing = await findPackage(s.client, s.profile, req.version, signal);
  if (existing) {
    sameImage(existing, req);
    progress?.({ message: `${req.packageName}@${req.version} already registered (IoTDA package ${existing.package_id}); reusing it` });
    return result(existing, { upload: true, register: true });
  }

  const obs = body.file_location.obs_location;
  const up = await uploadImage(obsContext(s), req, obs.bucket_name, obs.object_key, opts, progress, signal);
  if (signal?.aborted) throw new CloudError('Publish cancelled after the upload; a re-run reuses the uploaded image.', 'canceled');
  progress?.({ message: `Registering ${req.packageName}@${req.version} (CreateOtaPackage)` });
  try {
    const created = await s.client.request<OtaPackage>(`Creating OTA package ${req.packageName}@${req.version}`, 'POST', PATHS.packages(s.profile.projectId), { body, create: true, signal });
    return result(created, { upload: up.reused, register: false });
  } catch (e) {
    // A lost reply (or a twin run) may have created it: look before giving up.
    if (!isCloudError(e) || !(e.retryable || isCloudErrorCode(e, 'invalid', 'already-exists'))) throw e;
    const now = await findPackage(s.client, s.profile, req.version, signal).catch(() => undefined);
    if (!now) throw e;
    sameImage(now, req);
    return result(now, { upload: up.reused, register: false });
  }
}
