// Credentials come from the AWS SDK's own chain (shared config/credentials files, credential_process,
// SSO), never from settings; failures become CloudError('credentials') with the command to run.
import { strict as assert } from 'assert';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CloudError } from '../../src/core/model';
import { createProvider } from '../../src/core/clouds/aws';
import { startAwsEmulator, type AwsEmulator } from '../bench/aws-emulator';

describe('aws: credentials from the SDK chain', function () {
  this.timeout(30_000);
  let aws: AwsEmulator;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  const ENV = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'HOME', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_EC2_METADATA_DISABLED'];

  before(async () => {
    aws = await startAwsEmulator();
    dir = mkdtempSync(join(tmpdir(), 'otab-aws-creds-'));
    for (const k of ENV) saved[k] = process.env[k];
    for (const k of ENV) delete process.env[k];
    process.env.HOME = dir;
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    const c = aws.credentials;
    const x = aws.expiredCredentials;
    writeFileSync(
      join(dir, 'credentials'),
      `[emu]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n\n[stale]\naws_access_key_id = ${x.accessKeyId}\naws_secret_access_key = ${x.secretAccessKey}\naws_session_token = ${x.sessionToken}\n`,
    );
    const json = JSON.stringify({ Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey });
    writeFileSync(
      join(dir, 'config'),
      [
        '[profile proc]',
        `credential_process = ${process.execPath} -e "process.stdout.write(process.argv[1])" ${JSON.stringify(json)}`,
        '',
        '[profile broken-proc]',
        `credential_process = ${process.execPath} -e "process.exit(3)"`,
        '',
        '[profile sso-dev]',
        'sso_session = corp',
        'sso_account_id = 123456789012',
        'sso_role_name = Developer',
        '',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        'sso_registration_scopes = sso:account:access',
        '',
      ].join('\n'),
    );
  });

  after(async () => {
    for (const k of ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await aws.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const provider = (awsProfile: string) => createProvider({ ...aws.profile(), awsProfile });
  const credentialsError = (hint: RegExp) => (e: unknown) => {
    assert.ok(e instanceof CloudError, String(e));
    assert.equal(e.code, 'credentials', e.message);
    assert.match(e.hint ?? '', hint);
    assert.doesNotMatch(`${e.message} ${e.hint}`, new RegExp(aws.credentials.secretAccessKey.replace(/\//g, '\\/')));
    return true;
  };

  it('uses a named profile from the shared credentials file', async () => {
    const p = await provider('emu');
    const page = await p.listJobs();
    assert.ok(Array.isArray(page.items));
    p.dispose();
  });

  it('uses credential_process', async () => {
    const p = await provider('proc');
    await p.listPackages();
    p.dispose();
  });

  it('a missing profile says to open ~/.aws/config; adding it and retrying works without a reload', async () => {
    const p = await provider('late');
    await assert.rejects(p.listJobs(), credentialsError(/~\/\.aws\/config.*\[profile late\]/));
    writeFileSync(join(dir, 'credentials'), `\n[late]\naws_access_key_id = ${aws.credentials.accessKeyId}\naws_secret_access_key = ${aws.credentials.secretAccessKey}\n`, { flag: 'a' });
    await p.listJobs();
    p.dispose();
  });

  it('expired credentials and an expired SSO session say to log in again', async () => {
    const stale = await provider('stale');
    await assert.rejects(stale.listJobs(), credentialsError(/aws sso login --profile stale/));
    stale.dispose();
    const sso = await provider('sso-dev');
    await assert.rejects(sso.listJobs(), credentialsError(/aws sso login --profile sso-dev/));
    sso.dispose();
  });

  it('a failing credential_process is a credentials error that points at the profile', async () => {
    const p = await provider('broken-proc');
    await assert.rejects(p.listJobs(), credentialsError(/broken-proc/));
    p.dispose();
  });
});
