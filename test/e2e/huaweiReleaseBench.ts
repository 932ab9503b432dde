// The Quick Release bench on Huawei Cloud: a copy of demo/workspace (its real build writes the
// stamped image), the IoTDA + OBS emulator (signatures checked), the provider from the BUILT
// bundle dist/clouds/huawei.js with its AK/SK from a SecretSource (as SecretStorage gives it), the
// virtual board with its Huawei agent on a real pty read by the extension's serial session, and
// the core release pipeline. The parts the three clouds share are in cloudReleaseBench.ts.
import type { CloudProvider } from '../../src/core/clouds/provider';
import { documentPackageIds } from '../../src/core/clouds/huawei/wire';
import type { CloudProfile } from '../../src/core/profiles';
import { join } from 'path';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { HUAWEI_DEFAULTS, startHuaweiEmulator, type HuaweiEmulator, type HuaweiEmulatorOptions } from '../bench/huawei-emulator';
import { builtProviders, copyDemoWorkspace, PACKAGE, releaseBench, startBoardOnPty, waitOnline, type ReleaseBenchBase } from './cloudReleaseBench';

export { PACKAGE };

export interface HuaweiReleaseBench extends ReleaseBenchBase {
  hw: HuaweiEmulator;
  profile: CloudProfile;
  provider: CloudProvider;
  /** A provider from the built bundle with other profile fields / keys. */
  providerWith(overrides: Record<string, unknown>, keys?: Record<string, string | undefined>): Promise<CloudProvider>;
  /** OBS object versions, IoTDA package records and upgrade tasks for one version of the package. */
  counts(version: string): { objects: number; packages: number; tasks: number };
}

export async function startHuaweiReleaseBench(opts: { imageKb?: number; emulator?: HuaweiEmulatorOptions } = {}): Promise<HuaweiReleaseBench> {
  const { dir, root } = copyDemoWorkspace('otab-release-hw-');
  const hw = await startHuaweiEmulator(opts.emulator);
  const profile = { ...hw.profile('bench-hw'), credentials: 'secrets' } as CloudProfile;
  const providers = builtProviders(profile, { ...hw.credentials });
  const provider = await providers.providerWith({});
  const agent = new HuaweiOtaAgent({ mqttUrl: hw.mqttUrl, deviceId: hw.device.id, secret: hw.device.secret, downloadTimeoutMs: 3000 });
  const pty = await startBoardOnPty(join(dir, 'ttyHW'), agent);
  // The device is online once its MQTT subscription holds.
  await waitOnline(() => !!hw.model.devices.get(hw.device.id)?.online, 'IoTDA emulator');
  const counts = (version: string) => {
    const bucket = hw.obs.store.buckets.get(HUAWEI_DEFAULTS.bucket);
    const objects = [...(bucket?.objects.entries() ?? [])].filter(([k]) => k.includes(`/${PACKAGE}/${version}/`)).reduce((a, [, v]) => a + v.length, 0);
    const records = [...hw.model.packages.values()].filter((p) => p.version === version);
    const ids = new Set(records.map((p) => p.package_id));
    const tasks = [...hw.model.tasks.values()].filter((t) => documentPackageIds(t.task.document).some((id) => ids.has(id))).length;
    return { objects, packages: records.length, tasks };
  };
  const release = { profile: 'bench-hw', cloud: 'huawei', signing: { mode: 'hash-only', hash: 'sha256' }, watchIntervalMs: 200 } as const;
  const bench = releaseBench({ dir, root }, pty, { provider, imageKb: opts.imageKb ?? 1024, release, dispose: providers.dispose, emulator: hw });
  return { ...bench, hw, profile, provider, providerWith: providers.providerWith, counts };
}
