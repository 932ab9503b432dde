// The IoTDA v5 HTTP API over the model, on the emulator kit: every request's AK/SK signature is
// checked (SDK-HMAC-SHA256 and V11-HMAC-SHA256, the same canonicalisation as the client's signer),
// the project in the path must be the account's, fields and limits are validated from the
// reference (cloud-apis.md §2.3, §2.5, §2.6; written out here, not borrowed from the client's
// checks, so a wrong client rule shows up), lists page with limit/marker/offset, and errors come
// as IoTDA's {error_code, error_msg} with X-Request-Id.
// Error codes: IOTDA.000006/000008/000017 and APIGW.0301/0308 are documented; the 404 code
// (IOTDA.014000), the 403 project code and IOTDA.000006 for an unknown device group are this
// emulator's choice (UNVERIFIED). ConfirmBatchTask starts need_confirm subtasks.

import {
  checkEnum,
  checkList,
  checkString,
  describeProblem,
  Fields,
  isObject,
  markerPage,
  matchRoute,
  ProblemError,
  route,
  startEmulatorServer,
  type EmulatorServer,
  type Exchange,
  type Faults,
  type RequestRecord,
} from '../kit';
import { verify, type KnownKey } from '../../../src/core/clouds/huawei/sign';
import { TASK_DETAIL_STATUSES, TASK_STATUSES, type CreateBatchTask, type CreateOtaPackage, type OtaPackage } from '../../../src/core/clouds/huawei/wire';
import { IotdaError, type IotdaModel } from './iotda';

export interface IotdaServerOptions {
  model: IotdaModel;
  faults: Faults;
  log: RequestRecord[];
  projectId: string;
  region: string;
  appId: string;
  /** When set, requests must carry this Instance-Id (standard/enterprise instance). */
  instanceId?: string;
  keys: Map<string, KnownKey>;
  state?: () => unknown;
  port?: number;
}

type Handler = (p: string[], q: URLSearchParams, body: unknown) => { status?: number; body?: unknown } | undefined;

const VERSION = /^[A-Za-z0-9_.-]+$/;
const TASK_NAME = /^[\u4e00-\u9fa5A-Za-z0-9_]+$/;
const EXTENSIONS = /\.(bin|dav|tar|gz|zip|gzip|apk|tar\.gz|tar\.xz|pack|exe|bat|img)$/i;
const PACKAGE_TYPES = ['softwarePackage', 'firmwarePackage', 'modulePackage'];
const TASK_TYPES = ['firmwareUpgrade', 'softwareUpgrade', 'moduleUpgrade', 'createDevices', 'deleteDevices', 'freezeDevices', 'unfreezeDevices', 'createCommands', 'createAsyncCommands', 'createMessages', 'updateDeviceShadows', 'updateDevices', 'changeGateway'];

function validatePackage(b: unknown): CreateOtaPackage {
  if (!isObject(b)) throw new IotdaError(400, 'IOTDA.000008', 'Invalid input. The request body must be a JSON object.');
  const f = new Fields();
  f.string('app_id', b.app_id, { max: 36 }, true);
  f.enum('package_type', b.package_type, PACKAGE_TYPES);
  if (f.required('product_id', b.product_id)) f.string('product_id', b.product_id, { max: 36 });
  if (b.package_type === 'modulePackage') f.string('module_name', b.module_name, { min: 1, max: 64 });
  if (f.required('version', b.version)) f.string('version', b.version, { max: 256, pattern: VERSION });
  if (f.list('support_source_versions', b.support_source_versions, { min: 0, max: 20 }, true) && Array.isArray(b.support_source_versions)) {
    b.support_source_versions.forEach((v, i) => f.string(`support_source_versions[${i}]`, v, { max: 256, pattern: VERSION }));
  }
  f.string('description', b.description, { max: 1024 }, true);
  f.string('custom_info', b.custom_info, { max: 4096 }, true);
  const obs = isObject(b.file_location) && isObject(b.file_location.obs_location) ? b.file_location.obs_location : undefined;
  if (f.required('file_location.obs_location', obs) && obs) {
    f.string('file_location.obs_location.region_name', obs.region_name, { min: 1, max: 64 });
    f.string('file_location.obs_location.bucket_name', obs.bucket_name, { min: 3, max: 63 });
    if (f.string('file_location.obs_location.object_key', obs.object_key, { min: 1, max: 1024 })) f.string('file_location.obs_location.object_key', obs.object_key, { pattern: EXTENSIONS });
    f.string('file_location.obs_location.sign', obs.sign, { pattern: /^[0-9a-fA-F]{64}$/ }, true);
  }
  f.assert();
  return b as unknown as CreateOtaPackage;
}

