// Huawei IoTDA figures. The emulator runs as its own process (test/bench/huawei-emulator/cli.ts) so
// this process holds only the client side: the provider from the BUILT dist/clouds/huawei.js (as
// the extension loads it), its IoTDA client and the S3 client it uploads to OBS with.
//  - first page of packages and of upgrade tasks (the tree's first expansion); target < 300 ms
//  - publish of a 256 MB image: RSS growth of this process; target < 64 MB; and the upload rate
//  - dist/extension.js holds no Huawei client code (it loads with dist/clouds/huawei.js only)
import { randomBytes } from 'crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudModule } from '../../src/core/clouds/provider';
import { digestFile } from '../../src/core/signing';
import { startCliProcess } from '../bench/kit/cli';
import type { BenchContext, Figure } from './benchTypes';

const MB = 1024 * 1024;

interface Info {
  profile: Record<string, string>;
  credentials: { accessKey: string; secretKey: string };
}

async function writeImage(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = randomBytes(4 * MB);
  for (let done = 0; done < size; done += chunk.length) {
    if (!out.write(chunk.subarray(0, Math.min(chunk.length, size - done)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
};

export async function bench({ root, say, figure }: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const bundle = join(root, 'dist/clouds/huawei.js');
  if (!existsSync(bundle)) throw new Error('dist/clouds/huawei.js is missing: build first');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(bundle) as CloudModule;
  const dir = mkdtempSync(join(tmpdir(), 'otab-huawei-bench-'));
  const { proc, ready: info } = await startCliProcess<Info>(join(root, 'test/bench/huawei-emulator/cli.ts'), ['--seed-packages', '40', '--seed-tasks', '200'], root);
  try {
    const secrets = async (f: string) => (info.credentials as unknown as Record<string, string>)[f];
    const provider = await mod.createProvider(info.profile as never, secrets);
    const [pkgs, pkgMs] = await timed(() => provider.listPackages());
    const [jobs, jobMs] = await timed(() => provider.listJobs());
    const warm: number[] = [];
    for (let i = 0; i < 15; i++) warm.push((await timed(() => provider.listJobs()))[1]);
    warm.sort((a, b) => a - b);
    say(`first pages: ${pkgs.items.length} packages in ${pkgMs.toFixed(1)} ms, ${jobs.items.length} tasks in ${jobMs.toFixed(1)} ms (warm median ${warm[7].toFixed(1)} ms)`);
    figures.push(figure('Huawei first page of packages (40 packages, 120 records), first call', Math.round(pkgMs * 10) / 10, 'ms', 'built bundle + signed IoTDA calls + emulator process; records of all pages grouped by package name; target < 300 ms'));
    figures.push(figure('Huawei first page of upgrade tasks (of 200), after the packages', Math.round(jobMs * 10) / 10, 'ms', 'ListBatchTasks marker paging; target < 300 ms'));
    figures.push(figure('Huawei page of upgrade tasks, warm median', Math.round(warm[7] * 10) / 10, 'ms', '15 calls'));

    const size = 256 * MB;
    const path = join(dir, 'image-256.bin');
    await writeImage(path, size);
    const d = await digestFile(path);
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const t1 = performance.now();
    await provider.publish({ packageName: 'bench-big', version: '9.0.0', artifact: { path, size, sha256Hex: d.sha256Hex, md5Hex: d.md5Hex! } });
    const seconds = (performance.now() - t1) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const growth = (peak - base) / MB;
    say(`256 MB publish to OBS + CreateOtaPackage: RSS +${growth.toFixed(1)} MB, ${(256 / seconds).toFixed(0)} MB/s`);
    figures.push(figure('Huawei publish 256 MB: RSS growth', Math.round(growth * 10) / 10, 'MB', 'peak RSS during the OBS upload (S3-compatible API, multipart 8 MB × 2 in flight) + CreateOtaPackage minus before; target < 64 MB'));
    figures.push(figure('Huawei publish 256 MB: upload rate', Math.round(256 / seconds), 'MB/s', 'to the emulator on loopback'));
    provider.dispose?.();
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
  const ext = join(root, 'dist/extension.js');
  if (existsSync(ext)) {
    const text = readFileSync(ext, 'utf8');
    const markers = ['IotdaClient', 'HuaweiProvider', 'V11-HMAC-SHA256', 'CreateOtaPackage', '@aws-sdk/'].filter((m) => text.includes(m));
    figures.push(figure('Huawei client markers in dist/extension.js', markers.length, 'count', `must be 0 (${markers.join(', ') || 'none found'}); the client loads with dist/clouds/huawei.js only`));
  }
  if (existsSync(bundle)) figures.push(figure('dist/clouds/huawei.js', statSync(bundle).size, 'bytes', 'lazy Huawei bundle (IoTDA client + signer, S3 client and multipart upload for OBS)'));
  return figures;
}
