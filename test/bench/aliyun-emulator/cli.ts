// Runs the Alibaba IoT Platform + OSS emulator as a process (the demo):
//   npx tsx test/bench/aliyun-emulator/cli.ts [--port 0] [--product-key a1DemoBench1]
//     [--device-name bench-board-01] [--minute-ms 60000] [--instance-id iot-…]
// Prints one JSON line with endpoint, mqttUrl, region, the AccessKey the endpoint accepts, the bench
// device (productKey, deviceName, deviceSecret for the board's agent) and a ready-made profile
// (credentials "chain": the AccessKey reaches the extension through ALIBABA_CLOUD_ACCESS_KEY_ID /
// _SECRET, never through settings), then serves until SIGINT/SIGTERM.

import { randomBytes } from 'crypto';
import { startAliyunEmulator } from './server';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const productKey = opt('product-key') ?? 'a1DemoBench1';
  const deviceName = opt('device-name') ?? 'bench-board-01';
  const deviceSecret = randomBytes(12).toString('hex');
  const credentials = { accessKeyId: 'LTAIdemoEmulator', accessKeySecret: randomBytes(16).toString('hex') };
  const iotInstanceId = opt('instance-id');
  const ali = await startAliyunEmulator({
    port: opt('port') !== undefined ? Number(opt('port')) : undefined,
    minuteMs: opt('minute-ms') !== undefined ? Number(opt('minute-ms')) : undefined,
    accessKeys: { [credentials.accessKeyId]: credentials.accessKeySecret },
    devices: [{ productKey, deviceName, secret: deviceSecret }],
    ...(iotInstanceId ? { iotInstanceId } : {}),
  });
  const region = 'cn-shanghai';
  const profile = { kind: 'aliyun', region, endpoint: ali.url, productKey, deviceName, credentials: 'chain', ...(iotInstanceId ? { iotInstanceId } : {}) };
  console.log(JSON.stringify({ endpoint: ali.url, mqttUrl: ali.mqttUrl, region, credentials, device: { productKey, deviceName, deviceSecret }, profile }));
  console.error(`aliyun emulator ready at ${ali.url} (mqtt ${ali.mqttUrl})`);
  const stop = () => void ali.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
