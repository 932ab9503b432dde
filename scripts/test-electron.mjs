// `npm run test:electron`: the same integration suite under @vscode/test-electron (desktop VS Code,
// where it can be downloaded or is installed). This machine cannot download VS Code: the script
// fails fast with a clear message instead of hanging. Use VSCODE_EXECUTABLE=/path/to/code to run
// with an installed VS Code (on a display-less Linux, under xvfb-run).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { run } from './lib/proc.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const VSCODE_VERSION = process.env.OTA_BENCH_VSCODE_VERSION || '1.100.3';
const DOWNLOAD_LIMIT_MS = 60_000;
const dir = join(root, 'out', 'electron');

async function vscodeExecutable() {
  const given = process.env.VSCODE_EXECUTABLE;
  if (given) {
    if (!existsSync(given)) throw new Error(`VSCODE_EXECUTABLE=${given} does not exist`);
    return given;
  }
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DOWNLOAD_LIMIT_MS / 1000} s`)), DOWNLOAD_LIMIT_MS);
  });
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({ version: VSCODE_VERSION, cachePath: join(root, '.vscode-test'), timeout: 15_000 }),
      limit,
    ]);
  } catch (err) {
    throw new Error(
      `cannot download VS Code ${VSCODE_VERSION} from update.code.visualstudio.com: ${err.message}\n` +
        'This machine looks offline. Run the same suite in code-server instead (`npm test`, or ' +
        '`node scripts/integration.mjs`), or point VSCODE_EXECUTABLE at an installed VS Code.',
    );
  } finally {
    clearTimeout(timer);
  }
}

try {
  const t0 = performance.now();
  const vscodePath = await vscodeExecutable();
  await run(process.execPath, ['scripts/build.mjs', '--tests'], { cwd: root, log: join(root, 'out', 'logs', 'build-tests.log') });
  rmSync(dir, { recursive: true, force: true });
  const userDataDir = join(dir, 'user-data');
  const workspace = join(dir, 'workspace');
  const results = join(dir, 'results.json');
  for (const d of [join(userDataDir, 'User'), workspace, join(dir, 'scratch')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'security.workspace.trust.enabled': false }));
  const code = await runTests({
    vscodeExecutablePath: vscodePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--user-data-dir', userDataDir, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: {
      OTA_BENCH_REPO: root,
      OTA_BENCH_TEST_OUT: join(dir, 'scratch'),
      OTA_BENCH_WORKSPACE: workspace,
      OTA_BENCH_USER_DATA_DIR: userDataDir,
      OTA_BENCH_RESULTS_FILE: results,
      OTA_BENCH_SUITE: 'main',
    },
  }).catch(() => 1);
  const r = existsSync(results) ? JSON.parse(readFileSync(results, 'utf8')) : { passes: 0, failures: 1 };
  console.log(`test-electron: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${r.passes} passed, ${r.failures || (code ? 1 : 0)} failed`);
  process.exit(code || r.failures ? 1 : 0);
} catch (err) {
  console.error(`test:electron: ${err.message}`);
  process.exit(1);
}
