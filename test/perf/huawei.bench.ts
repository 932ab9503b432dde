// Huawei IoTDA figures. The emulator runs as its own process (test/bench/huawei-emulator/cli.ts) so
// this process holds only the client side: the provider from the BUILT dist/clouds/huawei.js (as
// the extension loads it), its IoTDA client and the S3 client it uploads to OBS with.
//  - first page of packages and of upgrade tasks (the tree's first expansion); target < 300 ms
//  - publish of a 256 MB image: RSS growth of this process; target < 64 MB; and the upload rate
//  - dist/extension.js holds no Huawei client code (it loads with dist/clouds/huawei.js only)
// The parts the three clouds' benches share are in cloudFigures.ts.
import { existsSync } from 'fs';
import { join } from 'path';
import type { CloudModule } from '../../src/core/clouds/provider';
import type { BenchContext, Figure } from './benchTypes';
import { bundleFigures, publish256, timed, warmMedian, withEmulatorProcess } from './cloudFigures';

interface Info {
  profile: Record<string, string>;
  credentials: { accessKey: string; secretKey: string };
}

export async function bench(ctx: BenchContext): Promise<Figure[]> {
  const { say, figure } = ctx;
  const figures: Figure[] = [];
  const bundle = join(ctx.root, 'dist/clouds/huawei.js');
  if (!existsSync(bundle)) throw new Error('dist/clouds/huawei.js is missing: build first');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(bundle) as CloudModule;
  await withEmulatorProcess<Info, void>(ctx.root, 'huawei', ['--seed-packages', '40', '--seed-tasks', '200'], async (info, dir) => {
    const secrets = async (f: string) => (info.credentials as unknown as Record<string, string>)[f];
    const provider = await mod.createProvider(info.profile as never, secrets);
    const [pkgs, pkgMs] = await timed(() => provider.listPackages());
    const [jobs, jobMs] = await timed(() => provider.listJobs());
    const warm = await warmMedian(15, () => provider.listJobs());
    say(`first pages: ${pkgs.items.length} packages in ${pkgMs.toFixed(1)} ms, ${jobs.items.length} tasks in ${jobMs.toFixed(1)} ms (warm median ${warm.toFixed(1)} ms)`);
    figures.push(figure('Huawei first page of packages (40 packages, 120 records), first call', Math.round(pkgMs * 10) / 10, 'ms', 'built bundle + signed IoTDA calls + emulator process; records of all pages grouped by package name; target < 300 ms'));
    figures.push(figure('Huawei first page of upgrade tasks (of 200), after the packages', Math.round(jobMs * 10) / 10, 'ms', 'ListBatchTasks marker paging; target < 300 ms'));
    figures.push(figure('Huawei page of upgrade tasks, warm median', Math.round(warm * 10) / 10, 'ms', '15 calls'));

    const { growthMb, mbPerSecond } = await publish256(provider, dir, '9.0.0');
    say(`256 MB publish to OBS + CreateOtaPackage: RSS +${growthMb.toFixed(1)} MB, ${mbPerSecond.toFixed(0)} MB/s`);
    figures.push(figure('Huawei publish 256 MB: RSS growth', Math.round(growthMb * 10) / 10, 'MB', 'peak RSS during the OBS upload (S3-compatible API, multipart 8 MB × 2 in flight) + CreateOtaPackage minus before; target < 64 MB'));
    figures.push(figure('Huawei publish 256 MB: upload rate', Math.round(mbPerSecond), 'MB/s', 'to the emulator on loopback'));
    provider.dispose?.();
  });
  const markers = ['IotdaClient', 'HuaweiProvider', 'V11-HMAC-SHA256', 'CreateOtaPackage', '@aws-sdk/'];
  return [...figures, ...bundleFigures(ctx, 'huawei', { name: 'Huawei client', markers, bundleNote: 'lazy Huawei bundle (IoTDA client + signer, S3 client and multipart upload for OBS)' })];
}
