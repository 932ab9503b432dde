// `npm run demo`: OTA Bench on the demo workspace (demo/workspace/).
//   - `code` on PATH: opens desktop VS Code with this repo as the extension under development;
//   - otherwise: builds and packages the .vsix, installs it into a fresh code-server (installed on
//     demand, as for the tests), serves it on 127.0.0.1 and prints the URL; Ctrl-C stops it.
//   --smoke: starts it, opens it in headless Chromium, saves screenshots to out/demo/, exits 0 when
//            the OTA Bench view and the Bench Monitor showed up.
//   --port N: the port to serve on (default 8080, or a free one if taken); --code-server: never use `code`.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, freePort, installVsix, startCodeServer } from './lib/code-server.mjs';
import { ensureSystemPackages } from './lib/system-deps.mjs';
import { launchBrowser } from './lib/workbench.mjs';
import { HOST_SETTINGS } from './integration.mjs';
import { packageVsix } from './package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const workspace = join(root, 'demo', 'workspace');
const dir = join(root, 'out', 'demo');
const logs = join(root, 'out', 'logs');

const onPath = (cmd) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));

function portIsFree(port) {
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** The workspace's own profiles, to check that the tree shows them. */
function workspaceProfiles() {
  try {
    const text = readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8');
    return JSON.parse(text)['otaBench.profiles'] ?? [];
  } catch {
    return [];
  }
}

async function main() {
  if (!existsSync(workspace)) {
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'README.md'), '# OTA Bench demo workspace\n');
  }
  if (!smoke && !argv.includes('--code-server') && onPath('code')) {
    console.log('opening desktop VS Code with OTA Bench under development…');
    const { run } = await import('./lib/proc.mjs');
    await run(process.execPath, ['scripts/build.mjs'], { cwd: root, echo: true });
    spawn('code', [`--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit', detached: true }).unref();
    return;
  }
  mkdirSync(logs, { recursive: true });
  await ensureSystemPackages({ log: join(logs, 'system.log') });
  const cs = await ensureCodeServer(root, { log: join(logs, 'code-server-install.log') });
  const vsix = await packageVsix({ log: join(logs, 'package.log') });
  rmSync(dir, { recursive: true, force: true });
  const paths = { userDataDir: join(dir, 'user-data'), extensionsDir: join(dir, 'extensions'), xdgDir: join(dir, 'xdg') };
  mkdirSync(join(paths.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(paths.userDataDir, 'User', 'settings.json'), JSON.stringify(HOST_SETTINGS, null, 2));
  await installVsix(cs, vsix, { ...paths, log: join(logs, 'demo-code-server.log') });
  const wanted = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : 8080;
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  const server = await startCodeServer(cs, { ...paths, port, log: join(logs, 'demo-code-server.log') });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  const stop = async () => {
    await server.stop();
  };
  if (smoke) {
    try {
      await smokeTest(url);
    } finally {
      await stop();
    }
    return;
  }
  console.log(`\nOTA Bench demo: ${url}\n(code-server ${server.url}, workspace ${workspace}; Ctrl-C stops)`);
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stop();
}

/** Opens the demo like a user: the OTA Bench view, then the Bench Monitor from the palette. */
async function smokeTest(url) {
  const browser = await launchBrowser(join(dir, 'browser'));
  const shots = join(dir);
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const activity = page.locator('.activitybar [aria-label^="OTA Bench"]').first();
    await activity.waitFor({ timeout: 30_000 });
    await activity.click();
    const profiles = workspaceProfiles();
    const expected = profiles[0]?.name ?? 'No cloud profiles yet';
    await page.locator('.sidebar').getByText(expected).first().waitFor({ timeout: 30_000 });
    await page.mouse.move(900, 500); // no hover tooltip in the picture
    await sleep(1000);
    await page.screenshot({ path: join(shots, 'clouds.png') });

    await page.keyboard.press('F1');
    await page.keyboard.type('OTA Bench: Open Bench Monitor');
    await sleep(500);
    await page.keyboard.press('Enter');
    await page.locator('iframe.webview').first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.getByRole('tab', { name: /Bench Monitor/ }).first().waitFor({ timeout: 30_000 });
    await sleep(2500);
    await page.screenshot({ path: join(shots, 'monitor.png') });
    console.log(`demo smoke: the OTA Bench view showed "${expected}" and the Bench Monitor opened; screenshots in out/demo/`);
  } catch (err) {
    const pages = browser.pages();
    if (pages.length) await pages[pages.length - 1].screenshot({ path: join(shots, 'failure.png') }).catch(() => {});
    throw new Error(`${err.message}\n(screenshot of the failure: out/demo/failure.png)`);
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`demo: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
