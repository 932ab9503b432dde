// What the provider's parts share: the profile, the SDK clients, and one way to call AWS that turns
// every failure into a CloudError naming what was being done.

import { createHash } from 'crypto';
import { CloudError, isCloudErrorCode } from '../../model';
import type { AwsClients, AwsProfileConfig } from './clients';
import { toCloudError } from './errors';

export interface AwsContext {
  profile: AwsProfileConfig;
  clients: AwsClients;
  call<T>(what: string, fn: () => Promise<T>): Promise<T>;
}

export function makeContext(profile: AwsProfileConfig, clients: AwsClients): AwsContext {
  return {
    profile,
    clients,
    async call(what, fn) {
      try {
        return await fn();
      } catch (e) {
        throw toCloudError(e, { what, awsProfile: profile.awsProfile });
      }
    },
  };
}

/** A stable idempotency token (AWS clientToken: 36–64 printable characters) from the inputs. */
export function clientToken(...parts: string[]): string {
  return `otab-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}

export function requireSetting<T>(value: T | undefined, what: string, hint: string): T {
  if (value === undefined || value === '') throw new CloudError(`The AWS profile has no ${what}.`, 'config', hint);
  return value;
}

export const isNotFound = (e: unknown) => isCloudErrorCode(e, 'not-found');
