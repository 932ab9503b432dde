import { generateKeyPairSync } from 'crypto';
// A bench for the release state machine: a temp workspace with a version header, a build runner
// that writes a stamped image, the MemoryCloud provider, and a serial watcher the "board" prints to.

import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { AwsProfile, CloudProfile } from '../../src/core/profiles';
import { abortError } from '../../src/core/release/errors';
import type { BuildRunner } from '../../src/core/release/build';
import type { SerialWatcher } from '../../src/core/release/serialWatch';
import { MemoryReleaseStore } from '../../src/core/release/store';
import type { ReleaseConfig, ReleaseEvent, SerialLine } from '../../src/core/release/types';
import type { ReleaseDeps } from '../../src/core/release/steps';
import { versionStamp } from '../../src/core/version/embedded';
import { descriptorOf } from '../../src/core/clouds/registry';
import { MemoryCloud } from './releaseMemoryCloud';

/**
 * The bench's clock: wall time, but never the same millisecond twice. The pipeline (deps.now) and
 * the board's lines share it, as on a real bench where a board cannot answer in the millisecond a
 * job was requested; without it a fast in-memory run could stamp both alike.
 */
let lastTick = 0;
export const benchNow = (): number => (lastTick = Math.max(Date.now(), lastTick + 1));

/** Serial lines "stream in": tests and the MemoryCloud's install hook print to it. */
export class FakeSerial implements SerialWatcher {
  readonly lines: SerialLine[] = [];
  private readonly listeners = new Set<(l: SerialLine) => void>();

  print(text: string, dir: SerialLine['dir'] = 'rx'): void {
    const l = { t: benchNow(), text, dir };
    this.lines.push(l);
    for (const f of this.listeners) f(l);
  }

  onLine(listener: (l: SerialLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  recent(since: number): SerialLine[] {
    return this.lines.filter((l) => l.t > since);
  }
}

export interface Bench {
  root: string;
  cloud: MemoryCloud;
  serial: FakeSerial;
  store: MemoryReleaseStore;
  events: ReleaseEvent[];
  config: ReleaseConfig;
  deps: ReleaseDeps;
  builds: { count: number; fail: number; stamp?: string; extra?: string };
}

export const AWS: AwsProfile = { kind: 'aws', name: 'bench', region: 'us-east-1', thingName: 'bench-board-01', bucket: 'fw-bucket' };

export function makeBench(profile: CloudProfile = AWS, overrides: Partial<ReleaseConfig> = {}): Bench {
  const root = mkdtempSync(join(tmpdir(), 'otab-rel-'));
  mkdirSync(join(root, 'include'));
  writeFileSync(join(root, 'include/version.h'), '#define FW_VERSION "1.4.2"\n');
  const cloud = new MemoryCloud(profile);
  const serial = new FakeSerial();
  // The board reboots into the new image and prints its banner before reporting success.
  cloud.onInstall = (version) => {
    serial.print(`I (3) ota: installing image as v${version}`);
    serial.print(`\x1b[0;32mI (12) boot: firmware version ${version}\x1b[0m`);
  };
  const store = new MemoryReleaseStore();
  const events: ReleaseEvent[] = [];
  const builds: Bench['builds'] = { count: 0, fail: 0 };
  const build: BuildRunner = async (signal, onOutput) => {
    builds.count++;
    await new Promise((r) => setTimeout(r, 5));
    if (signal.aborted) throw abortError();
    if (builds.fail > 0) {
      builds.fail--;
      return { exitCode: 2, output: 'CC src/main.c\nsrc/main.c:3:2: error: #error not yet\n', errors: ['src/main.c:3:2: #error not yet'] };
    }
    const header = readFileSync(join(root, 'include/version.h'), 'utf8');
    const version = builds.stamp ?? /FW_VERSION\s+"([^"]*)"/.exec(header)?.[1] ?? '0';
    mkdirSync(join(root, 'build'), { recursive: true });
    writeFileSync(join(root, 'build', `firmware-${version}.bin`), Buffer.concat([Buffer.from('demo\n'), versionStamp(version), Buffer.alloc(64 * 1024, 0xa5)]));
    if (builds.extra) {
      mkdirSync(join(root, 'build/old'), { recursive: true });
      writeFileSync(join(root, builds.extra), Buffer.alloc(1024, 1));
    }
    onOutput?.(`built firmware-${version}.bin\n`);
    return { exitCode: 0, output: 'ok\n', errors: [] };
  };
  const config: ReleaseConfig = {
    root,
    profile: profile.name,
    cloud: profile.kind,
    packageName: 'bench-fw',
    artifact: 'build/**/*.bin',
    version: { kind: 'file', file: 'include/version.h' },
    signing: defaultBenchSigning(root, profile),
    watch: { intervalMs: 2, bannerGraceMs: 200 },
    ...overrides,
  };
  const deps: ReleaseDeps = { provider: cloud, store, build, serial, now: benchNow, onEvent: (e) => events.push(e) };
  return { root, cloud, serial, store, events, config, deps, builds };
}

/**
 * A cloud whose devices check a signature (AWS) refuses a hash-only release before the upload, so
 * its bench signs with a fresh ECDSA P-256 key; the others hash.
 */
function defaultBenchSigning(root: string, profile: CloudProfile): ReleaseConfig['signing'] {
  if (!descriptorOf(profile).signing.signatureRequired) return { mode: 'hash-only', hash: 'sha256' };
  mkdirSync(join(root, '.bench-keys'), { recursive: true });
  writeFileSync(join(root, '.bench-keys/bench.pem'), generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { mode: 'local-key', keyFile: join(root, '.bench-keys/bench.pem') }; // absolute: tests may move the release's root
}

/** Aborts `ctl` when step `step` starts. */
export function abortAt(b: Bench, step: string, ctl: AbortController): void {
  const prev = b.deps.onEvent!;
  b.deps.onEvent = (e) => {
    prev(e);
    if (e.type === 'step' && e.step === step && e.status === 'started') ctl.abort();
  };
}

/** A `makeBench` for one test file whose temp workspaces are removed after each test. */
export function benchesCleanedAfterEach(): typeof makeBench {
  const made: Bench[] = [];
  afterEach(() => {
    for (const b of made.splice(0)) rmSync(b.root, { recursive: true, force: true });
  });
  return (...a) => {
    const b = makeBench(...a);
    made.push(b);
    return b;
  };
}
