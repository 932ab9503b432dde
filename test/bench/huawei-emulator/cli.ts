// Runs the Huawei IoTDA + OBS emulator as a process (the demo, benches that measure the client side
// alone):
//   npx tsx test/bench/huawei-emulator/cli.ts [--port 0] [--obs-port 0] [--mqtt-port 0]
//     [--region cn-north-4] [--seed-packages N] [--seed-tasks N] [--seed-history]
// Prints one JSON line with endpoint, obsEndpoint, mqttUrl, region, credentials (AK/SK), the bench
// device's id and secret and a ready-made profile, then serves until SIGINT/SIGTERM. Faults over
// HTTP: POST <endpoint>/__admin/faults (the emulator kit's admin route).

import { cliOptions, runCli, serveUntilSignal } from '../kit/cli';
import { HUAWEI_DEFAULTS, startHuaweiEmulator, type HuaweiEmulator } from './index';

/** Packages (grouped by name, as the provider groups them) and finished/failed/stopped tasks on field devices. */
export function seedHuaweiHistory(hw: HuaweiEmulator, packages = 3, tasks = 12): void {
  const m = hw.model;
  const ids: string[] = [];
  for (let p = 1; p <= packages; p++) {
    for (const v of ['1.0.0', '1.1.0', '1.2.0']) {
      const pkg = `demo-package-${p}`;
      ids.push(m.createPackage({ package_type: 'firmwarePackage', product_id: HUAWEI_DEFAULTS.productId, version: `${p}.${v}`, description: `${pkg} ${v}`, custom_info: JSON.stringify({ ota_bench: { package: pkg } }), file_location: { obs_location: { region_name: hw.region, bucket_name: HUAWEI_DEFAULTS.bucket, object_key: `seed/${pkg}/${v}/firmware.bin`, sign: 'a'.repeat(64) } } }, HUAWEI_DEFAULTS.appId).package_id);
    }
  }
  for (let t = 0; t < tasks; t++) {
    const dev = `${HUAWEI_DEFAULTS.productId}_field-${t}`;
    m.addDevice({ device_id: dev, product_id: HUAWEI_DEFAULTS.productId, app_id: HUAWEI_DEFAULTS.appId, secret: `field-secret-${t}` });
    const id = m.createTask({ task_name: `field_rollout_${t}`, task_type: 'firmwareUpgrade', targets: [dev], document: { package_ids: [ids[t % ids.length]] } }, HUAWEI_DEFAULTS.appId).task_id;
    // Field devices: some failed the SHA-256 check (result_code 7), some were stopped, the rest wait (offline).
    if (t % 3 === 0) {
      m.setOnline(dev, true);
      m.onDeviceEvent(dev, 'upgrade_progress_report', { result_code: 7, progress: 0, description: 'sha256 mismatch' });
    } else if (t % 3 === 1) m.stop(id);
  }
}

async function main(): Promise<void> {
  const { opt, num, flag } = cliOptions();
  const hw = await startHuaweiEmulator({ port: num('port'), obsPort: num('obs-port'), mqttPort: num('mqtt-port'), region: opt('region') });
  if (flag('seed-history') || num('seed-packages') || num('seed-tasks')) seedHuaweiHistory(hw, num('seed-packages') ?? 3, num('seed-tasks') ?? 12);
  serveUntilSignal(
    { endpoint: hw.endpoint, obsEndpoint: hw.obsEndpoint, mqttUrl: hw.mqttUrl, region: hw.region, credentials: hw.credentials, device: hw.device, profile: hw.profile() },
    `huawei emulator ready at ${hw.endpoint} (obs ${hw.obsEndpoint}, mqtt ${hw.mqttUrl})`,
    () => hw.close(),
  );
}

if (require.main === module) runCli(main);
