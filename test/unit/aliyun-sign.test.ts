// Our ACS3-HMAC-SHA256 signer and RPC client against the official `@alicloud/openapi-client` /
// `@alicloud/openapi-util` (the oracle), and the verifier the Alibaba emulator uses.
import assert from 'assert';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import * as $Util from '@alicloud/tea-util';
import { EMPTY_SHA256, acsEncode, flattenParams, parseAuthorization, signRpc, verifyRpc } from '../../src/core/clouds/aliyun/sign';
import { RpcClient, isAliyunApiError } from '../../src/core/clouds/aliyun/rpc';

const AK = 'LTAI5tBenchTestKey0001';
const SK = 'bench-secret-0001-not-real';
const DATE = new Date('2026-11-30T09:30:00Z');
const NONCE = '3f1e0c5a9b7d4e21a0c6b8d2e4f61a3c';

const oracle = (r: ReturnType<typeof signRpc>, secret = SK, id = AK) => {
  const headers = { ...r.headers };
  delete headers.authorization;
  return OpenApiUtil.getAuthorization({ pathname: '/', method: 'POST', query: r.query, headers } as never, 'ACS3-HMAC-SHA256', EMPTY_SHA256, id, secret);
};

const CASES: { name: string; params: Record<string, unknown>; token?: string }[] = [
  { name: 'plain fields', params: { FirmwareId: 'fw-1', IotInstanceId: 'iot-cn-abc', CurrentPage: 1, PageSize: 100 } },
  { name: 'arrays and tag objects', params: { FirmwareId: 'fw-1', ProductKey: 'a1Bench', TargetDeviceName: ['dev-1', 'dev-2', 'dev-3'], Tag: [{ Key: 'otabench.ref', Value: 'rel-123' }, { Key: 'b', Value: 'x y' }], NeedPush: true, TimeoutInMinutes: 10 } },
  { name: 'unicode', params: { FirmwareDesc: '固件 v1.2 – Größe ✓', FirmwareName: 'ota-bench-1.2' } },
  { name: "the !'()* quirk", params: { FirmwareDesc: "fix (crash)! it's *done*", DestVersion: '1.0.0', Udi: "a~b_c.d-e!'()*" } },
  { name: 'an STS token', params: { JobId: 'job-9' }, token: 'CAIS+token/with=chars==' },
];

describe('aliyun sign: ACS3-HMAC-SHA256 like the official signer', () => {
  it('flattens parameters exactly like OpenApiUtil.query (arrays Name.1..N, Tag.1.Key)', () => {
    for (const c of CASES) assert.deepStrictEqual(flattenParams(c.params), OpenApiUtil.query(c.params), c.name);
    assert.deepStrictEqual(flattenParams({ A: undefined, B: null, C: [] }), {});
  });

  it("encodes values like the signer: encodeURIComponent plus !'()*", () => {
    assert.strictEqual(acsEncode("a b!'()*~"), 'a%20b%21%27%28%29%2A~');
  });

  for (const c of CASES) {
    it(`same Authorization as OpenApiUtil.getAuthorization: ${c.name}`, () => {
      const r = signRpc({ action: 'CreateOTAVerifyJob', host: 'iot.cn-shanghai.aliyuncs.com', params: c.params, credentials: { accessKeyId: AK, accessKeySecret: SK, securityToken: c.token }, date: DATE, nonce: NONCE });
      assert.strictEqual(r.headers.authorization, oracle(r));
      assert.strictEqual(r.headers['x-acs-date'], '2026-11-30T09:30:00Z');
      if (c.token) {
        assert.strictEqual(r.headers['x-acs-security-token'], c.token);
        assert.ok(parseAuthorization(r.headers.authorization)!.signedHeaders.includes('x-acs-security-token'));
      }
    });
  }

  it('a tampered parameter, secret or key id gives a different signature (the oracle agrees)', () => {
    const base = { action: 'QueryOTAJob', host: 'h', params: { JobId: 'j1' }, credentials: { accessKeyId: AK, accessKeySecret: SK }, date: DATE, nonce: NONCE };
    const sig = signRpc(base).headers.authorization;
    const tampered = signRpc({ ...base, params: { JobId: 'j2' } });
    assert.notStrictEqual(tampered.headers.authorization, sig);
    const otherSecret = signRpc({ ...base, credentials: { accessKeyId: AK, accessKeySecret: SK + 'x' } });
    assert.notStrictEqual(otherSecret.headers.authorization, sig);
    assert.strictEqual(otherSecret.headers.authorization, oracle(otherSecret, SK + 'x'));
    assert.notStrictEqual(oracle(signRpc(base), SK + 'x'), sig);
  });
});