function validateTask(b: unknown): CreateBatchTask {
  if (!isObject(b)) throw new IotdaError(400, 'IOTDA.000008', 'Invalid input. The request body must be a JSON object.');
  const f = new Fields();
  f.string('app_id', b.app_id, { max: 36 }, true);
  if (f.required('task_name', b.task_name)) f.string('task_name', b.task_name, { max: 128, pattern: TASK_NAME });
  f.enum('task_type', b.task_type, TASK_TYPES);
  f.list('targets', b.targets, { min: 1, max: 30_000 }, true);
  if (Array.isArray(b.targets)) b.targets.forEach((t, i) => f.string(`targets[${i}]`, t, { min: 1, max: 128 }));
  if (b.targets_filter !== undefined) {
    const groups = isObject(b.targets_filter) ? b.targets_filter.group_ids : undefined;
    // A group id: at most 36 hex characters and "-" (IoTDA's device-group API text); an account has at most 1000 groups.
    if (f.list('targets_filter.group_ids', groups, { min: 1, max: 1000 }) && Array.isArray(groups)) groups.forEach((g, i) => f.string(`targets_filter.group_ids[${i}]`, g, { min: 1, max: 36, pattern: /^[0-9a-fA-F-]+$/ }));
  }
  if (b.need_confirm !== undefined && typeof b.need_confirm !== 'boolean') f.problems.push({ field: 'need_confirm', kind: 'type', value: b.need_confirm, expected: 'boolean' });
  if (b.task_policy !== undefined) {
    const p = isObject(b.task_policy) ? b.task_policy : {};
    f.int('task_policy.retry_count', p.retry_count, { min: 0, max: 5 }, true);
    f.int('task_policy.retry_interval', p.retry_interval, { min: 1, max: 1440 }, true);
    if ((p.retry_count === undefined) !== (p.retry_interval === undefined)) f.required(p.retry_count === undefined ? 'task_policy.retry_count' : 'task_policy.retry_interval', undefined);
    f.string('task_policy.schedule_time', p.schedule_time, { pattern: /^\d{8}T\d{6}Z$/ }, true);
  }
  if (b.task_ext_info !== undefined && JSON.stringify(b.task_ext_info).length > 512) f.string('task_ext_info', JSON.stringify(b.task_ext_info), { max: 512 });
  f.assert();
  return b as unknown as CreateBatchTask;
}

const info = (p: OtaPackage) => {
  const { file_location: _omit, ...rest } = p;
  void _omit;
  return rest;
};

function routes(o: IotdaServerOptions) {
  const m = o.model;
  const page = <T>(items: T[], idOf: (t: T) => string, q: URLSearchParams) => markerPage(items, idOf, { limit: q.get('limit'), marker: q.get('marker'), offset: q.get('offset') });
  const need = (q: URLSearchParams, name: string, allowed: readonly string[]) => {
    const problem = q.get(name) === null ? { field: name, kind: 'required' as const, value: null } : checkEnum(name, q.get(name), allowed);
    if (problem) throw new ProblemError([problem]);
    return q.get(name)!;
  };
  const optionalEnum = (q: URLSearchParams, name: string, allowed: readonly string[]) => {
    const v = q.get(name) ?? undefined;
    const problem = v === undefined ? undefined : checkEnum(name, v, allowed);
    if (problem) throw new ProblemError([problem]);
    return v;
  };
  const targets = (b: unknown) => {
    const t = isObject(b) ? b.targets : undefined;
    if (t === undefined) return undefined;
    const problem = checkList('targets', t, { min: 0, max: 30_000 }) ?? (t as unknown[]).map((x, i) => checkString(`targets[${i}]`, x, { min: 1 })).find(Boolean);
    if (problem) throw new ProblemError([problem]);
    return t as string[];
  };
  const r = (method: string, pattern: string, action: string, handler: Handler) => route(method, `/v5/iot/{project}${pattern}`, action, handler);
  return [
    r('POST', '/ota-upgrades/packages', 'CreateOtaPackage', (_p, _q, b) => {
      const body = validatePackage(b);
      return { status: 201, body: m.createPackage(body, o.appId) };
    }),
    r('GET', '/ota-upgrades/packages', 'ListOtaPackageInfo', (_p, q) => {
      const type = need(q, 'package_type', PACKAGE_TYPES);
      const all = m.listPackages({ package_type: type, app_id: q.get('app_id') ?? undefined, product_id: q.get('product_id') ?? undefined, version: q.get('version') ?? undefined });
      const pg = page(all, (p) => p.package_id, q);
      return { body: { packages: pg.items.map(info), page: pg.page } };
    }),
    r('GET', '/ota-upgrades/packages/{id}', 'ShowOtaPackage', ([id]) => ({ body: m.package(id) })),
    r('DELETE', '/ota-upgrades/packages/{id}', 'DeleteOtaPackage', ([id]) => (m.deletePackage(id), { status: 204 })),
    r('POST', '/batchtasks', 'CreateBatchTask', (_p, _q, b) => ({ status: 201, body: m.createTask(validateTask(b), o.appId) })),
    r('GET', '/batchtasks', 'ListBatchTasks', (_p, q) => {
      const type = need(q, 'task_type', TASK_TYPES);
      const status = optionalEnum(q, 'status', TASK_STATUSES);
      const pg = page(m.listTasks({ task_type: type, status, app_id: q.get('app_id') ?? undefined }), (t) => t.task_id, q);
      return { body: { batchtasks: pg.items, page: pg.page } };
    }),
    r('GET', '/batchtasks/{id}', 'ShowBatchTask', ([id], q) => {
      const rec = m.task(id);
      const status = optionalEnum(q, 'task_detail_status', TASK_DETAIL_STATUSES);
      const pg = page(m.details(rec, { status, target: q.get('target') ?? undefined }), (d) => d.id, q);
      return { body: { batchtask: m.view(rec), task_details: pg.items.map(({ id: _id, ...d }) => d), page: pg.page } };
    }),
    r('POST', '/batchtasks/{id}/stop', 'StopBatchTask', ([id], _q, b) => ({ body: { targets: m.stop(id, targets(b)) } })),
    r('POST', '/batchtasks/{id}/retry', 'RetryBatchTask', ([id], _q, b) => ({ body: { targets: m.retry(id, targets(b)) } })),
    r('POST', '/batchtasks/{id}/confirm', 'ConfirmBatchTask', ([id], _q, b) => ({ body: { targets: m.confirm(id, targets(b)) } })),
    r('DELETE', '/batchtasks/{id}', 'DeleteBatchTask', ([id]) => {
      const rec = m.task(id);
      if (!['Success', 'Fail', 'PartialSuccess', 'Stopped'].includes(rec.task.status)) throw new IotdaError(400, 'IOTDA.000006', `Invalid input data. The task ${id} is ${rec.task.status}; only finished tasks can be deleted.`);
      m.tasks.delete(id);
      return { status: 204 };
    }),
  ];
}

