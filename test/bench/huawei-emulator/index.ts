// A Huawei Cloud IoTDA + OBS emulator on 127.0.0.1, plus the MQTT side devices use. The official
// client (HcClient) and our own signer talk to it unchanged; both AK/SK signatures are checked.
//
//   const hw = await startHuaweiEmulator();
//   endpoint hw.endpoint, project hw.projectId, keys hw.credentials; OBS (S3 API) at hw.obsEndpoint;
//   board agent: --agent huawei:mqttUrl=${hw.mqttUrl},deviceId=${hw.device.id},secret=${hw.device.secret}

import { checkMqttConnect, DOWN_TOPIC, otaServices, UP_TOPIC } from '../../../src/core/clouds/huawei/device';
import type { KnownKey } from '../../../src/core/clouds/huawei/sign';
import { Faults, startBroker, topicParams, type Broker, type EmulatorServer, type RequestRecord } from '../kit';
import { IotdaModel, type DeviceRecord, type GroupRecord } from './iotda';
import { startObs, type Obs } from './obs';
import { startIotdaServer } from './server';

export interface HuaweiEmulatorOptions {
  port?: number;
  obsPort?: number;
  mqttPort?: number;
  region?: string;
  /** Require this Instance-Id header (a standard/enterprise instance). */
  instanceId?: string;
  /** A device that does not finish a subtask within this fails (default 120 s). */
  detailTimeoutMs?: number;
  /** Length of an emulated minute (task_policy.retry_interval). */
  minuteMs?: number;
}

export const HUAWEI_DEFAULTS = {
  projectId: '0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  appId: 'ota_bench_app',
  productId: 'otabench_product',
  deviceId: 'otabench_product_bench-1',
  deviceSecret: 'otabench-device-secret-1',
  bucket: 'ota-bench-firmware',
};

