// Confirm Waiting Devices on Huawei IoTDA ('confirm-job', ConfirmBatchTask) through the real signing
// client against the emulator: a need_confirm task's devices wait until confirmed, then the bench
// board agent hears the upgrade over MQTT and runs it to Success; named devices IoTDA refuses come
// back with its reason; a task that never asked for a confirmation, one already confirmed, one that
// ended and one that does not exist are each a CloudError saying so. The message after it: the
// count in the cloud's nouns, each refused device with its reason on one line, a few at most.
import { strict as assert } from 'assert';
import { createHash } from 'crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { confirmationText, FAILURES_SHOWN } from '../../src/core/clouds/confirmation';
import { createProvider, type HuaweiProvider } from '../../src/core/clouds/huawei';
import { descriptorOf } from '../../src/core/clouds/registry';
import { cloudErrorOf } from '../support/cloudError';
import type { CloudProvider } from '../../src/core/clouds/provider';
import type { CloudProfile } from '../../src/core/profiles';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { MemoryBoard } from '../bench/board/memoryBoard';
import { HUAWEI_DEFAULTS, startHuaweiEmulator, type HuaweiEmulator } from '../bench/huawei-emulator';

describe('Huawei Confirm Waiting Devices (ConfirmBatchTask) against the emulator', function () {
  this.timeout(60_000);
  let hw: HuaweiEmulator;
  let agent: HuaweiOtaAgent;
  let provider: CloudProvider & HuaweiProvider;
  let packageId: string;

  before(async () => {
    hw = await startHuaweiEmulator({ detailTimeoutMs: 20_000 });
    agent = new HuaweiOtaAgent({ mqttUrl: hw.mqttUrl, deviceId: hw.device.id, secret: hw.device.secret });
    await agent.start(new MemoryBoard());
    provider = await createProvider({ ...hw.profile(), credentials: 'secrets' } as CloudProfile, async (f) => (hw.credentials as unknown as Record<string, string>)[f], { backoffMs: 10 });
    const image = Buffer.concat([Buffer.from('FW_VERSION=4.0.0\n'), Buffer.alloc(10_000, 3)]);
    const key = 'fw/4.0.0.bin';
    const s3 = new S3Client({ endpoint: hw.obsEndpoint, region: hw.region, forcePathStyle: true, credentials: { accessKeyId: hw.credentials.accessKey, secretAccessKey: hw.credentials.secretKey } });
    await s3.send(new PutObjectCommand({ Bucket: HUAWEI_DEFAULTS.bucket, Key: key, Body: image }));
    s3.destroy();
    const sign = createHash('sha256').update(image).digest('hex');
    packageId = hw.model.createPackage({ package_type: 'firmwarePackage', product_id: hw.device.productId, version: '4.0.0', file_location: { obs_location: { region_name: hw.region, bucket_name: HUAWEI_DEFAULTS.bucket, object_key: key, sign } } }, HUAWEI_DEFAULTS.appId).package_id;
    for (let end = Date.now() + 10_000; !hw.model.devices.get(hw.device.id)?.online; ) {
      if (Date.now() > end) throw new Error('the bench device never came online');
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  after(async () => {
    await agent?.stop();
    await hw?.close();
  });

  const task = (targets: string[], needConfirm: boolean) =>
    hw.model.createTask({ task_name: `t_${Math.random().toString(16).slice(2)}`, task_type: 'firmwareUpgrade', targets, need_confirm: needConfirm, document: { package_ids: [packageId] } }, HUAWEI_DEFAULTS.appId).task_id;
  const statusOf = (taskId: string, target: string) => hw.model.details(hw.model.task(taskId), { target })[0].status;
  const upgradeReports = () => agent.reports.filter((r) => r.event_type === 'upgrade_progress_report').length;

  it('Huawei offers it (descriptor capability and provider method); AWS and Alibaba do not', () => {
    assert.ok(descriptorOf('huawei').capabilities.has('confirm-job'));
    assert.equal(typeof provider.confirmJob, 'function');
    assert.ok(!descriptorOf('aws').capabilities.has('confirm-job'));
    assert.ok(!descriptorOf('aliyun').capabilities.has('confirm-job'), 'Alibaba ConfirmOTATask is not built');
  });

  it('a need_confirm task waits (the board hears nothing); confirmJob starts every waiting device and the board upgrades', async () => {
    const [online, offline] = hw.seed.devices(2, `${hw.device.productId}_confirm`).map((d) => d.device_id);
    hw.model.setOnline(online, true);
    const id = task([hw.device.id, online, offline], true);
    const reportsBefore = upgradeReports();
    await new Promise((r) => setTimeout(r, 400));
    for (const d of [hw.device.id, online, offline]) assert.equal(statusOf(id, d), 'Waitting', `${d} waits for the confirmation`);
    assert.equal(upgradeReports(), reportsBefore, 'no upgrade notification before the confirmation');
    assert.equal((await provider.describeJob(id)).job.status, 'scheduled');

    const r = await provider.confirmJob!(id);
    assert.deepEqual([...r.confirmed].sort(), [hw.device.id, online, offline].sort());
    assert.deepEqual(r.failed, []);
    const call = hw.requests.filter((q) => q.action === 'ConfirmBatchTask').at(-1);
    assert.ok(call, 'the call reached IoTDA as ConfirmBatchTask (signature checked)');

    assert.equal(statusOf(id, online), 'Processing', 'an online idle device gets the upgrade notification at once');
    assert.match(hw.model.details(hw.model.task(id), { target: online })[0].output ?? '', /upgrade notification sent/);
    assert.equal(statusOf(id, offline), 'Waitting', 'an offline device waits for its connection, no longer for a confirmation');
    hw.model.setOnline(offline, true);
    assert.equal(statusOf(id, offline), 'Processing', 'and starts once online');
    for (let end = Date.now() + 20_000; statusOf(id, hw.device.id) !== 'Success'; ) {
      if (Date.now() > end) throw new Error(`the bench device's subtask is ${statusOf(id, hw.device.id)}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    assert.ok(upgradeReports() > reportsBefore, 'the board agent got the notification over MQTT and reported its progress');
  });

  it('named devices: the waiting one starts; one not in the task and one not waiting come back with IoTDA\'s reason', async () => {
    const [a, b] = hw.seed.devices(2, `${hw.device.productId}_named`).map((d) => d.device_id);
    const id = task([a, b], true);
    assert.deepEqual(await provider.confirmJob!(id, [a]), { confirmed: [a], failed: [] });
    const r = await provider.confirmJob!(id, [a, b, 'not_in_task']);
    assert.deepEqual(r.confirmed, [b]);
    assert.deepEqual(r.failed.map((f) => f.target), [a, 'not_in_task']);
    assert.match(r.failed[0].reason, /^IOTDA\.000006: The subtask of .* does not wait for a confirmation/);
    assert.match(r.failed[1].reason, /not_in_task is not a target of task/);
    const text = confirmationText(r, descriptorOf('huawei').nouns, id);
    assert.equal(text, `Confirmed 1 device of upgrade task ${id}: they start the update when online. 2 could not be confirmed: ${a}: ${r.failed[0].reason}; not_in_task: ${r.failed[1].reason}.`);
  });

  it('nothing to confirm is a CloudError saying why: no need_confirm, confirmed already, ended; an unknown task is IoTDA\'s not-found', async () => {
    const [d1, d2, d3] = hw.seed.devices(3, `${hw.device.productId}_none`).map((d) => d.device_id);
    const plain = task([d1], false);
    const noConfirm = await cloudErrorOf(provider.confirmJob!(plain));
    assert.equal(noConfirm.code, 'invalid');
    assert.match(noConfirm.message, new RegExp(`Upgrade task ${plain} was created without need_confirm`));
    assert.match(noConfirm.hint ?? '', /start on their own/);

    const twice = task([d2], true);
    await provider.confirmJob!(twice);
    assert.match((await cloudErrorOf(provider.confirmJob!(twice))).message, /no devices waiting for a confirmation: they were confirmed already/);

    const ended = task([d3], true);
    hw.model.stop(ended);
    const e = await cloudErrorOf(provider.confirmJob!(ended));
    assert.equal(e.code, 'invalid');
    assert.match(e.message, new RegExp(`Upgrade task ${ended} has already ended \\(Stopped\\)`));

    const gone = await cloudErrorOf(provider.confirmJob!('ffffffffffffffffffff0000'));
    assert.equal(gone.code, 'not-found');
    assert.match(gone.message, /Confirming upgrade task ffffffffffffffffffff0000: IoTDA IOTDA\.014000/);
  });
});

describe('Confirm Waiting Devices: the message after it', () => {
  const nouns = descriptorOf('huawei').nouns;
  it('all confirmed: the count only; none confirmed and many refused: the first few named on one line each, the rest counted', () => {
    assert.equal(confirmationText({ confirmed: ['d1', 'd2'], failed: [] }, nouns, 't1'), 'Confirmed 2 devices of upgrade task t1: they start the update when online.');
    const long = `IOTDA.000006: ${'x'.repeat(300)}`;
    const failed = Array.from({ length: FAILURES_SHOWN + 2 }, (_, i) => ({ target: `d${i}`, reason: i === 0 ? 'IOTDA.000006: line one\n\tline two ' : long }));
    const text = confirmationText({ confirmed: [], failed }, nouns, 't2');
    const cut = long.slice(0, 200);
    const named = [`d0: IOTDA.000006: line one line two`, ...Array.from({ length: FAILURES_SHOWN - 1 }, (_, i) => `d${i + 1}: ${cut}`)];
    assert.equal(text, `Confirmed 0 devices of upgrade task t2. 7 could not be confirmed: ${named.join('; ')}; and 2 more (see the OTA Bench log).`);
    assert.ok(!text.includes(`d${FAILURES_SHOWN}:`), 'the rest are counted, not named');
  });
});
