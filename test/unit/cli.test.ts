// The `ota-bench` CLI's pure parts: the JSONC reader, the arguments, the settings (each problem
// names the setting), the secret variables, the JUnit report, the workspace lock shared with the
// extension, and the bundle that must hold nothing of VS Code.
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { hostname, tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { parseArgs } from '../../src/cli/args';
import { secretEnvName } from '../../src/cli/clouds';
import { exitCodeOf } from '../../src/cli/release';
import { junitXml } from '../../src/cli/junit';
import { buildRunnerFor } from '../../src/cli/build';
import { openPorts } from '../../src/cli/ports';
import { chooseProfile, readReleaseSettings, readSerial, readWorkspace } from '../../src/cli/settings';
import { parseJsonc } from '../../src/core/jsonc';
import { acquireReleaseLock, FileReleaseStore, newRecord, workspaceRecordPath, type ReleaseConfig, type ReleaseRecord } from '../../src/core/release';
import { WorkspaceReleaseStore } from '../../src/vscode/release/workspaceStore';

const root = resolve(__dirname, '../..');
const tmp = () => mkdtempSync(join(tmpdir(), 'otab-cli-'));

const config: ReleaseConfig = {
  root: '/ws',
  profile: 'Bench AWS',
  cloud: 'aws',
  packageName: 'fw',
  artifact: 'build/*.bin',
  version: { kind: 'file', file: 'include/version.h' },
  signing: { mode: 'hash-only', hash: 'sha256' },
  target: 'bench-board-01',
};

function finished(result: 'passed' | 'failed'): ReleaseRecord {
  const r = newRecord(config, 1_000_000);
  r.status = result;
  r.version = { value: '1.2.3', origin: 'test' };
  r.job = { id: 'job-1', requestedAt: 1_000_100, created: true };
  for (const s of r.steps) Object.assign(s, { status: 'done', endedAt: 1_005_000 });
  if (result === 'failed') r.steps.at(-1)!.status = 'failed';
  r.rollout = { at: 1_004_000, jobStatus: 'completed', rawJobStatus: 'COMPLETED', done: true, counts: { [result === 'passed' ? 'succeeded' : 'failed']: 1 }, executions: [{ target: 'bench-board-01', status: result === 'passed' ? 'succeeded' : 'failed', rawStatus: result === 'passed' ? 'SUCCEEDED' : 'FAILED', statusDetails: result === 'failed' ? { reason: 'signature check failed' } : undefined }] };
  r.verdict = { result, reasons: result === 'passed' ? ['bench-board-01 SUCCEEDED and printed 1.2.3.'] : ['The job failed on bench-board-01 (FAILED): signature check failed <& "x">.'], serialLines: [] };
  return r;
}

describe('ota-bench CLI', () => {
  describe('JSONC (settings.json, tasks.json)', () => {
    it('reads comments and trailing commas, keeps "//" and "/*" inside strings', () => {
      const v = parseJsonc(`// top\n{\n  "a": "http://x/*y*/", /* c */\n  "b": [1, 2,], // t\n  "c": {"d": "\\"//"},\n}\n`);
      assert.deepEqual(v, { a: 'http://x/*y*/', b: [1, 2], c: { d: '"//' } });
      assert.deepEqual(parseJsonc(''), {});
      assert.deepEqual(parseJsonc('[1, /* , */ 2 , // ,\n]'), [1, 2]);
    });

    it('says where a syntax error is (line and column)', () => {
      assert.throws(() => parseJsonc('{\n  "a": 1,\n  "b": ,\n}'), (e: Error & { line?: number }) => e.name === 'JsoncError' && e.line === 3 && /line 3, column \d+/.test(e.message));
    });
  });

  describe('arguments', () => {
    it('a command, its arguments and flags (--x v, --x=v, booleans)', () => {
      const inv = parseArgs(['watch', 'job-1', '--profile=Bench AWS', '--json', '--port', '/dev/ttyUSB0', '--duration', '2.5']);
      assert.equal(inv.command, 'watch');
      assert.deepEqual(inv.args, ['job-1']);
      assert.equal(inv.flags.profile, 'Bench AWS');
      assert.equal(inv.flags.port, '/dev/ttyUSB0');
      assert.equal(inv.flags.json, true);
      assert.equal(inv.flags.duration, 2.5);
    });

    it('fleet: --set is repeatable key=value (the value may hold "="), --answers a file, --yes and --questions flags', () => {
      const inv = parseArgs(['fleet', '--set', 'rate=constant', '--set=targets=a,b', '--set', 'desc=x=y', '--answers', 'f.json', '--yes']);
      assert.equal(inv.command, 'fleet');
      assert.deepEqual(inv.flags.set, ['rate=constant', 'targets=a,b', 'desc=x=y']);
      assert.equal(inv.flags.answers, 'f.json');
      assert.equal(inv.flags.yes, true);
      assert.equal(inv.flags.questions, false);
      assert.throws(() => parseArgs(['fleet', '--set', 'constant']), /--set takes key=value/);
      assert.throws(() => parseArgs(['fleet', '--yes=1']), /--yes takes no value/);
    });

    it('refuses secrets as arguments, unknown flags and commands, missing values', () => {
      for (const [argv, re] of [
        [['release', '--secret-key', 'abc'], /never taken from arguments/],
        [['release', '--access-key=abc'], /never taken from arguments/],
        [['release', '--token', 'abc'], /never taken from arguments/],
        [['release', '--bogus'], /Unknown flag --bogus/],
        [['deploy'], /Unknown command "deploy"/],
        [['release', '--profile'], /--profile needs a value/],
        [['monitor', '--duration', '-1'], /--duration must be a number of seconds/],
      ] as [string[], RegExp][]) {
        assert.throws(() => parseArgs(argv), (e: Error & { exitCode?: number }) => e.exitCode === 2 && re.test(e.message), argv.join(' '));
      }
    });

    it('names secret variables OTA_BENCH_<PROFILE>_<FIELD>', () => {
      assert.equal(secretEnvName('Lab Huawei', 'accessKey'), 'OTA_BENCH_LAB_HUAWEI_ACCESS_KEY');
      assert.equal(secretEnvName('bench-aliyun.2', 'accessKeySecret'), 'OTA_BENCH_BENCH_ALIYUN_2_ACCESS_KEY_SECRET');
    });
  });

  describe('settings from the workspace', () => {
    const ws = (settings: string) => {
      const dir = tmp();
      mkdirSync(join(dir, '.vscode'));
      writeFileSync(join(dir, '.vscode', 'settings.json'), settings);
      return dir;
    };
    const aws = { kind: 'aws', name: 'A', region: 'us-east-1', thingName: 'bench-1' };

    it('reads the same profiles, release and serial settings as the extension; flags win', () => {
      const dir = ws(`{ "otaBench.profiles": [${JSON.stringify(aws)}], "otaBench.release.artifact": "out/*.bin", // c\n "otaBench.serial.port": "/dev/ttyACM0", "otaBench.serial.baudRate": 921600, }`);
      const w = readWorkspace({ workspace: dir });
      assert.equal(chooseProfile(w, undefined).name, 'A');
      assert.equal(readReleaseSettings(w).artifact, 'out/*.bin');
      assert.deepEqual({ port: readSerial(w, {}).port, baud: readSerial(w, {}).options.baudRate }, { port: '/dev/ttyACM0', baud: 921600 });
      assert.deepEqual({ port: readSerial(w, { port: '/dev/x', baud: '115200' }).port, baud: readSerial(w, { baud: '115200' }).options.baudRate }, { port: '/dev/x', baud: 115200 });
      rmSync(dir, { recursive: true, force: true });
    });

    it('each problem is exit 2 with the setting named', () => {
      const cases: [string, (dir: string) => unknown, RegExp][] = [
        ['{"otaBench.profiles": 3}', (d) => chooseProfile(readWorkspace({ workspace: d }), undefined), /otaBench\.profiles must be an array/],
        [`{"otaBench.profiles": [${JSON.stringify({ ...aws, region: 'nowhere' })}]}`, (d) => chooseProfile(readWorkspace({ workspace: d }), undefined), /otaBench\.profiles\[0\] \("A"\).*"region"/],
        ['{"otaBench.profiles": []}', (d) => chooseProfile(readWorkspace({ workspace: d }), undefined), /names no cloud profile/],
        ['{"otaBench.release.version": {"source": "svn"}}', (d) => readReleaseSettings(readWorkspace({ workspace: d })), /otaBench\.release\.version\.source must be/],
        ['{"otaBench.serial.parity": "maybe"}', (d) => readSerial(readWorkspace({ workspace: d }), {}), /otaBench\.serial\.parity in .*"maybe" is not valid/],
        ['{"otaBench.profiles": [}', (d) => readWorkspace({ workspace: d }), /is not valid JSON: .*line 1/],
      ];
      for (const [text, read, re] of cases) {
        const dir = ws(text);
        assert.throws(() => read(dir), (e: Error & { exitCode?: number }) => e.exitCode === 2 && re.test(e.message), text);
        rmSync(dir, { recursive: true, force: true });
      }
      assert.throws(() => readWorkspace({ workspace: '/nonexistent-ws' }), /settings\.json does not exist\. Run in the firmware workspace, or pass --workspace DIR or --config FILE/);
    });

    it('runs the build task of tasks.json as its shell command; a task only VS Code can run is a clear error', async () => {
      const dir = tmp();
      mkdirSync(join(dir, '.vscode'));
      writeFileSync(join(dir, '.vscode', 'tasks.json'), `{ // tasks\n "tasks": [ {"label": "b", "type": "shell", "command": "echo built in", "args": ["\${workspaceFolderBasename}"]}, {"label": "npm", "type": "npm", "script": "build"}, ] }`);
      const res = await buildRunnerFor({ task: 'b' }, dir)!(new AbortController().signal);
      assert.equal(res.exitCode, 0);
      assert.equal(res.output.trim(), `built in ${relative(tmpdir(), dir)}`);
      assert.throws(() => buildRunnerFor({ task: 'npm' }, dir), /only VS Code can run\. For the CLI, set otaBench\.release\.build to \{"command"/);
      assert.throws(() => buildRunnerFor({ task: 'nope' }, dir), /does not define \(tasks: "b", "npm"\)/);
      rmSync(dir, { recursive: true, force: true });
    });
  });

  describe('outcome', () => {
    it('exit codes: passed 0, verdict failed 1, cancelled 130, an unreachable cloud 3, credentials 2', () => {
      assert.equal(exitCodeOf(finished('passed')), 0);
      assert.equal(exitCodeOf(finished('failed'), { last: { code: 'unavailable', message: 'x' }, clear() {} }), 1, 'a failed verdict is a failure whatever came before');
      const upload = finished('failed');
      upload.steps.forEach((s) => (s.status = s.id === 'upload' ? 'failed' : 'pending'));
      assert.equal(exitCodeOf(upload, { last: { code: 'unavailable', message: 'x' }, clear() {} }), 3);
      assert.equal(exitCodeOf(upload, { last: { code: 'credentials', message: 'x' }, clear() {} }), 2);
      assert.equal(exitCodeOf(upload, { clear() {} }), 1);
      assert.equal(exitCodeOf({ ...upload, status: 'canceled' }), 130);
    });

    it('JUnit: one testcase per board, the verdict reason as failure message, serial evidence as system-out', () => {
      const serial = [
        { t: 1_000_050, text: 'before the job' },
        { t: 1_000_200, text: '\u001b[31mota: signature check failed\u001b[0m \u0007' },
        { t: 1_000_300, text: 'sent', dir: 'tx' as const },
      ];
      const xml = junitXml({ record: finished('failed'), serial });
      assert.match(xml, /<testsuites name="ota-bench" tests="1" failures="1" errors="0"/);
      assert.match(xml, /<testcase classname="ota-bench\.Bench AWS" name="fw 1\.2\.3 on bench-board-01" time="5\.000"><failure message="The job failed on bench-board-01 \(FAILED\): signature check failed &lt;&amp; &quot;x&quot;&gt;\." type="verdict">/);
      assert.match(xml, /<system-out>1970-01-01T00:16:40\.200Z ota: signature check failed \ufffd\n<\/system-out>/);
      assert.ok(!xml.includes('before the job') && !xml.includes('sent'), 'only board lines since the job');
      const ok = junitXml({ record: finished('passed'), serial: [] });
      assert.match(ok, /failures="0" errors="0"/);
      assert.ok(!ok.includes('<failure'));
      assert.match(junitXml({ record: { ...finished('failed'), status: 'canceled', note: 'Cancelled during "Watch job".' }, serial: [], error: 'interrupted' }), /<error message="Interrupted: Cancelled during &quot;Watch job&quot;\." type="interrupted"\/>/);
    });
  });

  describe('several bench boards (otaBench.bench.boards)', () => {
    it('JUnit: one testcase per board, each with its own verdict reason and its own serial lines', () => {
      const r = finished('failed');
      r.config = { ...r.config, target: 'board-a,board-b' };
      r.rollout = { ...r.rollout!, counts: { succeeded: 2 }, executions: ['board-a', 'board-b'].map((target) => ({ target, status: 'succeeded' as const, rawStatus: 'SUCCEEDED' })) };
      r.verdict = {
        result: 'failed',
        reasons: ['A (board-a): PASSED: …', 'B (board-b): FAILED: …'],
        serialLines: [],
        boards: [
          { board: 'A', target: 'board-a', result: 'passed', reasons: ['board-a succeeded and printed 1.2.3.'] },
          { board: 'B', target: 'board-b', result: 'failed', reasons: ['board-b crashed after the update: Guru Meditation Error.'] },
        ],
      };
      const xml = junitXml({ record: r, serial: [], boards: { 'board-a': [{ t: 1_000_200, text: 'A: firmware version 1.2.3' }], 'board-b': [{ t: 1_000_300, text: 'B: Guru Meditation Error' }] } });
      assert.match(xml, /tests="2" failures="1" errors="0"/);
      const cases = xml.split('<testcase').slice(1);
      assert.match(cases[0], /name="fw 1\.2\.3 on board-a".*<system-out>[^<]*A: firmware version 1\.2\.3/s);
      assert.ok(!cases[0].includes('<failure') && !cases[0].includes('B: Guru'));
      assert.match(cases[1], /<failure message="board-b crashed after the update: Guru Meditation Error\."/);
      assert.match(cases[1], /<system-out>[^<]*B: Guru Meditation Error/);
    });

    it('a board list with a mistake, or no board for the profile, is exit 2 naming the setting', async () => {
      const dir = tmp();
      mkdirSync(join(dir, '.vscode'));
      const profile = { kind: 'aws', name: 'A', region: 'us-east-1', thingName: 'bench-1' } as const;
      const write = (boards: unknown) => writeFileSync(join(dir, '.vscode', 'settings.json'), JSON.stringify({ 'otaBench.profiles': [profile], 'otaBench.bench.boards': boards }));
      write([{ name: 'A', port: '/dev/x' }, { name: 'A', port: '/dev/y' }]);
      await assert.rejects(openPorts(readWorkspace({ workspace: dir }), parseArgs([]).flags, profile as never), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /otaBench\.bench\.boards\[1\]: the name "A" is used twice/.test(e.message));
      write([{ name: 'A', port: '/dev/x', devices: { huawei: 'dev-1' } }]);
      await assert.rejects(openPorts(readWorkspace({ workspace: dir }), parseArgs([]).flags, profile as never), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /no board has a device for profile "A"/.test(e.message));
      write([{ name: 'A', port: join(dir, 'ttyNONE'), devices: { aws: 'bench-1' } }]);
      await assert.rejects(openPorts(readWorkspace({ workspace: dir }), parseArgs([]).flags, profile as never), (e: Error & { exitCode?: number }) => e.exitCode === 3 && /1 of 1 bench boards unreachable \("A" .*ttyNONE/.test(e.message));
      rmSync(dir, { recursive: true, force: true });
    });
  });

  describe('the workspace lock shared with the extension', () => {
    it('one holder at a time, named in the refusal; released; a dead holder\u2019s lock is taken over', async () => {
      const dir = tmp();
      const unlock = acquireReleaseLock(dir, 'VS Code');
      assert.throws(() => acquireReleaseLock(dir, 'the ota-bench CLI'), (e: Error) => e.name === 'ReleaseLockedError' && new RegExp(`in VS Code \\(pid ${process.pid}, since \\d{4}-`).test(e.message));
      unlock();
      unlock(); // idempotent
      const again = acquireReleaseLock(dir, 'the ota-bench CLI');
      again();
      // A holder that is gone: a child that exited.
      const child = spawn(process.execPath, ['-e', '0']);
      await new Promise((r) => child.on('exit', r));
      writeFileSync(join(dir, '.vscode', 'ota-bench', 'release.lock'), JSON.stringify({ pid: child.pid, host: hostname(), tool: 'the ota-bench CLI', startedAt: Date.now() }));
      const taken = acquireReleaseLock(dir, 'VS Code');
      assert.equal(JSON.parse(readFileSync(join(dir, '.vscode', 'ota-bench', 'release.lock'), 'utf8')).tool, 'VS Code');
      taken();
      assert.ok(!existsSync(join(dir, '.vscode', 'ota-bench', 'release.lock')));
      assert.match(readFileSync(join(dir, '.vscode', 'ota-bench', '.gitignore'), 'utf8'), /^\*$/m, 'the state folder stays out of git');
      assert.equal(workspaceRecordPath(dir), join(dir, '.vscode', 'ota-bench', 'release.json'));
      rmSync(dir, { recursive: true, force: true });
    });
  });

  describe('the release record shared with the extension', () => {
    it('one file: the extension loads what the CLI saved and the other way round; its lock refuses while the CLI holds it', async () => {
      const dir = tmp();
      const state = new Map<string, unknown>();
      const memento = { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v), keys: () => [...state.keys()] };
      const editor = new WorkspaceReleaseStore(memento as never, dir);
      const cli = new FileReleaseStore(workspaceRecordPath(dir));
      assert.equal(await editor.load(), undefined);

      const stopped = { ...finished('failed'), status: 'canceled' as const, resumeAt: 'watch' as const, note: 'Cancelled during "Watch job".' };
      await cli.save(stopped);
      assert.deepEqual(await editor.load(), stopped, 'a release the CLI stopped is the one Resume Last Release finds');

      const resumed = { ...stopped, status: 'passed' as const, updatedAt: stopped.updatedAt + 1 };
      state.set('otaBench.release.last', stopped); // the copy earlier versions also kept there
      await editor.save(resumed);
      assert.deepEqual(await cli.load(), resumed, 'a release the editor ran is the one `ota-bench release --resume` finds');
      assert.equal(editor.passed()[0]?.version, '1.2.3', 'the editor still remembers passed releases');

      const unlock = acquireReleaseLock(dir, 'the ota-bench CLI');
      assert.throws(() => editor.lock(), new RegExp(`already running on this workspace in the ota-bench CLI \\(pid ${process.pid}`));
      unlock();
      editor.lock()();
      // The file is the one copy: nothing goes stale in workspaceState. A window without a folder
      // keeps the record there instead.
      assert.equal(state.get('otaBench.release.last'), undefined);
      const noFolder = new WorkspaceReleaseStore(memento as never);
      assert.equal(await noFolder.load(), undefined);
      await noFolder.save(resumed);
      assert.equal((await noFolder.load())?.id, resumed.id);
      assert.equal((await editor.load())?.updatedAt, resumed.updatedAt, 'the folder window still reads its file');
      noFolder.lock()();
      rmSync(dir, { recursive: true, force: true });
    });
  });

  describe('the bundle holds nothing of VS Code', () => {
    const tsFiles = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? tsFiles(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));

    it('src/cli imports nothing from src/vscode or vscode, and its bundle (as scripts/build.mjs builds it) has no require("vscode")', async () => {
      for (const f of tsFiles(join(root, 'src', 'cli'))) {
        for (const m of readFileSync(f, 'utf8').matchAll(/from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g)) {
          const spec = m[1] ?? m[2];
          assert.notEqual(spec, 'vscode', f);
          if (spec.startsWith('.')) assert.ok(!relative(root, resolve(join(f, '..'), spec)).startsWith('src/vscode'), `${relative(root, f)} imports ${spec}`);
        }
      }
      const out = await esbuild.build({ entryPoints: [join(root, 'src/cli/main.ts')], bundle: true, write: false, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode', '@serialport/bindings-cpp'], metafile: true, logLevel: 'silent' });
      const inputs = Object.keys(out.metafile.inputs);
      assert.ok(inputs.some((i) => i.startsWith('src/cli/')), 'the CLI itself');
      assert.deepEqual(inputs.filter((i) => i.startsWith('src/vscode/') || i.includes('@aws-sdk')), [], 'no editor code, no cloud SDK (clouds load lazily)');
      const text = out.outputFiles[0].text;
      assert.ok(!/require\(["']vscode["']\)/.test(text));
      // The shipped file too, when it has been built.
      const dist = join(root, 'dist', 'cli.js');
      if (existsSync(dist)) {
        const built = readFileSync(dist, 'utf8');
        assert.ok(built.startsWith('#!/usr/bin/env node\n'), 'runnable as a bin');
        assert.ok(!/require\(["']vscode["']\)/.test(built));
      }
      // The check can fail: a bundle that does import vscode is caught.
      const bad = await esbuild.build({ stdin: { contents: "import * as v from 'vscode'; console.log(v);", resolveDir: root }, bundle: true, write: false, platform: 'node', format: 'cjs', external: ['vscode'], logLevel: 'silent' });
      assert.ok(/require\(["']vscode["']\)/.test(bad.outputFiles[0].text));
    });
  });
});
