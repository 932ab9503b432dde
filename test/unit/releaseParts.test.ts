import { strict as assert } from 'assert';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { parseProfiles } from '../../src/core/profiles';
import { findFiles, globToRegExp, locateArtifact } from '../../src/core/release/artifact';
import { parseGccProblems, shellBuildRunner } from '../../src/core/release/build';
import { StepFailure } from '../../src/core/release/errors';
import { startRelease } from '../../src/core/release/pipeline';
import { bannerMatcher, relevantLines, SerialTap } from '../../src/core/release/serialWatch';
import { parseReleaseSettings, releaseConfig, defaultPackageName } from '../../src/core/release/settings';
import { parseSigningSettings } from '../../src/core/release/signingSettings';
import type { RolloutSummary } from '../../src/core/release/types';
import { decideVerdict } from '../../src/core/release/verdict';
import { readEmbeddedVersion } from '../../src/core/version';
import { benchNow, FakeSerial, makeBench } from './releaseHarness';

const demo = resolve(__dirname, '../../demo/workspace');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'otab-parts-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const touch = (root: string, rel: string, bytes = 10) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), Buffer.alloc(bytes, 1));
};

async function failure(p: Promise<unknown>): Promise<StepFailure> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StepFailure, String(e));
    return e;
  }
  assert.fail('expected a StepFailure');
}

describe('artifact glob', () => {
  it('translates globs: ** spans folders, * and ? stay in one, {a,b} and [..] choose', () => {
    const re = globToRegExp('build/**/*.bin');
    assert.ok(re.test('build/fw.bin') && re.test('build/a/b/fw.bin'));
    assert.ok(!re.test('build/fw.bin.map') && !re.test('out/fw.bin') && !re.test('buildx/fw.bin'));
    assert.ok(globToRegExp('out/fw-?.{bin,hex}').test('out/fw-1.hex'));
    assert.ok(!globToRegExp('out/fw-?.{bin,hex}').test('out/fw-12.hex'));
    assert.ok(globToRegExp('out/fw-[0-9].bin').test('out/fw-7.bin') && !globToRegExp('out/fw-[!0-9].bin').test('out/fw-7.bin'));
    assert.ok(globToRegExp('**/*.bin').test('deep/er/x.bin') && !globToRegExp('*.bin').test('a/x.bin'));
  });

  it('finds files, skipping node_modules and .git unless named', async () => {
    const root = tmp();
    touch(root, 'build/a/fw.bin');
    touch(root, 'build/fw.elf');
    touch(root, 'node_modules/x/build.bin');
    touch(root, '.git/objects/y.bin');
    assert.deepEqual(await findFiles(root, 'build/**/*.bin'), ['build/a/fw.bin']);
    assert.deepEqual(await findFiles(root, '**/*.bin'), ['build/a/fw.bin']);
    assert.deepEqual(await findFiles(root, './build/**/*.bin'), ['build/a/fw.bin']);
    assert.deepEqual(await findFiles(root, join(root, 'build/**/*.bin')), ['build/a/fw.bin']);
  });

  it('exactly one match: none, several (listed newest first), empty file are clear errors', async () => {
    const root = tmp();
    let e = await failure(locateArtifact(root, 'build/**/*.bin'));
    assert.match(e.message, /No file matches the artifact glob build\/\*\*\/\*\.bin in /);
    assert.match(e.action, /otaBench\.release\.artifact/);
    touch(root, 'build/firmware-1.4.1.bin', 2048);
    touch(root, 'build/sub/firmware-1.4.2.bin', 3 * 1024 * 1024);
    e = await failure(locateArtifact(root, 'build/**/*.bin'));
    assert.match(e.message, /^2 files match the artifact glob build\/\*\*\/\*\.bin; exactly one is needed: /);
    assert.match(e.message, /build\/sub\/firmware-1\.4\.2\.bin \(3\.0 MB, \d+ s ago\)/);
    assert.match(e.message, /build\/firmware-1\.4\.1\.bin \(2\.0 KB, \d+ s ago\)/);
    assert.match(e.action, /Delete the old images/);
    const one = await locateArtifact(root, 'build/sub/*.bin');
    assert.equal(one.relPath, 'build/sub/firmware-1.4.2.bin');
    assert.equal(one.size, 3 * 1024 * 1024);
    touch(root, 'out/empty.bin', 0);
    assert.match((await failure(locateArtifact(root, 'out/*.bin'))).message, /out\/empty\.bin is empty/);
  });
});

