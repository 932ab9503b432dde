// The emulator's IoTDA model driving the real board agent over MQTT (kit broker) with packages
// served over HTTP: the success rule (reported version = package version), result_code 7,
// FailWaitRetry then success, timeouts, one task at a time per device, stop and retry.
import assert from 'assert';
import { createHash } from 'crypto';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { checkMqttConnect, DOWN_TOPIC, otaServices, UP_TOPIC } from '../../src/core/clouds/huawei/device';
import type { BoardFault, BoardHandle } from '../bench/board/agent';
import { HuaweiOtaAgent } from '../bench/board/agents/huawei';
import { IotdaError, IotdaModel } from '../bench/huawei-emulator/iotda';
import { startBroker, topicParams, type Broker } from '../bench/kit';

const PRODUCT = 'prod1';
const DEV = 'prod1_bench-1';
const SECRET = 'secret-of-bench-1';

class Board implements BoardHandle {
  version = '1.0.0';
  readonly faults = new Set<BoardFault>();
  readonly lines: string[] = [];
  log(level: string, tag: string, message: string): void {
    this.lines.push(`${level} ${tag}: ${message}`);
  }
  async installAndReboot(_image: Buffer, v: string): Promise<boolean> {
    await new Promise((r) => setTimeout(r, 10));
    this.version = v;
    return true;
  }
}

