// Integration tests inside a real VS Code: code-server (installed on demand), headless Chromium.
//   main run:  the whole suite (test/integration/**/*.test.ts) with this repo as the extension
//              under development;
//   smoke run: the packaged .vsix installed with `code-server --install-extension` into a fresh
//              extensions folder, no development path, and test/integration/smoke/ against it.
// Usage: node scripts/integration.mjs [--main|--smoke] [--grep <re>] [--no-build] [--production]
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, installVsix, startCodeServer } from './lib/code-server.mjs';
import { run } from './lib/proc.mjs';
import { launchBrowser, runSuiteInWorkbench } from './lib/workbench.mjs';
import { packageVsix, vsixPath } from './package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(root, 'out');
export const SUITE_INDEX = join(OUT, 'test', 'integration', 'index.js');

/** Settings for a fresh user-data-dir: no welcome page, no trust prompt, nothing phoning home. */
export const HOST_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.openRepositoryInParentFolders': 'never', // the run's workspace sits inside this repo
  'git.autoRepositoryDetection': false,
};

/** Workbench chatter that is not the suite's output: kept in the log, not echoed. */
const NOISE = /ENOTFOUND open-vsx|^\s+at .*\/static\/out\/|connection token|Creating a socket|Updating additional builtin|\[Service Worker\]|ChatSessionStore/;