describe('build runner', () => {
  it('reads gcc-style errors like the $gcc problem matcher', () => {
    assert.deepEqual(parseGccProblems('CC a.c\nsrc/main.c:12:2: error: #error nope\nsrc/x.c:3: fatal error: y.h: No such file\nsrc/w.c:1:1: warning: meh\n'), [
      'src/main.c:12:2: #error nope',
      'src/x.c:3: y.h: No such file',
    ]);
  });

  it('builds the demo workspace for real: a stamped, deterministic image; a #error fails the release at build with the gcc line', async () => {
    const root = tmp();
    cpSync(demo, root, { recursive: true, filter: (src) => !/[\\/](build|keys)$/.test(src) });
    const run = shellBuildRunner('node scripts/build.mjs --size-kb 256', root);
    const out: string[] = [];
    const r1 = await run(new AbortController().signal, (t) => out.push(t));
    assert.equal(r1.exitCode, 0, r1.output);
    assert.match(out.join(''), /OBJCOPY build\/firmware-1\.4\.2\.bin \(256 KiB, version 1\.4\.2\)/);
    const img = join(root, 'build/firmware-1.4.2.bin');
    assert.equal(await readEmbeddedVersion(img), '1.4.2');
    const first = readFileSync(img);
    assert.equal(first.length, 256 * 1024);
    await run(new AbortController().signal);
    assert.ok(readFileSync(img).equals(first), 'the same sources build the same image');

    // A version bump replaces the old image (the glob still matches one file).
    writeFileSync(join(root, 'include/version.h'), '#define FW_VERSION "1.5.0"\n');
    await run(new AbortController().signal);
    assert.deepEqual(await findFiles(root, 'build/**/*.bin'), ['build/firmware-1.5.0.bin']);

    // The release's build step runs it and fails on the #error with the diagnostic.
    const src = readFileSync(join(root, 'src/main.c'), 'utf8');
    writeFileSync(join(root, 'src/main.c'), src.replace('int main(void)', '#error not ready\nint main(void)'));
    const b = makeBench();
    dirs.push(b.root);
    const rec = await startRelease({ ...b.config, root }, { ...b.deps, build: run });
    assert.equal(rec.status, 'failed');
    assert.equal(rec.resumeAt, 'build');
    assert.match(rec.steps[0].reason!, /The build failed \(exit code 1, 1 error\): src\/main\.c:\d+:2: #error not ready/);
    assert.equal(b.cloud.counts.publishCalls, 0);
  });

  it('a whole release on the demo workspace with its real build script passes', async () => {
    const root = tmp();
    cpSync(demo, root, { recursive: true, filter: (src) => !/[\\/](build|keys)$/.test(src) });
    const b = makeBench();
    dirs.push(b.root);
    const rec = await startRelease({ ...b.config, root, packageName: 'bench-demo-firmware' }, { ...b.deps, build: shellBuildRunner('node scripts/build.mjs --size-kb 512', root) });
    assert.equal(rec.status, 'passed', rec.note);
    assert.equal(rec.artifact?.size, 512 * 1024);
    assert.equal(rec.version?.origin, 'include/version.h:6');
  });

  it('cancelling a build kills its whole process group (the compiler too, not just the shell)', async () => {
    const root = tmp();
    const ctl = new AbortController();
    const run = shellBuildRunner(`node -e "setTimeout(()=>{},30000)" & echo pid=$!; wait`, root);
    let pid = 0;
    const started = Date.now();
    const p = run(ctl.signal, (t) => {
      const m = /pid=(\d+)/.exec(t);
      if (m) {
        pid = Number(m[1]);
        ctl.abort();
      }
    });
    await assert.rejects(p, { name: 'AbortError' });
    assert.ok(pid > 0 && Date.now() - started < 5000);
    const alive = () => {
      try {
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(), false, 'the grandchild process is gone');
    await assert.rejects(run(AbortSignal.abort()), { name: 'AbortError' });
  });

  it('a command that does not exist is a failed build with its output', async () => {
    const r = await shellBuildRunner('definitely-not-a-command-otab', tmp())(new AbortController().signal);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.output, /not found/);
  });
});

describe('release settings and signing settings', () => {
  it('the demo workspace settings give a valid profile and release config', () => {
    const s = JSON.parse(readFileSync(join(demo, '.vscode/settings.json'), 'utf8'));
    const profiles = parseProfiles(s['otaBench.profiles']);
    assert.deepEqual(profiles.errors, []);
    const release = Object.fromEntries(Object.entries(s).filter(([k]) => k.startsWith('otaBench.release.')).map(([k, v]) => [k.slice('otaBench.release.'.length), v]));
    const { settings, errors } = parseReleaseSettings(release);
    assert.deepEqual(errors, []);
    assert.deepEqual(settings.build, { task: 'Build firmware' });
    const { config, error } = releaseConfig(settings, profiles.profiles[0], '/ws/demo');
    assert.equal(error, undefined);
    assert.equal(config!.packageName, 'bench-demo-firmware');
    assert.deepEqual(config!.signing, { mode: 'local-key', keyFile: 'keys/demo-signing-key.pem', certificateName: '/certs/demo-signing-pub.pem' });
    assert.deepEqual(config!.version, { kind: 'file', file: 'include/version.h', regex: '#define\\s+FW_VERSION\\s+"([^"]+)"' });
    const tasks = JSON.parse(readFileSync(join(demo, '.vscode/tasks.json'), 'utf8'));
    assert.ok(tasks.tasks.some((t: { label: string; problemMatcher: string[] }) => t.label === 'Build firmware' && t.problemMatcher.includes('$ota-bench-gcc')));
  });

  it('defaults, and a sentence per bad setting', () => {
    const d = parseReleaseSettings(undefined);
    assert.deepEqual(d, { settings: { artifact: 'build/**/*.bin', version: { kind: 'file', file: 'include/version.h' } }, errors: [] });
    assert.deepEqual(parseReleaseSettings({ build: 'make', version: { source: 'git' } }).settings.build, { task: 'make' });
    assert.deepEqual(parseReleaseSettings({ build: { command: 'make -j' } }).settings.build, { command: 'make -j' });
    const bad = parseReleaseSettings({ build: 3, artifact: '', version: { source: 'svn' }, jobTimeoutMinutes: 5000, banner: '', packageName: '' });
    assert.equal(bad.errors.length, 6);
    assert.match(bad.errors.join('\n'), /build must be a task label/);
    assert.match(bad.errors.join('\n'), /jobTimeoutMinutes must be a whole number of minutes from 1 to 1440/);
    assert.match(parseReleaseSettings({ version: { source: 'file', regex: 'FW (' } }).errors[0], /version\.regex: .*not a valid regular expression/);
    assert.match(parseReleaseSettings({ version: { source: 'file', regex: 'FW_VERSION' } }).errors[0], /no capture group/);
    assert.equal(defaultPackageName('/home/me/My Firmware (v2)'), 'My-Firmware-v2');
  });

  it('signing: per-cloud defaults and validation', () => {
    assert.deepEqual(parseSigningSettings(undefined, 'aws'), { ok: true, value: { mode: 'hash-only', hash: 'sha256' } });
    assert.deepEqual(parseSigningSettings(undefined, 'aliyun'), { ok: true, value: { mode: 'hash-only', hash: 'md5' } });
    assert.deepEqual(parseSigningSettings({ mode: 'hash-only' }, 'huawei'), { ok: true, value: { mode: 'hash-only', hash: 'sha256' } });
    assert.deepEqual(parseSigningSettings({ mode: 'hash-only', hash: 'sha256' }, 'aliyun'), { ok: true, value: { mode: 'hash-only', hash: 'sha256' } });
    assert.deepEqual(parseSigningSettings({ mode: 'cloud-signer', signerProfile: 'bench_signer' }, 'aws'), { ok: true, value: { mode: 'cloud-signer', signerProfile: 'bench_signer' } });
    const err = (raw: unknown, cloud: 'aws' | 'huawei' | 'aliyun') => {
      const r = parseSigningSettings(raw, cloud);
      assert.ok(!r.ok);
      return r.error;
    };
    assert.match(err({ mode: 'cloud-signer', signerProfile: 'x_y' }, 'huawei'), /needs a cloud signing service, which Huawei Cloud IoTDA does not have/);
    assert.match(err({ mode: 'cloud-signer', signerProfile: 'bad name' }, 'aws'), /AWS Signer profile name/);
    assert.match(err({ mode: 'hash-only', hash: 'md5' }, 'huawei'), /Huawei Cloud IoTDA devices check a SHA-256, not an MD5/);
    assert.match(err({ mode: 'local-key' }, 'aws'), /keyFile" must name the PEM private key/);
    assert.match(err({ mode: 'pgp' }, 'aws'), /must be "local-key", "cloud-signer" or "hash-only"/);
    assert.match(err('yes', 'aws'), /must be an object/);
  });
});

describe('serial banner and verdict', () => {
  const line = (text: string, t = 1000) => ({ t, text, dir: 'rx' as const });

  it('the default banner matches common boot lines with exactly the expected version', () => {
    const m = bannerMatcher(undefined, '1.4.2');
    for (const ok of ['I (12) boot: firmware version 1.4.2', 'App version:      1.4.2', '\x1b[0;32mFW_VERSION=v1.4.2\x1b[0m', 'Application version 1.4.2 (built Jan 1)']) assert.ok(m(ok), ok);
    for (const no of ['firmware version 1.4.20', 'firmware version 11.4.2', 'version 1.4.2-rc1', 'booting 1.4.2', 'firmware version 1x4x2']) assert.ok(!m(no), no);
  });

  it('a custom banner: {version} placeholder, or a group that must equal the version; bad patterns are step failures', () => {
    assert.ok(bannerMatcher('Booting build v{version}', '2.0.0')('*** Booting build v2.0.0 ***'));
    const g = bannerMatcher('running ([\\d.]+)', '2.0.0');
    assert.ok(g('running 2.0.0') && !g('running 1.9.0'));
    assert.throws(() => bannerMatcher('(', '1'), StepFailure);
    assert.throws(() => bannerMatcher('booted', '1'), /neither contains \{version\} nor captures/);
  });

  it('relevant lines: errors, resets and versions first, ANSI stripped, our own lines left out', () => {
    const lines = [line('I (1) wifi: connected'), line('\x1b[31mE (40) ota: signature verification failed\x1b[0m'), line('tx line', 1001), { t: 1, text: 'reset', dir: 'tx' as const }, line('I (50) boot: firmware version 1.4.1')];
    assert.deepEqual(relevantLines(lines).map((l) => l.text), ['E (40) ota: signature verification failed', 'I (50) boot: firmware version 1.4.1']);
    assert.deepEqual(relevantLines([line('hello'), line('world')]).map((l) => l.text), ['hello', 'world']);
  });

  const rollout = (status: string, details?: Record<string, string>): RolloutSummary => ({
    at: 0, jobStatus: 'completed', rawJobStatus: 'COMPLETED', done: true, counts: { [status]: 1 },
    executions: [{ target: 'bench-board-01', status, rawStatus: status.toUpperCase(), ...(details ? { statusDetails: details } : {}) }],
  });
  const base = { target: 'bench-board-01', version: '1.4.2', lines: [], serialConnected: true, bannerGraceMs: 5000 };

  it('PASSED needs both: the cloud succeeded and the banner', () => {
    const banner = line('I (12) boot: firmware version 1.4.2');
    assert.equal(decideVerdict({ ...base, rollout: rollout('succeeded'), bannerLine: banner }).result, 'passed');
    const noBanner = decideVerdict({ ...base, rollout: rollout('succeeded'), lines: [line('I (12) boot: firmware version 1.4.1')] });
    assert.equal(noBanner.result, 'failed');
    assert.match(noBanner.reasons.join(' '), /cloud reports success, but the board never printed version 1\.4\.2 on serial \(waited 5 s/);
    assert.deepEqual(noBanner.serialLines.map((l) => l.text), ['I (12) boot: firmware version 1.4.1']);
    const cloudFailed = decideVerdict({ ...base, rollout: rollout('rejected', { reason: 'rejected: 0x3', updatedBy: '0x10002' }), bannerLine: banner });
    assert.equal(cloudFailed.result, 'failed');
    assert.match(cloudFailed.reasons[0], /verify job rejected on bench-board-01 \(REJECTED\): rejected: 0x3; updatedBy=0x10002/);
    const noSerial = decideVerdict({ ...base, serialConnected: false, rollout: rollout('succeeded') });
    assert.match(noSerial.reasons.join(' '), /No serial port is connected/);
    assert.match(decideVerdict({ ...base, rollout: { ...rollout('succeeded'), executions: [] } }).reasons[0], /without an execution for bench-board-01/);
    assert.match(decideVerdict({ ...base }).reasons[0], /No rollout/);
  });

  it('the serial tap merges the session buffer with new lines and waits for a match', async () => {
    const s = new FakeSerial();
    s.print('old banner firmware version 1.4.2');
    const since = benchNow(); // the job is requested after that line, on the bench's clock
    const tap = new SerialTap(s);
    const m = bannerMatcher(undefined, '1.4.2');
    assert.equal(await tap.find(m, since, 0), undefined, 'a banner from before the job does not count');
    const waiting = tap.find(m, since, 2000);
    setTimeout(() => s.print('I (9) boot: firmware version 1.4.2'), 5);
    assert.match((await waiting)!.text, /boot: firmware version 1\.4\.2/);
    assert.equal(tap.since(since).length, 1);
    assert.equal(await tap.find(() => false, since, 20), undefined, 'times out');
    const ctl = new AbortController();
    const aborted = tap.find(() => false, since, 60_000, ctl.signal);
    ctl.abort();
    assert.equal(await aborted, undefined);
    tap.dispose();
  });

  it('a banner stamped in the very millisecond the job was requested is an old one (the cut is strict)', async () => {
    const s = new FakeSerial();
    const requestedAt = 1_000_000;
    const tap = new SerialTap(s);
    const m = bannerMatcher(undefined, '1.4.2');
    const old = { t: requestedAt, text: 'I (12) boot: firmware version 1.4.2', dir: 'rx' as const };
    s.lines.push(old);
    assert.equal(await tap.find(m, requestedAt, 0), undefined, 'the session buffer line at requestedAt does not count');
    assert.deepEqual(tap.since(requestedAt), []);
    s.lines.push({ ...old, t: requestedAt + 1 });
    assert.equal((await tap.find(m, requestedAt, 0))?.t, requestedAt + 1, 'one millisecond later it does');
    tap.dispose();
  });
});
