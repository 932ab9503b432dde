// The whole Quick Release bench outside the editor: a copy of demo/workspace (its real build
// script writes the stamped image), the AWS emulator (real SDK clients through the provider), the
// virtual board with the AWS agent on a real pty, read by the extension's own serial session, and
// the core pipeline with the editor's serial watcher adapter. Used by the e2e tests and the bench.
import { generateKeyPairSync } from 'crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createProvider, type AwsProvider, type AwsProviderOptions } from '../../src/core/clouds/aws';
import { shellBuildRunner, type ReleaseConfig, type ReleaseDeps, type ReleaseEvent } from '../../src/core/release';
import { FileReleaseStore } from '../../src/core/release/store';
import { nodeSerialDriver } from '../../src/core/serial/nodeSerial';
import { SerialSession } from '../../src/core/serial/session';
import { serialWatcher } from '../../src/core/release/serialWatcher';
import { portLink } from '../../src/core/release/serialWatch';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';
import { startBoard, type VirtualBoard } from '../bench/board/board';
import { AwsJobsAgent } from '../bench/board/agents/aws';

export const REPO = join(__dirname, '..', '..');

export interface ReleaseBench {
  dir: string;
  root: string;
  aws: AwsEmulator;
  provider: AwsProvider;
  board: VirtualBoard;
  agent: AwsJobsAgent;
  serial: SerialSession;
  store: FileReleaseStore;
  events: ReleaseEvent[];
  config(overrides?: Partial<ReleaseConfig>): ReleaseConfig;
  deps(extra?: Partial<ReleaseDeps>): ReleaseDeps;
  setVersion(v: string): void;
  /** Completed S3 PutObject / UploadPart requests for images (how many times bytes were stored). */
  uploads(): number;
  close(): Promise<void>;
}

export interface BenchOptions {
  imageKb?: number;
  providerOptions?: AwsProviderOptions;
  /** Agent download pacing (bytes/s); unpaced when absent. */
  bytesPerSecond?: number;
}

export async function startReleaseBench(opts: BenchOptions = {}): Promise<ReleaseBench> {
  const dir = mkdtempSync(join(tmpdir(), 'otab-release-'));
  const root = join(dir, 'workspace');
  cpSync(join(REPO, 'demo', 'workspace'), root, { recursive: true, filter: (src) => !/[\\/](build|keys)$/.test(src) });
  mkdirSync(join(root, 'keys'), { recursive: true });
  const trusted = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(root, 'keys', 'demo-signing-key.pem'), trusted.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(root, 'keys', 'wrong-key.pem'), stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }));

  const aws = await startAwsEmulator();
  const provider = await createProvider(aws.profile('bench'), undefined, { credentials: aws.credentials, watchMaxRequestsPerSecond: 20, ...opts.providerOptions });
  const agent = new AwsJobsAgent({ mqttUrl: aws.mqttUrl, thingName: 'bench-board-01', statusEvery: 128, downloadTimeoutMs: 3000, ...(opts.bytesPerSecond ? { bytesPerSecond: opts.bytesPerSecond } : {}) });
  const board = await startBoard({
    link: join(dir, 'ttyBENCH'),
    version: '1.0.0',
    logPeriodMs: 0,
    color: true,
    trustedKeyPem: trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    agents: [agent],
  });
  const serial = new SerialSession(nodeSerialDriver, { reconnectIntervalMs: 300, bufferLines: 50_000 });
  if (!(await serial.open(board.link))) throw new Error(`could not open the board's pty ${board.link}`);
  const store = new FileReleaseStore(join(dir, 'release.json'));
  const events: ReleaseEvent[] = [];
  const imageEnv = { FW_IMAGE_KB: String(opts.imageKb ?? 4096) };

  const versionFile = join(root, 'include', 'version.h');
  return {
    dir,
    root,
    aws,
    provider,
    board,
    agent,
    serial,
    store,
    events,
    config: (overrides = {}) => ({
      root,
      profile: 'bench',
      cloud: 'aws',
      packageName: 'bench-demo-firmware',
      artifact: 'build/**/*.bin',
      version: { kind: 'file', file: 'include/version.h' },
      signing: { mode: 'local-key', keyFile: 'keys/demo-signing-key.pem', certificateName: '/certs/demo-signing-pub.pem' },
      jobTimeoutMinutes: 5,
      watch: { intervalMs: 100, bannerGraceMs: 3000, timeoutMs: 60_000 },
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
    // Paths carry no query: a PutObject and each UploadPart of an image is one PUT to its .bin key
    // (a dropped request is recorded with the default status 200 and its fault).
    uploads: () => aws.requests.filter((r) => r.service === 's3' && r.method === 'PUT' && r.status === 200 && !r.fault && r.path.endsWith('.bin')).length,
    async close() {
      await serial.close().catch(() => undefined);
      await board.stop().catch(() => undefined);
      provider.dispose();
      await aws.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
