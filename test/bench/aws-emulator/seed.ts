// Seeding helpers for tests and the demo: things and groups, packages with versions, many jobs,
// signing profiles. They go through the same code paths as API calls, so seeded data is valid.

import type { Catalog } from './iot/catalog';
import type { Jobs } from './iot/jobs';
import type { Things } from './iot/things';
import type { World } from './iot/world';
import type { S3Store } from './s3';
import type { SignerService } from './signer';

export class Seeder {
  constructor(
    private readonly world: World,
    private readonly things: Things,
    private readonly catalog: Catalog,
    private readonly jobsStore: Jobs,
    private readonly s3: S3Store,
    private readonly signer: SignerService,
  ) {}

  thing(name: string, group?: string): string {
    const t = this.things.create(name);
    if (group) {
      this.things.createGroup(group);
      this.things.addToGroup(name, group);
    }
    return t.thingArn;
  }

  group(name: string, members: string[]): string {
    const g = this.things.createGroup(name);
    for (const m of members) {
      this.things.create(m);
      this.things.addToGroup(m, name);
    }
    return g.thingGroupArn;
  }

  /** A bucket; 'off' = versioning never enabled (what CreateBucket gives). */
  bucket(name: string, versioning: 'Enabled' | 'Suspended' | 'off' = 'Enabled'): void {
    this.s3.createBucket(name, versioning === 'off' ? undefined : versioning);
  }

  /** `count` SNAPSHOT jobs on `thing` (created oldest first, so ListJobs shows the last one first). */
  jobs(count: number, opts: { prefix?: string; thing?: string } = {}): string[] {
    const thing = opts.thing ?? 'seed-thing-01';
    const arn = this.thing(thing);
    const ids: string[] = [];
    const width = String(count).length;
    for (let i = 1; i <= count; i++) {
      const jobId = `${opts.prefix ?? 'seed-job'}-${String(i).padStart(width, '0')}`;
      this.jobsStore.create(jobId, { targets: [arn], document: JSON.stringify({ operation: 'noop', n: i }), targetSelection: 'SNAPSHOT', description: `seeded job ${i}` });
      ids.push(jobId);
    }
    return ids;
  }

  /** A job on a thing group with `things` members (one execution each). */
  fleetJob(jobId: string, things: string[], group = `${jobId}-group`): string {
    const arn = this.group(group, things);
    this.jobsStore.create(jobId, { targets: [arn], document: JSON.stringify({ operation: 'fleet' }), targetSelection: 'SNAPSHOT' });
    return jobId;
  }

  /** A package with versions; `published` of them (the oldest) PUBLISHED, the rest DRAFT. */
  async packageWithVersions(packageName: string, versions: string[], published = versions.length, bucket = 'ota-bench-firmware'): Promise<void> {
    this.s3.createBucket(bucket, 'Enabled');
    if (!this.catalog.packages.has(packageName)) this.catalog.createPackage(packageName, { description: `seeded ${packageName}` }, null);
    for (const [i, v] of versions.entries()) {
      const obj = await this.s3.putBuffer(bucket, `seed/${packageName}/${v}/firmware.bin`, Buffer.from(`${packageName} ${v}`));
      this.catalog.createVersion(packageName, v, { attributes: { version: v }, artifact: { s3Location: { bucket, key: `seed/${packageName}/${v}/firmware.bin`, version: obj.versionId } } }, null);
      if (i < published) this.catalog.updateVersion(packageName, v, { action: 'PUBLISH' });
    }
  }

  /** A Signer profile on the FreeRTOS platform; returns the PEM the device must trust. */
  signingProfile(profileName: string, certname = 'code_sign.crt'): { certificateArn: string; publicKeyPem: string } {
    const cert = this.signer.addCertificate(profileName);
    this.signer.putProfile(profileName, { platformId: 'AmazonFreeRTOS-Default', signingMaterial: { certificateArn: cert.certificateArn }, signingParameters: { certname } });
    return cert;
  }

  get region(): string {
    return this.world.region;
  }
}
