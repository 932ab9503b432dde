// `npm run demo`: OTA Bench on a copy of the demo firmware project (demo/workspace/ → out/demo-workspace/),
// with everything it talks to running on 127.0.0.1:
//   - the AWS IoT + S3 emulator (test/bench/aws-emulator/cli.ts) and its MQTT broker;
//   - the Alibaba IoT Platform + OSS emulator (test/bench/aliyun-emulator/cli.ts) and its MQTT broker;
//   - the Huawei IoTDA + OBS emulator (test/bench/huawei-emulator/cli.ts, scripts/lib/demo-huawei.mjs) and its MQTT broker;
//   - the virtual board on a real pseudo-terminal (test/bench/board/main.ts) with its AWS OTA agent,
//     trusting the demo's code-signing key;
//   - VS Code: desktop `code` when it is on PATH (this repo as the extension under development),
//     otherwise code-server with the packaged .vsix installed; it prints the URL.
// The copy's settings point the profile at the emulator (endpoint rewritten) and select the board's
// port; the emulator's keys reach the extension through the AWS SDK's environment credentials.
//   --smoke         no person: runs Quick Release through the real command palette and QuickPicks in
//                   headless Chromium, checks the Get Started steps ticked, saves out/demo/{tree,monitor,verdict,timeline,walkthrough}.png, exits 0 only if the
//                   verify job passed (the pane's verdict and the emulator's job both say so).
//   --port N        code-server port (default 8080, or a free one); --code-server: never use `code`.
//   --cli           no editor: runs a release through the `ota-bench` CLI (dist/cli.js) against the same
//                   emulator and board, prints its JUnit report's path, exits with the CLI's exit code.
//   --no-editor     only the emulator and the board, until Ctrl-C.
// Ctrl-C, SIGTERM (also to `npm run demo`, which may not pass it on) and SIGHUP stop every process the
// demo started (emulator, board, code-server, the CLI), and it says which.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, freePort, installVsix, startCodeServer } from './lib/code-server.mjs';
import { ensureSystemPackages } from './lib/system-deps.mjs';
import { launchBrowser } from './lib/workbench.mjs';
import { huaweiAgent, huaweiEnv, huaweiProfile, smokeHuawei, startHuawei } from './lib/demo-huawei.mjs';
import { demoProfileName, demoVersion, stampNextVersion } from './lib/demo-workspace.mjs';
import { HOST_SETTINGS } from './integration.mjs';
import { packageVsix } from './package.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const source = join(root, 'demo', 'workspace');
const workspace = join(root, 'out', 'demo-workspace');
const dir = join(root, 'out', 'demo');
const logs = join(root, 'out', 'logs');
const BOARD_VERSION = '1.4.1'; // the demo's version.h says 1.4.2: the release updates the board
const THING = 'bench-board-01';

