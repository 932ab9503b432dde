// The AWS fixture of the provider contract suite: the AWS emulator, credentials in shared profile
// files read by the SDK's own chain, providers from dist/clouds/aws.js.
import { generateKeyPairSync, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudProvider } from '../../../src/core/clouds/provider';
import { digestFile, parseSigningKey } from '../../../src/core/signing';
import { DEFAULTS, startAwsEmulator } from '../../bench/aws-emulator';
import { useAwsProfileFiles } from '../../integration/support/awsCredentials';
import { builtProvider } from '../builtBundle';
import type { ContractCloud, ContractFixture, Seeded } from './fixture';

const AWS_PROFILE = 'otab-contract';

export const awsFixture: ContractFixture = {
  name: 'aws',
  async start(): Promise<ContractCloud> {
    const aws = await startAwsEmulator();
    const dir = mkdtempSync(join(tmpdir(), 'otab-contract-aws-'));
    const restoreEnv = useAwsProfileFiles(join(dir, 'aws'), AWS_PROFILE, aws.credentials, aws.region);
    const key = parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 'contract');
    const providers: CloudProvider[] = [];
    let n = 0;
    const busy = (name: string, jobId: string, description: string) => {
      aws.seed.thing(name);
      aws.jobs.create(jobId, { targets: [aws.things.thing(name).thingArn], document: '{}', description });
    };
    return {
      async provider(overrides = {}) {
        const p = await builtProvider({ ...aws.profile('contract'), awsProfile: AWS_PROFILE, ...overrides } as Parameters<typeof builtProvider>[0]);
        providers.push(p);
        return p;
      },
      endpointOverrides: (endpoint, seconds) => ({ endpoint, callTimeoutSeconds: seconds }),
      faults: aws.faults,
      actions: { listPackages: 'ListPackages', createVerifyJob: 'CreateJob' },
      async seed(prefix, c): Promise<Seeded> {
        const packages = Array.from({ length: c.packages }, (_, i) => `${prefix}-pkg-${String(i).padStart(3, '0')}`);
        const versions = Array.from({ length: c.versions }, (_, i) => `1.0.${i}`);
        const published = Math.ceil(c.versions / 2);
        await aws.seed.packageWithVersions(packages[0], versions, published);
        for (const p of packages.slice(1)) aws.catalog.createPackage(p, { description: 'contract' }, null);
        const jobs = aws.seed.jobs(c.jobs, { prefix: `${prefix}-job`, thing: `${prefix}-thing` });
        const canceled = jobs.filter((_, i) => i % 3 === 0);
        for (const j of canceled) aws.jobs.cancel(j, false, {});
        return {
          packages,
          versions: { packageId: packages[0], ids: versions, byStatus: { published: versions.slice(0, published), draft: versions.slice(published) } },
          jobs: { ids: jobs, byStatus: { canceled, 'in-progress': jobs.filter((j) => !canceled.includes(j)) }, list: {} },
        };
      },
      missingJobId: 'contract-no-such-job',
      async rejectedAsInvalid(provider) {
        // AWS refuses to cancel a COMPLETED job (InvalidRequestException).
        const jobId = `contract-done-${n++}`;
        busy('contract-done-thing', jobId, 'done');
        aws.jobs.deviceUpdate('contract-done-thing', jobId, { status: 'SUCCEEDED' });
        return provider.cancelJob(jobId);
      },
      async artifact(packageName, version) {
        const path = join(dir, `${packageName}-${version}.bin`);
        writeFileSync(path, randomBytes(32 * 1024));
        const d = await digestFile(path, { key, md5: true });
        return { path, size: d.size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex!, signature: d.signature, signatureAlgorithm: 'ECDSA' };
      },
      counts(packageName, version) {
        const bucket = aws.s3.bucket(DEFAULTS.bucket);
        const objects = [...bucket.objects.entries()].filter(([k]) => k.includes(`/${packageName}/${version}/`)).reduce((a, [, v]) => a + v.length, 0);
        const versions = aws.catalog.packages.get(packageName)?.versions.has(version) ? 1 : 0;
        const verifyJobs = [...aws.jobs.jobs.values()].filter((j) => j.description?.includes(`${packageName}@${version} `)).length;
        return { objects, versions, verifyJobs };
      },
      async busyJob(name) {
        const jobId = `contract-busy-${name}`;
        busy(`${name}-thing`, jobId, `busy ${name}`);
        aws.jobs.deviceUpdate(`${name}-thing`, jobId, { status: 'IN_PROGRESS', statusDetails: { receive: '1/8' } });
        return jobId;
      },
      async cancelJobExternally(jobId) {
        aws.jobs.cancel(jobId, false, { comment: 'cancelled from the console' });
      },
      async close() {
        for (const p of providers) p.dispose?.();
        restoreEnv();
        await aws.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
