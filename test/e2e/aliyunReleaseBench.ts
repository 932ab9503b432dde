// The Quick Release bench on Alibaba Cloud IoT Platform: a copy of demo/workspace (its real build
// writes the stamped image), the IoT Platform + OSS emulator (ACS3 signatures and the OSS POST
// policy checked), the provider from the BUILT bundle dist/clouds/aliyun.js with its AccessKey from
// a SecretSource (as SecretStorage gives it), the virtual board with its Alibaba agent on a real pty
// read by the extension's serial session, and the core release pipeline. Same shape as the AWS and
// Huawei benches.
import { randomBytes } from 'crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CLIENT_REF_TAG, firmwareName } from '../../src/core/clouds/aliyun/limits';
import type { CloudProvider } from '../../src/core/clouds/provider';
import type { CloudProfile } from '../../src/core/profiles';
import { shellBuildRunner, type ReleaseConfig, type ReleaseDeps, type ReleaseEvent } from '../../src/core/release';
import { FileReleaseStore } from '../../src/core/release/store';
import { serialWatcher } from '../../src/core/release/serialWatcher';
import { portLink } from '../../src/core/release/serialWatch';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { startAliyunEmulator, type AliyunEmulator, type AliyunEmulatorOptions } from '../bench/aliyun-emulator/server';
import { AliyunOtaAgent } from '../bench/board/agents/aliyun';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { builtProvider } from './builtBundle';
import { REPO } from './releaseBench';

export const PACKAGE = 'bench-demo-firmware';
export const ALIYUN_BENCH = { productKey: 'a1BenchPk01', deviceName: 'bench-board-01', accessKeyId: 'LTAIbenchKey', region: 'cn-shanghai' } as const;

export interface AliyunReleaseBench {
  dir: string;
  root: string;
  ali: AliyunEmulator;
  profile: CloudProfile;
  provider: CloudProvider;
  board: VirtualBoard;
  serial: SerialSession;
  store: FileReleaseStore;
  events: ReleaseEvent[];
  secret: string;
  config(overrides?: Partial<ReleaseConfig>): ReleaseConfig;
  deps(extra?: Partial<ReleaseDeps>): ReleaseDeps;
  setVersion(v: string): void;
  providerWith(overrides: Record<string, unknown>, keys?: Record<string, string | undefined>): Promise<CloudProvider>;
  /** OSS uploads of this image, firmware registered for the version, verify (or re-test) jobs on it. */
  counts(version: string): { uploads: number; firmware: number; verifyJobs: number };
  close(): Promise<void>;
}

export async function startAliyunReleaseBench(opts: { imageKb?: number; emulator?: Partial<AliyunEmulatorOptions> } = {}): Promise<AliyunReleaseBench> {
  const dir = mkdtempSync(join(tmpdir(), 'otab-release-ali-'));
  const root = join(dir, 'workspace');
  cpSync(join(REPO, 'demo', 'workspace'), root, { recursive: true, filter: (src) => !/[\\/](build|keys)$/.test(src) });
  const secret = randomBytes(16).toString('hex');
  const devSecret = randomBytes(8).toString('hex');
  const { productKey, deviceName, accessKeyId } = ALIYUN_BENCH;
  const ali = await startAliyunEmulator({ accessKeys: { [accessKeyId]: secret }, devices: [{ productKey, deviceName, secret: devSecret, version: '1.0.0' }], ...opts.emulator });
  const profile = { kind: 'aliyun', name: 'bench-ali', region: ALIYUN_BENCH.region, endpoint: ali.url, productKey, deviceName, credentials: 'secrets', ...(opts.emulator?.iotInstanceId ? { iotInstanceId: opts.emulator.iotInstanceId } : {}) } as CloudProfile;
  const providers: CloudProvider[] = [];
  const providerWith = async (overrides: Record<string, unknown>, keys: Record<string, string | undefined> = { accessKeyId, accessKeySecret: secret }) => {
    const p = await builtProvider({ ...profile, ...overrides } as CloudProfile, async (field) => keys[field]);
    providers.push(p);
    return p;
  };
  const provider = await providerWith({});
  const agent = new AliyunOtaAgent({ mqttUrl: ali.mqttUrl, productKey, deviceName, deviceSecret: devSecret, progressEvery: 25, downloadTimeoutMs: 3000, bytesPerSecond: 512 * 1024 });
  const board = await startBoard({ link: join(dir, 'ttyALI'), version: '1.0.0', logPeriodMs: 0, color: true, agents: [agent] });
  const serial = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 300, bufferLines: 50_000 });
  if (!(await serial.open(board.link))) throw new Error(`could not open the board's pty ${board.link}`);
  // The device is online once it has told the platform its version (the agent's inform on connect).
  for (const end = Date.now() + 10_000; ali.broker.clients().length === 0 || !ali.world.device(productKey, deviceName)?.version; ) {
    if (Date.now() > end) throw new Error('the board never came online on the Alibaba emulator');
    await new Promise((r) => setTimeout(r, 50));
  }
  const store = new FileReleaseStore(join(dir, 'release.json'));
  const events: ReleaseEvent[] = [];
  const imageEnv = { FW_IMAGE_KB: String(opts.imageKb ?? 256) };
  const versionFile = join(root, 'include', 'version.h');
  return {
    dir,
    root,
    ali,
    profile,
    provider,
    board,
    serial,
    store,
    events,
    secret,
    providerWith,
    config: (overrides = {}) => ({
      root,
      profile: 'bench-ali',
      cloud: 'aliyun',
      packageName: PACKAGE,
      artifact: 'build/**/*.bin',
      version: { kind: 'file', file: 'include/version.h' },
      signing: { mode: 'hash-only', hash: 'md5' },
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
      const fws = [...ali.world.firmware.values()].filter((f) => f.FirmwareName === firmwareName(productKey, PACKAGE, version));
      const ids = new Set(fws.map((f) => f.FirmwareId));
      // Uploads of this version's image: registered to its firmware, or left unregistered (a duplicate).
      const uploads = [...ali.world.uploads.values()].filter((u) => (u.registered ? ids.has(u.registered) : true)).length;
      const verifyJobs = [...ali.world.jobs.values()].filter((j) => ids.has(j.FirmwareId) && (j.JobType === 'VERFIY_FIRMWARE' || j.Tags.some((t) => t.Key === CLIENT_REF_TAG))).length;
      return { uploads, firmware: fws.length, verifyJobs };
    },
    async close() {
      await serial.close().catch(() => undefined);
      await board.stop().catch(() => undefined);
      for (const p of providers) p.dispose?.();
      await ali.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
