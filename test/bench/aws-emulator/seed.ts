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

// --- demo history ----------------------------------------------------------------------------------

export interface HistoryOptions {
  /** The moment the history leads up to (default: now). Everything seeded lies in the 6 weeks before. */
  now?: Date;
}

export interface SeededHistory {
  things: string[];
  group: string;
  packages: { name: string; versions: Record<string, 'DRAFT' | 'PUBLISHED' | 'DEPRECATED'> }[];
  jobs: { jobId: string; status: string; executions: Record<string, string> }[];
}

const HISTORY_GROUP = 'demo-fleet';
const HISTORY_NODES = Array.from({ length: 8 }, (_, i) => `demo-node-${String(i + 1).padStart(2, '0')}`);
/** Package → versions oldest first, with the state each ends in. */
const HISTORY_PACKAGES: [string, [string, 'DRAFT' | 'PUBLISHED' | 'DEPRECATED'][]][] = [
  ['demo-sensor-fw', [['0.9.0', 'DEPRECATED'], ['1.0.0', 'PUBLISHED'], ['1.1.0', 'PUBLISHED'], ['1.2.0-rc1', 'DRAFT']]],
  ['demo-gateway-fw', [['2.0.0', 'DEPRECATED'], ['2.1.0', 'PUBLISHED'], ['2.2.0', 'DRAFT']]],
  ['demo-bootloader', [['1.0.0', 'PUBLISHED']]],
];
const HISTORY_JOBS = 36;
const DAY = 24 * 3600_000;
const MINUTE = 60_000;

type HistoryWorld = { seed: Seeder; world: World; jobs: Jobs; catalog: Catalog; things: Things };

/**
 * Gives an emulated account a past to browse: a fleet of 8 things, three packages whose versions
 * ended DRAFT, PUBLISHED or DEPRECATED, and 36 jobs over the last five weeks that ended COMPLETED or
 * CANCELED or are still IN_PROGRESS, with executions SUCCEEDED, FAILED, TIMED_OUT, REJECTED,
 * CANCELED, IN_PROGRESS and QUEUED. Everything goes through the API code paths at past times. The
 * bench thing only gets finished executions, so a new verify job never queues behind history.
 */
export async function seedHistory(emu: HistoryWorld, opts: HistoryOptions = {}): Promise<SeededHistory> {
  const now = opts.now ?? new Date();
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError('seedHistory: `now` must be a valid Date.');
  if (emu.catalog.packages.has(HISTORY_PACKAGES[0][0])) throw new Error('seedHistory: this emulator already has the demo history (seed it once, on a fresh emulator).');
  const { seed, world, jobs, catalog, things } = emu;
  const at = <T>(ms: number, fn: () => T | Promise<T>) => world.atTime(new Date(now.getTime() - ms), fn);
  const nodeArns = HISTORY_NODES.map((n) => seed.thing(n));
  const groupArn = seed.group(HISTORY_GROUP, HISTORY_NODES);

  // Packages: one version every few days, oldest first; deprecations a day after the successor.
  const published: { pkg: string; version: string; arn: string; day: number }[] = [];
  let day = 40;
  for (const [pkg, versions] of HISTORY_PACKAGES) {
    for (const [version, end] of versions) {
      await at(day * DAY, () => seed.packageWithVersions(pkg, [version], end === 'DRAFT' ? 0 : 1));
      if (end !== 'DRAFT') published.push({ pkg, version, arn: catalog.version(pkg, version).packageVersionArn, day });
      day -= 3;
    }
    for (const [version, end] of versions) if (end === 'DEPRECATED') await at((day + 1) * DAY, () => catalog.updateVersion(pkg, version, { action: 'DEPRECATE' }));
  }

  // Jobs: oldest first (ListJobs shows the newest first), one or two a day.
  const bench = things.things.has('bench-board-01') ? 'bench-board-01' : undefined;
  const made: SeededHistory['jobs'] = [];
  for (let i = 0; i < HISTORY_JOBS; i++) {
    const ago = (HISTORY_JOBS - i) * DAY - (i % 3) * 2 * 3600_000;
    // A version that existed by then.
    const released = published.filter((p) => p.day * DAY > ago);
    const target = released[i % released.length];
    const fleet = i % 5 === 4;
    const onBench = bench && i % 9 === 2;
    const width = 3 + (i % 3);
    const chosen = onBench ? [bench] : fleet ? HISTORY_NODES : HISTORY_NODES.slice(i % 4, i % 4 + width);
    const jobId = `${target.pkg.replace(/^demo-/, '')}-${target.version.replace(/\./g, '-')}-${fleet ? 'fleet' : onBench ? 'bench' : 'rollout'}-${String(i + 1).padStart(2, '0')}`;
    const recent = i >= HISTORY_JOBS - 5 && !onBench;
    const canceled = !recent && i % 7 === 3;
    await at(ago, () =>
      jobs.create(jobId, {
        targets: fleet ? [groupArn] : onBench ? [things.thing(bench!).thingArn] : chosen.map((n) => nodeArns[HISTORY_NODES.indexOf(n)]),
        document: JSON.stringify({ operation: 'ota', package: target.pkg, version: target.version }),
        description: `${target.pkg} ${target.version} to ${fleet ? HISTORY_GROUP : chosen.join(', ')}`,
        targetSelection: 'SNAPSHOT',
        destinationPackageVersions: [target.arn],
      }),
    );
    // How each device fared, a few minutes apart: mostly success, with every kind of failure.
    for (const [k, thing] of chosen.entries()) {
      const when = ago - (k + 1) * 7 * MINUTE;
      const fate = recent ? (k % 3 === 0 ? 'QUEUED' : k % 3 === 1 ? 'IN_PROGRESS' : 'SUCCEEDED') : canceled && k > 0 ? 'QUEUED' : (['SUCCEEDED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED', 'TIMED_OUT', 'SUCCEEDED', 'REJECTED'] as const)[(i + k) % 7];
      if (fate === 'QUEUED') continue;
      if (fate === 'REJECTED') {
        await at(when, () => jobs.deviceUpdate(thing, jobId, { status: 'REJECTED', statusDetails: { reason: 'image older than the running firmware' } }));
        continue;
      }
      await at(when, () => jobs.deviceUpdate(thing, jobId, { status: 'IN_PROGRESS', statusDetails: { step: 'downloading' } }));
      if (fate === 'TIMED_OUT') await at(when - 20 * MINUTE, () => jobs.timeOut(jobId, thing));
      else if (fate !== 'IN_PROGRESS') {
        await at(when - 4 * MINUTE, () => jobs.deviceUpdate(thing, jobId, { status: fate, statusDetails: fate === 'FAILED' ? { reason: 'signature check failed' } : { step: 'self-test passed' } }));
      }
    }
    if (canceled) await at(ago - DAY / 2, () => jobs.cancel(jobId, false, { reasonCode: 'OPERATOR_STOPPED', comment: 'Stopped after the first device: wrong image.' }));
    const j = jobs.job(jobId);
    made.push({ jobId, status: j.status, executions: Object.fromEntries([...j.executions.values()].map((e) => [e.thingName, e.status])) });
  }
  return {
    things: HISTORY_NODES,
    group: HISTORY_GROUP,
    packages: HISTORY_PACKAGES.map(([name, versions]) => ({ name, versions: Object.fromEntries(versions) })),
    jobs: made,
  };
}
