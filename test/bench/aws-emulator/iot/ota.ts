// OTA updates (the FreeRTOS OTA manager): CreateOTAUpdate checks its input, then asynchronously
// (CREATE_PENDING → CREATE_IN_PROGRESS → CREATE_COMPLETE | CREATE_FAILED) builds the `afr_ota` job
// document from the files and their code signing, and creates the job `AFR_OTA-<otaUpdateId>`.

import { randomUUID } from 'crypto';
import { AwsError, exists, invalid, notFound } from '../errors';
import { page } from '../paging';
import type { S3Store } from '../s3';
import type { SignerService } from '../signer';
import { checkArray, checkEnum, checkInt, checkString, isObject, optString } from '../validate';
import { NAME, PAGE_SIZE, PROTOCOLS, ROLE_ARN, ROLLOUT, TARGET_SELECTIONS, TEXT } from '../../../../src/core/clouds/aws/limits';
import type { Jobs } from './jobs';
import type { World } from './world';

type OtaStatus = 'CREATE_PENDING' | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'CREATE_FAILED' | 'DELETE_IN_PROGRESS' | 'DELETE_FAILED';
const STATUSES: OtaStatus[] = ['CREATE_PENDING', 'CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'CREATE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_FAILED'];

interface OtaRecord {
  otaUpdateId: string;
  otaUpdateArn: string;
  creationDate: Date;
  lastModifiedDate: Date;
  description?: string;
  targets: string[];
  protocols: string[];
  targetSelection: string;
  roleArn: string;
  files: Record<string, unknown>[];
  request: Record<string, unknown>;
  status: OtaStatus;
  awsIotJobId?: string;
  awsIotJobArn?: string;
  errorInfo?: { code: string; message: string };
}

/** The presigned-URL placeholder the OTA service writes into HTTP job documents. */
export const presignedPlaceholder = (region: string, bucket: string, key: string) =>
  `\${aws:iot:s3-presigned-url:https://s3.${region}.amazonaws.com/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}}`;

export class OtaUpdates {
  readonly updates = new Map<string, OtaRecord>();

  constructor(
    private readonly world: World,
    private readonly jobs: Jobs,
    private readonly s3: S3Store,
    private readonly signer: SignerService,
  ) {}

  create(id: string, body: unknown): unknown {
    checkString('otaUpdateId', id, NAME.otaUpdateId);
    if (this.updates.has(id)) throw exists(`OTA update ${id} already exists.`, { resourceId: id });
    const b = isObject(body) ? body : {};
    const targets = checkArray<string>('targets', b.targets, { min: 1, max: 1000 });
    const roleArn = checkString('roleArn', b.roleArn, { min: 20, max: 2048, pattern: ROLE_ARN });
    const files = checkArray<Record<string, unknown>>('files', b.files, { min: 1, max: 50 });
    const protocols = b.protocols === undefined ? ['MQTT'] : checkArray<string>('protocols', b.protocols, { min: 1, max: 2 });
    protocols.forEach((p, i) => checkEnum(`protocols[${i}]`, p, PROTOCOLS));
    const targetSelection = b.targetSelection === undefined ? 'SNAPSHOT' : checkEnum('targetSelection', b.targetSelection, TARGET_SELECTIONS);
    const description = optString('description', b.description, { max: TEXT.jobDescription });
    files.forEach((f, i) => {
      if (!isObject(f)) throw invalid(`files[${i}] must be an object.`);
      if (f.fileType !== undefined) checkInt(`files[${i}].fileType`, f.fileType, { min: 0, max: 255 });
      const cs = isObject(f.codeSigning) ? f.codeSigning : undefined;
      if (!cs) throw invalid(`files[${i}].codeSigning is required.`);
      if (cs.startSigningJobParameter) throw invalid('startSigningJobParameter is not supported by the emulator; sign first and pass awsSignerJobId.');
      if (!cs.awsSignerJobId && !cs.customCodeSigning) throw invalid(`files[${i}].codeSigning needs awsSignerJobId or customCodeSigning.`);
      if (!isObject(f.fileLocation) || !isObject(f.fileLocation.s3Location)) throw invalid(`files[${i}].fileLocation.s3Location is required (streams are not supported by the emulator).`);
    });
    const p = isObject(b.awsJobPresignedUrlConfig) ? b.awsJobPresignedUrlConfig : {};
    if (p.expiresInSec !== undefined) checkInt('awsJobPresignedUrlConfig.expiresInSec', p.expiresInSec, ROLLOUT.presignedExpiresInSec);
    const now = this.world.now();
    const rec: OtaRecord = { otaUpdateId: id, otaUpdateArn: this.world.arn(`otaupdate/${id}`), creationDate: now, lastModifiedDate: now, description, targets, protocols, targetSelection, roleArn, files, request: b, status: 'CREATE_PENDING' };
    this.updates.set(id, rec);
    setTimeout(() => this.build(rec), 20).unref?.();
    return { otaUpdateId: id, otaUpdateArn: rec.otaUpdateArn, otaUpdateStatus: rec.status };
  }

  private build(rec: OtaRecord): void {
    rec.status = 'CREATE_IN_PROGRESS';
    try {
      const files = rec.files.map((f, fileid) => this.fileEntry(rec, f, fileid));
      const afr: Record<string, unknown> = { protocols: rec.protocols, files };
      if (rec.protocols.includes('MQTT')) afr.streamname = `AFR_OTA-${randomUUID()}`;
      const b = rec.request;
      const abort = isObject(b.awsJobAbortConfig) && Array.isArray(b.awsJobAbortConfig.abortCriteriaList) ? { criteriaList: b.awsJobAbortConfig.abortCriteriaList } : undefined;
      const jobId = `AFR_OTA-${rec.otaUpdateId}`.slice(0, 64);
      const presign = isObject(b.awsJobPresignedUrlConfig) ? b.awsJobPresignedUrlConfig : {};
      const job = this.jobs.create(jobId, {
        targets: rec.targets,
        document: JSON.stringify({ afr_ota: afr }),
        description: rec.description,
        targetSelection: rec.targetSelection,
        presignedUrlConfig: { roleArn: rec.roleArn, expiresInSec: presign.expiresInSec ?? 1800 },
        jobExecutionsRolloutConfig: b.awsJobExecutionsRolloutConfig,
        abortConfig: abort,
        timeoutConfig: b.awsJobTimeoutConfig,
      });
      Object.assign(rec, { status: 'CREATE_COMPLETE', awsIotJobId: job.jobId, awsIotJobArn: job.jobArn, lastModifiedDate: this.world.now() });
    } catch (e) {
      const code = e instanceof AwsError ? e.type : 'InternalFailure';
      Object.assign(rec, { status: 'CREATE_FAILED', errorInfo: { code, message: (e as Error).message }, lastModifiedDate: this.world.now() });
    }
  }

  private fileEntry(rec: OtaRecord, f: Record<string, unknown>, fileid: number): Record<string, unknown> {
    const loc = (f.fileLocation as { s3Location: { bucket: string; key: string; version?: string } }).s3Location;
    let object;
    try {
      object = this.s3.object(loc.bucket, loc.key, loc.version);
    } catch {
      throw new AwsError(400, 'InvalidRequestException', `File s3://${loc.bucket}/${loc.key} cannot be read.`);
    }
    const entry: Record<string, unknown> = { filepath: f.fileName ?? loc.key, filesize: object.size, fileid };
    if (f.fileType !== undefined) entry.fileType = f.fileType;
    if (rec.protocols.includes('HTTP')) {
      entry.update_data_url = presignedPlaceholder(this.world.region, loc.bucket, loc.key);
      entry.auth_scheme = 'aws.s3.presigned';
    }
    const cs = f.codeSigning as Record<string, unknown>;
    if (cs.awsSignerJobId) {
      const job = this.signer.job(String(cs.awsSignerJobId));
      if (job.status !== 'Succeeded' || !job.signature) throw new AwsError(400, 'InvalidRequestException', `Signing job ${job.jobId} is ${job.status}${job.statusReason ? `: ${job.statusReason}` : ''}.`);
      entry['sig-sha256-ecdsa'] = job.signature.toString('base64');
      if (job.profile.certname) entry.certfile = job.profile.certname;
    } else {
      const c = cs.customCodeSigning as Record<string, unknown>;
      const sig = isObject(c.signature) ? c.signature.inlineDocument : undefined;
      if (typeof sig !== 'string') throw new AwsError(400, 'InvalidRequestException', 'customCodeSigning.signature.inlineDocument is required.');
      const hash = String(c.hashAlgorithm ?? '').toLowerCase();
      const alg = String(c.signatureAlgorithm ?? '').toLowerCase();
      // The service does not check these spellings; "SHA-256" yields a key devices do not read.
      entry[`sig-${hash}-${alg}`] = sig;
      const chain = isObject(c.certificateChain) ? c.certificateChain : {};
      if (chain.certificateName) entry.certfile = chain.certificateName;
    }
    return entry;
  }

  record(id: string): OtaRecord {
    const r = this.updates.get(id);
    if (!r) throw notFound(`OTA update ${id} cannot be found.`);
    return r;
  }

  get(id: string): unknown {
    const r = this.record(id);
    const b = r.request;
    return {
      otaUpdateInfo: {
        otaUpdateId: r.otaUpdateId,
        otaUpdateArn: r.otaUpdateArn,
        creationDate: r.creationDate,
        lastModifiedDate: r.lastModifiedDate,
        description: r.description,
        targets: r.targets,
        protocols: r.protocols,
        awsJobExecutionsRolloutConfig: b.awsJobExecutionsRolloutConfig,
        awsJobPresignedUrlConfig: b.awsJobPresignedUrlConfig,
        targetSelection: r.targetSelection,
        otaUpdateFiles: r.files,
        otaUpdateStatus: r.status,
        awsIotJobId: r.awsIotJobId,
        awsIotJobArn: r.awsIotJobArn,
        errorInfo: r.errorInfo,
        additionalParameters: b.additionalParameters,
      },
    };
  }

  list(q: URLSearchParams): unknown {
    const status = q.get('otaUpdateStatus');
    if (status !== null) checkEnum('otaUpdateStatus', status, STATUSES);
    const all = [...this.updates.values()].reverse().filter((u) => !status || u.status === status);
    const r = page(all, q, { ...PAGE_SIZE.otaUpdates, dflt: 50 }, `ota:${status}`);
    return { otaUpdates: r.items.map((u) => ({ otaUpdateId: u.otaUpdateId, otaUpdateArn: u.otaUpdateArn, creationDate: u.creationDate })), nextToken: r.nextToken };
  }
}
