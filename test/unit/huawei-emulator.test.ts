// The whole Huawei emulator: firmware to OBS with the S3 client (OBS's S3-compatible API, SigV4
// checked), CreateOtaPackage and CreateBatchTask signed by our IoTDA signer, the board agent over
// MQTT downloading through a presigned OBS URL, and the task ending Success (or Fail, result_code 7).
import assert from 'assert';
import { createHash } from 'crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { sign, V11_HMAC_SHA256 } from '../../src/core/clouds/huawei/sign';
import { PATHS, type ShowBatchTaskResponse } from '../../src/core/clouds/huawei/wire';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { MemoryBoard } from '../bench/board/memoryBoard';
import { HUAWEI_DEFAULTS, startHuaweiEmulator, type HuaweiEmulator } from '../bench/huawei-emulator';

describe('Huawei emulator: OBS + IoTDA + device', function () {
  this.timeout(30_000);
  let hw: HuaweiEmulator;
  let agent: HuaweiOtaAgent;
  let board: MemoryBoard;
  before(async () => {
    hw = await startHuaweiEmulator({ detailTimeoutMs: 10_000 });
    board = new MemoryBoard();
    agent = new HuaweiOtaAgent({ mqttUrl: hw.mqttUrl, deviceId: hw.device.id, secret: hw.device.secret });
    await agent.start(board);
  });
  after(async () => {
    await agent.stop();
    await hw.close();
  });

  const s3 = (secret = hw.credentials.secretKey) =>
    new S3Client({ endpoint: hw.obsEndpoint, region: hw.region, forcePathStyle: true, credentials: { accessKeyId: hw.credentials.accessKey, secretAccessKey: secret } });
  async function iotda<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const url = `${hw.endpoint}${path}`;
    const s = sign({ method, url, headers: { 'Content-Type': 'application/json' }, body: text }, hw.credentials, { algorithm: V11_HMAC_SHA256, region: hw.region, projectId: hw.projectId });
    const { host: _host, ...headers } = s.headers;
    void _host;
    const res = await fetch(url, { method, headers, body: text });
    return { status: res.status, json: (await res.json().catch(() => ({}))) as T };
  }
  async function release(version: string, bytes: Buffer, sign256: string) {
    const key = `fw/${version}.bin`;
    await s3().send(new PutObjectCommand({ Bucket: HUAWEI_DEFAULTS.bucket, Key: key, Body: bytes }));
    const pkg = await iotda<{ package_id: string }>('POST', PATHS.packages(hw.projectId), {
      package_type: 'firmwarePackage', product_id: hw.device.productId, version,
      file_location: { obs_location: { region_name: hw.region, bucket_name: HUAWEI_DEFAULTS.bucket, object_key: key, sign: sign256 } },
    });
    assert.strictEqual(pkg.status, 201, JSON.stringify(pkg.json));
    const task = await iotda<{ task_id: string }>('POST', PATHS.tasks(hw.projectId), { task_name: `otabench_${version.replace(/\./g, '_')}`, task_type: 'firmwareUpgrade', targets: [hw.device.id], document: { package_ids: [pkg.json.package_id] } });
    assert.strictEqual(task.status, 201, JSON.stringify(task.json));
    const end = Date.now() + 20_000;
    for (;;) {
      const shown = await iotda<ShowBatchTaskResponse>('GET', PATHS.task(hw.projectId, task.json.task_id));
      if (['Success', 'Fail', 'PartialSuccess'].includes(shown.json.batchtask.status)) return shown.json;
      if (Date.now() > end) throw new Error(`task still ${shown.json.batchtask.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('publish to OBS → package → upgrade task → Success with the new version on the device', async () => {
    const image = Buffer.concat([Buffer.from('FW_VERSION=1.4.0\n'), Buffer.alloc(100_000, 9)]);
    const shown = await release('1.4.0', image, createHash('sha256').update(image).digest('hex'));
    assert.strictEqual(shown.batchtask.status, 'Success');
    assert.strictEqual(shown.task_details?.[0].status, 'Success');
    assert.strictEqual(board.version, '1.4.0');
    assert.strictEqual(hw.model.devices.get(hw.device.id)?.fw_version, '1.4.0');
    assert.ok(hw.requests.some((r) => r.service === 'obs' && r.action === 'GetObject' && r.status === 200), 'the device downloaded from OBS');
  });

  it('a corrupted upload → Fail with result_code 7', async () => {
    const image = Buffer.concat([Buffer.from('FW_VERSION=1.5.0\n'), Buffer.alloc(50_000, 1)]);
    const shown = await release('1.5.0', Buffer.concat([image, Buffer.from('!')]), createHash('sha256').update(image).digest('hex'));
    assert.strictEqual(shown.batchtask.status, 'Fail');
    assert.strictEqual(shown.task_details?.[0].error?.error_code, '7');
    assert.strictEqual(board.version, '1.4.0');
  });

  it('OBS refuses a wrong secret', async () => {
    await assert.rejects(s3('wrong-secret-0000000000000000000000000').send(new PutObjectCommand({ Bucket: HUAWEI_DEFAULTS.bucket, Key: 'x.bin', Body: 'x' })), (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 403);
  });
});
