// Where an Alibaba profile's AccessKey comes from: either the credential chain Alibaba's own tools
// use (`@alicloud/credentials`, run here step by step in its default order, cloud-apis.md §6.3), or
// an AccessKey the extension keeps in SecretStorage. Nothing is stored anywhere else, and no
// secret reaches a message.
//
// We run the package's own providers (so RamRoleArn, CloudSSO, OAuth and ECS roles in an aliyun CLI
// profile behave exactly as in the CLI) and add two things it lacks: a named profile without
// touching process.env, and a clear stop when the chosen aliyun CLI profile holds an expired STS
// token (the package would sign with it and the platform would refuse every call).

import { existsSync, readFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import {
  CLIProfileCredentialsProvider,
  ECSRAMRoleCredentialsProvider,
  EnvironmentVariableCredentialsProvider,
  OIDCRoleArnCredentialsProvider,
  ProfileCredentialsProvider,
  URICredentialsProvider,
} from '@alicloud/credentials';
import { CloudError } from '../../errors';
import type { AliyunCredentials } from './sign';

export type AliyunCredentialOptions =
  /** The Alibaba credential chain; `profileName` picks the aliyun CLI / credentials-file profile (else ALIBABA_CLOUD_PROFILE, the CLI's `current`, `default`). */
  | { mode: 'chain'; profileName?: string }
  /** AccessKey id/secret read from SecretStorage by the caller. */
  | { mode: 'secrets'; accessKeyId?: string; accessKeySecret?: string };

export interface ResolvedCredentials extends AliyunCredentials {
  /** Where they came from, e.g. `env`, `cli_profile/static_sts`, `secrets` (for logs; no secret). */
  providerName: string;
}

interface Provider {
  getCredentials(): Promise<{ accessKeyId: string; accessKeySecret: string; securityToken?: string; providerName?: string }>;
  getProviderName(): string;
}

/** One step of the chain: its provider, or why it does not apply here. */
type Step = { label: string; provider?: Provider; skipped?: string };

const env = process.env;
const cliConfigPath = () => join(homedir(), '.aliyun', 'config.json');
const credentialsFilePath = () => env.ALIBABA_CLOUD_CREDENTIALS_FILE || join(homedir(), '.alibabacloud', 'credentials');

/** Provider messages can quote file contents or STS replies: keep only the part before them. */
const safe = (message: string) => message.split(/\s*(?:failed:|failed with|message =|result:|unmarshal fail)/)[0].replace(/\s+/g, ' ').replace(/[.\s]+$/, '').trim().slice(0, 160);

function step(label: string, build: () => Provider, absent?: string | false): Step {
  if (absent) return { label, skipped: absent };
  try {
    return { label, provider: build() };
  } catch (e) {
    return { label, skipped: safe((e as Error).message) };
  }
}

const isTrue = (v: string | undefined) => v?.toLowerCase() === 'true';
const noFile = (path: string) => !existsSync(path) && 'no such file';

/**
 * The steps of `DefaultCredentialsProvider`, in its order, built from the package's public
 * providers; a step that cannot apply says why in plain words instead of the provider's own text.
 */
function chainSteps(profileName: string | undefined): Step[] {
  const notSet = (...names: string[]) => names.some((n) => !env[n]) && `${names.filter((n) => !env[n]).join(', ')} not set`;
  return [
    step('environment (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / _SECURITY_TOKEN)', () => EnvironmentVariableCredentialsProvider.builder().build(), notSet('ALIBABA_CLOUD_ACCESS_KEY_ID')),
    step('OIDC role (ALIBABA_CLOUD_ROLE_ARN, _OIDC_PROVIDER_ARN, _OIDC_TOKEN_FILE)', () => OIDCRoleArnCredentialsProvider.builder().build(), notSet('ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE') && 'not configured'),
    step(`aliyun CLI profile (${cliConfigPath()})`, () => CLIProfileCredentialsProvider.builder().withProfileName(profileName as string).build(), isTrue(env.ALIBABA_CLOUD_CLI_PROFILE_DISABLED) ? 'disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED' : noFile(cliConfigPath())),
    step(`credentials file (${credentialsFilePath()})`, () => ProfileCredentialsProvider.builder().withProfileName(profileName as string).build(), noFile(credentialsFilePath())),
    step('ECS instance RAM role', () => ECSRAMRoleCredentialsProvider.builder().withRoleName(env.ALIBABA_CLOUD_ECS_METADATA as string).build(), isTrue(env.ALIBABA_CLOUD_ECS_METADATA_DISABLED) && 'disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED'),
    step('ALIBABA_CLOUD_CREDENTIALS_URI', () => URICredentialsProvider.builder().withCredentialsURI(env.ALIBABA_CLOUD_CREDENTIALS_URI as string).build(), notSet('ALIBABA_CLOUD_CREDENTIALS_URI') && 'not set'),
  ];
}

/** `sts_expiration` of the aliyun CLI: Unix seconds (ms and ISO dates accepted too). */
function expiryMs(v: unknown): number | undefined {
  if (typeof v === 'number' && v > 0) return v > 1e12 ? v : v * 1000;
  if (typeof v === 'string' && v) {
    const n = Number(v);
    if (Number.isFinite(n) && n > 0) return n > 1e12 ? n : n * 1000;
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/**
 * Throws when the aliyun CLI profile the chain would use is mode StsToken and its token expired.
 * Only consulted when the chain reaches the CLI step.
 */
export function checkCliStsExpiry(profileName: string | undefined, now = Date.now()): void {
  let conf: { current?: string; profiles?: { name?: string; mode?: string; sts_expiration?: unknown }[] };
  try {
    conf = JSON.parse(readFileSync(cliConfigPath(), 'utf8'));
  } catch {
    return; // missing or unreadable: the CLI step itself says so
  }
  const name = profileName || env.ALIBABA_CLOUD_PROFILE || conf.current;
  const p = conf.profiles?.find((x) => x.name === name);
  if (!p || p.mode !== 'StsToken') return;
  const at = expiryMs(p.sts_expiration);
  if (at !== undefined && at <= now) {
    throw new CloudError(
      `The STS token of the aliyun CLI profile "${name}" (${cliConfigPath()}) expired at ${new Date(at).toISOString()}.`,
      'credentials',
      `Get a new STS token and run \`aliyun configure --profile ${name} --mode StsToken\`, or pick another profile / AccessKey for this OTA Bench profile.`,
      'InvalidSecurityToken.Expired',
    );
  }
}

/** A function that yields credentials before every call (refreshing STS sessions as the package does). */
export function credentialSource(options: AliyunCredentialOptions, now: () => number = Date.now): () => Promise<ResolvedCredentials> {
  if (options.mode === 'secrets') {
    return async () => {
      if (!options.accessKeyId || !options.accessKeySecret) {
        throw new CloudError(
          `This Alibaba profile uses an AccessKey from the OS keychain, but its ${!options.accessKeyId ? 'AccessKey ID' : 'AccessKey secret'} is not stored.`,
          'credentials',
          'Edit the profile and enter the AccessKey ID and secret again, or switch it to the Alibaba credential chain.',
        );
      }
      return { accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret, providerName: 'secrets' };
    };
  }
  let used: Step | undefined;
  let steps: Step[] | undefined;
  return async () => {
    if (used?.provider) {
      if (used.provider.getProviderName() === 'cli_profile') checkCliStsExpiry(options.profileName, now());
      return fromProvider(used, used.provider);
    }
    steps ??= chainSteps(options.profileName);
    const tried: string[] = [];
    for (const s of steps) {
      if (!s.provider) {
        tried.push(`${s.label}: ${s.skipped}`);
        continue;
      }
      if (s.provider.getProviderName() === 'cli_profile') checkCliStsExpiry(options.profileName, now());
      try {
        const c = await fromProvider(s, s.provider);
        used = s;
        return c;
      } catch (e) {
        tried.push(`${s.label}: ${safe((e as Error).message)}`);
      }
    }
    steps = undefined; // files may appear before the next try
    throw new CloudError(
      `No Alibaba Cloud credentials found. Tried, in order: ${tried.join('; ')}.`,
      'credentials',
      'Set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, run `aliyun configure`, or store an AccessKey in this profile (OS keychain).',
    );
  };
}

async function fromProvider(s: Step, p: Provider): Promise<ResolvedCredentials> {
  const c = await p.getCredentials();
  if (!c.accessKeyId || !c.accessKeySecret) throw new Error(`${s.label} gave no AccessKey`);
  return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken || undefined, providerName: c.providerName || p.getProviderName() };
}
