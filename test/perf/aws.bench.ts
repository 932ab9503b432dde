// AWS figures. The emulator runs as its own process (test/bench/aws-emulator/cli.ts) so this
// process holds only the client side: the provider, the real SDK clients, the upload.
//  - first page of jobs (1,000 seeded) through the provider: first call (connect + credentials)
//    and warm median; target < 300 ms
//  - publish of a 256 MB image: RSS growth of this process (multipart, 8 MB parts × 2 in flight);
//    target < 64 MB; and the upload rate
//  - dist/extension.js holds no AWS SDK code (the SDK is only in dist/clouds/aws.js)
// The parts the three clouds' benches share are in cloudFigures.ts.
import { IoTClient, ListJobsCommand } from '@aws-sdk/client-iot';
import { createProvider } from '../../src/core/clouds/aws';
import type { BenchContext, Figure } from './benchTypes';
import { bundleFigures, interleavedMedians, publish256, timed, warmMedian, withEmulatorProcess } from './cloudFigures';

interface Info {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  profile: Record<string, string>;
}

export async function bench(ctx: BenchContext): Promise<Figure[]> {
  const { say, figure } = ctx;
  const figures: Figure[] = [];
  await withEmulatorProcess<Info, void>(ctx.root, 'aws', ['--seed-jobs', '1000'], async (info, dir) => {
    const provider = await createProvider(info.profile as never, undefined, { credentials: info.credentials });
    const [first, firstMs] = await timed(() => provider.listJobs({ pageSize: 100 }));
    const warm = await warmMedian(15, () => provider.listJobs({ pageSize: 100 }));
    say(`first page: ${first.items.length} jobs in ${firstMs.toFixed(1)} ms (warm median ${warm.toFixed(1)} ms)`);
    // The limit: the raw SDK call the provider makes, on the same emulator, interleaved with the provider's in this run.
    const raw = new IoTClient({ endpoint: info.endpoint, region: info.profile.region, credentials: info.credentials });
    const { rawMs, viaMs, ratio } = await interleavedMedians(
      () => raw.send(new ListJobsCommand({ maxResults: 100 })),
      () => provider.listJobs({ pageSize: 100 }),
    );
    raw.destroy();
    say(`first page through the provider vs the raw SDK call: ${viaMs.toFixed(1)} / ${rawMs.toFixed(1)} ms = ${ratio.toFixed(2)}×`);
    figures.push(figure('AWS first page: provider / raw SDK ListJobs', Math.round(ratio * 100) / 100, '×', `medians of 21 interleaved calls, same emulator: ${viaMs.toFixed(1)} vs ${rawMs.toFixed(1)} ms; 1.00 = no overhead`));
    figures.push(figure('AWS first page of jobs (100 of 1,000), first call', Math.round(firstMs * 10) / 10, 'ms', 'provider + real SDK + emulator process; includes connect and credentials; target < 300 ms'));
    figures.push(figure('AWS page of jobs, warm median', Math.round(warm * 10) / 10, 'ms', '15 calls'));

    const { growthMb, mbPerSecond } = await publish256(provider, dir, '1.0.0');
    say(`256 MB publish: RSS +${growthMb.toFixed(1)} MB, ${mbPerSecond.toFixed(0)} MB/s`);
    figures.push(figure('AWS publish 256 MB: RSS growth', Math.round(growthMb * 10) / 10, 'MB', 'peak RSS during upload minus before; multipart 8 MB × 2 in flight; target < 64 MB'));
    figures.push(figure('AWS publish 256 MB: upload rate', Math.round(mbPerSecond), 'MB/s', 'to the emulator on loopback, SHA-256 checksums on every part'));
    provider.dispose();
  });
  const markers = ['@aws-sdk/', 'IoTClient', 'S3Client', 'SignerClient', 'SignatureV4'];
  return [...figures, ...bundleFigures(ctx, 'aws', { name: 'AWS SDK', markers, bundleNote: 'lazy AWS bundle (IoT, S3, Signer, credential chain)' })];
}
