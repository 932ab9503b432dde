// Drives the code-server workbench in headless Debian Chromium with playwright-core: opens a
// folder with the test payload (the hook VS Code's own browser integration tests use), streams the
// suite's output (codeAutomationLog), takes screenshots on request (a `@@SCREENSHOT name [settleMs]`
// line from a test) and resolves with the exit code the workbench reports (codeAutomationExit).
import { appendFileSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.OTA_BENCH_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];
const SCREENSHOT = /@@SCREENSHOT ([\w.-]+)(?: (\d+))?/;

/** A fresh headless Chromium profile in `profileDir`. */
export async function launchBrowser(profileDir, { viewport = { width: 1440, height: 900 } } = {}) {
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    env: { ...process.env, HOME: profileDir, XDG_CONFIG_HOME: join(profileDir, 'config'), XDG_CACHE_HOME: join(profileDir, 'cache') },
  });
}

/** The workbench URL that opens `folder` and, with `testsPath`, runs that suite in the extension host. */
export function workbenchUrl(server, { folder, devPath, testsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [];
  if (devPath) payload.push(['extensionDevelopmentPath', remote(devPath)]);
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  payload.push(['skipWelcome', 'true']);
  return `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/**
 * Runs the suite at `testsPath` in the workbench. Resolves `{ code, timedOut }`; `code` is what the
 * workbench reported (0 = all passed). Output lines go to `log` and to `onLine`.
 */
export async function runSuiteInWorkbench(context, server, { folder, devPath, testsPath, screenshots, log, onLine = () => {}, timeoutMs = 10 * 60_000, startTimeoutMs = 120_000 }) {
  const page = await context.newPage();
  const write = (line) => appendFileSync(log, `${line}\n`);
  let shots = Promise.resolve();
  let exit;
  const exited = new Promise((resolve) => (exit = resolve));
  let markStarted;
  const started = new Promise((resolve) => (markStarted = resolve));

  await page.exposeFunction('codeAutomationLog', (type, args) => {
    // The host forwards console.log's arguments unformatted ('%s', …): format them as Node would.
    const line = format(...(Array.isArray(args) ? args : [args]));
    write(line);
    onLine(line, type);
    if (line.startsWith('@@SUITE_STARTED')) markStarted();
    const m = SCREENSHOT.exec(line);
    if (m && screenshots) {
      const [, name, settle] = m;
      shots = shots.then(() => takeScreenshot(page, screenshots, name, Number(settle ?? 800))).catch((err) => write(`screenshot ${name} failed: ${err.message}`));
    }
  });
  await page.exposeFunction('codeAutomationExit', (code) => exit({ code: Number(code) }));
  page.on('console', (msg) => {
    if (msg.type() === 'error') write(`[page error] ${msg.text()}`);
  });
  page.on('pageerror', (err) => write(`[page exception] ${err.message}`));

  write(`# ${new Date().toISOString()} opening the workbench (tests: ${testsPath})`);
  await page.goto(workbenchUrl(server, { folder, devPath, testsPath }));
  // Two limits: the suite must start (the host only runs it with a development path) and finish.
  let timer;
  let startTimer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ code: 1, timedOut: true }), timeoutMs);
    startTimer = setTimeout(() => resolve({ code: 1, notStarted: true }), startTimeoutMs);
  });
  started.then(() => clearTimeout(startTimer));
  const result = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  clearTimeout(startTimer);
  if (result.notStarted) write(`# the suite did not start within ${startTimeoutMs / 1000} s`);
  await shots;
  if (result.timedOut) write(`# timed out after ${timeoutMs / 1000} s`);
  await page.close().catch(() => {});
  return result;
}

async function takeScreenshot(page, dir, name, settleMs) {
  mkdirSync(dir, { recursive: true });
  await sleep(settleMs); // let the workbench paint what the test just did
  const tmp = join(dir, `.${name}.png.tmp`);
  await page.screenshot({ path: tmp, type: 'png' });
  renameSync(tmp, join(dir, `${name}.png`)); // the test waits for this name: appear only when complete
}
