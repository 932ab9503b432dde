// Runs the Alibaba IoT Platform + OSS emulator as a process (the demo):
//   npx tsx test/bench/aliyun-emulator/cli.ts [--port 0] [--product-key a1DemoBench1]
//     [--device-name bench-board-01] [--minute-ms 60000] [--instance-id iot-…] [--seed-firmware N]
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
  const { opt, num } = cliOptions();
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
  // Firmware as earlier releases registered it (10 packages), e.g. 500: the most an instance holds.
  const seed = num('seed-firmware') ?? 0;
  for (let i = 0; i < seed; i++) {
    const pkg = `seed-firmware-${i % 10}`;
    const version = `1.${Math.floor(i / 10)}.0`;
    const url = `${ali.url}/oss/ota/firmware/seed-${i}.bin`;
    const md5 = createHash('md5').update(url).digest('hex');
    ali.world.addUpload({ key: url.slice(url.indexOf('ota/')), url, bytes: 1024, md5, sha256: md5 });
    ali.world.createFirmware({ FirmwareName: firmwareName(productKey, pkg, version), DestVersion: version, FirmwareUrl: url, ProductKey: productKey, FirmwareDesc: firmwareDesc(pkg, version) });
  }
  const region = 'cn-shanghai';
  const profile = { kind: 'aliyun', region, endpoint: ali.url, productKey, deviceName, credentials: 'chain', ...(iotInstanceId ? { iotInstanceId } : {}) };
  serveUntilSignal({ endpoint: ali.url, mqttUrl: ali.mqttUrl, region, credentials, device: { productKey, deviceName, deviceSecret }, profile }, `aliyun emulator ready at ${ali.url} (mqtt ${ali.mqttUrl})`, () => ali.close());
}

runCli(main);
