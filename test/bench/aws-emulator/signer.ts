// AWS Signer for the FreeRTOS platform: signing profiles bound to a code-signing certificate (the
// emulator holds the private key, as ACM would), StartSigningJob on a versioned S3 object,
// DescribeSigningJob going InProgress → Succeeded/Failed. The signature is ECDSA P-256 over
// SHA-256 of the image; OTA updates created with `awsSignerJobId` carry it to the device.

import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'crypto';
import { AwsError } from './errors';
import type { S3Store } from './s3';
import { checkString, isObject, optString } from './validate';

const V = 'ValidationException';

export const FREERTOS_PLATFORM = {
  platformId: 'AmazonFreeRTOS-Default',
  displayName: 'Amazon FreeRTOS SHA256-ECDSA',
  partner: 'AmazonFreeRTOS',
  target: 'SHA256-ECDSA',
  category: 'AWSIoT',
  signingConfiguration: {
    encryptionAlgorithmOptions: { allowedValues: ['ECDSA'], defaultValue: 'ECDSA' },
    hashAlgorithmOptions: { allowedValues: ['SHA256'], defaultValue: 'SHA256' },
  },
  signingImageFormat: { supportedFormats: ['JSONEmbedded'], defaultFormat: 'JSONEmbedded' },
  maxSizeInMB: 16,
  revocationSupported: false,
};

interface Certificate {
  arn: string;
  key: KeyObject;
  publicKeyPem: string;
}

interface Profile {
  profileName: string;
  profileVersion: string;
  arn: string;
  platformId: string;
  certificateArn: string;
  certname?: string;
  status: 'Active' | 'Canceled' | 'Revoked';
}

export interface SigningJob {
  jobId: string;
  clientRequestToken: string;
  source: { s3: { bucketName: string; key: string; version: string } };
  destination: { s3: { bucketName: string; prefix?: string } };
  profile: Profile;
  status: 'InProgress' | 'Failed' | 'Succeeded';
  statusReason?: string;
  createdAt: Date;
  completedAt?: Date;
  signedObject?: { s3: { bucketName: string; key: string } };
  /** DER signature of the source image (what the OTA service puts in the job document). */
  signature?: Buffer;
}

const err = (status: number, type: string, message: string) => new AwsError(status, type, message);

