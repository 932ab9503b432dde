// Publishing a firmware: the limits checked first, then the firmware looked up by its derived
// FirmwareName (a re-run reuses it), then GenerateOTAUploadURL just before the OSS POST (its policy
// lasts one minute), the file streamed with progress and cancel, then CreateOTAFirmware with
// FirmwareSign/SignMethod/FirmwareSize/DestVersion/NeedToVerify.
//
// Resume: an upload that was never registered is deleted by Alibaba after 60 minutes, and OSS
// offers no way to find it again, so the upload's FirmwareUrl is handed back through progress
// (`location`) for the caller to keep; a resume that passes it back (`req.uploaded`) registers
// that file when it is younger than the 60 minutes (less a margin), else says it expired and
// uploads again. A refusal "file does not exist" on registering also uploads once more.

import { basename } from 'path';
import { CloudError, isCloudErrorCode } from '../../errors';
import type { Cancel, Progress, PublishRequest, PublishResult } from '../provider';
import { allRows, requireSetting, type AliyunContext } from './context';
import { firmwareDesc, toVersion } from './map';
import { UNREGISTERED_UPLOAD_TTL_MS, fileSuffixOf, firmwareName, firmwareProblems } from './limits';
import { ossPostUpload } from './ossPostUpload';
import type { SimpleFirmwareInfo } from './wire';

/** An upload still registrable when resumed at most this long after it finished. */
const UPLOAD_REUSE_MS = UNREGISTERED_UPLOAD_TTL_MS - 5 * 60_000;

export interface UploadedFile {
  FirmwareUrl: string;
  /** ms since the epoch the upload finished. */
  at: number;
  size: number;
  sha256: string;
}

/** What a request says about an earlier, unregistered upload (`location` of an interrupted publish). */
export function earlierUpload(req: PublishRequest): UploadedFile | undefined {
  const u = req.uploaded;
  if (!u?.FirmwareUrl || !u.uploadedAt) return undefined;
  return { FirmwareUrl: u.FirmwareUrl, at: Number(u.uploadedAt), size: Number(u.size), sha256: u.sha256 ?? '' };
}

export interface FirmwarePlan {
  productKey: string;
  name: string;
  desc: string;
  signMethod: 'MD5' | 'SHA256';
  sign: string;
}

/** Every limit checked before anything is sent; the derived FirmwareName. */
export function planFirmware(ctx: AliyunContext, req: PublishRequest): FirmwarePlan {
  const productKey = requireSetting(ctx.profile.productKey, 'ProductKey', 'the ProductKey of the bench device (productKey)');
  const name = firmwareName(productKey, req.packageName, req.version);
  const desc = firmwareDesc(req.packageName, req.version, req.description);
  const problems = firmwareProblems({ firmwareName: name, destVersion: req.version, fileName: basename(req.artifact.path), fileBytes: req.artifact.size, firmwareDesc: desc });
  if (problems.length) throw new CloudError(`Cannot publish ${req.packageName} ${req.version} to Alibaba: ${problems.join(' ')}`, 'invalid', 'Fix the version, the artifact or the description, then re-run.');
  const signMethod = req.options?.aliyun?.signMethod ?? 'MD5';
  return { productKey, name, desc, signMethod, sign: signMethod === 'MD5' ? req.artifact.md5Hex : req.artifact.sha256Hex };
}

/** The firmware with this derived name, if any (ListOTAFirmware filtered by ProductKey + DestVersion). */
export async function findFirmware(ctx: AliyunContext, plan: Pick<FirmwarePlan, 'productKey' | 'name'>, version: string, signal?: Cancel): Promise<SimpleFirmwareInfo | undefined> {
  const rows = await allRows('ListOTAFirmware', async (CurrentPage, PageSize) => {
    const r = await ctx.client.call('ListOTAFirmware', { CurrentPage, PageSize, ProductKey: plan.productKey, DestVersion: version }, { what: `Looking for firmware ${plan.name}`, signal });
    return { ...r, rows: r.FirmwareInfo?.SimpleFirmwareInfo ?? [] };
  });
  return rows.find((f) => f.FirmwareName === plan.name);
}

/** A firmware of that name must hold this image; else the name is taken and the user must change something. */
function sameImage(f: SimpleFirmwareInfo, plan: FirmwarePlan, req: PublishRequest): void {
  const theirs = (f.FirmwareSign ?? '').toLowerCase();
  const ours = (f.SignMethod ?? 'MD5').toUpperCase() === 'SHA256' ? req.artifact.sha256Hex : req.artifact.md5Hex;
  if (theirs && theirs !== ours.toLowerCase()) {
    throw new CloudError(
      `Firmware name ${plan.name} (${req.packageName} ${req.version}) is taken by firmware ${f.FirmwareId} with a different image (${f.SignMethod ?? 'MD5'} ${theirs.slice(0, 12)}…, this one ${ours.slice(0, 12)}…).`,
      'already-exists',
      'FirmwareName is unique and immutable on Alibaba: bump the firmware version, or delete that firmware in the IoT Platform console first.',
    );
  }
}

