// Alibaba figures. The emulator runs as its own process (test/bench/aliyun-emulator/cli.ts, 500
// firmware seeded: the most one instance holds) so this process holds only the client side.
//  - first tree page (Firmware → packages: the firmware list read whole, 5 pages of 100, then grouped)
//    through the provider: first call (connect + credentials) and warm median; target < 300 ms;
//    and one ListOTAFirmware page through the provider's client against the official
//    @alicloud/openapi-client on the same emulator (signing + call overhead)
//  - publish of a 256 MB image (OSS POST streamed from disk): RSS growth of this process; target < 64 MB
//  - dist/extension.js holds no Alibaba client code; the size of dist/clouds/aliyun.js
// The parts the three clouds' benches share are in cloudFigures.ts.
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import { createProvider } from '../../src/core/clouds/aliyun';
import type { CloudProfile } from '../../src/core/profiles';
import type { BenchContext, Figure } from './benchTypes';
import { bundleFigures, interleavedMedians, publish256, timed, warmMedian, withEmulatorProcess } from './cloudFigures';

type Info = { endpoint: string; credentials: { accessKeyId: string; accessKeySecret: string }; profile: Record<string, string> };

export async function bench(ctx: BenchContext): Promise<Figure[]> {
  const { say, figure } = ctx;
  const figures: Figure[] = [];
  await withEmulatorProcess<Info, void>(ctx.root, 'aliyun', ['--seed-firmware', '500'], async (info, dir) => {
    const secrets = async (f: string) => ({ accessKeyId: info.credentials.accessKeyId, accessKeySecret: info.credentials.accessKeySecret })[f];
    const provider = await createProvider({ ...info.profile, name: 'bench', credentials: 'secrets' } as unknown as CloudProfile, secrets);
    const [first, firstMs] = await timed(() => provider.listPackages({ pageSize: 50 }));
    const warm = await warmMedian(9, () => provider.listPackages({ pageSize: 50 }));
    say(`first tree page: ${first.items.length} packages of 500 firmware in ${firstMs.toFixed(1)} ms (warm median ${warm.toFixed(1)} ms)`);
    figures.push(figure('Alibaba first tree page (Firmware: 500 firmware read, grouped), first call', Math.round(firstMs * 10) / 10, 'ms', '5 ListOTAFirmware pages of 100 at ≤ 10 QPS + emulator process; includes connect and credentials; target < 300 ms'));
    figures.push(figure('Alibaba first tree page, warm median', Math.round(warm * 10) / 10, 'ms', '9 calls'));

    // One page: the provider's own client (ACS3 signer + RPC) against the official client, interleaved.
    const official = new OpenApi(new $OpenApi.Config({ accessKeyId: info.credentials.accessKeyId, accessKeySecret: info.credentials.accessKeySecret, endpoint: info.endpoint.replace('http://', ''), protocol: 'http' }));
    const params = new $OpenApi.Params({ action: 'ListOTAFirmware', version: '2018-01-20', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    const rawCall = () => official.callApi(params, new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query({ CurrentPage: 1, PageSize: 100 }) }), new $Util.RuntimeOptions({}));
    const ours = (provider as unknown as { ctx: { client: { call: (a: string, r: object, o: object) => Promise<unknown> } } }).ctx.client;
    const viaCall = () => ours.call('ListOTAFirmware', { CurrentPage: 1, PageSize: 100 }, { what: 'bench' });
    // 100 ms after each pair: stay inside 10 QPS so the limiter never waits.
    const { rawMs, viaMs, ratio } = await interleavedMedians(rawCall, viaCall, 100);
    say(`one ListOTAFirmware page, our client vs the official client: ${viaMs.toFixed(1)} / ${rawMs.toFixed(1)} ms = ${ratio.toFixed(2)}×`);
    figures.push(figure('Alibaba ListOTAFirmware page: our client / official @alicloud/openapi-client', Math.round(ratio * 100) / 100, '×', `medians of 21 interleaved calls, same emulator: ${viaMs.toFixed(1)} vs ${rawMs.toFixed(1)} ms; 1.00 = no overhead`));

    const { growthMb, mbPerSecond } = await publish256(provider, dir, '1.0.0');
    say(`256 MB publish: RSS +${growthMb.toFixed(1)} MB, ${mbPerSecond.toFixed(0)} MB/s`);
    figures.push(figure('Alibaba publish 256 MB: RSS growth', Math.round(growthMb * 10) / 10, 'MB', 'peak RSS during the OSS POST (streamed from disk, 256 KB reads, back-pressure) minus before; target < 64 MB'));
    figures.push(figure('Alibaba publish 256 MB: upload rate', Math.round(mbPerSecond), 'MB/s', 'multipart form POST to the emulator on loopback'));
  });
  const markers = ['@alicloud/', 'ACS3-HMAC-SHA256', 'GenerateOTAUploadURL', 'CLIProfileCredentialsProvider'];
  return [...figures, ...bundleFigures(ctx, 'aliyun', { name: 'Alibaba client', markers, bundleNote: 'lazy Alibaba bundle (own ACS3 client, OSS POST, @alicloud/credentials chain)' })];
}
