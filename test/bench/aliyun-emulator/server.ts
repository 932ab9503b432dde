// The Alibaba IoT Platform + OSS emulator on loopback, built on the emulator kit: the OpenAPI RPC
// endpoint (ACS3-HMAC-SHA256 checked over exactly the SignedHeaders, IotInstanceId enforced when the
// instance has one, Success:false business errors, page numbers per action, injected throttling and
// faults), the OSS POST form upload (policy: expiry, content-length-range, key prefix) and signed
// downloads, and the device side over MQTT (Alink login, /ota/device/* topics) driving OtaWorld.
// The official `@alicloud/openapi-client` works against it unchanged (endpoint host:port, protocol http).

import { createHmac, randomBytes } from 'crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { IOT_API_VERSION, verifyRpc } from '../../../src/core/clouds/aliyun/sign';
import { FILE_SUFFIXES, MAX_FILE_BYTES, PAGE_SIZE, TASK_PAGE_WINDOW, UPLOAD_POLICY_TTL_MS } from '../../../src/core/clouds/aliyun/limits';
import { deviceTopics } from '../../../src/core/clouds/aliyun/wire';
import { Faults, ProblemError, describeProblem, numberPage, startBroker, startEmulatorServer, type Broker, type EmulatorServer, type Exchange } from '../kit';
import { checkAlinkLogin } from './alinkAuth';
import { AliyunFault, OtaWorld, listParam, type Firmware, type Job, type Task } from './ota';
import { checkPost, makePolicy, ossErrorXml, readMultipart, signPolicy } from './ossForm';

export interface AliyunEmulatorOptions {
  /** AccessKey id → secret accepted by the RPC endpoint. */
  accessKeys: Record<string, string>;
  /** When set, every call must carry this IotInstanceId (an Enterprise / new public instance). */
  iotInstanceId?: string;
  devices?: { productKey: string; deviceName: string; secret: string; version?: string }[];
  /** How long an emulated minute lasts (task timeouts, MaximumPerMinute). */
  minuteMs?: number;
  /** The platform's clock (scheduled jobs start by it); wall time by default. */
  now?: () => number;
  port?: number;
}

export interface AliyunEmulator {
  /** The RPC endpoint, http://127.0.0.1:PORT. */
  url: string;
  mqttUrl: string;
  world: OtaWorld;
  faults: Faults;
  http: EmulatorServer;
  broker: Broker;
  /** The file an uploaded object is stored in (tests corrupt it to make a wrong sign). */
  objectFile(key: string): string | undefined;
  close(): Promise<void>;
}

/** A gateway error: HTTP status + {Code, Message, RequestId}, as the OpenAPI gateway answers. */
class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const OSS_ID = 'LTAIemulatorOss';
const OSS_SECRET = randomBytes(16).toString('hex');
const KEY_PREFIX = 'ota/firmware/';

const sendJson = (ex: Exchange, status: number, body: unknown) => {
  ex.res.statusCode = status;
  ex.res.setHeader('content-type', 'application/json;charset=utf-8');
  ex.res.end(JSON.stringify(body));
};

const paging = (p: { currentPage: number; pageSize: number; pageCount: number; total: number }) => ({ CurrentPage: p.currentPage, PageSize: p.pageSize, PageCount: p.pageCount, Total: p.total });
const simpleFirmware = ({ uploadKey: _k, FirmwareUrl: _u, VerifyProgress: _v, ...f }: Firmware) => f;
const jobOut = ({ SrcVersions, ...j }: Job) => ({ ...j, Tags: { OtaTagDTO: j.Tags }, ...(SrcVersions ? { SrcVersions: { SrcVersion: SrcVersions } } : {}) });
/** ListOTAJobByFirmware's SimpleOTAJobInfo: only its documented fields (the settings are QueryOTAJob's). */
const simpleJob = (j: Job) => {
  const { JobId, FirmwareId, ProductKey, JobStatus, JobType, SelectionType, TargetSelection, UtcCreate, UtcModified, UtcStartTime, UtcEndTime } = j;
  return { JobId, FirmwareId, ProductKey, JobStatus, JobType, SelectionType, TargetSelection, Tags: { OtaTagDTO: j.Tags }, UtcCreate, UtcModified, UtcStartTime, UtcEndTime };
};
const taskOut = ({ pushedAt: _p, retries: _r, retryAt: _a, ...t }: Task) => t;