const image = (v: string) => Buffer.concat([Buffer.from(`FW_VERSION=${v}\n`), Buffer.alloc(20_000, 3)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('Huawei emulator: IoTDA model with the board agent', function () {
  this.timeout(20_000);
  let broker: Broker;
  let http: Server;
  let base: string;
  let model: IotdaModel;
  let agent: HuaweiOtaAgent | undefined;
  let board: Board;
  const objects = new Map<string, Buffer>();

  before(async () => {
    http = createServer((req, res) => {
      const b = objects.get(decodeURIComponent((req.url ?? '').slice(1)));
      if (!b) return void res.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
      res.writeHead(200).end(b);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    broker = await startBroker({
      authenticate: (id, user, pass) => checkMqttConnect(id, user, pass, (d) => model.devices.get(d)?.secret),
      authorizeSubscribe: (_id, filter) => {
        const dev = topicParams(DOWN_TOPIC, filter)?.device;
        // Online once it listens on its down topic (a moment later, when the subscription holds).
        if (dev) setTimeout(() => model.setOnline(dev, true), 20);
        return true;
      },
      onPublish: (_id, topic, payload) => {
        const dev = topicParams(UP_TOPIC, topic)?.device;
        if (!dev) return;
        for (const s of otaServices(JSON.parse(payload.toString()))) model.onDeviceEvent(dev, s.event_type, s.paras);
      },
    });
  });
  after(async () => {
    await broker.close();
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
  });

  const makeModel = (detailTimeoutMs: number) => {
    model?.close();
    model = new IotdaModel({
      sendDown: (d, msg) => broker.publish(`$oc/devices/${d}/sys/events/down`, msg),
      packageUrl: (p) => `${base}/${encodeURIComponent(p.file_location!.obs_location!.object_key)}`,
      objectSize: (p) => objects.get(p.file_location!.obs_location!.object_key)?.length,
      detailTimeoutMs,
      minuteMs: 100,
    });
    model.addDevice({ device_id: DEV, product_id: PRODUCT, app_id: 'app', secret: SECRET });
  };
  beforeEach(() => {
    objects.clear();
    makeModel(5000);
    board = new Board();
  });
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    model.close();
  });

  const connect = async () => {
    agent = new HuaweiOtaAgent({ mqttUrl: broker.url, deviceId: DEV, secret: SECRET, downloadTimeoutMs: 500 });
    await agent.start(board);
  };
  const upload = (version: string, bytes = image(version), sign = sha(bytes)) => {
    const key = `fw/${version}-${Math.random().toString(16).slice(2)}.bin`;
    objects.set(key, bytes);
    return model.createPackage({ package_type: 'firmwarePackage', product_id: PRODUCT, version, file_location: { obs_location: { region_name: 'cn-north-4', bucket_name: 'fw', object_key: key, sign } } }, 'app');
  };
  const verifyTask = (packageId: string, extra: object = {}) =>
    model.createTask({ task_name: `verify_${packageId}`, task_type: 'firmwareUpgrade', targets: [DEV], document: { package_ids: [packageId] }, ...extra }, 'app');
  async function settled(taskId: string, ms = 8000) {
    const end = Date.now() + ms;
    for (;;) {
      const rec = model.task(taskId);
      if (['Success', 'Fail', 'PartialSuccess', 'Stopped'].includes(rec.task.status)) return { task: model.view(rec), details: model.details(rec) };
      if (Date.now() > end) throw new Error(`task ${taskId} still ${rec.task.status}: ${JSON.stringify(model.details(rec))}; serial ${board.lines.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('publish → task → Success once the device reports the package version; the task rolls up', async () => {
    await connect();
    const pkg = upload('1.1.0');
    const t = verifyTask(pkg.package_id);
    assert.ok(['Waitting', 'Processing'].includes(t.status));
    const { task, details } = await settled(t.task_id);
    assert.strictEqual(task.status, 'Success');
    assert.deepStrictEqual(task.task_progress, { total: 1, processing: 0, success: 1, fail: 0, waitting: 0, fail_wait_retry: 0, stopped: 0, removed: 0 });
    assert.deepStrictEqual([details[0].status, details[0].output], ['Success', 'upgraded to 1.1.0']);
    assert.strictEqual(board.version, '1.1.0');
    assert.strictEqual(model.devices.get(DEV)!.fw_version, '1.1.0');
  });

  it('a corrupted upload (object ≠ sign) → Fail with result_code 7', async () => {
    await connect();
    const good = image('1.1.0');
    const pkg = upload('1.1.0', Buffer.concat([good, Buffer.from('x')]), sha(good));
    const { task, details } = await settled(verifyTask(pkg.package_id).task_id);
    assert.strictEqual(task.status, 'Fail');
    assert.strictEqual(details[0].error?.error_code, '7');
    assert.match(details[0].error!.error_msg!, /package verification failure/);
    assert.strictEqual(board.version, '1.0.0');
  });

  it('the reported version must equal the package version: an image stamped otherwise fails', async () => {
    await connect();
    const pkg = upload('1.2.0', image('1.1.9'));
    const { task, details } = await settled(verifyTask(pkg.package_id).task_id);
    assert.strictEqual(task.status, 'Fail');
    assert.strictEqual(details[0].error?.error_code, 'VERSION_MISMATCH');
    assert.match(details[0].error!.error_msg!, /reported version 1\.1\.9.*package version is 1\.2\.0/);
  });

  it('FailWaitRetry is passed through on the way to a retried success', async () => {
    await connect();
    board.faults.add('bad-signature');
    const pkg = upload('1.1.0');
    const t = verifyTask(pkg.package_id, { task_policy: { retry_count: 2, retry_interval: 3 } });
    const end = Date.now() + 5000;
    while (model.details(model.task(t.task_id))[0].status !== 'FailWaitRetry') {
      if (Date.now() > end) throw new Error('never FailWaitRetry');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.strictEqual(model.task(t.task_id).task.status, 'Processing');
    assert.strictEqual(model.task(t.task_id).task.task_progress?.fail_wait_retry, 1);
    board.faults.delete('bad-signature');
    const { task } = await settled(t.task_id);
    assert.strictEqual(task.status, 'Success');
  });

  it('a device that never reports fails at the subtask timeout, said as such', async () => {
    makeModel(300);
    model.setOnline(DEV, true); // online, but nothing answers
    const pkg = upload('1.1.0');
    const { task, details } = await settled(verifyTask(pkg.package_id).task_id);
    assert.strictEqual(task.status, 'Fail');
    assert.strictEqual(details[0].error?.error_code, 'TIMEOUT');
    assert.match(details[0].error!.error_msg!, /timed out/);
  });

  it('a device takes one task at a time; the second waits, then runs', async () => {
    await connect();
    board.faults.add('download-timeout');
    const first = verifyTask(upload('1.1.0').package_id);
    const second = verifyTask(upload('1.2.0').package_id);
    await new Promise((r) => setTimeout(r, 150));
    assert.strictEqual(model.details(model.task(second.task_id))[0].status, 'Waitting');
    assert.strictEqual(model.task(second.task_id).task.status, 'Waitting');
    board.faults.delete('download-timeout'); // the first download is already stalled
    assert.strictEqual((await settled(first.task_id)).details[0].error?.error_code, '6');
    assert.strictEqual((await settled(second.task_id)).task.status, 'Success');
    assert.strictEqual(board.version, '1.2.0');
  });

  it('stop and retry act on subtasks and say why when they cannot', async () => {
    const t = verifyTask(upload('1.1.0').package_id); // device offline: Waitting
    assert.deepStrictEqual(model.stop(t.task_id), [{ target: DEV, status: 'Success' }]);
    assert.strictEqual(model.task(t.task_id).task.status, 'Stopped');
    assert.match(model.stop(t.task_id, [DEV])[0].error_msg!, /Stopped and cannot be stopped/);
    assert.match(model.stop(t.task_id, ['ghost'])[0].error_msg!, /not a target/);
    await connect();
    assert.deepStrictEqual(model.retry(t.task_id), [{ target: DEV, status: 'Success' }]);
    assert.strictEqual((await settled(t.task_id)).task.status, 'Success');
    assert.match(model.retry(t.task_id, [DEV])[0].error_msg!, /Success and cannot be retried/);
  });

  it('reads both document forms and refuses bad tasks and duplicate versions', () => {
    const pkg = upload('1.1.0');
    assert.ok(model.createTask({ task_name: 'a', task_type: 'firmwareUpgrade', targets: [DEV], document: { package_id: pkg.package_id } }, 'app').task_id);
    const bad = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof IotdaError && e.status === 400 && re.test(e.message));
    bad(() => model.createTask({ task_name: 'b', task_type: 'firmwareUpgrade', targets: [DEV], document: {} }, 'app'), /names one package/);
    bad(() => model.createTask({ task_name: 'c', task_type: 'softwareUpgrade', targets: [DEV], document: { package_ids: [pkg.package_id] } }, 'app'), /needs a softwarePackage/);
    bad(() => model.createTask({ task_name: 'd', task_type: 'firmwareUpgrade', targets: ['ghost'], document: { package_ids: [pkg.package_id] } }, 'app'), /ghost does not exist/);
    bad(() => upload('1.1.0'), /already exists/);
    assert.throws(() => model.package('000000000000000000000000'), (e: unknown) => e instanceof IotdaError && e.status === 404);
    const ids = model.listPackages({ package_type: 'firmwarePackage' }).map((p) => p.package_id);
    assert.deepStrictEqual(ids, [...ids].sort().reverse());
  });
});