const onPath = (cmd) => (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
/** To the terminal and to out/logs/demo.log (the terminal may be gone when npm was stopped). */
const say = (s) => {
  console.log(`demo: ${s}`);
  try {
    writeFileSync(join(logs, 'demo.log'), `${new Date().toISOString()} ${s}\n`, { flag: 'a' });
  } catch {
    /* no log folder yet */
  }
};
// A closed terminal or pipe must not crash the demo before it has stopped what it started.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});

function portIsFree(port) {
  return new Promise((resolve) => {
    const s = createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** What the demo started ({name, pid, stop}), stopped in reverse order when it ends or is told to stop. */
const started = [];
let stopping;
function stopAll(why) {
  stopping ??= (async () => {
    const list = started.splice(0).reverse();
    if (why && list.length) say(`${why}: stopping ${list.map((s) => `${s.name} (pid ${s.pid})`).join(', ')}…`);
    for (const s of list) await s.stop().catch(() => {});
    if (why && list.length) say(`stopped ${list.length} process${list.length > 1 ? 'es' : ''}; nothing the demo started is left running.`);
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stopAll(sig).then(() => process.exit(sig === 'SIGINT' ? 130 : 143)));
// `npm run demo` may die on SIGTERM without passing it on: the demo then belongs to init; stop too.
const parentPid = process.ppid;
setInterval(() => process.ppid !== parentPid && void stopAll('npm went away').then(() => process.exit(143)), 500).unref();

/** Stops a child's process group: SIGTERM, then SIGKILL after 5 s. */
function stopGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise((resolve) => child.once('exit', resolve));
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* gone */
    }
  };
  kill('SIGTERM');
  const timer = setTimeout(() => kill('SIGKILL'), 5000);
  return gone.finally(() => clearTimeout(timer));
}

/** Child processes in their own process groups, stopped as groups when the demo ends. */
function start(name, args, { readyLine, env = {} }) {
  const log = join(logs, `demo-${name}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  started.push({ name, pid: child.pid, stop: () => stopGroup(child) });
  const out = [];
  const write = (d) => writeFileSync(log, d, { flag: 'a' });
  child.stderr.on('data', write);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s; see ${log}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) during start-up; see ${log}:\n${readFileSync(log, 'utf8').slice(-1500)}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      write(`${line}\n`);
      out.push(line);
      if (readyLine.test(line)) {
        clearTimeout(timer);
        resolve({ child, line });
      }
    });
  });
}

/** The copy of the demo project: fresh sources, a demo signing key, no old build. */
async function prepareWorkspace() {
  rmSync(workspace, { recursive: true, force: true });
  cpSync(source, workspace, { recursive: true, filter: (src) => !/[\\/]build$/.test(src) && !/[\\/]keys[\\/].+\.pem$/.test(src) });
  const { run } = await import('./lib/proc.mjs');
  await run(process.execPath, ['scripts/demo-key.mjs'], { cwd: workspace, log: join(logs, 'demo-workspace.log') });
}

/** Points the copy's profiles at the emulators and selects the board's port. */
function writeSettings(emulator, link, aliyun, huawei) {
  const file = join(workspace, '.vscode', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8'));
  const p = emulator.profile;
  const a = aliyun.profile;
  settings['otaBench.profiles'] = (settings['otaBench.profiles'] ?? []).map((profile) =>
    profile.kind === 'aws'
      ? { ...profile, endpoint: p.endpoint, region: p.region, bucket: p.bucket, thingName: p.thingName, roleArn: p.roleArn }
      : profile.kind === 'aliyun'
        ? { ...profile, endpoint: a.endpoint, region: a.region, productKey: a.productKey, deviceName: a.deviceName, credentials: 'chain' }
        : profile.kind === 'huawei'
          ? huaweiProfile(profile, huawei)
          : profile,
  );
  settings['otaBench.serial.port'] = link;
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  return settings['otaBench.profiles'][0]?.name;
}

async function main() {
  mkdirSync(logs, { recursive: true });
  mkdirSync(dir, { recursive: true });
  await ensureSystemPackages({ log: join(logs, 'system.log') });
  await prepareWorkspace();

  const awsPort = (await portIsFree(4566)) ? 4566 : await freePort();
  // --seed-history: packages and jobs in every state, so the tree's paging and filters can be tried before the first release.
  const { line } = await start('aws-emulator', ['test/bench/aws-emulator/cli.ts', '--port', String(awsPort), '--mqtt-port', '0', '--seed-history'], { readyLine: /^\{.*"endpoint"/ });
  const emulator = JSON.parse(line);
  say(`AWS emulator at ${emulator.endpoint} (MQTT ${emulator.mqttUrl})`);
  const { line: aliLine } = await start('aliyun-emulator', ['test/bench/aliyun-emulator/cli.ts', '--device-name', THING, '--seed-history'], { readyLine: /^\{.*"endpoint"/ });
  const aliyun = JSON.parse(aliLine);
  say(`Alibaba IoT Platform emulator at ${aliyun.endpoint} (MQTT ${aliyun.mqttUrl})`);
  const huawei = await startHuawei(start);
  say(`Huawei IoTDA emulator at ${huawei.endpoint} (OBS ${huawei.obsEndpoint}, MQTT ${huawei.mqttUrl})`);
  const link = join(dir, 'ttyBENCH');
  const agent = `aws:mqttUrl=${emulator.mqttUrl},thingName=${THING},bytesPerSecond=1500000`;
  // The same board is the bench device of both clouds (one agent each).
  const d = aliyun.device;
  const aliAgent = `aliyun:mqttUrl=${aliyun.mqttUrl},productKey=${d.productKey},deviceName=${d.deviceName},deviceSecret=${d.deviceSecret},bytesPerSecond=1500000`;
  await start('board', ['test/bench/board/main.ts', '--link', link, '--version', BOARD_VERSION, '--name', THING, '--rate', '2000', '--agent', agent, '--agent', aliAgent, '--agent', huaweiAgent(huawei), '--trusted-key', join(workspace, 'keys', 'demo-signing-pub.pem')], { readyLine: /^board ready at / });
  say(`virtual board ${THING} (firmware ${BOARD_VERSION}) on the serial port ${link}`);
  const profileName = writeSettings(emulator, link, aliyun, huawei);

  // The emulator's keys, through the AWS SDK's own environment credentials (never in settings).
  const awsEnv = {
    AWS_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.credentials.secretAccessKey,
    AWS_REGION: emulator.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    // The Alibaba profile uses Alibaba's own credential chain, whose first step is these variables.
    ALIBABA_CLOUD_ACCESS_KEY_ID: aliyun.credentials.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: aliyun.credentials.accessKeySecret,
    // The Huawei profile reads the variables the official Huawei Cloud SDKs read (credentials: "env").
    ...huaweiEnv(huawei),
  };

  if (argv.includes('--cli')) {
    process.exitCode = await cliRelease(awsEnv, profileName);
    return;
  }
  if (argv.includes('--no-editor')) {
    say(`emulator ${emulator.endpoint} · board ${link} · workspace ${workspace}. Ctrl-C stops everything.`);
    await untilInterrupted();
    return;
  }

  if (!smoke && !argv.includes('--code-server') && onPath('code')) {
    const { run } = await import('./lib/proc.mjs');
    await run(process.execPath, ['scripts/build.mjs'], { cwd: root, echo: true });
    say('opening desktop VS Code with OTA Bench under development…');
    spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit', env: { ...process.env, ...awsEnv } });
    say('run "OTA Bench: Quick Release" from the command palette. Ctrl-C here stops the emulator and the board.');
    await untilInterrupted();
    return;
  }

  const cs = await ensureCodeServer(root, { log: join(logs, 'code-server-install.log') });
  const vsix = await packageVsix({ log: join(logs, 'package.log') });
  const paths = { userDataDir: join(dir, 'user-data'), extensionsDir: join(dir, 'extensions'), xdgDir: join(dir, 'xdg') };
  for (const p of Object.values(paths)) rmSync(p, { recursive: true, force: true });
  mkdirSync(join(paths.userDataDir, 'User'), { recursive: true });
  writeFileSync(join(paths.userDataDir, 'User', 'settings.json'), JSON.stringify(HOST_SETTINGS, null, 2));
  await installVsix(cs, vsix, { ...paths, log: join(logs, 'demo-code-server.log') });
  const wanted = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : 8080;
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  const server = await startCodeServer(cs, { ...paths, port, env: awsEnv, log: join(logs, 'demo-code-server.log') });
  started.push({ name: 'code-server', pid: server.pid, stop: () => server.stop() });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
  try {
    if (smoke) {
      // Every cloud's release in the same window: a new window's extension host would find the
      // board's port still held by the first one's (code-server keeps it for reconnection).
      const ui = { runCommand, typePick, acceptPick, monitorFrame, say, dir, workspace };
      await smokeTest(url, emulator, profileName, [(page) => smokeAliyun(page, aliyun), (page) => smokeHuawei(page, huawei, ui)]);
      return;
    }
    console.log(`\nOTA Bench demo: ${url}\n  open it, click the OTA Bench view, then run "OTA Bench: Quick Release" (F1).\n  emulator ${emulator.endpoint} · board ${link} · workspace ${workspace}\n  Ctrl-C stops everything.`);
    await untilInterrupted();
  } finally {
    await server.stop();
  }
}

/** Until a signal (its handler stops everything and exits); the children's pipes keep Node running. */
function untilInterrupted() {
  return new Promise(() => {});
}

/** `--cli`: Quick Release through `ota-bench` (dist/cli.js, built first), as CI runs it. */
async function cliRelease(awsEnv, profileName) {
  const cli = join(root, 'dist', 'cli.js');
  const newest = (d) => Math.max(0, ...readdirSync(join(root, d), { recursive: true }).map((f) => statSync(join(root, d, f)).mtimeMs));
  if (!existsSync(cli) || statSync(cli).mtimeMs < Math.max(newest('src/cli'), newest('src/core'), newest('src/shared'))) {
    say('building dist/ (the CLI and the cloud bundles)…');
    const { run } = await import('./lib/proc.mjs');
    await run(process.execPath, ['scripts/build.mjs'], { cwd: root, log: join(logs, 'demo-build.log') });
  }
  const junit = join(dir, 'junit.xml');
  const args = [cli, 'release', '--workspace', workspace, '--profile', profileName, '--junit', junit, '--out', join(dir, 'bundle')];
  say(`running: ota-bench ${args.slice(1).join(' ')}`);
  const child = spawn(process.execPath, args, { cwd: workspace, detached: true, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...awsEnv } });
  started.push({ name: 'ota-bench CLI', pid: child.pid, stop: () => stopGroup(child) });
  const code = await new Promise((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 130 : 1))));
  say(`ota-bench exited with ${code}; JUnit report: ${junit}`);
  return code;
}

/** The webview frame that holds the Bench Monitor page (nested iframes). */
async function monitorFrame(page, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      if (await f.locator('#rollout').count().catch(() => 0)) return f;
    }
    await sleep(250);
  }
  throw new Error('the Bench Monitor page did not appear');
}

/** Runs a command from the palette as a user: F1, its title, Enter. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 10_000 });
  // The row itself, not Enter: the palette may rank a recently used, fuzzily matching command first.
  await row.click();
}

/** Waits for a QuickPick whose first row contains `text`, then accepts it with Enter. */
async function acceptPick(page, text) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
  await row.filter({ hasText: text }).waitFor({ timeout: 60_000 });
  await sleep(200);
  await page.keyboard.press('Enter');
}

/**
 * Fails when a tree row in the side bar draws no label: an empty name, or a name box scrolled
 * sideways (its text is then clipped away; the row shows only its icon and inline actions).
 */
async function assertTreeLabelsShown(page) {
  const bad = await page.locator('.sidebar .monaco-list-row').evaluateAll((rows) =>
    rows.flatMap((row) => {
      const box = row.querySelector('.monaco-icon-label-container');
      const name = box?.querySelector('.label-name');
      if (!name) return [];
      const shown = name.textContent.trim() !== '' && box.scrollLeft === 0 && name.getBoundingClientRect().left >= box.getBoundingClientRect().left - 1;
      return shown ? [] : [`"${row.getAttribute('aria-label')}" (label box scrolled ${box.scrollLeft}px)`];
    }),
  );
  if (bad.length) throw new Error(`tree rows that show no label: ${bad.join('; ')}`);
}

async function smokeTest(url, emulator, profileName, more = []) {
  const browser = await launchBrowser(join(dir, 'browser'));
  const shot = (name) => page.screenshot({ path: join(dir, `${name}.png`) });
  let page;
  try {
    page = await browser.newPage();
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const activity = page.locator('.activitybar [aria-label^="OTA Bench"]').first();
    await activity.waitFor({ timeout: 30_000 });
    await activity.click();
    await page.locator('.sidebar').getByText(profileName).first().waitFor({ timeout: 30_000 });
    // The extension reconnects to the port from the settings: wait for the status bar to say so.
    await page.locator('.statusbar').getByText(/ttyBENCH.*open/).first().waitFor({ timeout: 30_000 });
    say('workbench up, the OTA Bench view shows the profile, the board\u2019s port is open');

    await runCommand(page, 'OTA Bench: Quick Release');
    await acceptPick(page, profileName);
    const version = demoVersion(workspace);
    await acceptPick(page, version);
    say(`Quick Release of ${version} to "${profileName}" started`);

    const frame = await monitorFrame(page);
    await frame.locator('.step[data-status="running"] .step-title', { hasText: 'Watch job' }).waitFor({ timeout: 90_000 });
    await frame.locator('#executions tbody tr').first().waitFor({ timeout: 60_000 });
    await page.mouse.move(700, 600);
    await sleep(800);
    await shot('monitor');
    const verdict = frame.locator('#verdict:not([hidden])');
    await verdict.waitFor({ timeout: 120_000 });
    const text = (await verdict.innerText()).trim();
    await sleep(800);
    await shot('verdict');
    // The timeline below it: download, reboot and banner between the job's status changes.
    await runCommand(page, 'Notifications: Clear All Notifications');
    await frame.locator('#timeline').scrollIntoViewIfNeeded();
    await frame.locator('#timeline').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await sleep(600);
    await shot('timeline');

    // The tree: the profile's Jobs folder with the verify job the release started.
    const tree = page.locator('.sidebar');
    await tree.getByText(profileName).first().click();
    await tree.getByText('Jobs', { exact: true }).first().click();
    // The row, not its label's text: Playwright scrolls what it clicks into view, and the long job id
    // would be scrolled sideways inside its clipped box, leaving the selected row with no label.
    const jobRow = tree.locator('.monaco-list-row[aria-label^="ota-bench-verify-"]').first();
    await jobRow.waitFor({ timeout: 30_000 });
    await jobRow.click();
    await sleep(1000);
    await assertTreeLabelsShown(page);
    await shot('tree');

    // Get Started: after a profile, a port and a passed release, each of its three steps is ticked.
    await runCommand(page, 'OTA Bench: Get Started');
    for (const step of ['profile', 'port', 'release']) {
      await page.locator(`[data-done-step-id$="#otaBench.getStarted#${step}"][aria-checked="true"]`).first().waitFor({ timeout: 30_000 });
    }
    await sleep(600);
    await shot('walkthrough');
    say('Get Started: the profile, port and release steps are ticked');

    const state = await (await fetch(`${emulator.endpoint}/__admin/state`)).json();
    const job = state.jobs.filter((j) => j.jobId.startsWith('ota-bench-verify-')).at(-1);
    const succeeded = job?.executions.includes(`${THING}:SUCCEEDED`);
    say(`verdict in the Bench Monitor: ${text.split('\n').slice(0, 2).join(' — ')}`);
    say(`emulator: job ${job?.jobId ?? '(none)'} ${job?.status ?? ''} ${job?.executions.join(', ') ?? ''}`);
    if (!/^PASSED/.test(text) || !succeeded) throw new Error('the verify job did not pass');
    say('smoke passed: screenshots in out/demo/ (tree.png, monitor.png, verdict.png, timeline.png, walkthrough.png)');
    for (const next of more) await next(page);
  } catch (err) {
    if (page) await page.screenshot({ path: join(dir, 'failure.png') }).catch(() => {});
    throw new Error(`${err.message}\n(screenshot of the failure: out/demo/failure.png; logs in out/logs/demo-*.log)`);
  } finally {
    await browser.close();
  }
}

/** Picks the QuickPick row containing `text` by typing it into the filter, then Enter. */
async function typePick(page, text) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 60_000 });
  await input.fill(text);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: text }).first();
  await row.waitFor({ timeout: 30_000 });
  await sleep(300);
  // A click, not Enter: an Enter while the filtered list re-renders can be lost.
  await row.click();
}

/** --smoke on the Alibaba profile, in the AWS smoke's window: a Quick Release of the next version, PASSED in the pane and on the emulator. */
async function smokeAliyun(page, aliyun) {
  const profileName = demoProfileName(workspace, 'aliyun', 'Alibaba');
  // The board now runs the AWS release's version: release the next one.
  const version = stampNextVersion(workspace);
  try {
    await page.keyboard.press('Escape');
    await sleep(500);
    await runCommand(page, 'OTA Bench: Quick Release');
    await typePick(page, profileName);
    await acceptPick(page, version);
    say(`Quick Release of ${version} to "${profileName}" started`);
    const frame = await monitorFrame(page);
    const verdict = frame.locator('#verdict:not([hidden])');
    // The pane starts the new release afresh: wait until it watches this job before reading a verdict.
    await frame.locator('.step[data-status="running"] .step-title', { hasText: 'Watch job' }).waitFor({ timeout: 90_000 });
    let job;
    for (const end = Date.now() + 180_000; Date.now() < end; await sleep(500)) {
      const state = await (await fetch(`${aliyun.endpoint}/__admin/state`)).json();
      job = state.jobs.filter((j) => j.Tags?.some((t) => t.Key === 'otabench.ref')).at(-1);
      const tasks = job ? state.tasks.filter((t) => t.JobId === job.JobId) : [];
      if (job && tasks.length && tasks.every((t) => ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(t.TaskStatus)) && (await verdict.count())) break;
    }
    await verdict.waitFor({ timeout: 60_000 });
    const text = (await verdict.innerText()).trim();
    await sleep(800);
    await assertTreeLabelsShown(page);
    await page.screenshot({ path: join(dir, 'aliyun-verdict.png') });
    const state = await (await fetch(`${aliyun.endpoint}/__admin/state`)).json();
    const tasks = state.tasks.filter((t) => t.JobId === job?.JobId).map((t) => `${t.DeviceName}:${t.TaskStatus}`);
    say(`Alibaba verdict: ${text.split('\n').slice(0, 2).join(' — ')}; job ${job?.JobId ?? '(none)'} ${job?.JobType ?? ''} ${tasks.join(', ')}`);
    if (!/^PASSED/.test(text) || !tasks.includes(`${THING}:SUCCEEDED`)) throw new Error('the Alibaba verify job did not pass');
    say('smoke passed on Alibaba too: out/demo/aliyun-verdict.png');
  } catch (err) {
    await page.screenshot({ path: join(dir, 'failure-aliyun.png') }).catch(() => {});
    throw new Error(`${err.message}\n(screenshot of the failure: out/demo/failure-aliyun.png; logs in out/logs/demo-*.log)`);
  }
}

main().then(
  async () => {
    await stopAll();
    process.exit(process.exitCode ?? 0);
  },
  async (err) => {
    await stopAll();
    console.error(`demo: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
