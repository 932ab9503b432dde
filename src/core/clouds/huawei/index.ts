// Entry of the lazily loaded `dist/clouds/huawei.js` bundle (the IoTDA client and the S3 client
// for OBS load only here, never at activation).

import { CloudError } from '../../errors';
import type { CloudModule, CloudProvider, SecretSource } from '../provider';
import type { CloudProfile } from '../../profiles';
import { resolveCredentials } from './credentials';
import { HuaweiProvider, type HuaweiProfileConfig, type HuaweiProviderOptions } from './provider';

export { HuaweiProvider, type HuaweiProfileConfig, type HuaweiProviderOptions } from './provider';

/** Creates the provider; the AK/SK comes from `secrets` (SecretStorage) or, with credentials "env", the environment. */
export async function createProvider(profile: CloudProfile, secrets: SecretSource = async () => undefined, opts?: HuaweiProviderOptions): Promise<CloudProvider & HuaweiProvider> {
  if (profile.kind !== 'huawei') throw new CloudError(`Profile kind ${profile.kind} is not Huawei Cloud.`, 'config');
  const creds = await resolveCredentials(profile, secrets);
  return new HuaweiProvider(profile as HuaweiProfileConfig, creds, opts);
}

const huaweiModule: CloudModule = { createProvider };
export default huaweiModule;
