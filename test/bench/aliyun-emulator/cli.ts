// Runs the Alibaba IoT Platform + OSS emulator as a process (the demo):
//   npx tsx test/bench/aliyun-emulator/cli.ts [--port 0] [--product-key a1DemoBench1]
//     [--device-name bench-board-01] [--minute-ms 60000] [--instance-id iot-…] [--seed-firmware N]
//     [--seed-history]
// Prints one JSON line with endpoint, mqttUrl, region, the AccessKey the endpoint accepts, the bench
// device (productKey, deviceName, deviceSecret for the board's agent) and a ready-made profile
// (credentials "chain": the AccessKey reaches the extension through ALIBABA_CLOUD_ACCESS_KEY_ID /
// _SECRET, never through settings), then serves until SIGINT/SIGTERM.

import { createHash, randomBytes } from 'crypto';
import { firmwareName } from '../../../src/core/clouds/aliyun/limits';
import { firmwareDesc } from '../../../src/core/clouds/aliyun/map';
import { cliOptions, runCli, serveUntilSignal } from '../kit/cli';
import { startAliyunEmulator } from './server';

async function main(): Promise<void> {
  const { opt, num, flag } = cliOptions();
  const productKey = opt('product-key') ?? 'a1DemoBench1';
  const deviceName = opt('device-name') ?? 'bench-board-01';
  const deviceSecret = randomBytes(12).toString('hex');
  const credentials = { accessKeyId: 'LTAIdemoEmulator', accessKeySecret: randomBytes(16).toString('hex') };
  const iotInstanceId = opt('instance-id');
  const ali = await startAliyunEmulator({
    port: num('port'),
    minuteMs: num('minute-ms'),
    accessKeys: { [credentials.accessKeyId]: credentials.accessKeySecret },
    devices: [{ productKey, deviceName, secret: deviceSecret }],
    ...(iotInstanceId ? { iotInstanceId } : {}),
  });
  /** A firmware as an earlier release registered it (grouped under `pkg`). */
  const firmware = (pkg: string, version: string, i: number) => {
    const url = `${ali.url}/oss/ota/firmware/seed-${i}.bin`;
    const md5 = createHash('md5').update(url).digest('hex');
    ali.world.addUpload({ key: url.slice(url.indexOf('ota/')), url, bytes: 1024, md5, sha256: md5 });
    return ali.world.createFirmware({ FirmwareName: firmwareName(productKey, pkg, version), DestVersion: version, FirmwareUrl: url, ProductKey: productKey, FirmwareDesc: firmwareDesc(pkg, version) });
  };
  // Firmware of 10 packages, e.g. 500: the most an instance holds.
  const seed = num('seed-firmware') ?? 0;
  for (let i = 0; i < seed; i++) firmware(`seed-firmware-${i % 10}`, `1.${Math.floor(i / 10)}.0`, i);
  if (flag('seed-history')) {
    // Something to browse before the first release: field devices (offline), a firmware whose
    // verify failed on one (step -3), and a firmware out for upgrade to the others.
    for (let n = 1; n <= 4; n++) ali.world.addDevice({ productKey, deviceName: `field-dev-0${n}`, secret: randomBytes(8).toString('hex'), version: '1.3.0' });
    const failed = firmware('sensor-fw', '1.3.1', seed);
    ali.world.createVerifyJob({ FirmwareId: failed.FirmwareId, ProductKey: productKey, 'TargetDeviceName.1': 'field-dev-01', TimeoutInMinutes: '60' });
    ali.world.onProgress(productKey, 'field-dev-01', '-3', 'sign mismatch (Md5)');
    const released = firmware('sensor-fw', '1.3.2', seed + 1);
    released.Status = -1; // no verification needed: an upgrade job may target it at once
    ali.world.createStaticJob({ FirmwareId: released.FirmwareId, ProductKey: productKey, TargetSelection: 'SPECIFIC', 'TargetDeviceName.1': 'field-dev-02', 'TargetDeviceName.2': 'field-dev-03', TimeoutInMinutes: '60' });
  }
  const region = 'cn-shanghai';
  const profile = { kind: 'aliyun', region, endpoint: ali.url, productKey, deviceName, credentials: 'chain', ...(iotInstanceId ? { iotInstanceId } : {}) };
  serveUntilSignal({ endpoint: ali.url, mqttUrl: ali.mqttUrl, region, credentials, device: { productKey, deviceName, deviceSecret }, profile }, `aliyun emulator ready at ${ali.url} (mqtt ${ali.mqttUrl})`, () => ali.close());
}

runCli(main);
