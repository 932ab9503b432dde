// The Quick Release bench on Huawei Cloud: a copy of demo/workspace (its real build writes the
// stamped image), the IoTDA + OBS emulator (signatures checked), the provider from the BUILT
// bundle dist/clouds/huawei.js with its AK/SK from a SecretSource (as SecretStorage gives it), the
// virtual board with its Huawei agent on a real pty read by the extension's serial session, and
// the core release pipeline. The AWS bench (releaseBench.ts) is the same shape.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudProvider } from '../../src/core/clouds/provider';
import { documentPackageIds } from '../../src/core/clouds/huawei/wire';
import type { CloudProfile } from '../../src/core/profiles';
import { shellBuildRunner, type ReleaseConfig, type ReleaseDeps, type ReleaseEvent } from '../../src/core/release';
import { FileReleaseStore } from '../../src/core/release/store';
import { serialWatcher } from '../../src/core/release/serialWatcher';
import { portLink } from '../../src/core/release/serialWatch';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { HUAWEI_DEFAULTS, startHuaweiEmulator, type HuaweiEmulator, type HuaweiEmulatorOptions } from '../bench/huawei-emulator';
import { builtProvider } from './builtBundle';
import { REPO } from './releaseBench';

export interface HuaweiReleaseBench {
  dir: string;
  root: string;
  hw: HuaweiEmulator;
  profile: CloudProfile;
  provider: CloudProvider;
  board: VirtualBoard;
  serial: SerialSession;
  store: FileReleaseStore;
  events: ReleaseEvent[];
  config(overrides?: Partial<ReleaseConfig>): ReleaseConfig;
  deps(extra?: Partial<ReleaseDeps>): ReleaseDeps;
  setVersion(v: string): void;
  /** A provider from the built bundle with other profile fields / keys. */
  providerWith(overrides: Record<string, unknown>, keys?: Record<string, string | undefined>): Promise<CloudProvider>;
  /** OBS object versions, IoTDA package records and upgrade tasks for one version of the package. */
  counts(version: string): { objects: number; packages: number; tasks: number };
  close(): Promise<void>;
}

export const PACKAGE = 'bench-demo-firmware';

export async function startHuaweiReleaseBench(opts: { imageKb?: number; emulator?: HuaweiEmulatorOptions } = {}): Promise<HuaweiReleaseBench> {
  const dir = mkdtempSync(join(tmpdir(), 'otab-release-hw-'));
  const root = join(dir, 'workspace');
  cpSync(join(REPO, 'demo', 'workspace'), root, { recursive: true, filter: (src) => !/[\\/](build|keys)$/.test(src) });
  const hw = await startHuaweiEmulator(opts.emulator);
  const profile = { ...hw.profile('bench-hw'), credentials: 'secrets' } as CloudProfile;
  const secretsOf = (keys: Record<string, string | undefined>) => async (field: string) => keys[field];
  const providers: CloudProvider[] = [];
  const providerWith = async (overrides: Record<string, unknown>, keys: Record<string, string | undefined> = { ...hw.credentials }) => {
    const p = await builtProvider({ ...profile, ...overrides } as CloudProfile, secretsOf(keys));
    providers.push(p);
    return p;
  };
  const provider = await providerWith({});
  const agent = new HuaweiOtaAgent({ mqttUrl: hw.mqttUrl, deviceId: hw.device.id, secret: hw.device.secret, downloadTimeoutMs: 3000 });
  const board = await startBoard({ link: join(dir, 'ttyHW'), version: '1.0.0', logPeriodMs: 0, color: true, agents: [agent] });
  const serial = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 300, bufferLines: 50_000 });
  if (!(await serial.open(board.link))) throw new Error(`could not open the board's pty ${board.link}`);
  // The device is online once its MQTT subscription holds.
  for (const end = Date.now() + 10_000; !hw.model.devices.get(hw.device.id)?.online; ) {
    if (Date.now() > end) throw new Error('the board never came online on the IoTDA emulator');
    await new Promise((r) => setTimeout(r, 50));
  }
  const store = new FileReleaseStore(join(dir, 'release.json'));
  const events: ReleaseEvent[] = [];
  const imageEnv = { FW_IMAGE_KB: String(opts.imageKb ?? 1024) };
  const versionFile = join(root, 'include', 'version.h');
  return {
    dir,
    root,
    hw,
    profile,
    provider,
    board,
    serial,
    store,
    events,
    providerWith,
    config: (overrides = {}) => ({
      root,
      profile: 'bench-hw',
      cloud: 'huawei',
      packageName: PACKAGE,
      artifact: 'build/**/*.bin',
      version: { kind: 'file', file: 'include/version.h' },
      signing: { mode: 'hash-only', hash: 'sha256' },
      jobTimeoutMinutes: 5,
      watch: { intervalMs: 200, bannerGraceMs: 3000, timeoutMs: 60_000 },
      ...overrides,
    }),
    deps: (extra = {}) => ({
      provider,
      store,
      build: shellBuildRunner('node scripts/build.mjs', root, imageEnv),
      serial: { ...serialWatcher({ onLines: (l) => serial.onLines(l), lines: () => serial.buffer.toArray() }), ...portLink(serial) },
      onEvent: (e) => events.push(e),
      ...extra,
    }),
    setVersion(v) {
      writeFileSync(versionFile, readFileSync(versionFile, 'utf8').replace(/#define\s+FW_VERSION\s+"[^"]*"/, `#define FW_VERSION "${v}"`));
    },
    counts(version) {
      const bucket = hw.obs.store.buckets.get(HUAWEI_DEFAULTS.bucket);
      const objects = [...(bucket?.objects.entries() ?? [])].filter(([k]) => k.includes(`/${PACKAGE}/${version}/`)).reduce((a, [, v]) => a + v.length, 0);
      const records = [...hw.model.packages.values()].filter((p) => p.version === version);
      const ids = new Set(records.map((p) => p.package_id));
      const tasks = [...hw.model.tasks.values()].filter((t) => documentPackageIds(t.task.document).some((id) => ids.has(id))).length;
      return { objects, packages: records.length, tasks };
    },
    async close() {
      await serial.close().catch(() => undefined);
      await board.stop().catch(() => undefined);
      for (const p of providers) p.dispose?.();
      await hw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
