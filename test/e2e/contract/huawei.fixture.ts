// The Huawei fixture of the provider contract suite: the IoTDA + OBS emulator (both AK/SK
// signatures and OBS's SigV4 checked), the AK/SK handed over as the editor's SecretStorage would
// (the SecretSource of createProvider), providers from dist/clouds/huawei.js. Seeds go straight
// into the emulator's model; the device side is the model too (no board needed here).
import { randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudProvider } from '../../../src/core/clouds/provider';
import { documentPackageIds } from '../../../src/core/clouds/huawei/wire';
import { digestFile } from '../../../src/core/signing';
import { HUAWEI_DEFAULTS, startHuaweiEmulator } from '../../bench/huawei-emulator';
import { builtProvider } from '../builtBundle';
import type { ContractCloud, ContractFixture, Seeded } from './fixture';

const info = (pkg: string) => JSON.stringify({ ota_bench: { package: pkg } });
const obsLocation = (key: string) => ({ region_name: 'cn-north-4', bucket_name: HUAWEI_DEFAULTS.bucket, object_key: key, sign: 'a'.repeat(64) });

export const huaweiFixture: ContractFixture = {
  name: 'huawei',
  async start(): Promise<ContractCloud> {
    const hw = await startHuaweiEmulator({ detailTimeoutMs: 600_000 });
    const dir = mkdtempSync(join(tmpdir(), 'otab-contract-huawei-'));
    const secrets = async (field: string) => (hw.credentials as unknown as Record<string, string | undefined>)[field];
    const providers: CloudProvider[] = [];
    const m = hw.model;
    const pkgRecord = (pkg: string, version: string) =>
      m.createPackage({ package_type: 'firmwarePackage', product_id: HUAWEI_DEFAULTS.productId, version, custom_info: info(pkg), file_location: { obs_location: obsLocation(`seed/${pkg}/${version}.bin`) } }, HUAWEI_DEFAULTS.appId);
    const device = (id: string, online = false) => {
      if (!m.devices.has(id)) m.addDevice({ device_id: id, product_id: HUAWEI_DEFAULTS.productId, app_id: HUAWEI_DEFAULTS.appId, secret: 'contract-secret-1' });
      if (online) m.setOnline(id, true);
    };
    const task = (name: string, packageId: string, target: string) => m.createTask({ task_name: name.replace(/-/g, '_'), task_type: 'firmwareUpgrade', targets: [target], document: { package_ids: [packageId] } }, HUAWEI_DEFAULTS.appId).task_id;
    return {
      async provider(overrides = {}) {
        const p = await builtProvider({ ...hw.profile('contract'), ...overrides } as Parameters<typeof builtProvider>[0], secrets);
        providers.push(p);
        return p;
      },
      endpointOverrides: (endpoint, seconds) => ({ endpoint, callTimeoutSeconds: seconds }),
      faults: hw.faults,
      actions: { listPackages: 'ListOtaPackageInfo', createVerifyJob: 'CreateBatchTask' },
      async seed(prefix, c): Promise<Seeded> {
        const packages = Array.from({ length: c.packages }, (_, i) => `${prefix}-pkg-${String(i).padStart(3, '0')}`);
        // Each IoTDA record is one version: the first package gets `versions`, every other one.
        const ids = Array.from({ length: c.versions }, (_, i) => pkgRecord(packages[0], `${prefix}.1.0.${i}`).package_id);
        for (const p of packages.slice(1)) pkgRecord(p, `${p}.1`);
        const dev = `${prefix}-dev`;
        device(dev); // offline: its tasks wait
        const jobs = Array.from({ length: c.jobs }, (_, i) => task(`${prefix}_job_${i}`, ids[0], dev));
        const canceled = jobs.filter((_, i) => i % 3 === 0);
        for (const j of canceled) m.stop(j);
        return {
          packages,
          versions: { packageId: packages[0], ids, byStatus: { published: ids } },
          jobs: { ids: jobs, byStatus: { canceled, scheduled: jobs.filter((j) => !canceled.includes(j)) }, list: {} },
        };
      },
      missingJobId: 'ffff0000ffff0000ffff0000',
      async rejectedAsInvalid(provider) {
        // IoTDA has nothing to stop in a task that ended (Success).
        const p = pkgRecord('ctr-done', `ctr-done.${randomBytes(3).toString('hex')}`);
        device('ctr-done-dev');
        const id = task('ctr_done', p.package_id, 'ctr-done-dev');
        const rec = m.task(id);
        rec.details[0].status = 'Success';
        (m as unknown as { rollup(r: unknown): void }).rollup(rec);
        return provider.cancelJob(id);
      },
      async artifact(packageName, version) {
        const path = join(dir, `${packageName}-${version}.bin`);
        writeFileSync(path, randomBytes(32 * 1024));
        const d = await digestFile(path, { md5: true });
        return { path, size: d.size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex! };
      },
      counts(packageName, version) {
        const bucket = hw.obs.store.buckets.get(HUAWEI_DEFAULTS.bucket);
        const objects = [...(bucket?.objects.entries() ?? [])].filter(([k]) => k.includes(`/${packageName}/${version}/`)).reduce((a, [, v]) => a + v.length, 0);
        const records = [...m.packages.values()].filter((p) => p.version === version && p.custom_info?.includes(`"package":"${packageName}"`));
        const ids = new Set(records.map((p) => p.package_id));
        const verifyJobs = [...m.tasks.values()].filter((t) => documentPackageIds(t.task.document).some((id) => ids.has(id))).length;
        return { objects, versions: records.length, verifyJobs };
      },
      async busyJob(name) {
        const p = pkgRecord(`busy-${name}`, `busy.${name}.${randomBytes(3).toString('hex')}`);
        device(`${name}-dev`);
        const id = task(`busy_${name}`, p.package_id, `${name}-dev`);
        device(`${name}-dev`, true); // online: the platform sends the upgrade and the subtask runs
        return id;
      },
      async cancelJobExternally(jobId) {
        m.stop(jobId);
      },
      async close() {
        for (const p of providers) p.dispose?.();
        await hw.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
