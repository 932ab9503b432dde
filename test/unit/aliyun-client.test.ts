// The typed OTA client on a loopback server that checks every signature: IotInstanceId added,
// the documented QPS per action kept, throttling retried then given up, deadline and cancel as
// CloudErrors, Success:false with Code and RequestId.
import assert from 'assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { AliyunOtaClient } from '../../src/core/clouds/aliyun/client';
import { verifyRpc } from '../../src/core/clouds/aliyun/sign';
import { isCloudError } from '../../src/core/errors';

const AK = 'LTAIclientTest';
const SK = 'client-test-secret';

type Seen = { at: number; action: string; query: Record<string, string> };
let server: Server;
let endpoint: string;
const seen: Seen[] = [];
let reply: (s: Seen, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const client = (extra: Partial<ConstructorParameters<typeof AliyunOtaClient>[0]> = {}) =>
  new AliyunOtaClient({ endpoint, credentials: async () => ({ accessKeyId: AK, accessKeySecret: SK }), ...extra });

const failure = (p: Promise<unknown>) => p.then(() => assert.fail('expected a failure'), (e: unknown) => e);

describe('aliyun OTA client', function () {
  this.timeout(20_000);

  before(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const v = verifyRpc({ method: req.method!, url: req.url!, headers: req.headers, secretOf: (id) => (id === AK ? SK : undefined) });
      if (!v.ok) return json(res, 400, { Code: v.code, Message: v.message, RequestId: 'R-sig' });
      const s = { at: Date.now(), action: String(req.headers['x-acs-action']), query: v.query };
      seen.push(s);
      reply(s, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen.length = 0;
    reply = (_s, res) => json(res, 200, { RequestId: 'R-ok', Success: true, Data: { JobId: 'job-1' } });
  });

  it('signs, flattens arrays and tags, and adds the profile IotInstanceId', async () => {
    const out = await client({ iotInstanceId: 'iot-cn-abc' }).call('CreateOTAVerifyJob', { FirmwareId: 'fw-1', ProductKey: 'pk', TargetDeviceName: ['d1', 'd2'], TimeoutInMinutes: 10, Tag: [{ Key: 'otabench.ref', Value: 'r-1' }] }, { what: 'Starting the verify job' });
    assert.strictEqual(out.Data?.JobId, 'job-1');
    assert.deepStrictEqual(seen[0].query, { FirmwareId: 'fw-1', ProductKey: 'pk', 'TargetDeviceName.1': 'd1', 'TargetDeviceName.2': 'd2', TimeoutInMinutes: '10', 'Tag.1.Key': 'otabench.ref', 'Tag.1.Value': 'r-1', IotInstanceId: 'iot-cn-abc' });
  });

  it('without an IotInstanceId none is sent', async () => {
    await client().call('QueryOTAJob', { JobId: 'j' }, { what: 'Reading job j' });
    assert.ok(!('IotInstanceId' in seen[0].query));
  });

  it('keeps CancelOTATaskByJob at 5 calls in any second', async () => {
    reply = (_s, res) => json(res, 200, { RequestId: 'R', Success: true });
    const c = client();
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.call('CancelOTATaskByJob', { JobId: `j${i}`, CancelQueuedTask: true }, { what: 'Cancelling' })));
    const times = seen.map((s) => s.at).sort((a, b) => a - b);
    for (let i = 5; i < times.length; i++) assert.ok(times[i] - times[i - 5] >= 950, `6 calls within ${times[i] - times[i - 5]} ms`);
  });

  it('throttling is retried after a pause, then succeeds', async () => {
    let n = 0;
    reply = (_s, res) => (++n <= 2 ? json(res, 400, { Code: 'Throttling.User', Message: 'Request was denied due to user flow control.', RequestId: `R-t${n}` }) : json(res, 200, { RequestId: 'R-ok', Success: true, FirmwareInfo: { Status: 1 } }));
    const t0 = Date.now();
    const out = await client().call('QueryOTAFirmware', { FirmwareId: 'fw' }, { what: 'Reading firmware fw' });
    assert.strictEqual(out.FirmwareInfo?.Status, 1);
    assert.strictEqual(seen.length, 3);
    assert.ok(Date.now() - t0 >= 1400, 'paused 0.5 s + 1 s');
  });

  it('throttling that does not stop: a throttled CloudError after the retries', async () => {
    reply = (_s, res) => json(res, 400, { Code: 'Throttling', Message: 'slow down', RequestId: 'R-t' });
    const e = await failure(client({ throttleRetries: 1 }).call('ListOTAFirmware', { CurrentPage: 1, PageSize: 100 }, { what: 'Listing firmware' }));
    assert.ok(isCloudError(e) && e.code === 'throttled', String(e));
    assert.strictEqual(seen.length, 2);
    assert.match(e.message, /^Listing firmware: Throttling: slow down \(RequestId R-t\)/);
  });

  it('Success:false → invalid with Code and RequestId; a wrong secret → credentials', async () => {
    reply = (_s, res) => json(res, 200, { RequestId: 'R-7', Success: false, Code: 'iot.ota.VerifyJobIsProcessing', ErrorMessage: 'A verify job is in progress.' });
    const e = await failure(client().call('CreateOTAVerifyJob', { FirmwareId: 'f', ProductKey: 'p', TargetDeviceName: ['d'], TimeoutInMinutes: 5 }, { what: 'Starting the verify job' }));
    assert.ok(isCloudError(e) && e.code === 'invalid' && e.cloudCode === 'iot.ota.VerifyJobIsProcessing');
    assert.match(e.message, /A verify job is in progress\. \(RequestId R-7\)/);
    const bad = await failure(new AliyunOtaClient({ endpoint, credentials: async () => ({ accessKeyId: AK, accessKeySecret: 'nope' }) }).call('QueryOTAJob', { JobId: 'j' }, { what: 'Reading job j' }));
    assert.ok(isCloudError(bad) && bad.code === 'credentials', String(bad));
  });

  it('a server that never answers: unavailable at the deadline; a cancel: canceled', async () => {
    reply = () => undefined;
    const t0 = Date.now();
    const e = await failure(client().call('QueryOTAJob', { JobId: 'j' }, { what: 'Reading job j', timeoutMs: 400 }));
    assert.ok(isCloudError(e) && e.code === 'unavailable', String(e));
    assert.match(e.message, /did not answer within 0\.4 s/);
    assert.ok(Date.now() - t0 < 3000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const c = await failure(client().call('QueryOTAJob', { JobId: 'j' }, { what: 'Reading job j', signal: ac.signal }));
    assert.ok(isCloudError(c) && c.code === 'canceled');
  });
});