describe('aliyun sign: verifier (for the emulator)', () => {
  const secretOf = (id: string) => (id === AK ? SK : undefined);
  const signed = (params: Record<string, unknown> = { FirmwareDesc: "a (b)!*'", TargetDeviceName: ['d1', 'd2'] }) =>
    signRpc({ action: 'CreateOTAVerifyJob', host: '127.0.0.1:8080', params, credentials: { accessKeyId: AK, accessKeySecret: SK }, date: DATE, nonce: NONCE });

  it('accepts our request, and the same request with !()* left raw in the URL', () => {
    const r = signed();
    const ok = verifyRpc({ method: 'POST', url: r.path, headers: r.headers, secretOf });
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.strictEqual(ok.query.FirmwareDesc, "a (b)!*'");
    const raw = r.path.replace(/%21/g, '!').replace(/%28/g, '(').replace(/%29/g, ')').replace(/%2A/g, '*').replace(/%27/g, "'");
    assert.notStrictEqual(raw, r.path);
    assert.ok(verifyRpc({ method: 'POST', url: raw, headers: r.headers, secretOf }).ok);
  });

  it('rejects a tampered query, a wrong secret, an unknown key, a missing signed header and a body mismatch', () => {
    const r = signed();
    const code = (v: ReturnType<typeof verifyRpc>) => (v.ok ? 'ok' : v.code);
    assert.strictEqual(code(verifyRpc({ method: 'POST', url: r.path.replace('d2', 'd3'), headers: r.headers, secretOf })), 'SignatureDoesNotMatch');
    assert.strictEqual(code(verifyRpc({ method: 'POST', url: r.path, headers: r.headers, secretOf: () => SK + 'x' })), 'SignatureDoesNotMatch');
    assert.strictEqual(code(verifyRpc({ method: 'POST', url: r.path, headers: { ...r.headers, 'x-acs-action': 'DeleteOTAFirmware' }, secretOf })), 'SignatureDoesNotMatch');
    assert.strictEqual(code(verifyRpc({ method: 'POST', url: r.path, headers: r.headers, secretOf: () => undefined })), 'InvalidAccessKeyId.NotFound');
    const noDate = { ...r.headers };
    delete noDate['x-acs-date'];
    assert.strictEqual(code(verifyRpc({ method: 'POST', url: r.path, headers: noDate, secretOf })), 'IncompleteSignature');
    assert.strictEqual(code(verifyRpc({ method: 'POST', url: r.path, headers: { ...r.headers, authorization: 'Bearer x' }, secretOf })), 'IncompleteSignature');
    assert.strictEqual(code(verifyRpc({ method: 'POST', url: r.path, headers: r.headers, body: 'x', secretOf })), 'ContentSha256Mismatch');
  });
});

