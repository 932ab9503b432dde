// The emulator's IoTDA HTTP API, called by the OFFICIAL client (@huaweicloud/huaweicloud-sdk-core's
// HcClient, both signatures): signed requests are served, tampered or foreign ones refused, fields
// validated from the reference, lists paged with limit/marker/offset, errors in IoTDA's shape.
import assert from 'assert';
import { request } from 'http';
import { Faults, type RequestRecord } from '../bench/kit';
import { IotdaModel } from '../bench/huawei-emulator/iotda';
import { startIotdaServer } from '../bench/huawei-emulator/server';
import type { EmulatorServer } from '../bench/kit';
import { sign, SDK_HMAC_SHA256 } from '../../src/core/clouds/huawei/sign';

/* eslint-disable @typescript-eslint/no-require-imports */
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');
const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');
/* eslint-enable @typescript-eslint/no-require-imports */

const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const REGION = 'cn-north-4';
const AK = 'HPUAEMULATOR00000001';
const SK = 'emulator-secret-key-000000000000000001';
const TEMP = { ak: 'HSTAEMULATORTEMP0001', sk: 'emulator-temp-secret-0000000000000002', token: 'temp-token-1' };
const OLD = { ak: 'HSTAEMULATOREXPIRED1', sk: 'emulator-old-secret-00000000000000003', token: 'old-token' };
const SHA = 'ab'.repeat(32);

type Hc = { sendRequest(o: object): Promise<Record<string, unknown>>; httpClient: { _logger: unknown } };

