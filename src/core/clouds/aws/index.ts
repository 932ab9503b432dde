// Entry of the lazily loaded `dist/clouds/aws.js` bundle (the only place the AWS SDK is loaded).

import type { CloudModule } from '../provider';
import { AwsProvider, assertAws, type AwsProviderOptions } from './provider';

export { AwsProvider, type AwsProviderOptions } from './provider';
export type { AwsProfileConfig, AwsProfileExtras } from './clients';
export { validateRollout, buildFleetJob, buildFleetOtaUpdate, type RolloutConfig, type FieldError, type FleetRolloutInput } from './rollout';
export { afrOtaDocument, verifyJobId, type AwsVerifyRequest } from './verify';
export type { AwsWatchOptions } from './watch';

/** Creates the provider; AWS credentials come from the SDK chain, never from `secrets`. */
export async function createProvider(profile: Parameters<CloudModule['createProvider']>[0], _secrets?: Parameters<CloudModule['createProvider']>[1], opts?: AwsProviderOptions): Promise<AwsProvider> {
  assertAws(profile);
  return new AwsProvider(profile, opts);
}

const awsModule: CloudModule = { createProvider };
export default awsModule;
