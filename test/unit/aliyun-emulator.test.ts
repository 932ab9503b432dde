// The Alibaba emulator end to end on loopback: the official client unchanged, our client, the OSS
// form upload, and a verify job driving the virtual board (real pty) over MQTT to a verdict.
import assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import { AliyunOtaClient } from '../../src/core/clouds/aliyun/client';
import { CLIENT_REF_TAG } from '../../src/core/clouds/aliyun/limits';
import { ossPostUpload } from '../../src/core/clouds/aliyun/ossPostUpload';
import { isCloudError } from '../../src/core/errors';
import { startAliyunEmulator, type AliyunEmulator } from '../bench/aliyun-emulator/server';
import { AliyunOtaAgent } from '../bench/board/agents/aliyun';
import { VirtualBoard } from '../bench/board/board';

const AK = 'LTAIemuTest';
const SK = 'emu-test-secret';
const PK = 'a1EmuPk';
const DN = 'bench-emu-1';
const DEV_SECRET = 'dev-secret';
const INSTANCE = 'iot-cn-emu0001';

let emu: AliyunEmulator;
let dir: string;

const ours = (extra: Partial<ConstructorParameters<typeof AliyunOtaClient>[0]> = {}) =>
  new AliyunOtaClient({ endpoint: emu.url, credentials: async () => ({ accessKeyId: AK, accessKeySecret: SK }), iotInstanceId: INSTANCE, ...extra });

const official = (secret = SK) => new OpenApi(new $OpenApi.Config({ accessKeyId: AK, accessKeySecret: secret, endpoint: emu.url.replace('http://', ''), protocol: 'http' }));
const rpcParams = (action: string) => new $OpenApi.Params({ action, version: '2018-01-20', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });

async function publish(client: AliyunOtaClient, version: string, sign?: string) {
  const image = Buffer.concat([Buffer.from(`FW_VERSION=${version}\n`), randomBytes(50_000)]);
  const file = join(dir, `app-${version}.bin`);
  writeFileSync(file, image);
  const up = await client.call('GenerateOTAUploadURL', { FileSuffix: 'bin' }, { what: 'Asking for an upload URL' });
  await ossPostUpload({ form: up.Data!, filePath: file });
  const md5 = createHash('md5').update(image).digest('hex');
  const fw = await client.call('CreateOTAFirmware', { FirmwareName: `emu-${version.replace(/\./g, '_')}`, DestVersion: version, FirmwareUrl: up.Data!.FirmwareUrl, FirmwareSign: sign ?? md5, SignMethod: 'MD5', FirmwareSize: image.length, ProductKey: PK, NeedToVerify: true }, { what: 'Registering firmware' });
  return fw.Data!.FirmwareId;
}

