// The SDK clients a profile needs, built once per provider: IoT (restJson1), S3 (path-style when
// the endpoint is overridden, as emulators and private endpoints need) and Signer. Credentials
// come from the AWS SDK's own chain: a named profile (keys, SSO, credential_process, assume
// role) via fromIni, or the default node chain; re-resolved after a failure so that "Retry"
// after `aws sso login` works without reloading.

import { IoTClient } from '@aws-sdk/client-iot';
import { S3Client } from '@aws-sdk/client-s3';
import { SignerClient } from '@aws-sdk/client-signer';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AwsProfile } from '../../profiles';
import { callTimeoutFromSeconds } from '../kit/call';

export interface AwsClients {
  iot: IoTClient;
  s3: S3Client;
  signer: SignerClient;
  destroy(): void;
}

/** Profile keys beyond the shared ones that the AWS provider reads (they ride along in settings). */
export interface AwsProfileExtras {
  /** S3 endpoint when it differs from `endpoint` (e.g. a private S3 interface endpoint). */
  s3Endpoint?: string;
  signerEndpoint?: string;
  /** Key prefix for uploaded images (default "ota-bench/"). */
  keyPrefix?: string;
  /** Path/name of the code-signing certificate on the device (job document `certfile`). */
  certfile?: string;
  /** 'job' (CreateJob, default) or 'ota-update' (CreateOTAUpdate) for verify jobs. */
  verifyVia?: 'job' | 'ota-update';
  /** Deadline of one call in seconds (1–600; default 30): raise it for slow links, lower it to fail fast. */
  callTimeoutSeconds?: number;
}

export type AwsProfileConfig = AwsProfile & AwsProfileExtras;

export interface ClientOptions {
  /** Overrides the chain (tests pass the emulator's keys). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts?: number;
  /**
   * Deadline of one call, retries included (default 30 s): the kit aborts the call then. Each
   * IoT/Signer request also throws at this age (smithy only warns unless throwOnRequestTimeout);
   * an S3 request, whose upload may rightly take longer, fails after this long without a byte.
   */
  callTimeoutMs?: number;
}

/** A credential provider that starts from scratch after a failure (so a fixed config is picked up). */
export function credentialChain(awsProfile?: string): AwsCredentialIdentityProvider {
  let current: AwsCredentialIdentityProvider | undefined;
  return async (props) => {
    current ??= awsProfile ? fromIni({ profile: awsProfile, ignoreCache: true }) : fromNodeProviderChain();
    try {
      return await current(props);
    } catch (e) {
      current = undefined;
      throw e;
    }
  };
}

/** One call's deadline: the provider option, else the profile's callTimeoutSeconds (1–600 s), else 30 s. */
export function callTimeoutOf(profile: AwsProfileConfig, opts: ClientOptions = {}): number {
  return opts.callTimeoutMs ?? callTimeoutFromSeconds(profile.callTimeoutSeconds);
}

export function createClients(profile: AwsProfileConfig, opts: ClientOptions = {}): AwsClients {
  const timeout = callTimeoutOf(profile, opts);
  const connectionTimeout = Math.min(5000, timeout);
  const common = {
    region: profile.region,
    credentials: opts.credentials ?? credentialChain(profile.awsProfile),
    maxAttempts: opts.maxAttempts ?? 3,
    requestHandler: { connectionTimeout, requestTimeout: timeout, throwOnRequestTimeout: true },
  };
  const iot = new IoTClient({ ...common, endpoint: profile.endpoint });
  const s3Endpoint = profile.s3Endpoint ?? profile.endpoint;
  const s3 = new S3Client({ ...common, requestHandler: { connectionTimeout, socketTimeout: timeout }, endpoint: s3Endpoint, forcePathStyle: !!s3Endpoint });
  const signer = new SignerClient({ ...common, endpoint: profile.signerEndpoint ?? profile.endpoint });
  return {
    iot,
    s3,
    signer,
    destroy() {
      iot.destroy();
      s3.destroy();
      signer.destroy();
    },
  };
}
