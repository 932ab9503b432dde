// `ota-bench` as it ships (dist/cli.js, a child process) against the AWS emulator and the virtual
// board on a real pty: the CI workflow's own command line (docs/ota-bench-ci.yml) to PASSED with
// its JUnit report and verify bundle; a stranger's signing key to FAILED; configuration errors and
// unreachable parts, each with its exit code and the setting named; SIGINT during the watch (130,
// what is left on the cloud) then --resume to PASSED; the lock shared with the extension; and no
// secret in any output.
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import { generateKeyPairSync } from 'crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { acquireReleaseLock, workspaceRecordPath, type ReleaseRecord } from '../../src/core/release';
import { builtCli, PROFILE, REPO, runCli, writeCliSettings, WRONG_KEY_PROFILE, type CliResult } from './cliRun';
import { startReleaseBench, type ReleaseBench } from './releaseBench';
import { AwsJobsAgent } from '../bench/board/agents/aws';
import { startBoard } from '../bench/board/board';

/** The `run:` block and `env:` of the workflow step named `name` (the file's own indentation). */
export function workflowStep(file: string, name: string): { run: string; env: Record<string, string> } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.findIndex((l) => new RegExp(`^\\s*- name: ${name}\\s*$`).test(l));
  if (at < 0) throw new Error(`${file} has no step named "${name}"`);
  const stepIndent = lines[at].indexOf('-');
  const body: string[] = [];
  for (let i = at + 1; i < lines.length && (lines[i].trim() === '' || lines[i].search(/\S/) > stepIndent); i++) body.push(lines[i]);
  const block = (key: string) => {
    const k = body.findIndex((l) => new RegExp(`^\\s*${key}:`).test(l));
    if (k < 0) return [];
    const indent = body[k].search(/\S/);
    const out: string[] = [];
    for (let i = k + 1; i < body.length && (body[i].trim() === '' || body[i].search(/\S/) > indent); i++) out.push(body[i].trim());
    return out.filter((l) => l && !l.startsWith('#'));
  };
  const env = Object.fromEntries(block('env').map((l) => [l.slice(0, l.indexOf(':')).trim(), l.slice(l.indexOf(':') + 1).trim().replace(/^"(.*)"$/, '$1')]));
  return { run: block('run').join('\n'), env };
}

/** The testcases of a JUnit report, read with regular expressions (the report's shape is simple and fixed). */
function junitCases(xml: string) {
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  const unesc = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)" time="([\d.]+)">(.*?)<\/testcase>/gs)].map((m) => ({
    classname: unesc(m[1]),
    name: unesc(m[2]),
    time: Number(m[3]),
    failure: /<failure message="([^"]*)"/.exec(m[4])?.[1] && unesc(/<failure message="([^"]*)"/.exec(m[4])![1]),
    error: /<error message="([^"]*)"/.exec(m[4])?.[1] && unesc(/<error message="([^"]*)"/.exec(m[4])![1]),
    systemOut: unesc(/<system-out>(.*?)<\/system-out>/s.exec(m[4])?.[1] ?? ''),
  }));
}

