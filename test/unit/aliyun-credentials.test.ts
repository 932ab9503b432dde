// The Alibaba credential chain on a temporary HOME and environment (the developer's real keys are
// never read: HOME is replaced, every ALIBABA_CLOUD_* variable cleared, ECS metadata disabled),
// with `@alicloud/credentials`' own DefaultCredentialsProvider as the oracle for the order.
import assert from 'assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { createServer } from 'http';
import type { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { DefaultCredentialsProvider } from '@alicloud/credentials';
import { credentialSource } from '../../src/core/clouds/aliyun/credentials';
import { RpcClient } from '../../src/core/clouds/aliyun/rpc';
import { isCloudError } from '../../src/core/errors';

const saved = { ...process.env };
let home: string;

function resetEnv(): void {
  for (const k of Object.keys(process.env)) if (k.startsWith('ALIBABA_CLOUD_') || k.startsWith('ALICLOUD_')) delete process.env[k];
  process.env.HOME = home;
  process.env.USERPROFILE = home;
  process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
}

const cliConfig = (conf: unknown) => {
  mkdirSync(join(home, '.aliyun'), { recursive: true });
  writeFileSync(join(home, '.aliyun', 'config.json'), typeof conf === 'string' ? conf : JSON.stringify(conf));
};
const credentialsFile = (text: string, path = join(home, '.alibabacloud', 'credentials')) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

const oracle = async () => {
  const c = await DefaultCredentialsProvider.builder().build().getCredentials();
  return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken || undefined };
};
const ours = async (profileName?: string) => {
  const c = await credentialSource({ mode: 'chain', profileName })();
  return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken, providerName: c.providerName };
};
const failure = async (p: Promise<unknown>) => p.then(() => assert.fail('expected a failure'), (e: unknown) => e);

