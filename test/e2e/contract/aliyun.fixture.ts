// The Alibaba fixture of the provider contract suite: the Alibaba IoT Platform + OSS emulator
// (signature-checking RPC endpoint), the AccessKey from the profile's secrets (as SecretStorage
// gives them), providers from dist/clouds/aliyun.js. Seeding reaches into the emulator's OtaWorld.
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudProvider } from '../../../src/core/clouds/provider';
import { CLIENT_REF_TAG, firmwareName } from '../../../src/core/clouds/aliyun/limits';
import { firmwareDesc } from '../../../src/core/clouds/aliyun/map';
import { encodeCursor } from '../../../src/core/clouds/kit/cursor';
import { digestFile } from '../../../src/core/signing';
import { startAliyunEmulator } from '../../bench/aliyun-emulator/server';
import type { Firmware, Job } from '../../bench/aliyun-emulator/ota';
import { builtProvider } from '../builtBundle';
import type { ContractCloud, ContractFixture, Seeded } from './fixture';

const PK = 'a1Contract01';
const BENCH = 'bench-dev-01';
const KEY_ID = 'LTAIcontract';

export const aliyunFixture: ContractFixture = {
  name: 'aliyun',
  async start(): Promise<ContractCloud> {
    const secret = randomBytes(16).toString('hex');
    const emu = await startAliyunEmulator({ accessKeys: { [KEY_ID]: secret }, devices: [{ productKey: PK, deviceName: BENCH, secret: 'dev', version: '1.0.0' }] });
    const world = emu.world;
    const dir = mkdtempSync(join(tmpdir(), 'otab-contract-aliyun-'));
    const providers: CloudProvider[] = [];
    const secrets = async (field: string) => ({ accessKeyId: KEY_ID, accessKeySecret: secret })[field];
    let n = 0;

    /** A firmware registered as a release would (grouped under `pkg`), with `status`. */
    const firmware = (pkg: string, version: string, status = 0): Firmware => {
      const url = `${emu.url}/oss/ota/firmware/seed-${n++}.bin`;
      const md5 = createHash('md5').update(url).digest('hex');
      world.addUpload({ key: url.slice(url.indexOf('ota/')), url, bytes: 1024, md5, sha256: md5 });
      const fw = world.createFirmware({ FirmwareName: firmwareName(PK, pkg, version), DestVersion: version, FirmwareUrl: url, ProductKey: PK, FirmwareDesc: firmwareDesc(pkg, version) });
      fw.Status = status;
      return fw;
    };
    /** A job record on `fw` with no tasks (lists only). */
    const job = (fw: Firmware, status: Job['JobStatus']): string => {
      const at = new Date().toISOString();
      const j: Job = { JobId: `job${randomBytes(8).toString('hex')}`, FirmwareId: fw.FirmwareId, ProductKey: PK, JobType: 'UPGRADE_FIRMWARE', JobStatus: status, SelectionType: 'STATIC', TargetSelection: 'SPECIFIC', Tags: [], DownloadProtocol: 'HTTPS', UtcCreate: at, UtcModified: at, UtcStartTime: at };
      world.jobs.set(j.JobId, j);
      return j.JobId;
    };
    const ofName = (packageName: string, version: string) => [...world.firmware.values()].find((f) => f.FirmwareName === firmwareName(PK, packageName, version));

    return {
      async provider(overrides = {}) {
        const profile = { kind: 'aliyun', name: 'contract', region: 'cn-shanghai', endpoint: emu.url, productKey: PK, deviceName: BENCH, credentials: 'secrets', ...overrides };
        const p = await builtProvider(profile as Parameters<typeof builtProvider>[0], secrets);
        providers.push(p);
        return p;
      },
      endpointOverrides: (endpoint, seconds) => ({ endpoint, callTimeoutSeconds: seconds }),
      faults: emu.faults,
      actions: { listPackages: 'ListOTAFirmware', createVerifyJob: 'CreateOTAVerifyJob' },
      async seed(prefix, c): Promise<Seeded> {
        const packages = Array.from({ length: c.packages }, (_, i) => `${prefix}-pkg-${String(i).padStart(3, '0')}`);
        const verified = Math.ceil(c.versions / 2);
        const fws = Array.from({ length: c.versions }, (_, i) => firmware(packages[0], `1.0.${i}`, i < verified ? 1 : 0));
        for (const p of packages.slice(1)) firmware(p, '1.0.0');
        const ids = fws.map((f) => f.FirmwareId);
        const home = fws[0];
        // PLANNED: a static job scheduled for later (a running job without tasks would complete at once).
        const jobs = Array.from({ length: c.jobs }, (_, i) => job(home, i % 3 === 0 ? 'CANCELED' : 'PLANNED'));
        const canceled = jobs.filter((_, i) => i % 3 === 0);
        return {
          packages,
          versions: { packageId: packages[0], ids, byStatus: { verified: ids.slice(0, verified), unverified: ids.slice(verified) } },
          jobs: { ids: jobs, byStatus: { canceled, scheduled: jobs.filter((j) => !canceled.includes(j)) }, list: { version: { packageId: packages[0], versionId: home.FirmwareId } } },
        };
      },
      missingJobId: 'jobContractMissing',
      async rejectedAsInvalid(provider) {
        // ListOTATaskByJob refuses CurrentPage × PageSize over 100,000 (iot.common.InvalidPageParams).
        const jobId = job(firmware('ctr-invalid', `9.0.${n}`, 1), 'PLANNED');
        return provider.listExecutions(jobId, { pageSize: 100, next: encodeCursor({ kind: 'page', page: 2000 }) });
      },
      async artifact(packageName, version) {
        const path = join(dir, `${packageName}-${version}.bin`);
        writeFileSync(path, randomBytes(32 * 1024));
        const d = await digestFile(path, { md5: true });
        return { path, size: d.size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex! };
      },
      counts(packageName, version) {
        const fw = ofName(packageName, version);
        const unregistered = [...world.uploads.values()].filter((u) => !u.registered).length;
        const objects = unregistered + [...world.uploads.values()].filter((u) => fw && u.registered === fw.FirmwareId).length;
        const verifyJobs = fw ? [...world.jobs.values()].filter((j) => j.FirmwareId === fw.FirmwareId && (j.JobType === 'VERFIY_FIRMWARE' || j.Tags.some((t) => t.Key === CLIENT_REF_TAG))).length : 0;
        return { objects, versions: fw ? 1 : 0, verifyJobs };
      },
      async busyJob(name) {
        const dn = `${name}-dev`;
        world.addDevice({ productKey: PK, deviceName: dn, secret: 'dev', version: '1.0.0' });
        const fw = firmware(`${name}-pkg`, '2.0.0', 1);
        const j = world.createStaticJob({ FirmwareId: fw.FirmwareId, ProductKey: PK, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': dn, TimeoutInMinutes: '60' });
        world.onProgress(PK, dn, '10'); // the device took it up and is downloading
        return j.JobId;
      },
      async cancelJobExternally(jobId) {
        world.cancelTasks({ JobId: jobId, CancelQueuedTask: 'true', CancelNotifiedTask: 'true', CancelInProgressTask: 'true', CancelUnconfirmedTask: 'true' });
      },
      async close() {
        for (const p of providers) p.dispose?.();
        await emu.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
