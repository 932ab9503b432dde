// What the three Quick Release benches share (AWS releaseBench.ts, Huawei huaweiReleaseBench.ts,
// Alibaba aliyunReleaseBench.ts): a copy of demo/workspace, the virtual board on a real pty read by
// the extension's serial session, a provider per profile from the BUILT bundle, and the release
// config/deps/store around them. Each bench keeps what its cloud does differently (the emulator,
// the agent, the signing mode, how the device comes online, what it counts).
import { cpSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { CloudProvider, SecretSource } from '../../src/core/clouds/provider';
import type { CloudProfile } from '../../src/core/profiles';
import { shellBuildRunner, type ReleaseConfig, type ReleaseDeps, type ReleaseEvent } from '../../src/core/release';
import { FileReleaseStore } from '../../src/core/release/store';
import { serialWatcher } from '../../src/core/release/serialWatcher';
import { portLink } from '../../src/core/release/serialWatch';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import type { CloudAgent } from '../bench/board/agent';
import { startBoard, type BoardOptions, type VirtualBoard } from '../bench/board/board';
import { setDemoVersion } from '../support/demoVersion';
import { builtProvider, REPO } from './builtBundle';

/** The firmware package every bench releases. */
export const PACKAGE = 'bench-demo-firmware';

/** A scratch folder holding `workspace/`: demo/workspace without its build output and keys. */
export function copyDemoWorkspace(prefix: string): { dir: string; root: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const root = join(dir, 'workspace');
  cpSync(join(REPO, 'demo', 'workspace'), root, { recursive: true, filter: (src) => !/[\\/](build|keys)$/.test(src) });
  return { dir, root };
}

/** The virtual board (version 1.0.0, quiet, coloured) with its cloud agent, and the extension's serial session on its pty. */
export async function startBoardOnPty(link: string, agent: CloudAgent, extra: Partial<BoardOptions> = {}): Promise<{ board: VirtualBoard; serial: SerialSession }> {
  const board = await startBoard({ link, version: '1.0.0', logPeriodMs: 0, color: true, agents: [agent], ...extra });
  const serial = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 300, bufferLines: 50_000 });
  if (!(await serial.open(board.link))) throw new Error(`could not open the board's pty ${board.link}`);
  return { board, serial };
}

/** Waits (up to 10 s) until the device is online on its emulator; `what` says which emulator. */
export async function waitOnline(online: () => boolean, what: string): Promise<void> {
  for (const end = Date.now() + 10_000; !online(); ) {
    if (Date.now() > end) throw new Error(`the board never came online on the ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Providers from the built bundle for one profile, keys from a SecretSource (as SecretStorage gives them); all disposed together. */
export function builtProviders(profile: CloudProfile, defaultKeys: Record<string, string | undefined>) {
  const providers: CloudProvider[] = [];
  const providerWith = async (overrides: Record<string, unknown>, keys: Record<string, string | undefined> = { ...defaultKeys }): Promise<CloudProvider> => {
    const secrets: SecretSource = async (field) => keys[field];
    const p = await builtProvider({ ...profile, ...overrides } as CloudProfile, secrets);
    providers.push(p);
    return p;
  };
  return { providerWith, dispose: () => providers.forEach((p) => p.dispose?.()) };
}

/** What every release bench offers its tests. */
export interface ReleaseBenchBase {
  dir: string;
  root: string;
  board: VirtualBoard;
  serial: SerialSession;
  store: FileReleaseStore;
  events: ReleaseEvent[];
  config(overrides?: Partial<ReleaseConfig>): ReleaseConfig;
  deps(extra?: Partial<ReleaseDeps>): ReleaseDeps;
  setVersion(v: string): void;
  /** Every serial line read so far, as text. */
  serialText(): string;
  close(): Promise<void>;
}

/** The cloud side of a release bench. */
export interface ReleaseBenchCloud {
  provider: ReleaseDeps['provider'];
  /** FW_IMAGE_KB for the workspace's build script. */
  imageKb: number;
  /** The cloud's own release settings. */
  release: Pick<ReleaseConfig, 'profile' | 'cloud' | 'signing'> & { watchIntervalMs: number };
  /** Disposes the cloud's providers, then the emulator is closed (both after the serial session and the board). */
  dispose(): void;
  emulator: { close(): Promise<void> };
}

/** The release store, config, deps, version stamp and close around a workspace copy, a board on its pty and a cloud. */
export function releaseBench(ws: { dir: string; root: string }, pty: { board: VirtualBoard; serial: SerialSession }, cloud: ReleaseBenchCloud): ReleaseBenchBase {
  const { dir, root } = ws;
  const { board, serial } = pty;
  const { provider, release } = cloud;
  const store = new FileReleaseStore(join(dir, 'release.json'));
  const events: ReleaseEvent[] = [];
  const imageEnv = { FW_IMAGE_KB: String(cloud.imageKb) };
  return {
    dir,
    root,
    board,
    serial,
    store,
    events,
    config: (overrides = {}) => ({
      root,
      profile: release.profile,
      cloud: release.cloud,
      packageName: PACKAGE,
      artifact: 'build/**/*.bin',
      version: { kind: 'file', file: 'include/version.h' },
      signing: release.signing,
      jobTimeoutMinutes: 5,
      watch: { intervalMs: release.watchIntervalMs, bannerGraceMs: 3000, timeoutMs: 60_000 },
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
    setVersion: (v) => setDemoVersion(root, v),
    serialText: () => serial.buffer.toArray().map((l) => l.text).join('\n'),
    async close() {
      await serial.close().catch(() => undefined);
      await board.stop().catch(() => undefined);
      cloud.dispose();
      await cloud.emulator.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