/** A loopback server that records each request and answers with `reply`. */
async function recorder(reply: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      reply(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { seen, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('aliyun rpc: on the wire, against the official client', () => {
  it("the official client's request passes verifyRpc (x-acs-credentials-provider signed, !()* raw in the URL)", async () => {
    const srv = await recorder(json(200, { RequestId: 'r1', Success: true }));
    try {
      const client = new OpenApi(new $OpenApi.Config({ accessKeyId: AK, accessKeySecret: SK, securityToken: 'sts-tok', endpoint: `127.0.0.1:${srv.port}`, protocol: 'http' }));
      const params = new $OpenApi.Params({ action: 'CreateOTAVerifyJob', version: '2018-01-20', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
      const query = OpenApiUtil.query({ FirmwareId: 'fw (1)!*', TargetDeviceName: ['d1', 'd2'], Tag: [{ Key: 'ref', Value: 'ü' }] });
      await client.callApi(params, new $OpenApi.OpenApiRequest({ query }), new $Util.RuntimeOptions({}));
      const req = srv.seen[0];
      assert.ok(req.url.includes('(1)!*'), `raw quirk in ${req.url}`);
      assert.ok(parseAuthorization(req.headers.authorization as string)!.signedHeaders.includes('x-acs-credentials-provider'));
      const v = verifyRpc({ method: req.method, url: req.url, headers: req.headers, body: req.body, secretOf: (id) => (id === AK ? SK : undefined) });
      assert.ok(v.ok, JSON.stringify(v));
      assert.strictEqual(v.securityToken, 'sts-tok');
      assert.strictEqual(v.query['TargetDeviceName.2'], 'd2');
      const bad = verifyRpc({ method: req.method, url: req.url, headers: req.headers, body: req.body, secretOf: () => 'wrong' });
      assert.ok(!bad.ok);
    } finally {
      await srv.close();
    }
  });

  it("our client's request, as received, has the Authorization the official signer computes", async () => {
    const srv = await recorder(json(200, { RequestId: 'r2', Success: true, Data: { JobId: 'j1' } }));
    try {
      const rpc = new RpcClient({ endpoint: `http://127.0.0.1:${srv.port}`, credentials: async () => ({ accessKeyId: AK, accessKeySecret: SK }) });
      const out = await rpc.call<{ RequestId?: string; Data?: { JobId: string } }>('CreateOTAVerifyJob', { FirmwareId: "x (y)!*'", TargetDeviceName: ['d1'], Tag: [{ Key: 'k', Value: '✓' }] });
      assert.strictEqual(out.Data?.JobId, 'j1');
      const req = srv.seen[0];
      assert.strictEqual(req.method, 'POST');
      assert.strictEqual(req.body, '');
      const q = req.url.slice(2);
      const query = Object.fromEntries(q.split('&').map((p) => p.split('=').map(decodeURIComponent)));
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'authorization')) as Record<string, string>;
      const expected = OpenApiUtil.getAuthorization({ pathname: '/', method: 'POST', query, headers } as never, 'ACS3-HMAC-SHA256', EMPTY_SHA256, AK, SK);
      assert.strictEqual(req.headers.authorization, expected);
      assert.strictEqual(req.headers['x-acs-action'], 'CreateOTAVerifyJob');
      assert.strictEqual(req.headers['x-acs-version'], '2018-01-20');
    } finally {
      await srv.close();
    }
  });
});

describe('aliyun rpc: errors', () => {
  const call = async (reply: (req: IncomingMessage, res: ServerResponse) => void, opts: { timeoutMs?: number; signal?: AbortSignal } = {}) => {
    const srv = await recorder(reply);
    try {
      const rpc = new RpcClient({ endpoint: `http://127.0.0.1:${srv.port}`, credentials: async () => ({ accessKeyId: AK, accessKeySecret: SK }) });
      return await rpc.call('QueryOTAFirmware', { FirmwareId: 'fw-1' }, opts).then(
        (v) => ({ ok: v }),
        (e: unknown) => ({ err: e }),
      );
    } finally {
      await srv.close();
    }
  };

  it('HTTP 200 with Success:false → Code, ErrorMessage and RequestId', async () => {
    const r = await call(json(200, { RequestId: 'REQ-7', Success: false, Code: 'iot.ota.FirmwareNotExist', ErrorMessage: 'The firmware does not exist.' }));
    assert.ok('err' in r && isAliyunApiError(r.err));
    assert.strictEqual(r.err.code, 'iot.ota.FirmwareNotExist');
    assert.strictEqual(r.err.requestId, 'REQ-7');
    assert.strictEqual(r.err.httpStatus, 200);
    assert.match(r.err.message, /QueryOTAFirmware failed: iot\.ota\.FirmwareNotExist: The firmware does not exist\. \(RequestId REQ-7\)/);
  });

  it('HTTP 200 with Success:true resolves (the success path)', async () => {
    const r = await call(json(200, { RequestId: 'ok', Success: true, FirmwareInfo: { Status: 1 } }));
    assert.ok('ok' in r);
    assert.deepStrictEqual((r.ok as { FirmwareInfo?: unknown }).FirmwareInfo, { Status: 1 });
  });

  it('4xx/5xx JSON {Code, Message, RequestId} → the same shape with the HTTP status', async () => {
    const r = await call(json(403, { RequestId: 'R4', Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' }));
    assert.ok('err' in r && isAliyunApiError(r.err));
    assert.strictEqual(r.err.code, 'SignatureDoesNotMatch');
    assert.strictEqual(r.err.httpStatus, 403);
    assert.strictEqual(r.err.requestId, 'R4');
    const t = await call(json(503, { Code: 'ServiceUnavailable', Message: 'busy', RequestId: 'R5' }));
    assert.ok('err' in t && isAliyunApiError(t.err) && t.err.httpStatus === 503 && t.err.code === 'ServiceUnavailable');
  });

  it('a body that is not JSON → InvalidResponse naming the endpoint', async () => {
    const r = await call((_q, res) => res.end('<html>gateway</html>'));
    assert.ok('err' in r && isAliyunApiError(r.err));
    assert.strictEqual(r.err.code, 'InvalidResponse');
    assert.match(r.err.message, /not JSON .*<html>gateway/);
  });

  it('an endpoint that never answers → Timeout; an abort → Aborted', async () => {
    const t0 = Date.now();
    const r = await call(() => undefined, { timeoutMs: 300 });
    assert.ok('err' in r && isAliyunApiError(r.err) && r.err.code === 'Timeout', JSON.stringify(r));
    assert.ok(Date.now() - t0 < 3000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const a = await call(() => undefined, { signal: ac.signal });
    assert.ok('err' in a && isAliyunApiError(a.err) && a.err.code === 'Aborted');
  });
});