describe('aliyun credentials: the chain (temp HOME, no real keys)', () => {
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'otab-ali-home-'));
    resetEnv();
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(home, { recursive: true, force: true });
  });

  it('environment variables first, STS token included; the same as DefaultCredentialsProvider', async () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'env-id';
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'env-secret';
    process.env.ALIBABA_CLOUD_SECURITY_TOKEN = 'env-token';
    cliConfig({ current: 'default', profiles: [{ name: 'default', mode: 'AK', access_key_id: 'cli-id', access_key_secret: 'cli-secret' }] });
    const c = await ours();
    assert.deepStrictEqual({ ...c, providerName: undefined }, { ...(await oracle()), providerName: undefined });
    assert.strictEqual(c.accessKeyId, 'env-id');
    assert.strictEqual(c.securityToken, 'env-token');
    assert.strictEqual(c.providerName, 'env');
  });

  it("then the aliyun CLI's current profile, then ALIBABA_CLOUD_PROFILE, then the profile's own name", async () => {
    cliConfig({
      current: 'dev',
      profiles: [
        { name: 'dev', mode: 'AK', access_key_id: 'dev-id', access_key_secret: 'dev-secret' },
        { name: 'prod', mode: 'AK', access_key_id: 'prod-id', access_key_secret: 'prod-secret' },
        { name: 'sts', mode: 'StsToken', access_key_id: 'sts-id', access_key_secret: 'sts-secret', sts_token: 'sts-tok', sts_expiration: Math.floor(Date.now() / 1000) + 3600 },
      ],
    });
    credentialsFile('[default]\ntype = access_key\naccess_key_id = file-id\naccess_key_secret = file-secret\n');
    assert.deepStrictEqual((await ours()).accessKeyId, (await oracle()).accessKeyId);
    assert.strictEqual((await ours()).accessKeyId, 'dev-id');
    process.env.ALIBABA_CLOUD_PROFILE = 'prod';
    assert.strictEqual((await ours()).accessKeyId, (await oracle()).accessKeyId);
    assert.strictEqual((await ours()).accessKeyId, 'prod-id');
    const sts = await ours('sts');
    assert.strictEqual(sts.securityToken, 'sts-tok');
    assert.strictEqual(sts.providerName, 'cli_profile/static_sts');
  });

  it('then the credentials file (default path, or ALIBABA_CLOUD_CREDENTIALS_FILE) when the CLI step is off', async () => {
    cliConfig({ current: 'dev', profiles: [{ name: 'dev', mode: 'AK', access_key_id: 'dev-id', access_key_secret: 'dev-secret' }] });
    credentialsFile('[default]\ntype = access_key\naccess_key_id = file-id\naccess_key_secret = file-secret\n[other]\ntype = access_key\naccess_key_id = other-id\naccess_key_secret = other-secret\n');
    process.env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED = 'true';
    assert.strictEqual((await ours()).accessKeyId, 'file-id');
    assert.strictEqual((await oracle()).accessKeyId, 'file-id');
    assert.strictEqual((await ours('other')).accessKeyId, 'other-id');
    const alt = join(home, 'elsewhere', 'creds.ini');
    credentialsFile('[default]\ntype = access_key\naccess_key_id = alt-id\naccess_key_secret = alt-secret\n', alt);
    process.env.ALIBABA_CLOUD_CREDENTIALS_FILE = alt;
    assert.strictEqual((await ours()).accessKeyId, 'alt-id');
    assert.strictEqual((await oracle()).accessKeyId, 'alt-id');
  });

  it('an expired STS token in the CLI profile: a clear error naming what to refresh, before any call', async () => {
    const expired = Math.floor(Date.now() / 1000) - 60;
    cliConfig({ current: 'tmp', profiles: [{ name: 'tmp', mode: 'StsToken', access_key_id: 'sts-id', access_key_secret: 'sts-secret-XYZ', sts_token: 'sts-tok-XYZ', sts_expiration: expired }] });
    let requests = 0;
    const server = createServer((_q, res) => {
      requests++;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const rpc = new RpcClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: credentialSource({ mode: 'chain' }) });
      const e = await failure(rpc.call('ListOTAFirmware', { CurrentPage: 1, PageSize: 10 }));
      assert.ok(isCloudError(e), String(e));
      assert.strictEqual(e.code, 'credentials');
      assert.match(e.message, /STS token of the aliyun CLI profile "tmp" .* expired at /);
      assert.match(e.hint ?? '', /aliyun configure --profile tmp --mode StsToken/);
      assert.ok(!e.message.includes('XYZ') && !(e.hint ?? '').includes('XYZ'));
      assert.strictEqual(requests, 0);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('nothing configured: one message listing where it looked, without file contents or secrets', async () => {
    cliConfig('{"current": "x", "profiles": [ {"access_key_secret": "LEAKED-SECRET" '); // broken JSON
    const e = await failure(ours());
    assert.ok(isCloudError(e));
    assert.strictEqual(e.code, 'credentials');
    assert.match(e.message, /No Alibaba Cloud credentials found/);
    assert.match(e.message, /environment/);
    assert.match(e.message, /\.aliyun[/\\]config\.json/);
    assert.match(e.message, /\.alibabacloud[/\\]credentials/);
    assert.ok(!e.message.includes('LEAKED-SECRET'), e.message);
    assert.match(e.hint ?? '', /aliyun configure/);
  });
});

describe('aliyun credentials: an AccessKey from SecretStorage', () => {
  it('returns the stored key pair', async () => {
    const c = await credentialSource({ mode: 'secrets', accessKeyId: 'id-1', accessKeySecret: 'sec-1' })();
    assert.deepStrictEqual(c, { accessKeyId: 'id-1', accessKeySecret: 'sec-1', providerName: 'secrets' });
  });

  it('a missing secret: says which half is missing and what to do', async () => {
    const e = await failure(credentialSource({ mode: 'secrets', accessKeyId: 'id-1' })());
    assert.ok(isCloudError(e) && e.code === 'credentials');
    assert.match(e.message, /AccessKey secret is not stored/);
    assert.match(e.hint ?? '', /Edit the profile/);
  });
});