const events = (r: CliResult) => r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('ota-bench CLI (dist/cli.js) against the AWS emulator and the virtual board', function () {
  this.timeout(180_000);
  let b: ReleaseBench;
  let env: NodeJS.ProcessEnv;
  /** Everything any run printed or wrote, scanned for secrets at the end. */
  const seen: string[] = [];
  const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await runCli(args, { cwd: b.root, env: { ...env, ...extra } }).done;
    seen.push(r.stdout, r.stderr);
    return r;
  };
  const record = () => JSON.parse(readFileSync(workspaceRecordPath(b.root), 'utf8')) as ReleaseRecord;

  before(async () => {
    builtCli();
    // Paced downloads (256 KiB/s) leave time to interrupt the watch and resume it.
    b = await startReleaseBench({ imageKb: 512, bytesPerSecond: 256 * 1024 });
    // The CLI opens the board's pty itself: the bench's own reader would split its lines.
    await b.serial.close();
    env = writeCliSettings(b).env;
  });
  after(async () => {
    await b?.close();
  });

  it('the CI workflow\u2019s command line (docs/ota-bench-ci.yml) → exit 0, PASSED, JUnit report and verify bundle', async () => {
    b.setVersion('2.0.0');
    const step = workflowStep(join(REPO, 'docs', 'ota-bench-ci.yml'), 'OTA release');
    assert.match(step.run, /npx --prefix \.ota-bench ota-bench release .*--junit ota-results\/junit\.xml --out ota-results\/bundle/);
    // The runner's checkout of OTA Bench is this repository; the board's port is the bench's pty.
    symlinkSync(REPO, join(b.root, '.ota-bench'));
    const r = await runCli([], { cwd: b.root, env: { ...env, ...step.env, OTA_PORT: b.board.link }, shell: step.run }).done;
    seen.push(r.stdout, r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(step.env.OTA_PROFILE, PROFILE);
    // Human progress on stderr: each step, the upload's percentages, the job's counts, the verdict.
    for (const re of [/Build…/, /Build done/, /Upload 100%/, /Register version done/, /job \S+ IN_PROGRESS: in-progress 1/, /job \S+ COMPLETED: succeeded 1/, /the board printed the expected version: .*firmware version 2\.0\.0/, /^PASSED: /m]) {
      assert.match(r.stderr, re);
    }
    const rec = record();
    assert.equal(rec.status, 'passed');
    assert.equal(rec.version?.value, '2.0.0');
    assert.equal(b.board.version, '2.0.0');

    const cases = junitCases(readFileSync(join(b.root, 'ota-results', 'junit.xml'), 'utf8'));
    assert.equal(cases.length, 1);
    assert.equal(cases[0].name, 'bench-demo-firmware 2.0.0 on bench-board-01');
    assert.equal(cases[0].classname, `ota-bench.${PROFILE}`);
    assert.equal(cases[0].failure, undefined);
    assert.match(cases[0].systemOut, /^\d{4}-\d\d-\d\dT[\d:.]+Z .*ota: downloaded 524288 bytes/m);
    assert.match(cases[0].systemOut, /firmware version 2\.0\.0/);
    assert.ok(!cases[0].systemOut.includes('\u001b['), 'no ANSI in the evidence');

    const [bundle] = readdirSync(join(b.root, 'ota-results', 'bundle'));
    const folder = join(b.root, 'ota-results', 'bundle', bundle);
    assert.deepEqual(readdirSync(folder).sort(), ['README.txt', 'job-document.json', 'job-snapshots.json', 'release.json', 'serial.log', 'timeline.log']);
    assert.match(readFileSync(join(folder, 'serial.log'), 'utf8'), /firmware version 2\.0\.0/);
    assert.match(readFileSync(join(folder, 'timeline.log'), 'utf8'), /step +Start verify job: Started/);
    assert.match(readFileSync(join(folder, 'job-document.json'), 'utf8'), /afr_ota/);
    assert.equal(JSON.parse(readFileSync(join(folder, 'release.json'), 'utf8')).verdict.result, 'passed');
    seen.push(...readdirSync(folder).map((f) => readFileSync(join(folder, f), 'utf8')), readFileSync(join(b.root, 'ota-results', 'junit.xml'), 'utf8'));
  });

  it('a stranger\u2019s signing key → exit 1, FAILED with the board\u2019s reason; --json events and a JUnit failure', async () => {
    b.setVersion('2.0.1');
    const junit = join(b.dir, 'wrong-key.xml');
    const r = await run(['release', '--profile', WRONG_KEY_PROFILE, '--json', '--junit', junit]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^FAILED: .*signature check failed/m);
    const ev = events(r);
    assert.ok(ev.some((e) => e.type === 'step' && e.step === 'upload' && e.status === 'done'));
    assert.ok(ev.some((e) => e.type === 'rollout' && e.done === true));
    const result = ev.find((e) => e.type === 'result')!;
    assert.equal(result.status, 'failed');
    assert.equal(result.exitCode, 1);
    assert.equal(result.verdict, 'failed');
    const [c] = junitCases(readFileSync(junit, 'utf8'));
    assert.match(c.failure!, /failed on bench-board-01 \(FAILED\).*signature check failed/);
    assert.match(c.systemOut, /signature check failed/);
    assert.equal(b.board.version, '2.0.0', 'the board kept its version');
    seen.push(readFileSync(junit, 'utf8'));
  });

  it('SIGINT during the watch → exit 130 with what is left on the cloud; --resume → PASSED on the same job', async () => {
    b.setVersion('2.1.0');
    // A 1 MiB image takes ~4 s to download: the resume starts before the board reboots.
    const cli = runCli(['release', '--profile', PROFILE, '--json'], { cwd: b.root, env: { ...env, FW_IMAGE_KB: '1024' } });
    await cli.event((e) => e.type === 'rollout');
    cli.child.kill('SIGINT');
    const r = await cli.done;
    seen.push(r.stdout, r.stderr);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Left on the cloud: Cancelled during "Watch job"\. Verify job (\S+) keeps running on the cloud/);
    assert.match(r.stderr, /ota-bench release --resume/);
    const stopped = record();
    assert.equal(stopped.status, 'canceled');
    assert.equal(stopped.resumeAt, 'watch');
    assert.ok(!existsSync(join(b.root, '.vscode', 'ota-bench', 'release.lock')), 'the lock is released');

    const junit = join(b.dir, 'resumed.xml');
    const resumed = await run(['release', '--resume', '--junit', junit]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /Resuming release .* at "Watch job"/);
    assert.match(resumed.stderr, /^PASSED: /m);
    const done = record();
    assert.equal(done.id, stopped.id);
    assert.equal(done.job?.id, stopped.job?.id, 'the same verify job');
    assert.equal(b.board.version, '2.1.0');
    assert.equal(junitCases(readFileSync(junit, 'utf8'))[0].failure, undefined);

    const again = await run(['release', '--resume']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /passed; there is nothing to resume/);
  });

  it('verify an already published version → PASSED; an unknown one → exit 2 naming it', async () => {
    const r = await run(['verify', '--profile', PROFILE, '--version', '2.1.0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Verify bench-demo-firmware 2\.1\.0 \(published\) on bench-board-01/);
    assert.ok(!/Upload/.test(r.stderr), 'nothing uploaded');
    const missing = await run(['verify', '--profile', PROFILE, '--version', '9.9.9']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /bench-demo-firmware 9\.9\.9 is not on the cloud/);
  });

  let passedJob = '';
  it('watch <job> follows a finished job to exit 0; an unknown job → exit 2', async () => {
    const job = (passedJob = record().job!.id);
    const r = await run(['watch', job, '--profile', PROFILE]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`Job ${job} COMPLETED: every execution succeeded`));
    const none = await run(['watch', 'no-such-job', '--profile', PROFILE]);
    assert.equal(none.code, 2, none.stderr);
  });

  it('fleet: --questions lists the form; bad answers → exit 2 naming each; a dry run starts nothing; --yes makes the fleet job of the verified document', async () => {
    const groupArn = b.aws.seed.group('fleet-cli', ['fleet-cli-1', 'fleet-cli-2']);
    const verified = record();
    assert.equal(verified.status, 'passed');
    const q = await run(['fleet', '--profile', PROFILE, '--questions']);
    assert.equal(q.code, 0, q.stderr);
    assert.match(q.stdout, /targets\s+Thing groups to roll out to/);
    assert.match(q.stdout, /rate\s+How fast.*constant \(Constant rate\) \| exponential/);
    const bad = await run(['fleet', '--profile', PROFILE, '--set', 'targets=fleet-cli', '--set', 'rate=constant', '--set', 'maximumPerMinute=5000']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /2 problems/);
    assert.match(bad.stderr, /maximumPerMinute \(.*\): Maximum things per minute must be between 1 and 1000\./);
    assert.match(bad.stderr, /abort \(.*\): not given; choose one of FAILED, REJECTED, TIMED_OUT, ALL, none\./);
    const nowhere = await run(['fleet', '--profile', PROFILE, '--set', 'targets=fleet-nowhere', '--set', 'rate=none', '--set', 'abort=none']);
    assert.equal(nowhere.code, 2, nowhere.stderr);
    assert.match(nowhere.stderr, /targets: fleet-nowhere does not exist in /);
    const answers = join(b.dir, 'fleet-answers.json');
    writeFileSync(answers, JSON.stringify({ targets: 'fleet-cli', rate: 'constant', maximumPerMinute: 40, abort: 'none', jobId: 'from-the-file' }));
    const dry = await run(['fleet', '--profile', PROFILE, '--answers', answers, '--set', 'jobId=cli-fleet-1']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stderr, /Roll out bench-demo-firmware \S+ to 1 thing group\?\n {2}Job cli-fleet-1\n/);
    assert.match(dry.stderr, /Dry run: .*nothing was started/);
    assert.equal(b.aws.jobs.jobs.get('cli-fleet-1'), undefined, 'a dry run creates nothing');
    const go = await run(['fleet', '--profile', PROFILE, '--answers', answers, '--set', 'jobId=cli-fleet-1', '--yes', '--json']);
    assert.equal(go.code, 0, go.stderr);
    assert.equal(events(go).find((e) => e.type === 'fleet')?.job, 'cli-fleet-1');
    const created = b.aws.jobs.jobs.get('cli-fleet-1')!;
    assert.deepEqual(created.targets, [groupArn]);
    assert.deepEqual(created.jobExecutionsRolloutConfig, { maximumPerMinute: 40 });
    assert.equal(created.document, b.aws.jobs.jobs.get(verified.job!.id)!.document, 'the document the bench verified');
    assert.match(go.stderr, /ota-bench watch cli-fleet-1/);
  });

  it('two bench boards (otaBench.bench.boards): one testcase each; a board that rejects the image fails only its own', async () => {
    // Board B trusts another key: it rejects the signature while board A installs the image.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    b.aws.seed.thing('bench-board-02');
    const agent = new AwsJobsAgent({ mqttUrl: b.aws.mqttUrl, thingName: 'bench-board-02', statusEvery: 128, downloadTimeoutMs: 3000 });
    const board2 = await startBoard({ link: join(b.dir, 'ttyBENCH2'), version: '1.0.0', logPeriodMs: 0, trustedKeyPem: other, agents: [agent] });
    try {
      const p = b.aws.profile('bench');
      const settings = join(b.dir, 'two-boards.json');
      writeFileSync(
        settings,
        JSON.stringify({
          'otaBench.profiles': [{ kind: 'aws', name: PROFILE, region: p.region, endpoint: p.endpoint, bucket: p.bucket, roleArn: p.roleArn, thingName: 'bench-board-01,bench-board-02', signing: { mode: 'local-key', keyFile: 'keys/demo-signing-key.pem' } }],
          'otaBench.release.build': { command: 'node scripts/build.mjs' },
          'otaBench.release.packageName': 'bench-demo-firmware',
          'otaBench.bench.boards': [
            { name: 'A', port: b.board.link, devices: { aws: 'bench-board-01' } },
            { name: 'B', port: board2.link, devices: { aws: 'bench-board-02' } },
          ],
        }),
      );
      b.setVersion('2.2.0');
      const junit = join(b.dir, 'two-boards.xml');
      const r = await run(['release', '--config', settings, '--junit', junit]);
      assert.equal(r.code, 1, r.stderr);
      const cases = junitCases(readFileSync(junit, 'utf8'));
      assert.deepEqual(cases.map((c) => c.name), ['bench-demo-firmware 2.2.0 on bench-board-01', 'bench-demo-firmware 2.2.0 on bench-board-02']);
      assert.equal(cases[0].failure, undefined, 'board A passed');
      assert.match(cases[0].systemOut, /firmware version 2\.2\.0/);
      assert.ok(!/signature check failed/.test(cases[0].systemOut), 'only board A\u2019s own lines');
      assert.match(cases[1].failure!, /signature check failed/);
      assert.match(cases[1].systemOut, /signature check failed/);
      assert.equal(b.board.version, '2.2.0');
      assert.equal(board2.version, '1.0.0');
      seen.push(readFileSync(junit, 'utf8'));
    } finally {
      await board2.stop();
    }
  });

  it('monitor prints the board\u2019s lines with timestamps and filters them (text, level, tag); profiles lists capabilities and secret variables', async () => {
    const mon = runCli(['monitor', '--include', 'hello', '--duration', '3'], { cwd: b.root, env });
    await new Promise((r) => setTimeout(r, 1500));
    await b.board.println('hello from the bench');
    await b.board.println('other line');
    const r = await mon.done;
    seen.push(r.stdout, r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z hello from the bench$/m);
    assert.ok(!r.stdout.includes('other line'));

    // Level and tag as the monitor parses them (ESP-IDF style lines from the board).
    const lv = runCli(['monitor', '--level', 'warn', '--tag', 'wifi', '--duration', '3'], { cwd: b.root, env });
    await new Promise((r) => setTimeout(r, 1500));
    b.board.log('W', 'wifi', 'signal weak');
    b.board.log('W', 'mqtt', 'reconnecting');
    b.board.log('I', 'wifi', 'connected');
    const leveled = await lv.done;
    seen.push(leveled.stdout, leveled.stderr);
    assert.equal(leveled.code, 0, leveled.stderr);
    assert.match(leveled.stdout, /^\S+Z W \(\d+\) wifi: signal weak$/m, "plain text into a pipe: no ANSI");
    assert.ok(!/reconnecting|connected/.test(leveled.stdout), leveled.stdout);
    const badLevel = await run(['monitor', '--level', 'loud']);
    assert.equal(badLevel.code, 2);
    assert.match(badLevel.stderr, /--level must be one of error, warn, info, debug, verbose/);

    const p = await run(['profiles']);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /Bench AWS {2}\(AWS IoT, us-east-1/);
    assert.match(p.stdout, /can: .*release/);
    assert.match(p.stdout, /OTA_BENCH_LAB_HUAWEI_ACCESS_KEY \(set\)/);
    assert.match(p.stdout, /OTA_BENCH_LAB_HUAWEI_SECRET_KEY \(set\)/);
  });

  describe('configuration errors and unreachable parts: exit code and the setting named', () => {
    const settingsWith = (edit: (s: Record<string, unknown>) => void) => {
      const s: Record<string, unknown> = {
        'otaBench.profiles': [{ kind: 'aws', name: PROFILE, region: 'us-east-1', endpoint: b.aws.endpoint, thingName: 'bench-board-01', bucket: b.aws.profile().bucket, roleArn: b.aws.profile().roleArn, signing: { mode: 'local-key', keyFile: 'keys/demo-signing-key.pem' } }],
        'otaBench.release.build': { command: 'node scripts/build.mjs' },
        'otaBench.serial.port': b.board.link,
      };
      edit(s);
      const file = join(b.dir, `settings-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify(s));
      return file;
    };
    const cases: { what: string; args: () => string[]; code: number; message: RegExp }[] = [
      { what: 'settings.json that is not JSON', args: () => ['release', '--config', ((f) => (writeFileSync(f, '{\n  "otaBench.profiles": [\n    {"kind": "aws",, }\n]}'), f))(join(b.dir, 'broken.json'))], code: 2, message: /broken\.json is not valid JSON: .*\(line 3, column \d+\)/ },
      { what: 'an invalid profile', args: () => ['release', '--config', settingsWith((s) => ((s['otaBench.profiles'] as Record<string, unknown>[])[0].region = 'mars-1'))], code: 2, message: /otaBench\.profiles\[0\] \("Bench AWS"\).*"region"/ },
      { what: 'a job timeout out of range', args: () => ['release', '--config', settingsWith((s) => (s['otaBench.release.jobTimeoutMinutes'] = 0))], code: 2, message: /otaBench\.release\.jobTimeoutMinutes must be a whole number of minutes from 1 to 1440/ },
      { what: 'a bad baud rate setting', args: () => ['release', '--config', settingsWith((s) => (s['otaBench.serial.baudRate'] = 'fast'))], code: 2, message: /otaBench\.serial\.baudRate in .*"fast" is not valid/ },
      { what: 'a bad --baud', args: () => ['release', '--profile', PROFILE, '--baud', '12x'], code: 2, message: /--baud: "12x" is not valid/ },
      { what: 'no serial port', args: () => ['release', '--config', settingsWith((s) => delete s['otaBench.serial.port'])], code: 2, message: /Set otaBench\.serial\.port \(or otaBench\.bench\.boards\) in .* or pass --port/ },
      { what: 'an unknown --profile', args: () => ['release', '--profile', 'nope'], code: 2, message: /--profile "nope": otaBench\.profiles has no such profile/ },
      { what: 'several profiles and no --profile', args: () => ['release'], code: 2, message: /holds 3 profiles .*choose one with --profile/ },
      { what: 'a secret as an argument', args: () => ['release', '--secret-key', 'x'], code: 2, message: /secrets are never taken from arguments/ },
      { what: 'an unknown command', args: () => ['publish'], code: 2, message: /Unknown command "publish"/ },
      { what: 'a port that is not there', args: () => ['release', '--profile', PROFILE, '--port', join(b.dir, 'ttyGONE')], code: 3, message: /serial port .*ttyGONE \(--port\) is unreachable/ },
      { what: 'a cloud that is not there', args: () => ['release', '--config', settingsWith((s) => ((s['otaBench.profiles'] as Record<string, unknown>[])[0].endpoint = 'http://127.0.0.1:9'))], code: 3, message: /"Upload" failed|Upload FAILED/ },
    ];
    for (const c of cases) {
      it(`${c.what} → exit ${c.code}`, async () => {
        const r = await run(c.args());
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.message);
      });
    }

    it('SIGTERM during the build → exit 130: the build is stopped, nothing was uploaded, the lock is released', async () => {
      const marker = join(b.dir, `build-still-running-${Date.now()}`);
      const cli = runCli(['release', '--json', '--config', settingsWith((s) => (s['otaBench.release.build'] = { command: `sleep 3; touch ${marker}` }))], { cwd: b.root, env });
      await cli.event((e) => e.type === 'step' && e.step === 'build' && e.status === 'started');
      cli.child.kill('SIGTERM');
      const r = await cli.done;
      seen.push(r.stdout, r.stderr);
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /SIGTERM: cancelling/);
      assert.match(r.stderr, /Left on the cloud: Cancelled during "Build"\. Nothing was uploaded/);
      assert.equal(events(r).find((e) => e.type === 'result')?.exitCode, 130);
      await new Promise((res) => setTimeout(res, 3500));
      assert.ok(!existsSync(marker), 'the build was stopped with the release');
      assert.ok(!existsSync(join(b.root, '.vscode', 'ota-bench', 'release.lock')));
    });

    it('a release running in VS Code holds the workspace lock: the CLI says who and stops (exit 2)', async () => {
      const unlock = acquireReleaseLock(b.root, 'VS Code');
      try {
        const r = await run(['release', '--profile', PROFILE]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, new RegExp(`A release is already running on this workspace in VS Code \\(pid ${process.pid}, since `));
      } finally {
        unlock();
      }
    });
  });

  it('the npm tarball (npm pack) holds dist/cli.js and the cloud bundles, and runs from its own layout', async () => {
    const dest = join(b.dir, 'pack');
    mkdirSync(dest);
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { filename: string; files: { path: string }[] }[];
    const files = pack.files.map((f) => f.path);
    assert.ok(files.includes('dist/cli.js') && files.includes('dist/clouds/aws.js'), files.join(', '));
    assert.deepEqual(files.filter((f) => f.startsWith('dist/') && f !== 'dist/cli.js' && !/^dist\/clouds\/[^/]+\.js$/.test(f)), [], 'nothing else of dist/');
    // Unpacked as npm installs it (its dependencies beside it), the CLI loads the AWS bundle by a path relative to itself.
    execFileSync('tar', ['-xzf', join(dest, pack.filename), '-C', dest]);
    symlinkSync(join(REPO, 'node_modules'), join(dest, 'package', 'node_modules'));
    const job = passedJob;
    const r = await runCli([], { cwd: b.root, env, shell: `node ${join(dest, 'package', 'dist', 'cli.js')} watch ${job} --profile "${PROFILE}"` }).done;
    seen.push(r.stdout, r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`Job ${job} COMPLETED`));
  });

  // Last (mocha runs nested suites after the outer tests): every run above is scanned.
  describe('at the end', () => {
    it('no secret in any output: stdout, stderr, JUnit, bundle (the AWS secret key, the Huawei keys from the environment)', () => {
      const secrets = [b.aws.credentials.secretAccessKey, env.OTA_BENCH_LAB_HUAWEI_ACCESS_KEY!, env.OTA_BENCH_LAB_HUAWEI_SECRET_KEY!];
      assert.ok(seen.length > 5, `outputs collected: ${seen.length}`);
      for (const text of [...seen, readFileSync(workspaceRecordPath(b.root), 'utf8')]) for (const s of secrets) assert.ok(!text.includes(s), `a secret in: ${text.slice(0, 300)}`);
    });
  });
});
