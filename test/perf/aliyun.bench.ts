// Alibaba figures. The emulator runs as its own process (test/bench/aliyun-emulator/cli.ts, 500
// firmware seeded: the most one instance holds) so this process holds only the client side.
//  - first tree page (Firmware → packages: the firmware list read whole, 5 pages of 100, then grouped)
//    through the provider: first call (connect + credentials) and warm median; target < 300 ms;
//    and one ListOTAFirmware page through the provider's client against the official
//    @alicloud/openapi-client on the same emulator (signing + call overhead)
//  - publish of a 256 MB image (OSS POST streamed from disk): RSS growth of this process; target < 64 MB
//  - dist/extension.js holds no Alibaba client code; the size of dist/clouds/aliyun.js
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { randomBytes } from 'crypto';
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import { createProvider } from '../../src/core/clouds/aliyun';
import type { CloudProfile } from '../../src/core/profiles';
import { digestFile } from '../../src/core/signing';
import { startCliProcess } from '../bench/kit/cli';
import type { BenchContext, Figure } from './benchTypes';

const MB = 1024 * 1024;
type Info = { endpoint: string; credentials: { accessKeyId: string; accessKeySecret: string }; profile: Record<string, string> };

async function writeImage(path: string, size: number): Promise<void> {
  const out = createWriteStream(path);
  const chunk = randomBytes(4 * MB);
  for (let done = 0; done < size; done += chunk.length) {
    if (!out.write(chunk.subarray(0, Math.min(chunk.length, size - done)))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function bench({ root, say, figure }: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'otab-aliyun-bench-'));
  const { proc, ready: info } = await startCliProcess<Info>(join(root, 'test/bench/aliyun-emulator/cli.ts'), ['--seed-firmware', '500'], root);
  try {
    const secrets = async (f: string) => ({ accessKeyId: info.credentials.accessKeyId, accessKeySecret: info.credentials.accessKeySecret })[f];
    const provider = await createProvider({ ...info.profile, name: 'bench', credentials: 'secrets' } as unknown as CloudProfile, secrets);
    const t0 = performance.now();
    const first = await provider.listPackages({ pageSize: 50 });
    const firstMs = performance.now() - t0;
    const warm: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      await provider.listPackages({ pageSize: 50 });
      warm.push(performance.now() - t);
    }
    say(`first tree page: ${first.items.length} packages of 500 firmware in ${firstMs.toFixed(1)} ms (warm median ${median(warm).toFixed(1)} ms)`);
    figures.push(figure('Alibaba first tree page (Firmware: 500 firmware read, grouped), first call', Math.round(firstMs * 10) / 10, 'ms', '5 ListOTAFirmware pages of 100 at ≤ 10 QPS + emulator process; includes connect and credentials; target < 300 ms'));
    figures.push(figure('Alibaba first tree page, warm median', Math.round(median(warm) * 10) / 10, 'ms', '9 calls'));

    // One page: the provider's own client (ACS3 signer + RPC) against the official client, interleaved.
    const official = new OpenApi(new $OpenApi.Config({ accessKeyId: info.credentials.accessKeyId, accessKeySecret: info.credentials.accessKeySecret, endpoint: info.endpoint.replace('http://', ''), protocol: 'http' }));
    const params = new $OpenApi.Params({ action: 'ListOTAFirmware', version: '2018-01-20', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    const rawCall = () => official.callApi(params, new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query({ CurrentPage: 1, PageSize: 100 }) }), new $Util.RuntimeOptions({}));
    const ours = (provider as unknown as { ctx: { client: { call: (a: string, r: object, o: object) => Promise<unknown> } } }).ctx.client;
    const viaCall = () => ours.call('ListOTAFirmware', { CurrentPage: 1, PageSize: 100 }, { what: 'bench' });
    await rawCall();
    const rawMs: number[] = [];
    const viaMs: number[] = [];
    for (let i = 0; i < 21; i++) {
      let t = performance.now();
      await rawCall();
      rawMs.push(performance.now() - t);
      t = performance.now();
      await viaCall();
      viaMs.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 100)); // stay inside 10 QPS so the limiter never waits
    }
    const ratio = median(viaMs) / median(rawMs);
    say(`one ListOTAFirmware page, our client vs the official client: ${median(viaMs).toFixed(1)} / ${median(rawMs).toFixed(1)} ms = ${ratio.toFixed(2)}×`);
    figures.push(figure('Alibaba ListOTAFirmware page: our client / official @alicloud/openapi-client', Math.round(ratio * 100) / 100, '×', `medians of 21 interleaved calls, same emulator: ${median(viaMs).toFixed(1)} vs ${median(rawMs).toFixed(1)} ms; 1.00 = no overhead`));

    const size = 256 * MB;
    const path = join(dir, 'image-256.bin');
    await writeImage(path, size);
    const d = await digestFile(path, { md5: true });
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
    figures.push(figure('Alibaba publish 256 MB: RSS growth', Math.round(growth * 10) / 10, 'MB', 'peak RSS during the OSS POST (streamed from disk, 256 KB reads, back-pressure) minus before; target < 64 MB'));
    figures.push(figure('Alibaba publish 256 MB: upload rate', Math.round(256 / seconds), 'MB/s', 'multipart form POST to the emulator on loopback'));
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }

  const ext = join(root, 'dist/extension.js');
  const bundle = join(root, 'dist/clouds/aliyun.js');
  if (existsSync(ext)) {
    const text = readFileSync(ext, 'utf8');
    const markers = ['@alicloud/', 'ACS3-HMAC-SHA256', 'GenerateOTAUploadURL', 'CLIProfileCredentialsProvider'].filter((m) => text.includes(m));
    say(`dist/extension.js Alibaba client markers: ${markers.join(', ') || 'none'}`);
    figures.push(figure('Alibaba client markers in dist/extension.js', markers.length, 'count', `must be 0 (${markers.join(', ') || 'none found'}); the client loads with dist/clouds/aliyun.js only`));
  }
  if (existsSync(bundle)) figures.push(figure('dist/clouds/aliyun.js', statSync(bundle).size, 'bytes', 'lazy Alibaba bundle (own ACS3 client, OSS POST, @alicloud/credentials chain)'));
  return figures;
}
