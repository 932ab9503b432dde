// AWS figures. The emulator runs as its own process (test/bench/aws-emulator/cli.ts) so this
// process holds only the client side: the provider, the real SDK clients, the upload.
//  - first page of jobs (1,000 seeded) through the provider: first call (connect + credentials)
//    and warm median; target < 300 ms
//  - publish of a 256 MB image: RSS growth of this process (multipart, 8 MB parts × 2 in flight);
//    target < 64 MB; and the upload rate
//  - dist/extension.js holds no AWS SDK code (the SDK is only in dist/clouds/aws.js)
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { randomBytes } from 'crypto';
import { IoTClient, ListJobsCommand } from '@aws-sdk/client-iot';
import { createProvider } from '../../src/core/clouds/aws';
import { digestFile } from '../../src/core/signing';
import { startCliProcess } from '../bench/kit/cli';
import type { BenchContext, Figure } from './benchTypes';

type Ctx = BenchContext;

const MB = 1024 * 1024;

interface Info {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  profile: Record<string, string>;
}

async function writeImage(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = randomBytes(4 * MB);
  for (let done = 0; done < size; done += chunk.length) {
    if (!out.write(chunk.subarray(0, Math.min(chunk.length, size - done)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

export async function bench({ root, say, figure }: Ctx): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'otab-aws-bench-'));
  const { proc, ready: info } = await startCliProcess<Info>(join(root, 'test/bench/aws-emulator/cli.ts'), ['--seed-jobs', '1000'], root);
  try {
    const provider = await createProvider(info.profile as never, undefined, { credentials: info.credentials });
    const t0 = performance.now();
    const first = await provider.listJobs({ pageSize: 100 });
    const firstMs = performance.now() - t0;
    const warm: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await provider.listJobs({ pageSize: 100 });
      warm.push(performance.now() - t);
    }
    warm.sort((a, b) => a - b);
    say(`first page: ${first.items.length} jobs in ${firstMs.toFixed(1)} ms (warm median ${warm[7].toFixed(1)} ms)`);
    // The limit: the raw SDK call the provider makes, on the same emulator, interleaved with the provider's in this run.
    const raw = new IoTClient({ endpoint: info.endpoint, region: info.profile.region, credentials: info.credentials });
    await raw.send(new ListJobsCommand({ maxResults: 100 }));
    const rawMs: number[] = [];
    const viaMs: number[] = [];
    for (let i = 0; i < 21; i++) {
      let t = performance.now();
      await raw.send(new ListJobsCommand({ maxResults: 100 }));
      rawMs.push(performance.now() - t);
      t = performance.now();
      await provider.listJobs({ pageSize: 100 });
      viaMs.push(performance.now() - t);
    }
    raw.destroy();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(viaMs) / median(rawMs);
    say(`first page through the provider vs the raw SDK call: ${median(viaMs).toFixed(1)} / ${median(rawMs).toFixed(1)} ms = ${ratio.toFixed(2)}×`);
    figures.push(figure('AWS first page: provider / raw SDK ListJobs', Math.round(ratio * 100) / 100, '×', `medians of 21 interleaved calls, same emulator: ${median(viaMs).toFixed(1)} vs ${median(rawMs).toFixed(1)} ms; 1.00 = no overhead`));
    figures.push(figure('AWS first page of jobs (100 of 1,000), first call', Math.round(firstMs * 10) / 10, 'ms', 'provider + real SDK + emulator process; includes connect and credentials; target < 300 ms'));
    figures.push(figure('AWS page of jobs, warm median', Math.round(warm[7] * 10) / 10, 'ms', '15 calls'));

    const size = 256 * MB;
    const path = join(dir, 'image-256.bin');
    await writeImage(path, size);
    const d = await digestFile(path);
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t1 = performance.now();
    await provider.publish({ packageName: 'bench-big', version: '1.0.0', artifact: { path, size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex! } });
    const seconds = (performance.now() - t1) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = (peak - base) / MB;
    say(`256 MB publish: RSS +${growth.toFixed(1)} MB, ${(256 / seconds).toFixed(0)} MB/s`);
    figures.push(figure('AWS publish 256 MB: RSS growth', Math.round(growth * 10) / 10, 'MB', 'peak RSS during upload minus before; multipart 8 MB × 2 in flight; target < 64 MB'));
    figures.push(figure('AWS publish 256 MB: upload rate', Math.round(256 / seconds), 'MB/s', 'to the emulator on loopback, SHA-256 checksums on every part'));
    provider.dispose();
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  const ext = join(root, 'dist/extension.js');
  const aws = join(root, 'dist/clouds/aws.js');
  if (existsSync(ext)) {
    const text = readFileSync(ext, 'utf8');
    const markers = ['@aws-sdk/', 'IoTClient', 'S3Client', 'SignerClient', 'SignatureV4'].filter((m) => text.includes(m));
    say(`dist/extension.js AWS SDK markers: ${markers.join(', ') || 'none'}`);
    figures.push(figure('AWS SDK markers in dist/extension.js', markers.length, 'count', `must be 0 (${markers.join(', ') || 'none found'}); the SDK loads with dist/clouds/aws.js only`));
  }
  if (existsSync(aws)) figures.push(figure('dist/clouds/aws.js', statSync(aws).size, 'bytes', 'lazy AWS bundle (IoT, S3, Signer, credential chain)'));
  return figures;
}
