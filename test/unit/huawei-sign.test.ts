// The IoTDA AK/SK signer against the official one (@huaweicloud/huaweicloud-sdk-core, a
// devDependency used as the oracle), and the verifier against requests the official client sends.
import assert from 'assert';
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';
import {
  buildQuery,
  canonicalUri,
  derivedKey,
  parseAuthorization,
  sdkDate,
  sign,
  SDK_HMAC_SHA256,
  V11_HMAC_SHA256,
  verify,
  type KnownKey,
  type SignAlgorithm,
  type VerifyRequest,
} from '../../src/core/clouds/huawei/sign';

/* eslint-disable @typescript-eslint/no-require-imports */
const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner');
const { DerivedAKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/DerivedAKSKSigner');
const { HKDF } = require('@huaweicloud/huaweicloud-sdk-core/auth/HKDF');
const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core');
const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');
/* eslint-enable @typescript-eslint/no-require-imports */

const AK = 'HPUAEXAMPLEAK0000001';
const SK = 'SkExampleSecretKey0123456789abcdefghijklmn';
const TOKEN = 'gQpjbi1ub3J0aC00RXhhbXBsZVNlY3VyaXR5VG9rZW4=';
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const INSTANCE = '2b2f6a1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const REGION = 'cn-north-4';
const HOST = '127.0.0.1:18443';
const DATE = '20261130T093000Z';

type Params = Record<string, string | string[]>;
interface Case {
  name: string;
  method: string;
  /** The path as the caller means it (not yet percent-encoded). */
  path: string;
  query?: Params;
  data?: unknown;
  token?: boolean;
}

const CASES: Case[] = [
  { name: 'GET list with query', method: 'GET', path: `/v5/iot/${PROJECT}/ota-upgrades/packages`, query: { package_type: 'firmwarePackage', limit: '10', marker: 'ffffffffffffffffffffffff', offset: '0' } },
  { name: 'repeated keys and reserved characters', method: 'GET', path: `/v5/iot/${PROJECT}/batchtasks`, query: { task_type: 'firmwareUpgrade', tag: ['zeta', 'alpha', 'Mid'], 'a key': "x y+z!*'()~", z: '' } },
  { name: 'unicode path and query', method: 'GET', path: `/v5/iot/${PROJECT}/ota-upgrades/packages/固件-ü-😀`, query: { version: 'версия-1.0', app_id: '资源空间' } },
  { name: 'empty body POST', method: 'POST', path: `/v5/iot/${PROJECT}/batchtasks/6183b8a8d0e2f40296d1d7ad/stop` },
  { name: 'DELETE', method: 'DELETE', path: `/v5/iot/${PROJECT}/ota-upgrades/packages/61b1c9eab6ab3c6c2cb0cb0b` },
  {
    name: 'JSON body',
    method: 'POST',
    path: `/v5/iot/${PROJECT}/ota-upgrades/packages`,
    data: { app_id: 'app', package_type: 'firmwarePackage', product_id: 'p1', version: '1.2.3', description: 'ünïcode "quoted" \n line', file_location: { obs_location: { region_name: REGION, bucket_name: 'fw-bucket', object_key: 'fw/1.2.3.bin', sign: 'a'.repeat(64) } } },
  },
  { name: 'security token', method: 'POST', path: `/v5/iot/${PROJECT}/batchtasks`, data: { task_type: 'firmwareUpgrade', targets: ['dev-1'], document: { package_ids: ['x'] } }, token: true },
  { name: 'trailing slash path', method: 'GET', path: `/v5/iot/${PROJECT}/`, query: { limit: '1' } },
];

/** The path as a client sends it (percent-encoded UTF-8), from the caller's path. */
const wirePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

function baseHeaders(token: boolean): Record<string, string> {
  return { 'Content-Type': 'application/json', 'X-Project-Id': PROJECT, 'Instance-Id': INSTANCE, ...(token ? { 'X-Security-Token': TOKEN } : {}) };
}

function oracleAuthorization(c: Case, algorithm: SignAlgorithm): string {
  const cred = new BasicCredentials().withAk(AK).withSk(SK);
  cred.processDerivedAuthParams('iotdm', REGION);
  const request = {
    method: c.method,
    endpoint: `http://${HOST}${c.path}`,
    headers: { ...baseHeaders(!!c.token), 'X-Sdk-Date': DATE },
    queryParams: c.query ? structuredClone(c.query) : undefined,
    data: c.data,
  };
  const signer = algorithm === SDK_HMAC_SHA256 ? AKSKSigner : DerivedAKSKSigner;
  return signer.sign(request, cred).Authorization;
}

function ourSigned(c: Case, algorithm: SignAlgorithm, creds = { accessKey: AK, secretKey: SK }) {
  const q = c.query ? buildQuery(c.query) : '';
  return sign(
    { method: c.method, url: `http://${HOST}${wirePath(c.path)}${q ? `?${q}` : ''}`, headers: { 'Content-Type': 'application/json' }, body: c.data === undefined ? undefined : JSON.stringify(c.data) },
    { ...creds, securityToken: c.token ? TOKEN : undefined },
    { algorithm, region: REGION, date: new Date(Date.UTC(2026, 10, 30, 9, 30, 0)), projectId: PROJECT, instanceId: INSTANCE },
  );
}

/** What a server would receive from our signed request. */
function received(c: Case, signed: ReturnType<typeof ourSigned>): VerifyRequest {
  const url = new URL(`http://${HOST}${wirePath(c.path)}${c.query ? `?${buildQuery(c.query)}` : ''}`);
  const headers: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  return { method: c.method, target: url.pathname + url.search, headers, body: c.data === undefined ? undefined : JSON.stringify(c.data) };
}

const keys = new Map<string, KnownKey>([[AK, { secretKey: SK }]]);
const tempKeys = new Map<string, KnownKey>([[AK, { secretKey: SK, securityToken: TOKEN, expiresAt: new Date(Date.UTC(2026, 10, 30, 10, 30)) }]]);
const NOW = new Date(Date.UTC(2026, 10, 30, 9, 31, 0));

describe('Huawei AK/SK signer', () => {
  for (const algorithm of [SDK_HMAC_SHA256, V11_HMAC_SHA256] as const) {
    describe(algorithm, () => {
      for (const c of CASES) {
        it(`gives the official signer's Authorization: ${c.name}`, () => {
          const ours = ourSigned(c, algorithm);
          const oracle = oracleAuthorization(c, algorithm);
          assert.strictEqual(ours.authorization, oracle);
          assert.strictEqual(ours.headers.Authorization, oracle);
          assert.strictEqual(ours.headers['X-Sdk-Date'], DATE);
        });
        it(`verifies its own request, and refuses it tampered: ${c.name}`, () => {
          const signed = ourSigned(c, algorithm);
          const req = received(c, signed);
          const lookup = (ak: string) => (c.token ? tempKeys : keys).get(ak);
          assert.deepStrictEqual(verify(req, { lookup, now: NOW, region: REGION, service: 'iotdm' }).ok, true);
          const tampered: VerifyRequest[] = [
            { ...req, body: c.data === undefined ? '{}' : JSON.stringify(c.data) + ' ' },
            { ...req, headers: { ...req.headers, 'x-project-id': 'f'.repeat(32) } },
            { ...req, method: c.method === 'GET' ? 'DELETE' : 'GET' },
            { ...req, target: req.target.includes('?') ? `${req.target}&extra=1` : `${req.target}?extra=1` },
            { ...req, target: req.target.replace('/v5/', '/v4/') },
          ];
          for (const t of tampered) {
            const r = verify(t, { lookup, now: NOW });
            assert.strictEqual(r.ok, false);
            assert.strictEqual(!r.ok && r.reason, 'signature');
          }
          const wrongSecret = received(c, ourSigned(c, algorithm, { accessKey: AK, secretKey: `${SK}x` }));
          const r = verify(wrongSecret, { lookup, now: NOW });
          assert.strictEqual(!r.ok && r.reason, 'signature');
        });
      }
    });
  }

  it('derives the V11 key as the official HKDF does (hex string of 32 bytes)', () => {
    const info = `20261130/${REGION}/iotdm`;
    assert.strictEqual(derivedKey(AK, SK, info), HKDF.getDerKeySHA256(AK, SK, info));
    assert.match(derivedKey(AK, SK, info), /^[0-9a-f]{64}$/);
    assert.notStrictEqual(derivedKey(AK, SK, info), derivedKey(AK, SK, `20261201/${REGION}/iotdm`));
  });

  it('a different secret, header or body gives a different signature', () => {
    const c = CASES[5];
    const base = ourSigned(c, SDK_HMAC_SHA256).authorization;
    assert.notStrictEqual(ourSigned(c, SDK_HMAC_SHA256, { accessKey: AK, secretKey: `${SK}!` }).authorization, base);
    assert.notStrictEqual(ourSigned({ ...c, data: { ...(c.data as object), version: '1.2.4' } }, SDK_HMAC_SHA256).authorization, base);
    assert.notStrictEqual(ourSigned({ ...c, token: true }, SDK_HMAC_SHA256).authorization, base);
    assert.notStrictEqual(ourSigned(c, V11_HMAC_SHA256).authorization.split('Signature=')[1], base.split('Signature=')[1]);
  });

  it('formats X-Sdk-Date and the canonical URI with the trailing-slash rule', () => {
    assert.strictEqual(sdkDate(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '20260102T030405Z');
    assert.strictEqual(canonicalUri('/v5/iot/p/packages'), '/v5/iot/p/packages/');
    assert.strictEqual(canonicalUri('/v5/iot/p/'), '/v5/iot/p/');
    assert.strictEqual(canonicalUri('/a%20b/%C3%BC'), '/a%20b/%C3%BC/');
    assert.strictEqual(canonicalUri(''), '/');
  });

  it('refuses to sign without keys, or V11 without a region', () => {
    assert.throws(() => sign({ method: 'GET', url: 'http://h/' }, { accessKey: '', secretKey: SK }, { algorithm: SDK_HMAC_SHA256 }), /Access Key/);
    assert.throws(() => sign({ method: 'GET', url: 'http://h/' }, { accessKey: AK, secretKey: SK }, { algorithm: V11_HMAC_SHA256 }), /region/);
  });

  it('parses both Authorization forms and rejects others', () => {
    const a = parseAuthorization(ourSigned(CASES[0], V11_HMAC_SHA256).authorization);
    assert.deepStrictEqual(a?.scope, { date: '20261130', region: REGION, service: 'iotdm', text: `20261130/${REGION}/iotdm` });
    assert.strictEqual(parseAuthorization(ourSigned(CASES[0], SDK_HMAC_SHA256).authorization)?.accessKey, AK);
    assert.strictEqual(parseAuthorization('AWS4-HMAC-SHA256 Credential=x'), undefined);
    assert.strictEqual(parseAuthorization('SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=nothex'), undefined);
  });
});

describe('Huawei AK/SK verifier: failure paths', () => {
  const c = CASES[0];
  const req = (token = false, algorithm: SignAlgorithm = SDK_HMAC_SHA256) => received({ ...c, token }, ourSigned({ ...c, token }, algorithm));
  const reason = (r: ReturnType<typeof verify>) => (r.ok ? 'ok' : r.reason);

  it('names each problem', () => {
    const lookup = (ak: string) => keys.get(ak);
    assert.strictEqual(reason(verify({ ...req(), headers: { ...req().headers, authorization: undefined } }, { lookup, now: NOW })), 'missing');
    assert.strictEqual(reason(verify({ ...req(), headers: { ...req().headers, authorization: 'Bearer x' } }, { lookup, now: NOW })), 'malformed');
    assert.strictEqual(reason(verify(req(), { lookup: () => undefined, now: NOW })), 'unknown-key');
    assert.strictEqual(reason(verify(req(), { lookup, now: new Date(NOW.getTime() + 3_600_000) })), 'clock-skew');
    assert.strictEqual(reason(verify(req(false, V11_HMAC_SHA256), { lookup, now: NOW, region: 'ap-southeast-1' })), 'scope');
    assert.strictEqual(reason(verify(req(false, V11_HMAC_SHA256), { lookup, now: NOW, service: 'ecs' })), 'scope');
    const noHost = { ...req(), headers: { ...req().headers, host: undefined } };
    assert.strictEqual(reason(verify(noHost, { lookup, now: NOW })), 'unsigned-header');
  });

  it('temporary keys need their token, signed and unexpired', () => {
    const lookup = (ak: string) => tempKeys.get(ak);
    assert.strictEqual(reason(verify(req(true), { lookup, now: NOW })), 'ok');
    assert.strictEqual(reason(verify(req(false), { lookup, now: NOW })), 'token');
    const otherToken = { ...req(true), headers: { ...req(true).headers, 'x-security-token': 'other' } };
    assert.strictEqual(reason(verify(otherToken, { lookup, now: NOW })), 'token');
    const late = new Date(Date.UTC(2026, 10, 30, 10, 31));
    const signedLate = received({ ...c, token: true }, sign(
      { method: 'GET', url: `http://${HOST}${wirePath(c.path)}?${buildQuery(c.query!)}`, headers: { 'Content-Type': 'application/json' } },
      { accessKey: AK, secretKey: SK, securityToken: TOKEN },
      { algorithm: SDK_HMAC_SHA256, date: late, projectId: PROJECT, instanceId: INSTANCE },
    ) as never);
    assert.strictEqual(reason(verify(signedLate, { lookup, now: late })), 'token-expired');
  });

  it('refuses an unsigned payload unless allowed', () => {
    const signed = sign({ method: 'PUT', url: `http://${HOST}/v5/x`, headers: { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' } }, { accessKey: AK, secretKey: SK }, { algorithm: SDK_HMAC_SHA256, date: NOW });
    const r: VerifyRequest = { method: 'PUT', target: '/v5/x', headers: Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v])), body: 'anything' };
    const lookup = (ak: string) => keys.get(ak);
    assert.strictEqual(reason(verify(r, { lookup, now: NOW })), 'unsigned-payload');
    assert.strictEqual(reason(verify(r, { lookup, now: NOW, allowUnsignedPayload: true })), 'ok');
  });
});

describe('Huawei AK/SK verifier against the official client on the wire', () => {
  let server: Server;
  let endpoint: string;
  const seen: VerifyRequest[] = [];
  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        seen.push({ method: req.method!, target: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Request-Id': 'r-1' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  function client(derived: boolean, token?: string) {
    const cred = new BasicCredentials().withAk(AK).withSk(SK).withProjectId(PROJECT);
    if (token) cred.withSecurityToken(token);
    cred.withRegionId(REGION);
    // Arrow function: the documented `withDerivedPredicate(BasicCredentials.getDefaultDerivedPredicate)` loses `this` (§6.1).
    cred.withDerivedPredicate(() => derived);
    return new ClientBuilder((hc: unknown) => hc)
      .withCredential(cred)
      .withEndpoint(endpoint)
      .withDerivedAuthServiceName('iotdm')
      .withOptions({ customUserAgent: 'ota-bench-test' })
      .build();
  }

  for (const derived of [false, true]) {
    it(`accepts the official client's ${derived ? 'V11' : 'SDK'} requests (query arrays, unicode path, JSON, token) and refuses them tampered`, async () => {
      seen.length = 0;
      const hc = client(derived, TOKEN);
      await hc.sendRequest({ method: 'GET', url: '/v5/iot/{project_id}/ota-upgrades/packages/{id}', pathParams: { id: '固件-ü' }, queryParams: { package_type: 'firmwarePackage', tag: ['b', 'a'], q: "x y+z!*'()" }, headers: {}, contentType: 'application/json' });
      await hc.sendRequest({ method: 'POST', url: '/v5/iot/{project_id}/batchtasks', pathParams: {}, queryParams: {}, headers: { 'Instance-Id': INSTANCE }, data: { task_name: 'otabench-1', targets: ['dev-1'], document: { package_ids: ['p'] } }, contentType: 'application/json' });
      await hc.sendRequest({ method: 'POST', url: '/v5/iot/{project_id}/batchtasks/{task_id}/retry', pathParams: { task_id: 't1' }, queryParams: {}, headers: {} , contentType: 'application/json' });
      assert.strictEqual(seen.length, 3);
      const lookup = () => ({ secretKey: SK, securityToken: TOKEN });
      for (const r of seen) {
        const auth = String(r.headers.authorization);
        assert.ok(auth.startsWith(derived ? V11_HMAC_SHA256 : SDK_HMAC_SHA256), auth);
        const ok = verify(r, { lookup, region: REGION, service: 'iotdm' });
        assert.ok(ok.ok, JSON.stringify(ok));
        assert.ok(ok.ok && ok.signedHeaders.includes('x-security-token') && ok.signedHeaders.includes('x-project-id'));
        const bad = verify({ ...r, headers: { ...r.headers, 'x-project-id': 'f'.repeat(32) } }, { lookup });
        assert.strictEqual(!bad.ok && bad.reason, 'signature');
        const badBody = verify({ ...r, body: Buffer.concat([Buffer.from(r.body ?? ''), Buffer.from(' ')]) }, { lookup });
        assert.strictEqual(!badBody.ok && badBody.reason, 'signature');
        const badKey = verify(r, { lookup: () => ({ secretKey: `${SK}x`, securityToken: TOKEN }) });
        assert.strictEqual(!badKey.ok && badKey.reason, 'signature');
      }
    });
  }
});