export async function startAliyunEmulator(opts: AliyunEmulatorOptions): Promise<AliyunEmulator> {
  const dir = mkdtempSync(join(tmpdir(), 'otab-aliyun-oss-'));
  const faults = new Faults();
  let base = '';
  const ossBase = () => `${base}/oss`;
  const downloadSignature = (key: string, expires: number) => createHmac('sha1', OSS_SECRET).update(`GET\n\n\n${expires}\n/${key}`).digest('base64');
  /** Stored objects: key → file (uploads are streamed to disk, never held in memory). */
  const objects = new Map<string, string>();
  const world = new OtaWorld({
    minuteMs: opts.minuteMs,
    now: opts.now,
    downloadUrl: (u) => {
      const expires = Math.floor(Date.now() / 1000) + 3600;
      return `${ossBase()}/${u.key}?Expires=${expires}&OSSAccessKeyId=${OSS_ID}&Signature=${encodeURIComponent(downloadSignature(u.key, expires))}`;
    },
  });
  for (const d of opts.devices ?? []) world.addDevice(d);

  const actions: Record<string, (q: Record<string, string>) => unknown> = {
    GenerateOTAUploadURL: (q) => {
      const suffix = q.FileSuffix ?? 'bin';
      if (!(FILE_SUFFIXES as readonly string[]).includes(suffix)) throw new AliyunFault('iot.common.InvalidFormattedParameter', `FileSuffix ${suffix} is not supported.`);
      const key = `${KEY_PREFIX}${randomBytes(12).toString('hex')}.${suffix}`;
      const policy = makePolicy(new Date(Date.now() + UPLOAD_POLICY_TTL_MS), MAX_FILE_BYTES, KEY_PREFIX);
      return { Data: { FirmwareUrl: `${ossBase()}/${key}`, Host: ossBase(), Key: key, OSSAccessKeyId: OSS_ID, Policy: policy, Signature: signPolicy(policy, OSS_SECRET), ObjectStorage: 'OSS', UtcCreate: new Date().toISOString() } };
    },
    CreateOTAFirmware: (q) => {
      const fw = world.createFirmware(q);
      return { Data: { FirmwareId: fw.FirmwareId, UtcCreate: fw.UtcCreate } };
    },
    ListOTAFirmware: (q) => {
      const p = numberPage(world.listFirmware(q), { page: q.CurrentPage ?? null, size: q.PageSize ?? null }, { maxSize: PAGE_SIZE.ListOTAFirmware.max });
      return { ...paging(p), FirmwareInfo: { SimpleFirmwareInfo: p.items.map(simpleFirmware) } };
    },
    QueryOTAFirmware: (q) => {
      const { uploadKey: _k, ...fw } = world.getFirmware(q.FirmwareId ?? '');
      return { FirmwareInfo: fw };
    },
    CreateOTAVerifyJob: (q) => {
      const job = world.createVerifyJob(q);
      return { Data: { JobId: job.JobId, UtcCreate: job.UtcCreate } };
    },
    CreateOTAStaticUpgradeJob: (q) => {
      const job = world.createStaticJob(q);
      return { Data: { JobId: job.JobId, UtcCreate: job.UtcCreate } };
    },
    ListOTAJobByFirmware: (q) => {
      const p = numberPage(world.jobsOf(q.FirmwareId ?? ''), { page: q.CurrentPage ?? null, size: q.PageSize ?? null }, { maxSize: PAGE_SIZE.ListOTAJobByFirmware.max });
      return { ...paging(p), Data: { SimpleOTAJobInfo: p.items.map(simpleJob) } };
    },
    QueryOTAJob: (q) => ({ Data: jobOut(world.getJob(q.JobId ?? '')) }),
    ListOTATaskByJob: (q) => {
      const p = numberPage(world.tasksOf(q.JobId ?? '', q.TaskStatus, listParam(q, 'DeviceNames')), { page: q.CurrentPage ?? null, size: q.PageSize ?? null }, { maxSize: PAGE_SIZE.ListOTATaskByJob.max, maxReach: TASK_PAGE_WINDOW });
      return { ...paging(p), Data: { SimpleOTATaskInfo: p.items.map(taskOut) } };
    },
    CancelOTATaskByJob: (q) => (world.cancelTasks(q), {}),
    ListOTAUnfinishedTaskByDevice: (q) => ({ Data: { SimpleOTATaskInfo: world.unfinishedTasks(q.ProductKey ?? '', q.DeviceName ?? '').map(taskOut) } }),
  };

  const serveOss = async (ex: Exchange): Promise<void> => {
    ex.service = 'oss';
    const key = decodeURIComponent(ex.rawPath.slice('/oss/'.length));
    if (ex.method === 'POST' && ex.rawPath === '/oss') {
      ex.action = 'PostObject';
      if (await ex.fault()) return;
      const path = join(dir, `${randomBytes(8).toString('hex')}.part`);
      const out: WriteStream = createWriteStream(path);
      const form = await readMultipart(ex.req, undefined, (c) => out.write(c));
      await new Promise<void>((r) => out.end(() => r()));
      const check = checkPost(form, (id) => (id === OSS_ID ? OSS_SECRET : undefined));
      if (!check.ok) {
        rmSync(path, { force: true });
        ex.res.writeHead(check.status, { 'content-type': 'application/xml', 'x-oss-request-id': ex.requestId });
        return void ex.res.end(ossErrorXml(check.code, check.message, ex.requestId));
      }
      objects.set(form.fields.key, path);
      world.addUpload({ key: form.fields.key, url: `${ossBase()}/${form.fields.key}`, bytes: form.file!.bytes, md5: form.file!.md5, sha256: form.file!.sha256 });
      ex.res.writeHead(Number(form.fields.success_action_status) === 200 ? 200 : 204, { etag: `"${form.file!.md5.toUpperCase()}"`, 'x-oss-request-id': ex.requestId });
      return void ex.res.end();
    }
    if (ex.method === 'GET') {
      ex.action = 'GetObject';
      if (await ex.fault()) return;
      const expires = Number(ex.query.get('Expires'));
      const deny = (status: number, code: string, message: string) => {
        ex.res.writeHead(status, { 'content-type': 'application/xml' });
        ex.res.end(ossErrorXml(code, message, ex.requestId));
      };
      if (ex.query.get('Signature') !== downloadSignature(key, expires)) return deny(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
      if (!(expires * 1000 > Date.now())) return deny(403, 'AccessDenied', 'Request has expired.');
      const path = objects.get(key);
      if (!path) return deny(404, 'NoSuchKey', 'The specified key does not exist.');
      ex.res.writeHead(200, { 'content-type': 'application/octet-stream' });
      createReadStream(path).pipe(ex.res);
      return;
    }
    throw new GatewayError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  };

  const http = await startEmulatorServer({
    name: 'aliyun-emulator',
    port: opts.port,
    faults,
    state: () => ({ firmware: [...world.firmware.values()], jobs: [...world.jobs.values()], tasks: [...world.tasks.values()] }),
    async serve(ex) {
      if (ex.rawPath === '/oss' || ex.rawPath.startsWith('/oss/')) return serveOss(ex);
      ex.service = 'iot';
      const body = await ex.body();
      const v = verifyRpc({ method: ex.method, url: ex.req.url ?? '/', headers: ex.req.headers, body, secretOf: (id) => opts.accessKeys[id] });
      if (!v.ok) throw new GatewayError(v.code === 'InvalidAccessKeyId.NotFound' ? 404 : 400, v.code, v.message);
      const action = String(ex.req.headers['x-acs-action'] ?? '');
      ex.action = action;
      if (ex.req.headers['x-acs-version'] !== IOT_API_VERSION) throw new GatewayError(400, 'InvalidVersion', `Specified parameter Version is not valid (${IOT_API_VERSION}).`);
      const run = actions[action];
      if (!run) throw new GatewayError(404, 'InvalidAction.NotFound', `Specified api is not found, please check your url and method: ${action}.`);
      if (await ex.fault()) return;
      if (opts.iotInstanceId && v.query.IotInstanceId !== opts.iotInstanceId) {
        throw new AliyunFault('iot.system.InstanceNotFound', v.query.IotInstanceId ? `The instance ${v.query.IotInstanceId} does not exist.` : 'The instance ID is required for this instance (IotInstanceId).');
      }
      sendJson(ex, 200, { RequestId: ex.requestId, Success: true, ...(run(v.query) as object) });
    },
    sendError(ex, e) {
      if (e instanceof AliyunFault) return sendJson(ex, e.status, { RequestId: ex.requestId, Success: false, Code: e.code, ErrorMessage: e.message });
      if (e instanceof ProblemError) {
        const paged = e.problems.some((p) => p.field === 'CurrentPage' || p.field === 'PageSize');
        return sendJson(ex, 200, { RequestId: ex.requestId, Success: false, Code: paged ? 'iot.common.InvalidPageParams' : 'iot.common.InvalidFormattedParameter', ErrorMessage: e.problems.map(describeProblem).join('; ') });
      }
      if (e instanceof GatewayError) return sendJson(ex, e.status, { RequestId: ex.requestId, HostId: '127.0.0.1', Code: e.code, Message: e.message });
      console.error('[aliyun-emulator]', e);
      sendJson(ex, 500, { RequestId: ex.requestId, Code: 'InternalError', Message: 'The request processing has failed due to some unknown error.' });
    },
    faultError: (kind) => (kind === 'throttle' ? new GatewayError(400, 'Throttling.User', 'Request was denied due to user flow control.') : new GatewayError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.')),
  });
  base = http.url;

  // --- devices over MQTT ---
  const byClient = new Map<string, { pk: string; dn: string }>();
  const broker = await startBroker({
    authenticate(clientId, username, password) {
      const r = checkAlinkLogin({ clientId, username, password }, (pk, dn) => world.device(pk, dn)?.secret);
      if (!r.ok) return r.reason;
      byClient.set(clientId, { pk: r.productKey, dn: r.deviceName });
      return undefined;
    },
    authorizePublish: (clientId, topic) => own(clientId, topic),
    authorizeSubscribe: (clientId, filter) => own(clientId, filter),
    onPublish(clientId, topic, payload) {
      const d = byClient.get(clientId);
      if (!d) return;
      const t = deviceTopics(d.pk, d.dn);
      let msg: { id?: string; params?: { version?: string; step?: string; desc?: string } };
      try {
        msg = JSON.parse(payload.toString());
      } catch {
        return;
      }
      if (topic === t.inform && msg.params?.version) world.onVersion(d.pk, d.dn, msg.params.version);
      else if (topic === t.progress && msg.params?.step !== undefined) world.onProgress(d.pk, d.dn, msg.params.step, msg.params.desc);
      else if (topic === t.firmwareGet) void broker.publish(t.firmwareGetReply, { id: msg.id, code: 200, data: world.pendingPush(d.pk, d.dn) ?? {} });
    },
  });
  /** A device may only use its own /ota/device/…/{pk}/{dn} and /sys/{pk}/{dn}/… topics. */
  const own = (clientId: string, topic: string) => {
    const d = byClient.get(clientId);
    if (!d) return false;
    return Object.values(deviceTopics(d.pk, d.dn)).includes(topic);
  };
  world.on('push', (pk: string, dn: string, push: object) => void broker.publish(deviceTopics(pk, dn).upgrade, push));
  const ticker = setInterval(() => world.tick(), Math.max(50, Math.min(1000, Math.floor(world.minuteMs / 4))));

  return {
    url: http.url,
    mqttUrl: broker.url,
    world,
    faults,
    http,
    broker,
    objectFile: (key) => objects.get(key),
    async close() {
      clearInterval(ticker);
      await broker.close();
      await http.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
