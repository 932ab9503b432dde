// The Quick Release bench on Alibaba Cloud IoT Platform: a copy of demo/workspace (its real build
// writes the stamped image), the IoT Platform + OSS emulator (ACS3 signatures and the OSS POST
// policy checked), the provider from the BUILT bundle dist/clouds/aliyun.js with its AccessKey from
// a SecretSource (as SecretStorage gives it), the virtual board with its Alibaba agent on a real pty
// read by the extension's serial session, and the core release pipeline. The parts the three
// clouds share are in cloudReleaseBench.ts.
import { randomBytes } from 'crypto';
import { join } from 'path';
import { CLIENT_REF_TAG, firmwareName } from '../../src/core/clouds/aliyun/limits';
import type { CloudProvider } from '../../src/core/clouds/provider';
import type { CloudProfile } from '../../src/core/profiles';
import { startAliyunEmulator, type AliyunEmulator, type AliyunEmulatorOptions } from '../bench/aliyun-emulator/server';
import { AliyunOtaAgent } from '../bench/board/agents/aliyun';
import { builtProviders, copyDemoWorkspace, PACKAGE, releaseBench, startBoardOnPty, waitOnline, type ReleaseBenchBase } from './cloudReleaseBench';

export { PACKAGE };
export const ALIYUN_BENCH = { productKey: 'a1BenchPk01', deviceName: 'bench-board-01', accessKeyId: 'LTAIbenchKey', region: 'cn-shanghai' } as const;

export interface AliyunReleaseBench extends ReleaseBenchBase {
  ali: AliyunEmulator;
  profile: CloudProfile;
  provider: CloudProvider;
  secret: string;
  providerWith(overrides: Record<string, unknown>, keys?: Record<string, string | undefined>): Promise<CloudProvider>;
  /** OSS uploads of this image, firmware registered for the version, verify (or re-test) jobs on it. */
  counts(version: string): { uploads: number; firmware: number; verifyJobs: number };
}

export async function startAliyunReleaseBench(opts: { imageKb?: number; emulator?: Partial<AliyunEmulatorOptions> } = {}): Promise<AliyunReleaseBench> {
  const { dir, root } = copyDemoWorkspace('otab-release-ali-');
  const secret = randomBytes(16).toString('hex');
  const devSecret = randomBytes(8).toString('hex');
  const { productKey, deviceName, accessKeyId } = ALIYUN_BENCH;
  const ali = await startAliyunEmulator({ accessKeys: { [accessKeyId]: secret }, devices: [{ productKey, deviceName, secret: devSecret, version: '1.0.0' }], ...opts.emulator });
  const profile = { kind: 'aliyun', name: 'bench-ali', region: ALIYUN_BENCH.region, endpoint: ali.url, productKey, deviceName, credentials: 'secrets', ...(opts.emulator?.iotInstanceId ? { iotInstanceId: opts.emulator.iotInstanceId } : {}) } as CloudProfile;
  const providers = builtProviders(profile, { accessKeyId, accessKeySecret: secret });
  const provider = await providers.providerWith({});
  const agent = new AliyunOtaAgent({ mqttUrl: ali.mqttUrl, productKey, deviceName, deviceSecret: devSecret, progressEvery: 25, downloadTimeoutMs: 3000, bytesPerSecond: 512 * 1024 });
  const pty = await startBoardOnPty(join(dir, 'ttyALI'), agent);
  // The device is online once it has told the platform its version (the agent's inform on connect).
  await waitOnline(() => ali.broker.clients().length > 0 && !!ali.world.device(productKey, deviceName)?.version, 'Alibaba emulator');
  const release = { profile: 'bench-ali', cloud: 'aliyun', signing: { mode: 'hash-only', hash: 'md5' }, watchIntervalMs: 200 } as const;
  const counts = (version: string) => {
    const fws = [...ali.world.firmware.values()].filter((f) => f.FirmwareName === firmwareName(productKey, PACKAGE, version));
    const ids = new Set(fws.map((f) => f.FirmwareId));
    // Uploads of this version's image: registered to its firmware, or left unregistered (a duplicate).
    const uploads = [...ali.world.uploads.values()].filter((u) => (u.registered ? ids.has(u.registered) : true)).length;
    const verifyJobs = [...ali.world.jobs.values()].filter((j) => ids.has(j.FirmwareId) && (j.JobType === 'VERFIY_FIRMWARE' || j.Tags.some((t) => t.Key === CLIENT_REF_TAG))).length;
    return { uploads, firmware: fws.length, verifyJobs };
  };
  const bench = releaseBench({ dir, root }, pty, { provider, imageKb: opts.imageKb ?? 256, release, dispose: providers.dispose, emulator: ali });
  return { ...bench, ali, profile, provider, secret, providerWith: providers.providerWith, counts };
}
