// An AWS IoT + S3 + Signer emulator on 127.0.0.1 that the real AWS SDK clients talk to unchanged
// (endpoint override, fake credentials, forcePathStyle for S3), plus the MQTT broker devices use.
//
//   const aws = await startAwsEmulator();
//   new IoTClient({ region: aws.region, endpoint: aws.endpoint, credentials: aws.credentials });
//   aws.faults.throttleNext(5); aws.seed.jobs(1000); await aws.close();

import { mkdtemp } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { presignGet, SigV4Verifier, type Credentials, type KnownKey } from './auth';
import { Faults, type RequestRecord } from '../kit';
import { Catalog } from './iot/catalog';
import { Documents } from './iot/documents';
import { Jobs } from './iot/jobs';
import { OtaUpdates } from './iot/ota';
import { Things } from './iot/things';
import { ACCOUNT, World } from './iot/world';
import { JobsGateway } from './mqtt';
import { S3Store } from './s3';
import { startAwsServer } from './server';
import { SignerService } from './signer';
import { Seeder } from './seed';

export type { Credentials } from './auth';
export type { RequestRecord } from '../kit';
export { Faults } from '../kit';

export interface AwsEmulatorOptions {
  port?: number;
  mqttPort?: number;
  region?: string;
  /** Length of an emulated minute in ms (job in-progress timeouts). Default 60000. */
  minuteMs?: number;
  /** How long Signer jobs stay InProgress (ms). */
  signingDelayMs?: number;
  /** Create the default bucket, bench thing and role (default true). */
  defaults?: boolean;
}

export const DEFAULTS = {
  bucket: 'ota-bench-firmware',
  thingName: 'bench-board-01',
  roleArn: `arn:aws:iam::${ACCOUNT}:role/ota-bench-role`,
};

export interface AwsEmulator {
  endpoint: string;
  mqttUrl: string;
  region: string;
  accountId: string;
  /** Valid fake credentials (the SDK signs with them; the emulator checks). */
  credentials: Credentials;
  /** Credentials the emulator knows but treats as expired (ExpiredTokenException). */
  expiredCredentials: Credentials;
  faults: Faults;
  seed: Seeder;
  /** Every HTTP request served (service, method, path, status, ms, injected fault). */
  requests: RequestRecord[];
  world: World;
  things: Things;
  catalog: Catalog;
  jobs: Jobs;
  ota: OtaUpdates;
  s3: S3Store;
  signer: SignerService;
  gateway: JobsGateway;
  /** Non-secret profile fields that point the extension at this emulator. */
  profile(name?: string): { kind: 'aws'; name: string; region: string; endpoint: string; bucket: string; thingName: string; roleArn: string };
  close(): Promise<void>;
}

export async function startAwsEmulator(opts: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  const region = opts.region ?? 'us-east-1';
  const world = new World(region, opts.minuteMs ?? 60_000);
  const credentials: Credentials = { accessKeyId: 'AKIAEMULATOR00000001', secretAccessKey: 'emulator/secret/key/0000000000000000000001' };
  const expiredCredentials: Credentials = { accessKeyId: 'ASIAEMULATOREXPIRED1', secretAccessKey: 'emulator/expired/key/00000000000000000002', sessionToken: 'expired-session' };
  const role: Credentials = { accessKeyId: 'ASIAEMULATORROLE0001', secretAccessKey: 'emulator/role/key/0000000000000000000003' };
  const keys = new Map<string, KnownKey>([
    [credentials.accessKeyId, credentials],
    [expiredCredentials.accessKeyId, { ...expiredCredentials, expired: true }],
    [role.accessKeyId, role],
  ]);
  const s3 = new S3Store(await mkdtemp(join(tmpdir(), 'aws-emulator-s3-')));
  const things = new Things(world);
  const catalog = new Catalog(world, s3);
  const jobs = new Jobs(world, things, catalog);
  const signer = new SignerService(region, ACCOUNT, s3, opts.signingDelayMs);
  const ota = new OtaUpdates(world, jobs, s3, signer);
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  let endpoint = '';
  const documents = new Documents(catalog, (bucket, key, creds, expires) => presignGet(endpoint, bucket, key, creds, region, expires), role);
  const seed = new Seeder(world, things, catalog, jobs, s3, signer);

  // Faults (/__admin/faults) are the kit's; the AWS admin routes add seeding and a state dump.
  const admin = (method: string, path: string, body: unknown): unknown => {
    const b = (body ?? {}) as { jobs?: number };
    if (path === '/seed/jobs' && method === 'POST') return { created: seed.jobs(b.jobs ?? 100).length };
    throw new Error(`unknown admin route ${method} ${path}`);
  };
  const state = () => ({
    things: [...things.things.keys()],
    packages: [...catalog.packages.values()].map((p) => ({ name: p.packageName, versions: [...p.versions.values()].map((v) => `${v.versionName}:${v.status}`) })),
    jobs: [...jobs.jobs.values()].slice(-20).map((j) => ({ jobId: j.jobId, status: j.status, executions: [...j.executions.values()].map((e) => `${e.thingName}:${e.status}`) })),
    requests: requests.length,
  });

  const server = await startAwsServer({ things, catalog, jobs, ota, documents, s3, signer, faults, verifier: new SigV4Verifier(keys), state, admin }, requests, opts.port);
  endpoint = server.url;
  const gateway = new JobsGateway(world, jobs, things, documents);
  await gateway.start(opts.mqttPort ?? 0);

  if (opts.defaults !== false) {
    s3.createBucket(DEFAULTS.bucket, 'Enabled');
    things.create(DEFAULTS.thingName);
  }

  let closed = false;
  return {
    endpoint,
    mqttUrl: gateway.url,
    region,
    accountId: ACCOUNT,
    credentials,
    expiredCredentials,
    faults,
    seed,
    requests,
    world,
    things,
    catalog,
    jobs,
    ota,
    s3,
    signer,
    gateway,
    profile: (name = 'emulator') => ({ kind: 'aws', name, region, endpoint, bucket: DEFAULTS.bucket, thingName: DEFAULTS.thingName, roleArn: DEFAULTS.roleArn }),
    async close() {
      if (closed) return;
      closed = true;
      jobs.close();
      signer.close();
      await server.close();
      await gateway.close();
      await s3.close();
    },
  };
}