export class SignerService {
  private readonly certs = new Map<string, Certificate>();
  private readonly profiles = new Map<string, Profile>();
  readonly jobs = new Map<string, SigningJob>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly region: string,
    private readonly account: string,
    private readonly s3: S3Store,
    /** How long a signing job stays InProgress. */
    private readonly signingDelayMs = 150,
  ) {}

  /** An "ACM-imported" code-signing certificate: returns its ARN and the PEM a device trusts. */
  addCertificate(name: string = randomUUID()): { certificateArn: string; publicKeyPem: string } {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const arn = `arn:aws:acm:${this.region}:${this.account}:certificate/${name}`;
    const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.certs.set(arn, { arn, key: privateKey, publicKeyPem });
    return { certificateArn: arn, publicKeyPem };
  }

  certificatePem(certificateArn: string): string | undefined {
    return this.certs.get(certificateArn)?.publicKeyPem;
  }

  profile(name: string): Profile {
    const p = this.profiles.get(name);
    if (!p || p.status !== 'Active') throw err(404, 'ResourceNotFoundException', `Signing profile ${name} does not exist.`);
    return p;
  }

  putProfile(name: string, body: unknown): unknown {
    checkString('profileName', name, { min: 2, max: 64, pattern: /^[a-zA-Z0-9_]{2,}$/ }, V);
    const b = isObject(body) ? body : {};
    const platformId = checkString('platformId', b.platformId, { min: 1 }, V);
    if (platformId !== FREERTOS_PLATFORM.platformId) throw err(404, 'ResourceNotFoundException', `Signing platform ${platformId} is not available in the emulator.`);
    const material = isObject(b.signingMaterial) ? b.signingMaterial : {};
    const certificateArn = checkString('signingMaterial.certificateArn', material.certificateArn, { min: 1 }, V);
    if (!this.certs.has(certificateArn)) throw err(404, 'ResourceNotFoundException', `Certificate ${certificateArn} was not found in ACM.`);
    const params = isObject(b.signingParameters) ? b.signingParameters : {};
    const certname = optString('signingParameters.certname', params.certname, { min: 1 }, V);
    const profileVersion = randomUUID().replace(/-/g, '').slice(0, 10);
    const arn = `arn:aws:signer:${this.region}:${this.account}:/signing-profiles/${name}`;
    this.profiles.set(name, { profileName: name, profileVersion, arn, platformId, certificateArn, certname, status: 'Active' });
    return { arn, profileVersion, profileVersionArn: `${arn}/${profileVersion}` };
  }

  getProfile(name: string): unknown {
    const p = this.profile(name);
    return {
      profileName: p.profileName,
      profileVersion: p.profileVersion,
      profileVersionArn: `${p.arn}/${p.profileVersion}`,
      arn: p.arn,
      platformId: p.platformId,
      platformDisplayName: FREERTOS_PLATFORM.displayName,
      signingMaterial: { certificateArn: p.certificateArn },
      signingParameters: p.certname ? { certname: p.certname } : {},
      status: p.status,
    };
  }

  startJob(body: unknown): unknown {
    const b = isObject(body) ? body : {};
    const src = isObject(b.source) && isObject(b.source.s3) ? b.source.s3 : undefined;
    if (!src) throw err(400, V, 'source.s3 is required.');
    const bucketName = checkString('source.s3.bucketName', src.bucketName, { min: 1 }, V);
    const key = checkString('source.s3.key', src.key, { min: 1 }, V);
    // Signer needs the object version: the source bucket must be versioned.
    const version = checkString('source.s3.version', src.version, { min: 1 }, V);
    const dst = isObject(b.destination) && isObject(b.destination.s3) ? b.destination.s3 : undefined;
    if (!dst) throw err(400, V, 'destination.s3 is required.');
    const destination = { s3: { bucketName: checkString('destination.s3.bucketName', dst.bucketName, { min: 1 }, V), prefix: optString('destination.s3.prefix', dst.prefix, {}, V) } };
    this.s3.bucket(destination.s3.bucketName);
    const profile = this.profile(checkString('profileName', b.profileName, { min: 2, max: 64 }, V));
    const token = checkString('clientRequestToken', b.clientRequestToken, { min: 1 }, V);
    const again = [...this.jobs.values()].find((j) => j.clientRequestToken === token);
    if (again) return { jobId: again.jobId, jobOwner: this.account };
    let object;
    try {
      object = this.s3.object(bucketName, key, version);
    } catch {
      throw err(400, V, `The source object s3://${bucketName}/${key} version ${version} does not exist.`);
    }
    const job: SigningJob = { jobId: randomUUID(), clientRequestToken: token, source: { s3: { bucketName, key, version } }, destination, profile, status: 'InProgress', createdAt: new Date() };
    this.jobs.set(job.jobId, job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.run(job, object).catch((e) => Object.assign(job, { status: 'Failed', statusReason: String(e), completedAt: new Date() }));
    }, this.signingDelayMs);
    this.timers.add(timer);
    return { jobId: job.jobId, jobOwner: this.account };
  }

  private async run(job: SigningJob, object: ReturnType<S3Store['object']>): Promise<void> {
    if (object.size > FREERTOS_PLATFORM.maxSizeInMB * 1024 * 1024) {
      Object.assign(job, { status: 'Failed', statusReason: `The object is ${object.size} bytes; ${FREERTOS_PLATFORM.platformId} signs at most ${FREERTOS_PLATFORM.maxSizeInMB} MB.`, completedAt: new Date() });
      return;
    }
    const image = await this.s3.readAll(object);
    const cert = this.certs.get(job.profile.certificateArn)!;
    job.signature = createSign('sha256').update(image).sign({ key: cert.key, dsaEncoding: 'der' });
    // The signed object keeps the image bytes; the OTA service reads the signature from the job.
    const key = `${job.destination.s3.prefix ?? ''}${job.jobId}`;
    await this.s3.putBuffer(job.destination.s3.bucketName, key, image, { 'signer-job-id': job.jobId });
    Object.assign(job, { status: 'Succeeded', signedObject: { s3: { bucketName: job.destination.s3.bucketName, key } }, completedAt: new Date() });
  }

  job(jobId: string): SigningJob {
    const j = this.jobs.get(jobId);
    if (!j) throw err(404, 'ResourceNotFoundException', `Signing job ${jobId} does not exist.`);
    return j;
  }

  describeJob(jobId: string): unknown {
    const j = this.job(jobId);
    return {
      jobId: j.jobId,
      source: j.source,
      signingMaterial: { certificateArn: j.profile.certificateArn },
      platformId: j.profile.platformId,
      platformDisplayName: FREERTOS_PLATFORM.displayName,
      profileName: j.profile.profileName,
      profileVersion: j.profile.profileVersion,
      signingParameters: j.profile.certname ? { certname: j.profile.certname } : {},
      createdAt: j.createdAt,
      completedAt: j.completedAt,
      requestedBy: `arn:aws:iam::${this.account}:user/emulator`,
      status: j.status,
      statusReason: j.statusReason,
      signedObject: j.signedObject,
      jobOwner: this.account,
      jobInvoker: this.account,
    };
  }

  platform(id: string): unknown {
    if (id !== FREERTOS_PLATFORM.platformId) throw err(404, 'ResourceNotFoundException', `Signing platform ${id} does not exist.`);
    return FREERTOS_PLATFORM;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
  }
}
