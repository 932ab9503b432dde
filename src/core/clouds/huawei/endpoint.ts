// Where IoTDA and OBS live, and which AK/SK signature an endpoint takes (cloud-apis.md §2.1, §2.2,
// §2.4, §6.1). Pure and light: the descriptor and the wizard may use it at activation.

import { SDK_HMAC_SHA256, V11_HMAC_SHA256, type SignAlgorithm } from './sign';

/** The regional (basic-edition) IoTDA endpoint. */
export function iotdaEndpoint(region: string, override?: string): string {
  const given = override?.trim();
  if (given) return given.replace(/\/+$/, '');
  return `https://iotda.${region}.myhuaweicloud.com`;
}

/**
 * The official SDK's test for a public regional host (BaseCredentials.DEFAULT_ENDPOINT_REG):
 * such hosts take the plain signature, every other host (instance endpoints
 * `<id>.iotda-app.<region>.myhuaweicloud.com`, custom hosts) the derived one.
 */
export const PUBLIC_REGIONAL_HOST = /^[a-z][a-z0-9-]+(\.[a-z]{2,}-[a-z]+-\d{1,2})?\.(my)?(huaweicloud|myhwclouds)\.(com|cn)$/;

/** An instance (standard/enterprise) application-side host, as the console shows under Access info. */
export const INSTANCE_HOST = /(^|\.)iotda-app\./;

export type SigningChoice = 'auto' | 'plain' | 'derived';

/**
 * The signature for an endpoint: an explicit choice wins; an instance host or an instance id
 * means a standard/enterprise instance (derived V11); a public regional host the plain one; any
 * other host (custom, loopback) the derived one, as the official SDK's default predicate decides.
 */
export function signingFor(endpoint: string, opts: { instanceId?: string; choice?: SigningChoice } = {}): SignAlgorithm {
  if (opts.choice === 'plain') return SDK_HMAC_SHA256;
  if (opts.choice === 'derived') return V11_HMAC_SHA256;
  const host = new URL(endpoint).hostname;
  if (INSTANCE_HOST.test(host) || opts.instanceId) return V11_HMAC_SHA256;
  return PUBLIC_REGIONAL_HOST.test(host) ? SDK_HMAC_SHA256 : V11_HMAC_SHA256;
}

/** The OBS endpoint of a region (esdk-obs-nodejs `server`). */
export function obsEndpoint(region: string, override?: string): string {
  const given = override?.trim();
  if (given) return given.replace(/\/+$/, '');
  return `https://obs.${region}.myhuaweicloud.com`;
}

/** The object's virtual-hosted URL: https://<bucket>.obs.<region>.myhuaweicloud.com/<key>. */
export function obsObjectUrl(bucket: string, region: string, key: string): string {
  return `https://${bucket}.obs.${region}.myhuaweicloud.com/${key.split('/').map(encodeURIComponent).join('/')}`;
}