async function upload(ctx: AliyunContext, req: PublishRequest, progress?: Progress, signal?: Cancel): Promise<UploadedFile> {
  const suffix = fileSuffixOf(basename(req.artifact.path))!;
  // The form's policy expires one minute after this call: ask for it right before the POST.
  const form = await ctx.client.call('GenerateOTAUploadURL', { FileSuffix: suffix }, { what: 'Asking for an upload form', signal });
  if (!form.Data?.FirmwareUrl) throw new CloudError('GenerateOTAUploadURL returned no upload form.', 'unavailable', 'Retry in a moment.', undefined, true);
  const total = req.artifact.size;
  try {
    await ossPostUpload({ form: form.Data, filePath: req.artifact.path, signal, onProgress: (done) => progress?.({ done, total }) });
  } catch (e) {
    throw ctx.classify(e, `Uploading ${basename(req.artifact.path)}`);
  }
  const done: UploadedFile = { FirmwareUrl: form.Data.FirmwareUrl, at: Date.now(), size: total, sha256: req.artifact.sha256Hex };
  progress?.({ message: 'Uploaded; registering the firmware', location: locationOf(done) });
  return done;
}

const locationOf = (u: UploadedFile): Record<string, string> => ({ FirmwareUrl: u.FirmwareUrl, uploadedAt: String(u.at), size: String(u.size), sha256: u.sha256 });

export async function publish(ctx: AliyunContext, req: PublishRequest, progress?: Progress, signal?: Cancel): Promise<PublishResult> {
  const plan = planFirmware(ctx, req);
  const have = await findFirmware(ctx, plan, req.version, signal);
  if (have) {
    sameImage(have, plan, req);
    progress?.({ message: `Firmware ${plan.name} is already registered; reusing it` });
    return { version: toVersion(have), location: { FirmwareId: have.FirmwareId, FirmwareName: plan.name }, reused: { upload: true, register: true } };
  }

  let file = earlierUpload(req);
  let reusedUpload = false;
  if (file && (file.sha256 !== req.artifact.sha256Hex || file.size !== req.artifact.size)) file = undefined;
  if (file && Date.now() - file.at > UPLOAD_REUSE_MS) {
    progress?.({ message: `The earlier upload (${new Date(file.at).toISOString()}) was never registered and Alibaba deletes such files after 60 minutes; uploading again` });
    file = undefined;
  }
  if (file) reusedUpload = true;
  else file = await upload(ctx, req, progress, signal);
  if (signal?.aborted) throw new CloudError('Publish cancelled after the upload; a re-run within 60 minutes registers the uploaded file.', 'canceled');

  const create = (url: string) =>
    ctx.client.call(
      'CreateOTAFirmware',
      { FirmwareName: plan.name, DestVersion: req.version, FirmwareUrl: url, FirmwareSign: plan.sign, SignMethod: plan.signMethod, FirmwareSize: req.artifact.size, ProductKey: plan.productKey, NeedToVerify: true, FirmwareDesc: plan.desc },
      { what: `Registering firmware ${plan.name}`, signal },
    );
  let registered = false;
  let refused: unknown;
  try {
    try {
      await create(file.FirmwareUrl);
    } catch (e) {
      // The file of a resumed upload is gone (deleted, or never stored): upload once more.
      if (!reusedUpload || !isCloudErrorCode(e, 'not-found')) throw e;
      progress?.({ message: 'The earlier upload is gone; uploading again' });
      reusedUpload = false;
      file = await upload(ctx, req, progress, signal);
      await create(file.FirmwareUrl);
    }
    registered = true;
  } catch (e) {
    // A lost reply, or someone else meanwhile: the name now exists. Accept it if it holds this image.
    if (!isCloudErrorCode(e, 'already-exists', 'unavailable')) throw e;
    refused = e;
  }
  const now = await findFirmware(ctx, plan, req.version, signal);
  if (!now) throw refused ?? new CloudError(`Firmware ${plan.name} was not found after registering it.`, 'unavailable', 'Re-run: the upload is reused for 60 minutes.', undefined, true);
  sameImage(now, plan, req);
  return { version: toVersion(now), location: { FirmwareId: now.FirmwareId, FirmwareName: plan.name, FirmwareUrl: file.FirmwareUrl }, reused: { upload: reusedUpload, register: !registered } };
}