describe('Huawei emulator: IoTDA HTTP API with the official client', function () {
  this.timeout(20_000);
  let server: EmulatorServer;
  let model: IotdaModel;
  const faults = new Faults();
  const log: RequestRecord[] = [];

  before(async () => {
    model = new IotdaModel({ sendDown: () => undefined, packageUrl: () => 'http://127.0.0.1:9/x', objectSize: () => 100 });
    model.addDevice({ device_id: 'prod1_dev-1', product_id: 'prod1', app_id: 'app1', secret: 's' });
    server = await startIotdaServer({
      model, faults, log, projectId: PROJECT, region: REGION, appId: 'app1',
      keys: new Map([
        [AK, { secretKey: SK }],
        [TEMP.ak, { secretKey: TEMP.sk, securityToken: TEMP.token, expiresAt: new Date(Date.now() + 3_600_000) }],
        [OLD.ak, { secretKey: OLD.sk, securityToken: OLD.token, expiresAt: new Date(Date.now() - 1000) }],
      ]),
    });
  });
  after(async () => {
    model.close();
    await server.close();
  });
  afterEach(() => faults.clear());

  function client(opts: { derived?: boolean; ak?: string; sk?: string; token?: string; project?: string } = {}): Hc {
    const cred = new BasicCredentials().withAk(opts.ak ?? AK).withSk(opts.sk ?? SK).withProjectId(opts.project ?? PROJECT);
    if (opts.token) cred.withSecurityToken(opts.token);
    cred.withRegionId(REGION);
    cred.withDerivedPredicate(() => !!opts.derived);
    const hc = new ClientBuilder((c: unknown) => c).withCredential(cred).withEndpoint(server.url).withDerivedAuthServiceName('iotdm').withOptions({ customUserAgent: 'ota-bench-test' }).build();
    // The SDK prints every failed request, headers included (§6.1); the failures here are meant.
    hc.httpClient._logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
    return hc;
  }
  const call = (hc: Hc, method: string, url: string, extra: { query?: object; data?: unknown; params?: object } = {}) =>
    hc.sendRequest({ method, url: `/v5/iot/{project_id}${url}`, pathParams: extra.params ?? {}, queryParams: extra.query ?? {}, headers: {}, data: extra.data, contentType: 'application/json' });
  const pkgBody = (version: string) => ({ package_type: 'firmwarePackage', product_id: 'prod1', version, file_location: { obs_location: { region_name: REGION, bucket_name: 'fw-bucket', object_key: `fw/${version}.bin`, sign: SHA } } });
  /** The SDK's exception: httpStatusCode, errorCode, errorMsg, requestId. */
  const rejects = async (p: Promise<unknown>, status: number, code: string, msg?: RegExp) => {
    const e = (await p.then(() => assert.fail('expected an error'), (x: unknown) => x)) as { httpStatusCode: number; errorCode: string; errorMsg: string; requestId?: string };
    assert.strictEqual(e.httpStatusCode, status, JSON.stringify(e));
    assert.strictEqual(e.errorCode, code);
    if (msg) assert.match(e.errorMsg, msg);
    assert.match(String(e.requestId), /^[0-9a-f-]{36}$/);
  };

  for (const derived of [false, true]) {
    it(`serves the official client (${derived ? 'V11' : 'SDK'}-HMAC-SHA256): create, show, list with paging, task, stop`, async () => {
      const hc = client({ derived });
      const suffix = derived ? 'v' : 's';
      const created = await call(hc, 'POST', '/ota-upgrades/packages', { data: pkgBody(`1.0.0-${suffix}`) });
      assert.strictEqual(created.httpStatusCode, 201);
      assert.match(String(created.package_id), /^[0-9a-f]{24}$/);
      const shown = await call(hc, 'GET', '/ota-upgrades/packages/{id}', { params: { id: created.package_id } });
      assert.deepStrictEqual((shown.file_location as { obs_location: { sign: string } }).obs_location.sign, SHA);
      for (let i = 1; i <= 4; i++) await call(hc, 'POST', '/ota-upgrades/packages', { data: pkgBody(`1.0.${i}-${suffix}`) });
      const seen: string[] = [];
      let marker: string | undefined;
      for (;;) {
        const pg = await call(hc, 'GET', '/ota-upgrades/packages', { query: { package_type: 'firmwarePackage', limit: 2, ...(marker ? { marker } : {}) } });
        const items = pg.packages as { package_id: string; file_location?: unknown }[];
        assert.ok(items.every((p) => p.file_location === undefined), 'list items carry no file_location');
        if (!items.length) break;
        seen.push(...items.map((p) => p.package_id));
        marker = (pg.page as { marker: string }).marker;
      }
      assert.strictEqual(new Set(seen).size, seen.length, 'no duplicates');
      assert.strictEqual(seen.length, model.listPackages({ package_type: 'firmwarePackage' }).length, 'no gaps');
      const withOffset = await call(hc, 'GET', '/ota-upgrades/packages', { query: { package_type: 'firmwarePackage', limit: 1, offset: 2 } });
      assert.strictEqual((withOffset.packages as { package_id: string }[])[0].package_id, seen[2]);

      const task = await call(hc, 'POST', '/batchtasks', { data: { task_name: `otabench_${suffix}`, task_type: 'firmwareUpgrade', targets: ['prod1_dev-1'], document: { package_ids: [created.package_id] } } });
      assert.strictEqual(task.httpStatusCode, 201);
      const show = await call(hc, 'GET', '/batchtasks/{id}', { params: { id: task.task_id } });
      assert.strictEqual((show.batchtask as { task_name: string }).task_name, `otabench_${suffix}`);
      assert.deepStrictEqual((show.task_details as { target: string; status: string }[]).map((d) => [d.target, d.status]), [['prod1_dev-1', 'Waitting']]);
      const listed = await call(hc, 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade', status: 'Waitting' } });
      assert.ok((listed.batchtasks as { task_id: string }[]).some((t) => t.task_id === task.task_id));
      const stopped = await call(hc, 'POST', '/batchtasks/{id}/stop', { params: { id: task.task_id }, data: {} });
      assert.deepStrictEqual(stopped.targets, [{ target: 'prod1_dev-1', status: 'Success' }]);
    });
  }

  it('temporary keys work with their token; an expired token, a wrong secret or a tampered request are refused (401)', async () => {
    const ok = await call(client({ ak: TEMP.ak, sk: TEMP.sk, token: TEMP.token }), 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } });
    assert.strictEqual(ok.httpStatusCode, 200);
    await rejects(call(client({ ak: OLD.ak, sk: OLD.sk, token: OLD.token }), 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } }), 401, 'APIGW.0307', /expired/);
    await rejects(call(client({ sk: `${SK}x` }), 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } }), 401, 'APIGW.0301', /signature/);
    await rejects(call(client({ ak: 'HPUAUNKNOWN000000000' }), 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } }), 401, 'APIGW.0301', /does not exist/);
    // Signed for one body, sent with another.
    const path = `/v5/iot/${PROJECT}/ota-upgrades/packages`;
    const signed = sign({ method: 'POST', url: `${server.url}${path}`, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(pkgBody('9.9.9')) }, { accessKey: AK, secretKey: SK }, { algorithm: SDK_HMAC_SHA256, projectId: PROJECT });
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { method: 'POST', headers: signed.headers }, (r) => {
        let b = '';
        r.on('data', (d) => (b += d));
        r.on('end', () => resolve({ status: r.statusCode!, body: b }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(pkgBody('9.9.8')));
    });
    assert.strictEqual(res.status, 401);
    assert.strictEqual(JSON.parse(res.body).error_code, 'APIGW.0301');
    assert.ok(!model.listPackages({ package_type: 'firmwarePackage' }).some((p) => p.version.startsWith('9.9.')));
  });

  it('a project that is not the account\'s is refused with a message naming the project id', async () => {
    await rejects(call(client({ project: 'f'.repeat(32) }), 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } }), 403, 'IOTDA.000002', /project f{32} does not belong/);
  });

  it('validates fields and paging from the reference', async () => {
    const hc = client();
    await rejects(call(hc, 'POST', '/ota-upgrades/packages', { data: { ...pkgBody('1 0'), description: 'x'.repeat(1025) } }), 400, 'IOTDA.000006', /version must match.*description length must be at most 1024/);
    await rejects(call(hc, 'POST', '/ota-upgrades/packages', { data: { ...pkgBody('2.0.0'), support_source_versions: Array.from({ length: 21 }, (_, i) => `1.${i}`) } }), 400, 'IOTDA.000006', /support_source_versions length must be at most 20/);
    const bad = pkgBody('2.0.1');
    bad.file_location.obs_location.object_key = 'fw/2.0.1.elf';
    await rejects(call(hc, 'POST', '/ota-upgrades/packages', { data: bad }), 400, 'IOTDA.000006', /object_key must match/);
    await rejects(call(hc, 'POST', '/batchtasks', { data: { task_name: 'bad-name', task_type: 'firmwareUpgrade', targets: ['prod1_dev-1'], document: {} } }), 400, 'IOTDA.000006', /task_name must match/);
    await rejects(call(hc, 'POST', '/batchtasks', { data: { task_name: 'ok', task_type: 'firmwareUpgrade', targets: ['prod1_dev-1'], task_policy: { retry_count: 2 }, document: {} } }), 400, 'IOTDA.000006', /retry_interval is required/);
    await rejects(call(hc, 'GET', '/ota-upgrades/packages', { query: { package_type: 'firmwarePackage', limit: 51 } }), 400, 'IOTDA.000017', /'limit' is out of range/);
    await rejects(call(hc, 'GET', '/ota-upgrades/packages', { query: { package_type: 'firmwarePackage', offset: 501 } }), 400, 'IOTDA.000006', /'offset' is out of range/);
    await rejects(call(hc, 'GET', '/ota-upgrades/packages', {}), 400, 'IOTDA.000006', /package_type is required/);
    await rejects(call(hc, 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade', status: 'Done' } }), 400, 'IOTDA.000006', /status must be one of/);
    await rejects(call(hc, 'GET', '/ota-upgrades/packages/{id}', { params: { id: '0'.repeat(24) } }), 404, 'IOTDA.014000', /does not exist/);
  });

  it('injected throttling and 5xx come in IoTDA\'s shape; a dropped connection is a network error', async () => {
    const hc = client();
    faults.throttleNext(1, { action: 'ListBatchTasks' });
    await rejects(call(hc, 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } }), 429, 'APIGW.0308', /throttling/);
    faults.failNext(1, { action: 'ListBatchTasks' });
    await rejects(call(hc, 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } }), 500, 'IOTDA.000001');
    faults.dropNext(1, { action: 'ListBatchTasks' });
    await assert.rejects(call(hc, 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } }));
    const ok = await call(hc, 'GET', '/batchtasks', { query: { task_type: 'firmwareUpgrade' } });
    assert.strictEqual(ok.httpStatusCode, 200);
    assert.ok(log.some((r) => r.action === 'ListBatchTasks' && r.fault === 'throttle'));
  });
});
