// Entry of the lazily loaded `dist/clouds/aliyun.js` bundle (the only place Alibaba client code and
// @alicloud/credentials are loaded). The AccessKey comes from SecretStorage (credentials "secrets")
// or Alibaba's own credential chain ("chain"); it is never stored anywhere else.

import { CloudError } from '../../errors';
import type { CloudModule, SecretSource } from '../provider';
import { callTimeoutFromSeconds } from '../kit/call';
import { descriptorOf } from '../registry';
import { AliyunOtaClient } from './client';
import type { AliyunProfileConfig } from './context';
import { credentialSource } from './credentials';
import { AliyunProvider } from './provider';

export { AliyunProvider } from './provider';
export type { AliyunProfileConfig, AliyunProfileExtras } from './context';

export async function createProvider(profile: Parameters<CloudModule['createProvider']>[0], secrets: SecretSource = async () => undefined): Promise<AliyunProvider> {
  if (profile.kind !== 'aliyun') throw new CloudError(`Profile kind ${profile.kind} is not Alibaba Cloud.`, 'config');
  const p = profile as AliyunProfileConfig;
  const credentials =
    p.credentials === 'chain'
      ? credentialSource({ mode: 'chain', profileName: p.aliyunProfile })
      : credentialSource({ mode: 'secrets', accessKeyId: await secrets('accessKeyId'), accessKeySecret: await secrets('accessKeySecret') });
  const client = new AliyunOtaClient({
    endpoint: p.endpoint || descriptorOf('aliyun').regions.endpoint(p.region),
    credentials,
    iotInstanceId: p.iotInstanceId || undefined,
    timeoutMs: callTimeoutFromSeconds(p.callTimeoutSeconds),
  });
  return new AliyunProvider(p, client);
}

const aliyunModule: CloudModule = { createProvider };
export default aliyunModule;