function send(ex: Exchange, status: number, body?: unknown): void {
  ex.res.statusCode = status;
  if (body === undefined) return void ex.res.end();
  ex.res.setHeader('content-type', 'application/json;charset=UTF-8');
  ex.res.end(JSON.stringify(body));
}

function problemError(e: ProblemError): IotdaError {
  const p = e.problems[0];
  if (p.field === 'limit' || p.field === 'offset') return new IotdaError(400, p.field === 'limit' ? 'IOTDA.000017' : 'IOTDA.000006', `Invalid input. The specified parameter '${p.field}' is out of range. ${describeProblem(p)}.`);
  return new IotdaError(400, 'IOTDA.000006', `Invalid input data. ${e.problems.map(describeProblem).join('; ')}.`);
}

export function startIotdaServer(o: IotdaServerOptions): Promise<EmulatorServer> {
  const table = routes(o);
  return startEmulatorServer({
    name: 'huawei-emulator',
    port: o.port,
    faults: o.faults,
    log: o.log,
    state: o.state,
    tooLarge: (limit) => new IotdaError(413, 'IOTDA.000008', `Invalid input. The request body is larger than ${limit} bytes.`),
    faultError: (kind) =>
      kind === 'throttle'
        ? new IotdaError(429, 'APIGW.0308', 'The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute')
        : new IotdaError(500, 'IOTDA.000001', 'Internal server error. (injected)'),
    sendError(ex, e) {
      const err = e instanceof IotdaError ? e : e instanceof ProblemError ? problemError(e) : new IotdaError(500, 'IOTDA.000001', `Internal server error: ${(e as Error).message}`);
      if (!(e instanceof IotdaError) && !(e instanceof ProblemError)) console.error('[huawei-emulator]', e);
      send(ex, err.status, { error_code: err.code, error_msg: err.message });
    },
    async serve(ex) {
      ex.service = 'iotda';
      const hit = matchRoute(table, ex.method, ex.rawPath);
      if (hit) ex.action = hit.route.action;
      const raw = await ex.body();
      const auth = verify({ method: ex.method, target: ex.req.url ?? '/', headers: ex.req.headers, body: raw }, { lookup: (ak) => o.keys.get(ak), region: o.region, service: 'iotdm' });
      if (!auth.ok) {
        const code = auth.reason === 'token-expired' ? 'APIGW.0307' : 'APIGW.0301';
        throw new IotdaError(401, code, `Incorrect IAM authentication information: ${auth.message}`);
      }
      if (!hit) throw new IotdaError(404, 'APIGW.0101', `The API does not exist or has not been published in the environment: ${ex.method} ${ex.rawPath}`);
      const [project, ...params] = hit.params;
      const headerProject = ex.req.headers['x-project-id'];
      if (project !== o.projectId || (headerProject !== undefined && headerProject !== project)) {
        throw new IotdaError(403, 'IOTDA.000002', `Forbidden: project ${project} does not belong to this account; use the project id from IAM → My Credentials → Projects for ${o.region}.`);
      }
      if (o.instanceId && ex.req.headers['instance-id'] !== o.instanceId) {
        throw new IotdaError(403, 'IOTDA.000002', `Forbidden: the Instance-Id header must name this instance (${ex.req.headers['instance-id'] ?? 'none given'}).`);
      }
      let body: unknown;
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw new IotdaError(400, 'IOTDA.000008', 'Invalid input. The request body is not valid JSON.');
        }
      }
      if (await ex.fault()) return;
      const out = hit.route.handler(params, ex.query, body) ?? {};
      send(ex, out.status ?? 200, out.body);
    },
  });
}