/** A fresh folder tree for one run: user data, extensions, XDG, a workspace with one file. */
function prepareRun(name, settings = {}) {
  pruneStaleRuns();
  // Per process: engineers sharing this tree may run suites at the same time.
  const dir = join(OUT, 'integration', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const paths = {
    dir,
    userDataDir: join(dir, 'user-data'),
    extensionsDir: join(dir, 'extensions'),
    xdgDir: join(dir, 'xdg'),
    workspace: join(dir, 'workspace'),
    browserProfile: join(dir, 'browser'),
    results: join(dir, 'results.json'),
    scratch: join(dir, 'scratch'),
  };
  for (const p of [paths.userDataDir, paths.extensionsDir, paths.workspace, paths.scratch]) mkdirSync(p, { recursive: true });
  mkdirSync(join(paths.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(paths.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...HOST_SETTINGS, ...settings }, null, 2));
  writeFileSync(join(paths.workspace, 'README.md'), '# Integration test workspace\n');
  return paths;
}

/** Removes run folders left by processes that have exited (the newest run's stays for a look). */
function pruneStaleRuns() {
  const base = join(OUT, 'integration');
  if (!existsSync(base)) return;
  for (const d of readdirSync(base)) {
    const pid = Number(/-(\d+)$/.exec(d)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(join(base, d), { recursive: true, force: true });
    }
  }
}

/**
 * The host runs a test suite only alongside an extension under development. For the installed
 * .vsix that must not be ours (it would shadow the installed copy): an empty stand-in with
 * another id.
 */
function testHostExtension(dir) {
  const ext = join(dir, 'test-host-extension');
  mkdirSync(ext, { recursive: true });
  writeFileSync(join(ext, 'package.json'), JSON.stringify({
    name: 'test-host', publisher: 'ota-bench-tests', version: '0.0.0', engines: { vscode: '^1.100.0' },
    description: 'Empty development extension that lets the host run the smoke suite against the installed OTA Bench.',
  }, null, 2));
  return ext;
}

/**
 * Runs one suite in a fresh code-server + Chromium. Returns mocha's counts; a run that crashes or
 * never reports counts as one failure.
 */
export async function runOne({ name, cs, suite, installed, say, logsDir, timeoutMs, grep, testFiles, settings }) {
  const p = prepareRun(name, settings);
  const log = join(logsDir, `integration-${name}.log`);
  const serverLog = join(logsDir, `code-server-${name}.log`);
  rmSync(log, { force: true });
  rmSync(serverLog, { force: true });
  if (installed) await installVsix(cs, installed, { extensionsDir: p.extensionsDir, userDataDir: p.userDataDir, xdgDir: p.xdgDir, log: serverLog });
  const env = {
    OTA_BENCH_REPO: root,
    OTA_BENCH_TEST_OUT: p.scratch,
    OTA_BENCH_WORKSPACE: p.workspace,
    OTA_BENCH_USER_DATA_DIR: p.userDataDir,
    OTA_BENCH_SCREENSHOTS: join(OUT, 'screenshots'),
    OTA_BENCH_RESULTS_FILE: p.results,
    OTA_BENCH_SUITE: suite,
    ...(installed ? { OTA_BENCH_INSTALLED_IN: p.extensionsDir } : {}),
    ...(grep ? { OTA_BENCH_TEST_GREP: grep } : {}),
    ...(testFiles ? { OTA_BENCH_TEST_FILES: testFiles.join(':') } : {}),
  };
  const t0 = performance.now();
  const server = await startCodeServer(cs, { userDataDir: p.userDataDir, extensionsDir: p.extensionsDir, xdgDir: p.xdgDir, env, log: serverLog });
  let browser;
  try {
    browser = await launchBrowser(p.browserProfile);
    const r = await runSuiteInWorkbench(browser, server, {
      folder: p.workspace,
      devPath: installed ? testHostExtension(p.dir) : root,
      testsPath: SUITE_INDEX,
      screenshots: env.OTA_BENCH_SCREENSHOTS,
      log,
      onLine: (line) => {
        if (!line.startsWith('@@') && !NOISE.test(line)) say(`  ${line}`);
      },
      timeoutMs,
    });
    const results = existsSync(p.results) ? JSON.parse(readFileSync(p.results, 'utf8')) : undefined;
    const seconds = (performance.now() - t0) / 1000;
    if (!results) {
      const why = r.timedOut ? `timed out (see ${log})` : r.notStarted ? `the suite never started (see ${log})` : `exited ${r.code} without results (see ${log})`;
      say(`integration ${name}: ${why}`);
      return { name, passes: 0, failures: 1, seconds, scratch: p.scratch, failed: [{ title: `integration ${name}`, error: why }] };
    }
    if (r.code !== 0 && results.failures === 0) results.failures = 1; // the host failed after the suite
    return { name, ...results, seconds, scratch: p.scratch };
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
}

/** Builds what the runs need and runs them. Returns per-run results. */
export async function runIntegration({ runs = ['main', 'smoke'], build = true, production = false, vsix, grep, logsDir = join(OUT, 'logs'), say = console.log, timeoutMs } = {}) {
  mkdirSync(logsDir, { recursive: true });
  const cs = await ensureCodeServer(root, { log: join(logsDir, 'code-server-install.log'), say });
  if (build) await run(process.execPath, ['scripts/build.mjs', '--tests', ...(production ? ['--production'] : [])], { cwd: root, log: join(logsDir, 'build-tests.log') });
  const results = [];
  if (runs.includes('main')) {
    say('integration (main suite, extension under development):');
    results.push(await runOne({ name: 'main', cs, suite: 'main', say, logsDir, timeoutMs, grep }));
  }
  if (runs.includes('smoke')) {
    vsix ??= existsSync(vsixPath()) && !build ? vsixPath() : await packageVsix({ log: join(logsDir, 'package.log'), say });
    say(`integration (smoke suite, ${vsix.slice(root.length + 1)} installed):`);
    results.push(await runOne({ name: 'smoke', cs, suite: 'smoke', installed: vsix, say, logsDir, timeoutMs, grep }));
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const runs = argv.includes('--main') ? ['main'] : argv.includes('--smoke') ? ['smoke'] : ['main', 'smoke'];
  const grepAt = argv.indexOf('--grep');
  const results = await runIntegration({
    runs,
    build: !argv.includes('--no-build'),
    production: argv.includes('--production'),
    grep: grepAt >= 0 ? argv[grepAt + 1] : undefined,
  }).catch((err) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  });
  let passed = 0;
  let failed = 0;
  for (const r of results) {
    passed += r.passes;
    failed += r.failures;
    for (const f of r.failed ?? []) console.log(`FAILED [${r.name}] ${f.title}: ${f.error}`);
    console.log(`integration ${r.name}: ${r.passes} passed, ${r.failures} failed (${r.seconds.toFixed(1)} s)`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
