// What the provider's parts share: the profile, the SDK clients, and one way to call AWS (the
// provider kit's callCloud): a deadline and the caller's cancel on every call, passed on to the SDK
// as `client.send(cmd, { abortSignal })`, and every failure a CloudError naming what was being done.

import { createHash } from 'crypto';
import { CloudError, isCloudErrorCode } from '../../model';
import { callCloud } from '../kit/call';
import { callTimeoutOf, type AwsClients, type AwsProfileConfig } from './clients';
import { toCloudError } from './errors';

export interface CallOverrides {
  /** Deadline of this call in ms (0 = none: long transfers, bounded by their socket's idle timeout). */
  timeoutMs?: number;
  /** The caller's cancel. */
  signal?: AbortSignal;
}

export interface AwsContext {
  profile: AwsProfileConfig;
  clients: AwsClients;
  /** Calls AWS: `fn` gets the signal to pass on (`client.send(cmd, { abortSignal })`). */
  call<T>(what: string, fn: (abortSignal: AbortSignal) => Promise<T>, opts?: CallOverrides): Promise<T>;
}

/** Where the calls go, for messages (the endpoint override, else the regional IoT endpoint). */
export const endpointOf = (p: AwsProfileConfig) => p.endpoint || `https://iot.${p.region}.amazonaws.com`;

export function makeContext(profile: AwsProfileConfig, clients: AwsClients, defaults: { callTimeoutMs?: number } = {}): AwsContext {
  const classify = (e: unknown, what: string) => toCloudError(e, { what, awsProfile: profile.awsProfile });
  const timeoutMs = callTimeoutOf(profile, defaults);
  return {
    profile,
    clients,
    call(what, fn, opts = {}) {
      return callCloud({ what, classify, endpoint: endpointOf(profile), timeoutMs: opts.timeoutMs ?? timeoutMs, signal: opts.signal }, fn);
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
