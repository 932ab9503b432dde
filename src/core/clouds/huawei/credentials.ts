// Where a Huawei profile's AK/SK comes from: SecretStorage (the SecretSource the editor passes to
// createProvider), or, when the profile says credentials: "env", the variables the official SDKs
// read (HUAWEICLOUD_SDK_AK / _SK / _SECURITY_TOKEN). A temporary AK/SK needs its security token.
// No secret ever reaches a message.

import { CloudError } from '../../errors';
import type { HuaweiProfile } from '../../profiles';
import type { SecretSource } from '../provider';
import type { AkSk } from './sign';

export const ENV = { ak: 'HUAWEICLOUD_SDK_AK', sk: 'HUAWEICLOUD_SDK_SK', token: 'HUAWEICLOUD_SDK_SECURITY_TOKEN' } as const;

const KEYS_HINT = 'Use "Edit Profile Keys" to enter the Access Key and Secret Key (IAM → My Credentials → Access Keys).';

/** The AK/SK to sign with, read once per provider (a changed key takes a reload of the profile). */
export async function resolveCredentials(profile: Pick<HuaweiProfile, 'name' | 'credentials'>, secrets: SecretSource, env: NodeJS.ProcessEnv = process.env): Promise<AkSk & { source: 'env' | 'secrets' }> {
  if (profile.credentials === 'env') {
    const accessKey = env[ENV.ak]?.trim();
    const secretKey = env[ENV.sk]?.trim();
    const securityToken = env[ENV.token]?.trim() || undefined;
    if (!accessKey || !secretKey) {
      const missing = [!accessKey && ENV.ak, !secretKey && ENV.sk].filter(Boolean).join(' and ');
      throw new CloudError(`Huawei profile "${profile.name}" reads its keys from the environment, but ${missing} is not set.`, 'credentials', `Set ${ENV.ak} and ${ENV.sk} (and ${ENV.token} for a temporary key) before starting the editor, or set the profile's credentials to "secrets".`);
    }
    return { accessKey, secretKey, securityToken, source: 'env' };
  }
  const [accessKey, secretKey, securityToken] = await Promise.all([secrets('accessKey'), secrets('secretKey'), secrets('securityToken')]);
  if (!accessKey?.trim() || !secretKey?.trim()) {
    throw new CloudError(`Huawei profile "${profile.name}" has no ${!accessKey?.trim() ? 'Access Key (AK)' : 'Secret Key (SK)'} stored.`, 'credentials', KEYS_HINT);
  }
  return { accessKey: accessKey.trim(), secretKey: secretKey.trim(), securityToken: securityToken?.trim() || undefined, source: 'secrets' };
}

/** What to fix when IoTDA or OBS refuses the keys, for the source they came from. */
export function keysHint(source: 'env' | 'secrets', expired = false): string {
  if (source === 'env') return expired ? `The security token in ${ENV.token} has expired: get a new temporary AK/SK and token, set the variables, then reload.` : `Check ${ENV.ak} / ${ENV.sk} (and ${ENV.token} for a temporary key), then reload.`;
  return expired ? 'The temporary key\'s security token has expired: use "Edit Profile Keys" to enter a new AK/SK and token.' : KEYS_HINT.replace('to enter', 'to check');
}
