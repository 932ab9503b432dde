// IoTDA and network failures → CloudError with a hint naming the setting to fix. IoTDA answers
// {error_code, error_msg} with the request id in X-Request-Id (cloud-apis.md §2.7); both stay in
// the message so support can find the request. No key or token is ever quoted.

import { CloudError, isCloudError, type CloudErrorShape } from '../../errors';
import { keysHint } from './credentials';

/** What IoTDA answered with an error status. */
export class IotdaHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMsg: string,
    readonly requestId?: string,
  ) {
    super(`${errorCode}: ${errorMsg}`);
    this.name = 'IotdaHttpError';
  }
}

export interface ErrorContext {
  keysFrom: 'env' | 'secrets';
}

const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|socket hang up|other side closed|fetch failed|terminated|UND_ERR/i;

/** Removes anything that looks like an AK, a token or a signature from a cloud's text. */
export function scrub(text: string): string {
  return text
    .replace(/(Access=|Credential=)[^,\s/]+/g, '$1<access-key>')
    .replace(/(Signature=)[0-9a-f]+/gi, '$1<redacted>')
    .replace(/(X-Security-Token|security[_-]?token)\s*[=:]\s*[^\s,&"']+/gi, '$1=<redacted>')
    .slice(0, 600);
}

function ofHttp(e: IotdaHttpError, what: string, ctx: ErrorContext): CloudError {
  const rid = e.requestId ? ` (request id ${e.requestId})` : '';
  const said = `${what}: IoTDA ${e.errorCode}: ${scrub(e.errorMsg)}${rid}`;
  const code = e.errorCode;
  if (e.status === 429 || code === 'APIGW.0308') return new CloudError(said, 'throttled', 'IoTDA is limiting the request rate; wait a moment and retry.', code, true);
  if (e.status === 401 || /^APIGW\.030[0-9]$/.test(code) || /^IOTDA\.00000[345]$/.test(code)) {
    const expired = code === 'APIGW.0307' || /expired/i.test(e.errorMsg);
    return new CloudError(said, 'credentials', keysHint(ctx.keysFrom, expired), code);
  }
  if (e.status === 403) {
    const instance = /instance/i.test(e.errorMsg);
    return new CloudError(
      said,
      'config',
      instance
        ? 'Check the profile\'s "IoTDA instance id" (instanceId): IoTDA console → Overview → instance details; leave it empty for a basic-edition instance.'
        : 'Check the profile\'s "Project id" (projectId): IAM → My Credentials → API Credentials, the project of the profile\'s region.',
      code,
    );
  }
  if (e.status === 404) return new CloudError(said, 'not-found', undefined, code);
  if (e.status >= 500) return new CloudError(said, 'unavailable', 'IoTDA is having trouble; retry in a moment.', code, true);
  if (e.status === 409) return new CloudError(said, 'already-exists', undefined, code);
  return new CloudError(said, 'invalid', undefined, code);
}

/** The kit's classifier for Huawei calls. */
export function huaweiClassifier(ctx: ErrorContext) {
  return (e: unknown, what: string): CloudErrorShape => {
    if (isCloudError(e)) return e;
    if (e instanceof IotdaHttpError) return ofHttp(e, what, ctx);
    const err = e as { message?: string; cause?: { code?: string; message?: string } };
    const text = `${err?.message ?? String(e)} ${err?.cause?.code ?? ''} ${err?.cause?.message ?? ''}`;
    if (NETWORK.test(text)) {
      return new CloudError(`${what}: the connection failed (${scrub(text.trim())}).`, 'unavailable', 'Check the profile\'s endpoint (region or endpoint override), the network and any proxy, then retry.', 'NetworkError', true);
    }
    return new CloudError(`${what}: ${scrub(text.trim())}`, 'unknown');
  };
}
