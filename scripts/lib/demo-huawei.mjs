// The demo's Huawei Cloud IoTDA side (scripts/demo.mjs calls these): the IoTDA + OBS emulator as a
// process, the board's Huawei agent (the same virtual board runs one agent per cloud), the demo
// profile pointed at the emulator with its keys from the environment variables the official SDKs
// read (HUAWEICLOUD_SDK_AK / _SK: never in settings), and the --smoke Quick Release on that profile.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoProfileName, stampNextVersion } from './demo-workspace.mjs';

/** Starts test/bench/huawei-emulator/cli.ts through the demo's `start` (stopped with the demo). */
export async function startHuawei(start) {
  const { line } = await start('huawei-emulator', ['test/bench/huawei-emulator/cli.ts', '--seed-history'], { readyLine: /^\{.*"endpoint"/ });
  return JSON.parse(line);
}

/** The board's `--agent` value for the emulator's bench device. */
export const huaweiAgent = (hw) => `huawei:mqttUrl=${hw.mqttUrl},deviceId=${hw.device.id},secret=${hw.device.secret},bytesPerSecond=1500000`;

/** The demo workspace's Huawei profile, pointed at the emulator (keys from the environment). */
export function huaweiProfile(profile, hw) {
  const p = hw.profile;
  return { ...profile, region: p.region, endpoint: p.endpoint, obsEndpoint: p.obsEndpoint, projectId: p.projectId, appId: p.appId, productId: p.productId, deviceId: p.deviceId, obsBucket: p.obsBucket, credentials: 'env' };
}

/** What the editor's environment needs for the Huawei profile. */
export const huaweiEnv = (hw) => ({ HUAWEICLOUD_SDK_AK: hw.credentials.accessKey, HUAWEICLOUD_SDK_SK: hw.credentials.secretKey });

/**
 * --smoke on the Huawei profile, in the AWS smoke's window: Quick Release of the next version
 * through the palette and its QuickPicks; PASSED in the pane and the emulator's task Success on the
 * bench device. `ui` = { runCommand, typePick, acceptPick, monitorFrame, say, dir, workspace }.
 */
export async function smokeHuawei(page, hw, ui) {
  const profileName = demoProfileName(ui.workspace, 'huawei', 'Huawei');
  const version = stampNextVersion(ui.workspace);
  try {
    await openQuickRelease(page, ui, profileName);
    await ui.typePick(page, profileName);
    await ui.acceptPick(page, version);
    ui.say(`Quick Release of ${version} to "${profileName}" started`);
    const frame = await ui.monitorFrame(page);
    const verdict = frame.locator('#verdict:not([hidden])');
    // The pane starts the new release afresh: wait until it watches this task before reading a verdict.
    await frame.locator('.step[data-status="running"] .step-title', { hasText: 'Watch job' }).waitFor({ timeout: 90_000 });
    let task;
    for (const end = Date.now() + 180_000; Date.now() < end; await sleep(500)) {
      const state = await (await fetch(`${hw.endpoint}/__admin/state`)).json();
      task = state.tasks.filter((t) => /^ota_bench_verify_/.test(t.task_name)).at(-1);
      if (task && ['Success', 'Fail', 'PartialSuccess', 'Stopped'].includes(task.status) && (await verdict.count())) break;
    }
    await verdict.waitFor({ timeout: 60_000 });
    const text = (await verdict.innerText()).trim();
    await sleep(800);
    await page.screenshot({ path: join(ui.dir, 'huawei-verdict.png') });
    ui.say(`Huawei verdict: ${text.split('\n').slice(0, 2).join(' — ')}; task ${task?.task_id ?? '(none)'} ${task?.status ?? ''} ${task?.details?.join(', ') ?? ''}`);
    if (!/^PASSED/.test(text) || task?.status !== 'Success' || !task.details.includes(`${hw.device.id}:Success`)) throw new Error('the Huawei verify task did not pass');
    ui.say('smoke passed on Huawei too: out/demo/huawei-verdict.png');
  } catch (err) {
    await page.screenshot({ path: join(ui.dir, 'failure-huawei.png') }).catch(() => {});
    throw new Error(`${err.message}\n(screenshot of the failure: out/demo/failure-huawei.png; logs in out/logs/demo-*.log)`);
  }
}

/**
 * Quick Release's profile pick. The release before may still be finishing after its verdict shows
 * (the command then says "a release is running" instead of asking): ask again until it asks.
 */
async function openQuickRelease(page, ui, profileName) {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: profileName }).first();
  for (const end = Date.now() + 120_000; ; ) {
    await ui.runCommand(page, 'Notifications: Clear All Notifications');
    await ui.runCommand(page, 'OTA Bench: Quick Release');
    if (await row.waitFor({ timeout: 5000 }).then(() => true, () => false)) return;
    if (Date.now() > end) throw new Error('Quick Release never asked for a profile (a release kept running?)');
    await page.keyboard.press('Escape');
    await sleep(3000);
  }
}