export interface HuaweiKeys {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

export interface HuaweiEmulator {
  /** The IoTDA endpoint (http://127.0.0.1:port). */
  endpoint: string;
  /** OBS through its S3-compatible API (path-style). */
  obsEndpoint: string;
  mqttUrl: string;
  region: string;
  projectId: string;
  credentials: HuaweiKeys;
  /** Temporary keys with their security token. */
  temporaryCredentials: HuaweiKeys;
  /** Temporary keys whose token has expired. */
  expiredCredentials: HuaweiKeys;
  device: { id: string; secret: string; productId: string };
  faults: Faults;
  requests: RequestRecord[];
  model: IotdaModel;
  /** The world beyond the bench device: more devices of the product, device groups of them. */
  seed: {
    /** Devices `${prefix}-1` … `${prefix}-n` of the emulator's product (offline until an agent connects). */
    devices(n: number, prefix?: string): DeviceRecord[];
    /** A device group of these devices; its group_id is what targets_filter.group_ids names. */
    group(name: string, deviceIds: string[]): GroupRecord;
  };
  obs: Obs;
  broker: Broker;
  profile(name?: string): { kind: 'huawei'; name: string; region: string; endpoint: string; projectId: string; appId: string; productId: string; deviceId: string; obsBucket: string; obsEndpoint: string };
  close(): Promise<void>;
}

export async function startHuaweiEmulator(opts: HuaweiEmulatorOptions = {}): Promise<HuaweiEmulator> {
  const region = opts.region ?? 'cn-north-4';
  const d = HUAWEI_DEFAULTS;
  const credentials: HuaweiKeys = { accessKey: 'HPUAEMULATOR00000001', secretKey: 'huawei-emulator-secret-key-000000000001' };
  const temporaryCredentials: HuaweiKeys = { accessKey: 'HSTAEMULATORTEMP0001', secretKey: 'huawei-emulator-temp-secret-00000000002', securityToken: 'huawei-emulator-security-token-1' };
  const expiredCredentials: HuaweiKeys = { accessKey: 'HSTAEMULATOREXPIRED1', secretKey: 'huawei-emulator-old-secret-000000000003', securityToken: 'huawei-emulator-security-token-old' };
  const keys = new Map<string, KnownKey>([
    [credentials.accessKey, { secretKey: credentials.secretKey }],
    [temporaryCredentials.accessKey, { secretKey: temporaryCredentials.secretKey, securityToken: temporaryCredentials.securityToken, expiresAt: new Date(Date.now() + 24 * 3_600_000) }],
    [expiredCredentials.accessKey, { secretKey: expiredCredentials.secretKey, securityToken: expiredCredentials.securityToken, expiresAt: new Date(Date.now() - 60_000) }],
  ]);
  const faults = new Faults();
  const requests: RequestRecord[] = [];
  const obs = await startObs({
    keys: [credentials, temporaryCredentials, { ...expiredCredentials, expired: true }],
    region,
    faults,
    log: requests,
    port: opts.obsPort,
  });
  obs.store.createBucket(d.bucket, 'Enabled');

  // Its callbacks run only once devices connect, after the model below exists.
  const broker = await startBroker({
    port: opts.mqttPort,
    authenticate: (id, user, pass) => checkMqttConnect(id, user, pass, (dev) => model.devices.get(dev)?.secret),
    // A device hears and speaks only on its own system topics.
    authorizeSubscribe: (id, filter) => {
      const dev = topicParams(DOWN_TOPIC, filter)?.device;
      if (!dev || !id.startsWith(`${dev}_0_`)) return false;
      setTimeout(() => model.setOnline(dev, true), 20); // online once its subscription holds
      return true;
    },
    authorizePublish: (id, topic) => {
      const dev = topicParams(UP_TOPIC, topic)?.device;
      return !!dev && id.startsWith(`${dev}_0_`);
    },
    onPublish: (_id, topic, payload) => {
      const dev = topicParams(UP_TOPIC, topic)?.device;
      if (!dev) return;
      let msg: unknown;
      try {
        msg = JSON.parse(payload.toString());
      } catch {
        return;
      }
      for (const s of otaServices(msg)) model.onDeviceEvent(dev, s.event_type, s.paras);
    },
  });

  const model = new IotdaModel({
    sendDown: (id, msg) => broker.publish(`$oc/devices/${id}/sys/events/down`, msg),
    packageUrl: (p) => obs.presign(p.file_location!.obs_location!.bucket_name, p.file_location!.obs_location!.object_key),
    objectSize: (p) => obs.size(p.file_location!.obs_location!.bucket_name, p.file_location!.obs_location!.object_key),
    detailTimeoutMs: opts.detailTimeoutMs,
    minuteMs: opts.minuteMs,
  });
  model.addDevice({ device_id: d.deviceId, product_id: d.productId, app_id: d.appId, secret: d.deviceSecret });

  const server: EmulatorServer = await startIotdaServer({
    model,
    faults,
    log: requests,
    projectId: d.projectId,
    region,
    appId: d.appId,
    instanceId: opts.instanceId,
    keys,
    port: opts.port,
    state: () => ({
      devices: [...model.devices.values()].map((x) => ({ device_id: x.device_id, online: x.online, fw_version: x.fw_version })),
      packages: [...model.packages.values()].map((p) => `${p.package_id}:${p.version}`),
      tasks: [...model.tasks.values()].slice(-20).map((t) => ({ task_id: t.task.task_id, task_name: t.task.task_name, status: t.task.status, details: t.details.map((x) => `${x.target}:${x.status}`) })),
      requests: requests.length,
    }),
  });

  let closed = false;
  return {
    endpoint: server.url,
    obsEndpoint: obs.url,
    mqttUrl: broker.url,
    region,
    projectId: d.projectId,
    credentials,
    temporaryCredentials,
    expiredCredentials,
    device: { id: d.deviceId, secret: d.deviceSecret, productId: d.productId },
    faults,
    requests,
    model,
    seed: {
      devices: (n, prefix = `${d.productId}_fleet`) =>
        Array.from({ length: n }, (_, i) => model.addDevice({ device_id: `${prefix}-${i + 1}`, product_id: d.productId, app_id: d.appId, secret: `${prefix}-secret-${i + 1}` })),
      group: (name, deviceIds) => model.addGroup(name, deviceIds, d.appId),
    },
    obs,
    broker,
    profile: (name = 'huawei-emulator') => ({ kind: 'huawei', name, region, endpoint: server.url, projectId: d.projectId, appId: d.appId, productId: d.productId, deviceId: d.deviceId, obsBucket: d.bucket, obsEndpoint: obs.url }),
    async close() {
      if (closed) return;
      closed = true;
      model.close();
      await server.close();
      await broker.close();
      await obs.close();
    },
  };
}