async function until<T>(what: string, get: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('aliyun emulator (RPC + OSS + MQTT) with the official client and the virtual board', function () {
  this.timeout(40_000);
  let board: VirtualBoard;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otab-ali-emu-'));
    emu = await startAliyunEmulator({ accessKeys: { [AK]: SK }, iotInstanceId: INSTANCE, devices: [{ productKey: PK, deviceName: DN, secret: DEV_SECRET, version: '1.0.0' }], minuteMs: 500 });
    const agent = new AliyunOtaAgent({ mqttUrl: emu.mqttUrl, productKey: PK, deviceName: DN, deviceSecret: DEV_SECRET, progressEvery: 50 });
    board = await new VirtualBoard({ link: join(dir, 'board'), version: '1.0.0', logPeriodMs: 0, color: false, agents: [agent], bootDelayMs: 10 }).start();
  });
  after(async () => {
    await board?.stop();
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the official client works unchanged; a wrong secret is refused with SignatureDoesNotMatch', async () => {
    const res = (await official().callApi(rpcParams('ListOTAFirmware'), new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query({ CurrentPage: 1, PageSize: 10, IotInstanceId: INSTANCE }) }), new $Util.RuntimeOptions({}))) as { body: { Success: boolean; Total: number } };
    assert.strictEqual(res.body.Success, true);
    assert.strictEqual(typeof res.body.Total, 'number');
    await assert.rejects(official('wrong').callApi(rpcParams('ListOTAFirmware'), new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query({ CurrentPage: 1, PageSize: 10 }) }), new $Util.RuntimeOptions({})), (e: { code?: string }) => e.code === 'SignatureDoesNotMatch');
  });

  it('an instance with an id: a call without IotInstanceId fails naming the setting', async () => {
    const e = await ours({ iotInstanceId: undefined }).call('ListOTAFirmware', { CurrentPage: 1, PageSize: 10 }, { what: 'Listing firmware' }).then(() => undefined, (x: unknown) => x);
    assert.ok(isCloudError(e) && e.code === 'config', String(e));
    assert.match(e.hint ?? '', /IotInstanceId/);
  });

  it('publish → verify job → the board installs, informs the new version → task SUCCEEDED, firmware verified', async () => {
    const client = ours();
    const firmwareId = await publish(client, '2.0.0');
    const job = await client.call('CreateOTAVerifyJob', { FirmwareId: firmwareId, ProductKey: PK, TargetDeviceName: [DN], TimeoutInMinutes: 10, Tag: [{ Key: CLIENT_REF_TAG, Value: 'ref-emu-1' }] }, { what: 'Starting the verify job' });
    const status = await until('the firmware verdict', async () => {
      const q = await client.call('QueryOTAFirmware', { FirmwareId: firmwareId }, { what: 'Reading firmware' });
      const s = q.FirmwareInfo?.Status;
      return s === 1 || s === 3 ? s : undefined;
    });
    assert.strictEqual(status, 1);
    assert.strictEqual(board.version, '2.0.0');
    const tasks = await client.call('ListOTATaskByJob', { JobId: job.Data!.JobId, CurrentPage: 1, PageSize: 100 }, { what: 'Listing tasks' });
    assert.deepStrictEqual(tasks.Data?.SimpleOTATaskInfo?.map((t) => [t.DeviceName, t.TaskStatus, t.Progress]), [[DN, 'SUCCEEDED', '100']]);
    const jobs = await client.call('ListOTAJobByFirmware', { FirmwareId: firmwareId, CurrentPage: 1, PageSize: 200 }, { what: 'Listing jobs' });
    assert.deepStrictEqual(jobs.Data?.SimpleOTAJobInfo?.map((j) => [j.JobType, j.JobStatus, j.Tags?.OtaTagDTO?.[0]?.Value]), [['VERFIY_FIRMWARE', 'COMPLETED', 'ref-emu-1']]);
    const again = await client.call('CreateOTAVerifyJob', { FirmwareId: firmwareId, ProductKey: PK, TargetDeviceName: [DN], TimeoutInMinutes: 10 }, { what: 'Starting the verify job' }).then(() => undefined, (x: unknown) => x);
    assert.ok(isCloudError(again) && again.cloudCode === 'iot.ota.VerifyFirmwareStatusError', String(again));
  });

  it('a wrong sign: the board reports -3, the task FAILED with the reason, the firmware fails verification', async () => {
    const client = ours();
    const firmwareId = await publish(client, '2.1.0', '0'.repeat(32));
    const job = await client.call('CreateOTAVerifyJob', { FirmwareId: firmwareId, ProductKey: PK, TargetDeviceName: [DN], TimeoutInMinutes: 10 }, { what: 'Starting the verify job' });
    const task = await until('a final task', async () => {
      const t = (await client.call('ListOTATaskByJob', { JobId: job.Data!.JobId, CurrentPage: 1, PageSize: 10 }, { what: 'Listing tasks' })).Data?.SimpleOTATaskInfo?.[0];
      return t && (t.TaskStatus === 'FAILED' || t.TaskStatus === 'SUCCEEDED') ? t : undefined;
    });
    assert.strictEqual(task.TaskStatus, 'FAILED');
    assert.match(task.TaskDesc ?? '', /sign mismatch \(Md5\)/);
    assert.strictEqual((await client.call('QueryOTAFirmware', { FirmwareId: firmwareId }, { what: 'Reading firmware' })).FirmwareInfo?.Status, 3);
    assert.strictEqual(board.version, '2.0.0');
  });

  it('injected throttling is retried by our client; paging is refused past PageSize 100 with Success:false', async () => {
    emu.faults.next('throttle', 2, { action: 'ListOTAFirmware' });
    const page = await ours().call('ListOTAFirmware', { CurrentPage: 1, PageSize: 1 }, { what: 'Listing firmware' });
    assert.strictEqual(page.FirmwareInfo?.SimpleFirmwareInfo?.length, 1);
    assert.ok((page.Total ?? 0) >= 2);
    assert.strictEqual(emu.faults.counts.throttle, 2);
    const e = await ours().call('ListOTAFirmware', { CurrentPage: 1, PageSize: 101 }, { what: 'Listing firmware' }).then(() => undefined, (x: unknown) => x);
    assert.ok(isCloudError(e) && e.cloudCode === 'iot.common.InvalidPageParams', String(e));
  });
});
